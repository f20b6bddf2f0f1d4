// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-offline"

#include "config.h"

#include "sp-offline.h"

#include <string.h>

/* The offline generator reads what SpTemplate renders:
 *
 *   <instruction>
 *   [<story>]
 *   styles = a, b, c
 *   inspiration = x, y
 *   artists = p, q
 *   aspect ratio = --ar 3:2
 *   Prompt: <finished prompt>      (worked examples only)
 *
 * or the short variant "<short instruction> about <subject>". The lists
 * come from the last block; the phrases from the last story in brackets,
 * or from the subject. Phrases are picked the way RAKE does it: the text is
 * cut at stop words and punctuation, each run of words is a candidate, and
 * a word scores its degree over its frequency.
 *
 * Only the last MAX_INPUT_BYTES bytes are read: the block the answer is about is
 * at the end, and this bounds the time on any input. */

#define MAX_INPUT_BYTES        (256 * 1024)
#define MAX_WORDS        20000
#define MAX_PHRASE_WORDS 3
#define MAX_ITEM_LENGTH  80
#define MAX_LIST_ITEMS   200
#define MAX_SUBJECT      120
#define MAX_WORD_LENGTH  40

static const char * const fallback_styles[] = {
  "vector art", "pixel art", "synthwave", "cyberpunk", "retro-futurism",
  "biomechanical art", "concept art", "matte painting", NULL
};

static const char * const fallback_inspirations[] = {
  "Blade Runner style", "The Matrix style", "Star Trek style",
  "Star Wars style", "Dune style", "Alien style", NULL
};

static const char * const fallback_artists[] = {
  "H.R. Giger", "Syd Mead", "Chris Foss", "Moebius", "Simon Stålenhag",
  "John Harris", NULL
};

/* Used when the story gives fewer than two phrases. */
static const char * const motifs[] = {
  "distant stars", "a neon city", "orbital station", "deep space",
  "intelligent machines", "alien horizon", "cybernetics", "a lone explorer",
  "ancient ruins on a new world", "holographic skyline", NULL
};

static const char * const stop_words[] = {
  "a", "about", "above", "after", "again", "against", "all", "almost",
  "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
  "been", "before", "being", "below", "between", "both", "but", "by",
  "can", "cannot", "could", "did", "do", "does", "doing", "done", "down",
  "during", "each", "even", "ever", "every", "few", "for", "from",
  "further", "had", "has", "have", "having", "he", "her", "here", "hers",
  "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is",
  "it", "its", "itself", "just", "like", "made", "make", "many", "may",
  "me", "might", "more", "most", "much", "must", "my", "myself", "never",
  "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only",
  "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same",
  "shall", "she", "should", "so", "some", "still", "such", "than", "that",
  "the", "their", "theirs", "them", "themselves", "then", "there",
  "these", "they", "this", "those", "though", "through", "to", "too",
  "under", "until", "up", "upon", "us", "very", "was", "we", "were",
  "what", "when", "where", "whether", "which", "while", "who", "whom",
  "whose", "why", "will", "with", "within", "without", "would", "yet",
  "you", "your", "yours", "yourself", "said", "says", "became", "become",
  "becomes", "get", "got", "let", "lets", "another", "around", "across",
  "along", "among", "onto", "toward", "towards", "since", "instead",
  "however", "last", "first", "new", "back", "way", "well", "day", "days",
  "time", "times", "two", "three", "something", "nothing", "everything",
  "anything", "someone", "everyone", "anyone", "nobody", "things", "thing",
  "prompt", "imagine", "create", "midjourney", "research", "following",
  "brackets", "sci", "fi", "sci-fi", "midjourney's",
  /* Common verbs cut phrases the way stop words do. */
  "began", "brought", "came", "could", "felt", "fell", "found", "gave",
  "go", "goes", "going", "gone", "grew", "heard", "held", "hid", "keep",
  "kept", "knew", "know", "left", "look", "looked", "looks", "lost",
  "meant", "ran", "sang", "sat", "saw", "see", "seemed", "shook", "spoke",
  "stood", "take", "takes", "taken", "thought", "told", "took", "tried",
  "try", "turned", "wanted", "went", "woke", "wrote", NULL
};

