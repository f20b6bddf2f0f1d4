// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Money is counted in pico-units of the sheet's currency (10⁻¹² USD), so
 * that a price per million tokens with six decimals is a whole number per
 * token and tokens × price is exact: $45.00 is exactly 45000000000000.
 * Functions that add or multiply saturate at G_MAXINT64 instead of
 * wrapping around; SP_MONEY_OVERFLOW tells such a result apart. */
typedef gint64 SpMoney;

#define SP_MONEY_PER_UNIT  G_GINT64_CONSTANT (1000000000000)
#define SP_MONEY_UNKNOWN   ((SpMoney) -1)
#define SP_MONEY_OVERFLOW  G_MAXINT64

/* The prices of one model on a price sheet, each per token. A price the
 * sheet does not give (a model that cannot be fine-tuned) is
 * SP_MONEY_UNKNOWN. */
typedef struct
{
  SpMoney input;
  SpMoney output;
  SpMoney training;
  SpMoney fine_tuned_input;
  SpMoney fine_tuned_output;
  guint   batch_discount_percent;   /* 50 = the Batch API costs half */
} SpModelPrice;

/* Whether the model can be fine-tuned at known prices. */
gboolean sp_model_price_can_fine_tune (const SpModelPrice *price);

/* OpenAI's automatic number of epochs for @n_examples training examples
 * (the rule of the fine-tuning data-preparation cookbook): 3 epochs, raised
 * so that at least 100 examples are seen (at most 25 epochs) and lowered so
 * that at most 25000 are seen (at least 1 epoch). 0 examples gives 3. */
#define SP_COST_TARGET_EPOCHS 3
guint    sp_cost_auto_epochs      (guint64  n_examples);

SpMoney  sp_cost_of_tokens        (guint64  tokens,
                                   SpMoney  price);
SpMoney  sp_cost_of_training      (guint64  training_tokens,
                                   guint    epochs,
                                   SpMoney  training_price);
SpMoney  sp_cost_of_call          (guint64  prompt_tokens,
                                   guint64  completion_tokens,
                                   SpMoney  input_price,
                                   SpMoney  output_price);
/* @amount less @percent per cent, rounded to the nearest pico-unit. */
SpMoney  sp_cost_apply_discount   (SpMoney  amount,
                                   guint    percent);
/* @fixed + @calls × @per_call. */
SpMoney  sp_cost_cumulative       (SpMoney  fixed,
                                   SpMoney  per_call,
                                   guint64  calls);

/* The smallest number of calls after which @training plus the calls at
 * @tuned_per_call cost strictly less than the calls at @base_per_call, or
 * SP_COST_NEVER when a fine-tuned call is not cheaper than a base call. */
#define SP_COST_NEVER ((gint64) -1)
gint64   sp_cost_break_even       (SpMoney  training,
                                   SpMoney  base_per_call,
                                   SpMoney  tuned_per_call);

/* "45.00", "0.0252": rounded half up to @max_decimals, trailing zeros
 * dropped down to @min_decimals (both at most 12). */
char    *sp_money_format          (SpMoney  amount,
                                   guint    min_decimals,
                                   guint    max_decimals);
double   sp_money_to_double       (SpMoney  amount);
/* "$45.00" for USD (or a NULL currency), "45.00 EUR" otherwise. */
char    *sp_money_format_currency (SpMoney     amount,
                                   const char *currency,
                                   guint       max_decimals);

/* What the pricing calculator asks. The base option calls a base model
 * with the full few-shot prompt; the fine-tuned option calls the
 * fine-tuned model with the short prompt. */
typedef struct
{
  guint64  training_tokens;          /* tokens of the training file, one epoch */
  guint    epochs;                   /* 0: OpenAI's automatic rule */
  guint64  n_examples;               /* for the automatic rule; 0 if unknown */
  guint64  base_prompt_tokens;
  guint64  base_completion_tokens;
  guint64  tuned_prompt_tokens;
  guint64  tuned_completion_tokens;
  guint64  calls;                    /* for the cumulative figures */
  gboolean batch;                    /* calls through the Batch API */
} SpCostInput;

typedef struct
{
  guint    epochs;
  gboolean epochs_auto;
  guint64  billed_training_tokens;   /* training tokens × epochs */
  SpMoney  training;
  SpMoney  base_per_call;
  SpMoney  tuned_per_call;
  guint64  calls;
  SpMoney  base_total;               /* after @calls calls */
  SpMoney  tuned_total;              /* after @calls calls, training included */
  gint64   break_even_calls;         /* SP_COST_NEVER when it never pays */
} SpCostEstimate;

/* Fills @estimate from the usage prices of @base_price and the training
 * and fine-tuned prices of @tuned_price (often the same model). Fails with
 * SP_ERROR_INVALID_INPUT when @tuned_price cannot be fine-tuned or the
 * figures are too large to add up. */
gboolean sp_cost_estimate_compute (const SpModelPrice *base_price,
                                   const SpModelPrice *tuned_price,
                                   const SpCostInput  *input,
                                   SpCostEstimate     *estimate,
                                   GError            **error);

/* A point of the cumulative-cost plot, in units of the currency. */
typedef struct
{
  double calls;
  double base;
  double tuned;
} SpCostPoint;

/* A number of calls that shows the break-even well: twice the break-even
 * point, or the estimate's calls, whichever is larger (at least 10). */
guint64  sp_cost_estimate_get_plot_range (const SpCostEstimate *estimate);
/* @n_points (at least 2) points from 0 to @max_calls calls, evenly spaced;
 * a GArray of SpCostPoint. */
GArray  *sp_cost_estimate_plot    (const SpCostEstimate *estimate,
                                   guint64               max_calls,
                                   guint                 n_points);

G_END_DECLS
