// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where a prompt is rendered. Midjourney has no public API: its images
 * are added by hand (SpImageStore). */
typedef enum
{
  SP_RENDER_BACKEND_OPENAI_IMAGES,   /* POST {base}/images/generations */
  SP_RENDER_BACKEND_AUTOMATIC1111,   /* POST {url}/sdapi/v1/txt2img (also Forge) */
} SpRenderBackend;

/* "openai-images", "automatic1111". */
const char *sp_render_backend_to_string   (SpRenderBackend  backend);
gboolean    sp_render_backend_from_string (const char      *text,
                                           SpRenderBackend *backend);

/* A Midjourney prompt taken apart: the text before the first parameter,
 * the aspect ratio of --ar/--aspect (1:1 when none) and the words of --no
 * (a negative prompt, or NULL). Parameters that map to nothing (--v,
 * --stylize, --chaos, --q, --niji, …) are dropped. */
typedef struct
{
  char  *text;
  guint  ratio_width;
  guint  ratio_height;
  char  *negative;
} SpRenderPrompt;

SpRenderPrompt *sp_render_prompt_parse (const char     *prompt);
void            sp_render_prompt_free  (SpRenderPrompt *prompt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpRenderPrompt, sp_render_prompt_free)

/* The size the Images API supports that is nearest to the ratio, for
 * @model ("dall-e-3": 1024x1024, 1792x1024, 1024x1792; "gpt-image-1":
 * 1024x1024, 1536x1024, 1024x1536; "dall-e-2": 1024x1024). Static. */
const char *sp_render_openai_size     (const char *model,
                                       guint       ratio_width,
                                       guint       ratio_height);
/* Width and height for Stable Diffusion: the ratio with @long_side on its
 * longer side, both multiples of 8. */
void        sp_render_sd_size         (guint       ratio_width,
                                       guint       ratio_height,
                                       guint       long_side,
                                       guint      *width,
                                       guint      *height);

/* A render backend: a small SoupSession that never follows redirects
 * (the key never travels elsewhere). Properties: "backend", "url" (the
 * OpenAI base URL, "https://api.openai.com/v1" by default, or the
 * AUTOMATIC1111 server, "http://127.0.0.1:7860" by default;
 * construct-only), "model" (Images API model, "dall-e-3" by default),
 * "long-side" (Stable Diffusion, 1024 by default), "steps" (Stable
 * Diffusion, 0: the server's default). */
#define SP_TYPE_RENDER (sp_render_get_type ())
G_DECLARE_FINAL_TYPE (SpRender, sp_render, SP, RENDER, GObject)

/* @api_key: for the Images API (checked, kept in memory only); NULL for
 * a local server. */
SpRender        *sp_render_new          (SpRenderBackend      backend,
                                         const char          *url,
                                         const char          *api_key,
                                         GError             **error);
SpRenderBackend  sp_render_get_backend  (SpRender            *self);
const char      *sp_render_get_url      (SpRender            *self);
const char      *sp_render_get_model    (SpRender            *self);
guint            sp_render_get_long_side (SpRender           *self);
guint            sp_render_get_steps    (SpRender            *self);
void             sp_render_set_model    (SpRender            *self,
                                         const char          *model);
void             sp_render_set_long_side (SpRender           *self,
                                         guint                long_side);
void             sp_render_set_steps    (SpRender            *self,
                                         guint                steps);

/* Renders @prompt (a Midjourney prompt: the parameters are translated)
 * and gives the bytes of the first image (PNG, or what the server made).
 * Errors in SP_ERROR, in words. */
void             sp_render_image_async  (SpRender            *self,
                                         const char          *prompt,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GBytes          *sp_render_image_finish (SpRender            *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
