// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-report"

#include "config.h"

#include "sp-report.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sp-error.h"
#include "sp-image-store.h"

/* Bytes of an image read and encoded at a time (a multiple of 3, so that
 * the base64 pieces join without padding in the middle). */
#define IMAGE_CHUNK (3 * 16 * 1024)

typedef struct
{
  SpGallery      *gallery;
  GArray         *ids;
  char           *path;
  SpReportFormat  format;
} ReportData;

typedef struct
{
  SpReportFormat  format;
  GOutputStream  *out;
  GCancellable   *cancellable;
  char           *images_dir;      /* Markdown: where images are copied */
  char           *images_dir_name; /* and its name, for the links */
  GString        *buffer;
  SpMoney         total_cost;
  gboolean        cost_unknown;
} Writer;

static void
report_data_free (ReportData *data)
{
  g_clear_object (&data->gallery);
  g_clear_pointer (&data->ids, g_array_unref);
  g_free (data->path);
  g_free (data);
}

gboolean
sp_report_format_for_path (const char      *path,
                           SpReportFormat  *format,
                           GError         **error)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".md") || g_str_has_suffix (lower, ".markdown"))
    *format = SP_REPORT_FORMAT_MARKDOWN;
  else if (g_str_has_suffix (lower, ".html") || g_str_has_suffix (lower, ".htm"))
    *format = SP_REPORT_FORMAT_HTML;
  else
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("The report “%s” needs a name ending in .html (one file with the images inside) or .md (Markdown, images in a folder beside it)."),
                   path);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Escaping                                                            */
/* ------------------------------------------------------------------ */

static void
append_html (GString    *out,
             const char *text)
{
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&':
          g_string_append (out, "&amp;");
          break;
        case '<':
          g_string_append (out, "&lt;");
          break;
        case '>':
          g_string_append (out, "&gt;");
          break;
        case '"':
          g_string_append (out, "&quot;");
          break;
        case '\'':
          g_string_append (out, "&#39;");
          break;
        case '\n':
          g_string_append (out, "<br>");
          break;
        default:
          g_string_append_c (out, *p);
        }
    }
}

/* Markdown would read these as markup (and its HTML as HTML): each gets a
 * backslash, and < > & become entities. */
static void
append_markdown (GString    *out,
                 const char *text)
{
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (*p == '<')
        g_string_append (out, "&lt;");
      else if (*p == '>')
        g_string_append (out, "&gt;");
      else if (*p == '&')
        g_string_append (out, "&amp;");
      else if (*p == '\n')
        g_string_append (out, "  \n");
      else
        {
          if (strchr ("\\`*_{}[]()#+-.!|~", *p) != NULL)
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
    }
}

static void
append_text (Writer     *w,
             const char *text)
{
  if (w->format == SP_REPORT_FORMAT_HTML)
    append_html (w->buffer, text);
  else
    append_markdown (w->buffer, text);
}

static gboolean
flush (Writer  *w,
       GError **error)
{
  gboolean ok = g_output_stream_write_all (w->out, w->buffer->str, w->buffer->len, NULL,
                                           w->cancellable, error);

  g_string_truncate (w->buffer, 0);
  return ok;
}

static char *
format_money (SpMoney amount)
{
  if (amount < 0)
    return g_strdup (_("unknown"));
  return sp_money_format_currency (amount, "USD", 6);
}

/* ------------------------------------------------------------------ */
/* Pieces                                                              */
/* ------------------------------------------------------------------ */

static const char *
winner_words (SpComparison *c)
{
  switch (sp_comparison_get_winner (c))
    {
    case SP_WINNER_A:
    case SP_WINNER_B:
      return NULL;
    case SP_WINNER_TIE:
      return _("Tie");
    case SP_WINNER_BOTH_BAD:
      return _("Both bad");
    case SP_WINNER_NONE:
    default:
      return _("Not voted yet");
    }
}

static const char *
mode_words (SpPairMode mode)
{
  return mode == SP_PAIR_MODE_SHORT ? _("short prompt") : _("full few-shot prompt");
}

