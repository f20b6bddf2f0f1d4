// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A fake image server for tests, on 127.0.0.1 and a random port, in the
 * global default main context:
 *
 *   POST /v1/images/generations   as OpenAI's Images API: answers
 *                                 {"data": [{"b64_json": PNG}]} with an
 *                                 8 × 8 PNG; model "fake-refuse" gets 400
 *                                 content_policy_violation; a required key
 *                                 gives 401 without it
 *   POST /sdapi/v1/txt2img        as AUTOMATIC1111: answers {"images":
 *                                 [PNG], "parameters": …, "info": "…"}
 *                                 with a PNG of the asked width × height
 *
 * Anything else is 404. */
#define SP_TYPE_FAKE_RENDER_SERVER (sp_fake_render_server_get_type ())
G_DECLARE_FINAL_TYPE (SpFakeRenderServer, sp_fake_render_server, SP, FAKE_RENDER_SERVER, GObject)

SpFakeRenderServer *sp_fake_render_server_new              (GError            **error);
/* "http://127.0.0.1:PORT" */
const char         *sp_fake_render_server_get_url          (SpFakeRenderServer *self);
void                sp_fake_render_server_set_required_key (SpFakeRenderServer *self,
                                                            const char         *key);
/* The body of the last request, or NULL. */
char               *sp_fake_render_server_dup_last_body    (SpFakeRenderServer *self);
guint               sp_fake_render_server_get_request_count (SpFakeRenderServer *self);

G_END_DECLS
