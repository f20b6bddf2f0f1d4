// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"
#include "sp-job-list.h"
#include "sp-loss-chart.h"

G_BEGIN_DECLS

#define SP_TYPE_FINE_TUNE_PAGE (sp_fine_tune_page_get_type ())
G_DECLARE_FINAL_TYPE (SpFineTunePage, sp_fine_tune_page, SP, FINE_TUNE_PAGE, AdwBin)

/* The Fine-Tune page: a training file checked before anything is spent
 * (errors with their lines, warnings, token figures, the cost), the job's
 * settings, a confirmation that states tokens, epochs and cost, the upload
 * with progress, and the jobs: a list kept in SpJobList and refreshed from
 * the server when the page is shown, and the selected job's status,
 * events, checkpoints and loss curve as they come.
 *
 * Actions: fine-tune.choose-file, fine-tune.choose-validation-file,
 * fine-tune.clear-validation-file, fine-tune.start, fine-tune.cancel-upload,
 * fine-tune.cancel-job, fine-tune.use-model, fine-tune.refresh,
 * fine-tune.set-model(s).
 *
 * Properties (read-only): "validating", "uploading", "report"
 * (SpJsonlReport), "job" (SpJobRecord, the job shown).
 *
 * Signal "use-model" (const char *model): the person wants to try the
 * fine-tuned model. */
void           sp_fine_tune_page_setup              (SpFineTunePage *self,
                                                     SpProviderList *providers,
                                                     SpSecrets      *secrets,
                                                     GSettings      *settings);

gboolean       sp_fine_tune_page_get_validating     (SpFineTunePage *self);
gboolean       sp_fine_tune_page_get_uploading      (SpFineTunePage *self);
/* (nullable): the report of the training file. */
SpJsonlReport *sp_fine_tune_page_get_report         (SpFineTunePage *self);
/* (nullable): the job shown. */
SpJobRecord   *sp_fine_tune_page_get_job            (SpFineTunePage *self);
SpJobList     *sp_fine_tune_page_get_job_list       (SpFineTunePage *self);
SpLossChart   *sp_fine_tune_page_get_loss_chart     (SpFineTunePage *self);
guint          sp_fine_tune_page_get_n_events       (SpFineTunePage *self);
guint          sp_fine_tune_page_get_n_checkpoints  (SpFineTunePage *self);
/* The texts shown: the estimated cost, the last message under the form
 * (errors in words), and the shown job's status and error. */
char          *sp_fine_tune_page_dup_cost_text      (SpFineTunePage *self);
char          *sp_fine_tune_page_dup_status_text    (SpFineTunePage *self);
char          *sp_fine_tune_page_dup_job_status_text (SpFineTunePage *self);
char          *sp_fine_tune_page_dup_job_error_text (SpFineTunePage *self);

/* Hands a training file over (the Dataset page's export) and checks it. */
void           sp_fine_tune_page_set_file           (SpFineTunePage *self,
                                                     GFile          *file);
void           sp_fine_tune_page_set_validation_file (SpFineTunePage *self,
                                                     GFile          *file);
void           sp_fine_tune_page_select_provider    (SpFineTunePage *self,
                                                     const char     *provider_id);
const char    *sp_fine_tune_page_get_provider_id    (SpFineTunePage *self);
void           sp_fine_tune_page_set_model          (SpFineTunePage *self,
                                                     const char     *model);
void           sp_fine_tune_page_set_suffix         (SpFineTunePage *self,
                                                     const char     *suffix);
/* 0: automatic, else 1–25. */
void           sp_fine_tune_page_set_epochs         (SpFineTunePage *self,
                                                     guint           epochs);
/* Shows the job of @job_id, and follows it while it runs. */
void           sp_fine_tune_page_select_job         (SpFineTunePage *self,
                                                     const char     *job_id);
/* Polling interval of the job shown, in milliseconds (tests make it short). */
void           sp_fine_tune_page_set_poll_interval  (SpFineTunePage *self,
                                                     guint           interval_ms);

/* Presses Start Fine-Tuning…: checks the form, then asks for confirmation. */
void           sp_fine_tune_page_start              (SpFineTunePage *self);
/* The same without the confirmation dialog, for tests. */
void           sp_fine_tune_page_start_without_confirmation (SpFineTunePage *self);

G_END_DECLS
