// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-client.h"

G_BEGIN_DECLS

/* A file on the server, as /v1/files describes it. */
#define SP_TYPE_UPLOADED_FILE (sp_uploaded_file_get_type ())
typedef struct
{
  char   *id;              /* "file-…" */
  char   *filename;
  char   *purpose;         /* "fine-tune", "fine-tune-results", … */
  char   *status;          /* "uploaded", "processed", "error"; may be NULL */
  char   *status_details;  /* may be NULL */
  guint64 bytes;
  gint64  created_at;      /* Unix seconds, 0 when not given */
} SpUploadedFile;

GType           sp_uploaded_file_get_type       (void) G_GNUC_CONST;
SpUploadedFile *sp_uploaded_file_copy           (const SpUploadedFile *file);
void            sp_uploaded_file_free           (SpUploadedFile       *file);
/* NULL when @object has no "id". */
SpUploadedFile *sp_uploaded_file_new_from_json  (JsonObject           *object);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpUploadedFile, sp_uploaded_file_free)

/* Bytes of the file sent so far, out of @total (the file's size). Called
 * on the caller's main context; starts again from 0 if the upload is
 * retried. */
typedef void (*SpUploadProgressFunc) (guint64  sent,
                                      guint64  total,
                                      gpointer user_data);

/* POST /v1/files as a streamed multipart/form-data body: the file is read
 * piece by piece while it is sent, never held in memory. @purpose NULL
 * means "fine-tune". Fails with SP_ERROR_BAD_FILE when the file cannot be
 * read or the server rejects it (with the server's reason), with
 * G_IO_ERROR_CANCELLED when @cancellable is cancelled. */
void            sp_client_upload_file_async     (SpClient             *self,
                                                 GFile                *file,
                                                 const char           *purpose,
                                                 SpUploadProgressFunc  progress_func,
                                                 gpointer              progress_data,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
SpUploadedFile *sp_client_upload_file_finish    (SpClient             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* GET /v1/files/{id}. */
void            sp_client_get_file_async        (SpClient             *self,
                                                 const char           *file_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
SpUploadedFile *sp_client_get_file_finish       (SpClient             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* GET /v1/files/{id}/content, streamed into @destination (a result file
 * of a fine-tuning job, say). It is written to "DESTINATION.part" and
 * moved into place only once complete; on failure nothing is left. */
void            sp_client_download_file_async   (SpClient             *self,
                                                 const char           *file_id,
                                                 GFile                *destination,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        sp_client_download_file_finish  (SpClient             *self,
                                                 GAsyncResult         *result,
                                                 guint64              *bytes,
                                                 GError              **error);

/* DELETE /v1/files/{id}. */
void            sp_client_delete_file_async     (SpClient             *self,
                                                 const char           *file_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        sp_client_delete_file_finish    (SpClient             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
