// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-tokenizer.h"

static SpTokenizer *
pick_tokenizer (const char  *encoding,
                const char  *model,
                GError     **error)
{
  if (encoding != NULL)
    return sp_tokenizer_get_for_encoding (encoding, error);
  return sp_tokenizer_get_for_model (model != NULL ? model : "gpt-4o-mini", error);
}

static void
print_ids (GArray *ids)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append_c (line, ' ');
      g_string_append_printf (line, "%u", g_array_index (ids, guint32, i));
    }
  g_print ("%s\n", line->str);
}

static void
print_json (SpTokenizer *tokenizer,
            gsize        count,
            GArray      *ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "encoding");
  json_builder_add_string_value (builder, sp_tokenizer_get_name (tokenizer));
  json_builder_set_member_name (builder, "tokens");
  json_builder_add_int_value (builder, (gint64) count);
  if (ids != NULL)
    {
      json_builder_set_member_name (builder, "ids");
      json_builder_begin_array (builder);
      for (guint i = 0; i < ids->len; i++)
        json_builder_add_int_value (builder, g_array_index (ids, guint32, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  sp_cli_print_json (root);
}

int
sp_cli_tokens (int    argc,
               char **argv)
{
  g_autofree char *encoding = NULL;
  g_autofree char *model = NULL;
  gboolean show_ids = FALSE;
  gboolean special = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding, N_("Encoding: o200k_base, cl100k_base, p50k_base or r50k_base"), N_("NAME") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Use the encoding of this model (default: gpt-4o-mini)"), N_("M") },
    { "ids", 0, 0, G_OPTION_ARG_NONE, &show_ids, N_("Print the token ids, not only their number"), NULL },
    { "special", 0, 0, G_OPTION_ARG_NONE, &special, N_("Read text such as <|endoftext|> as special tokens"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autofree char *text = NULL;
  g_autoptr(GArray) ids = NULL;
  SpTokenizerFlags flags;
  SpTokenizer *tokenizer;
  GError *error = NULL;
  gsize length = 0;
  gsize count = 0;

  if (!sp_cli_parse_options ("tokens", "[FILE|-]", _("Count the tokens of a text exactly as OpenAI’s tiktoken does."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 2)
    return sp_cli_usage_error (_("“tokens” reads one file at most."));
  if (encoding != NULL && model != NULL)
    return sp_cli_usage_error (_("Give --encoding or --model, not both."));

  tokenizer = pick_tokenizer (encoding, model, &error);
  if (tokenizer == NULL)
    return sp_cli_fail (error);
  text = sp_cli_read_input (argc > 1 ? argv[1] : NULL, &length, &error);
  if (text == NULL)
    return sp_cli_fail (error);

  flags = special ? SP_TOKENIZER_ALLOW_SPECIAL : SP_TOKENIZER_ORDINARY;
  if (show_ids)
    {
      ids = sp_tokenizer_encode (tokenizer, text, length, flags, &error);
      if (ids == NULL)
        return sp_cli_fail (error);
      count = ids->len;
    }
  else if (!sp_tokenizer_count (tokenizer, text, length, flags, &count, &error))
    return sp_cli_fail (error);

  if (json)
    print_json (tokenizer, count, ids);
  else if (show_ids)
    print_ids (ids);
  else
    g_print ("%" G_GSIZE_FORMAT "\n", count);
  return SP_CLI_EXIT_OK;
}
