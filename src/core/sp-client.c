// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-client"

#include "config.h"

#include "sp-client.h"
#include "sp-client-private.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "sp-error.h"
#include "sp-json-private.h"
#include "sp-offline.h"
#include "sp-tokenizer.h"
#include "sp-retry.h"
#include "sp-secrets.h"
#include "sp-sse-parser.h"

/* How long the offline provider waits between two streamed words, so the
 * interface shows it streaming as a server would. */
#define OFFLINE_WORD_DELAY_MS 15

#define READ_CHUNK_SIZE 16384

struct _SpClient
{
  GObject           parent_instance;

  SpProvider       *provider;
  SoupSession      *session;
  char             *api_key;
  SpClientTimeouts  timeouts;
};

G_DEFINE_FINAL_TYPE (SpClient, sp_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROVIDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_BOXED_TYPE (SpGenerateResult, sp_generate_result,
                     sp_generate_result_copy, sp_generate_result_free)

typedef enum
{
  REQUEST_CHAT,
  REQUEST_COMPLETION,
  REQUEST_MODELS,
  REQUEST_CALL,
} RequestKind;

typedef enum
{
  DEADLINE_NONE,
  DEADLINE_CONNECT,
  DEADLINE_REQUEST,
  DEADLINE_IDLE,
} Deadline;

/* One call of the public API, across all its attempts. */
typedef struct
{
  RequestKind    kind;
  const char    *method;
  char          *url;
  char          *base_url;
  GBytes        *body;
  char          *model;
  gboolean       stream;
  SpDeltaFunc    delta_func;
  gpointer       delta_data;

  /* Files and fine-tuning (sp-client-private.h). */
  SpErrorContext error_context;
  char          *content_type;
  SpClientBodyFunc body_func;
  gpointer       body_data;
  GDestroyNotify body_data_free;
  SpClientProgressFunc progress_func;
  gpointer       progress_data;
  goffset        body_sent;
  goffset        body_total;
  gboolean       body_written;
  GOutputStream *download_to;

  guint          attempts;
  gboolean       delta_delivered;
  GSource       *cancel_source;
  GSource       *retry_source;

  /* The attempt in flight. */
  SoupMessage   *message;
  GCancellable  *attempt_cancellable;
  GInputStream  *input;
  GByteArray    *buffer;
  SpSseParser   *parser;
  GError        *stream_error;
  GSource       *connect_source;
  GSource       *request_source;
  GSource       *idle_source;
  Deadline       deadline_hit;

  /* The answer so far. */
  GString       *text;
  char          *finish_reason;
  char          *answer_model;
  gint64         prompt_tokens;
  gint64         completion_tokens;
  gboolean       done_seen;

  /* The offline provider's words, streamed from a timeout. */
  char          *offline_text;
  gsize          offline_pos;
  GSource       *offline_source;
} Request;

static void start_attempt (GTask *task);
static gboolean request_deadline_cb (gpointer user_data);
static void start_download (GTask *task);

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Timeouts run in the task's context, which is the caller's
 * thread-default context and not always the global default one. With
 * @hold the source keeps the task alive; deadlines do not need to, since
 * the operation in flight does. */
static GSource *
add_timeout (GTask       *task,
             guint        interval_ms,
             GSourceFunc  func,
             gboolean     hold)
{
  GSource *source = g_timeout_source_new (interval_ms);

  if (hold)
    g_source_set_callback (source, func, g_object_ref (task), g_object_unref);
  else
    g_source_set_callback (source, func, task, NULL);
  g_source_attach (source, g_task_get_context (task));

  return source;
}

static gboolean
is_sending_body (Request *req)
{
  return req->body_func != NULL && !req->body_written;
}

static void
clear_attempt (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  clear_source (&req->connect_source);
  clear_source (&req->request_source);
  clear_source (&req->idle_source);

  if (req->message != NULL)
    g_signal_handlers_disconnect_by_data (req->message, task);
  g_clear_object (&req->message);
  g_clear_object (&req->attempt_cancellable);
  g_clear_object (&req->input);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  g_clear_object (&req->parser);
  g_clear_error (&req->stream_error);
  req->deadline_hit = DEADLINE_NONE;
}

static void
request_free (gpointer data)
{
  Request *req = data;

  g_assert (req->message == NULL);
  g_assert (req->connect_source == NULL);

  if (req->cancel_source != NULL)
    {
      g_source_destroy (req->cancel_source);
      g_source_unref (req->cancel_source);
    }
  clear_source (&req->retry_source);
  clear_source (&req->offline_source);

  g_free (req->url);
  g_free (req->base_url);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->model);
  g_string_free (req->text, TRUE);
  g_free (req->finish_reason);
  g_free (req->answer_model);
  g_free (req->offline_text);
  g_free (req->content_type);
  if (req->body_data_free != NULL)
    req->body_data_free (req->body_data);
  g_clear_object (&req->download_to);
  g_free (req);
}

static void
stop_request (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  clear_attempt (task);
  clear_source (&req->retry_source);
  clear_source (&req->offline_source);
  if (req->cancel_source != NULL)
    {
      g_source_destroy (req->cancel_source);
      g_clear_pointer (&req->cancel_source, g_source_unref);
    }
}

/* Servers like to quote the key in their messages; never pass it on. */
static void
scrub_key (SpClient *self,
           GError   *error)
{
  g_autoptr(GString) message = NULL;

  if (self->api_key == NULL || strstr (error->message, self->api_key) == NULL)
    return;

  message = g_string_new (error->message);
  g_string_replace (message, self->api_key, "…", 0);
  g_free (error->message);
  error->message = g_string_free (g_steal_pointer (&message), FALSE);
}

