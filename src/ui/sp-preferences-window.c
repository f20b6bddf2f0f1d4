// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-preferences-window"

#include "config.h"

#include "sp-preferences-window.h"

#include <glib/gi18n.h>

struct _SpPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template children */
  GtkLabel             *session_only_label;
  GtkListBox           *providers_list;
  AdwComboRow          *preset_row;
  AdwEntryRow          *new_name_row;
  AdwEntryRow          *new_url_row;

  SpProviderList       *providers;
  SpSecrets            *secrets;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (SpPreferencesWindow, sp_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* What one provider row needs in its callbacks. */
typedef struct
{
  SpPreferencesWindow *self;
  SpProvider          *provider;
  AdwEntryRow         *url_row;
  AdwPasswordEntryRow *key_row;
  GtkLabel            *status_label;
} ProviderRow;

static void
provider_row_free (gpointer data)
{
  ProviderRow *row = data;

  g_clear_object (&row->provider);
  g_free (row);
}

static void
set_row_status (ProviderRow *row,
                const char  *message,
                gboolean     is_error)
{
  gtk_label_set_text (row->status_label, message);
  gtk_widget_set_visible (GTK_WIDGET (row->status_label), message != NULL && *message != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (row->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row->status_label), "error");
}

static void
save_providers_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_provider_list_save_finish (SP_PROVIDER_LIST (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
}

static void
save_providers (SpPreferencesWindow *self)
{
  sp_provider_list_save_async (self->providers, NULL, save_providers_cb, g_object_ref (self));
}

static void
update_session_only (SpPreferencesWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->session_only_label),
                          sp_secrets_get_session_only (self->secrets));
}

/* Keys */

static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ProviderRow *row = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_secrets_store_key_finish (SP_SECRETS (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_row_status (row, error->message, TRUE);
      return;
    }
  update_session_only (row->self);
  set_row_status (row, sp_secrets_get_session_only (SP_SECRETS (object))
                         ? _("Key kept for this session only.")
                         : _("Key saved in the keyring."), FALSE);
}

static void
key_apply_cb (AdwPasswordEntryRow *entry,
              ProviderRow         *row)
{
  g_autofree char *key = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_autoptr(GError) error = NULL;

  g_strstrip (key);
  /* Clear the field at once: the key should not linger in a widget. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  if (!sp_secrets_check_key (key, &error))
    {
      set_row_status (row, error->message, TRUE);
      sp_secrets_free_key (g_steal_pointer (&key));
      return;
    }
  sp_secrets_store_key_async (row->self->secrets, sp_provider_get_id (row->provider), key,
                              row->self->cancellable, key_stored_cb, row);
  sp_secrets_free_key (g_steal_pointer (&key));
}

static void
key_cleared_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ProviderRow *row = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_secrets_clear_key_finish (SP_SECRETS (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_row_status (row, error->message, TRUE);
      return;
    }
  set_row_status (row, _("Key removed."), FALSE);
}

static void
forget_key_cb (GtkButton   *button,
               ProviderRow *row)
{
  sp_secrets_clear_key_async (row->self->secrets, sp_provider_get_id (row->provider),
                              row->self->cancellable, key_cleared_cb, row);
}

/* Test connection */

static void
models_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ProviderRow *row = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = NULL;
  g_autofree char *message = NULL;
  guint n;

  models = sp_client_list_models_finish (SP_CLIENT (object), result, &error);
  if (models == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_row_status (row, error->message, TRUE);
      return;
    }
  n = g_strv_length (models);
  if (n == 0)
    message = g_strdup (_("Connected, but the server lists no models."));
  else
    message = g_strdup_printf (ngettext ("Connected: %u model, such as %s.",
                                         "Connected: %u models, such as %s.", n),
                               n, models[0]);
  set_row_status (row, message, FALSE);
}

static void
test_with_key (ProviderRow *row,
               const char  *key)
{
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = sp_client_new (row->provider, key, &error);
  if (client == NULL)
    {
      set_row_status (row, error->message, TRUE);
      return;
    }
  set_row_status (row, _("Connecting…"), FALSE);
  sp_client_list_models_async (client, row->self->cancellable, models_listed_cb, row);
}

