// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-cost-estimate.h"
#include "sp-fine-tune.h"

G_BEGIN_DECLS

/* One fine-tuning job as the app remembers it: what the server said last,
 * plus what only we know (the provider it ran on, the estimated cost).
 *
 * Properties (all read-write, notified only on change): "id"
 * (construct-only), "provider-id", "model", "fine-tuned-model", "status"
 * (SpFineTuneStatus), "trained-tokens" (-1 while not known), "created-at",
 * "finished-at" (Unix seconds, 0 while not finished), "training-file",
 * "suffix", "estimated-cost" (SpMoney, SP_MONEY_UNKNOWN when not known),
 * "error-message"; "status-label" (read-only, translated). */
#define SP_TYPE_JOB_RECORD (sp_job_record_get_type ())
G_DECLARE_FINAL_TYPE (SpJobRecord, sp_job_record, SP, JOB_RECORD, GObject)

SpJobRecord      *sp_job_record_new                  (const char          *id);
/* A new record from a job of the API. */
SpJobRecord      *sp_job_record_new_from_job         (const SpFineTuneJob *job,
                                                      const char          *provider_id);

const char       *sp_job_record_get_id               (SpJobRecord         *self);
const char       *sp_job_record_get_provider_id      (SpJobRecord         *self);
const char       *sp_job_record_get_model            (SpJobRecord         *self);
const char       *sp_job_record_get_fine_tuned_model (SpJobRecord         *self);
SpFineTuneStatus  sp_job_record_get_status           (SpJobRecord         *self);
const char       *sp_job_record_get_status_label     (SpJobRecord         *self);
gint64            sp_job_record_get_trained_tokens   (SpJobRecord         *self);
gint64            sp_job_record_get_created_at       (SpJobRecord         *self);
gint64            sp_job_record_get_finished_at      (SpJobRecord         *self);
const char       *sp_job_record_get_training_file    (SpJobRecord         *self);
const char       *sp_job_record_get_suffix           (SpJobRecord         *self);
SpMoney           sp_job_record_get_estimated_cost   (SpJobRecord         *self);
const char       *sp_job_record_get_error_message    (SpJobRecord         *self);

void              sp_job_record_set_provider_id      (SpJobRecord         *self,
                                                      const char          *provider_id);
void              sp_job_record_set_model            (SpJobRecord         *self,
                                                      const char          *model);
void              sp_job_record_set_fine_tuned_model (SpJobRecord         *self,
                                                      const char          *model);
void              sp_job_record_set_status           (SpJobRecord         *self,
                                                      SpFineTuneStatus     status);
void              sp_job_record_set_trained_tokens   (SpJobRecord         *self,
                                                      gint64               tokens);
void              sp_job_record_set_created_at       (SpJobRecord         *self,
                                                      gint64               created_at);
void              sp_job_record_set_finished_at      (SpJobRecord         *self,
                                                      gint64               finished_at);
void              sp_job_record_set_training_file    (SpJobRecord         *self,
                                                      const char          *file_id);
void              sp_job_record_set_suffix           (SpJobRecord         *self,
                                                      const char          *suffix);
void              sp_job_record_set_estimated_cost   (SpJobRecord         *self,
                                                      SpMoney              cost);
void              sp_job_record_set_error_message    (SpJobRecord         *self,
                                                      const char          *message);
/* Takes what the server said about the job; keeps the provider and the
 * estimated cost, which the server does not know. */
void              sp_job_record_update_from_job      (SpJobRecord         *self,
                                                      const SpFineTuneJob *job);

/* The jobs the app started or saw, newest first: a GListModel of
 * SpJobRecord kept as JSON in $STARPROMPT_DATA_DIR/jobs.json, else
 * $XDG_DATA_HOME/starprompt/jobs.json. Reading and writing happen in a
 * worker thread; writing is atomic (a temporary file renamed over the old
 * one), and saves that overlap are written one after the other. */
#define SP_TYPE_JOB_LIST (sp_job_list_get_type ())
G_DECLARE_FINAL_TYPE (SpJobList, sp_job_list, SP, JOB_LIST, GObject)

SpJobList        *sp_job_list_new                    (void);
SpJobList        *sp_job_list_new_for_path           (const char          *path);
/* $STARPROMPT_DATA_DIR/jobs.json, else $XDG_DATA_HOME/starprompt/jobs.json. */
char             *sp_job_list_dup_default_path       (void);
const char       *sp_job_list_get_path               (SpJobList           *self);

/* Reads the file and merges its jobs with those already in the list (a job
 * in the list wins over the same job in the file). A missing file is an
 * empty list. A file that cannot be understood fails with
 * SP_ERROR_BAD_FILE; it is then moved aside to "jobs.json.bad" so that no
 * later save writes over it, and the list keeps what it had. */
void              sp_job_list_load_async             (SpJobList           *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          sp_job_list_load_finish            (SpJobList           *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Writes the list as it is now. */
void              sp_job_list_save_async             (SpJobList           *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          sp_job_list_save_finish            (SpJobList           *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* (nullable) (transfer none) */
SpJobRecord      *sp_job_list_lookup                 (SpJobList           *self,
                                                      const char          *id);
/* The position of @id, or G_MAXUINT. */
guint             sp_job_list_find                   (SpJobList           *self,
                                                      const char          *id);
/* Adds @record (or, when its id is known, replaces nothing and returns
 * the known record). (transfer none) */
SpJobRecord      *sp_job_list_add                    (SpJobList           *self,
                                                      SpJobRecord         *record);
/* Adds the job or updates the record of the same id. (transfer none) */
SpJobRecord      *sp_job_list_update                 (SpJobList           *self,
                                                      const SpFineTuneJob *job,
                                                      const char          *provider_id);
/* Merges a list from the server (a GPtrArray of SpFineTuneJob) by id:
 * new jobs are added, known ones updated. Returns how many were new. */
guint             sp_job_list_merge                  (SpJobList           *self,
                                                      GPtrArray           *jobs,
                                                      const char          *provider_id);
gboolean          sp_job_list_remove                 (SpJobList           *self,
                                                      const char          *id);

/* The list as JSON text, and back (for tests and the CLI). */
char             *sp_job_list_to_data                (SpJobList           *self);
GPtrArray        *sp_job_list_records_from_data      (const char          *data,
                                                      gssize               length,
                                                      GError             **error);

G_END_DECLS
