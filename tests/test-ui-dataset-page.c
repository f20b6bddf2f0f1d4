// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-ui-dataset-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sp-dataset-page.h"
#include "sp-ui-test-fixture.h"

typedef struct
{
  SpUiTestFixture  base;
  SpDatasetPage   *page;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  sp_ui_test_fixture_set_up (&fixture->base, 1200, 800);
  fixture->page = g_object_new (SP_TYPE_DATASET_PAGE, NULL);
  gtk_window_set_child (fixture->base.window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->base.window);
}

static void
setup_page (Fixture *fixture)
{
  sp_dataset_page_setup (fixture->page, fixture->base.store, fixture->base.providers, fixture->base.secrets,
                         fixture->base.settings, fixture->base.template);
  sp_ui_test_spin (50);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sp_ui_test_fixture_tear_down (&fixture->base);
}

static gboolean
batch_finished (Fixture *fixture)
{
  SpBatch *batch = sp_dataset_page_get_batch (fixture->page);

  return batch != NULL && sp_batch_get_state (batch) == SP_BATCH_STATE_FINISHED;
}

static guint
count_status (Fixture         *fixture,
              SpExampleStatus  status)
{
  GListModel *examples = sp_dataset_page_get_examples (fixture->page);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (examples); i++)
    {
      g_autoptr(SpExample) example = g_list_model_get_item (examples, i);

      if (sp_example_get_status (example) == status)
        n++;
    }
  return n;
}

static gboolean
list_all_done (Fixture *fixture)
{
  SpBatch *batch = sp_dataset_page_get_batch (fixture->page);

  return batch_finished (fixture) &&
         count_status (fixture, SP_EXAMPLE_STATUS_DONE) == sp_batch_get_n_total (batch);
}

static gboolean
one_rejected (Fixture *fixture)
{
  return count_status (fixture, SP_EXAMPLE_STATUS_REJECTED) == 1;
}

static SpExample *
dup_example (Fixture *fixture,
             guint    position)
{
  return g_list_model_get_item (sp_dataset_page_get_examples (fixture->page), position);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  int *count = user_data;
  g_autoptr(GError) error = NULL;

  *count = (int) sp_dataset_page_export_finish (SP_DATASET_PAGE (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_counted (int *count)
{
  return *count >= 0;
}

static guint
export_and_count (Fixture        *fixture,
                  SpExportFormat  format,
                  const char     *name,
                  GPtrArray      *lines)
{
  g_autofree char *path = g_build_filename (sp_ui_test_get_tmp_dir (), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) split = NULL;
  g_autoptr(GError) error = NULL;
  int count = -1;

  sp_dataset_page_export_async (fixture->page, file, format, NULL, export_done_cb, &count);
  sp_ui_test_wait_for (&count, is_counted);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  split = g_strsplit (contents, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i] != '\0')
      g_ptr_array_add (lines, g_strdup (split[i]));
  g_assert_cmpuint (lines->len, ==, (guint) count);
  return (guint) count;
}

static guint
count_accepted_unique (Fixture *fixture)
{
  GListModel *examples = sp_dataset_page_get_examples (fixture->page);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (examples); i++)
    {
      g_autoptr(SpExample) example = g_list_model_get_item (examples, i);

      if (sp_example_get_status (example) == SP_EXAMPLE_STATUS_DONE && !sp_example_get_duplicate (example))
        n++;
    }
  return n;
}

static void
test_offline_batch (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SpExample) first = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) legacy = g_ptr_array_new_with_free_func (g_free);
  guint n;

  setup_page (fixture);
  g_assert_false (sp_dataset_page_get_offers_resume (fixture->page));
  sp_dataset_page_select_provider (fixture->page, "offline");
  sp_dataset_page_set_model (fixture->page, "");
  sp_dataset_page_set_count (fixture->page, 12);
  sp_dataset_page_set_concurrency (fixture->page, 4);
  sp_dataset_page_start (fixture->page);
  sp_ui_test_wait_for (fixture, list_all_done);

  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_examples (fixture->page)), ==, 12);
  g_assert_cmpuint (sp_batch_get_n_failed (sp_dataset_page_get_batch (fixture->page)), ==, 0);
  g_assert_cmpuint (sp_batch_get_concurrency (sp_dataset_page_get_batch (fixture->page)), ==, 4);

  /* Reject the first example, as its Reject button does. */
  first = dup_example (fixture, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.reject", "x",
                                             sp_example_get_id (first)));
  sp_ui_test_wait_for (fixture, one_rejected);

  /* The status filter. */
  sp_dataset_page_set_filter (fixture->page, SP_DATASET_FILTER_REJECTED);
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_examples (fixture->page)), ==, 1);
  sp_dataset_page_set_filter (fixture->page, SP_DATASET_FILTER_DONE);
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_examples (fixture->page)), ==, 11);
  sp_dataset_page_set_filter (fixture->page, SP_DATASET_FILTER_ALL);

  n = export_and_count (fixture, SP_EXPORT_FORMAT_CHAT, "chat.jsonl", lines);
  g_assert_cmpuint (n, ==, count_accepted_unique (fixture));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <=, 11);
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      json_parser_load_from_data (parser, g_ptr_array_index (lines, i), -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (object, "messages"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "messages")), >=, 2);
    }

  n = export_and_count (fixture, SP_EXPORT_FORMAT_COMPLETION, "legacy.jsonl", legacy);
  g_assert_cmpuint (n, ==, lines->len);
  g_assert_nonnull (strstr (g_ptr_array_index (legacy, 0), "\"completion\""));
}

