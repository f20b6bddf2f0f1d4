// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-job-record"

#include "config.h"

#include "sp-job-record.h"
#include "sp-string-private.h"

#include <json-glib/json-glib.h>

#include "sp-job-record-private.h"
#include "sp-json-private.h"

struct _SpJobRecord
{
  GObject           parent_instance;

  char             *id;
  char             *provider_id;
  char             *model;
  char             *fine_tuned_model;
  SpFineTuneStatus  status;
  gint64            trained_tokens;
  gint64            created_at;
  gint64            finished_at;
  char             *training_file;
  char             *suffix;
  SpMoney           estimated_cost;
  char             *error_message;
};

G_DEFINE_FINAL_TYPE (SpJobRecord, sp_job_record, G_TYPE_OBJECT)

enum {
  RECORD_PROP_0,
  RECORD_PROP_ID,
  RECORD_PROP_PROVIDER_ID,
  RECORD_PROP_MODEL,
  RECORD_PROP_FINE_TUNED_MODEL,
  RECORD_PROP_STATUS,
  RECORD_PROP_STATUS_LABEL,
  RECORD_PROP_TRAINED_TOKENS,
  RECORD_PROP_CREATED_AT,
  RECORD_PROP_FINISHED_AT,
  RECORD_PROP_TRAINING_FILE,
  RECORD_PROP_SUFFIX,
  RECORD_PROP_ESTIMATED_COST,
  RECORD_PROP_ERROR_MESSAGE,
  RECORD_N_PROPS
};

static GParamSpec *record_properties[RECORD_N_PROPS];

static void
record_set_string (SpJobRecord  *self,
                   char        **field,
                   const char   *value,
                   guint         prop_id)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (sp_set_str (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), record_properties[prop_id]);
}

static void
record_set_int64 (SpJobRecord *self,
                  gint64      *field,
                  gint64       value,
                  guint        prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), record_properties[prop_id]);
}

static void
add_string_member (JsonObject *object,
                   const char *name,
                   const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
}

static void
sp_job_record_finalize (GObject *object)
{
  SpJobRecord *self = SP_JOB_RECORD (object);

  g_free (self->id);
  g_free (self->provider_id);
  g_free (self->model);
  g_free (self->fine_tuned_model);
  g_free (self->training_file);
  g_free (self->suffix);
  g_free (self->error_message);

  G_OBJECT_CLASS (sp_job_record_parent_class)->finalize (object);
}

