// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-client.h"
#include "sp-fine-tune.h"

G_BEGIN_DECLS

/* Follows one job: polls it with backoff (initial-interval, doubling up
 * to max-interval, back to initial-interval whenever something changed),
 * emits "event" for each new event in the order they happened, keeps
 * "job", "status", "trained-tokens" and "fine-tuned-model" current, and
 * ends when the job succeeded, failed or was cancelled. Passing errors
 * (network, 5xx, rate limits) only slow it down; lasting ones (key,
 * permission, unknown job) end it. */
#define SP_TYPE_FINE_TUNE_WATCHER (sp_fine_tune_watcher_get_type ())
G_DECLARE_FINAL_TYPE (SpFineTuneWatcher, sp_fine_tune_watcher, SP, FINE_TUNE_WATCHER, GObject)

#define SP_FINE_TUNE_WATCHER_INITIAL_INTERVAL_MS 2000
#define SP_FINE_TUNE_WATCHER_MAX_INTERVAL_MS     60000

SpFineTuneWatcher *sp_fine_tune_watcher_new                  (SpClient          *client,
                                                              const char        *job_id);
SpClient          *sp_fine_tune_watcher_get_client           (SpFineTuneWatcher *self);
const char        *sp_fine_tune_watcher_get_job_id           (SpFineTuneWatcher *self);
/* (nullable): the job as last seen. */
SpFineTuneJob     *sp_fine_tune_watcher_get_job              (SpFineTuneWatcher *self);
SpFineTuneStatus   sp_fine_tune_watcher_get_status           (SpFineTuneWatcher *self);
gint64             sp_fine_tune_watcher_get_trained_tokens   (SpFineTuneWatcher *self);
const char        *sp_fine_tune_watcher_get_fine_tuned_model (SpFineTuneWatcher *self);
guint              sp_fine_tune_watcher_get_initial_interval (SpFineTuneWatcher *self);
guint              sp_fine_tune_watcher_get_max_interval     (SpFineTuneWatcher *self);
/* Polling intervals in milliseconds; tests make them short. */
void               sp_fine_tune_watcher_set_initial_interval (SpFineTuneWatcher *self,
                                                              guint              interval_ms);
void               sp_fine_tune_watcher_set_max_interval     (SpFineTuneWatcher *self,
                                                              guint              interval_ms);

/* Watches until the job ends (returns it) or a lasting error; one watch
 * at a time. "finished" is emitted just before the callback runs, except
 * on cancellation. */
void               sp_fine_tune_watcher_watch_async          (SpFineTuneWatcher    *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
SpFineTuneJob     *sp_fine_tune_watcher_watch_finish         (SpFineTuneWatcher    *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

G_END_DECLS
