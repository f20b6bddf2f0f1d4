// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-batch"

#include "config.h"

#include "sp-batch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sp-error.h"
#include "sp-price-sheet.h"
#include "sp-prompt-cleaner.h"

/* Tries of one item inside one run, on top of the client's own retries. */
#define MAX_TRIES_TRANSIENT   2
#define MAX_TRIES_RATE_LIMIT  6
/* Shared cool-down after a rate limit that outlived the client's retries. */
#define COOLDOWN_MIN_MS       500
#define COOLDOWN_MAX_MS       30000
/* Completion models need a limit: the API's default is 16 tokens. */
#define COMPLETION_MAX_TOKENS 256

struct _SpBatch
{
  GObject         parent_instance;

  SpStore        *store;
  SpClient       *client;
  SpTemplate     *template;
  SpPriceSheet   *prices;

  gint64          id;
  char           *key;
  char           *model;
  guint64         seed;
  SpExportFormat  format;
  SpPairMode      pair_mode;

  SpBatchState    state;
  guint           n_total;
  guint           n_done;
  guint           n_failed;
  guint           n_pending;
  guint64         prompt_tokens;
  guint64         completion_tokens;
  SpMoney         cost;
  gboolean        cost_unknown;
  guint           concurrency;
  guint           rpm_limit;
  char           *error_message;

  /* The current run. */
  GTask          *run_task;
  GMainContext   *run_context;
  GCancellable   *cancellable;     /* cancels requests in flight */
  gulong          cancelled_id;
  GError         *stop_error;
  guint           n_active;        /* store and network work in flight */
  guint           n_requests;      /* requests in flight: the concurrency */
  guint           n_claims;        /* claims in flight */
  GQueue          ready;           /* claimed items waiting for a slot */
  gboolean        exhausted;       /* the last claim found nothing */
  gint64          next_slot_us;    /* rate limit: earliest next start */
  gint64          cooldown_until_us;
  guint           cooldown_ms;
  guint           wake_id;
  GHashTable     *tries;           /* item id → tries in this run */
  gint64          run_started_us;
  guint           run_requests;
  guint           run_done;
  double          eta_seconds;
  double          requests_per_minute;
};

G_DEFINE_FINAL_TYPE (SpBatch, sp_batch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_MODEL,
  PROP_STATE,
  PROP_N_TOTAL,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_PENDING,
  PROP_FRACTION,
  PROP_ETA_SECONDS,
  PROP_PROMPT_TOKENS,
  PROP_COMPLETION_TOKENS,
  PROP_COST,
  PROP_COST_TEXT,
  PROP_REQUESTS_PER_MINUTE,
  PROP_CONCURRENCY,
  PROP_RPM_LIMIT,
  PROP_PAIR_MODE,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

enum {
  EXAMPLE_DONE,
  EXAMPLE_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* One request of the run. */
typedef struct
{
  SpBatch   *self;
  SpExample *example;
  JsonArray *messages;
  char      *prompt;
} Request;

static void pump         (SpBatch   *self);
static void release_item (SpBatch   *self,
                          SpExample *example);

static void
request_free (Request *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->example);
  g_clear_pointer (&request->messages, json_array_unref);
  g_free (request->prompt);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
notify (SpBatch *self,
        guint    prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (SpBatch      *self,
           SpBatchState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  notify (self, PROP_STATE);
}

static void
set_error_message (SpBatch    *self,
                   const char *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  notify (self, PROP_ERROR_MESSAGE);
}

static void
notify_counts (SpBatch *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  notify (self, PROP_N_DONE);
  notify (self, PROP_N_FAILED);
  notify (self, PROP_N_PENDING);
  notify (self, PROP_FRACTION);
  notify (self, PROP_PROMPT_TOKENS);
  notify (self, PROP_COMPLETION_TOKENS);
  notify (self, PROP_COST);
  notify (self, PROP_COST_TEXT);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
apply_stored (SpBatch            *self,
              const SpStoreBatch *stored)
{
  self->n_total = stored->n_items;
  self->n_done = stored->n_done + stored->n_rejected;
  self->n_failed = stored->n_failed;
  self->n_pending = stored->n_pending + stored->n_running;
  self->prompt_tokens = stored->prompt_tokens;
  self->completion_tokens = stored->completion_tokens;
  self->cost = stored->cost == SP_MONEY_UNKNOWN ? 0 : stored->cost;
  self->cost_unknown = stored->cost == SP_MONEY_UNKNOWN && self->n_done > 0;
  self->pair_mode = stored->pair_mode;
  notify_counts (self);
  notify (self, PROP_PAIR_MODE);
}

static gpointer
get_batch_func (SpStore   *store,
                gpointer   data,
                GError   **error)
{
  return sp_store_get_batch_sync (store, *(gint64 *) data, error);
}

static void
update_rates (SpBatch *self)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - self->run_started_us) / (double) G_USEC_PER_SEC;
  double eta = -1;
  double rpm = 0;

  if (elapsed > 0.0 && self->run_requests > 0)
    rpm = self->run_requests * 60.0 / elapsed;
  if (self->run_done > 0 && elapsed > 0.0)
    eta = self->n_pending / (self->run_done / elapsed);

  if (eta != self->eta_seconds)
    {
      self->eta_seconds = eta;
      notify (self, PROP_ETA_SECONDS);
    }
  if (rpm != self->requests_per_minute)
    {
      self->requests_per_minute = rpm;
      notify (self, PROP_REQUESTS_PER_MINUTE);
    }
}

/* Errors that every item would meet: the batch stops. */
static gboolean
error_stops_batch (const GError *error)
{
  return g_error_matches (error, SP_ERROR, SP_ERROR_AUTH) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_INVALID_KEY) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_PERMISSION) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_QUOTA) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_NOT_FOUND) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_UNSUPPORTED);
}

static gboolean
error_is_transient (const GError *error)
{
  return g_error_matches (error, SP_ERROR, SP_ERROR_CONNECTION) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_TIMEOUT) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_SERVER) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_TRUNCATED) ||
         g_error_matches (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
}

