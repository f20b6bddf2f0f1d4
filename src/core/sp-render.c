// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-render"

#include "config.h"

#include "sp-render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sp-client.h"
#include "sp-error.h"
#include "sp-prompt-cleaner.h"
#include "sp-secrets.h"

#define DEFAULT_OPENAI_URL "https://api.openai.com/v1"
#define DEFAULT_SD_URL     "http://127.0.0.1:7860"
#define DEFAULT_MODEL      "dall-e-3"
#define DEFAULT_LONG_SIDE  1024
/* Rendering is slow; this is inactivity, the whole request has none. */
#define IDLE_TIMEOUT_S     300

struct _SpRender
{
  GObject          parent_instance;

  SpRenderBackend  backend;
  char            *url;
  char            *api_key;
  char            *model;
  guint            long_side;
  guint            steps;
  SoupSession     *session;
};

G_DEFINE_FINAL_TYPE (SpRender, sp_render, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BACKEND,
  PROP_URL,
  PROP_MODEL,
  PROP_LONG_SIDE,
  PROP_STEPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const backend_names[] = { "openai-images", "automatic1111" };

const char *
sp_render_backend_to_string (SpRenderBackend backend)
{
  g_return_val_if_fail (backend <= SP_RENDER_BACKEND_AUTOMATIC1111, "openai-images");
  return backend_names[backend];
}

gboolean
sp_render_backend_from_string (const char      *text,
                               SpRenderBackend *backend)
{
  for (guint i = 0; i < G_N_ELEMENTS (backend_names); i++)
    if (g_strcmp0 (text, backend_names[i]) == 0)
      {
        *backend = (SpRenderBackend) i;
        return TRUE;
      }
  /* Forge speaks the same API. */
  if (g_strcmp0 (text, "forge") == 0)
    {
      *backend = SP_RENDER_BACKEND_AUTOMATIC1111;
      return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Prompts and sizes                                                   */
/* ------------------------------------------------------------------ */

static gboolean
parse_ratio (const char *value,
             guint      *width,
             guint      *height)
{
  guint64 w, h;
  char *end = NULL;

  if (value == NULL)
    return FALSE;
  w = g_ascii_strtoull (value, &end, 10);
  if (end == value || *end != ':')
    return FALSE;
  value = end + 1;
  h = g_ascii_strtoull (value, &end, 10);
  if (end == value || w == 0 || h == 0 || w > 100 || h > 100)
    return FALSE;
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

SpRenderPrompt *
sp_render_prompt_parse (const char *prompt)
{
  SpRenderPrompt *out = g_new0 (SpRenderPrompt, 1);
  g_auto(GStrv) words = g_strsplit_set (prompt != NULL ? prompt : "", " \t\r\n", -1);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) negative = g_string_new (NULL);
  const char *parameter = NULL;

  out->ratio_width = 1;
  out->ratio_height = 1;

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];

      if (*word == '\0')
        continue;
      /* "—ar" is what an autocorrecting chat window makes of "--ar". */
      if (g_str_has_prefix (word, "--") || g_str_has_prefix (word, "\xe2\x80\x94"))
        {
          const char *name = word + (word[0] == '-' ? 2 : 3);

          if (parameter != NULL || sp_prompt_cleaner_is_parameter (name))
            {
              parameter = name;
              continue;
            }
        }
      if (parameter == NULL)
        {
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, word);
        }
      else if (g_ascii_strcasecmp (parameter, "ar") == 0 || g_ascii_strcasecmp (parameter, "aspect") == 0)
        parse_ratio (word, &out->ratio_width, &out->ratio_height);
      else if (g_ascii_strcasecmp (parameter, "no") == 0)
        {
          if (negative->len > 0)
            g_string_append_c (negative, ' ');
          g_string_append (negative, word);
        }
    }

  /* The text ends where the parameters begin; a trailing comma goes. */
  while (text->len > 0 && strchr (", ", text->str[text->len - 1]) != NULL)
    g_string_truncate (text, text->len - 1);
  out->text = g_string_free (g_steal_pointer (&text), FALSE);
  out->negative = negative->len > 0 ? g_string_free (g_steal_pointer (&negative), FALSE) : NULL;
  return out;
}

void
sp_render_prompt_free (SpRenderPrompt *prompt)
{
  if (prompt == NULL)
    return;
  g_free (prompt->text);
  g_free (prompt->negative);
  g_free (prompt);
}

