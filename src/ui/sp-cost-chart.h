// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_COST_CHART (sp_cost_chart_get_type ())
G_DECLARE_FINAL_TYPE (SpCostChart, sp_cost_chart, SP, COST_CHART, GtkWidget)

/* The cumulative cost of two options against the number of calls: a base
 * model called with the full few-shot prompt, and a fine-tuned model
 * called with the short prompt, whose line starts at the training cost.
 * Axes with tick values, a legend, and a marker at the break-even point.
 *
 * Property "summary" (read-only): the chart in words, also given to
 * assistive technologies as the chart's description. */
SpCostChart *sp_cost_chart_new          (void);
const char  *sp_cost_chart_get_summary  (SpCostChart          *self);
/* The figures to draw, or NULL to draw none. @currency is the price
 * sheet's ("USD"). The estimate is copied. */
void         sp_cost_chart_set_estimate (SpCostChart          *self,
                                         const SpCostEstimate *estimate,
                                         const char           *currency);

G_END_DECLS