static void
write_score_table (Writer     *w,
                   GListModel *scores,
                   SpScoreKind kind)
{
  const char *heading = kind == SP_SCORE_KIND_MODEL ? _("Model") : _("Prompt mode");
  const char *columns[] = { heading, _("Wins"), _("Ties"), _("Losses"), _("Both bad"),
                            _("Not voted"), _("Cost per prompt") };
  gboolean html = w->format == SP_REPORT_FORMAT_HTML;

  if (html)
    {
      g_string_append (w->buffer, "<table>\n<tr>");
      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        {
          g_string_append (w->buffer, "<th>");
          append_html (w->buffer, columns[i]);
          g_string_append (w->buffer, "</th>");
        }
      g_string_append (w->buffer, "</tr>\n");
    }
  else
    {
      g_string_append (w->buffer, "|");
      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        g_string_append_printf (w->buffer, " %s |", columns[i]);
      g_string_append (w->buffer, "\n|---|---:|---:|---:|---:|---:|---:|\n");
    }

  for (guint i = 0; i < g_list_model_get_n_items (scores); i++)
    {
      g_autoptr(SpScore) score = g_list_model_get_item (scores, i);
      g_autofree char *cost = NULL;
      const char *name;

      if (sp_score_get_kind (score) != kind)
        continue;
      cost = format_money (sp_score_get_cost_per_prompt (score));
      name = sp_score_get_name (score);
      if (kind == SP_SCORE_KIND_PROMPT_MODE)
        name = g_strcmp0 (name, "short") == 0 ? mode_words (SP_PAIR_MODE_SHORT) : mode_words (SP_PAIR_MODE_FULL);

      g_string_append (w->buffer, html ? "<tr><td>" : "| ");
      append_text (w, name);
      g_string_append_printf (w->buffer, html ? "</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%s</td></tr>\n"
                                              : " | %u | %u | %u | %u | %u | %s |\n",
                              sp_score_get_wins (score), sp_score_get_ties (score),
                              sp_score_get_losses (score), sp_score_get_both_bad (score),
                              sp_score_get_unvoted (score), cost);
    }
  g_string_append (w->buffer, html ? "</table>\n" : "\n");
}

static gboolean
write_image_html (Writer   *w,
                  SpImage  *image,
                  GError  **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (sp_image_get_path (image));
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guchar *chunk = g_malloc (IMAGE_CHUNK);
  g_autofree char *encoded = g_malloc (IMAGE_CHUNK / 3 * 4 + 4);
  g_autoptr(GError) local_error = NULL;

  in = g_file_read (file, w->cancellable, &local_error);
  if (in == NULL)
    {
      /* A missing file is worth a line, not a failed report. */
      g_string_append (w->buffer, "<p class=\"missing\">");
      append_html (w->buffer, _("An image of this comparison is missing from the library."));
      g_string_append (w->buffer, "</p>\n");
      return TRUE;
    }

  g_string_append_printf (w->buffer, "<img alt=\"\" width=\"%u\" height=\"%u\" src=\"data:%s;base64,",
                          sp_image_get_width (image), sp_image_get_height (image),
                          sp_image_get_mime_type (image));
  if (!flush (w, error))
    return FALSE;
  for (;;)
    {
      gsize n = 0;

      if (!g_input_stream_read_all (G_INPUT_STREAM (in), chunk, IMAGE_CHUNK, &n, w->cancellable, error))
        return FALSE;
      if (n == 0)
        break;
      {
        int state = 0;
        int save = 0;
        gsize len = g_base64_encode_step (chunk, n, FALSE, encoded, &state, &save);

        len += g_base64_encode_close (FALSE, encoded + len, &state, &save);
        if (!g_output_stream_write_all (w->out, encoded, len, NULL, w->cancellable, error))
          return FALSE;
      }
      if (n < IMAGE_CHUNK)
        break;
    }
  g_string_append (w->buffer, "\">\n");
  return TRUE;
}

