// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-model-picker"

#include "config.h"

#include "sp-model-picker.h"

#include <glib/gi18n.h>

#define MAX_MENU_MODELS 200

struct _SpModelPicker
{
  GObject                  parent_instance;

  AdwComboRow             *provider_row;
  AdwEntryRow             *model_row;
  GtkMenuButton           *models_button;

  SpSecrets               *secrets;
  GListModel              *providers;
  GMenu                   *models_menu;
  char                    *wanted_provider_id;
  gboolean                 key_required;
  gulong                   selected_handler;
  gulong                   providers_handler;

  SpModelPickerFilterFunc  filter;
  gpointer                 filter_data;
  GDestroyNotify           filter_destroy;

  GCancellable            *models_cancellable;
};

G_DEFINE_FINAL_TYPE (SpModelPicker, sp_model_picker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROVIDER_ROW,
  PROP_MODEL_ROW,
  PROP_MODELS_BUTTON,
  PROP_KEY_REQUIRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROVIDER_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One listing of the provider's models. It holds no reference on the
 * picker: the picker cancels it when it goes away or lists again, and a
 * cancelled listing touches nothing. */
typedef struct
{
  SpModelPicker *self;
  SpProvider    *provider;
  GCancellable  *cancellable;
} Listing;

static void
listing_free (Listing *listing)
{
  g_clear_object (&listing->provider);
  g_clear_object (&listing->cancellable);
  g_free (listing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listing, listing_free)

static void
show_menu_message (SpModelPicker *self,
                   const char    *message)
{
  /* An action nobody installs keeps the item insensitive. */
  g_autoptr(GMenuItem) item = g_menu_item_new (message, "model-picker.none");

  g_menu_remove_all (self->models_menu);
  g_menu_append_item (self->models_menu, item);
}

/* Only the models the filter lets through, when it lets any through;
 * otherwise all of them, and the server has the last word. */
static GPtrArray *
filter_models (SpModelPicker *self,
               char         **models)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();

  for (guint i = 0; self->filter != NULL && models[i] != NULL; i++)
    if (self->filter (models[i], self->filter_data))
      g_ptr_array_add (shown, models[i]);
  if (shown->len == 0)
    for (guint i = 0; models[i] != NULL; i++)
      g_ptr_array_add (shown, models[i]);
  return g_steal_pointer (&shown);
}

static void
models_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Listing) listing = user_data;
  SpModelPicker *self = listing->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_auto(GStrv) models = NULL;

  models = sp_client_list_models_finish (SP_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (listing->cancellable))
    return;
  if (models == NULL)
    {
      show_menu_message (self, error->message);
      return;
    }

  g_menu_remove_all (self->models_menu);
  shown = filter_models (self, models);
  for (guint i = 0; i < shown->len && i < MAX_MENU_MODELS; i++)
    {
      const char *model = g_ptr_array_index (shown, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (model, NULL);

      g_menu_item_set_action_and_target_value (item, "model-picker.set-model", g_variant_new_string (model));
      g_menu_append_item (self->models_menu, item);
    }
}

static void
list_models_with_key (Listing    *listing,
                      const char *key)
{
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = sp_client_new (listing->provider, key, &error);
  if (client == NULL)
    {
      show_menu_message (listing->self, error->message);
      listing_free (listing);
      return;
    }
  sp_client_list_models_async (client, listing->cancellable, models_listed_cb, listing);
}

static void
models_key_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Listing *listing = user_data;
  SpModelPicker *self = listing->self;
  g_autoptr(GError) error = NULL;
  char *key;

  key = sp_secrets_lookup_key_finish (SP_SECRETS (object), result, &error);
  if (g_cancellable_is_cancelled (listing->cancellable))
    {
      sp_secrets_free_key (key);
      listing_free (listing);
      return;
    }
  if (key == NULL && self->key_required)
    {
      g_autofree char *message = NULL;

      if (error == NULL)
        message = g_strdup_printf (_("There is no API key for “%s”. Add one in Preferences → Providers."),
                                   sp_provider_get_name (listing->provider));
      show_menu_message (self, message != NULL ? message : error->message);
      listing_free (listing);
      return;
    }
  /* Without a key, ask anyway: some compatible servers need none. */
  list_models_with_key (listing, key);
  sp_secrets_free_key (key);
}

