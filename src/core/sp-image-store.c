// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-image-store"

#include "config.h"

#include "sp-image-store.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sqlite3.h>

#include "sp-comparison-private.h"
#include "sp-error.h"
#include "sp-sqlite-private.h"

/* Bytes fed to the image loader at a time, so that it reports the size
 * before it decodes (and allocates) anything. */
#define LOADER_CHUNK 4096

/* ------------------------------------------------------------------ */
/* SpImage                                                             */
/* ------------------------------------------------------------------ */

struct _SpImage
{
  GObject  parent_instance;

  char    *hash;
  char    *mime_type;
  guint    width;
  guint    height;
  guint64  size;
  char    *path;
  char    *source;
};

G_DEFINE_FINAL_TYPE (SpImage, sp_image, G_TYPE_OBJECT)

enum {
  IMG_PROP_0,
  IMG_PROP_HASH,
  IMG_PROP_MIME_TYPE,
  IMG_PROP_WIDTH,
  IMG_PROP_HEIGHT,
  IMG_PROP_SIZE,
  IMG_PROP_PATH,
  IMG_PROP_SOURCE,
  IMG_N_PROPS
};

static GParamSpec *image_properties[IMG_N_PROPS];

/* ------------------------------------------------------------------ */
/* SpImageStore                                                        */
/* ------------------------------------------------------------------ */

struct _SpImageStore
{
  GObject  parent_instance;

  SpStore *store;
  char    *images_dir;
  char    *thumbnails_dir;
};

G_DEFINE_FINAL_TYPE (SpImageStore, sp_image_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The kinds of image kept: what a browser shows in a report. */
static const struct
{
  const char *format;
  const char *mime_type;
  const char *extension;
} kinds[] = {
  { "png", "image/png", "png" },
  { "jpeg", "image/jpeg", "jpg" },
  { "webp", "image/webp", "webp" },
  { "gif", "image/gif", "gif" },
};

static const char *
extension_for_mime_type (const char *mime_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].mime_type, mime_type) == 0)
      return kinds[i].extension;
  return "bin";
}

static void
sp_image_finalize (GObject *object)
{
  SpImage *self = (SpImage *) object;

  g_free (self->hash);
  g_free (self->mime_type);
  g_free (self->path);
  g_free (self->source);

  G_OBJECT_CLASS (sp_image_parent_class)->finalize (object);
}

static void
sp_image_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SpImage *self = SP_IMAGE (object);

  switch (prop_id)
    {
    case IMG_PROP_HASH:
      g_value_set_string (value, self->hash);
      break;
    case IMG_PROP_MIME_TYPE:
      g_value_set_string (value, self->mime_type);
      break;
    case IMG_PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case IMG_PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case IMG_PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case IMG_PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case IMG_PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_image_class_init (SpImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sp_image_finalize;
  object_class->get_property = sp_image_get_property;

  image_properties[IMG_PROP_HASH] = g_param_spec_string ("hash", NULL, NULL, NULL, ro);
  image_properties[IMG_PROP_MIME_TYPE] = g_param_spec_string ("mime-type", NULL, NULL, NULL, ro);
  image_properties[IMG_PROP_WIDTH] = g_param_spec_uint ("width", NULL, NULL, 0, G_MAXUINT, 0, ro);
  image_properties[IMG_PROP_HEIGHT] = g_param_spec_uint ("height", NULL, NULL, 0, G_MAXUINT, 0, ro);
  image_properties[IMG_PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  image_properties[IMG_PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  image_properties[IMG_PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, IMG_N_PROPS, image_properties);
}

static void
sp_image_init (SpImage *self)
{
}

SpImage *
sp_image_new (const char *images_dir,
              const char *hash,
              const char *mime_type,
              guint       width,
              guint       height,
              guint64     size,
              const char *source)
{
  SpImage *self;
  g_autofree char *name = NULL;

  g_return_val_if_fail (images_dir != NULL, NULL);
  g_return_val_if_fail (hash != NULL, NULL);
  g_return_val_if_fail (mime_type != NULL, NULL);

  self = g_object_new (SP_TYPE_IMAGE, NULL);
  self->hash = g_strdup (hash);
  self->mime_type = g_strdup (mime_type);
  self->width = width;
  self->height = height;
  self->size = size;
  self->source = g_strdup (source);
  name = g_strconcat (hash, ".", extension_for_mime_type (mime_type), NULL);
  self->path = g_build_filename (images_dir, name, NULL);
  return self;
}

const char *
sp_image_get_hash (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), NULL);
  return self->hash;
}

const char *
sp_image_get_mime_type (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), NULL);
  return self->mime_type;
}