static void
return_error (GTask  *task,
              GError *error)
{
  g_autoptr(GTask) hold = g_object_ref (task);
  SpClient *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  /* Stopping drops the references that timeouts hold. */
  stop_request (task);

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The request was cancelled."));
      return;
    }

  scrub_key (self, error);
  g_task_return_error (task, error);
}

static void
return_generate_result (GTask *task)
{
  g_autoptr(GTask) hold = g_object_ref (task);
  Request *req = g_task_get_task_data (task);
  SpGenerateResult *result = g_new0 (SpGenerateResult, 1);

  result->text = g_strdup (req->text->str);
  result->finish_reason = g_strdup (req->finish_reason);
  result->model = g_strdup (req->answer_model != NULL ? req->answer_model : req->model);
  result->prompt_tokens = req->prompt_tokens;
  result->completion_tokens = req->completion_tokens;
  result->attempts = MAX (req->attempts, 1);

  stop_request (task);
  g_task_return_pointer (task, result, (GDestroyNotify) sp_generate_result_free);
}

static gboolean
user_cancelled (GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  return cancellable != NULL && g_cancellable_is_cancelled (cancellable);
}

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->retry_source, g_source_unref);
  start_attempt (task);

  return G_SOURCE_REMOVE;
}

/* Ends the attempt in flight and either schedules another one or returns
 * @error. @retryable says whether the failure is of a kind the retry
 * policy may consider at all. */
static void
fail_attempt (GTask      *task,
              GError     *error,
              gboolean    retryable,
              guint       status,
              const char *error_code,
              const char *error_type)
{
  SpClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  SpRetryPolicy policy = {
    .max_retries = self->timeouts.max_retries,
    .initial_delay_ms = self->timeouts.initial_delay_ms,
    .max_delay_ms = self->timeouts.max_delay_ms,
  };
  SoupMessageHeaders *headers = NULL;
  guint delay_ms = 0;

  if (user_cancelled (task))
    {
      return_error (task, error);
      return;
    }

  /* Once text reached the caller a new attempt would repeat it. */
  if (req->delta_delivered)
    retryable = FALSE;

  if (req->message != NULL && status != 0)
    headers = soup_message_get_response_headers (req->message);

  if (retryable &&
      sp_retry_decide (&policy, req->attempts, status, headers,
                       error_code, error_type,
                       g_get_real_time () / G_USEC_PER_SEC,
                       g_random_double (), &delay_ms))
    {
      g_debug ("Attempt %u failed (%s); retrying in %u ms",
               req->attempts, error->message, delay_ms);
      g_clear_error (&error);
      clear_attempt (task);
      req->retry_source = add_timeout (task, delay_ms, retry_cb, TRUE);
      return;
    }

  return_error (task, error);
}

static GError *
new_timeout_error (SpClient   *self,
                   Deadline    deadline,
                   const char *url)
{
  guint ms;
  guint seconds;

  switch (deadline)
    {
    case DEADLINE_CONNECT:
      ms = self->timeouts.connect_timeout_ms;
      seconds = MAX (1, (ms + 999) / 1000);
      return g_error_new (SP_ERROR, SP_ERROR_TIMEOUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Could not connect to %s within %u second. Is the server running and reachable?",
                                       "Could not connect to %s within %u seconds. Is the server running and reachable?",
                                       seconds),
                          url, seconds);

    case DEADLINE_IDLE:
      ms = self->timeouts.idle_timeout_ms;
      seconds = MAX (1, (ms + 999) / 1000);
      return g_error_new (SP_ERROR, SP_ERROR_TIMEOUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "The server at %s sent nothing for %u second. Try again later.",
                                       "The server at %s sent nothing for %u seconds. Try again later.",
                                       seconds),
                          url, seconds);

    case DEADLINE_REQUEST:
    case DEADLINE_NONE:
    default:
      ms = self->timeouts.request_timeout_ms;
      seconds = MAX (1, (ms + 999) / 1000);
      return g_error_new (SP_ERROR, SP_ERROR_TIMEOUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "The server at %s did not finish answering within %u second. "
                                       "Try again later, or ask for a shorter answer.",
                                       "The server at %s did not finish answering within %u seconds. "
                                       "Try again later, or ask for a shorter answer.",
                                       seconds),
                          url, seconds);
    }
}

/* A failure below HTTP: one of our deadlines, a cancellation, or the
 * network. */
static void
fail_attempt_io (GTask  *task,
                 GError *io_error)
{
  SpClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) owned = io_error;
  GError *error;

  /* Our own errors, such as a file that changed while it was sent, say
   * best what happened. */
  if (io_error->domain == SP_ERROR && !user_cancelled (task))
    {
      fail_attempt (task, g_steal_pointer (&owned), FALSE, 0, NULL, NULL);
      return;
    }

  /* A server may keep the connection open after [DONE]. */
  if (req->parser != NULL && req->done_seen && !user_cancelled (task))
    {
      return_generate_result (task);
      return;
    }

  if (req->deadline_hit == DEADLINE_IDLE && is_sending_body (req))
    {
      guint seconds = MAX (1, (self->timeouts.idle_timeout_ms + 999) / 1000);

      error = g_error_new (SP_ERROR, SP_ERROR_TIMEOUT,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "Sending the file to %s stalled for %u second. "
                                        "Check your network connection and try again.",
                                        "Sending the file to %s stalled for %u seconds. "
                                        "Check your network connection and try again.",
                                        seconds),
                           req->base_url, seconds);
      fail_attempt (task, error, TRUE, 0, NULL, NULL);
      return;
    }

  if (req->deadline_hit != DEADLINE_NONE)
    {
      Deadline deadline = req->deadline_hit;

      error = new_timeout_error (self, deadline, req->base_url);
      fail_attempt (task, error, deadline != DEADLINE_REQUEST, 0, NULL, NULL);
      return;
    }

  if (req->delta_delivered)
    {
      error = g_error_new (SP_ERROR, SP_ERROR_CONNECTION,
                           _("The connection to %s dropped in the middle of the answer. Try again."),
                           req->base_url);
      fail_attempt (task, error, FALSE, 0, NULL, NULL);
      return;
    }

  error = sp_error_new_for_connection (io_error, req->base_url);
  fail_attempt (task, error, TRUE, 0, NULL, NULL);
}

