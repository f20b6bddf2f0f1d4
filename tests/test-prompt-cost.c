// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-prompt-cost"

#include "config.h"

#include <locale.h>

#include "starprompt-core.h"
#include "sp-prompt-cost.h"

static JsonArray *
one_message (const char *content)
{
  JsonArray *messages = json_array_new ();
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "role", "user");
  json_object_set_string_member (message, "content", content);
  json_array_add_object_element (messages, message);
  return messages;
}

static void
test_chat_count_and_price (void)
{
  g_autoptr(JsonArray) messages = one_message ("Hello world");
  g_autoptr(SpPromptCost) cost = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  cost = sp_prompt_cost_estimate ("gpt-4o-mini", messages, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* 3 per message + "user" (1) + "Hello world" (2) + 3 reply priming. */
  g_assert_cmpuint (cost->prompt_tokens, ==, 9);
  g_assert_cmpstr (cost->encoding, ==, "o200k_base");
  g_assert_false (cost->encoding_guessed);
  g_assert_true (cost->priced);
  /* $0.15 per 1M input tokens on the 2025-08 sheet. */
  g_assert_cmpint (cost->input_cost, ==, 9 * 150000);
  text = sp_prompt_cost_describe (cost, "gpt-4o-mini");
  g_assert_true (g_str_has_prefix (text, "9 tokens · $0.00000135 per call"));
}

static void
test_completion_prompt (void)
{
  g_autoptr(SpPromptCost) cost = NULL;
  g_autoptr(GError) error = NULL;

  cost = sp_prompt_cost_estimate ("davinci-002", NULL, "Hello world", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cost->prompt_tokens, ==, 2);
  g_assert_cmpstr (cost->encoding, ==, "cl100k_base");
}

static void
test_unknown_model (void)
{
  g_autoptr(JsonArray) messages = one_message ("Hello world");
  g_autoptr(SpPromptCost) cost = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  cost = sp_prompt_cost_estimate ("llama3.2", messages, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cost->encoding_guessed);
  g_assert_false (cost->priced);
  text = sp_prompt_cost_describe (cost, "llama3.2");
  g_assert_nonnull (strstr (text, "counted as o200k_base"));
  g_assert_nonnull (strstr (text, "no price for “llama3.2”"));
}

static void
estimated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SpPromptCost **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sp_prompt_cost_estimate_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autoptr(JsonArray) messages = sp_template_render_messages (template, "A story about the Moon.");
  g_autoptr(SpPromptCost) expected = NULL;
  SpPromptCost *cost = NULL;

  const char *completions[] = { "Hello world", "Hello world, again", NULL };

  sp_prompt_cost_estimate_async ("gpt-4o", messages, NULL, "Hello world", completions,
                                 NULL, estimated_cb, &cost);
  while (cost == NULL)
    g_main_context_iteration (NULL, TRUE);
  expected = sp_prompt_cost_estimate ("gpt-4o", messages, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (cost->prompt_tokens, ==, expected->prompt_tokens);
  g_assert_cmpuint (cost->prompt_tokens, >, 100);
  /* One user message: 3 + "user" 1 + 2 + 3 priming. */
  g_assert_cmpuint (cost->short_prompt_tokens, ==, 9);
  /* "Hello world" 2 and "Hello world, again" 4: a mean of 3. */
  g_assert_cmpuint (cost->completion_tokens, ==, 3);
  sp_prompt_cost_free (cost);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sp/prompt-cost/chat-count-and-price", test_chat_count_and_price);
  g_test_add_func ("/sp/prompt-cost/completion-prompt", test_completion_prompt);
  g_test_add_func ("/sp/prompt-cost/unknown-model", test_unknown_model);
  g_test_add_func ("/sp/prompt-cost/async", test_async);

  return g_test_run ();
}
