// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-story-import"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-story.h"
#include "sp-story-import.h"

/* Story import on a user's file: the same bytes as CSV and as a plain-text
 * story. Invariants: every story kept has a title and a text, both valid
 * UTF-8 without NUL; problems name the file and a line inside it; a CSV
 * gives no more stories and problems than it has lines; a text file gives
 * one story (its whole text, stripped) or one problem; nothing leaks. */

#define ORIGIN "fuzz.csv"

static void
check_report (SpStoryImportReport *report,
              guint                max_line)
{
  GListModel *stories = sp_story_import_report_get_stories (report);
  guint n_stories = sp_story_import_report_get_n_stories (report);
  guint n_problems = sp_story_import_report_get_n_problems (report);
  guint i;

  g_assert_cmpuint (g_list_model_get_n_items (stories), ==, n_stories);
  for (i = 0; i < n_stories; i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, i);
      const char *title = sp_story_get_title (story);
      const char *text = sp_story_get_text (story);

      g_assert_nonnull (title);
      g_assert_nonnull (text);
      g_assert_true (title[0] != '\0');
      g_assert_true (text[0] != '\0');
      g_assert_true (g_utf8_validate (title, -1, NULL));
      g_assert_true (g_utf8_validate (text, -1, NULL));
    }

  for (i = 0; i < n_problems; i++)
    {
      const SpStoryImportProblem *problem = sp_story_import_report_get_problem (report, i);
      g_autofree char *line = sp_story_import_problem_to_string (problem);

      g_assert_cmpstr (problem->origin, ==, ORIGIN);
      g_assert_cmpuint (problem->line, <=, max_line);
      g_assert_nonnull (problem->reason);
      g_assert_true (problem->reason[0] != '\0');
      g_assert_true (g_str_has_prefix (line, ORIGIN));
    }
}

static void
fuzz_csv (const char *data,
          size_t      size)
{
  g_autoptr(SpStoryImportReport) report = NULL;
  guint n_line_ends = 0;
  size_t i;

  for (i = 0; i < size; i++)
    n_line_ends += data[i] == '\n' || data[i] == '\r';

  report = sp_story_import_csv (data, size, ORIGIN);
  check_report (report, n_line_ends + 1);
  /* Each row is at least one line; the header is one more. */
  g_assert_cmpuint (sp_story_import_report_get_n_stories (report) +
                    sp_story_import_report_get_n_problems (report), <=, n_line_ends + 1);
  g_assert_finalize_object (g_steal_pointer (&report));
}

static void
fuzz_text (const char *data,
           size_t      size)
{
  g_autoptr(SpStoryImportReport) report = NULL;
  guint n_stories;

  report = sp_story_import_text (data, size, ORIGIN);
  check_report (report, 0);
  n_stories = sp_story_import_report_get_n_stories (report);
  g_assert_cmpuint (n_stories + sp_story_import_report_get_n_problems (report), ==, 1);

  if (n_stories == 1)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (sp_story_import_report_get_stories (report), 0);
      g_autofree char *text = NULL;

      /* The BOM is not part of the story; a U+FEFF further on is. */
      if (size >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
        text = g_strstrip (g_strndup (data + 3, size - 3));
      else
        text = g_strstrip (g_strndup (data, size));
      g_assert_cmpstr (sp_story_get_text (story), ==, text);
      g_assert_null (strpbrk (sp_story_get_title (story), "\r\n"));
    }
  g_assert_finalize_object (g_steal_pointer (&report));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_init ();

  fuzz_csv ((const char *) data, size);
  fuzz_text ((const char *) data, size);
  return 0;
}
