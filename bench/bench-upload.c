// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "bench-upload"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sp-client.h"
#include "sp-client-files.h"
#include "sp-fake-server.h"
#include "sp-provider.h"
#include "sp-test-util.h"

/* Uploads a large JSONL file to the in-process fake server (which counts
 * and drops what it receives) and prints how much the peak resident
 * memory of the process grew, next to the file size, against the goal of
 * DESIGN.md: less than 32 MiB for a 500 MiB file.
 *
 *   bench-upload [SIZE_MIB]      (500 by default)
 *
 * Exit status 1 when the growth reaches the goal. */

#define GOAL_MIB      32.0
#define WRITE_CHUNK   (1024 * 1024)

static gint64
read_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;

  line = strstr (status, field);
  if (line == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

/* Starts the peak over from the current resident size, where the kernel
 * allows it, so the file writing before does not count. */
static gboolean
reset_peak (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, "5", 1) == 1;
  close (fd);

  return ok;
}

/* Real lines of a chat-format training set, written a mebibyte at a time. */
static gboolean
write_training_file (const char  *path,
                     guint64      size,
                     GError     **error)
{
  g_autoptr(GString) chunk = g_string_sized_new (WRITE_CHUNK + 1024);
  guint64 written = 0;
  guint line = 0;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Could not create %s: %s", path, g_strerror (errno));
      return FALSE;
    }

  while (written < size)
    {
      g_string_truncate (chunk, 0);
      while (chunk->len < WRITE_CHUNK)
        {
          g_string_append_printf (chunk,
                                  "{\"messages\": [{\"role\": \"system\", \"content\": \"You turn stories into "
                                  "image prompts for Midjourney.\"}, {\"role\": \"user\", \"content\": \"Story %u: "
                                  "a lonely lighthouse keeper on Europa listens to the whales under the ice.\"}, "
                                  "{\"role\": \"assistant\", \"content\": \"lighthouse %u, a lone starship leaving "
                                  "Earth, cinematic lighting, digital art --ar 3:2\"}]}\n",
                                  line, line);
          line++;
        }

      if (write (fd, chunk->str, MIN (chunk->len, size - written)) < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "Could not write %s: %s", path, g_strerror (errno));
          close (fd);
          return FALSE;
        }
      written += MIN (chunk->len, size - written);
    }

  if (close (fd) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Could not finish %s: %s", path, g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/* Keeps the file a valid JSONL file: cut after the last whole line. */
static guint64
cut_to_last_line (const char *path,
                  guint64     size)
{
  char tail[4096];
  int fd = g_open (path, O_RDWR, 0);
  gssize n;
  guint64 cut = size;

  g_assert (fd >= 0);
  n = pread (fd, tail, sizeof tail, size - MIN (size, sizeof tail));
  g_assert (n > 0);
  while (n > 0 && tail[n - 1] != '\n')
    {
      n--;
      cut--;
    }
  g_assert (ftruncate (fd, cut) == 0);
  close (fd);

  return cut;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SpFakeServer) server = NULL;
  g_autoptr(SpProvider) provider = NULL;
  g_autoptr(SpClient) client = NULL;
  g_autoptr(SpUploadedFile) uploaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint64 size_mib = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 500;
  guint64 size;
  gint64 rss_before;
  gint64 hwm_before;
  gint64 hwm_after;
  gint64 start;
  double seconds;
  double growth_mib;
  double ratio;
  gboolean reset;
  int fd;

  if (size_mib == 0)
    size_mib = 500;

  path = g_build_filename (g_get_tmp_dir (), "bench-upload-XXXXXX.jsonl", NULL);
  fd = g_mkstemp (path);
  g_assert (fd >= 0);
  close (fd);

  start = g_get_monotonic_time ();
  if (!write_training_file (path, size_mib * 1024 * 1024, &error))
    {
      g_printerr ("%s\n", error->message);
      g_unlink (path);
      return 2;
    }
  size = cut_to_last_line (path, size_mib * 1024 * 1024);
  g_print ("Wrote %s (%.1f MiB of JSONL) in %.1f s\n", path, size / 1048576.0,
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  provider = sp_provider_new ("bench", "Bench", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                              sp_fake_server_get_base_url (server));
  client = sp_client_new (provider, NULL, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  /* Start the clock of the peak after everything is set up. */
  reset = reset_peak ();
  rss_before = read_status_kib ("VmRSS:");
  hwm_before = read_status_kib ("VmHWM:");

  start = g_get_monotonic_time ();
  sp_client_upload_file_async (client, file, "fine-tune", NULL, NULL, NULL, sp_test_store_result_cb, &result);
  sp_test_wait_for (&result);
  uploaded = sp_client_upload_file_finish (client, result, &error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  hwm_after = read_status_kib ("VmHWM:");

  g_unlink (path);

  if (uploaded == NULL)
    {
      g_printerr ("Upload failed: %s\n", error->message);
      return 2;
    }
  g_assert_cmpuint (uploaded->bytes, ==, size);
  g_assert_cmpuint (sp_fake_server_get_last_upload_size (server), ==, size);

  /* Without a reset the peak before may hide some of the growth: count
   * from the resident size then, which can only overstate it. */
  growth_mib = (hwm_after - (reset ? hwm_before : rss_before)) / 1024.0;
  ratio = growth_mib / GOAL_MIB;

  g_print ("Uploaded %.1f MiB in %.1f s (%.0f MiB/s) to the in-process fake server\n",
           size / 1048576.0, seconds, size / 1048576.0 / seconds);
  g_print ("Peak resident memory: %.1f MiB before, %.1f MiB after%s\n",
           (reset ? hwm_before : rss_before) / 1024.0, hwm_after / 1024.0,
           reset ? "" : " (peak not reset: counted from the resident size)");
  g_print ("Peak resident growth: %.1f MiB for a %.1f MiB file (goal < %.0f MiB)\n",
           growth_mib, size / 1048576.0, GOAL_MIB);
  g_print ("Ratio growth / %.0f MiB: %.3f (goal < 1)\n", GOAL_MIB, ratio);

  return ratio < 1.0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
