// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-tokenizer"

#include "config.h"

#include "sp-tokenizer.h"

#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <glib/gi18n.h>

#include "sp-error.h"

#define RESOURCE_PREFIX "/io/github/starprompt/Starprompt/tokenizers/"
#define NO_RANK G_MAXUINT32

/* Pieces up to this length are merged the way tiktoken does it (a vector
 * scanned for its minimum, fastest for short pieces); longer ones with a
 * heap, so that a megabyte without a space stays O(n log n). */
#define SMALL_PIECE 96

/* Scratch space for pieces up to this many bytes stays allocated. */
#define SCRATCH_KEEP (64 * 1024)

/* Unicode White_Space, which is what \s means in tiktoken's Rust regexes.
 * PCRE2's \s with UCP differs (it leaves out U+0085), so spell it out. */
#define WS "\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}"
#define SPACE "[" WS "]"
#define NOT_SPACE "[^" WS "]"
#define CONTRACTIONS "'s|'t|'re|'ve|'m|'ll|'d"
#define UPPERISH "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]"
#define LOWERISH "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]"

/* The pre-tokenizer patterns of the npm tiktoken package (registry.json),
 * which are those of tiktoken's openai_public.py before possessive
 * quantifiers were added; `$` is not used, so PCRE2's end-of-line rules do
 * not matter. */
static const char gpt2_pattern[] =
  CONTRACTIONS "| ?\\p{L}+| ?\\p{N}+| ?[^" WS "\\p{L}\\p{N}]+|"
  SPACE "+(?!" NOT_SPACE ")|" SPACE "+";

static const char cl100k_pattern[] =
  "(?i:" CONTRACTIONS ")|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
  " ?[^" WS "\\p{L}\\p{N}]+[\\r\\n]*|" SPACE "*[\\r\\n]+|"
  SPACE "+(?!" NOT_SPACE ")|" SPACE "+";

static const char o200k_pattern[] =
  "[^\\r\\n\\p{L}\\p{N}]?" UPPERISH "*" LOWERISH "+(?i:" CONTRACTIONS ")?|"
  "[^\\r\\n\\p{L}\\p{N}]?" UPPERISH "+" LOWERISH "*(?i:" CONTRACTIONS ")?|"
  "\\p{N}{1,3}|"
  " ?[^" WS "\\p{L}\\p{N}]+[\\r\\n/]*|"
  SPACE "*[\\r\\n]+|" SPACE "+(?!" NOT_SPACE ")|" SPACE "+";

typedef struct
{
  const char *text;
  guint32     id;
} SpecialToken;

static const SpecialToken gpt2_specials[] = {
  { "<|endoftext|>", 50256 },
};

static const SpecialToken cl100k_specials[] = {
  { "<|endoftext|>", 100257 },
  { "<|fim_prefix|>", 100258 },
  { "<|fim_middle|>", 100259 },
  { "<|fim_suffix|>", 100260 },
  { "<|endofprompt|>", 100276 },
};

static const SpecialToken o200k_specials[] = {
  { "<|endoftext|>", 199999 },
  { "<|endofprompt|>", 200018 },
};

typedef struct
{
  const char         *name;
  const char         *pattern;
  const SpecialToken *specials;
  guint               n_specials;
  guint               n_vocab;
} EncodingInfo;

static const EncodingInfo encodings[] = {
  { "o200k_base", o200k_pattern, o200k_specials, G_N_ELEMENTS (o200k_specials), 200019 },
  { "cl100k_base", cl100k_pattern, cl100k_specials, G_N_ELEMENTS (cl100k_specials), 100277 },
  { "p50k_base", gpt2_pattern, gpt2_specials, G_N_ELEMENTS (gpt2_specials), 50281 },
  { "r50k_base", gpt2_pattern, gpt2_specials, G_N_ELEMENTS (gpt2_specials), 50257 },
};

static const char * const encoding_names[] = {
  "o200k_base", "cl100k_base", "p50k_base", "r50k_base", NULL,
};

/* tiktoken's MODEL_TO_ENCODING, for the encodings we ship. */
static const struct
{
  const char *model;
  const char *encoding;
} model_encodings[] = {
  { "o1", "o200k_base" },
  { "o3", "o200k_base" },
  { "o4-mini", "o200k_base" },
  { "gpt-5", "o200k_base" },
  { "gpt-4.1", "o200k_base" },
  { "gpt-4o", "o200k_base" },
  { "gpt-4", "cl100k_base" },
  { "gpt-3.5-turbo", "cl100k_base" },
  { "gpt-3.5", "cl100k_base" },
  { "gpt-35-turbo", "cl100k_base" },
  { "davinci-002", "cl100k_base" },
  { "babbage-002", "cl100k_base" },
  { "text-embedding-ada-002", "cl100k_base" },
  { "text-davinci-003", "p50k_base" },
  { "text-davinci-002", "p50k_base" },
  { "text-davinci-001", "r50k_base" },
  { "text-curie-001", "r50k_base" },
  { "text-babbage-001", "r50k_base" },
  { "text-ada-001", "r50k_base" },
  { "davinci", "r50k_base" },
  { "curie", "r50k_base" },
  { "babbage", "r50k_base" },
  { "ada", "r50k_base" },
  { "davinci-codex", "p50k_base" },
  { "cushman-codex", "p50k_base" },
  { "gpt2", "r50k_base" },
};

