// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-batch.h"
#include "sp-store.h"
#include "sp-story-import.h"

/* The command's state while the batch runs. */
typedef struct
{
  SpBatch        *batch;
  FILE           *out;
  const char     *out_path;
  SpExportFormat  format;
  gboolean        progress;
  GError         *write_error;
  gint64          started_us;
} Run;

static SpTemplate *
load_template (const char  *path,
               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (path == NULL)
    return sp_template_new_builtin ();
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return sp_template_new_from_json (contents, length, error);
}

static GListModel *
load_stories (const char  *path,
              GError     **error)
{
  g_autoptr(SpStoryImportReport) report = NULL;
  guint n_problems;

  if (path == NULL)
    return NULL;
  report = sp_story_import_path (path, error);
  if (report == NULL)
    return NULL;

  n_problems = sp_story_import_report_get_n_problems (report);
  for (guint i = 0; i < n_problems; i++)
    {
      g_autofree char *text = sp_story_import_problem_to_string (sp_story_import_report_get_problem (report, i));

      g_printerr (_("starprompt-cli: skipped: %s\n"), text);
    }
  if (sp_story_import_report_get_n_stories (report) == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("No story could be read from “%s”. Give a folder of .txt files or a CSV file with the columns title,text."),
                   path);
      return NULL;
    }
  return g_object_ref (sp_story_import_report_get_stories (report));
}

static char *
format_duration (double seconds)
{
  guint s;

  if (seconds < 0)
    return g_strdup ("—");
  s = (guint) (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%uh%02um", s / 3600, (s / 60) % 60);
  if (s >= 60)
    return g_strdup_printf ("%um%02us", s / 60, s % 60);
  return g_strdup_printf ("%us", s);
}

static void
draw_progress (Run *run)
{
  g_autofree char *eta = format_duration (sp_batch_get_eta_seconds (run->batch));
  g_autofree char *cost = sp_batch_dup_cost_text (run->batch);

  /* Back to the start of the line, then the line drawn over the last. */
  g_printerr ("\r");
  /* TRANSLATORS: the progress line of a batch: done/total, failed, time left, cost. */
  g_printerr (_("%u/%u done, %u failed, ETA %s, cost %s   "),
              sp_batch_get_n_done (run->batch), sp_batch_get_n_total (run->batch),
              sp_batch_get_n_failed (run->batch), eta, cost);
}

static void
progress_cb (SpBatch    *batch,
             GParamSpec *pspec,
             Run        *run)
{
  draw_progress (run);
}

/* Each example reaches the file as soon as it is stored: a whole line,
 * flushed and synced, so a crash loses at most a line the store still
 * has (the next run rewrites the file from the store). */
static void
example_done_cb (SpBatch   *batch,
                 SpExample *example,
                 Run       *run)
{
  g_autofree char *line = NULL;

  if (run->write_error != NULL)
    return;
  line = sp_batch_format_example (example, run->format, NULL);
  if (fputs (line, run->out) < 0 || fputc ('\n', run->out) < 0 ||
      fflush (run->out) != 0 || fsync (fileno (run->out)) != 0)
    {
      int saved_errno = errno;

      g_set_error (&run->write_error, SP_ERROR, SP_ERROR_FAILED,
                   _("“%s” could not be written: %s. Check that the disk is not full."),
                   run->out_path, g_strerror (saved_errno));
      sp_batch_cancel (batch);
    }
}

static SpBatch *
find_or_create_batch (SpStore               *store,
                      SpClient              *client,
                      const SpBatchOptions  *options,
                      gboolean              *resumed,
                      GError               **error)
{
  gint64 id = sp_store_find_batch_sync (store, options->key, error);
  g_autoptr(SpBatch) batch = NULL;

  if (id == 0)
    {
      if (error != NULL && *error != NULL)
        return NULL;
      *resumed = FALSE;
      return sp_batch_create_sync (store, client, options, error);
    }

  *resumed = TRUE;
  batch = sp_batch_load_sync (store, client, id, error);
  if (batch == NULL)
    return NULL;
  if (sp_batch_get_n_total (batch) != options->n_items)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("“%s” belongs to a batch of %u examples, not %u. Run the same command as before to resume it, or choose another --out file."),
                   options->key, sp_batch_get_n_total (batch), options->n_items);
      return NULL;
    }
  if (sp_batch_get_pair_mode (batch) != options->pair_mode &&
      !sp_store_set_pair_mode_sync (store, id, options->pair_mode, error))
    return NULL;
  /* Running the command again also retries what failed last time. */
  sp_store_requeue_failed_sync (store, id, NULL);
  g_clear_object (&batch);
  return sp_batch_load_sync (store, client, id, error);
}