static gboolean
deadline_cb (GTask    *task,
             Deadline  deadline)
{
  Request *req = g_task_get_task_data (task);

  req->deadline_hit = deadline;
  if (req->attempt_cancellable != NULL)
    g_cancellable_cancel (req->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static gboolean
connect_deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->connect_source, g_source_unref);
  return deadline_cb (task, DEADLINE_CONNECT);
}

static gboolean
request_deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->request_source, g_source_unref);
  return deadline_cb (task, DEADLINE_REQUEST);
}

static gboolean
idle_deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->idle_source, g_source_unref);
  return deadline_cb (task, DEADLINE_IDLE);
}

static void
start_request_deadline (GTask *task)
{
  SpClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  clear_source (&req->request_source);
  if (self->timeouts.request_timeout_ms > 0)
    req->request_source = add_timeout (task, self->timeouts.request_timeout_ms,
                                       request_deadline_cb, FALSE);
}

static void
restart_idle_deadline (GTask *task)
{
  SpClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  /* Only streams, and uploads while their body goes out, have an
   * inactivity deadline: a server may think for minutes before it sends a
   * whole answer at once. */
  if (!(req->stream || is_sending_body (req)) || self->timeouts.idle_timeout_ms == 0)
    return;

  clear_source (&req->idle_source);
  req->idle_source = add_timeout (task, self->timeouts.idle_timeout_ms,
                                  idle_deadline_cb, FALSE);
}

static void
wrote_headers_cb (SoupMessage *message,
                  gpointer     user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  clear_source (&req->connect_source);
  restart_idle_deadline (task);
}

static void
wrote_body_data_cb (SoupMessage *message,
                    guint        chunk_size,
                    gpointer     user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  req->body_sent += chunk_size;
  restart_idle_deadline (task);
  if (req->progress_func != NULL)
    req->progress_func (req->body_sent, req->body_total, req->progress_data);
}

static void
wrote_body_cb (SoupMessage *message,
               gpointer     user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  /* A long upload has no whole-request deadline while it is written;
   * the wait for the answer has one. */
  if (is_sending_body (req))
    {
      req->body_written = TRUE;
      clear_source (&req->idle_source);
      start_request_deadline (task);
      return;
    }

  restart_idle_deadline (task);
}

static gint64
get_int_member (JsonObject *object,
                const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;

  return json_node_get_int (node);
}

static JsonObject *
get_first_choice (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "choices");
  JsonArray *choices;
  JsonNode *first;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  choices = json_node_get_array (node);
  if (json_array_get_length (choices) == 0)
    return NULL;

  first = json_array_get_element (choices, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return NULL;

  return json_node_get_object (first);
}

/* Takes what every answer object may carry: the model, the usage and the
 * finish reason. */
static void
take_answer_metadata (Request    *req,
                      JsonObject *object,
                      JsonObject *choice)
{
  JsonObject *usage = sp_json_get_object (object, "usage");
  const char *model = sp_json_get_string (object, "model");
  const char *finish_reason = sp_json_get_string (choice, "finish_reason");

  if (model != NULL && req->answer_model == NULL)
    req->answer_model = g_strdup (model);

  if (usage != NULL)
    {
      req->prompt_tokens = get_int_member (usage, "prompt_tokens");
      req->completion_tokens = get_int_member (usage, "completion_tokens");
    }

  if (finish_reason != NULL)
    {
      g_free (req->finish_reason);
      req->finish_reason = g_strdup (finish_reason);
    }
}

static void
deliver_delta (Request    *req,
               const char *delta)
{
  if (delta == NULL || *delta == '\0')
    return;

  g_string_append (req->text, delta);
  req->delta_delivered = TRUE;
  if (req->delta_func != NULL)
    req->delta_func (delta, req->delta_data);
}

static GError *
new_no_text_error (Request *req)
{
  return g_error_new (SP_ERROR, SP_ERROR_BAD_RESPONSE,
                      _("The server at %s answered, but not with text that Starprompt understands. "
                        "Check that the base URL points to an OpenAI-compatible API."),
                      req->base_url);
}

