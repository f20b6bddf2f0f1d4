// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-client.h"
#include "sp-store.h"
#include "sp-template.h"

G_BEGIN_DECLS

typedef enum
{
  SP_BATCH_STATE_IDLE,        /* loaded or created, not running */
  SP_BATCH_STATE_RUNNING,
  SP_BATCH_STATE_PAUSING,     /* paused, requests in flight still finishing */
  SP_BATCH_STATE_PAUSED,
  SP_BATCH_STATE_CANCELLED,
  SP_BATCH_STATE_FINISHED,    /* no item left pending (some may have failed) */
  SP_BATCH_STATE_FAILED,      /* stopped by an error that every item would meet */
} SpBatchState;

typedef enum
{
  SP_EXPORT_FORMAT_CHAT,        /* {"messages": [system?, user, assistant]} */
  SP_EXPORT_FORMAT_COMPLETION,  /* legacy {"prompt", "completion"} */
} SpExportFormat;

/* The legacy format follows OpenAI's data-preparation advice: the prompt
 * ends with a fixed separator, the completion starts with a space and
 * ends with a fixed stop sequence. */
#define SP_EXPORT_PROMPT_SEPARATOR "\n\n###\n\n"
#define SP_EXPORT_COMPLETION_STOP  "\n"

#define SP_BATCH_DEFAULT_CONCURRENCY 8
#define SP_BATCH_MAX_CONCURRENCY     64

const char *sp_export_format_to_string   (SpExportFormat  format);
gboolean    sp_export_format_from_string (const char     *text,
                                          SpExportFormat *format);

/* What a new batch is made of. */
typedef struct
{
  const char     *key;          /* nullable, unique in the store (the CLI: the --out path) */
  const char     *model;
  SpTemplate     *template;
  GListModel     *stories;      /* of SpStory; NULL: the built-in stories */
  guint           n_items;
  guint64         seed;         /* 0: pick one (it is stored) */
  guint           concurrency;  /* 0: SP_BATCH_DEFAULT_CONCURRENCY */
  guint           rpm;          /* requests per minute, 0: no limit */
  SpPairMode      pair_mode;
  SpExportFormat  format;
} SpBatchOptions;

#define SP_TYPE_BATCH (sp_batch_get_type ())
G_DECLARE_FINAL_TYPE (SpBatch, sp_batch, SP, BATCH, GObject)

/* N generation items persisted in the store. Each item has a story picked
 * at random with the seed (the same seed gives the same picks) and both
 * prompts, rendered when the batch is created. Running it sends the full
 * few-shot prompt to the model (chat or completions, by model), cleans the
 * answer with sp_prompt_cleaner_clean() and stores the example at once,
 * with its usage, in one transaction.
 *
 * Crash-safe: an item is claimed in one statement, its result written once
 * (a second write changes nothing), and running a batch again first makes
 * items left running by a crash pending again.
 *
 * Properties (read-only unless noted; all notify on the main context):
 *   "id", "model", "state" (SpBatchState), "n-total", "n-done" (done or
 *   rejected), "n-failed", "n-pending", "fraction" (0–1, items done or
 *   failed), "eta-seconds" (-1 unknown), "prompt-tokens",
 *   "completion-tokens", "cost" (SpMoney, -1 unknown: no price for the
 *   model), "cost-text" ("$0.0123", or "—"), "requests-per-minute"
 *   (achieved in this run), "concurrency" and "rpm-limit" (read-write,
 *   take effect at once), "pair-mode" (SpPairMode; change it with
 *   sp_batch_set_pair_mode_async()), "error-message" (why the batch
 *   stopped, or NULL).
 *
 * Signals:
 *   "example-done" (SpExample *example): an item got its result (stored).
 *   "example-failed" (SpExample *example, const char *reason): an item
 *     failed for good; "Retry failed" re-queues it. */

SpBatch      *sp_batch_create_sync     (SpStore               *store,
                                        SpClient              *client,
                                        const SpBatchOptions  *options,
                                        GError               **error);
void          sp_batch_create_async    (SpStore               *store,
                                        SpClient              *client,
                                        const SpBatchOptions  *options,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data);
SpBatch      *sp_batch_create_finish   (GAsyncResult          *result,
                                        GError               **error);
/* A stored batch, to resume it or review its examples. @client may be
 * NULL when the batch will not run. */
SpBatch      *sp_batch_load_sync       (SpStore               *store,
                                        SpClient              *client,
                                        gint64                 id,
                                        GError               **error);
void          sp_batch_load_async      (SpStore               *store,
                                        SpClient              *client,
                                        gint64                 id,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data);
