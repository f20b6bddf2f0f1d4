// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "sp-error.h"
#include "sp-template.h"

static SpTemplate *
small_template (void)
{
  SpTemplate *template = sp_template_new ();
  const char *styles[] = { "pixel art", "synthwave", NULL };
  const char *inspirations[] = { "Star Trek style", NULL };
  const char *artists[] = { "Syd Mead", "Chris Foss", NULL };

  sp_template_set_styles (template, styles);
  sp_template_set_inspirations (template, inspirations);
  sp_template_set_artists (template, artists);
  sp_template_add_example (template, "Robots learn to dream.", "dreaming robots, Star Trek style, pixel art, in the style of Syd Mead --ar 3:2");

  return template;
}

static void
test_render_completion (void)
{
  g_autoptr(SpTemplate) template = small_template ();
  g_autofree char *text = sp_template_render_completion (template, "A ship [lost] in time.");
  const char *expected =
    "Imagine and create a sci-fi Midjourney prompt from the following research in brackets.\n"
    "[Robots learn to dream.]\n"
    "styles = pixel art, synthwave\n"
    "inspiration = Star Trek style\n"
    "artists = Syd Mead, Chris Foss\n"
    "aspect ratio = --ar 3:2\n"
    "Prompt: dreaming robots, Star Trek style, pixel art, in the style of Syd Mead --ar 3:2\n"
    "\n"
    "Imagine and create a sci-fi Midjourney prompt from the following research in brackets.\n"
    "[A ship (lost) in time.]\n"
    "styles = pixel art, synthwave\n"
    "inspiration = Star Trek style\n"
    "artists = Syd Mead, Chris Foss\n"
    "aspect ratio = --ar 3:2\n"
    "Prompt:";

  g_assert_cmpstr (text, ==, expected);
  g_assert_finalize_object (g_steal_pointer (&template));
}

static void
test_render_messages (void)
{
  g_autoptr(SpTemplate) template = small_template ();
  g_autoptr(JsonArray) messages = sp_template_render_messages (template, "A ship lost in time.");
  JsonObject *message;

  g_assert_cmpuint (json_array_get_length (messages), ==, 4);

  message = json_array_get_object_element (messages, 0);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "system");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (message, "content"),
                                   "Imagine and create a sci-fi Midjourney prompt"));

  message = json_array_get_object_element (messages, 1);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "user");
  g_assert_nonnull (strstr (json_object_get_string_member (message, "content"), "[Robots learn to dream.]"));
  g_assert_nonnull (strstr (json_object_get_string_member (message, "content"), "aspect ratio = --ar 3:2"));

  message = json_array_get_object_element (messages, 2);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==,
                   "dreaming robots, Star Trek style, pixel art, in the style of Syd Mead --ar 3:2");

  message = json_array_get_object_element (messages, 3);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "user");
  g_assert_nonnull (strstr (json_object_get_string_member (message, "content"), "[A ship lost in time.]"));
  g_assert_null (strstr (json_object_get_string_member (message, "content"), "Prompt:"));

  g_assert_finalize_object (g_steal_pointer (&template));
}

static void
test_render_short (void)
{
  g_autoptr(SpTemplate) template = sp_template_new ();
  g_autofree char *text = sp_template_render_short (template, "  AI \n");

  g_assert_cmpstr (text, ==, "Imagine and create a sci-fi Midjourney prompt about AI");
  g_assert_finalize_object (g_steal_pointer (&template));
}

static void
test_json_round_trip (void)
{
  g_autoptr(SpTemplate) template = small_template ();
  g_autoptr(SpTemplate) loaded = NULL;
  g_autoptr(SpTemplate) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  g_autofree char *json3 = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  sp_template_set_name (template, "Ünïcode “name”");
  sp_template_set_aspect_ratio (template, "--ar 16:9");
  json = sp_template_to_json (template);
  loaded = sp_template_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  json2 = sp_template_to_json (loaded);
  g_assert_cmpstr (json, ==, json2);
  g_assert_cmpstr (sp_template_get_name (loaded), ==, "Ünïcode “name”");
  g_assert_cmpstr (sp_template_get_aspect_ratio (loaded), ==, "--ar 16:9");
  g_assert_cmpuint (g_list_model_get_n_items (sp_template_get_examples (loaded)), ==, 1);

  a = sp_template_render_completion (template, "x");
  b = sp_template_render_completion (loaded, "x");
  g_assert_cmpstr (a, ==, b);

  copy = sp_template_copy (template);
  json3 = sp_template_to_json (copy);
  g_assert_cmpstr (json, ==, json3);

  g_assert_finalize_object (g_steal_pointer (&copy));
  g_assert_finalize_object (g_steal_pointer (&loaded));
  g_assert_finalize_object (g_steal_pointer (&template));
}

