// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-fine-tune-page"

#include "config.h"

#include "sp-fine-tune-page.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sp-model-picker.h"
#include "sp-window.h"

#define DEFAULT_MODEL       "gpt-4o-mini-2024-07-18"
#define REVALIDATE_DELAY_MS 600
#define REFRESH_JOBS_LIMIT  20
/* How often the jobs not on screen are read again while one runs. */
#define FOLLOW_INTERVAL_MS  60000

struct _SpFineTunePage
{
  AdwBin               parent_instance;

  /* Template children */
  AdwActionRow        *file_row;
  GtkProgressBar      *validate_progress;
  AdwPreferencesGroup *report_group;
  GtkLabel            *examples_label;
  AdwActionRow        *tokens_row;
  AdwActionRow        *billed_row;
  AdwActionRow        *cost_row;
  GtkLabel            *cost_label;
  GtkWidget           *errors_box;
  GtkLabel            *errors_title;
  GtkListView         *errors_view;
  GtkWidget           *warnings_box;
  GtkLabel            *warnings_title;
  GtkListView         *warnings_view;
  AdwComboRow         *provider_row;
  AdwEntryRow         *model_row;
  GtkMenuButton       *models_button;
  AdwEntryRow         *suffix_row;
  AdwComboRow         *epochs_row;
  AdwActionRow        *validation_row;
  AdwEntryRow         *seed_row;
  GtkLabel            *form_error_label;
  GtkProgressBar      *upload_progress;
  GtkLabel            *status_label;
  GtkStack            *jobs_stack;
  GtkListView         *jobs_view;
  GtkStack            *detail_stack;
  GtkLabel            *job_status_label;
  GtkLabel            *job_model_label;
  GtkLabel            *job_tokens_label;
  GtkLabel            *job_error_label;
  GtkLabel            *job_meta_label;
  GtkWidget           *cancel_job_button;
  SpLossChart         *loss_chart;
  GtkListView         *events_view;
  GtkListView         *checkpoints_view;

  SpProviderList      *providers;
  SpSecrets           *secrets;
  GSettings           *settings;
  SpJobList           *jobs;
  GtkSingleSelection  *job_selection;
  GtkStringList       *errors;
  GtkStringList       *warnings;
  GListStore          *events;
  GListStore          *checkpoints;
  SpModelPicker       *model_picker;

  GFile               *file;
  GFile               *validation_file;
  SpJsonlReport       *report;
  GCancellable        *validate_cancellable;
  GCancellable        *upload_cancellable;
  GCancellable        *refresh_cancellable;
  GCancellable        *job_cancellable;
  guint                revalidate_source;

  SpJobRecord         *job;
  GPtrArray           *job_bindings;
  SpFineTuneWatcher   *watcher;
  gboolean             job_was_running;
  guint                poll_interval_ms;
  guint                follow_source;
  GCancellable        *follow_cancellable;
  GHashTable          *following;      /* provider ids with a request out */

  gboolean             validating;
  gboolean             uploading;
};

G_DEFINE_FINAL_TYPE (SpFineTunePage, sp_fine_tune_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_VALIDATING,
  PROP_UPLOADING,
  PROP_REPORT,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  USE_MODEL,
  JOB_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One press of Start: the settings as they were, and the files as they
 * reach the server. */
typedef struct
{
  SpFineTunePage *self;
  SpProvider     *provider;
  SpClient       *client;
  char           *model;
  char           *suffix;
  guint           epochs;
  gboolean        has_seed;
  gint64          seed;
  GFile          *training;
  GFile          *validation;
  char           *training_id;
  char           *validation_id;
  SpMoney         estimated_cost;
} Launch;

static void
launch_free (Launch *launch)
{
  g_clear_object (&launch->self);
  g_clear_object (&launch->provider);
  g_clear_object (&launch->client);
  g_free (launch->model);
  g_free (launch->suffix);
  g_clear_object (&launch->training);
  g_clear_object (&launch->validation);
  g_free (launch->training_id);
  g_free (launch->validation_id);
  g_free (launch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Launch, launch_free)

static void show_job (SpFineTunePage *self,
                      SpJobRecord    *record);

/* Helpers */

static void
set_validating (SpFineTunePage *self,
                gboolean        validating)
{
  if (self->validating == validating)
    return;

  self->validating = validating;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALIDATING]);
}

static void
set_uploading (SpFineTunePage *self,
               gboolean        uploading)
{
  if (self->uploading == uploading)
    return;

  self->uploading = uploading;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fine-tune.start", !uploading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fine-tune.cancel-upload", uploading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOADING]);
}

static void
set_status (SpFineTunePage *self,
            const char     *message)
{
  gtk_label_set_text (self->status_label, message ? message : "");
}

static void
show_toast (SpFineTunePage *self,
            const char     *message)
{
  sp_window_toast_from (GTK_WIDGET (self), message);
}

static void
show_error (SpFineTunePage *self,
            const char     *message)
{
  set_status (self, message);
  sp_window_error_from (GTK_WIDGET (self), message);
}

/* Errors of the server in words; when fine-tuning is closed to the
 * account, with what the person can still do with the file. */
static void
show_fine_tune_error (SpFineTunePage *self,
                      const GError   *error)
{
  g_autofree char *message = NULL;

  if (!g_error_matches (error, SP_ERROR, SP_ERROR_FINE_TUNING_UNAVAILABLE))
    {
      show_error (self, error->message);
      return;
    }
  message = g_strdup_printf ("%s %s", error->message,
                             _("The training file stays yours: export it as JSONL from the Dataset page "
                               "(or use the file checked here) and start the job with another provider."));
  show_error (self, message);
}

static guint
get_epochs (SpFineTunePage *self)
{
  guint selected = adw_combo_row_get_selected (self->epochs_row);

  return selected == GTK_INVALID_LIST_POSITION ? 0 : selected;
}

static char *
format_count (guint64 count)
{
  return g_strdup_printf ("%'llu", (unsigned long long) count);
}

static char *
format_money (SpJsonlReport *report,
              SpMoney        amount)
{
  SpPriceSheet *sheet = sp_jsonl_report_get_price_sheet (report);

  if (amount == SP_MONEY_UNKNOWN || sheet == NULL)
    return g_strdup (_("Not known"));
  return sp_price_sheet_format_amount (sheet, amount, 2);
}

static SpProvider *
lookup_provider (SpFineTunePage *self,
                 const char     *provider_id)
{
  if (self->providers == NULL || provider_id == NULL)
    return NULL;
  return sp_provider_list_lookup (self->providers, provider_id);
}

static void
save_jobs (SpFineTunePage *self)
{
  sp_job_list_save_async (self->jobs, NULL, NULL, NULL);
}

/* A client for a provider, once its key is found */

static void
client_key_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpProvider *provider = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SpClient *client;
  char *key;

  key = sp_secrets_lookup_key_finish (SP_SECRETS (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (key == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_AUTH,
                               _("There is no API key for “%s”. Add one in Preferences → Providers."),
                               sp_provider_get_name (provider));
      return;
    }

  client = sp_client_new (provider, key, &error);
  sp_secrets_free_key (key);
  if (client == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, client, g_object_unref);
}

static void
client_for_provider_async (SpFineTunePage      *self,
                           SpProvider          *provider,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  SpClient *client;

  g_task_set_source_tag (task, client_for_provider_async);
  g_task_set_task_data (task, g_object_ref (provider), g_object_unref);

  if (sp_provider_get_kind (provider) == SP_PROVIDER_KIND_OFFLINE)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_UNSUPPORTED,
                               _("The Offline provider cannot fine-tune. Pick OpenAI or another server that offers fine-tuning."));
      return;
    }
  if (sp_provider_get_needs_key (provider) && self->secrets != NULL)
    {
      sp_secrets_lookup_key_async (self->secrets, sp_provider_get_id (provider), cancellable,
                                   client_key_cb, g_steal_pointer (&task));
      return;
    }

  client = sp_client_new (provider, NULL, &error);
  if (client == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, client, g_object_unref);
}

