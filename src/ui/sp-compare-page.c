// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-compare-page"

#include "config.h"

#include "sp-compare-page.h"

#include <glib/gi18n.h>

#include "sp-model-picker.h"
#include "sp-window.h"

/* The subject of a comparison given only a story: its first words. */
#define SUBJECT_WORDS  8
#define PREVIEW_SIZE   512

/* The setup of side A or B. */
typedef struct
{
  AdwComboRow   *provider_row;
  AdwEntryRow   *model_row;
  AdwComboRow   *mode_row;
  SpModelPicker *picker;
} Setup;

/* The pane at one position: it shows the side blind mode put there. */
typedef struct
{
  SpComparePage   *self;
  GtkLabel        *title_label;
  GtkSpinner      *spinner;
  GtkToggleButton *raw_button;
  GtkMenuButton   *render_button;
  GtkTextView     *text_view;
  GtkPicture      *picture;
  GtkLabel        *usage_label;
  GtkLabel        *error_label;
  GtkDropDown     *backend_drop_down;
  GtkEntry        *url_entry;
  GBindingGroup   *bindings;
  GSignalGroup    *signals;
  GCancellable    *preview_cancellable;
} Pane;

struct _SpComparePage
{
  AdwBin          parent_instance;

  /* Template children */
  AdwEntryRow    *subject_row;
  AdwExpanderRow *story_row;
  GtkTextView    *story_view;
  GtkSwitch      *blind_switch;
  GtkLabel       *status_label;
  Setup           setups[2];
  Pane            panes[2];

  SpStore        *store;
  SpGallery      *gallery;
  SpImageStore   *image_store;
  SpProviderList *providers;
  SpSecrets      *secrets;
  GSettings      *settings;
  SpTemplate     *template;
  SpComparison   *comparison;
  GCancellable   *run_cancellable;
  GCancellable   *cancellable;   /* saving and rendering: until dispose */
  gboolean        blind;
  gboolean        running;
  gboolean        saving;
  gboolean        restoring;     /* settings being applied: not written back */
};

G_DEFINE_FINAL_TYPE (SpComparePage, sp_compare_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COMPARISON,
  PROP_BLIND,
  PROP_RUNNING,
  N_PROPS
};

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* One press of Compare, while the keys are looked up and both sides run. */
typedef struct
{
  SpComparePage *self;
  SpComparison  *comparison;
  SpProvider    *providers[2];
  SpClient      *clients[2];
  guint          next;   /* the side whose client is made next */
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->self);
  g_clear_object (&run->comparison);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&run->providers[i]);
      g_clear_object (&run->clients[i]);
    }
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* One press of Render in a pane. */
typedef struct
{
  SpComparePage   *self;
  SpComparison    *comparison;
  SpSide           side;
  SpRenderBackend  backend;
  char            *url;
  char            *prompt;
  SpRender        *render;
  SpImage         *image;
} Render;

static void
render_free (Render *render)
{
  g_clear_object (&render->self);
  g_clear_object (&render->comparison);
  g_free (render->url);
  g_free (render->prompt);
  g_clear_object (&render->render);
  g_clear_object (&render->image);
  g_free (render);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Render, render_free)

static char *
dup_buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
side_letter (SpSide side)
{
  return side == SP_SIDE_A ? "A" : "B";
}

static void
show_toast (SpComparePage *self,
            const char    *message)
{
  sp_window_toast_from (GTK_WIDGET (self), message);
}

static void
show_error (SpComparePage *self,
            const char    *message)
{
  gtk_label_set_text (self->status_label, message);
  sp_window_error_from (GTK_WIDGET (self), message);
}

/* Work that ends after dispose has no widgets left to show it in. */
static gboolean
is_disposed (SpComparePage *self)
{
  return self->cancellable == NULL;
}

static void
update_actions (SpComparePage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean finished = self->comparison != NULL && !self->running;

  gtk_widget_action_set_enabled (widget, "compare.run", !self->running && !self->saving);
  gtk_widget_action_set_enabled (widget, "compare.stop", self->running);
  gtk_widget_action_set_enabled (widget, "compare.save", sp_compare_page_get_can_save (self));
  gtk_widget_action_set_enabled (widget, "compare.copy", self->comparison != NULL);
  gtk_widget_action_set_enabled (widget, "compare.render", finished && self->image_store != NULL);
}

