// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-pricing-window"

#include "config.h"

#include "sp-pricing-window.h"

#include <math.h>
#include <glib/gi18n.h>

#define MAX_EPOCHS    25
#define DEFAULT_CALLS 1000

struct _SpPricingWindow
{
  AdwWindow          parent_instance;

  /* Template children */
  AdwComboRow       *sheet_row;
  AdwExpanderRow    *source_row;
  GtkLabel          *source_label;
  AdwComboRow       *model_row;
  GtkSpinButton     *training_tokens_spin;
  AdwComboRow       *epochs_row;
  AdwActionRow      *examples_row;
  GtkSpinButton     *examples_spin;
  AdwComboRow       *base_model_row;
  GtkSpinButton     *base_prompt_spin;
  GtkSpinButton     *base_completion_spin;
  GtkSpinButton     *tuned_prompt_spin;
  GtkSpinButton     *tuned_completion_spin;
  GtkSpinButton     *calls_spin;
  AdwActionRow      *batch_row;
  GtkSwitch         *batch_switch;
  GtkLabel          *verdict_label;
  GtkLabel          *error_label;
  AdwActionRow      *training_row;
  GtkLabel          *training_cost_label;
  AdwActionRow      *base_row;
  GtkLabel          *base_per_call_label;
  AdwActionRow      *tuned_row;
  GtkLabel          *tuned_per_call_label;
  AdwActionRow      *break_even_row;
  GtkLabel          *break_even_label;
  SpCostChart       *chart;
  GtkLabel          *date_note_label;

  GListModel        *sheets;
  SpPriceSheet      *sheet;
  GtkStringList     *models;
  GtkStringList     *base_models;
  char              *last_model;

  /* While above zero, changes to the inputs do not recompute: the window
   * is changing several of them at once. */
  guint              freeze;
};

G_DEFINE_FINAL_TYPE (SpPricingWindow, sp_pricing_window, ADW_TYPE_WINDOW)

/* Formatting */

/* "$45.00" for dollars, "45.00 EUR" for any other currency. */
static char *
format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

static char *
sheet_display_name (SpPriceSheet *sheet,
                    gpointer      user_data)
{
  if (sheet == NULL)
    return NULL;
  if (sp_price_sheet_get_edited (sheet))
    /* Translators: a price sheet: its name, then its date. */
    return g_strdup_printf (_("%s · dated %s · edited"),
                            sp_price_sheet_get_name (sheet), sp_price_sheet_get_date (sheet));
  return g_strdup_printf (_("%s · dated %s"),
                          sp_price_sheet_get_name (sheet), sp_price_sheet_get_date (sheet));
}

/* Lists of models */

static const char *
selected_string (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static gboolean
select_string (AdwComboRow *row,
               const char  *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), text))
        {
          adw_combo_row_set_selected (row, i);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
can_fine_tune (SpPriceSheet *sheet,
               const char   *model)
{
  SpModelPrice price;

  return sp_price_sheet_lookup (sheet, model, &price, NULL, NULL) &&
         sp_model_price_can_fine_tune (&price);
}

static void
replace_strings (GtkStringList *list,
                 const char    *const *strings)
{
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), strings);
}

/* Fills both model lists from the sheet, keeping the chosen models when the
 * sheet has them. */
static void
fill_models (SpPricingWindow *self)
{
  g_auto(GStrv) ids = sp_price_sheet_dup_model_ids (self->sheet);
  g_autoptr(GPtrArray) tunable = g_ptr_array_new ();
  g_autofree char *model = g_strdup (selected_string (self->model_row));
  g_autofree char *base_model = g_strdup (selected_string (self->base_model_row));

  for (guint i = 0; ids[i] != NULL; i++)
    if (can_fine_tune (self->sheet, ids[i]))
      g_ptr_array_add (tunable, ids[i]);
  g_ptr_array_add (tunable, NULL);

  replace_strings (self->models, (const char * const *) tunable->pdata);
  replace_strings (self->base_models, (const char * const *) ids);

  if (!select_string (self->model_row, model))
    adw_combo_row_set_selected (self->model_row, 0);
  if (!select_string (self->base_model_row, base_model) &&
      !select_string (self->base_model_row, selected_string (self->model_row)))
    adw_combo_row_set_selected (self->base_model_row, 0);
}