static SpClient *
client_for_provider_finish (SpFineTunePage  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* List items: a label for a string */

static void
setup_text_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_list_item_set_child (item, label);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_text_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (string));
}

static void
set_up_text_list (GtkListView *view,
                  GListModel  *model)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_text_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_text_cb), NULL);
  gtk_list_view_set_factory (view, factory);
  gtk_list_view_set_model (view, GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (model))));
  g_object_unref (gtk_list_view_get_model (view));
}

/* List items: a job */

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_time <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (unix_time);
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

static gboolean
job_title_transform (GBinding     *binding,
                     const GValue *from,
                     GValue       *to,
                     gpointer      user_data)
{
  g_autoptr(SpJobRecord) record = SP_JOB_RECORD (g_binding_dup_source (binding));
  const char *tuned = g_value_get_string (from);

  if (tuned != NULL)
    g_value_set_string (to, tuned);
  else if (record != NULL && sp_job_record_get_model (record) != NULL)
    g_value_set_string (to, sp_job_record_get_model (record));
  else
    g_value_set_string (to, record ? sp_job_record_get_id (record) : "");
  return TRUE;
}

static gboolean
job_subtitle_transform (GBinding     *binding,
                        const GValue *from,
                        GValue       *to,
                        gpointer      user_data)
{
  g_autoptr(SpJobRecord) record = SP_JOB_RECORD (g_binding_dup_source (binding));
  g_autofree char *created = record ? format_time (sp_job_record_get_created_at (record)) : NULL;
  const char *status = g_value_get_string (from);

  if (created == NULL || *created == '\0')
    g_value_set_string (to, status);
  else
    g_value_take_string (to, g_strdup_printf ("%s · %s", status ? status : "", created));
  return TRUE;
}

static void
unbind_and_unref (gpointer data)
{
  GBinding *binding = data;

  g_binding_unbind (binding);
  g_object_unref (binding);
}

static void
setup_job_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_list_item_set_child (item, box);
}

static void
bind_job_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  SpJobRecord *record = gtk_list_item_get_item (item);
  GtkWidget *title = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GBinding *binding;

  binding = g_object_bind_property_full (record, "fine-tuned-model", title, "label",
                                         G_BINDING_SYNC_CREATE, job_title_transform, NULL, NULL, NULL);
  g_object_set_data_full (G_OBJECT (item), "title-binding", g_object_ref (binding), unbind_and_unref);
  binding = g_object_bind_property_full (record, "status-label", subtitle, "label",
                                         G_BINDING_SYNC_CREATE, job_subtitle_transform, NULL, NULL, NULL);
  g_object_set_data_full (G_OBJECT (item), "subtitle-binding", g_object_ref (binding), unbind_and_unref);
}

static void
unbind_job_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  g_object_set_data (G_OBJECT (item), "title-binding", NULL);
  g_object_set_data (G_OBJECT (item), "subtitle-binding", NULL);
}

static void
jobs_changed_cb (SpFineTunePage *self)
{
  gtk_stack_set_visible_child_name (self->jobs_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) > 0 ? "list" : "empty");
}

/* The validation report */

static void
fill_issues (GtkStringList *list,
             SpJsonlReport *report,
             gboolean       errors)
{
  guint n = errors ? sp_jsonl_report_get_n_listed_errors (report)
                   : sp_jsonl_report_get_n_listed_warnings (report);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      const SpJsonlIssue *issue = errors ? sp_jsonl_report_get_error (report, i)
                                         : sp_jsonl_report_get_warning (report, i);

      if (issue->line == 0)
        g_ptr_array_add (texts, g_strdup (issue->message));
      else
        g_ptr_array_add (texts, g_strdup_printf (_("Line %llu: %s"),
                                                 (unsigned long long) issue->line, issue->message));
    }
  g_ptr_array_add (texts, NULL);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char * const *) texts->pdata);
}

static void
show_issues_title (GtkLabel *label,
                   guint64   count,
                   guint     listed,
                   gboolean  errors)
{
  g_autofree char *title = NULL;

  if (errors)
    title = g_strdup_printf (ngettext ("%llu error: no job can start until it is fixed",
                                       "%llu errors: no job can start until they are fixed",
                                       (gulong) count),
                             (unsigned long long) count);
  else
    title = g_strdup_printf (ngettext ("%llu warning", "%llu warnings", (gulong) count),
                             (unsigned long long) count);
  if (count > listed)
    {
      g_autofree char *more = g_strdup_printf (_("(the first %u are listed)"), listed);
      g_autofree char *both = g_strdup_printf ("%s %s", title, more);

      gtk_label_set_text (label, both);
      return;
    }
  gtk_label_set_text (label, title);
}

static void
show_figures (SpFineTunePage *self,
              SpJsonlReport  *report)
{
  SpJsonlTokenStats stats;
  SpPriceSheet *sheet = sp_jsonl_report_get_price_sheet (report);
  g_autofree char *examples = format_count (sp_jsonl_report_get_n_examples (report));
  g_autofree char *tokens = NULL;
  g_autofree char *per_epoch = format_count (sp_jsonl_report_get_billed_tokens (report));
  g_autofree char *billed_total = format_count (sp_jsonl_report_get_billed_training_tokens (report));
  g_autofree char *billed = NULL;
  g_autofree char *cost = format_money (report, sp_jsonl_report_get_training_cost (report));
  g_autofree char *source = NULL;
  guint epochs = sp_jsonl_report_get_epochs (report);

  sp_jsonl_report_get_token_stats (report, &stats);
  gtk_label_set_text (self->examples_label, examples);
  if (stats.n == 0)
    tokens = g_strdup (_("No valid example"));
  else
    tokens = g_strdup_printf (_("Minimum %llu, mean %.0f, median %.0f, 90th percentile %.0f, maximum %llu"),
                              (unsigned long long) stats.min, stats.mean, stats.p50, stats.p90,
                              (unsigned long long) stats.max);
  adw_action_row_set_subtitle (self->tokens_row, tokens);

  if (sp_jsonl_report_get_epochs_auto (report))
    billed = g_strdup_printf (ngettext ("%s tokens × %u epoch (automatic) = %s",
                                        "%s tokens × %u epochs (automatic) = %s", epochs),
                              per_epoch, epochs, billed_total);
  else
    billed = g_strdup_printf (ngettext ("%s tokens × %u epoch = %s", "%s tokens × %u epochs = %s", epochs),
                              per_epoch, epochs, billed_total);
  adw_action_row_set_subtitle (self->billed_row, billed);

  gtk_label_set_text (self->cost_label, cost);
  if (sheet != NULL)
    source = g_strdup_printf (_("Training %s, with the prices of “%s” (%s)"),
                              sp_jsonl_report_get_model (report), sp_price_sheet_get_name (sheet),
                              sp_price_sheet_get_date (sheet));
  else
    source = g_strdup_printf (_("No price sheet has a training price for %s"),
                              sp_jsonl_report_get_model (report));
  adw_action_row_set_subtitle (self->cost_row, source);
}

static void
show_report (SpFineTunePage *self)
{
  SpJsonlReport *report = self->report;

  gtk_widget_set_visible (GTK_WIDGET (self->report_group), report != NULL);
  if (report == NULL)
    {
      gtk_widget_set_visible (self->errors_box, FALSE);
      gtk_widget_set_visible (self->warnings_box, FALSE);
      return;
    }

  show_figures (self, report);
  fill_issues (self->errors, report, TRUE);
  fill_issues (self->warnings, report, FALSE);
  show_issues_title (self->errors_title, sp_jsonl_report_get_n_errors (report),
                     sp_jsonl_report_get_n_listed_errors (report), TRUE);
  show_issues_title (self->warnings_title, sp_jsonl_report_get_n_warnings (report),
                     sp_jsonl_report_get_n_listed_warnings (report), FALSE);
  gtk_widget_set_visible (self->errors_box, sp_jsonl_report_get_n_errors (report) > 0);
  gtk_widget_set_visible (self->warnings_box, sp_jsonl_report_get_n_warnings (report) > 0);
}