static void
set_running (SpComparePage *self,
             gboolean       running)
{
  if (self->running == running)
    return;

  self->running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Panes */

static gboolean
null_to_empty_cb (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

static gboolean
has_text_cb (GBinding     *binding,
             const GValue *from,
             GValue       *to,
             gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_boolean (to, text != NULL && *text != '\0');
  return TRUE;
}

static char *
describe_usage (SpComparePage    *self,
                SpComparisonSide *side)
{
  gint64 prompt_tokens = sp_comparison_side_get_prompt_tokens (side);
  gint64 completion_tokens = sp_comparison_side_get_completion_tokens (side);
  SpMoney cost = sp_comparison_side_get_cost (side);
  g_autofree char *amount = NULL;

  if (sp_comparison_side_get_running (side))
    return g_strdup (_("Writing…"));
  if (prompt_tokens < 0 || completion_tokens < 0)
    return g_strdup (_("No answer yet"));

  /* A price would give the model away before the vote. */
  if (!sp_comparison_get_revealed (self->comparison))
    amount = g_strdup (_("cost shown after the vote"));
  else if (cost >= 0)
    amount = sp_price_sheet_format_amount (sp_comparison_get_price_sheet (self->comparison), cost, 6);
  else
    amount = g_strdup (_("cost unknown for this model"));

  if (sp_comparison_side_get_usage_estimated (side))
    /* Translators: tokens sent, tokens received (counted here, the server
     * did not say), then the cost, such as "$0.00042" */
    return g_strdup_printf (_("About %lld tokens in, %lld out · %s"),
                            (long long) prompt_tokens, (long long) completion_tokens, amount);
  /* Translators: tokens sent, tokens received, then the cost, such as "$0.00042" */
  return g_strdup_printf (_("%lld tokens in, %lld out · %s"),
                          (long long) prompt_tokens, (long long) completion_tokens, amount);
}

static void
update_usage (Pane *pane)
{
  g_autoptr(SpComparisonSide) side = g_signal_group_dup_target (pane->signals);
  g_autofree char *text = NULL;

  if (side == NULL || pane->self->comparison == NULL)
    {
      gtk_label_set_text (pane->usage_label, _("No answer yet"));
      return;
    }
  text = describe_usage (pane->self, side);
  gtk_label_set_text (pane->usage_label, text);
}

static void
side_running_changed_cb (Pane *pane)
{
  update_usage (pane);
  update_actions (pane->self);
}

static void
texture_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Pane *pane = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL || is_disposed (pane->self))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No preview: %s", error->message);
      return;
    }
  gtk_picture_set_paintable (pane->picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (pane->picture), TRUE);
}

static void
load_texture_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_filename (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
thumbnail_ready_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Pane *pane = user_data;
  g_autoptr(SpComparePage) self = pane->self;   /* the reference taken for this call */
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  path = sp_image_store_thumbnail_finish (SP_IMAGE_STORE (object), result, &error);
  if (path == NULL || is_disposed (self))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No thumbnail: %s", error->message);
      return;
    }
  /* Decoding is off the main thread too. */
  task = g_task_new (self, pane->preview_cancellable, texture_loaded_cb, pane);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (task, load_texture_thread);
}

/* The newest image of the side the pane shows (a render), or none. */
static void
show_last_image (Pane *pane)
{
  g_autoptr(SpComparisonSide) side = g_signal_group_dup_target (pane->signals);
  GListModel *images;
  guint n;

  g_cancellable_cancel (pane->preview_cancellable);
  g_clear_object (&pane->preview_cancellable);
  gtk_picture_set_paintable (pane->picture, NULL);
  gtk_widget_set_visible (GTK_WIDGET (pane->picture), FALSE);
  if (side == NULL || pane->self->image_store == NULL)
    return;

  images = sp_comparison_side_get_images (side);
  n = g_list_model_get_n_items (images);
  if (n == 0)
    return;
  {
    g_autoptr(SpImage) image = g_list_model_get_item (images, n - 1);

    pane->preview_cancellable = g_cancellable_new ();
    g_object_ref (pane->self);
    sp_image_store_thumbnail_async (pane->self->image_store, image, PREVIEW_SIZE,
                                    pane->preview_cancellable, thumbnail_ready_cb, pane);
  }
}

static void
bind_panes (SpComparePage *self)
{
  for (guint i = 0; i < 2; i++)
    {
      Pane *pane = &self->panes[i];
      SpComparisonSide *side = self->comparison != NULL
        ? sp_comparison_get_side_at (self->comparison, i) : NULL;

      g_binding_group_set_source (pane->bindings, side);
      g_signal_group_set_target (pane->signals, side);
      update_usage (pane);
      show_last_image (pane);
    }
}

static void
set_comparison (SpComparePage *self,
                SpComparison  *comparison)
{
  if (!g_set_object (&self->comparison, comparison))
    return;

  bind_panes (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARISON]);
}

/* Compare */

static char *
story_subject (const char *story)
{
  g_auto(GStrv) words = g_strsplit_set (story, " \t\n\r", -1);
  g_autoptr(GString) subject = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; words[i] != NULL && n < SUBJECT_WORDS; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (n++ > 0)
        g_string_append_c (subject, ' ');
      g_string_append (subject, words[i]);
    }
  return g_string_free (g_steal_pointer (&subject), FALSE);
}

static gboolean
setup_side (SpComparePage     *self,
            SpComparisonSide  *side,
            Setup             *setup,
            GError           **error)
{
  SpSide letter = sp_comparison_side_get_side (side);
  SpProvider *provider = sp_model_picker_get_provider (setup->picker);
  g_autofree char *model = sp_model_picker_dup_model (setup->picker);

  if (provider == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("Pick a provider for side %s."), side_letter (letter));
      return FALSE;
    }
  if (model == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("Type the model of side %s: this provider has no default model."),
                   side_letter (letter));
      return FALSE;
    }
  sp_comparison_side_set_provider_id (side, sp_provider_get_id (provider));
  sp_comparison_side_set_model (side, model);
  sp_comparison_side_set_prompt_mode (side, adw_combo_row_get_selected (setup->mode_row) == 1
                                            ? SP_PAIR_MODE_SHORT : SP_PAIR_MODE_FULL);
  return TRUE;
}

