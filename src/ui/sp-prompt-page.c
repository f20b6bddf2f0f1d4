// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-prompt-page"

#include "config.h"

#include "sp-prompt-page.h"

#include <glib/gi18n.h>

#include "sp-model-picker.h"
#include "sp-pricing-window.h"
#include "sp-prompt-cost.h"
#include "sp-string-list-editor.h"
#include "sp-window.h"

#define SAVE_DELAY_MS    800
#define PREVIEW_DELAY_MS 120
#define DEFAULT_TRAINING_EXAMPLES 250

struct _SpPromptPage
{
  AdwBin              parent_instance;

  /* Template children */
  GtkRevealer        *intro_revealer;
  AdwComboRow        *story_row;
  GtkTextView        *story_view;
  AdwEntryRow        *instruction_row;
  AdwEntryRow        *short_instruction_row;
  AdwEntryRow        *aspect_ratio_row;
  SpStringListEditor *styles_editor;
  SpStringListEditor *inspirations_editor;
  SpStringListEditor *artists_editor;
  GtkListBox         *examples_list;
  GtkTextView        *preview_view;
  GtkLabel           *cost_label;
  AdwComboRow        *provider_row;
  AdwEntryRow        *model_row;
  GtkMenuButton      *models_button;
  GtkSpinner         *spinner;
  GtkTextView        *output_view;
  GtkLabel           *status_label;

  SpTemplate         *template;
  SpProviderList     *providers;
  SpSecrets          *secrets;
  GSettings          *settings;
  GListModel         *stories;
  SpModelPicker      *model_picker;

  GCancellable       *generate_cancellable;
  GCancellable       *cost_cancellable;
  SpPromptCost       *last_cost;
  guint               preview_source;
  guint               save_source;
  gboolean            generating;
};

G_DEFINE_FINAL_TYPE (SpPromptPage, sp_prompt_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_GENERATING,
  PROP_TEMPLATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The state of one press of Generate. */
typedef struct
{
  SpPromptPage *self;
  SpProvider   *provider;
  SpClient     *client;
  char         *model;
  char         *story;
  gboolean      completion;
  gboolean      streamed;
} Generation;

static void
generation_free (Generation *generation)
{
  g_clear_object (&generation->self);
  g_clear_object (&generation->provider);
  g_clear_object (&generation->client);
  g_free (generation->model);
  g_free (generation->story);
  g_free (generation);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Generation, generation_free)

static char *
dup_buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
show_error (SpPromptPage *self,
            const char   *message)
{
  gtk_label_set_text (self->status_label, message);
  sp_window_error_from (GTK_WIDGET (self), message);
}

static void
set_generating (SpPromptPage *self,
                gboolean      generating)
{
  if (self->generating == generating)
    return;

  self->generating = generating;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prompt.generate", !generating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prompt.stop", generating);
  gtk_spinner_set_spinning (self->spinner, generating);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GENERATING]);
}

/* Preview */

static char *
render_messages_text (JsonArray *messages)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      if (i > 0)
        g_string_append (text, "\n\n");
      g_string_append_printf (text, "— %s —\n%s",
                              json_object_get_string_member_with_default (message, "role", ""),
                              json_object_get_string_member_with_default (message, "content", ""));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
cost_estimated_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpPromptPage) self = user_data;
  g_autoptr(SpPromptCost) cost = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *model = NULL;

  cost = sp_prompt_cost_estimate_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cost_cancellable == NULL)
    return;
  if (cost == NULL)
    {
      gtk_label_set_text (self->cost_label, error->message);
      return;
    }
  model = sp_model_picker_dup_model (self->model_picker);
  text = sp_prompt_cost_describe (cost, model);
  gtk_label_set_text (self->cost_label, text);
  g_clear_pointer (&self->last_cost, sp_prompt_cost_free);
  self->last_cost = g_steal_pointer (&cost);
}

/* The subject of the short prompt: the story's first words. */
static char *
story_subject (const char *story)
{
  g_auto(GStrv) words = g_strsplit_set (story, " \t\n\r", -1);
  g_autoptr(GString) subject = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; words[i] != NULL && n < 6; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (n++ > 0)
        g_string_append_c (subject, ' ');
      g_string_append (subject, words[i]);
    }
  return g_string_free (g_steal_pointer (&subject), FALSE);
}

