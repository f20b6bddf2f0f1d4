// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-job-list"

#include "config.h"

#include "sp-job-list.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sp-error.h"
#include "sp-job-record-private.h"
#include "sp-json-private.h"

#define JOBS_FORMAT    1
#define JOBS_FILE_NAME "jobs.json"

/* SpJobList */

struct _SpJobList
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *records;

  /* Saves write one at a time; one asked for while another is writing
   * waits for it and then writes the list as it is by then. */
  gboolean   saving;
  GPtrArray *waiting_saves;
};

static void sp_job_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SpJobList, sp_job_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, sp_job_list_model_init))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
sp_job_list_get_item_type (GListModel *model)
{
  return SP_TYPE_JOB_RECORD;
}

static guint
sp_job_list_get_n_items (GListModel *model)
{
  return SP_JOB_LIST (model)->records->len;
}

static gpointer
sp_job_list_get_item (GListModel *model,
                      guint       position)
{
  SpJobList *self = SP_JOB_LIST (model);

  if (position >= self->records->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->records, position));
}

static void
sp_job_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sp_job_list_get_item_type;
  iface->get_n_items = sp_job_list_get_n_items;
  iface->get_item = sp_job_list_get_item;
}

/* Newest first; the id breaks ties so that the order is stable. */
static int
compare_records (SpJobRecord *a,
                 SpJobRecord *b)
{
  gint64 a_created_at = sp_job_record_get_created_at (a);
  gint64 b_created_at = sp_job_record_get_created_at (b);

  if (a_created_at != b_created_at)
    return a_created_at > b_created_at ? -1 : 1;
  return -g_strcmp0 (sp_job_record_get_id (a), sp_job_record_get_id (b));
}

static void
insert_sorted (SpJobList   *self,
               SpJobRecord *record)
{
  guint position = 0;

  while (position < self->records->len &&
         compare_records (g_ptr_array_index (self->records, position), record) < 0)
    position++;
  g_ptr_array_insert (self->records, position, g_object_ref (record));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

/* A record whose creation time arrived late moves to its place. */
static void
resort (SpJobList   *self,
        SpJobRecord *record)
{
  guint position = sp_job_list_find (self, sp_job_record_get_id (record));
  g_autoptr(SpJobRecord) kept = NULL;

  if (position == G_MAXUINT)
    return;
  if ((position == 0 || compare_records (g_ptr_array_index (self->records, position - 1), record) < 0) &&
      (position + 1 >= self->records->len ||
       compare_records (record, g_ptr_array_index (self->records, position + 1)) < 0))
    return;

  kept = g_object_ref (record);
  g_ptr_array_remove_index (self->records, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  insert_sorted (self, kept);
}

/* JSON */

static GPtrArray *
records_from_node (JsonNode    *root,
                   const char  *origin,
                   GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *object;
  JsonNode *jobs;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  object = json_node_get_object (root);
  if (sp_json_get_int (object, "format", 0) != JOBS_FORMAT)
    goto bad;
  jobs = json_object_get_member (object, "jobs");
  if (jobs == NULL || !JSON_NODE_HOLDS_ARRAY (jobs))
    goto bad;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (jobs)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (jobs), i);
      SpJobRecord *record;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad;
      record = sp_job_record_new_from_json (json_node_get_object (element));
      if (record == NULL)
        goto bad;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);

bad:
  g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
               _("The list of fine-tuning jobs in “%s” is not in a format Starprompt understands."),
               origin);
  return NULL;
}

/* Loading, in a worker thread */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                               (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_FILE,
                                 _("Could not read the list of fine-tuning jobs: %s"), error->message);
      return;
    }

  records = sp_job_list_records_from_data (data, length, NULL);
  if (records == NULL)
    {
      g_autofree char *aside = g_strconcat (path, ".bad", NULL);

      /* Kept for the person to look at, and out of the way of the next
       * save, which would otherwise write over what it still holds. */
      if (g_rename (path, aside) != 0)
        g_warning ("Could not move %s aside: %s", path, g_strerror (errno));
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_FILE,
                               _("The list of fine-tuning jobs could not be read; it was kept as “%s”. "
                                 "The jobs themselves are still on the server: refresh the list to see them."),
                               aside);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

