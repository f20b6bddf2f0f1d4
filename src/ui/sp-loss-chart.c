// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-loss-chart"

#include "config.h"

#include "sp-loss-chart.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sp-chart-draw.h"

#define DOT_RADIUS     3.0
#define MIN_WIDTH      280
#define MIN_HEIGHT     200
#define NATURAL_WIDTH  520
#define NATURAL_HEIGHT 260

struct _SpLossChart
{
  GtkWidget  parent_instance;

  GArray    *points;   /* of LossPoint, by step */
  gboolean   has_valid;
  char      *summary;
};

G_DEFINE_FINAL_TYPE (SpLossChart, sp_loss_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SUMMARY,
  PROP_N_POINTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  gint64 step;
  double train;
  double valid;
} LossPoint;

/* The colors of the series in SpChartPalette. */
enum {
  TRAIN,
  VALID
};

static char *
format_loss (double loss)
{
  return g_strdup_printf ("%.2f", loss);
}

/* A step of 1, 2 or 5 × 10ⁿ that cuts @range into about @n_ticks parts. */
static char *
describe_trend (double first,
                double last,
                gint64 steps)
{
  g_autofree char *from = format_loss (first);
  g_autofree char *to = format_loss (last);

  if (g_str_equal (from, to))
    return g_strdup_printf (ngettext ("Training loss stayed at %s over %llu step.",
                                      "Training loss stayed at %s over %llu steps.",
                                      (gulong) steps),
                            from, (unsigned long long) steps);
  if (last < first)
    return g_strdup_printf (ngettext ("Training loss fell from %s to %s over %llu step.",
                                      "Training loss fell from %s to %s over %llu steps.",
                                      (gulong) steps),
                            from, to, (unsigned long long) steps);
  return g_strdup_printf (ngettext ("Training loss rose from %s to %s over %llu step.",
                                    "Training loss rose from %s to %s over %llu steps.",
                                    (gulong) steps),
                          from, to, (unsigned long long) steps);
}

static char *
describe_points (SpLossChart *self)
{
  const LossPoint *first;
  const LossPoint *last;
  g_autofree char *trend = NULL;
  double last_valid = NAN;

  if (self->points->len == 0)
    return g_strdup (_("No training metrics yet."));

  first = &g_array_index (self->points, LossPoint, 0);
  last = &g_array_index (self->points, LossPoint, self->points->len - 1);
  trend = describe_trend (first->train, last->train, MAX (last->step, 1));
  for (guint i = 0; i < self->points->len; i++)
    if (!isnan (g_array_index (self->points, LossPoint, i).valid))
      last_valid = g_array_index (self->points, LossPoint, i).valid;
  if (isnan (last_valid))
    return g_steal_pointer (&trend);

  {
    g_autofree char *valid = format_loss (last_valid);

    return g_strdup_printf (_("%s Validation loss ended at %s."), trend, valid);
  }
}

