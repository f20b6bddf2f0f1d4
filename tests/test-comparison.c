// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-comparison"

#include "config.h"

#include "sp-comparison.h"
#include "sp-error.h"
#include "sp-fake-server.h"
#include "sp-test-util.h"

typedef struct
{
  SpFakeServer *server;
  SpProvider   *provider;
  SpClient     *client;
  SpTemplate   *template;
  SpPriceSheet *sheet;
} Fixture;

/* One pico-dollar a token in, two out. */
#define PRICE_IN  ((SpMoney) 1000000)
#define PRICE_OUT ((SpMoney) 2000000)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SpModelPrice price = { PRICE_IN, PRICE_OUT, SP_MONEY_UNKNOWN, SP_MONEY_UNKNOWN, SP_MONEY_UNKNOWN, 0 };

  fixture->server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  fixture->provider = sp_provider_new ("fake", "Fake", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                                       sp_fake_server_get_base_url (fixture->server));
  fixture->client = sp_client_new (fixture->provider, NULL, &error);
  g_assert_no_error (error);
  fixture->template = sp_template_new_builtin ();
  fixture->sheet = sp_price_sheet_new ("test", "Test", "2024-01-01", "tests", "USD");
  sp_price_sheet_set_model_price (fixture->sheet, "fake-ok", &price);
  sp_price_sheet_set_model_price (fixture->sheet, "fake-chatter", &price);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->sheet);
  g_clear_object (&fixture->template);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->server);
}

static void
delta_cb (SpComparisonSide *side,
          const char       *delta,
          GString          *order)
{
  g_assert_nonnull (delta);
  g_string_append_c (order, sp_comparison_side_get_side (side) == SP_SIDE_A ? 'a' : 'b');
}

static SpComparison *
make_comparison (Fixture *fixture)
{
  SpComparison *comparison = sp_comparison_new ();
  SpComparisonSide *a = sp_comparison_get_side (comparison, SP_SIDE_A);
  SpComparisonSide *b = sp_comparison_get_side (comparison, SP_SIDE_B);

  sp_comparison_set_subject (comparison, "AI");
  sp_comparison_set_story (comparison, "A lonely astronaut drifts between galaxies, "
                                       "talking to the ship's artificial intelligence.");
  sp_comparison_set_price_sheet (comparison, fixture->sheet);
  sp_comparison_side_set_model (a, "fake-ok");
  sp_comparison_side_set_prompt_mode (a, SP_PAIR_MODE_FULL);
  sp_comparison_side_set_model (b, "fake-chatter");
  sp_comparison_side_set_prompt_mode (b, SP_PAIR_MODE_SHORT);
  return comparison;
}

