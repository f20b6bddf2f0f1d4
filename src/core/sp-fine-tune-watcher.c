// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-fine-tune-watcher"

#include "config.h"

#include "sp-fine-tune-watcher.h"

#include <glib/gi18n.h>

#include "sp-error.h"

/* Events asked for in one page while watching. */
#define WATCH_EVENTS_PAGE 50

struct _SpFineTuneWatcher
{
  GObject        parent_instance;

  SpClient      *client;
  char          *job_id;
  SpFineTuneJob *job;
  guint          initial_interval;
  guint          max_interval;

  /* The watch in flight. */
  GTask         *task;
  guint          interval;
  gboolean       changed;
  gboolean       in_flight;
  GSource       *poll_source;
  GSource       *cancel_source;
  GHashTable    *seen_events;   /* id → id */
  GPtrArray     *new_events;    /* SpFineTuneEvent, newest first */
};

G_DEFINE_FINAL_TYPE (SpFineTuneWatcher, sp_fine_tune_watcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_JOB_ID,
  PROP_JOB,
  PROP_STATUS,
  PROP_TRAINED_TOKENS,
  PROP_FINE_TUNED_MODEL,
  PROP_INITIAL_INTERVAL,
  PROP_MAX_INTERVAL,
  N_PROPS
};

enum {
  EVENT,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void poll_job (SpFineTuneWatcher *self);

/* Errors that another poll will not cure. */
static gboolean
is_lasting_error (const GError *error)
{
  if (error->domain != SP_ERROR)
    return FALSE;

  switch ((SpError) error->code)
    {
    case SP_ERROR_INVALID_INPUT:
    case SP_ERROR_INVALID_KEY:
    case SP_ERROR_AUTH:
    case SP_ERROR_PERMISSION:
    case SP_ERROR_NOT_FOUND:
    case SP_ERROR_QUOTA:
    case SP_ERROR_BAD_REQUEST:
    case SP_ERROR_UNSUPPORTED:
    case SP_ERROR_FINE_TUNING_UNAVAILABLE:
      return TRUE;

    case SP_ERROR_FAILED:
    case SP_ERROR_CONNECTION:
    case SP_ERROR_TIMEOUT:
    case SP_ERROR_RATE_LIMITED:
    case SP_ERROR_SERVER:
    case SP_ERROR_BAD_RESPONSE:
    case SP_ERROR_TRUNCATED:
    case SP_ERROR_BAD_FILE:
    default:
      return FALSE;
    }
}

static void
stop_watch (SpFineTuneWatcher *self)
{
  if (self->poll_source != NULL)
    {
      g_source_destroy (self->poll_source);
      g_clear_pointer (&self->poll_source, g_source_unref);
    }
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
  g_ptr_array_set_size (self->new_events, 0);
}

static void
finish_watch (SpFineTuneWatcher *self,
              GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  stop_watch (self);

  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_error (&error);
      return;
    }

  g_signal_emit (self, signals[FINISHED], 0, self->job, error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sp_fine_tune_job_copy (self->job),
                           (GDestroyNotify) sp_fine_tune_job_free);
}

static gboolean
poll_cb (gpointer user_data)
{
  SpFineTuneWatcher *self = user_data;

  g_clear_pointer (&self->poll_source, g_source_unref);
  poll_job (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_poll (SpFineTuneWatcher *self)
{
  if (self->changed || self->interval == 0)
    self->interval = self->initial_interval;
  else
    self->interval = MIN (self->interval * 2, MAX (self->max_interval, self->initial_interval));
  self->changed = FALSE;

  g_debug ("Polling %s again in %u ms", self->job_id, self->interval);
  self->poll_source = g_timeout_source_new (self->interval);
  g_source_set_callback (self->poll_source, poll_cb, self, NULL);
  g_source_attach (self->poll_source, g_task_get_context (self->task));
}

static void
poll_failed (SpFineTuneWatcher *self,
             GError            *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || is_lasting_error (error))
    {
      finish_watch (self, error);
      return;
    }

  g_debug ("Polling %s failed, trying again later: %s", self->job_id, error->message);
  g_clear_error (&error);
  schedule_poll (self);
}

static void
take_job (SpFineTuneWatcher *self,
          SpFineTuneJob     *job)
{
  g_autoptr(SpFineTuneJob) old = g_steal_pointer (&self->job);
  gboolean status_changed = old == NULL || old->status != job->status;
  gboolean tokens_changed = old == NULL || old->trained_tokens != job->trained_tokens;
  gboolean model_changed = old == NULL || g_strcmp0 (old->fine_tuned_model, job->fine_tuned_model) != 0;

  self->job = job;

  if (!status_changed && !tokens_changed && !model_changed)
    return;

  self->changed = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
  if (status_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (tokens_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINED_TOKENS]);
  if (model_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINE_TUNED_MODEL]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
emit_new_events (SpFineTuneWatcher *self)
{
  /* Pages run newest first; people read oldest first. */
  for (guint i = self->new_events->len; i > 0; i--)
    {
      SpFineTuneEvent *event = g_ptr_array_index (self->new_events, i - 1);

      g_hash_table_add (self->seen_events, g_strdup (event->id));
      g_signal_emit (self, signals[EVENT], 0, event);

      /* A handler may have cancelled the watch. */
      if (self->task == NULL)
        return;
    }

  if (self->new_events->len > 0)
    self->changed = TRUE;
  g_ptr_array_set_size (self->new_events, 0);
}

static void fetch_events (SpFineTuneWatcher *self,
                          const char        *after);

static void
events_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SpFineTuneWatcher) self = user_data;
  g_autoptr(GPtrArray) page = NULL;
  GError *error = NULL;
  gboolean has_more = FALSE;
  gboolean reached_seen = FALSE;

  self->in_flight = FALSE;
  page = sp_client_list_fine_tune_events_finish (SP_CLIENT (object), result, &has_more, &error);
  if (page == NULL)
    {
      poll_failed (self, error);
      return;
    }

  for (guint i = 0; i < page->len; i++)
    {
      SpFineTuneEvent *event = g_ptr_array_index (page, i);

      if (g_hash_table_contains (self->seen_events, event->id))
        {
          reached_seen = TRUE;
          break;
        }
      g_ptr_array_add (self->new_events, sp_fine_tune_event_copy (event));
    }

  if (!reached_seen && has_more && page->len > 0)
    {
      SpFineTuneEvent *oldest = g_ptr_array_index (page, page->len - 1);

      fetch_events (self, oldest->id);
      return;
    }

  emit_new_events (self);
  if (self->task == NULL)
    return;

  if (sp_fine_tune_status_is_final (self->job->status))
    finish_watch (self, NULL);
  else
    schedule_poll (self);
}

