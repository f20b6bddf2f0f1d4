// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-ui-fine-tune-page"

#include "config.h"

#include <adwaita.h>

#include "sp-fine-tune-page.h"
#include "sp-ui-test-fixture.h"

#define N_EXAMPLES 12

typedef struct
{
  SpUiTestFixture  base;
  SpFineTunePage  *page;
  GFile           *file;
} Fixture;

/* A small training set in the chat format, as the Dataset page exports it. */
static GFile *
write_training_file (const char *name,
                     guint       n_examples,
                     gboolean    with_error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = g_build_filename (sp_ui_test_get_tmp_dir (), name, NULL);

  for (guint i = 0; i < n_examples; i++)
    g_string_append_printf (text,
                            "{\"messages\": [{\"role\": \"system\", \"content\": \"You write image prompts.\"}, "
                            "{\"role\": \"user\", \"content\": \"Write a prompt about story number %u, "
                            "a lighthouse keeper on Europa.\"}, "
                            "{\"role\": \"assistant\", \"content\": \"A lighthouse on the ice of Europa, "
                            "variant %u, cinematic, volumetric light --ar 3:2\"}]}\n",
                            i, i);
  if (with_error)
    g_string_append (text, "{\"messages\": [{\"role\": \"user\", \"content\": \"no answer\"}]}\n");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  return g_file_new_for_path (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint n_fixtures;
  g_autofree char *name = g_strdup_printf ("data-%u", ++n_fixtures);
  g_autofree char *data_dir = g_build_filename (sp_ui_test_get_tmp_dir (), name, NULL);

  /* Each test starts with no remembered jobs: the fake server's job ids
   * start again with each server. */
  g_setenv ("STARPROMPT_DATA_DIR", data_dir, TRUE);
  sp_ui_test_fixture_set_up (&fixture->base, 1280, 900);
  sp_fake_server_set_job_step_ms (fixture->base.server, 10);

  fixture->page = g_object_new (SP_TYPE_FINE_TUNE_PAGE, NULL);
  gtk_window_set_child (fixture->base.window, GTK_WIDGET (fixture->page));
  sp_fine_tune_page_setup (fixture->page, fixture->base.providers, fixture->base.secrets, fixture->base.settings);
  sp_fine_tune_page_select_provider (fixture->page, "fake");
  sp_fine_tune_page_set_poll_interval (fixture->page, 20);
  gtk_window_present (fixture->base.window);
  fixture->file = write_training_file ("train.jsonl", N_EXAMPLES, FALSE);
  sp_ui_test_spin (50);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sp_ui_test_fixture_tear_down (&fixture->base);
  g_clear_object (&fixture->file);
}

static gboolean
validated (Fixture *fixture)
{
  return !sp_fine_tune_page_get_validating (fixture->page) &&
         sp_fine_tune_page_get_report (fixture->page) != NULL;
}

static gboolean
upload_ended (Fixture *fixture)
{
  return !sp_fine_tune_page_get_uploading (fixture->page);
}

static gboolean
job_ended (Fixture *fixture)
{
  SpJobRecord *job = sp_fine_tune_page_get_job (fixture->page);

  return job != NULL && sp_fine_tune_status_is_final (sp_job_record_get_status (job));
}

static gboolean
has_checkpoints (Fixture *fixture)
{
  return sp_fine_tune_page_get_n_checkpoints (fixture->page) > 0;
}

static gboolean
all_metrics_drawn (Fixture *fixture)
{
  return sp_loss_chart_get_n_points (sp_fine_tune_page_get_loss_chart (fixture->page)) == 20;
}

static void
choose_file (Fixture *fixture,
             GFile   *file)
{
  sp_fine_tune_page_set_file (fixture->page, file);
  g_assert_true (sp_fine_tune_page_get_validating (fixture->page));
  sp_ui_test_wait_for (fixture, validated);
}

static void
test_report_before_upload (Fixture       *fixture,
                           gconstpointer  data)
{
  SpJsonlReport *report;
  g_autofree char *cost = NULL;

  choose_file (fixture, fixture->file);
  report = sp_fine_tune_page_get_report (fixture->page);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, N_EXAMPLES);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  /* Twelve examples: the automatic rule of OpenAI's cookbook, 100 / 12. */
  g_assert_true (sp_jsonl_report_get_epochs_auto (report));
  g_assert_cmpuint (sp_jsonl_report_get_epochs (report), ==, 8);
  cost = sp_fine_tune_page_dup_cost_text (fixture->page);
  g_assert_true (g_str_has_prefix (cost, "$"));
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->base.server, "/v1/files"), ==, 0);

  /* Other epochs give other figures. */
  sp_fine_tune_page_set_epochs (fixture->page, 2);
  sp_ui_test_wait_for (fixture, validated);
  g_assert_cmpuint (sp_jsonl_report_get_epochs (sp_fine_tune_page_get_report (fixture->page)), ==, 2);
}

