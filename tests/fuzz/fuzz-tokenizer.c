// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-tokenizer"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-error.h"
#include "sp-tokenizer.h"

/* The tokenizer on any bytes. The first byte picks the encoding; the rest
 * is the text. Invariants:
 *  - valid UTF-8 (NUL included) encodes in every mode but DISALLOW_SPECIAL,
 *    and decode (encode (x)) == x, with ids below the vocabulary size;
 *  - count () agrees with encode ();
 *  - DISALLOW_SPECIAL, when it succeeds, and REPLACE_INVALID on valid
 *    text give the ordinary ids;
 *  - invalid UTF-8 is an SP_ERROR_INVALID_INPUT error, unless
 *    REPLACE_INVALID, which always encodes to text that decodes as valid
 *    UTF-8;
 *  - the input's bytes read as ids decode to the bytes of each id decoded
 *    alone, or fail when one of them does: ids past the vocabulary and
 *    the unused ids below it (cl100k_base and o200k_base have gaps before
 *    their special tokens) are errors, as in tiktoken. */

/* Valid UTF-8 where NUL bytes are ordinary characters. */
static gboolean
is_valid_text (const char *text,
               size_t      length)
{
  const char *end = text + length;

  while (text < end)
    {
      const char *nul = memchr (text, '\0', end - text);
      const char *stop = nul != NULL ? nul : end;

      if (!g_utf8_validate (text, stop - text, NULL))
        return FALSE;
      text = nul != NULL ? nul + 1 : end;
    }
  return TRUE;
}

static GArray *
encode_checked (SpTokenizer      *tokenizer,
                const char       *text,
                size_t            length,
                SpTokenizerFlags  flags,
                GError          **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GError) count_error = NULL;
  gsize n_tokens = 0;
  guint i;

  ids = sp_tokenizer_encode (tokenizer, text, length, flags, error);
  if (!sp_tokenizer_count (tokenizer, text, length, flags, &n_tokens, &count_error))
    {
      g_assert_null (ids);
      return NULL;
    }
  g_assert_nonnull (ids);
  g_assert_cmpuint (n_tokens, ==, ids->len);
  /* Nothing makes a token of nothing. */
  g_assert_true ((ids->len == 0) == (length == 0));

  for (i = 0; i < ids->len; i++)
    g_assert_cmpuint (g_array_index (ids, guint32, i), <, sp_tokenizer_get_n_vocab (tokenizer));

  decoded = sp_tokenizer_decode (tokenizer, (const guint32 *) (void *) ids->data, ids->len, NULL);
  g_assert_nonnull (decoded);
  if (!(flags & SP_TOKENIZER_REPLACE_INVALID) || is_valid_text (text, length))
    g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), text, length);
  else
    g_assert_true (is_valid_text (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded)));

  return g_steal_pointer (&ids);
}

static void
assert_same_ids (GArray *a,
                 GArray *b)
{
  g_assert_cmpmem (a->data, a->len * sizeof (guint32), b->data, b->len * sizeof (guint32));
}

static void
decode_any (SpTokenizer   *tokenizer,
            const uint8_t *data,
            size_t         size)
{
  g_autofree guint32 *ids = g_new0 (guint32, size / 2 + 1);
  g_autoptr(GByteArray) joined = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint n_vocab = sp_tokenizer_get_n_vocab (tokenizer);
  gboolean all_known = TRUE;
  size_t n = size / 2;
  size_t i;

  /* Two bytes an id, scaled past the vocabulary now and then. */
  for (i = 0; i < n; i++)
    {
      g_autoptr(GBytes) one = NULL;
      g_autoptr(GError) one_error = NULL;

      ids[i] = ((guint32) data[2 * i] << 8 | data[2 * i + 1]) * (n_vocab / 60000 + 1);
      one = sp_tokenizer_decode (tokenizer, &ids[i], 1, &one_error);
      if (ids[i] >= n_vocab)
        g_assert_null (one);
      if (one == NULL)
        {
          g_assert_nonnull (one_error);
          all_known = FALSE;
        }
      else
        g_byte_array_append (joined, g_bytes_get_data (one, NULL), g_bytes_get_size (one));
    }

  bytes = sp_tokenizer_decode (tokenizer, ids, n, &error);
  if (!all_known)
    {
      g_assert_null (bytes);
      g_assert_nonnull (error);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), joined->data, joined->len);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char * const *encodings = sp_tokenizer_list_encodings ();
  SpTokenizer *tokenizer;
  g_autoptr(GArray) ordinary = NULL;
  g_autoptr(GArray) special = NULL;
  g_autoptr(GArray) disallowed = NULL;
  g_autoptr(GArray) replaced = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  size_t length;
  gboolean valid;

  fuzz_init ();

  if (size == 0)
    return 0;
  tokenizer = sp_tokenizer_get_for_encoding (encodings[data[0] % g_strv_length ((char **) encodings)], &error);
  g_assert_no_error (error);
  text = (const char *) data + 1;
  length = size - 1;
  valid = is_valid_text (text, length);

  ordinary = encode_checked (tokenizer, text, length, SP_TOKENIZER_ORDINARY, &error);
  if (valid)
    g_assert_no_error (error);
  else
    {
      g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
      g_assert_null (ordinary);
      g_clear_error (&error);
    }

  special = encode_checked (tokenizer, text, length, SP_TOKENIZER_ALLOW_SPECIAL, &error);
  g_assert_true ((special != NULL) == valid);
  g_clear_error (&error);

  disallowed = encode_checked (tokenizer, text, length, SP_TOKENIZER_DISALLOW_SPECIAL, &error);
  if (disallowed != NULL)
    assert_same_ids (disallowed, ordinary);
  else
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  replaced = encode_checked (tokenizer, text, length, SP_TOKENIZER_REPLACE_INVALID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (replaced);
  if (valid)
    assert_same_ids (replaced, ordinary);

  decode_any (tokenizer, data, size);
  return 0;
}