typedef struct
{
  char   *surface;   /* as written first in the story */
  char  **words;     /* lower-cased */
  guint   position;  /* order of first appearance */
  double  score;
} Phrase;

static void
phrase_free (gpointer data)
{
  Phrase *phrase = data;

  g_free (phrase->surface);
  g_strfreev (phrase->words);
  g_free (phrase);
}

static GHashTable *
get_stop_words (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; stop_words[i] != NULL; i++)
        g_hash_table_add (set, (gpointer) stop_words[i]);

      g_once_init_leave (&table, set);
    }

  return table;
}

static guint64
hash_text (const char *text)
{
  guint64 hash = 0xcbf29ce484222325ULL;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      hash ^= *p;
      hash *= 0x100000001b3ULL;
    }

  return hash;
}

static GRand *
rand_from_seed (guint64 seed)
{
  guint32 seeds[2] = { (guint32) (seed & 0xffffffff), (guint32) (seed >> 32) };

  return g_rand_new_with_seed_array (seeds, G_N_ELEMENTS (seeds));
}

/* The last MAX_INPUT_BYTES bytes of the prompt as valid UTF-8. */
static char *
bounded_valid_text (const char *prompt_text)
{
  gsize length;
  const char *start;

  if (prompt_text == NULL)
    return g_strdup ("");

  length = strlen (prompt_text);
  start = prompt_text;
  if (length > MAX_INPUT_BYTES)
    {
      start = prompt_text + (length - MAX_INPUT_BYTES);
      length = MAX_INPUT_BYTES;
    }

  return g_utf8_make_valid (start, length);
}

static gboolean
has_alnum (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_isalnum (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}

static char *
clean_item (const char *item)
{
  g_autofree char *copy = g_strstrip (g_strdup (item));
  g_autofree char *collapsed = NULL;
  const char *end;

  if (!has_alnum (copy))
    return NULL;

  /* Keep the item on one short line whatever the input was. */
  collapsed = g_strdelimit (g_strdup (copy), "\t\r\n", ' ');
  if (strlen (collapsed) <= MAX_ITEM_LENGTH)
    return g_steal_pointer (&collapsed);

  end = collapsed + MAX_ITEM_LENGTH;
  g_utf8_validate (collapsed, MAX_ITEM_LENGTH, &end);

  return g_strndup (collapsed, end - collapsed);
}

static GPtrArray *
split_list (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", MAX_LIST_ITEMS);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = clean_item (parts[i]);

      if (item != NULL)
        g_ptr_array_add (items, item);
    }

  return items;
}

/* Returns the value of the last line "key = value" (case-insensitive key). */
static char *
find_last_value (char       **lines,
                 const char  *key)
{
  gsize key_length = strlen (key);

  for (gssize i = (gssize) g_strv_length (lines) - 1; i >= 0; i--)
    {
      const char *line = lines[i];
      const char *rest;

      while (*line == ' ' || *line == '\t')
        line++;

      if (g_ascii_strncasecmp (line, key, key_length) != 0)
        continue;

      rest = line + key_length;
      while (*rest == ' ' || *rest == '\t')
        rest++;
      if (*rest != '=' && *rest != ':')
        continue;

      return g_strstrip (g_strdup (rest + 1));
    }

  return NULL;
}

static GPtrArray *
list_or_fallback (char              **lines,
                  const char         *key,
                  const char * const *fallback)
{
  g_autofree char *value = find_last_value (lines, key);
  g_autoptr(GPtrArray) items = NULL;

  if (value != NULL)
    items = split_list (value);

  if (items == NULL || items->len == 0)
    {
      g_clear_pointer (&items, g_ptr_array_unref);
      items = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; fallback[i] != NULL; i++)
        g_ptr_array_add (items, g_strdup (fallback[i]));
    }

  return g_steal_pointer (&items);
}

