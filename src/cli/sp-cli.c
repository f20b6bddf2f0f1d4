// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include "sp-cli.h"

#include <stdio.h>
#include <unistd.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

gboolean
sp_cli_parse_options (const char         *name,
                      const char         *parameter_string,
                      const char         *summary,
                      const GOptionEntry *entries,
                      int                *argc,
                      char             ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  title = g_strdup_printf ("%s%s%s", name,
                           parameter_string ? " " : "",
                           parameter_string ? parameter_string : "");
  context = g_option_context_new (title);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("starprompt-cli %s: %s\n", name, error->message);
      g_printerr (_("Run “starprompt-cli %s --help” to see the options.\n"), name);
      return FALSE;
    }
  return TRUE;
}

int
sp_cli_fail (GError *error)
{
  g_printerr ("starprompt-cli: %s\n", error ? error->message : _("Unknown error"));
  g_clear_error (&error);
  return SP_CLI_EXIT_FAILURE;
}

int
sp_cli_usage_error (const char *format,
                    ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("starprompt-cli: %s\n", message);
  g_printerr ("%s\n", _("Run “starprompt-cli --help” to see the commands."));
  return SP_CLI_EXIT_USAGE;
}

gboolean
sp_cli_stderr_is_terminal (void)
{
  return isatty (STDERR_FILENO);
}

char *
sp_cli_read_input (const char  *path,
                   gsize       *length,
                   GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) out = NULL;

  if (path != NULL && g_strcmp0 (path, "-") != 0)
    {
      char *contents = NULL;

      if (!g_file_get_contents (path, &contents, length, error))
        return NULL;
      return contents;
    }

  stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  out = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
    return NULL;
  /* NUL-terminate for callers that treat it as text. */
  {
    GMemoryOutputStream *mem = G_MEMORY_OUTPUT_STREAM (out);
    gsize size = g_memory_output_stream_get_data_size (mem);
    char *data = g_memory_output_stream_steal_data (mem);

    data = g_realloc (data, size + 1);
    data[size] = '\0';
    if (length)
      *length = size;
    return data;
  }
}

void
sp_cli_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  g_print ("%s\n", text);
}
