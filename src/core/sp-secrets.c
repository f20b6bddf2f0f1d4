// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-secrets"

#include "config.h"

#include "sp-secrets.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "sp-error.h"

#define MAX_KEY_LENGTH 512

struct _SpSecrets
{
  GObject     parent_instance;

  /* provider id → key; values are wiped when removed. */
  GHashTable *memory;
  guint       use_service : 1;
  guint       session_only : 1;
};

G_DEFINE_FINAL_TYPE (SpSecrets, sp_secrets, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char *provider_id;
  char *key;
} SecretData;

static void
secret_data_free (SecretData *data)
{
  g_free (data->provider_id);
  sp_secrets_free_key (data->key);
  g_free (data);
}

static SecretData *
secret_data_new (const char *provider_id,
                 const char *key)
{
  SecretData *data = g_new0 (SecretData, 1);

  data->provider_id = g_strdup (provider_id);
  data->key = g_strdup (key);

  return data;
}

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.starprompt.Starprompt.ApiKey",
    SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static void
wipe (char   *memory,
      gsize   length)
{
  volatile char *p = memory;

  while (length--)
    *p++ = '\0';
}

static gboolean
should_use_service (SpSecrets *self)
{
  return self->use_service && !self->session_only;
}

/* Any failure of the secret service that is not a cancellation means the
 * service cannot keep the key: no session bus, no service, a locked
 * collection that the user refused to unlock. The key then lives in
 * memory for this session, and "session-only" says so. */
static void
fall_back_to_memory (SpSecrets    *self,
                     const GError *error)
{
  g_debug ("No secret service, keeping keys for this session: %s",
           error->message);

  if (self->session_only)
    return;

  self->session_only = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ONLY]);
}

static void
memory_store (SpSecrets  *self,
              const char *provider_id,
              const char *key)
{
  g_hash_table_replace (self->memory, g_strdup (provider_id), g_strdup (key));
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SpSecrets *self = g_task_get_source_object (task);
  SecretData *data = g_task_get_task_data (task);

  if (!secret_password_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      fall_back_to_memory (self, error);
      memory_store (self, data->provider_id, data->key);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A key kept in memory earlier would shadow the stored one. */
  g_hash_table_remove (self->memory, data->provider_id);
  g_task_return_boolean (task, TRUE);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SpSecrets *self = g_task_get_source_object (task);
  SecretData *data = g_task_get_task_data (task);
  char *found;

  found = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      fall_back_to_memory (self, error);
      g_task_return_pointer (task,
                             g_strdup (g_hash_table_lookup (self->memory, data->provider_id)),
                             (GDestroyNotify) sp_secrets_free_key);
      return;
    }

  if (found == NULL)
    {
      g_task_return_pointer (task,
                             g_strdup (g_hash_table_lookup (self->memory, data->provider_id)),
                             (GDestroyNotify) sp_secrets_free_key);
      return;
    }

  g_task_return_pointer (task, g_strdup (found), (GDestroyNotify) sp_secrets_free_key);
  secret_password_free (found);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SpSecrets *self = g_task_get_source_object (task);

  secret_password_clear_finish (result, &error);

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      fall_back_to_memory (self, error);
    }

  g_task_return_boolean (task, TRUE);
}

static void
sp_secrets_finalize (GObject *object)
{
  SpSecrets *self = (SpSecrets *)object;

  g_clear_pointer (&self->memory, g_hash_table_unref);

  G_OBJECT_CLASS (sp_secrets_parent_class)->finalize (object);
}

