// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-client-files"

#include "config.h"

#include "sp-client-files.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "sp-client-private.h"
#include "sp-error.h"
#include "sp-json-private.h"

/* The body of an upload: the multipart framing around the file, read
 * piece by piece. Reads run in GIO's worker threads (the default
 * read_async of GInputStream), so opening and reading the file never
 * blocks the main context. */
#define SP_TYPE_UPLOAD_BODY (sp_upload_body_get_type ())
G_DECLARE_FINAL_TYPE (SpUploadBody, sp_upload_body, SP, UPLOAD_BODY, GInputStream)

typedef enum
{
  PART_HEAD,
  PART_FILE,
  PART_TAIL,
  PART_END,
} Part;

struct _SpUploadBody
{
  GInputStream  parent_instance;

  GBytes       *head;
  GFile        *file;
  GInputStream *file_stream;
  guint64       file_size;
  guint64       file_read;
  GBytes       *tail;
  Part          part;
  gsize         pos;
};

G_DEFINE_FINAL_TYPE (SpUploadBody, sp_upload_body, G_TYPE_INPUT_STREAM)

G_DEFINE_BOXED_TYPE (SpUploadedFile, sp_uploaded_file,
                     sp_uploaded_file_copy, sp_uploaded_file_free)

/* What one upload needs across its attempts. */
typedef struct
{
  GFile                *file;
  char                 *purpose;
  char                 *display_name;
  GBytes               *head;
  GBytes               *tail;
  guint64               file_size;
  SpUploadProgressFunc  progress_func;
  gpointer              progress_data;
} Upload;

typedef struct
{
  GFile         *destination;
  GFile         *part;
  GOutputStream *output;
  char          *file_id;
  guint64        bytes;
  GError        *error;
} Download;

static gssize
copy_bytes (SpUploadBody *self,
            GBytes       *bytes,
            void         *buffer,
            gsize         count)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize n = MIN (count, size - self->pos);

  memcpy (buffer, data + self->pos, n);
  self->pos += n;
  if (self->pos == size)
    {
      self->part++;
      self->pos = 0;
    }

  return n;
}

static gssize
read_file_part (SpUploadBody  *self,
                void          *buffer,
                gsize          count,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *name = NULL;
  gssize n;

  if (self->file_read == self->file_size)
    {
      self->part = PART_TAIL;
      return 0;
    }

  if (self->file_stream == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      self->file_stream = G_INPUT_STREAM (g_file_read (self->file, cancellable, &local_error));
      if (self->file_stream == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return -1;
            }
          name = g_file_get_parse_name (self->file);
          g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                       _("Could not read “%s”: %s"), name, local_error->message);
          return -1;
        }
    }

  n = g_input_stream_read (self->file_stream, buffer,
                           MIN (count, self->file_size - self->file_read),
                           cancellable, error);
  if (n < 0)
    return -1;

  if (n == 0)
    {
      name = g_file_get_parse_name (self->file);
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("“%s” became shorter while it was being uploaded. "
                     "Wait until nothing writes to it and upload it again."),
                   name);
      return -1;
    }

  self->file_read += n;
  if (self->file_read == self->file_size)
    self->part = PART_TAIL;

  return n;
}

static gssize
sp_upload_body_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SpUploadBody *self = SP_UPLOAD_BODY (stream);

  while (self->part != PART_END)
    {
      gssize n;

      switch (self->part)
        {
        case PART_HEAD:
          return copy_bytes (self, self->head, buffer, count);

        case PART_FILE:
          n = read_file_part (self, buffer, count, cancellable, error);
          if (n != 0)
            return n;
          break;

        case PART_TAIL:
          return copy_bytes (self, self->tail, buffer, count);

        case PART_END:
        default:
          g_assert_not_reached ();
        }
    }

  return 0;
}

static gboolean
sp_upload_body_close (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  SpUploadBody *self = SP_UPLOAD_BODY (stream);

  if (self->file_stream != NULL)
    return g_input_stream_close (self->file_stream, cancellable, error);

  return TRUE;
}

static GInputStream *
upload_body_new (Upload *upload)
{
  SpUploadBody *self = g_object_new (SP_TYPE_UPLOAD_BODY, NULL);

  self->head = g_bytes_ref (upload->head);
  self->tail = g_bytes_ref (upload->tail);
  self->file = g_object_ref (upload->file);
  self->file_size = upload->file_size;

  return G_INPUT_STREAM (self);
}

