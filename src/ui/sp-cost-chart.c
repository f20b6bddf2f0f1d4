// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-cost-chart"

#include "config.h"

#include "sp-cost-chart.h"

#include <math.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#define PADDING        12.0
#define GAP            6.0
#define SWATCH_WIDTH   20.0
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

/* The colors of one drawing, from the widget's style. */
typedef struct
{
  GdkRGBA fg;
  GdkRGBA bg;
  GdkRGBA base;
  GdkRGBA tuned;
} Palette;

/* Where the plot goes inside the widget, and the range it shows. */
typedef struct
{
  double left;
  double top;
  double right;
  double bottom;
  double max_calls;
  double max_cost;
  double calls_step;
  double cost_step;
  int    cost_decimals;
} Frame;

static char *
format_count (double count)
{
  return g_strdup_printf ("%'.0f", count);
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

/* A step of 1, 2 or 5 × 10ⁿ that cuts @range into about @n_ticks parts. */
static double
nice_step (double range,
           int    n_ticks)
{
  double raw = range / MAX (n_ticks, 1);
  double magnitude = pow (10, floor (log10 (raw)));
  double fraction = raw / magnitude;

  if (fraction <= 1)
    return magnitude;
  if (fraction <= 2)
    return 2 * magnitude;
  if (fraction <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

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

static void
get_palette (SpCostChart *self,
             Palette     *palette)
{
  GtkStyleContext *context;
  gboolean dark;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (GTK_WIDGET (self));
  gtk_style_context_get_color (context, &palette->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* A light foreground means a dark style. The two series take colors of
   * the GNOME palette that keep their contrast on either background. */
  dark = 0.2126 * palette->fg.red + 0.7152 * palette->fg.green + 0.0722 * palette->fg.blue > 0.5;
  if (dark)
    {
      gdk_rgba_parse (&palette->bg, "#1e1e1e");
      gdk_rgba_parse (&palette->base, "#62a0ea");
      gdk_rgba_parse (&palette->tuned, "#ffa348");
    }
  else
    {
      gdk_rgba_parse (&palette->bg, "#ffffff");
      gdk_rgba_parse (&palette->base, "#1c71d8");
      gdk_rgba_parse (&palette->tuned, "#c64600");
    }
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static PangoLayout *
create_layout (SpCostChart *self,
               const char  *text,
               gboolean     bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (bold)
    {
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
    }
  return layout;
}

static void
text_size (SpCostChart *self,
           const char  *text,
           int         *width,
           int         *height)
{
  g_autoptr(PangoLayout) layout = create_layout (self, text, FALSE);

  pango_layout_get_pixel_size (layout, width, height);
}

/* Shows @text with its point (@x, @y) at the fraction (@xalign, @yalign)
 * of its box. */
static void
show_text (SpCostChart *self,
           cairo_t     *cr,
           const char  *text,
           double       x,
           double       y,
           double       xalign,
           double       yalign,
           gboolean     bold)
{
  g_autoptr(PangoLayout) layout = create_layout (self, text, bold);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, round (x - xalign * width), round (y - yalign * height));
  pango_cairo_show_layout (cr, layout);
}

static double
widest_cost_tick (SpCostChart *self,
                  const Frame *frame)
{
  int widest = 0;

  for (double value = 0; value <= frame->max_cost + frame->cost_step / 2; value += frame->cost_step)
    {
      g_autofree char *text = format_tick_amount (self, value, frame->cost_decimals);
      int width, height;

      text_size (self, text, &width, &height);
      widest = MAX (widest, width);
    }
  return widest;
}

/* Lays the legend out from (@x, PADDING) in @width: its items side by
 * side, or one under the other when they do not fit. Draws it when @cr is
 * not NULL. Returns its height. */
static double
layout_legend (SpCostChart   *self,
               cairo_t       *cr,
               const Palette *palette,
               double         x,
               double         width)
{
  const char *texts[] = {
    _("Base model, full prompt"),
    _("Fine-tuned model, short prompt"),
  };
  double item_widths[G_N_ELEMENTS (texts)];
  double total = 0;
  double y = PADDING;
  double item_x = x;
  int line_height = 0;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      int text_width;

      text_size (self, texts[i], &text_width, &line_height);
      item_widths[i] = SWATCH_WIDTH + GAP + text_width;
      total += item_widths[i] + (i > 0 ? 4 * GAP : 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      if (i > 0 && total > width)
        {
          item_x = x;
          y += line_height + GAP / 2;
        }
      if (cr != NULL)
        {
          const GdkRGBA *color = i == 0 ? &palette->base : &palette->tuned;

          set_color (cr, color, 1);
          cairo_set_line_width (cr, 3);
          cairo_new_path (cr);
          cairo_move_to (cr, item_x, y + line_height / 2.0);
          cairo_line_to (cr, item_x + SWATCH_WIDTH, y + line_height / 2.0);
          cairo_stroke (cr);
          set_color (cr, &palette->fg, 0.85);
          show_text (self, cr, texts[i], item_x + SWATCH_WIDTH + GAP, y, 0, 0, FALSE);
        }
      item_x += item_widths[i] + 4 * GAP;
    }
  return y + line_height - PADDING;
}

static void
compute_frame (SpCostChart *self,
               Frame       *frame,
               int          width,
               int          height)
{
  double top_cost;
  int line_width, line_height;
  int calls_width, calls_height;
  g_autofree char *widest_calls = NULL;

  text_size (self, "Ag", &line_width, &line_height);

  frame->max_calls = (double) sp_cost_estimate_get_plot_range (&self->estimate);
  top_cost = MAX (sp_money_to_double (self->estimate.training) +
                  frame->max_calls * sp_money_to_double (self->estimate.tuned_per_call),
                  frame->max_calls * sp_money_to_double (self->estimate.base_per_call));
  if (top_cost <= 0)
    top_cost = 1;
  frame->cost_step = nice_step (top_cost, MAX (2, (height - 120) / 48));
  frame->max_cost = ceil (top_cost / frame->cost_step - 1e-9) * frame->cost_step;
  frame->cost_decimals = frame->cost_step >= 1 ? 0 : (int) ceil (-log10 (frame->cost_step) - 1e-9);

  widest_calls = format_count (frame->max_calls);
  text_size (self, widest_calls, &calls_width, &calls_height);

  /* Room on the left for the turned axis title and the amounts. */
  frame->left = PADDING + line_height + GAP + widest_cost_tick (self, frame) + GAP;
  frame->right = width - PADDING - calls_width / 2.0;
  frame->top = PADDING + layout_legend (self, NULL, NULL, frame->left, frame->right - frame->left) +
               2 * GAP + line_height / 2.0;
  frame->bottom = height - PADDING - line_height - GAP - calls_height - GAP;
  frame->calls_step = nice_step (frame->max_calls,
                                 MAX (2, (int) ((frame->right - frame->left) / (calls_width + 32))));
  frame->max_calls = ceil (frame->max_calls / frame->calls_step - 1e-9) * frame->calls_step;
}

static double
x_of (const Frame *frame,
      double       calls)
{
  return frame->left + (frame->right - frame->left) * calls / frame->max_calls;
}

static double
y_of (const Frame *frame,
      double       cost)
{
  return frame->bottom - (frame->bottom - frame->top) * cost / frame->max_cost;
}

static void
draw_axes (SpCostChart   *self,
           cairo_t       *cr,
           const Frame   *frame,
           const Palette *palette,
           int            height)
{
  int line_width, line_height;
  double middle;

  cairo_set_line_width (cr, 1);
  for (double value = 0; value <= frame->max_cost + frame->cost_step / 2; value += frame->cost_step)
    {
      g_autofree char *text = format_tick_amount (self, value, frame->cost_decimals);
      double y = round (y_of (frame, value)) + 0.5;

      set_color (cr, &palette->fg, value == 0 ? 0.5 : 0.12);
      cairo_move_to (cr, frame->left, y);
      cairo_line_to (cr, frame->right, y);
      cairo_stroke (cr);
      set_color (cr, &palette->fg, 0.7);
      show_text (self, cr, text, frame->left - GAP, y, 1, 0.5, FALSE);
    }

  for (double value = 0; value <= frame->max_calls + frame->calls_step / 2; value += frame->calls_step)
    {
      g_autofree char *text = format_count (value);
      double x = round (x_of (frame, value)) + 0.5;

      set_color (cr, &palette->fg, value == 0 ? 0.5 : 0.12);
      cairo_move_to (cr, x, frame->top);
      cairo_line_to (cr, x, frame->bottom);
      cairo_stroke (cr);
      set_color (cr, &palette->fg, 0.7);
      show_text (self, cr, text, x, frame->bottom + GAP, 0.5, 0, FALSE);
    }

  text_size (self, "Ag", &line_width, &line_height);
  set_color (cr, &palette->fg, 0.85);
  show_text (self, cr, _("Number of calls"), (frame->left + frame->right) / 2,
             height - PADDING, 0.5, 1, FALSE);

  middle = (frame->top + frame->bottom) / 2;
  cairo_save (cr);
  cairo_translate (cr, PADDING, middle);
  cairo_rotate (cr, -G_PI / 2);
  show_text (self, cr, _("Cumulative cost"), 0, 0, 0.5, 0, FALSE);
  cairo_restore (cr);
}

static void
draw_series (cairo_t       *cr,
             const Frame   *frame,
             GArray        *points,
             gboolean       tuned,
             const GdkRGBA *color)
{
  set_color (cr, color, 1);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_new_path (cr);
  for (guint i = 0; i < points->len; i++)
    {
      const SpCostPoint *point = &g_array_index (points, SpCostPoint, i);

      cairo_line_to (cr, x_of (frame, point->calls), y_of (frame, tuned ? point->tuned : point->base));
    }
  cairo_stroke (cr);
}

/* A backdrop of the view's background under a label, so that a line
 * passing behind it does not cross the text. */
static void
fill_backdrop (cairo_t       *cr,
               const Palette *palette,
               double         x,
               double         y,
               double         width,
               double         height)
{
  set_color (cr, &palette->bg, 0.85);
  cairo_new_path (cr);
  cairo_rectangle (cr, x - GAP / 2, y - GAP / 2, width + GAP, height + GAP);
  cairo_fill (cr);
}

static void
show_break_even_label (SpCostChart   *self,
                       cairo_t       *cr,
                       const Frame   *frame,
                       const Palette *palette,
                       double         x,
                       double         y)
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

  text_size (self, title, &title_width, &title_height);
  text_size (self, calls, &calls_width, &calls_height);
  width = MAX (title_width, calls_width);
  label_x = MIN (x + 2 * GAP, frame->right - width);
  label_y = MIN (y + GAP, frame->bottom - GAP - title_height - calls_height);
  fill_backdrop (cr, palette, label_x, label_y, width, title_height + calls_height);
  set_color (cr, &palette->fg, 1);
  show_text (self, cr, title, label_x, label_y, 0, 0, TRUE);
  show_text (self, cr, calls, label_x, label_y + title_height, 0, 0, FALSE);
}

static void
draw_break_even (SpCostChart   *self,
                 cairo_t       *cr,
                 const Frame   *frame,
                 const Palette *palette)
{
  double calls = (double) self->estimate.break_even_calls;
  double cost = sp_money_to_double (self->estimate.training) +
                calls * sp_money_to_double (self->estimate.tuned_per_call);
  double x = x_of (frame, calls);
  double y = y_of (frame, cost);
  const double dashes[] = { 4, 4 };

  set_color (cr, &palette->fg, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_move_to (cr, round (x) + 0.5, y);
  cairo_line_to (cr, round (x) + 0.5, frame->bottom);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  set_color (cr, &palette->fg, 1);
  cairo_new_path (cr);
  cairo_arc (cr, x, y, 5.5, 0, 2 * G_PI);
  cairo_fill (cr);

  /* The label sits below and to the right of the point, where both lines
   * are above it, unless that leaves the plot. */
  show_break_even_label (self, cr, frame, palette, x, y);
}

static void
draw_never (SpCostChart   *self,
            cairo_t       *cr,
            const Frame   *frame,
            const Palette *palette)
{
  const char *text = _("No break-even: a fine-tuned call does not cost less");
  int width, height;

  text_size (self, text, &width, &height);
  fill_backdrop (cr, palette, frame->left + 2 * GAP, frame->top + GAP, width, height);
  set_color (cr, &palette->fg, 0.85);
  show_text (self, cr, text, frame->left + 2 * GAP, frame->top + GAP, 0, 0, TRUE);
}

static void
draw_chart (SpCostChart *self,
            cairo_t     *cr,
            int          width,
            int          height)
{
  g_autoptr(GArray) points = NULL;
  Palette palette;
  Frame frame;

  get_palette (self, &palette);
  if (!self->has_estimate)
    {
      set_color (cr, &palette.fg, 0.55);
      show_text (self, cr, _("No estimate"), width / 2.0, height / 2.0, 0.5, 0.5, FALSE);
      return;
    }

  compute_frame (self, &frame, width, height);
  if (frame.right - frame.left < 40 || frame.bottom - frame.top < 40)
    return;

  layout_legend (self, cr, &palette, frame.left, frame.right - frame.left);
  draw_axes (self, cr, &frame, &palette, height);

  points = sp_cost_estimate_plot (&self->estimate, (guint64) frame.max_calls, N_PLOT_POINTS);
  draw_series (cr, &frame, points, FALSE, &palette.base);
  draw_series (cr, &frame, points, TRUE, &palette.tuned);

  if (self->estimate.break_even_calls == SP_COST_NEVER)
    draw_never (self, cr, &frame, &palette);
  else
    draw_break_even (self, cr, &frame, &palette);
}

static void
sp_cost_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  SpCostChart *self = SP_COST_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_chart (self, cr, width, height);
  cairo_destroy (cr);
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
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
    }
  else
    {
      *minimum = MIN_HEIGHT;
      *natural = NATURAL_HEIGHT;
    }
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