static void
finish_run (SpBatch *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->run_task);

  g_clear_handle_id (&self->wake_id, g_source_remove);
  if (self->cancelled_id != 0 && task != NULL)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_pointer (&self->tries, g_hash_table_unref);
  g_clear_pointer (&self->run_context, g_main_context_unref);
  update_rates (self);
  if (self->eta_seconds != -1)
    {
      self->eta_seconds = -1;
      notify (self, PROP_ETA_SECONDS);
    }

  if (task == NULL)
    return;

  switch (self->state)
    {
    case SP_BATCH_STATE_CANCELLED:
      g_clear_error (&self->stop_error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The batch was cancelled. Run it again to finish it."));
      break;
    case SP_BATCH_STATE_FAILED:
      g_task_return_error (task, g_steal_pointer (&self->stop_error));
      break;
    case SP_BATCH_STATE_IDLE:
    case SP_BATCH_STATE_RUNNING:
    case SP_BATCH_STATE_PAUSING:
    case SP_BATCH_STATE_PAUSED:
    case SP_BATCH_STATE_FINISHED:
    default:
      set_state (self, SP_BATCH_STATE_FINISHED);
      g_task_return_boolean (task, TRUE);
      break;
    }
}

/* Called whenever a claim or a request ends. */
static void
check_idle (SpBatch *self)
{
  if (self->n_active > 0 || self->run_task == NULL)
    return;

  /* Claimed items that will not run now go back to the queue. */
  if (self->state == SP_BATCH_STATE_CANCELLED || self->state == SP_BATCH_STATE_FAILED)
    {
      SpExample *example;

      if (!g_queue_is_empty (&self->ready))
        {
          while ((example = g_queue_pop_head (&self->ready)) != NULL)
            {
              self->n_active++;
              release_item (self, example);
              g_object_unref (example);
            }
          return;
        }
    }

  switch (self->state)
    {
    case SP_BATCH_STATE_PAUSING:
      set_state (self, SP_BATCH_STATE_PAUSED);
      break;
    case SP_BATCH_STATE_RUNNING:
      if (self->exhausted && g_queue_is_empty (&self->ready))
        finish_run (self);
      break;
    case SP_BATCH_STATE_CANCELLED:
    case SP_BATCH_STATE_FAILED:
      finish_run (self);
      break;
    case SP_BATCH_STATE_IDLE:
    case SP_BATCH_STATE_PAUSED:
    case SP_BATCH_STATE_FINISHED:
    default:
      break;
    }
}

static void
stop_batch (SpBatch      *self,
            const GError *error)
{
  if (self->state == SP_BATCH_STATE_FAILED || self->state == SP_BATCH_STATE_CANCELLED)
    return;
  g_clear_error (&self->stop_error);
  self->stop_error = g_error_copy (error);
  set_error_message (self, error->message);
  set_state (self, SP_BATCH_STATE_FAILED);
}

