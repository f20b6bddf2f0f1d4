// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-report"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "sp-error.h"
#include "sp-image-store.h"
#include "sp-report.h"
#include "sp-test-util.h"

typedef struct
{
  char         *dir;
  SpStore      *store;
  SpGallery    *gallery;
  SpImageStore *images;
  SpImage      *image;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 12, 8);
  g_autofree char *buffer = NULL;
  g_autoptr(GBytes) png = NULL;
  gsize size;

  fixture->dir = g_dir_make_tmp ("sp-report-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "library", "library.db", NULL);
  fixture->store = sp_store_new (path, &error);
  g_assert_no_error (error);
  fixture->gallery = sp_gallery_new (fixture->store);
  fixture->images = sp_image_store_new (fixture->store);

  gdk_pixbuf_fill (pixbuf, 0xff8800ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL));
  png = g_bytes_new (buffer, size);
  fixture->image = sp_image_store_import_bytes (fixture->images, png, NULL, "file", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SpComparison) c = sp_comparison_new ();
      SpComparisonSide *a = sp_comparison_get_side (c, SP_SIDE_A);
      SpComparisonSide *b = sp_comparison_get_side (c, SP_SIDE_B);

      sp_comparison_set_subject (c, i == 0 ? "AI & <robots>" : "Mars");
      sp_comparison_side_set_model (a, "ft:davinci-002:me::abc");
      sp_comparison_side_set_prompt_mode (a, SP_PAIR_MODE_SHORT);
      sp_comparison_side_set_raw_text (a, "a red planet, *cinematic* --ar 3:2");
      sp_comparison_side_set_usage (a, 10, 20, 30000000000);
      sp_comparison_side_set_model (b, "gpt-4o-mini");
      sp_comparison_side_set_raw_text (b, "Sure! Here is your prompt:\n\nan AI dreaming --ar 3:2\n\nEnjoy!");
      sp_comparison_side_set_usage (b, 900, 20, 150000000000);
      sp_comparison_set_winner (c, i == 0 ? SP_WINNER_B : SP_WINNER_A);
      if (i == 0)
        sp_comparison_set_notes (c, "B is better <script>alert('x')</script>");
      g_assert_true (sp_gallery_save_sync (fixture->gallery, c, &error));
      g_assert_no_error (error);
      if (i == 0)
        g_assert_true (sp_image_store_link_sync (fixture->store, sp_comparison_get_id (c), SP_SIDE_B,
                                                 fixture->image, -1, &error));
    }
  /* A blind one not voted yet: its models stay hidden. */
  {
    g_autoptr(SpComparison) c = sp_comparison_new ();

    sp_comparison_set_subject (c, "Blind test");
    sp_comparison_side_set_model (sp_comparison_get_side (c, SP_SIDE_A), "secret-model-a");
    sp_comparison_side_set_model (sp_comparison_get_side (c, SP_SIDE_B), "secret-model-b");
    sp_comparison_set_blind (c, TRUE);
    g_assert_true (sp_gallery_save_sync (fixture->gallery, c, &error));
  }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->image);
  g_assert_finalize_object (fixture->images);
  g_assert_finalize_object (fixture->gallery);
  g_assert_finalize_object (fixture->store);
  sp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_report (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SpReportFormat format;
  char *contents = NULL;

  g_assert_true (sp_gallery_reload_sync (fixture->gallery, &error));
  g_assert_true (sp_report_format_for_path (path, &format, &error));
  sp_report_write_async (fixture->gallery, path, format, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sp_report_write_finish (result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
test_html (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *html = write_report (fixture, "report.html");
  g_autofree char *file = NULL;
  g_autofree char *encoded = NULL;
  gsize length;

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));
  /* Self-contained: the image inside, nothing fetched. */
  g_assert_true (g_file_get_contents (sp_image_get_path (fixture->image), &file, &length, NULL));
  encoded = g_base64_encode ((const guchar *) file, length);
  g_assert_nonnull (strstr (html, "src=\"data:image/png;base64,"));
  g_assert_nonnull (strstr (html, encoded));
  g_assert_null (strstr (html, "src=\"http"));
  g_assert_null (strstr (html, "src=\"/"));
  g_assert_null (strstr (html, "<link"));
  /* Escaped text; no script of any kind. */
  g_assert_null (strstr (html, "<script"));
  g_assert_nonnull (strstr (html, "B is better &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  g_assert_nonnull (strstr (html, "AI &amp; &lt;robots&gt;"));
  /* Prompts (cleaned), votes, score and costs. */
  g_assert_nonnull (strstr (html, "an AI dreaming --ar 3:2"));
  g_assert_null (strstr (html, "Sure! Here is"));
  g_assert_nonnull (strstr (html, "winner"));
  g_assert_nonnull (strstr (html, "<td>ft:davinci-002:me::abc</td><td>2</td><td>0</td><td>1</td>"));
  g_assert_nonnull (strstr (html, "$0.03"));
  g_assert_nonnull (strstr (html, "Total cost of the answers: $0.54, and some answers of unknown cost."));
  /* Blind and not voted: no model names. */
  g_assert_nonnull (strstr (html, "Blind test"));
  g_assert_null (strstr (html, "secret-model"));
}

static void
test_markdown (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *md = write_report (fixture, "report.md");
  g_autofree char *copy = g_strconcat (fixture->dir, "/report-images/", sp_image_get_hash (fixture->image), ".png", NULL);
  g_autofree char *link = g_strconcat ("![](report-images/", sp_image_get_hash (fixture->image), ".png)", NULL);

  g_assert_true (g_str_has_prefix (md, "# Starprompt comparisons"));
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (md, link));
  g_assert_nonnull (strstr (md, "## AI &amp; &lt;robots&gt;"));
  g_assert_nonnull (strstr (md, "a red planet, \\*cinematic\\* \\-\\-ar 3:2"));
  g_assert_nonnull (strstr (md, "&lt;script&gt;"));
  g_assert_null (strstr (md, "<script"));
  g_assert_nonnull (strstr (md, "| ft:davinci\\-002:me::abc | 2 | 0 | 1 | 0 | 0 | $0.03 |"));
  g_assert_null (strstr (md, "secret-model"));
}

static void
test_bad_name (void)
{
  g_autoptr(GError) error = NULL;
  SpReportFormat format;

  g_assert_false (sp_report_format_for_path ("report.pdf", &format, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_true (sp_report_format_for_path ("REPORT.HTML", &format, NULL));
  g_assert_cmpint (format, ==, SP_REPORT_FORMAT_HTML);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sp/report/html", Fixture, NULL, fixture_set_up, test_html, fixture_tear_down);
  g_test_add ("/sp/report/markdown", Fixture, NULL, fixture_set_up, test_markdown, fixture_tear_down);
  g_test_add_func ("/sp/report/bad-name", test_bad_name);

  return g_test_run ();
}
