// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-client.h"

G_BEGIN_DECLS

/* Fine-tuning jobs through an OpenAI-compatible API (/v1/fine_tuning/jobs):
 * the job, its events and checkpoints as plain boxed structs, and the calls
 * on SpClient. SpFineTuneWatcher (sp-fine-tune-watcher.h) follows a job to
 * its end. */

#define SP_FINE_TUNE_MAX_SUFFIX 64
#define SP_FINE_TUNE_MAX_EPOCHS 25

typedef enum
{
  SP_FINE_TUNE_STATUS_UNKNOWN,
  SP_FINE_TUNE_STATUS_VALIDATING_FILES,
  SP_FINE_TUNE_STATUS_QUEUED,
  SP_FINE_TUNE_STATUS_RUNNING,
  SP_FINE_TUNE_STATUS_SUCCEEDED,
  SP_FINE_TUNE_STATUS_FAILED,
  SP_FINE_TUNE_STATUS_CANCELLED,
} SpFineTuneStatus;

#define SP_TYPE_FINE_TUNE_STATUS (sp_fine_tune_status_get_type ())
GType            sp_fine_tune_status_get_type    (void) G_GNUC_CONST;
/* "running", as the API spells it; NULL for UNKNOWN. */
const char      *sp_fine_tune_status_to_string   (SpFineTuneStatus  status);
SpFineTuneStatus sp_fine_tune_status_from_string (const char       *text);
/* "Running", translated, for people. */
const char      *sp_fine_tune_status_get_label   (SpFineTuneStatus  status);
/* Succeeded, failed or cancelled: nothing will change any more. */
gboolean         sp_fine_tune_status_is_final    (SpFineTuneStatus  status);

/* What to fine-tune. Plain struct, owned by the caller. */
typedef struct
{
  const char *model;
  const char *training_file;    /* "file-…" */
  const char *validation_file;  /* (nullable) */
  const char *suffix;           /* (nullable): ≤ 64 of a–z A–Z 0–9 - _ */
  guint       n_epochs;         /* 0: automatic, else 1–25 */
  gboolean    has_seed;
  gint64      seed;
} SpFineTuneRequest;

/* Checks a suffix before the server sees it: NULL and "" mean none. */
gboolean         sp_fine_tune_check_suffix       (const char               *suffix,
                                                  GError                  **error);
/* Checks the whole request: model, training file, suffix and epochs. */
gboolean         sp_fine_tune_check_request      (const SpFineTuneRequest  *request,
                                                  GError                  **error);

#define SP_TYPE_FINE_TUNE_JOB (sp_fine_tune_job_get_type ())
typedef struct
{
  char             *id;                /* "ftjob-…" */
  char             *model;
  char             *fine_tuned_model;  /* NULL until it succeeded */
  SpFineTuneStatus  status;
  char             *status_text;       /* as the server said it */
  char             *training_file;
  char             *validation_file;
  char             *suffix;
  gint64            trained_tokens;    /* -1 while not known */
  char             *error_code;        /* when it failed, else NULL */
  char             *error_message;
  gint64            created_at;        /* Unix seconds */
  gint64            finished_at;       /* 0 while not finished */
  gint64            estimated_finish;  /* 0 when not given */
  guint             n_epochs;          /* 0: automatic, not resolved yet */
  gint64            seed;
  char            **result_files;      /* NULL-terminated, never NULL */
} SpFineTuneJob;

GType          sp_fine_tune_job_get_type       (void) G_GNUC_CONST;
SpFineTuneJob *sp_fine_tune_job_copy           (const SpFineTuneJob *job);
void           sp_fine_tune_job_free           (SpFineTuneJob       *job);
/* NULL when @object has no "id". */
SpFineTuneJob *sp_fine_tune_job_new_from_json  (JsonObject          *object);
/* The job as the API spells it (for --json output and storage). */
JsonNode      *sp_fine_tune_job_to_json        (const SpFineTuneJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpFineTuneJob, sp_fine_tune_job_free)

#define SP_TYPE_FINE_TUNE_EVENT (sp_fine_tune_event_get_type ())
typedef struct
{
  char    *id;
  gint64   created_at;
  char    *level;         /* "info", "warn", "error" */
  char    *message;
  char    *type;          /* "message", "metrics" */
  /* From "data" of a metrics event; step -1 and NAN when absent. */
  gint64   step;
  gint64   total_steps;
  double   train_loss;
  double   valid_loss;
} SpFineTuneEvent;

