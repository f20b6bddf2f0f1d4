// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-cost-estimate.h"

G_BEGIN_DECLS

/* The exact size and input cost of one rendered prompt, for the live
 * figures under the Prompt page's preview. */
typedef struct
{
  gsize    prompt_tokens;
  char    *encoding;          /* the encoding the tokens were counted in */
  gboolean encoding_guessed;  /* the model is unknown: counted as o200k_base */
  gboolean priced;            /* the sheet has a price for the model */
  SpMoney  input_cost;        /* prompt tokens at the model's input price */
  char    *sheet_date;        /* the date of the price sheet used */
  gsize    short_prompt_tokens; /* the short prompt as one user message, or 0 */
  gsize    completion_tokens;   /* mean of the worked examples' prompts, or 0 */
} SpPromptCost;

void          sp_prompt_cost_free            (SpPromptCost        *cost);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpPromptCost, sp_prompt_cost_free)

/* Counts @messages as a chat request (OpenAI's cookbook), or @prompt as a
 * completion prompt when @messages is NULL, and prices the prompt on the
 * newest built-in price sheet. With @short_prompt and @completions (the
 * finished prompts of the worked examples), also the figures the pricing
 * calculator starts from. */
SpPromptCost *sp_prompt_cost_estimate        (const char          *model,
                                              JsonArray           *messages,
                                              const char          *prompt,
                                              const char          *short_prompt,
                                              const char * const  *completions,
                                              GError             **error);
/* The same in a worker thread: loading a tokenizer's ranks the first time
 * takes tens of milliseconds, too long for the main loop. */
void          sp_prompt_cost_estimate_async  (const char          *model,
                                              JsonArray           *messages,
                                              const char          *prompt,
                                              const char          *short_prompt,
                                              const char * const  *completions,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
SpPromptCost *sp_prompt_cost_estimate_finish (GAsyncResult        *result,
                                              GError             **error);
/* "1,234 tokens · $0.0031 per call for the prompt (prices of 2025-08-07)" */
char         *sp_prompt_cost_describe        (const SpPromptCost  *cost,
                                              const char          *model);

G_END_DECLS