static void
test_key_ready_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ProviderRow *row = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = sp_secrets_lookup_key_finish (SP_SECRETS (object), result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_row_status (row, error->message, TRUE);
      return;
    }
  if (key == NULL && sp_provider_get_kind (row->provider) == SP_PROVIDER_KIND_OPENAI)
    {
      set_row_status (row, _("There is no API key yet. Paste one above and press Enter."), TRUE);
      return;
    }
  test_with_key (row, key);
  sp_secrets_free_key (key);
}

static void
test_connection_cb (GtkButton   *button,
                    ProviderRow *row)
{
  if (sp_provider_get_needs_key (row->provider) ||
      sp_provider_get_kind (row->provider) == SP_PROVIDER_KIND_OPENAI_COMPATIBLE)
    sp_secrets_lookup_key_async (row->self->secrets, sp_provider_get_id (row->provider),
                                 row->self->cancellable, test_key_ready_cb, row);
  else
    test_with_key (row, NULL);
}

/* Base URL and removal */

static void
url_apply_cb (AdwEntryRow *entry,
              ProviderRow *row)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(GError) error = NULL;

  if (!sp_provider_check_base_url (url, &error))
    {
      set_row_status (row, error->message, TRUE);
      return;
    }
  sp_provider_set_base_url (row->provider, url);
  set_row_status (row, NULL, FALSE);
  save_providers (row->self);
}

static void
remove_provider_cb (GtkButton   *button,
                    ProviderRow *row)
{
  SpPreferencesWindow *self = row->self;
  g_autofree char *id = g_strdup (sp_provider_get_id (row->provider));

  sp_secrets_clear_key_async (self->secrets, id, NULL, NULL, NULL);
  if (sp_provider_list_remove (self->providers, id))
    save_providers (self);
}

static GtkWidget *
create_provider_row_cb (gpointer item,
                        gpointer user_data)
{
  SpPreferencesWindow *self = user_data;
  SpProvider *provider = item;
  SpProviderKind kind = sp_provider_get_kind (provider);
  ProviderRow *row = g_new0 (ProviderRow, 1);
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *test = gtk_button_new_with_mnemonic (_("_Test Connection"));
  GtkWidget *status = gtk_label_new (NULL);

  row->self = self;
  row->provider = g_object_ref (provider);
  g_object_set_data_full (G_OBJECT (expander), "provider-row", row, provider_row_free);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), sp_provider_get_name (provider));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
  if (kind == SP_PROVIDER_KIND_OFFLINE)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                   _("Built in: writes prompts from the template without a network"));
  else
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), sp_provider_get_base_url (provider));

  if (kind == SP_PROVIDER_KIND_OPENAI_COMPATIBLE)
    {
      row->url_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->url_row), _("Base URL"));
      adw_entry_row_set_show_apply_button (row->url_row, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (row->url_row), sp_provider_get_base_url (provider));
      g_signal_connect (row->url_row, "apply", G_CALLBACK (url_apply_cb), row);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), GTK_WIDGET (row->url_row));
    }
  if (kind != SP_PROVIDER_KIND_OFFLINE)
    {
      GtkWidget *forget = gtk_button_new_with_mnemonic (_("_Forget Key"));

      row->key_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->key_row),
                                     kind == SP_PROVIDER_KIND_OPENAI ? _("API Key") : _("API Key (Optional)"));
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row->key_row), TRUE);
      g_signal_connect (row->key_row, "apply", G_CALLBACK (key_apply_cb), row);
      g_signal_connect (row->key_row, "entry-activated", G_CALLBACK (key_apply_cb), row);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), GTK_WIDGET (row->key_row));
      g_signal_connect (forget, "clicked", G_CALLBACK (forget_key_cb), row);
      gtk_box_append (GTK_BOX (buttons), forget);
    }
  if (kind == SP_PROVIDER_KIND_OPENAI_COMPATIBLE)
    {
      GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove Provider"));

      gtk_widget_add_css_class (remove, "destructive-action");
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_provider_cb), row);
      gtk_box_append (GTK_BOX (buttons), remove);
    }

  g_signal_connect (test, "clicked", G_CALLBACK (test_connection_cb), row);
  gtk_widget_set_hexpand (test, TRUE);
  gtk_widget_set_halign (test, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), test);
  gtk_widget_set_margin_top (buttons, 12);
  gtk_widget_set_margin_bottom (buttons, 6);
  gtk_widget_set_margin_start (buttons, 12);
  gtk_widget_set_margin_end (buttons, 12);

  row->status_label = GTK_LABEL (status);
  gtk_label_set_wrap (row->status_label, TRUE);
  gtk_label_set_xalign (row->status_label, 0);
  gtk_label_set_selectable (row->status_label, TRUE);
  gtk_widget_set_visible (status, FALSE);
  gtk_widget_set_margin_bottom (status, 12);
  gtk_widget_set_margin_start (status, 12);
  gtk_widget_set_margin_end (status, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (status), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Connection status"), -1);
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_box_append (GTK_BOX (box), buttons);
    gtk_box_append (GTK_BOX (box), status);
    adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), box);
  }
  return expander;
}