GType            sp_fine_tune_event_get_type      (void) G_GNUC_CONST;
SpFineTuneEvent *sp_fine_tune_event_copy          (const SpFineTuneEvent *event);
void             sp_fine_tune_event_free          (SpFineTuneEvent       *event);
SpFineTuneEvent *sp_fine_tune_event_new_from_json (JsonObject            *object);
JsonNode        *sp_fine_tune_event_to_json       (const SpFineTuneEvent *event);
/* Whether the event carries a step and a training loss. */
gboolean         sp_fine_tune_event_has_metrics   (const SpFineTuneEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpFineTuneEvent, sp_fine_tune_event_free)

#define SP_TYPE_FINE_TUNE_CHECKPOINT (sp_fine_tune_checkpoint_get_type ())
typedef struct
{
  char   *id;
  char   *model;          /* fine_tuned_model_checkpoint */
  gint64  step;
  gint64  created_at;
  double  train_loss;     /* NAN when absent */
  double  valid_loss;
} SpFineTuneCheckpoint;

GType                 sp_fine_tune_checkpoint_get_type      (void) G_GNUC_CONST;
SpFineTuneCheckpoint *sp_fine_tune_checkpoint_copy          (const SpFineTuneCheckpoint *checkpoint);
void                  sp_fine_tune_checkpoint_free          (SpFineTuneCheckpoint       *checkpoint);
SpFineTuneCheckpoint *sp_fine_tune_checkpoint_new_from_json (JsonObject                 *object);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpFineTuneCheckpoint, sp_fine_tune_checkpoint_free)

/* POST /v1/fine_tuning/jobs with "method": supervised and n_epochs.
 * The request is checked first (SP_ERROR_INVALID_INPUT). A server that
 * takes no fine-tuning jobs from this account fails with
 * SP_ERROR_FINE_TUNING_UNAVAILABLE, a key without the right with
 * SP_ERROR_PERMISSION. */
void           sp_client_create_fine_tune_job_async   (SpClient                 *self,
                                                       const SpFineTuneRequest  *request,
                                                       GCancellable             *cancellable,
                                                       GAsyncReadyCallback       callback,
                                                       gpointer                  user_data);
SpFineTuneJob *sp_client_create_fine_tune_job_finish  (SpClient                 *self,
                                                       GAsyncResult             *result,
                                                       GError                  **error);
/* GET /v1/fine_tuning/jobs/{id}. */
void           sp_client_get_fine_tune_job_async      (SpClient                 *self,
                                                       const char               *job_id,
                                                       GCancellable             *cancellable,
                                                       GAsyncReadyCallback       callback,
                                                       gpointer                  user_data);
SpFineTuneJob *sp_client_get_fine_tune_job_finish     (SpClient                 *self,
                                                       GAsyncResult             *result,
                                                       GError                  **error);
/* POST /v1/fine_tuning/jobs/{id}/cancel: the job as it is afterwards. */
void           sp_client_cancel_fine_tune_job_async   (SpClient                 *self,
                                                       const char               *job_id,
                                                       GCancellable             *cancellable,
                                                       GAsyncReadyCallback       callback,
                                                       gpointer                  user_data);
SpFineTuneJob *sp_client_cancel_fine_tune_job_finish  (SpClient                 *self,
                                                       GAsyncResult             *result,
                                                       GError                  **error);

/* The lists are pages, newest first as the API gives them: @after is the
 * id of the last item of the previous page (NULL for the first), @limit 0
 * the server's default. The finish functions return a GPtrArray of
 * SpFineTuneJob, SpFineTuneEvent or SpFineTuneCheckpoint and say whether
 * more pages follow. */
void           sp_client_list_fine_tune_jobs_async    (SpClient                 *self,
                                                       const char               *after,
                                                       guint                     limit,
                                                       GCancellable             *cancellable,
                                                       GAsyncReadyCallback       callback,
                                                       gpointer                  user_data);
GPtrArray     *sp_client_list_fine_tune_jobs_finish   (SpClient                 *self,
                                                       GAsyncResult             *result,
                                                       gboolean                 *has_more,
                                                       GError                  **error);
void           sp_client_list_fine_tune_events_async  (SpClient                 *self,
                                                       const char               *job_id,
                                                       const char               *after,
                                                       guint                     limit,
                                                       GCancellable             *cancellable,
                                                       GAsyncReadyCallback       callback,
                                                       gpointer                  user_data);
GPtrArray     *sp_client_list_fine_tune_events_finish (SpClient                 *self,
                                                       GAsyncResult             *result,
                                                       gboolean                 *has_more,
                                                       GError                  **error);
void           sp_client_list_fine_tune_checkpoints_async  (SpClient            *self,
                                                            const char          *job_id,
                                                            const char          *after,
                                                            guint                limit,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
GPtrArray     *sp_client_list_fine_tune_checkpoints_finish (SpClient            *self,
                                                            GAsyncResult        *result,
                                                            gboolean            *has_more,
                                                            GError             **error);

G_END_DECLS