static gboolean
wake_cb (gpointer user_data)
{
  SpBatch *self = user_data;

  self->wake_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
wake_at (SpBatch *self,
         gint64   when_us)
{
  gint64 delay_ms = (when_us - g_get_monotonic_time () + 999) / 1000;

  if (self->wake_id != 0)
    return;
  self->wake_id = g_timeout_add (MAX (delay_ms, 1), wake_cb, self);
}

static void
cool_down (SpBatch *self)
{
  gint64 now = g_get_monotonic_time ();

  /* Rate limits seen after the last cool-down ended make the next one
   * longer; those of requests already in flight during it do not. */
  if (now >= self->cooldown_until_us)
    self->cooldown_ms = self->cooldown_ms == 0 ? COOLDOWN_MIN_MS
                                               : MIN (self->cooldown_ms * 2, COOLDOWN_MAX_MS);
  self->cooldown_until_us = MAX (self->cooldown_until_us, now + self->cooldown_ms * (gint64) 1000);
  g_debug ("Rate limited: the batch waits %u ms", self->cooldown_ms);
}

static gpointer
release_func (SpStore   *store,
              gpointer   data,
              GError   **error)
{
  return sp_store_release_item_sync (store, *(gint64 *) data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
release_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SpBatch) self = user_data;
  g_autoptr(GError) error = NULL;

  if (sp_store_run_finish (SP_STORE (object), result, &error) == NULL)
    stop_batch (self, error);

  self->n_active--;
  self->exhausted = FALSE;
  check_idle (self);
  pump (self);
}

static void
release_item (SpBatch   *self,
              SpExample *example)
{
  gint64 id = sp_example_get_id (example);

  sp_store_run_async (self->store, release_func, g_memdup2 (&id, sizeof id), g_free, NULL,
                      NULL, release_cb, g_object_ref (self));
}

typedef struct
{
  gint64  item_id;
  char   *reason;
} FailData;

static void
fail_data_free (FailData *data)
{
  g_free (data->reason);
  g_free (data);
}

static gpointer
fail_func (SpStore   *store,
           gpointer   data,
           GError   **error)
{
  FailData *fail = data;

  if (!sp_store_fail_item_sync (store, fail->item_id, fail->reason, 1, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
fail_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  SpBatch *self = request->self;
  g_autoptr(GError) error = NULL;
  FailData *fail = g_task_get_task_data (G_TASK (result));

  if (sp_store_run_finish (SP_STORE (object), result, &error) == NULL)
    stop_batch (self, error);
  else
    {
      self->n_failed++;
      self->n_pending = self->n_pending > 0 ? self->n_pending - 1 : 0;
      notify_counts (self);
      g_signal_emit (self, signals[EXAMPLE_FAILED], 0, request->example, fail->reason);
    }

  self->n_active--;
  check_idle (self);
  pump (self);
}

static void
fail_item (SpBatch    *self,
           Request    *request,
           const char *reason)
{
  FailData *data = g_new0 (FailData, 1);

  data->item_id = sp_example_get_id (request->example);
  data->reason = g_strdup (reason);
  sp_store_run_async (self->store, fail_func, data, (GDestroyNotify) fail_data_free, NULL,
                      NULL, fail_cb, request);
}

typedef struct
{
  gint64         item_id;
  SpStoreResult  result;
  char          *model;
  char          *raw_output;
  char          *output;
  gboolean       newly_done;
} CompleteData;

static void
complete_data_free (CompleteData *data)
{
  g_free (data->model);
  g_free (data->raw_output);
  g_free (data->output);
  g_free (data);
}

static gpointer
complete_func (SpStore   *store,
               gpointer   data,
               GError   **error)
{
  CompleteData *complete = data;

  return sp_store_complete_item_sync (store, complete->item_id, &complete->result,
                                      &complete->newly_done, error);
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  SpBatch *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpExample) example = NULL;
  CompleteData *complete = NULL;

  example = sp_store_run_finish (SP_STORE (object), result, &error);
  if (example == NULL)
    stop_batch (self, error);
  else
    {
      complete = g_task_get_task_data (G_TASK (result));
      if (complete->newly_done)
        {
          self->n_done++;
          self->run_done++;
          self->n_pending = self->n_pending > 0 ? self->n_pending - 1 : 0;
          if (complete->result.prompt_tokens > 0)
            self->prompt_tokens += complete->result.prompt_tokens;
          if (complete->result.completion_tokens > 0)
            self->completion_tokens += complete->result.completion_tokens;
          if (complete->result.cost >= 0)
            self->cost += complete->result.cost;
          else
            self->cost_unknown = TRUE;
          notify_counts (self);
          update_rates (self);
          g_signal_emit (self, signals[EXAMPLE_DONE], 0, example);
        }
    }

  self->n_active--;
  check_idle (self);
  pump (self);
}

static SpMoney
cost_of (SpBatch                *self,
         const SpGenerateResult *answer)
{
  SpMoney cost = SP_MONEY_UNKNOWN;

  if (self->prices == NULL || answer->prompt_tokens < 0 || answer->completion_tokens < 0)
    return SP_MONEY_UNKNOWN;
  if (!sp_price_sheet_cost_of_usage (self->prices, self->model,
                                     answer->prompt_tokens, answer->completion_tokens,
                                     &cost, NULL))
    return SP_MONEY_UNKNOWN;
  return cost;
}

static guint
count_try (SpBatch   *self,
           SpExample *example)
{
  gint64 id = sp_example_get_id (example);
  guint tries;

  tries = GPOINTER_TO_UINT (g_hash_table_lookup (self->tries, &id)) + 1;
  g_hash_table_insert (self->tries, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (tries));
  return tries;
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  SpBatch *self = request->self;
  g_autoptr(SpGenerateResult) answer = NULL;
  g_autoptr(GError) error = NULL;
  CompleteData *complete;

  /* The slot is free as soon as the answer is here: the next request
   * does not wait for this one's write. */
  self->n_requests--;
  answer = request->messages != NULL
           ? sp_client_chat_finish (SP_CLIENT (object), result, &error)
           : sp_client_complete_finish (SP_CLIENT (object), result, &error);

  if (answer == NULL)
    {
      guint tries = count_try (self, request->example);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          self->state == SP_BATCH_STATE_CANCELLED)
        release_item (self, request->example);
      else if (error_stops_batch (error))
        {
          stop_batch (self, error);
          release_item (self, request->example);
        }
      else if (g_error_matches (error, SP_ERROR, SP_ERROR_RATE_LIMITED) && tries < MAX_TRIES_RATE_LIMIT)
        {
          cool_down (self);
          release_item (self, request->example);
        }
      else if (error_is_transient (error) && tries < MAX_TRIES_TRANSIENT)
        release_item (self, request->example);
      else
        fail_item (self, g_steal_pointer (&request), error->message);
      return;
    }

  if (self->cooldown_ms > 0 && g_get_monotonic_time () >= self->cooldown_until_us)
    self->cooldown_ms = 0;

  complete = g_new0 (CompleteData, 1);
  complete->item_id = sp_example_get_id (request->example);
  complete->model = g_strdup (answer->model != NULL ? answer->model : self->model);
  complete->raw_output = g_strdup (answer->text != NULL ? answer->text : "");
  complete->output = sp_prompt_cleaner_clean (answer->text);
  complete->result.model = complete->model;
  complete->result.raw_output = complete->raw_output;
  complete->result.output = complete->output;
  complete->result.prompt_tokens = answer->prompt_tokens;
  complete->result.completion_tokens = answer->completion_tokens;
  complete->result.cost = cost_of (self, answer);
  complete->result.attempts = answer->attempts;

  sp_store_run_async (self->store, complete_func, complete, (GDestroyNotify) complete_data_free,
                      g_object_unref, NULL, complete_cb, g_steal_pointer (&request));
  pump (self);
}

static void
send_request (SpBatch   *self,
              SpExample *example)
{
  Request *request = g_new0 (Request, 1);
  SpGenerateRequest generate = { 0 };
  static const char * const stop[] = { "\n\n", NULL };

  request->self = g_object_ref (self);
  request->example = g_object_ref (example);

  generate.model = self->model;
  generate.temperature = -1;
  generate.seed = self->seed + sp_example_get_position (example) + 1;
  self->run_requests++;

  if (sp_client_model_is_completion (self->model))
    {
      request->prompt = g_strdup (sp_example_get_full_prompt (example));
      generate.prompt = request->prompt;
      generate.max_tokens = COMPLETION_MAX_TOKENS;
      generate.stop = stop;
      sp_client_complete_async (self->client, &generate, NULL, NULL, self->cancellable,
                                request_cb, request);
    }
  else
    {
      request->messages = sp_template_render_messages (self->template, sp_example_get_story_text (example));
      generate.messages = request->messages;
      sp_client_chat_async (self->client, &generate, NULL, NULL, self->cancellable,
                            request_cb, request);
    }
}

static gpointer
claim_func (SpStore   *store,
            gpointer   data,
            GError   **error)
{
  return sp_store_claim_item_sync (store, *(gint64 *) data, error);
}

static void
claim_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SpBatch) self = user_data;
  g_autoptr(GError) error = NULL;
  SpExample *example = sp_store_run_finish (SP_STORE (object), result, &error);

  self->n_claims--;
  self->n_active--;
  if (example != NULL)
    g_queue_push_tail (&self->ready, example);
  else if (error != NULL)
    stop_batch (self, error);
  else
    self->exhausted = TRUE;

  pump (self);
  check_idle (self);
}

