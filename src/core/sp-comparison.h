// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-client.h"
#include "sp-cost-estimate.h"
#include "sp-price-sheet.h"
#include "sp-store.h"
#include "sp-template.h"

G_BEGIN_DECLS

/* The two sides of a comparison, as the user set them up. In blind mode
 * they are shown in a shuffled order (see sp_comparison_get_side_at()). */
typedef enum
{
  SP_SIDE_A,
  SP_SIDE_B,
} SpSide;

/* The verdict. SP_WINNER_NONE: not voted yet. */
typedef enum
{
  SP_WINNER_NONE,
  SP_WINNER_A,
  SP_WINNER_B,
  SP_WINNER_TIE,
  SP_WINNER_BOTH_BAD,
} SpWinner;

#define SP_TYPE_SIDE (sp_side_get_type ())
#define SP_TYPE_WINNER (sp_winner_get_type ())
GType        sp_side_get_type        (void) G_GNUC_CONST;
GType        sp_winner_get_type      (void) G_GNUC_CONST;
/* "a", "b". */
const char  *sp_side_to_string       (SpSide       side);
gboolean     sp_side_from_string     (const char  *text,
                                      SpSide      *side);
/* "none", "a", "b", "tie", "both-bad". */
const char  *sp_winner_to_string     (SpWinner     winner);
gboolean     sp_winner_from_string   (const char  *text,
                                      SpWinner    *winner);

/* One side: who answers, how it is asked, and what it answered.
 *
 * Properties (all notify): "side" (SpSide, construct-only), "provider-id",
 * "model", "prompt-mode" (SpPairMode as int: full few-shot template or the
 * short prompt), "clean" (the "stop after the parameters" cleaner; on by
 * default for chat models, off for completion models, until set),
 * "raw-text" (the untouched answer, grows while streaming),
 * "cleaned-text", "text" (read-only: cleaned when "clean", else raw),
 * "prompt-tokens", "completion-tokens" (-1 unknown; counted with the
 * tokenizer when the server sent no usage, and then "usage-estimated"
 * is TRUE), "cost" (SpMoney,
 * -1 unknown), "error" (why the side failed, or NULL), "running",
 * "images" (read-only GListModel of SpImage) and "label" (read-only: the
 * name to show — "Side 1"/"Side 2" while the comparison is blind and not
 * voted, else the model).
 *
 * Signal "delta" (const char *text): a piece of streamed text, after
 * "raw-text" has grown by it. */
#define SP_TYPE_COMPARISON_SIDE (sp_comparison_side_get_type ())
G_DECLARE_FINAL_TYPE (SpComparisonSide, sp_comparison_side, SP, COMPARISON_SIDE, GObject)

SpSide       sp_comparison_side_get_side              (SpComparisonSide *self);
const char  *sp_comparison_side_get_provider_id       (SpComparisonSide *self);
const char  *sp_comparison_side_get_model             (SpComparisonSide *self);
SpPairMode   sp_comparison_side_get_prompt_mode       (SpComparisonSide *self);
gboolean     sp_comparison_side_get_clean             (SpComparisonSide *self);
const char  *sp_comparison_side_get_raw_text          (SpComparisonSide *self);
const char  *sp_comparison_side_get_cleaned_text      (SpComparisonSide *self);
const char  *sp_comparison_side_get_text              (SpComparisonSide *self);
gint64       sp_comparison_side_get_prompt_tokens     (SpComparisonSide *self);
gint64       sp_comparison_side_get_completion_tokens (SpComparisonSide *self);
gboolean     sp_comparison_side_get_usage_estimated   (SpComparisonSide *self);
SpMoney      sp_comparison_side_get_cost              (SpComparisonSide *self);
const char  *sp_comparison_side_get_error             (SpComparisonSide *self);
gboolean     sp_comparison_side_get_running           (SpComparisonSide *self);
/* A GListStore of SpImage, in the order they were added. */
GListModel  *sp_comparison_side_get_images            (SpComparisonSide *self);
const char  *sp_comparison_side_get_label             (SpComparisonSide *self);

void         sp_comparison_side_set_provider_id       (SpComparisonSide *self,
                                                       const char       *provider_id);
void         sp_comparison_side_set_model             (SpComparisonSide *self,
                                                       const char       *model);
void         sp_comparison_side_set_prompt_mode       (SpComparisonSide *self,
                                                       SpPairMode        mode);
void         sp_comparison_side_set_clean             (SpComparisonSide *self,
                                                       gboolean          clean);
/* Sets the raw text and cleans it again (an answer given by hand, or one
 * loaded from the library). */
void         sp_comparison_side_set_raw_text          (SpComparisonSide *self,
                                                       const char       *raw_text);
void         sp_comparison_side_set_usage             (SpComparisonSide *self,
                                                       gint64            prompt_tokens,
                                                       gint64            completion_tokens,
                                                       SpMoney           cost);
void         sp_comparison_side_set_error             (SpComparisonSide *self,
                                                       const char       *error);