/* Results */

static guint
selected_epochs (SpPricingWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->epochs_row);

  return selected == GTK_INVALID_LIST_POSITION ? 0 : selected;
}

static guint64
spin_value (GtkSpinButton *spin)
{
  return (guint64) llround (gtk_spin_button_get_value (spin));
}

static void
clear_results (SpPricingWindow *self,
               const char      *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_label_set_text (self->verdict_label, _("No estimate"));
  gtk_label_set_text (self->training_cost_label, "");
  gtk_label_set_text (self->base_per_call_label, "");
  gtk_label_set_text (self->tuned_per_call_label, "");
  gtk_label_set_text (self->break_even_label, "");
  adw_action_row_set_subtitle (self->training_row, "");
  adw_action_row_set_subtitle (self->base_row, "");
  adw_action_row_set_subtitle (self->tuned_row, "");
  adw_action_row_set_subtitle (self->break_even_row, "");
  sp_cost_chart_set_estimate (self->chart, NULL, NULL);
}

static gboolean
lookup_prices (SpPricingWindow  *self,
               const char       *model,
               const char       *base_model,
               SpModelPrice     *tuned_price,
               SpModelPrice     *base_price,
               GError          **error)
{
  if (model == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                           _("This price sheet has no model that can be fine-tuned. Pick another sheet."));
      return FALSE;
    }
  if (!sp_price_sheet_lookup (self->sheet, model, tuned_price, NULL, NULL) ||
      base_model == NULL ||
      !sp_price_sheet_lookup (self->sheet, base_model, base_price, NULL, NULL))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("The price sheet “%s” has no price for this model. Pick another model or sheet."),
                   sp_price_sheet_get_name (self->sheet));
      return FALSE;
    }
  return TRUE;
}

static void
read_input (SpPricingWindow *self,
            SpCostInput     *input)
{
  input->training_tokens = spin_value (self->training_tokens_spin);
  input->epochs = selected_epochs (self);
  input->n_examples = spin_value (self->examples_spin);
  input->base_prompt_tokens = spin_value (self->base_prompt_spin);
  input->base_completion_tokens = spin_value (self->base_completion_spin);
  input->tuned_prompt_tokens = spin_value (self->tuned_prompt_spin);
  input->tuned_completion_tokens = spin_value (self->tuned_completion_spin);
  input->calls = spin_value (self->calls_spin);
  input->batch = gtk_switch_get_active (self->batch_switch) &&
                 gtk_widget_get_sensitive (GTK_WIDGET (self->batch_row));
}

static void
show_epochs (SpPricingWindow       *self,
             const SpCostInput     *input,
             const SpCostEstimate  *estimate)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *examples = format_count (input->n_examples);

  gtk_widget_set_sensitive (GTK_WIDGET (self->examples_row), estimate->epochs_auto);
  if (!estimate->epochs_auto)
    subtitle = g_strdup ("");
  else if (input->n_examples > 0)
    subtitle = g_strdup_printf (ngettext ("%u epoch by OpenAI’s rule for %s examples",
                                          "%u epochs by OpenAI’s rule for %s examples",
                                          estimate->epochs),
                                estimate->epochs, examples);
  else
    subtitle = g_strdup_printf (ngettext ("%u epoch; give the number of examples for OpenAI’s rule",
                                          "%u epochs; give the number of examples for OpenAI’s rule",
                                          estimate->epochs),
                                estimate->epochs);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->epochs_row), subtitle);
}

static void
show_batch (SpPricingWindow    *self,
            const SpModelPrice *tuned_price,
            const SpModelPrice *base_price)
{
  guint discount = MAX (tuned_price->batch_discount_percent, base_price->batch_discount_percent);
  g_autofree char *subtitle = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->batch_row), discount > 0);
  if (discount > 0)
    /* Translators: %u is a percentage. */
    subtitle = g_strdup_printf (_("Calls cost %u %% less"), discount);
  else
    subtitle = g_strdup (_("No Batch API discount on this sheet"));
  adw_action_row_set_subtitle (self->batch_row, subtitle);
}