typedef struct
{
  const char *name;
  const char *json;
} BadJson;

static const BadJson bad_jsons[] = {
  { "empty", "" },
  { "truncated", "{\"instruction\": \"x\"" },
  { "not-json", "instruction = x" },
  { "array", "[1, 2]" },
  { "number", "42" },
  { "styles-not-list", "{\"styles\": \"pixel art\"}" },
  { "styles-numbers", "{\"styles\": [1, 2]}" },
  { "instruction-number", "{\"instruction\": 3}" },
  { "examples-object", "{\"examples\": {}}" },
  { "example-string", "{\"examples\": [\"a\"]}" },
  { "example-prompt-number", "{\"examples\": [{\"story\": \"a\", \"prompt\": 1}]}" },
  /* json-glib 1.6 reads "\\202" as a raw byte: found by fuzzing. */
  { "octal-escape-not-utf8", "{\"instruction\": \"a\\202b\"}" },
  { "octal-escape-in-name", "{\"x\\377\": 1}" },
  /* json-glib's error quotes the string, the raw byte in it. */
  { "octal-escape-in-parse-error", "{\"instruction\":\"a\\202b\"c" },
};

static void
test_bad_json (gconstpointer data)
{
  const BadJson *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpTemplate) template = sp_template_new_from_json (bad->json, -1, &error);

  g_assert_null (template);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_test_message ("%s: %s", bad->name, error->message);
}

static void
test_missing_members_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpTemplate) template = sp_template_new_from_json ("{}", -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (sp_template_get_instruction (template), ==,
                   "Imagine and create a sci-fi Midjourney prompt from the following research in brackets.");
  g_assert_cmpstr (sp_template_get_aspect_ratio (template), ==, "--ar 3:2");
  g_assert_true (sp_template_validate (template, &error));
  g_assert_finalize_object (g_steal_pointer (&template));
}

typedef struct
{
  const char *aspect_ratio;
  gboolean    valid;
} AspectCase;

static const AspectCase aspect_cases[] = {
  { "--ar 3:2", TRUE },
  { "--ar 16:9", TRUE },
  { "--ar 1:1", TRUE },
  { "--ar 0:2", FALSE },
  { "--ar 3:0", FALSE },
  { "--ar -3:2", FALSE },
  { "--ar 3:2 ", FALSE },
  { "--ar 3/2", FALSE },
  { "--ar 3:", FALSE },
  { "--ar :2", FALSE },
  { "3:2", FALSE },
  { "--ar 3.5:2", FALSE },
  { "--ar 999999:2", FALSE },
  { "", FALSE },
};

static void
test_validate_aspect_ratio (gconstpointer data)
{
  const AspectCase *c = data;
  g_autoptr(SpTemplate) template = sp_template_new ();
  g_autoptr(GError) error = NULL;

  sp_template_set_aspect_ratio (template, c->aspect_ratio);
  g_assert_cmpint (sp_template_validate (template, &error), ==, c->valid);
  if (c->valid)
    g_assert_no_error (error);
  else
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
}