static void
upload_free (gpointer data)
{
  Upload *upload = data;

  g_clear_object (&upload->file);
  g_free (upload->purpose);
  g_free (upload->display_name);
  g_clear_pointer (&upload->head, g_bytes_unref);
  g_clear_pointer (&upload->tail, g_bytes_unref);
  g_free (upload);
}

static void
download_free (gpointer data)
{
  Download *download = data;

  g_clear_object (&download->destination);
  g_clear_object (&download->part);
  g_clear_object (&download->output);
  g_free (download->file_id);
  g_clear_error (&download->error);
  g_free (download);
}

/* A quoted-string value of a form-data header: quotes and line breaks
 * percent-encoded, as browsers do. */
static char *
escape_form_value (const char *value)
{
  GString *escaped = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (escaped, "%22");
      else if (*p == '\r')
        g_string_append (escaped, "%0D");
      else if (*p == '\n')
        g_string_append (escaped, "%0A");
      else
        g_string_append_c (escaped, *p);
    }

  return g_string_free (escaped, FALSE);
}

static char *
new_boundary (void)
{
  return g_strdup_printf ("----StarpromptFormBoundary%08x%08x",
                          g_random_int (), g_random_int ());
}

static void
build_framing (Upload     *upload,
               const char *boundary)
{
  g_autofree char *filename = escape_form_value (upload->display_name);
  const char *file_type = g_str_has_suffix (upload->display_name, ".jsonl")
                          ? "application/jsonl" : "application/octet-stream";
  GString *head = g_string_new (NULL);
  GString *tail = g_string_new (NULL);

  g_string_append_printf (head,
                          "--%s\r\n"
                          "Content-Disposition: form-data; name=\"purpose\"\r\n"
                          "\r\n"
                          "%s\r\n"
                          "--%s\r\n"
                          "Content-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                          "Content-Type: %s\r\n"
                          "\r\n",
                          boundary, upload->purpose, boundary, filename, file_type);
  g_string_append_printf (tail, "\r\n--%s--\r\n", boundary);

  upload->head = g_string_free_to_bytes (head);
  upload->tail = g_string_free_to_bytes (tail);
}

static GInputStream *
make_upload_body (gpointer   user_data,
                  goffset   *length,
                  GError   **error)
{
  Upload *upload = user_data;

  *length = g_bytes_get_size (upload->head) + upload->file_size + g_bytes_get_size (upload->tail);

  return upload_body_new (upload);
}

/* Progress in bytes of the file rather than of the whole body. */
static void
upload_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  Upload *upload = user_data;
  goffset head = g_bytes_get_size (upload->head);
  guint64 file_sent = sent > head ? (guint64) (sent - head) : 0;

  if (upload->progress_func != NULL)
    upload->progress_func (MIN (file_sent, upload->file_size), upload->file_size,
                           upload->progress_data);
}

static SpUploadedFile *
take_file (JsonNode  *node,
           GError   **error)
{
  SpUploadedFile *file = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    file = sp_uploaded_file_new_from_json (json_node_get_object (node));

  if (file == NULL)
    g_set_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE,
                 _("The server answered without a file id. "
                   "Check that the provider offers file uploads (/v1/files)."));

  return file;
}

static void
upload_call_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  SpUploadedFile *file;
  GError *error = NULL;

  node = sp_client_call_finish (SP_CLIENT (object), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  file = take_file (node, &error);
  if (file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, file, (GDestroyNotify) sp_uploaded_file_free);
}

static void
query_info_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *boundary = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *name = NULL;
  SpClient *client = g_task_get_source_object (task);
  Upload *upload = g_task_get_task_data (task);
  SpClientCall call = { 0 };

  info = g_file_query_info_finish (G_FILE (object), result, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&local_error));
          return;
        }
      name = g_file_get_parse_name (upload->file);
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_FILE,
                               _("Could not read “%s”: %s"), name, local_error->message);
      return;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      name = g_file_get_parse_name (upload->file);
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_FILE,
                               _("“%s” is not a regular file. Choose the JSONL file to upload."),
                               name);
      return;
    }

  upload->file_size = g_file_info_get_size (info);
  upload->display_name = g_strdup (g_file_info_get_display_name (info));
  boundary = new_boundary ();
  build_framing (upload, boundary);
  content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);

  call.method = SOUP_METHOD_POST;
  call.path = "/files";
  call.error_context = SP_ERROR_CONTEXT_UPLOAD;
  call.content_type = content_type;
  call.body_func = make_upload_body;
  call.body_data = upload;
  call.progress_func = upload_progress_cb;
  call.progress_data = upload;

  sp_client_call_async (client, &call, g_task_get_cancellable (task),
                        upload_call_cb, g_object_ref (task));
}

