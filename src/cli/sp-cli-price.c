// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "sp-cli.h"
#include "sp-cost-estimate.h"
#include "sp-price-sheet.h"

#define NOT_GIVEN       ((gint64) -1)
#define DEFAULT_CALLS   1000
#define MAX_EPOCHS      1000

typedef struct
{
  char        *model;
  char        *base_model;
  char        *sheet;
  char        *epochs;
  gint64       training_tokens;
  gint64       examples;
  gint64       calls;
  gint64       prompt_tokens;
  gint64       completion_tokens;
  gint64       short_prompt_tokens;
  gboolean     batch;
  gboolean     list_sheets;
  gboolean     json;
} PriceOptions;

static void
price_options_clear (PriceOptions *options)
{
  g_clear_pointer (&options->model, g_free);
  g_clear_pointer (&options->base_model, g_free);
  g_clear_pointer (&options->sheet, g_free);
  g_clear_pointer (&options->epochs, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PriceOptions, price_options_clear)

/* "$45.00" for dollars, "45.00 EUR" for any other currency. */
static gboolean
parse_epochs (const char *text,
              guint      *epochs)
{
  guint64 value;

  if (text == NULL || g_str_equal (text, "auto"))
    {
      *epochs = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_EPOCHS, &value, NULL))
    return FALSE;
  *epochs = (guint) value;
  return TRUE;
}

static gboolean
check_counts (const PriceOptions *options)
{
  const struct { const char *name; gint64 value; } counts[] = {
    { "--training-tokens", options->training_tokens },
    { "--examples", options->examples },
    { "--calls", options->calls },
    { "--prompt-tokens", options->prompt_tokens },
    { "--completion-tokens", options->completion_tokens },
    { "--short-prompt-tokens", options->short_prompt_tokens },
  };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (counts[i].value < 0 && counts[i].value != NOT_GIVEN)
      {
        sp_cli_usage_error (_("%s must be zero or more."), counts[i].name);
        return FALSE;
      }
  return TRUE;
}

static guint64
count_or (gint64  value,
          guint64 fallback)
{
  return value == NOT_GIVEN ? fallback : (guint64) value;
}

static void
add_money_member (JsonBuilder *builder,
                  const char  *member,
                  SpMoney      amount)
{
  g_autofree char *text = sp_money_format (amount, 2, 12);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

static void
add_unit_price_member (JsonBuilder  *builder,
                       SpPriceSheet *sheet,
                       const char   *member,
                       SpMoney       price)
{
  add_money_member (builder, member, price * sp_price_sheet_get_per_tokens (sheet));
}

static void
add_int_member (JsonBuilder *builder,
                const char  *member,
                gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_option_object (JsonBuilder *builder,
                   const char  *member,
                   const char  *model,
                   guint64      prompt_tokens,
                   guint64      completion_tokens,
                   SpMoney      per_call,
                   SpMoney      total)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  add_int_member (builder, "prompt_tokens", (gint64) prompt_tokens);
  add_int_member (builder, "completion_tokens", (gint64) completion_tokens);
  add_money_member (builder, "cost_per_call", per_call);
  add_money_member (builder, "cost_after_calls", total);
  json_builder_end_object (builder);
}

static void
add_sheet_object (JsonBuilder  *builder,
                  SpPriceSheet *sheet)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, sp_price_sheet_get_id (sheet));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, sp_price_sheet_get_name (sheet));
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, sp_price_sheet_get_date (sheet));
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, sp_price_sheet_get_source (sheet));
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, sp_price_sheet_get_currency (sheet));
  add_int_member (builder, "per_tokens", sp_price_sheet_get_per_tokens (sheet));
  json_builder_set_member_name (builder, "builtin");
  json_builder_add_boolean_value (builder, sp_price_sheet_get_builtin (sheet));
  json_builder_set_member_name (builder, "edited");
  json_builder_add_boolean_value (builder, sp_price_sheet_get_edited (sheet));
  json_builder_end_object (builder);
}

