// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "sp-cli.h"

static SpTemplate *
load_template (const char  *path,
               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (path == NULL)
    return sp_template_new_builtin ();
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return sp_template_new_from_json (contents, length, error);
}

/* The story of the request: a file, standard input, or a built-in story
 * picked at random (or by --seed). */
static SpStory *
load_story (const char  *path,
            guint64      seed,
            GError     **error)
{
  g_autoptr(GListModel) builtin = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (path != NULL)
    {
      g_autofree char *title = NULL;
      const char *newline;

      text = sp_cli_read_input (path, NULL, error);
      if (text == NULL)
        return NULL;
      g_strstrip (text);
      if (*text == '\0')
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("The story is empty. Write a few sentences to turn into a prompt."));
          return NULL;
        }
      newline = strchr (text, '\n');
      title = newline ? g_strndup (text, newline - text) : g_strdup (text);
      return sp_story_new (title, text);
    }

  builtin = sp_story_get_builtin ();
  n = g_list_model_get_n_items (builtin);
  if (n == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED, _("No built-in stories were found."));
      return NULL;
    }
  if (seed != 0)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) (seed ^ (seed >> 32)));
      return g_list_model_get_item (builtin, g_rand_int_range (rand, 0, n));
    }
  return g_list_model_get_item (builtin, g_random_int_range (0, n));
}

static void
print_delta_cb (const char *delta,
                gpointer    user_data)
{
  fputs (delta, stdout);
  fflush (stdout);
}

static const char *
default_model (SpClient *client)
{
  const char *model = sp_provider_get_default_model (sp_client_get_provider (client));

  return model != NULL ? model : "gpt-4o-mini";
}

int
sp_cli_generate (int    argc,
                 char **argv)
{
  g_autofree char *provider_id = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *template_path = NULL;
  g_autofree char *story_path = NULL;
  g_autofree char *model = NULL;
  g_autofree char *subject = NULL;
  gboolean stream = FALSE;
  gboolean is_short = FALSE;
  gboolean json = FALSE;
  gint64 seed = 0;
  const GOptionEntry entries[] = {
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &template_path, N_("Few-shot template (JSON); default: the built-in sci-fi template"), N_("FILE") },
    { "story", 0, 0, G_OPTION_ARG_FILENAME, &story_path, N_("Story to turn into a prompt, or - for standard input; default: a built-in story"), N_("FILE") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Model"), N_("M") },
    { "stream", 0, 0, G_OPTION_ARG_NONE, &stream, N_("Print the answer as it arrives"), NULL },
    { "short", 0, 0, G_OPTION_ARG_NONE, &is_short, N_("Use the short prompt (“… prompt about SUBJECT”), as for a fine-tuned model"), NULL },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("Subject of the short prompt; default: the story’s title"), N_("TEXT") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed for the story pick and the offline generator"), N_("S") },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_id, N_("Saved provider profile"), N_("ID") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Base URL of an OpenAI-compatible server"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SpClient) client = NULL;
  g_autoptr(SpTemplate) template = NULL;
  g_autoptr(SpStory) story = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SpGenerateResult) answer = NULL;
  g_autoptr(JsonArray) messages = NULL;
  g_autofree char *prompt = NULL;
  SpGenerateRequest request = { 0 };
  gboolean completion;
  GError *error = NULL;

  if (!sp_cli_parse_options ("generate", NULL, _("Turn a story into an image prompt with the few-shot template."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (seed < 0)
    return sp_cli_usage_error (_("The seed must not be negative."));

  template = load_template (template_path, &error);
  if (template == NULL || !sp_template_validate (template, &error))
    return sp_cli_fail (error);
  story = load_story (story_path, (guint64) seed, &error);
  if (story == NULL)
    return sp_cli_fail (error);
  client = sp_cli_make_client (provider_id, base_url, &error);
  if (client == NULL)
    return sp_cli_fail (error);

  request.model = model != NULL ? model : default_model (client);
  request.stream = stream;
  request.seed = (guint64) seed;
  request.temperature = -1;
  completion = sp_client_model_is_completion (request.model);

  if (is_short)
    {
      prompt = sp_template_render_short (template, subject ? subject : sp_story_get_title (story));
      messages = json_array_new ();
      {
        JsonObject *message = json_object_new ();

        json_object_set_string_member (message, "role", "user");
        json_object_set_string_member (message, "content", prompt);
        json_array_add_object_element (messages, message);
      }
    }
  else if (completion)
    prompt = sp_template_render_completion (template, sp_story_get_text (story));
  else
    messages = sp_template_render_messages (template, sp_story_get_text (story));

  request.prompt = prompt;
  request.messages = messages;

  if (completion)
    sp_client_complete_async (client, &request, stream && !json ? print_delta_cb : NULL, NULL,
                              sp_cli_get_cancellable (), sp_cli_store_result_cb, &result);
  else
    sp_client_chat_async (client, &request, stream && !json ? print_delta_cb : NULL, NULL,
                          sp_cli_get_cancellable (), sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  answer = completion ? sp_client_complete_finish (client, result, &error)
                      : sp_client_chat_finish (client, result, &error);
  if (answer == NULL)
    {
      if (stream && !json)
        g_print ("\n");
      return sp_cli_fail (error);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "story");
      json_builder_add_string_value (builder, sp_story_get_title (story));
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, answer->model ? answer->model : request.model);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, answer->text);
      json_builder_set_member_name (builder, "finish_reason");
      json_builder_add_string_value (builder, answer->finish_reason);
      json_builder_set_member_name (builder, "prompt_tokens");
      json_builder_add_int_value (builder, answer->prompt_tokens);
      json_builder_set_member_name (builder, "completion_tokens");
      json_builder_add_int_value (builder, answer->completion_tokens);
      json_builder_set_member_name (builder, "attempts");
      json_builder_add_int_value (builder, answer->attempts);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      sp_cli_print_json (root);
    }
  else if (stream)
    g_print ("\n");
  else
    g_print ("%s\n", answer->text);

  return SP_CLI_EXIT_OK;
}
