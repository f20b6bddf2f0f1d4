// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-fine-tune.h"
#include "sp-fine-tune-watcher.h"

typedef struct
{
  gboolean   json;
  JsonArray *events;
} Follow;

static gboolean
parse_epochs (const char  *text,
              guint       *epochs)
{
  guint64 value;

  if (text == NULL || g_strcmp0 (text, "auto") == 0)
    {
      *epochs = 0;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 1, SP_FINE_TUNE_MAX_EPOCHS, &value, NULL))
    return FALSE;

  *epochs = value;
  return TRUE;
}

static void
print_event (SpFineTuneEvent *event)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (event->created_at);
  g_autofree char *clock = time != NULL ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("");

  if (g_strcmp0 (event->level, "info") != 0 && event->level != NULL)
    g_print ("%s %s: %s\n", clock, event->level, event->message);
  else
    g_print ("%s %s\n", clock, event->message);
}

static void
event_cb (SpFineTuneWatcher *watcher,
          SpFineTuneEvent   *event,
          gpointer           user_data)
{
  Follow *follow = user_data;

  if (follow->json)
    json_array_add_element (follow->events, sp_fine_tune_event_to_json (event));
  else
    print_event (event);
}

/* Follows the job to its end: 0 when it succeeded, 1 otherwise. */
static int
follow_job (SpClient      *client,
            SpFineTuneJob *created,
            gboolean       json)
{
  g_autoptr(SpFineTuneWatcher) watcher = sp_fine_tune_watcher_new (client, created->id);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(JsonArray) events = json_array_new ();
  const char *interval = g_getenv ("STARPROMPT_POLL_INTERVAL_MS");
  Follow follow = { json, events };
  GError *error = NULL;

  /* Tests run jobs on a fast clock. */
  if (interval != NULL && g_ascii_strtoull (interval, NULL, 10) > 0)
    {
      sp_fine_tune_watcher_set_initial_interval (watcher, g_ascii_strtoull (interval, NULL, 10));
      sp_fine_tune_watcher_set_max_interval (watcher, g_ascii_strtoull (interval, NULL, 10) * 4);
    }

  g_signal_connect (watcher, "event", G_CALLBACK (event_cb), &follow);
  sp_fine_tune_watcher_watch_async (watcher, sp_cli_get_cancellable (),
                                    sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  job = sp_fine_tune_watcher_watch_finish (watcher, result, &error);
  if (job == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr (_("Stopped following; the job %s goes on. "
                        "Follow it again with “starprompt-cli jobs events %s”.\n"),
                      created->id, created->id);
          g_clear_error (&error);
          return SP_CLI_EXIT_FAILURE;
        }
      return sp_cli_fail (error);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = sp_fine_tune_job_to_json (job);

      json_object_set_array_member (json_node_get_object (root), "events",
                                    json_array_ref (events));
      sp_cli_print_json (root);
    }

  if (job->status == SP_FINE_TUNE_STATUS_SUCCEEDED)
    {
      if (!json)
        g_print (_("Fine-tuned model: %s\n"), job->fine_tuned_model != NULL ? job->fine_tuned_model : "");
      return SP_CLI_EXIT_OK;
    }

  if (job->status == SP_FINE_TUNE_STATUS_FAILED)
    g_printerr (_("starprompt-cli: the fine-tuning job %s failed: %s\n"), job->id,
                job->error_message != NULL ? job->error_message : _("the server gave no reason."));
  else
    g_printerr (_("starprompt-cli: the fine-tuning job %s was cancelled.\n"), job->id);

  return SP_CLI_EXIT_FAILURE;
}

int
sp_cli_finetune (int    argc,
                 char **argv)
{
  g_autofree char *provider_id = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *training_file = NULL;
  g_autofree char *validation_file = NULL;
  g_autofree char *model = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *epochs_text = NULL;
  g_autofree char *seed_text = NULL;
  gboolean wait = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_id, N_("Saved provider profile"), N_("ID") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Base URL of an OpenAI-compatible server"), N_("URL") },
    { "training-file", 0, 0, G_OPTION_ARG_STRING, &training_file, N_("Id of the uploaded training file"), N_("FILE_ID") },
    { "validation-file", 0, 0, G_OPTION_ARG_STRING, &validation_file, N_("Id of an uploaded validation file"), N_("FILE_ID") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Model to fine-tune"), N_("MODEL") },
    { "suffix", 0, 0, G_OPTION_ARG_STRING, &suffix, N_("Up to 64 letters, digits, “-” or “_” added to the model’s name"), N_("SUFFIX") },
    { "epochs", 0, 0, G_OPTION_ARG_STRING, &epochs_text, N_("Epochs, 1 to 25, or “auto” (the default)"), N_("N|auto") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, N_("Seed of the training run"), N_("N") },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &wait, N_("Follow the job’s events until it ends"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  SpFineTuneRequest request = { 0 };
  GError *error = NULL;

  if (!sp_cli_parse_options ("finetune", NULL,
                             _("Start a fine-tuning job on an uploaded training file. "
                               "With --wait, follow it to the end: the exit status is 0 when it "
                               "succeeded and 1 when it failed or was cancelled."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("“finetune” takes no arguments, only options."));
  if (training_file == NULL)
    return sp_cli_usage_error (_("Give the training file with --training-file FILE_ID "
                                 "(“starprompt-cli upload FILE.jsonl” prints it)."));
  if (model == NULL)
    return sp_cli_usage_error (_("Give the model to fine-tune with --model, such as gpt-4o-mini-2024-07-18."));

  request.model = model;
  request.training_file = training_file;
  request.validation_file = validation_file;
  request.suffix = suffix;
  if (!parse_epochs (epochs_text, &request.n_epochs))
    return sp_cli_usage_error (_("--epochs takes a number from 1 to %u, or “auto”."),
                               (guint) SP_FINE_TUNE_MAX_EPOCHS);
  if (seed_text != NULL)
    {
      if (!g_ascii_string_to_signed (seed_text, 10, 0, G_MAXINT32, &request.seed, NULL))
        return sp_cli_usage_error (_("--seed takes a whole number from 0 to %d."), G_MAXINT32);
      request.has_seed = TRUE;
    }
  if (!sp_fine_tune_check_request (&request, &error))
    {
      int status = sp_cli_usage_error ("%s", error->message);

      g_clear_error (&error);
      return status;
    }

  client = sp_cli_make_client (provider_id, base_url, &error);
  if (client == NULL)
    return sp_cli_fail (error);

  sp_client_create_fine_tune_job_async (client, &request, sp_cli_get_cancellable (),
                                        sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  job = sp_client_create_fine_tune_job_finish (client, result, &error);
  if (job == NULL)
    return sp_cli_fail (error);

  if (wait)
    {
      if (!json)
        g_print (_("Started %s\n"), job->id);
      return follow_job (client, job, json);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = sp_fine_tune_job_to_json (job);

      sp_cli_print_json (root);
    }
  else
    {
      g_print ("%s\n", job->id);
    }

  return SP_CLI_EXIT_OK;
}
