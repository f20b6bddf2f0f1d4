// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-chart-draw"

#include "config.h"

#include "sp-chart-draw.h"

#include <math.h>
#include <pango/pangocairo.h>

#define LEGEND_DOT_RADIUS 3.0

static PangoLayout *
create_layout (GtkWidget  *widget,
               const char *text,
               gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  if (bold)
    {
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
    }
  return layout;
}

/* Draws the whole widget with cairo, when it has a size. */
void
sp_chart_snapshot (GtkWidget       *widget,
                   GtkSnapshot     *snapshot,
                   SpChartDrawFunc  draw)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw (widget, cr, width, height);
  cairo_destroy (cr);
}

/* Sizes for GtkWidgetClass.measure that do not depend on the content. */
void
sp_chart_measure (GtkOrientation  orientation,
                  int             min_width,
                  int             natural_width,
                  int             min_height,
                  int             natural_height,
                  int            *minimum,
                  int            *natural)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = min_width;
      *natural = natural_width;
    }
  else
    {
      *minimum = min_height;
      *natural = natural_height;
    }
}

void
sp_chart_get_palette (GtkWidget      *widget,
                      SpChartPalette *palette)
{
  GtkStyleContext *context;
  gboolean dark;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &palette->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* A light foreground means a dark style. The two series take colors of
   * the GNOME palette that keep their contrast on either background. */
  dark = 0.2126 * palette->fg.red + 0.7152 * palette->fg.green + 0.0722 * palette->fg.blue > 0.5;
  if (dark)
    {
      gdk_rgba_parse (&palette->bg, "#1e1e1e");
      gdk_rgba_parse (&palette->series[0], "#62a0ea");
      gdk_rgba_parse (&palette->series[1], "#ffa348");
    }
  else
    {
      gdk_rgba_parse (&palette->bg, "#ffffff");
      gdk_rgba_parse (&palette->series[0], "#1c71d8");
      gdk_rgba_parse (&palette->series[1], "#c64600");
    }
}

void
sp_chart_set_color (cairo_t       *cr,
                    const GdkRGBA *color,
                    double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

void
sp_chart_text_size (GtkWidget  *widget,
                    const char *text,
                    int        *width,
                    int        *height)
{
  g_autoptr(PangoLayout) layout = create_layout (widget, text, FALSE);

  pango_layout_get_pixel_size (layout, width, height);
}

/* Shows @text with its point (@x, @y) at the fraction (@xalign, @yalign)
 * of its box. */
void
sp_chart_show_text (GtkWidget  *widget,
                    cairo_t    *cr,
                    const char *text,
                    double      x,
                    double      y,
                    double      xalign,
                    double      yalign,
                    gboolean    bold)
{
  g_autoptr(PangoLayout) layout = create_layout (widget, text, bold);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, round (x - xalign * width), round (y - yalign * height));
  pango_cairo_show_layout (cr, layout);
}

/* A step of 1, 2 or 5 times a power of ten that cuts @range into about
 * @n_ticks parts. */
