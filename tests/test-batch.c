// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-batch"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sp-batch.h"
#include "sp-error.h"
#include "sp-fake-server.h"
#include "sp-test-util.h"

typedef struct
{
  SpFakeServer *server;
  SpProvider   *provider;
  SpClient     *client;
  SpStore      *store;
  SpTemplate   *template;
  char         *dir;
  GHashTable   *done_ids;     /* ids seen in "example-done" */
  guint         n_done_signals;
  guint         n_failed_signals;
  guint         pause_after;
  guint         cancel_after;
  SpBatch      *batch;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  fixture->provider = sp_provider_new ("fake", "Fake", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                                       sp_fake_server_get_base_url (fixture->server));
  fixture->client = sp_client_new (fixture->provider, NULL, &error);
  g_assert_no_error (error);
  fixture->dir = g_dir_make_tmp ("sp-batch-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "library.db", NULL);
  fixture->store = sp_store_new (path, &error);
  g_assert_no_error (error);
  fixture->template = sp_template_new_builtin ();
  fixture->done_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->batch != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->batch));
  g_clear_object (&fixture->template);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->server);
  g_hash_table_unref (fixture->done_ids);
  remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static void
example_done_cb (SpBatch   *batch,
                 SpExample *example,
                 Fixture   *fixture)
{
  gint64 id = sp_example_get_id (example);

  g_assert_cmpint (sp_example_get_status (example), ==, SP_EXAMPLE_STATUS_DONE);
  g_assert_false (g_hash_table_contains (fixture->done_ids, &id));
  g_hash_table_add (fixture->done_ids, g_memdup2 (&id, sizeof id));
  fixture->n_done_signals++;

  if (fixture->pause_after > 0 && fixture->n_done_signals == fixture->pause_after)
    sp_batch_pause (batch);
  if (fixture->cancel_after > 0 && fixture->n_done_signals == fixture->cancel_after)
    sp_batch_cancel (batch);
}

static void
example_failed_cb (SpBatch    *batch,
                   SpExample  *example,
                   const char *reason,
                   Fixture    *fixture)
{
  g_assert_nonnull (reason);
  fixture->n_failed_signals++;
}

static SpBatch *
create_batch (Fixture    *fixture,
              const char *model,
              guint       n,
              guint64     seed,
              guint       concurrency)
{
  g_autoptr(GError) error = NULL;
  SpBatchOptions options = { 0 };
  SpBatch *batch;

  options.model = model;
  options.template = fixture->template;
  options.n_items = n;
  options.seed = seed;
  options.concurrency = concurrency;
  batch = sp_batch_create_sync (fixture->store, fixture->client, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_signal_connect (batch, "example-done", G_CALLBACK (example_done_cb), fixture);
  g_signal_connect (batch, "example-failed", G_CALLBACK (example_failed_cb), fixture);
  return batch;
}

static gboolean
run_batch (SpBatch  *batch,
           GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sp_batch_run_async (batch, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return sp_batch_run_finish (batch, result, error);
}

/* Every item done exactly once in the store. */
static void
assert_all_done_once (Fixture *fixture,
                      SpBatch *batch,
                      guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) examples = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (batch), -1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (examples->len, ==, n);
  for (guint i = 0; i < examples->len; i++)
    {
      SpExample *example = g_ptr_array_index (examples, i);

      g_assert_cmpuint (sp_example_get_position (example), ==, i);
      g_assert_cmpint (sp_example_get_status (example), ==, SP_EXAMPLE_STATUS_DONE);
      g_assert_true (g_str_has_suffix (sp_example_get_output (example), "--ar 3:2"));
    }
  g_assert_cmpuint (sp_batch_get_n_done (batch), ==, n);
  g_assert_cmpuint (sp_batch_get_n_failed (batch), ==, 0);
  g_assert_cmpfloat (sp_batch_get_fraction (batch), ==, 1.0);
}

static void
test_models (Fixture       *fixture,
             gconstpointer  data)
{
  const char *model = data;
  g_autoptr(GError) error = NULL;

  fixture->batch = create_batch (fixture, model, 20, 1, 4);
  g_assert_cmpuint (sp_batch_get_n_total (fixture->batch), ==, 20);
  g_assert_true (run_batch (fixture->batch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sp_batch_get_state (fixture->batch), ==, SP_BATCH_STATE_FINISHED);
  assert_all_done_once (fixture, fixture->batch, 20);
  g_assert_cmpuint (fixture->n_done_signals, ==, 20);
  g_assert_cmpuint (sp_batch_get_prompt_tokens (fixture->batch), >, 0);
  g_assert_cmpuint (sp_batch_get_completion_tokens (fixture->batch), >, 0);
  g_assert_cmpfloat (sp_batch_get_requests_per_minute (fixture->batch), >, 0);
}

static void
test_chatter_cleaned (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) examples = NULL;

  fixture->batch = create_batch (fixture, "fake-chatter", 5, 3, 2);
  g_assert_true (run_batch (fixture->batch, &error));
  examples = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (fixture->batch), -1, &error);
  for (guint i = 0; i < examples->len; i++)
    {
      SpExample *example = g_ptr_array_index (examples, i);

      g_assert_true (g_str_has_prefix (sp_example_get_raw_output (example), "Sure!"));
      g_assert_false (g_str_has_prefix (sp_example_get_output (example), "Sure!"));
      g_assert_true (g_str_has_suffix (sp_example_get_output (example), "--ar 3:2"));
    }
}

