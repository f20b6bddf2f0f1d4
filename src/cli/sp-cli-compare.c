// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-comparison.h"
#include "sp-gallery.h"

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

static void
add_side_json (JsonBuilder      *builder,
               SpComparison     *comparison,
               guint             position,
               gboolean          raw)
{
  SpComparisonSide *side = sp_comparison_get_side_at (comparison, position);
  gboolean revealed = sp_comparison_get_revealed (comparison);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, sp_comparison_side_get_label (side));
  if (revealed)
    {
      json_builder_set_member_name (builder, "side");
      json_builder_add_string_value (builder, sp_side_to_string (sp_comparison_side_get_side (side)));
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, sp_comparison_side_get_model (side));
      json_builder_set_member_name (builder, "prompt_mode");
      json_builder_add_string_value (builder, sp_pair_mode_to_string (sp_comparison_side_get_prompt_mode (side)));
    }
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, raw ? sp_comparison_side_get_raw_text (side)
                                              : sp_comparison_side_get_cleaned_text (side));
  json_builder_set_member_name (builder, "raw_text");
  json_builder_add_string_value (builder, sp_comparison_side_get_raw_text (side));
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, sp_comparison_side_get_prompt_tokens (side));
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, sp_comparison_side_get_completion_tokens (side));
  json_builder_set_member_name (builder, "usage_estimated");
  json_builder_add_boolean_value (builder, sp_comparison_side_get_usage_estimated (side));
  /* Costs tell models apart: hidden with them. */
  if (revealed)
    {
      json_builder_set_member_name (builder, "cost_usd");
      if (sp_comparison_side_get_cost (side) >= 0)
        json_builder_add_double_value (builder, sp_money_to_double (sp_comparison_side_get_cost (side)));
      else
        json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, sp_comparison_side_get_error (side));
  json_builder_end_object (builder);
}

static void
print_json (SpComparison *comparison,
            gboolean      raw)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sp_comparison_get_id (comparison));
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, sp_comparison_get_subject (comparison));
  json_builder_set_member_name (builder, "blind");
  json_builder_add_boolean_value (builder, sp_comparison_get_blind (comparison));
  json_builder_set_member_name (builder, "sides");
  json_builder_begin_array (builder);
  for (guint i = 0; i < 2; i++)
    add_side_json (builder, comparison, i, raw);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  sp_cli_print_json (root);
}

static void
print_text (SpComparison *comparison,
            gboolean      raw)
{
  gboolean revealed = sp_comparison_get_revealed (comparison);

  for (guint i = 0; i < 2; i++)
    {
      SpComparisonSide *side = sp_comparison_get_side_at (comparison, i);
      const char *text = raw ? sp_comparison_side_get_raw_text (side)
                             : sp_comparison_side_get_cleaned_text (side);

      if (revealed)
        g_print ("== %s %s (%s) ==\n", sp_side_to_string (sp_comparison_side_get_side (side)),
                 sp_comparison_side_get_label (side),
                 sp_comparison_side_get_prompt_mode (side) == SP_PAIR_MODE_SHORT ? _("short prompt")
                                                                                 : _("full few-shot prompt"));
      else
        g_print ("== %s ==\n", sp_comparison_side_get_label (side));

      if (sp_comparison_side_get_error (side) != NULL)
        g_print ("%s\n", sp_comparison_side_get_error (side));
      else
        g_print ("%s\n", text);

      if (sp_comparison_side_get_prompt_tokens (side) >= 0)
        {
          g_autofree char *cost = sp_comparison_side_get_cost (side) >= 0
            ? sp_money_format_currency (sp_comparison_side_get_cost (side), "USD", 6)
            : g_strdup (_("unknown"));

          /* Costs tell models apart: hidden with them. */
          if (revealed)
            g_print (_("%lld prompt tokens, %lld completion tokens%s, cost %s\n"),
                     (long long) sp_comparison_side_get_prompt_tokens (side),
                     (long long) sp_comparison_side_get_completion_tokens (side),
                     sp_comparison_side_get_usage_estimated (side) ? _(" (counted here)") : "",
                     cost);
        }
      g_print ("\n");
    }
}