static void
fetch_events (SpFineTuneWatcher *self,
              const char        *after)
{
  self->in_flight = TRUE;
  sp_client_list_fine_tune_events_async (self->client, self->job_id, after, WATCH_EVENTS_PAGE,
                                         g_task_get_cancellable (self->task),
                                         events_cb, g_object_ref (self));
}

static void
job_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SpFineTuneWatcher) self = user_data;
  SpFineTuneJob *job;
  GError *error = NULL;

  self->in_flight = FALSE;
  job = sp_client_get_fine_tune_job_finish (SP_CLIENT (object), result, &error);
  if (job == NULL)
    {
      poll_failed (self, error);
      return;
    }

  take_job (self, job);

  /* The events after the job: once it is final, they are all there. */
  fetch_events (self, NULL);
}

static void
poll_job (SpFineTuneWatcher *self)
{
  self->in_flight = TRUE;
  sp_client_get_fine_tune_job_async (self->client, self->job_id,
                                     g_task_get_cancellable (self->task),
                                     job_cb, g_object_ref (self));
}

static gboolean
watch_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  SpFineTuneWatcher *self = user_data;

  /* A request in flight ends by itself with G_IO_ERROR_CANCELLED;
   * between polls nothing would wake the watch up. */
  if (!self->in_flight && self->task != NULL)
    finish_watch (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _("The request was cancelled.")));

  return G_SOURCE_REMOVE;
}