static void
sse_event_cb (const char *event,
              const char *data,
              const char *id,
              gpointer    user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonObject *choice;
  GError *error = NULL;

  if (req->stream_error != NULL || req->done_seen)
    return;

  if (strcmp (data, "[DONE]") == 0)
    {
      req->done_seen = TRUE;
      return;
    }

  node = sp_client_parse_json (data, strlen (data), &error);
  if (node == NULL)
    {
      req->stream_error = error;
      return;
    }

  if (g_strcmp0 (event, "error") == 0 || sp_error_get_api_error (node, NULL, NULL, NULL))
    {
      req->stream_error = sp_error_new_for_http (500, node, req->model, req->base_url);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      req->stream_error = new_no_text_error (req);
      return;
    }

  object = json_node_get_object (node);
  choice = get_first_choice (object);
  take_answer_metadata (req, object, choice);

  if (req->kind == REQUEST_CHAT)
    deliver_delta (req, sp_json_get_string (sp_json_get_object (choice, "delta"), "content"));
  else
    deliver_delta (req, sp_json_get_string (choice, "text"));
}

static int
compare_model_ids (gconstpointer a,
                   gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static GError *
take_models (GTask      *task,
             JsonObject *object,
             char     ***out_models)
{
  Request *req = g_task_get_task_data (task);
  JsonNode *node = json_object_get_member (object, "data");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;
  guint i;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return new_no_text_error (req);

  array = json_node_get_array (node);
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      id = sp_json_get_string (json_node_get_object (element), "id");
      if (id != NULL)
        g_ptr_array_add (ids, g_strdup (id));
    }

  g_ptr_array_sort (ids, compare_model_ids);
  g_ptr_array_add (ids, NULL);
  *out_models = (char **) g_ptr_array_free (g_steal_pointer (&ids), FALSE);

  return NULL;
}

/* A whole JSON answer with a success status. */
static void
finish_json_answer (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonObject *choice;
  GError *error = NULL;

  node = sp_client_parse_json ((const char *) req->buffer->data, req->buffer->len, &error);
  if (node == NULL)
    {
      fail_attempt (task, error, FALSE, 200, NULL, NULL);
      return;
    }

  if (req->kind == REQUEST_CALL)
    {
      stop_request (task);
      g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail_attempt (task, new_no_text_error (req), FALSE, 200, NULL, NULL);
      return;
    }

  object = json_node_get_object (node);

  if (req->kind == REQUEST_MODELS)
    {
      char **models = NULL;

      error = take_models (task, object, &models);
      if (error != NULL)
        {
          fail_attempt (task, error, FALSE, 200, NULL, NULL);
          return;
        }

      stop_request (task);
      g_task_return_pointer (task, models, (GDestroyNotify) g_strfreev);
      return;
    }

  choice = get_first_choice (object);
  if (choice == NULL)
    {
      fail_attempt (task, new_no_text_error (req), FALSE, 200, NULL, NULL);
      return;
    }

  take_answer_metadata (req, object, choice);

  /* A server that ignored "stream" still answers; the caller then gets
   * the whole text as one piece. */
  g_string_truncate (req->text, 0);
  if (req->kind == REQUEST_CHAT)
    {
      JsonObject *message = sp_json_get_object (choice, "message");
      const char *content = sp_json_get_string (message, "content");

      if (message == NULL)
        {
          fail_attempt (task, new_no_text_error (req), FALSE, 200, NULL, NULL);
          return;
        }
      deliver_delta (req, content);
    }
  else
    {
      deliver_delta (req, sp_json_get_string (choice, "text"));
    }

  return_generate_result (task);
}

static void
finish_error_answer (GTask *task,
                     guint  status)
{
  SpClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  const char *code = NULL;
  const char *type = NULL;
  GError *error;

  /* The body of an error is a courtesy: a broken one still leaves the
   * status to go on. */
  if (req->buffer->len > 0)
    node = sp_client_parse_json ((const char *) req->buffer->data, req->buffer->len, NULL);

  sp_error_get_api_error (node, NULL, &type, &code);
  if (status == SOUP_STATUS_UNAUTHORIZED && self->api_key == NULL)
    error = g_error_new (SP_ERROR, SP_ERROR_AUTH,
                         _("The server at %s needs an API key. Add one in Preferences → Providers."),
                         req->base_url);
  else
    error = sp_error_new_for_http_in_context (req->error_context, status, node,
                                              req->kind == REQUEST_MODELS ? NULL : req->model,
                                              req->base_url);

  fail_attempt (task, error, !SOUP_STATUS_IS_REDIRECTION (status), status, code, type);
}

static void
finish_stream (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  sp_sse_parser_finish (req->parser);

  if (!req->done_seen)
    {
      GError *error = g_error_new (SP_ERROR, SP_ERROR_TRUNCATED,
                                   _("The answer from %s stopped before its end. "
                                     "The text may be incomplete; try again."),
                                   req->base_url);

      /* With nothing delivered this is a dropped connection, worth
       * another attempt. */
      fail_attempt (task, error, TRUE, 0, NULL, NULL);
      return;
    }

  return_generate_result (task);
}

static void
finish_body (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  guint status = soup_message_get_status (req->message);

  if (req->parser != NULL)
    finish_stream (task);
  else if (SOUP_STATUS_IS_SUCCESSFUL (status))
    finish_json_answer (task);
  else
    finish_error_answer (task, status);
}

