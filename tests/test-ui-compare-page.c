// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-ui-compare-page"

#include "config.h"

#include <adwaita.h>

#include "sp-compare-page.h"
#include "sp-ui-test-fixture.h"

typedef struct
{
  SpUiTestFixture  base;
  SpComparePage   *page;
  guint            n_saved;
} Fixture;

static void
saved_cb (SpComparePage *page,
          SpComparison  *comparison,
          Fixture       *fixture)
{
  g_assert_true (SP_IS_COMPARISON (comparison));
  g_assert_true (comparison == sp_compare_page_get_comparison (page));
  fixture->n_saved++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  sp_ui_test_fixture_set_up (&fixture->base, 1200, 800);
  fixture->page = g_object_new (SP_TYPE_COMPARE_PAGE, NULL);
  g_signal_connect (fixture->page, "saved", G_CALLBACK (saved_cb), fixture);
  gtk_window_set_child (fixture->base.window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->base.window);

  sp_compare_page_setup (fixture->page, fixture->base.store, fixture->base.providers, fixture->base.secrets,
                         fixture->base.settings, fixture->base.template);
  sp_ui_test_spin (20);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sp_ui_test_fixture_tear_down (&fixture->base);
}

static gboolean
page_idle (Fixture *fixture)
{
  return !sp_compare_page_get_running (fixture->page);
}

static gboolean
page_saved (Fixture *fixture)
{
  return fixture->n_saved > 0;
}

/* A = fake-ok with the full template, B = @model_b with the short prompt. */
static void
compare (Fixture    *fixture,
         const char *model_a,
         const char *model_b)
{
  sp_compare_page_set_subject (fixture->page, "a lighthouse on Europa");
  sp_compare_page_set_model (fixture->page, SP_SIDE_A, "fake", model_a);
  sp_compare_page_set_prompt_mode (fixture->page, SP_SIDE_A, SP_PAIR_MODE_FULL);
  sp_compare_page_set_model (fixture->page, SP_SIDE_B, "fake", model_b);
  sp_compare_page_set_prompt_mode (fixture->page, SP_SIDE_B, SP_PAIR_MODE_SHORT);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "compare.run", NULL));
  g_assert_true (sp_compare_page_get_running (fixture->page));
  sp_ui_test_wait_for (fixture, page_idle);
}

static guint
gallery_count (Fixture *fixture)
{
  g_autoptr(SpGallery) gallery = sp_gallery_new (fixture->base.store);
  g_autoptr(GError) error = NULL;

  g_assert_true (sp_gallery_reload_sync (gallery, &error));
  g_assert_no_error (error);
  return g_list_model_get_n_items (G_LIST_MODEL (gallery));
}

static void
test_both_sides_clean_raw_save (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *title_a = NULL;
  g_autofree char *title_b = NULL;
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;
  g_autofree char *raw_b = NULL;
  g_autofree char *usage_a = NULL;
  SpComparison *comparison;

  g_assert_false (sp_compare_page_get_can_save (fixture->page));
  compare (fixture, "fake-ok", "fake-chatter");

  comparison = sp_compare_page_get_comparison (fixture->page);
  g_assert_nonnull (comparison);
  g_assert_cmpint (sp_comparison_side_get_prompt_mode (sp_comparison_get_side (comparison, SP_SIDE_B)),
                   ==, SP_PAIR_MODE_SHORT);

  title_a = sp_compare_page_dup_pane_title (fixture->page, 0);
  title_b = sp_compare_page_dup_pane_title (fixture->page, 1);
  g_assert_cmpstr (title_a, ==, "fake-ok");
  g_assert_cmpstr (title_b, ==, "fake-chatter");

  text_a = sp_compare_page_dup_pane_text (fixture->page, 0);
  text_b = sp_compare_page_dup_pane_text (fixture->page, 1);
  g_assert_true (g_str_has_suffix (g_strstrip (text_a), "--ar 3:2"));
  g_assert_true (g_str_has_suffix (g_strstrip (text_b), "--ar 3:2"));
  g_assert_null (strstr (text_b, "Sure!"));
  g_assert_null (strstr (text_b, "Let me know"));
  g_assert_null (sp_compare_page_dup_pane_error (fixture->page, 0));
  g_assert_null (sp_compare_page_dup_pane_error (fixture->page, 1));

  /* Raw shows the untouched answer, chatter included. */
  sp_compare_page_set_raw (fixture->page, 1, TRUE);
  g_assert_false (sp_comparison_side_get_clean (sp_comparison_get_side (comparison, SP_SIDE_B)));
  raw_b = sp_compare_page_dup_pane_text (fixture->page, 1);
  g_assert_nonnull (strstr (raw_b, "Sure! Here is your prompt:"));
  g_assert_nonnull (strstr (raw_b, "Let me know"));
  sp_compare_page_set_raw (fixture->page, 1, FALSE);

  usage_a = sp_compare_page_dup_pane_usage (fixture->page, 0);
  g_assert_nonnull (strstr (usage_a, "tokens in"));

  g_assert_true (sp_compare_page_get_can_save (fixture->page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "compare.save", NULL));
  sp_ui_test_wait_for (fixture, page_saved);
  g_assert_cmpuint (fixture->n_saved, ==, 1);
  g_assert_cmpint (sp_comparison_get_id (comparison), >, 0);
  g_assert_false (sp_compare_page_get_can_save (fixture->page));
  g_assert_cmpuint (gallery_count (fixture), ==, 1);
}

