// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-render.h"

int
sp_cli_render (int    argc,
               char **argv)
{
  g_autofree char *backend_name = NULL;
  g_autofree char *url = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *out = NULL;
  g_autofree char *model = NULL;
  int long_side = 0;
  int steps = 0;
  const GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_name, N_("openai-images or automatic1111 (also Forge)"), N_("NAME") },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, N_("Server address; default: $OPENAI_BASE_URL or OpenAI, or http://127.0.0.1:7860"), N_("URL") },
    { "prompt", 0, 0, G_OPTION_ARG_STRING, &prompt, N_("The prompt; Midjourney parameters such as --ar 3:2 are translated"), N_("TEXT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Where to write the image"), N_("FILE.png") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Images API model (default dall-e-3)"), N_("M") },
    { "long-side", 0, 0, G_OPTION_ARG_INT, &long_side, N_("Stable Diffusion: pixels on the longer side (default 1024)"), N_("N") },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, N_("Stable Diffusion: sampling steps"), N_("N") },
    { NULL }
  };
  g_autoptr(SpRender) renderer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) image = NULL;
  SpRenderBackend backend;
  const char *key = NULL;
  GError *error = NULL;

  if (!sp_cli_parse_options ("render", NULL,
                             _("Render a prompt to an image through the OpenAI Images API or an AUTOMATIC1111/Forge server."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (backend_name == NULL || !sp_render_backend_from_string (backend_name, &backend))
    return sp_cli_usage_error (_("Give the backend: --backend openai-images or --backend automatic1111."));
  if (prompt == NULL || out == NULL)
    return sp_cli_usage_error (_("Give the prompt and the image file: --prompt TEXT --out FILE.png."));
  if (long_side < 0 || steps < 0)
    return sp_cli_usage_error (_("--long-side and --steps must not be negative."));

  if (backend == SP_RENDER_BACKEND_OPENAI_IMAGES)
    {
      key = g_getenv ("OPENAI_API_KEY");
      if (url == NULL)
        url = g_strdup (g_getenv ("OPENAI_BASE_URL"));
    }
  renderer = sp_render_new (backend, url, key, &error);
  if (renderer == NULL)
    return sp_cli_fail (error);
  if (model != NULL)
    sp_render_set_model (renderer, model);
  if (long_side > 0)
    sp_render_set_long_side (renderer, (guint) long_side);
  if (steps > 0)
    sp_render_set_steps (renderer, (guint) steps);

  if (sp_cli_stderr_is_terminal ())
    g_printerr (_("Rendering with %s…\n"), sp_render_get_url (renderer));
  sp_render_image_async (renderer, prompt, sp_cli_get_cancellable (), sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  image = sp_render_image_finish (renderer, result, &error);
  if (image == NULL)
    return sp_cli_fail (error);

  if (!g_file_set_contents_full (out, g_bytes_get_data (image, NULL), g_bytes_get_size (image),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    return sp_cli_fail (error);
  return SP_CLI_EXIT_OK;
}
