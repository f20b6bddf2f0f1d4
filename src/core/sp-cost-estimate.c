// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-cost-estimate"

#include "config.h"

#include "sp-cost-estimate.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sp-error.h"

/* The constants of OpenAI's cookbook "Data preparation and analysis for
 * chat model fine-tuning" (Chat_finetuning_data_prep.ipynb). */
#define MIN_TARGET_EXAMPLES 100
#define MAX_TARGET_EXAMPLES 25000
#define MIN_DEFAULT_EPOCHS  1
#define MAX_DEFAULT_EPOCHS  25

static SpMoney
money_multiply (guint64 a,
                guint64 b)
{
  guint64 product;

  if (!g_uint64_checked_mul (&product, a, b) || product > (guint64) G_MAXINT64)
    return SP_MONEY_OVERFLOW;
  return (SpMoney) product;
}

static SpMoney
money_add (SpMoney a,
           SpMoney b)
{
  if (a == SP_MONEY_OVERFLOW || b == SP_MONEY_OVERFLOW || a > G_MAXINT64 - b)
    return SP_MONEY_OVERFLOW;
  return a + b;
}

static guint64
power_of_ten (guint exponent)
{
  guint64 value = 1;

  while (exponent-- > 0)
    value *= 10;
  return value;
}

gboolean
sp_model_price_can_fine_tune (const SpModelPrice *price)
{
  g_return_val_if_fail (price != NULL, FALSE);

  return price->training >= 0 &&
         price->fine_tuned_input >= 0 &&
         price->fine_tuned_output >= 0;
}

guint
sp_cost_auto_epochs (guint64 n_examples)
{
  if (n_examples == 0)
    return SP_COST_TARGET_EPOCHS;

  /* n × 3 < 100 and n × 3 > 25000, written so that n × 3 cannot wrap. */
  if (n_examples < (MIN_TARGET_EXAMPLES + SP_COST_TARGET_EPOCHS - 1) / SP_COST_TARGET_EPOCHS)
    return MIN (MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES / n_examples);
  if (n_examples > MAX_TARGET_EXAMPLES / SP_COST_TARGET_EPOCHS)
    return MAX (MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES / n_examples);
  return SP_COST_TARGET_EPOCHS;
}

SpMoney
sp_cost_of_tokens (guint64 tokens,
                   SpMoney price)
{
  if (price < 0)
    return SP_MONEY_UNKNOWN;
  return money_multiply (tokens, (guint64) price);
}

SpMoney
sp_cost_of_training (guint64 training_tokens,
                     guint   epochs,
                     SpMoney training_price)
{
  guint64 billed;

  if (training_price < 0)
    return SP_MONEY_UNKNOWN;
  if (!g_uint64_checked_mul (&billed, training_tokens, epochs))
    return SP_MONEY_OVERFLOW;
  return sp_cost_of_tokens (billed, training_price);
}

SpMoney
sp_cost_of_call (guint64 prompt_tokens,
                 guint64 completion_tokens,
                 SpMoney input_price,
                 SpMoney output_price)
{
  if (input_price < 0 || output_price < 0)
    return SP_MONEY_UNKNOWN;
  return money_add (sp_cost_of_tokens (prompt_tokens, input_price),
                    sp_cost_of_tokens (completion_tokens, output_price));
}

SpMoney
sp_cost_apply_discount (SpMoney amount,
                        guint   percent)
{
  SpMoney kept;

  if (amount < 0 || amount == SP_MONEY_OVERFLOW)
    return amount;
  if (percent >= 100)
    return 0;

  /* amount × (100 − percent) / 100, rounded half up, without overflow. */
  kept = (amount / 100) * (100 - percent);
  kept += ((amount % 100) * (100 - percent) + 50) / 100;
  return kept;
}

SpMoney
sp_cost_cumulative (SpMoney fixed,
                    SpMoney per_call,
                    guint64 calls)
{
  if (fixed < 0 || per_call < 0)
    return SP_MONEY_UNKNOWN;
  return money_add (fixed, money_multiply (calls, (guint64) per_call));
}

gint64
sp_cost_break_even (SpMoney training,
                    SpMoney base_per_call,
                    SpMoney tuned_per_call)
{
  SpMoney saving;

  g_return_val_if_fail (training >= 0, SP_COST_NEVER);
  g_return_val_if_fail (base_per_call >= 0, SP_COST_NEVER);
  g_return_val_if_fail (tuned_per_call >= 0, SP_COST_NEVER);

  if (training == SP_MONEY_OVERFLOW || base_per_call <= tuned_per_call)
    return SP_COST_NEVER;

  /* training + n × tuned < n × base  ⇔  n × saving > training. */
  saving = base_per_call - tuned_per_call;
  return training / saving + 1;
}

char *
sp_money_format (SpMoney amount,
                 guint   min_decimals,
                 guint   max_decimals)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 magnitude;
  guint64 scale;
  guint64 quantum;
  guint64 one;
  gsize trim_to;

  g_return_val_if_fail (max_decimals <= 12, NULL);
  g_return_val_if_fail (min_decimals <= max_decimals, NULL);

  if (amount < 0)
    g_string_append_c (text, '-');
  magnitude = amount < 0 ? (guint64) -(amount + 1) + 1 : (guint64) amount;

  scale = power_of_ten (12 - max_decimals);
  quantum = magnitude / scale;
  if ((magnitude % scale) * 2 >= scale)
    quantum++;

  one = power_of_ten (max_decimals);
  g_string_append_printf (text, "%" G_GUINT64_FORMAT, quantum / one);
  if (max_decimals == 0)
    return g_string_free (g_steal_pointer (&text), FALSE);

  g_string_append_printf (text, ".%0*" G_GUINT64_FORMAT, (int) max_decimals, quantum % one);
  trim_to = text->len - (max_decimals - min_decimals);
  while (text->len > trim_to && text->str[text->len - 1] == '0')
    g_string_truncate (text, text->len - 1);
  if (text->str[text->len - 1] == '.')
    g_string_truncate (text, text->len - 1);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

