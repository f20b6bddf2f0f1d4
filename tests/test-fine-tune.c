// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-fine-tune"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sp-client.h"
#include "sp-client-files.h"
#include "sp-error.h"
#include "sp-fake-server.h"
#include "sp-fine-tune.h"
#include "sp-fine-tune-watcher.h"
#include "sp-provider.h"
#include "sp-test-util.h"

#define WRONG_KEY "sk-wrong-0123456789abcdef"
#define RIGHT_KEY "sk-right-0123456789abcdef"
#define FINE_TUNED "ft:gpt-4o-mini-2024-07-18:fake::abc123"

typedef struct
{
  SpFakeServer *server;
  SpProvider   *provider;
  SpClient     *client;
  char         *dir;

  /* Upload progress. */
  guint64       last_sent;
  guint64       last_total;
  guint         n_progress;
  gboolean      progress_went_back;
  GCancellable *cancel_on_progress;

  /* Watcher signals. */
  GPtrArray    *events;
  GPtrArray    *statuses;
  guint         n_finished;
  GError       *finished_error;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  sp_fake_server_set_job_step_ms (fixture->server, 10);
  fixture->provider = sp_provider_new ("fake", "Fake", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                                       sp_fake_server_get_base_url (fixture->server));
  fixture->client = sp_test_client_new (fixture->provider, NULL);
  fixture->dir = g_dir_make_tmp ("test-fine-tune-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_fine_tune_event_free);
  fixture->statuses = g_ptr_array_new ();
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->cancel_on_progress);

  /* Let the server see its connections close before it goes away. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&fixture->server));

  remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_ptr_array_unref (fixture->events);
  g_ptr_array_unref (fixture->statuses);
  g_clear_error (&fixture->finished_error);
}

static void
sleep_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* A chat-format JSONL file of @n_lines examples. */
static char *
write_jsonl (Fixture    *fixture,
             const char *name,
             guint       n_lines,
             GString   **out_contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (contents,
                            "{\"messages\": [{\"role\": \"system\", \"content\": \"You write image prompts.\"}, "
                            "{\"role\": \"user\", \"content\": \"Story %u: a lighthouse on Europa.\"}, "
                            "{\"role\": \"assistant\", \"content\": \"lighthouse %u, cinematic, --ar 3:2\"}]}\n",
                            i, i);

  g_file_set_contents (path, contents->str, contents->len, &error);
  g_assert_no_error (error);

  if (out_contents != NULL)
    *out_contents = g_steal_pointer (&contents);

  return g_steal_pointer (&path);
}

static void
progress_cb (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  Fixture *fixture = user_data;

  if (sent < fixture->last_sent)
    fixture->progress_went_back = TRUE;
  fixture->last_sent = sent;
  fixture->last_total = total;
  fixture->n_progress++;

  if (fixture->cancel_on_progress != NULL && sent > 0)
    g_cancellable_cancel (fixture->cancel_on_progress);
}

static SpUploadedFile *
upload (Fixture       *fixture,
        const char    *path,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  sp_client_upload_file_async (fixture->client, file, NULL, progress_cb, fixture,
                               cancellable, sp_test_store_result_cb, &result);
  return sp_client_upload_file_finish (fixture->client, sp_test_wait_for (&result), error);
}

static char *
upload_ok (Fixture *fixture)
{
  g_autofree char *path = write_jsonl (fixture, "train.jsonl", 20, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpUploadedFile) file = upload (fixture, path, NULL, &error);

  g_assert_no_error (error);
  return g_strdup (file->id);
}

static SpFineTuneJob *
create_job (Fixture                 *fixture,
            const SpFineTuneRequest *request,
            GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sp_client_create_fine_tune_job_async (fixture->client, request, NULL, sp_test_store_result_cb, &result);
  return sp_client_create_fine_tune_job_finish (fixture->client, sp_test_wait_for (&result), error);
}

static SpFineTuneJob *
get_job (Fixture     *fixture,
         const char  *job_id,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sp_client_get_fine_tune_job_async (fixture->client, job_id, NULL, sp_test_store_result_cb, &result);
  return sp_client_get_fine_tune_job_finish (fixture->client, sp_test_wait_for (&result), error);
}

static SpFineTuneJob *
wait_for_status (Fixture          *fixture,
                 const char       *job_id,
                 SpFineTuneStatus  status)
{
  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SpFineTuneJob) job = get_job (fixture, job_id, &error);

      g_assert_no_error (error);
      if (job->status == status || sp_fine_tune_status_is_final (job->status))
        return g_steal_pointer (&job);
      sleep_ms (10);
    }

  g_assert_not_reached ();
}