static void
test_validate (void)
{
  g_autoptr(SpTemplate) template = small_template ();
  g_autoptr(GError) error = NULL;

  g_assert_true (sp_template_validate (template, &error));
  g_assert_no_error (error);

  sp_template_set_instruction (template, "  \n");
  g_assert_false (sp_template_validate (template, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  sp_template_set_instruction (template, "Do it.");

  sp_template_add_example (template, "A story", "");
  g_assert_false (sp_template_validate (template, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "2"));
  g_clear_error (&error);

  sp_template_remove_example (template, 1);
  sp_template_add_example (template, "", "a prompt");
  g_assert_false (sp_template_validate (template, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  sp_template_remove_example (template, 1);
  g_assert_true (sp_template_validate (template, &error));

  g_assert_finalize_object (g_steal_pointer (&template));
}

static void
count_cb (SpTemplate *template,
          guint      *count)
{
  (*count)++;
}

static void
test_changed_signal (void)
{
  g_autoptr(SpTemplate) template = small_template ();
  g_autoptr(SpTemplateExample) example = NULL;
  const char *artists[] = { "Syd Mead", "Chris Foss", NULL };
  guint count = 0;

  g_signal_connect (template, "changed", G_CALLBACK (count_cb), &count);

  sp_template_set_instruction (template, "New instruction.");
  g_assert_cmpuint (count, ==, 1);
  sp_template_set_instruction (template, "New instruction.");
  g_assert_cmpuint (count, ==, 1);

  sp_template_set_artists (template, artists);
  g_assert_cmpuint (count, ==, 1);

  example = g_list_model_get_item (sp_template_get_examples (template), 0);
  sp_template_example_set_story (example, "Robots learn to sing.");
  g_assert_cmpuint (count, ==, 2);
  sp_template_example_set_prompt (example, "singing robots --ar 3:2");
  g_assert_cmpuint (count, ==, 3);
  sp_template_example_set_prompt (example, "singing robots --ar 3:2");
  g_assert_cmpuint (count, ==, 3);

  sp_template_add_example (template, "b", "c");
  g_assert_cmpuint (count, ==, 4);

  /* A removed example no longer changes the template. */
  sp_template_remove_example (template, 0);
  g_assert_cmpuint (count, ==, 5);
  sp_template_example_set_story (example, "Gone.");
  g_assert_cmpuint (count, ==, 5);

  g_assert_finalize_object (g_steal_pointer (&template));
  g_assert_finalize_object (g_steal_pointer (&example));
}

static void
test_builtin (void)
{
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autoptr(GError) error = NULL;
  GListModel *examples = sp_template_get_examples (template);

  g_assert_true (sp_template_validate (template, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sp_template_get_aspect_ratio (template), ==, "--ar 3:2");
  g_assert_cmpuint (g_list_model_get_n_items (examples), ==, 3);
  g_assert_cmpuint (g_strv_length ((char **) sp_template_get_styles (template)), >=, 8);
  g_assert_true (g_strv_contains (sp_template_get_artists (template), "Syd Mead"));
  g_assert_true (g_strv_contains (sp_template_get_inspirations (template), "Blade Runner style"));

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (examples, i);

      g_assert_true (g_str_has_suffix (sp_template_example_get_prompt (example), "--ar 3:2"));
      g_assert_cmpuint (strlen (sp_template_example_get_story (example)), >, 100);
    }

  g_assert_finalize_object (g_steal_pointer (&template));
}

static void
test_properties (void)
{
  g_autoptr(SpTemplate) template = sp_template_new ();
  g_auto(GStrv) styles = NULL;
  g_autoptr(GListModel) examples = NULL;
  const char *set[] = { "a", "b", NULL };
  g_autofree char *name = NULL;

  g_object_set (template, "styles", set, "name", "N", NULL);
  g_object_get (template, "styles", &styles, "name", &name, "examples", &examples, NULL);
  g_assert_cmpstrv (styles, set);
  g_assert_cmpstr (name, ==, "N");
  g_assert_true (examples == sp_template_get_examples (template));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sp/template/render-completion", test_render_completion);
  g_test_add_func ("/sp/template/render-messages", test_render_messages);
  g_test_add_func ("/sp/template/render-short", test_render_short);
  g_test_add_func ("/sp/template/json-round-trip", test_json_round_trip);
  g_test_add_func ("/sp/template/missing-members-default", test_missing_members_default);
  g_test_add_func ("/sp/template/validate", test_validate);
  g_test_add_func ("/sp/template/changed-signal", test_changed_signal);
  g_test_add_func ("/sp/template/builtin", test_builtin);
  g_test_add_func ("/sp/template/properties", test_properties);

  for (guint i = 0; i < G_N_ELEMENTS (bad_jsons); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/template/bad-json/%s", bad_jsons[i].name);

      g_test_add_data_func (path, &bad_jsons[i], test_bad_json);
    }

  for (guint i = 0; i < G_N_ELEMENTS (aspect_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/template/validate-aspect-ratio/%u", i);

      g_test_add_data_func (path, &aspect_cases[i], test_validate_aspect_ratio);
    }

  return g_test_run ();
}