double
sp_money_to_double (SpMoney amount)
{
  /* Whole units and the remainder apart, so that the common amounts (cents,
   * tenths of a cent) come out as the double closest to their decimal. */
  return (double) (amount / SP_MONEY_PER_UNIT) +
         (double) (amount % SP_MONEY_PER_UNIT) / (double) SP_MONEY_PER_UNIT;
}

static gboolean
check_not_overflow (SpMoney   amount,
                    GError  **error)
{
  if (amount != SP_MONEY_OVERFLOW)
    return TRUE;

  g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("These numbers are too large to add up. Use fewer tokens, epochs or calls."));
  return FALSE;
}

gboolean
sp_cost_estimate_compute (const SpModelPrice *base_price,
                          const SpModelPrice *tuned_price,
                          const SpCostInput  *input,
                          SpCostEstimate     *estimate,
                          GError            **error)
{
  SpCostEstimate out = { 0 };
  guint base_discount;
  guint tuned_discount;

  g_return_val_if_fail (base_price != NULL, FALSE);
  g_return_val_if_fail (tuned_price != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (estimate != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (base_price->input < 0 || base_price->output < 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The base model has no usage price. Set its input and output prices first."));
      return FALSE;
    }
  if (!sp_model_price_can_fine_tune (tuned_price))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("This model has no fine-tuning prices on the price sheet. Pick a model that can be fine-tuned, or set its training and fine-tuned prices."));
      return FALSE;
    }

  out.epochs_auto = input->epochs == 0;
  out.epochs = out.epochs_auto ? sp_cost_auto_epochs (input->n_examples) : input->epochs;
  if (!g_uint64_checked_mul (&out.billed_training_tokens, input->training_tokens, out.epochs))
    return check_not_overflow (SP_MONEY_OVERFLOW, error);
  out.training = sp_cost_of_tokens (out.billed_training_tokens, tuned_price->training);

  base_discount = input->batch ? base_price->batch_discount_percent : 0;
  tuned_discount = input->batch ? tuned_price->batch_discount_percent : 0;
  out.base_per_call = sp_cost_apply_discount (sp_cost_of_call (input->base_prompt_tokens,
                                                               input->base_completion_tokens,
                                                               base_price->input,
                                                               base_price->output),
                                              base_discount);
  out.tuned_per_call = sp_cost_apply_discount (sp_cost_of_call (input->tuned_prompt_tokens,
                                                                input->tuned_completion_tokens,
                                                                tuned_price->fine_tuned_input,
                                                                tuned_price->fine_tuned_output),
                                               tuned_discount);
  out.calls = input->calls;
  out.base_total = sp_cost_cumulative (0, out.base_per_call, input->calls);
  out.tuned_total = sp_cost_cumulative (out.training, out.tuned_per_call, input->calls);

  if (!check_not_overflow (out.training, error) ||
      !check_not_overflow (out.base_per_call, error) ||
      !check_not_overflow (out.tuned_per_call, error) ||
      !check_not_overflow (out.base_total, error) ||
      !check_not_overflow (out.tuned_total, error))
    return FALSE;

  out.break_even_calls = sp_cost_break_even (out.training, out.base_per_call, out.tuned_per_call);
  *estimate = out;
  return TRUE;
}

guint64
sp_cost_estimate_get_plot_range (const SpCostEstimate *estimate)
{
  guint64 range;

  g_return_val_if_fail (estimate != NULL, 10);

  range = estimate->calls;
  if (estimate->break_even_calls != SP_COST_NEVER &&
      estimate->break_even_calls <= G_MAXINT64 / 2)
    range = MAX (range, (guint64) estimate->break_even_calls * 2);
  return MAX (range, 10);
}

GArray *
sp_cost_estimate_plot (const SpCostEstimate *estimate,
                       guint64               max_calls,
                       guint                 n_points)
{
  GArray *points;
  double training;
  double base_per_call;
  double tuned_per_call;

  g_return_val_if_fail (estimate != NULL, NULL);
  g_return_val_if_fail (n_points >= 2, NULL);

  training = sp_money_to_double (estimate->training);
  base_per_call = sp_money_to_double (estimate->base_per_call);
  tuned_per_call = sp_money_to_double (estimate->tuned_per_call);

  points = g_array_sized_new (FALSE, FALSE, sizeof (SpCostPoint), n_points);
  for (guint i = 0; i < n_points; i++)
    {
      SpCostPoint point;

      /* Whole calls: a fraction of a call has no cost. */
      point.calls = floor ((double) max_calls * i / (n_points - 1) + 0.5);
      point.base = point.calls * base_per_call;
      point.tuned = training + point.calls * tuned_per_call;
      g_array_append_val (points, point);
    }
  return points;
}

char *
sp_money_format_currency (SpMoney     amount,
                          const char *currency,
                          guint       max_decimals)
{
  g_autofree char *number = sp_money_format (amount, 2, max_decimals);

  if (currency == NULL || g_str_equal (currency, "USD"))
    return g_strdup_printf ("$%s", number);
  return g_strdup_printf ("%s %s", number, currency);
}
