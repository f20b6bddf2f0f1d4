// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "sp-offline.h"
#include "sp-template.h"

static const char *story_text =
  "The ice moon Thalassa hid a frozen ocean where crystal towers sang. "
  "A salvage crew drilled through the glacier and found a sleeping leviathan. "
  "Its heartbeat shook the submarine lights.";

static char *
render_builtin (const char *story)
{
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();

  return sp_template_render_completion (template, story);
}

static gboolean
contains_one_of (const char         *text,
                 const char * const *items)
{
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (strstr (text, items[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_reproducible (void)
{
  g_autofree char *prompt = render_builtin (story_text);
  g_autofree char *a = sp_offline_generate (prompt, 42);
  g_autofree char *b = sp_offline_generate (prompt, 42);
  g_autofree char *c = sp_offline_generate (prompt, 0);
  g_autofree char *d = sp_offline_generate (prompt, 0);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (c, ==, d);
}

static void
test_seeds_vary (void)
{
  g_autofree char *prompt = render_builtin (story_text);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint64 seed = 1; seed <= 10; seed++)
    g_hash_table_add (seen, sp_offline_generate (prompt, seed));

  g_assert_cmpuint (g_hash_table_size (seen), >=, 5);
}

static void
test_takes_from_story_and_lists (void)
{
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autofree char *prompt = sp_template_render_completion (template, story_text);
  const char *story_words[] = { "ice moon", "Thalassa", "frozen ocean", "crystal towers",
                                "salvage crew", "glacier", "sleeping leviathan",
                                "heartbeat", "submarine lights", "sang", "drilled",
                                "shook", "hid", "found", NULL };

  for (guint64 seed = 1; seed <= 20; seed++)
    {
      g_autofree char *out = sp_offline_generate (prompt, seed);
      g_autofree char *artist = NULL;
      const char *in_style;

      g_test_message ("seed %" G_GUINT64_FORMAT ": %s", seed, out);
      g_assert_true (contains_one_of (out, story_words));
      g_assert_true (contains_one_of (out, sp_template_get_styles (template)));
      g_assert_true (contains_one_of (out, sp_template_get_inspirations (template)));
      in_style = strstr (out, "in the style of ");
      g_assert_nonnull (in_style);
      g_assert_true (contains_one_of (in_style, sp_template_get_artists (template)));
      g_assert_true (g_str_has_suffix (out, " --ar 3:2"));
      g_assert_null (strchr (out, '\n'));
      g_assert_null (strstr (out, "Prompt"));
    }
}

static void
test_lists_from_last_block (void)
{
  const char *prompt =
    "Make a prompt.\n[A story about robots.]\n"
    "styles = watercolor\ninspiration = Dune style\nartists = Ansel\n"
    "aspect ratio = --ar 16:9\nPrompt: robots --ar 16:9\n\n"
    "Make a prompt.\n[A lighthouse keeper polished lenses beside black holes.]\n"
    "styles = ink wash\ninspiration = Solaris style\nartists = Tarkovsky\n"
    "aspect ratio = --ar 4:5\nPrompt:";
  g_autofree char *out = sp_offline_generate (prompt, 7);

  g_assert_nonnull (strstr (out, "ink wash"));
  g_assert_nonnull (strstr (out, "Solaris style"));
  g_assert_nonnull (strstr (out, "in the style of Tarkovsky"));
  g_assert_true (g_str_has_suffix (out, "--ar 4:5"));
  g_assert_null (strstr (out, "robots"));
}

static void
test_chat_messages (void)
{
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autoptr(JsonArray) messages = sp_template_render_messages (template, story_text);
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autofree char *out = NULL;

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      g_string_append_printf (joined, "%s\n\n", json_object_get_string_member (message, "content"));
    }

  out = sp_offline_generate (joined->str, 3);
  g_assert_true (g_str_has_suffix (out, "--ar 3:2"));
  g_assert_true (strstr (out, "Thalassa") || strstr (out, "leviathan") ||
                 strstr (out, "ocean") || strstr (out, "crystal") ||
                 strstr (out, "glacier") || strstr (out, "salvage") ||
                 strstr (out, "heartbeat") || strstr (out, "ice moon") ||
                 strstr (out, "submarine") || strstr (out, "sang") ||
                 strstr (out, "drilled") || strstr (out, "shook") ||
                 strstr (out, "hid") || strstr (out, "found"));
}

static void
test_short_variant (void)
{
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autofree char *prompt = sp_template_render_short (template, "the future of humans and compute power");

  for (guint64 seed = 1; seed <= 5; seed++)
    {
      g_autofree char *out = sp_offline_generate (prompt, seed);

      g_assert_true (g_str_has_prefix (out, "the future of humans and compute power, "));
      g_assert_nonnull (strstr (out, "in the style of "));
      g_assert_true (g_str_has_suffix (out, "--ar 3:2"));
    }
}

typedef struct
{
  const char *name;
  const char *input;
} OddInput;

static const OddInput odd_inputs[] = {
  { "empty", "" },
  { "spaces", "   \n\t  " },
  { "brackets", "[[[]]]][[" },
  { "punctuation", "!!!,,,;;;...???" },
  { "invalid-utf8", "\xff\xfe[a \xc3\x28 story \xe2\x82 with \x80 bytes]\nstyles = \xff\n" },
  { "only-lists", "styles = \ninspiration = ,,,\nartists =\naspect ratio = --ar 0:0" },
  { "bad-ratio", "[a ship]\naspect ratio = --ar 99999999999999999999999:3" },
  { "stop-words", "[the of and a to in is it that was]" },
  { "about-nothing", "Imagine and create a sci-fi Midjourney prompt about " },
};

static void
test_odd_input (gconstpointer data)
{
  const OddInput *odd = data;
  g_autofree char *out = sp_offline_generate (odd->input, 1);

  g_test_message ("%s → %s", odd->name, out);
  g_assert_nonnull (out);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_nonnull (strstr (out, "in the style of "));
  g_assert_true (g_str_has_suffix (out, "--ar 3:2"));
}

static void
test_null_input (void)
{
  g_autofree char *out = sp_offline_generate (NULL, 0);

  g_assert_true (g_str_has_suffix (out, "--ar 3:2"));
}

static void
test_huge_input (void)
{
  gsize size = 5 * 1024 * 1024;
  g_autofree char *huge = g_malloc (size + 1);
  g_autofree char *out = NULL;
  gint64 start;

  static const char pattern[] = "abcdefgh ij[kl]mn\n\xff=,";

  for (gsize i = 0; i < size; i++)
    huge[i] = pattern[i % (sizeof pattern - 1)];
  huge[size] = '\0';

  start = g_get_monotonic_time ();
  out = sp_offline_generate (huge, 9);
  g_assert_nonnull (out);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (strlen (out), <, 1000);
  g_clear_pointer (&out, g_free);

  /* One enormous word, inside brackets and as a subject. */
  memset (huge, 'x', size);
  huge[0] = '[';
  huge[size - 1] = ']';
  start = g_get_monotonic_time ();
  out = sp_offline_generate (huge, 9);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (strlen (out), <, 1000);
  g_assert_true (g_str_has_suffix (out, "--ar 3:2"));
  g_clear_pointer (&out, g_free);

  memcpy (huge + size - 64, "prompt about ", strlen ("prompt about "));
  out = sp_offline_generate (huge, 9);
  g_assert_cmpuint (strlen (out), <, 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sp/offline/reproducible", test_reproducible);
  g_test_add_func ("/sp/offline/seeds-vary", test_seeds_vary);
  g_test_add_func ("/sp/offline/takes-from-story-and-lists", test_takes_from_story_and_lists);
  g_test_add_func ("/sp/offline/lists-from-last-block", test_lists_from_last_block);
  g_test_add_func ("/sp/offline/chat-messages", test_chat_messages);
  g_test_add_func ("/sp/offline/short-variant", test_short_variant);
  g_test_add_func ("/sp/offline/null-input", test_null_input);
  g_test_add_func ("/sp/offline/huge-input", test_huge_input);

  for (guint i = 0; i < G_N_ELEMENTS (odd_inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/offline/odd-input/%s", odd_inputs[i].name);

      g_test_add_data_func (path, &odd_inputs[i], test_odd_input);
    }

  return g_test_run ();
}