typedef struct
{
  guint deltas[2];
  guint deltas_when_first_done[2];
  gboolean one_done;
} Streaming;

static void
delta_cb (SpComparisonSide *side,
          const char       *text,
          Streaming        *streaming)
{
  streaming->deltas[sp_comparison_side_get_side (side)]++;
}

static void
side_running_cb (SpComparisonSide *side,
                 GParamSpec       *pspec,
                 Streaming        *streaming)
{
  if (sp_comparison_side_get_running (side) || streaming->one_done)
    return;
  streaming->one_done = TRUE;
  streaming->deltas_when_first_done[0] = streaming->deltas[0];
  streaming->deltas_when_first_done[1] = streaming->deltas[1];
}

static void
comparison_changed_cb (SpComparePage *page,
                       GParamSpec    *pspec,
                       Streaming     *streaming)
{
  SpComparison *comparison = sp_compare_page_get_comparison (page);

  for (guint i = 0; i < 2; i++)
    {
      SpComparisonSide *side = sp_comparison_get_side (comparison, i);

      g_signal_connect (side, "delta", G_CALLBACK (delta_cb), streaming);
      g_signal_connect (side, "notify::running", G_CALLBACK (side_running_cb), streaming);
    }
}

static void
test_both_sides_stream_at_once (Fixture       *fixture,
                                gconstpointer  data)
{
  Streaming streaming = { 0 };
  gulong id;

  id = g_signal_connect (fixture->page, "notify::comparison", G_CALLBACK (comparison_changed_cb), &streaming);
  compare (fixture, "fake-slow", "fake-slow");
  g_signal_handler_disconnect (fixture->page, id);

  g_assert_true (streaming.one_done);
  g_assert_cmpuint (streaming.deltas_when_first_done[0], >, 0);
  g_assert_cmpuint (streaming.deltas_when_first_done[1], >, 0);
  g_assert_null (sp_compare_page_dup_pane_error (fixture->page, 0));
  g_assert_null (sp_compare_page_dup_pane_error (fixture->page, 1));
}

