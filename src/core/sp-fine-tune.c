// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-fine-tune"

#include "config.h"

#include "sp-fine-tune.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "sp-client-private.h"
#include "sp-error.h"
#include "sp-json-private.h"

G_DEFINE_BOXED_TYPE (SpFineTuneJob, sp_fine_tune_job,
                     sp_fine_tune_job_copy, sp_fine_tune_job_free)
G_DEFINE_BOXED_TYPE (SpFineTuneEvent, sp_fine_tune_event,
                     sp_fine_tune_event_copy, sp_fine_tune_event_free)
G_DEFINE_BOXED_TYPE (SpFineTuneCheckpoint, sp_fine_tune_checkpoint,
                     sp_fine_tune_checkpoint_copy, sp_fine_tune_checkpoint_free)

static const struct
{
  SpFineTuneStatus  status;
  const char       *text;
  const char       *label;
} statuses[] = {
  { SP_FINE_TUNE_STATUS_UNKNOWN, NULL, N_("Unknown") },
  { SP_FINE_TUNE_STATUS_VALIDATING_FILES, "validating_files", N_("Validating files") },
  { SP_FINE_TUNE_STATUS_QUEUED, "queued", N_("Queued") },
  { SP_FINE_TUNE_STATUS_RUNNING, "running", N_("Running") },
  { SP_FINE_TUNE_STATUS_SUCCEEDED, "succeeded", N_("Succeeded") },
  { SP_FINE_TUNE_STATUS_FAILED, "failed", N_("Failed") },
  { SP_FINE_TUNE_STATUS_CANCELLED, "cancelled", N_("Cancelled") },
};

/* What a call returns. */
typedef enum
{
  RESULT_JOB,
  RESULT_JOBS,
  RESULT_EVENTS,
  RESULT_CHECKPOINTS,
} ResultKind;

typedef struct
{
  ResultKind kind;
  gboolean   has_more;
} Call;

static double
get_number (JsonObject *object,
            const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NAN;

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    default:
      return NAN;
    }
}

static char **
get_string_array (JsonObject *object,
                  const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  return g_strv_builder_end (builder);
}

/* n_epochs from "hyperparameters", or from "method" in newer answers;
 * "auto" is 0. */
static guint
get_epochs (JsonObject *job)
{
  JsonObject *hyperparameters = sp_json_get_object (job, "hyperparameters");
  gint64 epochs;

  if (hyperparameters == NULL)
    {
      JsonObject *method = sp_json_get_object (job, "method");

      hyperparameters = sp_json_get_object (sp_json_get_object (method, "supervised"),
                                            "hyperparameters");
    }

  epochs = sp_json_get_int (hyperparameters, "n_epochs", -1);
  if (epochs < 0)
    return 0;

  return epochs;
}

static void
set_string_or_null (JsonObject *object,
                    const char *name,
                    const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

static void
set_number_if_known (JsonObject *object,
                     const char *name,
                     double      value)
{
  if (!isnan (value))
    json_object_set_double_member (object, name, value);
}

static GBytes *
build_request_body (const SpFineTuneRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, request->model);
  json_builder_set_member_name (builder, "training_file");
  json_builder_add_string_value (builder, request->training_file);
  if (request->validation_file != NULL && *request->validation_file != '\0')
    {
      json_builder_set_member_name (builder, "validation_file");
      json_builder_add_string_value (builder, request->validation_file);
    }
  if (request->suffix != NULL && *request->suffix != '\0')
    {
      json_builder_set_member_name (builder, "suffix");
      json_builder_add_string_value (builder, request->suffix);
    }
  if (request->has_seed)
    {
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, request->seed);
    }

  json_builder_set_member_name (builder, "method");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "supervised");
  json_builder_set_member_name (builder, "supervised");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hyperparameters");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "n_epochs");
  if (request->n_epochs == 0)
    json_builder_add_string_value (builder, "auto");
  else
    json_builder_add_int_value (builder, request->n_epochs);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

static GError *
new_no_job_error (void)
{
  return g_error_new (SP_ERROR, SP_ERROR_BAD_RESPONSE,
                      _("The server’s answer does not describe a fine-tuning job. "
                        "Check that the provider offers fine-tuning (/v1/fine_tuning/jobs)."));
}

