// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-ui-gallery-page"

#include "config.h"

#include <adwaita.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "sp-comparison-private.h"
#include "sp-gallery-page.h"
#include "sp-gallery-page-private.h"
#include "sp-ui-test-fixture.h"

typedef struct
{
  GtkWindow     *window;
  SpGalleryPage *page;
  SpStore       *store;
  SpGallery     *gallery;
  GAsyncResult  *result;
} Fixture;

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_clear_object (&fixture->result);
  fixture->result = g_object_ref (result);
}

static gboolean
has_result (Fixture *fixture)
{
  return fixture->result != NULL;
}

static GAsyncResult *
wait_result (Fixture *fixture)
{
  sp_ui_test_wait_for (fixture, has_result);
  return fixture->result;
}

/* Widgets */

typedef gboolean (*WidgetMatch) (GtkWidget  *widget,
                                 gconstpointer data);

static guint
count_widgets (GtkWidget     *root,
               WidgetMatch    match,
               gconstpointer  data)
{
  guint n = match (root, data) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child))
      n += count_widgets (child, match, data);
  return n;
}

static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && g_str_equal (gtk_label_get_label (GTK_LABEL (widget)), data);
}

static gboolean
is_picture_with_paintable (GtkWidget     *widget,
                           gconstpointer  data)
{
  return GTK_IS_PICTURE (widget) && gtk_picture_get_paintable (GTK_PICTURE (widget)) != NULL;
}

static gboolean G_GNUC_UNUSED
dump_label (GtkWidget     *widget,
            gconstpointer  data)
{
  if (GTK_IS_LABEL (widget))
    g_test_message ("label: %s", gtk_label_get_label (GTK_LABEL (widget)));
  return FALSE;
}

static guint
count_labels (Fixture    *fixture,
              const char *text)
{
  return count_widgets (GTK_WIDGET (fixture->page), is_label_with, text);
}

/* Data */

static GBytes *
make_png (guint  width,
          guint  height,
          guint32 rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, rgba);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL));
  return g_bytes_new (buffer, size);
}

static GFile *
write_file (const char *name,
            GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (sp_ui_test_get_tmp_dir (), name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static SpComparison *
make_comparison (guint i)
{
  SpComparison *c = sp_comparison_new ();
  SpComparisonSide *a = sp_comparison_get_side (c, SP_SIDE_A);
  SpComparisonSide *b = sp_comparison_get_side (c, SP_SIDE_B);
  g_autofree char *subject = g_strdup_printf ("lighthouse %u", i);
  g_autofree char *text_a = g_strdup_printf ("a lighthouse at dusk, number %u --ar 3:2", i);
  g_autofree char *text_b = g_strdup_printf ("an old lighthouse in a storm, number %u --ar 3:2", i);

  sp_comparison_set_subject (c, subject);
  sp_comparison_set_created_at (c, 1700000000 + i);
  sp_comparison_side_set_model (a, "ft:davinci-002:me::abc");
  sp_comparison_side_set_prompt_mode (a, SP_PAIR_MODE_SHORT);
  sp_comparison_side_set_raw_text (a, text_a);
  sp_comparison_side_set_usage (a, 20, 30, 1000);
  sp_comparison_side_set_model (b, "gpt-4o-mini");
  sp_comparison_side_set_prompt_mode (b, SP_PAIR_MODE_FULL);
  sp_comparison_side_set_raw_text (b, text_b);
  sp_comparison_side_set_usage (b, 900, 40, 3000);
  return c;
}

static void
save (Fixture      *fixture,
      SpComparison *comparison)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sp_gallery_save_sync (fixture->gallery, comparison, &error));
  g_assert_no_error (error);
}

/* Fixture */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = sp_ui_test_open_store ();
  fixture->gallery = sp_gallery_new (fixture->store);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1280, 860);
  fixture->page = g_object_new (SP_TYPE_GALLERY_PAGE, NULL);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  sp_ui_test_spin (50);
  g_clear_object (&fixture->result);
  g_clear_object (&fixture->gallery);
  g_clear_object (&fixture->store);
}