/* Rate limits that outlive the client's retries slow the whole batch
 * down and the items are tried again. */
static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SpClientTimeouts timeouts;

  sp_client_get_timeouts (fixture->client, &timeouts);
  timeouts.max_retries = 0;
  sp_client_set_timeouts (fixture->client, &timeouts);

  fixture->batch = create_batch (fixture, "fake-429", 12, 5, 4);
  g_assert_true (run_batch (fixture->batch, &error));
  g_assert_no_error (error);
  assert_all_done_once (fixture, fixture->batch, 12);
  g_assert_cmpuint (fixture->n_done_signals, ==, 12);
}

static void
test_malformed_and_retry (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fixture->batch = create_batch (fixture, "fake-malformed", 6, 9, 3);
  g_assert_true (run_batch (fixture->batch, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sp_batch_get_n_done (fixture->batch), ==, 0);
  g_assert_cmpuint (sp_batch_get_n_failed (fixture->batch), ==, 6);
  g_assert_cmpuint (fixture->n_failed_signals, ==, 6);

  failed = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (fixture->batch),
                                        SP_EXAMPLE_STATUS_FAILED, &error);
  g_assert_cmpuint (failed->len, ==, 6);
  for (guint i = 0; i < failed->len; i++)
    g_assert_nonnull (sp_example_get_error (g_ptr_array_index (failed, i)));

  sp_batch_retry_failed_async (fixture->batch, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (sp_batch_retry_failed_finish (fixture->batch, result, &error), ==, 6);
  g_assert_cmpuint (sp_batch_get_n_failed (fixture->batch), ==, 0);
  g_assert_cmpuint (sp_batch_get_n_pending (fixture->batch), ==, 6);
}

/* A 500 on every attempt: the items fail for good with a reason, and the
 * batch still finishes. */
static void
test_server_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SpClientTimeouts timeouts;

  sp_client_get_timeouts (fixture->client, &timeouts);
  timeouts.max_retries = 1;
  timeouts.initial_delay_ms = 1;
  sp_client_set_timeouts (fixture->client, &timeouts);

  fixture->batch = create_batch (fixture, "fake-500-always", 3, 9, 3);
  g_assert_true (run_batch (fixture->batch, &error));
  g_assert_cmpuint (sp_batch_get_n_failed (fixture->batch), ==, 3);
}