static void
file_call_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  SpUploadedFile *file;
  GError *error = NULL;

  node = sp_client_call_finish (SP_CLIENT (object), result, &error);
  file = node != NULL ? take_file (node, &error) : NULL;
  if (file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, file, (GDestroyNotify) sp_uploaded_file_free);
}

static void
delete_call_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = sp_client_call_finish (SP_CLIENT (object), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
download_return (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  if (download->error != NULL)
    g_task_return_error (task, g_steal_pointer (&download->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
part_deleted_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_file_delete_finish (G_FILE (object), result, NULL);
  download_return (task);
}

static void
part_moved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  if (g_file_move_finish (G_FILE (object), result, &local_error))
    {
      download_return (task);
      return;
    }

  name = g_file_get_parse_name (download->destination);
  download->error = g_error_new (SP_ERROR, SP_ERROR_BAD_FILE,
                                 _("Could not write “%s”: %s"), name, local_error->message);
  g_file_delete_async (download->part, G_PRIORITY_DEFAULT, NULL,
                       part_deleted_cb, g_steal_pointer (&task));
}

static void
part_closed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &local_error) &&
      download->error == NULL)
    download->error = g_error_new (SP_ERROR, SP_ERROR_BAD_FILE,
                                   _("Could not write the downloaded file: %s"),
                                   local_error->message);

  if (download->error != NULL)
    {
      g_file_delete_async (download->part, G_PRIORITY_DEFAULT, NULL,
                           part_deleted_cb, g_steal_pointer (&task));
      return;
    }

  g_file_move_async (download->part, download->destination,
                     G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                     NULL, NULL, NULL,
                     part_moved_cb, g_steal_pointer (&task));
}

static void
download_call_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;

  node = sp_client_call_finish (SP_CLIENT (object), result, &download->error);
  if (node != NULL)
    download->bytes = json_node_get_int (node);

  /* Closed without the caller's cancellable, so a cancelled download
   * still cleans up after itself. */
  g_output_stream_close_async (download->output, G_PRIORITY_DEFAULT, NULL,
                               part_closed_cb, g_steal_pointer (&task));
}

static void
replace_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileOutputStream) output = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  SpClient *client = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  g_autofree char *escaped = sp_client_escape_id (download->file_id);
  SpClientCall call = { 0 };

  output = g_file_replace_finish (G_FILE (object), result, &local_error);
  if (output == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&local_error));
          return;
        }
      name = g_file_get_parse_name (download->destination);
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_FILE,
                               _("Could not write “%s”: %s"), name, local_error->message);
      return;
    }

  download->output = G_OUTPUT_STREAM (g_steal_pointer (&output));
  path = g_strdup_printf ("/files/%s/content", escaped);

  call.method = SOUP_METHOD_GET;
  call.path = path;
  call.error_context = SP_ERROR_CONTEXT_FILES;
  call.download_to = download->output;

  sp_client_call_async (client, &call, g_task_get_cancellable (task),
                        download_call_cb, g_object_ref (task));
}

static gboolean
check_file_id (GTask      *task,
               const char *file_id)
{
  if (file_id != NULL && *file_id != '\0')
    return TRUE;

  g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("No file id was given. File ids start with “file-”."));
  return FALSE;
}

/* Sends @method /files/FILE_ID for @task (of a SpClient); @callback gets
 * a new reference on @task as its user data. */
static void
call_file (GTask               *task,
           const char          *method,
           const char          *file_id,
           GAsyncReadyCallback  callback)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  SpClientCall call = { 0 };

  if (!check_file_id (task, file_id))
    return;

  escaped = sp_client_escape_id (file_id);
  path = g_strdup_printf ("/files/%s", escaped);
  call.method = method;
  call.path = path;
  call.error_context = SP_ERROR_CONTEXT_FILES;

  sp_client_call_async (g_task_get_source_object (task), &call, g_task_get_cancellable (task),
                        callback, g_object_ref (task));
}

static void
sp_upload_body_finalize (GObject *object)
{
  SpUploadBody *self = SP_UPLOAD_BODY (object);

  g_clear_pointer (&self->head, g_bytes_unref);
  g_clear_pointer (&self->tail, g_bytes_unref);
  g_clear_object (&self->file);
  g_clear_object (&self->file_stream);

  G_OBJECT_CLASS (sp_upload_body_parent_class)->finalize (object);
}

