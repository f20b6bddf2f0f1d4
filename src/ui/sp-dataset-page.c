// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-dataset-page"

#include "config.h"

#include "sp-dataset-page.h"

#include <glib/gi18n.h>

#include "sp-model-picker.h"
#include "sp-prompt-cost.h"
#include "sp-window.h"

#define DEFAULT_COUNT     250
#define REFRESH_DELAY_MS  250

struct _SpDatasetPage
{
  AdwBin                 parent_instance;

  /* Template children */
  AdwComboRow           *provider_row;
  AdwEntryRow           *model_row;
  GtkSpinButton         *count_spin;
  AdwActionRow          *all_stories_row;
  GtkSwitch             *all_stories_switch;
  GtkSearchEntry        *stories_search;
  GtkListView           *stories_view;
  GtkSpinButton         *concurrency_spin;
  GtkSpinButton         *rpm_spin;
  AdwComboRow           *format_row;
  AdwComboRow           *pair_row;
  GtkSwitch             *skip_duplicates_switch;
  GtkRevealer           *interrupted_revealer;
  GtkLabel              *interrupted_label;
  GtkLabel              *batch_title_label;
  GtkMenuButton         *batches_button;
  GtkLabel              *state_label;
  GtkProgressBar        *progress_bar;
  GtkLabel              *done_label;
  GtkLabel              *eta_label;
  GtkLabel              *tokens_label;
  GtkLabel              *cost_label;
  GtkLabel              *shown_label;
  GtkDropDown           *filter_dropdown;
  GtkStack              *list_stack;
  GtkColumnView         *examples_view;
  GtkRevealer           *report_revealer;
  GtkLabel              *report_summary_label;
  GtkProgressBar        *check_progress;
  GtkLabel              *report_tokens_label;
  GtkLabel              *report_cost_label;
  GtkLabel              *report_warnings_label;
  GtkWidget             *report_errors_scrolled;
  GtkListView           *report_errors_view;

  SpStore               *store;
  SpTemplate            *template;
  SpSecrets             *secrets;
  GSettings             *settings;
  SpModelPicker         *model_picker;

  /* Stories: the library, and the ones picked when not all are used. */
  GListModel            *stories;
  GHashTable            *picked;
  GtkFilterListModel    *stories_filtered;
  SpStory               *deleted_story;
  GtkNativeDialog       *import_chooser;

  /* The batch on show and its examples, by position. */
  SpBatch               *batch;
  GPtrArray             *bindings;
  GListStore            *examples;
  GtkCustomFilter       *filter;
  GtkFilterListModel    *filtered;
  SpDatasetFilter        filter_kind;

  SpStoreBatch          *interrupted;
  GtkNativeDialog       *chooser;

  /* The library's batches, newest first, to open one of them; the newest
   * is shown when the page gets a store, so that the examples of the last
   * session are there to review and export. */
  GMenu                 *batches_menu;
  gboolean               open_newest;

  /* The last check of the training set: its report, the example id of
   * each line of the file it checked, and its errors as shown. */
  SpJsonlReport         *report;
  GArray                *report_ids;
  GtkStringList         *report_errors;
  GArray                *report_error_lines;
  GCancellable          *check_cancellable;

  GCancellable          *cancellable;
  GCancellable          *refresh_cancellable;
  guint                  refresh_source;
  gboolean               refresh_again;
  gboolean               launching;
};

G_DEFINE_FINAL_TYPE (SpDatasetPage, sp_dataset_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_TEMPLATE,
  PROP_BATCH,
  PROP_OFFERS_RESUME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_examples     (SpDatasetPage *self);
static void refresh_batches   (SpDatasetPage *self);
static void update_actions    (SpDatasetPage *self);
static void reload_stories    (SpDatasetPage *self);
static void set_checking      (SpDatasetPage *self,
                               gboolean       checking);

/* Messages */

static void
show_error (SpDatasetPage *self,
            const char    *message)
{
  gtk_label_set_text (self->state_label, message);
  sp_window_error_from (GTK_WIDGET (self), message);
}

static void
show_toast (SpDatasetPage *self,
            const char    *message)
{
  sp_window_toast_from (GTK_WIDGET (self), message);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Form */

static SpExportFormat
get_format (SpDatasetPage *self)
{
  return adw_combo_row_get_selected (self->format_row) == 1 ? SP_EXPORT_FORMAT_COMPLETION
                                                            : SP_EXPORT_FORMAT_CHAT;
}

static SpPairMode
get_pair_mode (SpDatasetPage *self)
{
  return adw_combo_row_get_selected (self->pair_row) == 1 ? SP_PAIR_MODE_SHORT : SP_PAIR_MODE_FULL;
}

static gboolean
batch_is_active (SpDatasetPage *self)
{
  SpBatchState state;

  if (self->batch == NULL)
    return FALSE;
  state = sp_batch_get_state (self->batch);
  return state == SP_BATCH_STATE_RUNNING || state == SP_BATCH_STATE_PAUSING ||
         state == SP_BATCH_STATE_PAUSED;
}

/* Progress texts, for the bindings to the batch */

static gboolean
done_text_cb (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  g_autoptr(SpBatch) batch = SP_BATCH (g_binding_dup_source (binding));
  g_autofree char *text = NULL;

  if (batch == NULL)
    return FALSE;
  /* Translators: examples of a batch, "12 of 250 done" */
  text = g_strdup_printf (_("%u of %u done"), sp_batch_get_n_done (batch), sp_batch_get_n_total (batch));
  if (sp_batch_get_n_failed (batch) > 0)
    {
      g_autofree char *failed = g_strdup_printf (_("%u failed"), sp_batch_get_n_failed (batch));

      g_value_take_string (to, g_strconcat (text, " · ", failed, NULL));
    }
  else
    g_value_set_string (to, text);
  return TRUE;
}

static gboolean
eta_text_cb (GBinding     *binding,
             const GValue *from,
             GValue       *to,
             gpointer      user_data)
{
  g_autoptr(SpBatch) batch = SP_BATCH (g_binding_dup_source (binding));
  double eta;
  guint seconds;

  /* Bound to "state" too: read the value from the batch. */
  eta = batch != NULL ? sp_batch_get_eta_seconds (batch) : -1;
  if (batch == NULL || eta < 0 || sp_batch_get_state (batch) != SP_BATCH_STATE_RUNNING)
    {
      g_value_set_string (to, "");
      return TRUE;
    }
  seconds = (guint) (eta + 0.5);
  if (seconds < 60)
    g_value_take_string (to, g_strdup_printf (ngettext ("About %u second left",
                                                        "About %u seconds left", seconds),
                                              seconds));
  else if (seconds < 3600)
    g_value_take_string (to, g_strdup_printf (ngettext ("About %u minute left",
                                                        "About %u minutes left", (seconds + 30) / 60),
                                              (seconds + 30) / 60));
  else
    /* Translators: time left, "About 2 h 5 min left" */
    g_value_take_string (to, g_strdup_printf (_("About %u h %u min left"),
                                              seconds / 3600, (seconds % 3600) / 60));
  return TRUE;
}

static gboolean
tokens_text_cb (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_autoptr(SpBatch) batch = SP_BATCH (g_binding_dup_source (binding));

  if (batch == NULL)
    return FALSE;
  /* Translators: tokens sent and received so far */
  g_value_take_string (to, g_strdup_printf (_("%llu tokens in · %llu out"),
                                            (unsigned long long) sp_batch_get_prompt_tokens (batch),
                                            (unsigned long long) sp_batch_get_completion_tokens (batch)));
  return TRUE;
}

static gboolean
cost_text_cb (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  /* Translators: the dollars spent so far, "Cost: $0.0123" */
  g_value_take_string (to, g_strdup_printf (_("Cost: %s"), g_value_get_string (from)));
  return TRUE;
}

static gboolean
state_text_cb (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  g_autoptr(SpBatch) batch = SP_BATCH (g_binding_dup_source (binding));

  if (batch == NULL)
    return FALSE;
  switch (sp_batch_get_state (batch))
    {
    case SP_BATCH_STATE_IDLE:
      /* A batch opened from the library. */
      if (sp_batch_get_n_total (batch) > 0 && sp_batch_get_n_pending (batch) == 0)
        g_value_set_string (to, _("Finished"));
      else if (sp_batch_get_n_done (batch) > 0 || sp_batch_get_n_failed (batch) > 0)
        g_value_set_string (to, _("Not finished: press Resume to finish it"));
      else
        g_value_set_string (to, _("Ready"));
      break;
    case SP_BATCH_STATE_RUNNING:
      g_value_set_string (to, _("Running…"));
      break;
    case SP_BATCH_STATE_PAUSING:
      g_value_set_string (to, _("Pausing after the requests in flight…"));
      break;
    case SP_BATCH_STATE_PAUSED:
      g_value_set_string (to, _("Paused"));
      break;
    case SP_BATCH_STATE_CANCELLED:
      g_value_set_string (to, _("Cancelled: press Resume to finish it"));
      break;
    case SP_BATCH_STATE_FINISHED:
      g_value_set_string (to, _("Finished"));
      break;
    case SP_BATCH_STATE_FAILED:
    default:
      /* Translators: %s says why the batch stopped */
      g_value_take_string (to, g_strdup_printf (_("Stopped: %s"),
                                                sp_batch_get_error_message (batch) != NULL
                                                ? sp_batch_get_error_message (batch)
                                                : _("an error every request would meet")));
      break;
    }
  return TRUE;
}

static gboolean
shown_text_cb (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  guint n = g_value_get_uint (from);

  g_value_take_string (to, g_strdup_printf (ngettext ("%u shown", "%u shown", n), n));
  return TRUE;
}

/* Examples */

static gboolean
same_example (SpExample *a,
              SpExample *b)
{
  return sp_example_get_id (a) == sp_example_get_id (b) &&
         sp_example_get_status (a) == sp_example_get_status (b) &&
         sp_example_get_duplicate (a) == sp_example_get_duplicate (b) &&
         sp_example_get_pair_mode (a) == sp_example_get_pair_mode (b) &&
         sp_example_get_prompt_tokens (a) == sp_example_get_prompt_tokens (b) &&
         sp_example_get_completion_tokens (a) == sp_example_get_completion_tokens (b) &&
         g_strcmp0 (sp_example_get_output (a), sp_example_get_output (b)) == 0 &&
         g_strcmp0 (sp_example_get_error (a), sp_example_get_error (b)) == 0;
}

/* Replaces the examples that changed, in runs, so that the list view keeps
 * its scroll position and rebinds only the rows that changed. */
static void
merge_examples (SpDatasetPage *self,
                GListModel    *fresh)
{
  guint n = g_list_model_get_n_items (fresh);
  guint old_n = g_list_model_get_n_items (G_LIST_MODEL (self->examples));
  g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func (g_object_unref);
  guint run_start = 0;

  if (n != old_n)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_full (n, g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (all, g_list_model_get_item (fresh, i));
      g_list_store_splice (self->examples, 0, old_n, all->pdata, n);
      return;
    }

  for (guint i = 0; i <= n; i++)
    {
      g_autoptr(SpExample) new_example = i < n ? g_list_model_get_item (fresh, i) : NULL;
      g_autoptr(SpExample) old_example = i < n ? g_list_model_get_item (G_LIST_MODEL (self->examples), i) : NULL;

      if (new_example != NULL && !same_example (old_example, new_example))
        {
          if (run->len == 0)
            run_start = i;
          g_ptr_array_add (run, g_steal_pointer (&new_example));
          continue;
        }
      if (run->len > 0)
        {
          g_list_store_splice (self->examples, run_start, run->len, run->pdata, run->len);
          g_ptr_array_set_size (run, 0);
        }
    }
}

static void
examples_listed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GListModel) fresh = NULL;
  g_autoptr(GError) error = NULL;

  fresh = sp_batch_list_examples_finish (SP_BATCH (object), result, &error);
  if (is_cancelled (error) || SP_BATCH (object) != self->batch)
    return;
  g_clear_object (&self->refresh_cancellable);
  if (fresh == NULL)
    {
      show_error (self, error->message);
      return;
    }
  merge_examples (self, fresh);
  gtk_stack_set_visible_child_name (self->list_stack,
                                    g_list_model_get_n_items (fresh) > 0 ? "list" : "empty");
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      load_examples (self);
    }
}