static void
set_report (SpFineTunePage *self,
            SpJsonlReport  *report)
{
  if (!g_set_object (&self->report, report))
    return;

  show_report (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

static void
validate_progress_cb (guint64  bytes_read,
                      guint64  total_bytes,
                      gpointer user_data)
{
  SpFineTunePage *self = user_data;
  g_autofree char *read = g_format_size (bytes_read);

  if (total_bytes > 0)
    {
      g_autofree char *total = g_format_size (total_bytes);
      g_autofree char *text = g_strdup_printf (_("Checking: %s of %s"), read, total);

      gtk_progress_bar_set_fraction (self->validate_progress, (double) bytes_read / total_bytes);
      gtk_progress_bar_set_text (self->validate_progress, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Checking: %s"), read);

      gtk_progress_bar_pulse (self->validate_progress);
      gtk_progress_bar_set_text (self->validate_progress, text);
    }
}

static void
validated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = sp_jsonl_validate_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->validate_cancellable);
  set_validating (self, FALSE);
  if (report == NULL)
    {
      set_report (self, NULL);
      show_error (self, error->message);
      return;
    }
  set_report (self, report);
  set_status (self, NULL);
}

static void
validate (SpFineTunePage *self)
{
  g_autofree char *model = sp_model_picker_dup_typed_model (self->model_picker);

  g_clear_handle_id (&self->revalidate_source, g_source_remove);
  g_cancellable_cancel (self->validate_cancellable);
  g_clear_object (&self->validate_cancellable);
  if (self->file == NULL)
    {
      set_validating (self, FALSE);
      return;
    }

  self->validate_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->validate_progress, 0);
  gtk_progress_bar_set_text (self->validate_progress, _("Checking…"));
  set_validating (self, TRUE);
  sp_jsonl_validate_async (self->file, model ? model : DEFAULT_MODEL, get_epochs (self),
                           SP_JSONL_FORMAT_AUTO, NULL, self->validate_cancellable,
                           validate_progress_cb, self, validated_cb, g_object_ref (self));
}

static gboolean
revalidate_cb (gpointer user_data)
{
  SpFineTunePage *self = user_data;

  self->revalidate_source = 0;
  validate (self);
  return G_SOURCE_REMOVE;
}

/* The figures depend on the model (tokenizer, limit, price) and the
 * epochs: a change checks the file again, once typing pauses. */
static void
schedule_validate (SpFineTunePage *self)
{
  if (self->file == NULL)
    return;

  g_clear_handle_id (&self->revalidate_source, g_source_remove);
  set_validating (self, TRUE);
  self->revalidate_source = g_timeout_add (REVALIDATE_DELAY_MS, revalidate_cb, self);
}

/* The form */

static void
check_suffix (SpFineTunePage *self)
{
  g_autoptr(GError) error = NULL;

  if (sp_fine_tune_check_suffix (gtk_editable_get_text (GTK_EDITABLE (self->suffix_row)), &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->suffix_row), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->form_error_label), FALSE);
      return;
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->suffix_row), "error");
  gtk_label_set_text (self->form_error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->form_error_label), TRUE);
}

static gboolean
parse_seed (SpFineTunePage  *self,
            gboolean        *has_seed,
            gint64          *seed,
            GError         **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->seed_row));
  guint64 value;

  *has_seed = FALSE;
  if (*text == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &value, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("The seed must be a whole number from 0 to %d, or empty for a random one."),
                   G_MAXINT32);
      return FALSE;
    }
  *has_seed = TRUE;
  *seed = (gint64) value;
  return TRUE;
}

static void
model_changed_cb (SpFineTunePage *self)
{
  schedule_validate (self);
}

static void
epochs_changed_cb (SpFineTunePage *self)
{
  if (self->file != NULL)
    validate (self);
}

/* Checks everything that can be checked before the server sees it, and
 * takes the settings for one launch. */
static Launch *
prepare_launch (SpFineTunePage  *self,
                GError         **error)
{
  g_autoptr(Launch) launch = g_new0 (Launch, 1);
  SpProvider *provider = sp_model_picker_get_provider (self->model_picker);
  const char *suffix = gtk_editable_get_text (GTK_EDITABLE (self->suffix_row));
  guint64 n_errors;

  if (self->file == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("Choose a training file first: a JSONL file from the Dataset page’s export."));
      return NULL;
    }
  if (self->validating || self->report == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The training file is still being checked. Start again when its report is shown."));
      return NULL;
    }
  n_errors = sp_jsonl_report_get_n_errors (self->report);
  if (n_errors > 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   ngettext ("The training file has %llu error. Fix the line the report names, then choose the file again.",
                             "The training file has %llu errors. Fix the lines the report names, then choose the file again.",
                             (gulong) n_errors),
                   (unsigned long long) n_errors);
      return NULL;
    }
  if (sp_jsonl_report_get_n_examples (self->report) == 0)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The training file has no examples."));
      return NULL;
    }
  if (provider == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("Pick the provider to fine-tune with. Preferences → Providers adds one."));
      return NULL;
    }

  launch->model = sp_model_picker_dup_typed_model (self->model_picker);
  if (launch->model == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("Type the base model to fine-tune, or pick one from the provider’s list."));
      return NULL;
    }
  if (!sp_fine_tune_check_suffix (suffix, error))
    return NULL;
  if (!parse_seed (self, &launch->has_seed, &launch->seed, error))
    return NULL;

  launch->self = g_object_ref (self);
  launch->provider = g_object_ref (provider);
  launch->suffix = *suffix != '\0' ? g_strdup (suffix) : NULL;
  launch->epochs = get_epochs (self);
  launch->training = g_object_ref (self->file);
  launch->validation = self->validation_file ? g_object_ref (self->validation_file) : NULL;
  launch->estimated_cost = sp_jsonl_report_get_training_cost (self->report);
  return g_steal_pointer (&launch);
}

/* Upload and create */

static void
finish_launch (Launch       *launch,
               const GError *error)
{
  SpFineTunePage *self = launch->self;

  g_clear_object (&self->upload_cancellable);
  set_uploading (self, FALSE);
  if (error == NULL)
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_status (self, _("Upload cancelled. No job was started and nothing was spent."));
      show_toast (self, _("Upload cancelled"));
      return;
    }
  show_fine_tune_error (self, error);
}

static void
job_created_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Launch) launch = user_data;
  SpFineTunePage *self = launch->self;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  SpJobRecord *record;

  job = sp_client_create_fine_tune_job_finish (SP_CLIENT (object), result, &error);
  if (job == NULL)
    {
      finish_launch (launch, error);
      return;
    }

  record = sp_job_list_update (self->jobs, job, sp_provider_get_id (launch->provider));
  sp_job_record_set_estimated_cost (record, launch->estimated_cost);
  if (sp_job_record_get_suffix (record) == NULL)
    sp_job_record_set_suffix (record, launch->suffix);
  save_jobs (self);
  finish_launch (launch, NULL);

  message = g_strdup_printf (_("Job %s started. It is followed below; a notification says when it ends."),
                             job->id);
  set_status (self, message);
  show_toast (self, _("Fine-tuning started"));
  sp_fine_tune_page_select_job (self, job->id);
}

