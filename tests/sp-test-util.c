// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-test-util"

#include "config.h"

#include "sp-test-util.h"

#include <glib/gstdio.h>

void
sp_test_store_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

GAsyncResult *
sp_test_wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

void
sp_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        sp_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

const SpClientTimeouts sp_test_fast_timeouts = {
  .max_retries = 2,
  .initial_delay_ms = 10,
  .max_delay_ms = 50,
  .connect_timeout_ms = 5000,
  .request_timeout_ms = 20000,
  .idle_timeout_ms = 5000,
};

SpClient *
sp_test_client_new (SpProvider *provider,
                    const char *key)
{
  g_autoptr(GError) error = NULL;
  SpClient *client = sp_client_new (provider, key, &error);

  g_assert_no_error (error);
  sp_client_set_timeouts (client, &sp_test_fast_timeouts);

  return client;
}
