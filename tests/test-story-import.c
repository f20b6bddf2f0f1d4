// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-story-import"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "sp-story.h"
#include "sp-story-import.h"

static SpStory *
story_at (SpStoryImportReport *report,
          guint                index)
{
  return g_list_model_get_item (sp_story_import_report_get_stories (report), index);
}

static void
test_csv_good (void)
{
  const char *csv =
    "\xEF\xBB\xBFtitle,text\r\n"
    "First contact,\"They answered in prime numbers, then in music.\"\r\n"
    "\"The \"\"Ark\"\"\",\"Line one\r\nline two\nline three\"\r\n"
    "\r\n"
    "Plain,No quotes at all\n";
  g_autoptr(SpStoryImportReport) report = sp_story_import_csv (csv, strlen (csv), "good.csv");
  g_autoptr(SpStory) first = NULL;
  g_autoptr(SpStory) ark = NULL;

  g_assert_cmpuint (sp_story_import_report_get_n_problems (report), ==, 0);
  g_assert_cmpuint (sp_story_import_report_get_n_stories (report), ==, 3);
  first = story_at (report, 0);
  g_assert_cmpstr (sp_story_get_title (first), ==, "First contact");
  g_assert_cmpstr (sp_story_get_text (first), ==, "They answered in prime numbers, then in music.");
  ark = story_at (report, 1);
  g_assert_cmpstr (sp_story_get_title (ark), ==, "The \"Ark\"");
  g_assert_cmpstr (sp_story_get_text (ark), ==, "Line one\r\nline two\nline three");
}

static void
test_csv_columns_any_order (void)
{
  const char *csv = "Text,Title\nA story.,A title\n";
  g_autoptr(SpStoryImportReport) report = sp_story_import_csv (csv, strlen (csv), "x.csv");
  g_autoptr(SpStory) story = story_at (report, 0);

  g_assert_cmpstr (sp_story_get_title (story), ==, "A title");
  g_assert_cmpstr (sp_story_get_text (story), ==, "A story.");
}

typedef struct
{
  guint       line;
  const char *words;
} Expected;

static void
test_csv_bad_rows (void)
{
  const char *csv =
    "title,text\n"                                   /* 1 */
    "Good one,Fine text\n"                           /* 2 */
    "Too,many,fields\n"                              /* 3 */
    "Lonely\n"                                       /* 4 */
    ",No title\n"                                    /* 5 */
    "No text,\n"                                     /* 6 */
    "\"Quoted\"tail,text\n"                          /* 7 */
    "Good two,\"Spans\ntwo lines\"\n"                /* 8-9 */
    "Bad \xff\xfe,text\n"                            /* 10 */
    "Last,\"never closed\nat all\n";                 /* 11-12 */
  const Expected expected[] = {
    { 3, "3 fields" },
    { 4, "1 field" },
    { 5, "title is empty" },
    { 6, "text is empty" },
    { 7, "after a closing quote" },
    { 10, "UTF-8" },
    { 11, "line 11 is never closed" },
  };
  g_autoptr(SpStoryImportReport) report = sp_story_import_csv (csv, strlen (csv), "bad.csv");
  g_autoptr(SpStory) two = NULL;

  g_assert_cmpuint (sp_story_import_report_get_n_stories (report), ==, 2);
  two = story_at (report, 1);
  g_assert_cmpstr (sp_story_get_title (two), ==, "Good two");
  g_assert_cmpuint (sp_story_import_report_get_n_problems (report), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const SpStoryImportProblem *problem = sp_story_import_report_get_problem (report, i);
      g_autofree char *text = sp_story_import_problem_to_string (problem);

      g_assert_cmpuint (problem->line, ==, expected[i].line);
      g_assert_cmpstr (problem->origin, ==, "bad.csv");
      if (strstr (problem->reason, expected[i].words) == NULL)
        g_error ("line %u: “%s” does not say “%s”", problem->line, problem->reason, expected[i].words);
      g_assert_true (g_str_has_prefix (text, "bad.csv:"));
    }
}