static gboolean
write_image_markdown (Writer   *w,
                      SpImage  *image,
                      GError  **error)
{
  g_autofree char *name = g_strconcat (sp_image_get_hash (image), ".", sp_image_get_extension (image), NULL);
  g_autofree char *target = g_build_filename (w->images_dir, name, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (sp_image_get_path (image));
  g_autoptr(GFile) to = g_file_new_for_path (target);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (w->images_dir, 0755) != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("The folder “%s” for the images of the report could not be created."), w->images_dir);
      return FALSE;
    }
  if (!g_file_query_exists (to, w->cancellable) &&
      !g_file_copy (from, to, G_FILE_COPY_NONE, w->cancellable, NULL, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_string_append (w->buffer, "*");
      append_markdown (w->buffer, _("An image of this comparison is missing from the library."));
      g_string_append (w->buffer, "*\n\n");
      return TRUE;
    }
  /* Hashes and extensions need no escaping. */
  g_string_append_printf (w->buffer, "![](%s/%s)\n\n", w->images_dir_name, name);
  return TRUE;
}

static gboolean
write_side (Writer            *w,
            SpComparison      *c,
            SpComparisonSide  *side,
            GError           **error)
{
  gboolean html = w->format == SP_REPORT_FORMAT_HTML;
  GListModel *images = sp_comparison_side_get_images (side);
  SpMoney cost = sp_comparison_side_get_cost (side);
  g_autofree char *cost_text = format_money (cost);
  g_autofree char *usage = NULL;
  gboolean won = (sp_comparison_get_winner (c) == SP_WINNER_A && sp_comparison_side_get_side (side) == SP_SIDE_A) ||
                 (sp_comparison_get_winner (c) == SP_WINNER_B && sp_comparison_side_get_side (side) == SP_SIDE_B);

  if (cost >= 0)
    w->total_cost = w->total_cost > G_MAXINT64 - cost ? G_MAXINT64 : w->total_cost + cost;
  else
    w->cost_unknown = TRUE;

  usage = g_strdup_printf (_("%lld prompt tokens, %lld completion tokens, cost %s"),
                           (long long) sp_comparison_side_get_prompt_tokens (side),
                           (long long) sp_comparison_side_get_completion_tokens (side), cost_text);

  g_string_append (w->buffer, html ? "<div class=\"side\">\n<h3>" : "### ");
  append_text (w, sp_comparison_side_get_label (side));
  g_string_append (w->buffer, " (");
  append_text (w, mode_words (sp_comparison_side_get_prompt_mode (side)));
  g_string_append (w->buffer, ")");
  if (won)
    {
      g_string_append (w->buffer, " — ");
      append_text (w, _("winner"));
    }
  g_string_append (w->buffer, html ? "</h3>\n<blockquote>" : "\n\n> ");
  append_text (w, sp_comparison_side_get_text (side));
  g_string_append (w->buffer, html ? "</blockquote>\n<p class=\"usage\">" : "\n\n");
  append_text (w, usage);
  g_string_append (w->buffer, html ? "</p>\n" : "\n\n");
  if (sp_comparison_side_get_error (side) != NULL)
    {
      g_string_append (w->buffer, html ? "<p class=\"error\">" : "**");
      append_text (w, sp_comparison_side_get_error (side));
      g_string_append (w->buffer, html ? "</p>\n" : "**\n\n");
    }

  for (guint i = 0; i < g_list_model_get_n_items (images); i++)
    {
      g_autoptr(SpImage) image = g_list_model_get_item (images, i);

      if (!(html ? write_image_html (w, image, error) : write_image_markdown (w, image, error)))
        return FALSE;
    }
  if (html)
    g_string_append (w->buffer, "</div>\n");
  return TRUE;
}

