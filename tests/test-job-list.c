// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-job-list"

#include "config.h"

#include <glib/gstdio.h>

#include "sp-error.h"
#include "sp-job-list.h"
#include "sp-test-util.h"

static char *tmp_dir;

static char *
new_path (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("jobs-%u/jobs.json", ++n);

  return g_build_filename (tmp_dir, name, NULL);
}

static void
ready_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
load (SpJobList  *list,
      GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sp_job_list_load_async (list, NULL, ready_cb, &result);
  return sp_job_list_load_finish (list, wait_for_result (&result), error);
}

static void
save (SpJobList *list)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sp_job_list_save_async (list, NULL, ready_cb, &result);
  g_assert_true (sp_job_list_save_finish (list, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

static SpFineTuneJob *
make_job (const char       *id,
          SpFineTuneStatus  status,
          gint64            created_at)
{
  SpFineTuneJob *job = g_new0 (SpFineTuneJob, 1);

  job->id = g_strdup (id);
  job->model = g_strdup ("gpt-4o-mini-2024-07-18");
  job->status = status;
  job->trained_tokens = -1;
  job->created_at = created_at;
  job->training_file = g_strdup ("file-abc");
  job->suffix = g_strdup ("prompts");
  job->result_files = g_new0 (char *, 1);
  return job;
}

static void
test_round_trip (void)
{
  g_autofree char *path = new_path ();
  g_autoptr(SpJobList) list = sp_job_list_new_for_path (path);
  g_autoptr(SpJobList) again = sp_job_list_new_for_path (path);
  g_autoptr(SpFineTuneJob) done = make_job ("ftjob-1", SP_FINE_TUNE_STATUS_SUCCEEDED, 1000);
  g_autoptr(SpFineTuneJob) running = make_job ("ftjob-2", SP_FINE_TUNE_STATUS_RUNNING, 2000);
  g_autoptr(SpJobRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  SpJobRecord *copy;
  GStatBuf buf;

  done->fine_tuned_model = g_strdup ("ft:gpt-4o-mini-2024-07-18:fake::abc123");
  done->trained_tokens = 14040;
  done->finished_at = 1500;
  sp_job_record_set_estimated_cost (sp_job_list_update (list, done, "fake"), 42000000000);
  sp_job_list_update (list, running, "fake");

  /* Newest first. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  record = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (sp_job_record_get_id (record), ==, "ftjob-2");

  save (list);
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);

  g_assert_true (load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  copy = sp_job_list_lookup (again, "ftjob-1");
  g_assert_nonnull (copy);
  g_assert_cmpstr (sp_job_record_get_provider_id (copy), ==, "fake");
  g_assert_cmpstr (sp_job_record_get_model (copy), ==, "gpt-4o-mini-2024-07-18");
  g_assert_cmpstr (sp_job_record_get_fine_tuned_model (copy), ==, "ft:gpt-4o-mini-2024-07-18:fake::abc123");
  g_assert_cmpint (sp_job_record_get_status (copy), ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpint (sp_job_record_get_trained_tokens (copy), ==, 14040);
  g_assert_cmpint (sp_job_record_get_created_at (copy), ==, 1000);
  g_assert_cmpint (sp_job_record_get_finished_at (copy), ==, 1500);
  g_assert_cmpstr (sp_job_record_get_training_file (copy), ==, "file-abc");
  g_assert_cmpstr (sp_job_record_get_suffix (copy), ==, "prompts");
  g_assert_cmpint (sp_job_record_get_estimated_cost (copy), ==, 42000000000);
  copy = sp_job_list_lookup (again, "ftjob-2");
  g_assert_cmpint (sp_job_record_get_trained_tokens (copy), ==, -1);
  g_assert_cmpint (sp_job_record_get_estimated_cost (copy), ==, SP_MONEY_UNKNOWN);
}

static void
test_missing_file_is_empty (void)
{
  g_autofree char *path = new_path ();
  g_autoptr(SpJobList) list = sp_job_list_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (load (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  guint *count = user_data;

  *count += added;
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_merge (void)
{
  g_autoptr(SpJobList) list = sp_job_list_new_for_path ("/nonexistent/jobs.json");
  g_autoptr(SpFineTuneJob) mine = make_job ("ftjob-1", SP_FINE_TUNE_STATUS_RUNNING, 1000);
  g_autoptr(GPtrArray) server = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_fine_tune_job_free);
  SpFineTuneJob *updated;
  SpJobRecord *record;
  guint added = 0;
  guint notified = 0;

  record = sp_job_list_update (list, mine, "openai");
  sp_job_record_set_estimated_cost (record, 5);
  g_signal_connect_swapped (record, "notify::status", G_CALLBACK (count_cb), &notified);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &added);

  updated = make_job ("ftjob-1", SP_FINE_TUNE_STATUS_SUCCEEDED, 1000);
  updated->fine_tuned_model = g_strdup ("ft:gpt-4o-mini-2024-07-18:org::xyz");
  updated->trained_tokens = 900;
  g_ptr_array_add (server, updated);
  g_ptr_array_add (server, make_job ("ftjob-0", SP_FINE_TUNE_STATUS_FAILED, 500));
  g_ptr_array_add (server, make_job ("ftjob-9", SP_FINE_TUNE_STATUS_QUEUED, 3000));

  g_assert_cmpuint (sp_job_list_merge (list, server, "openai"), ==, 2);
  g_assert_cmpuint (added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  /* The same object, updated in place and notified; what only we knew stays. */
  g_assert_true (sp_job_list_lookup (list, "ftjob-1") == record);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (sp_job_record_get_status (record), ==, SP_FINE_TUNE_STATUS_SUCCEEDED);
  g_assert_cmpstr (sp_job_record_get_fine_tuned_model (record), ==, "ft:gpt-4o-mini-2024-07-18:org::xyz");
  g_assert_cmpint (sp_job_record_get_trained_tokens (record), ==, 900);
  g_assert_cmpint (sp_job_record_get_estimated_cost (record), ==, 5);
  g_assert_cmpuint (sp_job_list_find (list, "ftjob-9"), ==, 0);
  g_assert_cmpuint (sp_job_list_find (list, "ftjob-1"), ==, 1);
  g_assert_cmpuint (sp_job_list_find (list, "ftjob-0"), ==, 2);

  /* Merging the same page again adds nothing. */
  g_assert_cmpuint (sp_job_list_merge (list, server, "openai"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);

  g_assert_true (sp_job_list_remove (list, "ftjob-0"));
  g_assert_false (sp_job_list_remove (list, "ftjob-0"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
}

static void
test_load_merges_with_memory (void)
{
  g_autofree char *path = new_path ();
  g_autoptr(SpJobList) first = sp_job_list_new_for_path (path);
  g_autoptr(SpJobList) second = sp_job_list_new_for_path (path);
  g_autoptr(SpFineTuneJob) old = make_job ("ftjob-1", SP_FINE_TUNE_STATUS_RUNNING, 1000);
  g_autoptr(SpFineTuneJob) fresh = make_job ("ftjob-1", SP_FINE_TUNE_STATUS_SUCCEEDED, 1000);
  g_autoptr(SpFineTuneJob) other = make_job ("ftjob-2", SP_FINE_TUNE_STATUS_QUEUED, 2000);
  g_autoptr(GError) error = NULL;

  sp_job_list_update (first, old, "fake");
  sp_job_list_update (first, other, "fake");
  save (first);

  /* A job the page already knows better than the file stays as it is. */
  sp_job_list_update (second, fresh, "fake");
  g_assert_true (load (second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 2);
  g_assert_cmpint (sp_job_record_get_status (sp_job_list_lookup (second, "ftjob-1")), ==,
                   SP_FINE_TUNE_STATUS_SUCCEEDED);
}

static void
test_saves_in_order (void)
{
  g_autofree char *path = new_path ();
  g_autoptr(SpJobList) list = sp_job_list_new_for_path (path);
  g_autoptr(SpJobList) again = sp_job_list_new_for_path (path);
  g_autoptr(GAsyncResult) result1 = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("ftjob-%u", i);
      g_autoptr(SpFineTuneJob) job = make_job (id, SP_FINE_TUNE_STATUS_QUEUED, 100 + i);

      sp_job_list_update (list, job, "fake");
      if (i == 0)
        sp_job_list_save_async (list, NULL, ready_cb, &result1);
    }
  /* Asked for while the first one is still writing: it must write all three. */
  sp_job_list_save_async (list, NULL, ready_cb, &result2);
  g_assert_true (sp_job_list_save_finish (list, wait_for_result (&result1), &error));
  g_assert_true (sp_job_list_save_finish (list, wait_for_result (&result2), &error));
  g_assert_no_error (error);

  g_assert_true (load (again, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
}

static void
test_corrupt_file (void)
{
  const char *garbage = "{\"format\": 1, \"jobs\": [{\"id\": \"ftjob-1\", \"model\": \"gpt-4o-mini\"}, {\"id\":";
  g_autofree char *path = new_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *aside = g_strconcat (path, ".bad", NULL);
  g_autofree char *kept = NULL;
  g_autoptr(SpJobList) list = sp_job_list_new_for_path (path);
  g_autoptr(SpFineTuneJob) job = make_job ("ftjob-7", SP_FINE_TUNE_STATUS_RUNNING, 7);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, garbage, -1, NULL));
  sp_job_list_update (list, job, "fake");

  g_assert_false (load (list, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_assert_nonnull (strstr (error->message, aside));

  /* What the list had stays, and the file is kept whole beside. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, garbage);

  /* The next save does not touch it. */
  save (list);
  g_clear_pointer (&kept, g_free);
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, garbage);
}

static void
test_wrong_shape (void)
{
  const char *cases[] = {
    "[]",
    "{\"format\": 2, \"jobs\": []}",
    "{\"format\": 1}",
    "{\"format\": 1, \"jobs\": [42]}",
    "{\"format\": 1, \"jobs\": [{\"model\": \"no id\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) records = sp_job_list_records_from_data (cases[i], -1, &error);

      g_assert_null (records);
      g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
    }
}

static void
test_record_notifies_only_changes (void)
{
  g_autoptr(SpJobRecord) record = sp_job_record_new ("ftjob-1");
  guint count = 0;
  guint labels = 0;

  g_signal_connect_swapped (record, "notify::model", G_CALLBACK (count_cb), &count);
  g_signal_connect_swapped (record, "notify::status-label", G_CALLBACK (count_cb), &labels);
  sp_job_record_set_model (record, "gpt-4o-mini");
  sp_job_record_set_model (record, "gpt-4o-mini");
  g_assert_cmpuint (count, ==, 1);
  sp_job_record_set_status (record, SP_FINE_TUNE_STATUS_RUNNING);
  sp_job_record_set_status (record, SP_FINE_TUNE_STATUS_RUNNING);
  g_assert_cmpuint (labels, ==, 1);
  g_assert_cmpstr (sp_job_record_get_status_label (record), !=, NULL);
  g_assert_finalize_object (g_steal_pointer (&record));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("starprompt-job-list-XXXXXX", NULL);

  g_test_add_func ("/sp/job-list/round-trip", test_round_trip);
  g_test_add_func ("/sp/job-list/missing-file-is-empty", test_missing_file_is_empty);
  g_test_add_func ("/sp/job-list/merge", test_merge);
  g_test_add_func ("/sp/job-list/load-merges-with-memory", test_load_merges_with_memory);
  g_test_add_func ("/sp/job-list/saves-in-order", test_saves_in_order);
  g_test_add_func ("/sp/job-list/corrupt-file", test_corrupt_file);
  g_test_add_func ("/sp/job-list/wrong-shape", test_wrong_shape);
  g_test_add_func ("/sp/job-list/record-notifies-only-changes", test_record_notifies_only_changes);

  status = g_test_run ();
  sp_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