static GStrv
dup_example_prompts (SpTemplate *template)
{
  GListModel *examples = sp_template_get_examples (template);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (examples); i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (examples, i);

      g_strv_builder_add (builder, sp_template_example_get_prompt (example));
    }
  return g_strv_builder_end (builder);
}

static gboolean
update_preview_cb (gpointer user_data)
{
  SpPromptPage *self = user_data;
  g_autofree char *story = dup_buffer_text (self->story_view);
  g_autofree char *model = sp_model_picker_dup_model (self->model_picker);
  g_autofree char *text = NULL;
  g_autofree char *prompt = NULL;
  g_autoptr(JsonArray) messages = NULL;

  self->preview_source = 0;
  if (model != NULL && sp_client_model_is_completion (model))
    {
      prompt = sp_template_render_completion (self->template, story);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), prompt, -1);
    }
  else
    {
      messages = sp_template_render_messages (self->template, story);
      text = render_messages_text (messages);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), text, -1);
    }

  /* Counting runs in a thread; only the newest count is shown. */
  g_cancellable_cancel (self->cost_cancellable);
  g_clear_object (&self->cost_cancellable);
  self->cost_cancellable = g_cancellable_new ();
  {
    g_autofree char *subject = story_subject (story);
    g_autofree char *short_prompt = sp_template_render_short (self->template, subject);
    g_auto(GStrv) completions = dup_example_prompts (self->template);

    sp_prompt_cost_estimate_async (model, messages, prompt, short_prompt,
                                   (const char * const *) completions,
                                   self->cost_cancellable, cost_estimated_cb, g_object_ref (self));
  }
  return G_SOURCE_REMOVE;
}

static void
schedule_preview (SpPromptPage *self)
{
  if (self->preview_source == 0)
    self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, update_preview_cb, self);
}

/* State */

static gboolean
save_state_cb (gpointer user_data)
{
  SpPromptPage *self = user_data;

  self->save_source = 0;
  sp_prompt_page_save_state (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (SpPromptPage *self)
{
  if (self->settings == NULL)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_state_cb, self);
}

static void
template_changed_cb (SpPromptPage *self)
{
  schedule_preview (self);
  schedule_save (self);
}

static void
story_changed_cb (SpPromptPage *self)
{
  schedule_preview (self);
  schedule_save (self);
}

static void
model_changed_cb (SpPromptPage *self)
{
  schedule_preview (self);
  schedule_save (self);
}

/* Examples */

static gboolean
truncate_title_cb (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      user_data)
{
  const char *story = g_value_get_string (from);
  g_autofree char *flat = NULL;

  if (story == NULL || *story == '\0')
    {
      g_value_set_string (to, _("New Example"));
      return TRUE;
    }
  flat = g_strdelimit (g_strdup (story), "\n\r\t", ' ');
  if (g_utf8_strlen (flat, -1) > 60)
    {
      g_autofree char *head = g_utf8_substring (flat, 0, 60);

      g_value_take_string (to, g_strconcat (head, "…", NULL));
    }
  else
    g_value_set_string (to, flat);
  return TRUE;
}

static void
remove_example_cb (GtkButton    *button,
                   SpPromptPage *self)
{
  GObject *example = g_object_get_data (G_OBJECT (button), "example");
  GListModel *examples = sp_template_get_examples (self->template);

  for (guint i = 0; i < g_list_model_get_n_items (examples); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (examples, i);

      if (item == example)
        {
          sp_template_remove_example (self->template, i);
          return;
        }
    }
}

static GtkWidget *
labelled_text_view (const char *label,
                    GObject    *source,
                    const char *property)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (label);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "caption-heading");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_bind_property (source, property,
                          gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), frame);
  return box;
}