static char *
parse_aspect_ratio (char **lines)
{
  g_autofree char *value = find_last_value (lines, "aspect ratio");
  const char *p;
  guint64 width, height;
  char *end;

  if (value == NULL || (p = strstr (value, "--ar")) == NULL)
    return g_strdup ("--ar 3:2");

  p += strlen ("--ar");
  while (*p == ' ')
    p++;

  if (!g_ascii_isdigit (*p))
    return g_strdup ("--ar 3:2");
  width = g_ascii_strtoull (p, &end, 10);
  if (*end != ':' || !g_ascii_isdigit (end[1]))
    return g_strdup ("--ar 3:2");
  height = g_ascii_strtoull (end + 1, NULL, 10);

  if (width == 0 || height == 0 || width > 100000 || height > 100000)
    return g_strdup ("--ar 3:2");

  return g_strdup_printf ("--ar %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                          width, height);
}

/* The last story in square brackets, or NULL. */
static char *
find_story (const char *text)
{
  const char *close = strrchr (text, ']');
  const char *open;

  if (close == NULL)
    return NULL;

  for (open = close; open > text; open--)
    {
      if (open[-1] == '[')
        return g_strndup (open, close - open);
    }

  return NULL;
}

/* The subject of the short variant: what follows the last "prompt about". */
static char *
find_subject (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  const char *needle = "prompt about ";
  const char *found = NULL;
  const char *p = lower;
  const char *start;
  const char *end;

  while ((p = strstr (p, needle)) != NULL)
    {
      found = p;
      p += strlen (needle);
    }

  if (found == NULL)
    return NULL;

  start = text + (found - lower) + strlen (needle);
  end = start;
  while (*end != '\0' && *end != '\n' && *end != '\r')
    end++;

  if (end - start > MAX_SUBJECT)
    {
      end = start + MAX_SUBJECT;
      g_utf8_validate (start, MAX_SUBJECT, &end);
    }

  return g_strstrip (g_strndup (start, end - start));
}

/* Drops lines that belong to the format rather than to a story, for input
 * that has no brackets. */
static char *
strip_format_lines (char **lines)
{
  g_autoptr(GString) story = g_string_new (NULL);
  const char *keys[] = { "styles", "inspiration", "artists", "aspect ratio", "prompt" };

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean skip = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (keys) && !skip; k++)
        skip = g_ascii_strncasecmp (g_strchug (lines[i]), keys[k], strlen (keys[k])) == 0;

      if (!skip)
        {
          g_string_append (story, lines[i]);
          g_string_append_c (story, '\n');
        }
    }

  return g_string_free (g_steal_pointer (&story), FALSE);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '\'' || c == 0x2019 || c == '-';
}

static void
add_phrase (GHashTable *phrases,
            GPtrArray  *run_words,
            GString    *surface)
{
  g_autofree char *key = NULL;
  Phrase *phrase;

  if (run_words->len == 0)
    return;

  /* "salvage crew drilled" reads better as "salvage crew": a trailing
   * past-tense verb is the most common leftover of the cut. */
  if (run_words->len > 1 &&
      g_str_has_suffix (g_ptr_array_index (run_words, run_words->len - 1), "ed"))
    {
      const char *last_space = strrchr (surface->str, ' ');

      g_ptr_array_set_size (run_words, run_words->len - 1);
      if (last_space != NULL)
        g_string_truncate (surface, last_space - surface->str);
    }

  g_ptr_array_add (run_words, NULL);
  key = g_strjoinv (" ", (char **) run_words->pdata);

  if (!g_hash_table_contains (phrases, key))
    {
      phrase = g_new0 (Phrase, 1);
      phrase->surface = g_strdup (g_strstrip (surface->str));
      phrase->words = g_strdupv ((char **) run_words->pdata);
      phrase->position = g_hash_table_size (phrases);
      g_hash_table_insert (phrases, g_strdup (key), phrase);
    }

  g_ptr_array_set_size (run_words, 0);
  g_string_truncate (surface, 0);
}

