// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-comparison.h"
#include "sp-store.h"

G_BEGIN_DECLS

/* What an image may be: at most 50 MiB and 16384 pixels a side; PNG,
 * JPEG, WebP or GIF. */
#define SP_IMAGE_MAX_BYTES     (50 * 1024 * 1024)
#define SP_IMAGE_MAX_SIDE      16384
#define SP_IMAGE_THUMBNAIL_SIZE 256

/* One stored image: a file named by the SHA-256 of its bytes in the
 * library's images/ folder. Read-only properties: "hash" (hex), "mime-type",
 * "width", "height", "size" (bytes), "path" (the file), "source" (where
 * this use of it came from: "file", "clipboard", "render:openai-images",
 * … or NULL). */
#define SP_TYPE_IMAGE (sp_image_get_type ())
G_DECLARE_FINAL_TYPE (SpImage, sp_image, SP, IMAGE, GObject)

SpImage     *sp_image_new           (const char *images_dir,
                                     const char *hash,
                                     const char *mime_type,
                                     guint       width,
                                     guint       height,
                                     guint64     size,
                                     const char *source);
const char  *sp_image_get_hash      (SpImage    *self);
const char  *sp_image_get_mime_type (SpImage    *self);
guint        sp_image_get_width     (SpImage    *self);
guint        sp_image_get_height    (SpImage    *self);
guint64      sp_image_get_size      (SpImage    *self);
const char  *sp_image_get_path      (SpImage    *self);
const char  *sp_image_get_source    (SpImage    *self);
/* "png", "jpg", "webp" or "gif": the extension of the stored file. */
const char  *sp_image_get_extension (SpImage    *self);

/* Imports images into the library's images/ folder (content-addressed,
 * so the same bytes are stored once), attaches them to comparison sides
 * and makes thumbnails (cached in thumbnails/ as HASH-SIZE.png). Checking,
 * hashing, writing and scaling happen in a worker thread; the _sync
 * functions may be called from any thread but the main one.
 *
 * Errors (SP_ERROR_INVALID_INPUT, in words): not an image, an image kind
 * that is not kept, too large a file, too many pixels a side. */
#define SP_TYPE_IMAGE_STORE (sp_image_store_get_type ())
G_DECLARE_FINAL_TYPE (SpImageStore, sp_image_store, SP, IMAGE_STORE, GObject)

SpImageStore *sp_image_store_new              (SpStore             *store);
SpStore      *sp_image_store_get_store        (SpImageStore        *self);
const char   *sp_image_store_get_images_dir   (SpImageStore        *self);
const char   *sp_image_store_get_thumbnails_dir (SpImageStore      *self);

/* Checks @bytes and stores them; @name names them in messages (a file
 * name, or NULL for "The image"), @source is kept with the image. */
SpImage      *sp_image_store_import_bytes     (SpImageStore        *self,
                                               GBytes              *bytes,
                                               const char          *name,
                                               const char          *source,
                                               GError             **error);
SpImage      *sp_image_store_import_file      (SpImageStore        *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GError             **error);
void          sp_image_store_import_bytes_async (SpImageStore      *self,
                                               GBytes              *bytes,
                                               const char          *source,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void          sp_image_store_import_file_async (SpImageStore       *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* For both _async imports. */
SpImage      *sp_image_store_import_finish    (SpImageStore        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Adds @image to a side of @comparison (once: adding it again changes
 * nothing). When the comparison is in the library (its id is set) the
 * link is saved at once; otherwise sp_gallery_save_async() saves it with
 * the comparison. */
void          sp_image_store_add_to_side_async (SpImageStore       *self,
                                               SpComparison        *comparison,
                                               SpSide               side,
                                               SpImage             *image,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      sp_image_store_add_to_side_finish (SpImageStore      *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Saves the link of @image to side @side of the stored comparison
 * @comparison_id at @position (or after the others with -1); from any
 * thread, also inside a SpStoreFunc. */
gboolean      sp_image_store_link_sync        (SpStore             *store,
                                               gint64               comparison_id,
                                               SpSide               side,
                                               SpImage             *image,
                                               int                  position,
                                               GError             **error);

/* The path of a PNG thumbnail that fits in @size × @size pixels (made,
 * or found in the cache). */
char         *sp_image_store_dup_thumbnail    (SpImageStore        *self,
                                               SpImage             *image,
                                               guint                size,
                                               GCancellable        *cancellable,
                                               GError             **error);
void          sp_image_store_thumbnail_async  (SpImageStore        *self,
                                               SpImage             *image,
                                               guint                size,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char         *sp_image_store_thumbnail_finish (SpImageStore        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Removes the image rows no comparison uses any more, with their files
 * and thumbnails; returns how many. */
guint         sp_image_store_purge_unused_sync (SpImageStore       *self,
                                               GError             **error);

G_END_DECLS
