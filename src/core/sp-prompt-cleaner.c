// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-prompt-cleaner"

#include "config.h"

#include "sp-prompt-cleaner.h"

#include <string.h>

/* Midjourney parameters (v4 to v7 and niji); the cleaner also accepts any
 * other "--word" once the parameters have begun. */
static const char * const known_parameters[] = {
  "ar", "aspect", "v", "version", "stylize", "s", "chaos", "c", "q", "quality",
  "niji", "seed", "sameseed", "no", "style", "iw", "weird", "w", "tile", "stop",
  "repeat", "r", "sref", "cref", "cw", "sw", "sv", "p", "personalize", "hd",
  "test", "testp", "uplight", "upbeta", "relax", "fast", "turbo", "draft",
  "raw", "video", "exp", "oref", "ow", "profile", "motion", "loop", "bs",
  "creative",
};

/* Words that open a line of chat chatter before the prompt. */
static const char * const chatter_openings[] = {
  "sure", "certainly", "of course", "absolutely", "okay", "ok,", "ok!", "ok.",
  "here is", "here's", "here are", "great", "i've", "i have", "below is",
  "alright", "happy to", "no problem",
};

typedef enum
{
  IN_PROMPT,
  IN_PARAMETERS,
} State;

gboolean
sp_prompt_cleaner_is_parameter (const char *word)
{
  g_return_val_if_fail (word != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (known_parameters); i++)
    if (g_ascii_strcasecmp (word, known_parameters[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_quote (gunichar c)
{
  return c == '"' || c == '\'' || c == '`' || c == 0x201C || c == 0x201D ||
         c == 0x2018 || c == 0x2019 || c == 0x00AB || c == 0x00BB;
}

/* Removes Markdown emphasis marks anywhere, and block quote and list
 * marks at the start of a line. */
static char *
strip_markdown_line (const char *line)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = line;

  while (*p == ' ' || *p == '\t')
    p++;
  while (*p == '>')
    {
      p++;
      while (*p == ' ')
        p++;
    }
  if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ')
    p += 2;
  else if (g_ascii_isdigit (*p))
    {
      const char *q = p;

      while (g_ascii_isdigit (*q))
        q++;
      if ((*q == '.' || *q == ')') && q[1] == ' ')
        p = q + 2;
    }
  if (*p == '#')
    {
      while (*p == '#')
        p++;
      while (*p == ' ')
        p++;
    }

  for (; *p != '\0'; p++)
    {
      if ((*p == '*' && p[1] == '*') || (*p == '_' && p[1] == '_'))
        {
          p++;
          continue;
        }
      if (*p == '*' && (p[1] != ' ' || out->len == 0))
        continue;
      g_string_append_c (out, *p);
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/* The inside of the first fenced code block, when there is one that is
 * not empty. */
static char *
take_fenced_block (const char *raw)
{
  const char *open = strstr (raw, "```");
  const char *start;
  const char *close;

  if (open == NULL)
    return g_strdup (raw);
  start = strchr (open, '\n');
  if (start == NULL)
    return g_strdup (raw);
  start++;
  close = strstr (start, "```");
  if (close == NULL)
    close = start + strlen (start);

  {
    g_autofree char *inside = g_strndup (start, close - start);

    if (*g_strstrip (inside) == '\0')
      return g_strdup (raw);
    return g_steal_pointer (&inside);
  }
}

static gboolean
is_chatter_line (const char *line)
{
  g_autofree char *lower = g_utf8_strdown (line, -1);
  gsize len = strlen (lower);

  if (len > 0 && lower[len - 1] == ':' && len < 120)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (chatter_openings); i++)
    if (g_str_has_prefix (lower, chatter_openings[i]))
      return TRUE;
  return FALSE;
}

/* Drops a label such as "Prompt:", "Image prompt:", "/imagine prompt:" or
 * "Here is your prompt:" at the start of @line. */
static const char *
skip_label (const char *line)
{
  g_autofree char *lower = g_ascii_strdown (line, -1);
  const char *label = strstr (lower, "prompt:");
  const char *p;

  if (label == NULL || label - lower > 60)
    return line;
  p = line + (label - lower) + strlen ("prompt:");
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static gboolean
is_parameter_token (const char *token,
                    gboolean    in_parameters)
{
  if (token[0] != '-' || token[1] != '-' || !g_ascii_isalpha (token[2]))
    return FALSE;
  if (in_parameters)
    return TRUE;
  {
    g_autofree char *word = g_strdup (token + 2);
    char *end = word;

    while (g_ascii_isalnum (*end) || *end == '-' || *end == '_')
      end++;
    *end = '\0';
    return sp_prompt_cleaner_is_parameter (word);
  }
}

static gboolean
is_value_token (const char *token)
{
  const char *p = token;

  if (g_str_has_prefix (token, "--"))
    return FALSE;
  if (g_str_has_prefix (token, "http://") || g_str_has_prefix (token, "https://"))
    return TRUE;
  if (g_ascii_isdigit (*p) || (*p == '-' && g_ascii_isdigit (p[1])))
    {
      for (p++; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p) && *p != '.' && *p != ':' && *p != ',')
          return FALSE;
      return TRUE;
    }
  if (!g_ascii_islower (*p) || strlen (token) > 24)
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_' &&
        *p != '.' && *p != ',')
      return FALSE;
  return TRUE;
}

/* Strips quotes and closing punctuation at the end of a parameter value. */
static void
trim_value (GString *token)
{
  while (token->len > 0)
    {
      char c = token->str[token->len - 1];

      if (c == '.' || c == ';' || c == '!' || c == ')' || c == '"' || c == '\'' || c == '`')
        g_string_truncate (token, token->len - 1);
      else
        break;
    }
}

/* Walks the words after the start of the prompt and keeps them up to the
 * end of the Midjourney parameters (or of the first paragraph). */
static char *
cut_after_parameters (GPtrArray *words)
{
  g_autoptr(GString) out = g_string_new (NULL);
  State state = IN_PROMPT;
  gboolean takes_list = FALSE;
  guint values = 0;

  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      g_autoptr(GString) token = NULL;

      if (word == NULL)
        {
          /* A paragraph break: the prompt goes on only when parameters
           * follow on their own line. */
          const char *next = i + 1 < words->len ? g_ptr_array_index (words, i + 1) : NULL;

          if (next != NULL && is_parameter_token (next, state == IN_PARAMETERS))
            continue;
          break;
        }

      token = g_string_new (word);
      if (is_parameter_token (word, state == IN_PARAMETERS))
        {
          state = IN_PARAMETERS;
          takes_list = g_str_has_prefix (word, "--no");
          values = 0;
          trim_value (token);
        }
      else if (state == IN_PARAMETERS)
        {
          const char *previous = g_ptr_array_index (words, i - 1);
          gboolean list_goes_on = takes_list && previous != NULL && g_str_has_suffix (previous, ",");

          trim_value (token);
          if (!is_value_token (token->str) || (values > 0 && !list_goes_on))
            break;
          values++;
        }

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, token->str);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Drops quotes around the prompt: at its start, at its end and just before
 * the parameters. */
static char *
strip_quotes (const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0' && is_quote (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (is_quote (c) && (*next == '\0' || g_str_has_prefix (next, " --")) &&
          (c != '\'' || out->len == 0 || out->str[out->len - 1] != 's'))
        {
          /* A quote that stands alone must not leave two spaces. */
          if (out->len > 0 && out->str[out->len - 1] == ' ')
            g_string_truncate (out, out->len - 1);
          continue;
        }
      g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

char *
sp_prompt_cleaner_clean (const char *raw)
{
  g_autofree char *inside = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *kept = NULL;
  gboolean started = FALSE;
  gboolean blank_before = FALSE;

  if (raw == NULL)
    return g_strdup ("");

  inside = take_fenced_block (raw);
  lines = g_strsplit_set (inside, "\n\r", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = strip_markdown_line (lines[i]);
      const char *text = line;
      g_auto(GStrv) parts = NULL;

      if (*text == '\0' || g_str_has_prefix (text, "```"))
        {
          blank_before = started;
          continue;
        }
      if (!started)
        {
          text = skip_label (text);
          if (*text == '\0')
            continue;
          if (text == line && is_chatter_line (text))
            continue;
          started = TRUE;
        }
      if (blank_before)
        g_ptr_array_add (words, NULL);
      blank_before = FALSE;

      parts = g_strsplit_set (text, " \t", -1);
      for (guint j = 0; parts[j] != NULL; j++)
        if (*parts[j] != '\0')
          g_ptr_array_add (words, g_strdup (parts[j]));
    }

  kept = cut_after_parameters (words);
  return strip_quotes (kept);
}