/* Cuts the story into candidate phrases: runs of at most MAX_PHRASE_WORDS
 * words between stop words and punctuation. */
static GHashTable *
collect_phrases (const char *story)
{
  GHashTable *stop = get_stop_words ();
  GHashTable *phrases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, phrase_free);
  g_autoptr(GPtrArray) run_words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) surface = g_string_new (NULL);
  guint n_words = 0;
  const char *p = story;

  while (*p != '\0' && n_words < MAX_WORDS)
    {
      gunichar c = g_utf8_get_char (p);
      const char *start;
      g_autofree char *word = NULL;
      g_autofree char *lower = NULL;

      if (!is_word_char (c))
        {
          /* Spaces join words; anything else ends the phrase. */
          if (c != ' ')
            add_phrase (phrases, run_words, surface);
          p = g_utf8_next_char (p);
          continue;
        }

      start = p;
      while (*p != '\0' && is_word_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);

      word = g_strndup (start, p - start);
      lower = g_utf8_strdown (word, -1);
      n_words++;

      /* Very long "words" are hashes, URLs or garbage, never a picture. */
      if (p - start > MAX_WORD_LENGTH ||
          g_hash_table_contains (stop, lower) ||
          g_utf8_strlen (lower, -1) < 2 ||
          !g_unichar_isalpha (g_utf8_get_char (lower)))
        {
          add_phrase (phrases, run_words, surface);
          continue;
        }

      if (run_words->len == MAX_PHRASE_WORDS)
        add_phrase (phrases, run_words, surface);

      if (surface->len > 0)
        g_string_append_c (surface, ' ');
      g_string_append (surface, word);
      g_ptr_array_add (run_words, g_steal_pointer (&lower));
    }

  add_phrase (phrases, run_words, surface);

  return phrases;
}

static void
score_phrases (GHashTable *phrases)
{
  g_autoptr(GHashTable) frequency = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) degree = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  Phrase *phrase;

  g_hash_table_iter_init (&iter, phrases);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &phrase))
    {
      guint n = g_strv_length (phrase->words);

      for (guint i = 0; i < n; i++)
        {
          const char *w = phrase->words[i];
          guint f = GPOINTER_TO_UINT (g_hash_table_lookup (frequency, w));
          guint d = GPOINTER_TO_UINT (g_hash_table_lookup (degree, w));

          g_hash_table_insert (frequency, (gpointer) w, GUINT_TO_POINTER (f + 1));
          g_hash_table_insert (degree, (gpointer) w, GUINT_TO_POINTER (d + n));
        }
    }

  g_hash_table_iter_init (&iter, phrases);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &phrase))
    {
      phrase->score = 0;
      for (guint i = 0; phrase->words[i] != NULL; i++)
        {
          double f = GPOINTER_TO_UINT (g_hash_table_lookup (frequency, phrase->words[i]));
          double d = GPOINTER_TO_UINT (g_hash_table_lookup (degree, phrase->words[i]));

          phrase->score += d / MAX (f, 1.0);
        }

      /* A lone verb such as "drilled" is a poor picture. */
      if (phrase->words[1] == NULL && g_str_has_suffix (phrase->words[0], "ed"))
        phrase->score /= 4;
    }
}

static int
compare_score (gconstpointer a,
               gconstpointer b)
{
  const Phrase *pa = *(Phrase * const *) a;
  const Phrase *pb = *(Phrase * const *) b;

  if (pa->score != pb->score)
    return pa->score > pb->score ? -1 : 1;

  return pa->position < pb->position ? -1 : pa->position > pb->position;
}

static int
compare_position (gconstpointer a,
                  gconstpointer b)
{
  const Phrase *pa = *(Phrase * const *) a;
  const Phrase *pb = *(Phrase * const *) b;

  return pa->position < pb->position ? -1 : pa->position > pb->position;
}