static void
sp_secrets_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SpSecrets *self = SP_SECRETS (object);

  switch (prop_id)
    {
    case PROP_SESSION_ONLY:
      g_value_set_boolean (value, self->session_only);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_secrets_class_init (SpSecretsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_secrets_finalize;
  object_class->get_property = sp_secrets_get_property;

  properties[PROP_SESSION_ONLY] =
    g_param_spec_boolean ("session-only", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_secrets_init (SpSecrets *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal,
                                        g_free,
                                        (GDestroyNotify) sp_secrets_free_key);
}

/**
 * sp_secrets_get_default:
 *
 * The process-wide secrets store. It uses the secret service unless the
 * environment variable `STARPROMPT_SECRETS` is `memory`, which tests and
 * headless scripts use to keep keys out of the user's keyring.
 *
 * Returns: (transfer none): the default store
 */
SpSecrets *
sp_secrets_get_default (void)
{
  static SpSecrets *default_secrets;

  if (g_once_init_enter (&default_secrets))
    {
      gboolean use_service = g_strcmp0 (g_getenv ("STARPROMPT_SECRETS"), "memory") != 0;

      g_once_init_leave (&default_secrets, sp_secrets_new (use_service));
    }

  return default_secrets;
}

/**
 * sp_secrets_new:
 * @use_service: %FALSE to keep keys in memory only
 *
 * Returns: (transfer full): a new secrets store
 */
SpSecrets *
sp_secrets_new (gboolean use_service)
{
  SpSecrets *self = g_object_new (SP_TYPE_SECRETS, NULL);

  self->use_service = !!use_service;

  return self;
}

gboolean
sp_secrets_get_session_only (SpSecrets *self)
{
  g_return_val_if_fail (SP_IS_SECRETS (self), FALSE);

  return self->session_only;
}

void
sp_secrets_store_key_async (SpSecrets           *self,
                            const char          *provider_id,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (SP_IS_SECRETS (self));
  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_secrets_store_key_async);

  if (!sp_secrets_check_key (key, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, secret_data_new (provider_id, key),
                        (GDestroyNotify) secret_data_free);

  if (!should_use_service (self))
    {
      memory_store (self, provider_id, key);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Translators: the label of the API key in the keyring; %s is a provider id. */
  label = g_strdup_printf (_("Starprompt API key for %s"), provider_id);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT,
                         label, key, cancellable,
                         store_cb, g_steal_pointer (&task),
                         "provider", provider_id,
                         NULL);
}

gboolean
sp_secrets_store_key_finish (SpSecrets     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SP_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sp_secrets_lookup_key_async (SpSecrets           *self,
                             const char          *provider_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_SECRETS (self));
  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_secrets_lookup_key_async);
  g_task_set_task_data (task, secret_data_new (provider_id, NULL),
                        (GDestroyNotify) secret_data_free);

  if (!should_use_service (self))
    {
      g_task_return_pointer (task,
                             g_strdup (g_hash_table_lookup (self->memory, provider_id)),
                             (GDestroyNotify) sp_secrets_free_key);
      return;
    }

  secret_password_lookup (get_schema (), cancellable,
                          lookup_cb, g_steal_pointer (&task),
                          "provider", provider_id,
                          NULL);
}

char *
sp_secrets_lookup_key_finish (SpSecrets     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SP_IS_SECRETS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_secrets_clear_key_async (SpSecrets           *self,
                            const char          *provider_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_SECRETS (self));
  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_secrets_clear_key_async);

  /* The session copy goes in every case, so a cleared key is gone even if
   * the service cannot be reached. */
  g_hash_table_remove (self->memory, provider_id);

  if (!should_use_service (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  secret_password_clear (get_schema (), cancellable,
                         clear_cb, g_steal_pointer (&task),
                         "provider", provider_id,
                         NULL);
}

gboolean
sp_secrets_clear_key_finish (SpSecrets     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SP_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sp_secrets_check_key (const char  *key,
                      GError     **error)
{
  gsize length;

  if (key == NULL || key[0] == '\0')
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_KEY,
                           _("The API key is empty. Paste the key from your provider’s account page."));
      return FALSE;
    }

  length = strlen (key);
  if (length > MAX_KEY_LENGTH)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_KEY,
                   _("The API key is longer than %d characters, which no provider uses. Check that only the key was pasted."),
                   MAX_KEY_LENGTH);
      return FALSE;
    }

  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) key[i];

      if (c < 0x20 || c == 0x7f)
        {
          g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_KEY,
                               _("The API key contains a line break or another control character. Paste the key again without it."));
          return FALSE;
        }

      if (c == ' ')
        {
          g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_KEY,
                               _("The API key contains a space. Paste the key again without spaces."));
          return FALSE;
        }

      if (c >= 0x80)
        {
          g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_KEY,
                               _("The API key contains characters that are not plain ASCII letters, digits or punctuation. Paste the key again."));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * sp_secrets_free_key:
 * @key: (nullable): a key returned by sp_secrets_lookup_key_finish()
 *
 * Overwrites the key with zeros, then frees it.
 */
void
sp_secrets_free_key (char *key)
{
  if (key == NULL)
    return;

  wipe (key, strlen (key));
  g_free (key);
}