static void
print_summary (Run      *run,
               gboolean  json,
               gboolean  resumed)
{
  SpBatch *batch = run->batch;
  double seconds = (g_get_monotonic_time () - run->started_us) / (double) G_USEC_PER_SEC;
  g_autofree char *cost = sp_batch_dup_cost_text (batch);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "batch_id");
      json_builder_add_int_value (builder, sp_batch_get_id (batch));
      json_builder_set_member_name (builder, "out");
      json_builder_add_string_value (builder, run->out_path);
      json_builder_set_member_name (builder, "resumed");
      json_builder_add_boolean_value (builder, resumed);
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, sp_batch_get_model (batch));
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, (gint64) sp_batch_get_seed (batch));
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, sp_batch_get_n_total (batch));
      json_builder_set_member_name (builder, "done");
      json_builder_add_int_value (builder, sp_batch_get_n_done (batch));
      json_builder_set_member_name (builder, "failed");
      json_builder_add_int_value (builder, sp_batch_get_n_failed (batch));
      json_builder_set_member_name (builder, "prompt_tokens");
      json_builder_add_int_value (builder, sp_batch_get_prompt_tokens (batch));
      json_builder_set_member_name (builder, "completion_tokens");
      json_builder_add_int_value (builder, sp_batch_get_completion_tokens (batch));
      json_builder_set_member_name (builder, "cost_usd");
      if (sp_batch_get_cost (batch) == SP_MONEY_UNKNOWN)
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, sp_money_to_double (sp_batch_get_cost (batch)));
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, seconds);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      sp_cli_print_json (root);
      return;
    }

  g_printerr (_("%u of %u examples in “%s” (%u failed); %llu prompt and %llu completion tokens, cost %s, %.1f s.\n"),
              sp_batch_get_n_done (batch), sp_batch_get_n_total (batch), run->out_path,
              sp_batch_get_n_failed (batch),
              (unsigned long long) sp_batch_get_prompt_tokens (batch),
              (unsigned long long) sp_batch_get_completion_tokens (batch), cost, seconds);
}

static int
run_batch (Run      *run,
           gboolean  json,
           gboolean  resumed)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  run->started_us = g_get_monotonic_time ();
  g_signal_connect (run->batch, "example-done", G_CALLBACK (example_done_cb), run);
  if (run->progress)
    {
      g_signal_connect (run->batch, "notify::n-done", G_CALLBACK (progress_cb), run);
      g_signal_connect (run->batch, "notify::n-failed", G_CALLBACK (progress_cb), run);
      draw_progress (run);
    }

  sp_batch_run_async (run->batch, sp_cli_get_cancellable (), sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  ok = sp_batch_run_finish (run->batch, result, &error);
  if (run->progress)
    g_printerr ("\n");

  print_summary (run, json, resumed);
  if (run->write_error != NULL)
    return sp_cli_fail (g_steal_pointer (&run->write_error));
  if (!ok)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr (_("starprompt-cli: stopped. Run the same command again to resume the batch.\n"));
      else
        {
          sp_cli_fail (g_steal_pointer (&error));
          g_printerr (_("starprompt-cli: the examples made so far are kept; run the same command again to resume.\n"));
        }
      return SP_CLI_EXIT_FAILURE;
    }
  if (sp_batch_get_n_failed (run->batch) > 0)
    {
      g_printerr (ngettext ("starprompt-cli: %u example failed for good; run the same command again to retry it.\n",
                            "starprompt-cli: %u examples failed for good; run the same command again to retry them.\n",
                            sp_batch_get_n_failed (run->batch)),
                  sp_batch_get_n_failed (run->batch));
      return SP_CLI_EXIT_FAILURE;
    }
  return SP_CLI_EXIT_OK;
}

static const char *
default_model (SpClient *client)
{
  const char *model = sp_provider_get_default_model (sp_client_get_provider (client));

  return model != NULL ? model : "gpt-4o-mini";
}

