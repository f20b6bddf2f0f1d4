// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "bench-gallery"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "sp-gallery.h"
#include "sp-image-store.h"
#include "sp-test-util.h"

/* Fills a library with N comparisons and 2 N images (small real PNGs,
 * all different, content-addressed), then opens the gallery in a child
 * process — a new SpStore and SpGallery until the first page is ready —
 * and prints the time and the peak memory, for N = 100 (the baseline)
 * and N = 10000. Opening must not grow with the library: the ratio of the
 * memory growth stays near 1, and an item past the first page is still a
 * placeholder. */

#define BASELINE 100
#define LARGE    10000

static guint64
read_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

static GBytes *
make_png (guint n)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 12);
  g_autofree char *buffer = NULL;
  gsize size = 0;

  /* Each image is another colour: different bytes, different hash. */
  gdk_pixbuf_fill (pixbuf, (n * 2654435761u) | 0xff);
  {
    guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);

    pixels[0] = n & 0xff;
    pixels[1] = (n >> 8) & 0xff;
    pixels[2] = (n >> 16) & 0xff;
  }
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL))
    g_error ("Could not make a PNG");
  return g_bytes_new (buffer, size);
}

static void
fill (const char *dir,
      guint       n)
{
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpStore) store = sp_store_new (path, &error);
  g_autoptr(SpGallery) gallery = NULL;
  g_autoptr(SpImageStore) images = NULL;

  if (store == NULL)
    g_error ("%s", error->message);
  gallery = sp_gallery_new (store);
  images = sp_image_store_new (store);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpComparison) c = sp_comparison_new ();
      g_autofree char *subject = g_strdup_printf ("subject %u", i);
      g_autofree char *raw_a = g_strdup_printf ("a lone starship %u, cinematic lighting, Star Wars style, digital art --ar 3:2", i);
      g_autofree char *raw_b = g_strdup_printf ("Sure! Here is your prompt:\n\na red planet %u, volumetric light, in the style of Chris Foss --ar 3:2\n\nEnjoy!", i);

      sp_comparison_set_subject (c, subject);
      sp_comparison_set_story (c, "A story of a few hundred words would be here; the gallery reads it only on demand. "
                                  "It stands for the text that a naive gallery would load for every row.");
      sp_comparison_side_set_model (sp_comparison_get_side (c, SP_SIDE_A), "ft:davinci-002:me::abc");
      sp_comparison_side_set_prompt_mode (sp_comparison_get_side (c, SP_SIDE_A), SP_PAIR_MODE_SHORT);
      sp_comparison_side_set_raw_text (sp_comparison_get_side (c, SP_SIDE_A), raw_a);
      sp_comparison_side_set_usage (sp_comparison_get_side (c, SP_SIDE_A), 20, 40, 4800000000);
      sp_comparison_side_set_model (sp_comparison_get_side (c, SP_SIDE_B), "gpt-4o-mini");
      sp_comparison_side_set_raw_text (sp_comparison_get_side (c, SP_SIDE_B), raw_b);
      sp_comparison_side_set_usage (sp_comparison_get_side (c, SP_SIDE_B), 1100, 60, 200000000);
      sp_comparison_set_winner (c, (SpWinner) (i % 5));

      for (guint side = 0; side < 2; side++)
        {
          g_autoptr(GBytes) png = make_png (2 * i + side);
          g_autoptr(SpImage) image = sp_image_store_import_bytes (images, png, NULL, "file", &error);

          if (image == NULL)
            g_error ("%s", error->message);
          /* Not saved yet: the save links it. */
          g_assert_true (sp_comparison_get_id (c) == 0);
          g_list_store_append (G_LIST_STORE (sp_comparison_side_get_images (sp_comparison_get_side (c, side))), image);
        }
      if (!sp_gallery_save_sync (gallery, c, &error))
        g_error ("%s", error->message);
    }
}