/* Saving, in a worker thread */

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SpJobList *self = source_object;
  const char *data = task_data;
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_FILE,
                               _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return;
    }
  if (!g_file_set_contents_full (self->path, data, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_BAD_FILE,
                               _("Could not save the list of fine-tuning jobs: %s"), error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void start_save (SpJobList *self);

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SpJobList *self = SP_JOB_LIST (object);
  g_autoptr(GPtrArray) tasks = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      for (guint i = 0; i < tasks->len; i++)
        g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
    }
  else
    {
      for (guint i = 0; i < tasks->len; i++)
        g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
    }

  if (self->waiting_saves->len > 0)
    start_save (self);
}

static void
start_save (SpJobList *self)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *tasks;

  g_assert (!self->saving);

  tasks = g_steal_pointer (&self->waiting_saves);
  self->waiting_saves = g_ptr_array_new_with_free_func (g_object_unref);
  self->saving = TRUE;

  task = g_task_new (self, NULL, save_done_cb, tasks);
  g_task_set_source_tag (task, start_save);
  g_task_set_task_data (task, sp_job_list_to_data (self), g_free);
  g_task_run_in_thread (task, save_thread);
}

static void
sp_job_list_dispose (GObject *object)
{
  SpJobList *self = SP_JOB_LIST (object);

  g_ptr_array_set_size (self->records, 0);

  G_OBJECT_CLASS (sp_job_list_parent_class)->dispose (object);
}

static void
sp_job_list_finalize (GObject *object)
{
  SpJobList *self = SP_JOB_LIST (object);

  g_free (self->path);
  g_ptr_array_unref (self->records);
  g_ptr_array_unref (self->waiting_saves);

  G_OBJECT_CLASS (sp_job_list_parent_class)->finalize (object);
}