static void
show_training (SpPricingWindow      *self,
               const SpModelPrice   *tuned_price,
               const SpCostInput    *input,
               const SpCostEstimate *estimate)
{
  g_autofree char *cost = sp_price_sheet_format_amount (self->sheet, estimate->training, 2);
  g_autofree char *tokens = format_count (input->training_tokens);
  g_autofree char *price = sp_price_sheet_format_unit_price (self->sheet, tuned_price->training);
  g_autofree char *subtitle = NULL;

  subtitle = g_strdup_printf (ngettext ("%s tokens × %u epoch at %s",
                                        "%s tokens × %u epochs at %s",
                                        estimate->epochs),
                              tokens, estimate->epochs, price);
  gtk_label_set_text (self->training_cost_label, cost);
  adw_action_row_set_subtitle (self->training_row, subtitle);
}

static void
show_calls (SpPricingWindow      *self,
            const char           *model,
            const char           *base_model,
            const SpCostInput    *input,
            const SpCostEstimate *estimate)
{
  g_autofree char *base = sp_price_sheet_format_amount (self->sheet, estimate->base_per_call, 8);
  g_autofree char *tuned = sp_price_sheet_format_amount (self->sheet, estimate->tuned_per_call, 8);
  g_autofree char *base_total = sp_price_sheet_format_amount (self->sheet, estimate->base_total, 2);
  g_autofree char *tuned_total = sp_price_sheet_format_amount (self->sheet, estimate->tuned_total, 2);
  g_autofree char *calls = format_count (input->calls);
  g_autofree char *base_prompt = format_count (input->base_prompt_tokens);
  g_autofree char *base_completion = format_count (input->base_completion_tokens);
  g_autofree char *tuned_prompt = format_count (input->tuned_prompt_tokens);
  g_autofree char *tuned_completion = format_count (input->tuned_completion_tokens);
  g_autofree char *base_subtitle = NULL;
  g_autofree char *tuned_subtitle = NULL;

  /* Translators: "davinci, 1,200 + 100 tokens · $22.00 after 1,000 calls". */
  base_subtitle = g_strdup_printf (_("%s, %s + %s tokens · %s after %s calls"),
                                   base_model, base_prompt, base_completion, base_total, calls);
  tuned_subtitle = g_strdup_printf (_("Fine-tuned %s, %s + %s tokens · %s after %s calls, training included"),
                                    model, tuned_prompt, tuned_completion, tuned_total, calls);
  gtk_label_set_text (self->base_per_call_label, base);
  gtk_label_set_text (self->tuned_per_call_label, tuned);
  adw_action_row_set_subtitle (self->base_row, base_subtitle);
  adw_action_row_set_subtitle (self->tuned_row, tuned_subtitle);
}

static void
show_break_even (SpPricingWindow      *self,
                 const SpCostEstimate *estimate)
{
  g_autofree char *value = NULL;
  g_autofree char *verdict = NULL;
  const char *subtitle;

  if (estimate->break_even_calls == SP_COST_NEVER)
    {
      value = g_strdup (_("Never"));
      verdict = g_strdup (_("Fine-tuning never pays"));
      subtitle = _("A call to the fine-tuned model does not cost less than a call to the base model");
    }
  else
    {
      g_autofree char *calls = format_count ((guint64) estimate->break_even_calls);

      value = g_strdup_printf (ngettext ("After %s call", "After %s calls",
                                         (gulong) estimate->break_even_calls), calls);
      verdict = g_strdup_printf (ngettext ("Fine-tuning pays after %s call",
                                           "Fine-tuning pays after %s calls",
                                           (gulong) estimate->break_even_calls), calls);
      subtitle = _("From then on, the fine-tuned model has cost less in all, training included");
    }
  gtk_label_set_text (self->break_even_label, value);
  gtk_label_set_text (self->verdict_label, verdict);
  adw_action_row_set_subtitle (self->break_even_row, subtitle);
}