/* tiktoken's MODEL_PREFIX_TO_ENCODING and the families named in its exact
 * table; the first match wins, so longer prefixes come first. */
static const struct
{
  const char *prefix;
  const char *encoding;
} model_prefixes[] = {
  { "o1-", "o200k_base" },
  { "o3-", "o200k_base" },
  { "o4-mini-", "o200k_base" },
  { "gpt-5-", "o200k_base" },
  { "gpt-5.", "o200k_base" },
  { "gpt-4.5-", "o200k_base" },
  { "gpt-4.1-", "o200k_base" },
  { "chatgpt-4o-", "o200k_base" },
  { "gpt-4o-", "o200k_base" },
  { "gpt-4-", "cl100k_base" },
  { "gpt-3.5-turbo-", "cl100k_base" },
  { "gpt-35-turbo-", "cl100k_base" },
  { "text-embedding-3-", "cl100k_base" },
  { "text-similarity-", "r50k_base" },
  { "text-search-", "r50k_base" },
  { "code-search-", "r50k_base" },
  { "code-davinci-", "p50k_base" },
  { "code-cushman-", "p50k_base" },
};

typedef struct
{
  guint32 offset;
  guint32 length;  /* 0: no token has this id */
} TokenBytes;

typedef struct
{
  guint32 hash;
  guint32 rank;    /* NO_RANK: empty slot */
} Slot;

struct _SpTokenizer
{
  const EncodingInfo *info;

  /* Bytes of every token by id, special tokens included. */
  guint8             *blob;
  TokenBytes         *tokens;

  /* Open addressing from byte string to rank (special tokens excluded). */
  Slot               *slots;
  guint32             mask;
  gsize               max_token_length;

  /* Direct tables for the lookups every merge starts with. */
  guint32             byte_ranks[256];
  guint32            *pair_ranks;

  pcre2_code         *regex;
  gboolean            jit;
};

/* Per-thread scratch space, so that the shared tokenizer stays immutable. */
typedef struct
{
  pcre2_match_data    *match_data;
  pcre2_match_context *match_context;
  pcre2_jit_stack     *jit_stack;
  guint32             *parts;      /* 4 arrays of n + 1 for long pieces */
  guint64             *heap;       /* 3 n + 3: n pairs, 2 pushes a merge */
  gsize                capacity;
} Scratch;

typedef struct
{
  GArray       *ids;
  gsize         count;
  GCancellable *cancellable;
} Sink;

typedef struct
{
  SpTokenizer      *tokenizer;
  GBytes           *text;
  SpTokenizerFlags  flags;
} CountData;

static GMutex cache_lock;
static SpTokenizer *cache[G_N_ELEMENTS (encodings)];