/* Whether the limits let a request start now; if not, pump() runs again
 * when they will. */
static gboolean
may_start (SpBatch *self)
{
  gint64 now = g_get_monotonic_time ();

  if (now < self->cooldown_until_us)
    {
      wake_at (self, self->cooldown_until_us);
      return FALSE;
    }
  if (self->rpm_limit > 0)
    {
      gint64 spacing = 60 * G_USEC_PER_SEC / self->rpm_limit;

      if (now < self->next_slot_us)
        {
          wake_at (self, self->next_slot_us);
          return FALSE;
        }
      /* No burst: evenly spaced starts keep the server's window under the
       * limit whatever its length. */
      self->next_slot_us = MAX (self->next_slot_us + spacing, now + spacing / 2);
    }
  return TRUE;
}

/* Starts the requests the limits allow, and claims a round of items ahead
 * so that a free slot never waits for the store (whose worker is busy
 * writing the results that just came in). */
static void
pump (SpBatch *self)
{
  if (self->state != SP_BATCH_STATE_RUNNING)
    return;

  while (self->n_requests < self->concurrency && !g_queue_is_empty (&self->ready) &&
         may_start (self))
    {
      g_autoptr(SpExample) example = g_queue_pop_head (&self->ready);

      self->n_requests++;
      self->n_active++;
      send_request (self, example);
    }

  while (!self->exhausted &&
         g_queue_get_length (&self->ready) + self->n_claims <
         MAX (self->concurrency, self->n_requests) - self->n_requests + self->concurrency)
    {
      self->n_claims++;
      self->n_active++;
      sp_store_run_async (self->store, claim_func, g_memdup2 (&self->id, sizeof self->id), g_free,
                          g_object_unref, NULL, claim_cb, g_object_ref (self));
    }
}

static gboolean
cancel_cb (gpointer user_data)
{
  sp_batch_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
run_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  SpBatch *self = user_data;

  /* May run in another thread; the batch lives on its main context. */
  g_main_context_invoke_full (self->run_context, G_PRIORITY_DEFAULT,
                              cancel_cb, g_object_ref (self), g_object_unref);
}

static void
sp_batch_dispose (GObject *object)
{
  SpBatch *self = (SpBatch *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->wake_id, g_source_remove);
  g_queue_clear_full (&self->ready, g_object_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->template);
  g_clear_object (&self->prices);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_batch_parent_class)->dispose (object);
}

static void
sp_batch_finalize (GObject *object)
{
  SpBatch *self = (SpBatch *) object;

  g_free (self->key);
  g_free (self->model);
  g_free (self->error_message);
  g_clear_error (&self->stop_error);
  g_clear_pointer (&self->tries, g_hash_table_unref);

  G_OBJECT_CLASS (sp_batch_parent_class)->finalize (object);
}