static void
update_summary (SpLossChart *self)
{
  g_autofree char *summary = describe_points (self);

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

/* Lays the legend out, and draws it when @cr is not NULL. Returns its
 * height. */
static double
layout_legend (SpLossChart          *self,
               cairo_t              *cr,
               const SpChartPalette *palette,
               double                x,
               double                width)
{
  const SpChartLegendItem items[] = {
    { _("Training loss"), palette ? &palette->series[TRAIN] : NULL, 2.5, FALSE },
    { _("Validation loss"), palette ? &palette->series[VALID] : NULL, 2, TRUE },
  };

  return sp_chart_layout_legend (GTK_WIDGET (self), cr, items, self->has_valid ? 2 : 1,
                                 palette ? &palette->fg : NULL, x, width);
}

static void
compute_frame (SpLossChart  *self,
               SpChartFrame *frame,
               int           width,
               int           height)
{
  double top_loss = 0;
  int line_width, line_height;
  int tick_width, tick_height;
  g_autofree char *widest_step = NULL;
  g_autofree char *widest_loss = NULL;

  for (guint i = 0; i < self->points->len; i++)
    {
      const LossPoint *point = &g_array_index (self->points, LossPoint, i);

      top_loss = MAX (top_loss, point->train);
      if (!isnan (point->valid))
        top_loss = MAX (top_loss, point->valid);
    }
  if (top_loss <= 0)
    top_loss = 1;

  sp_chart_text_size (GTK_WIDGET (self), "Ag", &line_width, &line_height);
  frame->y_step = sp_chart_nice_step (top_loss, MAX (2, (height - 100) / 40));
  frame->max_y = ceil (top_loss / frame->y_step - 1e-9) * frame->y_step;
  frame->y_decimals = frame->y_step >= 1 ? 0 : (int) ceil (-log10 (frame->y_step) - 1e-9);

  frame->max_x = MAX (1, (double) g_array_index (self->points, LossPoint, self->points->len - 1).step);
  widest_step = g_strdup_printf ("%.0f", frame->max_x * 10);
  widest_loss = g_strdup_printf ("%.*f", frame->y_decimals, frame->max_y);
  sp_chart_text_size (GTK_WIDGET (self), widest_loss, &tick_width, &tick_height);

  /* Room on the left for the turned axis title and the values. */
  frame->left = SP_CHART_PADDING + line_height + SP_CHART_GAP + tick_width + SP_CHART_GAP;
  sp_chart_text_size (GTK_WIDGET (self), widest_step, &tick_width, &tick_height);
  frame->right = width - SP_CHART_PADDING - tick_width / 2.0;
  frame->top = SP_CHART_PADDING + layout_legend (self, NULL, NULL, frame->left, frame->right - frame->left) +
               2 * SP_CHART_GAP + line_height / 2.0;
  frame->bottom = height - SP_CHART_PADDING - line_height - SP_CHART_GAP - tick_height - SP_CHART_GAP;
  frame->x_step = MAX (1, sp_chart_nice_step (frame->max_x,
                                        MAX (2, (int) ((frame->right - frame->left) / (tick_width + 32)))));
  frame->max_x = ceil (frame->max_x / frame->x_step - 1e-9) * frame->x_step;
}

static char *
format_tick (double   value,
             int      decimals,
             gpointer user_data)
{
  return g_strdup_printf ("%.*f", decimals, value);
}

static void
draw_series (SpLossChart        *self,
             cairo_t            *cr,
             const SpChartFrame *frame,
             gboolean            valid,
             const GdkRGBA      *color)
{
  guint n_drawn = 0;

  sp_chart_set_color (cr, color, 1);
  cairo_set_line_width (cr, valid ? 2 : 2.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_new_path (cr);
  for (guint i = 0; i < self->points->len; i++)
    {
      const LossPoint *point = &g_array_index (self->points, LossPoint, i);
      double loss = valid ? point->valid : point->train;

      if (isnan (loss))
        continue;
      cairo_line_to (cr, sp_chart_x_of (frame, (double) point->step), sp_chart_y_of (frame, loss));
      n_drawn++;
    }
  cairo_stroke (cr);

  /* Validation is measured now and then: its dots show where. A single
   * training point has no line to show either. */
  if (!valid && n_drawn > 1)
    return;
  for (guint i = 0; i < self->points->len; i++)
    {
      const LossPoint *point = &g_array_index (self->points, LossPoint, i);
      double loss = valid ? point->valid : point->train;

      if (isnan (loss))
        continue;
      cairo_new_path (cr);
      cairo_arc (cr, sp_chart_x_of (frame, (double) point->step), sp_chart_y_of (frame, loss),
                 DOT_RADIUS, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static void
draw_chart (SpLossChart *self,
            cairo_t     *cr,
            int          width,
            int          height)
{
  SpChartPalette palette;
  SpChartFrame frame;

  sp_chart_get_palette (GTK_WIDGET (self), &palette);
  if (self->points->len == 0)
    {
      sp_chart_set_color (cr, &palette.fg, 0.55);
      sp_chart_show_text (GTK_WIDGET (self), cr, _("The loss curve appears when training starts"),
                          width / 2.0, height / 2.0, 0.5, 0.5, FALSE);
      return;
    }

  compute_frame (self, &frame, width, height);
  if (frame.right - frame.left < 40 || frame.bottom - frame.top < 40)
    return;

  layout_legend (self, cr, &palette, frame.left, frame.right - frame.left);
  sp_chart_draw_axes (GTK_WIDGET (self), cr, &frame, &palette.fg, height, format_tick, format_tick, NULL,
                      _("Step"), _("Loss"));
  if (self->has_valid)
    draw_series (self, cr, &frame, TRUE, &palette.series[VALID]);
  draw_series (self, cr, &frame, FALSE, &palette.series[TRAIN]);
}

static void
sp_loss_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  sp_chart_snapshot (widget, snapshot, (SpChartDrawFunc) draw_chart);
}

static void
sp_loss_chart_measure (GtkWidget      *widget,
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
sp_loss_chart_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (sp_loss_chart_parent_class)->css_changed (widget, change);

  /* Colors and fonts come from the style: a new style needs a new drawing. */
  gtk_widget_queue_draw (widget);
}

static void
sp_loss_chart_finalize (GObject *object)
{
  SpLossChart *self = SP_LOSS_CHART (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (sp_loss_chart_parent_class)->finalize (object);
}

static void
sp_loss_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SpLossChart *self = SP_LOSS_CHART (object);

  switch (prop_id)
    {
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_N_POINTS:
      g_value_set_uint (value, self->points->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_loss_chart_class_init (SpLossChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sp_loss_chart_finalize;
  object_class->get_property = sp_loss_chart_get_property;

  widget_class->snapshot = sp_loss_chart_snapshot;
  widget_class->measure = sp_loss_chart_measure;
  widget_class->css_changed = sp_loss_chart_css_changed;

  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_POINTS] =
    g_param_spec_uint ("n-points", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "losschart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sp_loss_chart_init (SpLossChart *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (LossPoint));
  self->summary = g_strdup (_("No training metrics yet."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Training and validation loss by step"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
}

SpLossChart *
sp_loss_chart_new (void)
{
  return g_object_new (SP_TYPE_LOSS_CHART, NULL);
}

const char *
sp_loss_chart_get_summary (SpLossChart *self)
{
  g_return_val_if_fail (SP_IS_LOSS_CHART (self), NULL);

  return self->summary;
}

guint
sp_loss_chart_get_n_points (SpLossChart *self)
{
  g_return_val_if_fail (SP_IS_LOSS_CHART (self), 0);

  return self->points->len;
}

void
sp_loss_chart_add_point (SpLossChart *self,
                         gint64       step,
                         double       train_loss,
                         double       valid_loss)
{
  LossPoint point = { step, train_loss, valid_loss };
  guint position = 0;
  guint n_points;

  g_return_if_fail (SP_IS_LOSS_CHART (self));
  g_return_if_fail (step >= 0);

  if (!isfinite (train_loss))
    return;
  if (!isfinite (valid_loss))
    point.valid = NAN;

  n_points = self->points->len;
  while (position < self->points->len && g_array_index (self->points, LossPoint, position).step < step)
    position++;
  if (position < self->points->len && g_array_index (self->points, LossPoint, position).step == step)
    g_array_index (self->points, LossPoint, position) = point;
  else
    g_array_insert_val (self->points, position, point);
  self->has_valid = self->has_valid || !isnan (point.valid);

  update_summary (self);
  if (n_points != self->points->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POINTS]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sp_loss_chart_clear (SpLossChart *self)
{
  g_return_if_fail (SP_IS_LOSS_CHART (self));

  if (self->points->len == 0)
    return;

  g_array_set_size (self->points, 0);
  self->has_valid = FALSE;
  update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POINTS]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
