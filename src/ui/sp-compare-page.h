// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_COMPARE_PAGE (sp_compare_page_get_type ())
G_DECLARE_FINAL_TYPE (SpComparePage, sp_compare_page, SP, COMPARE_PAGE, AdwBin)

/* The Compare page: one subject (and optionally a story), the setup of
 * sides A and B (provider, model, full few-shot template or short
 * prompt), and two panes where both answers stream at once, each with its
 * usage and cost, a Raw toggle (the answer before the "stop after the
 * parameters" cleaner), Copy and Render…. In blind mode the panes show the
 * sides shuffled, named "Side 1" and "Side 2" until the vote.
 *
 * Actions: compare.run (Ctrl+Return), compare.stop (Escape),
 * compare.save, compare.copy(u), compare.render(u) (u: the position of a
 * pane, 0 or 1).
 *
 * Properties: "store" (SpStore, read-write: bind it to the application's
 * "store", which arrives after the window), "comparison" (SpComparison,
 * read-only: the last one started), "blind" (read-write), "running"
 * (read-only: from the press of Compare until both sides are done).
 *
 * Signal "saved" (SpComparison *comparison): the comparison is now in the
 * gallery. */
void          sp_compare_page_setup           (SpComparePage  *self,
                                               SpStore        *store,
                                               SpProviderList *providers,
                                               SpSecrets      *secrets,
                                               GSettings      *settings,
                                               SpTemplate     *template);

SpStore      *sp_compare_page_get_store       (SpComparePage  *self);
SpComparison *sp_compare_page_get_comparison  (SpComparePage  *self);
gboolean      sp_compare_page_get_blind       (SpComparePage  *self);
gboolean      sp_compare_page_get_running     (SpComparePage  *self);
/* Whether Save to Gallery can be pressed: both sides answered, the
 * comparison is not saved yet, and the library is open. */
gboolean      sp_compare_page_get_can_save    (SpComparePage  *self);
/* What the pane at @position (0 or 1) shows: its title (the model, or
 * "Side 1"/"Side 2" while blind), its text, its usage line and its
 * error (NULL when none). */
char         *sp_compare_page_dup_pane_title  (SpComparePage  *self,
                                               guint           position);
char         *sp_compare_page_dup_pane_text   (SpComparePage  *self,
                                               guint           position);
char         *sp_compare_page_dup_pane_usage  (SpComparePage  *self,
                                               guint           position);
char         *sp_compare_page_dup_pane_error  (SpComparePage  *self,
                                               guint           position);

void          sp_compare_page_set_store       (SpComparePage  *self,
                                               SpStore        *store);
void          sp_compare_page_set_blind       (SpComparePage  *self,
                                               gboolean        blind);
/* Sets up @side: picks the provider (when it is not in the list yet, it
 * is picked once it arrives) and types the model. */
void          sp_compare_page_set_model       (SpComparePage  *self,
                                               SpSide          side,
                                               const char     *provider_id,
                                               const char     *model);
void          sp_compare_page_set_prompt_mode (SpComparePage  *self,
                                               SpSide          side,
                                               SpPairMode      mode);
void          sp_compare_page_set_subject     (SpComparePage  *self,
                                               const char     *subject);
void          sp_compare_page_set_story       (SpComparePage  *self,
                                               const char     *story);
/* Toggles Raw on the pane at @position. */
void          sp_compare_page_set_raw         (SpComparePage  *self,
                                               guint           position,
                                               gboolean        raw);

/* Presses Compare: a new comparison from the setup, both sides at once. */
void          sp_compare_page_compare         (SpComparePage  *self);

G_END_DECLS