/* An error every item would meet stops the batch; items stay pending. */
static void
test_stops_on_not_found (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->batch = create_batch (fixture, "fake-404", 10, 9, 2);
  g_assert_false (run_batch (fixture->batch, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_assert_cmpint (sp_batch_get_state (fixture->batch), ==, SP_BATCH_STATE_FAILED);
  g_assert_nonnull (sp_batch_get_error_message (fixture->batch));
  g_assert_cmpuint (sp_batch_get_n_failed (fixture->batch), ==, 0);
  g_assert_cmpuint (sp_batch_get_n_pending (fixture->batch), ==, 10);
}

static void
test_seed (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(SpBatch) a = create_batch (fixture, "fake-ok", 30, 1234, 4);
  g_autoptr(SpBatch) b = create_batch (fixture, "fake-ok", 30, 1234, 4);
  g_autoptr(SpBatch) c = create_batch (fixture, "fake-ok", 30, 4321, 4);
  g_autoptr(GPtrArray) ea = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (a), -1, NULL);
  g_autoptr(GPtrArray) eb = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (b), -1, NULL);
  g_autoptr(GPtrArray) ec = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (c), -1, NULL);
  gboolean differs = FALSE;

  g_assert_cmpuint (sp_batch_get_seed (a), ==, 1234);
  for (guint i = 0; i < 30; i++)
    {
      const char *ta = sp_example_get_story_title (g_ptr_array_index (ea, i));

      g_assert_cmpstr (ta, ==, sp_example_get_story_title (g_ptr_array_index (eb, i)));
      g_assert_cmpstr (sp_example_get_full_prompt (g_ptr_array_index (ea, i)), ==,
                       sp_example_get_full_prompt (g_ptr_array_index (eb, i)));
      if (g_strcmp0 (ta, sp_example_get_story_title (g_ptr_array_index (ec, i))) != 0)
        differs = TRUE;
    }
  g_assert_true (differs);
}

static void
test_pause_resume (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint done_at_pause;

  sp_fake_server_set_latency (fixture->server, 20);
  fixture->batch = create_batch (fixture, "fake-ok", 16, 2, 2);
  fixture->pause_after = 3;
  sp_batch_run_async (fixture->batch, NULL, sp_test_store_result_cb, &result);
  while (sp_batch_get_state (fixture->batch) != SP_BATCH_STATE_PAUSED)
    g_main_context_iteration (NULL, TRUE);

  /* Requests in flight finished; nothing new starts. */
  done_at_pause = sp_batch_get_n_done (fixture->batch);
  g_assert_cmpuint (done_at_pause, <, 16);
  {
    gint64 until = g_get_monotonic_time () + 100 * 1000;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (sp_batch_get_n_done (fixture->batch), ==, done_at_pause);
  g_assert_null (result);

  sp_batch_resume (fixture->batch);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sp_batch_run_finish (fixture->batch, result, &error));
  assert_all_done_once (fixture, fixture->batch, 16);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpBatch) again = NULL;
  g_autoptr(GPtrArray) running = NULL;

  sp_fake_server_set_latency (fixture->server, 20);
  fixture->batch = create_batch (fixture, "fake-ok", 20, 2, 4);
  fixture->cancel_after = 5;
  g_assert_false (run_batch (fixture->batch, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (sp_batch_get_state (fixture->batch), ==, SP_BATCH_STATE_CANCELLED);
  g_assert_cmpuint (sp_batch_get_n_done (fixture->batch), <, 20);

  running = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (fixture->batch),
                                         SP_EXAMPLE_STATUS_RUNNING, &error);
  g_assert_cmpuint (running->len, ==, 0);

  /* Loaded again (as after a restart), it finishes the rest. */
  fixture->cancel_after = 0;
  again = sp_batch_load_sync (fixture->store, fixture->client, sp_batch_get_id (fixture->batch), &error);
  g_assert_no_error (error);
  g_signal_connect (again, "example-done", G_CALLBACK (example_done_cb), fixture);
  g_assert_true (run_batch (again, &error));
  g_assert_no_error (error);
  assert_all_done_once (fixture, again, 20);
  g_assert_cmpuint (fixture->n_done_signals, ==, 20);
}