static SpComparison *
new_comparison (SpComparePage  *self,
                GError        **error)
{
  g_autoptr(SpComparison) comparison = sp_comparison_new ();
  g_autofree char *subject = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)));
  g_autofree char *story = dup_buffer_text (self->story_view);

  g_strstrip (subject);
  g_strstrip (story);
  if (*subject == '\0' && *story == '\0')
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("Write a subject or a story to compare the two models on."));
      return NULL;
    }
  if (*subject == '\0')
    {
      g_free (subject);
      subject = story_subject (story);
    }
  sp_comparison_set_subject (comparison, subject);
  sp_comparison_set_story (comparison, *story != '\0' ? story : NULL);
  for (guint i = 0; i < 2; i++)
    if (!setup_side (self, sp_comparison_get_side (comparison, i), &self->setups[i], error))
      return NULL;
  sp_comparison_set_blind (comparison, self->blind);
  return g_steal_pointer (&comparison);
}

static void
stop_run (Run        *run,
          const char *message,
          gboolean    failed)
{
  SpComparePage *self = run->self;

  if (run->comparison == self->comparison)
    {
      g_clear_object (&self->run_cancellable);
      set_running (self, FALSE);
      if (failed)
        show_error (self, message);
      else
        gtk_label_set_text (self->status_label, message);
    }
  run_free (run);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  SpComparison *comparison = SP_COMPARISON (object);
  g_autoptr(GError) error = NULL;
  guint n_failed = 0;

  if (sp_comparison_run_finish (comparison, result, &error))
    {
      stop_run (g_steal_pointer (&run), _("Both answers are in."), FALSE);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      for (guint i = 0; i < 2; i++)
        if (sp_comparison_side_get_error (sp_comparison_get_side (comparison, i)) != NULL)
          sp_comparison_side_set_error (sp_comparison_get_side (comparison, i), _("Stopped."));
      stop_run (g_steal_pointer (&run), _("Stopped."), FALSE);
      return;
    }
  for (guint i = 0; i < 2; i++)
    if (sp_comparison_side_get_error (sp_comparison_get_side (comparison, i)) != NULL)
      n_failed++;
  /* Each pane says why its side failed. */
  if (n_failed == 2)
    stop_run (g_steal_pointer (&run), _("Both sides failed."), FALSE);
  else
    stop_run (g_steal_pointer (&run), _("One side failed; the other answered."), FALSE);
}

static gboolean
make_client (Run        *run,
             guint       i,
             const char *key)
{
  g_autoptr(GError) error = NULL;

  run->clients[i] = sp_client_new (run->providers[i], key, &error);
  if (run->clients[i] == NULL)
    {
      stop_run (run, error->message, TRUE);
      return FALSE;
    }
  return TRUE;
}

static void key_ready_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

/* Makes the clients one side after the other (looking up keys as needed),
 * then asks both sides at once. */
static void
continue_run (Run *run)
{
  SpComparePage *self = run->self;

  while (run->next < 2)
    {
      guint i = run->next;

      if (i == SP_SIDE_B && run->providers[SP_SIDE_B] == run->providers[SP_SIDE_A])
        run->clients[i] = g_object_ref (run->clients[SP_SIDE_A]);
      else if (sp_provider_get_needs_key (run->providers[i]) && self->secrets != NULL)
        {
          sp_secrets_lookup_key_async (self->secrets, sp_provider_get_id (run->providers[i]),
                                       self->run_cancellable, key_ready_cb, run);
          return;
        }
      else if (!make_client (run, i, NULL))
        return;
      run->next++;
    }

  gtk_label_set_text (self->status_label, _("Asking both models…"));
  sp_comparison_run_async (run->comparison, run->clients[SP_SIDE_A], run->clients[SP_SIDE_B],
                           self->template, self->run_cancellable, run_done_cb, run);
}

static void
key_ready_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  SpProvider *provider = run->providers[run->next];
  g_autoptr(GError) error = NULL;
  char *key;

  key = sp_secrets_lookup_key_finish (SP_SECRETS (object), result, &error);
  if (key == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          stop_run (run, _("Stopped."), FALSE);
          return;
        }
      if (error == NULL)
        message = g_strdup_printf (_("There is no API key for “%s”. Add one in Preferences → Providers, or pick the Offline provider."),
                                   sp_provider_get_name (provider));
      stop_run (run, message != NULL ? message : error->message, TRUE);
      return;
    }
  if (make_client (run, run->next, key))
    {
      run->next++;
      continue_run (run);
    }
  sp_secrets_free_key (key);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  sp_compare_page_compare (SP_COMPARE_PAGE (widget));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpComparePage *self = SP_COMPARE_PAGE (widget);

  g_cancellable_cancel (self->run_cancellable);
}

