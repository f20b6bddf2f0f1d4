// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-provider-list"

#include "config.h"

#include "sp-provider-list.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sp-error.h"
#include "sp-json-private.h"

/* providers.json:
 *
 *   { "version": 1,
 *     "providers": [ { "id": "ollama", "name": "Ollama",
 *                      "kind": "openai-compatible",
 *                      "base-url": "http://localhost:11434/v1",
 *                      "default-model": "llama3.2",
 *                      "capabilities": [ "chat", "completions", "streaming" ],
 *                      "needs-key": false } ] }
 *
 * Only the user's profiles are written; the built-ins come from code. Keys
 * are never part of a provider, so they cannot end up here. */

#define N_BUILTINS 2
#define MAX_FILE_SIZE (1024 * 1024)

struct _SpProviderList
{
  GObject    parent_instance;

  GPtrArray *providers;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SpProviderList, sp_provider_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static char *
get_config_path (void)
{
  const char *dir = g_getenv ("STARPROMPT_CONFIG_DIR");

  if (dir != NULL && dir[0] != '\0')
    return g_build_filename (dir, "providers.json", NULL);

  return g_build_filename (g_get_user_config_dir (), "starprompt", "providers.json", NULL);
}

static GType
sp_provider_list_get_item_type (GListModel *model)
{
  return SP_TYPE_PROVIDER;
}

static guint
sp_provider_list_get_n_items (GListModel *model)
{
  SpProviderList *self = SP_PROVIDER_LIST (model);

  return self->providers->len;
}

static gpointer
sp_provider_list_get_item (GListModel *model,
                           guint       position)
{
  SpProviderList *self = SP_PROVIDER_LIST (model);

  if (position >= self->providers->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->providers, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sp_provider_list_get_item_type;
  iface->get_n_items = sp_provider_list_get_n_items;
  iface->get_item = sp_provider_list_get_item;
}

static const char *
kind_to_string (SpProviderKind kind)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SP_TYPE_PROVIDER_KIND);
  GEnumValue *value = g_enum_get_value (klass, kind);

  return value ? value->value_nick : "openai-compatible";
}

static gboolean
kind_from_string (const char     *nick,
                  SpProviderKind *kind)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SP_TYPE_PROVIDER_KIND);
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  if (value == NULL)
    return FALSE;

  *kind = value->value;
  return TRUE;
}

static JsonNode *
provider_to_json (SpProvider *provider)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GFlagsClass) klass = g_type_class_ref (SP_TYPE_CAPABILITIES);
  SpCapabilities capabilities = sp_provider_get_capabilities (provider);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, sp_provider_get_id (provider));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, sp_provider_get_name (provider));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_to_string (sp_provider_get_kind (provider)));
  json_builder_set_member_name (builder, "base-url");
  json_builder_add_string_value (builder, sp_provider_get_base_url (provider));
  json_builder_set_member_name (builder, "default-model");
  json_builder_add_string_value (builder, sp_provider_get_default_model (provider));

  json_builder_set_member_name (builder, "capabilities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < klass->n_values; i++)
    {
      if (klass->values[i].value != 0 && (capabilities & klass->values[i].value) != 0)
        json_builder_add_string_value (builder, klass->values[i].value_nick);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "needs-key");
  json_builder_add_boolean_value (builder, sp_provider_get_needs_key (provider));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static SpCapabilities
capabilities_from_json (JsonObject     *object,
                        SpCapabilities  fallback)
{
  g_autoptr(GFlagsClass) klass = g_type_class_ref (SP_TYPE_CAPABILITIES);
  JsonNode *node = json_object_get_member (object, "capabilities");
  SpCapabilities capabilities = SP_CAPABILITY_NONE;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fallback;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      GFlagsValue *value;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        continue;

      /* Names we do not know come from a newer version: ignore them. */
      value = g_flags_get_value_by_nick (klass, json_node_get_string (item));
      if (value != NULL)
        capabilities |= value->value;
    }

  return capabilities;
}