static GtkWidget *
create_example_row_cb (gpointer item,
                       gpointer user_data)
{
  SpPromptPage *self = user_data;
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove Example"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_bind_property_full (item, "story", row, "title", G_BINDING_SYNC_CREATE,
                               truncate_title_cb, NULL, NULL, NULL);
  g_object_bind_property (item, "prompt", row, "subtitle", G_BINDING_SYNC_CREATE);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), labelled_text_view (_("Story"), item, "story"));
  gtk_box_append (GTK_BOX (box), labelled_text_view (_("Finished Prompt"), item, "prompt"));
  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  gtk_widget_add_css_class (remove, "destructive-action");
  g_object_set_data_full (G_OBJECT (remove), "example", g_object_ref (item), g_object_unref);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_example_cb), self);
  gtk_box_append (GTK_BOX (box), remove);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), box);
  return row;
}

/* Template */

static void
bind_template (SpPromptPage *self)
{
  g_object_bind_property (self->template, "instruction", self->instruction_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->template, "short-instruction", self->short_instruction_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->template, "aspect-ratio", self->aspect_ratio_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->template, "styles", self->styles_editor, "strings",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->template, "inspirations", self->inspirations_editor, "strings",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->template, "artists", self->artists_editor, "strings",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_list_box_bind_model (self->examples_list, sp_template_get_examples (self->template),
                           create_example_row_cb, self, NULL);
  g_signal_connect_object (self->template, "changed", G_CALLBACK (template_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

static SpTemplate *
load_last_template (GSettings *settings)
{
  g_autofree char *json = g_settings_get_string (settings, "last-template");
  g_autoptr(GError) error = NULL;
  SpTemplate *template;

  if (*json == '\0')
    return sp_template_new_builtin ();
  template = sp_template_new_from_json (json, -1, &error);
  if (template == NULL)
    {
      g_warning ("The last template could not be read, using the built-in one: %s", error->message);
      return sp_template_new_builtin ();
    }
  return template;
}

/* Stories */

static void
story_selected_cb (SpPromptPage *self)
{
  SpStory *story = adw_combo_row_get_selected_item (self->story_row);

  if (story != NULL)
    sp_prompt_page_set_story_text (self, sp_story_get_text (story));
}

/* Providers and models */

static void
provider_selected_cb (SpPromptPage *self,
                      SpProvider   *provider)
{
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "provider", sp_provider_get_id (provider));
  schedule_preview (self);
}

/* Generation */

static void
append_delta_cb (const char *delta,
                 gpointer    user_data)
{
  Generation *generation = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (generation->self->output_view);
  GtkTextIter end;

  generation->streamed = TRUE;
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, delta, -1);
}

static char *
describe_result (const SpGenerateResult *result)
{
  g_autoptr(GString) status = g_string_new (_("Done."));

  if (result->prompt_tokens >= 0 && result->completion_tokens >= 0)
    {
      g_string_append_c (status, ' ');
      /* Translators: the token counts of one request */
      g_string_append_printf (status, _("%lld tokens in, %lld out."),
                              (long long) result->prompt_tokens, (long long) result->completion_tokens);
    }
  if (result->attempts > 1)
    {
      g_string_append_c (status, ' ');
      g_string_append_printf (status, ngettext ("Succeeded after %u retry.",
                                                "Succeeded after %u retries.",
                                                result->attempts - 1),
                              result->attempts - 1);
    }
  return g_string_free (g_steal_pointer (&status), FALSE);
}

static void
generate_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Generation) generation = user_data;
  SpPromptPage *self = generation->self;
  g_autoptr(SpGenerateResult) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (generation->completion)
    answer = sp_client_complete_finish (SP_CLIENT (object), result, &error);
  else
    answer = sp_client_chat_finish (SP_CLIENT (object), result, &error);

  g_clear_object (&self->generate_cancellable);
  set_generating (self, FALSE);

  if (answer == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->status_label, _("Stopped."));
      else
        show_error (self, error->message);
      return;
    }

  if (!generation->streamed)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->output_view), answer->text, -1);
  {
    g_autofree char *status = describe_result (answer);

    gtk_label_set_text (self->status_label, status);
  }
}

