// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One row or file that was skipped, and why. */
typedef struct
{
  char  *origin;   /* the file name */
  guint  line;     /* where the bad row starts, 1-based; 0 for a whole file */
  char  *reason;   /* a translated sentence */
} SpStoryImportProblem;

#define SP_TYPE_STORY_IMPORT_REPORT (sp_story_import_report_get_type ())
G_DECLARE_FINAL_TYPE (SpStoryImportReport, sp_story_import_report, SP, STORY_IMPORT_REPORT, GObject)

/* What an import found: the good stories (kept) and the problems (each
 * skipped row or file with its line number and reason). Properties
 * "stories" (GListModel of SpStory), "n-stories", "n-problems". */
GListModel                 *sp_story_import_report_get_stories    (SpStoryImportReport *self);
guint                       sp_story_import_report_get_n_stories  (SpStoryImportReport *self);
guint                       sp_story_import_report_get_n_problems (SpStoryImportReport *self);
const SpStoryImportProblem *sp_story_import_report_get_problem    (SpStoryImportReport *self,
                                                                   guint                index);
/* "stories.csv:12: The row has 3 fields; a story has two: title and text." */
char                       *sp_story_import_problem_to_string     (const SpStoryImportProblem *problem);

/* CSV as RFC 4180 (quoted fields, doubled quotes, newlines and CRLF inside
 * quotes) with the header "title,text" (any case, any order; a UTF-8
 * byte order mark is skipped). Rows with the wrong number of fields, an
 * empty title or text, an unclosed quote or text after a closing quote
 * are reported and skipped; the other rows are kept. A file without the
 * header is a problem at line 1 and gives no story. */
SpStoryImportReport *sp_story_import_csv         (const char   *data,
                                                  gsize         length,
                                                  const char   *origin);
/* A plain-text story: the first non-empty line is the title, the whole
 * text is the story. */
SpStoryImportReport *sp_story_import_text        (const char   *data,
                                                  gsize         length,
                                                  const char   *origin);
/* A file (.csv as CSV, .json as the built-in stories' format, anything
 * else as plain text) or a folder (every .txt, .md, .csv and .json file
 * in it, by name). Unreadable files are problems, not errors; the error
 * is for a path that does not exist. */
SpStoryImportReport *sp_story_import_path        (const char   *path,
                                                  GError      **error);
/* The same in a thread. */
void                 sp_story_import_path_async  (const char          *path,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SpStoryImportReport *sp_story_import_path_finish (GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