static void
test_csv_no_header (void)
{
  const char *csv = "A title,A text\n";
  g_autoptr(SpStoryImportReport) report = sp_story_import_csv (csv, strlen (csv), "x.csv");

  g_assert_cmpuint (sp_story_import_report_get_n_stories (report), ==, 0);
  g_assert_cmpuint (sp_story_import_report_get_n_problems (report), ==, 1);
  g_assert_cmpuint (sp_story_import_report_get_problem (report, 0)->line, ==, 1);
}

static void
test_csv_empty (void)
{
  g_autoptr(SpStoryImportReport) report = sp_story_import_csv ("", 0, "empty.csv");

  g_assert_cmpuint (sp_story_import_report_get_n_stories (report), ==, 0);
  g_assert_cmpuint (sp_story_import_report_get_n_problems (report), ==, 1);
}

static void
test_text (void)
{
  const char *text = "\n\n# The Long Dark\nThe ship drifted for a thousand years.\n";
  g_autoptr(SpStoryImportReport) report = sp_story_import_text (text, strlen (text), "dark.txt");
  g_autoptr(SpStoryImportReport) empty = sp_story_import_text (" \n\t\n", 4, "empty.txt");
  g_autoptr(SpStory) story = story_at (report, 0);

  g_assert_cmpstr (sp_story_get_title (story), ==, "The Long Dark");
  g_assert_true (g_str_has_suffix (sp_story_get_text (story), "thousand years."));
  g_assert_cmpuint (sp_story_import_report_get_n_stories (empty), ==, 0);
  g_assert_cmpuint (sp_story_import_report_get_n_problems (empty), ==, 1);
}

/* Found by the story-import fuzz driver: "\xEF\xBB\xBF#" gave a story
 * with an empty title, which a CSV row may not have. */
static void
test_text_empty_heading (void)
{
  const char *texts[] = { "\xEF\xBB\xBF#", "###\nThe ship drifted.", "#  \r\n\r\nText." };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(SpStoryImportReport) report = sp_story_import_text (texts[i], strlen (texts[i]), "heading.txt");
      const SpStoryImportProblem *problem;

      g_assert_cmpuint (sp_story_import_report_get_n_stories (report), ==, 0);
      g_assert_cmpuint (sp_story_import_report_get_n_problems (report), ==, 1);
      problem = sp_story_import_report_get_problem (report, 0);
      g_assert_cmpstr (problem->origin, ==, "heading.txt");
      g_assert_nonnull (strstr (problem->reason, "no title"));
    }
}

static void
test_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sp-import-XXXXXX", NULL);
  const char *names[] = { "b.txt", "a.txt", "c.csv", "ignored.png", "empty.txt" };
  const char *contents[] = { "Beta\nSecond story.", "Alpha\nFirst story.",
                             "title,text\nGamma,Third story.\nbroken", "\x89PNG", "" };
  g_autoptr(SpStoryImportReport) report = NULL;
  g_autoptr(SpStoryImportReport) missing = NULL;
  g_autoptr(SpStory) first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_true (g_file_set_contents (path, contents[i], -1, NULL));
    }

  report = sp_story_import_path (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sp_story_import_report_get_n_stories (report), ==, 3);
  first = story_at (report, 0);
  g_assert_cmpstr (sp_story_get_title (first), ==, "Alpha");
  /* The broken CSV row and the empty file. */
  g_assert_cmpuint (sp_story_import_report_get_n_problems (report), ==, 2);

  missing = sp_story_import_path ("/nonexistent/stories", &error);
  g_assert_null (missing);
  g_assert_nonnull (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sp/story-import/csv-good", test_csv_good);
  g_test_add_func ("/sp/story-import/csv-columns-any-order", test_csv_columns_any_order);
  g_test_add_func ("/sp/story-import/csv-bad-rows", test_csv_bad_rows);
  g_test_add_func ("/sp/story-import/csv-no-header", test_csv_no_header);
  g_test_add_func ("/sp/story-import/csv-empty", test_csv_empty);
  g_test_add_func ("/sp/story-import/text", test_text);
  g_test_add_func ("/sp/story-import/text-empty-heading", test_text_empty_heading);
  g_test_add_func ("/sp/story-import/folder", test_folder);

  return g_test_run ();
}
