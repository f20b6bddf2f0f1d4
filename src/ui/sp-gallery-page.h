// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_GALLERY_PAGE (sp_gallery_page_get_type ())
G_DECLARE_FINAL_TYPE (SpGalleryPage, sp_gallery_page, SP, GALLERY_PAGE, AdwBin)

/* The Gallery page: the saved comparisons as a virtualized grid of cards
 * (subject, both prompts, a thumbnail per side, the verdict), searched and
 * filtered by text, model and verdict; the detail of the selected one
 * (full prompts, images added by drag and drop, paste or a file chooser,
 * notes saved as you type, the vote, blind mode); a scoreboard; delete
 * with undo; and a report written as HTML or Markdown.
 *
 * Actions: gallery.vote(s) ("first", "second" — the sides in the order
 * shown —, "tie", "both-bad"), gallery.delete, gallery.undo-delete(x) (x:
 * the id of the deleted comparison), gallery.add-image(u) and
 * gallery.paste-image(u) (u: the position of the side shown, 0 or 1;
 * Ctrl+V pastes into the side last pointed at), gallery.export-report,
 * gallery.back.
 *
 * Properties: "store" (SpStore, read-write: bind it to the application's
 * "store", which arrives after the window), "gallery" (SpGallery,
 * read-only, NULL until there is a store), "comparison" (SpComparison,
 * read-only: the one the detail shows). */
void          sp_gallery_page_setup                 (SpGalleryPage       *self,
                                                     SpStore             *store);

SpStore      *sp_gallery_page_get_store             (SpGalleryPage       *self);
SpGallery    *sp_gallery_page_get_gallery           (SpGalleryPage       *self);
SpComparison *sp_gallery_page_get_comparison        (SpGalleryPage       *self);

void          sp_gallery_page_set_store             (SpGalleryPage       *self,
                                                     SpStore             *store);

/* Reads the list again (after the Compare page saved a comparison). */
void          sp_gallery_page_refresh               (SpGalleryPage       *self);
/* Selects the item at @position and shows its detail. */
void          sp_gallery_page_select                (SpGalleryPage       *self,
                                                     guint                position);

/* Imports @file and adds it to @side of the comparison on show; a file
 * that is not an image, or too large, fails with the store's message
 * (also shown as a toast). */
void          sp_gallery_page_add_image_file_async  (SpGalleryPage       *self,
                                                     SpSide               side,
                                                     GFile               *file,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
SpImage      *sp_gallery_page_add_image_file_finish (SpGalleryPage       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Writes the report of the comparisons on show to @file: HTML or
 * Markdown by its extension; shows a toast with the path. */
void          sp_gallery_page_export_report_async   (SpGalleryPage       *self,
                                                     GFile               *file,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean      sp_gallery_page_export_report_finish  (SpGalleryPage       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