static GPtrArray *
take_list (JsonNode   *node,
           ResultKind  kind,
           gboolean   *has_more,
           GError    **error)
{
  g_autoptr(GPtrArray) items = NULL;
  JsonObject *object;
  JsonNode *data;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      (data = json_object_get_member (json_node_get_object (node), "data")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (data))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                   _("The server’s answer is not a list. "
                     "Check that the provider offers fine-tuning (/v1/fine_tuning/jobs)."));
      return NULL;
    }

  object = json_node_get_object (node);
  *has_more = json_object_get_boolean_member_with_default (object, "has_more", FALSE);

  if (kind == RESULT_JOBS)
    items = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_fine_tune_job_free);
  else if (kind == RESULT_EVENTS)
    items = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_fine_tune_event_free);
  else
    items = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_fine_tune_checkpoint_free);

  array = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *item;
      gpointer parsed;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      item = json_node_get_object (element);
      if (kind == RESULT_JOBS)
        parsed = sp_fine_tune_job_new_from_json (item);
      else if (kind == RESULT_EVENTS)
        parsed = sp_fine_tune_event_new_from_json (item);
      else
        parsed = sp_fine_tune_checkpoint_new_from_json (item);

      if (parsed != NULL)
        g_ptr_array_add (items, parsed);
    }

  return g_steal_pointer (&items);
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;

  node = sp_client_call_finish (SP_CLIENT (object), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (call->kind == RESULT_JOB)
    {
      SpFineTuneJob *job = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        job = sp_fine_tune_job_new_from_json (json_node_get_object (node));
      if (job == NULL)
        g_task_return_error (task, new_no_job_error ());
      else
        g_task_return_pointer (task, job, (GDestroyNotify) sp_fine_tune_job_free);
      return;
    }

  {
    GPtrArray *items = take_list (node, call->kind, &call->has_more, &error);

    if (items == NULL)
      g_task_return_error (task, error);
    else
      g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
  }
}

static void
start_call (SpClient            *client,
            GTask               *task,
            const char          *method,
            const char          *path,
            GBytes              *body,
            SpErrorContext       context,
            const char          *model)
{
  SpClientCall call = {
    .method = method,
    .path = path,
    .error_context = context,
    .model = model,
    .json_body = body,
  };

  sp_client_call_async (client, &call, g_task_get_cancellable (task), call_cb, g_object_ref (task));
}

static GTask *
new_call_task (SpClient            *client,
               ResultKind           kind,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  call->kind = kind;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, g_free);

  return task;
}

static gboolean
check_job_id (GTask      *task,
              const char *job_id)
{
  if (job_id != NULL && *job_id != '\0')
    return TRUE;

  g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("No fine-tuning job id was given. Job ids start with “ftjob-”."));
  return FALSE;
}

/* "/fine_tuning/jobs/ID/WHAT?limit=N&after=AFTER", every piece escaped. */
static char *
build_path (const char *job_id,
            const char *what,
            const char *after,
            guint       limit)
{
  GString *path = g_string_new ("/fine_tuning/jobs");
  char separator = '?';

  if (job_id != NULL)
    {
      g_autofree char *escaped = sp_client_escape_id (job_id);

      g_string_append_printf (path, "/%s", escaped);
    }
  if (what != NULL)
    g_string_append_printf (path, "/%s", what);
  if (limit > 0)
    {
      g_string_append_printf (path, "%climit=%u", separator, limit);
      separator = '&';
    }
  if (after != NULL && *after != '\0')
    {
      g_autofree char *escaped = sp_client_escape_id (after);

      g_string_append_printf (path, "%cafter=%s", separator, escaped);
    }

  return g_string_free (path, FALSE);
}

