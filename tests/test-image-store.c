// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-image-store"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "sp-error.h"
#include "sp-image-store.h"
#include "sp-test-util.h"

typedef struct
{
  char         *dir;
  SpStore      *store;
  SpImageStore *images;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("sp-image-store-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "library.db", NULL);
  fixture->store = sp_store_new (path, &error);
  g_assert_no_error (error);
  fixture->images = sp_image_store_new (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* A GTask run in a thread drops the thread's reference (and with it
   * its source object) a moment after the callback may have run. */
  for (guint i = 0; i < 1000 && G_OBJECT (fixture->images)->ref_count > 1; i++)
    g_usleep (1000);
  g_assert_finalize_object (fixture->images);
  g_assert_finalize_object (fixture->store);
  sp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_png (const char *dir,
           const char *name,
           guint       width,
           guint       height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);
  char *path = g_build_filename (dir, name, NULL);

  gdk_pixbuf_fill (pixbuf, 0x11aa33ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, NULL));
  return path;
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_png_accepted_deduplicated (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *path = write_png (fixture->dir, "picture.png", 600, 400);
  g_autofree char *copy = write_png (fixture->dir, "copy.png", 600, 400);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) copy_file = g_file_new_for_path (copy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SpImage) image = NULL;
  g_autoptr(SpImage) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *hash = NULL;
  gsize length;

  sp_image_store_import_file_async (fixture->images, file, NULL, sp_test_store_result_cb, &result);
  image = sp_image_store_import_finish (fixture->images, sp_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sp_image_get_mime_type (image), ==, "image/png");
  g_assert_cmpstr (sp_image_get_extension (image), ==, "png");
  g_assert_cmpuint (sp_image_get_width (image), ==, 600);
  g_assert_cmpuint (sp_image_get_height (image), ==, 400);
  g_assert_cmpstr (sp_image_get_source (image), ==, "file");

  /* Content-addressed: named by the SHA-256 of its bytes. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_assert_cmpstr (sp_image_get_hash (image), ==, hash);
  g_assert_cmpuint (sp_image_get_size (image), ==, length);
  g_assert_true (g_str_has_prefix (sp_image_get_path (image), sp_image_store_get_images_dir (fixture->images)));
  g_assert_true (g_str_has_suffix (sp_image_get_path (image), ".png"));
  g_assert_true (g_file_test (sp_image_get_path (image), G_FILE_TEST_IS_REGULAR));

  /* The same bytes from elsewhere: one file. */
  again = sp_image_store_import_file (fixture->images, copy_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sp_image_get_path (again), ==, sp_image_get_path (image));
  g_assert_cmpuint (count_files (sp_image_store_get_images_dir (fixture->images)), ==, 1);
}

static void
test_not_an_image (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "notes.png", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SpImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) svg = NULL;

  g_assert_true (g_file_set_contents (path, "This is text, not a picture.\n", -1, NULL));
  file = g_file_new_for_path (path);
  sp_image_store_import_file_async (fixture->images, file, NULL, sp_test_store_result_cb, &result);
  image = sp_image_store_import_finish (fixture->images, sp_test_wait_for (&result), &error);
  g_assert_null (image);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "“notes.png” is not an image"));
  g_assert_cmpuint (count_files (sp_image_store_get_images_dir (fixture->images)), ==, 0);

  /* A damaged PNG: the signature, then nothing useful. */
  g_clear_error (&error);
  {
    static const guint8 damaged[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H' };
    g_autoptr(GBytes) bytes = g_bytes_new_static (damaged, sizeof damaged);

    image = sp_image_store_import_bytes (fixture->images, bytes, NULL, NULL, &error);
    g_assert_null (image);
    g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  }

  /* An image kind that is not kept. */
  g_clear_error (&error);
  svg = g_bytes_new_static ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>", 61);
  image = sp_image_store_import_bytes (fixture->images, svg, "drawing.svg", NULL, &error);
  g_assert_null (image);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
}

static void
test_oversized_file (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "huge.png", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(SpImage) image = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  /* A sparse file over the limit: refused before a byte is read. */
  fd = g_open (path, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, SP_IMAGE_MAX_BYTES + 1), ==, 0);
  g_close (fd, NULL);

  file = g_file_new_for_path (path);
  image = sp_image_store_import_file (fixture->images, file, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "“huge.png” is 51 MiB; images may be at most 50 MiB"));
}

static void
test_too_many_pixels (Fixture       *fixture,
                      gconstpointer  data)
{
  /* A PNG header that claims 20000 × 10 pixels: refused from the header,
   * without decoding. */
  g_autofree char *path = write_png (fixture->dir, "wide.png", 20000, 1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SpImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = sp_image_store_import_file (fixture->images, file, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "20000 × 1 pixels"));
}

static void
test_thumbnails (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = write_png (fixture->dir, "big.png", 1200, 600);
  g_autofree char *small_path = write_png (fixture->dir, "small.png", 40, 30);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) small_file = g_file_new_for_path (small_path);
  g_autoptr(SpImage) image = NULL;
  g_autoptr(SpImage) small = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thumbnail = NULL;
  g_autofree char *cached = NULL;
  g_autofree char *small_thumbnail = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GStatBuf before;
  GStatBuf after;

  image = sp_image_store_import_file (fixture->images, file, NULL, &error);
  g_assert_no_error (error);

  sp_image_store_thumbnail_async (fixture->images, image, SP_IMAGE_THUMBNAIL_SIZE, NULL,
                                  sp_test_store_result_cb, &result);
  thumbnail = sp_image_store_thumbnail_finish (fixture->images, sp_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (thumbnail, sp_image_store_get_thumbnails_dir (fixture->images)));
  g_assert_nonnull (strstr (thumbnail, sp_image_get_hash (image)));
  pixbuf = gdk_pixbuf_new_from_file (thumbnail, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 128);

  /* Cached: the second call makes nothing. */
  g_assert_cmpint (g_stat (thumbnail, &before), ==, 0);
  cached = sp_image_store_dup_thumbnail (fixture->images, image, SP_IMAGE_THUMBNAIL_SIZE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cached, ==, thumbnail);
  g_assert_cmpint (g_stat (cached, &after), ==, 0);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);
  g_assert_cmpint (before.st_ino, ==, after.st_ino);

  /* A small image is not blown up. */
  small = sp_image_store_import_file (fixture->images, small_file, NULL, &error);
  g_assert_no_error (error);
  small_thumbnail = sp_image_store_dup_thumbnail (fixture->images, small, SP_IMAGE_THUMBNAIL_SIZE, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&pixbuf);
  pixbuf = gdk_pixbuf_new_from_file (small_thumbnail, &error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 40);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sp/image-store/png-accepted-deduplicated", Fixture, NULL,
              fixture_set_up, test_png_accepted_deduplicated, fixture_tear_down);
  g_test_add ("/sp/image-store/not-an-image", Fixture, NULL,
              fixture_set_up, test_not_an_image, fixture_tear_down);
  g_test_add ("/sp/image-store/oversized-file", Fixture, NULL,
              fixture_set_up, test_oversized_file, fixture_tear_down);
  g_test_add ("/sp/image-store/too-many-pixels", Fixture, NULL,
              fixture_set_up, test_too_many_pixels, fixture_tear_down);
  g_test_add ("/sp/image-store/thumbnails", Fixture, NULL,
              fixture_set_up, test_thumbnails, fixture_tear_down);

  return g_test_run ();
}
