// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-ui-test-fixture"

#include "config.h"

#include "sp-ui-test-fixture.h"
#include "sp-test-util.h"

#include <glib/gstdio.h>

static char *tmp_dir;

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * sp_ui_test_init:
 * @tmp_template: the name of the private folder, ending in XXXXXX
 *
 * Makes a private folder for configuration and data, keeps keys in
 * memory, speaks English, and initializes GTK and libadwaita for tests.
 */
void
sp_ui_test_init (int          *argc,
                 char       ***argv,
                 const char   *tmp_template)
{
  g_assert_null (tmp_dir);

  tmp_dir = g_dir_make_tmp (tmp_template, NULL);
  g_assert_nonnull (tmp_dir);
  g_setenv ("STARPROMPT_CONFIG_DIR", tmp_dir, TRUE);
  g_setenv ("STARPROMPT_DATA_DIR", tmp_dir, TRUE);
  g_setenv ("STARPROMPT_SECRETS", "memory", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

const char *
sp_ui_test_get_tmp_dir (void)
{
  return tmp_dir;
}

void
sp_ui_test_remove_tmp_dir (void)
{
  sp_test_remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

/* Runs the tests, then removes the private folder. */
int
sp_ui_test_run (void)
{
  int status = g_test_run ();

  sp_ui_test_remove_tmp_dir ();
  return status;
}

void
sp_ui_test_spin (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

void
sp_ui_test_wait_for_func (SpUiTestCondition condition,
                          gpointer          data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (SP_UI_TEST_WAIT_SECONDS, timeout_cb, &timed_out);

  while (!timed_out && !condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* A new library in the private folder. */
SpStore *
sp_ui_test_open_store (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("library-%u.db", ++n);
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  SpStore *store = sp_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

void
sp_ui_test_fixture_set_up (SpUiTestFixture *fixture,
                           int              width,
                           int              height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpProvider) provider = NULL;

  fixture->store = sp_ui_test_open_store ();
  fixture->providers = sp_provider_list_new ();
  fixture->secrets = sp_secrets_new (FALSE);
  fixture->settings = g_settings_new (APPLICATION_ID);
  /* The memory backend lives as long as the process: each test starts
   * from the defaults, whatever the test before it chose. */
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (fixture->settings, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);
    for (guint i = 0; keys[i] != NULL; i++)
      g_settings_reset (fixture->settings, keys[i]);
  }
  fixture->template = sp_template_new_builtin ();

  fixture->server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  provider = sp_provider_new ("fake", "Fake Server", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                              sp_fake_server_get_base_url (fixture->server));
  sp_provider_list_add (fixture->providers, provider);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, width, height);
}

/* Destroys the window, lets the page finish what it cancelled, and drops
 * the rest. */
void
sp_ui_test_fixture_tear_down (SpUiTestFixture *fixture)
{
  gtk_window_destroy (fixture->window);
  sp_ui_test_spin (50);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->template);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->providers);
  g_clear_object (&fixture->store);
}