static void
create_job (Launch *launch)
{
  SpFineTuneRequest request = {
    .model = launch->model,
    .training_file = launch->training_id,
    .validation_file = launch->validation_id,
    .suffix = launch->suffix,
    .n_epochs = launch->epochs,
    .has_seed = launch->has_seed,
    .seed = launch->seed,
  };
  SpFineTunePage *self = launch->self;

  gtk_progress_bar_set_fraction (self->upload_progress, 1);
  gtk_progress_bar_set_text (self->upload_progress, _("Starting the job…"));
  sp_client_create_fine_tune_job_async (launch->client, &request, self->upload_cancellable,
                                        job_created_cb, launch);
}

static void
upload_progress_cb (guint64  sent,
                    guint64  total,
                    gpointer user_data)
{
  Launch *launch = user_data;
  GtkProgressBar *bar = launch->self->upload_progress;
  g_autofree char *done = g_format_size (sent);
  g_autofree char *size = g_format_size (total);
  g_autofree char *text = NULL;

  if (launch->training_id == NULL)
    text = g_strdup_printf (_("Uploading the training file: %s of %s"), done, size);
  else
    text = g_strdup_printf (_("Uploading the validation file: %s of %s"), done, size);
  gtk_progress_bar_set_fraction (bar, total > 0 ? (double) sent / total : 0);
  gtk_progress_bar_set_text (bar, text);
}

static void upload_next (Launch *launch);

static void
uploaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Launch) launch = user_data;
  g_autoptr(SpUploadedFile) uploaded = NULL;
  g_autoptr(GError) error = NULL;

  uploaded = sp_client_upload_file_finish (SP_CLIENT (object), result, &error);
  if (uploaded == NULL)
    {
      finish_launch (launch, error);
      return;
    }

  if (launch->training_id == NULL)
    launch->training_id = g_strdup (uploaded->id);
  else
    launch->validation_id = g_strdup (uploaded->id);
  upload_next (g_steal_pointer (&launch));
}

/* The training file, then the validation file if any, then the job. */
static void
upload_next (Launch *launch)
{
  GFile *file = launch->training_id == NULL ? launch->training : launch->validation;

  if (launch->training_id != NULL && (launch->validation == NULL || launch->validation_id != NULL))
    {
      create_job (launch);
      return;
    }

  gtk_progress_bar_set_fraction (launch->self->upload_progress, 0);
  sp_client_upload_file_async (launch->client, file, "fine-tune", upload_progress_cb, launch,
                               launch->self->upload_cancellable, uploaded_cb, launch);
}

static void
launch_client_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Launch) launch = user_data;
  g_autoptr(GError) error = NULL;

  launch->client = client_for_provider_finish (SP_FINE_TUNE_PAGE (object), result, &error);
  if (launch->client == NULL)
    {
      finish_launch (launch, error);
      return;
    }
  upload_next (g_steal_pointer (&launch));
}

static void
begin_launch (Launch *launch)
{
  SpFineTunePage *self = launch->self;

  g_assert (self->upload_cancellable == NULL);

  self->upload_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->upload_progress, 0);
  gtk_progress_bar_set_text (self->upload_progress, _("Preparing the upload…"));
  set_uploading (self, TRUE);
  set_status (self, _("Uploading the training file. The job starts when the upload is complete."));
  client_for_provider_async (self, launch->provider, self->upload_cancellable, launch_client_cb, launch);
}

/* The confirmation */

static char *
describe_launch (SpFineTunePage *self,
                 Launch         *launch)
{
  SpJsonlReport *report = self->report;
  g_autofree char *name = g_file_get_basename (launch->training);
  g_autofree char *size = NULL;
  g_autofree char *per_epoch = format_count (sp_jsonl_report_get_billed_tokens (report));
  g_autofree char *billed = format_count (sp_jsonl_report_get_billed_training_tokens (report));
  g_autofree char *examples = format_count (sp_jsonl_report_get_n_examples (report));
  g_autofree char *cost = format_money (report, launch->estimated_cost);
  g_autofree char *training = NULL;
  g_autofree char *money = NULL;
  guint epochs = sp_jsonl_report_get_epochs (report);

  size = g_format_size (sp_jsonl_report_get_bytes_read (report));
  training = g_strdup_printf (ngettext ("First “%s” (%s, %s examples) is uploaded to %s. Then %s is trained on it: "
                                        "%s tokens × %u epoch = %s billed tokens.",
                                        "First “%s” (%s, %s examples) is uploaded to %s. Then %s is trained on it: "
                                        "%s tokens × %u epochs = %s billed tokens.",
                                        epochs),
                              name, size, examples, sp_provider_get_name (launch->provider), launch->model,
                              per_epoch, epochs, billed);
  if (launch->estimated_cost == SP_MONEY_UNKNOWN)
    money = g_strdup_printf (_("No price sheet has a training price for %s: the cost is not known. "
                               "Check the provider’s prices before you start."), launch->model);
  else
    money = g_strdup_printf (_("Estimated cost: %s. Nothing is spent if you cancel now."), cost);
  return g_strdup_printf ("%s\n\n%s", training, money);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  Launch *launch = user_data;

  if (g_strcmp0 (response, "start") == 0 && launch->self->upload_cancellable == NULL)
    begin_launch (g_steal_pointer (&launch));
  else if (launch != NULL)
    launch_free (launch);
}

static void
confirm_launch (SpFineTunePage *self,
                Launch         *launch)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *body = describe_launch (self, launch);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Start Fine-Tuning?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "start", _("_Upload and Start"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "start", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), launch);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start (SpFineTunePage *self,
       gboolean        confirm)
{
  g_autoptr(GError) error = NULL;
  Launch *launch;

  if (self->uploading)
    return;

  launch = prepare_launch (self, &error);
  if (launch == NULL)
    {
      show_error (self, error->message);
      return;
    }
  set_status (self, NULL);
  if (confirm)
    confirm_launch (self, launch);
  else
    begin_launch (launch);
}

/* Models of the provider */

/* Whether @model looks like one that can be fine-tuned: a price sheet
 * has a training price for it, or the validator knows its example limit. */
static gboolean
can_fine_tune_cb (const char *model,
                  gpointer    user_data)
{
  SpPriceSheet *sheet = user_data;
  SpModelPrice price;

  if (g_str_has_prefix (model, "ft:"))
    return FALSE;
  if (sheet != NULL && sp_price_sheet_lookup (sheet, model, &price, NULL, NULL) &&
      sp_model_price_can_fine_tune (&price))
    return TRUE;
  return sp_jsonl_example_token_limit (model) > 0;
}

/* Jobs from the server */

static void announce_end (SpFineTunePage      *self,
                          const SpFineTuneJob *job);

/* Takes a provider's list of jobs into the page's list; a job that was
 * running before and has ended is announced. */
static void
merge_listed_jobs (SpFineTunePage *self,
                   SpProvider     *provider,
                   GPtrArray      *jobs)
{
  g_autoptr(GHashTable) running = NULL;

  /* The jobs that were running before this read, except the one on
   * screen: its watcher announces its end. */
  running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
    {
      g_autoptr(SpJobRecord) record = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (record != self->job && !sp_fine_tune_status_is_final (sp_job_record_get_status (record)))
        g_hash_table_add (running, g_strdup (sp_job_record_get_id (record)));
    }

  if (sp_job_list_merge (self->jobs, jobs, sp_provider_get_id (provider)) > 0 || jobs->len > 0)
    save_jobs (self);

  for (guint i = 0; i < jobs->len; i++)
    {
      const SpFineTuneJob *job = g_ptr_array_index (jobs, i);

      if (job->id != NULL && sp_fine_tune_status_is_final (job->status) &&
          g_hash_table_contains (running, job->id) &&
          (self->job == NULL || g_strcmp0 (sp_job_record_get_id (self->job), job->id) != 0))
        announce_end (self, job);
    }
}

