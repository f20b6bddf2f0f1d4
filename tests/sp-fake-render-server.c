// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-fake-render-server"

#include "config.h"

#include "sp-fake-render-server.h"
#include "sp-fake-server.h"

#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

struct _SpFakeRenderServer
{
  GObject     parent_instance;

  SoupServer *server;
  char       *url;
  char       *required_key;
  char       *last_body;
  guint       request_count;
};

G_DEFINE_FINAL_TYPE (SpFakeRenderServer, sp_fake_render_server, G_TYPE_OBJECT)

static char *
make_png_base64 (int width,
                 int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x224488ff);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL))
    return NULL;
  return g_base64_encode ((const guchar *) buffer, size);
}

static void
respond (SoupServerMessage *message,
         guint              status,
         const char        *json)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
images_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SpFakeRenderServer *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  JsonObject *request;
  g_autofree char *png = NULL;
  g_autofree char *answer = NULL;
  gboolean openai = g_str_equal (path, "/v1/images/generations");
  const char *authorization;

  self->request_count++;
  g_free (self->last_body);
  self->last_body = g_strndup (body->data, body->length);

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Authorization");
  if (openai && self->required_key != NULL)
    {
      g_autofree char *expected = g_strconcat ("Bearer ", self->required_key, NULL);

      if (g_strcmp0 (authorization, expected) != 0)
        {
          respond (message, 401, "{\"error\": {\"message\": \"Incorrect API key provided.\", "
                                 "\"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}");
          return;
        }
    }

  if (!json_parser_load_from_data (parser, body->data, body->length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      respond (message, 422, "{\"detail\": \"Unprocessable Entity\"}");
      return;
    }
  request = json_node_get_object (json_parser_get_root (parser));

  if (openai)
    {
      if (g_strcmp0 (json_object_get_string_member_with_default (request, "model", ""), "fake-refuse") == 0)
        {
          respond (message, 400, "{\"error\": {\"message\": \"Your request was rejected as a result of our safety system.\", "
                                 "\"type\": \"invalid_request_error\", \"code\": \"content_policy_violation\"}}");
          return;
        }
      png = make_png_base64 (8, 8);
      answer = g_strdup_printf ("{\"created\": 1700000000, \"data\": [{\"b64_json\": \"%s\", "
                                "\"revised_prompt\": \"a revised prompt\"}]}", png);
    }
  else
    {
      int width = (int) json_object_get_int_member_with_default (request, "width", 512);
      int height = (int) json_object_get_int_member_with_default (request, "height", 512);

      png = make_png_base64 (CLAMP (width, 8, 2048), CLAMP (height, 8, 2048));
      answer = g_strdup_printf ("{\"images\": [\"%s\"], \"parameters\": {\"width\": %d, \"height\": %d}, "
                                "\"info\": \"{}\"}", png, width, height);
    }
  respond (message, 200, answer);
}

static void
sp_fake_render_server_dispose (GObject *object)
{
  SpFakeRenderServer *self = (SpFakeRenderServer *) object;

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (sp_fake_render_server_parent_class)->dispose (object);
}

static void
sp_fake_render_server_finalize (GObject *object)
{
  SpFakeRenderServer *self = (SpFakeRenderServer *) object;

  g_free (self->url);
  g_free (self->required_key);
  g_free (self->last_body);

  G_OBJECT_CLASS (sp_fake_render_server_parent_class)->finalize (object);
}

static void
sp_fake_render_server_class_init (SpFakeRenderServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_fake_render_server_dispose;
  object_class->finalize = sp_fake_render_server_finalize;
}

static void
sp_fake_render_server_init (SpFakeRenderServer *self)
{
}

SpFakeRenderServer *
sp_fake_render_server_new (GError **error)
{
  g_autoptr(SpFakeRenderServer) self = g_object_new (SP_TYPE_FAKE_RENDER_SERVER, NULL);
  GSList *uris;

  self->server = soup_server_new ("server-header", "sp-fake-render-server", NULL);
  soup_server_add_handler (self->server, "/v1/images/generations", images_cb, self, NULL);
  soup_server_add_handler (self->server, "/sdapi/v1/txt2img", images_cb, self, NULL);
  if (!sp_fake_server_listen_loopback (self->server, error))
    return NULL;

  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&self);
}

const char *
sp_fake_render_server_get_url (SpFakeRenderServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_RENDER_SERVER (self), NULL);
  return self->url;
}

void
sp_fake_render_server_set_required_key (SpFakeRenderServer *self,
                                        const char         *key)
{
  g_return_if_fail (SP_IS_FAKE_RENDER_SERVER (self));
  g_free (self->required_key);
  self->required_key = g_strdup (key);
}

char *
sp_fake_render_server_dup_last_body (SpFakeRenderServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_RENDER_SERVER (self), NULL);
  return g_strdup (self->last_body);
}

guint
sp_fake_render_server_get_request_count (SpFakeRenderServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_RENDER_SERVER (self), 0);
  return self->request_count;
}