static void
sp_batch_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SpBatch *self = SP_BATCH (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_TOTAL:
      g_value_set_uint (value, self->n_total);
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, sp_batch_get_fraction (self));
      break;
    case PROP_ETA_SECONDS:
      g_value_set_double (value, self->eta_seconds);
      break;
    case PROP_PROMPT_TOKENS:
      g_value_set_uint64 (value, self->prompt_tokens);
      break;
    case PROP_COMPLETION_TOKENS:
      g_value_set_uint64 (value, self->completion_tokens);
      break;
    case PROP_COST:
      g_value_set_int64 (value, sp_batch_get_cost (self));
      break;
    case PROP_COST_TEXT:
      g_value_take_string (value, sp_batch_dup_cost_text (self));
      break;
    case PROP_REQUESTS_PER_MINUTE:
      g_value_set_double (value, self->requests_per_minute);
      break;
    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;
    case PROP_RPM_LIMIT:
      g_value_set_uint (value, self->rpm_limit);
      break;
    case PROP_PAIR_MODE:
      g_value_set_int (value, self->pair_mode);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_batch_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  SpBatch *self = SP_BATCH (object);

  switch (prop_id)
    {
    case PROP_CONCURRENCY:
      sp_batch_set_concurrency (self, g_value_get_uint (value));
      break;
    case PROP_RPM_LIMIT:
      sp_batch_set_rpm_limit (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_batch_class_init (SpBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sp_batch_dispose;
  object_class->finalize = sp_batch_finalize;
  object_class->get_property = sp_batch_get_property;
  object_class->set_property = sp_batch_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, ro);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, SP_BATCH_STATE_IDLE, SP_BATCH_STATE_FAILED,
                      SP_BATCH_STATE_IDLE, ro);
  properties[PROP_N_TOTAL] = g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  properties[PROP_ETA_SECONDS] = g_param_spec_double ("eta-seconds", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_PROMPT_TOKENS] = g_param_spec_uint64 ("prompt-tokens", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_COMPLETION_TOKENS] = g_param_spec_uint64 ("completion-tokens", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_COST] = g_param_spec_int64 ("cost", NULL, NULL, -1, G_MAXINT64, 0, ro);
  properties[PROP_COST_TEXT] = g_param_spec_string ("cost-text", NULL, NULL, NULL, ro);
  properties[PROP_REQUESTS_PER_MINUTE] =
    g_param_spec_double ("requests-per-minute", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_CONCURRENCY] =
    g_param_spec_uint ("concurrency", NULL, NULL, 1, SP_BATCH_MAX_CONCURRENCY,
                       SP_BATCH_DEFAULT_CONCURRENCY, rw);
  properties[PROP_RPM_LIMIT] = g_param_spec_uint ("rpm-limit", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_PAIR_MODE] =
    g_param_spec_int ("pair-mode", NULL, NULL, SP_PAIR_MODE_FULL, SP_PAIR_MODE_SHORT,
                      SP_PAIR_MODE_FULL, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[EXAMPLE_DONE] =
    g_signal_new ("example-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SP_TYPE_EXAMPLE);
  signals[EXAMPLE_FAILED] =
    g_signal_new ("example-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, SP_TYPE_EXAMPLE, G_TYPE_STRING);
}

static void
sp_batch_init (SpBatch *self)
{
  self->concurrency = SP_BATCH_DEFAULT_CONCURRENCY;
  self->eta_seconds = -1;
}

const char *
sp_export_format_to_string (SpExportFormat format)
{
  return format == SP_EXPORT_FORMAT_COMPLETION ? "completion" : "chat";
}

gboolean
sp_export_format_from_string (const char     *text,
                              SpExportFormat *format)
{
  if (g_strcmp0 (text, "chat") == 0)
    *format = SP_EXPORT_FORMAT_CHAT;
  else if (g_strcmp0 (text, "completion") == 0)
    *format = SP_EXPORT_FORMAT_COMPLETION;
  else
    return FALSE;
  return TRUE;
}

static SpBatch *
batch_new_from_stored (SpStore             *store,
                       SpClient            *client,
                       const SpStoreBatch  *stored,
                       GError             **error)
{
  g_autoptr(SpBatch) self = g_object_new (SP_TYPE_BATCH, NULL);

  self->template = sp_template_new_from_json (stored->template_json, -1, error);
  if (self->template == NULL)
    return NULL;
  self->store = g_object_ref (store);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->prices = sp_price_sheet_dup_default ();
  self->id = stored->id;
  self->key = g_strdup (stored->key);
  self->model = g_strdup (stored->model);
  self->seed = stored->seed;
  sp_export_format_from_string (stored->format, &self->format);
  self->concurrency = CLAMP (stored->concurrency, 1, SP_BATCH_MAX_CONCURRENCY);
  self->rpm_limit = stored->rpm;
  apply_stored (self, stored);

  return g_steal_pointer (&self);
}

typedef struct
{
  SpStoreBatchSpec  spec;
  SpStoreItemSpec  *items;
  GPtrArray        *strings;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_free (data->items);
  g_ptr_array_unref (data->strings);
  g_free (data);
}

static const char *
keep (CreateData *data,
      char       *string)
{
  g_ptr_array_add (data->strings, string);
  return string;
}

/* Picks the stories and renders both prompts of every item, on the
 * caller's thread (the template is not shared with the worker). */
static CreateData *
create_data_new (const SpBatchOptions  *options,
                 GError               **error)
{
  g_autoptr(GListModel) builtin = NULL;
  GListModel *stories = options->stories;
  CreateData *data;
  g_autoptr(GRand) rand = NULL;
  guint32 seed_words[2];
  guint n_stories;

  if (options->n_items == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The batch has no items. Ask for at least one example."));
      return NULL;
    }
  if (options->model == NULL || *options->model == '\0')
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("No model was given. Choose the model that writes the examples."));
      return NULL;
    }
  if (!sp_template_validate (options->template, error))
    return NULL;
  if (stories == NULL)
    stories = builtin = sp_story_get_builtin ();
  n_stories = g_list_model_get_n_items (stories);
  if (n_stories == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("There are no stories to pick from. Add or import stories first."));
      return NULL;
    }

  data = g_new0 (CreateData, 1);
  data->strings = g_ptr_array_new_with_free_func (g_free);
  data->items = g_new0 (SpStoreItemSpec, options->n_items);
  data->spec.key = options->key != NULL ? keep (data, g_strdup (options->key)) : NULL;
  data->spec.model = keep (data, g_strdup (options->model));
  data->spec.template_json = keep (data, sp_template_to_json (options->template));
  data->spec.format = sp_export_format_to_string (options->format);
  data->spec.pair_mode = options->pair_mode;
  data->spec.seed = options->seed;
  while (data->spec.seed == 0 || data->spec.seed > G_MAXINT64)
    data->spec.seed = ((guint64) g_random_int () << 32 | g_random_int ()) & G_MAXINT64;
  data->spec.concurrency = options->concurrency > 0
                           ? CLAMP (options->concurrency, 1, SP_BATCH_MAX_CONCURRENCY)
                           : SP_BATCH_DEFAULT_CONCURRENCY;
  data->spec.rpm = options->rpm;
  data->spec.n_items = options->n_items;
  data->spec.items = data->items;

  seed_words[0] = (guint32) data->spec.seed;
  seed_words[1] = (guint32) (data->spec.seed >> 32);
  rand = g_rand_new_with_seed_array (seed_words, 2);
  for (guint i = 0; i < options->n_items; i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, g_rand_int_range (rand, 0, n_stories));
      SpStoreItemSpec *item = &data->items[i];

      item->story_title = keep (data, g_strdup (sp_story_get_title (story)));
      item->story_text = keep (data, g_strdup (sp_story_get_text (story)));
      item->story_id = sp_store_story_get_id (story);
      item->full_prompt = keep (data, sp_template_render_completion (options->template, item->story_text));
      item->short_prompt = keep (data, sp_template_render_short (options->template, item->story_title));
    }

  return data;
}

static gpointer
create_func (SpStore   *store,
             gpointer   data,
             GError   **error)
{
  CreateData *create = data;
  gint64 id = sp_store_create_batch_sync (store, &create->spec, error);

  if (id == 0)
    return NULL;
  return sp_store_get_batch_sync (store, id, error);
}