/* Save */

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SpComparePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_gallery_save_finish (SP_GALLERY (object), result, &error))
    {
      if (is_disposed (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->saving = FALSE;
      update_actions (self);
      show_error (self, error->message);
      return;
    }
  if (is_disposed (self))
    return;
  self->saving = FALSE;
  update_actions (self);
  gtk_label_set_text (self->status_label, _("Saved to the gallery"));
  show_toast (self, _("Saved to the gallery"));
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, self->comparison);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpComparePage *self = SP_COMPARE_PAGE (widget);

  if (!sp_compare_page_get_can_save (self))
    return;

  /* Compare stays disabled until the save is done: the comparison the
   * "saved" signal gives is the one being saved. */
  self->saving = TRUE;
  update_actions (self);
  sp_gallery_save_async (self->gallery, self->comparison, self->cancellable,
                         saved_cb, g_object_ref (self));
}

/* Copy */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpComparePage *self = SP_COMPARE_PAGE (widget);
  guint position = g_variant_get_uint32 (parameter);
  g_autofree char *text = NULL;

  if (self->comparison == NULL || position > 1)
    return;
  text = g_strdup (sp_comparison_side_get_text (sp_comparison_get_side_at (self->comparison, position)));
  if (text == NULL || *g_strstrip (text) == '\0')
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  show_toast (self, _("Prompt copied"));
}

/* Render */

static void
render_failed (Render     *render,
               GError     *error)
{
  if (!is_disposed (render->self) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (render->self, error->message);
  render_free (render);
}

static void
image_added_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Render) render = user_data;
  SpComparePage *self = render->self;
  g_autoptr(GError) error = NULL;

  if (!sp_image_store_add_to_side_finish (SP_IMAGE_STORE (object), result, &error))
    {
      render_failed (g_steal_pointer (&render), error);
      return;
    }
  if (is_disposed (self) || render->comparison != self->comparison)
    return;
  for (guint i = 0; i < 2; i++)
    if (sp_comparison_get_side_at (self->comparison, i) == sp_comparison_get_side (self->comparison, render->side))
      show_last_image (&self->panes[i]);
  gtk_label_set_text (self->status_label, _("Rendered."));
}

static void
image_imported_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Render *render = user_data;
  g_autoptr(GError) error = NULL;

  render->image = sp_image_store_import_finish (SP_IMAGE_STORE (object), result, &error);
  if (render->image == NULL)
    {
      render_failed (render, error);
      return;
    }
  sp_image_store_add_to_side_async (SP_IMAGE_STORE (object), render->comparison, render->side,
                                    render->image, render->self->cancellable, image_added_cb, render);
}

static void
image_rendered_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Render *render = user_data;
  SpComparePage *self = render->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;

  bytes = sp_render_image_finish (SP_RENDER (object), result, &error);
  if (bytes == NULL || is_disposed (self) || self->image_store == NULL)
    {
      if (bytes != NULL)
        g_set_error_literal (&error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                             _("The library closed before the image could be kept."));
      render_failed (render, error);
      return;
    }
  source = g_strconcat ("render:", sp_render_backend_to_string (render->backend), NULL);
  sp_image_store_import_bytes_async (self->image_store, bytes, source, self->cancellable,
                                     image_imported_cb, render);
}

static void
start_render (Render     *render,
              const char *key)
{
  g_autoptr(GError) error = NULL;

  render->render = sp_render_new (render->backend, render->url, key, &error);
  if (render->render == NULL)
    {
      render_failed (render, error);
      return;
    }
  gtk_label_set_text (render->self->status_label, _("Rendering…"));
  sp_render_image_async (render->render, render->prompt, render->self->cancellable,
                         image_rendered_cb, render);
}

static void
render_key_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Render *render = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = sp_secrets_lookup_key_finish (SP_SECRETS (object), result, &error);
  if (key == NULL && error == NULL)
    g_set_error_literal (&error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                         _("The OpenAI Images API needs the API key of the OpenAI provider. Add one in Preferences → Providers."));
  if (key == NULL)
    {
      render_failed (render, error);
      return;
    }
  start_render (render, key);
  sp_secrets_free_key (key);
}

static void
render_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SpComparePage *self = SP_COMPARE_PAGE (widget);
  guint position = g_variant_get_uint32 (parameter);
  SpComparisonSide *side;
  Render *render;
  Pane *pane;
  g_autofree char *url = NULL;
  g_autofree char *prompt = NULL;

  if (self->comparison == NULL || self->image_store == NULL || position > 1)
    return;
  pane = &self->panes[position];
  side = sp_comparison_get_side_at (self->comparison, position);
  prompt = g_strdup (sp_comparison_side_get_text (side));
  if (prompt == NULL || *g_strstrip (prompt) == '\0')
    {
      show_error (self, _("This side has no prompt to render yet."));
      return;
    }
  gtk_menu_button_popdown (pane->render_button);

  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (pane->url_entry))));
  render = g_new0 (Render, 1);
  render->self = g_object_ref (self);
  render->comparison = g_object_ref (self->comparison);
  render->side = sp_comparison_side_get_side (side);
  render->backend = gtk_drop_down_get_selected (pane->backend_drop_down) == 1
                    ? SP_RENDER_BACKEND_AUTOMATIC1111 : SP_RENDER_BACKEND_OPENAI_IMAGES;
  render->url = *url != '\0' ? g_steal_pointer (&url) : NULL;
  render->prompt = g_steal_pointer (&prompt);

  if (render->backend == SP_RENDER_BACKEND_OPENAI_IMAGES && self->secrets != NULL)
    sp_secrets_lookup_key_async (self->secrets, "openai", self->cancellable,
                                 render_key_ready_cb, render);
  else
    start_render (render, NULL);
}