static SpProvider *
provider_from_json (JsonNode  *node,
                    guint      index,
                    GError   **error)
{
  g_autoptr(SpProvider) provider = NULL;
  SpProviderKind kind = SP_PROVIDER_KIND_OPENAI_COMPATIBLE;
  JsonObject *object;
  const char *id;
  const char *kind_nick;
  JsonNode *needs_key;

  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      (id = sp_json_get_string (json_node_get_object (node), "id")) == NULL ||
      id[0] == '\0')
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Provider %u in the saved providers has no id. Fix or delete the file, then add the provider again."),
                   index + 1);
      return NULL;
    }

  object = json_node_get_object (node);
  kind_nick = sp_json_get_string (object, "kind");
  if (kind_nick != NULL && !kind_from_string (kind_nick, &kind))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Provider %u in the saved providers has an unknown kind. Fix or delete the file, then add the provider again."),
                   index + 1);
      return NULL;
    }

  provider = sp_provider_new (id, sp_json_get_string (object, "name"), kind,
                              sp_json_get_string (object, "base-url"));
  sp_provider_set_default_model (provider, sp_json_get_string (object, "default-model"));
  sp_provider_set_capabilities (provider,
                                capabilities_from_json (object, sp_provider_get_capabilities (provider)));

  needs_key = json_object_get_member (object, "needs-key");
  if (needs_key != NULL && JSON_NODE_HOLDS_VALUE (needs_key) &&
      json_node_get_value_type (needs_key) == G_TYPE_BOOLEAN)
    sp_provider_set_needs_key (provider, json_node_get_boolean (needs_key));

  return g_steal_pointer (&provider);
}

/* Reads the saved profiles. A missing file is an empty list. */
static GPtrArray *
read_providers (const char    *path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  JsonNode *root;
  JsonNode *list;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&providers);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Could not read the saved providers from “%s”: %s"),
                   path, local_error->message);
      return NULL;
    }

  if (length > MAX_FILE_SIZE ||
      !json_parser_load_from_data (parser, contents, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "providers")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The saved providers in “%s” are damaged, so only the built-in providers are available. Fix or delete the file; saving your providers again will replace it."),
                   path);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      SpProvider *provider = provider_from_json (node, i, error);

      if (provider == NULL)
        return NULL;

      g_ptr_array_add (providers, provider);
    }

  return g_steal_pointer (&providers);
}

static gboolean
write_providers (const char    *path,
                 const char    *contents,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Could not create the folder “%s” for the saved providers: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_replace_contents (file, contents, strlen (contents), NULL, FALSE,
                                G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Could not save the providers to “%s”: %s"),
                   path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Replaces the user's profiles with @loaded, keeping the built-ins. */
static void
apply_loaded (SpProviderList *self,
              GPtrArray      *loaded)
{
  guint removed = self->providers->len - N_BUILTINS;
  guint added = 0;

  g_ptr_array_remove_range (self->providers, N_BUILTINS, removed);

  for (guint i = 0; i < loaded->len; i++)
    {
      SpProvider *provider = g_ptr_array_index (loaded, i);

      /* A saved profile cannot take the place of a built-in or of an
       * earlier profile with the same id. */
      if (sp_provider_list_lookup (self, sp_provider_get_id (provider)) != NULL)
        continue;

      g_ptr_array_add (self->providers, g_object_ref (provider));
      added++;
    }

  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), N_BUILTINS, removed, added);
}