static GPtrArray *
list_finish (SpClient      *client,
             GAsyncResult  *result,
             gpointer       source_tag,
             gboolean      *has_more,
             GError       **error)
{
  Call *call;

  g_return_val_if_fail (SP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (has_more != NULL)
    *has_more = call->has_more;

  return g_task_propagate_pointer (G_TASK (result), error);
}

GType
sp_fine_tune_status_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SP_FINE_TUNE_STATUS_UNKNOWN, "SP_FINE_TUNE_STATUS_UNKNOWN", "unknown" },
        { SP_FINE_TUNE_STATUS_VALIDATING_FILES, "SP_FINE_TUNE_STATUS_VALIDATING_FILES", "validating-files" },
        { SP_FINE_TUNE_STATUS_QUEUED, "SP_FINE_TUNE_STATUS_QUEUED", "queued" },
        { SP_FINE_TUNE_STATUS_RUNNING, "SP_FINE_TUNE_STATUS_RUNNING", "running" },
        { SP_FINE_TUNE_STATUS_SUCCEEDED, "SP_FINE_TUNE_STATUS_SUCCEEDED", "succeeded" },
        { SP_FINE_TUNE_STATUS_FAILED, "SP_FINE_TUNE_STATUS_FAILED", "failed" },
        { SP_FINE_TUNE_STATUS_CANCELLED, "SP_FINE_TUNE_STATUS_CANCELLED", "cancelled" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("SpFineTuneStatus"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

const char *
sp_fine_tune_status_to_string (SpFineTuneStatus status)
{
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (statuses[i].status == status)
      return statuses[i].text;

  return NULL;
}

SpFineTuneStatus
sp_fine_tune_status_from_string (const char *text)
{
  if (text == NULL)
    return SP_FINE_TUNE_STATUS_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (statuses[i].text, text) == 0)
      return statuses[i].status;

  return SP_FINE_TUNE_STATUS_UNKNOWN;
}

const char *
sp_fine_tune_status_get_label (SpFineTuneStatus status)
{
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (statuses[i].status == status)
      return _(statuses[i].label);

  return _("Unknown");
}

gboolean
sp_fine_tune_status_is_final (SpFineTuneStatus status)
{
  return status == SP_FINE_TUNE_STATUS_SUCCEEDED ||
         status == SP_FINE_TUNE_STATUS_FAILED ||
         status == SP_FINE_TUNE_STATUS_CANCELLED;
}

gboolean
sp_fine_tune_check_suffix (const char  *suffix,
                           GError     **error)
{
  glong length;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (suffix == NULL || *suffix == '\0')
    return TRUE;

  if (!g_utf8_validate (suffix, -1, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("The suffix is not valid text. Use only letters a–z, digits, “-” and “_”."));
      return FALSE;
    }

  length = g_utf8_strlen (suffix, -1);
  if (length > SP_FINE_TUNE_MAX_SUFFIX)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("The suffix “%s” has %u characters; at most %u are allowed. Shorten it."),
                   suffix, (guint) length, (guint) SP_FINE_TUNE_MAX_SUFFIX);
      return FALSE;
    }

  for (const char *p = suffix; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_')
        continue;

      {
        g_autofree char *character = g_strndup (p, g_utf8_next_char (p) - p);

        g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                     _("The suffix “%s” contains “%s”. Use only letters a–z, digits, “-” and “_”: "
                       "the suffix becomes part of the model’s name."),
                     suffix, character);
      }
      return FALSE;
    }

  return TRUE;
}

gboolean
sp_fine_tune_check_request (const SpFineTuneRequest  *request,
                            GError                  **error)
{
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (request->model == NULL || *request->model == '\0')
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("No model is selected. Pick the model to fine-tune."));
      return FALSE;
    }

  if (request->training_file == NULL || *request->training_file == '\0')
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("No training file is given. Upload the JSONL first and use its file id "
                     "(it starts with “file-”)."));
      return FALSE;
    }

  if (request->n_epochs > SP_FINE_TUNE_MAX_EPOCHS)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("%u epochs are too many: choose between 1 and %u, or automatic."),
                   request->n_epochs, (guint) SP_FINE_TUNE_MAX_EPOCHS);
      return FALSE;
    }

  return sp_fine_tune_check_suffix (request->suffix, error);
}

SpFineTuneJob *
sp_fine_tune_job_copy (const SpFineTuneJob *job)
{
  SpFineTuneJob *copy;

  g_return_val_if_fail (job != NULL, NULL);

  copy = g_memdup2 (job, sizeof *job);
  copy->id = g_strdup (job->id);
  copy->model = g_strdup (job->model);
  copy->fine_tuned_model = g_strdup (job->fine_tuned_model);
  copy->status_text = g_strdup (job->status_text);
  copy->training_file = g_strdup (job->training_file);
  copy->validation_file = g_strdup (job->validation_file);
  copy->suffix = g_strdup (job->suffix);
  copy->error_code = g_strdup (job->error_code);
  copy->error_message = g_strdup (job->error_message);
  copy->result_files = g_strdupv (job->result_files);

  return copy;
}