SpBatch *
sp_batch_create_sync (SpStore               *store,
                      SpClient              *client,
                      const SpBatchOptions  *options,
                      GError               **error)
{
  CreateData *data;
  g_autoptr(SpStoreBatch) stored = NULL;

  g_return_val_if_fail (SP_IS_STORE (store), NULL);
  g_return_val_if_fail (client == NULL || SP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (options != NULL && SP_IS_TEMPLATE (options->template), NULL);

  data = create_data_new (options, error);
  if (data == NULL)
    return NULL;
  stored = sp_store_run_sync (store, create_func, data, error);
  create_data_free (data);
  if (stored == NULL)
    return NULL;
  return batch_new_from_stored (store, client, stored, error);
}

static void
stored_batch_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(SpStoreBatch) stored = sp_store_run_finish (SP_STORE (object), result, &error);
  SpBatch *batch;

  if (stored == NULL && error == NULL)
    g_set_error_literal (&error, SP_ERROR, SP_ERROR_NOT_FOUND,
                         _("This batch is no longer in the library."));
  if (stored == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  batch = batch_new_from_stored (SP_STORE (object), g_task_get_task_data (task), stored, &error);
  if (batch == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, batch, g_object_unref);
}

void
sp_batch_create_async (SpStore               *store,
                       SpClient              *client,
                       const SpBatchOptions  *options,
                       GCancellable          *cancellable,
                       GAsyncReadyCallback    callback,
                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  CreateData *data;

  g_return_if_fail (SP_IS_STORE (store));
  g_return_if_fail (client == NULL || SP_IS_CLIENT (client));
  g_return_if_fail (options != NULL && SP_IS_TEMPLATE (options->template));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_batch_create_async);
  if (client != NULL)
    g_task_set_task_data (task, g_object_ref (client), g_object_unref);

  data = create_data_new (options, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sp_store_run_async (store, create_func, data, (GDestroyNotify) create_data_free,
                      (GDestroyNotify) sp_store_batch_free, NULL, stored_batch_cb,
                      g_steal_pointer (&task));
}

SpBatch *
sp_batch_create_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

SpBatch *
sp_batch_load_sync (SpStore   *store,
                    SpClient  *client,
                    gint64     id,
                    GError   **error)
{
  g_autoptr(SpStoreBatch) stored = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SP_IS_STORE (store), NULL);
  g_return_val_if_fail (client == NULL || SP_IS_CLIENT (client), NULL);

  stored = sp_store_get_batch_sync (store, id, &local_error);
  if (stored == NULL)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, SP_ERROR, SP_ERROR_NOT_FOUND,
                             _("This batch is no longer in the library."));
      g_propagate_error (error, local_error);
      return NULL;
    }
  return batch_new_from_stored (store, client, stored, error);
}

void
sp_batch_load_async (SpStore             *store,
                     SpClient            *client,
                     gint64               id,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_STORE (store));
  g_return_if_fail (client == NULL || SP_IS_CLIENT (client));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_batch_load_async);
  if (client != NULL)
    g_task_set_task_data (task, g_object_ref (client), g_object_unref);
  sp_store_run_async (store, get_batch_func, g_memdup2 (&id, sizeof id), g_free,
                      (GDestroyNotify) sp_store_batch_free, NULL, stored_batch_cb, task);
}

SpBatch *
sp_batch_load_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
sp_batch_get_id (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->id;
}

SpStore *
sp_batch_get_store (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), NULL);
  return self->store;
}

SpClient *
sp_batch_get_client (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), NULL);
  return self->client;
}

const char *
sp_batch_get_model (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), NULL);
  return self->model;
}

const char *
sp_batch_get_key (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), NULL);
  return self->key;
}

guint64
sp_batch_get_seed (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->seed;
}

SpExportFormat
sp_batch_get_format (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), SP_EXPORT_FORMAT_CHAT);
  return self->format;
}

SpBatchState
sp_batch_get_state (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), SP_BATCH_STATE_IDLE);
  return self->state;
}

guint
sp_batch_get_n_total (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->n_total;
}

guint
sp_batch_get_n_done (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->n_done;
}

guint
sp_batch_get_n_failed (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->n_failed;
}

guint
sp_batch_get_n_pending (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->n_pending;
}

double
sp_batch_get_fraction (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  if (self->n_total == 0)
    return 0;
  return MIN (1.0, (self->n_done + self->n_failed) / (double) self->n_total);
}

double
sp_batch_get_eta_seconds (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), -1);
  return self->eta_seconds;
}

guint64
sp_batch_get_prompt_tokens (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->prompt_tokens;
}

guint64
sp_batch_get_completion_tokens (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->completion_tokens;
}

SpMoney
sp_batch_get_cost (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), SP_MONEY_UNKNOWN);
  return self->cost_unknown && self->cost == 0 ? SP_MONEY_UNKNOWN : self->cost;
}

char *
sp_batch_dup_cost_text (SpBatch *self)
{
  SpMoney cost;
  g_autofree char *amount = NULL;

  g_return_val_if_fail (SP_IS_BATCH (self), NULL);

  cost = sp_batch_get_cost (self);
  if (cost == SP_MONEY_UNKNOWN)
    return g_strdup ("—");
  amount = sp_money_format (cost, 2, 4);
  return g_strconcat ("$", amount, NULL);
}

double
sp_batch_get_requests_per_minute (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->requests_per_minute;
}

guint
sp_batch_get_concurrency (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->concurrency;
}

guint
sp_batch_get_rpm_limit (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  return self->rpm_limit;
}

SpPairMode
sp_batch_get_pair_mode (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), SP_PAIR_MODE_FULL);
  return self->pair_mode;
}

const char *
sp_batch_get_error_message (SpBatch *self)
{
  g_return_val_if_fail (SP_IS_BATCH (self), NULL);
  return self->error_message;
}

void
sp_batch_set_concurrency (SpBatch *self,
                          guint    concurrency)
{
  g_return_if_fail (SP_IS_BATCH (self));

  concurrency = CLAMP (concurrency, 1, SP_BATCH_MAX_CONCURRENCY);
  if (self->concurrency == concurrency)
    return;
  self->concurrency = concurrency;
  notify (self, PROP_CONCURRENCY);
  pump (self);
}

void
sp_batch_set_rpm_limit (SpBatch *self,
                        guint    rpm)
{
  g_return_if_fail (SP_IS_BATCH (self));

  if (self->rpm_limit == rpm)
    return;
  self->rpm_limit = rpm;
  notify (self, PROP_RPM_LIMIT);
  pump (self);
}