static void
test_errors_refuse_start (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GFile) bad = write_training_file ("bad.jsonl", N_EXAMPLES, TRUE);
  g_autofree char *status = NULL;
  SpJsonlReport *report;

  choose_file (fixture, bad);
  report = sp_fine_tune_page_get_report (fixture->page);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_error (report, 0)->line, ==, N_EXAMPLES + 1);

  sp_fine_tune_page_start (fixture->page);
  status = sp_fine_tune_page_dup_status_text (fixture->page);
  g_assert_nonnull (strstr (status, "1 error"));
  g_assert_false (sp_fine_tune_page_get_uploading (fixture->page));
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->base.server, "/v1/files"), ==, 0);
}

static void
test_bad_suffix_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *status = NULL;
  g_autofree char *long_suffix = g_strnfill (65, 'a');

  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_suffix (fixture->page, long_suffix);
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  status = sp_fine_tune_page_dup_status_text (fixture->page);
  g_assert_nonnull (strstr (status, "64"));
  g_assert_false (sp_fine_tune_page_get_uploading (fixture->page));
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->base.server, "/v1/files"), ==, 0);
}

static AdwMessageDialog *
find_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static void
test_confirmation_cancel_spends_nothing (Fixture       *fixture,
                                         gconstpointer  data)
{
  AdwMessageDialog *dialog;
  const char *body;

  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_epochs (fixture->page, 3);
  sp_ui_test_wait_for (fixture, validated);
  sp_fine_tune_page_start (fixture->page);
  sp_ui_test_spin (50);

  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (dialog);
  /* Tokens, epochs and the cost, before anything is spent. */
  g_assert_nonnull (strstr (body, "12 examples"));
  g_assert_nonnull (strstr (body, "3 epochs"));
  g_assert_nonnull (strstr (body, "billed tokens"));
  g_assert_nonnull (strstr (body, "Estimated cost: $"));
  g_assert_nonnull (strstr (body, "uploaded"));

  /* As the Cancel button does: respond, then close. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  sp_ui_test_spin (100);
  g_assert_false (sp_fine_tune_page_get_uploading (fixture->page));
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->base.server, "/v1/files"), ==, 0);
  /* The page only listed the jobs (there are none): none was created. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "fine-tune.refresh", NULL);
  sp_ui_test_spin (200);
  g_assert_null (sp_fine_tune_page_get_job (fixture->page));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sp_fine_tune_page_get_job_list (fixture->page))), ==, 0);
}

static void
use_model_cb (SpFineTunePage *page,
              const char     *model,
              char          **out)
{
  g_free (*out);
  *out = g_strdup (model);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
saved_with_job (Fixture *fixture)
{
  SpJobRecord *job = sp_fine_tune_page_get_job (fixture->page);
  g_autofree char *path = sp_job_list_dup_default_path ();
  g_autofree char *data = NULL;

  return g_file_get_contents (path, &data, NULL, NULL) &&
         strstr (data, sp_job_record_get_id (job)) != NULL &&
         strstr (data, "\"succeeded\"") != NULL;
}

static void
test_job_runs_to_success (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *used = NULL;
  g_autofree char *status = NULL;
  g_autofree char *path = sp_job_list_dup_default_path ();
  g_autoptr(SpJobList) persisted = sp_job_list_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  SpJobRecord *job;
  SpJobRecord *copy;
  SpLossChart *chart;
  GFile *file;
  guint64 size;

  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_suffix (fixture->page, "prompts");
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  g_assert_true (sp_fine_tune_page_get_uploading (fixture->page));
  sp_ui_test_wait_for (fixture, upload_ended);

  file = fixture->file;
  g_assert_true (g_file_query_exists (file, NULL));
  size = sp_fake_server_get_last_upload_size (fixture->base.server);
  g_assert_cmpuint (size, >, 0);
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->base.server, "/v1/files"), ==, 1);

  job = sp_fine_tune_page_get_job (fixture->page);
  g_assert_nonnull (job);
  g_assert_cmpint (sp_job_record_get_estimated_cost (job), >, 0);
  sp_ui_test_wait_for (fixture, job_ended);
  sp_ui_test_wait_for (fixture, all_metrics_drawn);
  sp_ui_test_wait_for (fixture, has_checkpoints);

  g_assert_cmpint (sp_job_record_get_status (job), ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpstr (sp_job_record_get_fine_tuned_model (job), ==,
                   "ft:gpt-4o-mini-2024-07-18:fake:prompts:abc123");
  g_assert_cmpint (sp_job_record_get_trained_tokens (job), >, 0);
  status = sp_fine_tune_page_dup_job_status_text (fixture->page);
  g_assert_cmpstr (status, ==, sp_fine_tune_status_get_label (SP_FINE_TUNE_STATUS_SUCCEEDED));
  g_assert_cmpuint (sp_fine_tune_page_get_n_events (fixture->page), >=, 20);
  g_assert_cmpuint (sp_fine_tune_page_get_n_checkpoints (fixture->page), ==, 2);

  chart = sp_fine_tune_page_get_loss_chart (fixture->page);
  g_assert_cmpuint (sp_loss_chart_get_n_points (chart), ==, 20);
  g_assert_true (g_str_has_prefix (sp_loss_chart_get_summary (chart), "Training loss fell from"));
  g_assert_nonnull (strstr (sp_loss_chart_get_summary (chart), "over 20 steps"));

  /* Use This Model hands the model over. */
  g_signal_connect (fixture->page, "use-model", G_CALLBACK (use_model_cb), &used);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "fine-tune.use-model", NULL));
  g_assert_cmpstr (used, ==, "ft:gpt-4o-mini-2024-07-18:fake:prompts:abc123");

  /* The job is remembered. */
  sp_ui_test_wait_for (fixture, saved_with_job);
  sp_job_list_load_async (persisted, NULL, loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sp_job_list_load_finish (persisted, result, NULL));
  copy = sp_job_list_lookup (persisted, sp_job_record_get_id (job));
  g_assert_nonnull (copy);
  g_assert_cmpstr (sp_job_record_get_provider_id (copy), ==, "fake");
  g_assert_cmpint (sp_job_record_get_estimated_cost (copy), ==, sp_job_record_get_estimated_cost (job));
  g_assert_cmpint (sp_job_record_get_status (copy), ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
}

