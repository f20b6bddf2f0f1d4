// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-comparison.h"
#include "sp-store.h"

G_BEGIN_DECLS

/* One line of the scoreboard: the votes of one model, or of one prompt
 * mode ("full" or "short"), over the comparisons of the library.
 * Read-only properties: "kind" (SpScoreKind as int), "name", "wins",
 * "ties", "losses" (the other side won), "both-bad", "unvoted", "outputs"
 * (answers counted), "cost-per-prompt" (SpMoney, the mean over answers
 * with a known cost, -1 when none), "win-rate" (double 0–1 over the
 * voted comparisons, ties counting half). */
typedef enum
{
  SP_SCORE_KIND_MODEL,
  SP_SCORE_KIND_PROMPT_MODE,
} SpScoreKind;

#define SP_TYPE_SCORE (sp_score_get_type ())
G_DECLARE_FINAL_TYPE (SpScore, sp_score, SP, SCORE, GObject)

SpScoreKind  sp_score_get_kind            (SpScore *self);
const char  *sp_score_get_name            (SpScore *self);
guint        sp_score_get_wins            (SpScore *self);
guint        sp_score_get_ties            (SpScore *self);
guint        sp_score_get_losses          (SpScore *self);
guint        sp_score_get_both_bad        (SpScore *self);
guint        sp_score_get_unvoted         (SpScore *self);
guint        sp_score_get_outputs         (SpScore *self);
SpMoney      sp_score_get_cost_per_prompt (SpScore *self);
double       sp_score_get_win_rate        (SpScore *self);

/* The gallery: a GListModel of SpComparison, newest first, over the
 * comparisons of the library that match the filters.
 *
 * It is lazy: opening it reads the ids of the matching comparisons and
 * the first page of PAGE_SIZE summaries, nothing else. An item of a page
 * not read yet is a placeholder with its id (the page is read in the
 * background and its properties then notify); a summary has everything
 * but the story and the raw answers ("complete" is FALSE until
 * sp_gallery_load_details_async()). Images are rows (SpImage): no pixel
 * is read until someone asks for a thumbnail.
 *
 * Properties: "store" (construct-only), "search-text" (words found in the
 * subject, story, answers, models or notes), "model-filter" (either side's
 * model), "winner-filter" (SpWinner, SP_WINNER_NONE for "not voted yet",
 * -1 for any), "loading" (read-only) and "n-items" (read-only). Changing a
 * filter reloads the list. */
#define SP_GALLERY_PAGE_SIZE 50

#define SP_TYPE_GALLERY (sp_gallery_get_type ())
G_DECLARE_FINAL_TYPE (SpGallery, sp_gallery, SP, GALLERY, GObject)

/* Empty until a reload (which a filter change starts). */
SpGallery    *sp_gallery_new                 (SpStore             *store);
SpStore      *sp_gallery_get_store           (SpGallery           *self);
const char   *sp_gallery_get_search_text     (SpGallery           *self);
const char   *sp_gallery_get_model_filter    (SpGallery           *self);
int           sp_gallery_get_winner_filter   (SpGallery           *self);
gboolean      sp_gallery_get_loading         (SpGallery           *self);
void          sp_gallery_set_search_text     (SpGallery           *self,
                                              const char          *text);
void          sp_gallery_set_model_filter    (SpGallery           *self,
                                              const char          *model);
void          sp_gallery_set_winner_filter   (SpGallery           *self,
                                              int                  winner);

/* Reads the matching ids and the first page again. */
void          sp_gallery_reload_async        (SpGallery           *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      sp_gallery_reload_finish       (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* The same, blocking (command line, tests). */
gboolean      sp_gallery_reload_sync         (SpGallery           *self,
                                              GError             **error);
/* The ids of the items, in order (a copy). */
GArray       *sp_gallery_dup_ids             (SpGallery           *self);

/* Reads the story and the raw answers of an item. */
void          sp_gallery_load_details_async  (SpGallery           *self,
                                              SpComparison        *comparison,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      sp_gallery_load_details_finish (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* A new, complete SpComparison read from the library (not the list's
 * item); from any thread. SP_ERROR_NOT_FOUND when there is none. */
SpComparison *sp_gallery_load_comparison_sync (SpGallery          *self,
                                              gint64               id,
                                              GError             **error);

/* Saves @comparison (both sides, their images, the vote and the notes):
 * adds it when its id is 0 (then sets the id, adds its usage to the
 * ledger and puts it first in the list), else updates it. */
void          sp_gallery_save_async          (SpGallery           *self,
                                              SpComparison        *comparison,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      sp_gallery_save_finish         (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean      sp_gallery_save_sync           (SpGallery           *self,
                                              SpComparison        *comparison,
                                              GError             **error);

/* Sets the winner (which reveals a blind comparison) and saves it. */
void          sp_gallery_vote_async          (SpGallery           *self,
                                              SpComparison        *comparison,
                                              SpWinner             winner,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      sp_gallery_vote_finish         (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* Sets the notes and saves them (call it as the user types; writes are
 * in order). */
void          sp_gallery_set_notes_async     (SpGallery           *self,
                                              SpComparison        *comparison,
                                              const char          *notes,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      sp_gallery_set_notes_finish    (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Deleting hides the comparison at once (it leaves the list) and keeps
 * it until a purge, so that sp_gallery_undo_delete_async() can bring it
 * back. Purging removes every deleted comparison and the image files no
 * comparison uses any more. */
void          sp_gallery_delete_async        (SpGallery           *self,
                                              SpComparison        *comparison,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      sp_gallery_delete_finish       (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void          sp_gallery_undo_delete_async   (SpGallery           *self,
                                              gint64               id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      sp_gallery_undo_delete_finish  (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* Returns how many comparisons were removed. */
guint         sp_gallery_purge_deleted_sync  (SpGallery           *self,
                                              GError             **error);

/* The scoreboard over the whole library (not only the filtered items),
 * leaving out blind comparisons not voted yet (they would give away
 * their models):
 * a new GListModel of SpScore, the models by name, then "full" and
 * "short". */
void          sp_gallery_scoreboard_async    (SpGallery           *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GListModel   *sp_gallery_scoreboard_finish   (SpGallery           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
GListModel   *sp_gallery_scoreboard_sync     (SpGallery           *self,
                                              GError             **error);

G_END_DECLS