static gpointer
start_func (SpStore   *store,
            gpointer   data,
            GError   **error)
{
  gint64 id = *(gint64 *) data;

  if (sp_store_reset_running_sync (store, id, error) == 0 && error != NULL && *error != NULL)
    return NULL;
  return sp_store_get_batch_sync (store, id, error);
}

static void
start_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SpBatch) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpStoreBatch) stored = sp_store_run_finish (SP_STORE (object), result, &error);

  if (stored == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, SP_ERROR, SP_ERROR_NOT_FOUND,
                             _("This batch is no longer in the library."));
      stop_batch (self, error);
    }
  else
    apply_stored (self, stored);

  self->n_active--;
  check_idle (self);
  pump (self);
}

void
sp_batch_run_async (SpBatch             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_BATCH (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_batch_run_async);

  if (self->run_task != NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("This batch is already running."));
      return;
    }
  if (self->client == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("This batch has no provider to run with. Choose a provider first."));
      return;
    }

  self->run_task = g_steal_pointer (&task);
  self->run_context = g_main_context_ref_thread_default ();
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_error (&self->stop_error);
  set_error_message (self, NULL);
  self->tries = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->run_started_us = g_get_monotonic_time ();
  self->run_requests = 0;
  self->run_done = 0;
  self->exhausted = FALSE;
  self->next_slot_us = 0;
  self->cooldown_until_us = 0;
  self->cooldown_ms = 0;
  set_state (self, SP_BATCH_STATE_RUNNING);

  /* Items left running by a crash have no result: they run again. */
  self->n_active++;
  sp_store_run_async (self->store, start_func, g_memdup2 (&self->id, sizeof self->id), g_free,
                      (GDestroyNotify) sp_store_batch_free, NULL, start_cb, g_object_ref (self));

  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (run_cancelled_cb), self, NULL);
}

gboolean
sp_batch_run_finish (SpBatch       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sp_batch_pause (SpBatch *self)
{
  g_return_if_fail (SP_IS_BATCH (self));

  if (self->state != SP_BATCH_STATE_RUNNING)
    return;
  set_state (self, self->n_active > 0 ? SP_BATCH_STATE_PAUSING : SP_BATCH_STATE_PAUSED);
  g_clear_handle_id (&self->wake_id, g_source_remove);
}

void
sp_batch_resume (SpBatch *self)
{
  g_return_if_fail (SP_IS_BATCH (self));

  if (self->state != SP_BATCH_STATE_PAUSED && self->state != SP_BATCH_STATE_PAUSING)
    return;
  set_state (self, SP_BATCH_STATE_RUNNING);
  pump (self);
  check_idle (self);
}

void
sp_batch_cancel (SpBatch *self)
{
  g_return_if_fail (SP_IS_BATCH (self));

  if (self->run_task == NULL || self->state == SP_BATCH_STATE_CANCELLED)
    return;
  set_state (self, SP_BATCH_STATE_CANCELLED);
  g_clear_handle_id (&self->wake_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  check_idle (self);
}

typedef struct
{
  gint64  id;
  guint   count;
} RetryData;

static gpointer
retry_func (SpStore   *store,
            gpointer   data,
            GError   **error)
{
  RetryData *retry = data;
  GError *local_error = NULL;

  retry->count = sp_store_requeue_failed_sync (store, retry->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return sp_store_get_batch_sync (store, retry->id, error);
}

static void
retry_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpBatch *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(SpStoreBatch) stored = sp_store_run_finish (SP_STORE (object), result, &error);
  RetryData *retry = g_task_get_task_data (G_TASK (result));

  if (stored == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  apply_stored (self, stored);
  if (self->tries != NULL)
    g_hash_table_remove_all (self->tries);
  self->exhausted = FALSE;
  pump (self);
  g_task_return_int (task, retry->count);
}

void
sp_batch_retry_failed_async (SpBatch             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  RetryData *data;

  g_return_if_fail (SP_IS_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_batch_retry_failed_async);
  data = g_new0 (RetryData, 1);
  data->id = self->id;
  sp_store_run_async (self->store, retry_func, data, g_free, (GDestroyNotify) sp_store_batch_free,
                      NULL, retry_cb, task);
}

guint
sp_batch_retry_failed_finish (SpBatch       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  gssize count;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  count = g_task_propagate_int (G_TASK (result), error);
  return count < 0 ? 0 : (guint) count;
}

typedef struct
{
  gint64     id;
  gint64     item_id;
  SpPairMode mode;
  gboolean   rejected;
} ChangeData;

static gpointer
pair_mode_func (SpStore   *store,
                gpointer   data,
                GError   **error)
{
  ChangeData *change = data;

  if (!sp_store_set_pair_mode_sync (store, change->id, change->mode, error))
    return NULL;
  return sp_store_get_batch_sync (store, change->id, error);
}

static gpointer
rejected_func (SpStore   *store,
               gpointer   data,
               GError   **error)
{
  ChangeData *change = data;

  if (!sp_store_set_rejected_sync (store, change->item_id, change->rejected, error))
    return NULL;
  return sp_store_get_batch_sync (store, change->id, error);
}

static void
change_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpBatch *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(SpStoreBatch) stored = sp_store_run_finish (SP_STORE (object), result, &error);

  if (stored == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, SP_ERROR, SP_ERROR_NOT_FOUND,
                             _("This batch is no longer in the library."));
      g_task_return_error (task, error);
      return;
    }
  apply_stored (self, stored);
  g_task_return_boolean (task, TRUE);
}

static void
change_async (SpBatch             *self,
              SpStoreFunc          func,
              ChangeData          *data,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  data->id = self->id;
  sp_store_run_async (self->store, func, data, g_free, (GDestroyNotify) sp_store_batch_free,
                      NULL, change_cb, task);
}

void
sp_batch_set_pair_mode_async (SpBatch             *self,
                              SpPairMode           mode,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ChangeData *data;

  g_return_if_fail (SP_IS_BATCH (self));

  data = g_new0 (ChangeData, 1);
  data->mode = mode;
  change_async (self, pair_mode_func, data, sp_batch_set_pair_mode_async,
                cancellable, callback, user_data);
}

gboolean
sp_batch_set_pair_mode_finish (SpBatch       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sp_batch_set_rejected_async (SpBatch             *self,
                             gint64               example_id,
                             gboolean             rejected,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  ChangeData *data;

  g_return_if_fail (SP_IS_BATCH (self));

  data = g_new0 (ChangeData, 1);
  data->item_id = example_id;
  data->rejected = rejected;
  change_async (self, rejected_func, data, sp_batch_set_rejected_async,
                cancellable, callback, user_data);
}

gboolean
sp_batch_set_rejected_finish (SpBatch       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
list_examples_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GListModel *list = sp_store_list_examples_finish (SP_STORE (object), result, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, g_object_unref);
}

void
sp_batch_list_examples_async (SpBatch             *self,
                              int                  only_status,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_batch_list_examples_async);
  sp_store_list_examples_async (self->store, self->id, only_status, cancellable,
                                list_examples_cb, task);
}

GListModel *
sp_batch_list_examples_finish (SpBatch       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
add_message (JsonBuilder *builder,
             const char  *role,
             const char  *content)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_end_object (builder);
}

char *
sp_batch_format_example (SpExample      *example,
                         SpExportFormat  format,
                         const char     *system)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *prompt;
  const char *output;

  g_return_val_if_fail (SP_IS_EXAMPLE (example), NULL);

  prompt = sp_example_get_training_prompt (example);
  output = sp_example_get_output (example);
  prompt = prompt != NULL ? prompt : "";
  output = output != NULL ? output : "";

  json_builder_begin_object (builder);
  if (format == SP_EXPORT_FORMAT_COMPLETION)
    {
      g_autofree char *full_prompt = g_strconcat (prompt, SP_EXPORT_PROMPT_SEPARATOR, NULL);
      g_autofree char *completion = g_strconcat (" ", output, SP_EXPORT_COMPLETION_STOP, NULL);

      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, full_prompt);
      json_builder_set_member_name (builder, "completion");
      json_builder_add_string_value (builder, completion);
    }
  else
    {
      json_builder_set_member_name (builder, "messages");
      json_builder_begin_array (builder);
      if (system != NULL && *system != '\0')
        add_message (builder, "system", system);
      add_message (builder, "user", prompt);
      add_message (builder, "assistant", output);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

typedef struct
{
  gint64          id;
  char           *path;
  SpExportFormat  format;
  char           *system;
  gboolean        skip_duplicates;
  guint           count;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_free (data->path);
  g_free (data->system);
  g_free (data);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= n;
    }
  return TRUE;
}