static void
jobs_listed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  jobs = sp_client_list_fine_tune_jobs_finish (SP_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->refresh_cancellable);
  if (jobs == NULL)
    {
      /* Quietly: the page was only shown, nobody asked. */
      set_status (self, error->message);
      return;
    }
  merge_listed_jobs (self, sp_client_get_provider (SP_CLIENT (object)), jobs);
}

/* The providers of the jobs that run and are not on screen. */
static GPtrArray *
dup_followed_providers (SpFineTunePage *self)
{
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
    {
      g_autoptr(SpJobRecord) record = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
      SpProvider *provider;

      if (record == self->job || sp_fine_tune_status_is_final (sp_job_record_get_status (record)))
        continue;
      provider = lookup_provider (self, sp_job_record_get_provider_id (record));
      if (provider != NULL && !g_ptr_array_find (providers, provider, NULL))
        g_ptr_array_add (providers, g_object_ref (provider));
    }
  return g_steal_pointer (&providers);
}

static void
followed_jobs_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(GPtrArray) jobs = NULL;
  SpProvider *provider = sp_client_get_provider (SP_CLIENT (object));

  /* Quietly on errors: the next round asks again. */
  jobs = sp_client_list_fine_tune_jobs_finish (SP_CLIENT (object), result, NULL, NULL);
  if (self->following == NULL)
    return;
  g_hash_table_remove (self->following, sp_provider_get_id (provider));
  if (jobs != NULL)
    merge_listed_jobs (self, provider, jobs);
}

static void
follow_client_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(SpClient) client = NULL;
  SpProvider *provider = g_task_get_task_data (G_TASK (result));

  client = client_for_provider_finish (self, result, NULL);
  if (self->following == NULL)
    return;
  if (client == NULL)
    {
      g_hash_table_remove (self->following, sp_provider_get_id (provider));
      return;
    }
  sp_client_list_fine_tune_jobs_async (client, NULL, REFRESH_JOBS_LIMIT, self->follow_cancellable,
                                       followed_jobs_cb, g_object_ref (self));
}

/* Jobs that are not on screen: while one of them runs, its provider's
 * jobs are read again now and then, so that its end is announced too
 * (whichever provider is picked in the form). */
static gboolean
follow_cb (gpointer user_data)
{
  SpFineTunePage *self = user_data;
  g_autoptr(GPtrArray) providers = dup_followed_providers (self);

  for (guint i = 0; i < providers->len; i++)
    {
      SpProvider *provider = g_ptr_array_index (providers, i);

      /* One request a provider at a time. */
      if (!g_hash_table_add (self->following, g_strdup (sp_provider_get_id (provider))))
        continue;
      client_for_provider_async (self, provider, self->follow_cancellable, follow_client_cb,
                                 g_object_ref (self));
    }
  return G_SOURCE_CONTINUE;
}

static void
start_following (SpFineTunePage *self)
{
  guint interval = self->poll_interval_ms > 0 ? self->poll_interval_ms * 4 : FOLLOW_INTERVAL_MS;

  g_clear_handle_id (&self->follow_source, g_source_remove);
  self->follow_source = g_timeout_add (interval, follow_cb, self);
}

static void
refresh_client_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = client_for_provider_finish (self, result, &error);
  if (client == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_clear_object (&self->refresh_cancellable);
      return;
    }
  sp_client_list_fine_tune_jobs_async (client, NULL, REFRESH_JOBS_LIMIT, self->refresh_cancellable,
                                       jobs_listed_cb, g_object_ref (self));
}

static void
refresh_jobs (SpFineTunePage *self)
{
  SpProvider *provider = sp_model_picker_get_provider (self->model_picker);

  if (provider == NULL || sp_provider_get_kind (provider) == SP_PROVIDER_KIND_OFFLINE ||
      self->refresh_cancellable != NULL)
    return;

  self->refresh_cancellable = g_cancellable_new ();
  client_for_provider_async (self, provider, self->refresh_cancellable, refresh_client_cb, g_object_ref (self));
}

static void
jobs_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_job_list_load_finish (SP_JOB_LIST (object), result, &error))
    show_error (self, error->message);
  else if (self->follow_source == 0)
    start_following (self);
}

/* The job shown */

static void
update_job_actions (SpFineTunePage *self)
{
  SpJobRecord *record = self->job;
  SpFineTuneStatus status = record ? sp_job_record_get_status (record) : SP_FINE_TUNE_STATUS_UNKNOWN;
  GtkWidget *label = GTK_WIDGET (self->job_status_label);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fine-tune.cancel-job",
                                 record != NULL && !sp_fine_tune_status_is_final (status));
  gtk_widget_set_visible (self->cancel_job_button, !sp_fine_tune_status_is_final (status));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fine-tune.use-model",
                                 record != NULL && sp_job_record_get_fine_tuned_model (record) != NULL);

  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "warning");
  if (status == SP_FINE_TUNE_STATUS_SUCCEEDED)
    gtk_widget_add_css_class (label, "success");
  else if (status == SP_FINE_TUNE_STATUS_FAILED)
    gtk_widget_add_css_class (label, "error");
  else if (status == SP_FINE_TUNE_STATUS_CANCELLED)
    gtk_widget_add_css_class (label, "warning");
}

static gboolean
tuned_model_transform (GBinding     *binding,
                       const GValue *from,
                       GValue       *to,
                       gpointer      user_data)
{
  g_autoptr(SpJobRecord) record = SP_JOB_RECORD (g_binding_dup_source (binding));
  const char *tuned = g_value_get_string (from);
  const char *model = record ? sp_job_record_get_model (record) : NULL;

  if (tuned != NULL)
    g_value_take_string (to, g_strdup_printf (_("New model: %s"), tuned));
  else
    g_value_take_string (to, g_strdup_printf (_("Fine-tuning %s"), model ? model : "…"));
  return TRUE;
}

static gboolean
tokens_transform (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  gint64 tokens = g_value_get_int64 (from);
  g_autofree char *count = NULL;

  if (tokens < 0)
    {
      g_value_set_string (to, _("Trained tokens: not known yet"));
      return TRUE;
    }
  count = format_count ((guint64) tokens);
  g_value_take_string (to, g_strdup_printf (_("Trained tokens: %s"), count));
  return TRUE;
}

static gboolean
not_null_transform (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_string (from) != NULL);
  return TRUE;
}

static gboolean
meta_transform (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_autoptr(SpJobRecord) record = SP_JOB_RECORD (g_binding_dup_source (binding));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *created = NULL;
  SpMoney cost = g_value_get_int64 (from);

  if (record == NULL)
    return FALSE;
  g_string_append (text, sp_job_record_get_id (record));
  created = format_time (sp_job_record_get_created_at (record));
  if (*created != '\0')
    g_string_append_printf (text, _(" · created %s"), created);
  if (cost != SP_MONEY_UNKNOWN)
    {
      g_autofree char *amount = sp_money_format_currency (cost, "USD", 2);

      g_string_append_printf (text, _(" · estimated cost %s"), amount);
    }
  g_value_set_string (to, text->str);
  return TRUE;
}

static void
bind_job (SpFineTunePage *self,
          const char     *source,
          gpointer        target,
          const char     *target_property,
          GBindingTransformFunc transform)
{
  GBinding *binding = g_object_bind_property_full (self->job, source, target, target_property,
                                                   G_BINDING_SYNC_CREATE, transform, NULL, NULL, NULL);

  g_ptr_array_add (self->job_bindings, g_object_ref (binding));
}

static void
unbind_job (SpFineTunePage *self)
{
  g_ptr_array_set_size (self->job_bindings, 0);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_func (self->job, update_job_actions, self);
}

static void
stop_watching (SpFineTunePage *self)
{
  g_cancellable_cancel (self->job_cancellable);
  g_clear_object (&self->job_cancellable);
  if (self->watcher != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->watcher, self);
      g_clear_object (&self->watcher);
    }
}