static int
list_sheets (gboolean json)
{
  g_autoptr(GListModel) sheets = sp_price_sheet_list ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (sheets); i++)
    {
      g_autoptr(SpPriceSheet) sheet = g_list_model_get_item (sheets, i);

      if (json)
        {
          add_sheet_object (builder, sheet);
          continue;
        }
      g_print ("%-20s %s  %s%s\n",
               sp_price_sheet_get_id (sheet),
               sp_price_sheet_get_date (sheet),
               sp_price_sheet_get_name (sheet),
               sp_price_sheet_get_edited (sheet) ? _(" (edited)") : "");
    }
  json_builder_end_array (builder);

  if (json)
    {
      root = json_builder_get_root (builder);
      sp_cli_print_json (root);
    }
  return SP_CLI_EXIT_OK;
}

static void
print_json (SpPriceSheet         *sheet,
            const char           *model,
            const char           *base_model,
            const SpModelPrice   *tuned_price,
            const SpModelPrice   *base_price,
            const SpCostInput    *input,
            const SpCostEstimate *estimate)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sheet");
  add_sheet_object (builder, sheet);

  json_builder_set_member_name (builder, "prices");
  json_builder_begin_object (builder);
  add_int_member (builder, "per_tokens", sp_price_sheet_get_per_tokens (sheet));
  add_unit_price_member (builder, sheet, "base_input", base_price->input);
  add_unit_price_member (builder, sheet, "base_output", base_price->output);
  add_unit_price_member (builder, sheet, "training", tuned_price->training);
  add_unit_price_member (builder, sheet, "fine_tuned_input", tuned_price->fine_tuned_input);
  add_unit_price_member (builder, sheet, "fine_tuned_output", tuned_price->fine_tuned_output);
  add_int_member (builder, "batch_discount_percent",
                  input->batch ? tuned_price->batch_discount_percent : 0);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "training");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  add_int_member (builder, "tokens", (gint64) input->training_tokens);
  add_int_member (builder, "epochs", estimate->epochs);
  json_builder_set_member_name (builder, "epochs_auto");
  json_builder_add_boolean_value (builder, estimate->epochs_auto);
  json_builder_set_member_name (builder, "examples");
  if (input->n_examples > 0)
    json_builder_add_int_value (builder, (gint64) input->n_examples);
  else
    json_builder_add_null_value (builder);
  add_int_member (builder, "billed_tokens", (gint64) estimate->billed_training_tokens);
  add_money_member (builder, "cost", estimate->training);
  json_builder_end_object (builder);

  add_option_object (builder, "base", base_model,
                     input->base_prompt_tokens, input->base_completion_tokens,
                     estimate->base_per_call, estimate->base_total);
  add_option_object (builder, "fine_tuned", model,
                     input->tuned_prompt_tokens, input->tuned_completion_tokens,
                     estimate->tuned_per_call, estimate->tuned_total);

  add_int_member (builder, "calls", (gint64) estimate->calls);
  json_builder_set_member_name (builder, "batch");
  json_builder_add_boolean_value (builder, input->batch);
  json_builder_set_member_name (builder, "break_even_calls");
  if (estimate->break_even_calls == SP_COST_NEVER)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, estimate->break_even_calls);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  sp_cli_print_json (root);
}

static char *
format_count (guint64 count)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, count);
}

