// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-error"

#include "config.h"

#include "sp-error.h"

#include <string.h>

#include <glib/gi18n.h>

G_DEFINE_QUARK (sp-error-quark, sp_error)

/* Server messages end up in dialogs: keep them to one readable line. */
static char *
tidy_server_message (const char *message)
{
  g_autoptr(GString) tidy = NULL;
  const char *p;

  if (message == NULL || *message == '\0')
    return NULL;

  tidy = g_string_new (NULL);
  for (p = message; *p != '\0' && tidy->len < 300; p++)
    g_string_append_c (tidy, g_ascii_iscntrl (*p) ? ' ' : *p);
  g_strstrip (tidy->str);
  tidy->len = strlen (tidy->str);

  if (!g_utf8_validate (tidy->str, -1, NULL))
    return NULL;

  return g_string_free (g_steal_pointer (&tidy), FALSE);
}

static gboolean
is_quota (const char *type,
          const char *code)
{
  return g_strcmp0 (type, "insufficient_quota") == 0 ||
         g_strcmp0 (code, "insufficient_quota") == 0;
}

static gboolean
is_model_not_found (const char *code,
                    const char *server_message)
{
  return g_strcmp0 (code, "model_not_found") == 0 ||
         (server_message != NULL && strstr (server_message, "model") != NULL);
}

gboolean
sp_error_get_api_error (JsonNode    *body,
                        const char **message,
                        const char **type,
                        const char **code)
{
  JsonObject *object;
  JsonNode *error_node;

  if (message != NULL)
    *message = NULL;
  if (type != NULL)
    *type = NULL;
  if (code != NULL)
    *code = NULL;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return FALSE;

  object = json_node_get_object (body);
  error_node = json_object_get_member (object, "error");
  if (error_node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_VALUE (error_node) &&
      json_node_get_value_type (error_node) == G_TYPE_STRING)
    {
      if (message != NULL)
        *message = json_node_get_string (error_node);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (error_node))
    return FALSE;

  object = json_node_get_object (error_node);
  if (message != NULL)
    *message = json_object_get_string_member_with_default (object, "message", NULL);
  if (type != NULL)
    *type = json_object_get_string_member_with_default (object, "type", NULL);
  if (code != NULL)
    {
      JsonNode *code_node = json_object_get_member (object, "code");

      if (code_node != NULL &&
          JSON_NODE_HOLDS_VALUE (code_node) &&
          json_node_get_value_type (code_node) == G_TYPE_STRING)
        *code = json_node_get_string (code_node);
    }

  return TRUE;
}

