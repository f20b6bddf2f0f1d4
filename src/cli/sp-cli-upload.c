// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-client-files.h"

typedef struct
{
  char   *name;
  gint64  last_draw;
} Progress;

static void
draw_progress_cb (guint64  sent,
                  guint64  total,
                  gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *line = NULL;
  guint percent;

  /* Ten times a second is enough for a person. */
  if (sent < total && now - progress->last_draw < G_USEC_PER_SEC / 10)
    return;
  progress->last_draw = now;

  percent = total > 0 ? (guint) (sent * 100 / total) : 100;
  sent_text = g_format_size (sent);
  total_text = g_format_size (total);
  /* TRANSLATORS: the progress line of an upload: file name, percent, sizes. */
  line = g_strdup_printf (_("Uploading %s: %u%% (%s of %s)"), progress->name, percent, sent_text, total_text);
  g_printerr ("\r%s   ", line);
}

static void
print_file (SpUploadedFile *file,
            gboolean        json)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!json)
    {
      g_print ("%s\n", file->id);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, file->id);
  json_builder_set_member_name (builder, "filename");
  json_builder_add_string_value (builder, file->filename);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, file->bytes);
  json_builder_set_member_name (builder, "purpose");
  json_builder_add_string_value (builder, file->purpose);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, file->status);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  sp_cli_print_json (root);
}

int
sp_cli_upload (int    argc,
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
  g_autoptr(SpUploadedFile) uploaded = NULL;
  g_autoptr(GFile) file = NULL;
  Progress progress = { 0 };
  gboolean show_progress;
  GError *error = NULL;

  if (!sp_cli_parse_options ("upload", _("FILE.jsonl"),
                             _("Upload a training file for fine-tuning and print its file id."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc != 2)
    return sp_cli_usage_error (_("“upload” takes one JSONL file."));

  client = sp_cli_make_client (provider_id, base_url, &error);
  if (client == NULL)
    return sp_cli_fail (error);

  file = g_file_new_for_commandline_arg (argv[1]);
  progress.name = g_file_get_basename (file);
  show_progress = sp_cli_stderr_is_terminal ();

  sp_client_upload_file_async (client, file, "fine-tune",
                               show_progress ? draw_progress_cb : NULL, &progress,
                               sp_cli_get_cancellable (), sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  uploaded = sp_client_upload_file_finish (client, result, &error);
  if (show_progress)
    g_printerr ("\n");
  g_free (progress.name);
  if (uploaded == NULL)
    return sp_cli_fail (error);

  print_file (uploaded, json);
  return SP_CLI_EXIT_OK;
}
