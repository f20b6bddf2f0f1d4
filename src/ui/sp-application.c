// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-application"

#include "config.h"

#include "sp-application.h"

#include <glib/gi18n.h>

#include "sp-preferences-window.h"
#include "sp-pricing-window.h"
#include "sp-prompt-page.h"
#include "sp-window.h"

struct _SpApplication
{
  AdwApplication  parent_instance;

  SpProviderList *providers;
  SpSecrets      *secrets;
  GSettings      *settings;
  SpStore        *store;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (SpApplication, sp_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SpApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  SpStore *store;
  GtkWindow *window;

  store = sp_store_new_finish (result, &error);
  if (store == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not open the library: %s", error->message);
      window = gtk_application_get_active_window (GTK_APPLICATION (self));
      if (SP_IS_WINDOW (window))
        sp_window_show_error (SP_WINDOW (window), error->message);
      return;
    }
  self->store = store;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
providers_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SpApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  if (sp_provider_list_load_finish (SP_PROVIDER_LIST (object), result, &error))
    return;

  g_warning ("Could not load the provider profiles: %s", error->message);
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (SP_IS_WINDOW (window))
    sp_window_show_error (SP_WINDOW (window), error->message);
}

static void
sp_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  SpApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows lets them save their state first. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_application_quit (G_APPLICATION (self));
}

static void
sp_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  SpApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  SpPreferencesWindow *preferences;

  preferences = sp_preferences_window_new (self->providers, self->secrets);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
sp_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  SpApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Starprompt developers"), NULL };

  adw_show_about_window (parent,
                         "application-name", _("Starprompt"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Starprompt developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Turn short stories into image prompts, fine-tune a model and see whether it pays."),
                         "website", "https://github.com/starprompt/starprompt",
                         "issue-url", "https://github.com/starprompt/starprompt/issues",
                         "developers", developers,
                         "copyright", "© 2026 The Starprompt developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
sp_application_pricing_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  SpApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  SpPricingWindow *window;

  if (SP_IS_WINDOW (parent))
    {
      sp_prompt_page_show_pricing (SP_PROMPT_PAGE (sp_window_get_prompt_page (SP_WINDOW (parent))));
      return;
    }
  window = sp_pricing_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "quit", sp_application_quit_action },
  { "preferences", sp_application_preferences_action },
  { "about", sp_application_about_action },
  { "pricing", sp_application_pricing_action },
};

static void
sp_application_activate (GApplication *app)
{
  SpApplication *self = SP_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (sp_window_new (self));
  gtk_window_present (window);
}

static void
sp_application_startup (GApplication *app)
{
  SpApplication *self = SP_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (sp_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);

  self->settings = g_settings_new (APPLICATION_ID);
  self->secrets = sp_secrets_get_default ();
  self->providers = sp_provider_list_new ();
  sp_provider_list_load_async (self->providers, NULL, providers_loaded_cb, g_object_ref (self));
  /* The library opens on its own thread; pages that need it wait for
   * notify::store. */
  self->cancellable = g_cancellable_new ();
  sp_store_new_async (NULL, self->cancellable, store_opened_cb, g_object_ref (self));
}

static void
sp_application_shutdown (GApplication *app)
{
  SpApplication *self = SP_APPLICATION (app);

  G_APPLICATION_CLASS (sp_application_parent_class)->shutdown (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->providers);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
}

static void
sp_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SpApplication *self = SP_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_application_class_init (SpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = sp_application_get_property;

  /* The library, once it is open; NULL before. */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->activate = sp_application_activate;
  app_class->startup = sp_application_startup;
  app_class->shutdown = sp_application_shutdown;
}

static void
sp_application_init (SpApplication *self)
{
}

SpApplication *
sp_application_new (void)
{
  return g_object_new (SP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

SpProviderList *
sp_application_get_provider_list (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);

  return self->providers;
}

SpSecrets *
sp_application_get_secrets (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);

  return self->secrets;
}

SpStore *
sp_application_get_store (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);

  return self->store;
}

GSettings *
sp_application_get_settings (SpApplication *self)
{
  g_return_val_if_fail (SP_IS_APPLICATION (self), NULL);

  return self->settings;
}