static void
load_examples (SpDatasetPage *self)
{
  if (self->batch == NULL)
    return;
  if (self->refresh_cancellable != NULL)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refresh_cancellable = g_cancellable_new ();
  sp_batch_list_examples_async (self->batch, -1, self->refresh_cancellable,
                                examples_listed_cb, g_object_ref (self));
}

static gboolean
refresh_cb (gpointer user_data)
{
  SpDatasetPage *self = user_data;

  self->refresh_source = 0;
  load_examples (self);
  return G_SOURCE_REMOVE;
}

/* Several changes in a short time make one read of the list. */
static void
schedule_refresh (SpDatasetPage *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
}

static void
example_done_cb (SpDatasetPage *self,
                 SpExample     *example)
{
  guint position = sp_example_get_position (example);
  g_autoptr(SpExample) old = NULL;

  if (position < g_list_model_get_n_items (G_LIST_MODEL (self->examples)))
    old = g_list_model_get_item (G_LIST_MODEL (self->examples), position);
  if (old != NULL && sp_example_get_id (old) == sp_example_get_id (example))
    g_list_store_splice (self->examples, position, 1, (gpointer *) &example, 1);
  else
    schedule_refresh (self);
  /* A duplicate also flags an earlier example. */
  if (sp_example_get_duplicate (example))
    schedule_refresh (self);
}

static void
example_failed_cb (SpDatasetPage *self,
                   SpExample     *example,
                   const char    *reason)
{
  schedule_refresh (self);
}

static gboolean
filter_example_cb (gpointer item,
                   gpointer user_data)
{
  SpDatasetPage *self = user_data;
  SpExample *example = item;

  switch (self->filter_kind)
    {
    case SP_DATASET_FILTER_DONE:
      return sp_example_get_status (example) == SP_EXAMPLE_STATUS_DONE;
    case SP_DATASET_FILTER_FAILED:
      return sp_example_get_status (example) == SP_EXAMPLE_STATUS_FAILED;
    case SP_DATASET_FILTER_REJECTED:
      return sp_example_get_status (example) == SP_EXAMPLE_STATUS_REJECTED;
    case SP_DATASET_FILTER_DUPLICATES:
      return sp_example_get_duplicate (example);
    case SP_DATASET_FILTER_ALL:
    default:
      return TRUE;
    }
}

static void
filter_selected_cb (SpDatasetPage *self)
{
  sp_dataset_page_set_filter (self, gtk_drop_down_get_selected (self->filter_dropdown));
}

/* Example columns */

static const char *
status_text (SpExampleStatus status)
{
  switch (status)
    {
    case SP_EXAMPLE_STATUS_PENDING:
      return _("Pending");
    case SP_EXAMPLE_STATUS_RUNNING:
      return _("Running");
    case SP_EXAMPLE_STATUS_DONE:
      return _("Done");
    case SP_EXAMPLE_STATUS_FAILED:
      return _("Failed");
    case SP_EXAMPLE_STATUS_REJECTED:
    default:
      return _("Rejected");
    }
}

static GtkWidget *
cell_label_new (float xalign)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  return label;
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  gtk_list_item_set_child (item, cell_label_new (GPOINTER_TO_INT (user_data) ? 1.0f : 0.0f));
}

static void
setup_numeric_label_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        gpointer                  user_data)
{
  GtkWidget *label = cell_label_new (1.0f);

  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_position_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  SpExample *example = gtk_list_item_get_item (item);
  char text[16];

  g_snprintf (text, sizeof text, "%u", sp_example_get_position (example) + 1);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
bind_story_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  SpExample *example = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), sp_example_get_story_title (example));
  gtk_widget_set_tooltip_text (label, sp_example_get_story_title (example));
}

static void
bind_output_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  SpExample *example = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  SpExampleStatus status = sp_example_get_status (example);
  const char *text = NULL;

  if (status == SP_EXAMPLE_STATUS_DONE || status == SP_EXAMPLE_STATUS_REJECTED)
    text = sp_example_get_output (example);
  else if (status == SP_EXAMPLE_STATUS_FAILED)
    text = sp_example_get_error (example);
  if (text == NULL || *text == '\0')
    {
      gtk_label_set_text (GTK_LABEL (label), status == SP_EXAMPLE_STATUS_FAILED ? _("Failed") : "—");
      gtk_widget_set_tooltip_text (label, NULL);
      gtk_widget_add_css_class (label, "dim-label");
      return;
    }
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, text);
  if (status == SP_EXAMPLE_STATUS_DONE)
    gtk_widget_remove_css_class (label, "dim-label");
  else
    gtk_widget_add_css_class (label, "dim-label");
  if (status == SP_EXAMPLE_STATUS_FAILED)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
}

static void
setup_status_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = cell_label_new (0.0f);
  GtkWidget *duplicate = gtk_label_new (_("Duplicate"));

  gtk_widget_add_css_class (duplicate, "warning");
  gtk_widget_add_css_class (duplicate, "caption-heading");
  gtk_widget_set_tooltip_text (duplicate, _("Another example has the same output"));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), duplicate);
  g_object_set_data (G_OBJECT (box), "status", label);
  g_object_set_data (G_OBJECT (box), "duplicate", duplicate);
  gtk_list_item_set_child (item, box);
}

static void
bind_status_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  SpExample *example = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *label = g_object_get_data (G_OBJECT (box), "status");
  GtkWidget *duplicate = g_object_get_data (G_OBJECT (box), "duplicate");
  SpExampleStatus status = sp_example_get_status (example);

  gtk_label_set_text (GTK_LABEL (label), status_text (status));
  if (status == SP_EXAMPLE_STATUS_FAILED)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
  if (status == SP_EXAMPLE_STATUS_DONE)
    gtk_widget_add_css_class (label, "success");
  else
    gtk_widget_remove_css_class (label, "success");
  gtk_widget_set_visible (duplicate, sp_example_get_duplicate (example));
}

static void
bind_tokens_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  SpExample *example = gtk_list_item_get_item (item);
  gint64 in = sp_example_get_prompt_tokens (example);
  gint64 out = sp_example_get_completion_tokens (example);
  char text[48];

  if (in >= 0 && out >= 0 && sp_example_get_status (example) != SP_EXAMPLE_STATUS_PENDING)
    g_snprintf (text, sizeof text, "%lld", (long long) (in + out));
  else
    g_strlcpy (text, "—", sizeof text);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
setup_actions_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *reject = gtk_button_new_with_label (_("Reject"));

  gtk_widget_set_tooltip_text (edit, _("Edit Output"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (edit),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Edit Output"), -1);
  gtk_widget_add_css_class (edit, "flat");
  gtk_widget_add_css_class (reject, "flat");
  gtk_box_append (GTK_BOX (box), edit);
  gtk_box_append (GTK_BOX (box), reject);
  g_object_set_data (G_OBJECT (box), "edit", edit);
  g_object_set_data (G_OBJECT (box), "reject", reject);
  gtk_list_item_set_child (item, box);
}

static void
bind_actions_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  SpExample *example = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *edit = g_object_get_data (G_OBJECT (box), "edit");
  GtkWidget *reject = g_object_get_data (G_OBJECT (box), "reject");
  SpExampleStatus status = sp_example_get_status (example);
  gboolean reviewable = status == SP_EXAMPLE_STATUS_DONE || status == SP_EXAMPLE_STATUS_REJECTED;
  g_autoptr(GVariant) id = g_variant_ref_sink (g_variant_new_int64 (sp_example_get_id (example)));

  gtk_widget_set_visible (box, reviewable);
  if (!reviewable)
    return;
  /* The target first: an action name without its target is refused. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (edit), id);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (reject), id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "dataset.edit");
  if (status == SP_EXAMPLE_STATUS_DONE)
    {
      gtk_button_set_label (GTK_BUTTON (reject), _("Reject"));
      gtk_widget_set_tooltip_text (reject, _("Leave This Example Out of the Export"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (reject), "dataset.reject");
    }
  else
    {
      gtk_button_set_label (GTK_BUTTON (reject), _("Restore"));
      gtk_widget_set_tooltip_text (reject, _("Put This Example Back in the Export"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (reject), "dataset.restore");
    }
}

static void
add_column (SpDatasetPage      *self,
            const char         *title,
            GtkListItemFactory *factory,
            int                 fixed_width,
            gboolean            expand)
{
  g_autoptr(GtkColumnViewColumn) column = gtk_column_view_column_new (title, factory);

  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  gtk_column_view_append_column (self->examples_view, column);
}

static GtkListItemFactory *
factory_new (GCallback setup,
             GCallback bind,
             gpointer  user_data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, user_data);
  g_signal_connect (factory, "bind", bind, user_data);
  return factory;
}

static void
build_columns (SpDatasetPage *self)
{
  add_column (self, _("#"), factory_new (G_CALLBACK (setup_numeric_label_cb), G_CALLBACK (bind_position_cb), NULL),
              56, FALSE);
  add_column (self, _("Story"), factory_new (G_CALLBACK (setup_label_cb), G_CALLBACK (bind_story_cb), NULL),
              150, FALSE);
  add_column (self, _("Output"), factory_new (G_CALLBACK (setup_label_cb), G_CALLBACK (bind_output_cb), NULL),
              -1, TRUE);
  add_column (self, _("Status"), factory_new (G_CALLBACK (setup_status_cb), G_CALLBACK (bind_status_cb), NULL),
              120, FALSE);
  add_column (self, _("Tokens"), factory_new (G_CALLBACK (setup_numeric_label_cb), G_CALLBACK (bind_tokens_cb), NULL),
              76, FALSE);
  add_column (self, _("Review"), factory_new (G_CALLBACK (setup_actions_cb), G_CALLBACK (bind_actions_cb), NULL),
              130, FALSE);
}

/* The batch on show */

static void
unbind_batch (SpDatasetPage *self)
{
  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);
  if (self->batch != NULL)
    g_signal_handlers_disconnect_by_data (self->batch, self);
}

static void
bind_text (SpDatasetPage          *self,
           const char             *property,
           gpointer                target,
           GBindingTransformFunc   transform)
{
  g_ptr_array_add (self->bindings,
                   g_object_bind_property_full (self->batch, property, target, "label",
                                                G_BINDING_SYNC_CREATE, transform, NULL, NULL, NULL));
}

static void
batch_state_cb (SpDatasetPage *self)
{
  SpBatchState state = sp_batch_get_state (self->batch);

  update_actions (self);
  if (state == SP_BATCH_STATE_FINISHED || state == SP_BATCH_STATE_CANCELLED ||
      state == SP_BATCH_STATE_FAILED || state == SP_BATCH_STATE_PAUSED)
    schedule_refresh (self);
}