static void
backend_selected_cb (Pane *pane)
{
  if (gtk_drop_down_get_selected (pane->backend_drop_down) == 1)
    gtk_entry_set_placeholder_text (pane->url_entry, "http://127.0.0.1:7860");
  else
    gtk_entry_set_placeholder_text (pane->url_entry, "https://api.openai.com/v1");
}

/* The small form behind Render…: where to render, then the button. */
static void
build_render_popover (Pane  *pane,
                      guint  position)
{
  static const char * const backends[] = { N_("OpenAI Images"), N_("AUTOMATIC1111 / Forge"), NULL };
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (_("Render This Prompt"));
  GtkWidget *hint = gtk_label_new (_("Midjourney has no public API: add its images in the gallery."));
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Render"));
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  for (guint i = 0; backends[i] != NULL; i++)
    gtk_string_list_append (names, _(backends[i]));
  pane->backend_drop_down = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL));
  pane->url_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (pane->backend_drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Render With"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (pane->url_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Server Address"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Render"), -1);
  g_signal_connect_swapped (pane->backend_drop_down, "notify::selected",
                            G_CALLBACK (backend_selected_cb), pane);
  backend_selected_cb (pane);

  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (hint), 30);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "compare.render");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", position);
  gtk_widget_add_css_class (button, "suggested-action");

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (pane->backend_drop_down));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (pane->url_entry));
  gtk_box_append (GTK_BOX (box), hint);
  gtk_box_append (GTK_BOX (box), button);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (pane->render_button, popover);
}