static void
recompute (SpPricingWindow *self)
{
  const char *model = selected_string (self->model_row);
  const char *base_model = selected_string (self->base_model_row);
  SpModelPrice tuned_price;
  SpModelPrice base_price;
  SpCostInput input = { 0 };
  SpCostEstimate estimate;
  g_autoptr(GError) error = NULL;

  if (self->freeze > 0 || self->sheet == NULL)
    return;

  if (!lookup_prices (self, model, base_model, &tuned_price, &base_price, &error))
    {
      clear_results (self, error->message);
      return;
    }
  show_batch (self, &tuned_price, &base_price);
  read_input (self, &input);
  if (!sp_cost_estimate_compute (&base_price, &tuned_price, &input, &estimate, &error))
    {
      clear_results (self, error->message);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  show_epochs (self, &input, &estimate);
  show_training (self, &tuned_price, &input, &estimate);
  show_calls (self, model, base_model, &input, &estimate);
  show_break_even (self, &estimate);
  sp_cost_chart_set_estimate (self->chart, &estimate, sp_price_sheet_get_currency (self->sheet));
}

static void
show_sheet (SpPricingWindow *self)
{
  const char *date = sp_price_sheet_get_date (self->sheet);
  g_autofree char *subtitle = NULL;
  g_autofree char *note = NULL;

  /* Translators: %s is a date such as 2023-01-31. */
  subtitle = g_strdup_printf (_("Prices of %s, not necessarily today’s"), date);
  adw_expander_row_set_subtitle (self->source_row, subtitle);
  gtk_label_set_text (self->source_label, sp_price_sheet_get_source (self->sheet));

  if (sp_price_sheet_get_edited (self->sheet))
    note = g_strdup_printf (_("Prices of “%s”, dated %s, with your changes. Prices change: check your provider’s page before you spend."),
                            sp_price_sheet_get_name (self->sheet), date);
  else
    note = g_strdup_printf (_("Prices of “%s”, dated %s. Prices change: check your provider’s page before you spend."),
                            sp_price_sheet_get_name (self->sheet), date);
  gtk_label_set_text (self->date_note_label, note);
}

/* Callbacks */

static void
sheet_selected_cb (SpPricingWindow *self)
{
  SpPriceSheet *sheet = adw_combo_row_get_selected_item (self->sheet_row);

  if (sheet == NULL || sheet == self->sheet)
    return;
  g_set_object (&self->sheet, sheet);

  self->freeze++;
  fill_models (self);
  show_sheet (self);
  self->freeze--;
  recompute (self);
}

static void
model_selected_cb (SpPricingWindow *self)
{
  const char *model = selected_string (self->model_row);

  /* The base model follows the model to fine-tune until the user picks
   * another one. */
  self->freeze++;
  if (g_strcmp0 (selected_string (self->base_model_row), self->last_model) == 0)
    select_string (self->base_model_row, model);
  g_free (self->last_model);
  self->last_model = g_strdup (model);
  self->freeze--;
  recompute (self);
}

static void
base_model_selected_cb (SpPricingWindow *self)
{
  recompute (self);
}

static void
input_changed_cb (SpPricingWindow *self)
{
  recompute (self);
}

/* Counts are shown with the locale's digit grouping, "1,500,000". */
static gboolean
spin_output_cb (GtkSpinButton *spin)
{
  g_autofree char *text = format_count (spin_value (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
spin_input_cb (GtkSpinButton *spin,
               double        *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  g_autoptr(GString) digits = g_string_new (NULL);
  guint64 number;

  /* Whole numbers only: anything but a digit is a group separator. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (!g_ascii_string_to_unsigned (digits->str, 10, 0, G_MAXUINT64, &number, NULL))
    return GTK_INPUT_ERROR;
  *value = (double) number;
  return TRUE;
}

static void
fill_epochs (SpPricingWindow *self)
{
  g_autoptr(GtkStringList) epochs = gtk_string_list_new (NULL);

  gtk_string_list_append (epochs, _("Automatic"));
  for (guint i = 1; i <= MAX_EPOCHS; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u", i);

      gtk_string_list_append (epochs, text);
    }
  adw_combo_row_set_model (self->epochs_row, G_LIST_MODEL (epochs));
}

static void
sp_pricing_window_dispose (GObject *object)
{
  SpPricingWindow *self = SP_PRICING_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_PRICING_WINDOW);
  g_clear_object (&self->sheet);
  g_clear_object (&self->sheets);
  g_clear_object (&self->models);
  g_clear_object (&self->base_models);

  G_OBJECT_CLASS (sp_pricing_window_parent_class)->dispose (object);
}

static void
sp_pricing_window_finalize (GObject *object)
{
  SpPricingWindow *self = SP_PRICING_WINDOW (object);

  g_clear_pointer (&self->last_model, g_free);

  G_OBJECT_CLASS (sp_pricing_window_parent_class)->finalize (object);
}

static void
sp_pricing_window_class_init (SpPricingWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_pricing_window_dispose;
  object_class->finalize = sp_pricing_window_finalize;

  g_type_ensure (SP_TYPE_COST_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/starprompt/Starprompt/ui/sp-pricing-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, sheet_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, source_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, source_label);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, training_tokens_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, epochs_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, examples_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, examples_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, base_model_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, base_prompt_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, base_completion_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, tuned_prompt_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, tuned_completion_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, calls_spin);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, batch_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, batch_switch);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, training_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, training_cost_label);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, base_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, base_per_call_label);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, tuned_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, tuned_per_call_label);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, break_even_row);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, break_even_label);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, chart);
  gtk_widget_class_bind_template_child (widget_class, SpPricingWindow, date_note_label);
  gtk_widget_class_bind_template_callback (widget_class, sheet_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, base_model_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, input_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, spin_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, spin_input_cb);
}

static void
sp_pricing_window_init (SpPricingWindow *self)
{
  g_autoptr(GtkExpression) sheet_name = NULL;

  self->freeze++;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->models = gtk_string_list_new (NULL);
  self->base_models = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (self->models));
  adw_combo_row_set_model (self->base_model_row, G_LIST_MODEL (self->base_models));
  fill_epochs (self);
  gtk_spin_button_set_value (self->calls_spin, DEFAULT_CALLS);

  sheet_name = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (sheet_display_name), NULL, NULL);
  adw_combo_row_set_expression (self->sheet_row, sheet_name);
  self->sheets = sp_price_sheet_list ();
  adw_combo_row_set_model (self->sheet_row, self->sheets);
  self->freeze--;

  /* Setting the model selected the first sheet, while frozen. */
  recompute (self);
}

/* Public API */

SpPricingWindow *
sp_pricing_window_new (void)
{
  return g_object_new (SP_TYPE_PRICING_WINDOW, NULL);
}

static gboolean
sheet_prices (SpPriceSheet *sheet,
              const char   *model,
              gboolean      need_fine_tuning)
{
  SpModelPrice price;

  if (!sp_price_sheet_lookup (sheet, model, &price, NULL, NULL))
    return FALSE;
  return !need_fine_tuning || sp_model_price_can_fine_tune (&price);
}

/* The position of the sheet to price @model with: the selected sheet when
 * it can, else the newest that can, fine-tuning prices first. */
static guint
find_sheet_for_model (SpPricingWindow *self,
                      const char      *model)
{
  guint n_sheets = g_list_model_get_n_items (self->sheets);

  for (int need_fine_tuning = TRUE; need_fine_tuning >= FALSE; need_fine_tuning--)
    {
      if (self->sheet != NULL && sheet_prices (self->sheet, model, need_fine_tuning))
        return adw_combo_row_get_selected (self->sheet_row);
      for (guint i = 0; i < n_sheets; i++)
        {
          g_autoptr(SpPriceSheet) sheet = g_list_model_get_item (self->sheets, i);

          if (sheet_prices (sheet, model, need_fine_tuning))
            return i;
        }
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
select_models_for (SpPricingWindow *self,
                   const char      *model)
{
  g_autofree char *base_id = NULL;
  SpModelPrice price;

  if (!sp_price_sheet_lookup (self->sheet, model, &price, &base_id, NULL))
    return;
  if (sp_model_price_can_fine_tune (&price))
    select_string (self->model_row, base_id);
  select_string (self->base_model_row, base_id);
}

void
sp_pricing_window_prefill (SpPricingWindow *self,
                           const char      *model,
                           guint64          full_prompt_tokens,
                           guint64          short_prompt_tokens,
                           guint64          completion_tokens,
                           guint64          training_tokens,
                           guint            n_examples)
{
  guint position;

  g_return_if_fail (SP_IS_PRICING_WINDOW (self));

  self->freeze++;
  if (model != NULL && *model != '\0')
    {
      position = find_sheet_for_model (self, model);
      if (position != GTK_INVALID_LIST_POSITION)
        {
          adw_combo_row_set_selected (self->sheet_row, position);
          sheet_selected_cb (self);
          select_models_for (self, model);
        }
    }
  gtk_spin_button_set_value (self->base_prompt_spin, (double) full_prompt_tokens);
  gtk_spin_button_set_value (self->tuned_prompt_spin, (double) short_prompt_tokens);
  gtk_spin_button_set_value (self->base_completion_spin, (double) completion_tokens);
  gtk_spin_button_set_value (self->tuned_completion_spin, (double) completion_tokens);
  gtk_spin_button_set_value (self->training_tokens_spin, (double) training_tokens);
  gtk_spin_button_set_value (self->examples_spin, (double) n_examples);
  adw_combo_row_set_selected (self->epochs_row, 0);
  self->freeze--;
  recompute (self);
}

SpCostChart *
sp_pricing_window_get_chart (SpPricingWindow *self)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), NULL);

  return self->chart;
}

char *
sp_pricing_window_dup_training_cost_text (SpPricingWindow *self)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), NULL);

  return g_strdup (gtk_label_get_text (self->training_cost_label));
}