static void
test_upload (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GString) contents = NULL;
  g_autofree char *path = write_jsonl (fixture, "big set.jsonl", 20000, &contents);
  g_autofree char *expected_checksum = NULL;
  g_autofree char *checksum = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpUploadedFile) file = NULL;

  file = upload (fixture, path, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (g_str_has_prefix (file->id, "file-"));
  g_assert_cmpstr (file->filename, ==, "big set.jsonl");
  g_assert_cmpstr (file->purpose, ==, "fine-tune");
  g_assert_cmpuint (file->bytes, ==, contents->len);

  /* Progress reached the whole file, in more than one step, never back. */
  g_assert_cmpuint (fixture->n_progress, >, 1);
  g_assert_cmpuint (fixture->last_sent, ==, contents->len);
  g_assert_cmpuint (fixture->last_total, ==, contents->len);
  g_assert_false (fixture->progress_went_back);

  /* The server got exactly the file's bytes. */
  g_assert_cmpuint (sp_fake_server_get_last_upload_size (fixture->server), ==, contents->len);
  expected_checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                   (const guchar *) contents->str, contents->len);
  checksum = sp_fake_server_dup_last_upload_checksum (fixture->server);
  g_assert_cmpstr (checksum, ==, expected_checksum);
}

static void
test_upload_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = write_jsonl (fixture, "cancel.jsonl", 100000, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpUploadedFile) file = NULL;

  fixture->cancel_on_progress = g_cancellable_new ();
  file = upload (fixture, path, fixture->cancel_on_progress, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (file);
  g_assert_cmpuint (fixture->last_sent, <, fixture->last_total);
  g_clear_error (&error);

  /* The client still works afterwards. */
  g_clear_object (&fixture->cancel_on_progress);
  g_free (upload_ok (fixture));
}

static void
test_upload_rejected (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "bad.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpUploadedFile) file = NULL;

  g_file_set_contents (path, "{\"messages\": []}\n[1, 2, 3]\n", -1, &error);
  g_assert_no_error (error);

  file = upload (fixture, path, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_assert_nonnull (strstr (error->message, "Line 2 is not a JSON object"));
  g_assert_nonnull (strstr (error->message, "starprompt-cli validate"));
}

static void
test_upload_unreadable (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpUploadedFile) file = NULL;

  file = upload (fixture, path, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_assert_nonnull (strstr (error->message, "missing.jsonl"));
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 0);
}

static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SpProvider) provider = sp_provider_new_offline ();
  g_autoptr(SpClient) client = sp_client_new (provider, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = "file-1" };

  sp_client_create_fine_tune_job_async (client, &request, NULL, sp_test_store_result_cb, &result);
  job = sp_client_create_fine_tune_job_finish (client, sp_test_wait_for (&result), &error);
  g_assert_null (job);
  g_assert_error (error, SP_ERROR, SP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "Export the JSONL"));
}