static void
bind_batch (SpDatasetPage *self)
{
  SpBatch *batch = self->batch;
  g_autofree char *title = NULL;

  g_ptr_array_add (self->bindings,
                   g_object_bind_property (batch, "fraction", self->progress_bar, "fraction",
                                           G_BINDING_SYNC_CREATE));
  bind_text (self, "n-done", self->done_label, done_text_cb);
  bind_text (self, "n-failed", self->done_label, done_text_cb);
  bind_text (self, "eta-seconds", self->eta_label, eta_text_cb);
  bind_text (self, "state", self->eta_label, eta_text_cb);
  bind_text (self, "prompt-tokens", self->tokens_label, tokens_text_cb);
  bind_text (self, "completion-tokens", self->tokens_label, tokens_text_cb);
  bind_text (self, "cost-text", self->cost_label, cost_text_cb);
  bind_text (self, "state", self->state_label, state_text_cb);
  bind_text (self, "error-message", self->state_label, state_text_cb);
  g_ptr_array_add (self->bindings,
                   g_object_bind_property (batch, "concurrency",
                                           gtk_spin_button_get_adjustment (self->concurrency_spin), "value",
                                           G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
  g_ptr_array_add (self->bindings,
                   g_object_bind_property (batch, "rpm-limit",
                                           gtk_spin_button_get_adjustment (self->rpm_spin), "value",
                                           G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));

  g_signal_connect_object (batch, "notify::state", G_CALLBACK (batch_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (batch, "notify::n-failed", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (batch, "example-done", G_CALLBACK (example_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (batch, "example-failed", G_CALLBACK (example_failed_cb), self, G_CONNECT_SWAPPED);

  /* Translators: the title of a batch, "Batch 3 · gpt-4o-mini" */
  title = g_strdup_printf (_("Batch %lld · %s"), (long long) sp_batch_get_id (batch), sp_batch_get_model (batch));
  gtk_label_set_text (self->batch_title_label, title);
  adw_combo_row_set_selected (self->pair_row, sp_batch_get_pair_mode (batch) == SP_PAIR_MODE_SHORT ? 1 : 0);
  adw_combo_row_set_selected (self->format_row, sp_batch_get_format (batch) == SP_EXPORT_FORMAT_COMPLETION ? 1 : 0);
}

static void
set_batch (SpDatasetPage *self,
           SpBatch       *batch)
{
  if (self->batch == batch)
    return;

  unbind_batch (self);
  g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_again = FALSE;
  g_list_store_remove_all (self->examples);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
  if (self->check_cancellable != NULL)
    {
      g_cancellable_cancel (self->check_cancellable);
      set_checking (self, FALSE);
    }
  gtk_revealer_set_reveal_child (self->report_revealer, FALSE);
  g_set_object (&self->batch, batch);
  if (batch != NULL)
    {
      bind_batch (self);
      load_examples (self);
      /* The batch on show is no longer offered for resuming. */
      refresh_batches (self);
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH]);
}

/* Running */

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SpBatch *batch = SP_BATCH (object);

  if (!sp_batch_run_finish (batch, result, &error))
    {
      if (!is_cancelled (error) && batch == self->batch)
        show_error (self, error->message);
    }
  else if (batch == self->batch)
    {
      guint failed = sp_batch_get_n_failed (batch);
      g_autofree char *message = NULL;

      if (failed > 0)
        message = g_strdup_printf (ngettext ("The batch finished; %u example failed. Retry Failed tries it again.",
                                             "The batch finished; %u examples failed. Retry Failed tries them again.",
                                             failed),
                                   failed);
      else
        message = g_strdup_printf (ngettext ("The batch finished: %u example",
                                             "The batch finished: %u examples",
                                             sp_batch_get_n_total (batch)),
                                   sp_batch_get_n_total (batch));
      show_toast (self, message);
    }
  if (batch == self->batch)
    {
      update_actions (self);
      schedule_refresh (self);
    }
  refresh_batches (self);
}

static void relaunch_shown (SpDatasetPage *self);

static void
run_batch (SpDatasetPage *self)
{
  g_assert (self->batch != NULL);

  /* A batch opened for review has no client yet. */
  if (sp_batch_get_client (self->batch) == NULL)
    {
      relaunch_shown (self);
      return;
    }
  sp_batch_run_async (self->batch, NULL, run_done_cb, g_object_ref (self));
  update_actions (self);
}

/* The state of one press of Start or Resume Batch. */
typedef struct
{
  SpDatasetPage *self;
  SpProvider    *provider;
  char          *model;
  guint          count;
  gint64         resume_id;   /* > 0: run this stored batch instead of a new one */
} Launch;

static void
launch_free (Launch *launch)
{
  g_clear_object (&launch->self);
  g_clear_object (&launch->provider);
  g_free (launch->model);
  g_free (launch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Launch, launch_free)

static void
set_launching (SpDatasetPage *self,
               gboolean       launching)
{
  self->launching = launching;
  update_actions (self);
}

static void
launch_fail (Launch     *launch,
             const char *message)
{
  set_launching (launch->self, FALSE);
  if (message != NULL)
    show_error (launch->self, message);
}

static GListModel *
dup_chosen_stories (SpDatasetPage *self)
{
  GListStore *chosen;

  if (self->stories == NULL)
    return NULL;
  if (gtk_switch_get_active (self->all_stories_switch))
    return g_object_ref (self->stories);
  chosen = g_list_store_new (SP_TYPE_STORY);
  for (guint i = 0; i < g_list_model_get_n_items (self->stories); i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (self->stories, i);

      if (g_hash_table_contains (self->picked, story))
        g_list_store_append (chosen, story);
    }
  return G_LIST_MODEL (chosen);
}

static void
batch_ready_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Launch) launch = user_data;
  SpDatasetPage *self = launch->self;
  g_autoptr(SpBatch) batch = NULL;
  g_autoptr(GError) error = NULL;

  batch = launch->resume_id > 0 ? sp_batch_load_finish (result, &error)
                                : sp_batch_create_finish (result, &error);
  set_launching (self, FALSE);
  if (batch == NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  set_batch (self, batch);
  run_batch (self);
}

static void
launch_with_key (Launch     *launch,
                 const char *key)
{
  SpDatasetPage *self = launch->self;
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) stories = NULL;
  SpBatchOptions options = { 0 };

  client = sp_client_new (launch->provider, key, &error);
  if (client == NULL)
    {
      launch_fail (launch, error->message);
      launch_free (launch);
      return;
    }
  if (launch->resume_id > 0)
    {
      sp_batch_load_async (self->store, client, launch->resume_id, self->cancellable,
                           batch_ready_cb, launch);
      return;
    }

  stories = dup_chosen_stories (self);
  options.model = launch->model;
  options.template = self->template;
  options.stories = stories;
  options.n_items = launch->count;
  options.concurrency = (guint) gtk_spin_button_get_value_as_int (self->concurrency_spin);
  options.rpm = (guint) gtk_spin_button_get_value_as_int (self->rpm_spin);
  options.pair_mode = get_pair_mode (self);
  options.format = get_format (self);
  sp_batch_create_async (self->store, client, &options, self->cancellable, batch_ready_cb, launch);
}

static void
launch_key_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Launch *launch = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = sp_secrets_lookup_key_finish (SP_SECRETS (object), result, &error);
  if (key == NULL)
    {
      if (error == NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("There is no API key for “%s”. Add one in Preferences → Providers, or pick the Offline provider."),
                             sp_provider_get_name (launch->provider));
          launch_fail (launch, message);
        }
      else
        launch_fail (launch, is_cancelled (error) ? NULL : error->message);
      launch_free (launch);
      return;
    }
  launch_with_key (launch, key);
  sp_secrets_free_key (key);
}

static void
launch_go (Launch *launch)
{
  SpDatasetPage *self = launch->self;

  if (sp_provider_get_needs_key (launch->provider) && self->secrets != NULL)
    sp_secrets_lookup_key_async (self->secrets, sp_provider_get_id (launch->provider),
                                 self->cancellable, launch_key_ready_cb, launch);
  else
    launch_with_key (launch, NULL);
}

/* Confirmation before spending money */

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  Launch *launch = user_data;

  if (g_strcmp0 (response, "start") == 0)
    launch_go (launch);
  else
    {
      launch_fail (launch, NULL);
      launch_free (launch);
    }
}

static char *
describe_estimate (Launch             *launch,
                   const SpPromptCost *cost)
{
  g_autoptr(SpPriceSheet) sheet = sp_price_sheet_dup_default ();
  SpMoney total = SP_MONEY_UNKNOWN;
  g_autofree char *amount = NULL;

  if (cost == NULL || sheet == NULL ||
      !sp_price_sheet_cost_of_usage (sheet, launch->model,
                                     (guint64) cost->prompt_tokens * launch->count,
                                     (guint64) cost->completion_tokens * launch->count,
                                     &total, NULL))
    return g_strdup_printf (_("The price sheet has no price for “%s”: the cost is not known in advance."),
                            launch->model);
  amount = sp_price_sheet_format_amount (sheet, total, 4);
  /* Translators: %s are an amount ("$0.12") and the date of the price sheet */
  return g_strdup_printf (_("Estimated cost: about %s (%llu tokens a request, prices of %s)."),
                          amount,
                          (unsigned long long) (cost->prompt_tokens + cost->completion_tokens),
                          sp_price_sheet_get_date (sheet));
}

static void
confirm (Launch             *launch,
         const SpPromptCost *cost)
{
  SpDatasetPage *self = launch->self;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autofree char *requests = NULL;
  g_autofree char *estimate = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  heading = g_strdup_printf (ngettext ("Generate %u Example?", "Generate %u Examples?", launch->count),
                             launch->count);
  requests = g_strdup_printf (ngettext ("This sends %u request to “%s” on %s.",
                                        "This sends %u requests to “%s” on %s.",
                                        launch->count),
                              launch->count, launch->model, sp_provider_get_name (launch->provider));
  estimate = describe_estimate (launch, cost);
  body = g_strconcat (requests, " ", estimate, NULL);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "start", _("_Start"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "start");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), launch);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
estimated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Launch *launch = user_data;
  g_autoptr(SpPromptCost) cost = NULL;
  g_autoptr(GError) error = NULL;

  cost = sp_prompt_cost_estimate_finish (result, &error);
  if (is_cancelled (error))
    {
      launch_fail (launch, NULL);
      launch_free (launch);
      return;
    }
  /* Without a count, the dialog still asks; it says the cost is unknown. */
  confirm (launch, cost);
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

/* Counts the tokens of one rendered prompt (in a thread) for the estimate. */
static void
estimate_and_confirm (Launch *launch)
{
  SpDatasetPage *self = launch->self;
  g_autoptr(GListModel) stories = dup_chosen_stories (self);
  g_autoptr(SpStory) story = NULL;
  g_autoptr(JsonArray) messages = NULL;
  g_autofree char *prompt = NULL;
  g_auto(GStrv) completions = dup_example_prompts (self->template);
  const char *text;

  if (stories == NULL || g_list_model_get_n_items (stories) == 0)
    {
      g_clear_object (&stories);
      stories = sp_story_get_builtin ();
    }
  story = g_list_model_get_item (stories, 0);
  text = story != NULL ? sp_story_get_text (story) : "";
  if (sp_client_model_is_completion (launch->model))
    prompt = sp_template_render_completion (self->template, text);
  else
    messages = sp_template_render_messages (self->template, text);
  sp_prompt_cost_estimate_async (launch->model, messages, prompt, NULL,
                                 (const char * const *) completions,
                                 self->cancellable, estimated_cb, launch);
}

/* Stories */

