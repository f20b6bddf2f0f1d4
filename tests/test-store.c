// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>

#include "sp-store.h"
#include "sp-error.h"
#include "sp-test-util.h"

typedef struct
{
  char    *dir;
  char    *path;
  SpStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("sp-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "library.db", NULL);
  fixture->store = sp_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->store != NULL)
    g_assert_finalize_object (fixture->store);
  sp_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
test_open (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *integrity = NULL;
  g_autoptr(SpStore) again = NULL;

  g_assert_cmpint (sp_store_get_schema_version_sync (fixture->store, &error), ==, SP_STORE_SCHEMA_VERSION);
  g_assert_no_error (error);
  integrity = sp_store_check_integrity_sync (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (integrity, ==, "ok");
  g_assert_cmpstr (sp_store_get_path (fixture->store), ==, fixture->path);

  /* A second connection to the same file sees the migrated schema. */
  again = sp_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sp_store_get_schema_version_sync (again, &error), ==, SP_STORE_SCHEMA_VERSION);
}

static void
test_not_a_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sp-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(SpStore) store = NULL;

  g_assert_true (g_file_set_contents (path, "this is not SQLite, not at all, really not", -1, NULL));
  store = sp_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_default_path (void)
{
  g_autofree char *path = NULL;

  g_setenv ("STARPROMPT_DATA_DIR", "/tmp/sp-data-dir", TRUE);
  path = sp_store_get_default_path ();
  g_assert_cmpstr (path, ==, "/tmp/sp-data-dir/library.db");
  g_unsetenv ("STARPROMPT_DATA_DIR");
}

static void
test_stories (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) all = NULL;
  g_autoptr(GListModel) found = NULL;
  g_autoptr(GListModel) none = NULL;
  g_autoptr(SpStory) story = sp_story_new ("Zebra signal", "A quasar hums \"zebra\" in prime numbers.");
  guint builtin;

  all = sp_store_list_stories_sync (fixture->store, NULL, &error);
  g_assert_no_error (error);
  builtin = g_list_model_get_n_items (all);
  g_assert_cmpuint (builtin, >=, 10);

  g_assert_true (sp_store_save_story_sync (fixture->store, story, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sp_store_story_get_id (story), >, 0);

  found = sp_store_list_stories_sync (fixture->store, "quas", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (found), ==, 1);
  {
    g_autoptr(SpStory) hit = g_list_model_get_item (found, 0);

    g_assert_cmpstr (sp_story_get_title (hit), ==, "Zebra signal");
    g_assert_cmpint (sp_store_story_get_id (hit), ==, sp_store_story_get_id (story));
  }

  /* Query syntax characters are plain text. */
  g_clear_object (&found);
  found = sp_store_list_stories_sync (fixture->store, "\"zebra\" AND (", &error);
  g_assert_no_error (error);

  sp_story_set_text (story, "Nothing left of it.");
  g_assert_true (sp_store_save_story_sync (fixture->store, story, &error));
  none = sp_store_list_stories_sync (fixture->store, "quasar", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);

  g_assert_true (sp_store_delete_story_sync (fixture->store, sp_store_story_get_id (story), &error));
  g_clear_object (&all);
  all = sp_store_list_stories_sync (fixture->store, "", &error);
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, builtin);
}

