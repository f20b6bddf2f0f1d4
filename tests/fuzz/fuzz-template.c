// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-template"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-error.h"
#include "sp-template.h"

/* A template file from the user, loaded and rendered. Invariants: a
 * template that loads saves to JSON that loads again into the same JSON
 * (and so does its copy); rendering gives the completion text ending with
 * the cue, one system message, a user/assistant pair per example and the
 * user message for the story, and the short prompt; all valid UTF-8;
 * nothing leaks. */

static const char *story = "A lighthouse keeper finds [brackets] and {braces} in the fog.";

static void
check_messages (SpTemplate *template)
{
  g_autoptr(JsonArray) messages = sp_template_render_messages (template, story);
  guint n_examples = g_list_model_get_n_items (sp_template_get_examples (template));
  guint n = json_array_get_length (messages);
  guint i;

  g_assert_cmpuint (n, ==, 2 * n_examples + 2);
  for (i = 0; i < n; i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);
      const char *role = json_object_get_string_member (message, "role");
      const char *content = json_object_get_string_member (message, "content");
      const char *expected = i == 0 ? "system" : i % 2 == 1 ? "user" : "assistant";

      g_assert_cmpstr (role, ==, expected);
      g_assert_nonnull (content);
      g_assert_true (g_utf8_validate (content, -1, NULL));
      if (i % 2 == 1)
        g_assert_true (g_str_has_prefix (content, sp_template_get_instruction (template)));
    }
}

static void
check_render (SpTemplate *template)
{
  g_autofree char *completion = sp_template_render_completion (template, story);
  g_autofree char *short_prompt = sp_template_render_short (template, "  a lighthouse  ");
  g_autofree char *from_own_text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_utf8_validate (completion, -1, NULL));
  g_assert_true (g_str_has_suffix (completion, "Prompt:"));
  g_assert_true (g_str_has_prefix (completion, sp_template_get_instruction (template)));
  g_assert_true (g_str_has_suffix (short_prompt, " a lighthouse"));
  g_assert_true (g_utf8_validate (short_prompt, -1, NULL));
  check_messages (template);

  /* The template's own text as the story: whatever the user typed. */
  from_own_text = sp_template_render_completion (template, sp_template_get_instruction (template));
  g_assert_true (g_utf8_validate (from_own_text, -1, NULL));

  if (!sp_template_validate (template, &error))
    {
      g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
      g_assert_true (error->message[0] != '\0');
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SpTemplate) template = NULL;
  g_autoptr(SpTemplate) again = NULL;
  g_autoptr(SpTemplate) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  g_autofree char *json_copy = NULL;

  fuzz_init ();

  template = sp_template_new_from_json ((const char *) data, size, &error);
  if (template == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  json = sp_template_to_json (template);
  again = sp_template_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  json_again = sp_template_to_json (again);
  g_assert_cmpstr (json, ==, json_again);

  copy = sp_template_copy (template);
  json_copy = sp_template_to_json (copy);
  g_assert_cmpstr (json, ==, json_copy);

  check_render (template);

  g_assert_finalize_object (g_steal_pointer (&copy));
  g_assert_finalize_object (g_steal_pointer (&again));
  g_assert_finalize_object (g_steal_pointer (&template));
  return 0;
}
