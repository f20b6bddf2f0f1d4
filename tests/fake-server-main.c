// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-fake-server"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>

#include "sp-fake-server.h"

/* The fake server as a program, for CLI and end-to-end tests:
 *
 *   sp-fake-server [--latency-ms N] [--require-key KEY] [--job-step-ms N]
 *
 * --job-step-ms (or FAKE_SERVER_JOB_STEP_MS) is the length of one step of
 * a fine-tuning job's clock (20 ms by default; a job takes 25 steps).
 *
 * The key may also come from the environment variable FAKE_SERVER_KEY, so
 * it does not show in the process list. The first line on stdout is the
 * base URL. The server runs until SIGTERM/SIGINT, or until stdin closes
 * when stdin is a pipe or a terminal (not when it is /dev/null). */

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
stdin_cb (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      user_data)
{
  char buffer[256];
  ssize_t n;

  if (condition & G_IO_IN)
    {
      n = read (STDIN_FILENO, buffer, sizeof buffer);
      if (n > 0)
        return G_SOURCE_CONTINUE;
    }

  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
stdin_can_close (void)
{
  struct stat st;

  if (isatty (STDIN_FILENO))
    return TRUE;
  if (fstat (STDIN_FILENO, &st) != 0)
    return FALSE;

  return S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(SpFakeServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *require_key = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  int latency_ms = 0;
  int job_step_ms = 0;
  GOptionEntry entries[] = {
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms, "Wait N ms before every answer", "N" },
    { "require-key", 0, 0, G_OPTION_ARG_STRING, &require_key, "Answer 401 unless this key is sent", "KEY" },
    { "job-step-ms", 0, 0, G_OPTION_ARG_INT, &job_step_ms, "One step of a fine-tuning job takes N ms", "N" },
    { NULL }
  };

  context = g_option_context_new ("- a fake OpenAI-compatible server for tests");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (require_key == NULL && g_getenv ("FAKE_SERVER_KEY") != NULL)
    require_key = g_strdup (g_getenv ("FAKE_SERVER_KEY"));

  if (job_step_ms <= 0 && g_getenv ("FAKE_SERVER_JOB_STEP_MS") != NULL)
    job_step_ms = atoi (g_getenv ("FAKE_SERVER_JOB_STEP_MS"));

  loop = g_main_loop_new (NULL, FALSE);

  server = sp_fake_server_new (&error);
  if (server == NULL)
    {
      g_printerr ("Could not start the fake server: %s\n", error->message);
      return 1;
    }

  sp_fake_server_set_latency (server, MAX (latency_ms, 0));
  if (job_step_ms > 0)
    sp_fake_server_set_job_step_ms (server, job_step_ms);
  if (require_key != NULL && *require_key != '\0')
    sp_fake_server_set_required_key (server, require_key);

  g_print ("%s\n", sp_fake_server_get_base_url (server));
  fflush (stdout);

  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);

  if (stdin_can_close ())
    {
      channel = g_io_channel_unix_new (STDIN_FILENO);
      g_io_add_watch (channel, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, loop);
    }

  g_main_loop_run (loop);

  return EXIT_SUCCESS;
}