static void
print_words (SpPriceSheet         *sheet,
             const char           *model,
             const char           *base_model,
             const SpModelPrice   *tuned_price,
             const SpCostInput    *input,
             const SpCostEstimate *estimate)
{
  g_autofree char *training_price = sp_price_sheet_format_unit_price (sheet, tuned_price->training);
  g_autofree char *training = sp_price_sheet_format_amount (sheet, estimate->training, 2);
  g_autofree char *base_per_call = sp_price_sheet_format_amount (sheet, estimate->base_per_call, 8);
  g_autofree char *tuned_per_call = sp_price_sheet_format_amount (sheet, estimate->tuned_per_call, 8);
  g_autofree char *base_total = sp_price_sheet_format_amount (sheet, estimate->base_total, 2);
  g_autofree char *tuned_total = sp_price_sheet_format_amount (sheet, estimate->tuned_total, 2);
  g_autofree char *training_tokens = format_count (input->training_tokens);
  g_autofree char *base_prompt = format_count (input->base_prompt_tokens);
  g_autofree char *base_completion = format_count (input->base_completion_tokens);
  g_autofree char *tuned_prompt = format_count (input->tuned_prompt_tokens);
  g_autofree char *tuned_completion = format_count (input->tuned_completion_tokens);
  g_autofree char *calls = format_count (estimate->calls);
  g_autofree char *epochs = NULL;
  const char *epochs_note = "";

  epochs = g_strdup_printf (ngettext ("%u epoch", "%u epochs", estimate->epochs), estimate->epochs);
  if (estimate->epochs_auto)
    epochs_note = input->n_examples > 0 ? _(" (automatic)")
                                        : _(" (automatic; give --examples for OpenAI’s rule)");

  g_print (_("Price sheet:      %s, dated %s (%s)\n"),
           sp_price_sheet_get_name (sheet), sp_price_sheet_get_date (sheet),
           sp_price_sheet_get_id (sheet));
  g_print (_("Training:         %s tokens × %s%s at %s = %s\n"),
           training_tokens, epochs, epochs_note, training_price, training);
  g_print (_("Per call, base:   %s with the full prompt (%s + %s tokens) = %s\n"),
           base_model, base_prompt, base_completion, base_per_call);
  g_print (_("Per call, tuned:  fine-tuned %s with the short prompt (%s + %s tokens) = %s\n"),
           model, tuned_prompt, tuned_completion, tuned_per_call);
  if (input->batch)
    g_print (_("                  (calls through the Batch API)\n"));
  g_print (_("Cumulative:       after %s calls, base %s, fine-tuned %s (training included)\n"),
           calls, base_total, tuned_total);
  if (estimate->break_even_calls == SP_COST_NEVER)
    g_print (_("Break-even:       never: a call to the fine-tuned model does not cost less than a call to the base model\n"));
  else
    {
      g_autofree char *break_even = format_count ((guint64) estimate->break_even_calls);

      g_print (_("Break-even:       the fine-tuned model is cheaper from call %s on\n"), break_even);
    }
  g_print (_("These are the prices of %s, not necessarily today’s.\n"), sp_price_sheet_get_date (sheet));
}

static SpPriceSheet *
open_sheet (const char  *sheet_name,
            GError     **error)
{
  if (sheet_name != NULL)
    return sp_price_sheet_find (sheet_name, error);
  return sp_price_sheet_dup_default ();
}

static gboolean
lookup_model (SpPriceSheet  *sheet,
              const char    *model,
              SpModelPrice  *price,
              GError       **error)
{
  if (sp_price_sheet_lookup (sheet, model, price, NULL, NULL))
    return TRUE;

  g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
               _("The price sheet “%s” (%s) has no price for the model “%s”. Pick another sheet with --sheet, or a model of this sheet."),
               sp_price_sheet_get_name (sheet), sp_price_sheet_get_date (sheet), model);
  return FALSE;
}

static gboolean
check_can_fine_tune (SpPriceSheet        *sheet,
                     const char          *model,
                     const SpModelPrice  *price,
                     GError             **error)
{
  if (sp_model_price_can_fine_tune (price))
    return TRUE;

  g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
               _("The price sheet “%s” (%s) has no fine-tuning prices for “%s”. Give --model a model that can be fine-tuned, and --base-model the model to compare it with."),
               sp_price_sheet_get_name (sheet), sp_price_sheet_get_date (sheet), model);
  return FALSE;
}