static gboolean
page_gallery_filled (Fixture *fixture)
{
  SpGallery *gallery = sp_gallery_page_get_gallery (fixture->page);

  return gallery != NULL && g_list_model_get_n_items (G_LIST_MODEL (gallery)) > 0 &&
         !sp_gallery_get_loading (gallery);
}

static void
open_page (Fixture *fixture)
{
  sp_gallery_page_setup (fixture->page, fixture->store);
  sp_ui_test_wait_for (fixture, page_gallery_filled);
  sp_ui_test_spin (100);
}

/* Tests */

static gboolean
first_card_shown (Fixture *fixture)
{
  return count_labels (fixture, "lighthouse 2") == 1;
}

static void
test_grid_shows_comparisons (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *grid;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SpComparison) c = make_comparison (i);

      save (fixture, c);
    }
  open_page (fixture);
  sp_ui_test_wait_for (fixture, first_card_shown);

  grid = find_widget (GTK_WIDGET (fixture->page), is_type, GSIZE_TO_POINTER (GTK_TYPE_GRID_VIEW));
  g_assert_nonnull (grid);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_grid_view_get_model (GTK_GRID_VIEW (grid)))),
                    ==, 3);
  g_assert_cmpuint (count_labels (fixture, "lighthouse 0"), ==, 1);
  g_assert_cmpuint (count_labels (fixture, "lighthouse 1"), ==, 1);
  g_assert_cmpuint (count_labels (fixture, "a lighthouse at dusk, number 1 --ar 3:2"), ==, 1);
  g_assert_cmpuint (count_labels (fixture, "gpt-4o-mini"), ==, 3);
  g_assert_null (sp_gallery_page_get_comparison (fixture->page));

  /* The search entry is bound to the gallery. */
  sp_gallery_set_search_text (sp_gallery_page_get_gallery (fixture->page), "lighthouse 1");
  sp_ui_test_wait_for (fixture, page_gallery_filled);
  sp_ui_test_spin (100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sp_gallery_page_get_gallery (fixture->page))), ==, 1);
  {
    GtkWidget *entry = find_widget (GTK_WIDGET (fixture->page), is_type,
                                    GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "lighthouse 1");
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  }
  g_assert_cmpstr (sp_gallery_get_search_text (sp_gallery_page_get_gallery (fixture->page)), ==, "");
}

static gboolean
details_loaded (Fixture *fixture)
{
  SpComparison *c = sp_gallery_page_get_comparison (fixture->page);

  return c != NULL && sp_comparison_get_complete (c);
}

static gboolean
voted_b (Fixture *fixture)
{
  SpComparison *c = sp_gallery_page_get_comparison (fixture->page);

  return c != NULL && sp_comparison_get_winner (c) == SP_WINNER_B;
}

static gboolean
notes_saved (Fixture *fixture)
{
  SpComparison *c = sp_gallery_page_get_comparison (fixture->page);
  g_autoptr(SpGallery) other = sp_gallery_new (fixture->store);
  g_autoptr(SpComparison) read = sp_gallery_load_comparison_sync (other, sp_comparison_get_id (c), NULL);

  return read != NULL && g_strcmp0 (sp_comparison_get_notes (read), "The storm sells it.") == 0;
}

static gboolean
thumbnail_shown (Fixture *fixture)
{
  return count_widgets (GTK_WIDGET (fixture->page), is_picture_with_paintable, NULL) >= 2;
}

static gboolean
scoreboard_counts_vote (Fixture *fixture)
{
  GListModel *scores = sp_gallery_page_get_scoreboard (fixture->page);

  for (guint i = 0; scores != NULL && i < g_list_model_get_n_items (scores); i++)
    {
      g_autoptr(SpScore) score = g_list_model_get_item (scores, i);

      if (sp_score_get_kind (score) == SP_SCORE_KIND_MODEL &&
          g_str_equal (sp_score_get_name (score), "gpt-4o-mini") && sp_score_get_wins (score) == 1)
        return TRUE;
    }
  return FALSE;
}

static gboolean
two_left (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (sp_gallery_page_get_gallery (fixture->page))) == 2;
}

