// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-price-sheet"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-error.h"
#include "sp-price-sheet.h"

/* A price sheet file from the user. Invariants: a sheet that does not load
 * is an SP_ERROR_BAD_FILE error; one that loads saves to JSON that loads
 * into the same JSON and the same prices; every model it lists is found
 * under its own id, with prices that are unknown or not negative and a
 * discount of at most 100 %; amounts and costs format as valid UTF-8;
 * nothing leaks. */

static void
assert_price_ok (SpMoney price)
{
  g_assert_true (price == SP_MONEY_UNKNOWN || price >= 0);
}

static void
check_money (SpPriceSheet *sheet,
             SpMoney       amount)
{
  g_autofree char *formatted = NULL;
  g_autofree char *unit = NULL;

  if (amount == SP_MONEY_UNKNOWN)
    return;
  formatted = sp_price_sheet_format_amount (sheet, amount, 6);
  unit = sp_price_sheet_format_unit_price (sheet, amount);
  g_assert_true (g_utf8_validate (formatted, -1, NULL));
  g_assert_true (g_utf8_validate (unit, -1, NULL));
}

static void
check_models (SpPriceSheet *sheet,
              SpPriceSheet *again)
{
  g_auto(GStrv) ids = sp_price_sheet_dup_model_ids (sheet);
  g_auto(GStrv) ids_again = sp_price_sheet_dup_model_ids (again);
  guint i;

  g_assert_cmpstrv (ids, ids_again);
  for (i = 0; ids[i] != NULL; i++)
    {
      SpModelPrice price, price_again;
      g_autofree char *base_id = NULL;
      g_autoptr(GError) error = NULL;
      gboolean is_fine_tuned = TRUE;
      SpMoney cost = 0;

      g_assert_true (sp_price_sheet_lookup (sheet, ids[i], &price, &base_id, &is_fine_tuned));
      g_assert_true (sp_price_sheet_lookup (again, ids[i], &price_again, NULL, NULL));
      g_assert_cmpstr (base_id, ==, ids[i]);
      g_assert_false (is_fine_tuned);
      g_assert_cmpint (price.input, ==, price_again.input);
      g_assert_cmpint (price.output, ==, price_again.output);
      g_assert_cmpint (price.training, ==, price_again.training);
      g_assert_cmpint (price.fine_tuned_input, ==, price_again.fine_tuned_input);
      g_assert_cmpint (price.fine_tuned_output, ==, price_again.fine_tuned_output);
      g_assert_cmpuint (price.batch_discount_percent, ==, price_again.batch_discount_percent);

      assert_price_ok (price.input);
      assert_price_ok (price.output);
      assert_price_ok (price.training);
      assert_price_ok (price.fine_tuned_input);
      assert_price_ok (price.fine_tuned_output);
      g_assert_cmpuint (price.batch_discount_percent, <=, 100);
      check_money (sheet, price.input);
      check_money (sheet, price.training);

      if (sp_price_sheet_cost_of_usage (sheet, ids[i], 1500000, 1000, &cost, &error))
        g_assert_cmpint (cost, >=, 0);
      else
        g_assert_nonnull (error);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SpPriceSheet) sheet = NULL;
  g_autoptr(SpPriceSheet) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  fuzz_init ();

  sheet = sp_price_sheet_new_from_data ((const char *) data, size, "fuzz.json", &error);
  if (sheet == NULL)
    {
      g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_nonnull (sp_price_sheet_get_id (sheet));
  g_assert_true (sp_price_sheet_get_per_tokens (sheet) == 1000 ||
                 sp_price_sheet_get_per_tokens (sheet) == 1000000);

  saved = sp_price_sheet_to_data (sheet);
  again = sp_price_sheet_new_from_data (saved, -1, "saved.json", &error);
  g_assert_no_error (error);
  saved_again = sp_price_sheet_to_data (again);
  g_assert_cmpstr (saved, ==, saved_again);

  check_models (sheet, again);

  g_assert_finalize_object (g_steal_pointer (&again));
  g_assert_finalize_object (g_steal_pointer (&sheet));
  return 0;
}