static gboolean
no_rejected (Fixture *fixture)
{
  return count_status (fixture, SP_EXAMPLE_STATUS_REJECTED) == 0;
}

static void
test_restore (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SpExample) first = NULL;

  setup_page (fixture);
  sp_dataset_page_select_provider (fixture->page, "offline");
  sp_dataset_page_set_count (fixture->page, 3);
  sp_dataset_page_start (fixture->page);
  sp_ui_test_wait_for (fixture, list_all_done);

  first = dup_example (fixture, 1);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.reject", "x", sp_example_get_id (first));
  sp_ui_test_wait_for (fixture, one_rejected);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.restore", "x", sp_example_get_id (first));
  sp_ui_test_wait_for (fixture, no_rejected);
  g_assert_cmpuint (count_status (fixture, SP_EXAMPLE_STATUS_DONE), ==, 3);
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (Fixture *fixture)
{
  return find_dialog () != NULL;
}

/* Start with a provider that costs money: the page asks first. */
static void
start_and_confirm (Fixture *fixture)
{
  AdwMessageDialog *dialog;

  sp_dataset_page_start (fixture->page);
  sp_ui_test_wait_for (fixture, dialog_shown);
  dialog = find_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "requests to “"));
  adw_message_dialog_response (dialog, "start");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_server_500_delivers_every_item_once (Fixture       *fixture,
                                          gconstpointer  data)
{
  GListModel *examples;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  setup_page (fixture);
  sp_dataset_page_select_provider (fixture->page, "fake");
  sp_dataset_page_set_model (fixture->page, "fake-500");
  sp_dataset_page_set_count (fixture->page, 8);
  sp_dataset_page_set_concurrency (fixture->page, 4);
  start_and_confirm (fixture);
  sp_ui_test_wait_for (fixture, list_all_done);

  examples = sp_dataset_page_get_examples (fixture->page);
  g_assert_cmpuint (g_list_model_get_n_items (examples), ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(SpExample) example = g_list_model_get_item (examples, i);
      gint64 id = sp_example_get_id (example);

      g_assert_false (g_hash_table_contains (ids, &id));
      g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
      g_assert_true (g_str_has_suffix (sp_example_get_output (example), "--ar 3:2"));
    }
  g_assert_cmpuint (sp_batch_get_n_failed (sp_dataset_page_get_batch (fixture->page)), ==, 0);
  /* Every item met a 500 at least once in its conversation. */
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->base.server, "/v1/chat/completions"), >, 8);
}