static void
job_ended_cb (SpFineTunePage *page,
              const char     *job_id,
              GPtrArray      *ended)
{
  g_ptr_array_add (ended, g_strdup (job_id));
}

static gboolean
two_ended (GPtrArray *ended)
{
  return ended->len >= 2;
}

static gboolean
job_has_started (Fixture *fixture)
{
  return upload_ended (fixture) && sp_fine_tune_page_get_job (fixture->page) != NULL;
}

/* A job that is no longer on screen (another one was started after it)
 * still gets its end announced. */
static void
test_job_off_screen_announced (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *first = NULL;
  SpJobList *jobs = sp_fine_tune_page_get_job_list (fixture->page);
  SpJobRecord *record;

  /* 20 steps of 100 ms: the first job runs while the second starts. */
  sp_fake_server_set_job_step_ms (fixture->base.server, 100);
  g_signal_connect (fixture->page, "job-ended", G_CALLBACK (job_ended_cb), ended);

  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_suffix (fixture->page, "one");
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  sp_ui_test_wait_for (fixture, job_has_started);
  first = g_strdup (sp_job_record_get_id (sp_fine_tune_page_get_job (fixture->page)));

  sp_fine_tune_page_set_suffix (fixture->page, "two");
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  sp_ui_test_wait_for (fixture, upload_ended);
  g_assert_nonnull (sp_fine_tune_page_get_job (fixture->page));
  g_assert_cmpstr (sp_job_record_get_id (sp_fine_tune_page_get_job (fixture->page)), !=, first);
  record = sp_job_list_lookup (jobs, first);
  g_assert_nonnull (record);
  g_assert_false (sp_fine_tune_status_is_final (sp_job_record_get_status (record)));

  sp_ui_test_wait_for (ended, two_ended);
  g_assert_true (g_ptr_array_find_with_equal_func (ended, first, g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (ended, sp_job_record_get_id (sp_fine_tune_page_get_job (fixture->page)),
                                                   g_str_equal, NULL));
  g_assert_cmpint (sp_job_record_get_status (sp_job_list_lookup (jobs, first)), ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
}

static gboolean
first_ended (GPtrArray *ended)
{
  return ended->len >= 1;
}

static const char *first_job_id;

static gboolean
second_job_shown (Fixture *fixture)
{
  SpJobRecord *job = sp_fine_tune_page_get_job (fixture->page);

  return upload_ended (fixture) && job != NULL && g_strcmp0 (sp_job_record_get_id (job), first_job_id) != 0;
}

/* The job that is no longer on screen ran on another provider than the
 * one now picked: its provider is asked all the same. */
static void
test_job_of_other_provider_announced (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SpFakeServer) other_server = NULL;
  g_autoptr(SpProvider) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  SpJobList *jobs = sp_fine_tune_page_get_job_list (fixture->page);

  other_server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  /* The second server's jobs take long: only the first one ends here. */
  sp_fake_server_set_job_step_ms (other_server, 60000);
  sp_fake_server_set_first_job_number (other_server, 100);
  other = sp_provider_new ("fake2", "Other Fake Server", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                           sp_fake_server_get_base_url (other_server));
  sp_provider_list_add (fixture->base.providers, other);

  sp_fake_server_set_job_step_ms (fixture->base.server, 100);
  g_signal_connect (fixture->page, "job-ended", G_CALLBACK (job_ended_cb), ended);

  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_suffix (fixture->page, "one");
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  sp_ui_test_wait_for (fixture, job_has_started);
  first = g_strdup (sp_job_record_get_id (sp_fine_tune_page_get_job (fixture->page)));
  first_job_id = first;

  sp_fine_tune_page_select_provider (fixture->page, "fake2");
  sp_ui_test_spin (50);
  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_suffix (fixture->page, "two");
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  sp_ui_test_wait_for (fixture, second_job_shown);
  g_assert_cmpuint (sp_fake_server_get_path_count (other_server, "/v1/files"), ==, 1);
  g_assert_cmpstr (sp_job_record_get_provider_id (sp_fine_tune_page_get_job (fixture->page)), ==, "fake2");
  g_assert_false (sp_fine_tune_status_is_final (sp_job_record_get_status (sp_job_list_lookup (jobs, first))));

  sp_ui_test_wait_for (ended, first_ended);
  g_assert_cmpstr (g_ptr_array_index (ended, 0), ==, first);
  g_assert_cmpint (sp_job_record_get_status (sp_job_list_lookup (jobs, first)), ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpstr (sp_job_record_get_provider_id (sp_job_list_lookup (jobs, first)), ==, "fake");
}

static void
test_failing_job_shows_error (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *status = NULL;
  g_autofree char *error = NULL;
  SpJobRecord *job;

  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_suffix (fixture->page, "fail");
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  sp_ui_test_wait_for (fixture, upload_ended);
  job = sp_fine_tune_page_get_job (fixture->page);
  g_assert_nonnull (job);
  sp_ui_test_wait_for (fixture, job_ended);

  g_assert_cmpint (sp_job_record_get_status (job), ==, SP_FINE_TUNE_STATUS_FAILED);
  status = sp_fine_tune_page_dup_job_status_text (fixture->page);
  g_assert_cmpstr (status, ==, sp_fine_tune_status_get_label (SP_FINE_TUNE_STATUS_FAILED));
  error = sp_fine_tune_page_dup_job_error_text (fixture->page);
  g_assert_cmpstr (error, !=, "");
  g_assert_cmpstr (error, ==, sp_job_record_get_error_message (job));
  g_assert_null (sp_job_record_get_fine_tuned_model (job));
}

static void
test_fine_tuning_closed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *status = NULL;

  choose_file (fixture, fixture->file);
  sp_fine_tune_page_set_model (fixture->page, "fake-ft-closed");
  sp_ui_test_wait_for (fixture, validated);
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  sp_ui_test_wait_for (fixture, upload_ended);

  status = sp_fine_tune_page_dup_status_text (fixture->page);
  g_assert_nonnull (strstr (status, "not available"));
  g_assert_nonnull (strstr (status, "2027"));
  g_assert_nonnull (strstr (status, "Dataset page"));
  g_assert_null (sp_fine_tune_page_get_job (fixture->page));
}

static void
test_cancel_upload (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *status = NULL;

  choose_file (fixture, fixture->file);
  sp_fake_server_set_latency (fixture->base.server, 500);
  sp_fine_tune_page_start_without_confirmation (fixture->page);
  g_assert_true (sp_fine_tune_page_get_uploading (fixture->page));
  sp_ui_test_spin (50);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "fine-tune.cancel-upload", NULL));
  sp_ui_test_wait_for (fixture, upload_ended);
  status = sp_fine_tune_page_dup_status_text (fixture->page);
  g_assert_nonnull (strstr (status, "cancelled"));
  g_assert_null (sp_fine_tune_page_get_job (fixture->page));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sp_fine_tune_page_get_job_list (fixture->page))), ==, 0);
}

