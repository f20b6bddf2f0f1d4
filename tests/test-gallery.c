// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-gallery"

#include "config.h"

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sqlite3.h>

#include "sp-error.h"
#include "sp-gallery.h"
#include "sp-image-store.h"
#include "sp-test-util.h"

typedef struct
{
  char      *dir;
  SpStore   *store;
  SpGallery *gallery;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("sp-gallery-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "library.db", NULL);
  fixture->store = sp_store_new (path, &error);
  g_assert_no_error (error);
  fixture->gallery = sp_gallery_new (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->gallery);
  g_assert_finalize_object (fixture->store);
  sp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
wait_loaded (SpGallery *gallery)
{
  while (sp_gallery_get_loading (gallery))
    g_main_context_iteration (NULL, TRUE);
}

static const char * const models[] = { "ft:davinci-002:me::abc", "gpt-4o-mini", "gpt-3.5-turbo" };

/* Comparison @i: A is a fine-tuned model on the short prompt, B one of
 * two base models on the full prompt; winners cycle through all four
 * votes and none. */
static SpComparison *
make_comparison (guint i)
{
  SpComparison *c = sp_comparison_new ();
  SpComparisonSide *a = sp_comparison_get_side (c, SP_SIDE_A);
  SpComparisonSide *b = sp_comparison_get_side (c, SP_SIDE_B);
  g_autofree char *subject = g_strdup_printf ("subject %u%s", i, i % 10 == 3 ? " nebula" : "");
  g_autofree char *raw_a = g_strdup_printf ("prompt A %u --ar 3:2", i);
  g_autofree char *raw_b = g_strdup_printf ("Sure! Here is your prompt:\n\nprompt B %u --ar 3:2\n\nEnjoy!", i);

  sp_comparison_set_subject (c, subject);
  sp_comparison_set_story (c, "A long story that the summaries do not carry.");
  sp_comparison_set_created_at (c, 1700000000 + i);
  sp_comparison_side_set_model (a, models[0]);
  sp_comparison_side_set_prompt_mode (a, SP_PAIR_MODE_SHORT);
  sp_comparison_side_set_raw_text (a, raw_a);
  sp_comparison_side_set_usage (a, 20, 30, 1000);
  sp_comparison_side_set_model (b, models[1 + i % 2]);
  sp_comparison_side_set_prompt_mode (b, SP_PAIR_MODE_FULL);
  sp_comparison_side_set_raw_text (b, raw_b);
  sp_comparison_side_set_usage (b, 900, 40, 3000);
  sp_comparison_set_winner (c, (SpWinner) (i % 5));
  return c;
}

static void
fill (Fixture *fixture,
      guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpComparison) c = make_comparison (i);
      g_autoptr(GError) error = NULL;

      g_assert_true (sp_gallery_save_sync (fixture->gallery, c, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sp_comparison_get_id (c), >, 0);
    }
}

static void
test_save_and_page (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SpGallery) gallery = NULL;
  g_autoptr(SpComparison) first = NULL;
  g_autoptr(SpComparison) far = NULL;
  g_autoptr(GError) error = NULL;

  fill (fixture, 120);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->gallery)), ==, 120);

  /* Another gallery over the same library, as the app opens it. */
  gallery = sp_gallery_new (fixture->store);
  g_assert_true (sp_gallery_reload_sync (gallery, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gallery)), ==, 120);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (gallery)) == SP_TYPE_COMPARISON);

  /* Newest first, the first page read, without the story. */
  first = g_list_model_get_item (G_LIST_MODEL (gallery), 0);
  g_assert_cmpstr (sp_comparison_get_subject (first), ==, "subject 119");
  g_assert_false (sp_comparison_get_complete (first));
  g_assert_null (sp_comparison_get_story (first));
  g_assert_cmpstr (sp_comparison_side_get_cleaned_text (sp_comparison_get_side (first, SP_SIDE_B)), ==,
                   "prompt B 119 --ar 3:2");
  g_assert_cmpstr (sp_comparison_side_get_raw_text (sp_comparison_get_side (first, SP_SIDE_B)), ==, "");
  g_assert_cmpstr (sp_comparison_side_get_model (sp_comparison_get_side (first, SP_SIDE_A)), ==, models[0]);
  g_assert_cmpint (sp_comparison_side_get_prompt_mode (sp_comparison_get_side (first, SP_SIDE_A)), ==,
                   SP_PAIR_MODE_SHORT);
  g_assert_cmpint (sp_comparison_side_get_cost (sp_comparison_get_side (first, SP_SIDE_B)), ==, 3000);
  g_assert_cmpint (sp_comparison_get_winner (first), ==, 119 % 5);

  /* A later page is a placeholder until it is read. */
  far = g_list_model_get_item (G_LIST_MODEL (gallery), 110);
  g_assert_cmpint (sp_comparison_get_id (far), >, 0);
  g_assert_null (sp_comparison_get_subject (far));
  g_assert_true (sp_gallery_get_loading (gallery));
  wait_loaded (gallery);
  g_assert_cmpstr (sp_comparison_get_subject (far), ==, "subject 9");

  /* The details on demand. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    sp_gallery_load_details_async (gallery, first, NULL, sp_test_store_result_cb, &result);
    g_assert_true (sp_gallery_load_details_finish (gallery, sp_test_wait_for (&result), &error));
    g_assert_no_error (error);
    g_assert_true (sp_comparison_get_complete (first));
    g_assert_cmpstr (sp_comparison_get_story (first), ==, "A long story that the summaries do not carry.");
    g_assert_true (g_str_has_prefix (sp_comparison_side_get_raw_text (sp_comparison_get_side (first, SP_SIDE_B)),
                                     "Sure!"));
  }
}

static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  GListModel *list = G_LIST_MODEL (fixture->gallery);

  fill (fixture, 40);

  sp_gallery_set_search_text (fixture->gallery, "nebula");
  wait_loaded (fixture->gallery);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);

  sp_gallery_set_search_text (fixture->gallery, "PROMPT b 17 ");
  wait_loaded (fixture->gallery);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);

  /* LIKE wildcards are plain characters. */
  sp_gallery_set_search_text (fixture->gallery, "%");
  wait_loaded (fixture->gallery);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);

  sp_gallery_set_search_text (fixture->gallery, NULL);
  sp_gallery_set_model_filter (fixture->gallery, "gpt-4o-mini");
  wait_loaded (fixture->gallery);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 20);

  sp_gallery_set_winner_filter (fixture->gallery, SP_WINNER_TIE);
  wait_loaded (fixture->gallery);
  /* i % 5 == 3 and i even: 8, 18, 28, 38. */
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);

  sp_gallery_set_model_filter (fixture->gallery, NULL);
  sp_gallery_set_winner_filter (fixture->gallery, SP_WINNER_NONE);
  wait_loaded (fixture->gallery);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 8);

  sp_gallery_set_winner_filter (fixture->gallery, -1);
  wait_loaded (fixture->gallery);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 40);
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  data)
{
  GListModel *list = G_LIST_MODEL (fixture->gallery);
  g_autoptr(SpComparison) c = NULL;
  g_autoptr(SpComparison) gone = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  fill (fixture, 5);
  c = g_list_model_get_item (list, 2);
  id = sp_comparison_get_id (c);

  sp_gallery_delete_async (fixture->gallery, c, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_gallery_delete_finish (fixture->gallery, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);

  sp_gallery_undo_delete_async (fixture->gallery, id, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_gallery_undo_delete_finish (fixture->gallery, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_loaded (fixture->gallery);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 5);
  {
    g_autoptr(SpComparison) back = g_list_model_get_item (list, 2);

    g_assert_cmpint (sp_comparison_get_id (back), ==, id);
  }

  /* Delete again and purge: then it is gone for good. */
  sp_gallery_delete_async (fixture->gallery, c, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_gallery_delete_finish (fixture->gallery, sp_test_wait_for (&result), &error));
  g_assert_cmpuint (sp_gallery_purge_deleted_sync (fixture->gallery, &error), ==, 1);
  g_assert_no_error (error);
  gone = sp_gallery_load_comparison_sync (fixture->gallery, id, &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_assert_null (gone);
}

static SpScore *
find_score (GListModel  *scores,
            SpScoreKind  kind,
            const char  *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (scores); i++)
    {
      g_autoptr(SpScore) score = g_list_model_get_item (scores, i);

      if (sp_score_get_kind (score) == kind && g_strcmp0 (sp_score_get_name (score), name) == 0)
        return score;
    }
  return NULL;
}

static void
test_scoreboard (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GListModel) scores = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SpScore *ft;
  SpScore *mini;
  SpScore *full;

  /* 10 comparisons: winners none, A, B, tie, both-bad twice each. */
  fill (fixture, 10);
  scores = sp_gallery_scoreboard_sync (fixture->gallery, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (scores), ==, 5);

  ft = find_score (scores, SP_SCORE_KIND_MODEL, models[0]);
  g_assert_nonnull (ft);
  g_assert_cmpuint (sp_score_get_wins (ft), ==, 2);
  g_assert_cmpuint (sp_score_get_losses (ft), ==, 2);
  g_assert_cmpuint (sp_score_get_ties (ft), ==, 2);
  g_assert_cmpuint (sp_score_get_both_bad (ft), ==, 2);
  g_assert_cmpuint (sp_score_get_unvoted (ft), ==, 2);
  g_assert_cmpuint (sp_score_get_outputs (ft), ==, 10);
  g_assert_cmpint (sp_score_get_cost_per_prompt (ft), ==, 1000);
  g_assert_cmpfloat_with_epsilon (sp_score_get_win_rate (ft), 3.0 / 8.0, 1e-9);

  /* gpt-4o-mini is B in 0, 2, 4, 6, 8: none, B, both-bad, A, tie. */
  mini = find_score (scores, SP_SCORE_KIND_MODEL, "gpt-4o-mini");
  g_assert_nonnull (mini);
  g_assert_cmpuint (sp_score_get_wins (mini), ==, 1);
  g_assert_cmpuint (sp_score_get_losses (mini), ==, 1);
  g_assert_cmpuint (sp_score_get_ties (mini), ==, 1);
  g_assert_cmpuint (sp_score_get_both_bad (mini), ==, 1);
  g_assert_cmpint (sp_score_get_cost_per_prompt (mini), ==, 3000);

  full = find_score (scores, SP_SCORE_KIND_PROMPT_MODE, "full");
  g_assert_nonnull (full);
  g_assert_cmpuint (sp_score_get_wins (full), ==, 2);
  g_assert_nonnull (find_score (scores, SP_SCORE_KIND_PROMPT_MODE, "short"));

  /* The same, asynchronously. */
  sp_gallery_scoreboard_async (fixture->gallery, NULL, sp_test_store_result_cb, &result);
  g_clear_object (&scores);
  scores = sp_gallery_scoreboard_finish (fixture->gallery, sp_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (scores), ==, 5);
}

static void
test_vote_notes (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SpComparison) c = NULL;
  g_autoptr(SpComparison) read = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  c = sp_comparison_new ();
  sp_comparison_set_subject (c, "AI");
  sp_comparison_side_set_model (sp_comparison_get_side (c, SP_SIDE_A), "a-model");
  sp_comparison_side_set_model (sp_comparison_get_side (c, SP_SIDE_B), "b-model");
  sp_comparison_set_blind (c, TRUE);
  g_assert_true (sp_gallery_save_sync (fixture->gallery, c, &error));

  sp_gallery_vote_async (fixture->gallery, c, SP_WINNER_B, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_comparison_get_revealed (c));
  g_assert_true (sp_gallery_vote_finish (fixture->gallery, sp_test_wait_for (&result), &error));
  g_clear_object (&result);
  sp_gallery_set_notes_async (fixture->gallery, c, "The <b>second</b> one", NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_gallery_set_notes_finish (fixture->gallery, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);

  read = sp_gallery_load_comparison_sync (fixture->gallery, sp_comparison_get_id (c), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sp_comparison_get_winner (read), ==, SP_WINNER_B);
  g_assert_cmpstr (sp_comparison_get_notes (read), ==, "The <b>second</b> one");
  g_assert_true (sp_comparison_get_blind (read));
  g_assert_cmpuint (sp_comparison_get_blind_seed (read), ==, sp_comparison_get_blind_seed (c));
  g_assert_cmpint (sp_comparison_get_swapped (read), ==, sp_comparison_get_swapped (c));
  g_assert_true (sp_comparison_get_complete (read));

  /* Saving again updates, never duplicates. */
  sp_comparison_set_subject (c, "AI, again");
  g_assert_true (sp_gallery_save_sync (fixture->gallery, c, &error));
  g_assert_true (sp_gallery_reload_sync (fixture->gallery, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->gallery)), ==, 1);
}

