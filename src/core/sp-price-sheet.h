// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-cost-estimate.h"

G_BEGIN_DECLS

#define SP_TYPE_PRICE_SHEET (sp_price_sheet_get_type ())
G_DECLARE_FINAL_TYPE (SpPriceSheet, sp_price_sheet, SP, PRICE_SHEET, GObject)

/* A dated price sheet: the prices of some models as a provider published
 * them on a given date, with where they come from. A sheet never claims to
 * be current; it names its date.
 *
 * The JSON format of data/prices/ and of the user’s sheets:
 *   { "format": 1, "id": "openai-2023-01", "name": "…", "date": "2023-01-31",
 *     "source": "…", "currency": "USD",
 *     "per_tokens": 1000,                    (1000 or 1000000: the unit of every price)
 *     "batch_discount_percent": 0,           (optional, 0–100)
 *     "edited": false,                       (optional: prices changed by the user)
 *     "models": [ { "id": "davinci", "input": 0.02, "output": 0.02,
 *                   "training": 0.03,        (these three together, or none)
 *                   "fine_tuned_input": 0.12, "fine_tuned_output": 0.12,
 *                   "batch_discount_percent": 0 (optional) }, … ] }
 *
 * Properties "id", "name", "date", "source", "currency" (construct-only),
 * "builtin" and "edited" (read-only). */

SpPriceSheet *sp_price_sheet_new               (const char    *id,
                                                const char    *name,
                                                const char    *date,
                                                const char    *source,
                                                const char    *currency);
/* @origin names the sheet in error messages (a file name). Errors are
 * SP_ERROR_BAD_FILE: not JSON, a missing or wrong field, a negative price. */
SpPriceSheet *sp_price_sheet_new_from_data     (const char    *data,
                                                gssize         length,
                                                const char    *origin,
                                                GError       **error);
SpPriceSheet *sp_price_sheet_new_from_file     (const char    *path,
                                                GError       **error);
SpPriceSheet *sp_price_sheet_new_from_resource (const char    *resource_path,
                                                GError       **error);

/* The sheets shipped with the app, newest first: a new GListModel of new
 * SpPriceSheet objects. */
GListModel   *sp_price_sheet_list_builtin      (void);
/* The built-in sheets and the user's sheets, newest first; a user sheet
 * with the id of a built-in one (an edited copy) takes its place. User
 * files that cannot be read are left out (see sp_price_sheet_new_from_file
 * for why). */
GListModel   *sp_price_sheet_list              (void);
/* The newest built-in sheet. */
SpPriceSheet *sp_price_sheet_dup_default       (void);
/* A sheet by id (as sp_price_sheet_list() gives them) or, when
 * @id_or_path names a file, from that file. SP_ERROR_NOT_FOUND lists the
 * known ids. */
SpPriceSheet *sp_price_sheet_find              (const char    *id_or_path,
                                                GError       **error);
/* $STARPROMPT_DATA_DIR/prices, else $XDG_DATA_HOME/starprompt/prices. */
char         *sp_price_sheet_get_user_dir      (void);

const char   *sp_price_sheet_get_id            (SpPriceSheet  *self);
const char   *sp_price_sheet_get_name          (SpPriceSheet  *self);
/* ISO 8601, "2023-01-31". */
const char   *sp_price_sheet_get_date          (SpPriceSheet  *self);
const char   *sp_price_sheet_get_source        (SpPriceSheet  *self);
const char   *sp_price_sheet_get_currency      (SpPriceSheet  *self);
/* The unit the sheet writes its prices in: 1000 or 1000000 tokens. */
guint         sp_price_sheet_get_per_tokens    (SpPriceSheet  *self);
gboolean      sp_price_sheet_get_builtin       (SpPriceSheet  *self);
gboolean      sp_price_sheet_get_edited        (SpPriceSheet  *self);
/* The model ids of the sheet, in its order. */
char        **sp_price_sheet_dup_model_ids     (SpPriceSheet  *self);

/* The one place where a model id becomes prices. Tries the exact id, then
 * the id without a snapshot date ("gpt-4o-mini-2024-07-18" →
 * "gpt-4o-mini"); a fine-tuned id ("ft:gpt-4o-mini-2024-07-18:org::abc",
 * legacy "davinci:ft-org-2023-01-01-00-00-00") resolves to its base model
 * and sets @is_fine_tuned. @base_id (optional) receives the sheet's id of
 * the model found. FALSE when the sheet has no such model. */
gboolean      sp_price_sheet_lookup            (SpPriceSheet  *self,
                                                const char    *model,
                                                SpModelPrice  *price,
                                                char         **base_id,
                                                gboolean      *is_fine_tuned);
/* What one token in and out of @model costs: the base prices, or the
 * fine-tuned prices for a fine-tuned id. SP_ERROR_NOT_FOUND in words. */
gboolean      sp_price_sheet_get_usage_price   (SpPriceSheet  *self,
                                                const char    *model,
                                                SpMoney       *input_price,
                                                SpMoney       *output_price,
                                                GError       **error);
/* An amount in the sheet's currency: "$45.00", "45.00 EUR". */
char         *sp_price_sheet_format_amount     (SpPriceSheet  *self,
                                                SpMoney        amount,
                                                guint          max_decimals);
/* A per-token price in the sheet's unit: "$0.03 per 1K tokens". */
char         *sp_price_sheet_format_unit_price (SpPriceSheet  *self,
                                                SpMoney        price);
/* The cost of a request from the API's usage figures. */
gboolean      sp_price_sheet_cost_of_usage     (SpPriceSheet  *self,
                                                const char    *model,
                                                guint64        prompt_tokens,
                                                guint64        completion_tokens,
                                                SpMoney       *cost,
                                                GError       **error);

/* The user's own price for @model (added or replaced); marks the sheet
 * edited. Prices must not be negative, except SP_MONEY_UNKNOWN for the
 * three fine-tuning prices together. */
void          sp_price_sheet_set_model_price   (SpPriceSheet       *self,
                                                const char         *model,
                                                const SpModelPrice *price);
gboolean      sp_price_sheet_remove_model      (SpPriceSheet       *self,
                                                const char         *model);

/* The sheet as JSON in the format above, with exact decimals. */
char         *sp_price_sheet_to_data           (SpPriceSheet  *self);
/* Writes atomically (a temporary file renamed over @path). */
gboolean      sp_price_sheet_save_to_file      (SpPriceSheet  *self,
                                                const char    *path,
                                                GError       **error);
/* Saves as ID.json in sp_price_sheet_get_user_dir(). */
gboolean      sp_price_sheet_save              (SpPriceSheet  *self,
                                                GError       **error);

G_END_DECLS
