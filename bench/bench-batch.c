// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "bench-batch"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "sp-batch.h"
#include "sp-fake-server.h"
#include "sp-test-util.h"

/* Batch generation against the fake server with a fixed latency
 * (DESIGN.md, performance targets):
 *
 *  1. 250 items, 200 ms each, 16 at once: wall time / (N × latency /
 *     concurrency), goal ≤ 1.10;
 *  2. the same with a limit of 600 requests per minute over 200 items
 *     (20 s): achieved rate / limit, goal ≥ 0.95.
 *
 * With the path of the sp-fake-server program as argument, the server
 * runs as its own process (as a real server would); without, in this
 * process, sharing the main loop with the client. Exit status 1 when a
 * goal is missed. */

#define LATENCY_MS   200
#define N_ITEMS      250
#define CONCURRENCY  16
#define RPM_LIMIT    600
#define RPM_ITEMS    200

static double
run_batch (SpStore  *store,
           SpClient *client,
           guint     n_items,
           guint     concurrency,
           guint     rpm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autoptr(SpBatch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SpBatchOptions options = { 0 };
  gint64 start;
  double seconds;

  options.model = "fake-ok";
  options.template = template;
  options.n_items = n_items;
  options.seed = 1;
  options.concurrency = concurrency;
  options.rpm = rpm;
  batch = sp_batch_create_sync (store, client, &options, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  sp_batch_run_async (batch, NULL, sp_test_store_result_cb, &result);
  sp_test_wait_for (&result);
  g_assert_true (sp_batch_run_finish (batch, result, &error));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_cmpuint (sp_batch_get_n_done (batch), ==, n_items);

  return seconds;
}

/* The fake server as its own process, so that its work does not share a
 * thread with the client's; the first line it prints is its base URL. */
static GSubprocess *
spawn_server (const char  *program,
              char       **base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *latency = g_strdup_printf ("%d", LATENCY_MS);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              program, "--latency-ms", latency, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  *base_url = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*base_url);
  return g_steal_pointer (&process);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFakeServer) server = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr(SpProvider) provider = NULL;
  g_autoptr(SpClient) client = NULL;
  g_autoptr(SpStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  double ideal, wall, wall_ratio;
  double rpm_seconds, achieved, rpm_ratio;

  if (argc > 1)
    {
      process = spawn_server (argv[1], &base_url);
      printf ("fake server: %s (own process)\n", argv[1]);
    }
  else
    {
      server = sp_fake_server_new (&error);
      g_assert_no_error (error);
      sp_fake_server_set_latency (server, LATENCY_MS);
      base_url = g_strdup (sp_fake_server_get_base_url (server));
      printf ("fake server: in process\n");
    }
  provider = sp_provider_new ("fake", "Fake", SP_PROVIDER_KIND_OPENAI_COMPATIBLE, base_url);
  client = sp_client_new (provider, NULL, &error);
  g_assert_no_error (error);
  dir = g_dir_make_tmp ("bench-batch-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "library.db", NULL);
  store = sp_store_new (path, &error);
  g_assert_no_error (error);

  ideal = N_ITEMS * (LATENCY_MS / 1000.0) / CONCURRENCY;
  wall = run_batch (store, client, N_ITEMS, CONCURRENCY, 0);
  wall_ratio = wall / ideal;
  printf ("batch: %d items, %d ms latency, concurrency %d: wall %.3f s, ideal %.3f s, "
          "ratio %.3f (goal <= 1.10)\n", N_ITEMS, LATENCY_MS, CONCURRENCY, wall, ideal, wall_ratio);

  rpm_seconds = run_batch (store, client, RPM_ITEMS, CONCURRENCY, RPM_LIMIT);
  achieved = RPM_ITEMS * 60.0 / rpm_seconds;
  rpm_ratio = achieved / RPM_LIMIT;
  printf ("batch: %d items at most %d rpm: %.1f s, achieved %.1f rpm, "
          "ratio %.3f (goal >= 0.95, and never above 1.00 + 1 request)\n",
          RPM_ITEMS, RPM_LIMIT, rpm_seconds, achieved, rpm_ratio);

  g_clear_object (&store);
  if (process != NULL)
    g_subprocess_force_exit (process);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

        g_unlink (file);
      }
    g_rmdir (dir);
  }

  return wall_ratio <= 1.10 && rpm_ratio >= 0.95 ? EXIT_SUCCESS : EXIT_FAILURE;
}