static void
announce_end (SpFineTunePage      *self,
              const SpFineTuneJob *job)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  g_autofree char *notification_id = NULL;
  const char *title;
  GApplication *application = NULL;

  g_signal_emit (self, signals[JOB_ENDED], 0, job->id);

  switch (job->status)
    {
    case SP_FINE_TUNE_STATUS_SUCCEEDED:
      title = _("Fine-tuning finished");
      body = g_strdup_printf (_("%s is ready to use."), job->fine_tuned_model ? job->fine_tuned_model : job->id);
      break;
    case SP_FINE_TUNE_STATUS_FAILED:
      title = _("Fine-tuning failed");
      body = g_strdup (job->error_message ? job->error_message : job->id);
      break;
    case SP_FINE_TUNE_STATUS_CANCELLED:
    case SP_FINE_TUNE_STATUS_UNKNOWN:
    case SP_FINE_TUNE_STATUS_VALIDATING_FILES:
    case SP_FINE_TUNE_STATUS_QUEUED:
    case SP_FINE_TUNE_STATUS_RUNNING:
    default:
      title = _("Fine-tuning cancelled");
      body = g_strdup_printf (_("Job %s was cancelled."), job->id);
      break;
    }

  if (GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root)))
    {
      g_autofree char *toast = g_strdup_printf ("%s: %s", title, body);

      show_toast (self, toast);
      return;
    }

  if (GTK_IS_WINDOW (root))
    application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (root)));
  if (application == NULL)
    application = g_application_get_default ();
  if (application == NULL || !g_application_get_is_registered (application))
    return;

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_NORMAL);
  notification_id = g_strconcat ("fine-tune-job-", job->id, NULL);
  g_application_send_notification (application, notification_id, notification);
}

static void
checkpoints_listed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(GPtrArray) checkpoints = NULL;
  g_autoptr(GError) error = NULL;

  checkpoints = sp_client_list_fine_tune_checkpoints_finish (SP_CLIENT (object), result, NULL, &error);
  if (checkpoints == NULL)
    return;

  g_list_store_remove_all (self->checkpoints);
  /* Newest first, as the API lists them. */
  for (guint i = 0; i < checkpoints->len; i++)
    {
      const SpFineTuneCheckpoint *checkpoint = g_ptr_array_index (checkpoints, i);
      g_autoptr(GtkStringObject) row = NULL;
      g_autofree char *text = NULL;

      if (!isnan (checkpoint->train_loss))
        text = g_strdup_printf (_("Step %lld, training loss %.3f\n%s"),
                                (long long) checkpoint->step, checkpoint->train_loss,
                                checkpoint->model ? checkpoint->model : checkpoint->id);
      else
        text = g_strdup_printf (_("Step %lld\n%s"), (long long) checkpoint->step,
                                checkpoint->model ? checkpoint->model : checkpoint->id);
      row = gtk_string_object_new (text);
      g_list_store_append (self->checkpoints, row);
    }
}

static void
watch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  SpFineTuneWatcher *watcher = SP_FINE_TUNE_WATCHER (object);
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(GError) error = NULL;
  SpJobRecord *record;

  job = sp_fine_tune_watcher_watch_finish (watcher, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || watcher != self->watcher)
    return;
  if (job == NULL)
    {
      show_fine_tune_error (self, error);
      return;
    }

  record = sp_job_list_update (self->jobs, job, NULL);
  save_jobs (self);
  sp_client_list_fine_tune_checkpoints_async (sp_fine_tune_watcher_get_client (watcher), job->id, NULL, 0,
                                              self->job_cancellable, checkpoints_listed_cb,
                                              g_object_ref (self));
  if (self->job_was_running && record == self->job)
    {
      self->job_was_running = FALSE;
      announce_end (self, job);
    }
}

static void
watcher_event_cb (SpFineTuneWatcher     *watcher,
                  const SpFineTuneEvent *event,
                  SpFineTunePage        *self)
{
  g_autoptr(GtkStringObject) row = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *text = NULL;

  if (event->created_at > 0)
    {
      time = g_date_time_new_from_unix_local (event->created_at);
      clock = g_date_time_format (time, "%H:%M:%S");
    }
  text = g_strdup_printf ("%s  %s", clock ? clock : "", event->message ? event->message : "");
  row = gtk_string_object_new (g_strstrip (text));
  g_list_store_append (self->events, row);

  if (sp_fine_tune_event_has_metrics (event))
    sp_loss_chart_add_point (self->loss_chart, event->step, event->train_loss, event->valid_loss);
}

static void
watcher_job_cb (SpFineTuneWatcher *watcher,
                GParamSpec        *pspec,
                SpFineTunePage    *self)
{
  SpFineTuneJob *job = sp_fine_tune_watcher_get_job (watcher);

  if (job != NULL)
    sp_job_list_update (self->jobs, job, NULL);
}

static void
watch_client_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SpJobRecord) record = user_data;
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (object);
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = client_for_provider_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || record != self->job)
    return;
  if (client == NULL)
    {
      show_error (self, error->message);
      return;
    }

  self->watcher = sp_fine_tune_watcher_new (client, sp_job_record_get_id (record));
  if (self->poll_interval_ms > 0)
    {
      sp_fine_tune_watcher_set_initial_interval (self->watcher, self->poll_interval_ms);
      sp_fine_tune_watcher_set_max_interval (self->watcher, self->poll_interval_ms * 4);
    }
  g_signal_connect (self->watcher, "event", G_CALLBACK (watcher_event_cb), self);
  g_signal_connect (self->watcher, "notify::job", G_CALLBACK (watcher_job_cb), self);
  self->job_was_running = !sp_fine_tune_status_is_final (sp_job_record_get_status (record));
  sp_fine_tune_watcher_watch_async (self->watcher, self->job_cancellable, watch_done_cb, g_object_ref (self));
}

/* Follows the job while it runs; a finished one is read once, for its
 * events and checkpoints. */
static void
watch_job (SpFineTunePage *self)
{
  SpProvider *provider = lookup_provider (self, sp_job_record_get_provider_id (self->job));

  if (provider == NULL)
    {
      g_autofree char *message = NULL;

      if (self->providers == NULL)
        return;
      message = g_strdup_printf (_("The provider “%s” of this job is not set up any more: its events cannot be read."),
                                 sp_job_record_get_provider_id (self->job));
      set_status (self, message);
      return;
    }

  self->job_cancellable = g_cancellable_new ();
  client_for_provider_async (self, provider, self->job_cancellable, watch_client_cb, g_object_ref (self->job));
}

static void
show_job (SpFineTunePage *self,
          SpJobRecord    *record)
{
  if (record == self->job)
    return;

  stop_watching (self);
  unbind_job (self);
  g_set_object (&self->job, record);
  g_list_store_remove_all (self->events);
  g_list_store_remove_all (self->checkpoints);
  sp_loss_chart_clear (self->loss_chart);
  update_job_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);

  if (record == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }

  bind_job (self, "status-label", self->job_status_label, "label", NULL);
  bind_job (self, "fine-tuned-model", self->job_model_label, "label", tuned_model_transform);
  bind_job (self, "trained-tokens", self->job_tokens_label, "label", tokens_transform);
  bind_job (self, "error-message", self->job_error_label, "label", NULL);
  bind_job (self, "error-message", self->job_error_label, "visible", not_null_transform);
  bind_job (self, "estimated-cost", self->job_meta_label, "label", meta_transform);
  g_signal_connect_object (record, "notify::status", G_CALLBACK (update_job_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (record, "notify::fine-tuned-model", G_CALLBACK (update_job_actions), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->detail_stack, "job");
  watch_job (self);
}

static void
job_selected_cb (SpFineTunePage *self)
{
  show_job (self, gtk_single_selection_get_selected_item (self->job_selection));
}

static void
job_cancelled_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SpFineTunePage) self = user_data;
  g_autoptr(SpFineTuneJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = sp_client_cancel_fine_tune_job_finish (SP_CLIENT (object), result, &error);
  if (job == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_fine_tune_error (self, error);
      return;
    }
  sp_job_list_update (self->jobs, job, NULL);
  save_jobs (self);
  show_toast (self, _("Job cancelled"));
}

