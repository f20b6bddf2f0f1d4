// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-jsonl.h"

#define MAX_EPOCHS 25

static gboolean
parse_epochs (const char *text,
              guint      *epochs)
{
  guint64 value;

  if (text == NULL || g_str_equal (text, "auto"))
    {
      *epochs = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_EPOCHS, &value, NULL))
    return FALSE;
  *epochs = (guint) value;
  return TRUE;
}

static void
progress_cb (guint64  bytes_read,
             guint64  total_bytes,
             gpointer user_data)
{
  if (total_bytes > 0)
    g_printerr ("\r%s %3u %%", _("Validating…"),
                (guint) (MIN (bytes_read, total_bytes) * 100 / total_bytes));
  else
    g_printerr ("\r%s %llu MB", _("Validating…"), (unsigned long long) (bytes_read / 1000000));
}

static void
print_issues (SpJsonlReport *report,
              const char    *name,
              gboolean       errors)
{
  guint n = errors ? sp_jsonl_report_get_n_listed_errors (report)
                   : sp_jsonl_report_get_n_listed_warnings (report);
  guint64 total = errors ? sp_jsonl_report_get_n_errors (report)
                         : sp_jsonl_report_get_n_warnings (report);

  for (guint i = 0; i < n; i++)
    {
      const SpJsonlIssue *issue = errors ? sp_jsonl_report_get_error (report, i)
                                         : sp_jsonl_report_get_warning (report, i);
      const char *kind = errors ? sp_jsonl_error_class_to_string (issue->kind)
                                : sp_jsonl_warning_kind_to_string (issue->kind);
      const char *prefix = errors ? "" : _("warning: ");

      if (issue->line > 0)
        g_print ("%s%s:%llu: %s: %s\n", prefix, name, (unsigned long long) issue->line, kind,
                 issue->message);
      else
        g_print ("%s%s: %s: %s\n", prefix, name, kind, issue->message);
    }
  if (total > n)
    g_print (errors ? _("%s: … and %llu more errors (only the first %u are listed)\n")
                    : _("%s: … and %llu more warnings (only the first %u are listed)\n"),
             name, (unsigned long long) (total - n), n);
}

static void
print_cost (SpJsonlReport *report)
{
  SpPriceSheet *sheet = sp_jsonl_report_get_price_sheet (report);
  SpMoney cost = sp_jsonl_report_get_training_cost (report);
  g_autofree char *amount = NULL;

  if (sheet == NULL || cost == SP_MONEY_UNKNOWN || cost == SP_MONEY_OVERFLOW)
    {
      g_print (_("Estimated training cost: unknown (no price for %s)\n"),
               sp_jsonl_report_get_model (report));
      return;
    }
  amount = sp_price_sheet_format_amount (sheet, cost, 4);
  g_print (_("Estimated training cost: %s for %s (%s, prices of %s)\n"), amount,
           sp_jsonl_report_get_model (report), sp_price_sheet_get_name (sheet),
           sp_price_sheet_get_date (sheet));
}

static void
print_figures (SpJsonlReport *report)
{
  SpJsonlTokenStats stats;

  sp_jsonl_report_get_token_stats (report, &stats);
  g_print (_("Format: %s; tokens counted with %s for %s\n"),
           sp_jsonl_format_to_string (sp_jsonl_report_get_format (report)),
           sp_jsonl_report_get_encoding (report), sp_jsonl_report_get_model (report));
  g_print (_("Examples: %llu valid of %llu lines\n"),
           (unsigned long long) sp_jsonl_report_get_n_examples (report),
           (unsigned long long) sp_jsonl_report_get_n_lines (report));
  if (stats.n > 0)
    g_print (_("Tokens per example: min %llu, mean %.1f, p50 %.1f, p90 %.1f, max %llu\n"),
             (unsigned long long) stats.min, stats.mean, stats.p50, stats.p90,
             (unsigned long long) stats.max);
  g_print (sp_jsonl_report_get_epochs_auto (report)
             ? _("Billed tokens: %llu × %u epochs (automatic) = %llu\n")
             : _("Billed tokens: %llu × %u epochs = %llu\n"),
           (unsigned long long) sp_jsonl_report_get_billed_tokens (report),
           sp_jsonl_report_get_epochs (report),
           (unsigned long long) sp_jsonl_report_get_billed_training_tokens (report));
  print_cost (report);
  g_print (_("%llu errors, %llu warnings\n"),
           (unsigned long long) sp_jsonl_report_get_n_errors (report),
           (unsigned long long) sp_jsonl_report_get_n_warnings (report));
}

/* In a worker thread, so that the main loop runs and Ctrl+C cancels. */
static SpJsonlReport *
validate (const char     *path,
          const char     *model,
          guint           epochs,
          SpJsonlFormat   format,
          SpPriceSheet   *sheet,
          GError        **error)
{
  SpJsonlProgressFunc progress = sp_cli_stderr_is_terminal () ? progress_cb : NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = NULL;

  if (g_str_equal (path, "-"))
    file = g_file_new_for_path ("/dev/stdin");
  else
    file = g_file_new_for_commandline_arg (path);
  sp_jsonl_validate_async (file, model, epochs, format, sheet, sp_cli_get_cancellable (),
                           progress, NULL, sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  if (progress != NULL)
    g_printerr ("\r\033[K");
  return sp_jsonl_validate_finish (result, error);
}

int
sp_cli_validate (int    argc,
                 char **argv)
{
  g_autofree char *model = NULL;
  g_autofree char *epochs_text = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *sheet_name = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("The model to fine-tune (default: gpt-4o-mini)"), N_("M") },
    { "epochs", 0, 0, G_OPTION_ARG_STRING, &epochs_text, N_("Epochs: “auto” (OpenAI’s rule, the default) or 1 to 25"), N_("E") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("Format: chat or completion (default: from the first line)"), N_("FORMAT") },
    { "sheet", 0, 0, G_OPTION_ARG_STRING, &sheet_name, N_("Price sheet id or file (default: the newest one with the model)"), N_("NAME|FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(SpPriceSheet) sheet = NULL;
  SpJsonlFormat format = SP_JSONL_FORMAT_AUTO;
  GError *error = NULL;
  guint epochs = 0;

  if (!sp_cli_parse_options ("validate", "FILE.jsonl|-",
                             _("Check a fine-tuning file line by line and estimate what training on it costs."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc != 2)
    return sp_cli_usage_error (_("“validate” checks one file: give its name, or - for standard input."));
  if (!parse_epochs (epochs_text, &epochs))
    return sp_cli_usage_error (_("--epochs must be “auto” or a whole number from 1 to %d."), MAX_EPOCHS);
  if (format_name != NULL &&
      (!sp_jsonl_format_from_string (format_name, &format) || format == SP_JSONL_FORMAT_AUTO))
    return sp_cli_usage_error (_("--format must be “chat” or “completion”."));

  if (sheet_name != NULL)
    {
      sheet = sp_price_sheet_find (sheet_name, &error);
      if (sheet == NULL)
        return sp_cli_fail (error);
    }
  report = validate (argv[1], model, epochs, format, sheet, &error);
  if (report == NULL)
    return sp_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = sp_jsonl_report_to_json (report);

      sp_cli_print_json (root);
    }
  else
    {
      print_issues (report, argv[1], TRUE);
      print_issues (report, argv[1], FALSE);
      print_figures (report);
    }
  return sp_jsonl_report_get_n_errors (report) > 0 ? SP_CLI_EXIT_FAILURE : SP_CLI_EXIT_OK;
}