static void
sp_job_record_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SpJobRecord *self = SP_JOB_RECORD (object);

  switch (prop_id)
    {
    case RECORD_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case RECORD_PROP_PROVIDER_ID:
      g_value_set_string (value, self->provider_id);
      break;
    case RECORD_PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case RECORD_PROP_FINE_TUNED_MODEL:
      g_value_set_string (value, self->fine_tuned_model);
      break;
    case RECORD_PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case RECORD_PROP_STATUS_LABEL:
      g_value_set_string (value, sp_job_record_get_status_label (self));
      break;
    case RECORD_PROP_TRAINED_TOKENS:
      g_value_set_int64 (value, self->trained_tokens);
      break;
    case RECORD_PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case RECORD_PROP_FINISHED_AT:
      g_value_set_int64 (value, self->finished_at);
      break;
    case RECORD_PROP_TRAINING_FILE:
      g_value_set_string (value, self->training_file);
      break;
    case RECORD_PROP_SUFFIX:
      g_value_set_string (value, self->suffix);
      break;
    case RECORD_PROP_ESTIMATED_COST:
      g_value_set_int64 (value, self->estimated_cost);
      break;
    case RECORD_PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_job_record_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SpJobRecord *self = SP_JOB_RECORD (object);

  switch (prop_id)
    {
    case RECORD_PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case RECORD_PROP_PROVIDER_ID:
      sp_job_record_set_provider_id (self, g_value_get_string (value));
      break;
    case RECORD_PROP_MODEL:
      sp_job_record_set_model (self, g_value_get_string (value));
      break;
    case RECORD_PROP_FINE_TUNED_MODEL:
      sp_job_record_set_fine_tuned_model (self, g_value_get_string (value));
      break;
    case RECORD_PROP_STATUS:
      sp_job_record_set_status (self, g_value_get_enum (value));
      break;
    case RECORD_PROP_TRAINED_TOKENS:
      sp_job_record_set_trained_tokens (self, g_value_get_int64 (value));
      break;
    case RECORD_PROP_CREATED_AT:
      sp_job_record_set_created_at (self, g_value_get_int64 (value));
      break;
    case RECORD_PROP_FINISHED_AT:
      sp_job_record_set_finished_at (self, g_value_get_int64 (value));
      break;
    case RECORD_PROP_TRAINING_FILE:
      sp_job_record_set_training_file (self, g_value_get_string (value));
      break;
    case RECORD_PROP_SUFFIX:
      sp_job_record_set_suffix (self, g_value_get_string (value));
      break;
    case RECORD_PROP_ESTIMATED_COST:
      sp_job_record_set_estimated_cost (self, g_value_get_int64 (value));
      break;
    case RECORD_PROP_ERROR_MESSAGE:
      sp_job_record_set_error_message (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_job_record_class_init (SpJobRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sp_job_record_finalize;
  object_class->get_property = sp_job_record_get_property;
  object_class->set_property = sp_job_record_set_property;

  record_properties[RECORD_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  record_properties[RECORD_PROP_PROVIDER_ID] =
    g_param_spec_string ("provider-id", NULL, NULL, NULL, flags);
  record_properties[RECORD_PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL, flags);
  record_properties[RECORD_PROP_FINE_TUNED_MODEL] =
    g_param_spec_string ("fine-tuned-model", NULL, NULL, NULL, flags);
  record_properties[RECORD_PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, SP_TYPE_FINE_TUNE_STATUS,
                       SP_FINE_TUNE_STATUS_UNKNOWN, flags);
  record_properties[RECORD_PROP_STATUS_LABEL] =
    g_param_spec_string ("status-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  record_properties[RECORD_PROP_TRAINED_TOKENS] =
    g_param_spec_int64 ("trained-tokens", NULL, NULL, -1, G_MAXINT64, -1, flags);
  record_properties[RECORD_PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  record_properties[RECORD_PROP_FINISHED_AT] =
    g_param_spec_int64 ("finished-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  record_properties[RECORD_PROP_TRAINING_FILE] =
    g_param_spec_string ("training-file", NULL, NULL, NULL, flags);
  record_properties[RECORD_PROP_SUFFIX] =
    g_param_spec_string ("suffix", NULL, NULL, NULL, flags);
  record_properties[RECORD_PROP_ESTIMATED_COST] =
    g_param_spec_int64 ("estimated-cost", NULL, NULL, -1, G_MAXINT64, SP_MONEY_UNKNOWN, flags);
  record_properties[RECORD_PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, RECORD_N_PROPS, record_properties);
}

static void
sp_job_record_init (SpJobRecord *self)
{
  self->trained_tokens = -1;
  self->estimated_cost = SP_MONEY_UNKNOWN;
}

SpJobRecord *
sp_job_record_new (const char *id)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  return g_object_new (SP_TYPE_JOB_RECORD, "id", id, NULL);
}

SpJobRecord *
sp_job_record_new_from_job (const SpFineTuneJob *job,
                            const char          *provider_id)
{
  SpJobRecord *self;

  g_return_val_if_fail (job != NULL && job->id != NULL, NULL);

  self = sp_job_record_new (job->id);
  self->provider_id = g_strdup (provider_id);
  sp_job_record_update_from_job (self, job);
  return self;
}

const char *
sp_job_record_get_id (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return self->id;
}

const char *
sp_job_record_get_provider_id (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return self->provider_id;
}

const char *
sp_job_record_get_model (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return self->model;
}

const char *
sp_job_record_get_fine_tuned_model (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return self->fine_tuned_model;
}

SpFineTuneStatus
sp_job_record_get_status (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), SP_FINE_TUNE_STATUS_UNKNOWN);

  return self->status;
}

const char *
sp_job_record_get_status_label (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return sp_fine_tune_status_get_label (self->status);
}

gint64
sp_job_record_get_trained_tokens (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), -1);

  return self->trained_tokens;
}

gint64
sp_job_record_get_created_at (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), 0);

  return self->created_at;
}

gint64
sp_job_record_get_finished_at (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), 0);

  return self->finished_at;
}

const char *
sp_job_record_get_training_file (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return self->training_file;
}

const char *
sp_job_record_get_suffix (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return self->suffix;
}

SpMoney
sp_job_record_get_estimated_cost (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), SP_MONEY_UNKNOWN);

  return self->estimated_cost;
}

const char *
sp_job_record_get_error_message (SpJobRecord *self)
{
  g_return_val_if_fail (SP_IS_JOB_RECORD (self), NULL);

  return self->error_message;
}

void
sp_job_record_set_provider_id (SpJobRecord *self,
                               const char  *provider_id)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_string (self, &self->provider_id, provider_id, RECORD_PROP_PROVIDER_ID);
}

void
sp_job_record_set_model (SpJobRecord *self,
                         const char  *model)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_string (self, &self->model, model, RECORD_PROP_MODEL);
}

void
sp_job_record_set_fine_tuned_model (SpJobRecord *self,
                                    const char  *model)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_string (self, &self->fine_tuned_model, model, RECORD_PROP_FINE_TUNED_MODEL);
}

void
sp_job_record_set_status (SpJobRecord      *self,
                          SpFineTuneStatus  status)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), record_properties[RECORD_PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), record_properties[RECORD_PROP_STATUS_LABEL]);
}

