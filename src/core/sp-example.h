// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-cost-estimate.h"

G_BEGIN_DECLS

/* The status of one example (one item of a batch). */
typedef enum
{
  SP_EXAMPLE_STATUS_PENDING,
  SP_EXAMPLE_STATUS_RUNNING,
  SP_EXAMPLE_STATUS_DONE,
  SP_EXAMPLE_STATUS_FAILED,
  SP_EXAMPLE_STATUS_REJECTED,
} SpExampleStatus;

/* Which user message a training pair uses: the full few-shot prompt, or
 * the short "… prompt about <subject>". */
typedef enum
{
  SP_PAIR_MODE_FULL,
  SP_PAIR_MODE_SHORT,
} SpPairMode;

const char      *sp_example_status_to_string (SpExampleStatus  status);
SpExampleStatus  sp_example_status_from_string (const char    *text);
const char      *sp_pair_mode_to_string      (SpPairMode       mode);
gboolean         sp_pair_mode_from_string    (const char      *text,
                                              SpPairMode      *mode);

/* One example as stored: a snapshot of a row of batch_items. Read-only
 * properties for list views: "id", "batch-id", "position", "story-title",
 * "story-text", "full-prompt", "short-prompt", "status", "output" (the
 * cleaned output), "raw-output", "error", "duplicate", "prompt-tokens",
 * "completion-tokens", "cost" (SpMoney, -1 unknown), "pair-mode". */
#define SP_TYPE_EXAMPLE (sp_example_get_type ())
G_DECLARE_FINAL_TYPE (SpExample, sp_example, SP, EXAMPLE, GObject)

gint64           sp_example_get_id                (SpExample *self);
gint64           sp_example_get_batch_id          (SpExample *self);
guint            sp_example_get_position          (SpExample *self);
const char      *sp_example_get_story_title       (SpExample *self);
const char      *sp_example_get_story_text        (SpExample *self);
const char      *sp_example_get_full_prompt       (SpExample *self);
const char      *sp_example_get_short_prompt      (SpExample *self);
SpExampleStatus  sp_example_get_status            (SpExample *self);
const char      *sp_example_get_output            (SpExample *self);
const char      *sp_example_get_raw_output        (SpExample *self);
const char      *sp_example_get_error             (SpExample *self);
gboolean         sp_example_get_duplicate         (SpExample *self);
gint64           sp_example_get_prompt_tokens     (SpExample *self);
gint64           sp_example_get_completion_tokens (SpExample *self);
SpMoney          sp_example_get_cost              (SpExample *self);
SpPairMode       sp_example_get_pair_mode         (SpExample *self);
/* The user message of the training pair, by the pair mode. */
const char      *sp_example_get_training_prompt   (SpExample *self);

G_END_DECLS
