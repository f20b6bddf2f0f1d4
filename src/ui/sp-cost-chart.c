// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-cost-chart"

#include "config.h"

#include "sp-cost-chart.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sp-chart-draw.h"

#define N_PLOT_POINTS  64
#define MIN_WIDTH      320
#define MIN_HEIGHT     220
#define NATURAL_WIDTH  560
#define NATURAL_HEIGHT 340

struct _SpCostChart
{
  GtkWidget       parent_instance;

  SpCostEstimate  estimate;
  gboolean        has_estimate;
  char           *currency;
  char           *summary;
};

G_DEFINE_FINAL_TYPE (SpCostChart, sp_cost_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The colors of the series in SpChartPalette. */
enum {
  BASE,
  TUNED
};

static char *
format_count (double count)
{
  return g_strdup_printf ("%'.0f", count);
}

static char *
format_count_tick (double   value,
                   int      decimals,
                   gpointer user_data)
{
  return format_count (value);
}

/* Amounts on the axis: "$50", "$0.25" for dollars, "50 EUR" otherwise. */
static char *
format_tick_amount (SpCostChart *self,
                    double       amount,
                    int          decimals)
{
  g_autofree char *number = g_strdup_printf ("%'.*f", decimals, amount);

  if (self->currency == NULL || g_str_equal (self->currency, "USD"))
    return g_strdup_printf ("$%s", number);
  return g_strdup_printf ("%s %s", number, self->currency);
}

static char *
format_amount_tick (double   value,
                    int      decimals,
                    gpointer user_data)
{
  return format_tick_amount (user_data, value, decimals);
}

/* A step of 1, 2 or 5 × 10ⁿ that cuts @range into about @n_ticks parts. */
static char *
describe_estimate (SpCostChart *self)
{
  g_autofree char *calls = NULL;
  g_autofree char *training = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tuned = NULL;
  g_autofree char *outcome = NULL;

  if (!self->has_estimate)
    return g_strdup (_("No estimate to plot."));

  calls = format_count ((double) sp_cost_estimate_get_plot_range (&self->estimate));
  training = sp_money_format_currency (self->estimate.training, self->currency, 2);
  base = sp_money_format_currency (self->estimate.base_per_call, self->currency, 8);
  tuned = sp_money_format_currency (self->estimate.tuned_per_call, self->currency, 8);
  if (self->estimate.break_even_calls == SP_COST_NEVER)
    outcome = g_strdup (_("The fine-tuned model never becomes cheaper."));
  else
    {
      g_autofree char *break_even = format_count ((double) self->estimate.break_even_calls);

      outcome = g_strdup_printf (_("Fine-tuning pays after %s calls."), break_even);
    }
  return g_strdup_printf (_("Cumulative cost of up to %s calls. The base model with the full prompt costs %s a call. The fine-tuned model with the short prompt starts at %s of training and costs %s a call. %s"),
                          calls, base, training, tuned, outcome);
}

static void
update_summary (SpCostChart *self)
{
  g_autofree char *summary = describe_estimate (self);

  if (g_strcmp0 (summary, self->summary) == 0)
    return;

  g_free (self->summary);
  self->summary = g_steal_pointer (&summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

/* Drawing */

static double
widest_cost_tick (SpCostChart        *self,
                  const SpChartFrame *frame)
{
  int widest = 0;

  for (double value = 0; value <= frame->max_y + frame->y_step / 2; value += frame->y_step)
    {
      g_autofree char *text = format_tick_amount (self, value, frame->y_decimals);
      int width, height;

      sp_chart_text_size (GTK_WIDGET (self), text, &width, &height);
      widest = MAX (widest, width);
    }
  return widest;
}

/* Lays the legend out, and draws it when @cr is not NULL. Returns its
 * height. */
static double
layout_legend (SpCostChart          *self,
               cairo_t              *cr,
               const SpChartPalette *palette,
               double                x,
               double                width)
{
  const SpChartLegendItem items[] = {
    { _("Base model, full prompt"), palette ? &palette->series[BASE] : NULL, 3, FALSE },
    { _("Fine-tuned model, short prompt"), palette ? &palette->series[TUNED] : NULL, 3, FALSE },
  };

  return sp_chart_layout_legend (GTK_WIDGET (self), cr, items, G_N_ELEMENTS (items),
                                 palette ? &palette->fg : NULL, x, width);
}

static void
compute_frame (SpCostChart  *self,
               SpChartFrame *frame,
               int           width,
               int           height)
{
  double top_cost;
  int line_width, line_height;
  int calls_width, calls_height;
  g_autofree char *widest_calls = NULL;

  sp_chart_text_size (GTK_WIDGET (self), "Ag", &line_width, &line_height);

  frame->max_x = (double) sp_cost_estimate_get_plot_range (&self->estimate);
  top_cost = MAX (sp_money_to_double (self->estimate.training) +
                  frame->max_x * sp_money_to_double (self->estimate.tuned_per_call),
                  frame->max_x * sp_money_to_double (self->estimate.base_per_call));
  if (top_cost <= 0)
    top_cost = 1;
  frame->y_step = sp_chart_nice_step (top_cost, MAX (2, (height - 120) / 48));
  frame->max_y = ceil (top_cost / frame->y_step - 1e-9) * frame->y_step;
  frame->y_decimals = frame->y_step >= 1 ? 0 : (int) ceil (-log10 (frame->y_step) - 1e-9);

  widest_calls = format_count (frame->max_x);
  sp_chart_text_size (GTK_WIDGET (self), widest_calls, &calls_width, &calls_height);

  /* Room on the left for the turned axis title and the amounts. */
  frame->left = SP_CHART_PADDING + line_height + SP_CHART_GAP + widest_cost_tick (self, frame) + SP_CHART_GAP;
  frame->right = width - SP_CHART_PADDING - calls_width / 2.0;
  frame->top = SP_CHART_PADDING + layout_legend (self, NULL, NULL, frame->left, frame->right - frame->left) +
               2 * SP_CHART_GAP + line_height / 2.0;
  frame->bottom = height - SP_CHART_PADDING - line_height - SP_CHART_GAP - calls_height - SP_CHART_GAP;
  frame->x_step = sp_chart_nice_step (frame->max_x,
                                 MAX (2, (int) ((frame->right - frame->left) / (calls_width + 32))));
  frame->max_x = ceil (frame->max_x / frame->x_step - 1e-9) * frame->x_step;
}

static void
draw_series (cairo_t            *cr,
             const SpChartFrame *frame,
             GArray             *points,
             gboolean            tuned,
             const GdkRGBA      *color)
{
  sp_chart_set_color (cr, color, 1);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_new_path (cr);
  for (guint i = 0; i < points->len; i++)
    {
      const SpCostPoint *point = &g_array_index (points, SpCostPoint, i);

      cairo_line_to (cr, sp_chart_x_of (frame, point->calls),
                     sp_chart_y_of (frame, tuned ? point->tuned : point->base));
    }
  cairo_stroke (cr);
}

/* A backdrop of the view's background under a label, so that a line
 * passing behind it does not cross the text. */
static void
fill_backdrop (cairo_t              *cr,
               const SpChartPalette *palette,
               double                x,
               double                y,
               double                width,
               double                height)
{
  sp_chart_set_color (cr, &palette->bg, 0.85);
  cairo_new_path (cr);
  cairo_rectangle (cr, x - SP_CHART_GAP / 2, y - SP_CHART_GAP / 2,
                   width + SP_CHART_GAP, height + SP_CHART_GAP);
  cairo_fill (cr);
}

static void
show_break_even_label (SpCostChart          *self,
                       cairo_t              *cr,
                       const SpChartFrame   *frame,
                       const SpChartPalette *palette,
                       double                x,
                       double                y)
{
  g_autofree char *count = format_count ((double) self->estimate.break_even_calls);
  g_autofree char *calls = g_strdup_printf (ngettext ("%s call", "%s calls",
                                                      (gulong) self->estimate.break_even_calls),
                                            count);
  const char *title = _("Break-even");
  int title_width, title_height;
  int calls_width, calls_height;
  double width;
  double label_x;
  double label_y;

  sp_chart_text_size (GTK_WIDGET (self), title, &title_width, &title_height);
  sp_chart_text_size (GTK_WIDGET (self), calls, &calls_width, &calls_height);
  width = MAX (title_width, calls_width);
  label_x = MIN (x + 2 * SP_CHART_GAP, frame->right - width);
  label_y = MIN (y + SP_CHART_GAP, frame->bottom - SP_CHART_GAP - title_height - calls_height);
  fill_backdrop (cr, palette, label_x, label_y, width, title_height + calls_height);
  sp_chart_set_color (cr, &palette->fg, 1);
  sp_chart_show_text (GTK_WIDGET (self), cr, title, label_x, label_y, 0, 0, TRUE);
  sp_chart_show_text (GTK_WIDGET (self), cr, calls, label_x, label_y + title_height, 0, 0, FALSE);
}

static void
draw_break_even (SpCostChart          *self,
                 cairo_t              *cr,
                 const SpChartFrame   *frame,
                 const SpChartPalette *palette)
{
  double calls = (double) self->estimate.break_even_calls;
  double cost = sp_money_to_double (self->estimate.training) +
                calls * sp_money_to_double (self->estimate.tuned_per_call);
  double x = sp_chart_x_of (frame, calls);
  double y = sp_chart_y_of (frame, cost);
  const double dashes[] = { 4, 4 };

  sp_chart_set_color (cr, &palette->fg, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_move_to (cr, round (x) + 0.5, y);
  cairo_line_to (cr, round (x) + 0.5, frame->bottom);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  sp_chart_set_color (cr, &palette->fg, 1);
  cairo_new_path (cr);
  cairo_arc (cr, x, y, 5.5, 0, 2 * G_PI);
  cairo_fill (cr);

  /* The label sits below and to the right of the point, where both lines
   * are above it, unless that leaves the plot. */
  show_break_even_label (self, cr, frame, palette, x, y);
}

static void
draw_never (SpCostChart          *self,
            cairo_t              *cr,
            const SpChartFrame   *frame,
            const SpChartPalette *palette)
{
  const char *text = _("No break-even: a fine-tuned call does not cost less");
  int width, height;

  sp_chart_text_size (GTK_WIDGET (self), text, &width, &height);
  fill_backdrop (cr, palette, frame->left + 2 * SP_CHART_GAP, frame->top + SP_CHART_GAP, width, height);
  sp_chart_set_color (cr, &palette->fg, 0.85);
  sp_chart_show_text (GTK_WIDGET (self), cr, text, frame->left + 2 * SP_CHART_GAP,
                      frame->top + SP_CHART_GAP, 0, 0, TRUE);
}

static void
draw_chart (SpCostChart *self,
            cairo_t     *cr,
            int          width,
            int          height)
{
  g_autoptr(GArray) points = NULL;
  SpChartPalette palette;
  SpChartFrame frame;

  sp_chart_get_palette (GTK_WIDGET (self), &palette);
  if (!self->has_estimate)
    {
      sp_chart_set_color (cr, &palette.fg, 0.55);
      sp_chart_show_text (GTK_WIDGET (self), cr, _("No estimate"),
                          width / 2.0, height / 2.0, 0.5, 0.5, FALSE);
      return;
    }

  compute_frame (self, &frame, width, height);
  if (frame.right - frame.left < 40 || frame.bottom - frame.top < 40)
    return;

  layout_legend (self, cr, &palette, frame.left, frame.right - frame.left);
  sp_chart_draw_axes (GTK_WIDGET (self), cr, &frame, &palette.fg, height,
                      format_count_tick, format_amount_tick, self,
                      _("Number of calls"), _("Cumulative cost"));

  points = sp_cost_estimate_plot (&self->estimate, (guint64) frame.max_x, N_PLOT_POINTS);
  draw_series (cr, &frame, points, FALSE, &palette.series[BASE]);
  draw_series (cr, &frame, points, TRUE, &palette.series[TUNED]);

  if (self->estimate.break_even_calls == SP_COST_NEVER)
    draw_never (self, cr, &frame, &palette);
  else
    draw_break_even (self, cr, &frame, &palette);
}

static void
sp_cost_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  sp_chart_snapshot (widget, snapshot, (SpChartDrawFunc) draw_chart);
}

static void
sp_cost_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  sp_chart_measure (orientation, MIN_WIDTH, NATURAL_WIDTH, MIN_HEIGHT, NATURAL_HEIGHT, minimum, natural);
}

static void
sp_cost_chart_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (sp_cost_chart_parent_class)->css_changed (widget, change);

  /* Colors and fonts come from the style: a new style needs a new drawing. */
  gtk_widget_queue_draw (widget);
}

static void
sp_cost_chart_finalize (GObject *object)
{
  SpCostChart *self = SP_COST_CHART (object);

  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (sp_cost_chart_parent_class)->finalize (object);
}

static void
sp_cost_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SpCostChart *self = SP_COST_CHART (object);

  switch (prop_id)
    {
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_cost_chart_class_init (SpCostChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sp_cost_chart_finalize;
  object_class->get_property = sp_cost_chart_get_property;

  widget_class->snapshot = sp_cost_chart_snapshot;
  widget_class->measure = sp_cost_chart_measure;
  widget_class->css_changed = sp_cost_chart_css_changed;

  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "costchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sp_cost_chart_init (SpCostChart *self)
{
  self->currency = g_strdup ("USD");
  self->summary = g_strdup (_("No estimate to plot."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cumulative cost against the number of calls"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
}

SpCostChart *
sp_cost_chart_new (void)
{
  return g_object_new (SP_TYPE_COST_CHART, NULL);
}

const char *
sp_cost_chart_get_summary (SpCostChart *self)
{
  g_return_val_if_fail (SP_IS_COST_CHART (self), NULL);

  return self->summary;
}

void
sp_cost_chart_set_estimate (SpCostChart          *self,
                            const SpCostEstimate *estimate,
                            const char           *currency)
{
  g_return_if_fail (SP_IS_COST_CHART (self));

  self->has_estimate = estimate != NULL;
  if (estimate != NULL)
    self->estimate = *estimate;
  if (currency != NULL && g_strcmp0 (currency, self->currency) != 0)
    {
      g_free (self->currency);
      self->currency = g_strdup (currency);
    }
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