/* Reads queued before a vote or a note come back after it: they must not
 * undo it. */
static void
test_vote_during_read (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SpGallery) gallery = sp_gallery_new (fixture->store);
  g_autoptr(SpComparison) item = NULL;
  g_autoptr(SpComparison) read = NULL;
  g_autoptr(GAsyncResult) reloaded = NULL;
  g_autoptr(GAsyncResult) details = NULL;
  g_autoptr(GAsyncResult) voted = NULL;
  g_autoptr(GAsyncResult) noted = NULL;
  g_autoptr(GError) error = NULL;

  fill (fixture, 1);
  g_assert_true (sp_gallery_reload_sync (gallery, &error));
  item = g_list_model_get_item (G_LIST_MODEL (gallery), 0);
  g_assert_cmpint (sp_comparison_get_winner (item), ==, SP_WINNER_NONE);
  g_assert_false (sp_comparison_get_complete (item));

  sp_gallery_reload_async (gallery, NULL, sp_test_store_result_cb, &reloaded);
  sp_gallery_load_details_async (gallery, item, NULL, sp_test_store_result_cb, &details);
  sp_gallery_vote_async (gallery, item, SP_WINNER_A, NULL, sp_test_store_result_cb, &voted);
  sp_gallery_set_notes_async (gallery, item, "Kept", NULL, sp_test_store_result_cb, &noted);
  g_assert_true (sp_gallery_reload_finish (gallery, sp_test_wait_for (&reloaded), &error));
  g_assert_true (sp_gallery_load_details_finish (gallery, sp_test_wait_for (&details), &error));
  g_assert_true (sp_gallery_vote_finish (gallery, sp_test_wait_for (&voted), &error));
  g_assert_true (sp_gallery_set_notes_finish (gallery, sp_test_wait_for (&noted), &error));
  g_assert_no_error (error);

  g_assert_true (sp_comparison_get_complete (item));
  g_assert_cmpint (sp_comparison_get_winner (item), ==, SP_WINNER_A);
  g_assert_cmpstr (sp_comparison_get_notes (item), ==, "Kept");
  read = sp_gallery_load_comparison_sync (gallery, sp_comparison_get_id (item), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sp_comparison_get_winner (read), ==, SP_WINNER_A);
  g_assert_cmpstr (sp_comparison_get_notes (read), ==, "Kept");

  /* A read queued after the vote brings what was written. */
  g_clear_object (&reloaded);
  sp_gallery_reload_async (gallery, NULL, sp_test_store_result_cb, &reloaded);
  g_assert_true (sp_gallery_reload_finish (gallery, sp_test_wait_for (&reloaded), &error));
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (gallery), 0);
  g_assert_cmpint (sp_comparison_get_winner (item), ==, SP_WINNER_A);
}