static void
init_pane (SpComparePage *self,
           guint          position)
{
  Pane *pane = &self->panes[position];

  pane->self = self;
  pane->bindings = g_binding_group_new ();
  g_binding_group_bind (pane->bindings, "label", pane->title_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (pane->bindings, "label", pane->title_label, "tooltip-text", G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (pane->bindings, "text", gtk_text_view_get_buffer (pane->text_view), "text",
                             G_BINDING_SYNC_CREATE, null_to_empty_cb, NULL, NULL, NULL);
  g_binding_group_bind (pane->bindings, "clean", pane->raw_button, "active",
                        G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL | G_BINDING_INVERT_BOOLEAN);
  g_binding_group_bind (pane->bindings, "running", pane->spinner, "spinning", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (pane->bindings, "error", pane->error_label, "label", G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (pane->bindings, "error", pane->error_label, "visible",
                             G_BINDING_SYNC_CREATE, has_text_cb, NULL, NULL, NULL);

  pane->signals = g_signal_group_new (SP_TYPE_COMPARISON_SIDE);
  g_signal_group_connect_swapped (pane->signals, "notify::prompt-tokens", G_CALLBACK (update_usage), pane);
  g_signal_group_connect_swapped (pane->signals, "notify::completion-tokens", G_CALLBACK (update_usage), pane);
  g_signal_group_connect_swapped (pane->signals, "notify::cost", G_CALLBACK (update_usage), pane);
  g_signal_group_connect_swapped (pane->signals, "notify::usage-estimated", G_CALLBACK (update_usage), pane);
  g_signal_group_connect_swapped (pane->signals, "notify::running", G_CALLBACK (side_running_changed_cb), pane);
  g_signal_group_connect_swapped (pane->signals, "notify::label", G_CALLBACK (update_usage), pane);

  build_render_popover (pane, position);
}

static void
sp_compare_page_dispose (GObject *object)
{
  SpComparePage *self = SP_COMPARE_PAGE (object);

  g_cancellable_cancel (self->run_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->run_cancellable);
  for (guint i = 0; i < 2; i++)
    {
      Pane *pane = &self->panes[i];

      g_cancellable_cancel (pane->preview_cancellable);
      g_clear_object (&pane->preview_cancellable);
      if (pane->bindings != NULL)
        g_binding_group_set_source (pane->bindings, NULL);
      if (pane->signals != NULL)
        g_signal_group_set_target (pane->signals, NULL);
      g_clear_object (&pane->bindings);
      g_clear_object (&pane->signals);
    }

  for (guint i = 0; i < 2; i++)
    g_clear_object (&self->setups[i].picker);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_COMPARE_PAGE);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->comparison);
  g_clear_object (&self->gallery);
  g_clear_object (&self->image_store);
  g_clear_object (&self->store);
  g_clear_object (&self->providers);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_object (&self->template);

  G_OBJECT_CLASS (sp_compare_page_parent_class)->dispose (object);
}

static void
sp_compare_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SpComparePage *self = SP_COMPARE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_COMPARISON:
      g_value_set_object (value, self->comparison);
      break;
    case PROP_BLIND:
      g_value_set_boolean (value, self->blind);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_compare_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SpComparePage *self = SP_COMPARE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sp_compare_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_BLIND:
      sp_compare_page_set_blind (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define BIND_CHILD(name, member) \
  gtk_widget_class_bind_template_child_full (widget_class, name, FALSE, \
                                             G_STRUCT_OFFSET (SpComparePage, member))

static void
sp_compare_page_class_init (SpComparePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_compare_page_dispose;
  object_class->get_property = sp_compare_page_get_property;
  object_class->set_property = sp_compare_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPARISON] =
    g_param_spec_object ("comparison", NULL, NULL, SP_TYPE_COMPARISON,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BLIND] =
    g_param_spec_boolean ("blind", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SP_TYPE_COMPARISON);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-compare-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpComparePage, subject_row);
  gtk_widget_class_bind_template_child (widget_class, SpComparePage, story_row);
  gtk_widget_class_bind_template_child (widget_class, SpComparePage, story_view);
  gtk_widget_class_bind_template_child (widget_class, SpComparePage, blind_switch);
  gtk_widget_class_bind_template_child (widget_class, SpComparePage, status_label);
  BIND_CHILD ("provider_row_a", setups[0].provider_row);
  BIND_CHILD ("model_row_a", setups[0].model_row);
  BIND_CHILD ("mode_row_a", setups[0].mode_row);
  BIND_CHILD ("provider_row_b", setups[1].provider_row);
  BIND_CHILD ("model_row_b", setups[1].model_row);
  BIND_CHILD ("mode_row_b", setups[1].mode_row);
  BIND_CHILD ("title_label_1", panes[0].title_label);
  BIND_CHILD ("spinner_1", panes[0].spinner);
  BIND_CHILD ("raw_button_1", panes[0].raw_button);
  BIND_CHILD ("render_button_1", panes[0].render_button);
  BIND_CHILD ("text_view_1", panes[0].text_view);
  BIND_CHILD ("picture_1", panes[0].picture);
  BIND_CHILD ("usage_label_1", panes[0].usage_label);
  BIND_CHILD ("error_label_1", panes[0].error_label);
  BIND_CHILD ("title_label_2", panes[1].title_label);
  BIND_CHILD ("spinner_2", panes[1].spinner);
  BIND_CHILD ("raw_button_2", panes[1].raw_button);
  BIND_CHILD ("render_button_2", panes[1].render_button);
  BIND_CHILD ("text_view_2", panes[1].text_view);
  BIND_CHILD ("picture_2", panes[1].picture);
  BIND_CHILD ("usage_label_2", panes[1].usage_label);
  BIND_CHILD ("error_label_2", panes[1].error_label);

  gtk_widget_class_install_action (widget_class, "compare.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "compare.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "compare.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "compare.copy", "u", copy_action);
  gtk_widget_class_install_action (widget_class, "compare.render", "u", render_action);
}

#undef BIND_CHILD

static void
add_shortcut (GtkShortcutController *controller,
              const char            *accelerator,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (accelerator),
                                                          gtk_named_action_new (action)));
}

