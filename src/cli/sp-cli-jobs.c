// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-fine-tune.h"

/* Events asked for in one page, and at most in all. */
#define EVENTS_PAGE 100
#define EVENTS_MAX  10000

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_time <= 0)
    return g_strdup ("-");

  time = g_date_time_new_from_unix_local (unix_time);
  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("-");
}

static void
print_job (SpFineTuneJob *job)
{
  g_autofree char *created = format_time (job->created_at);
  g_autofree char *finished = format_time (job->finished_at);
  g_autofree char *files = g_strjoinv (", ", job->result_files);

  g_print ("%-18s %s\n", _("Job:"), job->id);
  g_print ("%-18s %s\n", _("Status:"), sp_fine_tune_status_get_label (job->status));
  g_print ("%-18s %s\n", _("Model:"), job->model != NULL ? job->model : "-");
  g_print ("%-18s %s\n", _("Fine-tuned model:"), job->fine_tuned_model != NULL ? job->fine_tuned_model : "-");
  g_print ("%-18s %s\n", _("Training file:"), job->training_file != NULL ? job->training_file : "-");
  g_print ("%-18s %s\n", _("Validation file:"), job->validation_file != NULL ? job->validation_file : "-");
  if (job->n_epochs > 0)
    g_print ("%-18s %u\n", _("Epochs:"), job->n_epochs);
  else
    g_print ("%-18s %s\n", _("Epochs:"), _("automatic"));
  if (job->trained_tokens >= 0)
    g_print ("%-18s %" G_GINT64_FORMAT "\n", _("Trained tokens:"), job->trained_tokens);
  g_print ("%-18s %s\n", _("Created:"), created);
  g_print ("%-18s %s\n", _("Finished:"), finished);
  if (*files != '\0')
    g_print ("%-18s %s\n", _("Result files:"), files);
  if (job->error_message != NULL)
    g_print ("%-18s %s\n", _("Error:"), job->error_message);
}

static void
print_event (SpFineTuneEvent *event)
{
  g_autofree char *time = format_time (event->created_at);

  if (event->level != NULL && g_strcmp0 (event->level, "info") != 0)
    g_print ("%s %s: %s\n", time, event->level, event->message);
  else
    g_print ("%s %s\n", time, event->message);
}

static int
run_list (SpClient *client,
          guint     limit,
          gboolean  json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  GError *error = NULL;

  sp_client_list_fine_tune_jobs_async (client, NULL, limit, sp_cli_get_cancellable (),
                                       sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  jobs = sp_client_list_fine_tune_jobs_finish (client, result, NULL, &error);
  if (jobs == NULL)
    return sp_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = NULL;

      for (guint i = 0; i < jobs->len; i++)
        json_array_add_element (array, sp_fine_tune_job_to_json (g_ptr_array_index (jobs, i)));
      root = json_node_init_array (json_node_alloc (), array);
      sp_cli_print_json (root);
      return SP_CLI_EXIT_OK;
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      SpFineTuneJob *job = g_ptr_array_index (jobs, i);
      g_autofree char *created = format_time (job->created_at);

      g_print ("%-28s %-16s %-19s %s\n", job->id, sp_fine_tune_status_get_label (job->status),
               created, job->fine_tuned_model != NULL ? job->fine_tuned_model
                        : job->model != NULL ? job->model : "-");
    }

  return SP_CLI_EXIT_OK;
}

typedef enum
{
  ACTION_SHOW,
  ACTION_CANCEL,
} JobAction;

static int
run_job_action (SpClient   *client,
                const char *job_id,
                JobAction   action,
                gboolean    json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  GError *error = NULL;

  if (action == ACTION_CANCEL)
    {
      sp_client_cancel_fine_tune_job_async (client, job_id, sp_cli_get_cancellable (),
                                            sp_cli_store_result_cb, &result);
      sp_cli_wait (&result);
      job = sp_client_cancel_fine_tune_job_finish (client, result, &error);
    }
  else
    {
      sp_client_get_fine_tune_job_async (client, job_id, sp_cli_get_cancellable (),
                                         sp_cli_store_result_cb, &result);
      sp_cli_wait (&result);
      job = sp_client_get_fine_tune_job_finish (client, result, &error);
    }
  if (job == NULL)
    return sp_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = sp_fine_tune_job_to_json (job);

      sp_cli_print_json (root);
    }
  else if (action == ACTION_CANCEL)
    {
      g_print (_("%s: %s\n"), job->id, sp_fine_tune_status_get_label (job->status));
    }
  else
    {
      print_job (job);
    }

  return SP_CLI_EXIT_OK;
}

