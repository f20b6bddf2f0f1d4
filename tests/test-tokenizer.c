// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-tokenizer"

#include "config.h"

#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sp-error.h"
#include "sp-tokenizer.h"

static const char * const all_encodings[] = {
  "o200k_base", "cl100k_base", "p50k_base", "r50k_base",
};

static JsonObject *fixture;

static void
load_fixture (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "tokenizer-fixture.json", NULL);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  fixture = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static SpTokenizer *
get_tokenizer (const char *encoding)
{
  g_autoptr(GError) error = NULL;
  SpTokenizer *tokenizer = sp_tokenizer_get_for_encoding (encoding, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tokenizer);
  return tokenizer;
}

static void
assert_ids_equal (GArray     *ids,
                  JsonArray  *expected,
                  const char *encoding,
                  const char *text)
{
  guint n = json_array_get_length (expected);

  for (guint i = 0; i < MIN (n, ids->len); i++)
    {
      guint32 want = json_array_get_int_element (expected, i);

      if (g_array_index (ids, guint32, i) != want)
        g_error ("%s: token %u of “%.60s” is %u, tiktoken says %u",
                 encoding, i, text, g_array_index (ids, guint32, i), want);
    }
  if (ids->len != n)
    g_error ("%s: “%.60s” has %u tokens, tiktoken says %u", encoding, text, ids->len, n);
}

static void
assert_round_trip (SpTokenizer *tokenizer,
                   GArray      *ids,
                   const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  const char *data;

  bytes = sp_tokenizer_decode (tokenizer, (const guint32 *) (gpointer) ids->data, ids->len, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &length);
  g_assert_cmpmem (data, length, text, strlen (text));
}

static void
test_parity (gconstpointer data)
{
  const char *encoding = data;
  SpTokenizer *tokenizer = get_tokenizer (encoding);
  JsonArray *cases = json_object_get_array_member (fixture, "cases");
  g_autofree char *special_key = g_strconcat (encoding, ":special", NULL);

  g_assert_cmpuint (json_array_get_length (cases), >, 50);

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *entry = json_array_get_object_element (cases, i);
      const char *text = json_object_get_string_member (entry, "text");
      JsonArray *ordinary = json_object_get_array_member (entry, encoding);
      JsonArray *special = json_object_has_member (entry, special_key)
                           ? json_object_get_array_member (entry, special_key)
                           : ordinary;
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GArray) special_ids = NULL;
      gsize count = 0;

      ids = sp_tokenizer_encode (tokenizer, text, -1, SP_TOKENIZER_ORDINARY, &error);
      g_assert_no_error (error);
      assert_ids_equal (ids, ordinary, encoding, text);
      assert_round_trip (tokenizer, ids, text);

      special_ids = sp_tokenizer_encode (tokenizer, text, -1, SP_TOKENIZER_ALLOW_SPECIAL, &error);
      g_assert_no_error (error);
      assert_ids_equal (special_ids, special, encoding, text);
      assert_round_trip (tokenizer, special_ids, text);

      g_assert_true (sp_tokenizer_count (tokenizer, text, -1, SP_TOKENIZER_ORDINARY, &count, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count, ==, ids->len);
    }
}