SpBatch      *sp_batch_load_finish     (GAsyncResult          *result,
                                        GError               **error);

gint64        sp_batch_get_id                 (SpBatch *self);
SpStore      *sp_batch_get_store              (SpBatch *self);
SpClient     *sp_batch_get_client             (SpBatch *self);
const char   *sp_batch_get_model              (SpBatch *self);
const char   *sp_batch_get_key                (SpBatch *self);
guint64       sp_batch_get_seed               (SpBatch *self);
SpExportFormat sp_batch_get_format            (SpBatch *self);
SpBatchState  sp_batch_get_state              (SpBatch *self);
guint         sp_batch_get_n_total            (SpBatch *self);
guint         sp_batch_get_n_done             (SpBatch *self);
guint         sp_batch_get_n_failed           (SpBatch *self);
guint         sp_batch_get_n_pending          (SpBatch *self);
double        sp_batch_get_fraction           (SpBatch *self);
double        sp_batch_get_eta_seconds        (SpBatch *self);
guint64       sp_batch_get_prompt_tokens      (SpBatch *self);
guint64       sp_batch_get_completion_tokens  (SpBatch *self);
SpMoney       sp_batch_get_cost               (SpBatch *self);
/* "$0.0123", or "—" when the price of the model is not known. */
char         *sp_batch_dup_cost_text          (SpBatch *self);
double        sp_batch_get_requests_per_minute (SpBatch *self);
guint         sp_batch_get_concurrency        (SpBatch *self);
guint         sp_batch_get_rpm_limit          (SpBatch *self);
SpPairMode    sp_batch_get_pair_mode          (SpBatch *self);
const char   *sp_batch_get_error_message      (SpBatch *self);

/* 1–SP_BATCH_MAX_CONCURRENCY. */
void          sp_batch_set_concurrency        (SpBatch *self,
                                               guint    concurrency);
/* Requests per minute, 0 for no limit. */
void          sp_batch_set_rpm_limit          (SpBatch *self,
                                               guint    rpm);

/* Runs the pending items until none is left (TRUE, even when some
 * failed: see "n-failed"), the batch is cancelled (G_IO_ERROR_CANCELLED)
 * or stopped by an error every item would meet (auth, permission, quota,
 * unknown model). Pausing keeps the run going until it is resumed or
 * cancelled. Cancelling @cancellable is sp_batch_cancel(). */
void          sp_batch_run_async              (SpBatch             *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      sp_batch_run_finish             (SpBatch             *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* No new request starts; those in flight finish and are stored. */
void          sp_batch_pause                  (SpBatch *self);
void          sp_batch_resume                 (SpBatch *self);
/* Stops the requests in flight; their items stay pending for later. */
void          sp_batch_cancel                 (SpBatch *self);

/* Puts the failed items back in the queue (a running batch picks them up;
 * otherwise run it again). Returns how many through _finish. */
void          sp_batch_retry_failed_async     (SpBatch             *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
guint         sp_batch_retry_failed_finish    (SpBatch             *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* The training pair of every example: full few-shot or short prompt. */
void          sp_batch_set_pair_mode_async    (SpBatch             *self,
                                               SpPairMode           mode,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      sp_batch_set_pair_mode_finish   (SpBatch             *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Reject a done example (left out of exports), or restore it. */
void          sp_batch_set_rejected_async     (SpBatch             *self,
                                               gint64               example_id,
                                               gboolean             rejected,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      sp_batch_set_rejected_finish    (SpBatch             *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* The examples as a new GListStore of SpExample, by position;
 * @only_status < 0 for all. */
void          sp_batch_list_examples_async    (SpBatch             *self,
                                               int                  only_status,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel   *sp_batch_list_examples_finish   (SpBatch             *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* One line of JSONL (no newline) for @example in @format; @system is an
 * optional system message for the chat format. */
char         *sp_batch_format_example         (SpExample           *example,
                                               SpExportFormat       format,
                                               const char          *system);
/* Writes the accepted examples (done, not rejected; without duplicates
 * when @skip_duplicates) to @path atomically: a temporary file beside it,
 * synced, renamed over it. Returns the number of lines. The writing runs
 * off the main thread. */
guint         sp_batch_export_sync            (SpBatch             *self,
                                               const char          *path,
                                               SpExportFormat       format,
                                               const char          *system,
                                               gboolean             skip_duplicates,
                                               GError             **error);
void          sp_batch_export_async           (SpBatch             *self,
                                               const char          *path,
                                               SpExportFormat       format,
                                               const char          *system,
                                               gboolean             skip_duplicates,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
guint         sp_batch_export_finish          (SpBatch             *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
