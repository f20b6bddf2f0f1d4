// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "sp-cost-chart.h"
#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_PRICING_WINDOW (sp_pricing_window_get_type ())
G_DECLARE_FINAL_TYPE (SpPricingWindow, sp_pricing_window, SP, PRICING_WINDOW, AdwWindow)

/* "Does fine-tuning pay?": a dated price sheet, the model to fine-tune
 * and the base model, training tokens and epochs, prompt and completion
 * tokens per call of both options and a number of calls; shows the
 * training cost, the cost per call of each option, the break-even number
 * of calls and a chart of the cumulative costs. Recomputes on every
 * change. Modal: set it transient for the window it comes from. */
SpPricingWindow *sp_pricing_window_new                    (void);

/* Fills the calculator from the current template and data set. @model is
 * the model to fine-tune or the base model (a fine-tuned id is fine): the
 * window picks the newest price sheet that can price it, and the model
 * for both options. Epochs become automatic, from @n_examples (0 if
 * unknown). */
void             sp_pricing_window_prefill                (SpPricingWindow *self,
                                                           const char      *model,
                                                           guint64          full_prompt_tokens,
                                                           guint64          short_prompt_tokens,
                                                           guint64          completion_tokens,
                                                           guint64          training_tokens,
                                                           guint            n_examples);

SpCostChart     *sp_pricing_window_get_chart              (SpPricingWindow *self);
/* The figures as shown: "$45.00", "$0.022", "After 5,922 calls", "Never";
 * an empty string while the inputs give no estimate. */
char            *sp_pricing_window_dup_training_cost_text (SpPricingWindow *self);
char            *sp_pricing_window_dup_base_per_call_text (SpPricingWindow *self);
char            *sp_pricing_window_dup_tuned_per_call_text (SpPricingWindow *self);
char            *sp_pricing_window_dup_break_even_text    (SpPricingWindow *self);
/* The error that keeps the window from giving an estimate, or NULL. */
char            *sp_pricing_window_dup_error_text         (SpPricingWindow *self);

/* FALSE when no price sheet has that id. */
gboolean         sp_pricing_window_select_sheet           (SpPricingWindow *self,
                                                           const char      *sheet_id);
/* FALSE when the sheet has no fine-tuning prices for @model. */
gboolean         sp_pricing_window_select_model           (SpPricingWindow *self,
                                                           const char      *model);
void             sp_pricing_window_set_training_tokens    (SpPricingWindow *self,
                                                           guint64          training_tokens);
/* 0 for OpenAI's automatic rule, else 1 to 25. */
void             sp_pricing_window_set_epochs             (SpPricingWindow *self,
                                                           guint            epochs);

G_END_DECLS