static void
update_stories_subtitle (SpDatasetPage *self)
{
  guint n = self->stories != NULL ? g_list_model_get_n_items (self->stories) : 0;
  g_autofree char *subtitle = NULL;

  if (gtk_switch_get_active (self->all_stories_switch))
    subtitle = g_strdup_printf (ngettext ("%u story in the library", "%u stories in the library", n), n);
  else
    /* Translators: stories picked for the batch, "3 of 12 picked" */
    subtitle = g_strdup_printf (_("%u of %u picked"), g_hash_table_size (self->picked), n);
  adw_action_row_set_subtitle (self->all_stories_row, subtitle);
}

static void
story_toggled_cb (GtkCheckButton *check,
                  SpDatasetPage  *self)
{
  SpStory *story = g_object_get_data (G_OBJECT (check), "story");

  if (story == NULL)
    return;
  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->picked, g_object_ref (story));
  else
    g_hash_table_remove (self->picked, story);
  update_stories_subtitle (self);
}

static GtkWidget *
story_button_new (const char *icon_name,
                  const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}

/* A row of the library: a check box to pick the story (only when not all
 * stories are used; a plain title otherwise), Edit and Delete. */
static void
setup_story_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                SpDatasetPage            *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *title = cell_label_new (0.0f);
  GtkWidget *edit = story_button_new ("document-edit-symbolic", _("Edit Story"));
  GtkWidget *delete = story_button_new ("user-trash-symbolic", _("Delete Story"));

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_hexpand (check, TRUE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_margin_start (title, 4);
  g_object_bind_property (self->all_stories_switch, "active", check, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  g_object_bind_property (self->all_stories_switch, "active", title, "visible", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (check, "toggled", G_CALLBACK (story_toggled_cb), self, 0);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), edit);
  gtk_box_append (GTK_BOX (box), delete);
  g_object_set_data (G_OBJECT (box), "check", check);
  g_object_set_data (G_OBJECT (box), "title", title);
  g_object_set_data (G_OBJECT (box), "edit", edit);
  g_object_set_data (G_OBJECT (box), "delete", delete);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_story_row_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   SpDatasetPage            *self)
{
  SpStory *story = gtk_list_item_get_item (item);
  GObject *box = G_OBJECT (gtk_list_item_get_child (item));
  GtkWidget *check = g_object_get_data (box, "check");
  g_autoptr(GVariant) id = g_variant_ref_sink (g_variant_new_int64 (sp_store_story_get_id (story)));

  /* Set the state before the story, so the toggle changes nothing. */
  g_object_set_data (G_OBJECT (check), "story", NULL);
  gtk_check_button_set_label (GTK_CHECK_BUTTON (check), sp_story_get_title (story));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->picked, story));
  g_object_set_data (G_OBJECT (check), "story", story);
  gtk_label_set_text (g_object_get_data (box, "title"), sp_story_get_title (story));
  gtk_actionable_set_action_target_value (g_object_get_data (box, "edit"), id);
  gtk_actionable_set_action_name (g_object_get_data (box, "edit"), "dataset.edit-story");
  gtk_actionable_set_action_target_value (g_object_get_data (box, "delete"), id);
  gtk_actionable_set_action_name (g_object_get_data (box, "delete"), "dataset.delete-story");
}

static void
unbind_story_row_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     SpDatasetPage            *self)
{
  GObject *box = G_OBJECT (gtk_list_item_get_child (item));

  g_object_set_data (g_object_get_data (box, "check"), "story", NULL);
}

/* A new list of the library keeps the picks, by story id. */
static void
set_stories (SpDatasetPage *self,
             GListModel    *stories)
{
  g_autoptr(GHashTable) picked_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter iter;
  SpStory *story;

  g_hash_table_iter_init (&iter, self->picked);
  while (g_hash_table_iter_next (&iter, (gpointer *) &story, NULL))
    {
      gint64 id = sp_store_story_get_id (story);

      g_hash_table_add (picked_ids, g_memdup2 (&id, sizeof id));
    }
  g_hash_table_remove_all (self->picked);
  for (guint i = 0; stories != NULL && i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(SpStory) listed = g_list_model_get_item (stories, i);
      gint64 id = sp_store_story_get_id (listed);

      if (id > 0 && g_hash_table_contains (picked_ids, &id))
        g_hash_table_add (self->picked, g_steal_pointer (&listed));
    }
  g_set_object (&self->stories, stories);
  gtk_filter_list_model_set_model (self->stories_filtered, stories);
  update_stories_subtitle (self);
}

static void
stories_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GListModel) stories = NULL;
  g_autoptr(GError) error = NULL;

  stories = sp_store_list_stories_finish (SP_STORE (object), result, &error);
  if (stories == NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  set_stories (self, stories);
}

static void
stories_search_cb (SpDatasetPage *self)
{
  GtkFilter *filter = gtk_filter_list_model_get_filter (self->stories_filtered);

  gtk_string_filter_set_search (GTK_STRING_FILTER (filter),
                                gtk_editable_get_text (GTK_EDITABLE (self->stories_search)));
}

static void
reload_stories (SpDatasetPage *self)
{
  if (self->store != NULL)
    sp_store_list_stories_async (self->store, NULL, self->cancellable, stories_listed_cb, g_object_ref (self));
}

static SpStory *
find_story (SpDatasetPage *self,
            gint64         id)
{
  for (guint i = 0; self->stories != NULL && i < g_list_model_get_n_items (self->stories); i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (self->stories, i);

      if (sp_store_story_get_id (story) == id)
        return g_steal_pointer (&story);
    }
  return NULL;
}

/* The library: add, edit, delete */

static void
story_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_store_save_story_finish (SP_STORE (object), result, &error))
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  reload_stories (self);
}

static char *
dup_story_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
story_dialog_changed_cb (AdwMessageDialog *dialog)
{
  GtkEditable *title = g_object_get_data (G_OBJECT (dialog), "title-entry");
  GtkTextView *view = g_object_get_data (G_OBJECT (dialog), "text-view");
  g_autofree char *text = dup_story_text (view);
  g_autofree char *title_text = g_strstrip (g_strdup (gtk_editable_get_text (title)));

  adw_message_dialog_set_response_enabled (dialog, "save", *title_text != '\0' && *text != '\0');
}

static void
story_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SpDatasetPage    *self)
{
  GtkEditable *title_entry = g_object_get_data (G_OBJECT (dialog), "title-entry");
  SpStory *edited = g_object_get_data (G_OBJECT (dialog), "story");
  g_autofree char *text = dup_story_text (g_object_get_data (G_OBJECT (dialog), "text-view"));
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (title_entry)));
  g_autoptr(SpStory) story = NULL;

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL || *title == '\0' || *text == '\0')
    return;
  if (edited != NULL)
    {
      /* The stored story carries its id: saving it updates the row. */
      story = g_object_ref (edited);
      sp_story_set_title (story, title);
      sp_story_set_text (story, text);
    }
  else
    story = sp_story_new (title, text);
  sp_store_save_story_async (self->store, story, self->cancellable, story_saved_cb, g_object_ref (self));
}

/* Adds a story (@story NULL) or edits one of the library. */
static void
open_story_dialog (SpDatasetPage *self,
                   SpStory       *story)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_entry_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   story != NULL ? _("Edit Story") : _("Add Story"), NULL);
  gtk_entry_set_placeholder_text (GTK_ENTRY (title), _("Title"));
  gtk_entry_set_activates_default (GTK_ENTRY (title), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Title"), -1);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Story"), -1);
  if (story != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (title), sp_story_get_title (story));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), sp_story_get_text (story), -1);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 220);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 460);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", story != NULL ? _("_Save") : _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "title-entry", title);
  g_object_set_data (G_OBJECT (dialog), "text-view", view);
  if (story != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "story", g_object_ref (story), g_object_unref);
  g_signal_connect_object (title, "changed", G_CALLBACK (story_dialog_changed_cb), dialog, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                           G_CALLBACK (story_dialog_changed_cb), dialog, G_CONNECT_SWAPPED);
  story_dialog_changed_cb (ADW_MESSAGE_DIALOG (dialog));
  g_signal_connect_object (dialog, "response", G_CALLBACK (story_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (title);
}

static void
undo_delete_story (SpDatasetPage *self)
{
  g_autoptr(SpStory) story = NULL;

  if (self->deleted_story == NULL || self->store == NULL)
    return;
  /* A new row with the same title and text. */
  story = sp_story_new (sp_story_get_title (self->deleted_story), sp_story_get_text (self->deleted_story));
  g_clear_object (&self->deleted_story);
  update_actions (self);
  sp_store_save_story_async (self->store, story, self->cancellable, story_saved_cb, g_object_ref (self));
}

static void
show_deleted_toast (SpDatasetPage *self)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), SP_TYPE_WINDOW);
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (window == NULL)
    return;
  /* Translators: %s is the title of a story */
  message = g_strdup_printf (_("“%s” was deleted"), sp_story_get_title (self->deleted_story));
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  /* The toast lives in the window, outside the page's actions. */
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_story), self, G_CONNECT_SWAPPED);
  sp_window_add_toast (SP_WINDOW (window), toast);
}

static void
story_deleted_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_store_delete_story_finish (SP_STORE (object), result, &error))
    {
      g_clear_object (&self->deleted_story);
      if (!is_cancelled (error))
        show_error (self, error->message);
    }
  else
    show_deleted_toast (self);
  update_actions (self);
  reload_stories (self);
}

static void
delete_story (SpDatasetPage *self,
              SpStory       *story)
{
  /* Keep a copy for Undo: the row goes, the object in the list too. */
  g_set_object (&self->deleted_story, story);
  sp_store_delete_story_async (self->store, sp_store_story_get_id (story), self->cancellable,
                               story_deleted_cb, g_object_ref (self));
}

/* The library: import */

typedef struct
{
  SpStore    *store;
  GPtrArray  *paths;
  /* Results */
  guint       n_added;
  GPtrArray  *problems;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->paths, g_ptr_array_unref);
  g_clear_pointer (&data->problems, g_ptr_array_unref);
  g_free (data);
}

static char *
describe_problem (const SpStoryImportProblem *problem)
{
  if (problem->line > 0)
    /* Translators: a skipped row of an import: the file, the line, why */
    return g_strdup_printf (_("%s, line %u: %s"), problem->origin, problem->line, problem->reason);
  return g_strdup_printf ("%s: %s", problem->origin, problem->reason);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr(GListStore) stories = g_list_store_new (SP_TYPE_STORY);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < data->paths->len; i++)
    {
      const char *path = g_ptr_array_index (data->paths, i);
      g_autoptr(SpStoryImportReport) report = NULL;
      g_autoptr(GError) path_error = NULL;
      GListModel *found;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      report = sp_story_import_path (path, &path_error);
      if (report == NULL)
        {
          g_ptr_array_add (data->problems, g_strdup (path_error->message));
          continue;
        }
      found = sp_story_import_report_get_stories (report);
      for (guint j = 0; j < g_list_model_get_n_items (found); j++)
        {
          g_autoptr(SpStory) story = g_list_model_get_item (found, j);

          g_list_store_append (stories, story);
        }
      for (guint j = 0; j < sp_story_import_report_get_n_problems (report); j++)
        g_ptr_array_add (data->problems, describe_problem (sp_story_import_report_get_problem (report, j)));
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (stories)) > 0)
    {
      data->n_added = sp_store_add_stories_sync (data->store, G_LIST_MODEL (stories), &error);
      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
show_import_problems (SpDatasetPage *self,
                      GPtrArray     *problems)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;
  const guint max_listed = 30;

  for (guint i = 0; i < problems->len && i < max_listed; i++)
    {
      if (i > 0)
        g_string_append_c (body, '\n');
      g_string_append (body, g_ptr_array_index (problems, i));
    }
  if (problems->len > max_listed)
    {
      guint more = problems->len - max_listed;

      g_string_append_c (body, '\n');
      g_string_append_printf (body, ngettext ("…and %u more", "…and %u more", more), more);
    }
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   ngettext ("A Row Was Skipped", "Some Rows Were Skipped", problems->len),
                                   body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_done (SpDatasetPage *self,
             ImportData    *data)
{
  g_autofree char *added = NULL;
  g_autofree char *message = NULL;
  guint skipped = data->problems->len;

  added = g_strdup_printf (ngettext ("Imported %u story", "Imported %u stories", data->n_added), data->n_added);
  if (skipped > 0)
    {
      g_autofree char *rows = g_strdup_printf (ngettext ("%u row skipped", "%u rows skipped", skipped), skipped);

      /* Translators: "Imported 3 stories; 1 row skipped" */
      message = g_strdup_printf (_("%s; %s"), added, rows);
    }
  show_toast (self, message != NULL ? message : added);
  if (skipped > 0)
    show_import_problems (self, data->problems);
  reload_stories (self);
}

static void
import_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            SpDatasetPage   *self)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  if (files != NULL && g_list_model_get_n_items (files) > 0)
    sp_dataset_page_import_stories_async (self, files, self->cancellable, NULL, NULL);
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->import_chooser);
}