static gboolean
batch_running_with_one_done (Fixture *fixture)
{
  SpBatch *batch = sp_dataset_page_get_batch (fixture->page);

  return batch != NULL && sp_batch_get_n_done (batch) >= 1;
}

static gboolean
batch_paused (Fixture *fixture)
{
  SpBatch *batch = sp_dataset_page_get_batch (fixture->page);

  return batch != NULL && sp_batch_get_state (batch) == SP_BATCH_STATE_PAUSED;
}

static void
test_pause_resume (Fixture       *fixture,
                   gconstpointer  data)
{
  SpBatch *batch;
  guint done;

  setup_page (fixture);
  sp_dataset_page_select_provider (fixture->page, "fake");
  sp_dataset_page_set_model (fixture->page, "fake-slow");
  sp_dataset_page_set_count (fixture->page, 6);
  sp_dataset_page_set_concurrency (fixture->page, 2);
  start_and_confirm (fixture);
  sp_ui_test_wait_for (fixture, batch_running_with_one_done);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.pause", NULL));
  sp_ui_test_wait_for (fixture, batch_paused);
  batch = sp_dataset_page_get_batch (fixture->page);
  done = sp_batch_get_n_done (batch);
  g_assert_cmpuint (done, <, 6);
  sp_ui_test_spin (700);
  g_assert_cmpuint (sp_batch_get_n_done (batch), ==, done);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.resume", NULL));
  sp_ui_test_wait_for (fixture, list_all_done);
  g_assert_cmpuint (sp_batch_get_n_done (batch), ==, 6);
}

static gboolean
offers_resume (Fixture *fixture)
{
  return sp_dataset_page_get_offers_resume (fixture->page);
}

static void
test_interrupted_batch_offered (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(SpBatch) left = NULL;
  g_autoptr(GError) error = NULL;
  SpBatchOptions options = { 0 };

  /* A batch created and never run: as after a crash before any result. */
  options.model = "starprompt-offline";
  options.template = fixture->base.template;
  options.n_items = 5;
  options.concurrency = 2;
  left = sp_batch_create_sync (fixture->base.store, NULL, &options, &error);
  g_assert_no_error (error);

  setup_page (fixture);
  sp_ui_test_wait_for (fixture, offers_resume);
  sp_dataset_page_select_provider (fixture->page, "offline");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.resume-interrupted", NULL));
  sp_ui_test_wait_for (fixture, list_all_done);
  g_assert_cmpint (sp_batch_get_id (sp_dataset_page_get_batch (fixture->page)), ==, sp_batch_get_id (left));
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_examples (fixture->page)), ==, 5);
  g_assert_false (sp_dataset_page_get_offers_resume (fixture->page));
}

static gboolean
not_offering (Fixture *fixture)
{
  return !sp_dataset_page_get_offers_resume (fixture->page);
}

static void
test_interrupted_batch_discarded (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(SpBatch) left = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  SpBatchOptions options = { 0 };

  options.model = "starprompt-offline";
  options.template = fixture->base.template;
  options.n_items = 3;
  left = sp_batch_create_sync (fixture->base.store, NULL, &options, &error);
  g_assert_no_error (error);

  setup_page (fixture);
  sp_ui_test_wait_for (fixture, offers_resume);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.discard-interrupted", NULL));
  sp_ui_test_wait_for (fixture, not_offering);
  sp_ui_test_spin (100);
  batches = sp_store_list_batches_sync (fixture->base.store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batches->len, ==, 0);
}