static void
scratch_free (gpointer data)
{
  Scratch *scratch = data;

  pcre2_match_data_free (scratch->match_data);
  pcre2_match_context_free (scratch->match_context);
  pcre2_jit_stack_free (scratch->jit_stack);
  g_free (scratch->parts);
  g_free (scratch->heap);
  g_free (scratch);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

static Scratch *
get_scratch (void)
{
  Scratch *scratch = g_private_get (&scratch_key);

  if (scratch != NULL)
    return scratch;

  scratch = g_new0 (Scratch, 1);
  scratch->match_data = pcre2_match_data_create (1, NULL);
  scratch->match_context = pcre2_match_context_create (NULL);
  scratch->jit_stack = pcre2_jit_stack_create (32 * 1024, 8 * 1024 * 1024, NULL);
  pcre2_jit_stack_assign (scratch->match_context, NULL, scratch->jit_stack);
  g_private_set (&scratch_key, scratch);

  return scratch;
}

static void
scratch_reserve (Scratch *scratch,
                 gsize    n)
{
  if (scratch->capacity >= n)
    return;

  scratch->capacity = MAX (n, scratch->capacity * 2);
  scratch->parts = g_renew (guint32, scratch->parts, 4 * (scratch->capacity + 1));
  scratch->heap = g_renew (guint64, scratch->heap, 3 * (scratch->capacity + 1));
}

static inline guint32
hash_bytes (const guint8 *p,
            gsize         length)
{
  guint64 h = 0x9E3779B97F4A7C15ull ^ (length * 0xff51afd7ed558ccdull);

  while (length >= 8)
    {
      guint64 v;

      memcpy (&v, p, 8);
      h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
      h ^= h >> 29;
      p += 8;
      length -= 8;
    }

  if (length > 0)
    {
      guint64 v = 0;

      for (gsize i = 0; i < length; i++)
        v |= (guint64) p[i] << (8 * i);
      h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
    }

  h ^= h >> 32;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 29;

  return (guint32) h;
}

static inline guint32
lookup_rank (const SpTokenizer *self,
             const guint8      *p,
             gsize              length)
{
  guint32 hash;
  guint32 i;

  if (length > self->max_token_length)
    return NO_RANK;
  if (length == 1)
    return self->byte_ranks[p[0]];
  if (length == 2)
    return self->pair_ranks[(p[0] << 8) | p[1]];

  hash = hash_bytes (p, length);
  for (i = hash & self->mask; self->slots[i].rank != NO_RANK; i = (i + 1) & self->mask)
    {
      const Slot *slot = &self->slots[i];

      if (slot->hash == hash &&
          self->tokens[slot->rank].length == length &&
          memcmp (self->blob + self->tokens[slot->rank].offset, p, length) == 0)
        return slot->rank;
    }

  return NO_RANK;
}

static inline void
sink_push (Sink    *sink,
           guint32  id)
{
  if (sink->ids != NULL)
    g_array_append_val (sink->ids, id);
  sink->count++;
}

/* tiktoken's _byte_pair_merge: merge the leftmost pair of lowest rank
 * until no pair is a token. */
static void
merge_small_piece (const SpTokenizer *self,
                   const guint8      *piece,
                   gsize              length,
                   Sink              *sink)
{
  guint32 start[SMALL_PIECE + 1];
  guint32 rank[SMALL_PIECE + 1];
  guint32 token[SMALL_PIECE + 1];
  gsize n_parts = length + 1;

  g_assert (length >= 2 && length <= SMALL_PIECE);

  for (gsize i = 0; i < length; i++)
    {
      start[i] = i;
      token[i] = self->byte_ranks[piece[i]];
      rank[i] = i + 1 < length ? self->pair_ranks[(piece[i] << 8) | piece[i + 1]] : NO_RANK;
    }
  start[length] = length;
  rank[length] = NO_RANK;

  for (;;)
    {
      guint32 min_rank = NO_RANK;
      gsize i = 0;

      for (gsize j = 0; j + 1 < n_parts; j++)
        {
          if (rank[j] < min_rank)
            {
              min_rank = rank[j];
              i = j;
            }
        }
      if (min_rank == NO_RANK)
        break;

      token[i] = min_rank;
      if (i > 0)
        rank[i - 1] = i + 3 < n_parts + 1
                      ? lookup_rank (self, piece + start[i - 1], start[i + 2] - start[i - 1])
                      : NO_RANK;
      rank[i] = i + 3 < n_parts
                ? lookup_rank (self, piece + start[i], start[i + 3] - start[i])
                : NO_RANK;
      memmove (&start[i + 1], &start[i + 2], (n_parts - i - 2) * sizeof (guint32));
      memmove (&rank[i + 1], &rank[i + 2], (n_parts - i - 2) * sizeof (guint32));
      memmove (&token[i + 1], &token[i + 2], (n_parts - i - 2) * sizeof (guint32));
      n_parts--;
    }

  for (gsize i = 0; i + 1 < n_parts; i++)
    sink_push (sink, token[i]);
}

static inline void
heap_push (guint64 *heap,
           gsize   *n,
           guint64  key)
{
  gsize i = (*n)++;

  while (i > 0)
    {
      gsize parent = (i - 1) / 2;

      if (heap[parent] <= key)
        break;
      heap[i] = heap[parent];
      i = parent;
    }
  heap[i] = key;
}

static inline guint64
heap_pop (guint64 *heap,
          gsize   *n)
{
  guint64 top = heap[0];
  guint64 last = heap[--(*n)];
  gsize i = 0;

  for (;;)
    {
      gsize child = 2 * i + 1;

      if (child >= *n)
        break;
      if (child + 1 < *n && heap[child + 1] < heap[child])
        child++;
      if (last <= heap[child])
        break;
      heap[i] = heap[child];
      i = child;
    }
  if (*n > 0)
    heap[i] = last;

  return top;
}

/* The same merges as merge_small_piece(), in O(n log n): parts are a linked
 * list indexed by their start byte, and the heap holds (rank, start) so that
 * ties go to the leftmost pair as in tiktoken. A heap entry is stale when
 * its part is gone or its pair has changed since it was pushed. */
static void
merge_long_piece (const SpTokenizer *self,
                  Scratch           *scratch,
                  const guint8      *piece,
                  gsize              length,
                  Sink              *sink)
{
  guint32 *next, *prev, *rank, *token;
  guint64 *heap;
  gsize n_heap = 0;

  g_assert (length < G_MAXUINT32);
  scratch_reserve (scratch, length);
  next = scratch->parts;
  prev = next + length + 1;
  rank = prev + length + 1;
  token = rank + length + 1;
  heap = scratch->heap;

  for (gsize i = 0; i < length; i++)
    {
      next[i] = i + 1;
      prev[i] = i == 0 ? NO_RANK : i - 1;
      token[i] = self->byte_ranks[piece[i]];
      rank[i] = i + 1 < length ? self->pair_ranks[(piece[i] << 8) | piece[i + 1]] : NO_RANK;
      if (rank[i] != NO_RANK)
        heap_push (heap, &n_heap, ((guint64) rank[i] << 32) | i);
    }

  while (n_heap > 0)
    {
      guint64 key = heap_pop (heap, &n_heap);
      guint32 i = (guint32) key;
      guint32 r = (guint32) (key >> 32);
      guint32 right;

      if (rank[i] != r)
        continue;

      /* Merge part i with its right neighbour. */
      right = next[i];
      token[i] = r;
      next[i] = next[right];
      if (next[i] < length)
        prev[next[i]] = i;
      rank[right] = NO_RANK;
      token[right] = NO_RANK;

      rank[i] = next[i] < length
                ? lookup_rank (self, piece + i, next[next[i]] - i)
                : NO_RANK;
      if (rank[i] != NO_RANK)
        heap_push (heap, &n_heap, ((guint64) rank[i] << 32) | i);

      if (prev[i] != NO_RANK)
        {
          guint32 p = prev[i];

          rank[p] = lookup_rank (self, piece + p, next[i] - p);
          if (rank[p] != NO_RANK)
            heap_push (heap, &n_heap, ((guint64) rank[p] << 32) | p);
        }
    }

  for (gsize i = 0; i < length; i = next[i])
    sink_push (sink, token[i]);

  /* About 40 bytes a byte of piece: do not keep megabytes per thread. */
  if (scratch->capacity > SCRATCH_KEEP)
    {
      g_clear_pointer (&scratch->parts, g_free);
      g_clear_pointer (&scratch->heap, g_free);
      scratch->capacity = 0;
    }
}

static void
encode_piece (const SpTokenizer *self,
              Scratch           *scratch,
              const guint8      *piece,
              gsize              length,
              Sink              *sink)
{
  guint32 rank = lookup_rank (self, piece, length);

  if (rank != NO_RANK)
    sink_push (sink, rank);
  else if (length <= SMALL_PIECE)
    merge_small_piece (self, piece, length, sink);
  else
    merge_long_piece (self, scratch, piece, length, sink);
}

/* Splits @text with the encoding's pattern and encodes each piece. The
 * subject ends at @length, so lookaheads see the end of the segment, as in
 * tiktoken where each segment between special tokens is matched alone. */
static gboolean
encode_ordinary (const SpTokenizer  *self,
                 Scratch            *scratch,
                 const char         *text,
                 gsize               length,
                 Sink               *sink,
                 GError            **error)
{
  gsize pos = 0;
  guint n_matches = 0;

  while (pos < length)
    {
      PCRE2_SIZE *ovector;
      int rc;

      if (self->jit)
        rc = pcre2_jit_match (self->regex, (PCRE2_SPTR) text, length, pos, 0,
                              scratch->match_data, scratch->match_context);
      else
        rc = pcre2_match (self->regex, (PCRE2_SPTR) text, length, pos, PCRE2_NO_UTF_CHECK,
                          scratch->match_data, scratch->match_context);

      if (rc == PCRE2_ERROR_NOMATCH)
        break;
      if (rc < 0)
        {
          PCRE2_UCHAR message[256];

          pcre2_get_error_message (rc, message, sizeof message);
          g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                       _("Could not split the text into tokens at byte %zu: %s"),
                       pos, (const char *) message);
          return FALSE;
        }

      ovector = pcre2_get_ovector_pointer (scratch->match_data);
      if (ovector[1] <= ovector[0])
        {
          /* No pattern matches an empty string, but never loop forever. */
          pos = g_utf8_next_char (text + ovector[0]) - text;
          continue;
        }

      encode_piece (self, scratch, (const guint8 *) text + ovector[0],
                    ovector[1] - ovector[0], sink);
      pos = ovector[1];

      if (G_UNLIKELY (++n_matches % 65536 == 0) &&
          g_cancellable_set_error_if_cancelled (sink->cancellable, error))
        return FALSE;
    }

  return TRUE;
}

