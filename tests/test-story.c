// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "sp-error.h"
#include "sp-story.h"

static void
test_builtin (void)
{
  g_autoptr(GListModel) stories = sp_story_get_builtin ();
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (stories);

  g_assert_true (g_list_model_get_item_type (stories) == SP_TYPE_STORY);
  g_assert_cmpuint (n, >=, 10);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, i);
      const char *title = sp_story_get_title (story);
      const char *text = sp_story_get_text (story);

      g_assert_cmpuint (strlen (title), >, 0);
      g_assert_cmpuint (strlen (text), >, 200);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      /* Brackets would end the story early in the rendered prompt. */
      g_assert_null (strpbrk (text, "[]"));
      g_assert_false (g_hash_table_contains (titles, title));
      g_hash_table_add (titles, (gpointer) title);
    }

  g_hash_table_remove_all (titles);
  g_assert_finalize_object (g_steal_pointer (&stories));
}

static void
test_properties (void)
{
  g_autoptr(SpStory) story = sp_story_new ("Title", NULL);
  g_autofree char *text = NULL;
  guint notified = 0;

  g_signal_connect_swapped (story, "notify::text", G_CALLBACK (g_atomic_int_inc), &notified);
  g_assert_cmpstr (sp_story_get_text (story), ==, "");
  sp_story_set_text (story, "Once.");
  sp_story_set_text (story, "Once.");
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (story, "text", &text, NULL);
  g_assert_cmpstr (text, ==, "Once.");
  g_assert_finalize_object (g_steal_pointer (&story));
}

static void
test_from_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) stories = NULL;

  stories = sp_story_list_new_from_json ("[{\"title\": \"A\", \"text\": \"B\"}, {\"text\": \"C\"}]", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (stories), ==, 2);
  g_clear_object (&stories);

  stories = sp_story_list_new_from_json ("[{\"title\": \"A\"}]", -1, &error);
  g_assert_null (stories);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_clear_error (&error);

  stories = sp_story_list_new_from_json ("{", -1, &error);
  g_assert_null (stories);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sp/story/builtin", test_builtin);
  g_test_add_func ("/sp/story/properties", test_properties);
  g_test_add_func ("/sp/story/from-json", test_from_json);

  return g_test_run ();
}