static void
test_stories_async (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(SpStory) story = sp_story_new ("Async", "Written from the main thread, off it.");

  sp_store_save_story_async (fixture->store, story, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sp_store_save_story_finish (fixture->store, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sp_store_story_get_id (story), >, 0);
  g_clear_object (&result);

  sp_store_list_stories_async (fixture->store, "thread", NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  list = sp_store_list_stories_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&result);

  sp_store_delete_story_async (fixture->store, sp_store_story_get_id (story), NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sp_store_delete_story_finish (fixture->store, result, &error));
}

static gint64
make_batch (SpStore *store,
            guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autofree SpStoreItemSpec *items = g_new0 (SpStoreItemSpec, n);
  SpStoreBatchSpec spec = { 0 };
  gint64 id;

  for (guint i = 0; i < n; i++)
    {
      items[i].story_title = "Title";
      items[i].story_text = "Text";
      items[i].full_prompt = "Full prompt";
      items[i].short_prompt = "Short prompt";
    }
  spec.key = NULL;
  spec.model = "fake-ok";
  spec.template_json = "{}";
  spec.format = "chat";
  spec.seed = 7;
  spec.concurrency = 4;
  spec.n_items = n;
  spec.items = items;
  id = sp_store_create_batch_sync (store, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_items (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpExample) a = NULL;
  g_autoptr(SpExample) b = NULL;
  g_autoptr(SpExample) done_a = NULL;
  g_autoptr(SpExample) done_b = NULL;
  g_autoptr(SpExample) again = NULL;
  g_autoptr(SpStoreBatch) batch = NULL;
  g_autoptr(GPtrArray) done = NULL;
  SpStoreResult result = { "fake-ok", "raw", "same output", 10, 5, 1000, 1 };
  gboolean newly = FALSE;
  gint64 id = make_batch (fixture->store, 3);
  guint64 n_requests = 0;
  SpMoney cost = 0;

  a = sp_store_claim_item_sync (fixture->store, id, &error);
  g_assert_no_error (error);
  b = sp_store_claim_item_sync (fixture->store, id, &error);
  g_assert_cmpuint (sp_example_get_position (a), ==, 0);
  g_assert_cmpuint (sp_example_get_position (b), ==, 1);
  g_assert_cmpint (sp_example_get_status (a), ==, SP_EXAMPLE_STATUS_RUNNING);

  done_a = sp_store_complete_item_sync (fixture->store, sp_example_get_id (a), &result, &newly, &error);
  g_assert_no_error (error);
  g_assert_true (newly);
  g_assert_false (sp_example_get_duplicate (done_a));
  g_assert_cmpstr (sp_example_get_output (done_a), ==, "same output");

  /* The same result twice: nothing changes. */
  again = sp_store_complete_item_sync (fixture->store, sp_example_get_id (a), &result, &newly, &error);
  g_assert_no_error (error);
  g_assert_false (newly);

  done_b = sp_store_complete_item_sync (fixture->store, sp_example_get_id (b), &result, &newly, &error);
  g_assert_true (newly);
  g_assert_true (sp_example_get_duplicate (done_b));

  /* A crash leaves the third item running; reset makes it pending. */
  g_clear_object (&a);
  a = sp_store_claim_item_sync (fixture->store, id, &error);
  g_assert_nonnull (a);
  g_clear_object (&again);
  again = sp_store_claim_item_sync (fixture->store, id, &error);
  g_assert_null (again);
  g_assert_no_error (error);
  g_assert_cmpuint (sp_store_reset_running_sync (fixture->store, id, &error), ==, 1);

  g_assert_true (sp_store_fail_item_sync (fixture->store, sp_example_get_id (a), "broken", 1, &error));
  batch = sp_store_get_batch_sync (fixture->store, id, &error);
  g_assert_cmpuint (batch->n_done, ==, 2);
  g_assert_cmpuint (batch->n_failed, ==, 1);
  g_assert_cmpuint (batch->prompt_tokens, ==, 20);
  g_assert_cmpint (batch->cost, ==, 2000);
  g_assert_cmpuint (sp_store_requeue_failed_sync (fixture->store, id, &error), ==, 1);

  g_assert_true (sp_store_set_rejected_sync (fixture->store, sp_example_get_id (done_a), TRUE, &error));
  done = sp_store_list_examples_sync (fixture->store, id, SP_EXAMPLE_STATUS_DONE, &error);
  g_assert_cmpuint (done->len, ==, 1);

  g_assert_true (sp_store_set_pair_mode_sync (fixture->store, id, SP_PAIR_MODE_SHORT, &error));
  g_clear_pointer (&done, g_ptr_array_unref);
  done = sp_store_list_examples_sync (fixture->store, id, -1, &error);
  g_assert_cmpuint (done->len, ==, 3);
  g_assert_cmpstr (sp_example_get_training_prompt (g_ptr_array_index (done, 0)), ==, "Short prompt");

  g_assert_true (sp_store_sum_usage_sync (fixture->store, id, &n_requests, NULL, NULL, &cost, &error));
  g_assert_cmpuint (n_requests, ==, 3);
  g_assert_cmpint (cost, ==, 3000);

  g_assert_cmpint (sp_store_find_batch_sync (fixture->store, "nope", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (sp_store_delete_batch_sync (fixture->store, id, &error));
  g_assert_null (sp_store_get_batch_sync (fixture->store, id, &error));
  g_assert_no_error (error);
}

static void
test_templates (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 id;

  id = sp_store_save_template_sync (fixture->store, 0, "Sci-fi", "{\"name\":\"Sci-fi\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  json = sp_store_load_template_sync (fixture->store, id, &error);
  g_assert_cmpstr (json, ==, "{\"name\":\"Sci-fi\"}");
  g_assert_null (sp_store_load_template_sync (fixture->store, id + 100, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
}

typedef struct
{
  SpStore *store;
  gint64   batch_id;
  guint    claimed;
} ClaimData;

static gpointer
claim_thread (gpointer user_data)
{
  ClaimData *data = user_data;
  SpExample *example;

  while ((example = sp_store_claim_item_sync (data->store, data->batch_id, NULL)) != NULL)
    {
      data->claimed++;
      g_object_unref (example);
    }
  return NULL;
}

/* Claims from several threads never hand out the same item twice. */
static void
test_claim_threads (Fixture       *fixture,
                    gconstpointer  data)
{
  gint64 id = make_batch (fixture->store, 200);
  ClaimData claims[4];
  GThread *threads[4];
  guint total = 0;

  for (guint i = 0; i < 4; i++)
    {
      claims[i] = (ClaimData) { fixture->store, id, 0 };
      threads[i] = g_thread_new ("claim", claim_thread, &claims[i]);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      total += claims[i].claimed;
    }
  g_assert_cmpuint (total, ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sp/store/open", Fixture, NULL, fixture_set_up, test_open, fixture_tear_down);
  g_test_add_func ("/sp/store/not-a-database", test_not_a_database);
  g_test_add_func ("/sp/store/default-path", test_default_path);
  g_test_add ("/sp/store/stories", Fixture, NULL, fixture_set_up, test_stories, fixture_tear_down);
  g_test_add ("/sp/store/stories-async", Fixture, NULL, fixture_set_up, test_stories_async, fixture_tear_down);
  g_test_add ("/sp/store/items", Fixture, NULL, fixture_set_up, test_items, fixture_tear_down);
  g_test_add ("/sp/store/templates", Fixture, NULL, fixture_set_up, test_templates, fixture_tear_down);
  g_test_add ("/sp/store/claim-threads", Fixture, NULL, fixture_set_up, test_claim_threads, fixture_tear_down);

  return g_test_run ();
}
