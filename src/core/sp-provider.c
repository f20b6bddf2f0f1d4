// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-provider"

#include "config.h"

#include "sp-provider.h"
#include "sp-string-private.h"

#include <glib/gi18n.h>

#include "sp-error.h"

struct _SpProvider
{
  GObject         parent_instance;

  char           *id;
  char           *name;
  char           *base_url;
  char           *default_model;
  SpProviderKind  kind;
  SpCapabilities  capabilities;
  gboolean        needs_key;
};

G_DEFINE_FINAL_TYPE (SpProvider, sp_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_KIND,
  PROP_BASE_URL,
  PROP_DEFAULT_MODEL,
  PROP_CAPABILITIES,
  PROP_NEEDS_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define ALL_CAPABILITIES (SP_CAPABILITY_CHAT | SP_CAPABILITY_COMPLETIONS | \
                          SP_CAPABILITY_STREAMING | SP_CAPABILITY_FILES | \
                          SP_CAPABILITY_FINE_TUNING)
#define SERVER_CAPABILITIES (SP_CAPABILITY_CHAT | SP_CAPABILITY_COMPLETIONS | \
                             SP_CAPABILITY_STREAMING)

static const SpProviderPreset presets[] = {
  { "ollama", N_("Ollama"), "http://localhost:11434/v1", "llama3.2", FALSE },
  { "llama-cpp", N_("llama.cpp server"), "http://localhost:8080/v1", NULL, FALSE },
  { "lm-studio", N_("LM Studio"), "http://localhost:1234/v1", NULL, FALSE },
  { "vllm", N_("vLLM"), "http://localhost:8000/v1", NULL, FALSE },
  { "openrouter", N_("OpenRouter"), "https://openrouter.ai/api/v1", "openai/gpt-4o-mini", TRUE },
  { NULL, NULL, NULL, NULL, FALSE },
};

GType
sp_provider_kind_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SP_PROVIDER_KIND_OFFLINE, "SP_PROVIDER_KIND_OFFLINE", "offline" },
        { SP_PROVIDER_KIND_OPENAI, "SP_PROVIDER_KIND_OPENAI", "openai" },
        { SP_PROVIDER_KIND_OPENAI_COMPATIBLE, "SP_PROVIDER_KIND_OPENAI_COMPATIBLE", "openai-compatible" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("SpProviderKind"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

GType
sp_capabilities_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GFlagsValue values[] = {
        { SP_CAPABILITY_NONE, "SP_CAPABILITY_NONE", "none" },
        { SP_CAPABILITY_CHAT, "SP_CAPABILITY_CHAT", "chat" },
        { SP_CAPABILITY_COMPLETIONS, "SP_CAPABILITY_COMPLETIONS", "completions" },
        { SP_CAPABILITY_STREAMING, "SP_CAPABILITY_STREAMING", "streaming" },
        { SP_CAPABILITY_FILES, "SP_CAPABILITY_FILES", "files" },
        { SP_CAPABILITY_FINE_TUNING, "SP_CAPABILITY_FINE_TUNING", "fine-tuning" },
        { 0, NULL, NULL },
      };
      GType type = g_flags_register_static (g_intern_static_string ("SpCapabilities"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

static void
sp_provider_finalize (GObject *object)
{
  SpProvider *self = (SpProvider *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->default_model, g_free);

  G_OBJECT_CLASS (sp_provider_parent_class)->finalize (object);
}

static void
sp_provider_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SpProvider *self = SP_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_DEFAULT_MODEL:
      g_value_set_string (value, self->default_model);
      break;

    case PROP_CAPABILITIES:
      g_value_set_flags (value, self->capabilities);
      break;

    case PROP_NEEDS_KEY:
      g_value_set_boolean (value, self->needs_key);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_provider_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SpProvider *self = SP_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      sp_provider_set_name (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_BASE_URL:
      sp_provider_set_base_url (self, g_value_get_string (value));
      break;

    case PROP_DEFAULT_MODEL:
      sp_provider_set_default_model (self, g_value_get_string (value));
      break;

    case PROP_CAPABILITIES:
      sp_provider_set_capabilities (self, g_value_get_flags (value));
      break;

    case PROP_NEEDS_KEY:
      sp_provider_set_needs_key (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_provider_class_init (SpProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_provider_finalize;
  object_class->get_property = sp_provider_get_property;
  object_class->set_property = sp_provider_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       SP_TYPE_PROVIDER_KIND,
                       SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                       (G_PARAM_READWRITE |
                        G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_DEFAULT_MODEL] =
    g_param_spec_string ("default-model", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_CAPABILITIES] =
    g_param_spec_flags ("capabilities", NULL, NULL,
                        SP_TYPE_CAPABILITIES,
                        SP_CAPABILITY_NONE,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_NEEDS_KEY] =
    g_param_spec_boolean ("needs-key", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_provider_init (SpProvider *self)
{
  self->kind = SP_PROVIDER_KIND_OPENAI_COMPATIBLE;
}

/**
 * sp_provider_new:
 *
 * A provider with the capabilities and need for a key usual for @kind:
 * OpenAI can do everything and needs a key; an OpenAI-compatible server
 * can chat, complete and stream, and needs no key until told otherwise.
 */
SpProvider *
sp_provider_new (const char     *id,
                 const char     *name,
                 SpProviderKind  kind,
                 const char     *base_url)
{
  SpCapabilities capabilities = SERVER_CAPABILITIES;

  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);

  if (kind == SP_PROVIDER_KIND_OPENAI)
    capabilities = ALL_CAPABILITIES;

  return g_object_new (SP_TYPE_PROVIDER,
                       "id", id,
                       "name", name,
                       "kind", kind,
                       "base-url", base_url,
                       "capabilities", capabilities,
                       "needs-key", kind == SP_PROVIDER_KIND_OPENAI,
                       NULL);
}

SpProvider *
sp_provider_new_offline (void)
{
  return g_object_new (SP_TYPE_PROVIDER,
                       "id", "offline",
                       "name", _("Offline"),
                       "kind", SP_PROVIDER_KIND_OFFLINE,
                       "default-model", "starprompt-offline",
                       "capabilities", SERVER_CAPABILITIES,
                       "needs-key", FALSE,
                       NULL);
}

SpProvider *
sp_provider_new_openai (void)
{
  return g_object_new (SP_TYPE_PROVIDER,
                       "id", "openai",
                       "name", _("OpenAI"),
                       "kind", SP_PROVIDER_KIND_OPENAI,
                       "base-url", "https://api.openai.com/v1",
                       "default-model", "gpt-4o-mini",
                       "capabilities", ALL_CAPABILITIES,
                       "needs-key", TRUE,
                       NULL);
}

SpProvider *
sp_provider_new_from_preset (const SpProviderPreset *preset)
{
  g_return_val_if_fail (preset != NULL && preset->id != NULL, NULL);

  return g_object_new (SP_TYPE_PROVIDER,
                       "id", preset->id,
                       "name", _(preset->name),
                       "kind", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                       "base-url", preset->base_url,
                       "default-model", preset->default_model,
                       "capabilities", SERVER_CAPABILITIES,
                       "needs-key", preset->needs_key,
                       NULL);
}

const char *
sp_provider_get_id (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), NULL);

  return self->id;
}

const char *
sp_provider_get_name (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), NULL);

  return self->name;
}

SpProviderKind
sp_provider_get_kind (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), SP_PROVIDER_KIND_OFFLINE);

  return self->kind;
}

const char *
sp_provider_get_base_url (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), NULL);

  return self->base_url;
}

