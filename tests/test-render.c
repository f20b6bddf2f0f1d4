// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-render"

#include "config.h"

#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "sp-error.h"
#include "sp-fake-render-server.h"
#include "sp-render.h"
#include "sp-test-util.h"

static GBytes *
render (SpRender    *render,
        const char  *prompt,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sp_render_image_async (render, prompt, NULL, sp_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return sp_render_image_finish (render, result, error);
}

static JsonObject *
last_request (SpFakeRenderServer *server,
              JsonParser         *parser)
{
  g_autofree char *body = sp_fake_render_server_dup_last_body (server);

  g_assert_nonnull (body);
  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static GdkPixbuf *
load_image (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  GdkPixbuf *pixbuf;

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, bytes, NULL));
  g_assert_true (gdk_pixbuf_loader_close (loader, NULL));
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  return g_object_ref (pixbuf);
}

static void
test_parse_prompt (void)
{
  g_autoptr(SpRenderPrompt) p = sp_render_prompt_parse ("a lone starship, cinematic lighting, --ar 3:2 --v 6 --stylize 250 --no text, watermark --chaos 20");
  g_autoptr(SpRenderPrompt) plain = sp_render_prompt_parse ("a calm sea");
  g_autoptr(SpRenderPrompt) dash = sp_render_prompt_parse ("a calm sea \xe2\x80\x94" "aspect 9:16");

  g_assert_cmpstr (p->text, ==, "a lone starship, cinematic lighting");
  g_assert_cmpuint (p->ratio_width, ==, 3);
  g_assert_cmpuint (p->ratio_height, ==, 2);
  g_assert_cmpstr (p->negative, ==, "text, watermark");
  g_assert_cmpstr (plain->text, ==, "a calm sea");
  g_assert_cmpuint (plain->ratio_width, ==, 1);
  g_assert_null (plain->negative);
  g_assert_cmpstr (dash->text, ==, "a calm sea");
  g_assert_cmpuint (dash->ratio_width, ==, 9);
  g_assert_cmpuint (dash->ratio_height, ==, 16);
}

static void
test_sizes (void)
{
  guint w, h;

  g_assert_cmpstr (sp_render_openai_size ("dall-e-3", 3, 2), ==, "1792x1024");
  g_assert_cmpstr (sp_render_openai_size ("dall-e-3", 2, 3), ==, "1024x1792");
  g_assert_cmpstr (sp_render_openai_size ("dall-e-3", 5, 4), ==, "1024x1024");
  g_assert_cmpstr (sp_render_openai_size ("gpt-image-1", 3, 2), ==, "1536x1024");
  g_assert_cmpstr (sp_render_openai_size ("dall-e-2", 16, 9), ==, "1024x1024");

  sp_render_sd_size (3, 2, 1024, &w, &h);
  g_assert_cmpuint (w, ==, 1024);
  g_assert_cmpuint (h, ==, 680);
  sp_render_sd_size (9, 16, 768, &w, &h);
  g_assert_cmpuint (w, ==, 432);
  g_assert_cmpuint (h, ==, 768);
  g_assert_cmpuint (w % 8, ==, 0);
}

static void
test_openai_images (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFakeRenderServer) server = sp_fake_render_server_new (&error);
  g_autofree char *base = NULL;
  g_autoptr(SpRender) renderer = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request;

  g_assert_no_error (error);
  sp_fake_render_server_set_required_key (server, "sk-test");
  base = g_strconcat (sp_fake_render_server_get_url (server), "/v1/", NULL);
  renderer = sp_render_new (SP_RENDER_BACKEND_OPENAI_IMAGES, base, "sk-test", &error);
  g_assert_no_error (error);

  image = render (renderer, "a lone starship --ar 3:2 --v 6", &error);
  g_assert_no_error (error);
  pixbuf = load_image (image);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 8);

  request = last_request (server, parser);
  g_assert_cmpstr (json_object_get_string_member (request, "prompt"), ==, "a lone starship");
  g_assert_cmpstr (json_object_get_string_member (request, "size"), ==, "1792x1024");
  g_assert_cmpstr (json_object_get_string_member (request, "response_format"), ==, "b64_json");
  g_assert_cmpstr (json_object_get_string_member (request, "model"), ==, "dall-e-3");

  /* gpt-image models get no response_format. */
  sp_render_set_model (renderer, "gpt-image-1");
  g_clear_pointer (&image, g_bytes_unref);
  image = render (renderer, "a lone starship --ar 2:3", &error);
  g_assert_no_error (error);
  request = last_request (server, parser);
  g_assert_false (json_object_has_member (request, "response_format"));
  g_assert_cmpstr (json_object_get_string_member (request, "size"), ==, "1024x1536");
}