static void
test_files (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autofree char *destination = g_build_filename (fixture->dir, "metrics.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) destination_file = g_file_new_for_path (destination);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpUploadedFile) file = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = training_file };
  guint64 bytes = 0;

  /* The file as the server describes it. */
  sp_client_get_file_async (fixture->client, training_file, NULL, sp_test_store_result_cb, &result);
  file = sp_client_get_file_finish (fixture->client, sp_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->id, ==, training_file);
  g_assert_cmpstr (file->filename, ==, "train.jsonl");
  g_clear_object (&result);

  /* The result file of a finished job, downloaded. */
  job = create_job (fixture, &request, &error);
  g_assert_no_error (error);
  g_clear_pointer (&job, sp_fine_tune_job_free);
  job = wait_for_status (fixture, "ftjob-fake0001", SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpint (job->status, ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpuint (g_strv_length (job->result_files), ==, 1);

  sp_client_download_file_async (fixture->client, job->result_files[0], destination_file, NULL,
                                 sp_test_store_result_cb, &result);
  g_assert_true (sp_client_download_file_finish (fixture->client, sp_test_wait_for (&result), &bytes, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_file_get_contents (destination, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "step,train_loss,valid_loss\n1,2.1000,\n"));
  g_assert_cmpuint (bytes, ==, strlen (contents));

  /* Delete, then it is gone, in words. */
  sp_client_delete_file_async (fixture->client, training_file, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_client_delete_file_finish (fixture->client, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_pointer (&file, sp_uploaded_file_free);

  sp_client_get_file_async (fixture->client, training_file, NULL, sp_test_store_result_cb, &result);
  file = sp_client_get_file_finish (fixture->client, sp_test_wait_for (&result), &error);
  g_assert_null (file);
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "file-"));
}

static void
test_download_missing (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *destination = g_build_filename (fixture->dir, "nothing.csv", NULL);
  g_autofree char *part = g_strconcat (destination, ".part", NULL);
  g_autoptr(GFile) destination_file = g_file_new_for_path (destination);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sp_client_download_file_async (fixture->client, "file-nope", destination_file, NULL,
                                 sp_test_store_result_cb, &result);
  g_assert_false (sp_client_download_file_finish (fixture->client, sp_test_wait_for (&result), NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (destination, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autofree char *validation_file = upload_ok (fixture);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  JsonObject *object;
  JsonObject *hyperparameters;
  SpFineTuneRequest request = {
    .model = "gpt-4o-mini",
    .training_file = training_file,
    .validation_file = validation_file,
    .suffix = "sci-fi_prompts",
    .n_epochs = 3,
    .has_seed = TRUE,
    .seed = 7,
  };

  job = create_job (fixture, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job->id, ==, "ftjob-fake0001");
  g_assert_cmpint (job->status, ==, SP_FINE_TUNE_STATUS_VALIDATING_FILES);
  g_assert_cmpstr (job->status_text, ==, "validating_files");
  g_assert_cmpstr (job->model, ==, "gpt-4o-mini-2024-07-18");
  g_assert_cmpstr (job->training_file, ==, training_file);
  g_assert_cmpstr (job->validation_file, ==, validation_file);
  g_assert_cmpstr (job->suffix, ==, "sci-fi_prompts");
  g_assert_null (job->fine_tuned_model);
  g_assert_cmpint (job->trained_tokens, ==, -1);
  g_assert_cmpint (job->seed, ==, 7);
  g_assert_cmpuint (job->n_epochs, ==, 3);
  g_assert_cmpint (job->finished_at, ==, 0);

  /* What went over the wire. */
  body = sp_fake_server_dup_last_request_body (fixture->server);
  sent = json_from_string (body, &error);
  g_assert_no_error (error);
  object = json_node_get_object (sent);
  g_assert_cmpstr (json_object_get_string_member (object, "suffix"), ==, "sci-fi_prompts");
  g_assert_cmpint (json_object_get_int_member (object, "seed"), ==, 7);
  object = json_object_get_object_member (object, "method");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "supervised");
  hyperparameters = json_object_get_object_member (json_object_get_object_member (object, "supervised"),
                                                   "hyperparameters");
  g_assert_cmpint (json_object_get_int_member (hyperparameters, "n_epochs"), ==, 3);
}

static void
test_create_auto_epochs (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = training_file };

  job = create_job (fixture, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job->n_epochs, ==, 0);

  body = sp_fake_server_dup_last_request_body (fixture->server);
  g_assert_nonnull (strstr (body, "\"n_epochs\":\"auto\""));
  g_assert_null (strstr (body, "suffix"));
  g_assert_null (strstr (body, "seed"));
  g_assert_null (strstr (body, "validation_file"));
}

static void
test_get_list_events_checkpoints (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autofree char *validation_file = upload_ok (fixture);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) first = NULL;
  g_autoptr(SpFineTuneJob) second = NULL;
  g_autoptr(SpFineTuneJob) done = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) older = NULL;
  g_autoptr(GPtrArray) checkpoints = NULL;
  SpFineTuneRequest request = {
    .model = "gpt-4o-mini",
    .training_file = training_file,
    .validation_file = validation_file,
  };
  SpFineTuneEvent *event;
  SpFineTuneCheckpoint *checkpoint;
  gboolean has_more = FALSE;

  first = create_job (fixture, &request, &error);
  g_assert_no_error (error);
  second = create_job (fixture, &request, &error);
  g_assert_no_error (error);

  /* Jobs, newest first, in pages. */
  sp_client_list_fine_tune_jobs_async (fixture->client, NULL, 1, NULL, sp_test_store_result_cb, &result);
  jobs = sp_client_list_fine_tune_jobs_finish (fixture->client, sp_test_wait_for (&result), &has_more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_true (has_more);
  g_assert_cmpstr (((SpFineTuneJob *) g_ptr_array_index (jobs, 0))->id, ==, second->id);
  g_clear_object (&result);
  g_clear_pointer (&jobs, g_ptr_array_unref);

  sp_client_list_fine_tune_jobs_async (fixture->client, second->id, 10, NULL, sp_test_store_result_cb, &result);
  jobs = sp_client_list_fine_tune_jobs_finish (fixture->client, sp_test_wait_for (&result), &has_more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_false (has_more);
  g_assert_cmpstr (((SpFineTuneJob *) g_ptr_array_index (jobs, 0))->id, ==, first->id);
  g_clear_object (&result);

  /* The finished job: model, tokens, epochs resolved. */
  done = wait_for_status (fixture, first->id, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpint (done->status, ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpstr (done->fine_tuned_model, ==, FINE_TUNED);
  g_assert_cmpint (done->trained_tokens, >, 0);
  g_assert_cmpint (done->finished_at, >=, done->created_at);
  g_assert_cmpuint (done->n_epochs, ==, 3);
  g_assert_null (done->error_message);

  /* Events, newest first; the page after holds older ones. */
  sp_client_list_fine_tune_events_async (fixture->client, first->id, NULL, 5, NULL,
                                         sp_test_store_result_cb, &result);
  page = sp_client_list_fine_tune_events_finish (fixture->client, sp_test_wait_for (&result), &has_more, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (page->len, ==, 5);
  g_assert_true (has_more);
  event = g_ptr_array_index (page, 0);
  g_assert_cmpstr (event->message, ==, "The job has successfully completed");
  g_assert_false (sp_fine_tune_event_has_metrics (event));
  event = g_ptr_array_index (page, 2);
  g_assert_true (sp_fine_tune_event_has_metrics (event));
  g_assert_cmpstr (event->type, ==, "metrics");
  g_assert_cmpint (event->step, ==, 20);
  g_assert_cmpint (event->total_steps, ==, 20);
  g_assert_false (isnan (event->valid_loss));
  g_assert_cmpfloat (event->valid_loss, >, event->train_loss);

  event = g_ptr_array_index (page, page->len - 1);
  sp_client_list_fine_tune_events_async (fixture->client, first->id, event->id, 100, NULL,
                                         sp_test_store_result_cb, &result);
  older = sp_client_list_fine_tune_events_finish (fixture->client, sp_test_wait_for (&result), &has_more, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (has_more);
  g_assert_cmpuint (page->len + older->len, ==, 26);
  event = g_ptr_array_index (older, older->len - 1);
  g_assert_true (g_str_has_prefix (event->message, "Created fine-tuning job"));

  /* Checkpoints at steps 20 and 10. */
  sp_client_list_fine_tune_checkpoints_async (fixture->client, first->id, NULL, 0, NULL,
                                              sp_test_store_result_cb, &result);
  checkpoints = sp_client_list_fine_tune_checkpoints_finish (fixture->client, sp_test_wait_for (&result),
                                                             &has_more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checkpoints->len, ==, 2);
  checkpoint = g_ptr_array_index (checkpoints, 0);
  g_assert_cmpint (checkpoint->step, ==, 20);
  g_assert_cmpstr (checkpoint->model, ==, FINE_TUNED ":ckpt-step-20");
  g_assert_false (isnan (checkpoint->train_loss));
  g_assert_false (isnan (checkpoint->valid_loss));
  checkpoint = g_ptr_array_index (checkpoints, 1);
  g_assert_cmpint (checkpoint->step, ==, 10);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(SpFineTuneJob) running = NULL;
  g_autoptr(SpFineTuneJob) cancelled = NULL;
  g_autoptr(SpFineTuneJob) later = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = training_file };

  sp_fake_server_set_job_step_ms (fixture->server, 30);
  job = create_job (fixture, &request, &error);
  g_assert_no_error (error);
  running = wait_for_status (fixture, job->id, SP_FINE_TUNE_STATUS_RUNNING);
  g_assert_cmpint (running->status, ==, SP_FINE_TUNE_STATUS_RUNNING);

  sp_client_cancel_fine_tune_job_async (fixture->client, job->id, NULL, sp_test_store_result_cb, &result);
  cancelled = sp_client_cancel_fine_tune_job_finish (fixture->client, sp_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cancelled->status, ==, SP_FINE_TUNE_STATUS_CANCELLED);
  g_assert_null (cancelled->fine_tuned_model);
  g_clear_object (&result);

  /* It stays cancelled, and a second cancel is refused in words. */
  sleep_ms (100);
  later = get_job (fixture, job->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (later->status, ==, SP_FINE_TUNE_STATUS_CANCELLED);
  g_clear_pointer (&job, sp_fine_tune_job_free);

  sp_client_cancel_fine_tune_job_async (fixture->client, later->id, NULL, sp_test_store_result_cb, &result);
  job = sp_client_cancel_fine_tune_job_finish (fixture->client, sp_test_wait_for (&result), &error);
  g_assert_null (job);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "already completed"));
}

static void
test_job_not_found (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = get_job (fixture, "ftjob-nope", &error);

  g_assert_null (job);
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "ftjob-"));
  g_clear_error (&error);

  /* An id is one path segment, whatever it holds. */
  job = get_job (fixture, "../../models", &error);
  g_assert_null (job);
  g_assert_nonnull (error);
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/models"), ==, 0);
}

static void
watcher_event_cb (SpFineTuneWatcher *watcher,
                  SpFineTuneEvent   *event,
                  gpointer           user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->events, sp_fine_tune_event_copy (event));
}

static void
watcher_status_cb (SpFineTuneWatcher *watcher,
                   GParamSpec        *pspec,
                   gpointer           user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->statuses,
                   GINT_TO_POINTER (sp_fine_tune_watcher_get_status (watcher)));
}

static void
watcher_finished_cb (SpFineTuneWatcher *watcher,
                     SpFineTuneJob     *job,
                     const GError      *error,
                     gpointer           user_data)
{
  Fixture *fixture = user_data;

  fixture->n_finished++;
  if (error != NULL)
    fixture->finished_error = g_error_copy (error);
}

static SpFineTuneWatcher *
new_watcher (Fixture    *fixture,
             const char *job_id)
{
  SpFineTuneWatcher *watcher = sp_fine_tune_watcher_new (fixture->client, job_id);

  sp_fine_tune_watcher_set_initial_interval (watcher, 5);
  sp_fine_tune_watcher_set_max_interval (watcher, 40);
  g_signal_connect (watcher, "event", G_CALLBACK (watcher_event_cb), fixture);
  g_signal_connect (watcher, "notify::status", G_CALLBACK (watcher_status_cb), fixture);
  g_signal_connect (watcher, "finished", G_CALLBACK (watcher_finished_cb), fixture);

  return watcher;
}

static SpFineTuneJob *
watch (SpFineTuneWatcher  *watcher,
       GCancellable       *cancellable,
       GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sp_fine_tune_watcher_watch_async (watcher, cancellable, sp_test_store_result_cb, &result);
  return sp_fine_tune_watcher_watch_finish (watcher, sp_test_wait_for (&result), error);
}

static void
test_watcher_succeeded (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) created = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(SpFineTuneWatcher) watcher = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = training_file };
  gint64 last_step = 0;
  double last_loss = INFINITY;
  guint n_metrics = 0;

  created = create_job (fixture, &request, &error);
  g_assert_no_error (error);

  watcher = new_watcher (fixture, created->id);
  job = watch (watcher, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (job->status, ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpstr (job->fine_tuned_model, ==, FINE_TUNED);
  g_assert_cmpint (sp_fine_tune_watcher_get_status (watcher), ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpstr (sp_fine_tune_watcher_get_fine_tuned_model (watcher), ==, FINE_TUNED);
  g_assert_cmpint (sp_fine_tune_watcher_get_trained_tokens (watcher), >, 0);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_null (fixture->finished_error);

  /* Every event once, in order; the metrics step by step with a falling
   * loss. */
  g_assert_cmpuint (fixture->events->len, ==, 26);
  g_assert_true (g_str_has_prefix (((SpFineTuneEvent *) g_ptr_array_index (fixture->events, 0))->message,
                                   "Created fine-tuning job"));
  g_assert_cmpstr (((SpFineTuneEvent *) g_ptr_array_index (fixture->events, 25))->message,
                   ==, "The job has successfully completed");
  for (guint i = 0; i < fixture->events->len; i++)
    {
      SpFineTuneEvent *event = g_ptr_array_index (fixture->events, i);

      if (!sp_fine_tune_event_has_metrics (event))
        continue;
      g_assert_cmpint (event->step, ==, last_step + 1);
      g_assert_cmpfloat (event->train_loss, <, last_loss);
      last_step = event->step;
      last_loss = event->train_loss;
      n_metrics++;
    }
  g_assert_cmpuint (n_metrics, ==, 20);

  /* The status went forward and ended at succeeded. */
  g_assert_cmpuint (fixture->statuses->len, >=, 2);
  for (guint i = 1; i < fixture->statuses->len; i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (fixture->statuses, i)), >,
                     GPOINTER_TO_INT (g_ptr_array_index (fixture->statuses, i - 1)));
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (fixture->statuses, fixture->statuses->len - 1)),
                   ==, SP_FINE_TUNE_STATUS_SUCCEEDED);

  g_assert_finalize_object (g_steal_pointer (&watcher));
}

static void
test_watcher_failed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) created = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(SpFineTuneWatcher) watcher = NULL;
  SpFineTuneRequest request = {
    .model = "gpt-4o-mini",
    .training_file = training_file,
    .suffix = "fail",
  };
  SpFineTuneEvent *last;

  created = create_job (fixture, &request, &error);
  g_assert_no_error (error);

  watcher = new_watcher (fixture, created->id);
  job = watch (watcher, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (job->status, ==, SP_FINE_TUNE_STATUS_FAILED);
  g_assert_null (job->fine_tuned_model);
  g_assert_cmpstr (job->error_code, ==, "training_failed");
  g_assert_nonnull (strstr (job->error_message, "step 5"));
  g_assert_cmpuint (fixture->n_finished, ==, 1);

  last = g_ptr_array_index (fixture->events, fixture->events->len - 1);
  g_assert_cmpstr (last->level, ==, "error");

  g_assert_finalize_object (g_steal_pointer (&watcher));
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_watcher_cancel (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *training_file = upload_ok (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) created = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(SpFineTuneWatcher) watcher = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = training_file };

  /* A slow job, polled slowly: the cancellation comes between polls. */
  sp_fake_server_set_job_step_ms (fixture->server, 1000);
  created = create_job (fixture, &request, &error);
  g_assert_no_error (error);

  watcher = new_watcher (fixture, created->id);
  sp_fine_tune_watcher_set_initial_interval (watcher, 10000);
  g_timeout_add (100, cancel_cb, cancellable);
  job = watch (watcher, cancellable, &error);
  g_assert_null (job);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->n_finished, ==, 0);
  g_assert_cmpuint (fixture->events->len, ==, 2);

  g_assert_finalize_object (g_steal_pointer (&watcher));
}