static void read_next (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;
  const char *data;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      fail_attempt_io (task, error);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      finish_body (task);
      return;
    }

  restart_idle_deadline (task);

  if (req->parser != NULL)
    {
      sp_sse_parser_feed (req->parser, data, size);

      if (req->stream_error != NULL)
        {
          fail_attempt (task, g_steal_pointer (&req->stream_error), FALSE, 200, NULL, NULL);
          return;
        }

      if (sp_sse_parser_get_pending (req->parser) > SP_CLIENT_MAX_JSON_SIZE)
        {
          error = g_error_new (SP_ERROR, SP_ERROR_BAD_RESPONSE,
                               _("The server at %s sent an event larger than %u MiB. "
                                 "Check that the base URL points to an OpenAI-compatible API."),
                               req->base_url, SP_CLIENT_MAX_JSON_SIZE / (1024 * 1024));
          fail_attempt (task, error, FALSE, 200, NULL, NULL);
          return;
        }
    }
  else
    {
      if (req->buffer->len + size > SP_CLIENT_MAX_JSON_SIZE)
        {
          error = g_error_new (SP_ERROR, SP_ERROR_BAD_RESPONSE,
                               _("The answer from %s is larger than %u MiB. "
                                 "Check that the base URL points to an OpenAI-compatible API."),
                               req->base_url, SP_CLIENT_MAX_JSON_SIZE / (1024 * 1024));
          fail_attempt (task, error, FALSE, 200, NULL, NULL);
          return;
        }
      g_byte_array_append (req->buffer, (const guint8 *) data, size);
    }

  read_next (task);
}

static void
read_next (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (req->input, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   req->attempt_cancellable, read_cb,
                                   g_object_ref (task));
}

static void
splice_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gssize written;

  written = g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error);
  if (written < 0)
    {
      fail_attempt_io (task, error);
      return;
    }

  stop_request (task);
  g_task_return_pointer (task, json_node_init_int (json_node_alloc (), written),
                         (GDestroyNotify) json_node_unref);
}

static void
start_download (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  /* Bytes may reach the file from here on: another attempt would add
   * them a second time. */
  req->delta_delivered = TRUE;
  g_output_stream_splice_async (req->download_to, req->input,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                                G_PRIORITY_DEFAULT, req->attempt_cancellable,
                                splice_cb, g_object_ref (task));
}

static gboolean
is_event_stream (SoupMessage *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);

  return g_strcmp0 (content_type, "text/event-stream") == 0;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  GInputStream *input;
  GError *error = NULL;
  guint status;

  input = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (input == NULL)
    {
      fail_attempt_io (task, error);
      return;
    }

  req->input = input;
  clear_source (&req->connect_source);
  restart_idle_deadline (task);

  status = soup_message_get_status (req->message);
  req->buffer = g_byte_array_new ();

  if (SOUP_STATUS_IS_SUCCESSFUL (status) && req->download_to != NULL)
    {
      start_download (task);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status) &&
      req->stream &&
      is_event_stream (req->message))
    req->parser = sp_sse_parser_new (sse_event_cb, task);

  read_next (task);
}

/* A fresh body for this attempt, from the caller's factory. */
static gboolean
set_streamed_body (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(GInputStream) body = NULL;
  GError *error = NULL;
  goffset length = -1;

  body = req->body_func (req->body_data, &length, &error);
  if (body == NULL)
    {
      g_clear_object (&req->message);
      return_error (task, error);
      return FALSE;
    }

  req->body_total = length;
  soup_message_set_request_body (req->message, req->content_type, body, length);

  return TRUE;
}

static void
start_attempt (GTask *task)
{
  SpClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  g_autofree char *authorization = NULL;

  g_assert (req->message == NULL);

  req->attempts++;
  g_string_truncate (req->text, 0);
  g_clear_pointer (&req->finish_reason, g_free);
  g_clear_pointer (&req->answer_model, g_free);
  req->prompt_tokens = -1;
  req->completion_tokens = -1;
  req->done_seen = FALSE;
  req->body_sent = 0;
  req->body_written = FALSE;

  req->message = soup_message_new (req->method, req->url);
  if (req->message == NULL)
    {
      return_error (task, g_error_new (SP_ERROR, SP_ERROR_INVALID_INPUT,
                                       _("“%s” is not a valid base URL. "
                                         "Check the provider in Preferences → Providers."),
                                       req->base_url));
      return;
    }

  /* A redirect would carry the Authorization header to another place:
   * 3xx answers become errors that name the problem. */
  soup_message_add_flags (req->message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (req->message);
  soup_message_headers_replace (headers, "Accept",
                                req->stream ? "text/event-stream" : "application/json");
  if (self->api_key != NULL)
    {
      authorization = g_strconcat ("Bearer ", self->api_key, NULL);
      soup_message_headers_replace (headers, "Authorization", authorization);
      memset (authorization, 0, strlen (authorization));
    }

  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->message, "application/json", req->body);
  else if (req->body_func != NULL && !set_streamed_body (task))
    return;

  g_signal_connect (req->message, "wrote-headers", G_CALLBACK (wrote_headers_cb), task);
  g_signal_connect (req->message, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), task);
  g_signal_connect (req->message, "wrote-body", G_CALLBACK (wrote_body_cb), task);

  req->attempt_cancellable = g_cancellable_new ();
  if (self->timeouts.connect_timeout_ms > 0)
    req->connect_source = add_timeout (task, self->timeouts.connect_timeout_ms,
                                       connect_deadline_cb, FALSE);
  if (req->body_func == NULL)
    start_request_deadline (task);

  soup_session_send_async (self->session, req->message, G_PRIORITY_DEFAULT,
                           req->attempt_cancellable, send_cb, g_object_ref (task));
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  /* The operation in flight ends with G_IO_ERROR_CANCELLED and returns;
   * between attempts or offline words nothing is in flight. */
  if (req->attempt_cancellable != NULL)
    g_cancellable_cancel (req->attempt_cancellable);
  else
    return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _("The request was cancelled.")));

  return G_SOURCE_REMOVE;
}