static void
test_run_both_sides (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SpComparison) comparison = make_comparison (fixture);
  SpComparisonSide *a = sp_comparison_get_side (comparison, SP_SIDE_A);
  SpComparisonSide *b = sp_comparison_get_side (comparison, SP_SIDE_B);
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *first_b;
  const char *last_a;

  g_signal_connect (a, "delta", G_CALLBACK (delta_cb), order);
  g_signal_connect (b, "delta", G_CALLBACK (delta_cb), order);

  sp_comparison_run_async (comparison, fixture->client, fixture->client, fixture->template,
                           NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_comparison_get_running (comparison));
  g_assert_true (sp_comparison_side_get_running (a));
  g_assert_true (sp_comparison_side_get_running (b));
  g_assert_true (sp_comparison_run_finish (comparison, sp_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_false (sp_comparison_get_running (comparison));
  g_assert_false (sp_comparison_side_get_running (a));

  /* Both streamed at once: B's first piece came before A's last. */
  first_b = strchr (order->str, 'b');
  last_a = strrchr (order->str, 'a');
  g_assert_nonnull (first_b);
  g_assert_nonnull (last_a);
  g_assert_cmpint (first_b - order->str, <, last_a - order->str);
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/chat/completions"), ==, 2);

  /* Different answers; the chatter is cleaned, the raw text kept. */
  g_assert_true (g_str_has_suffix (sp_comparison_side_get_raw_text (a), "--ar 3:2"));
  g_assert_cmpstr (sp_comparison_side_get_cleaned_text (a), ==, sp_comparison_side_get_raw_text (a));
  g_assert_true (g_str_has_prefix (sp_comparison_side_get_raw_text (b), "Sure! Here is your prompt:"));
  g_assert_true (strstr (sp_comparison_side_get_raw_text (b), "Let me know") != NULL);
  g_assert_false (g_str_has_prefix (sp_comparison_side_get_cleaned_text (b), "Sure"));
  g_assert_true (g_str_has_suffix (sp_comparison_side_get_cleaned_text (b), "--ar 3:2"));
  g_assert_true (sp_comparison_side_get_clean (b));
  g_assert_cmpstr (sp_comparison_side_get_text (b), ==, sp_comparison_side_get_cleaned_text (b));
  sp_comparison_side_set_clean (b, FALSE);
  g_assert_cmpstr (sp_comparison_side_get_text (b), ==, sp_comparison_side_get_raw_text (b));

  /* Cost per side from its usage and the sheet. */
  for (guint i = 0; i < 2; i++)
    {
      SpComparisonSide *side = sp_comparison_get_side (comparison, i);
      gint64 in = sp_comparison_side_get_prompt_tokens (side);
      gint64 out = sp_comparison_side_get_completion_tokens (side);

      g_assert_cmpint (in, >, 0);
      g_assert_cmpint (out, >, 0);
      g_assert_cmpint (sp_comparison_side_get_cost (side), ==, in * PRICE_IN + out * PRICE_OUT);
    }
  /* The short prompt is shorter than the few-shot one. */
  g_assert_cmpint (sp_comparison_side_get_prompt_tokens (b), <, sp_comparison_side_get_prompt_tokens (a));
}

static void
test_side_fails (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SpComparison) comparison = make_comparison (fixture);
  SpComparisonSide *a = sp_comparison_get_side (comparison, SP_SIDE_A);
  SpComparisonSide *b = sp_comparison_get_side (comparison, SP_SIDE_B);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sp_comparison_side_set_model (b, "fake-404");
  sp_comparison_run_async (comparison, fixture->client, fixture->client, fixture->template,
                           NULL, sp_test_store_result_cb, &result);
  g_assert_false (sp_comparison_run_finish (comparison, sp_test_wait_for (&result), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  /* The other side keeps its answer. */
  g_assert_null (sp_comparison_side_get_error (a));
  g_assert_true (g_str_has_suffix (sp_comparison_side_get_cleaned_text (a), "--ar 3:2"));
  g_assert_nonnull (sp_comparison_side_get_error (b));
}

static void
test_needs_models (void)
{
  g_autoptr(SpComparison) comparison = sp_comparison_new ();
  g_autoptr(SpProvider) provider = sp_provider_new_offline ();
  g_autoptr(SpClient) client = sp_client_new (provider, NULL, NULL);
  g_autoptr(SpTemplate) template = sp_template_new_builtin ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sp_comparison_set_subject (comparison, "AI");
  sp_comparison_run_async (comparison, client, client, template, NULL, sp_test_store_result_cb, &result);
  g_assert_false (sp_comparison_run_finish (comparison, sp_test_wait_for (&result), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
}

static void
test_clean_default (void)
{
  g_autoptr(SpComparison) comparison = sp_comparison_new ();
  SpComparisonSide *a = sp_comparison_get_side (comparison, SP_SIDE_A);

  sp_comparison_side_set_model (a, "gpt-4o-mini");
  g_assert_true (sp_comparison_side_get_clean (a));
  sp_comparison_side_set_model (a, "davinci-002");
  g_assert_false (sp_comparison_side_get_clean (a));
  sp_comparison_side_set_clean (a, TRUE);
  sp_comparison_side_set_model (a, "babbage-002");
  g_assert_true (sp_comparison_side_get_clean (a));

  sp_comparison_side_set_raw_text (a, "Sure! Here is your prompt:\n\na red planet --ar 3:2\n\nEnjoy!");
  g_assert_cmpstr (sp_comparison_side_get_cleaned_text (a), ==, "a red planet --ar 3:2");
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static void
test_blind (void)
{
  gboolean seen_swapped = FALSE;
  gboolean seen_straight = FALSE;

  for (guint64 seed = 1; seed <= 32; seed++)
    {
      g_autoptr(SpComparison) comparison = sp_comparison_new ();
      g_autoptr(SpComparison) again = sp_comparison_new ();
      SpComparisonSide *a = sp_comparison_get_side (comparison, SP_SIDE_A);
      SpComparisonSide *b = sp_comparison_get_side (comparison, SP_SIDE_B);
      SpComparisonSide *first;
      guint label_notifies = 0;
      gboolean swapped;

      sp_comparison_side_set_model (a, "ft:davinci-002:me::abc");
      sp_comparison_side_set_model (b, "gpt-4o-mini");
      g_assert_true (sp_comparison_get_revealed (comparison));
      g_assert_cmpstr (sp_comparison_get_label_at (comparison, 0), ==, "ft:davinci-002:me::abc");

      sp_comparison_set_blind_seed (comparison, seed);
      sp_comparison_set_blind (comparison, TRUE);
      g_assert_cmpuint (sp_comparison_get_blind_seed (comparison), ==, seed);
      g_assert_false (sp_comparison_get_revealed (comparison));
      swapped = sp_comparison_get_swapped (comparison);
      seen_swapped |= swapped;
      seen_straight |= !swapped;

      /* The same seed shuffles the same way. */
      sp_comparison_set_blind_seed (again, seed);
      sp_comparison_set_blind (again, TRUE);
      g_assert_cmpint (sp_comparison_get_swapped (again), ==, swapped);

      first = sp_comparison_get_side_at (comparison, 0);
      g_assert_true (first == (swapped ? b : a));
      g_assert_true (sp_comparison_get_side_at (comparison, 1) == (swapped ? a : b));

      /* Model names hidden until the vote. */
      g_assert_cmpstr (sp_comparison_get_label_at (comparison, 0), ==, "Side 1");
      g_assert_cmpstr (sp_comparison_get_label_at (comparison, 1), ==, "Side 2");
      g_assert_cmpstr (sp_comparison_side_get_label (first), ==, "Side 1");

      g_signal_connect (first, "notify::label", G_CALLBACK (count_cb), &label_notifies);
      /* The person votes for what they see first. */
      sp_comparison_set_winner (comparison, sp_comparison_winner_for_position (comparison, 0));
      g_assert_cmpint (sp_comparison_get_winner (comparison), ==, swapped ? SP_WINNER_B : SP_WINNER_A);
      g_assert_true (sp_comparison_get_voted (comparison));
      g_assert_true (sp_comparison_get_revealed (comparison));
      g_assert_cmpuint (label_notifies, ==, 1);
      g_assert_cmpstr (sp_comparison_get_label_at (comparison, 0), ==, sp_comparison_side_get_model (first));
      /* The order stays after the vote. */
      g_assert_true (sp_comparison_get_side_at (comparison, 0) == first);
    }
  g_assert_true (seen_swapped);
  g_assert_true (seen_straight);
}

static void
test_blind_random_seed (void)
{
  g_autoptr(SpComparison) comparison = sp_comparison_new ();

  sp_comparison_set_blind (comparison, TRUE);
  g_assert_cmpuint (sp_comparison_get_blind_seed (comparison), !=, 0);
  sp_comparison_set_blind (comparison, FALSE);
  g_assert_false (sp_comparison_get_swapped (comparison));
  g_assert_true (sp_comparison_get_side_at (comparison, 0) == sp_comparison_get_side (comparison, SP_SIDE_A));
}

static void
test_enums (void)
{
  SpWinner winner;
  SpSide side;

  for (guint i = SP_WINNER_NONE; i <= SP_WINNER_BOTH_BAD; i++)
    {
      g_assert_true (sp_winner_from_string (sp_winner_to_string (i), &winner));
      g_assert_cmpint (winner, ==, i);
    }
  g_assert_false (sp_winner_from_string ("nobody", &winner));
  g_assert_true (sp_side_from_string ("b", &side));
  g_assert_cmpint (side, ==, SP_SIDE_B);
  g_assert_false (sp_side_from_string ("c", &side));
}

static void
test_finalize (Fixture       *fixture,
               gconstpointer  data)
{
  SpComparison *comparison = make_comparison (fixture);
  GAsyncResult *result = NULL;

  sp_comparison_run_async (comparison, fixture->client, fixture->client, fixture->template,
                           NULL, sp_test_store_result_cb, &result);
  g_assert_true (sp_comparison_run_finish (comparison, sp_test_wait_for (&result), NULL));
  g_object_unref (result);
  g_assert_finalize_object (comparison);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sp/comparison/run-both-sides", Fixture, NULL,
              fixture_set_up, test_run_both_sides, fixture_tear_down);
  g_test_add ("/sp/comparison/side-fails", Fixture, NULL,
              fixture_set_up, test_side_fails, fixture_tear_down);
  g_test_add ("/sp/comparison/finalize", Fixture, NULL,
              fixture_set_up, test_finalize, fixture_tear_down);
  g_test_add_func ("/sp/comparison/needs-models", test_needs_models);
  g_test_add_func ("/sp/comparison/clean-default", test_clean_default);
  g_test_add_func ("/sp/comparison/blind", test_blind);
  g_test_add_func ("/sp/comparison/blind-random-seed", test_blind_random_seed);
  g_test_add_func ("/sp/comparison/enums", test_enums);

  return g_test_run ();
}