/* A crash leaves items running: running the batch again redoes them. */
static void
test_resume_after_crash (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpExample) claimed = NULL;
  g_autoptr(SpExample) claimed2 = NULL;

  fixture->batch = create_batch (fixture, "fake-ok", 8, 2, 4);
  claimed = sp_store_claim_item_sync (fixture->store, sp_batch_get_id (fixture->batch), &error);
  claimed2 = sp_store_claim_item_sync (fixture->store, sp_batch_get_id (fixture->batch), &error);
  g_assert_nonnull (claimed2);
  g_assert_true (run_batch (fixture->batch, &error));
  assert_all_done_once (fixture, fixture->batch, 8);
}

static void
test_duplicates (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) examples = NULL;
  g_autoptr(GHashTable) outputs = g_hash_table_new (g_str_hash, g_str_equal);
  guint flagged = 0;

  /* The fake server's answer depends only on the story: 30 items from
   * the built-in stories repeat some. */
  fixture->batch = create_batch (fixture, "fake-ok", 30, 11, 8);
  g_assert_true (run_batch (fixture->batch, &error));
  examples = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (fixture->batch), -1, &error);
  g_autoptr(GHashTable) originals = g_hash_table_new (g_str_hash, g_str_equal);

  /* The first of equal outputs to complete is the original, whatever its
   * position: each distinct output has exactly one example not flagged. */
  for (guint i = 0; i < examples->len; i++)
    {
      SpExample *example = g_ptr_array_index (examples, i);
      const char *output = sp_example_get_output (example);

      g_hash_table_add (outputs, (gpointer) output);
      if (sp_example_get_duplicate (example))
        flagged++;
      else
        {
          g_assert_false (g_hash_table_contains (originals, output));
          g_hash_table_add (originals, (gpointer) output);
        }
    }
  g_assert_cmpuint (flagged, >, 0);
  g_assert_cmpuint (g_hash_table_size (originals), ==, g_hash_table_size (outputs));
  g_assert_cmpuint (flagged, ==, 30 - g_hash_table_size (outputs));
}

static GPtrArray *
read_jsonl (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      g_ptr_array_add (objects, json_node_ref (json_parser_get_root (parser)));
    }
  return objects;
}

