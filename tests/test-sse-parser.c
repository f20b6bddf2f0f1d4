// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-sse-parser"

#include "config.h"

#include <string.h>

#include "sp-sse-parser.h"

typedef struct
{
  const char *name;
  const char *stream;
  const char *expected;  /* events as "event|data|id" joined by "\n--\n" */
} SseCase;

static void
collect_cb (const char *event,
            const char *data,
            const char *id,
            gpointer    user_data)
{
  GString *out = user_data;

  if (out->len > 0)
    g_string_append (out, "\n--\n");
  g_string_append_printf (out, "%s|%s|%s", event, data, id != NULL ? id : "(null)");
}

static char *
parse_in_pieces (const char *stream,
                 gsize       length,
                 const gsize *cuts,
                 guint       n_cuts)
{
  GString *out = g_string_new (NULL);
  g_autoptr(SpSseParser) parser = sp_sse_parser_new (collect_cb, out);
  gsize start = 0;
  guint i;

  for (i = 0; i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : length;

      sp_sse_parser_feed (parser, stream + start, end - start);
      start = end;
    }
  sp_sse_parser_finish (parser);

  g_assert_finalize_object (g_steal_pointer (&parser));
  return g_string_free (out, FALSE);
}

static const SseCase cases[] = {
  { "lf",
    "data: one\n\ndata: two\n\n",
    "message|one|(null)\n--\nmessage|two|(null)" },
  { "crlf",
    "data: one\r\n\r\ndata: two\r\n\r\n",
    "message|one|(null)\n--\nmessage|two|(null)" },
  { "cr",
    "data: one\r\rdata: two\r\r",
    "message|one|(null)\n--\nmessage|two|(null)" },
  { "mixed-line-ends",
    "data: a\r\ndata: b\rdata: c\n\r\n",
    "message|a\nb\nc|(null)" },
  { "multi-line-data",
    "data: first\ndata: second\ndata:\ndata:third\n\n",
    "message|first\nsecond\n\nthird|(null)" },
  { "comments",
    ": keep-alive\n:another\ndata: x\n: inside\n\n: trailing\n\n",
    "message|x|(null)" },
  { "bom",
    "\xEF\xBB\xBF" "data: after bom\n\n",
    "message|after bom|(null)" },
  { "event-and-id",
    "event: error\nid: 7\ndata: {\"error\": 1}\n\ndata: plain\n\n",
    "error|{\"error\": 1}|7\n--\nmessage|plain|7" },
  { "field-without-colon",
    "data\n\ndata: x\nevent\n\n",
    "message||(null)\n--\nmessage|x|(null)" },
  { "no-data-no-event",
    "event: ping\n\nid: 3\n\ndata: y\n\n",
    "message|y|3" },
  { "unknown-fields-and-retry",
    "retry: 100\nfoo: bar\ndata: z\n\n",
    "message|z|(null)" },
  { "only-one-space-stripped",
    "data:  two spaces\n\n",
    "message| two spaces|(null)" },
  { "openai-like",
    "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\" there\"}}]}\n\n"
    "data: [DONE]\n\n",
    "message|{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}|(null)\n--\n"
    "message|{\"choices\":[{\"delta\":{\"content\":\" there\"}}]}|(null)\n--\n"
    "message|[DONE]|(null)" },
  { "no-trailing-blank-line",
    "data: complete\n\ndata: incomplete\n",
    "message|complete|(null)" },
  { "no-trailing-line-end",
    "data: complete\r\n\r\ndata: incomplete",
    "message|complete|(null)" },
  { "utf8",
    "data: caf\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x9A\x80\n\n",
    "message|caf\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x9A\x80|(null)" },
};

static void
test_whole (gconstpointer data)
{
  const SseCase *c = data;
  g_autofree char *got = parse_in_pieces (c->stream, strlen (c->stream), NULL, 0);

  g_assert_cmpstr (got, ==, c->expected);
}

/* Every single split point, and every pair of split points, must give the
 * same events as the whole stream. */
