// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-gallery.h"
#include "sp-report.h"

int
sp_cli_report (int    argc,
               char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *search = NULL;
  g_autofree char *model = NULL;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The report: FILE.html (one file, images inside) or FILE.md (images in a folder beside it)"), N_("FILE") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Only the comparisons with these words"), N_("TEXT") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Only the comparisons of this model"), N_("MODEL") },
    { NULL }
  };
  g_autoptr(SpStore) store = NULL;
  g_autoptr(SpGallery) gallery = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SpReportFormat format;
  GError *error = NULL;

  if (!sp_cli_parse_options ("report", NULL,
                             _("Write the gallery of comparisons as a report: prompts, images, notes, votes, score and costs."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (out == NULL)
    return sp_cli_usage_error (_("Give the report file: --out FILE.html or --out FILE.md."));
  if (!sp_report_format_for_path (out, &format, &error))
    {
      int status = sp_cli_usage_error ("%s", error->message);

      g_error_free (error);
      return status;
    }

  store = sp_store_new (NULL, &error);
  if (store == NULL)
    return sp_cli_fail (error);
  gallery = sp_gallery_new (store);
  g_object_set (gallery, "search-text", search, "model-filter", model, NULL);
  if (!sp_gallery_reload_sync (gallery, &error))
    return sp_cli_fail (error);

  sp_report_write_async (gallery, out, format, sp_cli_get_cancellable (), sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  if (!sp_report_write_finish (result, &error))
    return sp_cli_fail (error);

  if (sp_cli_stderr_is_terminal ())
    g_printerr (_("Wrote %u comparisons to “%s”.\n"),
                g_list_model_get_n_items (G_LIST_MODEL (gallery)), out);
  return SP_CLI_EXIT_OK;
}