static void
test_blind_hides_models_until_vote (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *title_1 = NULL;
  g_autofree char *title_2 = NULL;
  g_autofree char *revealed_1 = NULL;
  g_autofree char *revealed_2 = NULL;
  SpComparison *comparison;
  SpComparisonSide *first;

  sp_compare_page_set_blind (fixture->page, TRUE);
  compare (fixture, "fake-ok", "fake-chatter");
  comparison = sp_compare_page_get_comparison (fixture->page);
  g_assert_true (sp_comparison_get_blind (comparison));

  title_1 = sp_compare_page_dup_pane_title (fixture->page, 0);
  title_2 = sp_compare_page_dup_pane_title (fixture->page, 1);
  g_assert_cmpstr (title_1, ==, "Side 1");
  g_assert_cmpstr (title_2, ==, "Side 2");
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *text = sp_compare_page_dup_pane_text (fixture->page, i);

      g_assert_null (strstr (text, "fake-"));
      g_assert_null (strstr (text, "Sure!"));
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *usage = sp_compare_page_dup_pane_usage (fixture->page, i);

      g_assert_nonnull (strstr (usage, "cost shown after the vote"));
    }

  sp_comparison_set_winner (comparison, SP_WINNER_A);
  first = sp_comparison_get_side_at (comparison, 0);
  revealed_1 = sp_compare_page_dup_pane_title (fixture->page, 0);
  revealed_2 = sp_compare_page_dup_pane_title (fixture->page, 1);
  g_assert_cmpstr (revealed_1, ==, sp_comparison_side_get_model (first));
  g_assert_cmpstr (revealed_2, ==,
                   sp_comparison_side_get_model (sp_comparison_get_side_at (comparison, 1)));
  g_assert_cmpstr (revealed_1, !=, revealed_2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *usage = sp_compare_page_dup_pane_usage (fixture->page, i);

      g_assert_null (strstr (usage, "after the vote"));
    }
}

static void
test_one_side_fails (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *text_a = NULL;
  g_autofree char *error_b = NULL;

  compare (fixture, "fake-ok", "fake-404");

  text_a = sp_compare_page_dup_pane_text (fixture->page, 0);
  g_assert_true (g_str_has_suffix (g_strstrip (text_a), "--ar 3:2"));
  g_assert_null (sp_compare_page_dup_pane_error (fixture->page, 0));
  error_b = sp_compare_page_dup_pane_error (fixture->page, 1);
  g_assert_nonnull (error_b);
  g_assert_cmpuint (strlen (error_b), >, 10);
  g_test_message ("side B: %s", error_b);
  g_assert_false (sp_compare_page_get_can_save (fixture->page));
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  sp_compare_page_set_subject (fixture->page, "a lighthouse on Europa");
  sp_compare_page_set_model (fixture->page, SP_SIDE_A, "fake", "fake-slow");
  sp_compare_page_set_model (fixture->page, SP_SIDE_B, "fake", "fake-slow");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "compare.run", NULL));
  sp_ui_test_spin (100);
  g_assert_true (sp_compare_page_get_running (fixture->page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "compare.stop", NULL));
  sp_ui_test_wait_for (fixture, page_idle);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *error = sp_compare_page_dup_pane_error (fixture->page, i);

      g_assert_cmpstr (error, ==, "Stopped.");
    }
  g_assert_false (sp_compare_page_get_can_save (fixture->page));
}

static void
test_needs_subject (Fixture       *fixture,
                    gconstpointer  data)
{
  sp_compare_page_set_model (fixture->page, SP_SIDE_A, "fake", "fake-ok");
  sp_compare_page_set_model (fixture->page, SP_SIDE_B, "fake", "fake-ok");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "compare.run", NULL));
  g_assert_false (sp_compare_page_get_running (fixture->page));
  g_assert_null (sp_compare_page_get_comparison (fixture->page));
}