/* The library's batches: the interrupted one, and the menu to open one */

#define MAX_BATCHES_IN_MENU 30

static gpointer
list_batches_func (SpStore   *store,
                   gpointer   data,
                   GError   **error)
{
  return sp_store_list_batches_sync (store, error);
}

static void
set_interrupted (SpDatasetPage *self,
                 SpStoreBatch  *batch)
{
  g_clear_pointer (&self->interrupted, sp_store_batch_free);
  self->interrupted = batch;
  if (batch != NULL)
    {
      guint left = batch->n_pending + batch->n_running;
      g_autofree char *text =
        g_strdup_printf (ngettext ("A batch of %u example with “%s” was interrupted; %u is left to do.",
                                   "A batch of %u examples with “%s” was interrupted; %u are left to do.",
                                   batch->n_items),
                         batch->n_items, batch->model, left);

      gtk_label_set_text (self->interrupted_label, text);
    }
  gtk_revealer_set_reveal_child (self->interrupted_revealer, batch != NULL);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERS_RESUME]);
}

static void
fill_batches_menu (SpDatasetPage *self,
                   GPtrArray     *batches)
{
  g_menu_remove_all (self->batches_menu);
  for (guint i = 0; i < MIN (batches->len, MAX_BATCHES_IN_MENU); i++)
    {
      SpStoreBatch *batch = g_ptr_array_index (batches, i);
      guint done = batch->n_done + batch->n_rejected;
      g_autofree char *label =
        g_strdup_printf (ngettext ("Batch %lld · %s · %u of %u example done",
                                   "Batch %lld · %s · %u of %u examples done",
                                   batch->n_items),
                         (long long) batch->id, batch->model, done, batch->n_items);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "dataset.show-batch", g_variant_new_int64 (batch->id));
      g_menu_append_item (self->batches_menu, item);
    }
}

static void show_batch (SpDatasetPage *self,
                        gint64         id);

static void
batches_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  gint64 shown_id = self->batch != NULL ? sp_batch_get_id (self->batch) : 0;
  SpStoreBatch *interrupted = NULL;

  batches = sp_store_run_finish (SP_STORE (object), result, &error);
  if (batches == NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  if (SP_STORE (object) != self->store)
    return;

  for (guint i = 0; i < batches->len && interrupted == NULL; i++)
    {
      SpStoreBatch *batch = g_ptr_array_index (batches, i);

      if (batch->id != shown_id && batch->n_pending + batch->n_running > 0)
        interrupted = sp_store_batch_copy (batch);
    }
  set_interrupted (self, interrupted);
  fill_batches_menu (self, batches);

  /* The newest batch that is not waiting to be resumed. */
  if (self->open_newest && self->batch == NULL && !self->launching)
    {
      for (guint i = 0; i < batches->len; i++)
        {
          SpStoreBatch *batch = g_ptr_array_index (batches, i);

          if (interrupted == NULL || batch->id != interrupted->id)
            {
              show_batch (self, batch->id);
              break;
            }
        }
    }
  self->open_newest = FALSE;
  update_actions (self);
}

static void
refresh_batches (SpDatasetPage *self)
{
  if (self->store == NULL)
    return;
  sp_store_run_async (self->store, list_batches_func, NULL, NULL,
                      (GDestroyNotify) g_ptr_array_unref, self->cancellable,
                      batches_listed_cb, g_object_ref (self));
}

static void
batch_shown_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpBatch) batch = NULL;

  batch = sp_batch_load_finish (result, &error);
  if (batch == NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  /* Something else came first: a new batch, or another store. */
  if (self->launching || batch_is_active (self) || sp_batch_get_store (batch) != self->store)
    return;
  set_batch (self, batch);
}

/* Shows a stored batch without running it: its examples can be reviewed
 * and exported; Resume or Retry Failed asks for a provider then. */
static void
show_batch (SpDatasetPage *self,
            gint64         id)
{
  if (self->store == NULL || self->launching || batch_is_active (self))
    return;
  if (self->batch != NULL && sp_batch_get_id (self->batch) == id)
    return;
  sp_batch_load_async (self->store, NULL, id, self->cancellable, batch_shown_cb, g_object_ref (self));
}

static gpointer
delete_batch_func (SpStore   *store,
                   gpointer   data,
                   GError   **error)
{
  return sp_store_delete_batch_sync (store, *(gint64 *) data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
batch_deleted_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (sp_store_run_finish (SP_STORE (object), result, &error) == NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  show_toast (self, _("The interrupted batch was discarded"));
  refresh_batches (self);
}

/* Review */

typedef struct
{
  gint64  id;
  char   *output;
} OutputChange;

static void
output_change_free (OutputChange *change)
{
  g_free (change->output);
  g_free (change);
}

static gpointer
set_output_func (SpStore   *store,
                 gpointer   data,
                 GError   **error)
{
  OutputChange *change = data;

  return sp_store_set_output_sync (store, change->id, change->output, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (SP_IS_STORE (object))
    ok = sp_store_run_finish (SP_STORE (object), result, &error) != NULL;
  else
    ok = sp_batch_set_rejected_finish (SP_BATCH (object), result, &error);
  if (!ok && !is_cancelled (error))
    show_error (self, error->message);
  load_examples (self);
}

static SpExample *
find_example (SpDatasetPage *self,
              gint64         id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->examples));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpExample) example = g_list_model_get_item (G_LIST_MODEL (self->examples), i);

      if (sp_example_get_id (example) == id)
        return g_steal_pointer (&example);
    }
  return NULL;
}

static void
edit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  SpDatasetPage    *self)
{
  GtkTextView *view = g_object_get_data (G_OBJECT (dialog), "view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  OutputChange *change;

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL)
    return;
  change = g_new0 (OutputChange, 1);
  change->id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "id"));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  change->output = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  sp_store_run_async (self->store, set_output_func, change, (GDestroyNotify) output_change_free, NULL,
                      self->cancellable, changed_cb, g_object_ref (self));
}

static void
edit_example (SpDatasetPage *self,
              SpExample     *example)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Edit Output"), sp_example_get_story_title (example));
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)),
                            sp_example_get_output (example) != NULL ? sp_example_get_output (example) : "", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Output"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 160);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "view", view);
  g_object_set_data (G_OBJECT (dialog), "id", GSIZE_TO_POINTER ((gsize) sp_example_get_id (example)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (edit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
example_activated_cb (SpDatasetPage *self,
                      guint          position)
{
  g_autoptr(SpExample) example = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  SpExampleStatus status;

  if (example == NULL)
    return;
  status = sp_example_get_status (example);
  if (status == SP_EXAMPLE_STATUS_DONE || status == SP_EXAMPLE_STATUS_REJECTED)
    edit_example (self, example);
}

static void
pair_mode_set_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_batch_set_pair_mode_finish (SP_BATCH (object), result, &error) && !is_cancelled (error))
    show_error (self, error->message);
  if (SP_BATCH (object) == self->batch)
    load_examples (self);
}

static void
pair_mode_selected_cb (SpDatasetPage *self)
{
  if (self->batch == NULL || sp_batch_get_pair_mode (self->batch) == get_pair_mode (self))
    return;
  sp_batch_set_pair_mode_async (self->batch, get_pair_mode (self), self->cancellable,
                                pair_mode_set_cb, g_object_ref (self));
}

/* Export */

/* The toast of an export offers the next step of the experiment. */
static void
show_export_toast (SpDatasetPage *self,
                   const char    *message,
                   const char    *path)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), SP_TYPE_WINDOW);
  AdwToast *toast;

  if (window == NULL)
    return;
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Fine-Tune…"));
  adw_toast_set_action_name (toast, "win.fine-tune-file");
  adw_toast_set_action_target_value (toast, g_variant_new_string (path));
  adw_toast_set_timeout (toast, 10);
  sp_window_add_toast (SP_WINDOW (window), toast);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpDatasetPage *self = g_task_get_source_object (task);
  const char *path = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n;

  n = sp_batch_export_finish (SP_BATCH (object), result, &error);
  if (error != NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  message = g_strdup_printf (ngettext ("Exported %u example to %s", "Exported %u examples to %s", n), n, path);
  show_export_toast (self, message, path);
  g_task_return_int (task, n);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The toast or the error is already shown. */
  sp_dataset_page_export_finish (SP_DATASET_PAGE (object), result, &error);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     SpDatasetPage   *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && self->batch != NULL)
    sp_dataset_page_export_async (self, file, get_format (self), self->cancellable, export_done_cb, NULL);
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

/* Checking the training set */

typedef struct
{
  char           *path;
  char           *model;
  SpExportFormat  format;
  gboolean        skip_duplicates;
  /* The example id of each line the export writes, in its order. */
  GArray         *ids;
  /* The page's check_cancellable while this check is the current one. */
  GCancellable   *cancellable;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->cancellable);
  g_free (data->path);
  g_free (data->model);
  g_clear_pointer (&data->ids, g_array_unref);
  g_free (data);
}

static void
set_checking (SpDatasetPage *self,
              gboolean       checking)
{
  gtk_widget_set_visible (GTK_WIDGET (self->check_progress), checking);
  if (checking)
    {
      gtk_progress_bar_set_fraction (self->check_progress, 0);
      gtk_label_set_text (self->report_summary_label, _("Checking…"));
      gtk_revealer_set_reveal_child (self->report_revealer, TRUE);
    }
  else
    g_clear_object (&self->check_cancellable);
  update_actions (self);
}

static char *
describe_tokens (SpJsonlReport *report)
{
  SpJsonlTokenStats stats;

  sp_jsonl_report_get_token_stats (report, &stats);
  if (stats.n == 0)
    return g_strdup (_("No valid example to count tokens in."));
  /* Translators: tokens per example of a training set */
  return g_strdup_printf (_("Tokens per example: min %llu · mean %.0f · p50 %.0f · p90 %.0f · max %llu"),
                          (unsigned long long) stats.min, stats.mean, stats.p50, stats.p90,
                          (unsigned long long) stats.max);
}