static void
test_openai_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFakeRenderServer) server = sp_fake_render_server_new (&error);
  g_autofree char *base = g_strconcat (sp_fake_render_server_get_url (server), "/v1", NULL);
  g_autoptr(SpRender) wrong_key = NULL;
  g_autoptr(SpRender) refused = NULL;
  g_autoptr(SpRender) nobody = NULL;
  g_autoptr(GBytes) image = NULL;

  sp_fake_render_server_set_required_key (server, "sk-right");
  wrong_key = sp_render_new (SP_RENDER_BACKEND_OPENAI_IMAGES, base, "sk-wrong", &error);
  g_assert_no_error (error);
  image = render (wrong_key, "a red planet", &error);
  g_assert_null (image);
  g_assert_error (error, SP_ERROR, SP_ERROR_AUTH);
  g_assert_null (strstr (error->message, "sk-wrong"));
  g_clear_error (&error);

  refused = sp_render_new (SP_RENDER_BACKEND_OPENAI_IMAGES, base, "sk-right", &error);
  sp_render_set_model (refused, "fake-refuse");
  image = render (refused, "a red planet", &error);
  g_assert_null (image);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  /* An empty prompt never leaves. */
  image = render (refused, "--ar 3:2 --v 6", &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Nobody listening. */
  nobody = sp_render_new (SP_RENDER_BACKEND_AUTOMATIC1111, "http://127.0.0.1:1", NULL, &error);
  g_assert_no_error (error);
  image = render (nobody, "a red planet", &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_CONNECTION);
  g_clear_error (&error);

  /* Bad addresses and keys are refused at once; OpenAI needs a key. */
  g_assert_null (sp_render_new (SP_RENDER_BACKEND_AUTOMATIC1111, "ftp://example.com", NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (sp_render_new (SP_RENDER_BACKEND_OPENAI_IMAGES, base, "sk-\nbad", &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_KEY);
  g_clear_error (&error);
  g_assert_null (sp_render_new (SP_RENDER_BACKEND_OPENAI_IMAGES, NULL, NULL, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_KEY);
}

static void
test_automatic1111 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpFakeRenderServer) server = sp_fake_render_server_new (&error);
  g_autoptr(SpRender) renderer = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request;

  renderer = sp_render_new (SP_RENDER_BACKEND_AUTOMATIC1111, sp_fake_render_server_get_url (server), NULL, &error);
  g_assert_no_error (error);
  sp_render_set_long_side (renderer, 512);
  image = render (renderer, "a lone starship, digital art --ar 3:2 --stylize 250 --no text", &error);
  g_assert_no_error (error);
  pixbuf = load_image (image);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 512);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 344);

  request = last_request (server, parser);
  g_assert_cmpstr (json_object_get_string_member (request, "prompt"), ==, "a lone starship, digital art");
  g_assert_cmpstr (json_object_get_string_member (request, "negative_prompt"), ==, "text");
  g_assert_cmpint (json_object_get_int_member (request, "width"), ==, 512);
  g_assert_cmpint (json_object_get_int_member (request, "height"), ==, 344);
  g_assert_false (json_object_has_member (request, "stylize"));
}

static void
test_backend_names (void)
{
  SpRenderBackend backend;

  g_assert_true (sp_render_backend_from_string ("automatic1111", &backend));
  g_assert_cmpint (backend, ==, SP_RENDER_BACKEND_AUTOMATIC1111);
  g_assert_true (sp_render_backend_from_string ("openai-images", &backend));
  g_assert_cmpint (backend, ==, SP_RENDER_BACKEND_OPENAI_IMAGES);
  g_assert_false (sp_render_backend_from_string ("midjourney", &backend));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sp/render/parse-prompt", test_parse_prompt);
  g_test_add_func ("/sp/render/sizes", test_sizes);
  g_test_add_func ("/sp/render/openai-images", test_openai_images);
  g_test_add_func ("/sp/render/openai-errors", test_openai_errors);
  g_test_add_func ("/sp/render/automatic1111", test_automatic1111);
  g_test_add_func ("/sp/render/backend-names", test_backend_names);

  return g_test_run ();
}