static gpointer
export_func (SpStore   *store,
             gpointer   data,
             GError   **error)
{
  ExportData *export = data;
  g_autoptr(GPtrArray) examples = NULL;
  g_autofree char *tmp_path = g_strconcat (export->path, ".XXXXXX", NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  int fd;
  gboolean ok;
  int saved_errno = 0;

  examples = sp_store_list_examples_sync (store, export->id, SP_EXAMPLE_STATUS_DONE, error);
  if (examples == NULL)
    return NULL;

  for (guint i = 0; i < examples->len; i++)
    {
      SpExample *example = g_ptr_array_index (examples, i);
      g_autofree char *line = NULL;

      if (export->skip_duplicates && sp_example_get_duplicate (example))
        continue;
      line = sp_batch_format_example (example, export->format, export->system);
      g_string_append (out, line);
      g_string_append_c (out, '\n');
      export->count++;
    }

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("“%s” could not be written: %s. Choose a folder you can write to."),
                   export->path, g_strerror (saved_errno));
      return NULL;
    }
  ok = write_all (fd, out->str, out->len) && fsync (fd) == 0;
  if (!ok)
    saved_errno = errno;
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      saved_errno = errno;
    }
  if (ok && g_rename (tmp_path, export->path) != 0)
    {
      ok = FALSE;
      saved_errno = errno;
    }
  if (!ok)
    {
      g_unlink (tmp_path);
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("“%s” could not be written: %s. Check that the disk is not full."),
                   export->path, g_strerror (saved_errno));
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static ExportData *
export_data_new (SpBatch        *self,
                 const char     *path,
                 SpExportFormat  format,
                 const char     *system,
                 gboolean        skip_duplicates)
{
  ExportData *data = g_new0 (ExportData, 1);

  data->id = self->id;
  data->path = g_strdup (path);
  data->format = format;
  data->system = g_strdup (system);
  data->skip_duplicates = skip_duplicates;
  return data;
}

guint
sp_batch_export_sync (SpBatch         *self,
                      const char      *path,
                      SpExportFormat   format,
                      const char      *system,
                      gboolean         skip_duplicates,
                      GError         **error)
{
  ExportData *data;
  gboolean ok;
  guint count;

  g_return_val_if_fail (SP_IS_BATCH (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  data = export_data_new (self, path, format, system, skip_duplicates);
  ok = sp_store_run_sync (self->store, export_func, data, error) != NULL;
  count = data->count;
  export_data_free (data);
  return ok ? count : 0;
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ExportData *data = g_task_get_task_data (G_TASK (result));

  if (sp_store_run_finish (SP_STORE (object), result, &error) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, data->count);
}

void
sp_batch_export_async (SpBatch             *self,
                       const char          *path,
                       SpExportFormat       format,
                       const char          *system,
                       gboolean             skip_duplicates,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_BATCH (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_batch_export_async);
  sp_store_run_async (self->store, export_func,
                      export_data_new (self, path, format, system, skip_duplicates),
                      (GDestroyNotify) export_data_free, NULL, cancellable, export_cb, task);
}

guint
sp_batch_export_finish (SpBatch       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  gssize count;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  count = g_task_propagate_int (G_TASK (result), error);
  return count < 0 ? 0 : (guint) count;
}