int
sp_cli_compare (int    argc,
                char **argv)
{
  g_autofree char *provider_id = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *template_path = NULL;
  g_autofree char *story_path = NULL;
  g_autofree char *model_a = NULL;
  g_autofree char *model_b = NULL;
  g_autofree char *subject = NULL;
  gboolean a_short = FALSE;
  gboolean b_short = FALSE;
  gboolean raw = FALSE;
  gboolean blind = FALSE;
  gboolean json = FALSE;
  gboolean no_save = FALSE;
  const GOptionEntry entries[] = {
    { "a", 0, 0, G_OPTION_ARG_STRING, &model_a, N_("Model of side A"), N_("MODEL") },
    { "b", 0, 0, G_OPTION_ARG_STRING, &model_b, N_("Model of side B"), N_("MODEL") },
    { "a-short", 0, 0, G_OPTION_ARG_NONE, &a_short, N_("Ask side A with the short prompt (“… prompt about SUBJECT”), as for a fine-tuned model"), NULL },
    { "b-short", 0, 0, G_OPTION_ARG_NONE, &b_short, N_("Ask side B with the short prompt"), NULL },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("Subject of the short prompt; default: the first line of the story"), N_("TEXT") },
    { "story", 0, 0, G_OPTION_ARG_FILENAME, &story_path, N_("Story for the full few-shot prompt, or - for standard input"), N_("FILE") },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &template_path, N_("Few-shot template (JSON); default: the built-in sci-fi template"), N_("FILE") },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw, N_("Print the answers untouched, without the “stop after the parameters” cleaner"), NULL },
    { "blind", 0, 0, G_OPTION_ARG_NONE, &blind, N_("Shuffle the sides and hide the models until a vote"), NULL },
    { "no-save", 0, 0, G_OPTION_ARG_NONE, &no_save, N_("Do not save the comparison to the gallery"), NULL },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_id, N_("Saved provider profile"), N_("ID") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Base URL of an OpenAI-compatible server"), N_("URL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SpClient) client = NULL;
  g_autoptr(SpTemplate) template = NULL;
  g_autoptr(SpComparison) comparison = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *story = NULL;
  GError *error = NULL;
  gboolean ok;

  if (!sp_cli_parse_options ("compare", NULL,
                             _("Ask two models at once for an image prompt, side by side, and save the comparison to the gallery."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (model_a == NULL || model_b == NULL)
    return sp_cli_usage_error (_("Give both models: --a MODEL --b MODEL."));

  if (story_path != NULL)
    {
      story = sp_cli_read_input (story_path, NULL, &error);
      if (story == NULL)
        return sp_cli_fail (error);
      g_strstrip (story);
    }
  if (subject == NULL && story != NULL && *story != '\0')
    {
      const char *newline = strchr (story, '\n');

      subject = newline != NULL ? g_strndup (story, newline - story) : g_strdup (story);
    }
  if (subject == NULL || *g_strstrip (subject) == '\0')
    return sp_cli_usage_error (_("Give a subject (--subject TEXT) or a story (--story FILE)."));

  template = load_template (template_path, &error);
  if (template == NULL || !sp_template_validate (template, &error))
    return sp_cli_fail (error);
  client = sp_cli_make_client (provider_id, base_url, &error);
  if (client == NULL)
    return sp_cli_fail (error);

  comparison = sp_comparison_new ();
  sp_comparison_set_subject (comparison, subject);
  sp_comparison_set_story (comparison, story);
  sp_comparison_set_blind (comparison, blind);
  sp_comparison_side_set_provider_id (sp_comparison_get_side (comparison, SP_SIDE_A),
                                      sp_provider_get_id (sp_client_get_provider (client)));
  sp_comparison_side_set_provider_id (sp_comparison_get_side (comparison, SP_SIDE_B),
                                      sp_provider_get_id (sp_client_get_provider (client)));
  sp_comparison_side_set_model (sp_comparison_get_side (comparison, SP_SIDE_A), model_a);
  sp_comparison_side_set_model (sp_comparison_get_side (comparison, SP_SIDE_B), model_b);
  sp_comparison_side_set_prompt_mode (sp_comparison_get_side (comparison, SP_SIDE_A),
                                      a_short ? SP_PAIR_MODE_SHORT : SP_PAIR_MODE_FULL);
  sp_comparison_side_set_prompt_mode (sp_comparison_get_side (comparison, SP_SIDE_B),
                                      b_short ? SP_PAIR_MODE_SHORT : SP_PAIR_MODE_FULL);

  if (sp_cli_stderr_is_terminal ())
    g_printerr ("%s\n", _("Asking both models…"));
  sp_comparison_run_async (comparison, client, client, template, sp_cli_get_cancellable (),
                           sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  ok = sp_comparison_run_finish (comparison, result, &error);

  /* A side that answered is worth keeping even when the other failed. */
  if (!no_save && (ok || g_strcmp0 (sp_comparison_side_get_raw_text (sp_comparison_get_side (comparison, SP_SIDE_A)), "") != 0 ||
                   g_strcmp0 (sp_comparison_side_get_raw_text (sp_comparison_get_side (comparison, SP_SIDE_B)), "") != 0))
    {
      g_autoptr(SpStore) store = NULL;
      g_autoptr(SpGallery) gallery = NULL;
      GError *save_error = NULL;

      store = sp_store_new (NULL, &save_error);
      if (store != NULL)
        gallery = sp_gallery_new (store);
      if (store == NULL || !sp_gallery_save_sync (gallery, comparison, &save_error))
        {
          g_clear_error (&error);
          return sp_cli_fail (save_error);
        }
    }

  if (json)
    print_json (comparison, raw);
  else
    {
      print_text (comparison, raw);
      if (sp_comparison_get_id (comparison) > 0 && sp_cli_stderr_is_terminal ())
        g_printerr (_("Saved to the gallery as comparison %lld.\n"), (long long) sp_comparison_get_id (comparison));
    }

  if (!ok)
    return sp_cli_fail (error);
  return SP_CLI_EXIT_OK;
}
