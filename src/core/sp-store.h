// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-cost-estimate.h"
#include "sp-example.h"
#include "sp-story.h"

G_BEGIN_DECLS

/* What a new batch is made of. Each item carries its own snapshot of the
 * story and of both prompts, so a batch resumes without its sources. */
typedef struct
{
  const char *story_title;
  const char *story_text;
  gint64      story_id;       /* 0: not from the library */
  const char *full_prompt;
  const char *short_prompt;
} SpStoreItemSpec;

typedef struct
{
  const char *key;            /* nullable; unique: the CLI uses the --out path */
  const char *model;
  const char *template_json;
  const char *format;         /* "chat" or "completion" */
  SpPairMode  pair_mode;
  guint64     seed;
  guint       concurrency;
  guint       rpm;
  guint       n_items;
  const SpStoreItemSpec *items;
} SpStoreBatchSpec;

/* A batch as stored. */
typedef struct
{
  gint64      id;
  char       *key;
  char       *model;
  char       *template_json;
  char       *format;
  SpPairMode  pair_mode;
  guint64     seed;
  guint       concurrency;
  guint       rpm;
  guint       n_items;
  gint64      created_at;     /* unix seconds */
  /* Counts by status and sums over done items, at the time of reading. */
  guint       n_pending;
  guint       n_running;
  guint       n_done;
  guint       n_failed;
  guint       n_rejected;
  guint64     prompt_tokens;
  guint64     completion_tokens;
  SpMoney     cost;
} SpStoreBatch;

#define SP_TYPE_STORE_BATCH (sp_store_batch_get_type ())
GType         sp_store_batch_get_type (void) G_GNUC_CONST;
SpStoreBatch *sp_store_batch_copy     (const SpStoreBatch *batch);
void          sp_store_batch_free     (SpStoreBatch       *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpStoreBatch, sp_store_batch_free)

/* The outcome of one request, written with the item in one transaction. */
typedef struct
{
  const char *model;
  const char *raw_output;
  const char *output;         /* cleaned */
  gint64      prompt_tokens;  /* -1 unknown */
  gint64      completion_tokens;
  SpMoney     cost;           /* SP_MONEY_UNKNOWN when the sheet has no price */
  guint       attempts;
} SpStoreResult;

/* 1: templates, stories, batches, items, usage.
 * 2: comparisons, outputs, images, output_images, votes, notes, and
 *    usage.comparison_id. */
#define SP_STORE_SCHEMA_VERSION 2

#define SP_TYPE_STORE (sp_store_get_type ())
G_DECLARE_FINAL_TYPE (SpStore, sp_store, SP, STORE, GObject)

/* The library: one SQLite database in WAL mode, with foreign keys, a busy
 * timeout and migrations by PRAGMA user_version. One worker thread owns the
 * connection and runs every query, in order; nothing else touches it.
 *
 * The _async functions are for the main thread (the UI). The _sync
 * functions block the calling thread until the worker has answered; they
 * may be called from any thread, including from a SpStoreFunc running in
 * the worker (then they run at once). */

/* Runs in the worker thread with the connection; see sp_store_get_db(). */
typedef gpointer (*SpStoreFunc) (SpStore   *store,
                                 gpointer   data,
                                 GError   **error);

/* $STARPROMPT_DATA_DIR/library.db, else $XDG_DATA_HOME/starprompt/library.db. */
char         *sp_store_get_default_path     (void);

/* Opens (and creates, and migrates) the database at @path, or the default
 * path when NULL. Blocks until the worker has opened it. */
SpStore      *sp_store_new                  (const char          *path,
                                             GError             **error);