static void
cancel_client_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SpJobRecord) record = user_data;
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (object);
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = client_for_provider_finish (self, result, &error);
  if (client == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  sp_client_cancel_fine_tune_job_async (client, sp_job_record_get_id (record), NULL,
                                        job_cancelled_cb, g_object_ref (self));
}

/* Files */

static GtkFileChooserNative *
new_jsonl_chooser (SpFineTunePage *self,
                   const char     *title)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) jsonl = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (jsonl, _("JSON Lines"));
  gtk_file_filter_add_pattern (jsonl, "*.jsonl");
  gtk_file_filter_add_mime_type (jsonl, "application/jsonl");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), jsonl);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  return native;
}

static void
training_chosen_cb (GtkNativeDialog *native,
                    int              response,
                    SpFineTunePage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      sp_fine_tune_page_set_file (self, file);
    }
  g_object_unref (native);
}

static void
validation_chosen_cb (GtkNativeDialog *native,
                      int              response,
                      SpFineTunePage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      sp_fine_tune_page_set_validation_file (self, file);
    }
  g_object_unref (native);
}

/* Actions */

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (widget);
  GtkFileChooserNative *native = new_jsonl_chooser (self, _("Choose a Training File"));

  g_signal_connect_object (native, "response", G_CALLBACK (training_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
choose_validation_file_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (widget);
  GtkFileChooserNative *native = new_jsonl_chooser (self, _("Choose a Validation File"));

  g_signal_connect_object (native, "response", G_CALLBACK (validation_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
clear_validation_file_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  sp_fine_tune_page_set_validation_file (SP_FINE_TUNE_PAGE (widget), NULL);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sp_fine_tune_page_start (SP_FINE_TUNE_PAGE (widget));
}

static void
cancel_upload_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (widget);

  g_cancellable_cancel (self->upload_cancellable);
}

static void
cancel_job_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (widget);
  SpProvider *provider;

  if (self->job == NULL)
    return;
  provider = lookup_provider (self, sp_job_record_get_provider_id (self->job));
  if (provider == NULL)
    {
      show_error (self, _("The provider of this job is not set up any more, so it cannot be cancelled from here."));
      return;
    }
  client_for_provider_async (self, provider, NULL, cancel_client_cb, g_object_ref (self->job));
}

static void
use_model_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (widget);

  if (self->job == NULL || sp_job_record_get_fine_tuned_model (self->job) == NULL)
    return;
  g_signal_emit (self, signals[USE_MODEL], 0, sp_job_record_get_fine_tuned_model (self->job));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  refresh_jobs (SP_FINE_TUNE_PAGE (widget));
}

static void
set_model_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sp_fine_tune_page_set_model (SP_FINE_TUNE_PAGE (widget), g_variant_get_string (parameter, NULL));
}

/* Providers */

static void
provider_selected_cb (SpFineTunePage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh_jobs (self);
}

static gboolean
can_train_filter (gpointer item,
                  gpointer user_data)
{
  return sp_provider_get_kind (SP_PROVIDER (item)) != SP_PROVIDER_KIND_OFFLINE;
}

static void
map_cb (SpFineTunePage *self)
{
  refresh_jobs (self);
}

static void
sp_fine_tune_page_dispose (GObject *object)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (object);

  g_clear_handle_id (&self->revalidate_source, g_source_remove);
  g_clear_handle_id (&self->follow_source, g_source_remove);
  g_cancellable_cancel (self->follow_cancellable);
  g_clear_object (&self->follow_cancellable);
  g_clear_pointer (&self->following, g_hash_table_unref);
  g_cancellable_cancel (self->validate_cancellable);
  g_cancellable_cancel (self->upload_cancellable);
  g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->validate_cancellable);
  g_clear_object (&self->upload_cancellable);
  g_clear_object (&self->refresh_cancellable);
  stop_watching (self);
  unbind_job (self);
  g_clear_object (&self->job);

  g_clear_object (&self->model_picker);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FINE_TUNE_PAGE);

  g_clear_object (&self->providers);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_object (&self->jobs);
  g_clear_object (&self->job_selection);
  g_clear_object (&self->errors);
  g_clear_object (&self->warnings);
  g_clear_object (&self->events);
  g_clear_object (&self->checkpoints);
  g_clear_object (&self->file);
  g_clear_object (&self->validation_file);
  g_clear_object (&self->report);

  G_OBJECT_CLASS (sp_fine_tune_page_parent_class)->dispose (object);
}

static void
sp_fine_tune_page_finalize (GObject *object)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (object);

  g_ptr_array_unref (self->job_bindings);

  G_OBJECT_CLASS (sp_fine_tune_page_parent_class)->finalize (object);
}