static GError *
new_generic_error (guint       status,
                   const char *server,
                   const char *type,
                   const char *code,
                   const char *model,
                   const char *url)
{
  if (is_quota (type, code))
    return g_error_new (SP_ERROR, SP_ERROR_QUOTA,
                        _("Your account has run out of credit or reached its spending limit. "
                          "Add credit or raise the limit in your provider’s billing settings, "
                          "or choose another provider."));

  if (status == 401)
    return g_error_new (SP_ERROR, SP_ERROR_AUTH,
                        _("The server refused the API key. Check the key in Preferences → Providers."));

  if (status == 403)
    return g_error_new (SP_ERROR, SP_ERROR_PERMISSION,
                        _("The API key is not allowed to do this. Check the key’s permissions "
                          "and the project or organization it belongs to in your provider’s settings."));

  if (status == 404)
    {
      if (model != NULL && is_model_not_found (code, server))
        return g_error_new (SP_ERROR, SP_ERROR_NOT_FOUND,
                            _("The model “%s” was not found on this server. "
                              "Pick another model or press Test connection."),
                            model);
      return g_error_new (SP_ERROR, SP_ERROR_NOT_FOUND,
                          _("The server at %s does not offer this service. "
                            "Check the base URL: it usually ends in “/v1”."),
                          url);
    }

  if (status == 429)
    return g_error_new (SP_ERROR, SP_ERROR_RATE_LIMITED,
                        _("The server is receiving too many requests from this account. "
                          "Wait a minute and try again, or lower the number of requests at once."));

  if (status == 400 || status == 422)
    {
      if (server != NULL)
        return g_error_new (SP_ERROR, SP_ERROR_BAD_REQUEST,
                            _("The server did not accept the request: %s "
                              "Check the model and the generation settings."),
                            server);
      return g_error_new (SP_ERROR, SP_ERROR_BAD_REQUEST,
                          _("The server did not accept the request. "
                            "Check the model and the generation settings."));
    }

  if (status == 408)
    return g_error_new (SP_ERROR, SP_ERROR_TIMEOUT,
                        _("The server at %s took too long to read the request. Try again later."),
                        url);

  if (status >= 500)
    return g_error_new (SP_ERROR, SP_ERROR_SERVER,
                        _("The server at %s had a problem (error %u) and could not answer. "
                          "Try again later."),
                        url, status);

  if (status >= 300 && status < 400)
    return g_error_new (SP_ERROR, SP_ERROR_BAD_RESPONSE,
                        _("The server at %s sent the request to another address. "
                          "Starprompt does not follow redirects so that the API key is not sent elsewhere; "
                          "use the final address as the base URL."),
                        url);

  if (server != NULL)
    return g_error_new (SP_ERROR, SP_ERROR_FAILED,
                        _("The server at %s answered with error %u: %s"),
                        url, status, server);

  return g_error_new (SP_ERROR, SP_ERROR_FAILED,
                      _("The server at %s answered with error %u. Try again later."),
                      url, status);
}

/* What to do when fine-tuning is closed: the same advice everywhere. */
#define EXPORT_ADVICE N_("Export the JSONL and use another provider (e.g. Together, Fireworks, " \
                         "OpenRouter-compatible services, or a local trainer).")

static gboolean
contains_any (const char         *haystack,
              const char * const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (haystack, needles[i]) != NULL)
      return TRUE;

  return FALSE;
}

gboolean
sp_error_is_fine_tuning_closed (const char *message,
                                const char *code)
{
  static const char * const closed_codes[] = {
    "fine_tuning_not_available", "fine_tuning_unavailable", "fine_tuning_disabled",
    "fine_tuning_closed", "feature_not_available", NULL,
  };
  static const char * const fine_tuning[] = {
    "fine-tun", "fine tun", "finetun", "fine_tun", NULL,
  };
  static const char * const closed[] = {
    "not available", "unavailable", "no longer", "closed", "not supported",
    "disabled", "not enabled", "not allowed", "not permitted", NULL,
  };
  static const char * const one_model[] = {
    "model", "does not exist", NULL,
  };
  g_autofree char *lower = NULL;

  if (code != NULL && g_strv_contains (closed_codes, code))
    return TRUE;
  if (message == NULL)
    return FALSE;

  lower = g_utf8_strdown (message, -1);

  /* "Model x is not available for fine-tuning" is about the model. */
  return contains_any (lower, fine_tuning) &&
         contains_any (lower, closed) &&
         !contains_any (lower, one_model);
}

static gboolean
is_missing_permission (const char *message)
{
  static const char * const permission[] = {
    "permission", "scope", "not authorized", "unauthorized", "role", NULL,
  };
  g_autofree char *lower = NULL;

  if (message == NULL)
    return FALSE;

  lower = g_utf8_strdown (message, -1);
  return contains_any (lower, permission);
}