/* The page of a new session, on the same library: as after a restart. */
static void
restart_page (Fixture *fixture)
{
  fixture->page = g_object_new (SP_TYPE_DATASET_PAGE, NULL);
  gtk_window_set_child (fixture->base.window, GTK_WIDGET (fixture->page));
  setup_page (fixture);
}

static gint64 wanted_batch_id;

static gboolean
wanted_batch_shown (Fixture *fixture)
{
  SpBatch *batch = sp_dataset_page_get_batch (fixture->page);

  return batch != NULL && sp_batch_get_id (batch) == wanted_batch_id &&
         g_list_model_get_n_items (sp_dataset_page_get_examples (fixture->page)) == sp_batch_get_n_total (batch);
}

static gboolean
three_batches_listed (Fixture *fixture)
{
  return g_menu_model_get_n_items (sp_dataset_page_get_batches (fixture->page)) == 3;
}

static gint64
run_offline_batch (Fixture *fixture,
                   guint    count)
{
  sp_dataset_page_set_count (fixture->page, count);
  sp_dataset_page_start (fixture->page);
  sp_ui_test_wait_for (fixture, list_all_done);
  return sp_batch_get_id (sp_dataset_page_get_batch (fixture->page));
}

/* Batches of earlier sessions: the newest is shown at start, any other
 * opens from the menu with its reviews, and one left unfinished runs
 * from there with the provider of the form. */