static void
test_chat (gconstpointer data)
{
  const char *encoding = data;
  SpTokenizer *tokenizer = get_tokenizer (encoding);
  JsonArray *chats = json_object_get_array_member (fixture, "chats");

  for (guint i = 0; i < json_array_get_length (chats); i++)
    {
      JsonObject *entry = json_array_get_object_element (chats, i);
      g_autoptr(GError) error = NULL;
      gsize count = 0;

      g_assert_true (sp_tokenizer_count_chat (tokenizer,
                                              json_object_get_array_member (entry, "messages"),
                                              &count, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count, ==, json_object_get_int_member (entry, encoding));
    }
}

static void
test_chat_content_parts (void)
{
  SpTokenizer *tokenizer = get_tokenizer ("o200k_base");
  g_autoptr(JsonNode) plain = json_from_string ("[{\"role\":\"user\",\"content\":\"Hello there\"}]", NULL);
  g_autoptr(JsonNode) parts = json_from_string ("[{\"role\":\"user\",\"content\":"
                                                "[{\"type\":\"text\",\"text\":\"Hello there\"}]},"
                                                "{\"role\":\"assistant\",\"content\":\"ok\",\"weight\":0}]",
                                                NULL);
  g_autoptr(JsonNode) bad = json_from_string ("[{\"role\":\"user\",\"content\":\"hi\"}, 42]", NULL);
  g_autoptr(GError) error = NULL;
  gsize n_plain = 0, n_parts = 0, n_ok = 0;

  g_assert_true (sp_tokenizer_count_chat (tokenizer, json_node_get_array (plain), &n_plain, &error));
  g_assert_no_error (error);
  g_assert_true (sp_tokenizer_count (tokenizer, "ok", -1, SP_TOKENIZER_ORDINARY, &n_ok, NULL));
  g_assert_true (sp_tokenizer_count_chat (tokenizer, json_node_get_array (parts), &n_parts, &error));
  g_assert_no_error (error);
  /* The second message: 3 + "assistant" (1) + "ok"; the weight counts nothing. */
  g_assert_cmpuint (n_parts, ==, n_plain + 3 + 1 + n_ok);

  g_assert_false (sp_tokenizer_count_chat (tokenizer, json_node_get_array (bad), &n_plain, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
}

typedef struct
{
  const char *model;
  const char *encoding;  /* NULL: unknown */
} ModelCase;

static const ModelCase model_cases[] = {
  { "gpt-4o", "o200k_base" },
  { "gpt-4o-mini", "o200k_base" },
  { "gpt-4o-2024-08-06", "o200k_base" },
  { "chatgpt-4o-latest", "o200k_base" },
  { "gpt-4.1", "o200k_base" },
  { "gpt-4.1-mini", "o200k_base" },
  { "gpt-4.1-nano-2025-04-14", "o200k_base" },
  { "gpt-4.5-preview", "o200k_base" },
  { "o1", "o200k_base" },
  { "o1-mini", "o200k_base" },
  { "o3", "o200k_base" },
  { "o3-mini-2025-01-31", "o200k_base" },
  { "o4-mini", "o200k_base" },
  { "gpt-5", "o200k_base" },
  { "gpt-5-mini", "o200k_base" },
  { "gpt-4", "cl100k_base" },
  { "gpt-4-turbo", "cl100k_base" },
  { "gpt-4-0613", "cl100k_base" },
  { "gpt-3.5-turbo", "cl100k_base" },
  { "gpt-3.5-turbo-0125", "cl100k_base" },
  { "gpt-35-turbo", "cl100k_base" },
  { "davinci-002", "cl100k_base" },
  { "babbage-002", "cl100k_base" },
  { "text-embedding-3-small", "cl100k_base" },
  { "text-embedding-3-large", "cl100k_base" },
  { "text-embedding-ada-002", "cl100k_base" },
  { "text-davinci-003", "p50k_base" },
  { "text-davinci-002", "p50k_base" },
  { "code-davinci-002", "p50k_base" },
  { "code-cushman-001", "p50k_base" },
  { "text-davinci-001", "r50k_base" },
  { "davinci", "r50k_base" },
  { "curie", "r50k_base" },
  { "babbage", "r50k_base" },
  { "ada", "r50k_base" },
  { "text-similarity-ada-001", "r50k_base" },
  { "code-search-ada-code-001", "r50k_base" },
  /* Fine-tuned ids map through their base model. */
  { "ft:gpt-4o-mini-2024-07-18:my-org::9abcDEF", "o200k_base" },
  { "ft:gpt-4o-2024-08-06:org:custom-suffix:AbC123", "o200k_base" },
  { "ft:gpt-4.1-nano-2025-04-14:org::x", "o200k_base" },
  { "ft:gpt-3.5-turbo-0125:org::abc", "cl100k_base" },
  { "ft:gpt-4-0613:org::abc", "cl100k_base" },
  { "ft:davinci-002:org:suffix:abc", "cl100k_base" },
  { "ft:babbage-002:org::abc", "cl100k_base" },
  { "davinci:ft-personal-2023-01-15-10-20-30", "r50k_base" },
  { "curie:ft-acme:prompts-2023-02-01-00-00-00", "r50k_base" },
  { "openai/gpt-4o-mini", "o200k_base" },
  /* Unknown models have no tokenizer rather than a wrong one. */
  { "llama3.1:8b", NULL },
  { "mistral-large-latest", NULL },
  { "gpt", NULL },
  { "", NULL },
  { "ft:", NULL },
};

static void
test_model (gconstpointer data)
{
  const ModelCase *c = data;
  g_autoptr(GError) error = NULL;
  SpTokenizer *tokenizer;

  g_assert_cmpstr (sp_tokenizer_encoding_for_model (c->model), ==, c->encoding);

  tokenizer = sp_tokenizer_get_for_model (c->model, &error);
  if (c->encoding != NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (sp_tokenizer_get_name (tokenizer), ==, c->encoding);
    }
  else
    {
      g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
      g_assert_null (tokenizer);
    }
}

static void
test_models_fixture (void)
{
  JsonObject *models = json_object_get_object_member (fixture, "models");
  JsonObjectIter iter;
  const char *model;
  JsonNode *node;
  guint n = 0;

  json_object_iter_init (&iter, models);
  while (json_object_iter_next (&iter, &model, &node))
    {
      g_assert_cmpstr (sp_tokenizer_encoding_for_model (model), ==, json_node_get_string (node));
      n++;
    }
  g_assert_cmpuint (n, >, 50);
}

static void
test_encodings (void)
{
  const char * const *names = sp_tokenizer_list_encodings ();
  g_autoptr(GError) error = NULL;
  guint32 id = 0;

  g_assert_cmpuint (g_strv_length ((char **) names), ==, G_N_ELEMENTS (all_encodings));
  for (guint i = 0; i < G_N_ELEMENTS (all_encodings); i++)
    g_assert_true (g_strv_contains (names, all_encodings[i]));

  g_assert_cmpuint (sp_tokenizer_get_n_vocab (get_tokenizer ("o200k_base")), ==, 200019);
  g_assert_cmpuint (sp_tokenizer_get_n_vocab (get_tokenizer ("cl100k_base")), ==, 100277);
  g_assert_cmpuint (sp_tokenizer_get_n_vocab (get_tokenizer ("p50k_base")), ==, 50281);
  g_assert_cmpuint (sp_tokenizer_get_n_vocab (get_tokenizer ("r50k_base")), ==, 50257);
  g_assert_true (get_tokenizer ("gpt2") == get_tokenizer ("r50k_base"));
  g_assert_true (get_tokenizer ("cl100k_base") == get_tokenizer ("cl100k_base"));

  g_assert_true (sp_tokenizer_lookup_special (get_tokenizer ("cl100k_base"), "<|endoftext|>", &id));
  g_assert_cmpuint (id, ==, 100257);
  g_assert_false (sp_tokenizer_lookup_special (get_tokenizer ("cl100k_base"), "<|im_start|>", &id));

  g_assert_null (sp_tokenizer_get_for_encoding ("p50k_edit", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
}

static void
test_disallow_special (void)
{
  SpTokenizer *tokenizer = get_tokenizer ("cl100k_base");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  gsize count = 0;

  ids = sp_tokenizer_encode (tokenizer, "a <|endoftext|> b", -1, SP_TOKENIZER_DISALLOW_SPECIAL, &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_null (ids);
  g_clear_error (&error);

  /* Text that only looks like a special token is fine. */
  g_assert_true (sp_tokenizer_count (tokenizer, "<|im_start|> <|endoftext", -1,
                                     SP_TOKENIZER_DISALLOW_SPECIAL, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, >, 0);
}

static void
test_decode_invalid (void)
{
  SpTokenizer *tokenizer = get_tokenizer ("p50k_base");
  const guint32 bad[] = { 100, 50281 };
  const guint32 hole[] = { 100261 };
  const guint32 special[] = { 50256 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_null (sp_tokenizer_decode (tokenizer, bad, G_N_ELEMENTS (bad), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* cl100k_base has unused ids between its special tokens. */
  g_assert_null (sp_tokenizer_decode (get_tokenizer ("cl100k_base"), hole, 1, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (sp_tokenizer_decode (get_tokenizer ("cl100k_base"), (const guint32[]) { 100270 }, 1, NULL));

  bytes = sp_tokenizer_decode (tokenizer, special, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "<|endoftext|>", 13);
}

static void
test_invalid_utf8 (gconstpointer data)
{
  SpTokenizer *tokenizer = get_tokenizer (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) expected = NULL;
  gsize count = 0;

  /* An error that says where, by default. */
  g_assert_false (sp_tokenizer_count (tokenizer, "caf\xC3 au lait", -1, SP_TOKENIZER_ORDINARY, &count, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "3"));
  g_clear_error (&error);
  g_assert_null (sp_tokenizer_encode (tokenizer, "\xFF\xFE", 2, SP_TOKENIZER_ORDINARY, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* A surrogate encoded in UTF-8 (CESU) is not UTF-8 either. */
  g_assert_null (sp_tokenizer_encode (tokenizer, "\xED\xA0\x80", 3, SP_TOKENIZER_ORDINARY, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* With REPLACE_INVALID, each maximal invalid subpart becomes one U+FFFD
   * (as Python's errors="replace" and TextDecoder do): "\xE2\x82" is one,
   * "\xFF\xFE" two. */
  ids = sp_tokenizer_encode (tokenizer, "x\xE2\x82y \xFF\xFEz\xC3", -1, SP_TOKENIZER_REPLACE_INVALID, &error);
  g_assert_no_error (error);
  expected = sp_tokenizer_encode (tokenizer, "x\xEF\xBF\xBDy \xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD", -1,
                                  SP_TOKENIZER_ORDINARY, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (ids->data, ids->len * 4, expected->data, expected->len * 4);

  /* NUL is a character like any other, not the end of the text. */
  g_clear_pointer (&ids, g_array_unref);
  ids = sp_tokenizer_encode (tokenizer, "a\0b", 3, SP_TOKENIZER_ORDINARY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, >=, 2);
  {
    g_autoptr(GBytes) bytes = sp_tokenizer_decode (tokenizer, (const guint32 *) (gpointer) ids->data, ids->len, &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "a\0b", 3);
  }
}

typedef struct
{
  const char *name;
  const char *unit;   /* NULL: spaces then a word */
  gsize       size;
} LargeCase;

#define MiB (1024 * 1024)

/* Runs that stress the regex (long backtracking) or the merge (one huge
 * piece): a 2 MiB whitespace run, 2 MiB without a space, and smaller runs
 * of every other class of character. */
static const LargeCase large_cases[] = {
  { "spaces", " ", 2 * MiB },
  { "spaces-then-word", NULL, 2 * MiB },
  { "letters", "a", 2 * MiB },
  { "punctuation", "!", 2 * MiB },
  { "tabs-and-spaces", " \t", MiB / 2 },
  { "newlines", "\n", MiB / 2 },
  { "space-newline", " \n", MiB / 2 },
  { "crlf", "\r\n", MiB / 2 },
  { "letter-pairs", "ab", MiB / 2 },
  { "upper", "Q", MiB / 2 },
  { "digits", "7", MiB / 2 },
  { "cjk", "字", MiB / 2 },
  { "emoji", "👩‍💻", MiB / 2 },
  { "combining", "\xCC\x81", MiB / 2 },
  { "nel", "\xC2\x85", MiB / 2 },
};

static void
test_large (gconstpointer data)
{
  const LargeCase *c = data;
  const gsize size = c->size;
  g_autoptr(GString) text = g_string_sized_new (size + 16);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (c->unit != NULL)
    {
      while (text->len < size)
        g_string_append (text, c->unit);
    }
  else
    {
      while (text->len < size)
        g_string_append_c (text, ' ');
      g_string_append (text, "word");
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_encodings); i++)
    {
      SpTokenizer *tokenizer = get_tokenizer (all_encodings[i]);
      double seconds;

      g_test_timer_start ();
      g_clear_pointer (&ids, g_array_unref);
      ids = sp_tokenizer_encode (tokenizer, text->str, text->len, SP_TOKENIZER_ORDINARY, &error);
      seconds = g_test_timer_elapsed ();
      g_assert_no_error (error);
      g_assert_cmpuint (ids->len, >, 0);
      g_test_message ("%s %s: %u tokens in %.3f s", all_encodings[i], c->name, ids->len, seconds);
      /* Generous enough for sanitizers and a loaded machine; a quadratic
       * run would take minutes. */
      g_assert_cmpfloat (seconds, <, 20.0);

      bytes = sp_tokenizer_decode (tokenizer, (const guint32 *) (gpointer) ids->data, ids->len, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), text->str, text->len);
      g_clear_pointer (&bytes, g_bytes_unref);
    }
}

typedef struct
{
  const char *file;
  const char *sha256;
} RankFile;

/* The hashes tiktoken's openai_public.py checks when it downloads them. */
static const RankFile rank_files[] = {
  { "o200k_base.tiktoken", "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d" },
  { "cl100k_base.tiktoken", "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7" },
  { "p50k_base.tiktoken", "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069" },
  { "r50k_base.tiktoken", "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930" },
};

static void
test_rank_file (gconstpointer data)
{
  const RankFile *rank_file = data;
  g_autofree char *path = g_strconcat ("/io/github/starprompt/Starprompt/tokenizers/", rank_file->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sha256 = NULL;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_assert_cmpstr (sha256, ==, rank_file->sha256);
}

static gpointer
encode_in_thread (gpointer data)
{
  JsonArray *cases = json_object_get_array_member (fixture, "cases");
  const char *encoding = all_encodings[GPOINTER_TO_UINT (data) % G_N_ELEMENTS (all_encodings)];
  SpTokenizer *tokenizer = sp_tokenizer_get_for_encoding (encoding, NULL);

  g_assert_nonnull (tokenizer);
  for (guint round = 0; round < 5; round++)
    {
      for (guint i = 0; i < json_array_get_length (cases); i++)
        {
          JsonObject *entry = json_array_get_object_element (cases, i);
          const char *text = json_object_get_string_member (entry, "text");
          g_autoptr(GArray) ids = sp_tokenizer_encode (tokenizer, text, -1, SP_TOKENIZER_ORDINARY, NULL);

          assert_ids_equal (ids, json_object_get_array_member (entry, encoding), encoding, text);
        }
    }

  return NULL;
}

static void
test_threads (void)
{
  GThread *threads[8];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("tokenize", encode_in_thread, GUINT_TO_POINTER (i));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

static void
count_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  gsize *count = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_null (source);
  g_assert_true (sp_tokenizer_count_finish (get_tokenizer ("o200k_base"), result, count, &error));
  g_assert_no_error (error);
}

static void
test_count_async (void)
{
  SpTokenizer *tokenizer = get_tokenizer ("o200k_base");
  const char *text = "Count me in a worker thread, please.";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  gsize expected = 0;
  gsize count = 0;

  g_assert_true (sp_tokenizer_count (tokenizer, text, -1, SP_TOKENIZER_ORDINARY, &expected, NULL));
  sp_tokenizer_count_async (tokenizer, bytes, SP_TOKENIZER_ORDINARY, NULL, count_cb, &count);
  while (count == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  load_fixture ();

  for (guint i = 0; i < G_N_ELEMENTS (all_encodings); i++)
    {
      g_autofree char *parity = g_strconcat ("/sp/tokenizer/parity/", all_encodings[i], NULL);
      g_autofree char *chat = g_strconcat ("/sp/tokenizer/chat/", all_encodings[i], NULL);
      g_autofree char *invalid = g_strconcat ("/sp/tokenizer/invalid-utf8/", all_encodings[i], NULL);

      g_test_add_data_func (parity, all_encodings[i], test_parity);
      g_test_add_data_func (chat, all_encodings[i], test_chat);
      g_test_add_data_func (invalid, all_encodings[i], test_invalid_utf8);
    }
  g_test_add_func ("/sp/tokenizer/chat/content-parts", test_chat_content_parts);
  g_test_add_func ("/sp/tokenizer/encodings", test_encodings);
  g_test_add_func ("/sp/tokenizer/special/disallow", test_disallow_special);
  g_test_add_func ("/sp/tokenizer/decode/invalid", test_decode_invalid);
  g_test_add_func ("/sp/tokenizer/models/tiktoken", test_models_fixture);
  for (guint i = 0; i < G_N_ELEMENTS (model_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/tokenizer/models/%u", i);

      g_test_add_data_func (path, &model_cases[i], test_model);
    }
  for (guint i = 0; i < G_N_ELEMENTS (large_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/sp/tokenizer/large/", large_cases[i].name, NULL);

      g_test_add_data_func (path, &large_cases[i], test_large);
    }
  for (guint i = 0; i < G_N_ELEMENTS (rank_files); i++)
    {
      g_autofree char *path = g_strconcat ("/sp/tokenizer/rank-file-sha256/", rank_files[i].file, NULL);

      g_test_add_data_func (path, &rank_files[i], test_rank_file);
    }
  g_test_add_func ("/sp/tokenizer/threads", test_threads);
  g_test_add_func ("/sp/tokenizer/count-async", test_count_async);

  ret = g_test_run ();
  g_clear_pointer (&fixture, json_object_unref);
  return ret;
}