static GError *
new_closed_error (const char *server,
                  const char *url)
{
  if (server != NULL)
    return g_error_new (SP_ERROR, SP_ERROR_FINE_TUNING_UNAVAILABLE,
                        _("Fine-tuning is not available to this account at %s; the server says “%s” "
                          "OpenAI takes no new self-serve fine-tuning jobs from 6 January 2027. %s"),
                        url, server, _(EXPORT_ADVICE));

  return g_error_new (SP_ERROR, SP_ERROR_FINE_TUNING_UNAVAILABLE,
                      _("Fine-tuning is not available to this account at %s. "
                        "OpenAI takes no new self-serve fine-tuning jobs from 6 January 2027. %s"),
                      url, _(EXPORT_ADVICE));
}

static GError *
new_upload_error (guint       status,
                  const char *server)
{
  if (status == 403)
    return g_error_new (SP_ERROR, SP_ERROR_PERMISSION,
                        _("The API key is not allowed to upload files. Give the key the "
                          "“Files” permission (for OpenAI: “Files: Write” on a restricted key) "
                          "or use another key."));

  if (status == 413)
    return g_error_new (SP_ERROR, SP_ERROR_BAD_FILE,
                        _("The server does not take a file this large (OpenAI takes up to 512 MB "
                          "for fine-tuning). Use fewer or shorter examples."));

  if (status == 400 || status == 422)
    {
      if (server != NULL)
        return g_error_new (SP_ERROR, SP_ERROR_BAD_FILE,
                            _("The server rejected the file: %s Check it with "
                              "“starprompt-cli validate FILE” or on the Dataset page, then upload it again."),
                            server);
      return g_error_new (SP_ERROR, SP_ERROR_BAD_FILE,
                          _("The server rejected the file. Check it with "
                            "“starprompt-cli validate FILE” or on the Dataset page, then upload it again."));
    }

  return NULL;
}

static GError *
new_files_error (guint       status,
                 const char *url)
{
  if (status == 403)
    return g_error_new (SP_ERROR, SP_ERROR_PERMISSION,
                        _("The API key is not allowed to read or delete files. Give the key the "
                          "“Files” permission or use another key."));

  if (status == 404)
    return g_error_new (SP_ERROR, SP_ERROR_NOT_FOUND,
                        _("The file was not found at %s. Check the file id (it starts with "
                          "“file-”) and that it was uploaded with this key."),
                        url);

  return NULL;
}

static GError *
new_fine_tune_create_error (guint       status,
                            const char *server,
                            const char *code,
                            const char *model,
                            const char *url)
{
  if (status == 403 && is_missing_permission (server))
    return g_error_new (SP_ERROR, SP_ERROR_PERMISSION,
                        _("The API key is not allowed to start fine-tuning jobs. Give the key the "
                          "fine-tuning permission (for OpenAI: “Fine-tuning: Write” on a restricted "
                          "key, and the Writer or Owner role in the project), or use another key."));

  /* Forbidden without a word about permissions, or no jobs endpoint at
   * all: this account or server does not fine-tune. */
  if (status == 403 ||
      (status == 404 && g_strcmp0 (code, "model_not_found") != 0))
    return new_closed_error (server, url);

  if (status == 404)
    return g_error_new (SP_ERROR, SP_ERROR_NOT_FOUND,
                        _("The model “%s” cannot be fine-tuned here. Pick a model that the provider "
                          "lists for fine-tuning."),
                        model != NULL ? model : "");

  if (status == 400 || status == 422)
    {
      if (server != NULL)
        return g_error_new (SP_ERROR, SP_ERROR_BAD_REQUEST,
                            _("The server did not accept the fine-tuning job: %s "
                              "Check the model, the training file and the settings; "
                              "“starprompt-cli validate FILE” checks the file."),
                            server);
      return g_error_new (SP_ERROR, SP_ERROR_BAD_REQUEST,
                          _("The server did not accept the fine-tuning job. "
                            "Check the model, the training file and the settings; "
                            "“starprompt-cli validate FILE” checks the file."));
    }

  return NULL;
}

