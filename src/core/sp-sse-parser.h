// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SP_TYPE_SSE_PARSER (sp_sse_parser_get_type ())
G_DECLARE_FINAL_TYPE (SpSseParser, sp_sse_parser, SP, SSE_PARSER, GObject)

/* Called once per dispatched event. @event is "message" when the stream
 * named none; @data is the "data:" lines joined with "\n". */
typedef void (*SpSseEventFunc) (const char *event,
                                const char *data,
                                const char *id,
                                gpointer    user_data);

/* A byte-level incremental parser for text/event-stream: LF, CRLF and CR
 * line ends (a CR at the end of one read and an LF at the start of the next
 * are one line end), multi-line data, comments, a BOM, events split across
 * reads at any byte. */
SpSseParser *sp_sse_parser_new       (SpSseEventFunc  func,
                                      gpointer        user_data);
void         sp_sse_parser_feed      (SpSseParser    *self,
                                      const char     *bytes,
                                      gsize           length);
/* End of stream: an unterminated last event is dropped, as the spec says. */
void         sp_sse_parser_finish    (SpSseParser    *self);
/* Bytes buffered for an incomplete line and an undispatched event's data;
 * lets callers bound memory. */
gsize        sp_sse_parser_get_pending (SpSseParser  *self);

G_END_DECLS