/* The first special token at or after @from, or NULL. */
static const SpecialToken *
find_special (const SpTokenizer *self,
              const char        *text,
              gsize              length,
              gsize              from,
              gsize             *found_at)
{
  const char *end = text + length;
  const char *p = text + from;

  while ((p = memchr (p, '<', end - p)) != NULL)
    {
      for (guint i = 0; i < self->info->n_specials; i++)
        {
          const SpecialToken *special = &self->info->specials[i];
          gsize special_length = strlen (special->text);

          if ((gsize) (end - p) >= special_length &&
              memcmp (p, special->text, special_length) == 0)
            {
              *found_at = p - text;
              return special;
            }
        }
      p++;
    }

  return NULL;
}

/* The length of the longest start of a valid UTF-8 sequence at @p (the
 * "maximal subpart" that Unicode, WHATWG and Python replace by one U+FFFD). */
static gsize
invalid_sequence_length (const guint8 *p,
                         gsize         length)
{
  guint8 lo = 0x80, hi = 0xBF;
  gsize need;
  gsize n = 1;

  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    need = 1;
  else if (p[0] >= 0xE0 && p[0] <= 0xEF)
    {
      need = 2;
      if (p[0] == 0xE0)
        lo = 0xA0;
      else if (p[0] == 0xED)
        hi = 0x9F;
    }
  else if (p[0] >= 0xF0 && p[0] <= 0xF4)
    {
      need = 3;
      if (p[0] == 0xF0)
        lo = 0x90;
      else if (p[0] == 0xF4)
        hi = 0x8F;
    }
  else
    return 1;

  while (n <= need && n < length && p[n] >= lo && p[n] <= hi)
    {
      n++;
      lo = 0x80;
      hi = 0xBF;
    }

  return n;
}