static void
test_earlier_batches (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SpExample) first = NULL;
  g_autoptr(SpBatch) left = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  SpBatchOptions options = { 0 };
  GMenuModel *menu;
  gint64 older, newer;

  setup_page (fixture);
  sp_dataset_page_select_provider (fixture->page, "offline");
  older = run_offline_batch (fixture, 4);
  first = dup_example (fixture, 0);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.reject", "x", sp_example_get_id (first));
  sp_ui_test_wait_for (fixture, one_rejected);
  newer = run_offline_batch (fixture, 3);

  /* A batch that never ran, as after a crash. */
  options.model = "starprompt-offline";
  options.template = fixture->base.template;
  options.n_items = 2;
  left = sp_batch_create_sync (fixture->base.store, NULL, &options, &error);
  g_assert_no_error (error);

  restart_page (fixture);
  wanted_batch_id = newer;
  sp_ui_test_wait_for (fixture, wanted_batch_shown);
  sp_ui_test_wait_for (fixture, three_batches_listed);
  g_assert_true (sp_dataset_page_get_offers_resume (fixture->page));
  menu = sp_dataset_page_get_batches (fixture->page);
  {
    g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (menu, 0, G_MENU_ATTRIBUTE_TARGET,
                                                                        G_VARIANT_TYPE_INT64);
    g_autofree char *label = NULL;

    g_assert_cmpint (g_variant_get_int64 (target), ==, sp_batch_get_id (left));
    g_assert_true (g_menu_model_get_item_attribute (menu, 2, G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_nonnull (strstr (label, "4 of 4"));
  }

  /* The older batch, with its rejected example, exports what it kept. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.show-batch", "x", older));
  wanted_batch_id = older;
  sp_ui_test_wait_for (fixture, wanted_batch_shown);
  g_assert_cmpuint (count_status (fixture, SP_EXAMPLE_STATUS_REJECTED), ==, 1);
  g_assert_cmpuint (export_and_count (fixture, SP_EXPORT_FORMAT_CHAT, "older.jsonl", lines), ==,
                    count_accepted_unique (fixture));

  /* The unfinished one: shown, it is no longer offered; Resume runs it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.show-batch", "x",
                                             sp_batch_get_id (left)));
  wanted_batch_id = sp_batch_get_id (left);
  sp_ui_test_wait_for (fixture, wanted_batch_shown);
  sp_ui_test_wait_for (fixture, not_offering);
  sp_dataset_page_select_provider (fixture->page, "offline");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.resume", NULL));
  sp_ui_test_wait_for (fixture, list_all_done);
  g_assert_cmpint (sp_batch_get_id (sp_dataset_page_get_batch (fixture->page)), ==, sp_batch_get_id (left));
  g_assert_nonnull (sp_batch_get_client (sp_dataset_page_get_batch (fixture->page)));
}

static guint
count_widgets (GtkWidget *widget)
{
  guint n = 1;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child);
  return n;
}

/* Tens of thousands of rows: the list is a model, the view makes widgets
 * only for the rows on screen. */
static void
test_many_examples (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SpBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  SpBatchOptions options = { 0 };
  guint n_widgets;

  options.model = "starprompt-offline";
  options.template = fixture->base.template;
  options.n_items = 20000;
  batch = sp_batch_create_sync (fixture->base.store, NULL, &options, &error);
  g_assert_no_error (error);

  setup_page (fixture);
  sp_ui_test_wait_for (fixture, offers_resume);
  sp_dataset_page_select_provider (fixture->page, "offline");
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.resume-interrupted", NULL);
  while (sp_dataset_page_get_batch (fixture->page) == NULL ||
         g_list_model_get_n_items (sp_dataset_page_get_examples (fixture->page)) < options.n_items)
    g_main_context_iteration (NULL, TRUE);
  /* Widgets only for the rows around the screen: the whole page has fewer
   * widgets than the list has examples (4460 here, as with 300 examples;
   * a row has about 25). How fast it scrolls is measured by
   * bench/bench-dataset-list.c, outside the sanitizers. */
  sp_ui_test_spin (200);
  n_widgets = count_widgets (GTK_WIDGET (fixture->page));
  g_test_message ("%u widgets for %u examples", n_widgets, options.n_items);
  g_assert_cmpuint (n_widgets, <, options.n_items);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.cancel", NULL);
  sp_ui_test_spin (200);
}

/* The story library */

static gboolean
stories_loaded (Fixture *fixture)
{
  GListModel *stories = sp_dataset_page_get_stories (fixture->page);

  return stories != NULL && g_list_model_get_n_items (stories) >= 10;
}

static SpStory *
find_story_titled (Fixture    *fixture,
                   const char *title)
{
  GListModel *stories = sp_dataset_page_get_stories (fixture->page);

  for (guint i = 0; stories != NULL && i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, i);

      if (g_strcmp0 (sp_story_get_title (story), title) == 0)
        return g_steal_pointer (&story);
    }
  return NULL;
}

static const char *wanted_title;

static gboolean
wanted_story_listed (Fixture *fixture)
{
  g_autoptr(SpStory) story = find_story_titled (fixture, wanted_title);

  return story != NULL;
}

static gboolean
wanted_story_gone (Fixture *fixture)
{
  return !wanted_story_listed (fixture);
}

/* Fills the story dialog (title entry, then the text view) and saves. */
static void
fill_story_dialog (Fixture    *fixture,
                   const char *expected_title,
                   const char *title,
                   const char *text)
{
  AdwMessageDialog *dialog;
  GtkWidget *box;
  GtkWidget *entry;
  GtkWidget *scrolled;
  GtkWidget *view;

  sp_ui_test_wait_for (fixture, dialog_shown);
  dialog = find_dialog ();
  box = adw_message_dialog_get_extra_child (dialog);
  entry = gtk_widget_get_first_child (box);
  scrolled = gtk_widget_get_last_child (box);
  view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (GTK_IS_ENTRY (entry));
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, expected_title);
  gtk_editable_set_text (GTK_EDITABLE (entry), title);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_story_library (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SpStory) added = NULL;
  g_autoptr(SpStory) edited = NULL;
  guint n;

  setup_page (fixture);
  sp_ui_test_wait_for (fixture, stories_loaded);
  n = g_list_model_get_n_items (sp_dataset_page_get_stories (fixture->page));

  /* Add */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.add-story", NULL));
  fill_story_dialog (fixture, "", "  A Test Story ", "The lighthouse keeper counted comets.");
  wanted_title = "A Test Story";
  sp_ui_test_wait_for (fixture, wanted_story_listed);
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_stories (fixture->page)), ==, n + 1);
  added = find_story_titled (fixture, "A Test Story");
  g_assert_cmpstr (sp_story_get_text (added), ==, "The lighthouse keeper counted comets.");

  /* Edit: the dialog opens with the story */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.edit-story", "x",
                                             sp_store_story_get_id (added)));
  fill_story_dialog (fixture, "A Test Story", "An Edited Story", "The keeper counted two comets.");
  wanted_title = "An Edited Story";
  sp_ui_test_wait_for (fixture, wanted_story_listed);
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_stories (fixture->page)), ==, n + 1);
  edited = find_story_titled (fixture, "An Edited Story");
  g_assert_cmpint (sp_store_story_get_id (edited), ==, sp_store_story_get_id (added));
  g_assert_cmpstr (sp_story_get_text (edited), ==, "The keeper counted two comets.");

  /* Delete, then Undo */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.delete-story", "x",
                                             sp_store_story_get_id (edited)));
  sp_ui_test_wait_for (fixture, wanted_story_gone);
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_stories (fixture->page)), ==, n);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "dataset.undo-delete-story", NULL));
  sp_ui_test_wait_for (fixture, wanted_story_listed);
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_stories (fixture->page)), ==, n + 1);
}