void
sp_fine_tune_job_free (SpFineTuneJob *job)
{
  if (job == NULL)
    return;

  g_free (job->id);
  g_free (job->model);
  g_free (job->fine_tuned_model);
  g_free (job->status_text);
  g_free (job->training_file);
  g_free (job->validation_file);
  g_free (job->suffix);
  g_free (job->error_code);
  g_free (job->error_message);
  g_strfreev (job->result_files);
  g_free (job);
}

SpFineTuneJob *
sp_fine_tune_job_new_from_json (JsonObject *object)
{
  SpFineTuneJob *job;
  JsonObject *error;
  const char *id;

  g_return_val_if_fail (object != NULL, NULL);

  id = sp_json_get_string (object, "id");
  if (id == NULL || *id == '\0')
    return NULL;

  job = g_new0 (SpFineTuneJob, 1);
  job->id = g_strdup (id);
  job->model = g_strdup (sp_json_get_string (object, "model"));
  job->fine_tuned_model = g_strdup (sp_json_get_string (object, "fine_tuned_model"));
  job->status_text = g_strdup (sp_json_get_string (object, "status"));
  job->status = sp_fine_tune_status_from_string (job->status_text);
  job->training_file = g_strdup (sp_json_get_string (object, "training_file"));
  job->validation_file = g_strdup (sp_json_get_string (object, "validation_file"));
  job->suffix = g_strdup (sp_json_get_string (object, "user_provided_suffix"));
  job->trained_tokens = sp_json_get_int (object, "trained_tokens", -1);
  job->created_at = sp_json_get_int (object, "created_at", 0);
  job->finished_at = sp_json_get_int (object, "finished_at", 0);
  job->estimated_finish = sp_json_get_int (object, "estimated_finish", 0);
  job->seed = sp_json_get_int (object, "seed", 0);
  job->n_epochs = get_epochs (object);
  job->result_files = get_string_array (object, "result_files");

  /* OpenAI sends null, {} or an object with a message. */
  error = sp_json_get_object (object, "error");
  if (sp_json_get_string (error, "message") != NULL)
    {
      job->error_code = g_strdup (sp_json_get_string (error, "code"));
      job->error_message = g_strdup (sp_json_get_string (error, "message"));
    }

  return job;
}

JsonNode *
sp_fine_tune_job_to_json (const SpFineTuneJob *job)
{
  JsonObject *object;
  JsonArray *results;

  g_return_val_if_fail (job != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "object", "fine_tuning.job");
  json_object_set_string_member (object, "id", job->id);
  set_string_or_null (object, "model", job->model);
  set_string_or_null (object, "fine_tuned_model", job->fine_tuned_model);
  set_string_or_null (object, "status", job->status_text);
  set_string_or_null (object, "training_file", job->training_file);
  set_string_or_null (object, "validation_file", job->validation_file);
  set_string_or_null (object, "user_provided_suffix", job->suffix);
  if (job->trained_tokens >= 0)
    json_object_set_int_member (object, "trained_tokens", job->trained_tokens);
  else
    json_object_set_null_member (object, "trained_tokens");
  json_object_set_int_member (object, "created_at", job->created_at);
  if (job->finished_at != 0)
    json_object_set_int_member (object, "finished_at", job->finished_at);
  else
    json_object_set_null_member (object, "finished_at");
  json_object_set_int_member (object, "seed", job->seed);
  if (job->n_epochs > 0)
    json_object_set_int_member (object, "n_epochs", job->n_epochs);
  else
    json_object_set_string_member (object, "n_epochs", "auto");
  results = json_array_new ();
  for (guint i = 0; job->result_files[i] != NULL; i++)
    json_array_add_string_element (results, job->result_files[i]);
  json_object_set_array_member (object, "result_files", results);
  if (job->error_message != NULL)
    {
      JsonObject *error = json_object_new ();

      set_string_or_null (error, "code", job->error_code);
      json_object_set_string_member (error, "message", job->error_message);
      json_object_set_object_member (object, "error", error);
    }
  else
    {
      json_object_set_null_member (object, "error");
    }

  return json_node_init_object (json_node_alloc (), object);
}