static char *
describe_cost (SpJsonlReport *report)
{
  SpPriceSheet *sheet = sp_jsonl_report_get_price_sheet (report);
  SpMoney cost = sp_jsonl_report_get_training_cost (report);
  guint epochs = sp_jsonl_report_get_epochs (report);
  g_autofree char *billed = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *price = NULL;

  /* Translators: billed tokens of one epoch × epochs = tokens of the training */
  billed = g_strdup_printf (ngettext ("Billed: %llu tokens × %u epoch = %llu tokens",
                                      "Billed: %llu tokens × %u epochs = %llu tokens", epochs),
                            (unsigned long long) sp_jsonl_report_get_billed_tokens (report), epochs,
                            (unsigned long long) sp_jsonl_report_get_billed_training_tokens (report));
  if (cost == SP_MONEY_UNKNOWN || sheet == NULL)
    price = g_strdup_printf (_("No price sheet has a training price for “%s”."),
                             sp_jsonl_report_get_model (report));
  else
    {
      amount = sp_price_sheet_format_amount (sheet, cost, 4);
      /* Translators: the cost, then the name and date of the price sheet */
      price = g_strdup_printf (_("Estimated training cost: %s (%s, %s)."),
                               amount, sp_price_sheet_get_name (sheet), sp_price_sheet_get_date (sheet));
    }
  return g_strconcat (billed, "\n", price, NULL);
}

static char *
describe_warnings (SpJsonlReport *report)
{
  guint n = sp_jsonl_report_get_n_listed_warnings (report);
  guint64 total = sp_jsonl_report_get_n_warnings (report);
  const guint max_listed = 5;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n && i < max_listed; i++)
    {
      const SpJsonlIssue *warning = sp_jsonl_report_get_warning (report, i);

      if (i > 0)
        g_string_append_c (text, '\n');
      if (warning->line > 0)
        /* Translators: a warning about one line of a file */
        g_string_append_printf (text, _("Line %llu: %s"), (unsigned long long) warning->line, warning->message);
      else
        g_string_append (text, warning->message);
    }
  if (total > MIN (n, max_listed))
    {
      guint more = (guint) MIN (total - MIN (n, max_listed), G_MAXUINT);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("…and %u more warning", "…and %u more warnings", more), more);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_summary (SpJsonlReport *report)
{
  guint64 n_examples = sp_jsonl_report_get_n_examples (report);
  guint64 n_errors = sp_jsonl_report_get_n_errors (report);
  g_autofree char *examples = NULL;
  g_autofree char *errors = NULL;

  examples = g_strdup_printf (ngettext ("%llu example", "%llu examples", (gulong) n_examples),
                              (unsigned long long) n_examples);
  if (n_errors == 0)
    errors = g_strdup (_("no errors"));
  else
    errors = g_strdup_printf (ngettext ("%llu error: click it to select its example",
                                        "%llu errors: click one to select its example", (gulong) n_errors),
                              (unsigned long long) n_errors);
  return g_strconcat (examples, " · ", errors, NULL);
}

static void
show_report (SpDatasetPage *self,
             SpJsonlReport *report,
             GArray        *ids)
{
  g_autoptr(GStrvBuilder) errors = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;
  g_autofree char *summary = describe_summary (report);
  g_autofree char *tokens = describe_tokens (report);
  g_autofree char *cost = describe_cost (report);
  g_autofree char *warnings = describe_warnings (report);
  guint n_errors = sp_jsonl_report_get_n_listed_errors (report);

  g_set_object (&self->report, report);
  g_clear_pointer (&self->report_ids, g_array_unref);
  self->report_ids = g_array_ref (ids);
  g_array_set_size (self->report_error_lines, 0);
  for (guint i = 0; i < n_errors; i++)
    {
      const SpJsonlIssue *error = sp_jsonl_report_get_error (report, i);
      g_autofree char *text = NULL;

      g_array_append_val (self->report_error_lines, error->line);
      if (error->line > 0)
        /* Translators: an error on one line of the training set */
        text = g_strdup_printf (_("Line %llu: %s"), (unsigned long long) error->line, error->message);
      g_strv_builder_add (errors, text != NULL ? text : error->message);
    }
  lines = g_strv_builder_end (errors);
  gtk_string_list_splice (self->report_errors, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->report_errors)),
                          (const char * const *) lines);
  gtk_widget_set_visible (self->report_errors_scrolled, n_errors > 0);
  gtk_label_set_text (self->report_summary_label, summary);
  gtk_label_set_text (self->report_tokens_label, tokens);
  gtk_label_set_text (self->report_cost_label, cost);
  gtk_label_set_text (self->report_warnings_label, warnings);
  gtk_widget_set_visible (GTK_WIDGET (self->report_warnings_label), *warnings != '\0');
  gtk_revealer_set_reveal_child (self->report_revealer, TRUE);
}

static void
check_progress_cb (guint64  bytes_read,
                   guint64  total_bytes,
                   gpointer user_data)
{
  SpDatasetPage *self = user_data;

  if (self->check_cancellable == NULL)
    return;
  if (total_bytes > 0)
    gtk_progress_bar_set_fraction (self->check_progress, (double) bytes_read / (double) total_bytes);
  else
    gtk_progress_bar_pulse (self->check_progress);
}

/* A check cancelled by Close, another batch or the page's end touches no
 * widget: whoever cancelled it has tidied up. */
static void
check_fail (GTask  *task,
            GError *error)
{
  SpDatasetPage *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);

  if (self->check_cancellable == data->cancellable)
    {
      set_checking (self, FALSE);
      if (!is_cancelled (error))
        {
          gtk_label_set_text (self->report_summary_label, error->message);
          show_error (self, error->message);
        }
    }
  g_task_return_error (task, error);
}

static void
check_validated_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpDatasetPage *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GFile) file = g_file_new_for_path (data->path);
  g_autoptr(SpJsonlReport) report = NULL;
  GError *error = NULL;

  report = sp_jsonl_validate_finish (result, &error);
  g_file_delete_async (file, G_PRIORITY_LOW, NULL, NULL, NULL);
  if (report == NULL || self->check_cancellable != data->cancellable)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The check was cancelled."));
      check_fail (task, error);
      return;
    }
  set_checking (self, FALSE);
  show_report (self, report, data->ids);
  g_task_return_pointer (task, g_steal_pointer (&report), g_object_unref);
}

static void
check_exported_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpDatasetPage *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GFile) file = g_file_new_for_path (data->path);
  GError *error = NULL;
  guint n;

  n = sp_batch_export_finish (SP_BATCH (object), result, &error);
  if (error != NULL)
    {
      /* The export may have left nothing, or a whole file. */
      g_file_delete_async (file, G_PRIORITY_LOW, NULL, NULL, NULL);
      check_fail (task, error);
      return;
    }
  /* Nothing changes the batch between the listing and the export (the
   * check waits for a running batch); if it did, lines map by order. */
  if (n != data->ids->len)
    g_debug ("The export has %u lines, the list %u examples", n, data->ids->len);
  sp_jsonl_validate_async (file, data->model, 0,
                           data->format == SP_EXPORT_FORMAT_COMPLETION ? SP_JSONL_FORMAT_COMPLETION
                                                                       : SP_JSONL_FORMAT_CHAT,
                           NULL, g_task_get_cancellable (task), check_progress_cb, self,
                           check_validated_cb, g_object_ref (task));
}

/* The export's own rule: done examples by position, without duplicates
 * when they are left out. */
static void
check_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GListModel) done = NULL;
  GError *error = NULL;

  done = sp_batch_list_examples_finish (SP_BATCH (object), result, &error);
  if (done == NULL)
    {
      check_fail (task, error);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (done); i++)
    {
      g_autoptr(SpExample) example = g_list_model_get_item (done, i);
      gint64 id = sp_example_get_id (example);

      if (sp_example_get_status (example) != SP_EXAMPLE_STATUS_DONE ||
          (data->skip_duplicates && sp_example_get_duplicate (example)))
        continue;
      g_array_append_val (data->ids, id);
    }
  gtk_progress_bar_pulse (SP_DATASET_PAGE (g_task_get_source_object (task))->check_progress);
  sp_batch_export_async (SP_BATCH (object), data->path, data->format, NULL, data->skip_duplicates,
                         g_task_get_cancellable (task), check_exported_cb, g_object_ref (task));
}

static void
forward_cancel (GCancellable *cancellable,
                GCancellable *check_cancellable)
{
  g_cancellable_cancel (check_cancellable);
}

/* The column view scrolls with the action of its inner list view. */
static void
scroll_to_example (SpDatasetPage *self,
                   guint          position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->examples_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
        return;
      }
}

static gboolean
select_example (SpDatasetPage *self,
                gint64         id)
{
  GtkSelectionModel *selection = gtk_column_view_get_model (self->examples_view);

  for (int attempt = 0; attempt < 2; attempt++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SpExample) example = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

          if (sp_example_get_id (example) != id)
            continue;
          gtk_selection_model_select_item (selection, i, TRUE);
          scroll_to_example (self, i);
          return TRUE;
        }
      /* The filter hides it: show all examples. */
      if (self->filter_kind == SP_DATASET_FILTER_ALL)
        break;
      sp_dataset_page_set_filter (self, SP_DATASET_FILTER_ALL);
    }
  return FALSE;
}

static void
report_error_activated_cb (SpDatasetPage *self,
                           guint          position)
{
  if (!sp_dataset_page_activate_report_error (self, position))
    show_toast (self, _("This error is about the whole file, not one example."));
}

static void
setup_report_error_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  GtkWidget *label = cell_label_new (0.0f);

  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_widget_add_css_class (label, "error");
  gtk_list_item_set_child (item, label);
}

static void
bind_report_error_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkStringObject *error = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), gtk_string_object_get_string (error));
  gtk_widget_set_tooltip_text (label, gtk_string_object_get_string (error));
}

/* Actions */

static void
update_actions (SpDatasetPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  SpBatchState state = self->batch != NULL ? sp_batch_get_state (self->batch) : SP_BATCH_STATE_IDLE;
  gboolean has_batch = self->batch != NULL;
  gboolean active = batch_is_active (self);

  gtk_widget_action_set_enabled (widget, "dataset.start",
                                 self->store != NULL && self->template != NULL && !self->launching && !active);
  gtk_widget_action_set_enabled (widget, "dataset.pause", state == SP_BATCH_STATE_RUNNING);
  gtk_widget_action_set_enabled (widget, "dataset.resume",
                                 has_batch && !self->launching &&
                                 (state == SP_BATCH_STATE_PAUSED || state == SP_BATCH_STATE_CANCELLED ||
                                  (state == SP_BATCH_STATE_IDLE && sp_batch_get_n_pending (self->batch) > 0)));
  gtk_widget_action_set_enabled (widget, "dataset.show-batch",
                                 self->store != NULL && !self->launching && !active);
  gtk_widget_action_set_enabled (widget, "dataset.cancel", active);
  gtk_widget_action_set_enabled (widget, "dataset.retry-failed",
                                 has_batch && sp_batch_get_n_failed (self->batch) > 0 &&
                                 state != SP_BATCH_STATE_PAUSING && state != SP_BATCH_STATE_PAUSED);
  gtk_widget_action_set_enabled (widget, "dataset.export", has_batch);
  gtk_widget_action_set_enabled (widget, "dataset.check",
                                 has_batch && !active && self->check_cancellable == NULL);
  gtk_widget_action_set_enabled (widget, "dataset.add-story", self->store != NULL);
  gtk_widget_action_set_enabled (widget, "dataset.edit-story", self->store != NULL);
  gtk_widget_action_set_enabled (widget, "dataset.delete-story", self->store != NULL);
  gtk_widget_action_set_enabled (widget, "dataset.undo-delete-story",
                                 self->store != NULL && self->deleted_story != NULL);
  gtk_widget_action_set_enabled (widget, "dataset.import-stories", self->store != NULL);
  gtk_widget_action_set_enabled (widget, "dataset.edit", has_batch);
  gtk_widget_action_set_enabled (widget, "dataset.reject", has_batch);
  gtk_widget_action_set_enabled (widget, "dataset.restore", has_batch);
  gtk_widget_action_set_enabled (widget, "dataset.resume-interrupted",
                                 self->interrupted != NULL && !self->launching && !active);
  gtk_widget_action_set_enabled (widget, "dataset.discard-interrupted",
                                 self->interrupted != NULL && !self->launching);
}