static void
test_split_at_every_byte (gconstpointer data)
{
  const SseCase *c = data;
  gsize length = strlen (c->stream);
  gsize i, j;

  for (i = 0; i <= length; i++)
    {
      gsize cuts[1] = { i };
      g_autofree char *got = parse_in_pieces (c->stream, length, cuts, 1);

      g_assert_cmpstr (got, ==, c->expected);
    }

  for (i = 0; i <= length; i++)
    for (j = i; j <= length; j++)
      {
        gsize cuts[2] = { i, j };
        g_autofree char *got = parse_in_pieces (c->stream, length, cuts, 2);

        g_assert_cmpstr (got, ==, c->expected);
      }
}

static void
test_byte_by_byte (gconstpointer data)
{
  const SseCase *c = data;
  gsize length = strlen (c->stream);
  g_autofree gsize *cuts = g_new (gsize, length + 1);
  g_autofree char *got = NULL;
  gsize i;

  for (i = 0; i < length; i++)
    cuts[i] = i;
  got = parse_in_pieces (c->stream, length, cuts, length);

  g_assert_cmpstr (got, ==, c->expected);
}

static void
test_cr_then_lf_across_reads (void)
{
  GString *out = g_string_new (NULL);
  g_autoptr(SpSseParser) parser = sp_sse_parser_new (collect_cb, out);

  /* The CR ends the line, the LF in the next read belongs to it: there
   * must be no empty line between, so one event with two data lines. */
  sp_sse_parser_feed (parser, "data: a\r", 8);
  sp_sse_parser_feed (parser, "\ndata: b\r", 9);
  sp_sse_parser_feed (parser, "\n\r", 2);
  sp_sse_parser_feed (parser, "\n", 1);

  g_assert_cmpstr (out->str, ==, "message|a\nb|(null)");
  g_string_free (out, TRUE);
}

static void
test_pending (void)
{
  GString *out = g_string_new (NULL);
  g_autoptr(SpSseParser) parser = sp_sse_parser_new (collect_cb, out);

  sp_sse_parser_feed (parser, "data: 12345", 11);
  g_assert_cmpuint (sp_sse_parser_get_pending (parser), ==, 11);
  sp_sse_parser_feed (parser, "\n", 1);
  g_assert_cmpuint (sp_sse_parser_get_pending (parser), ==, 6);
  sp_sse_parser_feed (parser, "\n", 1);
  g_assert_cmpuint (sp_sse_parser_get_pending (parser), ==, 0);
  g_assert_cmpstr (out->str, ==, "message|12345|(null)");

  g_string_free (out, TRUE);
}

static void
test_not_a_bom (void)
{
  const char *rest = "\xBF" "data: x\n\n" "data: \xEF\xBB\xBF" "y\n\n";
  GString *out = g_string_new (NULL);
  g_autoptr(SpSseParser) parser = sp_sse_parser_new (collect_cb, out);

  /* Only the start of the stream may hold a BOM; a later one is text. */
  sp_sse_parser_feed (parser, "\xEF\xBB", 2);
  sp_sse_parser_feed (parser, rest, strlen (rest));
  g_assert_cmpstr (out->str, ==, "message|x|(null)\n--\nmessage|\xEF\xBB\xBF" "y|(null)");

  g_string_free (out, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *whole = g_strdup_printf ("/sp/sse-parser/whole/%s", cases[i].name);
      g_autofree char *split = g_strdup_printf ("/sp/sse-parser/split-at-every-byte/%s", cases[i].name);
      g_autofree char *bytes = g_strdup_printf ("/sp/sse-parser/byte-by-byte/%s", cases[i].name);

      g_test_add_data_func (whole, &cases[i], test_whole);
      g_test_add_data_func (split, &cases[i], test_split_at_every_byte);
      g_test_add_data_func (bytes, &cases[i], test_byte_by_byte);
    }

  g_test_add_func ("/sp/sse-parser/cr-then-lf-across-reads", test_cr_then_lf_across_reads);
  g_test_add_func ("/sp/sse-parser/pending", test_pending);
  g_test_add_func ("/sp/sse-parser/bom-only-at-start", test_not_a_bom);

  return g_test_run ();
}