int
sp_cli_price (int    argc,
              char **argv)
{
  g_auto(PriceOptions) options = {
    .training_tokens = NOT_GIVEN, .examples = NOT_GIVEN, .calls = NOT_GIVEN,
    .prompt_tokens = NOT_GIVEN, .completion_tokens = NOT_GIVEN,
    .short_prompt_tokens = NOT_GIVEN,
  };
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &options.model, N_("Model to fine-tune (or a fine-tuned model id)"), N_("M") },
    { "base-model", 0, 0, G_OPTION_ARG_STRING, &options.base_model, N_("Model the base option calls with the full prompt (default: the --model)"), N_("M") },
    { "sheet", 0, 0, G_OPTION_ARG_STRING, &options.sheet, N_("Price sheet id or JSON file (default: the newest built-in sheet)"), N_("NAME|FILE") },
    { "training-tokens", 0, 0, G_OPTION_ARG_INT64, &options.training_tokens, N_("Tokens in the training file, one epoch (default: 0)"), N_("N") },
    { "epochs", 0, 0, G_OPTION_ARG_STRING, &options.epochs, N_("Epochs, or “auto” for OpenAI’s rule (default: auto)"), N_("E|auto") },
    { "examples", 0, 0, G_OPTION_ARG_INT64, &options.examples, N_("Examples in the training file, for the automatic epochs"), N_("N") },
    { "calls", 0, 0, G_OPTION_ARG_INT64, &options.calls, N_("Calls to add up the cost of (default: 1000)"), N_("N") },
    { "prompt-tokens", 0, 0, G_OPTION_ARG_INT64, &options.prompt_tokens, N_("Prompt tokens of a base call, full few-shot prompt (default: 0)"), N_("P") },
    { "completion-tokens", 0, 0, G_OPTION_ARG_INT64, &options.completion_tokens, N_("Completion tokens of a call, both options (default: 0)"), N_("C") },
    { "short-prompt-tokens", 0, 0, G_OPTION_ARG_INT64, &options.short_prompt_tokens, N_("Prompt tokens of a fine-tuned call, short prompt (default: the --prompt-tokens)"), N_("P2") },
    { "batch", 0, 0, G_OPTION_ARG_NONE, &options.batch, N_("Price the calls at the sheet’s Batch API discount"), NULL },
    { "list-sheets", 0, 0, G_OPTION_ARG_NONE, &options.list_sheets, N_("List the price sheets and exit"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_("Print every figure as JSON; amounts are exact decimal strings"), NULL },
    { NULL }
  };
  g_autoptr(SpPriceSheet) sheet = NULL;
  SpModelPrice tuned_price;
  SpModelPrice base_price;
  SpCostInput input = { 0 };
  SpCostEstimate estimate;
  const char *base_model;
  GError *error = NULL;

  if (!sp_cli_parse_options ("price", NULL,
                             _("Training cost, cost per call of a base model with the full prompt and of a fine-tuned model with a short prompt, and the break-even number of calls, on a dated price sheet."),
                             entries, &argc, &argv))
    return SP_CLI_EXIT_USAGE;
  if (argc > 1)
    return sp_cli_usage_error (_("“price” takes no arguments; use the options."));
  if (options.list_sheets)
    return list_sheets (options.json);
  if (options.model == NULL || *options.model == '\0')
    return sp_cli_usage_error (_("“price” needs --model, the model to fine-tune."));
  if (!parse_epochs (options.epochs, &input.epochs))
    return sp_cli_usage_error (_("--epochs must be “auto” or a whole number from 1 to %d."), MAX_EPOCHS);
  if (!check_counts (&options))
    return SP_CLI_EXIT_USAGE;

  sheet = open_sheet (options.sheet, &error);
  if (sheet == NULL)
    return sp_cli_fail (error);

  base_model = options.base_model ? options.base_model : options.model;
  if (!lookup_model (sheet, options.model, &tuned_price, &error) ||
      !check_can_fine_tune (sheet, options.model, &tuned_price, &error) ||
      !lookup_model (sheet, base_model, &base_price, &error))
    return sp_cli_fail (error);

  input.training_tokens = count_or (options.training_tokens, 0);
  input.n_examples = count_or (options.examples, 0);
  input.calls = count_or (options.calls, DEFAULT_CALLS);
  input.base_prompt_tokens = count_or (options.prompt_tokens, 0);
  input.base_completion_tokens = count_or (options.completion_tokens, 0);
  input.tuned_prompt_tokens = count_or (options.short_prompt_tokens, input.base_prompt_tokens);
  input.tuned_completion_tokens = input.base_completion_tokens;
  input.batch = options.batch;

  if (!sp_cost_estimate_compute (&base_price, &tuned_price, &input, &estimate, &error))
    return sp_cli_fail (error);

  if (options.json)
    print_json (sheet, options.model, base_model, &tuned_price, &base_price, &input, &estimate);
  else
    print_words (sheet, options.model, base_model, &tuned_price, &input, &estimate);
  return SP_CLI_EXIT_OK;
}
