// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-ui-pricing"

#include "config.h"

#include <adwaita.h>

#include "sp-cost-chart.h"
#include "sp-pricing-window.h"
#include "sp-ui-test-fixture.h"

/* A window the test holds a reference to, so that it can check that
 * destroying it finalizes it. */
static SpPricingWindow *
new_window (void)
{
  return g_object_ref (sp_pricing_window_new ());
}

static void
destroy_window (SpPricingWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  sp_ui_test_spin (10);
  g_assert_finalize_object (window);
}

/* "After 5922 calls", with the locale's digit grouping as the window
 * shows it. */
static char *
after_calls (guint64 calls)
{
  return g_strdup_printf ("After %'" G_GUINT64_FORMAT " calls", calls);
}

static void
test_davinci_training_cost (void)
{
  SpPricingWindow *window = new_window ();
  g_autofree char *training = NULL;
  g_autofree char *error = NULL;

  g_assert_true (sp_pricing_window_select_sheet (window, "openai-2023-01"));
  g_assert_true (sp_pricing_window_select_model (window, "davinci"));
  sp_pricing_window_set_training_tokens (window, 1500000);
  sp_pricing_window_set_epochs (window, 1);

  training = sp_pricing_window_dup_training_cost_text (window);
  g_assert_cmpstr (training, ==, "$45.00");
  error = sp_pricing_window_dup_error_text (window);
  g_assert_null (error);

  destroy_window (window);
}

static void
test_model_without_fine_tuning_refused (void)
{
  SpPricingWindow *window = new_window ();

  g_assert_true (sp_pricing_window_select_sheet (window, "openai-2023-01"));
  g_assert_false (sp_pricing_window_select_model (window, "text-davinci-003"));
  g_assert_false (sp_pricing_window_select_sheet (window, "no-such-sheet"));

  destroy_window (window);
}

/* The original experiment: a 1,000-token few-shot prompt on davinci at
 * $0.02/1K against a 20-token short prompt on fine-tuned davinci at
 * $0.12/1K, 100 completion tokens each, $45 of training. Each call saves
 * $0.0076, so fine-tuning pays after ⌈45 / 0.0076⌉ = 5922 calls. */
static void
test_break_even_pays (void)
{
  SpPricingWindow *window = new_window ();
  g_autofree char *training = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tuned = NULL;
  g_autofree char *break_even = NULL;
  g_autofree char *expected = after_calls (5922);

  sp_pricing_window_prefill (window, "davinci", 1000, 20, 100, 1500000, 250);
  sp_pricing_window_set_epochs (window, 1);

  training = sp_pricing_window_dup_training_cost_text (window);
  base = sp_pricing_window_dup_base_per_call_text (window);
  tuned = sp_pricing_window_dup_tuned_per_call_text (window);
  break_even = sp_pricing_window_dup_break_even_text (window);
  g_assert_cmpstr (training, ==, "$45.00");
  g_assert_cmpstr (base, ==, "$0.022");
  g_assert_cmpstr (tuned, ==, "$0.0144");
  g_assert_cmpstr (break_even, ==, expected);

  destroy_window (window);
}

/* The same prompt on both sides: a fine-tuned call costs six times a base
 * call, so fine-tuning never pays. */
static void
test_break_even_never (void)
{
  SpPricingWindow *window = new_window ();
  g_autofree char *break_even = NULL;
  g_autofree char *summary = NULL;

  sp_pricing_window_prefill (window, "davinci", 1000, 1000, 100, 1500000, 250);

  break_even = sp_pricing_window_dup_break_even_text (window);
  g_assert_cmpstr (break_even, ==, "Never");
  g_object_get (sp_pricing_window_get_chart (window), "summary", &summary, NULL);
  g_assert_nonnull (strstr (summary, "never becomes cheaper"));

  destroy_window (window);
}

/* A dated fine-tuned id picks the newest sheet that prices its base model;
 * 250 examples give OpenAI's automatic 3 epochs: 100,000 tokens × 3 at
 * $3.00 per 1M tokens. */
static void
test_prefill_fine_tuned_id (void)
{
  SpPricingWindow *window = new_window ();
  g_autofree char *training = NULL;
  g_autofree char *error = NULL;

  sp_pricing_window_prefill (window, "ft:gpt-4o-mini-2024-07-18:org::abc123",
                             1200, 30, 80, 100000, 250);

  error = sp_pricing_window_dup_error_text (window);
  g_assert_null (error);
  training = sp_pricing_window_dup_training_cost_text (window);
  g_assert_cmpstr (training, ==, "$0.90");

  destroy_window (window);
}

static void
test_chart_draws (void)
{
  SpPricingWindow *window = new_window ();
  SpCostChart *chart = sp_pricing_window_get_chart (window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *count = g_strdup_printf ("%'d", 5922);

  sp_pricing_window_prefill (window, "davinci", 1000, 20, 100, 1500000, 250);
  sp_pricing_window_set_epochs (window, 1);
  gtk_window_present (GTK_WINDOW (window));
  sp_ui_test_spin (300);

  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (chart)), >, 100);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (chart)), >, 100);
  g_assert_nonnull (strstr (sp_cost_chart_get_summary (chart), count));

  paintable = gtk_widget_paintable_new (GTK_WIDGET (chart));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (GTK_WIDGET (chart)),
                          gtk_widget_get_height (GTK_WIDGET (chart)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  /* The dark style draws too, with its own colors. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  sp_ui_test_spin (100);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);

  g_clear_object (&paintable);
  destroy_window (window);
}

static void
test_chart_without_estimate (void)
{
  SpCostChart *chart = g_object_ref_sink (sp_cost_chart_new ());
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (chart));
  gtk_window_present (GTK_WINDOW (window));
  sp_ui_test_spin (100);
  g_assert_cmpstr (sp_cost_chart_get_summary (chart), ==, "No estimate to plot.");
  gtk_window_destroy (GTK_WINDOW (window));
  sp_ui_test_spin (10);
  g_assert_finalize_object (chart);
}

int
main (int   argc,
      char *argv[])
{
  sp_ui_test_init (&argc, &argv, "starprompt-ui-pricing-XXXXXX");

  g_test_add_func ("/sp/ui/pricing/davinci-training-cost", test_davinci_training_cost);
  g_test_add_func ("/sp/ui/pricing/model-without-fine-tuning-refused", test_model_without_fine_tuning_refused);
  g_test_add_func ("/sp/ui/pricing/break-even-pays", test_break_even_pays);
  g_test_add_func ("/sp/ui/pricing/break-even-never", test_break_even_never);
  g_test_add_func ("/sp/ui/pricing/prefill-fine-tuned-id", test_prefill_fine_tuned_id);
  g_test_add_func ("/sp/ui/pricing/chart-draws", test_chart_draws);
  g_test_add_func ("/sp/ui/pricing/chart-without-estimate", test_chart_without_estimate);

  return sp_ui_test_run ();
}
