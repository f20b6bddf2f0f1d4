// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Drawing shared by the charts (SpCostChart, SpLossChart): a snapshot
 * drawn with cairo, fixed sizes, the colors from the widget's style, text in the widget's font, a "nice" tick step,
 * a legend of line swatches, and axes with a grid, tick values and turned
 * titles. Plain functions over a GtkWidget and a cairo_t. */

#define SP_CHART_PADDING      12.0
#define SP_CHART_GAP          6.0
#define SP_CHART_SWATCH_WIDTH 20.0

/* The colors of one drawing: the style's foreground, the view's
 * background and two series colors of the GNOME palette that keep their
 * contrast on either background. */
typedef struct
{
  GdkRGBA fg;
  GdkRGBA bg;
  GdkRGBA series[2];
} SpChartPalette;

/* Where the plot goes inside the widget, and the range it shows. */
typedef struct
{
  double left;
  double top;
  double right;
  double bottom;
  double max_x;
  double max_y;
  double x_step;
  double y_step;
  int    y_decimals;
} SpChartFrame;

/* One item of a legend: a line swatch, with a dot in its middle when
 * @dot is set. @color may be NULL while the legend is only measured. */
typedef struct
{
  const char    *text;
  const GdkRGBA *color;
  double         line_width;
  gboolean       dot;
} SpChartLegendItem;

/* Draws the chart of @widget on @cr, @width × @height. */
typedef void (*SpChartDrawFunc) (GtkWidget *widget,
                                 cairo_t   *cr,
                                 int        width,
                                 int        height);

/* The text of a tick value, with @decimals decimals on the y axis. */
typedef char *(*SpChartFormatFunc) (double   value,
                                    int      decimals,
                                    gpointer user_data);

void   sp_chart_snapshot      (GtkWidget               *widget,
                               GtkSnapshot             *snapshot,
                               SpChartDrawFunc          draw);
void   sp_chart_measure       (GtkOrientation           orientation,
                               int                      min_width,
                               int                      natural_width,
                               int                      min_height,
                               int                      natural_height,
                               int                     *minimum,
                               int                     *natural);
void   sp_chart_get_palette   (GtkWidget               *widget,
                               SpChartPalette          *palette);
void   sp_chart_set_color     (cairo_t                 *cr,
                               const GdkRGBA           *color,
                               double                   alpha);
void   sp_chart_text_size     (GtkWidget               *widget,
                               const char              *text,
                               int                     *width,
                               int                     *height);
void   sp_chart_show_text     (GtkWidget               *widget,
                               cairo_t                 *cr,
                               const char              *text,
                               double                   x,
                               double                   y,
                               double                   xalign,
                               double                   yalign,
                               gboolean                 bold);
double sp_chart_nice_step     (double                   range,
                               int                      n_ticks);
double sp_chart_x_of          (const SpChartFrame      *frame,
                               double                   x);
double sp_chart_y_of          (const SpChartFrame      *frame,
                               double                   y);
double sp_chart_layout_legend (GtkWidget               *widget,
                               cairo_t                 *cr,
                               const SpChartLegendItem *items,
                               guint                    n_items,
                               const GdkRGBA           *fg,
                               double                   x,
                               double                   width);
void   sp_chart_draw_axes     (GtkWidget               *widget,
                               cairo_t                 *cr,
                               const SpChartFrame      *frame,
                               const GdkRGBA           *fg,
                               int                      height,
                               SpChartFormatFunc        format_x,
                               SpChartFormatFunc        format_y,
                               gpointer                 user_data,
                               const char              *x_title,
                               const char              *y_title);

G_END_DECLS