const char *
sp_render_openai_size (const char *model,
                       guint       ratio_width,
                       guint       ratio_height)
{
  static const char * const dalle3[] = { "1024x1024", "1792x1024", "1024x1792" };
  static const char * const gpt_image[] = { "1024x1024", "1536x1024", "1024x1536" };
  const char * const *sizes;
  double wanted;
  double best = G_MAXDOUBLE;
  const char *choice = "1024x1024";

  if (model != NULL && g_str_has_prefix (model, "dall-e-2"))
    return "1024x1024";
  sizes = model != NULL && g_str_has_prefix (model, "gpt-image") ? gpt_image : dalle3;
  wanted = log ((double) MAX (ratio_width, 1) / MAX (ratio_height, 1));

  for (guint i = 0; i < 3; i++)
    {
      guint w = 0, h = 0;
      double distance;

      sscanf (sizes[i], "%ux%u", &w, &h);
      distance = fabs (log ((double) w / h) - wanted);
      if (distance < best - 1e-9)
        {
          best = distance;
          choice = sizes[i];
        }
    }
  return choice;
}

static guint
round_to_8 (double value)
{
  guint n = (guint) (value / 8.0 + 0.5) * 8;

  return MAX (n, 8);
}

void
sp_render_sd_size (guint  ratio_width,
                   guint  ratio_height,
                   guint  long_side,
                   guint *width,
                   guint *height)
{
  ratio_width = MAX (ratio_width, 1);
  ratio_height = MAX (ratio_height, 1);
  long_side = round_to_8 (long_side);

  if (ratio_width >= ratio_height)
    {
      *width = long_side;
      *height = round_to_8 ((double) long_side * ratio_height / ratio_width);
    }
  else
    {
      *height = long_side;
      *width = round_to_8 ((double) long_side * ratio_width / ratio_height);
    }
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  SoupMessage *message;
  char        *endpoint;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->message);
  g_free (request->endpoint);
  g_free (request);
}

static char *
build_body (SpRender             *self,
            const SpRenderPrompt *prompt)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, prompt->text);
  if (self->backend == SP_RENDER_BACKEND_OPENAI_IMAGES)
    {
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, self->model);
      json_builder_set_member_name (builder, "n");
      json_builder_add_int_value (builder, 1);
      json_builder_set_member_name (builder, "size");
      json_builder_add_string_value (builder, sp_render_openai_size (self->model, prompt->ratio_width,
                                                                     prompt->ratio_height));
      /* gpt-image models always answer in base64 and refuse the member. */
      if (!g_str_has_prefix (self->model, "gpt-image"))
        {
          json_builder_set_member_name (builder, "response_format");
          json_builder_add_string_value (builder, "b64_json");
        }
    }
  else
    {
      guint width, height;

      sp_render_sd_size (prompt->ratio_width, prompt->ratio_height, self->long_side, &width, &height);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, height);
      json_builder_set_member_name (builder, "batch_size");
      json_builder_add_int_value (builder, 1);
      if (prompt->negative != NULL)
        {
          json_builder_set_member_name (builder, "negative_prompt");
          json_builder_add_string_value (builder, prompt->negative);
        }
      if (self->steps > 0)
        {
          json_builder_set_member_name (builder, "steps");
          json_builder_add_int_value (builder, self->steps);
        }
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The base64 text of the first image of the answer. */
static const char *
find_image (SpRender *self,
            JsonNode *root)
{
  JsonObject *object;
  JsonNode *node;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  node = json_object_get_member (object, self->backend == SP_RENDER_BACKEND_OPENAI_IMAGES ? "data" : "images");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return NULL;
  node = json_array_get_element (array, 0);

  if (self->backend == SP_RENDER_BACKEND_AUTOMATIC1111)
    return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           ? json_node_get_string (node) : NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (node), "b64_json", NULL);
}