char *
sp_pricing_window_dup_base_per_call_text (SpPricingWindow *self)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), NULL);

  return g_strdup (gtk_label_get_text (self->base_per_call_label));
}

char *
sp_pricing_window_dup_tuned_per_call_text (SpPricingWindow *self)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), NULL);

  return g_strdup (gtk_label_get_text (self->tuned_per_call_label));
}

char *
sp_pricing_window_dup_break_even_text (SpPricingWindow *self)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), NULL);

  return g_strdup (gtk_label_get_text (self->break_even_label));
}

char *
sp_pricing_window_dup_error_text (SpPricingWindow *self)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return g_strdup (gtk_label_get_text (self->error_label));
}

gboolean
sp_pricing_window_select_sheet (SpPricingWindow *self,
                                const char      *sheet_id)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), FALSE);
  g_return_val_if_fail (sheet_id != NULL, FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (self->sheets); i++)
    {
      g_autoptr(SpPriceSheet) sheet = g_list_model_get_item (self->sheets, i);

      if (g_str_equal (sp_price_sheet_get_id (sheet), sheet_id))
        {
          adw_combo_row_set_selected (self->sheet_row, i);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
sp_pricing_window_select_model (SpPricingWindow *self,
                                const char      *model)
{
  g_return_val_if_fail (SP_IS_PRICING_WINDOW (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  return select_string (self->model_row, model);
}

void
sp_pricing_window_set_training_tokens (SpPricingWindow *self,
                                       guint64          training_tokens)
{
  g_return_if_fail (SP_IS_PRICING_WINDOW (self));

  gtk_spin_button_set_value (self->training_tokens_spin, (double) training_tokens);
}

void
sp_pricing_window_set_epochs (SpPricingWindow *self,
                              guint            epochs)
{
  g_return_if_fail (SP_IS_PRICING_WINDOW (self));
  g_return_if_fail (epochs <= MAX_EPOCHS);

  adw_combo_row_set_selected (self->epochs_row, epochs);
}