/* Like g_utf8_validate_len() but NUL is an ordinary character. */
static gboolean
validate_utf8 (const char *text,
               gsize       length,
               gsize      *invalid_at)
{
  const char *p = text;
  const char *end = text + length;

  while (p < end)
    {
      const char *stop;

      if (g_utf8_validate_len (p, end - p, &stop))
        return TRUE;
      if (*stop != '\0')
        {
          *invalid_at = stop - text;
          return FALSE;
        }
      p = stop + 1;
    }

  return TRUE;
}

static char *
replace_invalid_utf8 (const char *text,
                      gsize       length,
                      gsize      *out_length)
{
  GString *string = g_string_sized_new (length + 16);
  gsize pos = 0;
  gsize invalid_at;

  while (pos < length)
    {
      if (validate_utf8 (text + pos, length - pos, &invalid_at))
        {
          g_string_append_len (string, text + pos, length - pos);
          break;
        }
      g_string_append_len (string, text + pos, invalid_at);
      g_string_append (string, "\xEF\xBF\xBD");
      pos += invalid_at;
      pos += invalid_sequence_length ((const guint8 *) text + pos, length - pos);
    }

  *out_length = string->len;
  return g_string_free (string, FALSE);
}

static gboolean
encode_text (SpTokenizer       *self,
             const char        *text,
             gssize             length,
             SpTokenizerFlags   flags,
             Sink              *sink,
             GError           **error)
{
  g_autofree char *valid_copy = NULL;
  Scratch *scratch = get_scratch ();
  gsize n = length < 0 ? strlen (text) : (gsize) length;
  gsize invalid_at;
  gsize start = 0;

  if (!validate_utf8 (text, n, &invalid_at))
    {
      if (!(flags & SP_TOKENIZER_REPLACE_INVALID))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("The text is not valid UTF-8: byte %zu is not part of a "
                         "character. Save it as UTF-8, or count it with invalid bytes replaced."),
                       invalid_at);
          return FALSE;
        }
      valid_copy = replace_invalid_utf8 (text, n, &n);
      text = valid_copy;
    }

  if (!(flags & SP_TOKENIZER_ALLOW_SPECIAL))
    {
      const SpecialToken *special;
      gsize at;

      if ((flags & SP_TOKENIZER_DISALLOW_SPECIAL) &&
          (special = find_special (self, text, n, 0, &at)) != NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("The text contains the special token %s at byte %zu. "
                         "Remove it, or count it as ordinary text."),
                       special->text, at);
          return FALSE;
        }

      return encode_ordinary (self, scratch, text, n, sink, error);
    }

  for (;;)
    {
      const SpecialToken *special;
      gsize at = n;

      special = find_special (self, text, n, start, &at);
      if (!encode_ordinary (self, scratch, text + start, at - start, sink, error))
        return FALSE;
      if (special == NULL)
        return TRUE;

      sink_push (sink, special->id);
      start = at + strlen (special->text);
    }
}

static const gint8 *
base64_table (void)
{
  static gint8 table[256];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

      memset (table, -1, sizeof table);
      for (guint i = 0; i < 64; i++)
        table[(guint8) alphabet[i]] = i;
      g_once_init_leave (&initialized, 1);
    }

  return table;
}