const char *
sp_provider_get_default_model (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), NULL);

  return self->default_model;
}

SpCapabilities
sp_provider_get_capabilities (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), SP_CAPABILITY_NONE);

  return self->capabilities;
}

gboolean
sp_provider_get_needs_key (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), FALSE);

  return self->needs_key;
}

gboolean
sp_provider_is_builtin (SpProvider *self)
{
  g_return_val_if_fail (SP_IS_PROVIDER (self), FALSE);

  return self->kind == SP_PROVIDER_KIND_OFFLINE ||
         g_strcmp0 (self->id, "openai") == 0;
}

void
sp_provider_set_name (SpProvider *self,
                      const char *name)
{
  g_return_if_fail (SP_IS_PROVIDER (self));

  if (sp_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
sp_provider_set_base_url (SpProvider *self,
                          const char *base_url)
{
  g_return_if_fail (SP_IS_PROVIDER (self));

  if (sp_set_str (&self->base_url, base_url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

void
sp_provider_set_default_model (SpProvider *self,
                               const char *model)
{
  g_return_if_fail (SP_IS_PROVIDER (self));

  if (sp_set_str (&self->default_model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_MODEL]);
}

void
sp_provider_set_capabilities (SpProvider     *self,
                              SpCapabilities  capabilities)
{
  g_return_if_fail (SP_IS_PROVIDER (self));

  if (self->capabilities == capabilities)
    return;

  self->capabilities = capabilities;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPABILITIES]);
}

void
sp_provider_set_needs_key (SpProvider *self,
                           gboolean    needs_key)
{
  g_return_if_fail (SP_IS_PROVIDER (self));

  needs_key = !!needs_key;
  if (self->needs_key == needs_key)
    return;

  self->needs_key = needs_key;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_KEY]);
}

/**
 * sp_provider_get_presets:
 * @n_presets: (out) (optional): the number of presets
 *
 * Returns: (transfer none): the presets, ending with an entry whose id is
 *   %NULL
 */
const SpProviderPreset *
sp_provider_get_presets (guint *n_presets)
{
  if (n_presets != NULL)
    *n_presets = G_N_ELEMENTS (presets) - 1;

  return presets;
}

/* The address is never repeated in a message: it may hold a password. */
gboolean
sp_provider_check_base_url (const char  *base_url,
                            GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (base_url == NULL || base_url[0] == '\0')
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("Enter the server address, for example http://localhost:11434/v1."));
      return FALSE;
    }

  for (const char *p = base_url; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
        {
          g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("The server address contains spaces or control characters. Remove them."));
          return FALSE;
        }
    }

  uri = g_uri_parse (base_url, G_URI_FLAGS_HAS_PASSWORD, NULL);
  if (uri == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The server address is not a valid web address. Write it like http://localhost:11434/v1."));
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The server address must start with http:// or https://."));
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The server address has no host name. Write it like http://localhost:11434/v1."));
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The server address contains a user name or password. Remove it and enter the key in the API key field instead."));
      return FALSE;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The server address must not end with a query (“?…”) or a fragment (“#…”). Remove that part."));
      return FALSE;
    }

  return TRUE;
}