void          sp_store_new_async            (const char          *path,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SpStore      *sp_store_new_finish           (GAsyncResult        *result,
                                             GError             **error);

const char   *sp_store_get_path             (SpStore             *self);

/* Generic access to the worker, for queries that belong to one feature.
 * @func's result is freed with @result_free when nobody takes it; @data
 * is the task data of the result (g_task_get_task_data()), freed with
 * @data_free after the callback. */
void          sp_store_run_async            (SpStore             *self,
                                             SpStoreFunc          func,
                                             gpointer             data,
                                             GDestroyNotify       data_free,
                                             GDestroyNotify       result_free,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gpointer      sp_store_run_finish           (SpStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
gpointer      sp_store_run_sync             (SpStore             *self,
                                             SpStoreFunc          func,
                                             gpointer             data,
                                             GError             **error);
/* The connection (a sqlite3 *), only inside a SpStoreFunc. */
gpointer      sp_store_get_db               (SpStore             *self);

/* Sets @error from the connection's last error, in words; only inside a
 * SpStoreFunc. */
void          sp_store_set_db_error         (SpStore             *self,
                                             GError             **error);

/* The folder of the database, and its images/ (content-addressed image
 * files, "SHA256.EXT") and thumbnails/ folders beside it. */
char         *sp_store_dup_data_dir         (SpStore             *self);
char         *sp_store_dup_images_dir       (SpStore             *self);
char         *sp_store_dup_thumbnails_dir   (SpStore             *self);

/* The schema version of the open database. */
int           sp_store_get_schema_version_sync (SpStore          *self,
                                             GError             **error);
/* "ok", or what PRAGMA integrity_check found. */
char         *sp_store_check_integrity_sync (SpStore             *self,
                                             GError             **error);

/* Stories. A stored SpStory carries its row id (sp_store_story_get_id());
 * the library starts with the built-in stories. @query is plain words
 * (full-text search, prefix match); NULL or "" lists all, by title. */
gint64        sp_store_story_get_id         (SpStory             *story);
GListModel   *sp_store_list_stories_sync    (SpStore             *self,
                                             const char          *query,
                                             GError             **error);
void          sp_store_list_stories_async   (SpStore             *self,
                                             const char          *query,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GListModel   *sp_store_list_stories_finish  (SpStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Adds @story (sets its id) or, when it has an id, updates it. */
gboolean      sp_store_save_story_sync      (SpStore             *self,
                                             SpStory             *story,
                                             GError             **error);
void          sp_store_save_story_async     (SpStore             *self,
                                             SpStory             *story,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      sp_store_save_story_finish    (SpStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Adds every story of @stories in one transaction; returns how many. */
guint         sp_store_add_stories_sync     (SpStore             *self,
                                             GListModel          *stories,
                                             GError             **error);
gboolean      sp_store_delete_story_sync    (SpStore             *self,
                                             gint64               id,
                                             GError             **error);
void          sp_store_delete_story_async   (SpStore             *self,
                                             gint64               id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      sp_store_delete_story_finish  (SpStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Templates, as the JSON of sp_template_to_json(). */
gint64        sp_store_save_template_sync   (SpStore             *self,
                                             gint64               id,
                                             const char          *name,
                                             const char          *json,
                                             GError             **error);
char         *sp_store_load_template_sync   (SpStore             *self,
                                             gint64               id,
                                             GError             **error);

/* Batches and their items. Creating a batch writes it and all its items
 * (pending) in one transaction. */
gint64        sp_store_create_batch_sync    (SpStore             *self,
                                             const SpStoreBatchSpec *spec,
                                             GError             **error);
/* NULL without error when there is no such batch. */
SpStoreBatch *sp_store_get_batch_sync       (SpStore             *self,
                                             gint64               id,
                                             GError             **error);
/* 0 without error when no batch has @key. */
gint64        sp_store_find_batch_sync      (SpStore             *self,
                                             const char          *key,
                                             GError             **error);
/* Every batch, newest first, as a GPtrArray of SpStoreBatch. */
GPtrArray    *sp_store_list_batches_sync    (SpStore             *self,
                                             GError             **error);
gboolean      sp_store_delete_batch_sync    (SpStore             *self,
                                             gint64               id,
                                             GError             **error);
/* After a crash, items left running have no result: makes them pending
 * again. Returns how many. */
guint         sp_store_reset_running_sync   (SpStore             *self,
                                             gint64               batch_id,
                                             GError             **error);
/* Takes the next pending item (lowest position) and marks it running, in
 * one statement; NULL without error when none is left. */
SpExample    *sp_store_claim_item_sync      (SpStore             *self,
                                             gint64               batch_id,
                                             GError             **error);
/* Puts a running item back to pending (cancelled, or to be retried). */
gboolean      sp_store_release_item_sync    (SpStore             *self,
                                             gint64               item_id,
                                             GError             **error);
/* Stores the result of an item and its usage in one transaction. Writing
 * the same item twice changes nothing the second time (FALSE in
 * @newly_done). Flags the output as a duplicate when another done item of
 * the batch has the same output. Returns the stored example. */
SpExample    *sp_store_complete_item_sync   (SpStore             *self,
                                             gint64               item_id,
                                             const SpStoreResult *result,
                                             gboolean            *newly_done,
                                             GError             **error);
gboolean      sp_store_fail_item_sync       (SpStore             *self,
                                             gint64               item_id,
                                             const char          *reason,
                                             guint                attempts,
                                             GError             **error);
/* Failed items back to pending; returns how many. */
guint         sp_store_requeue_failed_sync  (SpStore             *self,
                                             gint64               batch_id,
                                             GError             **error);
/* Reject (REJECTED) or restore (DONE) a done example. */
gboolean      sp_store_set_rejected_sync    (SpStore             *self,
                                             gint64               item_id,
                                             gboolean             rejected,
                                             GError             **error);
/* Replaces the cleaned output of a done example (an edit by hand). */
gboolean      sp_store_set_output_sync      (SpStore             *self,
                                             gint64               item_id,
                                             const char          *output,
                                             GError             **error);
/* The pair mode of the whole batch (and of all its items). */
gboolean      sp_store_set_pair_mode_sync   (SpStore             *self,
                                             gint64               batch_id,
                                             SpPairMode           mode,
                                             GError             **error);
gboolean      sp_store_set_item_pair_mode_sync (SpStore          *self,
                                             gint64               item_id,
                                             SpPairMode           mode,
                                             GError             **error);
/* The items of a batch by position, as a GPtrArray of SpExample; with
 * @only_status >= 0, only those with that status. */
GPtrArray    *sp_store_list_examples_sync   (SpStore             *self,
                                             gint64               batch_id,
                                             int                  only_status,
                                             GError             **error);
void          sp_store_list_examples_async  (SpStore             *self,
                                             gint64               batch_id,
                                             int                  only_status,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* A new GListStore of SpExample. */
GListModel   *sp_store_list_examples_finish (SpStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* The usage ledger: every request that reported usage. */
gboolean      sp_store_add_usage_sync       (SpStore             *self,
                                             const char          *model,
                                             gint64               prompt_tokens,
                                             gint64               completion_tokens,
                                             SpMoney              cost,
                                             gint64               batch_id,
                                             gint64               item_id,
                                             GError             **error);
/* Sums of the ledger, over one batch (@batch_id > 0) or all. */
gboolean      sp_store_sum_usage_sync       (SpStore             *self,
                                             gint64               batch_id,
                                             guint64             *n_requests,
                                             guint64             *prompt_tokens,
                                             guint64             *completion_tokens,
                                             SpMoney             *cost,
                                             GError             **error);

G_END_DECLS