static void
sp_job_list_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SpJobList *self = SP_JOB_LIST (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_job_list_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SpJobList *self = SP_JOB_LIST (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = sp_job_list_dup_default_path ();
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_job_list_class_init (SpJobListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_job_list_dispose;
  object_class->finalize = sp_job_list_finalize;
  object_class->get_property = sp_job_list_get_property;
  object_class->set_property = sp_job_list_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_job_list_init (SpJobList *self)
{
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
  self->waiting_saves = g_ptr_array_new_with_free_func (g_object_unref);
}

SpJobList *
sp_job_list_new (void)
{
  return g_object_new (SP_TYPE_JOB_LIST, NULL);
}

SpJobList *
sp_job_list_new_for_path (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (SP_TYPE_JOB_LIST, "path", path, NULL);
}

char *
sp_job_list_dup_default_path (void)
{
  const char *data_dir = g_getenv ("STARPROMPT_DATA_DIR");

  if (data_dir != NULL && *data_dir != '\0')
    return g_build_filename (data_dir, JOBS_FILE_NAME, NULL);
  return g_build_filename (g_get_user_data_dir (), "starprompt", JOBS_FILE_NAME, NULL);
}

const char *
sp_job_list_get_path (SpJobList *self)
{
  g_return_val_if_fail (SP_IS_JOB_LIST (self), NULL);

  return self->path;
}

void
sp_job_list_load_async (SpJobList           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_JOB_LIST (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_job_list_load_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
sp_job_list_load_finish (SpJobList     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (SP_IS_JOB_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  records = g_task_propagate_pointer (G_TASK (result), error);
  if (records == NULL)
    return FALSE;

  for (guint i = 0; i < records->len; i++)
    sp_job_list_add (self, g_ptr_array_index (records, i));
  return TRUE;
}

void
sp_job_list_save_async (SpJobList           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SP_IS_JOB_LIST (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_job_list_save_async);
  g_ptr_array_add (self->waiting_saves, g_steal_pointer (&task));
  if (!self->saving)
    start_save (self);
}

gboolean
sp_job_list_save_finish (SpJobList     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (SP_IS_JOB_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

SpJobRecord *
sp_job_list_lookup (SpJobList  *self,
                    const char *id)
{
  guint position;

  g_return_val_if_fail (SP_IS_JOB_LIST (self), NULL);

  position = sp_job_list_find (self, id);
  return position == G_MAXUINT ? NULL : g_ptr_array_index (self->records, position);
}

guint
sp_job_list_find (SpJobList  *self,
                  const char *id)
{
  g_return_val_if_fail (SP_IS_JOB_LIST (self), G_MAXUINT);

  for (guint i = 0; id != NULL && i < self->records->len; i++)
    if (g_strcmp0 (sp_job_record_get_id (g_ptr_array_index (self->records, i)), id) == 0)
      return i;
  return G_MAXUINT;
}

SpJobRecord *
sp_job_list_add (SpJobList   *self,
                 SpJobRecord *record)
{
  SpJobRecord *known;

  g_return_val_if_fail (SP_IS_JOB_LIST (self), NULL);
  g_return_val_if_fail (SP_IS_JOB_RECORD (record), NULL);

  known = sp_job_list_lookup (self, sp_job_record_get_id (record));
  if (known != NULL)
    return known;
  insert_sorted (self, record);
  return record;
}

SpJobRecord *
sp_job_list_update (SpJobList           *self,
                    const SpFineTuneJob *job,
                    const char          *provider_id)
{
  SpJobRecord *record;
  gint64 created_at;

  g_return_val_if_fail (SP_IS_JOB_LIST (self), NULL);
  g_return_val_if_fail (job != NULL && job->id != NULL, NULL);

  record = sp_job_list_lookup (self, job->id);
  if (record == NULL)
    {
      g_autoptr(SpJobRecord) added = sp_job_record_new_from_job (job, provider_id);

      return sp_job_list_add (self, added);
    }

  created_at = sp_job_record_get_created_at (record);
  sp_job_record_update_from_job (record, job);
  if (sp_job_record_get_provider_id (record) == NULL)
    sp_job_record_set_provider_id (record, provider_id);
  if (created_at != sp_job_record_get_created_at (record))
    resort (self, record);
  return record;
}

guint
sp_job_list_merge (SpJobList  *self,
                   GPtrArray  *jobs,
                   const char *provider_id)
{
  guint n_new = 0;

  g_return_val_if_fail (SP_IS_JOB_LIST (self), 0);
  g_return_val_if_fail (jobs != NULL, 0);

  for (guint i = 0; i < jobs->len; i++)
    {
      const SpFineTuneJob *job = g_ptr_array_index (jobs, i);

      if (job == NULL || job->id == NULL)
        continue;
      if (sp_job_list_lookup (self, job->id) == NULL)
        n_new++;
      sp_job_list_update (self, job, provider_id);
    }
  return n_new;
}

gboolean
sp_job_list_remove (SpJobList  *self,
                    const char *id)
{
  guint position;

  g_return_val_if_fail (SP_IS_JOB_LIST (self), FALSE);

  position = sp_job_list_find (self, id);
  if (position == G_MAXUINT)
    return FALSE;
  g_ptr_array_remove_index (self->records, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}

char *
sp_job_list_to_data (SpJobList *self)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *jobs = json_array_new ();

  g_return_val_if_fail (SP_IS_JOB_LIST (self), NULL);

  for (guint i = 0; i < self->records->len; i++)
    json_array_add_element (jobs, sp_job_record_to_json (g_ptr_array_index (self->records, i)));
  json_object_set_int_member (object, "format", JOBS_FORMAT);
  json_object_set_array_member (object, "jobs", jobs);
  json_node_take_object (root, object);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

GPtrArray *
sp_job_list_records_from_data (const char  *data,
                               gssize       length,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The list of fine-tuning jobs is not valid JSON: %s"), parse_error->message);
      return NULL;
    }
  return records_from_node (json_parser_get_root (parser), JOBS_FILE_NAME, error);
}