static gboolean
write_comparison (Writer        *w,
                  SpComparison  *c,
                  GError       **error)
{
  gboolean html = w->format == SP_REPORT_FORMAT_HTML;
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (sp_comparison_get_created_at (c));
  g_autofree char *when = date != NULL ? g_date_time_format (date, "%Y-%m-%d %H:%M") : g_strdup ("");
  const char *verdict = winner_words (c);
  const char *notes = sp_comparison_get_notes (c);

  g_string_append (w->buffer, html ? "<section>\n<h2>" : "## ");
  append_text (w, sp_comparison_get_subject (c));
  g_string_append (w->buffer, html ? "</h2>\n<p class=\"meta\">" : "\n\n");
  append_text (w, when);
  if (sp_comparison_get_blind (c))
    {
      g_string_append (w->buffer, " · ");
      append_text (w, _("blind"));
    }
  if (verdict != NULL)
    {
      g_string_append (w->buffer, " · ");
      append_text (w, verdict);
    }
  g_string_append (w->buffer, html ? "</p>\n<div class=\"sides\">\n" : "\n\n");

  for (guint i = 0; i < 2; i++)
    if (!write_side (w, c, sp_comparison_get_side_at (c, i), error))
      return FALSE;
  if (html)
    g_string_append (w->buffer, "</div>\n");

  if (notes != NULL && *notes != '\0')
    {
      g_string_append (w->buffer, html ? "<h3>" : "**");
      append_text (w, _("Notes"));
      g_string_append (w->buffer, html ? "</h3>\n<p class=\"notes\">" : "**\n\n");
      append_text (w, notes);
      g_string_append (w->buffer, html ? "</p>\n" : "\n\n");
    }
  g_string_append (w->buffer, html ? "</section>\n" : "\n");
  return flush (w, error);
}

static const char html_head[] =
  "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n"
  "<meta name=\"viewport\" content=\"width=device-width\">\n<title>";

static const char html_style[] =
  "</title>\n<style>\n"
  "body { font-family: sans-serif; max-width: 70em; margin: auto; padding: 1em; }\n"
  "table { border-collapse: collapse; margin-bottom: 1em; }\n"
  "th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: right; }\n"
  "th:first-child, td:first-child { text-align: left; }\n"
  ".sides { display: flex; gap: 1em; }\n.side { flex: 1; min-width: 0; }\n"
  "img { max-width: 100%; height: auto; display: block; margin: .5em 0; }\n"
  "blockquote { background: #f4f4f4; margin: 0; padding: .6em; }\n"
  ".meta, .usage { color: #555; }\n.error, .missing { color: #a00; }\n"
  "</style>\n</head>\n<body>\n";

static gboolean
write_report (ReportData    *data,
              Writer        *w,
              GError       **error)
{
  gboolean html = w->format == SP_REPORT_FORMAT_HTML;
  g_autoptr(GListModel) scores = sp_gallery_scoreboard_sync (data->gallery, error);
  g_autofree char *total = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *summary = NULL;

  if (scores == NULL)
    return FALSE;

  if (html)
    {
      g_string_append (w->buffer, html_head);
      append_html (w->buffer, _("Starprompt comparisons"));
      g_string_append (w->buffer, html_style);
      g_string_append (w->buffer, "<h1>");
      append_html (w->buffer, _("Starprompt comparisons"));
      g_string_append (w->buffer, "</h1>\n<p class=\"meta\">");
    }
  else
    g_string_append_printf (w->buffer, "# %s\n\n", _("Starprompt comparisons"));

  summary = g_strdup_printf (_("%u comparisons, written on %s."), data->ids->len, today);
  append_text (w, summary);
  g_string_append (w->buffer, html ? "</p>\n<h2>" : "\n\n## ");
  append_text (w, _("Score"));
  g_string_append (w->buffer, html ? "</h2>\n" : "\n\n");
  write_score_table (w, scores, SP_SCORE_KIND_MODEL);
  write_score_table (w, scores, SP_SCORE_KIND_PROMPT_MODE);
  if (!flush (w, error))
    return FALSE;

  for (guint i = 0; i < data->ids->len; i++)
    {
      g_autoptr(SpComparison) c = NULL;

      if (g_cancellable_set_error_if_cancelled (w->cancellable, error))
        return FALSE;
      c = sp_gallery_load_comparison_sync (data->gallery, g_array_index (data->ids, gint64, i), error);
      if (c == NULL || !write_comparison (w, c, error))
        return FALSE;
    }

  total = format_money (w->total_cost);
  {
    g_autofree char *line = w->cost_unknown
      ? g_strdup_printf (_("Total cost of the answers: %s, and some answers of unknown cost."), total)
      : g_strdup_printf (_("Total cost of the answers: %s."), total);

    g_string_append (w->buffer, html ? "<p class=\"total\">" : "");
    append_text (w, line);
    g_string_append (w->buffer, html ? "</p>\n</body>\n</html>\n" : "\n");
  }
  return flush (w, error);
}