static void
set_model_activated_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  SpModelPicker *self = user_data;

  sp_model_picker_set_model (self, g_variant_get_string (parameter, NULL));
}

static void
provider_selected_cb (SpModelPicker *self)
{
  SpProvider *provider = sp_model_picker_get_provider (self);

  if (provider == NULL)
    return;
  /* The person chose: stop waiting for the saved profile to load. */
  if (g_strcmp0 (self->wanted_provider_id, sp_provider_get_id (provider)) != 0)
    g_clear_pointer (&self->wanted_provider_id, g_free);
  sp_model_picker_refresh_models (self);
  g_signal_emit (self, signals[SIGNAL_PROVIDER_SELECTED], 0, provider);
}

static void
providers_changed_cb (SpModelPicker *self)
{
  if (self->wanted_provider_id != NULL)
    sp_model_picker_select_provider (self, self->wanted_provider_id);
}

static void
sp_model_picker_dispose (GObject *object)
{
  SpModelPicker *self = SP_MODEL_PICKER (object);

  g_cancellable_cancel (self->models_cancellable);
  g_clear_object (&self->models_cancellable);
  g_clear_signal_handler (&self->selected_handler, self->provider_row);
  g_clear_signal_handler (&self->providers_handler, self->providers);
  if (self->models_button != NULL)
    {
      gtk_menu_button_set_menu_model (self->models_button, NULL);
      gtk_widget_insert_action_group (GTK_WIDGET (self->models_button), "model-picker", NULL);
    }

  g_clear_object (&self->provider_row);
  g_clear_object (&self->model_row);
  g_clear_object (&self->models_button);
  g_clear_object (&self->secrets);
  g_clear_object (&self->providers);
  g_clear_object (&self->models_menu);
  if (self->filter_destroy != NULL)
    g_clear_pointer (&self->filter_data, self->filter_destroy);
  self->filter = NULL;

  G_OBJECT_CLASS (sp_model_picker_parent_class)->dispose (object);
}

static void
sp_model_picker_finalize (GObject *object)
{
  SpModelPicker *self = SP_MODEL_PICKER (object);

  g_free (self->wanted_provider_id);

  G_OBJECT_CLASS (sp_model_picker_parent_class)->finalize (object);
}

static void
sp_model_picker_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SpModelPicker *self = SP_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_ROW:
      g_value_set_object (value, self->provider_row);
      break;
    case PROP_MODEL_ROW:
      g_value_set_object (value, self->model_row);
      break;
    case PROP_MODELS_BUTTON:
      g_value_set_object (value, self->models_button);
      break;
    case PROP_KEY_REQUIRED:
      g_value_set_boolean (value, self->key_required);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_model_picker_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SpModelPicker *self = SP_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_ROW:
      self->provider_row = g_value_dup_object (value);
      break;
    case PROP_MODEL_ROW:
      self->model_row = g_value_dup_object (value);
      break;
    case PROP_MODELS_BUTTON:
      self->models_button = g_value_dup_object (value);
      break;
    case PROP_KEY_REQUIRED:
      sp_model_picker_set_key_required (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_model_picker_constructed (GObject *object)
{
  SpModelPicker *self = SP_MODEL_PICKER (object);
  g_autoptr(GtkExpression) name = NULL;
  g_autoptr(GSimpleActionGroup) group = NULL;
  static const GActionEntry entries[] = {
    { .name = "set-model", .activate = set_model_activated_cb, .parameter_type = "s" },
  };

  G_OBJECT_CLASS (sp_model_picker_parent_class)->constructed (object);

  g_assert (ADW_IS_COMBO_ROW (self->provider_row));
  g_assert (ADW_IS_ENTRY_ROW (self->model_row));

  name = gtk_property_expression_new (SP_TYPE_PROVIDER, NULL, "name");
  adw_combo_row_set_expression (self->provider_row, name);

  if (self->models_button == NULL)
    return;
  self->models_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->models_button, G_MENU_MODEL (self->models_menu));
  group = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self->models_button), "model-picker", G_ACTION_GROUP (group));
}