static Launch *
launch_new (SpDatasetPage *self)
{
  SpProvider *provider = sp_model_picker_get_provider (self->model_picker);
  g_autofree char *model = sp_model_picker_dup_model (self->model_picker);
  Launch *launch;

  if (provider == NULL)
    {
      show_error (self, _("Pick a provider first."));
      return NULL;
    }
  if (model == NULL)
    {
      show_error (self, _("Type the name of the model that writes the examples."));
      return NULL;
    }
  launch = g_new0 (Launch, 1);
  launch->self = g_object_ref (self);
  launch->provider = g_object_ref (provider);
  launch->model = g_steal_pointer (&model);
  launch->count = (guint) gtk_spin_button_get_value_as_int (self->count_spin);
  return launch;
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sp_dataset_page_start (SP_DATASET_PAGE (widget));
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);

  if (self->batch != NULL)
    sp_batch_pause (self->batch);
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);

  if (self->batch == NULL)
    return;
  if (sp_batch_get_state (self->batch) == SP_BATCH_STATE_PAUSED)
    sp_batch_resume (self->batch);
  else
    run_batch (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);

  if (self->batch != NULL)
    sp_batch_cancel (self->batch);
}

static void
retried_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SpDatasetPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SpBatch *batch = SP_BATCH (object);
  g_autofree char *message = NULL;
  guint n;

  n = sp_batch_retry_failed_finish (batch, result, &error);
  if (error != NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  if (batch != self->batch)
    return;
  message = g_strdup_printf (ngettext ("%u failed example goes again", "%u failed examples go again", n), n);
  show_toast (self, message);
  load_examples (self);
  if (!batch_is_active (self) && n > 0)
    run_batch (self);
  update_actions (self);
}

static void
retry_failed_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);

  if (self->batch != NULL)
    sp_batch_retry_failed_async (self->batch, self->cancellable, retried_cb, g_object_ref (self));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = NULL;
  GtkFileChooserNative *chooser;
  const char *documents;

  if (self->batch == NULL || self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Training Set"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  name = g_strdup_printf ("starprompt-batch-%lld-%s.jsonl", (long long) sp_batch_get_id (self->batch),
                          sp_export_format_to_string (get_format (self)));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  folder = g_file_new_for_path (documents != NULL ? documents : g_get_home_dir ());
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
check_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* The report or the error is already shown. */
  report = sp_dataset_page_check_training_set_finish (SP_DATASET_PAGE (object), result, &error);
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sp_dataset_page_check_training_set_async (SP_DATASET_PAGE (widget), NULL, check_done_cb, NULL);
}

static void
close_report_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);

  if (self->check_cancellable != NULL)
    {
      g_cancellable_cancel (self->check_cancellable);
      set_checking (self, FALSE);
    }
  gtk_revealer_set_reveal_child (self->report_revealer, FALSE);
}

static void
add_story_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  open_story_dialog (SP_DATASET_PAGE (widget), NULL);
}

static void
edit_story_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);
  g_autoptr(SpStory) story = find_story (self, g_variant_get_int64 (parameter));

  if (story != NULL)
    open_story_dialog (self, story);
}

static void
delete_story_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);
  g_autoptr(SpStory) story = find_story (self, g_variant_get_int64 (parameter));

  if (story != NULL && self->store != NULL)
    delete_story (self, story);
}

static void
undo_delete_story_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  undo_delete_story (SP_DATASET_PAGE (widget));
}

static void
import_stories_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) stories = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->store == NULL || self->import_chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Import Stories"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (stories, _("Text and CSV Files"));
  gtk_file_filter_add_suffix (stories, "txt");
  gtk_file_filter_add_suffix (stories, "md");
  gtk_file_filter_add_suffix (stories, "csv");
  gtk_file_filter_add_mime_type (stories, "text/plain");
  gtk_file_filter_add_mime_type (stories, "text/csv");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), stories);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chooser_response_cb), self, 0);
  self->import_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->import_chooser);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);
  g_autoptr(SpExample) example = find_example (self, g_variant_get_int64 (parameter));

  if (example != NULL)
    edit_example (self, example);
}

static void
set_rejected_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);
  gboolean rejected = g_str_equal (action_name, "dataset.reject");

  if (self->batch == NULL)
    return;
  sp_batch_set_rejected_async (self->batch, g_variant_get_int64 (parameter), rejected,
                               self->cancellable, changed_cb, g_object_ref (self));
}

/* Runs a stored batch with the provider picked in the form and the
 * batch's own model. */
static gboolean
relaunch (SpDatasetPage *self,
          gint64         id,
          const char    *model)
{
  Launch *launch;

  if (self->launching || batch_is_active (self))
    return FALSE;
  launch = launch_new (self);
  if (launch == NULL)
    return FALSE;
  launch->resume_id = id;
  g_free (launch->model);
  launch->model = g_strdup (model);
  set_launching (self, TRUE);
  launch_go (launch);
  return TRUE;
}

static void
resume_interrupted_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);

  if (self->interrupted != NULL && relaunch (self, self->interrupted->id, self->interrupted->model))
    set_interrupted (self, NULL);
}

/* The batch on show, opened for review, has no client yet. */
static void
relaunch_shown (SpDatasetPage *self)
{
  if (self->batch != NULL)
    relaunch (self, sp_batch_get_id (self->batch), sp_batch_get_model (self->batch));
}

static void
show_batch_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  show_batch (SP_DATASET_PAGE (widget), g_variant_get_int64 (parameter));
}

static void
discard_interrupted_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  SpDatasetPage *self = SP_DATASET_PAGE (widget);
  gint64 id;

  if (self->interrupted == NULL)
    return;
  id = self->interrupted->id;
  set_interrupted (self, NULL);
  sp_store_run_async (self->store, delete_batch_func, g_memdup2 (&id, sizeof id), g_free, NULL,
                      self->cancellable, batch_deleted_cb, g_object_ref (self));
}

static void
sp_dataset_page_dispose (GObject *object)
{
  SpDatasetPage *self = SP_DATASET_PAGE (object);

  /* Items in flight stay pending: the next start offers to resume. */
  if (batch_is_active (self))
    sp_batch_cancel (self->batch);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (self->import_chooser);
  g_clear_object (&self->import_chooser);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->bindings != NULL)
    unbind_batch (self);

  g_clear_object (&self->model_picker);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_DATASET_PAGE);

  g_clear_object (&self->batch);
  g_clear_object (&self->store);
  g_clear_object (&self->template);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_object (&self->stories);
  g_clear_object (&self->stories_filtered);
  g_clear_object (&self->deleted_story);
  g_clear_object (&self->report);
  g_clear_object (&self->report_errors);
  g_clear_object (&self->examples);
  g_clear_object (&self->filter);
  g_clear_object (&self->filtered);
  g_clear_object (&self->batches_menu);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sp_dataset_page_parent_class)->dispose (object);
}

static void
sp_dataset_page_finalize (GObject *object)
{
  SpDatasetPage *self = SP_DATASET_PAGE (object);

  g_clear_pointer (&self->picked, g_hash_table_unref);
  g_clear_pointer (&self->bindings, g_ptr_array_unref);
  g_clear_pointer (&self->interrupted, sp_store_batch_free);
  g_clear_pointer (&self->report_ids, g_array_unref);
  g_clear_pointer (&self->report_error_lines, g_array_unref);

  G_OBJECT_CLASS (sp_dataset_page_parent_class)->finalize (object);
}

static void
sp_dataset_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SpDatasetPage *self = SP_DATASET_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_TEMPLATE:
      g_value_set_object (value, self->template);
      break;
    case PROP_BATCH:
      g_value_set_object (value, self->batch);
      break;
    case PROP_OFFERS_RESUME:
      g_value_set_boolean (value, self->interrupted != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_dataset_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SpDatasetPage *self = SP_DATASET_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sp_dataset_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_TEMPLATE:
      sp_dataset_page_set_template (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_dataset_page_class_init (SpDatasetPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_dataset_page_dispose;
  object_class->finalize = sp_dataset_page_finalize;
  object_class->get_property = sp_dataset_page_get_property;
  object_class->set_property = sp_dataset_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEMPLATE] =
    g_param_spec_object ("template", NULL, NULL, SP_TYPE_TEMPLATE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BATCH] =
    g_param_spec_object ("batch", NULL, NULL, SP_TYPE_BATCH,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFERS_RESUME] =
    g_param_spec_boolean ("offers-resume", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-dataset-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, provider_row);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, model_row);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, count_spin);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, all_stories_row);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, all_stories_switch);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, stories_search);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, stories_view);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, rpm_spin);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, format_row);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, pair_row);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, skip_duplicates_switch);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, interrupted_revealer);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, interrupted_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, batch_title_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, batches_button);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, done_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, eta_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, tokens_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, cost_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, shown_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, examples_view);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, report_revealer);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, report_summary_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, check_progress);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, report_tokens_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, report_cost_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, report_warnings_label);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, report_errors_scrolled);
  gtk_widget_class_bind_template_child (widget_class, SpDatasetPage, report_errors_view);

  gtk_widget_class_install_action (widget_class, "dataset.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "dataset.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "dataset.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "dataset.show-batch", "x", show_batch_action);
  gtk_widget_class_install_action (widget_class, "dataset.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "dataset.retry-failed", NULL, retry_failed_action);
  gtk_widget_class_install_action (widget_class, "dataset.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "dataset.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "dataset.close-report", NULL, close_report_action);
  gtk_widget_class_install_action (widget_class, "dataset.add-story", NULL, add_story_action);
  gtk_widget_class_install_action (widget_class, "dataset.edit-story", "x", edit_story_action);
  gtk_widget_class_install_action (widget_class, "dataset.delete-story", "x", delete_story_action);
  gtk_widget_class_install_action (widget_class, "dataset.undo-delete-story", NULL, undo_delete_story_action);
  gtk_widget_class_install_action (widget_class, "dataset.import-stories", NULL, import_stories_action);
  gtk_widget_class_install_action (widget_class, "dataset.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "dataset.reject", "x", set_rejected_action);
  gtk_widget_class_install_action (widget_class, "dataset.restore", "x", set_rejected_action);
  gtk_widget_class_install_action (widget_class, "dataset.resume-interrupted", NULL, resume_interrupted_action);
  gtk_widget_class_install_action (widget_class, "dataset.discard-interrupted", NULL, discard_interrupted_action);
}

static void
init_stories_view (SpDatasetPage *self)
{
  GtkExpression *title = gtk_property_expression_new (SP_TYPE_STORY, NULL, "title");
  GtkStringFilter *search = gtk_string_filter_new (title);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  self->picked = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->stories_filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (search));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->stories_filtered)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_story_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_story_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_story_row_cb), self);
  gtk_list_view_set_factory (self->stories_view, factory);
  gtk_list_view_set_model (self->stories_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (self->stories_search, "search-changed", G_CALLBACK (stories_search_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->all_stories_switch, "notify::active", G_CALLBACK (update_stories_subtitle),
                           self, G_CONNECT_SWAPPED);
  set_stories (self, NULL);
}

static void
init_examples_view (SpDatasetPage *self)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  self->examples = g_list_store_new (SP_TYPE_EXAMPLE);
  self->filter = gtk_custom_filter_new (filter_example_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->examples)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->examples_view, GTK_SELECTION_MODEL (selection));
  build_columns (self);
  g_signal_connect_object (self->examples_view, "activate", G_CALLBACK (example_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_dropdown, "notify::selected", G_CALLBACK (filter_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_object_bind_property_full (self->filtered, "n-items", self->shown_label, "label",
                               G_BINDING_SYNC_CREATE, shown_text_cb, NULL, NULL, NULL);
}

static void
init_report_view (SpDatasetPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  self->report_errors = gtk_string_list_new (NULL);
  self->report_error_lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->report_errors)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_report_error_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_report_error_cb), NULL);
  gtk_list_view_set_factory (self->report_errors_view, factory);
  gtk_list_view_set_model (self->report_errors_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (self->report_errors_view, "activate", G_CALLBACK (report_error_activated_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
sp_dataset_page_init (SpDatasetPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->bindings = g_ptr_array_new ();
  self->batches_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->batches_button, G_MENU_MODEL (self->batches_menu));
  gtk_spin_button_set_value (self->count_spin, DEFAULT_COUNT);
  gtk_spin_button_set_value (self->concurrency_spin, SP_BATCH_DEFAULT_CONCURRENCY);
  gtk_spin_button_set_range (self->concurrency_spin, 1, SP_BATCH_MAX_CONCURRENCY);

  self->model_picker = sp_model_picker_new (self->provider_row, self->model_row, NULL);

  init_stories_view (self);
  init_examples_view (self);
  init_report_view (self);
  g_signal_connect_object (self->pair_row, "notify::selected", G_CALLBACK (pair_mode_selected_cb),
                           self, G_CONNECT_SWAPPED);
  update_actions (self);
}

void
sp_dataset_page_setup (SpDatasetPage  *self,
                       SpStore        *store,
                       SpProviderList *providers,
                       SpSecrets      *secrets,
                       GSettings      *settings,
                       SpTemplate     *template)
{
  g_autofree char *provider_id = NULL;
  g_autofree char *model = NULL;

  g_return_if_fail (SP_IS_DATASET_PAGE (self));
  g_return_if_fail (store == NULL || SP_IS_STORE (store));
  g_return_if_fail (SP_IS_PROVIDER_LIST (providers));
  g_return_if_fail (SP_IS_SECRETS (secrets));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (template == NULL || SP_IS_TEMPLATE (template));

  g_set_object (&self->secrets, secrets);
  g_set_object (&self->settings, settings);

  /* Start from the Prompt page's choice, without writing it back: the two
   * pages may use different models. */
  provider_id = g_settings_get_string (settings, "provider");
  sp_model_picker_setup (self->model_picker, G_LIST_MODEL (providers), secrets, provider_id);
  model = g_settings_get_string (settings, "model");
  sp_model_picker_set_model (self->model_picker, model);

  sp_dataset_page_set_template (self, template);
  sp_dataset_page_set_store (self, store);
}

SpStore *
sp_dataset_page_get_store (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  return self->store;
}

SpTemplate *
sp_dataset_page_get_template (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  return self->template;
}

SpBatch *
sp_dataset_page_get_batch (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  return self->batch;
}

gboolean
sp_dataset_page_get_offers_resume (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), FALSE);

  return self->interrupted != NULL;
}