void
sp_job_record_set_trained_tokens (SpJobRecord *self,
                                  gint64       tokens)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_int64 (self, &self->trained_tokens, MAX (tokens, -1), RECORD_PROP_TRAINED_TOKENS);
}

void
sp_job_record_set_created_at (SpJobRecord *self,
                              gint64       created_at)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_int64 (self, &self->created_at, MAX (created_at, 0), RECORD_PROP_CREATED_AT);
}

void
sp_job_record_set_finished_at (SpJobRecord *self,
                               gint64       finished_at)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_int64 (self, &self->finished_at, MAX (finished_at, 0), RECORD_PROP_FINISHED_AT);
}

void
sp_job_record_set_training_file (SpJobRecord *self,
                                 const char  *file_id)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_string (self, &self->training_file, file_id, RECORD_PROP_TRAINING_FILE);
}

void
sp_job_record_set_suffix (SpJobRecord *self,
                          const char  *suffix)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_string (self, &self->suffix, suffix, RECORD_PROP_SUFFIX);
}

void
sp_job_record_set_estimated_cost (SpJobRecord *self,
                                  SpMoney      cost)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_int64 (self, &self->estimated_cost, cost < 0 ? SP_MONEY_UNKNOWN : cost,
                    RECORD_PROP_ESTIMATED_COST);
}

void
sp_job_record_set_error_message (SpJobRecord *self,
                                 const char  *message)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));

  record_set_string (self, &self->error_message, message, RECORD_PROP_ERROR_MESSAGE);
}

void
sp_job_record_update_from_job (SpJobRecord         *self,
                               const SpFineTuneJob *job)
{
  g_return_if_fail (SP_IS_JOB_RECORD (self));
  g_return_if_fail (job != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  if (job->model != NULL)
    sp_job_record_set_model (self, job->model);
  if (job->fine_tuned_model != NULL)
    sp_job_record_set_fine_tuned_model (self, job->fine_tuned_model);
  if (job->status != SP_FINE_TUNE_STATUS_UNKNOWN)
    sp_job_record_set_status (self, job->status);
  if (job->trained_tokens >= 0)
    sp_job_record_set_trained_tokens (self, job->trained_tokens);
  if (job->created_at > 0)
    sp_job_record_set_created_at (self, job->created_at);
  if (job->finished_at > 0)
    sp_job_record_set_finished_at (self, job->finished_at);
  if (job->training_file != NULL)
    sp_job_record_set_training_file (self, job->training_file);
  if (job->suffix != NULL)
    sp_job_record_set_suffix (self, job->suffix);
  if (job->error_message != NULL)
    sp_job_record_set_error_message (self, job->error_message);
  g_object_thaw_notify (G_OBJECT (self));
}

JsonNode *
sp_job_record_to_json (SpJobRecord *record)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "id", record->id);
  add_string_member (object, "provider", record->provider_id);
  add_string_member (object, "model", record->model);
  add_string_member (object, "fine_tuned_model", record->fine_tuned_model);
  add_string_member (object, "status", sp_fine_tune_status_to_string (record->status));
  json_object_set_int_member (object, "trained_tokens", record->trained_tokens);
  json_object_set_int_member (object, "created_at", record->created_at);
  json_object_set_int_member (object, "finished_at", record->finished_at);
  add_string_member (object, "training_file", record->training_file);
  add_string_member (object, "suffix", record->suffix);
  if (record->estimated_cost != SP_MONEY_UNKNOWN)
    json_object_set_int_member (object, "estimated_cost_pico", record->estimated_cost);
  add_string_member (object, "error", record->error_message);
  json_node_take_object (node, object);
  return node;
}

SpJobRecord *
sp_job_record_new_from_json (JsonObject *object)
{
  const char *id = sp_json_get_string (object, "id");
  SpJobRecord *record;

  if (id == NULL || *id == '\0')
    return NULL;

  record = sp_job_record_new (id);
  record->provider_id = g_strdup (sp_json_get_string (object, "provider"));
  record->model = g_strdup (sp_json_get_string (object, "model"));
  record->fine_tuned_model = g_strdup (sp_json_get_string (object, "fine_tuned_model"));
  record->status = sp_fine_tune_status_from_string (sp_json_get_string (object, "status"));
  record->trained_tokens = MAX (sp_json_get_int (object, "trained_tokens", -1), -1);
  record->created_at = MAX (sp_json_get_int (object, "created_at", 0), 0);
  record->finished_at = MAX (sp_json_get_int (object, "finished_at", 0), 0);
  record->training_file = g_strdup (sp_json_get_string (object, "training_file"));
  record->suffix = g_strdup (sp_json_get_string (object, "suffix"));
  record->estimated_cost = sp_json_get_int (object, "estimated_cost_pico", SP_MONEY_UNKNOWN);
  if (record->estimated_cost < 0)
    record->estimated_cost = SP_MONEY_UNKNOWN;
  record->error_message = g_strdup (sp_json_get_string (object, "error"));
  return record;
}
