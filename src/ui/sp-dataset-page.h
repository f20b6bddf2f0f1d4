// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

/* Which examples the list shows. */
typedef enum
{
  SP_DATASET_FILTER_ALL,
  SP_DATASET_FILTER_DONE,
  SP_DATASET_FILTER_FAILED,
  SP_DATASET_FILTER_REJECTED,
  SP_DATASET_FILTER_DUPLICATES,
} SpDatasetFilter;

#define SP_TYPE_DATASET_PAGE (sp_dataset_page_get_type ())
G_DECLARE_FINAL_TYPE (SpDatasetPage, sp_dataset_page, SP, DATASET_PAGE, AdwBin)

/* The Dataset page: a form for a batch of training examples (template,
 * stories, count, provider and model, speed, format), its progress, the
 * examples as a virtualized list to review (edit, reject, restore, filter
 * by status), export to JSONL, a check of the training set (errors that
 * select their example, tokens, cost), the story library (add, edit,
 * delete, import), and an offer to resume a batch that was interrupted.
 *
 * Actions: dataset.start, dataset.pause, dataset.resume, dataset.cancel,
 * dataset.retry-failed, dataset.export, dataset.check, dataset.close-report,
 * dataset.edit(x), dataset.reject(x), dataset.restore(x) (x: the id of an
 * example), dataset.add-story, dataset.edit-story(x),
 * dataset.delete-story(x) (x: the id of a story), dataset.undo-delete-story,
 * dataset.import-stories, dataset.resume-interrupted,
 * dataset.discard-interrupted.
 *
 * Properties: "store" (SpStore, read-write: bind it to the application's
 * "store", which arrives after the window), "template" (SpTemplate,
 * read-write), "batch" (SpBatch, read-only), "offers-resume" (boolean,
 * read-only: the interrupted-batch bar is shown). */
void         sp_dataset_page_setup            (SpDatasetPage       *self,
                                               SpStore             *store,
                                               SpProviderList      *providers,
                                               SpSecrets           *secrets,
                                               GSettings           *settings,
                                               SpTemplate          *template);

SpStore     *sp_dataset_page_get_store        (SpDatasetPage       *self);
SpTemplate  *sp_dataset_page_get_template     (SpDatasetPage       *self);
SpBatch     *sp_dataset_page_get_batch        (SpDatasetPage       *self);
gboolean     sp_dataset_page_get_offers_resume (SpDatasetPage      *self);
/* The examples the list shows, after the status filter. */
GListModel  *sp_dataset_page_get_examples     (SpDatasetPage       *self);
/* The example selected in the list, or NULL. */
SpExample   *sp_dataset_page_get_selected_example (SpDatasetPage   *self);
/* The story library as listed (GListModel of SpStory, by title), or NULL
 * before the store has answered. */
GListModel  *sp_dataset_page_get_stories      (SpDatasetPage       *self);
/* The menu of the library's batches, newest first: one item a batch,
 * with the action dataset.show-batch and the batch id as target. */
GMenuModel  *sp_dataset_page_get_batches      (SpDatasetPage       *self);
/* The report of the last check of the training set, or NULL. */
SpJsonlReport *sp_dataset_page_get_report     (SpDatasetPage       *self);

void         sp_dataset_page_set_store        (SpDatasetPage       *self,
                                               SpStore             *store);
void         sp_dataset_page_set_template     (SpDatasetPage       *self,
                                               SpTemplate          *template);
void         sp_dataset_page_set_count        (SpDatasetPage       *self,
                                               guint                count);
void         sp_dataset_page_set_concurrency  (SpDatasetPage       *self,
                                               guint                concurrency);
void         sp_dataset_page_set_model        (SpDatasetPage       *self,
                                               const char          *model);
void         sp_dataset_page_select_provider  (SpDatasetPage       *self,
                                               const char          *provider_id);
void         sp_dataset_page_set_filter       (SpDatasetPage       *self,
                                               SpDatasetFilter      filter);

/* Presses Start: asks before spending money when the provider is not the
 * offline one, then creates the batch and runs it. */
void         sp_dataset_page_start            (SpDatasetPage       *self);

/* Writes the accepted examples of the batch to @file (atomically) and
 * shows a toast with the count and the path. */
void         sp_dataset_page_export_async     (SpDatasetPage       *self,
                                               GFile               *file,
                                               SpExportFormat       format,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* The number of examples written, or 0 with @error set. */
guint        sp_dataset_page_export_finish    (SpDatasetPage       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Checks the training set: exports the accepted examples of the batch in
 * the current format to a temporary file and validates it for the model
 * of the batch. The page shows the report. */
void         sp_dataset_page_check_training_set_async  (SpDatasetPage       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
SpJsonlReport *sp_dataset_page_check_training_set_finish (SpDatasetPage     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* As a click on the @index-th error of the report: selects the example of
 * that line of the export in the list (showing all examples when the
 * filter hides it) and scrolls to it. FALSE when the error has no
 * example (a file-wide error, or no report). */
gboolean     sp_dataset_page_activate_report_error     (SpDatasetPage       *self,
                                                        guint                index);

/* Imports stories from files and folders (GListModel of GFile; see
 * sp_story_import_path()) into the library, then shows a toast with the
 * counts and, when rows were skipped, a dialog that lists each problem with
 * its line. Returns the number of stories added; @problems (optional)
 * receives the problems in words. */
void         sp_dataset_page_import_stories_async      (SpDatasetPage       *self,
                                                        GListModel          *files,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
guint        sp_dataset_page_import_stories_finish     (SpDatasetPage       *self,
                                                        GAsyncResult        *result,
                                                        char              ***problems,
                                                        GError             **error);

G_END_DECLS