static void
test_loss_chart_summary (void)
{
  SpLossChart *chart = g_object_ref_sink (sp_loss_chart_new ());

  g_assert_cmpstr (sp_loss_chart_get_summary (chart), ==, "No training metrics yet.");
  sp_loss_chart_add_point (chart, 1, 2.1, NAN);
  sp_loss_chart_add_point (chart, 10, 0.35, 0.5);
  sp_loss_chart_add_point (chart, 5, 1.0, NAN);
  g_assert_cmpuint (sp_loss_chart_get_n_points (chart), ==, 3);
  g_assert_cmpstr (sp_loss_chart_get_summary (chart), ==,
                   "Training loss fell from 2.10 to 0.35 over 10 steps. Validation loss ended at 0.50.");
  /* The same step again replaces its point. */
  sp_loss_chart_add_point (chart, 10, 0.30, NAN);
  g_assert_cmpuint (sp_loss_chart_get_n_points (chart), ==, 3);
  sp_loss_chart_clear (chart);
  g_assert_cmpuint (sp_loss_chart_get_n_points (chart), ==, 0);
  g_assert_finalize_object (chart);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_NUMERIC", "C", TRUE);
  sp_ui_test_init (&argc, &argv, "starprompt-ft-ui-XXXXXX");

#define ADD(path, func) \
  g_test_add ("/sp/ui/fine-tune-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("report-before-upload", test_report_before_upload);
  ADD ("errors-refuse-start", test_errors_refuse_start);
  ADD ("bad-suffix-refused", test_bad_suffix_refused);
  ADD ("confirmation-cancel-spends-nothing", test_confirmation_cancel_spends_nothing);
  ADD ("job-runs-to-success", test_job_runs_to_success);
  ADD ("job-off-screen-announced", test_job_off_screen_announced);
  ADD ("job-of-other-provider-announced", test_job_of_other_provider_announced);
  ADD ("failing-job-shows-error", test_failing_job_shows_error);
  ADD ("fine-tuning-closed", test_fine_tuning_closed);
  ADD ("cancel-upload", test_cancel_upload);
#undef ADD
  g_test_add_func ("/sp/ui/fine-tune-page/loss-chart-summary", test_loss_chart_summary);

  return sp_ui_test_run ();
}