/* Adding a provider */

static void
preset_selected_cb (SpPreferencesWindow *self)
{
  guint n_presets = 0;
  const SpProviderPreset *presets = sp_provider_get_presets (&n_presets);
  guint selected = adw_combo_row_get_selected (self->preset_row);

  if (selected >= n_presets)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->new_url_row), "");
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), _(presets[selected].name));
  gtk_editable_set_text (GTK_EDITABLE (self->new_url_row), presets[selected].base_url);
}

static char *
unique_provider_id (SpPreferencesWindow *self,
                    const char          *name)
{
  g_autofree char *base = g_ascii_strdown (name, -1);
  char *id;

  g_strcanon (base, "abcdefghijklmnopqrstuvwxyz0123456789-", '-');
  id = g_strdup (base);
  for (guint i = 2; sp_provider_list_lookup (self->providers, id) != NULL; i++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", base, i);
    }
  return id;
}

static void
add_provider_cb (SpPreferencesWindow *self)
{
  g_autofree char *name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_name_row)));
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->new_url_row));
  g_autoptr(SpProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint n_presets = 0;
  const SpProviderPreset *presets = sp_provider_get_presets (&n_presets);
  guint selected = adw_combo_row_get_selected (self->preset_row);

  g_strstrip (name);
  if (*name == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Give the provider a name.")));
      return;
    }
  if (!sp_provider_check_base_url (url, &error))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }
  id = unique_provider_id (self, name);
  provider = sp_provider_new (id, name, SP_PROVIDER_KIND_OPENAI_COMPATIBLE, url);
  if (selected < n_presets && presets[selected].default_model != NULL)
    sp_provider_set_default_model (provider, presets[selected].default_model);
  sp_provider_list_add (self->providers, provider);
  save_providers (self);
  gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_url_row), "");
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Provider added. Open it above to test the connection.")));
}

static void
sp_preferences_window_dispose (GObject *object)
{
  SpPreferencesWindow *self = SP_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->providers);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (sp_preferences_window_parent_class)->dispose (object);
}

static void
sp_preferences_window_class_init (SpPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, session_only_label);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, providers_list);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, preset_row);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, new_name_row);
  gtk_widget_class_bind_template_child (widget_class, SpPreferencesWindow, new_url_row);
  gtk_widget_class_bind_template_callback (widget_class, preset_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_provider_cb);
}

static void
sp_preferences_window_init (SpPreferencesWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n_presets = 0;
  const SpProviderPreset *presets = sp_provider_get_presets (&n_presets);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < n_presets; i++)
    gtk_string_list_append (names, _(presets[i].name));
  gtk_string_list_append (names, _("Other Server"));
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (names));
  preset_selected_cb (self);
}

SpPreferencesWindow *
sp_preferences_window_new (SpProviderList *providers,
                           SpSecrets      *secrets)
{
  SpPreferencesWindow *self;

  g_return_val_if_fail (SP_IS_PROVIDER_LIST (providers), NULL);
  g_return_val_if_fail (SP_IS_SECRETS (secrets), NULL);

  self = g_object_new (SP_TYPE_PREFERENCES_WINDOW, NULL);
  self->providers = g_object_ref (providers);
  self->secrets = g_object_ref (secrets);
  gtk_list_box_bind_model (self->providers_list, G_LIST_MODEL (providers),
                           create_provider_row_cb, self, NULL);
  update_session_only (self);
  g_signal_connect_object (secrets, "notify::session-only", G_CALLBACK (update_session_only),
                           self, G_CONNECT_SWAPPED);
  return self;
}
