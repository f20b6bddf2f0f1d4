// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sqlite3.h>

#include "sp-example.h"

G_BEGIN_DECLS

/* The columns of batch_items that sp_example_new_from_row() reads, in its
 * order: the store selects them in every query that returns examples. */
#define EXAMPLE_COLUMNS \
  "id, batch_id, position, story_title, story_text, full_prompt, short_prompt, status, " \
  "cleaned_output, output, error, duplicate, prompt_tokens, completion_tokens, cost, pair_mode "

/* A new example from a row of EXAMPLE_COLUMNS. */
SpExample *sp_example_new_from_row (sqlite3_stmt *stmt);

G_END_DECLS