static void
sp_model_picker_class_init (SpModelPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_model_picker_dispose;
  object_class->finalize = sp_model_picker_finalize;
  object_class->get_property = sp_model_picker_get_property;
  object_class->set_property = sp_model_picker_set_property;
  object_class->constructed = sp_model_picker_constructed;

  properties[PROP_PROVIDER_ROW] =
    g_param_spec_object ("provider-row", NULL, NULL, ADW_TYPE_COMBO_ROW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL_ROW] =
    g_param_spec_object ("model-row", NULL, NULL, ADW_TYPE_ENTRY_ROW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODELS_BUTTON] =
    g_param_spec_object ("models-button", NULL, NULL, GTK_TYPE_MENU_BUTTON,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY_REQUIRED] =
    g_param_spec_boolean ("key-required", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when a provider is selected after sp_model_picker_setup(),
   * by the person or by sp_model_picker_select_provider(). */
  signals[SIGNAL_PROVIDER_SELECTED] =
    g_signal_new ("provider-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SP_TYPE_PROVIDER);
}

static void
sp_model_picker_init (SpModelPicker *self)
{
}

/**
 * sp_model_picker_new:
 * @provider_row: the row that shows the providers
 * @model_row: the row where the model is typed
 * @models_button: (nullable): a button whose menu lists the provider's models
 */
SpModelPicker *
sp_model_picker_new (AdwComboRow   *provider_row,
                     AdwEntryRow   *model_row,
                     GtkMenuButton *models_button)
{
  g_return_val_if_fail (ADW_IS_COMBO_ROW (provider_row), NULL);
  g_return_val_if_fail (ADW_IS_ENTRY_ROW (model_row), NULL);
  g_return_val_if_fail (models_button == NULL || GTK_IS_MENU_BUTTON (models_button), NULL);

  return g_object_new (SP_TYPE_MODEL_PICKER,
                       "provider-row", provider_row,
                       "model-row", model_row,
                       "models-button", models_button,
                       NULL);
}

/**
 * sp_model_picker_setup:
 * @providers: a list of SpProviders
 * @secrets: where the keys are
 * @provider_id: (nullable): the provider to start on, unless
 *   sp_model_picker_select_provider() asked for one before
 *
 * Shows @providers, selects the provider to start on and lists its models.
 * From here on, selecting a provider emits "provider-selected".
 */
void
sp_model_picker_setup (SpModelPicker *self,
                       GListModel    *providers,
                       SpSecrets     *secrets,
                       const char    *provider_id)
{
  g_return_if_fail (SP_IS_MODEL_PICKER (self));
  g_return_if_fail (G_IS_LIST_MODEL (providers));
  g_return_if_fail (SP_IS_SECRETS (secrets));

  g_set_object (&self->secrets, secrets);
  g_clear_signal_handler (&self->providers_handler, self->providers);
  g_set_object (&self->providers, providers);
  adw_combo_row_set_model (self->provider_row, providers);
  if (self->selected_handler == 0)
    self->selected_handler = g_signal_connect_object (self->provider_row, "notify::selected",
                                                      G_CALLBACK (provider_selected_cb),
                                                      self, G_CONNECT_SWAPPED);
  self->providers_handler = g_signal_connect_object (providers, "items-changed",
                                                     G_CALLBACK (providers_changed_cb),
                                                     self, G_CONNECT_SWAPPED);

  if (self->wanted_provider_id != NULL)
    providers_changed_cb (self);
  else if (provider_id != NULL && *provider_id != '\0')
    sp_model_picker_select_provider (self, provider_id);
  sp_model_picker_refresh_models (self);
}

SpProvider *
sp_model_picker_get_provider (SpModelPicker *self)
{
  g_return_val_if_fail (SP_IS_MODEL_PICKER (self), NULL);

  return adw_combo_row_get_selected_item (self->provider_row);
}

/* Saved profiles load asynchronously: a provider not listed yet is
 * selected when it arrives, unless the person chooses another first. */
void
sp_model_picker_select_provider (SpModelPicker *self,
                                 const char    *provider_id)
{
  GListModel *model;

  g_return_if_fail (SP_IS_MODEL_PICKER (self));

  model = adw_combo_row_get_model (self->provider_row);
  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SpProvider) provider = g_list_model_get_item (model, i);

      if (g_strcmp0 (sp_provider_get_id (provider), provider_id) == 0)
        {
          g_clear_pointer (&self->wanted_provider_id, g_free);
          adw_combo_row_set_selected (self->provider_row, i);
          return;
        }
    }
  if (provider_id != self->wanted_provider_id)
    {
      g_free (self->wanted_provider_id);
      self->wanted_provider_id = g_strdup (provider_id);
    }
}

