// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-client.h"
#include "sp-error.h"

G_BEGIN_DECLS

/* Makes the body of one attempt: a fresh stream each time, since a retry
 * sends it again. Called on the caller's thread; must not block. */
typedef GInputStream *(*SpClientBodyFunc) (gpointer   user_data,
                                           goffset   *length,
                                           GError   **error);

/* Bytes of the request body written so far, out of @total. Called on the
 * caller's main context; starts again from 0 when a request is retried. */
typedef void (*SpClientProgressFunc) (goffset  sent,
                                      goffset  total,
                                      gpointer user_data);

/* One REST call to an OpenAI-compatible API beyond generation: files and
 * fine-tuning. It goes through the same retries, deadlines, redirect
 * refusal, key scrubbing and JSON checks as a chat request. The struct
 * is read during sp_client_call_async() only; the call keeps what it
 * needs (a reference on @json_body, @download_to and @body_data). */
typedef struct
{
  const char           *method;        /* SOUP_METHOD_GET, … */
  const char           *path;          /* after the base URL: "/files/ID" */
  SpErrorContext        error_context; /* the words for HTTP errors */
  const char           *model;         /* (nullable): named in errors */

  GBytes               *json_body;     /* (nullable): sent as application/json */

  /* A streamed body instead, made anew for every attempt. Without a
   * whole-request deadline: an inactivity deadline (the client's
   * idle_timeout_ms) runs while it is written, the whole-request one
   * (request_timeout_ms) only once it is out. */
  const char           *content_type;
  SpClientBodyFunc      body_func;
  gpointer              body_data;
  GDestroyNotify        body_data_free;
  SpClientProgressFunc  progress_func;
  gpointer              progress_data;

  /* (nullable): a successful answer's body is spliced here instead of
   * parsed; the stream is not closed. Such a call is not retried once a
   * byte may have been written. */
  GOutputStream        *download_to;
} SpClientCall;

/* The answer: the parsed JSON of a successful answer (any JSON value),
 * or for a download a node holding the number of bytes written. The
 * offline provider fails with SP_ERROR_UNSUPPORTED. */
void      sp_client_call_async  (SpClient            *self,
                                 const SpClientCall  *call,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
JsonNode *sp_client_call_finish (SpClient            *self,
                                 GAsyncResult        *result,
                                 GError             **error);

/* Percent-encodes @id for a path segment, so an id from a file or a
 * server can never reach another path. */
char     *sp_client_escape_id   (const char          *id);

G_END_DECLS
