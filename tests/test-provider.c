// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sp-error.h"
#include "sp-provider.h"
#include "sp-provider-list.h"
#include "sp-secrets.h"
#include "sp-test-util.h"

static void
test_builtins (void)
{
  g_autoptr(SpProvider) offline = sp_provider_new_offline ();
  g_autoptr(SpProvider) openai = sp_provider_new_openai ();
  SpProviderKind kind;
  SpCapabilities capabilities;

  g_assert_cmpstr (sp_provider_get_id (offline), ==, "offline");
  g_assert_cmpstr (sp_provider_get_name (offline), ==, "Offline");
  g_assert_cmpint (sp_provider_get_kind (offline), ==, SP_PROVIDER_KIND_OFFLINE);
  g_assert_false (sp_provider_get_needs_key (offline));
  g_assert_cmpint (sp_provider_get_capabilities (offline), ==,
                   SP_CAPABILITY_CHAT | SP_CAPABILITY_COMPLETIONS | SP_CAPABILITY_STREAMING);
  g_assert_true (sp_provider_is_builtin (offline));

  g_assert_cmpstr (sp_provider_get_id (openai), ==, "openai");
  g_assert_cmpstr (sp_provider_get_base_url (openai), ==, "https://api.openai.com/v1");
  g_assert_cmpstr (sp_provider_get_default_model (openai), ==, "gpt-4o-mini");
  g_assert_true (sp_provider_get_needs_key (openai));
  g_assert_true (sp_provider_get_capabilities (openai) & SP_CAPABILITY_FINE_TUNING);
  g_assert_true (sp_provider_get_capabilities (openai) & SP_CAPABILITY_FILES);
  g_assert_true (sp_provider_is_builtin (openai));

  g_object_get (openai, "kind", &kind, "capabilities", &capabilities, NULL);
  g_assert_cmpint (kind, ==, SP_PROVIDER_KIND_OPENAI);
  g_assert_cmpint (capabilities, ==, sp_provider_get_capabilities (openai));

  g_assert_finalize_object (g_steal_pointer (&offline));
  g_assert_finalize_object (g_steal_pointer (&openai));
}

static void
test_setters_notify (void)
{
  g_autoptr(SpProvider) provider = sp_provider_new ("x", "X", SP_PROVIDER_KIND_OPENAI_COMPATIBLE, "http://localhost:1/v1");
  guint notified = 0;

  g_signal_connect_swapped (provider, "notify", G_CALLBACK (g_atomic_int_inc), &notified);
  sp_provider_set_name (provider, "X");
  sp_provider_set_base_url (provider, "http://localhost:1/v1");
  g_assert_cmpuint (notified, ==, 0);
  sp_provider_set_name (provider, "Y");
  sp_provider_set_default_model (provider, "m");
  sp_provider_set_needs_key (provider, TRUE);
  sp_provider_set_needs_key (provider, TRUE);
  sp_provider_set_capabilities (provider, SP_CAPABILITY_CHAT);
  g_assert_cmpuint (notified, ==, 4);
  g_assert_false (sp_provider_is_builtin (provider));
}

static void
test_presets (void)
{
  guint n = 0;
  const SpProviderPreset *presets = sp_provider_get_presets (&n);
  const char *urls[] = {
    "http://localhost:11434/v1", "http://localhost:8080/v1", "http://localhost:1234/v1",
    "http://localhost:8000/v1", "https://openrouter.ai/api/v1", NULL
  };

  g_assert_cmpuint (n, ==, 5);
  g_assert_null (presets[n].id);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpProvider) provider = sp_provider_new_from_preset (&presets[i]);

      g_assert_true (g_strv_contains (urls, presets[i].base_url));
      g_assert_true (sp_provider_check_base_url (presets[i].base_url, NULL));
      g_assert_cmpstr (sp_provider_get_id (provider), ==, presets[i].id);
      g_assert_cmpint (sp_provider_get_kind (provider), ==, SP_PROVIDER_KIND_OPENAI_COMPATIBLE);
      g_assert_cmpint (sp_provider_get_needs_key (provider), ==,
                       g_str_equal (presets[i].id, "openrouter"));
      g_assert_finalize_object (g_steal_pointer (&provider));
    }
}

typedef struct
{
  const char *url;
  gboolean    valid;
} UrlCase;