static GBytes *
decode_image (const char  *text,
              GError     **error)
{
  g_autofree guchar *data = NULL;
  gsize length = 0;
  const char *comma;

  /* Some servers prefix a data: URI. */
  if (g_str_has_prefix (text, "data:") && (comma = strchr (text, ',')) != NULL)
    text = comma + 1;
  data = g_base64_decode (text, &length);
  if (length < 8)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                   _("The image server answered without an image. Check that it finished rendering and try again."));
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpRender *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *data;
  const char *image;
  gsize length = 0;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, sp_error_new_for_connection (error, self->url));
      return;
    }

  status = soup_message_get_status (request->message);
  data = g_bytes_get_data (body, &length);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                               _("The image server at %s sent the request elsewhere (HTTP %u). Give its final address instead; requests with a key never follow a redirect."),
                               self->url, status);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(JsonNode) error_body = length > 0 ? sp_client_parse_json (data, length, NULL) : NULL;

      if (status == 404 && self->backend == SP_RENDER_BACKEND_AUTOMATIC1111)
        g_task_return_new_error (task, SP_ERROR, SP_ERROR_NOT_FOUND,
                                 _("The server at %s has no txt2img API. Start AUTOMATIC1111 or Forge with the --api option."),
                                 self->url);
      else
        g_task_return_error (task, sp_error_new_for_http (status, error_body,
                                                          self->backend == SP_RENDER_BACKEND_OPENAI_IMAGES ? self->model : NULL,
                                                          self->url));
      return;
    }

  root = sp_client_parse_json (data, length, &error);
  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  image = find_image (self, root);
  if (image == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                               _("The image server at %s answered without an image. Check that it is an %s server."),
                               self->url,
                               self->backend == SP_RENDER_BACKEND_OPENAI_IMAGES ? "OpenAI Images API" : "AUTOMATIC1111 or Forge");
      return;
    }
  {
    GBytes *bytes = decode_image (image, &error);

    if (bytes == NULL)
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  }
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */
/* ------------------------------------------------------------------ */

static void
sp_render_dispose (GObject *object)
{
  SpRender *self = (SpRender *) object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sp_render_parent_class)->dispose (object);
}

static void
sp_render_finalize (GObject *object)
{
  SpRender *self = (SpRender *) object;

  g_free (self->url);
  if (self->api_key != NULL)
    sp_secrets_free_key (g_steal_pointer (&self->api_key));
  g_free (self->model);

  G_OBJECT_CLASS (sp_render_parent_class)->finalize (object);
}

