// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "sp-error.h"
#include "sp-secrets.h"
#include "sp-test-util.h"

typedef struct
{
  const char *name;
  const char *key;
  gboolean    valid;
} KeyCase;

static const KeyCase key_cases[] = {
  { "good", "sk-proj-AbC123_xyz-789", TRUE },
  { "punctuation", "sk-or-v1:abc.def/ghi+jkl=", TRUE },
  { "empty", "", FALSE },
  { "newline", "sk-abc\n", FALSE },
  { "carriage-return", "sk-abc\rdef", FALSE },
  { "control-01", "sk-\x01" "abc", FALSE },
  { "tab", "sk-\tabc", FALSE },
  { "delete", "sk-\x7f" "abc", FALSE },
  { "space", "sk-abc def", FALSE },
  { "leading-space", " sk-abc", FALSE },
  { "non-ascii", "sk-ābc", FALSE },
  { "invalid-utf8", "sk-\xff" "abc", FALSE },
};

static void
test_check_key (gconstpointer data)
{
  const KeyCase *c = data;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sp_secrets_check_key (c->key, &error), ==, c->valid);
  if (c->valid)
    {
      g_assert_no_error (error);
      return;
    }

  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_KEY);
  if (c->key[0] != '\0')
    g_assert_null (strstr (error->message, c->key));
  g_assert_null (strstr (error->message, "sk-"));
}

static void
test_check_key_null_and_long (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *longest = g_strnfill (512, 'k');
  g_autofree char *too_long = g_strnfill (513, 'k');

  g_assert_false (sp_secrets_check_key (NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_KEY);
  g_clear_error (&error);

  g_assert_true (sp_secrets_check_key (longest, &error));
  g_assert_no_error (error);

  g_assert_false (sp_secrets_check_key (too_long, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_KEY);
  g_assert_null (strstr (error->message, "kkkkkkkk"));
}

static GAsyncResult *
run_until_done (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static void
test_memory_round_trip (void)
{
  g_autoptr(SpSecrets) secrets = sp_secrets_new (FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  g_assert_false (sp_secrets_get_session_only (secrets));

  sp_secrets_lookup_key_async (secrets, "openai", NULL, sp_test_store_result_cb, &result);
  key = sp_secrets_lookup_key_finish (secrets, run_until_done (&result), &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_clear_object (&result);

  sp_secrets_store_key_async (secrets, "openai", "sk-test-123", NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_secrets_store_key_finish (secrets, run_until_done (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  sp_secrets_store_key_async (secrets, "ollama", "other-key", NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_secrets_store_key_finish (secrets, run_until_done (&result), &error));
  g_clear_object (&result);

  sp_secrets_lookup_key_async (secrets, "openai", NULL, sp_test_store_result_cb, &result);
  key = sp_secrets_lookup_key_finish (secrets, run_until_done (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-test-123");
  sp_secrets_free_key (key);
  g_clear_object (&result);

  sp_secrets_clear_key_async (secrets, "openai", NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_secrets_clear_key_finish (secrets, run_until_done (&result), &error));
  g_clear_object (&result);

  sp_secrets_lookup_key_async (secrets, "openai", NULL, sp_test_store_result_cb, &result);
  key = sp_secrets_lookup_key_finish (secrets, run_until_done (&result), &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_clear_object (&result);

  sp_secrets_lookup_key_async (secrets, "ollama", NULL, sp_test_store_result_cb, &result);
  key = sp_secrets_lookup_key_finish (secrets, run_until_done (&result), &error);
  g_assert_cmpstr (key, ==, "other-key");
  sp_secrets_free_key (key);
  g_clear_object (&result);

  g_assert_finalize_object (g_steal_pointer (&secrets));
}

static void
test_store_bad_key (void)
{
  g_autoptr(SpSecrets) secrets = sp_secrets_new (FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad = "sk-secret-value\r\nX-Injected: 1";

  sp_secrets_store_key_async (secrets, "openai", bad, NULL, sp_test_store_result_cb, &result);
  g_assert_false (sp_secrets_store_key_finish (secrets, run_until_done (&result), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_KEY);
  g_assert_null (strstr (error->message, "secret-value"));
  g_assert_null (strstr (error->message, "Injected"));
  g_clear_object (&result);

  g_assert_finalize_object (g_steal_pointer (&secrets));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

/* main() points the session bus at a socket that does not exist, so the
 * secret service cannot answer and the key stays in memory. */
static void
test_no_service_falls_back (void)
{
  g_autoptr(SpSecrets) secrets = sp_secrets_new (TRUE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint notified = 0;
  gboolean session_only = FALSE;
  char *key;

  g_signal_connect (secrets, "notify::session-only", G_CALLBACK (notify_cb), &notified);

  sp_secrets_store_key_async (secrets, "openai", "sk-session-1", NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_secrets_store_key_finish (secrets, run_until_done (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_true (sp_secrets_get_session_only (secrets));
  g_object_get (secrets, "session-only", &session_only, NULL);
  g_assert_true (session_only);
  g_assert_cmpuint (notified, ==, 1);

  sp_secrets_lookup_key_async (secrets, "openai", NULL, sp_test_store_result_cb, &result);
  key = sp_secrets_lookup_key_finish (secrets, run_until_done (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-session-1");
  sp_secrets_free_key (key);
  g_clear_object (&result);

  sp_secrets_clear_key_async (secrets, "openai", NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_secrets_clear_key_finish (secrets, run_until_done (&result), &error));
  g_clear_object (&result);
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_free_key (void)
{
  sp_secrets_free_key (NULL);
  sp_secrets_free_key (g_strdup ("sk-to-wipe"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/starprompt-test-bus", TRUE);
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (key_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/secrets/check-key/%s", key_cases[i].name);

      g_test_add_data_func (path, &key_cases[i], test_check_key);
    }

  g_test_add_func ("/sp/secrets/check-key/null-and-long", test_check_key_null_and_long);
  g_test_add_func ("/sp/secrets/memory-round-trip", test_memory_round_trip);
  g_test_add_func ("/sp/secrets/store-bad-key", test_store_bad_key);
  g_test_add_func ("/sp/secrets/free-key", test_free_key);
  g_test_add_func ("/sp/secrets/no-service-falls-back", test_no_service_falls_back);

  return g_test_run ();
}