/* What the sides and panes were set to comes back in the next session. */
static void
test_settings_kept (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GVariant) sides = NULL;
  SpComparison *comparison;
  const char *provider, *model, *mode;

  sp_compare_page_set_model (fixture->page, SP_SIDE_A, "fake", "fake-chatter");
  sp_compare_page_set_model (fixture->page, SP_SIDE_B, "fake", "fake-ok");
  sp_compare_page_set_prompt_mode (fixture->page, SP_SIDE_A, SP_PAIR_MODE_SHORT);
  sp_compare_page_set_prompt_mode (fixture->page, SP_SIDE_B, SP_PAIR_MODE_FULL);
  sp_compare_page_set_blind (fixture->page, TRUE);

  sides = g_settings_get_value (fixture->base.settings, "compare-sides");
  g_assert_cmpuint (g_variant_n_children (sides), ==, 2);
  g_variant_get_child (sides, 0, "(&s&s&s)", &provider, &model, &mode);
  g_assert_cmpstr (provider, ==, "fake");
  g_assert_cmpstr (model, ==, "fake-chatter");
  g_assert_cmpstr (mode, ==, "short");
  g_variant_get_child (sides, 1, "(&s&s&s)", &provider, &model, &mode);
  g_assert_cmpstr (model, ==, "fake-ok");
  g_assert_cmpstr (mode, ==, "full");
  g_assert_true (g_settings_get_boolean (fixture->base.settings, "compare-blind"));
  /* Written, not held back: the other pages share this settings object. */
  g_assert_false (g_settings_get_has_unapplied (fixture->base.settings));

  /* A new page on the same settings, as after a restart. */
  g_settings_set_value (fixture->base.settings, "compare-render",
                        g_variant_new_parsed ("[('automatic1111', 'http://127.0.0.1:7860'), ('openai-images', '')]"));
  fixture->page = g_object_new (SP_TYPE_COMPARE_PAGE, NULL);
  g_signal_connect (fixture->page, "saved", G_CALLBACK (saved_cb), fixture);
  gtk_window_set_child (fixture->base.window, GTK_WIDGET (fixture->page));
  sp_compare_page_setup (fixture->page, fixture->base.store, fixture->base.providers, fixture->base.secrets,
                         fixture->base.settings, fixture->base.template);
  sp_ui_test_spin (20);
  g_assert_true (sp_compare_page_get_blind (fixture->page));
  /* The render panes took their backends and addresses: a change written
   * now writes them back as they were. */
  sp_compare_page_set_blind (fixture->page, FALSE);
  sp_compare_page_set_blind (fixture->page, TRUE);
  {
    g_autoptr(GVariant) renders = g_settings_get_value (fixture->base.settings, "compare-render");
    g_autofree char *text = g_variant_print (renders, FALSE);

    g_assert_cmpstr (text, ==, "[('automatic1111', 'http://127.0.0.1:7860'), ('openai-images', '')]");
  }

  sp_compare_page_set_subject (fixture->page, "a lighthouse on Europa");
  sp_compare_page_compare (fixture->page);
  sp_ui_test_wait_for (fixture, page_idle);
  comparison = sp_compare_page_get_comparison (fixture->page);
  g_assert_nonnull (comparison);
  g_assert_true (sp_comparison_get_blind (comparison));
  g_assert_cmpstr (sp_comparison_side_get_provider_id (sp_comparison_get_side (comparison, SP_SIDE_A)), ==, "fake");
  g_assert_cmpstr (sp_comparison_side_get_model (sp_comparison_get_side (comparison, SP_SIDE_A)), ==, "fake-chatter");
  g_assert_cmpint (sp_comparison_side_get_prompt_mode (sp_comparison_get_side (comparison, SP_SIDE_A)),
                   ==, SP_PAIR_MODE_SHORT);
  g_assert_cmpstr (sp_comparison_side_get_model (sp_comparison_get_side (comparison, SP_SIDE_B)), ==, "fake-ok");
  g_assert_cmpint (sp_comparison_side_get_prompt_mode (sp_comparison_get_side (comparison, SP_SIDE_B)),
                   ==, SP_PAIR_MODE_FULL);
}

/* The library opens after the window: Save waits for it. */
static void
test_store_arrives_later (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SpStore) store = g_object_ref (fixture->base.store);

  g_object_set (fixture->page, "store", NULL, NULL);
  compare (fixture, "fake-ok", "fake-ok");
  g_assert_false (sp_compare_page_get_can_save (fixture->page));
  g_object_set (fixture->page, "store", store, NULL);
  g_assert_true (sp_compare_page_get_can_save (fixture->page));
}

int
main (int   argc,
      char *argv[])
{
  sp_ui_test_init (&argc, &argv, "starprompt-compare-XXXXXX");

#define ADD(path, func) \
  g_test_add ("/sp/ui/compare-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("clean-raw-save", test_both_sides_clean_raw_save);
  ADD ("both-sides-stream-at-once", test_both_sides_stream_at_once);
  ADD ("blind-hides-models-until-vote", test_blind_hides_models_until_vote);
  ADD ("one-side-fails", test_one_side_fails);
  ADD ("stop", test_stop);
  ADD ("needs-subject", test_needs_subject);
  ADD ("store-arrives-later", test_store_arrives_later);
  ADD ("settings-kept", test_settings_kept);
#undef ADD

  return sp_ui_test_run ();
}