SpFineTuneEvent *
sp_fine_tune_event_copy (const SpFineTuneEvent *event)
{
  SpFineTuneEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_memdup2 (event, sizeof *event);
  copy->id = g_strdup (event->id);
  copy->level = g_strdup (event->level);
  copy->message = g_strdup (event->message);
  copy->type = g_strdup (event->type);

  return copy;
}

void
sp_fine_tune_event_free (SpFineTuneEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->id);
  g_free (event->level);
  g_free (event->message);
  g_free (event->type);
  g_free (event);
}

SpFineTuneEvent *
sp_fine_tune_event_new_from_json (JsonObject *object)
{
  SpFineTuneEvent *event;
  JsonObject *data;
  const char *id;

  g_return_val_if_fail (object != NULL, NULL);

  id = sp_json_get_string (object, "id");
  if (id == NULL || *id == '\0')
    return NULL;

  event = g_new0 (SpFineTuneEvent, 1);
  event->id = g_strdup (id);
  event->created_at = sp_json_get_int (object, "created_at", 0);
  event->level = g_strdup (sp_json_get_string (object, "level"));
  event->message = g_strdup (sp_json_get_string (object, "message"));
  event->type = g_strdup (sp_json_get_string (object, "type"));

  data = sp_json_get_object (object, "data");
  event->step = sp_json_get_int (data, "step", -1);
  event->total_steps = sp_json_get_int (data, "total_steps", -1);
  event->train_loss = get_number (data, "train_loss");
  event->valid_loss = get_number (data, "valid_loss");

  return event;
}

JsonNode *
sp_fine_tune_event_to_json (const SpFineTuneEvent *event)
{
  JsonObject *object;
  JsonObject *data;

  g_return_val_if_fail (event != NULL, NULL);

  object = json_object_new ();
  data = json_object_new ();
  json_object_set_string_member (object, "object", "fine_tuning.job.event");
  json_object_set_string_member (object, "id", event->id);
  json_object_set_int_member (object, "created_at", event->created_at);
  set_string_or_null (object, "level", event->level);
  set_string_or_null (object, "message", event->message);
  set_string_or_null (object, "type", event->type);
  if (event->step >= 0)
    json_object_set_int_member (data, "step", event->step);
  if (event->total_steps >= 0)
    json_object_set_int_member (data, "total_steps", event->total_steps);
  set_number_if_known (data, "train_loss", event->train_loss);
  set_number_if_known (data, "valid_loss", event->valid_loss);
  json_object_set_object_member (object, "data", data);

  return json_node_init_object (json_node_alloc (), object);
}

gboolean
sp_fine_tune_event_has_metrics (const SpFineTuneEvent *event)
{
  g_return_val_if_fail (event != NULL, FALSE);

  return event->step >= 0 && !isnan (event->train_loss);
}

SpFineTuneCheckpoint *
sp_fine_tune_checkpoint_copy (const SpFineTuneCheckpoint *checkpoint)
{
  SpFineTuneCheckpoint *copy;

  g_return_val_if_fail (checkpoint != NULL, NULL);

  copy = g_memdup2 (checkpoint, sizeof *checkpoint);
  copy->id = g_strdup (checkpoint->id);
  copy->model = g_strdup (checkpoint->model);

  return copy;
}

void
sp_fine_tune_checkpoint_free (SpFineTuneCheckpoint *checkpoint)
{
  if (checkpoint == NULL)
    return;

  g_free (checkpoint->id);
  g_free (checkpoint->model);
  g_free (checkpoint);
}

SpFineTuneCheckpoint *
sp_fine_tune_checkpoint_new_from_json (JsonObject *object)
{
  SpFineTuneCheckpoint *checkpoint;
  JsonObject *metrics;
  const char *id;

  g_return_val_if_fail (object != NULL, NULL);

  id = sp_json_get_string (object, "id");
  if (id == NULL || *id == '\0')
    return NULL;

  checkpoint = g_new0 (SpFineTuneCheckpoint, 1);
  checkpoint->id = g_strdup (id);
  checkpoint->model = g_strdup (sp_json_get_string (object, "fine_tuned_model_checkpoint"));
  checkpoint->step = sp_json_get_int (object, "step_number", -1);
  checkpoint->created_at = sp_json_get_int (object, "created_at", 0);

  metrics = sp_json_get_object (object, "metrics");
  checkpoint->train_loss = get_number (metrics, "train_loss");
  checkpoint->valid_loss = get_number (metrics, "valid_loss");

  return checkpoint;
}