static gboolean
write_to_path (ReportData    *data,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (data->path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;
  Writer w = { 0 };
  gboolean ok;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, &local_error);
  if (out == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("The report could not be written to “%s”: %s."), data->path, local_error->message);
      return FALSE;
    }

  w.format = data->format;
  w.out = G_OUTPUT_STREAM (out);
  w.cancellable = cancellable;
  w.buffer = g_string_new (NULL);
  if (data->format == SP_REPORT_FORMAT_MARKDOWN)
    {
      g_autofree char *base = g_path_get_basename (data->path);
      g_autofree char *dir = g_path_get_dirname (data->path);
      char *dot = strrchr (base, '.');

      if (dot != NULL)
        *dot = '\0';
      w.images_dir_name = g_strconcat (base, "-images", NULL);
      w.images_dir = g_build_filename (dir, w.images_dir_name, NULL);
    }

  ok = write_report (data, &w, &local_error);
  /* Closing commits the replacement; on failure the old file stays. */
  if (ok)
    ok = g_output_stream_close (w.out, cancellable, &local_error);
  else
    {
      g_autoptr(GCancellable) abort = g_cancellable_new ();

      g_cancellable_cancel (abort);
      g_output_stream_close (w.out, abort, NULL);
    }

  g_string_free (w.buffer, TRUE);
  g_free (w.images_dir);
  g_free (w.images_dir_name);

  if (!ok)
    {
      if (local_error->domain == SP_ERROR || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                     _("The report could not be written to “%s”: %s."), data->path, local_error->message);
    }
  return ok;
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ReportData *data = task_data;
  GError *error = NULL;
  gboolean ok = write_to_path (data, cancellable, &error);

  /* Let go of the gallery before the caller hears of the end, so that it
   * is never finalized here after the caller is done with it. */
  g_clear_object (&data->gallery);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static ReportData *
report_data_new (SpGallery      *gallery,
                 GArray         *ids,
                 const char     *path,
                 SpReportFormat  format)
{
  ReportData *data = g_new0 (ReportData, 1);

  data->gallery = g_object_ref (gallery);
  data->ids = ids != NULL ? g_array_ref (ids) : sp_gallery_dup_ids (gallery);
  data->path = g_strdup (path);
  data->format = format;
  return data;
}

void
sp_report_write_async (SpGallery           *gallery,
                       const char          *path,
                       SpReportFormat       format,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_GALLERY (gallery));
  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_report_write_async);
  g_task_set_task_data (task, report_data_new (gallery, NULL, path, format),
                        (GDestroyNotify) report_data_free);
  g_task_run_in_thread (task, write_in_thread);
}

gboolean
sp_report_write_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sp_report_write_sync (SpGallery      *gallery,
                      GArray         *ids,
                      const char     *path,
                      SpReportFormat  format,
                      GCancellable   *cancellable,
                      GError        **error)
{
  ReportData *data;
  gboolean ok;

  g_return_val_if_fail (SP_IS_GALLERY (gallery), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  data = report_data_new (gallery, ids, path, format);
  ok = write_to_path (data, cancellable, error);
  report_data_free (data);
  return ok;
}