/* Decodes one base64 token into @out; returns its length or -1. */
static gssize
decode_base64 (const char *p,
               const char *end,
               guint8     *out)
{
  const gint8 *table = base64_table ();
  guint32 bits = 0;
  guint n_bits = 0;
  gssize n = 0;

  for (; p < end && *p != '='; p++)
    {
      gint8 v = table[(guint8) *p];

      if (v < 0)
        return -1;
      bits = (bits << 6) | v;
      n_bits += 6;
      if (n_bits >= 8)
        {
          n_bits -= 8;
          out[n++] = (bits >> n_bits) & 0xFF;
        }
    }

  return n;
}

static void
tokenizer_free (SpTokenizer *self)
{
  g_free (self->blob);
  g_free (self->tokens);
  g_free (self->slots);
  g_free (self->pair_ranks);
  pcre2_code_free (self->regex);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpTokenizer, tokenizer_free)

static void
insert_rank (SpTokenizer *self,
             guint32      rank)
{
  const guint8 *p = self->blob + self->tokens[rank].offset;
  gsize length = self->tokens[rank].length;
  guint32 hash = hash_bytes (p, length);
  guint32 i = hash & self->mask;

  while (self->slots[i].rank != NO_RANK)
    i = (i + 1) & self->mask;
  self->slots[i].hash = hash;
  self->slots[i].rank = rank;

  if (length == 1)
    self->byte_ranks[p[0]] = rank;
  else if (length == 2)
    self->pair_ranks[(p[0] << 8) | p[1]] = rank;
  self->max_token_length = MAX (self->max_token_length, length);
}

/* Reads "base64 rank" lines into the blob and the tables. */
static gboolean
parse_ranks (SpTokenizer  *self,
             GBytes       *bytes,
             GError      **error)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *end = data + size;
  const char *line = data;
  guint n_vocab = self->info->n_vocab;
  guint32 blob_length = 0;
  guint n_ranks = 0;
  guint line_number = 0;

  self->blob = g_malloc (size + 1024);
  self->tokens = g_new0 (TokenBytes, n_vocab);
  self->pair_ranks = g_new (guint32, 65536);
  memset (self->pair_ranks, 0xFF, 65536 * sizeof (guint32));
  memset (self->byte_ranks, 0xFF, sizeof self->byte_ranks);

  while (line < end)
    {
      const char *eol = memchr (line, '\n', end - line);
      const char *space;
      guint64 rank;
      char *rank_end;
      gssize length;

      line_number++;
      if (eol == NULL)
        eol = end;
      space = memchr (line, ' ', eol - line);
      if (space == NULL)
        goto bad_line;

      length = decode_base64 (line, space, self->blob + blob_length);
      rank = g_ascii_strtoull (space + 1, &rank_end, 10);
      if (length <= 0 || rank_end != eol || rank >= n_vocab || self->tokens[rank].length != 0)
        goto bad_line;

      self->tokens[rank].offset = blob_length;
      self->tokens[rank].length = length;
      blob_length += length;
      n_ranks++;
      line = eol + 1;
    }

  /* Special tokens decode to their text. */
  for (guint i = 0; i < self->info->n_specials; i++)
    {
      const SpecialToken *special = &self->info->specials[i];
      gsize length = strlen (special->text);

      self->blob = g_realloc (self->blob, blob_length + length);
      memcpy (self->blob + blob_length, special->text, length);
      self->tokens[special->id].offset = blob_length;
      self->tokens[special->id].length = length;
      blob_length += length;
    }

  self->mask = 1;
  while (self->mask < 2 * n_ranks)
    self->mask <<= 1;
  self->slots = g_new (Slot, self->mask);
  memset (self->slots, 0xFF, self->mask * sizeof (Slot));
  self->mask--;

  for (guint32 rank = 0; rank < n_vocab; rank++)
    {
      gboolean special = FALSE;

      for (guint i = 0; i < self->info->n_specials; i++)
        special |= self->info->specials[i].id == rank;
      if (self->tokens[rank].length > 0 && !special)
        insert_rank (self, rank);
    }

  for (guint b = 0; b < 256; b++)
    {
      if (self->byte_ranks[b] == NO_RANK)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                       _("The token data of %s has no token for byte %u. Reinstall Starprompt."),
                       self->info->name, b);
          return FALSE;
        }
    }

  return TRUE;

bad_line:
  g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
               _("The token data of %s is damaged at line %u. Reinstall Starprompt."),
               self->info->name, line_number);
  return FALSE;
}