static GError *
new_fine_tune_error (guint       status,
                     const char *server,
                     const char *url)
{
  if (status == 400 || status == 422)
    {
      if (server != NULL)
        return g_error_new (SP_ERROR, SP_ERROR_BAD_REQUEST,
                            _("The server did not accept the request about the fine-tuning job: %s"),
                            server);
      return g_error_new (SP_ERROR, SP_ERROR_BAD_REQUEST,
                          _("The server did not accept the request about the fine-tuning job. "
                            "Check the job id: it starts with “ftjob-”."));
    }

  if (status == 403)
    return g_error_new (SP_ERROR, SP_ERROR_PERMISSION,
                        _("The API key is not allowed to see or change fine-tuning jobs. Give the key "
                          "the fine-tuning permission (for OpenAI: “Fine-tuning” on a restricted key) "
                          "or use another key."));

  if (status == 404)
    return g_error_new (SP_ERROR, SP_ERROR_NOT_FOUND,
                        _("The fine-tuning job was not found at %s. Check the job id (it starts with "
                          "“ftjob-”) and that it belongs to this key’s project."),
                        url);

  return NULL;
}

GError *
sp_error_new_for_http_in_context (SpErrorContext  context,
                                  guint           status,
                                  JsonNode       *body,
                                  const char     *model,
                                  const char     *url)
{
  const char *raw_message = NULL;
  const char *type = NULL;
  const char *code = NULL;
  g_autofree char *server = NULL;
  GError *error = NULL;

  sp_error_get_api_error (body, &raw_message, &type, &code);
  server = tidy_server_message (raw_message);

  if (url == NULL)
    url = _("the server");

  /* Quota first: it is the same answer whatever was asked, and a wrong
   * key is never the server's message to quote. */
  if (is_quota (type, code) || status == 401)
    return new_generic_error (status, server, type, code, model, url);

  if (context != SP_ERROR_CONTEXT_GENERATION &&
      sp_error_is_fine_tuning_closed (raw_message, code))
    return new_closed_error (server, url);

  switch (context)
    {
    case SP_ERROR_CONTEXT_UPLOAD:
      error = new_upload_error (status, server);
      break;

    case SP_ERROR_CONTEXT_FILES:
      error = new_files_error (status, url);
      break;

    case SP_ERROR_CONTEXT_FINE_TUNE_CREATE:
      error = new_fine_tune_create_error (status, server, code, model, url);
      break;

    case SP_ERROR_CONTEXT_FINE_TUNE:
      error = new_fine_tune_error (status, server, url);
      break;

    case SP_ERROR_CONTEXT_GENERATION:
    default:
      break;
    }

  if (error != NULL)
    return error;

  return new_generic_error (status, server, type, code, model, url);
}

GError *
sp_error_new_for_http (guint       status,
                       JsonNode   *body,
                       const char *model,
                       const char *url)
{
  return sp_error_new_for_http_in_context (SP_ERROR_CONTEXT_GENERATION,
                                           status, body, model, url);
}

GError *
sp_error_new_for_connection (const GError *io_error,
                             const char   *url)
{
  g_return_val_if_fail (io_error != NULL, NULL);

  if (url == NULL)
    url = _("the server");

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (SP_ERROR, SP_ERROR_CONNECTION,
                        _("Could not connect to %s. Is the server running?"), url);

  if (io_error->domain == G_RESOLVER_ERROR)
    return g_error_new (SP_ERROR, SP_ERROR_CONNECTION,
                        _("Could not find the server of %s. Check the address and your network connection."),
                        url);

  if (io_error->domain == G_TLS_ERROR)
    return g_error_new (SP_ERROR, SP_ERROR_CONNECTION,
                        _("The secure connection to %s failed: %s"), url, io_error->message);

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    return g_error_new (SP_ERROR, SP_ERROR_CONNECTION,
                        _("Could not reach %s. Check your network connection."), url);

  return g_error_new (SP_ERROR, SP_ERROR_CONNECTION,
                      _("The connection to %s failed (%s). Check your network connection and try again."),
                      url, io_error->message);
}