/* Picks 2–4 of the best phrases, in story order. */
static GPtrArray *
pick_phrases (const char *story,
              GRand      *rand)
{
  g_autoptr(GHashTable) phrases = collect_phrases (story);
  g_autoptr(GPtrArray) ranked = g_ptr_array_new ();
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  Phrase *phrase;
  guint pool, wanted;

  score_phrases (phrases);

  g_hash_table_iter_init (&iter, phrases);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &phrase))
    g_ptr_array_add (ranked, phrase);
  g_ptr_array_sort (ranked, compare_score);

  wanted = g_rand_int_range (rand, 2, 5);
  pool = MIN (ranked->len, wanted + 3);

  for (guint i = 0; i < wanted && pool > 0; i++)
    {
      guint pick = g_rand_int_range (rand, 0, (gint32) pool);

      g_ptr_array_add (chosen, g_ptr_array_index (ranked, pick));
      g_ptr_array_remove_index (ranked, pick);
      pool--;
    }

  g_ptr_array_sort (chosen, compare_position);
  for (guint i = 0; i < chosen->len; i++)
    {
      phrase = g_ptr_array_index (chosen, i);
      g_ptr_array_add (result, g_strdup (phrase->surface));
    }

  return result;
}

static const char *
pick (GPtrArray *items,
      GRand     *rand)
{
  g_assert (items->len > 0);

  return g_ptr_array_index (items, g_rand_int_range (rand, 0, (gint32) items->len));
}

static void
add_motifs (GPtrArray *phrases,
            GRand     *rand)
{
  guint n_motifs = g_strv_length ((char **) motifs);

  while (phrases->len < 2)
    {
      const char *motif = motifs[g_rand_int_range (rand, 0, (gint32) n_motifs)];

      if (!g_ptr_array_find_with_equal_func (phrases, motif, g_str_equal, NULL))
        g_ptr_array_add (phrases, g_strdup (motif));
    }
}

/**
 * sp_offline_generate:
 * @prompt_text: (nullable): a prompt rendered by SpTemplate, or any text
 * @seed: the seed; 0 derives one from the text, so the same prompt gives
 *   the same answer until a seed is chosen
 *
 * Returns: (transfer full): a new image prompt, never %NULL
 */
char *
sp_offline_generate (const char *prompt_text,
                     guint64     seed)
{
  g_autofree char *text = bounded_valid_text (prompt_text);
  g_auto(GStrv) lines = g_strsplit_set (text, "\r\n", -1);
  g_autoptr(GPtrArray) styles = list_or_fallback (lines, "styles", fallback_styles);
  g_autoptr(GPtrArray) inspirations = list_or_fallback (lines, "inspiration", fallback_inspirations);
  g_autoptr(GPtrArray) artists = list_or_fallback (lines, "artists", fallback_artists);
  g_autofree char *aspect_ratio = parse_aspect_ratio (lines);
  g_autofree char *story = find_story (text);
  g_autofree char *subject = NULL;
  g_autoptr(GPtrArray) phrases = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (seed == 0)
    seed = hash_text (text);
  rand = rand_from_seed (seed);

  if (story == NULL)
    subject = find_subject (text);

  if (subject != NULL && subject[0] != '\0')
    {
      phrases = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (phrases, g_strdup (subject));
    }
  else
    {
      if (story == NULL)
        story = strip_format_lines (lines);
      phrases = pick_phrases (story, rand);
    }

  add_motifs (phrases, rand);

  for (guint i = 0; i < phrases->len; i++)
    g_string_append_printf (out, "%s, ", (const char *) g_ptr_array_index (phrases, i));

  g_string_append_printf (out, "%s, %s, in the style of %s %s",
                          pick (inspirations, rand),
                          pick (styles, rand),
                          pick (artists, rand),
                          aspect_ratio);

  return g_string_free (g_steal_pointer (&out), FALSE);
}
