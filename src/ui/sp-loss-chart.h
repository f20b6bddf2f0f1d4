// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SP_TYPE_LOSS_CHART (sp_loss_chart_get_type ())
G_DECLARE_FINAL_TYPE (SpLossChart, sp_loss_chart, SP, LOSS_CHART, GtkWidget)

/* The training and validation loss of a fine-tuning job against the
 * training step: axes with tick values and titles, a legend, and colors
 * that keep their contrast in the light and the dark style.
 *
 * Property "summary" (read-only): the chart in words ("Training loss fell
 * from 2.10 to 0.35 over 20 steps."), also given to assistive technologies
 * as the chart's description. "n-points" (read-only). */
SpLossChart *sp_loss_chart_new          (void);
const char  *sp_loss_chart_get_summary  (SpLossChart *self);
guint        sp_loss_chart_get_n_points (SpLossChart *self);
/* Adds the losses at @step; @valid_loss is NAN when there is none. A point
 * for a step already drawn replaces it. */
void         sp_loss_chart_add_point    (SpLossChart *self,
                                         gint64       step,
                                         double       train_loss,
                                         double       valid_loss);
void         sp_loss_chart_clear        (SpLossChart *self);

G_END_DECLS