static void
test_watcher_lasting_error (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(SpFineTuneWatcher) watcher = new_watcher (fixture, "ftjob-nope");

  job = watch (watcher, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_error (fixture->finished_error, SP_ERROR, SP_ERROR_NOT_FOUND);

  g_assert_finalize_object (g_steal_pointer (&watcher));
}

typedef struct
{
  const char *model;
  int         code;
  const char *words[3];
} RefusalCase;

static const RefusalCase refusal_cases[] = {
  { "fake-ft-forbidden", SP_ERROR_PERMISSION,
    { "not allowed to start fine-tuning jobs", "Fine-tuning: Write", NULL } },
  { "fake-ft-closed", SP_ERROR_FINE_TUNING_UNAVAILABLE,
    { "6 January 2027", "Export the JSONL and use another provider", "Together" } },
  { "fake-ft-quota", SP_ERROR_QUOTA, { "credit", NULL, NULL } },
  { "fake-ft-unknown-model", SP_ERROR_BAD_REQUEST,
    { "not available for fine-tuning or does not exist", NULL, NULL } },
};

static void
test_refusal (Fixture       *fixture,
              gconstpointer  data)
{
  const RefusalCase *refusal = data;
  g_autofree char *training_file = upload_ok (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  SpFineTuneRequest request = { .model = refusal->model, .training_file = training_file };
  guint before = sp_fake_server_get_path_count (fixture->server, "/v1/fine_tuning/jobs");

  job = create_job (fixture, &request, &error);
  g_assert_null (job);
  g_assert_error (error, SP_ERROR, refusal->code);
  for (guint i = 0; i < G_N_ELEMENTS (refusal->words) && refusal->words[i] != NULL; i++)
    if (strstr (error->message, refusal->words[i]) == NULL)
      g_error ("“%s” not in “%s”", refusal->words[i], error->message);

  /* Never retried. */
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/fine_tuning/jobs"),
                    ==, before + 1);
}

static void
test_unknown_training_file (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = "file-nope" };

  job = create_job (fixture, &request, &error);
  g_assert_null (job);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "invalid training_file: file-nope"));
}

