// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A byte-pair encoder identical to OpenAI's tiktoken for o200k_base,
 * cl100k_base, p50k_base and r50k_base.
 *
 * A tokenizer is loaded lazily from the rank files in the core GResource the
 * first time it is asked for, then shared: it is immutable, owned by the
 * library, lives as long as the process, and every function below may be
 * called from any thread at the same time.
 *
 * Text is UTF-8. Invalid UTF-8 is an SP_ERROR_INVALID_INPUT error that names
 * the byte offset, unless SP_TOKENIZER_REPLACE_INVALID asks to replace each
 * invalid sequence with U+FFFD first (what a JSON parser or a browser would
 * send). NUL bytes are ordinary characters. */
typedef struct _SpTokenizer SpTokenizer;

/**
 * SpTokenizerFlags:
 * @SP_TOKENIZER_ORDINARY: special-token text such as `<|endoftext|>` is
 *   ordinary text, as tiktoken's `encode_ordinary()`.
 * @SP_TOKENIZER_ALLOW_SPECIAL: special-token text becomes the special token,
 *   as tiktoken's `encode(text, allowed_special="all")`.
 * @SP_TOKENIZER_DISALLOW_SPECIAL: special-token text is an error, as
 *   tiktoken's default `encode(text)`. Ignored with ALLOW_SPECIAL.
 * @SP_TOKENIZER_REPLACE_INVALID: replace invalid UTF-8 with U+FFFD instead
 *   of failing.
 */
typedef enum
{
  SP_TOKENIZER_ORDINARY         = 0,
  SP_TOKENIZER_ALLOW_SPECIAL    = 1 << 0,
  SP_TOKENIZER_DISALLOW_SPECIAL = 1 << 1,
  SP_TOKENIZER_REPLACE_INVALID  = 1 << 2,
} SpTokenizerFlags;

/* The per-message overheads of OpenAI's cookbook (num_tokens_from_messages)
 * for current chat models. */
#define SP_TOKENIZER_TOKENS_PER_MESSAGE 3
#define SP_TOKENIZER_TOKENS_PER_NAME    1
#define SP_TOKENIZER_TOKENS_REPLY_PRIME 3

/* NULL-terminated, static. */
const char * const *sp_tokenizer_list_encodings        (void);
/* The encoding of a model id, or NULL when it is unknown. Understands
 * dated ids (gpt-4o-2024-08-06), fine-tuned ids
 * (ft:gpt-4o-mini-2024-07-18:org::id, legacy davinci:ft-org-2023-01-01) and
 * a router prefix (openai/gpt-4o). Loads nothing. */
const char         *sp_tokenizer_encoding_for_model    (const char        *model);

/* Transfer none: the tokenizer is shared and never freed. */
SpTokenizer        *sp_tokenizer_get_for_encoding      (const char        *encoding,
                                                        GError           **error);
SpTokenizer        *sp_tokenizer_get_for_model         (const char        *model,
                                                        GError           **error);

const char         *sp_tokenizer_get_name              (SpTokenizer       *self);
/* One more than the largest token id, special tokens included. */
guint               sp_tokenizer_get_n_vocab           (SpTokenizer       *self);
/* The id of a special token such as "<|endoftext|>", or FALSE. */
gboolean            sp_tokenizer_lookup_special        (SpTokenizer       *self,
                                                        const char        *text,
                                                        guint32           *id);

/* @length may be -1 for a NUL-terminated string. Returns a GArray of
 * guint32 token ids, or NULL with @error set. */
GArray             *sp_tokenizer_encode                (SpTokenizer       *self,
                                                        const char        *text,
                                                        gssize             length,
                                                        SpTokenizerFlags   flags,
                                                        GError           **error);
/* The number of tokens sp_tokenizer_encode() would return, without
 * building the array. */
gboolean            sp_tokenizer_count                 (SpTokenizer       *self,
                                                        const char        *text,
                                                        gssize             length,
                                                        SpTokenizerFlags   flags,
                                                        gsize             *n_tokens,
                                                        GError           **error);
/* The bytes of the tokens; they need not be valid UTF-8 when the ids cut a
 * character in two. An id outside the vocabulary is an error. */
GBytes             *sp_tokenizer_decode                (SpTokenizer       *self,
                                                        const guint32     *ids,
                                                        gsize              n_ids,
                                                        GError           **error);

/* Counts a chat request or a training example as OpenAI's cookbook does:
 * each message costs SP_TOKENIZER_TOKENS_PER_MESSAGE plus the tokens of
 * each of its string members (role, content, name, …), a "name" member one
 * more, and the reply is primed with SP_TOKENIZER_TOKENS_REPLY_PRIME.
 * Content given as an array of parts counts the "text" of each part; other
 * non-string members (weight, tool calls) count nothing. Special-token text
 * in a message is ordinary text. */
gboolean            sp_tokenizer_count_chat            (SpTokenizer       *self,
                                                        JsonArray         *messages,
                                                        gsize             *n_tokens,
                                                        GError           **error);

/* sp_tokenizer_count() in a worker thread, for large texts; @callback
 * gets a NULL source object. */
void                sp_tokenizer_count_async           (SpTokenizer       *self,
                                                        GBytes            *text,
                                                        SpTokenizerFlags   flags,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gboolean            sp_tokenizer_count_finish          (SpTokenizer       *self,
                                                        GAsyncResult      *result,
                                                        gsize             *n_tokens,
                                                        GError           **error);

G_END_DECLS
