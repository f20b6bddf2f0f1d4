// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-prompt-cost"

#include "config.h"

#include "sp-prompt-cost.h"

#include <glib/gi18n.h>

#include "sp-price-sheet.h"
#include "sp-tokenizer.h"

#define FALLBACK_ENCODING "o200k_base"

typedef struct
{
  char      *model;
  JsonArray *messages;
  char      *prompt;
  char      *short_prompt;
  GStrv      completions;
} Request;

static void
request_free (Request *request)
{
  g_free (request->model);
  g_clear_pointer (&request->messages, json_array_unref);
  g_free (request->prompt);
  g_free (request->short_prompt);
  g_strfreev (request->completions);
  g_free (request);
}

void
sp_prompt_cost_free (SpPromptCost *cost)
{
  if (cost == NULL)
    return;
  g_free (cost->encoding);
  g_free (cost->sheet_date);
  g_free (cost);
}

static SpTokenizer *
tokenizer_for (const char  *model,
               gboolean    *guessed,
               GError     **error)
{
  const char *encoding = model ? sp_tokenizer_encoding_for_model (model) : NULL;

  *guessed = encoding == NULL;
  return sp_tokenizer_get_for_encoding (encoding ? encoding : FALLBACK_ENCODING, error);
}

static void
price_prompt (SpPromptCost *cost,
              const char   *model)
{
  g_autoptr(SpPriceSheet) sheet = sp_price_sheet_dup_default ();

  if (sheet == NULL || model == NULL)
    return;
  cost->sheet_date = g_strdup (sp_price_sheet_get_date (sheet));
  cost->priced = sp_price_sheet_cost_of_usage (sheet, model, cost->prompt_tokens, 0,
                                               &cost->input_cost, NULL);
}

static gboolean
count_short_prompt (SpTokenizer  *tokenizer,
                    const char   *short_prompt,
                    gboolean      as_chat,
                    gsize        *n_tokens,
                    GError      **error)
{
  g_autoptr(JsonArray) messages = NULL;
  JsonObject *message;

  if (!as_chat)
    return sp_tokenizer_count (tokenizer, short_prompt, -1, SP_TOKENIZER_REPLACE_INVALID,
                               n_tokens, error);
  messages = json_array_new ();
  message = json_object_new ();
  json_object_set_string_member (message, "role", "user");
  json_object_set_string_member (message, "content", short_prompt);
  json_array_add_object_element (messages, message);
  return sp_tokenizer_count_chat (tokenizer, messages, n_tokens, error);
}

static gboolean
count_mean_completion (SpTokenizer         *tokenizer,
                       const char * const  *completions,
                       gsize               *n_tokens,
                       GError             **error)
{
  gsize total = 0;
  guint n = 0;

  for (; completions[n] != NULL; n++)
    {
      gsize count;

      if (!sp_tokenizer_count (tokenizer, completions[n], -1, SP_TOKENIZER_REPLACE_INVALID,
                               &count, error))
        return FALSE;
      total += count;
    }
  *n_tokens = n > 0 ? (total + n / 2) / n : 0;
  return TRUE;
}

SpPromptCost *
sp_prompt_cost_estimate (const char          *model,
                         JsonArray           *messages,
                         const char          *prompt,
                         const char          *short_prompt,
                         const char * const  *completions,
                         GError             **error)
{
  g_autoptr(SpPromptCost) cost = g_new0 (SpPromptCost, 1);
  SpTokenizer *tokenizer;
  gboolean ok;

  g_return_val_if_fail (messages != NULL || prompt != NULL, NULL);

  tokenizer = tokenizer_for (model, &cost->encoding_guessed, error);
  if (tokenizer == NULL)
    return NULL;
  cost->encoding = g_strdup (sp_tokenizer_get_name (tokenizer));
  if (messages != NULL)
    ok = sp_tokenizer_count_chat (tokenizer, messages, &cost->prompt_tokens, error);
  else
    ok = sp_tokenizer_count (tokenizer, prompt, -1, SP_TOKENIZER_REPLACE_INVALID,
                             &cost->prompt_tokens, error);
  if (!ok)
    return NULL;
  if (short_prompt != NULL &&
      !count_short_prompt (tokenizer, short_prompt, messages != NULL, &cost->short_prompt_tokens, error))
    return NULL;
  if (completions != NULL &&
      !count_mean_completion (tokenizer, completions, &cost->completion_tokens, error))
    return NULL;
  cost->input_cost = SP_MONEY_UNKNOWN;
  price_prompt (cost, model);
  return g_steal_pointer (&cost);
}

static void
estimate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  SpPromptCost *cost;

  cost = sp_prompt_cost_estimate (request->model, request->messages, request->prompt,
                                  request->short_prompt,
                                  (const char * const *) request->completions, &error);
  if (cost == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cost, (GDestroyNotify) sp_prompt_cost_free);
}

void
sp_prompt_cost_estimate_async (const char          *model,
                               JsonArray           *messages,
                               const char          *prompt,
                               const char          *short_prompt,
                               const char * const  *completions,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (messages != NULL || prompt != NULL);

  request = g_new0 (Request, 1);
  request->model = g_strdup (model);
  request->messages = messages ? json_array_ref (messages) : NULL;
  request->prompt = g_strdup (prompt);
  request->short_prompt = g_strdup (short_prompt);
  request->completions = g_strdupv ((char **) completions);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_prompt_cost_estimate_async);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, estimate_thread);
}

SpPromptCost *
sp_prompt_cost_estimate_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
sp_prompt_cost_describe (const SpPromptCost *cost,
                         const char         *model)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (cost != NULL, NULL);

  g_string_append_printf (text,
                          ngettext ("%'zu token", "%'zu tokens",
                                    cost->prompt_tokens),
                          cost->prompt_tokens);
  if (cost->encoding_guessed)
    {
      g_string_append_c (text, ' ');
      /* Translators: %s is a tokenizer encoding such as o200k_base */
      g_string_append_printf (text, _("(counted as %s)"), cost->encoding);
    }
  if (cost->priced && cost->input_cost != SP_MONEY_UNKNOWN)
    {
      g_autofree char *dollars = sp_money_format (cost->input_cost, 2, 8);

      g_string_append (text, " · ");
      /* Translators: "$0.0031 per call for the prompt (prices of 2025-08-07)" */
      g_string_append_printf (text, _("$%s per call for the prompt (prices of %s)"),
                              dollars, cost->sheet_date);
    }
  else if (model != NULL && cost->sheet_date != NULL)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("no price for “%s” on the sheet of %s"), model, cost->sheet_date);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