static void
test_wrong_key (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;

  sp_fake_server_set_required_key (fixture->server, RIGHT_KEY);
  g_clear_object (&fixture->client);
  fixture->client = sp_test_client_new (fixture->provider, WRONG_KEY);

  job = get_job (fixture, "ftjob-fake0001", &error);
  g_assert_null (job);
  g_assert_error (error, SP_ERROR, SP_ERROR_AUTH);
  g_assert_null (strstr (error->message, WRONG_KEY));
  g_assert_nonnull (strstr (error->message, "API key"));
}

static void
test_local_checks (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFineTuneJob) job = NULL;
  SpFineTuneRequest request = { .model = "gpt-4o-mini", .training_file = "file-1", .n_epochs = 26 };

  job = create_job (fixture, &request, &error);
  g_assert_null (job);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "between 1 and 25"));
  g_clear_error (&error);

  request.n_epochs = 25;
  request.suffix = "no spaces";
  job = create_job (fixture, &request, &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  request.suffix = NULL;
  request.training_file = "";
  job = create_job (fixture, &request, &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "file-"));

  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 0);
}

typedef struct
{
  const char *suffix;
  gboolean    valid;
  const char *words;
} SuffixCase;

static const SuffixCase suffix_cases[] = {
  { NULL, TRUE, NULL },
  { "", TRUE, NULL },
  { "sci-fi_prompts-2", TRUE, NULL },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", TRUE, NULL },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", FALSE, "has 65 characters; at most 64" },
  { "two words", FALSE, "contains “ ”" },
  { "a:b", FALSE, "contains “:”" },
  { "café", FALSE, "contains “é”" },
  { "x/y", FALSE, "contains “/”" },
};

