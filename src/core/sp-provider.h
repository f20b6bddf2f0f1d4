// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SP_PROVIDER_KIND_OFFLINE,
  SP_PROVIDER_KIND_OPENAI,
  SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
} SpProviderKind;

typedef enum /*< flags >*/
{
  SP_CAPABILITY_NONE        = 0,
  SP_CAPABILITY_CHAT        = 1 << 0,
  SP_CAPABILITY_COMPLETIONS = 1 << 1,
  SP_CAPABILITY_STREAMING   = 1 << 2,
  SP_CAPABILITY_FILES       = 1 << 3,
  SP_CAPABILITY_FINE_TUNING = 1 << 4,
} SpCapabilities;

/* Presets for OpenAI-compatible servers: Ollama, llama.cpp server,
 * LM Studio, vLLM, OpenRouter. NULL-terminated, static. */
typedef struct
{
  const char *id;
  const char *name;          /* translatable (N_) */
  const char *base_url;
  const char *default_model;
  gboolean    needs_key;
} SpProviderPreset;

#define SP_TYPE_PROVIDER_KIND (sp_provider_kind_get_type ())
#define SP_TYPE_CAPABILITIES (sp_capabilities_get_type ())
GType sp_provider_kind_get_type (void) G_GNUC_CONST;
GType sp_capabilities_get_type  (void) G_GNUC_CONST;

#define SP_TYPE_PROVIDER (sp_provider_get_type ())
G_DECLARE_FINAL_TYPE (SpProvider, sp_provider, SP, PROVIDER, GObject)

/* Properties: "id" (construct-only), "name", "kind", "base-url",
 * "default-model", "capabilities", "needs-key". The key itself is never a
 * property: it lives in SpSecrets under the provider id. */
SpProvider     *sp_provider_new              (const char     *id,
                                              const char     *name,
                                              SpProviderKind  kind,
                                              const char     *base_url);
SpProvider     *sp_provider_new_offline      (void);
SpProvider     *sp_provider_new_openai       (void);
const char     *sp_provider_get_id           (SpProvider     *self);
const char     *sp_provider_get_name         (SpProvider     *self);
SpProviderKind  sp_provider_get_kind         (SpProvider     *self);
const char     *sp_provider_get_base_url     (SpProvider     *self);
const char     *sp_provider_get_default_model (SpProvider    *self);
SpCapabilities  sp_provider_get_capabilities (SpProvider     *self);
gboolean        sp_provider_get_needs_key    (SpProvider     *self);
void            sp_provider_set_name         (SpProvider     *self,
                                              const char     *name);
void            sp_provider_set_base_url     (SpProvider     *self,
                                              const char     *base_url);
void            sp_provider_set_default_model (SpProvider    *self,
                                              const char     *model);
void            sp_provider_set_capabilities (SpProvider     *self,
                                              SpCapabilities  capabilities);
void            sp_provider_set_needs_key    (SpProvider     *self,
                                              gboolean        needs_key);
/* A new provider from a preset, with the preset's id, name (translated),
 * base URL, default model and need for a key. */
SpProvider     *sp_provider_new_from_preset  (const SpProviderPreset *preset);
/* TRUE for the built-in Offline and OpenAI profiles, which are never saved
 * or removed. */
gboolean        sp_provider_is_builtin       (SpProvider     *self);

const SpProviderPreset *sp_provider_get_presets (guint *n_presets);

/* Validates a base URL: http or https, a host, no user info, no query. */
gboolean        sp_provider_check_base_url   (const char     *base_url,
                                              GError        **error);

G_END_DECLS