static void
sp_compare_page_init (SpComparePage *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  /* In the capture phase so that Ctrl+Return works while typing in the
   * story; a disabled action lets the key through. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>Return", "compare.run");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>KP_Enter", "compare.run");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "Escape", "compare.stop");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  for (guint i = 0; i < 2; i++)
    {
      Setup *setup = &self->setups[i];

      setup->picker = sp_model_picker_new (setup->provider_row, setup->model_row, NULL);
      init_pane (self, i);
    }
  g_object_bind_property (self, "blind", self->blind_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  update_actions (self);
}

/* Settings: the sides and render panes as they were set, for the next
 * session. Written on every change the person makes. */

#define BACKEND_AUTOMATIC1111 "automatic1111"
#define BACKEND_OPENAI_IMAGES "openai-images"

static void
save_settings (SpComparePage *self)
{
  GVariantBuilder sides, renders;

  if (self->settings == NULL || self->restoring)
    return;

  g_variant_builder_init (&sides, G_VARIANT_TYPE ("a(sss)"));
  for (guint i = 0; i < 2; i++)
    {
      Setup *setup = &self->setups[i];
      SpProvider *provider = sp_model_picker_get_provider (setup->picker);
      g_autofree char *model = sp_model_picker_dup_typed_model (setup->picker);

      g_variant_builder_add (&sides, "(sss)", provider != NULL ? sp_provider_get_id (provider) : "",
                             model != NULL ? model : "",
                             adw_combo_row_get_selected (setup->mode_row) == 1 ? "short" : "full");
    }
  g_variant_builder_init (&renders, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < 2; i++)
    {
      Pane *pane = &self->panes[i];

      g_variant_builder_add (&renders, "(ss)",
                             gtk_drop_down_get_selected (pane->backend_drop_down) == 1
                             ? BACKEND_AUTOMATIC1111 : BACKEND_OPENAI_IMAGES,
                             gtk_editable_get_text (GTK_EDITABLE (pane->url_entry)));
    }

  /* Not g_settings_delay(): the settings object is the window's, shared
   * with the other pages, and would stay in delay-apply mode for good. */
  g_settings_set_value (self->settings, "compare-sides", g_variant_builder_end (&sides));
  g_settings_set_value (self->settings, "compare-render", g_variant_builder_end (&renders));
  g_settings_set_boolean (self->settings, "compare-blind", self->blind);
}

/* The provider each side starts on: its own from the last session, else
 * the Prompt page's. */
static char *
dup_saved_provider (GVariant   *sides,
                    guint       i,
                    const char *fallback)
{
  const char *provider_id = NULL;

  if (i < g_variant_n_children (sides))
    g_variant_get_child (sides, i, "(&s&s&s)", &provider_id, NULL, NULL);
  return g_strdup (provider_id != NULL && *provider_id != '\0' ? provider_id : fallback);
}

static void
restore_settings (SpComparePage *self,
                  GVariant      *sides)
{
  g_autoptr(GVariant) renders = g_settings_get_value (self->settings, "compare-render");

  self->restoring = TRUE;
  for (guint i = 0; i < MIN (2, g_variant_n_children (sides)); i++)
    {
      const char *model, *mode;

      g_variant_get_child (sides, i, "(&s&s&s)", NULL, &model, &mode);
      if (*model != '\0')
        sp_model_picker_set_model (self->setups[i].picker, model);
      adw_combo_row_set_selected (self->setups[i].mode_row, g_str_equal (mode, "short") ? 1 : 0);
    }
  for (guint i = 0; i < MIN (2, g_variant_n_children (renders)); i++)
    {
      const char *backend, *url;

      g_variant_get_child (renders, i, "(&s&s)", &backend, &url);
      gtk_drop_down_set_selected (self->panes[i].backend_drop_down,
                                  g_str_equal (backend, BACKEND_AUTOMATIC1111) ? 1 : 0);
      gtk_editable_set_text (GTK_EDITABLE (self->panes[i].url_entry), url);
    }
  sp_compare_page_set_blind (self, g_settings_get_boolean (self->settings, "compare-blind"));
  self->restoring = FALSE;
}

static void
watch_settings (SpComparePage *self)
{
  for (guint i = 0; i < 2; i++)
    {
      g_signal_connect_object (self->setups[i].picker, "provider-selected",
                               G_CALLBACK (save_settings), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->setups[i].model_row, "changed",
                               G_CALLBACK (save_settings), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->setups[i].mode_row, "notify::selected",
                               G_CALLBACK (save_settings), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->panes[i].backend_drop_down, "notify::selected",
                               G_CALLBACK (save_settings), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->panes[i].url_entry, "changed",
                               G_CALLBACK (save_settings), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect (self, "notify::blind", G_CALLBACK (save_settings), NULL);
}

void
sp_compare_page_setup (SpComparePage  *self,
                       SpStore        *store,
                       SpProviderList *providers,
                       SpSecrets      *secrets,
                       GSettings      *settings,
                       SpTemplate     *template)
{
  g_autofree char *provider_id = NULL;
  g_autoptr(GVariant) sides = NULL;
  gboolean first_setup;

  g_return_if_fail (SP_IS_COMPARE_PAGE (self));
  g_return_if_fail (store == NULL || SP_IS_STORE (store));
  g_return_if_fail (SP_IS_PROVIDER_LIST (providers));
  g_return_if_fail (SP_IS_SECRETS (secrets));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (template == NULL || SP_IS_TEMPLATE (template));

  first_setup = self->settings == NULL;
  g_set_object (&self->providers, providers);
  g_set_object (&self->secrets, secrets);
  g_set_object (&self->settings, settings);
  g_clear_object (&self->template);
  self->template = template != NULL ? g_object_ref (template) : sp_template_new_builtin ();
  sp_compare_page_set_store (self, store);

  /* Each side starts where it was left, else on the provider of the
   * Prompt page. */
  provider_id = g_settings_get_string (settings, "provider");
  sides = g_settings_get_value (settings, "compare-sides");
  self->restoring = TRUE;
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *side_provider = dup_saved_provider (sides, i, provider_id);

      sp_model_picker_setup (self->setups[i].picker, G_LIST_MODEL (providers), secrets, side_provider);
    }
  restore_settings (self, sides);
  if (first_setup)
    watch_settings (self);
}

SpStore *
sp_compare_page_get_store (SpComparePage *self)
{
  g_return_val_if_fail (SP_IS_COMPARE_PAGE (self), NULL);

  return self->store;
}

SpComparison *
sp_compare_page_get_comparison (SpComparePage *self)
{
  g_return_val_if_fail (SP_IS_COMPARE_PAGE (self), NULL);

  return self->comparison;
}

gboolean
sp_compare_page_get_blind (SpComparePage *self)
{
  g_return_val_if_fail (SP_IS_COMPARE_PAGE (self), FALSE);

  return self->blind;
}

gboolean
sp_compare_page_get_running (SpComparePage *self)
{
  g_return_val_if_fail (SP_IS_COMPARE_PAGE (self), FALSE);

  return self->running;
}

gboolean
sp_compare_page_get_can_save (SpComparePage *self)
{
  g_return_val_if_fail (SP_IS_COMPARE_PAGE (self), FALSE);

  if (self->comparison == NULL || self->gallery == NULL || self->running || self->saving)
    return FALSE;
  if (sp_comparison_get_id (self->comparison) != 0 || sp_comparison_get_running (self->comparison))
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      SpComparisonSide *side = sp_comparison_get_side (self->comparison, i);
      const char *raw = sp_comparison_side_get_raw_text (side);

      if (sp_comparison_side_get_error (side) != NULL || raw == NULL || *raw == '\0')
        return FALSE;
    }
  return TRUE;
}

static Pane *
get_pane (SpComparePage *self,
          guint          position)
{
  g_return_val_if_fail (SP_IS_COMPARE_PAGE (self), NULL);
  g_return_val_if_fail (position < 2, NULL);

  return &self->panes[position];
}

char *
sp_compare_page_dup_pane_title (SpComparePage *self,
                                guint          position)
{
  Pane *pane = get_pane (self, position);

  return pane != NULL ? g_strdup (gtk_label_get_text (pane->title_label)) : NULL;
}

char *
sp_compare_page_dup_pane_text (SpComparePage *self,
                               guint          position)
{
  Pane *pane = get_pane (self, position);

  return pane != NULL ? dup_buffer_text (pane->text_view) : NULL;
}

char *
sp_compare_page_dup_pane_usage (SpComparePage *self,
                                guint          position)
{
  Pane *pane = get_pane (self, position);

  return pane != NULL ? g_strdup (gtk_label_get_text (pane->usage_label)) : NULL;
}

char *
sp_compare_page_dup_pane_error (SpComparePage *self,
                                guint          position)
{
  Pane *pane = get_pane (self, position);

  if (pane == NULL || !gtk_widget_get_visible (GTK_WIDGET (pane->error_label)))
    return NULL;
  return g_strdup (gtk_label_get_text (pane->error_label));
}

void
sp_compare_page_set_store (SpComparePage *self,
                           SpStore       *store)
{
  g_return_if_fail (SP_IS_COMPARE_PAGE (self));
  g_return_if_fail (store == NULL || SP_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_clear_object (&self->gallery);
  g_clear_object (&self->image_store);
  if (store != NULL)
    {
      self->gallery = sp_gallery_new (store);
      self->image_store = sp_image_store_new (store);
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
sp_compare_page_set_blind (SpComparePage *self,
                           gboolean       blind)
{
  g_return_if_fail (SP_IS_COMPARE_PAGE (self));

  blind = !!blind;
  if (self->blind == blind)
    return;
  self->blind = blind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLIND]);
}

void
sp_compare_page_set_model (SpComparePage *self,
                           SpSide         side,
                           const char    *provider_id,
                           const char    *model)
{
  g_return_if_fail (SP_IS_COMPARE_PAGE (self));
  g_return_if_fail (side == SP_SIDE_A || side == SP_SIDE_B);

  if (provider_id != NULL)
    sp_model_picker_select_provider (self->setups[side].picker, provider_id);
  sp_model_picker_set_model (self->setups[side].picker, model);
}

void
sp_compare_page_set_prompt_mode (SpComparePage *self,
                                 SpSide         side,
                                 SpPairMode     mode)
{
  g_return_if_fail (SP_IS_COMPARE_PAGE (self));
  g_return_if_fail (side == SP_SIDE_A || side == SP_SIDE_B);

  adw_combo_row_set_selected (self->setups[side].mode_row, mode == SP_PAIR_MODE_SHORT ? 1 : 0);
}

void
sp_compare_page_set_subject (SpComparePage *self,
                             const char    *subject)
{
  g_return_if_fail (SP_IS_COMPARE_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), subject != NULL ? subject : "");
}

void
sp_compare_page_set_story (SpComparePage *self,
                           const char    *story)
{
  g_return_if_fail (SP_IS_COMPARE_PAGE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->story_view), story != NULL ? story : "", -1);
  if (story != NULL && *story != '\0')
    adw_expander_row_set_expanded (self->story_row, TRUE);
}

void
sp_compare_page_set_raw (SpComparePage *self,
                         guint          position,
                         gboolean       raw)
{
  Pane *pane = get_pane (self, position);

  if (pane != NULL)
    gtk_toggle_button_set_active (pane->raw_button, raw);
}

void
sp_compare_page_compare (SpComparePage *self)
{
  g_autoptr(SpComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;
  Run *run;

  g_return_if_fail (SP_IS_COMPARE_PAGE (self));

  if (self->running || self->saving || self->providers == NULL)
    return;
  comparison = new_comparison (self, &error);
  if (comparison == NULL)
    {
      show_error (self, error->message);
      return;
    }

  set_comparison (self, comparison);
  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->comparison = g_object_ref (comparison);
  for (guint i = 0; i < 2; i++)
    run->providers[i] = g_object_ref (sp_model_picker_get_provider (self->setups[i].picker));

  self->run_cancellable = g_cancellable_new ();
  gtk_label_set_text (self->status_label, _("Asking both models…"));
  set_running (self, TRUE);
  continue_run (run);
}
