// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include "sp-cli.h"

#include <stdio.h>
#include <unistd.h>
#include <signal.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
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

  /* --help then reads "starprompt-cli NAME [OPTION…] PARAMETERS". */
  title = g_strdup_printf ("starprompt-cli %s", name);
  g_set_prgname (title);
  context = g_option_context_new (parameter_string);
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

void
sp_cli_store_result_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

void
sp_cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
cancel_on_signal_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

GCancellable *
sp_cli_get_cancellable (void)
{
  static GCancellable *cancellable;

  if (cancellable == NULL)
    {
      cancellable = g_cancellable_new ();
      g_unix_signal_add (SIGINT, cancel_on_signal_cb, cancellable);
      g_unix_signal_add (SIGTERM, cancel_on_signal_cb, cancellable);
    }
  return cancellable;
}

static char *
lookup_saved_key (const char  *provider_id,
                  GError     **error)
{
  g_autoptr(SpSecrets) secrets = sp_secrets_new (TRUE);
  g_autoptr(GAsyncResult) result = NULL;

  sp_secrets_lookup_key_async (secrets, provider_id, sp_cli_get_cancellable (),
                               sp_cli_store_result_cb, &result);
  sp_cli_wait (&result);
  return sp_secrets_lookup_key_finish (secrets, result, error);
}

static SpProvider *
provider_for_base_url (const char  *base_url,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  SpProviderKind kind = SP_PROVIDER_KIND_OPENAI_COMPATIBLE;

  if (!sp_provider_check_base_url (base_url, error))
    return NULL;
  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_strcmp0 (g_uri_get_host (uri), "api.openai.com") == 0)
    kind = SP_PROVIDER_KIND_OPENAI;
  return sp_provider_new ("command-line", _("Command line"), kind, base_url);
}

SpClient *
sp_cli_make_client (const char  *provider_id,
                    const char  *base_url,
                    GError     **error)
{
  g_autoptr(SpProvider) provider = NULL;
  g_autofree char *key = NULL;
  const char *env_key = g_getenv ("OPENAI_API_KEY");
  SpClient *client;

  if (env_key != NULL && *env_key == '\0')
    env_key = NULL;

  if (provider_id != NULL)
    {
      g_autoptr(SpProviderList) list = sp_provider_list_new ();

      if (!sp_provider_list_load_sync (list, error))
        return NULL;
      provider = sp_provider_list_lookup (list, provider_id);
      if (provider == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("There is no provider “%s”. Add it in Preferences or use --base-url."),
                       provider_id);
          return NULL;
        }
      g_object_ref (provider);
      if (sp_provider_get_needs_key (provider))
        {
          g_autoptr(GError) local_error = NULL;

          key = lookup_saved_key (provider_id, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }
  else
    {
      if (base_url == NULL)
        base_url = g_getenv ("OPENAI_BASE_URL");
      if (base_url != NULL && *base_url != '\0')
        provider = provider_for_base_url (base_url, error);
      else if (env_key != NULL)
        provider = sp_provider_new_openai ();
      else
        provider = sp_provider_new_offline ();
      if (provider == NULL)
        return NULL;
      if (sp_provider_get_kind (provider) != SP_PROVIDER_KIND_OFFLINE)
        key = g_strdup (env_key);
    }

  client = sp_client_new (provider, key, error);
  if (key != NULL)
    sp_secrets_free_key (g_steal_pointer (&key));
  return client;
}
