// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-sse-parser"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-sse-parser.h"

/* The SSE parser on bytes from a server. The first byte says how many of
 * the following bytes are a chunking pattern; the rest is the stream.
 * Invariants:
 *  - the events do not depend on where the reads split the stream;
 *  - with its CRs dropped, the stream gives the same events whether its
 *    line ends are LF, CRLF or CR;
 *  - events have a name ("message" when the stream gave none), and no line
 *    ends in a name, a data or an id (a NUL byte ends each, the callback
 *    taking C strings, so a name may then look empty);
 *  - pending bytes are never more than what was fed, and none after finish;
 *  - nothing leaks (the parser is finalized). */

#define MAX_PATTERN 8

typedef struct
{
  GString  *out;
  gboolean  has_nul;
} Events;

static void
collect_cb (const char *event,
            const char *data,
            const char *id,
            gpointer    user_data)
{
  Events *events = user_data;
  GString *out = events->out;

  g_assert_nonnull (event);
  g_assert_nonnull (data);
  g_assert_true (*event != '\0' || events->has_nul);
  g_assert_null (strpbrk (event, "\r\n"));
  g_assert_null (strchr (data, '\r'));
  g_assert_true (id == NULL || strpbrk (id, "\r\n") == NULL);

  /* Lengths first, so no event's text can fake a separator. */
  g_string_append_printf (out, "%zu:%s|%zu:%s|%zu:%s\n",
                          strlen (event), event, strlen (data), data,
                          id != NULL ? strlen (id) : 0, id != NULL ? id : "(null)");
}

static char *
parse (const char    *stream,
       size_t         length,
       const uint8_t *pattern,
       size_t         pattern_length)
{
  Events events = { g_string_new (NULL), memchr (stream, '\0', length) != NULL };
  g_autoptr(SpSseParser) parser = sp_sse_parser_new (collect_cb, &events);
  size_t offset = 0;
  size_t index = 0;

  while (offset < length)
    {
      size_t n = pattern != NULL ? fuzz_chunk_length (pattern, pattern_length, index++)
                                 : length;

      n = MIN (n, length - offset);
      sp_sse_parser_feed (parser, stream + offset, n);
      offset += n;
      g_assert_cmpuint (sp_sse_parser_get_pending (parser), <=, offset);
    }
  sp_sse_parser_finish (parser);
  g_assert_cmpuint (sp_sse_parser_get_pending (parser), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&parser));
  return g_string_free (events.out, FALSE);
}

/* @stream without CRs, its LFs replaced by @line_end. */
static char *
with_line_ends (const char *stream,
                size_t      length,
                const char *line_end,
                size_t     *out_length)
{
  GString *out = g_string_sized_new (length * 2);
  size_t i;

  for (i = 0; i < length; i++)
    {
      if (stream[i] == '\r')
        continue;
      if (stream[i] == '\n')
        g_string_append (out, line_end);
      else
        g_string_append_c (out, stream[i]);
    }
  *out_length = out->len;
  return g_string_free (out, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const line_ends[] = { "\r\n", "\r" };
  const uint8_t *pattern;
  size_t pattern_length;
  const char *stream;
  size_t length;
  g_autofree char *whole = NULL;
  g_autofree char *chunked = NULL;
  g_autofree char *lf = NULL;
  g_autofree char *lf_events = NULL;
  size_t lf_length;
  guint i;

  fuzz_init ();

  if (size == 0)
    return 0;
  pattern_length = MIN ((size_t) data[0] % (MAX_PATTERN + 1), size - 1);
  pattern = data + 1;
  stream = (const char *) data + 1 + pattern_length;
  length = size - 1 - pattern_length;

  whole = parse (stream, length, NULL, 0);
  chunked = parse (stream, length, pattern, pattern_length);
  g_assert_cmpstr (whole, ==, chunked);

  lf = with_line_ends (stream, length, "\n", &lf_length);
  lf_events = parse (lf, lf_length, pattern, pattern_length);
  for (i = 0; i < G_N_ELEMENTS (line_ends); i++)
    {
      g_autofree char *other = NULL;
      g_autofree char *other_events = NULL;
      size_t other_length;

      other = with_line_ends (stream, length, line_ends[i], &other_length);
      other_events = parse (other, other_length, pattern, pattern_length);
      g_assert_cmpstr (lf_events, ==, other_events);
    }

  return 0;
}