guint
sp_image_get_width (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), 0);
  return self->width;
}

guint
sp_image_get_height (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), 0);
  return self->height;
}

guint64
sp_image_get_size (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), 0);
  return self->size;
}

const char *
sp_image_get_path (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), NULL);
  return self->path;
}

const char *
sp_image_get_source (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), NULL);
  return self->source;
}

const char *
sp_image_get_extension (SpImage *self)
{
  g_return_val_if_fail (SP_IS_IMAGE (self), NULL);
  return extension_for_mime_type (self->mime_type);
}

/* ------------------------------------------------------------------ */
/* Checking and storing                                                */
/* ------------------------------------------------------------------ */

typedef struct
{
  int      width;
  int      height;
  gboolean too_large;
} Probe;

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  Probe *probe = user_data;

  probe->width = width;
  probe->height = height;
  if (width > SP_IMAGE_MAX_SIDE || height > SP_IMAGE_MAX_SIDE || width <= 0 || height <= 0)
    {
      /* As gdk_pixbuf_get_file_info() does: stop before the pixels are
       * allocated. */
      probe->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

static const char *
display_name (const char *name)
{
  return name != NULL ? name : _("The image");
}

/* Decodes the whole image, so that a damaged file is refused now rather
 * than shown broken later; stops after the header when it is too large.
 * Returns the MIME type. */
static const char *
check_image (GBytes      *bytes,
             const char  *name,
             guint       *width,
             guint       *height,
             GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) local_error = NULL;
  Probe probe = { 0 };
  const guint8 *data;
  gsize size;
  gsize offset = 0;
  GdkPixbufFormat *format;
  g_autofree char *format_name = NULL;

  data = g_bytes_get_data (bytes, &size);
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), &probe);

  while (offset < size && !probe.too_large && local_error == NULL)
    {
      gsize chunk = MIN (size - offset, (gsize) LOADER_CHUNK);

      gdk_pixbuf_loader_write (loader, data + offset, chunk, &local_error);
      offset += chunk;
    }
  /* A small file stays in the loader's buffer until it is closed: the
   * size may come only then. */
  if (local_error == NULL && !probe.too_large)
    gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  if (probe.too_large)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("%s is %d × %d pixels; images may be at most %u pixels a side. Scale it down and add it again."),
                   display_name (name), probe.width, probe.height, (guint) SP_IMAGE_MAX_SIDE);
      return NULL;
    }
  format = gdk_pixbuf_loader_get_format (loader);
  if (local_error != NULL || format == NULL || gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("%s is not an image, or it is damaged. Add a PNG, JPEG, WebP or GIF file."),
                   display_name (name));
      return NULL;
    }

  format_name = gdk_pixbuf_format_get_name (format);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (format_name, kinds[i].format) == 0)
      {
        *width = (guint) probe.width;
        *height = (guint) probe.height;
        return kinds[i].mime_type;
      }

  g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
               _("%s is a %s image; the gallery keeps PNG, JPEG, WebP and GIF images. Convert it and add it again."),
               display_name (name), format_name);
  return NULL;
}

static gboolean
check_size (guint64      size,
            const char  *name,
            GError     **error)
{
  if (size <= SP_IMAGE_MAX_BYTES)
    return TRUE;
  g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
               _("%s is %llu MiB; images may be at most %u MiB. Save it smaller (for example as JPEG) and add it again."),
               display_name (name), (unsigned long long) ((size + 1024 * 1024 - 1) / (1024 * 1024)),
               (guint) (SP_IMAGE_MAX_BYTES / (1024 * 1024)));
  return FALSE;
}

static gboolean
make_dir (const char  *dir,
          GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) == 0)
    return TRUE;

  {
    int saved_errno = errno;

    g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                 _("The folder “%s” could not be created: %s."),
                 dir, g_strerror (saved_errno));
  }
  return FALSE;
}

/* Content-addressed: a file that exists with the right size already has
 * these bytes. Written under a temporary name and renamed, so that no
 * half-written image ever has the final name. */