static void
sp_upload_body_class_init (SpUploadBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = sp_upload_body_finalize;
  stream_class->read_fn = sp_upload_body_read;
  stream_class->close_fn = sp_upload_body_close;
}

static void
sp_upload_body_init (SpUploadBody *self)
{
}

SpUploadedFile *
sp_uploaded_file_copy (const SpUploadedFile *file)
{
  SpUploadedFile *copy;

  g_return_val_if_fail (file != NULL, NULL);

  copy = g_new0 (SpUploadedFile, 1);
  copy->id = g_strdup (file->id);
  copy->filename = g_strdup (file->filename);
  copy->purpose = g_strdup (file->purpose);
  copy->status = g_strdup (file->status);
  copy->status_details = g_strdup (file->status_details);
  copy->bytes = file->bytes;
  copy->created_at = file->created_at;

  return copy;
}

void
sp_uploaded_file_free (SpUploadedFile *file)
{
  if (file == NULL)
    return;

  g_free (file->id);
  g_free (file->filename);
  g_free (file->purpose);
  g_free (file->status);
  g_free (file->status_details);
  g_free (file);
}

SpUploadedFile *
sp_uploaded_file_new_from_json (JsonObject *object)
{
  SpUploadedFile *file;
  const char *id;

  g_return_val_if_fail (object != NULL, NULL);

  id = sp_json_get_string (object, "id");
  if (id == NULL || *id == '\0')
    return NULL;

  file = g_new0 (SpUploadedFile, 1);
  file->id = g_strdup (id);
  file->filename = g_strdup (sp_json_get_string (object, "filename"));
  file->purpose = g_strdup (sp_json_get_string (object, "purpose"));
  file->status = g_strdup (sp_json_get_string (object, "status"));
  file->status_details = g_strdup (sp_json_get_string (object, "status_details"));
  file->bytes = MAX (sp_json_get_int (object, "bytes", 0), 0);
  file->created_at = sp_json_get_int (object, "created_at", 0);

  return file;
}

void
sp_client_upload_file_async (SpClient             *self,
                             GFile                *file,
                             const char           *purpose,
                             SpUploadProgressFunc  progress_func,
                             gpointer              progress_data,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Upload *upload;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_client_upload_file_async);
  upload = g_new0 (Upload, 1);
  upload->file = g_object_ref (file);
  upload->purpose = g_strdup (purpose != NULL ? purpose : "fine-tune");
  upload->progress_func = progress_func;
  upload->progress_data = progress_data;
  g_task_set_task_data (task, upload, upload_free);

  g_file_query_info_async (file,
                           G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                           G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                           G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           query_info_cb, g_steal_pointer (&task));
}

SpUploadedFile *
sp_client_upload_file_finish (SpClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_get_file_async (SpClient            *self,
                          const char          *file_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_client_get_file_async);
  call_file (task, SOUP_METHOD_GET, file_id, file_call_cb);
}

SpUploadedFile *
sp_client_get_file_finish (SpClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_client_download_file_async (SpClient            *self,
                               const char          *file_id,
                               GFile               *destination,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *part_path = NULL;
  g_autofree char *path = NULL;
  Download *download;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (G_IS_FILE (destination));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_client_download_file_async);
  if (!check_file_id (task, file_id))
    return;

  path = g_file_get_path (destination);
  if (path == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("Downloads go to a local file; choose a folder on this computer."));
      return;
    }

  download = g_new0 (Download, 1);
  download->destination = g_object_ref (destination);
  download->file_id = g_strdup (file_id);
  part_path = g_strconcat (path, ".part", NULL);
  download->part = g_file_new_for_path (part_path);
  g_task_set_task_data (task, download, download_free);

  g_file_replace_async (download->part, NULL, FALSE, G_FILE_CREATE_NONE,
                        G_PRIORITY_DEFAULT, cancellable, replace_cb, g_steal_pointer (&task));
}

gboolean
sp_client_download_file_finish (SpClient      *self,
                                GAsyncResult  *result,
                                guint64       *bytes,
                                GError       **error)
{
  Download *download;

  g_return_val_if_fail (SP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  download = g_task_get_task_data (G_TASK (result));
  if (bytes != NULL)
    *bytes = download != NULL ? download->bytes : 0;

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sp_client_delete_file_async (SpClient            *self,
                             const char          *file_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_client_delete_file_async);
  call_file (task, SOUP_METHOD_DELETE, file_id, delete_call_cb);
}

gboolean
sp_client_delete_file_finish (SpClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