static void
watch_cancellable (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;

  req->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (req->cancel_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
  g_source_attach (req->cancel_source, g_task_get_context (task));
}

static char *
join_url (const char *base_url,
          const char *path)
{
  g_autofree char *base = g_strdup (base_url);
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';

  return g_strconcat (base, path, NULL);
}

static GTask *
new_request_task (SpClient            *self,
                  RequestKind          kind,
                  const char          *source_tag_name,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *req = g_new0 (Request, 1);
  const char *base_url = sp_provider_get_base_url (self->provider);

  g_task_set_name (task, source_tag_name);

  req->kind = kind;
  req->method = kind == REQUEST_MODELS ? SOUP_METHOD_GET : SOUP_METHOD_POST;
  req->error_context = SP_ERROR_CONTEXT_GENERATION;
  req->base_url = g_strdup (base_url != NULL ? base_url : "");
  req->text = g_string_new (NULL);
  req->prompt_tokens = -1;
  req->completion_tokens = -1;
  g_task_set_task_data (task, req, request_free);

  return task;
}

static void
add_generation_options (JsonBuilder             *builder,
                        const SpGenerateRequest *request)
{
  if (request->max_tokens > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, request->max_tokens);
    }

  if (request->temperature >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, request->temperature);
    }

  if (request->stop != NULL && request->stop[0] != NULL)
    {
      json_builder_set_member_name (builder, "stop");
      json_builder_begin_array (builder);
      for (guint i = 0; request->stop[i] != NULL; i++)
        json_builder_add_string_value (builder, request->stop[i]);
      json_builder_end_array (builder);
    }
}