static void
sp_fine_tune_watcher_dispose (GObject *object)
{
  SpFineTuneWatcher *self = (SpFineTuneWatcher *)object;

  stop_watch (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (sp_fine_tune_watcher_parent_class)->dispose (object);
}

static void
sp_fine_tune_watcher_finalize (GObject *object)
{
  SpFineTuneWatcher *self = (SpFineTuneWatcher *)object;

  g_assert (self->task == NULL);

  g_free (self->job_id);
  g_clear_pointer (&self->job, sp_fine_tune_job_free);
  g_hash_table_unref (self->seen_events);
  g_ptr_array_unref (self->new_events);

  G_OBJECT_CLASS (sp_fine_tune_watcher_parent_class)->finalize (object);
}

static void
sp_fine_tune_watcher_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SpFineTuneWatcher *self = SP_FINE_TUNE_WATCHER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_JOB_ID:
      g_value_set_string (value, self->job_id);
      break;

    case PROP_JOB:
      g_value_set_boxed (value, self->job);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, sp_fine_tune_watcher_get_status (self));
      break;

    case PROP_TRAINED_TOKENS:
      g_value_set_int64 (value, sp_fine_tune_watcher_get_trained_tokens (self));
      break;

    case PROP_FINE_TUNED_MODEL:
      g_value_set_string (value, sp_fine_tune_watcher_get_fine_tuned_model (self));
      break;

    case PROP_INITIAL_INTERVAL:
      g_value_set_uint (value, self->initial_interval);
      break;

    case PROP_MAX_INTERVAL:
      g_value_set_uint (value, self->max_interval);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_fine_tune_watcher_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SpFineTuneWatcher *self = SP_FINE_TUNE_WATCHER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_JOB_ID:
      self->job_id = g_value_dup_string (value);
      break;

    case PROP_INITIAL_INTERVAL:
      sp_fine_tune_watcher_set_initial_interval (self, g_value_get_uint (value));
      break;

    case PROP_MAX_INTERVAL:
      sp_fine_tune_watcher_set_max_interval (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_fine_tune_watcher_class_init (SpFineTuneWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_fine_tune_watcher_dispose;
  object_class->finalize = sp_fine_tune_watcher_finalize;
  object_class->get_property = sp_fine_tune_watcher_get_property;
  object_class->set_property = sp_fine_tune_watcher_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         SP_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOB_ID] =
    g_param_spec_string ("job-id", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOB] =
    g_param_spec_boxed ("job", NULL, NULL,
                        SP_TYPE_FINE_TUNE_JOB,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       SP_TYPE_FINE_TUNE_STATUS,
                       SP_FINE_TUNE_STATUS_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRAINED_TOKENS] =
    g_param_spec_int64 ("trained-tokens", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FINE_TUNED_MODEL] =
    g_param_spec_string ("fine-tuned-model", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INITIAL_INTERVAL] =
    g_param_spec_uint ("initial-interval", NULL, NULL,
                       1, G_MAXUINT, SP_FINE_TUNE_WATCHER_INITIAL_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_INTERVAL] =
    g_param_spec_uint ("max-interval", NULL, NULL,
                       1, G_MAXUINT, SP_FINE_TUNE_WATCHER_MAX_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpFineTuneWatcher::event:
   * @event: a new event of the job, in the order they happened
   */
  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  SP_TYPE_FINE_TUNE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SpFineTuneWatcher::finished:
   * @job: (nullable): the job as last seen
   * @error: (nullable): why watching stopped before the job ended
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  SP_TYPE_FINE_TUNE_JOB | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sp_fine_tune_watcher_init (SpFineTuneWatcher *self)
{
  self->initial_interval = SP_FINE_TUNE_WATCHER_INITIAL_INTERVAL_MS;
  self->max_interval = SP_FINE_TUNE_WATCHER_MAX_INTERVAL_MS;
  self->seen_events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->new_events = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_fine_tune_event_free);
}

SpFineTuneWatcher *
sp_fine_tune_watcher_new (SpClient   *client,
                          const char *job_id)
{
  g_return_val_if_fail (SP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  return g_object_new (SP_TYPE_FINE_TUNE_WATCHER,
                       "client", client,
                       "job-id", job_id,
                       NULL);
}

SpClient *
sp_fine_tune_watcher_get_client (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), NULL);

  return self->client;
}

const char *
sp_fine_tune_watcher_get_job_id (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), NULL);

  return self->job_id;
}

SpFineTuneJob *
sp_fine_tune_watcher_get_job (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), NULL);

  return self->job;
}

SpFineTuneStatus
sp_fine_tune_watcher_get_status (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), SP_FINE_TUNE_STATUS_UNKNOWN);

  return self->job != NULL ? self->job->status : SP_FINE_TUNE_STATUS_UNKNOWN;
}

gint64
sp_fine_tune_watcher_get_trained_tokens (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), -1);

  return self->job != NULL ? self->job->trained_tokens : -1;
}

const char *
sp_fine_tune_watcher_get_fine_tuned_model (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), NULL);

  return self->job != NULL ? self->job->fine_tuned_model : NULL;
}

guint
sp_fine_tune_watcher_get_initial_interval (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), 0);

  return self->initial_interval;
}

guint
sp_fine_tune_watcher_get_max_interval (SpFineTuneWatcher *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), 0);

  return self->max_interval;
}

void
sp_fine_tune_watcher_set_initial_interval (SpFineTuneWatcher *self,
                                           guint              interval_ms)
{
  g_return_if_fail (SP_IS_FINE_TUNE_WATCHER (self));

  interval_ms = MAX (interval_ms, 1);
  if (self->initial_interval == interval_ms)
    return;

  self->initial_interval = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INITIAL_INTERVAL]);
}

void
sp_fine_tune_watcher_set_max_interval (SpFineTuneWatcher *self,
                                       guint              interval_ms)
{
  g_return_if_fail (SP_IS_FINE_TUNE_WATCHER (self));

  interval_ms = MAX (interval_ms, 1);
  if (self->max_interval == interval_ms)
    return;

  self->max_interval = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_INTERVAL]);
}

void
sp_fine_tune_watcher_watch_async (SpFineTuneWatcher   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_FINE_TUNE_WATCHER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_fine_tune_watcher_watch_async);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("This job is already being watched."));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  self->task = g_steal_pointer (&task);
  self->interval = 0;
  self->changed = FALSE;

  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (watch_cancelled_cb), self, NULL);
      g_source_attach (self->cancel_source, g_task_get_context (self->task));
    }

  poll_job (self);
}

SpFineTuneJob *
sp_fine_tune_watcher_watch_finish (SpFineTuneWatcher  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_WATCHER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
