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

G_END_DECLS