void
sp_client_create_fine_tune_job_async (SpClient                *self,
                                      const SpFineTuneRequest *request,
                                      GCancellable            *cancellable,
                                      GAsyncReadyCallback      callback,
                                      gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call_task (self, RESULT_JOB, sp_client_create_fine_tune_job_async,
                        cancellable, callback, user_data);
  if (!sp_fine_tune_check_request (request, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  body = build_request_body (request);
  start_call (self, task, SOUP_METHOD_POST, "/fine_tuning/jobs", body,
              SP_ERROR_CONTEXT_FINE_TUNE_CREATE, request->model);
}

SpFineTuneJob *
sp_client_create_fine_tune_job_finish (SpClient      *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_get_fine_tune_job_async (SpClient            *self,
                                   const char          *job_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call_task (self, RESULT_JOB, sp_client_get_fine_tune_job_async,
                        cancellable, callback, user_data);
  if (!check_job_id (task, job_id))
    return;

  path = build_path (job_id, NULL, NULL, 0);
  start_call (self, task, SOUP_METHOD_GET, path, NULL, SP_ERROR_CONTEXT_FINE_TUNE, NULL);
}

SpFineTuneJob *
sp_client_get_fine_tune_job_finish (SpClient      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_cancel_fine_tune_job_async (SpClient            *self,
                                      const char          *job_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call_task (self, RESULT_JOB, sp_client_cancel_fine_tune_job_async,
                        cancellable, callback, user_data);
  if (!check_job_id (task, job_id))
    return;

  path = build_path (job_id, "cancel", NULL, 0);
  start_call (self, task, SOUP_METHOD_POST, path, NULL, SP_ERROR_CONTEXT_FINE_TUNE, NULL);
}

SpFineTuneJob *
sp_client_cancel_fine_tune_job_finish (SpClient      *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_list_fine_tune_jobs_async (SpClient            *self,
                                     const char          *after,
                                     guint                limit,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call_task (self, RESULT_JOBS, sp_client_list_fine_tune_jobs_async,
                        cancellable, callback, user_data);
  path = build_path (NULL, NULL, after, limit);
  start_call (self, task, SOUP_METHOD_GET, path, NULL, SP_ERROR_CONTEXT_FINE_TUNE, NULL);
}

GPtrArray *
sp_client_list_fine_tune_jobs_finish (SpClient      *self,
                                      GAsyncResult  *result,
                                      gboolean      *has_more,
                                      GError       **error)
{
  return list_finish (self, result, sp_client_list_fine_tune_jobs_async, has_more, error);
}

void
sp_client_list_fine_tune_events_async (SpClient            *self,
                                       const char          *job_id,
                                       const char          *after,
                                       guint                limit,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call_task (self, RESULT_EVENTS, sp_client_list_fine_tune_events_async,
                        cancellable, callback, user_data);
  if (!check_job_id (task, job_id))
    return;

  path = build_path (job_id, "events", after, limit);
  start_call (self, task, SOUP_METHOD_GET, path, NULL, SP_ERROR_CONTEXT_FINE_TUNE, NULL);
}

GPtrArray *
sp_client_list_fine_tune_events_finish (SpClient      *self,
                                        GAsyncResult  *result,
                                        gboolean      *has_more,
                                        GError       **error)
{
  return list_finish (self, result, sp_client_list_fine_tune_events_async, has_more, error);
}

void
sp_client_list_fine_tune_checkpoints_async (SpClient            *self,
                                            const char          *job_id,
                                            const char          *after,
                                            guint                limit,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call_task (self, RESULT_CHECKPOINTS, sp_client_list_fine_tune_checkpoints_async,
                        cancellable, callback, user_data);
  if (!check_job_id (task, job_id))
    return;

  path = build_path (job_id, "checkpoints", after, limit);
  start_call (self, task, SOUP_METHOD_GET, path, NULL, SP_ERROR_CONTEXT_FINE_TUNE, NULL);
}

GPtrArray *
sp_client_list_fine_tune_checkpoints_finish (SpClient      *self,
                                             GAsyncResult  *result,
                                             gboolean      *has_more,
                                             GError       **error)
{
  return list_finish (self, result, sp_client_list_fine_tune_checkpoints_async, has_more, error);
}