static guint
export_to (SpBatch        *batch,
           const char     *path,
           SpExportFormat  format,
           const char     *system)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint count;

  sp_batch_export_async (batch, path, format, system, FALSE, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  count = sp_batch_export_finish (batch, result, &error);
  g_assert_no_error (error);
  return count;
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) chat = NULL;
  g_autoptr(GPtrArray) completion = NULL;
  g_autoptr(GPtrArray) shorts = NULL;
  g_autoptr(GPtrArray) examples = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "out.jsonl", NULL);
  gint64 rejected_id;

  fixture->batch = create_batch (fixture, "fake-ok", 6, 8, 3);
  g_assert_true (run_batch (fixture->batch, &error));
  examples = sp_store_list_examples_sync (fixture->store, sp_batch_get_id (fixture->batch), -1, &error);
  rejected_id = sp_example_get_id (g_ptr_array_index (examples, 2));

  sp_batch_set_rejected_async (fixture->batch, rejected_id, TRUE, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sp_batch_set_rejected_finish (fixture->batch, result, &error));
  g_clear_object (&result);

  /* Chat format, with a system message. */
  g_assert_cmpuint (export_to (fixture->batch, path, SP_EXPORT_FORMAT_CHAT, "You write prompts."), ==, 5);
  chat = read_jsonl (path);
  g_assert_cmpuint (chat->len, ==, 5);
  for (guint i = 0; i < chat->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (chat, i));
      JsonArray *messages = json_object_get_array_member (object, "messages");
      JsonObject *user;
      JsonObject *assistant;

      g_assert_cmpuint (json_object_get_size (object), ==, 1);
      g_assert_cmpuint (json_array_get_length (messages), ==, 3);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "system");
      user = json_array_get_object_element (messages, 1);
      assistant = json_array_get_object_element (messages, 2);
      g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "user");
      g_assert_true (g_str_has_suffix (json_object_get_string_member (user, "content"), "Prompt:"));
      g_assert_cmpstr (json_object_get_string_member (assistant, "role"), ==, "assistant");
      g_assert_true (g_str_has_suffix (json_object_get_string_member (assistant, "content"), "--ar 3:2"));
    }

  /* Legacy format, as OpenAI's data preparation advised. */
  g_assert_cmpuint (export_to (fixture->batch, path, SP_EXPORT_FORMAT_COMPLETION, NULL), ==, 5);
  completion = read_jsonl (path);
  for (guint i = 0; i < completion->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (completion, i));
      const char *prompt = json_object_get_string_member (object, "prompt");
      const char *text = json_object_get_string_member (object, "completion");

      g_assert_cmpuint (json_object_get_size (object), ==, 2);
      g_assert_true (g_str_has_suffix (prompt, SP_EXPORT_PROMPT_SEPARATOR));
      g_assert_true (text[0] == ' ' && text[1] != ' ');
      g_assert_true (g_str_has_suffix (text, SP_EXPORT_COMPLETION_STOP));
    }

  /* The short training prompt, switched before export. */
  sp_batch_set_pair_mode_async (fixture->batch, SP_PAIR_MODE_SHORT, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sp_batch_set_pair_mode_finish (fixture->batch, result, &error));
  g_assert_cmpint (sp_batch_get_pair_mode (fixture->batch), ==, SP_PAIR_MODE_SHORT);
  g_assert_cmpuint (export_to (fixture->batch, path, SP_EXPORT_FORMAT_CHAT, NULL), ==, 5);
  shorts = read_jsonl (path);
  for (guint i = 0; i < shorts->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (shorts, i));
      JsonArray *messages = json_object_get_array_member (object, "messages");
      const char *user = json_object_get_string_member (json_array_get_object_element (messages, 0), "content");

      g_assert_cmpuint (json_array_get_length (messages), ==, 2);
      g_assert_true (strstr (user, "Prompt:") == NULL);
      g_assert_cmpuint (strlen (user), <, 200);
    }
  g_unlink (path);
}

static void
test_invalid (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) empty = g_list_store_new (SP_TYPE_STORY);
  SpBatchOptions options = { 0 };

  options.model = "fake-ok";
  options.template = fixture->template;
  options.n_items = 0;
  g_assert_null (sp_batch_create_sync (fixture->store, fixture->client, &options, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  options.n_items = 3;
  options.stories = G_LIST_MODEL (empty);
  g_assert_null (sp_batch_create_sync (fixture->store, fixture->client, &options, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
}

static void
add (const char *path,
     void      (*func) (Fixture *, gconstpointer),
     gconstpointer data)
{
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("/sp/batch/ok", test_models, "fake-ok");
  add ("/sp/batch/server-error-once", test_models, "fake-500");
  add ("/sp/batch/rate-limited-once", test_models, "fake-429");
  add ("/sp/batch/dropped-connection", test_models, "fake-drop");
  add ("/sp/batch/completion-model", test_models, "davinci-002");
  add ("/sp/batch/chatter-cleaned", test_chatter_cleaned, NULL);
  add ("/sp/batch/rate-limited-cool-down", test_rate_limited, NULL);
  add ("/sp/batch/malformed-and-retry-failed", test_malformed_and_retry, NULL);
  add ("/sp/batch/server-error-always", test_server_errors, NULL);
  add ("/sp/batch/stops-on-unknown-model", test_stops_on_not_found, NULL);
  add ("/sp/batch/seed", test_seed, NULL);
  add ("/sp/batch/pause-resume", test_pause_resume, NULL);
  add ("/sp/batch/cancel-and-resume", test_cancel, NULL);
  add ("/sp/batch/resume-after-crash", test_resume_after_crash, NULL);
  add ("/sp/batch/duplicates", test_duplicates, NULL);
  add ("/sp/batch/export", test_export, NULL);
  add ("/sp/batch/invalid", test_invalid, NULL);

  return g_test_run ();
}