static void
start_request (Generation *generation,
               const char *key)
{
  SpPromptPage *self = generation->self;
  SpGenerateRequest request = { 0 };
  g_autoptr(JsonArray) messages = NULL;
  g_autofree char *prompt = NULL;
  g_autoptr(GError) error = NULL;

  generation->client = sp_client_new (generation->provider, key, &error);
  if (generation->client == NULL)
    {
      g_clear_object (&self->generate_cancellable);
      set_generating (self, FALSE);
      show_error (self, error->message);
      generation_free (generation);
      return;
    }

  request.model = generation->model;
  request.temperature = -1;
  request.stream = (sp_provider_get_capabilities (generation->provider) & SP_CAPABILITY_STREAMING) != 0;
  generation->completion = sp_client_model_is_completion (generation->model);
  if (generation->completion)
    {
      prompt = sp_template_render_completion (self->template, generation->story);
      request.prompt = prompt;
      sp_client_complete_async (generation->client, &request, append_delta_cb, generation,
                                self->generate_cancellable, generate_done_cb, generation);
    }
  else
    {
      messages = sp_template_render_messages (self->template, generation->story);
      request.messages = messages;
      sp_client_chat_async (generation->client, &request, append_delta_cb, generation,
                            self->generate_cancellable, generate_done_cb, generation);
    }
}

static void
generate_key_ready_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Generation *generation = user_data;
  SpPromptPage *self = generation->self;
  g_autoptr(GError) error = NULL;
  char *key;

  key = sp_secrets_lookup_key_finish (SP_SECRETS (object), result, &error);
  if (key == NULL)
    {
      g_clear_object (&self->generate_cancellable);
      set_generating (self, FALSE);
      if (error == NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("There is no API key for “%s”. Add one in Preferences → Providers, or pick the Offline provider."),
                             sp_provider_get_name (generation->provider));
          show_error (self, message);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      else
        gtk_label_set_text (self->status_label, _("Stopped."));
      generation_free (generation);
      return;
    }
  start_request (generation, key);
  sp_secrets_free_key (key);
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SpPromptPage *self = SP_PROMPT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *story = NULL;
  g_autofree char *model = NULL;
  SpProvider *provider = sp_model_picker_get_provider (self->model_picker);
  Generation *generation;

  if (self->generating)
    return;
  if (provider == NULL)
    {
      show_error (self, _("Pick a provider first."));
      return;
    }
  story = dup_buffer_text (self->story_view);
  g_strstrip (story);
  if (*story == '\0')
    {
      show_error (self, _("The story is empty. Write a few sentences or pick a sample story."));
      return;
    }
  model = sp_model_picker_dup_model (self->model_picker);
  if (model == NULL)
    {
      show_error (self, _("Type the name of a model, or pick one from the list of the provider’s models."));
      return;
    }
  if (!sp_template_validate (self->template, &error))
    {
      show_error (self, error->message);
      return;
    }

  generation = g_new0 (Generation, 1);
  generation->self = g_object_ref (self);
  generation->provider = g_object_ref (provider);
  generation->model = g_steal_pointer (&model);
  generation->story = g_steal_pointer (&story);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->output_view), "", 0);
  gtk_label_set_text (self->status_label, _("Generating…"));
  self->generate_cancellable = g_cancellable_new ();
  set_generating (self, TRUE);

  if (sp_provider_get_needs_key (provider))
    sp_secrets_lookup_key_async (self->secrets, sp_provider_get_id (provider),
                                 self->generate_cancellable, generate_key_ready_cb, generation);
  else
    start_request (generation, NULL);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpPromptPage *self = SP_PROMPT_PAGE (widget);

  g_cancellable_cancel (self->generate_cancellable);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpPromptPage *self = SP_PROMPT_PAGE (widget);
  g_autofree char *text = dup_buffer_text (self->output_view);

  g_strstrip (text);
  if (*text == '\0')
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  sp_window_toast_from (widget, _("Prompt copied"));
}

static void
add_example_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SpPromptPage *self = SP_PROMPT_PAGE (widget);
  GtkWidget *row;

  sp_template_add_example (self->template, "", "");
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->examples_list,
                                                    g_list_model_get_n_items (sp_template_get_examples (self->template)) - 1));
  if (row != NULL)
    {
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
      gtk_widget_grab_focus (row);
    }
}

static void
set_model_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sp_prompt_page_set_model (SP_PROMPT_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
intro_dismiss_cb (SpPromptPage *self)
{
  gtk_revealer_set_reveal_child (self->intro_revealer, FALSE);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "first-run", FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->story_view));
}