static void
sp_fine_tune_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SpFineTunePage *self = SP_FINE_TUNE_PAGE (object);

  switch (prop_id)
    {
    case PROP_VALIDATING:
      g_value_set_boolean (value, self->validating);
      break;
    case PROP_UPLOADING:
      g_value_set_boolean (value, self->uploading);
      break;
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_fine_tune_page_class_init (SpFineTunePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_fine_tune_page_dispose;
  object_class->finalize = sp_fine_tune_page_finalize;
  object_class->get_property = sp_fine_tune_page_get_property;

  properties[PROP_VALIDATING] =
    g_param_spec_boolean ("validating", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPLOADING] =
    g_param_spec_boolean ("uploading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL, SP_TYPE_JSONL_REPORT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, SP_TYPE_JOB_RECORD,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpFineTunePage::use-model:
   * @model: the fine-tuned model's id
   *
   * The person pressed Use This Model.
   */
  signals[USE_MODEL] =
    g_signal_new ("use-model",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * SpFineTunePage::job-ended:
   * @job_id: the job's id
   *
   * A job started or seen running here ended (succeeded, failed or was
   * cancelled), whether it was on screen or not; the page has said so in
   * a toast or a notification.
   */
  signals[JOB_ENDED] =
    g_signal_new ("job-ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SP_TYPE_LOSS_CHART);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-fine-tune-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, file_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, validate_progress);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, report_group);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, examples_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, tokens_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, billed_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, cost_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, cost_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, errors_box);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, errors_title);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, errors_view);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, warnings_title);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, warnings_view);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, provider_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, model_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, models_button);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, suffix_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, epochs_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, validation_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, seed_row);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, upload_progress);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, jobs_stack);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, jobs_view);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, job_status_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, job_model_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, job_tokens_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, job_error_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, job_meta_label);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, cancel_job_button);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, loss_chart);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, events_view);
  gtk_widget_class_bind_template_child (widget_class, SpFineTunePage, checkpoints_view);

  gtk_widget_class_install_action (widget_class, "fine-tune.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.choose-validation-file", NULL,
                                   choose_validation_file_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.clear-validation-file", NULL,
                                   clear_validation_file_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.cancel-upload", NULL, cancel_upload_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.cancel-job", NULL, cancel_job_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.use-model", NULL, use_model_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "fine-tune.set-model", "s", set_model_action);
}

static void
sp_fine_tune_page_init (SpFineTunePage *self)
{
  g_autoptr(GtkStringList) epochs = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) job_factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->job_bindings = g_ptr_array_new_with_free_func (unbind_and_unref);
  self->follow_cancellable = g_cancellable_new ();
  self->following = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->errors = gtk_string_list_new (NULL);
  self->warnings = gtk_string_list_new (NULL);
  self->events = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->checkpoints = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  set_up_text_list (self->errors_view, G_LIST_MODEL (self->errors));
  set_up_text_list (self->warnings_view, G_LIST_MODEL (self->warnings));
  set_up_text_list (self->events_view, G_LIST_MODEL (self->events));
  set_up_text_list (self->checkpoints_view, G_LIST_MODEL (self->checkpoints));

  gtk_string_list_append (epochs, _("Automatic"));
  for (guint i = 1; i <= SP_FINE_TUNE_MAX_EPOCHS; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u", i);

      gtk_string_list_append (epochs, text);
    }
  adw_combo_row_set_model (self->epochs_row, G_LIST_MODEL (epochs));

  /* Offer the models that can be fine-tuned; the key is needed anyway. */
  self->model_picker = sp_model_picker_new (self->provider_row, self->model_row, self->models_button);
  sp_model_picker_set_key_required (self->model_picker, TRUE);
  sp_model_picker_set_model_filter (self->model_picker, can_fine_tune_cb,
                                    sp_price_sheet_dup_default (), g_object_unref);
  sp_model_picker_set_model (self->model_picker, DEFAULT_MODEL);

  self->jobs = sp_job_list_new ();
  self->job_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->jobs)));
  gtk_single_selection_set_autoselect (self->job_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->job_selection, TRUE);
  g_signal_connect (job_factory, "setup", G_CALLBACK (setup_job_cb), NULL);
  g_signal_connect (job_factory, "bind", G_CALLBACK (bind_job_cb), NULL);
  g_signal_connect (job_factory, "unbind", G_CALLBACK (unbind_job_cb), NULL);
  gtk_list_view_set_factory (self->jobs_view, job_factory);
  gtk_list_view_set_model (self->jobs_view, GTK_SELECTION_MODEL (self->job_selection));
  g_signal_connect_object (self->job_selection, "notify::selected-item", G_CALLBACK (job_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->jobs, "items-changed", G_CALLBACK (jobs_changed_cb), self, G_CONNECT_SWAPPED);
  jobs_changed_cb (self);

  g_signal_connect_object (self->model_row, "changed", G_CALLBACK (model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->suffix_row, "changed", G_CALLBACK (check_suffix), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->epochs_row, "notify::selected", G_CALLBACK (epochs_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fine-tune.cancel-upload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fine-tune.clear-validation-file", FALSE);
  update_job_actions (self);
}

void
sp_fine_tune_page_setup (SpFineTunePage *self,
                         SpProviderList *providers,
                         SpSecrets      *secrets,
                         GSettings      *settings)
{
  g_autoptr(GtkCustomFilter) filter = NULL;
  GtkFilterListModel *trainers;
  g_autofree char *provider_id = NULL;

  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));
  g_return_if_fail (SP_IS_PROVIDER_LIST (providers));
  g_return_if_fail (SP_IS_SECRETS (secrets));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->providers, providers);
  g_set_object (&self->secrets, secrets);
  g_set_object (&self->settings, settings);

  /* The offline provider generates text but trains nothing. */
  filter = gtk_custom_filter_new (can_train_filter, NULL, NULL);
  trainers = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (providers)),
                                        GTK_FILTER (g_steal_pointer (&filter)));
  g_signal_connect_object (self->model_picker, "provider-selected", G_CALLBACK (provider_selected_cb),
                           self, G_CONNECT_SWAPPED);

  /* Start where the Prompt page is, when that provider can train. */
  provider_id = g_settings_get_string (settings, "provider");
  sp_model_picker_setup (self->model_picker, G_LIST_MODEL (trainers), secrets, provider_id);
  g_object_unref (trainers);

  sp_job_list_load_async (self->jobs, NULL, jobs_loaded_cb, g_object_ref (self));
}

gboolean
sp_fine_tune_page_get_validating (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), FALSE);

  return self->validating;
}

gboolean
sp_fine_tune_page_get_uploading (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), FALSE);

  return self->uploading;
}

SpJsonlReport *
sp_fine_tune_page_get_report (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return self->report;
}

SpJobRecord *
sp_fine_tune_page_get_job (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return self->job;
}

SpJobList *
sp_fine_tune_page_get_job_list (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return self->jobs;
}

SpLossChart *
sp_fine_tune_page_get_loss_chart (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return self->loss_chart;
}

guint
sp_fine_tune_page_get_n_events (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->events));
}

guint
sp_fine_tune_page_get_n_checkpoints (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->checkpoints));
}

char *
sp_fine_tune_page_dup_cost_text (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return g_strdup (gtk_label_get_text (self->cost_label));
}

char *
sp_fine_tune_page_dup_status_text (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return g_strdup (gtk_label_get_text (self->status_label));
}

char *
sp_fine_tune_page_dup_job_status_text (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return g_strdup (gtk_label_get_text (self->job_status_label));
}

char *
sp_fine_tune_page_dup_job_error_text (SpFineTunePage *self)
{
  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  return g_strdup (gtk_label_get_text (self->job_error_label));
}

void
sp_fine_tune_page_set_file (SpFineTunePage *self,
                            GFile          *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  g_set_object (&self->file, file);
  set_report (self, NULL);
  name = file ? g_file_get_parse_name (file) : NULL;
  adw_action_row_set_subtitle (self->file_row, name ? name : _("No file chosen"));
  validate (self);
}

void
sp_fine_tune_page_set_validation_file (SpFineTunePage *self,
                                       GFile          *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  g_set_object (&self->validation_file, file);
  name = file ? g_file_get_parse_name (file) : NULL;
  adw_action_row_set_subtitle (self->validation_row, name ? name : _("None (optional)"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fine-tune.clear-validation-file", file != NULL);
}

void
sp_fine_tune_page_select_provider (SpFineTunePage *self,
                                   const char     *provider_id)
{
  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));

  sp_model_picker_select_provider (self->model_picker, provider_id);
}

void
sp_fine_tune_page_set_model (SpFineTunePage *self,
                             const char     *model)
{
  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));

  sp_model_picker_set_model (self->model_picker, model);
}

void
sp_fine_tune_page_set_suffix (SpFineTunePage *self,
                              const char     *suffix)
{
  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->suffix_row), suffix ? suffix : "");
}

void
sp_fine_tune_page_set_epochs (SpFineTunePage *self,
                              guint           epochs)
{
  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));
  g_return_if_fail (epochs <= SP_FINE_TUNE_MAX_EPOCHS);

  adw_combo_row_set_selected (self->epochs_row, epochs);
}

void
sp_fine_tune_page_select_job (SpFineTunePage *self,
                              const char     *job_id)
{
  guint position;

  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));

  position = sp_job_list_find (self->jobs, job_id);
  gtk_single_selection_set_selected (self->job_selection,
                                     position == G_MAXUINT ? GTK_INVALID_LIST_POSITION : position);
}

void
sp_fine_tune_page_set_poll_interval (SpFineTunePage *self,
                                     guint           interval_ms)
{
  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));

  self->poll_interval_ms = interval_ms;
  if (self->follow_source != 0)
    start_following (self);
}

void
sp_fine_tune_page_start (SpFineTunePage *self)
{
  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));

  start (self, TRUE);
}

void
sp_fine_tune_page_start_without_confirmation (SpFineTunePage *self)
{
  g_return_if_fail (SP_IS_FINE_TUNE_PAGE (self));

  start (self, FALSE);
}

const char *
sp_fine_tune_page_get_provider_id (SpFineTunePage *self)
{
  SpProvider *provider;

  g_return_val_if_fail (SP_IS_FINE_TUNE_PAGE (self), NULL);

  provider = sp_model_picker_get_provider (self->model_picker);
  return provider != NULL ? sp_provider_get_id (provider) : NULL;
}