static const UrlCase url_cases[] = {
  { "https://api.openai.com/v1", TRUE },
  { "http://localhost:11434/v1", TRUE },
  { "http://127.0.0.1:8080", TRUE },
  { "http://[::1]:8000/v1", TRUE },
  { "HTTPS://Example.com/api/v1/", TRUE },
  { "", FALSE },
  { "localhost:11434/v1", FALSE },
  { "ftp://example.com/v1", FALSE },
  { "file:///etc/passwd", FALSE },
  { "http://", FALSE },
  { "http:///v1", FALSE },
  { "https://user:sk-secret@example.com/v1", FALSE },
  { "https://user@example.com/v1", FALSE },
  { "https://example.com/v1?key=1", FALSE },
  { "https://example.com/v1#top", FALSE },
  { "https://exa mple.com/v1", FALSE },
  { " https://example.com/v1", FALSE },
  { "https://example.com/v1\n", FALSE },
  { "http://example.com:99999/v1", FALSE },
  { "not a url", FALSE },
};

static void
test_check_base_url (gconstpointer data)
{
  const UrlCase *c = data;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sp_provider_check_base_url (c->url, &error), ==, c->valid);
  if (c->valid)
    {
      g_assert_no_error (error);
      return;
    }

  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_null (strstr (error->message, "sk-secret"));
}