GListModel *
sp_dataset_page_get_examples (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

SpExample *
sp_dataset_page_get_selected_example (SpDatasetPage *self)
{
  GtkSelectionModel *selection;

  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  selection = gtk_column_view_get_model (self->examples_view);
  return gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
}

GListModel *
sp_dataset_page_get_stories (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  return self->stories;
}

GMenuModel *
sp_dataset_page_get_batches (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  return G_MENU_MODEL (self->batches_menu);
}

SpJsonlReport *
sp_dataset_page_get_report (SpDatasetPage *self)
{
  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), NULL);

  return self->report;
}

/**
 * sp_dataset_page_set_store:
 *
 * The library the batches live in. The application opens it on a thread
 * after the window exists: bind its "store" property to this one. Loads
 * the stories and looks for a batch left unfinished.
 */
void
sp_dataset_page_set_store (SpDatasetPage *self,
                           SpStore       *store)
{
  g_return_if_fail (SP_IS_DATASET_PAGE (self));
  g_return_if_fail (store == NULL || SP_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  set_batch (self, NULL);
  set_interrupted (self, NULL);
  g_menu_remove_all (self->batches_menu);
  set_stories (self, NULL);
  if (store != NULL)
    {
      sp_store_list_stories_async (store, NULL, self->cancellable, stories_listed_cb, g_object_ref (self));
      self->open_newest = TRUE;
      refresh_batches (self);
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
sp_dataset_page_set_template (SpDatasetPage *self,
                              SpTemplate    *template)
{
  g_return_if_fail (SP_IS_DATASET_PAGE (self));
  g_return_if_fail (template == NULL || SP_IS_TEMPLATE (template));

  if (!g_set_object (&self->template, template))
    return;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE]);
}

void
sp_dataset_page_set_count (SpDatasetPage *self,
                           guint          count)
{
  g_return_if_fail (SP_IS_DATASET_PAGE (self));

  gtk_spin_button_set_value (self->count_spin, count);
}

void
sp_dataset_page_set_concurrency (SpDatasetPage *self,
                                 guint          concurrency)
{
  g_return_if_fail (SP_IS_DATASET_PAGE (self));

  gtk_spin_button_set_value (self->concurrency_spin, concurrency);
}

void
sp_dataset_page_set_model (SpDatasetPage *self,
                           const char    *model)
{
  g_return_if_fail (SP_IS_DATASET_PAGE (self));

  sp_model_picker_set_model (self->model_picker, model);
}

void
sp_dataset_page_select_provider (SpDatasetPage *self,
                                 const char    *provider_id)
{
  g_return_if_fail (SP_IS_DATASET_PAGE (self));

  sp_model_picker_select_provider (self->model_picker, provider_id);
}

void
sp_dataset_page_set_filter (SpDatasetPage   *self,
                            SpDatasetFilter  filter)
{
  g_return_if_fail (SP_IS_DATASET_PAGE (self));
  g_return_if_fail (filter <= SP_DATASET_FILTER_DUPLICATES);

  if (gtk_drop_down_get_selected (self->filter_dropdown) != filter)
    gtk_drop_down_set_selected (self->filter_dropdown, filter);
  if (self->filter_kind == filter)
    return;
  self->filter_kind = filter;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

void
sp_dataset_page_start (SpDatasetPage *self)
{
  g_autoptr(GError) error = NULL;
  Launch *launch;

  g_return_if_fail (SP_IS_DATASET_PAGE (self));

  if (self->launching || batch_is_active (self))
    return;
  if (self->store == NULL)
    {
      show_error (self, _("The library is still opening. Try again in a moment."));
      return;
    }
  if (self->template == NULL || !sp_template_validate (self->template, &error))
    {
      show_error (self, error != NULL ? error->message : _("There is no template yet."));
      return;
    }
  if (!gtk_switch_get_active (self->all_stories_switch) && g_hash_table_size (self->picked) == 0)
    {
      show_error (self, _("Pick at least one story, or use all stories."));
      return;
    }
  launch = launch_new (self);
  if (launch == NULL)
    return;
  set_launching (self, TRUE);
  gtk_label_set_text (self->state_label, _("Preparing the batch…"));
  if (sp_provider_get_kind (launch->provider) == SP_PROVIDER_KIND_OFFLINE)
    launch_go (launch);
  else
    estimate_and_confirm (launch);
}

void
sp_dataset_page_export_async (SpDatasetPage       *self,
                              GFile               *file,
                              SpExportFormat       format,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SP_IS_DATASET_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_dataset_page_export_async);
  path = g_file_get_path (file);
  if (self->batch == NULL || path == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT, "%s",
                               self->batch == NULL ? _("There is no batch to export yet.")
                                                   : _("Choose a file on this computer."));
      return;
    }
  g_task_set_task_data (task, g_strdup (path), g_free);
  sp_batch_export_async (self->batch, path, format, NULL,
                         gtk_switch_get_active (self->skip_duplicates_switch),
                         cancellable, exported_cb, g_steal_pointer (&task));
}

guint
sp_dataset_page_export_finish (SpDatasetPage  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return (guint) g_task_propagate_int (G_TASK (result), error);
}

void
sp_dataset_page_check_training_set_async (SpDatasetPage       *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  CheckData *data;

  g_return_if_fail (SP_IS_DATASET_PAGE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_dataset_page_check_training_set_async);
  if (self->batch == NULL || batch_is_active (self) || self->check_cancellable != NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT, "%s",
                               self->batch == NULL ? _("There is no batch to check yet.")
                                                   : _("Wait for the batch to stop, then check it."));
      return;
    }
  /* Closing the report or another batch cancels the check. */
  self->check_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                           g_object_ref (self->check_cancellable), g_object_unref);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (CheckData, 1);
  data->cancellable = g_object_ref (self->check_cancellable);
  name = g_strdup_printf ("starprompt-check-%lld-%08x.jsonl",
                          (long long) sp_batch_get_id (self->batch), g_random_int ());
  data->path = g_build_filename (g_get_tmp_dir (), name, NULL);
  data->model = g_strdup (sp_batch_get_model (self->batch));
  data->format = get_format (self);
  data->skip_duplicates = gtk_switch_get_active (self->skip_duplicates_switch);
  data->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  set_checking (self, TRUE);
  sp_batch_list_examples_async (self->batch, SP_EXAMPLE_STATUS_DONE, self->check_cancellable,
                                check_listed_cb, g_steal_pointer (&task));
}

SpJsonlReport *
sp_dataset_page_check_training_set_finish (SpDatasetPage  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sp_dataset_page_activate_report_error (SpDatasetPage *self,
                                       guint          index)
{
  guint64 line;

  g_return_val_if_fail (SP_IS_DATASET_PAGE (self), FALSE);

  if (self->report_ids == NULL || index >= self->report_error_lines->len)
    return FALSE;
  /* Line N of the export is the N-th exported example. */
  line = g_array_index (self->report_error_lines, guint64, index);
  if (line == 0 || line > self->report_ids->len)
    return FALSE;
  return select_example (self, g_array_index (self->report_ids, gint64, line - 1));
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpDatasetPage *self = SP_DATASET_PAGE (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      g_task_return_error (task, error);
      return;
    }
  import_done (self, g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

void
sp_dataset_page_import_stories_async (SpDatasetPage       *self,
                                      GListModel          *files,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread = NULL;
  ImportData *data;

  g_return_if_fail (SP_IS_DATASET_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_dataset_page_import_stories_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT, "%s",
                               _("The library is still opening. Try again in a moment."));
      return;
    }
  data = g_new0 (ImportData, 1);
  data->store = g_object_ref (self->store);
  data->paths = g_ptr_array_new_with_free_func (g_free);
  data->problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      char *path = g_file_get_path (file);

      if (path != NULL)
        g_ptr_array_add (data->paths, path);
    }
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  /* The files are read and the rows written off the main thread. */
  thread = g_task_new (self, cancellable, imported_cb, g_steal_pointer (&task));
  g_task_set_task_data (thread, data, NULL);
  g_task_run_in_thread (thread, import_thread);
}

guint
sp_dataset_page_import_stories_finish (SpDatasetPage   *self,
                                       GAsyncResult    *result,
                                       char          ***problems,
                                       GError         **error)
{
  ImportData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  data = g_task_get_task_data (G_TASK (result));
  if (problems != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < data->problems->len; i++)
        g_strv_builder_add (builder, g_ptr_array_index (data->problems, i));
      *problems = g_strv_builder_end (builder);
    }
  return data->n_added;
}