static void
sp_prompt_page_dispose (GObject *object)
{
  SpPromptPage *self = SP_PROMPT_PAGE (object);

  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      sp_prompt_page_save_state (self);
    }
  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_cancellable_cancel (self->generate_cancellable);
  g_cancellable_cancel (self->cost_cancellable);
  g_clear_object (&self->generate_cancellable);
  g_clear_object (&self->cost_cancellable);

  g_clear_object (&self->model_picker);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_PROMPT_PAGE);

  g_clear_object (&self->template);
  g_clear_object (&self->providers);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_object (&self->stories);

  G_OBJECT_CLASS (sp_prompt_page_parent_class)->dispose (object);
}

static void
sp_prompt_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SpPromptPage *self = SP_PROMPT_PAGE (object);

  switch (prop_id)
    {
    case PROP_GENERATING:
      g_value_set_boolean (value, self->generating);
      break;
    case PROP_TEMPLATE:
      g_value_set_object (value, self->template);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_prompt_page_class_init (SpPromptPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_prompt_page_dispose;
  object_class->get_property = sp_prompt_page_get_property;

  properties[PROP_GENERATING] =
    g_param_spec_boolean ("generating", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEMPLATE] =
    g_param_spec_object ("template", NULL, NULL, SP_TYPE_TEMPLATE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SP_TYPE_STRING_LIST_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-prompt-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, intro_revealer);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, story_row);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, story_view);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, instruction_row);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, short_instruction_row);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, aspect_ratio_row);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, styles_editor);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, inspirations_editor);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, artists_editor);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, examples_list);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, preview_view);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, cost_label);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, provider_row);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, model_row);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, models_button);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, output_view);
  gtk_widget_class_bind_template_child (widget_class, SpPromptPage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, intro_dismiss_cb);

  gtk_widget_class_install_action (widget_class, "prompt.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "prompt.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "prompt.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "prompt.add-example", NULL, add_example_action);
  gtk_widget_class_install_action (widget_class, "prompt.set-model", "s", set_model_action);
}

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
sp_prompt_page_init (SpPromptPage *self)
{
  GtkEventController *shortcuts;
  g_autoptr(GtkExpression) title = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* In the capture phase so that Ctrl+Return works while typing in a
   * text view; a disabled action lets the key through. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>Return", "prompt.generate");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>KP_Enter", "prompt.generate");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "Escape", "prompt.stop");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prompt.stop", FALSE);

  self->model_picker = sp_model_picker_new (self->provider_row, self->model_row, self->models_button);

  title = gtk_property_expression_new (SP_TYPE_STORY, NULL, "title");
  adw_combo_row_set_expression (self->story_row, title);

  self->template = sp_template_new_builtin ();
}

void
sp_prompt_page_setup (SpPromptPage   *self,
                      SpProviderList *providers,
                      SpSecrets      *secrets,
                      GSettings      *settings)
{
  g_autofree char *story = NULL;
  g_autofree char *model = NULL;

  g_return_if_fail (SP_IS_PROMPT_PAGE (self));
  g_return_if_fail (SP_IS_PROVIDER_LIST (providers));
  g_return_if_fail (SP_IS_SECRETS (secrets));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->providers, providers);
  g_set_object (&self->secrets, secrets);
  g_set_object (&self->settings, settings);

  g_clear_object (&self->template);
  self->template = load_last_template (settings);
  bind_template (self);

  self->stories = sp_story_get_builtin ();
  adw_combo_row_set_model (self->story_row, self->stories);
  story = g_settings_get_string (settings, "last-story");
  if (*story == '\0' && g_list_model_get_n_items (self->stories) > 0)
    {
      g_autoptr(SpStory) first = g_list_model_get_item (self->stories, 0);

      g_free (story);
      story = g_strdup (sp_story_get_text (first));
    }
  sp_prompt_page_set_story_text (self, story);
  g_signal_connect_object (self->story_row, "notify::selected", G_CALLBACK (story_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->story_view), "changed",
                           G_CALLBACK (story_changed_cb), self, G_CONNECT_SWAPPED);

  model = g_settings_get_string (settings, "model");
  gtk_editable_set_text (GTK_EDITABLE (self->model_row), model);
  g_signal_connect_object (self->model_row, "changed", G_CALLBACK (model_changed_cb),
                           self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->model_picker, "provider-selected", G_CALLBACK (provider_selected_cb),
                           self, G_CONNECT_SWAPPED);
  {
    g_autofree char *provider_id = g_settings_get_string (settings, "provider");

    sp_model_picker_setup (self->model_picker, G_LIST_MODEL (providers), secrets, provider_id);
  }

  gtk_revealer_set_reveal_child (self->intro_revealer,
                                 g_settings_get_boolean (settings, "first-run"));
  schedule_preview (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE]);
}

