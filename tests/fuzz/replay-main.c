// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-replay"

#include "config.h"

#include "fuzz-driver.h"

#include <glib.h>

/* Runs a fuzz driver over files, as libFuzzer runs it over a crasher:
 * each argument is a file, or a folder whose files are run in name order.
 * The empty input runs first, since a driver must take it. Built into the
 * normal test suite, so the seeds (and the crashers among them) stay
 * fixed without clang. */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
run_file (const char  *path,
          guint       *n_run,
          GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree guint8 *copy = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;

  g_debug ("Running %s (%" G_GSIZE_FORMAT " bytes)", path, length);
  /* A copy of exactly @length bytes (contents has a NUL after them), so
   * AddressSanitizer sees a read past the end. */
  copy = g_memdup2 (contents, length);
  LLVMFuzzerTestOneInput (copy, length);
  (*n_run)++;
  return TRUE;
}

static gboolean
run_folder (const char  *path,
            guint       *n_run,
            GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint i;

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);

  for (i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);

      if (g_file_test (file, G_FILE_TEST_IS_REGULAR) && !run_file (file, n_run, error))
        return FALSE;
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  guint n_run = 0;
  int i;

  LLVMFuzzerInitialize (&argc, &argv);

  LLVMFuzzerTestOneInput ((const uint8_t *) "", 0);
  n_run++;

  for (i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        ok = run_folder (argv[i], &n_run, &error);
      else
        ok = run_file (argv[i], &n_run, &error);

      if (!ok)
        {
          g_printerr ("%s: %s\n", argv[0], error->message);
          return 1;
        }
    }

  g_print ("%s: %u inputs run\n", argv[0], n_run);
  return 0;
}