gboolean
sp_model_picker_get_key_required (SpModelPicker *self)
{
  g_return_val_if_fail (SP_IS_MODEL_PICKER (self), FALSE);

  return self->key_required;
}

void
sp_model_picker_set_key_required (SpModelPicker *self,
                                  gboolean       key_required)
{
  g_return_if_fail (SP_IS_MODEL_PICKER (self));

  key_required = !!key_required;
  if (self->key_required == key_required)
    return;
  self->key_required = key_required;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_REQUIRED]);
}

/* The model typed, without surrounding spaces, or NULL. */
char *
sp_model_picker_dup_typed_model (SpModelPicker *self)
{
  g_autofree char *model = NULL;

  g_return_val_if_fail (SP_IS_MODEL_PICKER (self), NULL);

  model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->model_row))));
  if (*model == '\0')
    return NULL;
  return g_steal_pointer (&model);
}

/* The model typed, or the provider's default one, or NULL. */
char *
sp_model_picker_dup_model (SpModelPicker *self)
{
  char *model;
  SpProvider *provider;

  g_return_val_if_fail (SP_IS_MODEL_PICKER (self), NULL);

  model = sp_model_picker_dup_typed_model (self);
  if (model != NULL)
    return model;
  provider = sp_model_picker_get_provider (self);
  if (provider != NULL && sp_provider_get_default_model (provider) != NULL)
    return g_strdup (sp_provider_get_default_model (provider));
  return NULL;
}

void
sp_model_picker_set_model (SpModelPicker *self,
                           const char    *model)
{
  g_return_if_fail (SP_IS_MODEL_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->model_row), model != NULL ? model : "");
}

/**
 * sp_model_picker_set_model_filter:
 * @filter: (nullable): which models the menu offers
 *
 * Narrows the menu to the models @filter accepts; when it accepts none of
 * a provider's models, the menu offers them all.
 */
void
sp_model_picker_set_model_filter (SpModelPicker           *self,
                                  SpModelPickerFilterFunc  filter,
                                  gpointer                 user_data,
                                  GDestroyNotify           destroy)
{
  g_return_if_fail (SP_IS_MODEL_PICKER (self));

  if (self->filter_destroy != NULL)
    g_clear_pointer (&self->filter_data, self->filter_destroy);
  self->filter = filter;
  self->filter_data = user_data;
  self->filter_destroy = destroy;
}

/* Lists the models of the selected provider in the menu, again. */
void
sp_model_picker_refresh_models (SpModelPicker *self)
{
  SpProvider *provider;
  Listing *listing;

  g_return_if_fail (SP_IS_MODEL_PICKER (self));

  if (self->models_menu == NULL)
    return;
  provider = sp_model_picker_get_provider (self);
  g_cancellable_cancel (self->models_cancellable);
  g_clear_object (&self->models_cancellable);
  g_menu_remove_all (self->models_menu);
  if (provider == NULL)
    return;

  self->models_cancellable = g_cancellable_new ();
  listing = g_new0 (Listing, 1);
  listing->self = self;
  listing->provider = g_object_ref (provider);
  listing->cancellable = g_object_ref (self->models_cancellable);
  if (sp_provider_get_needs_key (provider) && self->secrets != NULL)
    sp_secrets_lookup_key_async (self->secrets, sp_provider_get_id (provider),
                                 listing->cancellable, models_key_ready_cb, listing);
  else
    list_models_with_key (listing, NULL);
}