static gboolean
compile_pattern (SpTokenizer  *self,
                 GError      **error)
{
  int error_code;
  PCRE2_SIZE error_offset;

  self->regex = pcre2_compile ((PCRE2_SPTR) self->info->pattern, PCRE2_ZERO_TERMINATED,
                               PCRE2_UTF | PCRE2_UCP, &error_code, &error_offset, NULL);
  if (self->regex == NULL)
    {
      PCRE2_UCHAR message[256];

      pcre2_get_error_message (error_code, message, sizeof message);
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("Could not prepare the %s tokenizer: %s at offset %zu"),
                   self->info->name, (const char *) message, (gsize) error_offset);
      return FALSE;
    }

  self->jit = pcre2_jit_compile (self->regex, PCRE2_JIT_COMPLETE) == 0;
  if (!self->jit)
    g_debug ("PCRE2 JIT is not available; the %s tokenizer will be slower", self->info->name);

  return TRUE;
}

static SpTokenizer *
tokenizer_load (const EncodingInfo  *info,
                GError             **error)
{
  g_autoptr(SpTokenizer) self = g_new0 (SpTokenizer, 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, info->name, ".tiktoken", NULL);

  self->info = info;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The token data of %s is missing from this build (%s). Reinstall Starprompt."),
                   info->name, local_error->message);
      return NULL;
    }

  if (!parse_ranks (self, bytes, error) || !compile_pattern (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

static gboolean
has_prefix_len (const char *s,
                gsize       length,
                const char *prefix)
{
  gsize prefix_length = strlen (prefix);

  return length >= prefix_length && memcmp (s, prefix, prefix_length) == 0;
}

static const char *
encoding_for_base_model (const char *model,
                         gsize       length)
{
  for (guint i = 0; i < G_N_ELEMENTS (model_encodings); i++)
    {
      if (strlen (model_encodings[i].model) == length &&
          memcmp (model_encodings[i].model, model, length) == 0)
        return model_encodings[i].encoding;
    }

  for (guint i = 0; i < G_N_ELEMENTS (model_prefixes); i++)
    {
      if (has_prefix_len (model, length, model_prefixes[i].prefix))
        return model_prefixes[i].encoding;
    }

  return NULL;
}

static void
count_data_free (gpointer data)
{
  CountData *count_data = data;

  g_bytes_unref (count_data->text);
  g_free (count_data);
}

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CountData *count_data = task_data;
  GError *error = NULL;
  Sink sink = { NULL, 0, cancellable };
  gsize size;
  const char *data = g_bytes_get_data (count_data->text, &size);

  if (encode_text (count_data->tokenizer, data != NULL ? data : "", size,
                   count_data->flags, &sink, &error))
    g_task_return_int (task, (gssize) sink.count);
  else
    g_task_return_error (task, error);
}

const char * const *
sp_tokenizer_list_encodings (void)
{
  return encoding_names;
}

const char *
sp_tokenizer_encoding_for_model (const char *model)
{
  const char *slash;
  const char *colon;

  g_return_val_if_fail (model != NULL, NULL);

  /* A router's provider prefix: "openai/gpt-4o". */
  if ((slash = strrchr (model, '/')) != NULL)
    model = slash + 1;

  /* Fine-tuned: "ft:gpt-4o-mini-2024-07-18:org::id" names its base model
   * up to the next colon; the legacy form is "davinci:ft-org-2023-…". */
  if (g_str_has_prefix (model, "ft:"))
    {
      model += 3;
      colon = strchr (model, ':');
      return encoding_for_base_model (model, colon != NULL ? (gsize) (colon - model) : strlen (model));
    }
  if ((colon = strstr (model, ":ft-")) != NULL)
    return encoding_for_base_model (model, colon - model);

  return encoding_for_base_model (model, strlen (model));
}

SpTokenizer *
sp_tokenizer_get_for_encoding (const char  *encoding,
                               GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (encoding != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* tiktoken's gpt2 encoding is r50k_base under its old name. */
  if (g_str_equal (encoding, "gpt2"))
    encoding = "r50k_base";

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      if (!g_str_equal (encodings[i].name, encoding))
        continue;

      locker = g_mutex_locker_new (&cache_lock);
      if (cache[i] == NULL)
        cache[i] = tokenizer_load (&encodings[i], error);
      return cache[i];
    }

  g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
               _("There is no tokenizer named “%s”. Use one of o200k_base, cl100k_base, "
                 "p50k_base or r50k_base."),
               encoding);
  return NULL;
}

SpTokenizer *
sp_tokenizer_get_for_model (const char  *model,
                            GError     **error)
{
  const char *encoding;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  encoding = sp_tokenizer_encoding_for_model (model);
  if (encoding == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("Starprompt does not know the tokenizer of the model “%s”. "
                     "Choose an encoding instead, such as o200k_base for current OpenAI models."),
                   model);
      return NULL;
    }

  return sp_tokenizer_get_for_encoding (encoding, error);
}

const char *
sp_tokenizer_get_name (SpTokenizer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->info->name;
}

guint
sp_tokenizer_get_n_vocab (SpTokenizer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->info->n_vocab;
}