static void
test_check_base_url_null (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sp_provider_check_base_url (NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
}

/* STARPROMPT_CONFIG_DIR is set once in main(), before any thread starts:
 * setenv() is not thread-safe. */
typedef struct
{
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->path = g_build_filename (g_getenv ("STARPROMPT_CONFIG_DIR"), "providers.json", NULL);
  g_unlink (fixture->path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_unlink (fixture->path);
  g_free (fixture->path);
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* A worker thread drops its reference to a GTask, and so to the list,
 * just after the result reaches the main thread: wait for it. */
static void
assert_finalize_soon (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);

  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  g_assert_null (weak);
}

static void
test_list_missing_file (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SpProviderList) list = sp_provider_list_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == SP_TYPE_PROVIDER);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  sp_provider_list_load_async (list, NULL, result_cb, &result);
  g_assert_true (sp_provider_list_load_finish (list, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_nonnull (sp_provider_list_lookup (list, "offline"));
  g_assert_nonnull (sp_provider_list_lookup (list, "openai"));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  g_clear_object (&result);
  assert_finalize_soon (g_steal_pointer (&list));
}

static void
test_list_round_trip (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SpProviderList) list = sp_provider_list_new ();
  g_autoptr(SpProviderList) loaded = sp_provider_list_new ();
  g_autoptr(SpSecrets) secrets = sp_secrets_new (FALSE);
  g_autoptr(SpProvider) ollama = sp_provider_new_from_preset (&sp_provider_get_presets (NULL)[0]);
  g_autoptr(SpProvider) custom = sp_provider_new ("my-server", "My “server”", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                                                  "https://llm.example.com/v1");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *unique = NULL;
  const char *key = "sk-never-on-disk-123";
  SpProvider *found;

  sp_provider_set_needs_key (custom, TRUE);
  sp_provider_set_default_model (custom, "big-model");
  sp_provider_set_capabilities (custom, SP_CAPABILITY_CHAT | SP_CAPABILITY_FINE_TUNING);
  sp_provider_list_add (list, ollama);
  sp_provider_list_add (list, custom);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);

  unique = sp_provider_list_dup_unique_id (list, "ollama");
  g_assert_cmpstr (unique, ==, "ollama-2");

  sp_secrets_store_key_async (secrets, "my-server", key, NULL, result_cb, &result);
  g_assert_true (sp_secrets_store_key_finish (secrets, sp_test_wait_for (&result), &error));
  g_clear_object (&result);

  sp_provider_list_save_async (list, NULL, result_cb, &result);
  g_assert_true (sp_provider_list_save_finish (list, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, key));
  g_assert_null (strstr (contents, "sk-"));
  g_assert_null (strstr (contents, "\"offline\""));

  sp_provider_list_load_async (loaded, NULL, result_cb, &result);
  g_assert_true (sp_provider_list_load_finish (loaded, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, 4);
  found = sp_provider_list_lookup (loaded, "my-server");
  g_assert_nonnull (found);
  g_assert_cmpstr (sp_provider_get_name (found), ==, "My “server”");
  g_assert_cmpstr (sp_provider_get_base_url (found), ==, "https://llm.example.com/v1");
  g_assert_cmpstr (sp_provider_get_default_model (found), ==, "big-model");
  g_assert_true (sp_provider_get_needs_key (found));
  g_assert_cmpint (sp_provider_get_capabilities (found), ==, SP_CAPABILITY_CHAT | SP_CAPABILITY_FINE_TUNING);
  found = sp_provider_list_lookup (loaded, "ollama");
  g_assert_cmpstr (sp_provider_get_base_url (found), ==, "http://localhost:11434/v1");
  g_assert_false (sp_provider_get_needs_key (found));

  /* Loading again replaces, never duplicates. */
  g_assert_true (sp_provider_list_load_sync (loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, 4);

  g_assert_false (sp_provider_list_remove (loaded, "openai"));
  g_assert_false (sp_provider_list_remove (loaded, "offline"));
  g_assert_true (sp_provider_list_remove (loaded, "ollama"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, 3);
  g_assert_true (sp_provider_list_save_sync (loaded, &error));
  g_assert_no_error (error);

  g_assert_true (sp_provider_list_load_sync (list, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_null (sp_provider_list_lookup (list, "ollama"));

  assert_finalize_soon (g_steal_pointer (&loaded));
  assert_finalize_soon (g_steal_pointer (&list));
  g_assert_finalize_object (g_steal_pointer (&ollama));
  g_assert_finalize_object (g_steal_pointer (&custom));
  g_assert_finalize_object (g_steal_pointer (&secrets));
}

static const char * const corrupt_files[] = {
  "{ not json",
  "[]",
  "{\"providers\": 3}",
  "{\"providers\": [{\"name\": \"no id\"}]}",
  "{\"providers\": [{\"id\": \"x\", \"kind\": \"martian\"}]}",
};

static void
test_list_corrupt (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (corrupt_files); i++)
    {
      g_autoptr(SpProviderList) list = sp_provider_list_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      g_assert_true (g_file_set_contents (fixture->path, corrupt_files[i], -1, NULL));

      sp_provider_list_load_async (list, NULL, result_cb, &result);
      g_assert_false (sp_provider_list_load_finish (list, sp_test_wait_for (&result), &error));
      g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
      g_test_message ("%s", error->message);
      g_clear_error (&error);

      g_assert_false (sp_provider_list_load_sync (list, &error));
      g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);

      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
      g_assert_true (g_file_get_contents (fixture->path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, corrupt_files[i]);

      g_clear_object (&result);
      assert_finalize_soon (g_steal_pointer (&list));
    }
}

static void
test_list_items_changed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SpProviderList) list = sp_provider_list_new ();
  g_autoptr(SpProvider) provider = sp_provider_new ("a", "A", SP_PROVIDER_KIND_OPENAI_COMPATIBLE, "http://a/v1");
  guint changes = 0;

  g_signal_connect_swapped (list, "items-changed", G_CALLBACK (g_atomic_int_inc), &changes);
  sp_provider_list_add (list, provider);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (sp_provider_list_remove (list, "a"));
  g_assert_cmpuint (changes, ==, 2);
  g_assert_false (sp_provider_list_remove (list, "a"));
  g_assert_cmpuint (changes, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  config_dir = g_dir_make_tmp ("starprompt-provider-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("STARPROMPT_CONFIG_DIR", config_dir, TRUE);

  g_test_add_func ("/sp/provider/builtins", test_builtins);
  g_test_add_func ("/sp/provider/setters-notify", test_setters_notify);
  g_test_add_func ("/sp/provider/presets", test_presets);
  g_test_add_func ("/sp/provider/check-base-url/null", test_check_base_url_null);

  for (guint i = 0; i < G_N_ELEMENTS (url_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/provider/check-base-url/%u", i);

      g_test_add_data_func (path, &url_cases[i], test_check_base_url);
    }

  g_test_add ("/sp/provider-list/missing-file", Fixture, NULL,
              fixture_set_up, test_list_missing_file, fixture_tear_down);
  g_test_add ("/sp/provider-list/round-trip", Fixture, NULL,
              fixture_set_up, test_list_round_trip, fixture_tear_down);
  g_test_add ("/sp/provider-list/corrupt", Fixture, NULL,
              fixture_set_up, test_list_corrupt, fixture_tear_down);
  g_test_add ("/sp/provider-list/items-changed", Fixture, NULL,
              fixture_set_up, test_list_items_changed, fixture_tear_down);

  status = g_test_run ();
  g_rmdir (config_dir);

  return status;
}