static GBytes *
make_png (guint width,
          guint height,
          guint8 shade)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, (guint32) shade << 24 | 0x0066aaff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL));
  return g_bytes_new (buffer, size);
}

static void
test_images (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SpImageStore) images = sp_image_store_new (fixture->store);
  g_autoptr(SpComparison) c = make_comparison (1);
  g_autoptr(SpComparison) read = NULL;
  g_autoptr(GBytes) png = make_png (30, 20, 1);
  g_autoptr(GBytes) png2 = make_png (30, 20, 2);
  g_autoptr(SpImage) image = NULL;
  g_autoptr(SpImage) image2 = NULL;
  g_autoptr(SpImage) first = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *side_images;

  image = sp_image_store_import_bytes (images, png, NULL, "clipboard", &error);
  g_assert_no_error (error);
  image2 = sp_image_store_import_bytes (images, png2, NULL, "file", &error);
  g_assert_no_error (error);

  /* Before the save the image waits on the side. */
  sp_image_store_add_to_side_async (images, c, SP_SIDE_A, image, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_image_store_add_to_side_finish (images, sp_test_wait_for (&result), &error));
  g_clear_object (&result);
  g_assert_true (sp_gallery_save_sync (fixture->gallery, c, &error));
  g_assert_no_error (error);

  /* After the save it is linked at once. */
  sp_image_store_add_to_side_async (images, c, SP_SIDE_A, image2, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_image_store_add_to_side_finish (images, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);

  read = sp_gallery_load_comparison_sync (fixture->gallery, sp_comparison_get_id (c), &error);
  g_assert_no_error (error);
  side_images = sp_comparison_side_get_images (sp_comparison_get_side (read, SP_SIDE_A));
  g_assert_cmpuint (g_list_model_get_n_items (side_images), ==, 2);
  first = g_list_model_get_item (side_images, 0);
  g_assert_cmpstr (sp_image_get_hash (first), ==, sp_image_get_hash (image));
  g_assert_cmpstr (sp_image_get_source (first), ==, "clipboard");
  g_assert_cmpuint (sp_image_get_width (first), ==, 30);
  g_assert_true (g_file_test (sp_image_get_path (first), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (g_list_model_get_n_items (sp_comparison_side_get_images (sp_comparison_get_side (read, SP_SIDE_B))), ==, 0);

  /* Purging the comparison removes the files no one else uses. */
  g_clear_object (&result);
  sp_gallery_delete_async (fixture->gallery, c, NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_gallery_delete_finish (fixture->gallery, sp_test_wait_for (&result), &error));
  g_assert_cmpuint (sp_gallery_purge_deleted_sync (fixture->gallery, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_false (g_file_test (sp_image_get_path (image), G_FILE_TEST_EXISTS));
}

static void
test_migrate_from_v1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sp-gallery-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  SpStore *store;
  sqlite3 *db = NULL;

  /* A library as version 1 left it. */
  store = sp_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE notes; DROP TABLE votes; DROP TABLE output_images;"
                                     "DROP TABLE images; DROP TABLE outputs;"
                                     "ALTER TABLE usage DROP COLUMN comparison_id;"
                                     "DROP TABLE comparisons; PRAGMA user_version = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = sp_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sp_store_get_schema_version_sync (store, &error), ==, 2);
  {
    g_autoptr(SpGallery) gallery = sp_gallery_new (store);
    g_autoptr(SpComparison) c = make_comparison (0);

    g_assert_true (sp_gallery_save_sync (gallery, c, &error));
    g_assert_no_error (error);
  }
  g_assert_finalize_object (store);
  sp_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sp/gallery/save-and-page", Fixture, NULL, fixture_set_up, test_save_and_page, fixture_tear_down);
  g_test_add ("/sp/gallery/filter", Fixture, NULL, fixture_set_up, test_filter, fixture_tear_down);
  g_test_add ("/sp/gallery/delete-undo", Fixture, NULL, fixture_set_up, test_delete_undo, fixture_tear_down);
  g_test_add ("/sp/gallery/scoreboard", Fixture, NULL, fixture_set_up, test_scoreboard, fixture_tear_down);
  g_test_add ("/sp/gallery/vote-notes", Fixture, NULL, fixture_set_up, test_vote_notes, fixture_tear_down);
  g_test_add ("/sp/gallery/vote-during-read", Fixture, NULL, fixture_set_up, test_vote_during_read, fixture_tear_down);
  g_test_add ("/sp/gallery/images", Fixture, NULL, fixture_set_up, test_images, fixture_tear_down);
  g_test_add_func ("/sp/gallery/migrate-from-v1", test_migrate_from_v1);

  return g_test_run ();
}