static gboolean
write_once (const char  *path,
            GBytes      *bytes,
            GError     **error)
{
  GStatBuf st;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autoptr(GError) local_error = NULL;

  if (g_stat (path, &st) == 0 && (gsize) st.st_size == size)
    return TRUE;
  if (!g_file_set_contents_full (path, data, size, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("The image could not be saved in the library (%s). Check that the disk is not full."),
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */
/* ------------------------------------------------------------------ */

static void
sp_image_store_dispose (GObject *object)
{
  SpImageStore *self = (SpImageStore *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (sp_image_store_parent_class)->dispose (object);
}

static void
sp_image_store_finalize (GObject *object)
{
  SpImageStore *self = (SpImageStore *) object;

  g_free (self->images_dir);
  g_free (self->thumbnails_dir);

  G_OBJECT_CLASS (sp_image_store_parent_class)->finalize (object);
}

static void
sp_image_store_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SpImageStore *self = SP_IMAGE_STORE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_image_store_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SpImageStore *self = SP_IMAGE_STORE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      self->images_dir = sp_store_dup_images_dir (self->store);
      self->thumbnails_dir = sp_store_dup_thumbnails_dir (self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_image_store_class_init (SpImageStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_image_store_dispose;
  object_class->finalize = sp_image_store_finalize;
  object_class->get_property = sp_image_store_get_property;
  object_class->set_property = sp_image_store_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_image_store_init (SpImageStore *self)
{
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

SpImageStore *
sp_image_store_new (SpStore *store)
{
  g_return_val_if_fail (SP_IS_STORE (store), NULL);
  return g_object_new (SP_TYPE_IMAGE_STORE, "store", store, NULL);
}

SpStore *
sp_image_store_get_store (SpImageStore *self)
{
  g_return_val_if_fail (SP_IS_IMAGE_STORE (self), NULL);
  return self->store;
}

const char *
sp_image_store_get_images_dir (SpImageStore *self)
{
  g_return_val_if_fail (SP_IS_IMAGE_STORE (self), NULL);
  return self->images_dir;
}

const char *
sp_image_store_get_thumbnails_dir (SpImageStore *self)
{
  g_return_val_if_fail (SP_IS_IMAGE_STORE (self), NULL);
  return self->thumbnails_dir;
}

SpImage *
sp_image_store_import_bytes (SpImageStore  *self,
                             GBytes        *bytes,
                             const char    *name,
                             const char    *source,
                             GError       **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(SpImage) image = NULL;
  const char *mime_type;
  guint width = 0;
  guint height = 0;

  g_return_val_if_fail (SP_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  if (!check_size (g_bytes_get_size (bytes), name, error))
    return NULL;
  mime_type = check_image (bytes, name, &width, &height, error);
  if (mime_type == NULL)
    return NULL;

  hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  image = sp_image_new (self->images_dir, hash, mime_type, width, height,
                        g_bytes_get_size (bytes), source);
  if (!make_dir (self->images_dir, error) ||
      !write_once (image->path, bytes, error))
    return NULL;

  return g_steal_pointer (&image);
}

SpImage *
sp_image_store_import_file (SpImageStore  *self,
                            GFile         *file,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SP_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      g_autofree char *uri = g_file_get_parse_name (file);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                     _("“%s” could not be read: %s."), uri, local_error->message);
      return NULL;
    }
  name = g_strdup_printf ("“%s”", g_file_info_get_display_name (info));
  /* Refused before a byte is read. */
  if (!check_size ((guint64) g_file_info_get_size (info), name, error))
    return NULL;

  bytes = g_file_load_bytes (file, cancellable, NULL, &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                     _("%s could not be read: %s."), name, local_error->message);
      return NULL;
    }
  return sp_image_store_import_bytes (self, bytes, name, "file", error);
}

typedef struct
{
  GBytes *bytes;
  GFile  *file;
  char   *source;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_object (&data->file);
  g_free (data->source);
  g_free (data);
}

static void
import_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SpImageStore *self = source_object;
  ImportData *data = task_data;
  GError *error = NULL;
  SpImage *image;

  if (data->file != NULL)
    image = sp_image_store_import_file (self, data->file, cancellable, &error);
  else
    image = sp_image_store_import_bytes (self, data->bytes, NULL, data->source, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

static void
start_import (SpImageStore        *self,
              ImportData          *data,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sp_image_store_import_finish);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_in_thread);
}

void
sp_image_store_import_bytes_async (SpImageStore        *self,
                                   GBytes              *bytes,
                                   const char          *source,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  ImportData *data;

  g_return_if_fail (SP_IS_IMAGE_STORE (self));
  g_return_if_fail (bytes != NULL);

  data = g_new0 (ImportData, 1);
  data->bytes = g_bytes_ref (bytes);
  data->source = g_strdup (source);
  start_import (self, data, cancellable, callback, user_data);
}

void
sp_image_store_import_file_async (SpImageStore        *self,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  ImportData *data;

  g_return_if_fail (SP_IS_IMAGE_STORE (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ImportData, 1);
  data->file = g_object_ref (file);
  start_import (self, data, cancellable, callback, user_data);
}

SpImage *
sp_image_store_import_finish (SpImageStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Links                                                               */
/* ------------------------------------------------------------------ */

typedef struct
{
  gint64   comparison_id;
  SpSide   side;
  char    *hash;
  char    *mime_type;
  guint    width;
  guint    height;
  guint64  size;
  char    *source;
  int      position;
} LinkData;

static void
link_data_free (LinkData *data)
{
  g_free (data->hash);
  g_free (data->mime_type);
  g_free (data->source);
  g_free (data);
}

static LinkData *
link_data_new (gint64   comparison_id,
               SpSide   side,
               SpImage *image,
               int      position)
{
  LinkData *data = g_new0 (LinkData, 1);

  data->comparison_id = comparison_id;
  data->side = side;
  data->hash = g_strdup (image->hash);
  data->mime_type = g_strdup (image->mime_type);
  data->width = image->width;
  data->height = image->height;
  data->size = image->size;
  data->source = g_strdup (image->source);
  data->position = position;
  return data;
}

static gpointer
link_func (SpStore   *store,
           gpointer   user_data,
           GError   **error)
{
  sqlite3 *db = sp_store_get_db (store);
  LinkData *data = user_data;
  g_autoptr(sqlite3_stmt) image_stmt = NULL;
  g_autoptr(sqlite3_stmt) link_stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO images (hash, mime_type, width, height, size, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?)", -1, &image_stmt, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO output_images (output_id, image_hash, position, source, added_at) "
                              "SELECT o.id, ?1, CASE WHEN ?2 >= 0 THEN ?2 ELSE "
                              "  (SELECT COALESCE (MAX (position) + 1, 0) FROM output_images WHERE output_id = o.id) END, ?3, ?4 "
                              "FROM outputs o WHERE o.comparison_id = ?5 AND o.side = ?6",
                          -1, &link_stmt, NULL) != SQLITE_OK)
    {
      sp_store_set_db_error (store, error);
      return NULL;
    }

  sqlite3_bind_text (image_stmt, 1, data->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (image_stmt, 2, data->mime_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (image_stmt, 3, data->width);
  sqlite3_bind_int64 (image_stmt, 4, data->height);
  sqlite3_bind_int64 (image_stmt, 5, (gint64) data->size);
  sqlite3_bind_int64 (image_stmt, 6, now);
  if (!sp_sqlite_step_done (db, image_stmt, error))
    return NULL;

  sqlite3_bind_text (link_stmt, 1, data->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (link_stmt, 2, data->position);
  if (data->source != NULL)
    sqlite3_bind_text (link_stmt, 3, data->source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (link_stmt, 4, now);
  sqlite3_bind_int64 (link_stmt, 5, data->comparison_id);
  sqlite3_bind_text (link_stmt, 6, sp_side_to_string (data->side), -1, SQLITE_STATIC);
  if (!sp_sqlite_step_done (db, link_stmt, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

gboolean
sp_image_store_link_sync (SpStore  *store,
                          gint64    comparison_id,
                          SpSide    side,
                          SpImage  *image,
                          int       position,
                          GError  **error)
{
  LinkData *data;
  gboolean ok;

  g_return_val_if_fail (SP_IS_STORE (store), FALSE);
  g_return_val_if_fail (SP_IS_IMAGE (image), FALSE);
  g_return_val_if_fail (comparison_id > 0, FALSE);

  data = link_data_new (comparison_id, side, image, position);
  ok = sp_store_run_sync (store, link_func, data, error) != NULL;
  link_data_free (data);
  return ok;
}

typedef struct
{
  SpComparison *comparison;
  SpSide        side;
  SpImage      *image;
} AddData;

static void
add_data_free (AddData *data)
{
  g_clear_object (&data->comparison);
  g_clear_object (&data->image);
  g_free (data);
}

static void
link_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (sp_store_run_finish (SP_STORE (object), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sp_comparison_side_add_image (sp_comparison_get_side (data->comparison, data->side), data->image);
  g_task_return_boolean (task, TRUE);
}

void
sp_image_store_add_to_side_async (SpImageStore        *self,
                                  SpComparison        *comparison,
                                  SpSide               side,
                                  SpImage             *image,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddData *data;
  gint64 id;

  g_return_if_fail (SP_IS_IMAGE_STORE (self));
  g_return_if_fail (SP_IS_COMPARISON (comparison));
  g_return_if_fail (SP_IS_IMAGE (image));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_image_store_add_to_side_async);
  data = g_new0 (AddData, 1);
  data->comparison = g_object_ref (comparison);
  data->side = side;
  data->image = g_object_ref (image);
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);

  id = sp_comparison_get_id (comparison);
  if (id <= 0)
    {
      sp_comparison_side_add_image (sp_comparison_get_side (comparison, side), image);
      g_task_return_boolean (task, TRUE);
      return;
    }
  sp_store_run_async (self->store, link_func, link_data_new (id, side, image, -1),
                      (GDestroyNotify) link_data_free, NULL, cancellable,
                      link_cb, g_steal_pointer (&task));
}

gboolean
sp_image_store_add_to_side_finish (SpImageStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Thumbnails                                                          */
/* ------------------------------------------------------------------ */

char *
sp_image_store_dup_thumbnail (SpImageStore  *self,
                              SpImage       *image,
                              guint          size,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SP_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (SP_IS_IMAGE (image), NULL);
  g_return_val_if_fail (size > 0, NULL);

  name = g_strdup_printf ("%s-%u.png", image->hash, size);
  path = g_build_filename (self->thumbnails_dir, name, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* Small images are copied, not blown up. */
  if (image->width > size || image->height > size)
    pixbuf = gdk_pixbuf_new_from_file_at_size (image->path, (int) size, (int) size, &local_error);
  else
    pixbuf = gdk_pixbuf_new_from_file (image->path, &local_error);
  if (pixbuf == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The image “%s” of the library could not be read (%s). It may have been removed from the images folder."),
                   image->path, local_error->message);
      return NULL;
    }

  if (!make_dir (self->thumbnails_dir, error))
    return NULL;
  /* Another thread may make the same thumbnail: each writes its own
   * temporary file and the rename is atomic. */
  tmp = g_strdup_printf ("%s.%p.tmp", path, (void *) g_thread_self ());
  if (!gdk_pixbuf_save (pixbuf, tmp, "png", &local_error, NULL) || g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("The thumbnail could not be saved in “%s”. Check that the disk is not full."),
                   self->thumbnails_dir);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static void
thumbnail_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  SpImage *image = task_data;
  GError *error = NULL;
  guint size = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "size"));
  char *path = sp_image_store_dup_thumbnail (source_object, image, size, cancellable, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

void
sp_image_store_thumbnail_async (SpImageStore        *self,
                                SpImage             *image,
                                guint                size,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_IMAGE_STORE (self));
  g_return_if_fail (SP_IS_IMAGE (image));
  g_return_if_fail (size > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_image_store_thumbnail_async);
  g_task_set_task_data (task, g_object_ref (image), g_object_unref);
  g_object_set_data (G_OBJECT (task), "size", GUINT_TO_POINTER (size));
  g_task_run_in_thread (task, thumbnail_in_thread);
}

char *
sp_image_store_thumbnail_finish (SpImageStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Purge                                                               */
/* ------------------------------------------------------------------ */

static gpointer
purge_func (SpStore   *store,
            gpointer   user_data,
            GError   **error)
{
  sqlite3 *db = sp_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *removed = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (sqlite3_prepare_v2 (db, "DELETE FROM images WHERE NOT EXISTS "
                              "(SELECT 1 FROM output_images l WHERE l.image_hash = images.hash) "
                              "RETURNING hash, mime_type", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_ptr_array_unref (removed);
      sp_store_set_db_error (store, error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (removed, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (removed, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (removed);
      sp_store_set_db_error (store, error);
      return NULL;
    }
  return removed;
}

static void
remove_thumbnails (const char *dir,
                   const char *hash)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, hash))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
}

guint
sp_image_store_purge_unused_sync (SpImageStore  *self,
                                  GError       **error)
{
  g_autoptr(GPtrArray) removed = NULL;

  g_return_val_if_fail (SP_IS_IMAGE_STORE (self), 0);

  removed = sp_store_run_sync (self->store, purge_func, NULL, error);
  if (removed == NULL)
    return 0;

  for (guint i = 0; i + 1 < removed->len; i += 2)
    {
      g_autoptr(SpImage) image = sp_image_new (self->images_dir, removed->pdata[i],
                                               removed->pdata[i + 1], 0, 0, 0, NULL);

      g_unlink (image->path);
      remove_thumbnails (self->thumbnails_dir, image->hash);
    }
  return removed->len / 2;
}