/* All the events, newest first as the API gives them, page after page. */
static GPtrArray *
fetch_all_events (SpClient    *client,
                  const char  *job_id,
                  guint        limit,
                  GError     **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_fine_tune_event_free);
  g_autofree char *after = NULL;
  gboolean has_more = TRUE;

  while (has_more && all->len < limit)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) page = NULL;

      sp_client_list_fine_tune_events_async (client, job_id, after, MIN (EVENTS_PAGE, limit - all->len),
                                             sp_cli_get_cancellable (), sp_cli_store_result_cb, &result);
      sp_cli_wait (&result);
      page = sp_client_list_fine_tune_events_finish (client, result, &has_more, error);
      if (page == NULL)
        return NULL;
      if (page->len == 0)
        break;

      g_free (after);
      after = g_strdup (((SpFineTuneEvent *) g_ptr_array_index (page, page->len - 1))->id);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, sp_fine_tune_event_copy (g_ptr_array_index (page, i)));
    }

  return g_steal_pointer (&all);
}

static int
run_events (SpClient   *client,
            const char *job_id,
            guint       limit,
            gboolean    json)
{
  g_autoptr(GPtrArray) events = NULL;
  GError *error = NULL;

  events = fetch_all_events (client, job_id, limit > 0 ? limit : EVENTS_MAX, &error);
  if (events == NULL)
    return sp_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = NULL;

      for (guint i = events->len; i > 0; i--)
        json_array_add_element (array, sp_fine_tune_event_to_json (g_ptr_array_index (events, i - 1)));
      root = json_node_init_array (json_node_alloc (), array);
      sp_cli_print_json (root);
      return SP_CLI_EXIT_OK;
    }

  /* Oldest first, as they happened. */
  for (guint i = events->len; i > 0; i--)
    print_event (g_ptr_array_index (events, i - 1));

  return SP_CLI_EXIT_OK;
}

int
sp_cli_jobs (int    argc,
             char **argv)
{
  g_autofree char *provider_id = NULL;
  g_autofree char *base_url = NULL;
  gboolean json = FALSE;
  int limit = 0;
  const GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_id, N_("Saved provider profile"), N_("ID") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Base URL of an OpenAI-compatible server"), N_("URL") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N jobs or events"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SpClient) client = NULL;
  const char *action;
  GError *error = NULL;

  if (!sp_cli_parse_options ("jobs", _("list | show ID | events ID | cancel ID"),
                             _("List fine-tuning jobs, show one, print its events or cancel it."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc < 2)
    return sp_cli_usage_error (_("“jobs” needs what to do: list, show ID, events ID or cancel ID."));
  if (limit < 0)
    return sp_cli_usage_error (_("--limit takes a positive number."));

  action = argv[1];
  if (g_str_equal (action, "list"))
    {
      if (argc != 2)
        return sp_cli_usage_error (_("“jobs list” takes no more arguments."));
    }
  else if (g_str_equal (action, "show") || g_str_equal (action, "events") ||
           g_str_equal (action, "cancel"))
    {
      if (argc != 3)
        return sp_cli_usage_error (_("“jobs %s” takes one job id (it starts with “ftjob-”)."), action);
    }
  else
    {
      return sp_cli_usage_error (_("Unknown “jobs” action “%s”: use list, show, events or cancel."), action);
    }

  client = sp_cli_make_client (provider_id, base_url, &error);
  if (client == NULL)
    return sp_cli_fail (error);

  if (g_str_equal (action, "list"))
    return run_list (client, MIN (limit, 100), json);
  if (g_str_equal (action, "events"))
    return run_events (client, argv[2], limit, json);

  return run_job_action (client, argv[2],
                         g_str_equal (action, "cancel") ? ACTION_CANCEL : ACTION_SHOW,
                         json);
}