void
sp_prompt_page_save_state (SpPromptPage *self)
{
  g_autofree char *json = NULL;
  g_autofree char *story = NULL;

  g_return_if_fail (SP_IS_PROMPT_PAGE (self));

  if (self->settings == NULL || self->template == NULL)
    return;
  json = sp_template_to_json (self->template);
  story = dup_buffer_text (self->story_view);
  g_settings_set_string (self->settings, "last-template", json);
  g_settings_set_string (self->settings, "last-story", story);
  g_settings_set_string (self->settings, "model", gtk_editable_get_text (GTK_EDITABLE (self->model_row)));
}

gboolean
sp_prompt_page_get_generating (SpPromptPage *self)
{
  g_return_val_if_fail (SP_IS_PROMPT_PAGE (self), FALSE);

  return self->generating;
}

SpTemplate *
sp_prompt_page_get_template (SpPromptPage *self)
{
  g_return_val_if_fail (SP_IS_PROMPT_PAGE (self), NULL);

  return self->template;
}

char *
sp_prompt_page_dup_result (SpPromptPage *self)
{
  g_return_val_if_fail (SP_IS_PROMPT_PAGE (self), NULL);

  return dup_buffer_text (self->output_view);
}

char *
sp_prompt_page_dup_status (SpPromptPage *self)
{
  g_return_val_if_fail (SP_IS_PROMPT_PAGE (self), NULL);

  return g_strdup (gtk_label_get_text (self->status_label));
}

char *
sp_prompt_page_dup_cost_text (SpPromptPage *self)
{
  g_return_val_if_fail (SP_IS_PROMPT_PAGE (self), NULL);

  return g_strdup (gtk_label_get_text (self->cost_label));
}

/**
 * sp_prompt_page_show_pricing:
 *
 * Opens the pricing calculator prefilled from the template: the exact
 * tokens of the full and the short prompt, the mean length of the worked
 * examples' prompts, and, while there is no dataset yet, a training set of
 * 250 examples of this size, as in the original experiment.
 */
void
sp_prompt_page_show_pricing (SpPromptPage *self)
{
  SpPricingWindow *window;
  g_autofree char *model = NULL;

  g_return_if_fail (SP_IS_PROMPT_PAGE (self));

  window = sp_pricing_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  model = sp_model_picker_dup_model (self->model_picker);
  if (self->last_cost != NULL && model != NULL)
    {
      const SpPromptCost *cost = self->last_cost;
      guint64 per_example = cost->prompt_tokens + cost->completion_tokens;

      sp_pricing_window_prefill (window, model, cost->prompt_tokens, cost->short_prompt_tokens,
                                 cost->completion_tokens, per_example * DEFAULT_TRAINING_EXAMPLES,
                                 DEFAULT_TRAINING_EXAMPLES);
    }
  gtk_window_present (GTK_WINDOW (window));
}

void
sp_prompt_page_set_story_text (SpPromptPage *self,
                               const char   *text)
{
  g_return_if_fail (SP_IS_PROMPT_PAGE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->story_view), text ? text : "", -1);
}

void
sp_prompt_page_select_provider (SpPromptPage *self,
                                const char   *provider_id)
{
  g_return_if_fail (SP_IS_PROMPT_PAGE (self));

  sp_model_picker_select_provider (self->model_picker, provider_id);
}

void
sp_prompt_page_set_model (SpPromptPage *self,
                          const char   *model)
{
  g_return_if_fail (SP_IS_PROMPT_PAGE (self));

  sp_model_picker_set_model (self->model_picker, model);
}