/* The child: opens the library and prints "seconds peak_kib growth_kib". */
static int
open_library (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpStore) store = NULL;
  g_autoptr(SpGallery) gallery = NULL;
  g_autoptr(SpComparison) first = NULL;
  g_autoptr(SpComparison) far = NULL;
  guint64 before = read_status_kib ("VmRSS:");
  gint64 start = g_get_monotonic_time ();
  double seconds;
  guint n;

  store = sp_store_new (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  gallery = sp_gallery_new (store);
  if (!sp_gallery_reload_sync (gallery, &error))
    g_error ("%s", error->message);
  first = g_list_model_get_item (G_LIST_MODEL (gallery), 0);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  n = g_list_model_get_n_items (G_LIST_MODEL (gallery));
  if (sp_comparison_get_subject (first) == NULL)
    g_error ("The first page is not ready");
  /* Past the first page: a placeholder, nothing read. */
  far = g_list_model_get_item (G_LIST_MODEL (gallery), n - 1);
  if (n > SP_GALLERY_PAGE_SIZE && sp_comparison_get_subject (far) != NULL)
    g_error ("The gallery read more than its first page");

  printf ("%u %.6f %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", n, seconds,
          read_status_kib ("VmHWM:"), read_status_kib ("VmHWM:") - MIN (before, read_status_kib ("VmHWM:")));
  return 0;
}

typedef struct
{
  guint   n;
  double  seconds;
  guint64 peak_kib;
  guint64 growth_kib;
} Run;

static Run
measure (const char *self_path,
         const char *dir)
{
  const char *argv[] = { self_path, "--open", dir, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  Run best = { 0 };
  int status;

  /* The best of three opens: the first warms the disk cache. */
  for (guint i = 0; i < 3; i++)
    {
      Run run = { 0 };

      g_clear_pointer (&out, g_free);
      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("%s", error->message);
      if (sscanf (out, "%u %lf %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                  &run.n, &run.seconds, &run.peak_kib, &run.growth_kib) != 4)
        g_error ("Unexpected output: %s", out);
      if (i == 0 || run.seconds < best.seconds)
        best = run;
    }
  return best;
}

static guint64
dir_size (const char *path,
          guint      *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_stat (child, &st) == 0)
        {
          total += st.st_size;
          (*n_files)++;
        }
    }
  return total;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *small_dir = NULL;
  g_autofree char *large_dir = NULL;
  g_autofree char *large_images = NULL;
  g_autofree char *self_path = NULL;
  Run small, large;
  gint64 start;
  guint n_files = 0;
  guint64 image_bytes;

  if (argc == 3 && g_str_equal (argv[1], "--open"))
    return open_library (argv[2]);

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path == NULL)
    self_path = g_strdup (argv[0]);
  root = g_dir_make_tmp ("bench-gallery-XXXXXX", &error);
  if (root == NULL)
    g_error ("%s", error->message);
  small_dir = g_build_filename (root, "small", NULL);
  large_dir = g_build_filename (root, "large", NULL);

  start = g_get_monotonic_time ();
  fill (small_dir, BASELINE);
  fill (large_dir, LARGE);
  large_images = g_build_filename (large_dir, "images", NULL);
  image_bytes = dir_size (large_images, &n_files);
  printf ("filled: %u + %u comparisons, %u image files (%.1f MiB) in the large library, %.1f s\n",
          BASELINE, LARGE, n_files, image_bytes / 1048576.0,
          (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  small = measure (self_path, small_dir);
  large = measure (self_path, large_dir);

  printf ("baseline (%u comparisons, %u images): open %.2f ms, peak RSS %" G_GUINT64_FORMAT " KiB, growth while opening %" G_GUINT64_FORMAT " KiB\n",
          small.n, 2 * small.n, small.seconds * 1000, small.peak_kib, small.growth_kib);
  printf ("large    (%u comparisons, %u images): open %.2f ms, peak RSS %" G_GUINT64_FORMAT " KiB, growth while opening %" G_GUINT64_FORMAT " KiB\n",
          large.n, 2 * large.n, large.seconds * 1000, large.peak_kib, large.growth_kib);
  printf ("ratio large/baseline for %u× the comparisons: open time %.2f×, peak RSS %.2f×, growth %.2f×\n",
          LARGE / BASELINE, large.seconds / MAX (small.seconds, 1e-9),
          (double) large.peak_kib / MAX (small.peak_kib, 1),
          (double) large.growth_kib / MAX (small.growth_kib, 1));
  printf ("the images of the large library take %.1f MiB on disk; peak RSS grew by %.1f MiB over the baseline\n",
          image_bytes / 1048576.0, ((double) large.peak_kib - small.peak_kib) / 1024.0);

  sp_test_remove_tree (root);

  /* Opening loads the ids (8 bytes each) and one page, not the images. */
  if (large.peak_kib > small.peak_kib + 8 * 1024)
    {
      fprintf (stderr, "The large gallery took more than 8 MiB over the baseline to open.\n");
      return 1;
    }
  return 0;
}