static GBytes *
build_body (SpClient                *self,
            RequestKind              kind,
            const SpGenerateRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, request->model);

  if (kind == REQUEST_CHAT)
    {
      json_builder_set_member_name (builder, "messages");
      if (request->messages != NULL)
        json_builder_add_value (builder, json_node_init_array (json_node_alloc (), request->messages));
      else
        json_builder_add_value (builder, json_node_init_array (json_node_alloc (), NULL));
    }
  else
    {
      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, request->prompt != NULL ? request->prompt : "");
    }

  add_generation_options (builder, request);

  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, request->stream);

  /* Only OpenAI is known to accept stream_options; other servers may
   * refuse a request with an unknown member. */
  if (request->stream && sp_provider_get_kind (self->provider) == SP_PROVIDER_KIND_OPENAI)
    {
      json_builder_set_member_name (builder, "stream_options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "include_usage");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

static char *
get_offline_prompt (RequestKind              kind,
                    const SpGenerateRequest *request)
{
  g_autoptr(GString) joined = NULL;
  guint i;

  if (kind == REQUEST_COMPLETION || request->messages == NULL)
    return g_strdup (request->prompt != NULL ? request->prompt : "");

  /* All messages, so the generator sees the template's lists in the
   * system message and the worked examples. */
  joined = g_string_new (NULL);
  for (i = 0; i < json_array_get_length (request->messages); i++)
    {
      JsonNode *node = json_array_get_element (request->messages, i);
      const char *content;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      content = sp_json_get_string (json_node_get_object (node), "content");
      if (content == NULL)
        continue;

      if (joined->len > 0)
        g_string_append (joined, "\n\n");
      g_string_append (joined, content);
    }

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static gboolean
offline_word_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  const char *start = req->offline_text + req->offline_pos;
  const char *end = start;
  g_autofree char *word = NULL;

  /* A word with the spaces that follow it. */
  while (*end == ' ')
    end++;
  while (*end != '\0' && *end != ' ')
    end++;
  while (*end == ' ')
    end++;

  word = g_strndup (start, end - start);
  req->offline_pos = end - req->offline_text;
  deliver_delta (req, word);

  if (req->offline_text[req->offline_pos] == '\0')
    {
      g_clear_pointer (&req->offline_source, g_source_unref);
      return_generate_result (task);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* The offline provider has no server to report usage, so it counts the
 * tokens itself, in the encoding of current OpenAI models: batches and the
 * ledger then show what the same work would weigh on a real model. */
static void
count_offline_usage (Request                 *req,
                     const SpGenerateRequest *request)
{
  SpTokenizer *tokenizer = sp_tokenizer_get_for_encoding ("o200k_base", NULL);
  gsize prompt_tokens = 0;
  gsize completion_tokens = 0;
  gboolean counted;

  if (tokenizer == NULL)
    return;
  if (req->kind == REQUEST_COMPLETION || request->messages == NULL)
    counted = sp_tokenizer_count (tokenizer, request->prompt != NULL ? request->prompt : "", -1,
                                  SP_TOKENIZER_REPLACE_INVALID, &prompt_tokens, NULL);
  else
    counted = sp_tokenizer_count_chat (tokenizer, request->messages, &prompt_tokens, NULL);
  if (counted && sp_tokenizer_count (tokenizer, req->offline_text ? req->offline_text : "", -1,
                                     SP_TOKENIZER_REPLACE_INVALID, &completion_tokens, NULL))
    {
      req->prompt_tokens = (gint64) prompt_tokens;
      req->completion_tokens = (gint64) completion_tokens;
    }
}

static void
start_offline (GTask                   *task,
               const SpGenerateRequest *request)
{
  Request *req = g_task_get_task_data (task);
  g_autofree char *prompt = get_offline_prompt (req->kind, request);
  guint64 seed = request->seed;

  if (seed == 0)
    seed = ((guint64) g_random_int () << 32) | g_random_int ();

  req->attempts = 1;
  req->finish_reason = g_strdup ("stop");
  req->answer_model = g_strdup (request->model != NULL ? request->model : "offline");
  req->offline_text = sp_offline_generate (prompt, seed);
  count_offline_usage (req, request);

  if (!request->stream || req->offline_text == NULL || req->offline_text[0] == '\0')
    {
      deliver_delta (req, req->offline_text);
      return_generate_result (task);
      return;
    }

  watch_cancellable (task);
  req->offline_source = add_timeout (task, OFFLINE_WORD_DELAY_MS, offline_word_cb, TRUE);
}

static void
generate_async (SpClient                *self,
                RequestKind              kind,
                const char              *path,
                const SpGenerateRequest *request,
                SpDeltaFunc              delta_func,
                gpointer                 delta_data,
                GCancellable            *cancellable,
                GAsyncReadyCallback      callback,
                gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *req;

  task = new_request_task (self, kind,
                           kind == REQUEST_CHAT ? "sp_client_chat_async" : "sp_client_complete_async",
                           cancellable, callback, user_data);
  g_task_set_source_tag (task, kind == REQUEST_CHAT ? (gpointer) sp_client_chat_async
                                                    : (gpointer) sp_client_complete_async);
  req = g_task_get_task_data (task);
  req->model = g_strdup (request->model);
  req->stream = request->stream;
  req->delta_func = delta_func;
  req->delta_data = delta_data;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (sp_provider_get_kind (self->provider) == SP_PROVIDER_KIND_OFFLINE)
    {
      start_offline (task, request);
      return;
    }

  if (request->model == NULL || *request->model == '\0')
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("No model is selected. Pick a model for this provider."));
      return;
    }

  req->url = join_url (req->base_url, path);
  req->body = build_body (self, kind, request);

  watch_cancellable (task);
  start_attempt (task);
}

static void
sp_client_dispose (GObject *object)
{
  SpClient *self = (SpClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->provider);

  G_OBJECT_CLASS (sp_client_parent_class)->dispose (object);
}

static void
sp_client_finalize (GObject *object)
{
  SpClient *self = (SpClient *)object;

  g_clear_pointer (&self->api_key, sp_secrets_free_key);

  G_OBJECT_CLASS (sp_client_parent_class)->finalize (object);
}

static void
sp_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SpClient *self = SP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SpClient *self = SP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      self->provider = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_client_class_init (SpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_client_dispose;
  object_class->finalize = sp_client_finalize;
  object_class->get_property = sp_client_get_property;
  object_class->set_property = sp_client_set_property;

  properties[PROP_PROVIDER] =
    g_param_spec_object ("provider", NULL, NULL,
                         SP_TYPE_PROVIDER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_client_init (SpClient *self)
{
  self->timeouts.max_retries = 2;
  self->timeouts.initial_delay_ms = 500;
  self->timeouts.max_delay_ms = 8000;
  self->timeouts.connect_timeout_ms = 10000;
  self->timeouts.request_timeout_ms = 600000;
  self->timeouts.idle_timeout_ms = 60000;

  /* Our own deadlines replace libsoup's inactivity timeout; a batch runs
   * many requests at once against one host. */
  self->session = soup_session_new_with_options ("user-agent", "Starprompt/" PACKAGE_VERSION,
                                                 "timeout", 0,
                                                 "max-conns", 64,
                                                 "max-conns-per-host", 32,
                                                 NULL);
}

SpGenerateResult *
sp_generate_result_copy (const SpGenerateResult *result)
{
  SpGenerateResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_new0 (SpGenerateResult, 1);
  copy->text = g_strdup (result->text);
  copy->finish_reason = g_strdup (result->finish_reason);
  copy->model = g_strdup (result->model);
  copy->prompt_tokens = result->prompt_tokens;
  copy->completion_tokens = result->completion_tokens;
  copy->attempts = result->attempts;

  return copy;
}

void
sp_generate_result_free (SpGenerateResult *result)
{
  if (result == NULL)
    return;

  g_free (result->text);
  g_free (result->finish_reason);
  g_free (result->model);
  g_free (result);
}

/**
 * sp_client_new:
 * @provider: the provider to talk to
 * @api_key: (nullable): the key; NULL or "" for none
 * @error: return location for an error
 *
 * Returns: (transfer full): a new client, or NULL when @api_key is not a
 *   key that may be sent (control characters, spaces, …)
 */
/* A server on this machine (Ollama, llama.cpp, LM Studio, vLLM, the tests'
 * fake server) is never reached through a proxy; skipping the proxy lookup
 * also spares a worker thread per new connection, which made the first
 * burst of a batch wait for GLib's thread pool to grow. */
static gboolean
base_url_is_loopback (const char *base_url)
{
  g_autoptr(GUri) uri = base_url ? g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

SpClient *
sp_client_new (SpProvider  *provider,
               const char  *api_key,
               GError     **error)
{
  SpClient *self;

  g_return_val_if_fail (SP_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (api_key != NULL && *api_key != '\0' && !sp_secrets_check_key (api_key, error))
    return NULL;

  self = g_object_new (SP_TYPE_CLIENT, "provider", provider, NULL);
  if (api_key != NULL && *api_key != '\0')
    self->api_key = g_strdup (api_key);
  if (base_url_is_loopback (sp_provider_get_base_url (provider)))
    soup_session_set_proxy_resolver (self->session, NULL);

  return self;
}

SpProvider *
sp_client_get_provider (SpClient *self)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);

  return self->provider;
}

void
sp_client_get_timeouts (SpClient         *self,
                        SpClientTimeouts *timeouts)
{
  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (timeouts != NULL);

  *timeouts = self->timeouts;
}

/* Applies to requests started afterwards. A zero deadline disables it. */
void
sp_client_set_timeouts (SpClient               *self,
                        const SpClientTimeouts *timeouts)
{
  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (timeouts != NULL);

  self->timeouts = *timeouts;
}

void
sp_client_chat_async (SpClient                *self,
                      const SpGenerateRequest *request,
                      SpDeltaFunc              delta_func,
                      gpointer                 delta_data,
                      GCancellable            *cancellable,
                      GAsyncReadyCallback      callback,
                      gpointer                 user_data)
{
  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  generate_async (self, REQUEST_CHAT, "/chat/completions", request,
                  delta_func, delta_data, cancellable, callback, user_data);
}

SpGenerateResult *
sp_client_chat_finish (SpClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_complete_async (SpClient                *self,
                          const SpGenerateRequest *request,
                          SpDeltaFunc              delta_func,
                          gpointer                 delta_data,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  generate_async (self, REQUEST_COMPLETION, "/completions", request,
                  delta_func, delta_data, cancellable, callback, user_data);
}

SpGenerateResult *
sp_client_complete_finish (SpClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_list_models_async (SpClient            *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *req;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_request_task (self, REQUEST_MODELS, "sp_client_list_models_async",
                           cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_client_list_models_async);
  req = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (sp_provider_get_kind (self->provider) == SP_PROVIDER_KIND_OFFLINE)
    {
      const char *model = sp_provider_get_default_model (self->provider);
      char **models = g_new0 (char *, 2);

      models[0] = g_strdup (model != NULL ? model : "offline");
      g_task_return_pointer (task, models, (GDestroyNotify) g_strfreev);
      return;
    }

  req->url = join_url (req->base_url, "/models");

  watch_cancellable (task);
  start_attempt (task);
}

char **
sp_client_list_models_finish (SpClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_call_async (SpClient            *self,
                      const SpClientCall  *call,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *req;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (call != NULL);
  g_return_if_fail (call->method != NULL && call->path != NULL);
  g_return_if_fail (call->json_body == NULL || call->body_func == NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_request_task (self, REQUEST_CALL, "sp_client_call_async",
                           cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_client_call_async);
  req = g_task_get_task_data (task);
  req->method = call->method;
  req->error_context = call->error_context;
  req->model = g_strdup (call->model);
  req->content_type = g_strdup (call->content_type);
  req->body_func = call->body_func;
  req->body_data = call->body_data;
  req->body_data_free = call->body_data_free;
  req->progress_func = call->progress_func;
  req->progress_data = call->progress_data;
  if (call->json_body != NULL)
    req->body = g_bytes_ref (call->json_body);
  if (call->download_to != NULL)
    req->download_to = g_object_ref (call->download_to);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (sp_provider_get_kind (self->provider) == SP_PROVIDER_KIND_OFFLINE)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_UNSUPPORTED,
                               _("The offline provider cannot upload files or fine-tune. "
                                 "Export the JSONL and use a provider that fine-tunes, "
                                 "or a local trainer."));
      return;
    }

  req->url = join_url (req->base_url, call->path);

  watch_cancellable (task);
  start_attempt (task);
}

JsonNode *
sp_client_call_finish (SpClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
sp_client_escape_id (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_uri_escape_string (id, NULL, FALSE);
}

static const char *
base_model_of (const char *model,
               char      **to_free)
{
  const char *colon;

  /* "ft:davinci-002:org::id" and the older "davinci:ft-org-2023-…". */
  if (g_str_has_prefix (model, "ft:"))
    model += 3;

  colon = strchr (model, ':');
  if (colon == NULL)
    return model;

  *to_free = g_strndup (model, colon - model);
  return *to_free;
}

gboolean
sp_client_model_is_completion (const char *model)
{
  static const char * const legacy[] = {
    "davinci-002", "babbage-002", "davinci", "curie", "babbage", "ada", NULL,
  };
  g_autofree char *to_free = NULL;
  const char *base;

  if (model == NULL)
    return FALSE;

  base = base_model_of (model, &to_free);

  return g_strv_contains (legacy, base) ||
         g_str_has_prefix (base, "text-") ||
         g_str_has_prefix (base, "gpt-3.5-turbo-instruct");
}

/* Counts how deep arrays and objects nest, outside strings. */
static gboolean
check_json_depth (const char *data,
                  gsize       length,
                  guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize i;

  for (i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

JsonNode *
sp_client_parse_json (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > SP_CLIENT_MAX_JSON_SIZE)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                   _("The server’s answer is larger than %u MiB and was not read."),
                   SP_CLIENT_MAX_JSON_SIZE / (1024 * 1024));
      return NULL;
    }

  if (!check_json_depth (data, length, SP_CLIENT_MAX_JSON_DEPTH))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                   _("The server’s answer nests deeper than %u levels and was not read."),
                   SP_CLIENT_MAX_JSON_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (length == 0 ||
      !json_parser_load_from_data (parser, data, length, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                   _("The server’s answer is not valid JSON. "
                     "Check that the base URL points to an OpenAI-compatible API."));
      return NULL;
    }

  if (!sp_json_node_is_utf8 (json_parser_get_root (parser)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                   _("The server’s answer has text that is not UTF-8 and was not read."));
      return NULL;
    }

  root = json_parser_steal_root (parser);
  return root;
}