/* A comparison: one subject (and optionally a story), two sides, the vote
 * and the notes.
 *
 * Properties (all notify): "id" (row id in the library, 0 until saved),
 * "subject", "story", "blind", "blind-seed" (guint64: the seed of the
 * shuffle), "swapped" (read-only: side B is shown first), "winner"
 * (SpWinner), "voted" (read-only), "revealed" (read-only: not blind, or
 * voted), "notes", "created-at" (unix seconds), "running" (read-only),
 * "complete" (read-only: every field is loaded; FALSE for a gallery item
 * whose story and raw texts are not loaded yet), "side-a", "side-b"
 * (read-only SpComparisonSide), "price-sheet" (the sheet costs come from;
 * the newest built-in one by default). */
#define SP_TYPE_COMPARISON (sp_comparison_get_type ())
G_DECLARE_FINAL_TYPE (SpComparison, sp_comparison, SP, COMPARISON, GObject)

SpComparison     *sp_comparison_new               (void);

gint64            sp_comparison_get_id            (SpComparison  *self);
const char       *sp_comparison_get_subject       (SpComparison  *self);
const char       *sp_comparison_get_story         (SpComparison  *self);
gboolean          sp_comparison_get_blind         (SpComparison  *self);
guint64           sp_comparison_get_blind_seed    (SpComparison  *self);
gboolean          sp_comparison_get_swapped       (SpComparison  *self);
SpWinner          sp_comparison_get_winner        (SpComparison  *self);
gboolean          sp_comparison_get_voted         (SpComparison  *self);
gboolean          sp_comparison_get_revealed      (SpComparison  *self);
const char       *sp_comparison_get_notes         (SpComparison  *self);
gint64            sp_comparison_get_created_at    (SpComparison  *self);
gboolean          sp_comparison_get_running       (SpComparison  *self);
gboolean          sp_comparison_get_complete      (SpComparison  *self);
SpPriceSheet     *sp_comparison_get_price_sheet   (SpComparison  *self);
SpComparisonSide *sp_comparison_get_side          (SpComparison  *self,
                                                   SpSide         side);
/* The side shown at @position (0 or 1): A then B, unless blind mode
 * swapped them. */
SpComparisonSide *sp_comparison_get_side_at       (SpComparison  *self,
                                                   guint          position);
/* The model behind the side shown at @position, or "Side 1"/"Side 2"
 * while blind and not voted (the same as the side's "label"). */
const char       *sp_comparison_get_label_at      (SpComparison  *self,
                                                   guint          position);

void              sp_comparison_set_id            (SpComparison  *self,
                                                   gint64         id);
void              sp_comparison_set_subject       (SpComparison  *self,
                                                   const char    *subject);
void              sp_comparison_set_story         (SpComparison  *self,
                                                   const char    *story);
/* Turning blind mode on picks a random seed when none is set. */
void              sp_comparison_set_blind         (SpComparison  *self,
                                                   gboolean       blind);
void              sp_comparison_set_blind_seed    (SpComparison  *self,
                                                   guint64        seed);
/* Casting a vote reveals the models of a blind comparison; only the
 * vote itself is set here: sp_gallery_vote_async() also saves it. */
void              sp_comparison_set_winner        (SpComparison  *self,
                                                   SpWinner       winner);
/* The vote given for the side shown at @position (0 or 1), as a person
 * in blind mode sees them. */
SpWinner          sp_comparison_winner_for_position (SpComparison *self,
                                                   guint          position);
void              sp_comparison_set_notes         (SpComparison  *self,
                                                   const char    *notes);
void              sp_comparison_set_created_at    (SpComparison  *self,
                                                   gint64         created_at);
void              sp_comparison_set_price_sheet   (SpComparison  *self,
                                                   SpPriceSheet  *sheet);

/* Asks both sides at once: two requests in parallel (@client_a for side A,
 * @client_b for side B; they may be the same client), each streamed, with
 * "delta" signals and growing "raw-text" per side. A side asks with the
 * full few-shot prompt of @template for the story (or the subject when
 * there is no story), or with the short prompt about the subject; a
 * completion model gets the prompt text with a stop sequence at the blank
 * line that ends an example of the template, a chat model none (it could
 * cut a prompt after a chatty first line; the cleaner does the rest).
 * When both are done each side has its raw and cleaned text, usage and
 * cost (from "price-sheet"). Fails with the error of the first side that
 * failed (the other keeps its answer; each side has "error"). */
void              sp_comparison_run_async         (SpComparison        *self,
                                                   SpClient            *client_a,
                                                   SpClient            *client_b,
                                                   SpTemplate          *template,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean          sp_comparison_run_finish        (SpComparison        *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* The text a side sends (the short prompt, or the full prompt as
 * completion text), for display and for the report. */
char             *sp_comparison_dup_request_text  (SpComparison        *self,
                                                   SpSide               side,
                                                   SpTemplate          *template);

G_END_DECLS
