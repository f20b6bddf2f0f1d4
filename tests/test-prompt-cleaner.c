// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-prompt-cleaner"

#include "config.h"

#include "sp-prompt-cleaner.h"

typedef struct
{
  const char *path;
  const char *raw;
  const char *clean;
} Case;

static const Case cases[] = {
  /* Found by fuzzing: the dropped quote left two spaces. */
  { "lone-quote-before-parameters", "a lighthouse \" --ar 3:2", "a lighthouse --ar 3:2" },
  { "lone-backtick-at-end", "a lighthouse in fog `", "a lighthouse in fog" },
  { "plain", "a lone starship, cinematic --ar 3:2", "a lone starship, cinematic --ar 3:2" },
  { "trailing-chatter",
    "a lone starship, cinematic --ar 3:2 --v 6\n\nLet me know if you would like any changes!",
    "a lone starship, cinematic --ar 3:2 --v 6" },
  { "chatter-same-line",
    "a lone starship --ar 3:2 --stylize 250 I hope this helps.",
    "a lone starship --ar 3:2 --stylize 250" },
  { "leading-chatter",
    "Sure! Here is your prompt:\n\na lone starship, digital art --ar 3:2\n\nLet me know!",
    "a lone starship, digital art --ar 3:2" },
  { "prompt-label", "Prompt: a lone starship --ar 16:9", "a lone starship --ar 16:9" },
  { "bold-label", "**Prompt:** a **lone** starship --ar 3:2 --q 2", "a lone starship --ar 3:2 --q 2" },
  { "imagine", "/imagine prompt: a red planet --ar 3:2 --chaos 20", "a red planet --ar 3:2 --chaos 20" },
  { "fence",
    "Here you go:\n```\na lone starship, cinematic --ar 3:2 --niji 6\n```\nEnjoy!",
    "a lone starship, cinematic --ar 3:2 --niji 6" },
  { "fence-language",
    "```text\na lone starship --ar 3:2\n```",
    "a lone starship --ar 3:2" },
  { "quotes", "\"a lone starship, cinematic --ar 3:2\"", "a lone starship, cinematic --ar 3:2" },
  { "curly-quotes", "“a lone starship, cinematic” --ar 3:2", "a lone starship, cinematic --ar 3:2" },
  { "period-after-params", "a lone starship --ar 3:2. This prompt evokes wonder.", "a lone starship --ar 3:2" },
  { "params-own-line", "a lone starship, cinematic\n\n--ar 3:2 --v 5.2\n\nHope you like it", "a lone starship, cinematic --ar 3:2 --v 5.2" },
  { "no-list", "a calm sea --no text, watermark --ar 3:2 Want more?", "a calm sea --no text, watermark --ar 3:2" },
  { "style-raw", "a calm sea --style raw --ar 3:2 --s 750\nAnything else?", "a calm sea --style raw --ar 3:2 --s 750" },
  { "no-params", "Certainly!\n\nA glowing nebula over a quiet moon\n\nThis prompt uses contrast.", "A glowing nebula over a quiet moon" },
  { "blockquote", "> a lone starship --ar 3:2", "a lone starship --ar 3:2" },
  { "multiline-prompt", "a lone starship,\ncinematic lighting --ar 3:2", "a lone starship, cinematic lighting --ar 3:2" },
  { "crlf", "Prompt:\r\na lone starship --ar 3:2\r\n\r\nThanks!", "a lone starship --ar 3:2" },
  { "empty", "", "" },
  { "only-chatter", "Sure! Here is your prompt:", "" },
  { "possessive", "the pilots' last flight --ar 3:2", "the pilots' last flight --ar 3:2" },
  /* Chat chatter as chat models wrote it around the prompts of the
   * original experiment. */
  { "chat-based-on-story",
    "Sure! Here's a Midjourney prompt based on your story:\n\n**Prompt:** a lone starship drifting past a dying star, cinematic lighting --ar 3:2 --v 6\n\nThis prompt captures the loneliness of the journey.",
    "a lone starship drifting past a dying star, cinematic lighting --ar 3:2 --v 6" },
  { "chat-stopped-fence-imagine",
    "Certainly! Here is the prompt, stopped after the parameters as you asked:\n\n```\n/imagine prompt: a red planet at dawn, volumetric light --ar 3:2\n```\n\nFeel free to tweak the style!",
    "a red planet at dawn, volumetric light --ar 3:2" },
  { "chat-quoted-with-note",
    "Here is your image prompt:\n\n\"A glowing AI core in a derelict station, neon haze, by Syd Mead --ar 3:2 --stylize 250\"\n\nNote: you can raise --stylize for a more artistic result.",
    "A glowing AI core in a derelict station, neon haze, by Syd Mead --ar 3:2 --stylize 250" },
  { "chat-emoji-same-line",
    "Of course! \xf0\x9f\x9a\x80\n\nA fleet of silver ships over Saturn's rings, hyperrealistic, 8k --ar 3:2 --chaos 10 --q 2 Let me know if you want variations.",
    "A fleet of silver ships over Saturn's rings, hyperrealistic, 8k --ar 3:2 --chaos 10 --q 2" },
  { "chat-numbered",
    "Absolutely \xe2\x80\x94 here you go:\n\n1. a lone starship, cinematic --ar 3:2\n\nWould you like more options?",
    "a lone starship, cinematic --ar 3:2" },
  { "chat-explanation-after",
    "Here's a prompt for Midjourney:\nPrompt: a quiet moon base at night, soft rim light --ar 3:2\nExplanation: the soft light evokes calm.",
    "a quiet moon base at night, soft rim light --ar 3:2" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *clean = sp_prompt_cleaner_clean (c->raw);

  g_assert_cmpstr (clean, ==, c->clean);
}

static void
test_null (void)
{
  g_autofree char *clean = sp_prompt_cleaner_clean (NULL);

  g_assert_cmpstr (clean, ==, "");
}

static void
test_idempotent (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *once = sp_prompt_cleaner_clean (cases[i].raw);
      g_autofree char *twice = sp_prompt_cleaner_clean (once);

      g_assert_cmpstr (once, ==, twice);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/sp/prompt-cleaner/", cases[i].path, NULL);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/sp/prompt-cleaner/null", test_null);
  g_test_add_func ("/sp/prompt-cleaner/idempotent", test_idempotent);

  return g_test_run ();
}