typedef struct
{
  gboolean  done;
  guint     n_added;
  char    **problems;
} ImportResult;

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ImportResult *import = user_data;
  g_autoptr(GError) error = NULL;

  import->n_added = sp_dataset_page_import_stories_finish (SP_DATASET_PAGE (object), result,
                                                           &import->problems, &error);
  g_assert_no_error (error);
  import->done = TRUE;
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_import_stories (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (sp_ui_test_get_tmp_dir (), "import", NULL);
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GFile) folder = NULL;
  ImportResult import = { 0 };
  AdwMessageDialog *dialog;
  guint n;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_file (dir, "drift.txt", "The Long Drift\n\nA probe woke every thousand years to sing.\n");
  write_file (dir, "tides.txt", "\nTides of Titan\nMethane rain filled the old crater lakes.\n");
  write_file (dir, "more.csv",
              "title,text\r\n"
              "Glass Orchard,\"Trees of glass, grown in orbit.\"\r\n"
              "Broken,row,with three fields\r\n"
              "Quiet Relay,A relay station that answered itself.\r\n");

  setup_page (fixture);
  sp_ui_test_wait_for (fixture, stories_loaded);
  n = g_list_model_get_n_items (sp_dataset_page_get_stories (fixture->page));

  folder = g_file_new_for_path (dir);
  g_list_store_append (files, folder);
  sp_dataset_page_import_stories_async (fixture->page, G_LIST_MODEL (files), NULL, imported_cb, &import);
  while (!import.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (import.n_added, ==, 4);
  g_assert_cmpuint (g_strv_length (import.problems), ==, 1);
  g_assert_nonnull (strstr (import.problems[0], "more.csv, line 3"));

  /* The skipped row is shown with its line. */
  sp_ui_test_wait_for (fixture, dialog_shown);
  dialog = find_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "more.csv, line 3"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  wanted_title = "Quiet Relay";
  sp_ui_test_wait_for (fixture, wanted_story_listed);
  g_assert_cmpuint (g_list_model_get_n_items (sp_dataset_page_get_stories (fixture->page)), ==, n + 4);
  g_strfreev (import.problems);
}

/* Checking the training set */

typedef struct
{
  gboolean       done;
  SpJsonlReport *report;
} CheckResult;

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CheckResult *check = user_data;
  g_autoptr(GError) error = NULL;

  check->report = sp_dataset_page_check_training_set_finish (SP_DATASET_PAGE (object), result, &error);
  g_assert_no_error (error);
  check->done = TRUE;
}