static void
sp_render_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SpRender *self = SP_RENDER (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_int (value, self->backend);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_LONG_SIDE:
      g_value_set_uint (value, self->long_side);
      break;
    case PROP_STEPS:
      g_value_set_uint (value, self->steps);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_render_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SpRender *self = SP_RENDER (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      self->backend = g_value_get_int (value);
      break;
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_MODEL:
      sp_render_set_model (self, g_value_get_string (value));
      break;
    case PROP_LONG_SIDE:
      sp_render_set_long_side (self, g_value_get_uint (value));
      break;
    case PROP_STEPS:
      sp_render_set_steps (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_render_class_init (SpRenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sp_render_dispose;
  object_class->finalize = sp_render_finalize;
  object_class->get_property = sp_render_get_property;
  object_class->set_property = sp_render_set_property;

  properties[PROP_BACKEND] =
    g_param_spec_int ("backend", NULL, NULL, SP_RENDER_BACKEND_OPENAI_IMAGES,
                      SP_RENDER_BACKEND_AUTOMATIC1111, SP_RENDER_BACKEND_OPENAI_IMAGES, construct);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, construct);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, DEFAULT_MODEL, rw);
  properties[PROP_LONG_SIDE] =
    g_param_spec_uint ("long-side", NULL, NULL, 64, 4096, DEFAULT_LONG_SIDE, rw);
  properties[PROP_STEPS] = g_param_spec_uint ("steps", NULL, NULL, 0, 500, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_render_init (SpRender *self)
{
  self->model = g_strdup (DEFAULT_MODEL);
  self->long_side = DEFAULT_LONG_SIDE;
  self->session = soup_session_new_with_options ("user-agent", "Starprompt/" PACKAGE_VERSION,
                                                 "timeout", IDLE_TIMEOUT_S,
                                                 NULL);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

SpRender *
sp_render_new (SpRenderBackend   backend,
               const char       *url,
               const char       *api_key,
               GError          **error)
{
  g_autofree char *base = NULL;
  SpRender *self;

  g_return_val_if_fail (backend <= SP_RENDER_BACKEND_AUTOMATIC1111, NULL);

  if (url == NULL || *url == '\0')
    url = backend == SP_RENDER_BACKEND_OPENAI_IMAGES ? DEFAULT_OPENAI_URL : DEFAULT_SD_URL;
  base = g_strdup (url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  {
    g_autoptr(GUri) uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);

    if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                        g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
        g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
      {
        g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                     _("“%s” is not an address of an image server. Give an http:// or https:// address, such as %s."),
                     url, backend == SP_RENDER_BACKEND_OPENAI_IMAGES ? DEFAULT_OPENAI_URL : DEFAULT_SD_URL);
        return NULL;
      }
  }
  if (api_key != NULL && *api_key != '\0' && !sp_secrets_check_key (api_key, error))
    return NULL;
  if (backend == SP_RENDER_BACKEND_OPENAI_IMAGES && (api_key == NULL || *api_key == '\0') &&
      g_str_has_prefix (base, DEFAULT_OPENAI_URL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_KEY,
                   _("The OpenAI Images API needs an API key. Set OPENAI_API_KEY, or render with a local AUTOMATIC1111 or Forge server."));
      return NULL;
    }

  self = g_object_new (SP_TYPE_RENDER, "backend", backend, "url", base, NULL);
  if (api_key != NULL && *api_key != '\0')
    self->api_key = g_strdup (api_key);
  return self;
}

SpRenderBackend
sp_render_get_backend (SpRender *self)
{
  g_return_val_if_fail (SP_IS_RENDER (self), SP_RENDER_BACKEND_OPENAI_IMAGES);
  return self->backend;
}

const char *
sp_render_get_url (SpRender *self)
{
  g_return_val_if_fail (SP_IS_RENDER (self), NULL);
  return self->url;
}

const char *
sp_render_get_model (SpRender *self)
{
  g_return_val_if_fail (SP_IS_RENDER (self), NULL);
  return self->model;
}

guint
sp_render_get_long_side (SpRender *self)
{
  g_return_val_if_fail (SP_IS_RENDER (self), DEFAULT_LONG_SIDE);
  return self->long_side;
}

guint
sp_render_get_steps (SpRender *self)
{
  g_return_val_if_fail (SP_IS_RENDER (self), 0);
  return self->steps;
}

void
sp_render_set_model (SpRender   *self,
                     const char *model)
{
  g_return_if_fail (SP_IS_RENDER (self));

  if (model == NULL || *model == '\0')
    model = DEFAULT_MODEL;
  if (g_strcmp0 (self->model, model) == 0)
    return;
  g_free (self->model);
  self->model = g_strdup (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

void
sp_render_set_long_side (SpRender *self,
                         guint     long_side)
{
  g_return_if_fail (SP_IS_RENDER (self));

  long_side = CLAMP (long_side, 64, 4096);
  if (self->long_side == long_side)
    return;
  self->long_side = long_side;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONG_SIDE]);
}

void
sp_render_set_steps (SpRender *self,
                     guint     steps)
{
  g_return_if_fail (SP_IS_RENDER (self));

  if (self->steps == steps)
    return;
  self->steps = steps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEPS]);
}

void
sp_render_image_async (SpRender            *self,
                       const char          *prompt,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SpRenderPrompt) parsed = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Request *request;

  g_return_if_fail (SP_IS_RENDER (self));
  g_return_if_fail (prompt != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_render_image_async);

  parsed = sp_render_prompt_parse (prompt);
  if (*parsed->text == '\0')
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("The prompt is empty. Write what the image should show."));
      return;
    }

  request = g_new0 (Request, 1);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->endpoint = g_strconcat (self->url,
                                   self->backend == SP_RENDER_BACKEND_OPENAI_IMAGES ? "/images/generations"
                                                                                    : "/sdapi/v1/txt2img",
                                   NULL);
  request->message = soup_message_new (SOUP_METHOD_POST, request->endpoint);
  if (request->message == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("“%s” is not an address of an image server."), self->url);
      return;
    }
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);
  if (self->api_key != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->api_key, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                    "Authorization", authorization);
    }
  body = build_body (self, parsed);
  {
    gsize length = strlen (body);

    bytes = g_bytes_new_take (g_steal_pointer (&body), length);
  }
  soup_message_set_request_body_from_bytes (request->message, "application/json", bytes);
  soup_session_send_and_read_async (self->session, request->message, G_PRIORITY_DEFAULT,
                                    cancellable, send_cb, g_steal_pointer (&task));
}

GBytes *
sp_render_image_finish (SpRender      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
