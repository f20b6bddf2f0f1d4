// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-cost-estimate.h"
#include "sp-fine-tune.h"
#include "sp-job-record.h"

G_BEGIN_DECLS

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