static gboolean
three_again (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (sp_gallery_page_get_gallery (fixture->page))) == 3;
}

static void
test_judge_and_report (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GBytes) png = make_png (64, 48, 0x3366aaff);
  g_autoptr(GBytes) text = g_bytes_new_static ("just words\n", 11);
  g_autoptr(GFile) png_file = write_file ("picture.png", png);
  g_autoptr(GFile) text_file = write_file ("notes.txt", text);
  g_autofree char *report_path = g_build_filename (sp_ui_test_get_tmp_dir (), "report.html", NULL);
  g_autoptr(GFile) report = g_file_new_for_path (report_path);
  g_autoptr(SpImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;
  GtkTextView *notes;
  SpComparison *c;
  gint64 id;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SpComparison) comparison = make_comparison (i);

      save (fixture, comparison);
    }
  open_page (fixture);

  /* Select: the detail shows both full prompts. */
  sp_gallery_page_select (fixture->page, 0);
  c = sp_gallery_page_get_comparison (fixture->page);
  g_assert_nonnull (c);
  id = sp_comparison_get_id (c);
  g_assert_cmpstr (sp_comparison_get_subject (c), ==, "lighthouse 2");
  sp_ui_test_spin (100);
  g_assert_cmpuint (count_labels (fixture, "an old lighthouse in a storm, number 2 --ar 3:2"), ==, 2);

  /* Vote B, the second side shown, once the details are read. */
  sp_ui_test_wait_for (fixture, details_loaded);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "gallery.vote", "s", "second");
  sp_ui_test_wait_for (fixture, voted_b);
  g_assert_cmpuint (count_labels (fixture, "Winner: gpt-4o-mini"), >=, 1);

  /* Notes, saved as they are typed. */
  notes = GTK_TEXT_VIEW (find_widget (GTK_WIDGET (fixture->page), is_type,
                                      GSIZE_TO_POINTER (GTK_TYPE_TEXT_VIEW)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (notes), "The storm sells it.", -1);
  sp_ui_test_wait_for (fixture, notes_saved);

  /* A real PNG: stored, linked, and its thumbnail on the card and in the
   * detail. */
  sp_gallery_page_add_image_file_async (fixture->page, SP_SIDE_A, png_file, NULL, result_cb, fixture);
  image = sp_gallery_page_add_image_file_finish (fixture->page, wait_result (fixture), &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpuint (g_list_model_get_n_items (sp_comparison_side_get_images (sp_comparison_get_side (c, SP_SIDE_A))),
                    ==, 1);
  sp_ui_test_wait_for (fixture, thumbnail_shown);
  g_assert_cmpuint (sp_gallery_page_get_n_thumbnail_requests (fixture->page), >=, 2);

  /* A file that is not an image is refused with the store's words. */
  g_clear_object (&fixture->result);
  sp_gallery_page_add_image_file_async (fixture->page, SP_SIDE_B, text_file, NULL, result_cb, fixture);
  g_assert_null (sp_gallery_page_add_image_file_finish (fixture->page, wait_result (fixture), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "notes.txt"));
  g_test_message ("Refused: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (sp_comparison_side_get_images (sp_comparison_get_side (c, SP_SIDE_B))),
                    ==, 0);

  /* The scoreboard counts the vote. */
  sp_gallery_page_update_scoreboard (fixture->page);
  sp_ui_test_wait_for (fixture, scoreboard_counts_vote);

  /* The report has the notes and the image inside. */
  g_clear_object (&fixture->result);
  sp_gallery_page_export_report_async (fixture->page, report, NULL, result_cb, fixture);
  g_assert_true (sp_gallery_page_export_report_finish (fixture->page, wait_result (fixture), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (report_path, &html, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (html, "The storm sells it."));
  g_assert_nonnull (strstr (html, "data:image/png;base64"));

  /* Delete, then undo. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "gallery.delete", NULL);
  sp_ui_test_wait_for (fixture, two_left);
  g_assert_cmpuint (count_labels (fixture, "lighthouse 2"), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "gallery.undo-delete", "x", id);
  sp_ui_test_wait_for (fixture, three_again);
  sp_ui_test_spin (200);
  g_assert_cmpuint (count_labels (fixture, "lighthouse 2"), >=, 1);
}

static gboolean
shows_side_1 (Fixture *fixture)
{
  return count_labels (fixture, "Side 1") >= 1;
}

static gboolean
revealed (Fixture *fixture)
{
  SpComparison *c = sp_gallery_page_get_comparison (fixture->page);

  return c != NULL && sp_comparison_get_voted (c);
}

static void
test_blind_reveals_after_vote (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(SpComparison) c = make_comparison (7);
  SpComparison *shown;

  sp_comparison_set_blind_seed (c, 42);
  sp_comparison_set_blind (c, TRUE);
  save (fixture, c);
  open_page (fixture);
  sp_gallery_page_select (fixture->page, 0);
  sp_ui_test_wait_for (fixture, shows_side_1);
  g_assert_cmpuint (count_labels (fixture, "Side 2"), >=, 1);
  g_assert_cmpuint (count_labels (fixture, "gpt-4o-mini"), ==, 0);
  g_assert_cmpuint (count_labels (fixture, "ft:davinci-002:me::abc"), ==, 0);

  sp_ui_test_wait_for (fixture, details_loaded);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "gallery.vote", "s", "first");
  sp_ui_test_wait_for (fixture, revealed);
  sp_ui_test_spin (100);
  shown = sp_gallery_page_get_comparison (fixture->page);
  /* The first side shown won, whichever it was. */
  g_assert_cmpint (sp_comparison_get_winner (shown), ==, sp_comparison_winner_for_position (shown, 0));
  g_assert_cmpuint (count_labels (fixture, "Side 1"), ==, 0);
  g_assert_cmpuint (count_labels (fixture, "gpt-4o-mini"), >=, 1);
  g_assert_cmpuint (count_labels (fixture, "ft:davinci-002:me::abc"), >=, 1);
}

static gboolean
some_thumbnails_shown (Fixture *fixture)
{
  return count_widgets (GTK_WIDGET (fixture->page), is_picture_with_paintable, NULL) >= 4;
}

static void
test_many_comparisons (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SpImageStore) images = sp_image_store_new (fixture->store);
  g_autoptr(GBytes) png = make_png (40, 30, 0xaa6633ff);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpImage) image = sp_image_store_import_bytes (images, png, NULL, "file", &error);
  g_autoptr(GTimer) timer = NULL;
  guint requests;

  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(SpComparison) c = make_comparison (i);

      sp_comparison_side_add_image (sp_comparison_get_side (c, SP_SIDE_A), image);
      sp_comparison_side_add_image (sp_comparison_get_side (c, SP_SIDE_B), image);
      save (fixture, c);
    }

  timer = g_timer_new ();
  open_page (fixture);
  g_test_message ("1000 comparisons open in %.0f ms", g_timer_elapsed (timer, NULL) * 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sp_gallery_page_get_gallery (fixture->page))),
                    ==, 1000);
  sp_ui_test_wait_for (fixture, some_thumbnails_shown);
  sp_ui_test_spin (300);

  /* Only the cards on screen (and the few the grid keeps ready) ask. */
  requests = sp_gallery_page_get_n_thumbnail_requests (fixture->page);
  g_test_message ("%u thumbnail requests for 1000 comparisons", requests);
  g_assert_cmpuint (requests, >=, 4);
  g_assert_cmpuint (requests, <=, 2 * 200);
}

int
main (int   argc,
      char *argv[])
{
  sp_ui_test_init (&argc, &argv, "starprompt-gallery-page-XXXXXX");

#define ADD(path, func) \
  g_test_add ("/sp/ui/gallery-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("grid-shows-comparisons", test_grid_shows_comparisons);
  ADD ("judge-notes-images-score-report-undo", test_judge_and_report);
  ADD ("blind-reveals-after-vote", test_blind_reveals_after_vote);
  ADD ("many-comparisons-few-thumbnails", test_many_comparisons);
#undef ADD

  return sp_ui_test_run ();
}
