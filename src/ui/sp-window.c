// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-window"

#include "config.h"

#include "sp-window.h"

#include <glib/gi18n.h>

#include "sp-compare-page.h"
#include "sp-dataset-page.h"
#include "sp-fine-tune-page.h"
#include "sp-gallery-page.h"
#include "sp-prompt-page.h"

struct _SpWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  SpPromptPage         *prompt_page;
  SpDatasetPage        *dataset_page;
  SpFineTunePage       *fine_tune_page;
  SpComparePage        *compare_page;
  SpGalleryPage        *gallery_page;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (SpWindow, sp_window, ADW_TYPE_APPLICATION_WINDOW)

static void
save_window_state (SpWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  /* Not g_settings_delay(): the pages share this settings object, and it
   * would stay in delay-apply mode, holding back what they write after. */
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
sp_window_close_request (GtkWindow *window)
{
  SpWindow *self = SP_WINDOW (window);

  save_window_state (self);
  sp_prompt_page_save_state (self->prompt_page);
  return GTK_WINDOW_CLASS (sp_window_parent_class)->close_request (window);
}

static void
sp_window_dispose (GObject *object)
{
  SpWindow *self = SP_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sp_window_parent_class)->dispose (object);
}

/* "Use This Model" on the Fine-Tune page: try it on the Prompt page, with
 * the provider it was trained on. */
static void
use_model_cb (SpWindow   *self,
              const char *model)
{
  const char *provider_id = sp_fine_tune_page_get_provider_id (self->fine_tune_page);

  if (provider_id != NULL)
    sp_prompt_page_select_provider (self->prompt_page, provider_id);
  sp_prompt_page_set_model (self->prompt_page, model);
  adw_view_stack_set_visible_child_name (self->stack, "prompt");
}

static void
comparison_saved_cb (SpWindow     *self,
                     SpComparison *comparison)
{
  sp_gallery_page_refresh (self->gallery_page);
}

/* The "application" property is set after constructed(), so the window is
 * wired to the application's objects here. */
static void
setup_for_application (SpWindow      *self,
                       SpApplication *app)
{
  self->settings = g_object_ref (sp_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  sp_prompt_page_setup (self->prompt_page,
                        sp_application_get_provider_list (app),
                        sp_application_get_secrets (app),
                        self->settings);
  /* The library opens after the window exists: the page follows it. */
  sp_dataset_page_setup (self->dataset_page,
                         sp_application_get_store (app),
                         sp_application_get_provider_list (app),
                         sp_application_get_secrets (app),
                         self->settings,
                         sp_prompt_page_get_template (self->prompt_page));
  g_object_bind_property (app, "store", self->dataset_page, "store", G_BINDING_SYNC_CREATE);
  sp_fine_tune_page_setup (self->fine_tune_page,
                           sp_application_get_provider_list (app),
                           sp_application_get_secrets (app),
                           self->settings);
  g_signal_connect_object (self->fine_tune_page, "use-model", G_CALLBACK (use_model_cb),
                           self, G_CONNECT_SWAPPED);
  sp_compare_page_setup (self->compare_page,
                         sp_application_get_store (app),
                         sp_application_get_provider_list (app),
                         sp_application_get_secrets (app),
                         self->settings,
                         sp_prompt_page_get_template (self->prompt_page));
  g_object_bind_property (app, "store", self->compare_page, "store", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->compare_page, "saved", G_CALLBACK (comparison_saved_cb),
                           self, G_CONNECT_SWAPPED);
  sp_gallery_page_setup (self->gallery_page, sp_application_get_store (app));
  g_object_bind_property (app, "store", self->gallery_page, "store", G_BINDING_SYNC_CREATE);

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

/* "Fine-Tune…" on the toast of an export: the Fine-Tune page takes the
 * file the Dataset page has just written. */
static void
fine_tune_file_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SpWindow *self = SP_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  sp_fine_tune_page_set_file (self->fine_tune_page, file);
  adw_view_stack_set_visible_child_name (self->stack, "fine-tune");
}

static void
sp_window_class_init (SpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sp_window_dispose;
  window_class->close_request = sp_window_close_request;

  g_type_ensure (SP_TYPE_PROMPT_PAGE);
  g_type_ensure (SP_TYPE_DATASET_PAGE);
  g_type_ensure (SP_TYPE_FINE_TUNE_PAGE);
  g_type_ensure (SP_TYPE_COMPARE_PAGE);
  g_type_ensure (SP_TYPE_GALLERY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-window.ui");
  gtk_widget_class_install_action (widget_class, "win.fine-tune-file", "s", fine_tune_file_action);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, prompt_page);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, dataset_page);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, fine_tune_page);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, compare_page);
  gtk_widget_class_bind_template_child (widget_class, SpWindow, gallery_page);
}

static void
sp_window_init (SpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SpWindow *
sp_window_new (SpApplication *application)
{
  SpWindow *self;

  g_return_val_if_fail (SP_IS_APPLICATION (application), NULL);

  self = g_object_new (SP_TYPE_WINDOW, "application", application, NULL);
  setup_for_application (self, application);
  return self;
}

GtkWidget *
sp_window_get_prompt_page (SpWindow *self)
{
  g_return_val_if_fail (SP_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->prompt_page);
}

void
sp_window_show_toast (SpWindow   *self,
                      const char *message)
{
  g_return_if_fail (SP_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
sp_window_add_toast (SpWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (SP_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
sp_window_show_error (SpWindow   *self,
                      const char *message)
{
  AdwToast *toast;

  g_return_if_fail (SP_IS_WINDOW (self));

  /* Errors stay until dismissed: they say what to do. */
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
sp_window_toast_from (GtkWidget  *widget,
                      const char *message)
{
  GtkWidget *window;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  window = gtk_widget_get_ancestor (widget, SP_TYPE_WINDOW);
  if (window != NULL)
    sp_window_show_toast (SP_WINDOW (window), message);
  else
    g_debug ("%s", message);
}

void
sp_window_error_from (GtkWidget  *widget,
                      const char *message)
{
  GtkWidget *window;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  window = gtk_widget_get_ancestor (widget, SP_TYPE_WINDOW);
  if (window != NULL)
    sp_window_show_error (SP_WINDOW (window), message);
  else
    g_debug ("%s", message);
}