static gboolean
check_done (CheckResult *check)
{
  return check->done;
}

static SpJsonlReport *
check_training_set (Fixture *fixture)
{
  CheckResult check = { 0 };

  sp_dataset_page_check_training_set_async (fixture->page, NULL, checked_cb, &check);
  sp_ui_test_wait_for (&check, check_done);
  g_assert_nonnull (check.report);
  g_assert_true (check.report == sp_dataset_page_get_report (fixture->page));
  return check.report;
}

static void
test_check_training_set (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(SpJsonlReport) broken = NULL;
  g_autoptr(SpExample) emptied = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *examples;
  SpExample *selected;
  const SpJsonlIssue *issue;
  guint n_accepted;
  guint nth = 0;

  setup_page (fixture);
  sp_dataset_page_select_provider (fixture->page, "offline");
  sp_dataset_page_set_count (fixture->page, 12);
  sp_dataset_page_start (fixture->page);
  sp_ui_test_wait_for (fixture, list_all_done);

  n_accepted = count_accepted_unique (fixture);
  report = check_training_set (fixture);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, n_accepted);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_false (sp_dataset_page_activate_report_error (fixture->page, 0));

  /* Empty the output of the third exported example: a missing_content
   * error on line 3. */
  examples = sp_dataset_page_get_examples (fixture->page);
  for (guint i = 0; i < g_list_model_get_n_items (examples) && emptied == NULL; i++)
    {
      g_autoptr(SpExample) example = g_list_model_get_item (examples, i);

      if (sp_example_get_status (example) == SP_EXAMPLE_STATUS_DONE && !sp_example_get_duplicate (example) &&
          ++nth == 3)
        emptied = g_steal_pointer (&example);
    }
  g_assert_nonnull (emptied);
  sp_store_set_output_sync (fixture->base.store, sp_example_get_id (emptied), "", &error);
  g_assert_no_error (error);

  broken = check_training_set (fixture);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (broken), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_error_count (broken, SP_JSONL_ERROR_MISSING_CONTENT), ==, 1);
  issue = sp_jsonl_report_get_error (broken, 0);
  g_assert_cmpuint (issue->line, ==, 3);

  /* The filter hides it; the click shows all examples and selects it. */
  sp_dataset_page_set_filter (fixture->page, SP_DATASET_FILTER_FAILED);
  g_assert_null (sp_dataset_page_get_selected_example (fixture->page));
  g_assert_true (sp_dataset_page_activate_report_error (fixture->page, 0));
  selected = sp_dataset_page_get_selected_example (fixture->page);
  g_assert_nonnull (selected);
  g_assert_cmpint (sp_example_get_id (selected), ==, sp_example_get_id (emptied));
  sp_ui_test_spin (100);
}

int
main (int   argc,
      char *argv[])
{
  sp_ui_test_init (&argc, &argv, "starprompt-dataset-XXXXXX");

#define ADD(path, func) \
  g_test_add ("/sp/ui/dataset-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("offline-batch-review-export", test_offline_batch);
  ADD ("reject-and-restore", test_restore);
  ADD ("server-500-delivers-every-item-once", test_server_500_delivers_every_item_once);
  ADD ("pause-resume", test_pause_resume);
  ADD ("interrupted-batch-offered", test_interrupted_batch_offered);
  ADD ("interrupted-batch-discarded", test_interrupted_batch_discarded);
  ADD ("earlier-batches-reopen", test_earlier_batches);
  ADD ("many-examples", test_many_examples);
  ADD ("story-library-add-edit-delete-undo", test_story_library);
  ADD ("import-stories-reports-bad-rows", test_import_stories);
  ADD ("check-training-set-error-selects-example", test_check_training_set);
#undef ADD

  return sp_ui_test_run ();
}
