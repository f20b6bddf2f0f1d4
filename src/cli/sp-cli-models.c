// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"

int
sp_cli_models (int    argc,
               char **argv)
{
  g_autofree char *provider_id = NULL;
  g_autofree char *base_url = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_id, N_("Saved provider profile"), N_("ID") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Base URL of an OpenAI-compatible server"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) models = NULL;
  GError *error = NULL;

  if (!sp_cli_parse_options ("models", NULL, _("List the models the provider offers."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("“models” takes no arguments."));

  client = sp_cli_make_client (provider_id, base_url, &error);
  if (client == NULL)
    return sp_cli_fail (error);

  sp_client_list_models_async (client, sp_cli_get_cancellable (),
                               sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  models = sp_client_list_models_finish (client, result, &error);
  if (models == NULL)
    return sp_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; models[i] != NULL; i++)
        json_builder_add_string_value (builder, models[i]);
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      sp_cli_print_json (root);
    }
  else
    {
      for (guint i = 0; models[i] != NULL; i++)
        g_print ("%s\n", models[i]);
    }
  return SP_CLI_EXIT_OK;
}