gboolean
sp_tokenizer_lookup_special (SpTokenizer *self,
                             const char  *text,
                             guint32     *id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < self->info->n_specials; i++)
    {
      if (g_str_equal (self->info->specials[i].text, text))
        {
          if (id != NULL)
            *id = self->info->specials[i].id;
          return TRUE;
        }
    }

  return FALSE;
}

GArray *
sp_tokenizer_encode (SpTokenizer       *self,
                     const char        *text,
                     gssize             length,
                     SpTokenizerFlags   flags,
                     GError           **error)
{
  g_autoptr(GArray) ids = NULL;
  Sink sink = { NULL, 0, NULL };
  gsize n;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = length < 0 ? strlen (text) : (gsize) length;
  /* About four bytes a token for English; a guess, not a bound. */
  ids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n / 4 + 16);
  sink.ids = ids;

  if (!encode_text (self, text != NULL ? text : "", n, flags, &sink, error))
    return NULL;

  return g_steal_pointer (&ids);
}

gboolean
sp_tokenizer_count (SpTokenizer       *self,
                    const char        *text,
                    gssize             length,
                    SpTokenizerFlags   flags,
                    gsize             *n_tokens,
                    GError           **error)
{
  Sink sink = { NULL, 0, NULL };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!encode_text (self, text != NULL ? text : "", length, flags, &sink, error))
    return FALSE;

  if (n_tokens != NULL)
    *n_tokens = sink.count;
  return TRUE;
}

GBytes *
sp_tokenizer_decode (SpTokenizer    *self,
                     const guint32  *ids,
                     gsize           n_ids,
                     GError        **error)
{
  g_autoptr(GByteArray) bytes = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_byte_array_sized_new (n_ids * 4);
  for (gsize i = 0; i < n_ids; i++)
    {
      if (ids[i] >= self->info->n_vocab || self->tokens[ids[i]].length == 0)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("Token %u at position %zu is not a token of %s."),
                       ids[i], i, self->info->name);
          return NULL;
        }
      g_byte_array_append (bytes, self->blob + self->tokens[ids[i]].offset,
                           self->tokens[ids[i]].length);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

gboolean
sp_tokenizer_count_chat (SpTokenizer  *self,
                         JsonArray    *messages,
                         gsize        *n_tokens,
                         GError      **error)
{
  gsize total = SP_TOKENIZER_TOKENS_REPLY_PRIME;
  guint n_messages;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_messages = json_array_get_length (messages);
  for (guint i = 0; i < n_messages; i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("Message %u is not a JSON object with a role and a content."), i + 1);
          return FALSE;
        }

      total += SP_TOKENIZER_TOKENS_PER_MESSAGE;
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &key, &value))
        {
          gsize n = 0;

          if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
            {
              if (!sp_tokenizer_count (self, json_node_get_string (value), -1,
                                       SP_TOKENIZER_ORDINARY, &n, error))
                return FALSE;
              total += n;
              if (g_str_equal (key, "name"))
                total += SP_TOKENIZER_TOKENS_PER_NAME;
            }
          else if (JSON_NODE_HOLDS_ARRAY (value))
            {
              JsonArray *parts = json_node_get_array (value);

              for (guint j = 0; j < json_array_get_length (parts); j++)
                {
                  JsonNode *part = json_array_get_element (parts, j);
                  const char *text;

                  if (!JSON_NODE_HOLDS_OBJECT (part))
                    continue;
                  text = json_object_get_string_member_with_default (json_node_get_object (part),
                                                                     "text", NULL);
                  if (text == NULL)
                    continue;
                  if (!sp_tokenizer_count (self, text, -1, SP_TOKENIZER_ORDINARY, &n, error))
                    return FALSE;
                  total += n;
                }
            }
        }
    }

  if (n_tokens != NULL)
    *n_tokens = total;
  return TRUE;
}

void
sp_tokenizer_count_async (SpTokenizer         *self,
                          GBytes              *text,
                          SpTokenizerFlags     flags,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CountData *count_data;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  count_data = g_new0 (CountData, 1);
  count_data->tokenizer = self;
  count_data->text = g_bytes_ref (text);
  count_data->flags = flags;

  /* The tokenizer is not a GObject (it lives as long as the process), so
   * the task has no source object. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_tokenizer_count_async);
  g_task_set_task_data (task, count_data, count_data_free);
  g_task_run_in_thread (task, count_thread);
}

gboolean
sp_tokenizer_count_finish (SpTokenizer   *self,
                           GAsyncResult  *result,
                           gsize         *n_tokens,
                           GError       **error)
{
  gssize count;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sp_tokenizer_count_async, FALSE);

  count = g_task_propagate_int (G_TASK (result), error);
  if (count < 0)
    return FALSE;

  if (n_tokens != NULL)
    *n_tokens = count;
  return TRUE;
}
