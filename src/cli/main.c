// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "sp-cli.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "models",   sp_cli_models,   N_("List the models of the provider") },
  { "generate", sp_cli_generate, N_("Write one image prompt from a story") },
  { "batch",    sp_cli_batch,    N_("Make a training set: many examples, resumable") },
  { "compare",  sp_cli_compare,  N_("Ask two models side by side and save the comparison") },
  { "render",   sp_cli_render,   N_("Render a prompt to an image") },
  { "report",   sp_cli_report,   N_("Write the gallery as an HTML or Markdown report") },
  { "tokens",   sp_cli_tokens,   N_("Count or show the tokens of a text") },
  { "price",    sp_cli_price,    N_("Training cost, cost per call and break-even") },
  { "validate", sp_cli_validate, N_("Check a fine-tuning file and estimate its training cost") },
  { "upload",   sp_cli_upload,   N_("Upload a JSONL training file for fine-tuning") },
  { "finetune", sp_cli_finetune, N_("Start a fine-tuning job, and follow it with --wait") },
  { "jobs",     sp_cli_jobs,     N_("List, show, follow the events of or cancel fine-tuning jobs") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: starprompt-cli COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “starprompt-cli COMMAND --help” for the options of a command."));
  fprintf (out, "%s\n", _("The provider comes from --provider ID, or --base-url URL with the key in OPENAI_API_KEY; with neither, the offline provider is used."));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_set_prgname ("starprompt-cli");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return SP_CLI_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return SP_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("starprompt-cli %s\n", PACKAGE_VERSION);
      return SP_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  return sp_cli_usage_error (_("Unknown command “%s”."), argv[1]);
}