static void
test_suffix (gconstpointer data)
{
  const SuffixCase *suffix = data;
  g_autoptr(GError) error = NULL;

  if (suffix->valid)
    {
      g_assert_true (sp_fine_tune_check_suffix (suffix->suffix, &error));
      g_assert_no_error (error);
      return;
    }

  g_assert_false (sp_fine_tune_check_suffix (suffix->suffix, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  if (strstr (error->message, suffix->words) == NULL)
    g_error ("“%s” not in “%s”", suffix->words, error->message);
}

static JsonNode *
error_body (const char *message,
            const char *code)
{
  g_autofree char *json = NULL;
  g_autofree char *quoted_code = code != NULL ? g_strdup_printf ("\"%s\"", code) : g_strdup ("null");

  json = g_strdup_printf ("{\"error\": {\"message\": \"%s\", \"type\": \"invalid_request_error\", "
                          "\"code\": %s}}", message, quoted_code);
  return json_from_string (json, NULL);
}

static void
test_error_words (void)
{
  g_autoptr(JsonNode) closed = error_body ("Fine-tuning is not available for your organization.", NULL);
  g_autoptr(JsonNode) model = error_body ("Model gpt-9 is not available for fine-tuning or does not exist.", NULL);
  g_autoptr(JsonNode) invalid = error_body ("Invalid file format for Fine-Tuning API. Must be .jsonl",
                                            "invalid_file_format");
  g_autoptr(JsonNode) none = NULL;
  g_autoptr(GError) error = NULL;

  /* A message about closure, whatever the status. */
  error = sp_error_new_for_http_in_context (SP_ERROR_CONTEXT_FINE_TUNE_CREATE, 400, closed,
                                            "gpt-4o-mini", "https://api.openai.com/v1");
  g_assert_error (error, SP_ERROR, SP_ERROR_FINE_TUNING_UNAVAILABLE);
  g_clear_error (&error);

  /* No jobs endpoint at all (a local server): not for this server. */
  error = sp_error_new_for_http_in_context (SP_ERROR_CONTEXT_FINE_TUNE_CREATE, 404, none,
                                            "llama3", "http://localhost:11434/v1");
  g_assert_error (error, SP_ERROR, SP_ERROR_FINE_TUNING_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "localhost:11434"));
  g_assert_nonnull (strstr (error->message, "local trainer"));
  g_clear_error (&error);

  /* One model that cannot be fine-tuned is not a closure. */
  error = sp_error_new_for_http_in_context (SP_ERROR_CONTEXT_FINE_TUNE_CREATE, 400, model,
                                            "gpt-9", NULL);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  /* A rejected upload points to the validator. */
  error = sp_error_new_for_http_in_context (SP_ERROR_CONTEXT_UPLOAD, 400, invalid, NULL, NULL);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_assert_nonnull (strstr (error->message, "Must be .jsonl"));
  g_assert_nonnull (strstr (error->message, "starprompt-cli validate"));
  g_clear_error (&error);

  /* A 403 on reading jobs is a permission. */
  error = sp_error_new_for_http_in_context (SP_ERROR_CONTEXT_FINE_TUNE, 403, none, NULL, NULL);
  g_assert_error (error, SP_ERROR, SP_ERROR_PERMISSION);
  g_clear_error (&error);

  /* Generation keeps its words. */
  error = sp_error_new_for_http (400, closed, "gpt-4o-mini", NULL);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_REQUEST);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sp/fine-tune/upload", Fixture, NULL, fixture_set_up, test_upload, fixture_tear_down);
  g_test_add ("/sp/fine-tune/upload-cancel", Fixture, NULL, fixture_set_up, test_upload_cancel, fixture_tear_down);
  g_test_add ("/sp/fine-tune/upload-rejected", Fixture, NULL, fixture_set_up, test_upload_rejected, fixture_tear_down);
  g_test_add ("/sp/fine-tune/upload-unreadable", Fixture, NULL, fixture_set_up, test_upload_unreadable, fixture_tear_down);
  g_test_add ("/sp/fine-tune/offline", Fixture, NULL, fixture_set_up, test_offline, fixture_tear_down);
  g_test_add ("/sp/fine-tune/files", Fixture, NULL, fixture_set_up, test_files, fixture_tear_down);
  g_test_add ("/sp/fine-tune/download-missing", Fixture, NULL, fixture_set_up, test_download_missing, fixture_tear_down);
  g_test_add ("/sp/fine-tune/create", Fixture, NULL, fixture_set_up, test_create, fixture_tear_down);
  g_test_add ("/sp/fine-tune/create-auto-epochs", Fixture, NULL, fixture_set_up, test_create_auto_epochs, fixture_tear_down);
  g_test_add ("/sp/fine-tune/get-list-events-checkpoints", Fixture, NULL, fixture_set_up,
              test_get_list_events_checkpoints, fixture_tear_down);
  g_test_add ("/sp/fine-tune/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/sp/fine-tune/job-not-found", Fixture, NULL, fixture_set_up, test_job_not_found, fixture_tear_down);
  g_test_add ("/sp/fine-tune/watcher/succeeded", Fixture, NULL, fixture_set_up, test_watcher_succeeded, fixture_tear_down);
  g_test_add ("/sp/fine-tune/watcher/failed", Fixture, NULL, fixture_set_up, test_watcher_failed, fixture_tear_down);
  g_test_add ("/sp/fine-tune/watcher/cancel", Fixture, NULL, fixture_set_up, test_watcher_cancel, fixture_tear_down);
  g_test_add ("/sp/fine-tune/watcher/lasting-error", Fixture, NULL, fixture_set_up,
              test_watcher_lasting_error, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (refusal_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/fine-tune/refusal/%s", refusal_cases[i].model);

      g_test_add (path, Fixture, &refusal_cases[i], fixture_set_up, test_refusal, fixture_tear_down);
    }
  g_test_add ("/sp/fine-tune/unknown-training-file", Fixture, NULL, fixture_set_up,
              test_unknown_training_file, fixture_tear_down);
  g_test_add ("/sp/fine-tune/wrong-key", Fixture, NULL, fixture_set_up, test_wrong_key, fixture_tear_down);
  g_test_add ("/sp/fine-tune/local-checks", Fixture, NULL, fixture_set_up, test_local_checks, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (suffix_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/fine-tune/suffix/%u", i);

      g_test_add_data_func (path, &suffix_cases[i], test_suffix);
    }
  g_test_add_func ("/sp/fine-tune/error-words", test_error_words);

  return g_test_run ();
}