int
sp_cli_batch (int    argc,
              char **argv)
{
  g_autofree char *out_path = NULL;
  g_autofree char *template_path = NULL;
  g_autofree char *stories_path = NULL;
  g_autofree char *model = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *provider_id = NULL;
  g_autofree char *base_url = NULL;
  int count = 0;
  int concurrency = SP_BATCH_DEFAULT_CONCURRENCY;
  int rpm = 0;
  gint64 seed = 0;
  gboolean is_short = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count, N_("Number of examples to make"), N_("N") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, N_("JSONL file the examples go to; the same file again resumes the batch"), N_("FILE.jsonl") },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &template_path, N_("Few-shot template (JSON); default: the built-in sci-fi template"), N_("FILE") },
    { "stories", 0, 0, G_OPTION_ARG_FILENAME, &stories_path, N_("A folder of .txt stories or a CSV file (title,text); default: the built-in stories"), N_("DIR|FILE") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Model"), N_("M") },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency, N_("Requests at once, 1–64 (default 8)"), N_("C") },
    { "rpm", 0, 0, G_OPTION_ARG_INT, &rpm, N_("At most this many requests per minute"), N_("R") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("chat (default) or completion (legacy prompt/completion)"), N_("FORMAT") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed for the story picks (the same seed, the same picks)"), N_("S") },
    { "short", 0, 0, G_OPTION_ARG_NONE, &is_short, N_("Train on the short prompt (“… prompt about TITLE”) instead of the full few-shot prompt"), NULL },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_id, N_("Saved provider profile"), N_("ID") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Base URL of an OpenAI-compatible server"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the summary as JSON"), NULL },
    { NULL }
  };
  g_autoptr(SpClient) client = NULL;
  g_autoptr(SpTemplate) template = NULL;
  g_autoptr(GListModel) stories = NULL;
  g_autoptr(SpStore) store = NULL;
  g_autoptr(SpBatch) batch = NULL;
  g_autofree char *absolute = NULL;
  SpBatchOptions options = { 0 };
  SpExportFormat format = SP_EXPORT_FORMAT_CHAT;
  gboolean resumed = FALSE;
  Run run = { 0 };
  GError *error = NULL;
  int status;

  if (!sp_cli_parse_options ("batch", NULL, _("Make a training set: many examples from the stories, many requests at once, resumable."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (count < 1)
    return sp_cli_usage_error (_("Give the number of examples with --count N (at least 1)."));
  if (out_path == NULL)
    return sp_cli_usage_error (_("Give the file for the examples with --out FILE.jsonl."));
  if (concurrency < 1 || concurrency > SP_BATCH_MAX_CONCURRENCY)
    return sp_cli_usage_error (_("The concurrency must be between 1 and %d."), SP_BATCH_MAX_CONCURRENCY);
  if (rpm < 0)
    return sp_cli_usage_error (_("The requests per minute must not be negative."));
  if (seed < 0)
    return sp_cli_usage_error (_("The seed must not be negative."));
  if (format_name != NULL && !sp_export_format_from_string (format_name, &format))
    return sp_cli_usage_error (_("Unknown format “%s”: use chat or completion."), format_name);

  template = load_template (template_path, &error);
  if (template == NULL || !sp_template_validate (template, &error))
    return sp_cli_fail (error);
  stories = load_stories (stories_path, &error);
  if (stories == NULL && error != NULL)
    return sp_cli_fail (error);
  client = sp_cli_make_client (provider_id, base_url, &error);
  if (client == NULL)
    return sp_cli_fail (error);
  store = sp_store_new (NULL, &error);
  if (store == NULL)
    return sp_cli_fail (error);

  /* The batch is known by the absolute path of its file. */
  absolute = g_canonicalize_filename (out_path, NULL);
  options.key = absolute;
  options.model = model != NULL ? model : default_model (client);
  options.template = template;
  options.stories = stories;
  options.n_items = count;
  options.seed = (guint64) seed;
  options.concurrency = concurrency;
  options.rpm = rpm;
  options.pair_mode = is_short ? SP_PAIR_MODE_SHORT : SP_PAIR_MODE_FULL;
  options.format = format;
  batch = find_or_create_batch (store, client, &options, &resumed, &error);
  if (batch == NULL)
    return sp_cli_fail (error);
  sp_batch_set_concurrency (batch, concurrency);
  sp_batch_set_rpm_limit (batch, rpm);

  /* What the file holds may be behind the store (a crash between the two
   * writes) or cut in the middle of a line: it is written again from the
   * store first, atomically, then examples are appended. */
  if (sp_batch_export_sync (batch, absolute, format, NULL, FALSE, &error) == 0 && error != NULL)
    return sp_cli_fail (error);
  run.out = fopen (absolute, "a");
  if (run.out == NULL)
    {
      int saved_errno = errno;

      return sp_cli_fail (g_error_new (SP_ERROR, SP_ERROR_FAILED,
                                       _("“%s” could not be opened: %s."),
                                       absolute, g_strerror (saved_errno)));
    }
  if (resumed && !json)
    g_printerr (_("Resuming the batch of “%s”: %u of %u examples already made.\n"),
                absolute, sp_batch_get_n_done (batch), sp_batch_get_n_total (batch));

  run.batch = batch;
  run.out_path = absolute;
  run.format = format;
  run.progress = sp_cli_stderr_is_terminal () && !json;
  status = run_batch (&run, json, resumed);
  fclose (run.out);

  return status;
}
