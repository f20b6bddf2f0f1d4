// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "bench-dataset-list"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "sp-dataset-page.h"
#include "sp-test-util.h"

/* The examples list of the Dataset page with 20,000 examples against 200
 * (DESIGN.md: tens of thousands of rows stay smooth). For each, a library
 * with one finished offline batch of N examples; the page opens it as
 * after a restart. Measured: the time until all N rows are in the list,
 * and the time of a scroll step (the list moved down by one page, from
 * its middle, until the frame that shows the new rows is painted), mean
 * and worst over 12 steps. The list makes widgets only for the rows on screen, so a step
 * must cost the same at 20,000 as at 200: goal, mean step ratio ≤ 1.5.
 *
 * Needs a display: run inside xvfb-run, as the test command does. */

#define SMALL       200
#define LARGE       20000
#define STEPS       12
#define JUMPS       12
#define WAIT_US     (120 * G_USEC_PER_SEC)

typedef struct
{
  double load_seconds;
  double step_mean_ms;
  double step_worst_ms;
  double jump_mean_ms;
} Result;

static char *tmp_dir;

static void
iterate_until (gboolean (*done) (gpointer data),
               gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out");
      g_main_context_iteration (NULL, TRUE);
    }
}

/* A library with one finished batch of n offline examples. */
static SpStore *
fill_library (guint n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("library-%u.db", n);
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(SpStore) store = sp_store_new (path, &error);
  g_autoptr(SpProvider) offline = sp_provider_new_offline ();
  g_autoptr(SpClient) client = NULL;
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autoptr(SpBatch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SpBatchOptions options = { 0 };

  g_assert_no_error (error);
  client = sp_client_new (offline, NULL, &error);
  g_assert_no_error (error);
  options.model = "starprompt-offline";
  options.template = template;
  options.n_items = n;
  options.seed = 1;
  options.concurrency = SP_BATCH_MAX_CONCURRENCY;
  batch = sp_batch_create_sync (store, client, &options, &error);
  g_assert_no_error (error);
  sp_batch_run_async (batch, NULL, sp_test_store_result_cb, &result);
  sp_test_wait_for (&result);
  g_assert_true (sp_batch_run_finish (batch, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sp_batch_get_n_done (batch), ==, n);
  return g_steal_pointer (&store);
}

typedef struct
{
  SpDatasetPage *page;
  guint          n;
  guint          painted;
} Watch;

static gboolean
all_listed (gpointer data)
{
  Watch *watch = data;

  return g_list_model_get_n_items (sp_dataset_page_get_examples (watch->page)) == watch->n;
}

static gboolean
painted_since (gpointer data)
{
  Watch *watch = data;

  return watch->painted > 0;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  Watch *watch = user_data;

  watch->painted++;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
wait_for_paint (Watch *watch)
{
  watch->painted = 0;
  iterate_until (painted_since, watch);
}

static Result
measure (guint n)
{
  g_autoptr(SpStore) store = fill_library (n);
  g_autoptr(SpProviderList) providers = sp_provider_list_new ();
  g_autoptr(SpSecrets) secrets = sp_secrets_new (FALSE);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  Watch watch = { 0 };
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  GdkFrameClock *clock;
  gulong paint_id;
  gint64 start;
  double total_us = 0, worst_us = 0;
  Result result = { 0 };

  gtk_window_set_default_size (window, 1280, 900);
  watch.page = g_object_new (SP_TYPE_DATASET_PAGE, NULL);
  watch.n = n;
  gtk_window_set_child (window, GTK_WIDGET (watch.page));
  gtk_window_present (window);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &watch);
  wait_for_paint (&watch);

  /* From the library to a painted list of all N rows. */
  start = g_get_monotonic_time ();
  sp_dataset_page_setup (watch.page, store, providers, secrets, settings, template);
  iterate_until (all_listed, &watch);
  wait_for_paint (&watch);
  result.load_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (find_descendant (GTK_WIDGET (watch.page),
                                                                            GTK_TYPE_COLUMN_VIEW),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  /* Page by page from the middle of the list: every step shows rows
   * that were not on screen, at 200 rows as at 20,000. */
  gtk_adjustment_set_value (adjustment, (gtk_adjustment_get_upper (adjustment) -
                                         gtk_adjustment_get_page_size (adjustment)) / 2 -
                                        STEPS / 2 * gtk_adjustment_get_page_size (adjustment));
  wait_for_paint (&watch);
  for (guint i = 1; i <= STEPS; i++)
    {
      gint64 step_start = g_get_monotonic_time ();
      double step_us;

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) +
                                            gtk_adjustment_get_page_size (adjustment));
      wait_for_paint (&watch);
      step_us = g_get_monotonic_time () - step_start;
      total_us += step_us;
      worst_us = MAX (worst_us, step_us);
    }
  /* A jump of 100 pages, as when the scroll bar is dragged: reported,
   * not compared (the small list is shorter than that). */
  {
    gint64 jump_start = g_get_monotonic_time ();

    for (guint i = 0; i < JUMPS; i++)
      {
        double span = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

        gtk_adjustment_set_value (adjustment, span * (i % 2 == 0 ? 0.25 : 0.75) +
                                              i * gtk_adjustment_get_page_size (adjustment));
        wait_for_paint (&watch);
      }
    result.jump_mean_ms = (g_get_monotonic_time () - jump_start) / (double) JUMPS / 1000.0;
  }
  result.step_mean_ms = total_us / STEPS / 1000.0;
  result.step_worst_ms = worst_us / 1000.0;
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);

  g_signal_handler_disconnect (clock, paint_id);
  gtk_window_destroy (window);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  return result;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  Result small, large;
  double step_ratio, worst_ratio, load_per_row_ratio;

  tmp_dir = g_dir_make_tmp ("bench-dataset-list-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("STARPROMPT_DATA_DIR", tmp_dir, TRUE);
  g_setenv ("STARPROMPT_SECRETS", "memory", TRUE);
  gtk_init ();
  adw_init ();

  small = measure (SMALL);
  large = measure (LARGE);
  step_ratio = large.step_mean_ms / small.step_mean_ms;
  worst_ratio = large.step_worst_ms / small.step_worst_ms;
  load_per_row_ratio = (large.load_seconds / LARGE) / (small.load_seconds / SMALL);

  printf ("dataset list, %u rows: listed and painted in %.3f s; scroll step %.1f ms mean, %.1f ms worst\n",
          SMALL, small.load_seconds, small.step_mean_ms, small.step_worst_ms);
  printf ("dataset list, %u rows: listed and painted in %.3f s; scroll step %.1f ms mean, %.1f ms worst; "
          "jump across half the list %.1f ms\n",
          LARGE, large.load_seconds, large.step_mean_ms, large.step_worst_ms, large.jump_mean_ms);
  printf ("scroll step %u/%u rows: mean ratio %.2f (goal <= 1.50), worst ratio %.2f; "
          "load time per row ratio %.2f\n",
          LARGE, SMALL, step_ratio, worst_ratio, load_per_row_ratio);

  sp_test_remove_tree (tmp_dir);

  return step_ratio <= 1.5 ? EXIT_SUCCESS : EXIT_FAILURE;
}