static char *
serialize (SpProviderList *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);
  for (guint i = N_BUILTINS; i < self->providers->len; i++)
    json_builder_add_value (builder, provider_to_json (g_ptr_array_index (self->providers, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  return json_generator_to_data (generator, NULL);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autofree char *path = get_config_path ();
  GError *error = NULL;
  GPtrArray *providers;

  providers = read_providers (path, cancellable, &error);
  if (providers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, providers, (GDestroyNotify) g_ptr_array_unref);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) providers = NULL;
  GError *error = NULL;

  providers = g_task_propagate_pointer (G_TASK (result), &error);
  if (providers == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  apply_loaded (SP_PROVIDER_LIST (object), providers);
  g_task_return_boolean (task, TRUE);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autofree char *path = get_config_path ();
  GError *error = NULL;

  if (!write_providers (path, task_data, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
sp_provider_list_finalize (GObject *object)
{
  SpProviderList *self = (SpProviderList *)object;

  g_clear_pointer (&self->providers, g_ptr_array_unref);

  G_OBJECT_CLASS (sp_provider_list_parent_class)->finalize (object);
}

static void
sp_provider_list_class_init (SpProviderListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_provider_list_finalize;
}

static void
sp_provider_list_init (SpProviderList *self)
{
  self->providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->providers, sp_provider_new_offline ());
  g_ptr_array_add (self->providers, sp_provider_new_openai ());
}

/**
 * sp_provider_list_new:
 *
 * Returns: (transfer full): a list with only the built-in providers; load
 *   the saved ones with sp_provider_list_load_async()
 */
SpProviderList *
sp_provider_list_new (void)
{
  return g_object_new (SP_TYPE_PROVIDER_LIST, NULL);
}

/**
 * sp_provider_list_load_async:
 *
 * Reads the saved providers in a worker thread. On error (a damaged file)
 * the list keeps the built-ins and the file is left alone until the next
 * save.
 */
void
sp_provider_list_load_async (SpProviderList      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread_task = NULL;

  g_return_if_fail (SP_IS_PROVIDER_LIST (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_provider_list_load_async);

  thread_task = g_task_new (self, cancellable, load_cb, g_steal_pointer (&task));
  g_task_run_in_thread (thread_task, load_thread);
}

gboolean
sp_provider_list_load_finish (SpProviderList  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (SP_IS_PROVIDER_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sp_provider_list_load_sync:
 *
 * The blocking variant of sp_provider_list_load_async(), for the command
 * line.
 */
gboolean
sp_provider_list_load_sync (SpProviderList  *self,
                            GError         **error)
{
  g_autofree char *path = get_config_path ();
  g_autoptr(GPtrArray) providers = NULL;

  g_return_val_if_fail (SP_IS_PROVIDER_LIST (self), FALSE);

  providers = read_providers (path, NULL, error);
  if (providers == NULL)
    return FALSE;

  apply_loaded (self, providers);

  return TRUE;
}

void
sp_provider_list_save_async (SpProviderList      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_PROVIDER_LIST (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_provider_list_save_async);
  g_task_set_task_data (task, serialize (self), g_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
sp_provider_list_save_finish (SpProviderList  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (SP_IS_PROVIDER_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sp_provider_list_save_sync:
 *
 * The blocking variant of sp_provider_list_save_async(), for the command
 * line.
 */
gboolean
sp_provider_list_save_sync (SpProviderList  *self,
                            GError         **error)
{
  g_autofree char *path = get_config_path ();
  g_autofree char *contents = NULL;

  g_return_val_if_fail (SP_IS_PROVIDER_LIST (self), FALSE);

  contents = serialize (self);

  return write_providers (path, contents, NULL, error);
}

/**
 * sp_provider_list_lookup:
 *
 * Returns: (transfer none) (nullable): the provider with @id
 */
SpProvider *
sp_provider_list_lookup (SpProviderList *self,
                         const char     *id)
{
  g_return_val_if_fail (SP_IS_PROVIDER_LIST (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->providers->len; i++)
    {
      SpProvider *provider = g_ptr_array_index (self->providers, i);

      if (g_strcmp0 (sp_provider_get_id (provider), id) == 0)
        return provider;
    }

  return NULL;
}

/**
 * sp_provider_list_add:
 *
 * Adds @provider at the end. Its id must not be in the list yet: see
 * sp_provider_list_dup_unique_id().
 */
void
sp_provider_list_add (SpProviderList *self,
                      SpProvider     *provider)
{
  g_return_if_fail (SP_IS_PROVIDER_LIST (self));
  g_return_if_fail (SP_IS_PROVIDER (provider));
  g_return_if_fail (sp_provider_list_lookup (self, sp_provider_get_id (provider)) == NULL);

  g_ptr_array_add (self->providers, g_object_ref (provider));
  g_list_model_items_changed (G_LIST_MODEL (self), self->providers->len - 1, 0, 1);
}

/**
 * sp_provider_list_remove:
 *
 * Returns: %TRUE if a provider was removed; built-ins cannot be
 */
gboolean
sp_provider_list_remove (SpProviderList *self,
                         const char     *id)
{
  g_return_val_if_fail (SP_IS_PROVIDER_LIST (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  for (guint i = N_BUILTINS; i < self->providers->len; i++)
    {
      SpProvider *provider = g_ptr_array_index (self->providers, i);

      if (g_strcmp0 (sp_provider_get_id (provider), id) == 0)
        {
          g_ptr_array_remove_index (self->providers, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * sp_provider_list_dup_unique_id:
 * @base: the id wanted, such as a preset's id
 *
 * Returns: (transfer full): @base, or @base followed by "-2", "-3", … if
 *   the list already has it
 */
char *
sp_provider_list_dup_unique_id (SpProviderList *self,
                                const char     *base)
{
  char *id;

  g_return_val_if_fail (SP_IS_PROVIDER_LIST (self), NULL);
  g_return_val_if_fail (base != NULL && base[0] != '\0', NULL);

  id = g_strdup (base);
  for (guint n = 2; sp_provider_list_lookup (self, id) != NULL; n++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", base, n);
    }

  return id;
}