double
sp_chart_nice_step (double range,
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

double
sp_chart_x_of (const SpChartFrame *frame,
               double              x)
{
  return frame->left + (frame->right - frame->left) * x / frame->max_x;
}

double
sp_chart_y_of (const SpChartFrame *frame,
               double              y)
{
  return frame->bottom - (frame->bottom - frame->top) * y / frame->max_y;
}

static void
draw_legend_item (GtkWidget               *widget,
                  cairo_t                 *cr,
                  const SpChartLegendItem *item,
                  const GdkRGBA           *fg,
                  double                   x,
                  double                   y,
                  int                      line_height)
{
  double middle = y + line_height / 2.0;

  sp_chart_set_color (cr, item->color, 1);
  cairo_set_line_width (cr, item->line_width);
  cairo_new_path (cr);
  cairo_move_to (cr, x, middle);
  cairo_line_to (cr, x + SP_CHART_SWATCH_WIDTH, middle);
  cairo_stroke (cr);
  if (item->dot)
    {
      cairo_arc (cr, x + SP_CHART_SWATCH_WIDTH / 2, middle, LEGEND_DOT_RADIUS, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  sp_chart_set_color (cr, fg, 0.85);
  sp_chart_show_text (widget, cr, item->text, x + SP_CHART_SWATCH_WIDTH + SP_CHART_GAP, y, 0, 0, FALSE);
}

/* Lays the legend out from (@x, SP_CHART_PADDING) in @width: its items
 * side by side, or one under the other when they do not fit. Draws it
 * when @cr is not NULL. Returns its height. */
double
sp_chart_layout_legend (GtkWidget               *widget,
                        cairo_t                 *cr,
                        const SpChartLegendItem *items,
                        guint                    n_items,
                        const GdkRGBA           *fg,
                        double                   x,
                        double                   width)
{
  g_autofree double *item_widths = g_new0 (double, MAX (n_items, 1));
  double total = 0;
  double y = SP_CHART_PADDING;
  double item_x = x;
  int line_height = 0;

  for (guint i = 0; i < n_items; i++)
    {
      int text_width;

      sp_chart_text_size (widget, items[i].text, &text_width, &line_height);
      item_widths[i] = SP_CHART_SWATCH_WIDTH + SP_CHART_GAP + text_width;
      total += item_widths[i] + (i > 0 ? 4 * SP_CHART_GAP : 0);
    }

  for (guint i = 0; i < n_items; i++)
    {
      if (i > 0 && total > width)
        {
          item_x = x;
          y += line_height + SP_CHART_GAP / 2;
        }
      if (cr != NULL)
        draw_legend_item (widget, cr, &items[i], fg, item_x, y, line_height);
      item_x += item_widths[i] + 4 * SP_CHART_GAP;
    }
  return y + line_height - SP_CHART_PADDING;
}

/* The grid and the tick values of both axes, the title of the x axis
 * under it and the title of the y axis turned on its left. */
void
sp_chart_draw_axes (GtkWidget          *widget,
                    cairo_t            *cr,
                    const SpChartFrame *frame,
                    const GdkRGBA      *fg,
                    int                 height,
                    SpChartFormatFunc   format_x,
                    SpChartFormatFunc   format_y,
                    gpointer            user_data,
                    const char         *x_title,
                    const char         *y_title)
{
  cairo_set_line_width (cr, 1);
  for (double value = 0; value <= frame->max_y + frame->y_step / 2; value += frame->y_step)
    {
      g_autofree char *text = format_y (value, frame->y_decimals, user_data);
      double y = round (sp_chart_y_of (frame, value)) + 0.5;

      sp_chart_set_color (cr, fg, value == 0 ? 0.5 : 0.12);
      cairo_move_to (cr, frame->left, y);
      cairo_line_to (cr, frame->right, y);
      cairo_stroke (cr);
      sp_chart_set_color (cr, fg, 0.7);
      sp_chart_show_text (widget, cr, text, frame->left - SP_CHART_GAP, y, 1, 0.5, FALSE);
    }

  for (double value = 0; value <= frame->max_x + frame->x_step / 2; value += frame->x_step)
    {
      g_autofree char *text = format_x (value, 0, user_data);
      double x = round (sp_chart_x_of (frame, value)) + 0.5;

      sp_chart_set_color (cr, fg, value == 0 ? 0.5 : 0.12);
      cairo_move_to (cr, x, frame->top);
      cairo_line_to (cr, x, frame->bottom);
      cairo_stroke (cr);
      sp_chart_set_color (cr, fg, 0.7);
      sp_chart_show_text (widget, cr, text, x, frame->bottom + SP_CHART_GAP, 0.5, 0, FALSE);
    }

  sp_chart_set_color (cr, fg, 0.85);
  sp_chart_show_text (widget, cr, x_title, (frame->left + frame->right) / 2,
                      height - SP_CHART_PADDING, 0.5, 1, FALSE);

  cairo_save (cr);
  cairo_translate (cr, SP_CHART_PADDING, (frame->top + frame->bottom) / 2);
  cairo_rotate (cr, -G_PI / 2);
  sp_chart_show_text (widget, cr, y_title, 0, 0, 0.5, 0, FALSE);
  cairo_restore (cr);
}
