// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-store"

#include "config.h"

#include "sp-store.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sp-error.h"
#include "sp-example-private.h"
#include "sp-sqlite-private.h"

#define BUSY_TIMEOUT_MS 10000

/* ------------------------------------------------------------------ */
/* SpStoreBatch                                                        */
/* ------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (SpStoreBatch, sp_store_batch, sp_store_batch_copy, sp_store_batch_free)

SpStoreBatch *
sp_store_batch_copy (const SpStoreBatch *batch)
{
  SpStoreBatch *copy;

  g_return_val_if_fail (batch != NULL, NULL);

  copy = g_memdup2 (batch, sizeof *batch);
  copy->key = g_strdup (batch->key);
  copy->model = g_strdup (batch->model);
  copy->template_json = g_strdup (batch->template_json);
  copy->format = g_strdup (batch->format);

  return copy;
}

void
sp_store_batch_free (SpStoreBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->key);
  g_free (batch->model);
  g_free (batch->template_json);
  g_free (batch->format);
  g_free (batch);
}

/* ------------------------------------------------------------------ */
/* SpStore                                                             */
/* ------------------------------------------------------------------ */

/* The worker lives apart from the SpStore so that the store may be
 * finalized from the worker thread itself (a GTask dropped there). */
typedef struct
{
  gatomicrefcount  ref_count;
  GAsyncQueue     *queue;
  GThread         *thread;
  sqlite3         *db;
  char            *path;
} Worker;

typedef struct
{
  SpStoreFunc     func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
  SpStore        *store;
  GTask          *task;
  gboolean        quit;

  /* Synchronous jobs wait on these. */
  GMutex          mutex;
  GCond           cond;
  gboolean        done;
  gpointer        result;
  GError         *error;
} Job;

struct _SpStore
{
  GObject  parent_instance;

  Worker  *worker;
};

G_DEFINE_FINAL_TYPE (SpStore, sp_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GPrivate current_worker;

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;
  g_assert (worker->db == NULL);
  g_async_queue_unref (worker->queue);
  g_free (worker->path);
  g_free (worker);
}

static const char schema_v1[] =
  "CREATE TABLE templates ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  json TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE stories ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL,"
  "  text TEXT NOT NULL,"
  "  builtin INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE VIRTUAL TABLE stories_fts USING fts5("
  "  title, text, content='stories', content_rowid='id');"
  "CREATE TRIGGER stories_ai AFTER INSERT ON stories BEGIN"
  "  INSERT INTO stories_fts (rowid, title, text) VALUES (new.id, new.title, new.text);"
  "END;"
  "CREATE TRIGGER stories_ad AFTER DELETE ON stories BEGIN"
  "  INSERT INTO stories_fts (stories_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);"
  "END;"
  "CREATE TRIGGER stories_au AFTER UPDATE ON stories BEGIN"
  "  INSERT INTO stories_fts (stories_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);"
  "  INSERT INTO stories_fts (rowid, title, text) VALUES (new.id, new.title, new.text);"
  "END;"
  "CREATE TABLE batches ("
  "  id INTEGER PRIMARY KEY,"
  "  key TEXT UNIQUE,"
  "  model TEXT NOT NULL,"
  "  template_json TEXT NOT NULL,"
  "  format TEXT NOT NULL DEFAULT 'chat' CHECK (format IN ('chat', 'completion')),"
  "  pair_mode TEXT NOT NULL DEFAULT 'full' CHECK (pair_mode IN ('full', 'short')),"
  "  seed INTEGER NOT NULL,"
  "  concurrency INTEGER NOT NULL,"
  "  rpm INTEGER NOT NULL DEFAULT 0,"
  "  n_items INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE batch_items ("
  "  id INTEGER PRIMARY KEY,"
  "  batch_id INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  story_id INTEGER REFERENCES stories (id) ON DELETE SET NULL,"
  "  story_title TEXT NOT NULL,"
  "  story_text TEXT NOT NULL,"
  "  full_prompt TEXT NOT NULL,"
  "  short_prompt TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (status IN ('pending', 'running', 'done', 'failed', 'rejected')),"
  "  output TEXT,"
  "  cleaned_output TEXT,"
  "  error TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  prompt_tokens INTEGER,"
  "  completion_tokens INTEGER,"
  "  cost INTEGER,"
  "  duplicate INTEGER NOT NULL DEFAULT 0,"
  "  pair_mode TEXT NOT NULL DEFAULT 'full' CHECK (pair_mode IN ('full', 'short')),"
  "  finished_at INTEGER,"
  "  UNIQUE (batch_id, position));"
  "CREATE INDEX batch_items_status ON batch_items (batch_id, status, position);"
  "CREATE INDEX batch_items_output ON batch_items (batch_id, cleaned_output);"
  "CREATE TABLE usage ("
  "  id INTEGER PRIMARY KEY,"
  "  created_at INTEGER NOT NULL,"
  "  model TEXT NOT NULL,"
  "  prompt_tokens INTEGER,"
  "  completion_tokens INTEGER,"
  "  cost INTEGER,"
  "  batch_id INTEGER REFERENCES batches (id) ON DELETE SET NULL,"
  "  item_id INTEGER REFERENCES batch_items (id) ON DELETE SET NULL);"
  "CREATE INDEX usage_batch ON usage (batch_id);";

/* Comparisons of two models, the output of each side, the images of each
 * output (the files are content-addressed in images/ beside the database:
 * a row per distinct image, a link per use), the vote and the notes.
 * A deleted comparison keeps its rows with deleted_at set until it is
 * purged, so that a delete can be undone. */
static const char schema_v2[] =
  "CREATE TABLE comparisons ("
  "  id INTEGER PRIMARY KEY,"
  "  subject TEXT NOT NULL,"
  "  story TEXT NOT NULL DEFAULT '',"
  "  blind INTEGER NOT NULL DEFAULT 0,"
  "  blind_seed INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted_at INTEGER);"
  "CREATE INDEX comparisons_order ON comparisons (created_at DESC, id DESC);"
  "CREATE TABLE outputs ("
  "  id INTEGER PRIMARY KEY,"
  "  comparison_id INTEGER NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,"
  "  side TEXT NOT NULL CHECK (side IN ('a', 'b')),"
  "  provider_id TEXT,"
  "  model TEXT NOT NULL,"
  "  prompt_mode TEXT NOT NULL DEFAULT 'full' CHECK (prompt_mode IN ('full', 'short')),"
  "  cleaner INTEGER NOT NULL DEFAULT 1,"
  "  raw_text TEXT NOT NULL DEFAULT '',"
  "  cleaned_text TEXT NOT NULL DEFAULT '',"
  "  prompt_tokens INTEGER,"
  "  completion_tokens INTEGER,"
  "  cost INTEGER,"
  "  error TEXT,"
  "  UNIQUE (comparison_id, side));"
  "CREATE INDEX outputs_model ON outputs (model);"
  "CREATE TABLE images ("
  "  hash TEXT PRIMARY KEY,"
  "  mime_type TEXT NOT NULL,"
  "  width INTEGER NOT NULL,"
  "  height INTEGER NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE output_images ("
  "  id INTEGER PRIMARY KEY,"
  "  output_id INTEGER NOT NULL REFERENCES outputs (id) ON DELETE CASCADE,"
  "  image_hash TEXT NOT NULL REFERENCES images (hash),"
  "  position INTEGER NOT NULL,"
  "  source TEXT,"
  "  added_at INTEGER NOT NULL,"
  "  UNIQUE (output_id, image_hash));"
  "CREATE INDEX output_images_output ON output_images (output_id, position);"
  "CREATE INDEX output_images_image ON output_images (image_hash);"
  "CREATE TABLE votes ("
  "  comparison_id INTEGER PRIMARY KEY REFERENCES comparisons (id) ON DELETE CASCADE,"
  "  winner TEXT NOT NULL CHECK (winner IN ('a', 'b', 'tie', 'both-bad')),"
  "  voted_at INTEGER NOT NULL);"
  "CREATE TABLE notes ("
  "  comparison_id INTEGER PRIMARY KEY REFERENCES comparisons (id) ON DELETE CASCADE,"
  "  text TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "ALTER TABLE usage ADD COLUMN comparison_id INTEGER REFERENCES comparisons (id) ON DELETE SET NULL;";

static gboolean
seed_builtin_stories (sqlite3  *db,
                      GError  **error)
{
  g_autoptr(GListModel) stories = sp_story_get_builtin ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  stmt = sp_sqlite_prepare (db, "INSERT INTO stories (title, text, builtin, created_at, updated_at) "
                                "VALUES (?, ?, 1, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, i);

      sqlite3_reset (stmt);
      sp_sqlite_bind_text (stmt, 1, sp_story_get_title (story));
      sp_sqlite_bind_text (stmt, 2, sp_story_get_text (story));
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, now);
      if (!sp_sqlite_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static int
read_user_version (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

/* Each migration takes the database from version i to i + 1. */
static gboolean
migrate (sqlite3  *db,
         GError  **error)
{
  int version = read_user_version (db);
  gboolean ok;

  if (version < 0)
    {
      sp_sqlite_set_error (error, db);
      return FALSE;
    }
  if (version > SP_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The library was written by a newer version of Starprompt (schema %d). Update Starprompt to open it."),
                   version);
      return FALSE;
    }
  if (version == SP_STORE_SCHEMA_VERSION)
    return TRUE;

  if (!sp_sqlite_begin (db, error))
    return FALSE;
  /* Another process may have migrated while we waited for the lock. */
  version = read_user_version (db);
  ok = TRUE;
  if (version < 1)
    ok = sp_sqlite_exec (db, schema_v1, error) && seed_builtin_stories (db, error);
  if (ok && version < 2)
    ok = sp_sqlite_exec (db, schema_v2, error);
  if (ok)
    ok = sp_sqlite_exec (db, "PRAGMA user_version = " G_STRINGIFY (SP_STORE_SCHEMA_VERSION), error);

  return sp_sqlite_commit_or_rollback (db, ok, error);
}

static gboolean
open_db (Worker   *worker,
         GError  **error)
{
  g_autofree char *dir = g_path_get_dirname (worker->path);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("The folder “%s” for the library could not be created: %s."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (sqlite3_open_v2 (worker->path, &db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The library “%s” could not be opened (%s)."),
                   worker->path, db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW ||
      g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The library “%s” could not be opened: it is not a database or it is damaged (%s)."),
                   worker->path, sqlite3_errmsg (db));
      g_clear_pointer (&stmt, sqlite3_finalize);
      sqlite3_close (db);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!sp_sqlite_exec (db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", error) ||
      !migrate (db, error))
    {
      sqlite3_close (db);
      return FALSE;
    }

  worker->db = db;
  return TRUE;
}

static void
job_free (Job *job)
{
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  g_clear_object (&job->task);
  g_free (job);
}

static gboolean
return_job_cb (gpointer user_data)
{
  Job *job = user_data;

  if (job->error != NULL)
    {
      if (job->result != NULL && job->result_free != NULL)
        job->result_free (job->result);
      g_task_return_error (job->task, g_steal_pointer (&job->error));
    }
  else if (!g_task_return_error_if_cancelled (job->task))
    g_task_return_pointer (job->task, job->result, job->result_free);
  else if (job->result != NULL && job->result_free != NULL)
    job->result_free (job->result);
  job_free (job);

  return G_SOURCE_REMOVE;
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *worker = user_data;

  g_private_set (&current_worker, worker);

  for (;;)
    {
      Job *job = g_async_queue_pop (worker->queue);
      gboolean quit = job->quit;

      if (job->task != NULL)
        {
          /* The task goes back to its own context to return, so that its
           * last reference (and the store's) is never dropped here. */
          if (!g_cancellable_is_cancelled (g_task_get_cancellable (job->task)))
            job->result = job->func (g_task_get_source_object (job->task), job->data, &job->error);
          g_main_context_invoke (g_task_get_context (job->task), return_job_cb, job);
        }
      else if (quit)
        {
          g_free (job);
        }
      else
        {
          /* A synchronous job: the caller owns it and frees it. */
          job->result = job->func (job->store, job->data, &job->error);
          g_mutex_lock (&job->mutex);
          job->done = TRUE;
          g_cond_signal (&job->cond);
          g_mutex_unlock (&job->mutex);
        }

      if (quit)
        break;
    }

  if (worker->db != NULL)
    {
      sqlite3_close (worker->db);
      worker->db = NULL;
    }
  g_private_set (&current_worker, NULL);
  worker_unref (worker);

  return NULL;
}

static gboolean
in_worker (SpStore *self)
{
  return self->worker != NULL && g_private_get (&current_worker) == self->worker;
}

static gpointer
open_func (SpStore   *store,
           gpointer   data,
           GError   **error)
{
  Worker *worker = data;

  return open_db (worker, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
sp_store_dispose (GObject *object)
{
  SpStore *self = (SpStore *) object;

  if (self->worker != NULL)
    {
      Worker *worker = g_steal_pointer (&self->worker);
      GThread *thread = g_steal_pointer (&worker->thread);
      Job *quit = g_new0 (Job, 1);

      quit->quit = TRUE;
      g_async_queue_push (worker->queue, quit);
      if (thread != NULL)
        {
          if (g_private_get (&current_worker) == worker)
            g_thread_unref (thread);
          else
            g_thread_join (thread);
        }
      worker_unref (worker);
    }

  G_OBJECT_CLASS (sp_store_parent_class)->dispose (object);
}

static void
sp_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SpStore *self = SP_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, sp_store_get_path (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_store_class_init (SpStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_store_dispose;
  object_class->get_property = sp_store_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_store_init (SpStore *self)
{
}

char *
sp_store_get_default_path (void)
{
  const char *data_dir = g_getenv ("STARPROMPT_DATA_DIR");

  if (data_dir != NULL && *data_dir != '\0')
    return g_build_filename (data_dir, "library.db", NULL);
  return g_build_filename (g_get_user_data_dir (), "starprompt", "library.db", NULL);
}

SpStore *
sp_store_new (const char  *path,
              GError     **error)
{
  g_autoptr(SpStore) self = g_object_new (SP_TYPE_STORE, NULL);
  Worker *worker = g_new0 (Worker, 1);

  g_atomic_ref_count_init (&worker->ref_count);
  worker->queue = g_async_queue_new ();
  worker->path = path != NULL ? g_strdup (path) : sp_store_get_default_path ();
  self->worker = worker;
  worker->thread = g_thread_new ("sp-store", worker_main, worker_ref (worker));

  if (sp_store_run_sync (self, open_func, worker, error) == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

static void
new_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  SpStore *store = sp_store_new (task_data, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
sp_store_new_async (const char          *path,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sp_store_new_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, new_in_thread);
}

SpStore *
sp_store_new_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
sp_store_get_path (SpStore *self)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return self->worker != NULL ? self->worker->path : NULL;
}

void
sp_store_run_async (SpStore             *self,
                    SpStoreFunc          func,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GDestroyNotify       result_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  Job *job;

  g_return_if_fail (SP_IS_STORE (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (self->worker != NULL);

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, sp_store_run_async);
  /* The callback may read @data back from the result. */
  g_task_set_task_data (job->task, data, data_free);
  job->data_free = NULL;
  g_async_queue_push (self->worker->queue, job);
}

gpointer
sp_store_run_finish (SpStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gpointer
sp_store_run_sync (SpStore      *self,
                   SpStoreFunc   func,
                   gpointer      data,
                   GError      **error)
{
  Job job = { 0 };

  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  g_return_val_if_fail (self->worker != NULL, NULL);

  if (in_worker (self))
    return func (self, data, error);

  job.func = func;
  job.data = data;
  job.store = self;
  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);
  g_async_queue_push (self->worker->queue, &job);

  g_mutex_lock (&job.mutex);
  while (!job.done)
    g_cond_wait (&job.cond, &job.mutex);
  g_mutex_unlock (&job.mutex);
  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);

  if (job.error != NULL)
    g_propagate_error (error, job.error);
  return job.result;
}

gpointer
sp_store_get_db (SpStore *self)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  g_return_val_if_fail (in_worker (self), NULL);

  return self->worker->db;
}

void
sp_store_set_db_error (SpStore  *self,
                       GError  **error)
{
  g_return_if_fail (SP_IS_STORE (self));
  g_return_if_fail (in_worker (self));

  sp_sqlite_set_error (error, self->worker->db);
}

char *
sp_store_dup_data_dir (SpStore *self)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  g_return_val_if_fail (self->worker != NULL, NULL);

  return g_path_get_dirname (self->worker->path);
}

char *
sp_store_dup_images_dir (SpStore *self)
{
  g_autofree char *dir = sp_store_dup_data_dir (self);

  return dir != NULL ? g_build_filename (dir, "images", NULL) : NULL;
}

char *
sp_store_dup_thumbnails_dir (SpStore *self)
{
  g_autofree char *dir = sp_store_dup_data_dir (self);

  return dir != NULL ? g_build_filename (dir, "thumbnails", NULL) : NULL;
}

#define DB(store) ((sqlite3 *) sp_store_get_db (store))

/* ------------------------------------------------------------------ */
/* Small queries                                                       */
/* ------------------------------------------------------------------ */

static gpointer
schema_version_func (SpStore   *store,
                     gpointer   data,
                     GError   **error)
{
  int *version = data;

  *version = read_user_version (DB (store));
  return GINT_TO_POINTER (TRUE);
}

int
sp_store_get_schema_version_sync (SpStore  *self,
                                  GError  **error)
{
  int version = -1;

  g_return_val_if_fail (SP_IS_STORE (self), -1);
  sp_store_run_sync (self, schema_version_func, &version, error);
  return version;
}

static gpointer
integrity_func (SpStore   *store,
                gpointer   data,
                GError   **error)
{
  sqlite3 *db = DB (store);
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, "PRAGMA integrity_check", error);
  g_autoptr(GString) out = g_string_new (NULL);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, (const char *) sqlite3_column_text (stmt, 0));
    }
  if (rc != SQLITE_DONE)
    {
      sp_sqlite_set_error (error, db);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
sp_store_check_integrity_sync (SpStore  *self,
                               GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return sp_store_run_sync (self, integrity_func, NULL, error);
}

/* ------------------------------------------------------------------ */
/* Stories                                                             */
/* ------------------------------------------------------------------ */

static GQuark
story_id_quark (void)
{
  return g_quark_from_static_string ("sp-store-story-id");
}

static void
set_story_id (SpStory *story,
              gint64   id)
{
  g_object_set_qdata_full (G_OBJECT (story), story_id_quark (),
                           g_memdup2 (&id, sizeof id), g_free);
}

gint64
sp_store_story_get_id (SpStory *story)
{
  gint64 *id;

  g_return_val_if_fail (SP_IS_STORY (story), 0);
  id = g_object_get_qdata (G_OBJECT (story), story_id_quark ());
  return id != NULL ? *id : 0;
}

/* Plain words become an FTS5 query of quoted prefixes, so that no
 * character of the user's text is read as FTS syntax. */
static char *
make_fts_query (const char *query)
{
  g_auto(GStrv) words = g_strsplit_set (query, " \t\n\r", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, '"');
      for (const char *p = words[i]; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append (out, "\"*");
    }
  return g_string_free (g_steal_pointer (&out), out->len == 0);
}

static gpointer
list_stories_func (SpStore   *store,
                   gpointer   data,
                   GError   **error)
{
  sqlite3 *db = DB (store);
  const char *query = data;
  g_autofree char *fts = query != NULL ? make_fts_query (query) : NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GListStore) list = g_list_store_new (SP_TYPE_STORY);
  int rc;

  if (fts != NULL)
    {
      stmt = sp_sqlite_prepare (db, "SELECT s.id, s.title, s.text FROM stories_fts f "
                                    "JOIN stories s ON s.id = f.rowid "
                                    "WHERE stories_fts MATCH ? ORDER BY rank", error);
      if (stmt != NULL)
        sp_sqlite_bind_text (stmt, 1, fts);
    }
  else
    stmt = sp_sqlite_prepare (db, "SELECT id, title, text FROM stories ORDER BY title COLLATE NOCASE, id", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(SpStory) story = sp_story_new ((const char *) sqlite3_column_text (stmt, 1),
                                               (const char *) sqlite3_column_text (stmt, 2));

      set_story_id (story, sqlite3_column_int64 (stmt, 0));
      g_list_store_append (list, story);
    }
  if (rc != SQLITE_DONE)
    {
      sp_sqlite_set_error (error, db);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GListModel *
sp_store_list_stories_sync (SpStore     *self,
                            const char  *query,
                            GError     **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return sp_store_run_sync (self, list_stories_func, (gpointer) query, error);
}

void
sp_store_list_stories_async (SpStore             *self,
                             const char          *query,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SP_IS_STORE (self));
  sp_store_run_async (self, list_stories_func, g_strdup (query), g_free,
                      g_object_unref, cancellable, callback, user_data);
}

GListModel *
sp_store_list_stories_finish (SpStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return sp_store_run_finish (self, result, error);
}

typedef struct
{
  gint64  id;
  char   *title;
  char   *text;
} StoryData;

static void
story_data_free (StoryData *data)
{
  g_free (data->title);
  g_free (data->text);
  g_free (data);
}

static gpointer
save_story_func (SpStore   *store,
                 gpointer   data,
                 GError   **error)
{
  sqlite3 *db = DB (store);
  StoryData *story = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (story->id > 0)
    stmt = sp_sqlite_prepare (db, "UPDATE stories SET title = ?1, text = ?2, updated_at = ?3 WHERE id = ?4", error);
  else
    stmt = sp_sqlite_prepare (db, "INSERT INTO stories (title, text, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)", error);
  if (stmt == NULL)
    return NULL;
  sp_sqlite_bind_text (stmt, 1, story->title);
  sp_sqlite_bind_text (stmt, 2, story->text);
  sqlite3_bind_int64 (stmt, 3, now);
  if (story->id > 0)
    sqlite3_bind_int64 (stmt, 4, story->id);
  if (!sp_sqlite_step_done (db, stmt, error))
    return NULL;

  if (story->id > 0 && sqlite3_changes (db) == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("This story is no longer in the library; it may have been deleted."));
      return NULL;
    }
  if (story->id <= 0)
    story->id = sqlite3_last_insert_rowid (db);

  return g_memdup2 (&story->id, sizeof story->id);
}

static StoryData *
story_data_new (SpStory *story)
{
  StoryData *data = g_new0 (StoryData, 1);

  data->id = sp_store_story_get_id (story);
  data->title = g_strdup (sp_story_get_title (story));
  data->text = g_strdup (sp_story_get_text (story));
  if (data->title == NULL)
    data->title = g_strdup ("");
  if (data->text == NULL)
    data->text = g_strdup ("");
  return data;
}

gboolean
sp_store_save_story_sync (SpStore  *self,
                          SpStory  *story,
                          GError  **error)
{
  StoryData *data;
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  g_return_val_if_fail (SP_IS_STORY (story), FALSE);

  data = story_data_new (story);
  id = sp_store_run_sync (self, save_story_func, data, error);
  story_data_free (data);
  if (id == NULL)
    return FALSE;
  set_story_id (story, *id);
  return TRUE;
}

static void
save_story_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autofree gint64 *id = sp_store_run_finish (SP_STORE (object), result, &error);

  if (id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  set_story_id (g_task_get_task_data (task), *id);
  g_task_return_boolean (task, TRUE);
}

void
sp_store_save_story_async (SpStore             *self,
                           SpStory             *story,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_STORE (self));
  g_return_if_fail (SP_IS_STORY (story));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_store_save_story_async);
  g_task_set_task_data (task, g_object_ref (story), g_object_unref);
  sp_store_run_async (self, save_story_func, story_data_new (story),
                      (GDestroyNotify) story_data_free, g_free,
                      cancellable, save_story_cb, task);
}

gboolean
sp_store_save_story_finish (SpStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
add_stories_func (SpStore   *store,
                  gpointer   data,
                  GError   **error)
{
  sqlite3 *db = DB (store);
  GPtrArray *stories = data;
  gboolean ok;

  if (!sp_sqlite_begin (db, error))
    return NULL;
  ok = TRUE;
  for (guint i = 0; ok && i < stories->len; i++)
    {
      g_autofree gpointer id = save_story_func (store, g_ptr_array_index (stories, i), error);

      ok = id != NULL;
    }
  if (!sp_sqlite_commit_or_rollback (db, ok, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

guint
sp_store_add_stories_sync (SpStore     *self,
                           GListModel  *stories,
                           GError     **error)
{
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func ((GDestroyNotify) story_data_free);
  guint n;

  g_return_val_if_fail (SP_IS_STORE (self), 0);
  g_return_val_if_fail (G_IS_LIST_MODEL (stories), 0);

  n = g_list_model_get_n_items (stories);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, i);
      StoryData *one = story_data_new (story);

      one->id = 0;
      g_ptr_array_add (data, one);
    }
  if (sp_store_run_sync (self, add_stories_func, data, error) == NULL)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, i);

      set_story_id (story, ((StoryData *) g_ptr_array_index (data, i))->id);
    }
  return n;
}

static gpointer
delete_story_func (SpStore   *store,
                   gpointer   data,
                   GError   **error)
{
  sqlite3 *db = DB (store);
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, "DELETE FROM stories WHERE id = ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, *(gint64 *) data);
  if (!sp_sqlite_step_done (db, stmt, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

gboolean
sp_store_delete_story_sync (SpStore  *self,
                            gint64    id,
                            GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  return sp_store_run_sync (self, delete_story_func, &id, error) != NULL;
}

void
sp_store_delete_story_async (SpStore             *self,
                             gint64               id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SP_IS_STORE (self));
  sp_store_run_async (self, delete_story_func, g_memdup2 (&id, sizeof id), g_free, NULL,
                      cancellable, callback, user_data);
}

gboolean
sp_store_delete_story_finish (SpStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return sp_store_run_finish (self, result, error) != NULL;
}

/* ------------------------------------------------------------------ */
/* Templates                                                           */
/* ------------------------------------------------------------------ */

typedef struct
{
  gint64      id;
  const char *name;
  const char *json;
} TemplateData;

static gpointer
save_template_func (SpStore   *store,
                    gpointer   data,
                    GError   **error)
{
  sqlite3 *db = DB (store);
  TemplateData *template = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (template->id > 0)
    stmt = sp_sqlite_prepare (db, "UPDATE templates SET name = ?1, json = ?2, updated_at = ?3 WHERE id = ?4", error);
  else
    stmt = sp_sqlite_prepare (db, "INSERT INTO templates (name, json, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)", error);
  if (stmt == NULL)
    return NULL;
  sp_sqlite_bind_text (stmt, 1, template->name);
  sp_sqlite_bind_text (stmt, 2, template->json);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (template->id > 0)
    sqlite3_bind_int64 (stmt, 4, template->id);
  if (!sp_sqlite_step_done (db, stmt, error))
    return NULL;
  if (template->id <= 0)
    template->id = sqlite3_last_insert_rowid (db);
  return GINT_TO_POINTER (TRUE);
}

gint64
sp_store_save_template_sync (SpStore     *self,
                             gint64       id,
                             const char  *name,
                             const char  *json,
                             GError     **error)
{
  TemplateData data = { id, name != NULL ? name : "", json };

  g_return_val_if_fail (SP_IS_STORE (self), 0);
  g_return_val_if_fail (json != NULL, 0);

  if (sp_store_run_sync (self, save_template_func, &data, error) == NULL)
    return 0;
  return data.id;
}

static gpointer
load_template_func (SpStore   *store,
                    gpointer   data,
                    GError   **error)
{
  sqlite3 *db = DB (store);
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, "SELECT json FROM templates WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, *(gint64 *) data);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sp_sqlite_column_dup (stmt, 0);
  if (rc == SQLITE_DONE)
    g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND, _("This template is no longer in the library."));
  else
    sp_sqlite_set_error (error, db);
  return NULL;
}

char *
sp_store_load_template_sync (SpStore  *self,
                             gint64    id,
                             GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return sp_store_run_sync (self, load_template_func, &id, error);
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */

static gpointer
create_batch_func (SpStore   *store,
                   gpointer   data,
                   GError   **error)
{
  sqlite3 *db = DB (store);
  const SpStoreBatchSpec *spec = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) item = NULL;
  gint64 id = 0;
  gboolean ok;

  if (!sp_sqlite_begin (db, error))
    return NULL;

  stmt = sp_sqlite_prepare (db, "INSERT INTO batches (key, model, template_json, format, pair_mode, seed, "
                                "concurrency, rpm, n_items, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  item = sp_sqlite_prepare (db, "INSERT INTO batch_items (batch_id, position, story_id, story_title, story_text, "
                                "full_prompt, short_prompt, pair_mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  ok = stmt != NULL && item != NULL;
  if (ok)
    {
      sp_sqlite_bind_text (stmt, 1, spec->key);
      sp_sqlite_bind_text (stmt, 2, spec->model);
      sp_sqlite_bind_text (stmt, 3, spec->template_json);
      sp_sqlite_bind_text (stmt, 4, spec->format != NULL ? spec->format : "chat");
      sp_sqlite_bind_text (stmt, 5, sp_pair_mode_to_string (spec->pair_mode));
      sqlite3_bind_int64 (stmt, 6, (gint64) spec->seed);
      sqlite3_bind_int (stmt, 7, spec->concurrency);
      sqlite3_bind_int (stmt, 8, spec->rpm);
      sqlite3_bind_int (stmt, 9, spec->n_items);
      sqlite3_bind_int64 (stmt, 10, g_get_real_time () / G_USEC_PER_SEC);
      ok = sp_sqlite_step_done (db, stmt, error);
      id = sqlite3_last_insert_rowid (db);
    }
  for (guint i = 0; ok && i < spec->n_items; i++)
    {
      const SpStoreItemSpec *one = &spec->items[i];

      sqlite3_reset (item);
      sqlite3_bind_int64 (item, 1, id);
      sqlite3_bind_int (item, 2, i);
      if (one->story_id > 0)
        sqlite3_bind_int64 (item, 3, one->story_id);
      else
        sqlite3_bind_null (item, 3);
      sp_sqlite_bind_text (item, 4, one->story_title != NULL ? one->story_title : "");
      sp_sqlite_bind_text (item, 5, one->story_text != NULL ? one->story_text : "");
      sp_sqlite_bind_text (item, 6, one->full_prompt != NULL ? one->full_prompt : "");
      sp_sqlite_bind_text (item, 7, one->short_prompt != NULL ? one->short_prompt : "");
      sp_sqlite_bind_text (item, 8, sp_pair_mode_to_string (spec->pair_mode));
      ok = sp_sqlite_step_done (db, item, error);
    }

  if (!sp_sqlite_commit_or_rollback (db, ok, error))
    return NULL;
  return g_memdup2 (&id, sizeof id);
}

gint64
sp_store_create_batch_sync (SpStore                 *self,
                            const SpStoreBatchSpec  *spec,
                            GError                 **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (SP_IS_STORE (self), 0);
  g_return_val_if_fail (spec != NULL && spec->model != NULL && spec->template_json != NULL, 0);
  g_return_val_if_fail (spec->n_items == 0 || spec->items != NULL, 0);

  id = sp_store_run_sync (self, create_batch_func, (gpointer) spec, error);
  return id != NULL ? *id : 0;
}

#define BATCH_COLUMNS \
  "b.id, b.key, b.model, b.template_json, b.format, b.pair_mode, b.seed, b.concurrency, " \
  "b.rpm, b.n_items, b.created_at, " \
  "(SELECT count(*) FROM batch_items WHERE batch_id = b.id AND status = 'pending'), " \
  "(SELECT count(*) FROM batch_items WHERE batch_id = b.id AND status = 'running'), " \
  "(SELECT count(*) FROM batch_items WHERE batch_id = b.id AND status = 'done'), " \
  "(SELECT count(*) FROM batch_items WHERE batch_id = b.id AND status = 'failed'), " \
  "(SELECT count(*) FROM batch_items WHERE batch_id = b.id AND status = 'rejected'), " \
  "(SELECT total(prompt_tokens) FROM batch_items WHERE batch_id = b.id AND status IN ('done', 'rejected')), " \
  "(SELECT total(completion_tokens) FROM batch_items WHERE batch_id = b.id AND status IN ('done', 'rejected')), " \
  "(SELECT sum(cost) FROM batch_items WHERE batch_id = b.id AND status IN ('done', 'rejected')) "

static SpStoreBatch *
batch_from_row (sqlite3_stmt *stmt)
{
  SpStoreBatch *batch = g_new0 (SpStoreBatch, 1);

  batch->id = sqlite3_column_int64 (stmt, 0);
  batch->key = sp_sqlite_column_dup (stmt, 1);
  batch->model = sp_sqlite_column_dup (stmt, 2);
  batch->template_json = sp_sqlite_column_dup (stmt, 3);
  batch->format = sp_sqlite_column_dup (stmt, 4);
  sp_pair_mode_from_string ((const char *) sqlite3_column_text (stmt, 5), &batch->pair_mode);
  batch->seed = (guint64) sqlite3_column_int64 (stmt, 6);
  batch->concurrency = sqlite3_column_int (stmt, 7);
  batch->rpm = sqlite3_column_int (stmt, 8);
  batch->n_items = sqlite3_column_int (stmt, 9);
  batch->created_at = sqlite3_column_int64 (stmt, 10);
  batch->n_pending = sqlite3_column_int (stmt, 11);
  batch->n_running = sqlite3_column_int (stmt, 12);
  batch->n_done = sqlite3_column_int (stmt, 13);
  batch->n_failed = sqlite3_column_int (stmt, 14);
  batch->n_rejected = sqlite3_column_int (stmt, 15);
  batch->prompt_tokens = (guint64) sqlite3_column_double (stmt, 16);
  batch->completion_tokens = (guint64) sqlite3_column_double (stmt, 17);
  batch->cost = sqlite3_column_type (stmt, 18) == SQLITE_NULL
                ? SP_MONEY_UNKNOWN : sqlite3_column_int64 (stmt, 18);
  return batch;
}

static gpointer
get_batch_func (SpStore   *store,
                gpointer   data,
                GError   **error)
{
  sqlite3 *db = DB (store);
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, "SELECT " BATCH_COLUMNS "FROM batches b WHERE b.id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, *(gint64 *) data);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return batch_from_row (stmt);
  if (rc != SQLITE_DONE)
    sp_sqlite_set_error (error, db);
  return NULL;
}

SpStoreBatch *
sp_store_get_batch_sync (SpStore  *self,
                         gint64    id,
                         GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return sp_store_run_sync (self, get_batch_func, &id, error);
}

static gpointer
find_batch_func (SpStore   *store,
                 gpointer   data,
                 GError   **error)
{
  sqlite3 *db = DB (store);
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, "SELECT id FROM batches WHERE key = ?", error);
  gint64 id;
  int rc;

  if (stmt == NULL)
    return NULL;
  sp_sqlite_bind_text (stmt, 1, data);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sp_sqlite_set_error (error, db);
      return NULL;
    }
  id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return g_memdup2 (&id, sizeof id);
}

gint64
sp_store_find_batch_sync (SpStore     *self,
                          const char  *key,
                          GError     **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (SP_IS_STORE (self), 0);
  g_return_val_if_fail (key != NULL, 0);

  id = sp_store_run_sync (self, find_batch_func, (gpointer) key, error);
  return id != NULL ? *id : 0;
}

static gpointer
list_batches_func (SpStore   *store,
                   gpointer   data,
                   GError   **error)
{
  sqlite3 *db = DB (store);
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, "SELECT " BATCH_COLUMNS "FROM batches b ORDER BY b.id DESC", error);
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) sp_store_batch_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (batches, batch_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sp_sqlite_set_error (error, db);
      return NULL;
    }
  return g_steal_pointer (&batches);
}

GPtrArray *
sp_store_list_batches_sync (SpStore  *self,
                            GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return sp_store_run_sync (self, list_batches_func, NULL, error);
}

/* Runs one statement with a single int64 parameter; returns the number of
 * changed rows + 1 (so that 0 changes is not NULL), or NULL on error. */
typedef struct
{
  const char *sql;
  gint64      arg;
  const char *text;
} SimpleData;

static gpointer
simple_func (SpStore   *store,
             gpointer   data,
             GError   **error)
{
  sqlite3 *db = DB (store);
  SimpleData *simple = data;
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, simple->sql, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, simple->arg);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    sp_sqlite_bind_text (stmt, 2, simple->text);
  if (!sp_sqlite_step_done (db, stmt, error))
    return NULL;
  return GINT_TO_POINTER (sqlite3_changes (db) + 1);
}

static int
run_simple (SpStore     *self,
            const char  *sql,
            gint64       arg,
            const char  *text,
            GError     **error)
{
  SimpleData data = { sql, arg, text };

  return GPOINTER_TO_INT (sp_store_run_sync (self, simple_func, &data, error)) - 1;
}

gboolean
sp_store_delete_batch_sync (SpStore  *self,
                            gint64    id,
                            GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  return run_simple (self, "DELETE FROM batches WHERE id = ?", id, NULL, error) >= 0;
}

guint
sp_store_reset_running_sync (SpStore  *self,
                             gint64    batch_id,
                             GError  **error)
{
  int changed;

  g_return_val_if_fail (SP_IS_STORE (self), 0);
  changed = run_simple (self, "UPDATE batch_items SET status = 'pending' "
                              "WHERE batch_id = ? AND status = 'running'",
                        batch_id, NULL, error);
  return MAX (changed, 0);
}

static SpExample *
read_example (sqlite3  *db,
              gint64    item_id,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = sp_sqlite_prepare (db, "SELECT " EXAMPLE_COLUMNS "FROM batch_items WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sp_example_new_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND, _("This example is no longer in the library."));
  else
    sp_sqlite_set_error (error, db);
  return NULL;
}

static gpointer
claim_item_func (SpStore   *store,
                 gpointer   data,
                 GError   **error)
{
  sqlite3 *db = DB (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* One statement: no other connection can claim the same item. */
  stmt = sp_sqlite_prepare (db, "UPDATE batch_items SET status = 'running' WHERE id = "
                                "(SELECT id FROM batch_items WHERE batch_id = ? AND status = 'pending' "
                                " ORDER BY position LIMIT 1) RETURNING " EXAMPLE_COLUMNS, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, *(gint64 *) data);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      SpExample *example = sp_example_new_from_row (stmt);

      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          g_object_unref (example);
          sp_sqlite_set_error (error, db);
          return NULL;
        }
      return example;
    }
  if (rc != SQLITE_DONE)
    sp_sqlite_set_error (error, db);
  return NULL;
}

SpExample *
sp_store_claim_item_sync (SpStore  *self,
                          gint64    batch_id,
                          GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return sp_store_run_sync (self, claim_item_func, &batch_id, error);
}

gboolean
sp_store_release_item_sync (SpStore  *self,
                            gint64    item_id,
                            GError  **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  return run_simple (self, "UPDATE batch_items SET status = 'pending' "
                           "WHERE id = ? AND status = 'running'", item_id, NULL, error) >= 0;
}

static gboolean
insert_usage (sqlite3     *db,
              const char  *model,
              gint64       prompt_tokens,
              gint64       completion_tokens,
              SpMoney      cost,
              gint64       batch_id,
              gint64       item_id,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = sp_sqlite_prepare (db, "INSERT INTO usage (created_at, model, prompt_tokens, completion_tokens, cost, "
                                "batch_id, item_id) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sp_sqlite_bind_text (stmt, 2, model != NULL ? model : "");
  if (prompt_tokens >= 0)
    sqlite3_bind_int64 (stmt, 3, prompt_tokens);
  if (completion_tokens >= 0)
    sqlite3_bind_int64 (stmt, 4, completion_tokens);
  if (cost >= 0)
    sqlite3_bind_int64 (stmt, 5, cost);
  if (batch_id > 0)
    sqlite3_bind_int64 (stmt, 6, batch_id);
  if (item_id > 0)
    sqlite3_bind_int64 (stmt, 7, item_id);
  return sp_sqlite_step_done (db, stmt, error);
}

typedef struct
{
  gint64               item_id;
  const SpStoreResult *result;
  gboolean             newly_done;
} CompleteData;

static gboolean
complete_item (sqlite3       *db,
               CompleteData  *complete,
               GError       **error)
{
  const SpStoreResult *result = complete->result;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) batch = NULL;
  gint64 batch_id;

  batch = sp_sqlite_prepare (db, "SELECT batch_id FROM batch_items WHERE id = ?", error);
  if (batch == NULL)
    return FALSE;
  sqlite3_bind_int64 (batch, 1, complete->item_id);
  if (sqlite3_step (batch) != SQLITE_ROW)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND, _("This example is no longer in the library."));
      return FALSE;
    }
  batch_id = sqlite3_column_int64 (batch, 0);

  /* Only an item without a result takes one: writing twice is harmless. */
  stmt = sp_sqlite_prepare (db, "UPDATE batch_items SET status = 'done', output = ?2, cleaned_output = ?3, "
                                "error = NULL, attempts = attempts + ?4, prompt_tokens = ?5, completion_tokens = ?6, "
                                "cost = ?7, finished_at = ?8, duplicate = EXISTS (SELECT 1 FROM batch_items o "
                                "  WHERE o.batch_id = ?9 AND o.id != ?1 AND o.status IN ('done', 'rejected') "
                                "  AND o.cleaned_output = ?3) "
                                "WHERE id = ?1 AND status IN ('pending', 'running', 'failed')", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, complete->item_id);
  sp_sqlite_bind_text (stmt, 2, result->raw_output);
  sp_sqlite_bind_text (stmt, 3, result->output);
  sqlite3_bind_int (stmt, 4, result->attempts);
  if (result->prompt_tokens >= 0)
    sqlite3_bind_int64 (stmt, 5, result->prompt_tokens);
  if (result->completion_tokens >= 0)
    sqlite3_bind_int64 (stmt, 6, result->completion_tokens);
  if (result->cost >= 0)
    sqlite3_bind_int64 (stmt, 7, result->cost);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 9, batch_id);
  if (!sp_sqlite_step_done (db, stmt, error))
    return FALSE;
  complete->newly_done = sqlite3_changes (db) > 0;

  /* The request was made and paid for either way. */
  return insert_usage (db, result->model, result->prompt_tokens, result->completion_tokens,
                       result->cost, batch_id, complete->item_id, error);
}

static gpointer
complete_item_func (SpStore   *store,
                    gpointer   data,
                    GError   **error)
{
  sqlite3 *db = DB (store);
  CompleteData *complete = data;
  gboolean ok;

  if (!sp_sqlite_begin (db, error))
    return NULL;
  ok = complete_item (db, complete, error);
  if (!sp_sqlite_commit_or_rollback (db, ok, error))
    return NULL;
  return read_example (db, complete->item_id, error);
}

SpExample *
sp_store_complete_item_sync (SpStore              *self,
                             gint64                item_id,
                             const SpStoreResult  *result,
                             gboolean             *newly_done,
                             GError              **error)
{
  CompleteData data = { item_id, result, FALSE };
  SpExample *example;

  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  g_return_val_if_fail (result != NULL, NULL);

  example = sp_store_run_sync (self, complete_item_func, &data, error);
  if (newly_done != NULL)
    *newly_done = example != NULL && data.newly_done;
  return example;
}

typedef struct
{
  gint64      item_id;
  const char *reason;
  guint       attempts;
} FailData;

static gpointer
fail_item_func (SpStore   *store,
                gpointer   data,
                GError   **error)
{
  sqlite3 *db = DB (store);
  FailData *fail = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = sp_sqlite_prepare (db, "UPDATE batch_items SET status = 'failed', error = ?2, attempts = attempts + ?3, "
                                "finished_at = ?4 WHERE id = ?1 AND status IN ('pending', 'running')", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, fail->item_id);
  sp_sqlite_bind_text (stmt, 2, fail->reason);
  sqlite3_bind_int (stmt, 3, fail->attempts);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (!sp_sqlite_step_done (db, stmt, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

gboolean
sp_store_fail_item_sync (SpStore     *self,
                         gint64       item_id,
                         const char  *reason,
                         guint        attempts,
                         GError     **error)
{
  FailData data = { item_id, reason, attempts };

  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  return sp_store_run_sync (self, fail_item_func, &data, error) != NULL;
}

guint
sp_store_requeue_failed_sync (SpStore  *self,
                              gint64    batch_id,
                              GError  **error)
{
  int changed;

  g_return_val_if_fail (SP_IS_STORE (self), 0);
  changed = run_simple (self, "UPDATE batch_items SET status = 'pending', error = NULL "
                              "WHERE batch_id = ? AND status = 'failed'",
                        batch_id, NULL, error);
  return MAX (changed, 0);
}

gboolean
sp_store_set_rejected_sync (SpStore   *self,
                            gint64     item_id,
                            gboolean   rejected,
                            GError   **error)
{
  int changed;

  g_return_val_if_fail (SP_IS_STORE (self), FALSE);

  if (rejected)
    changed = run_simple (self, "UPDATE batch_items SET status = 'rejected' WHERE id = ? AND status = 'done'",
                          item_id, NULL, error);
  else
    changed = run_simple (self, "UPDATE batch_items SET status = 'done' WHERE id = ? AND status = 'rejected'",
                          item_id, NULL, error);
  return changed >= 0;
}

gboolean
sp_store_set_output_sync (SpStore     *self,
                          gint64       item_id,
                          const char  *output,
                          GError     **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  g_return_val_if_fail (output != NULL, FALSE);

  return run_simple (self, "UPDATE batch_items SET cleaned_output = ?2, duplicate = EXISTS "
                           "(SELECT 1 FROM batch_items o WHERE o.batch_id = batch_items.batch_id "
                           " AND o.id != batch_items.id AND o.status IN ('done', 'rejected') "
                           " AND o.cleaned_output = ?2) "
                           "WHERE id = ?1 AND status IN ('done', 'rejected')",
                     item_id, output, error) >= 0;
}

static gpointer
set_pair_mode_func (SpStore   *store,
                    gpointer   data,
                    GError   **error)
{
  sqlite3 *db = DB (store);
  SimpleData *simple = data;
  gboolean ok;

  if (!sp_sqlite_begin (db, error))
    return NULL;
  ok = simple_func (store, simple, error) != NULL;
  if (ok)
    {
      SimpleData items = { "UPDATE batch_items SET pair_mode = ?2 WHERE batch_id = ?1",
                           simple->arg, simple->text };

      ok = simple_func (store, &items, error) != NULL;
    }
  if (!sp_sqlite_commit_or_rollback (db, ok, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

gboolean
sp_store_set_pair_mode_sync (SpStore     *self,
                             gint64       batch_id,
                             SpPairMode   mode,
                             GError     **error)
{
  SimpleData data = { "UPDATE batches SET pair_mode = ?2 WHERE id = ?1", batch_id,
                      sp_pair_mode_to_string (mode) };

  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  return sp_store_run_sync (self, set_pair_mode_func, &data, error) != NULL;
}

gboolean
sp_store_set_item_pair_mode_sync (SpStore     *self,
                                  gint64       item_id,
                                  SpPairMode   mode,
                                  GError     **error)
{
  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  return run_simple (self, "UPDATE batch_items SET pair_mode = ?2 WHERE id = ?1",
                     item_id, sp_pair_mode_to_string (mode), error) >= 0;
}

typedef struct
{
  gint64 batch_id;
  int    only_status;
} ListData;

static gpointer
list_examples_func (SpStore   *store,
                    gpointer   data,
                    GError   **error)
{
  sqlite3 *db = DB (store);
  ListData *list = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) examples = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (list->only_status >= 0)
    stmt = sp_sqlite_prepare (db, "SELECT " EXAMPLE_COLUMNS "FROM batch_items WHERE batch_id = ? AND status = ? "
                                  "ORDER BY position", error);
  else
    stmt = sp_sqlite_prepare (db, "SELECT " EXAMPLE_COLUMNS "FROM batch_items WHERE batch_id = ? ORDER BY position", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, list->batch_id);
  if (list->only_status >= 0)
    sp_sqlite_bind_text (stmt, 2, sp_example_status_to_string (list->only_status));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (examples, sp_example_new_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sp_sqlite_set_error (error, db);
      return NULL;
    }
  return g_steal_pointer (&examples);
}

GPtrArray *
sp_store_list_examples_sync (SpStore  *self,
                             gint64    batch_id,
                             int       only_status,
                             GError  **error)
{
  ListData data = { batch_id, only_status };

  g_return_val_if_fail (SP_IS_STORE (self), NULL);
  return sp_store_run_sync (self, list_examples_func, &data, error);
}

void
sp_store_list_examples_async (SpStore             *self,
                              gint64               batch_id,
                              int                  only_status,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ListData *data = g_new0 (ListData, 1);

  g_return_if_fail (SP_IS_STORE (self));

  data->batch_id = batch_id;
  data->only_status = only_status;
  sp_store_run_async (self, list_examples_func, data, g_free,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GListModel *
sp_store_list_examples_finish (SpStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_autoptr(GPtrArray) examples = sp_store_run_finish (self, result, error);
  GListStore *list;

  if (examples == NULL)
    return NULL;
  list = g_list_store_new (SP_TYPE_EXAMPLE);
  g_list_store_splice (list, 0, 0, examples->pdata, examples->len);
  return G_LIST_MODEL (list);
}

typedef struct
{
  const char *model;
  gint64      prompt_tokens;
  gint64      completion_tokens;
  SpMoney     cost;
  gint64      batch_id;
  gint64      item_id;
} UsageData;

static gpointer
add_usage_func (SpStore   *store,
                gpointer   data,
                GError   **error)
{
  UsageData *usage = data;

  if (!insert_usage (DB (store), usage->model, usage->prompt_tokens, usage->completion_tokens,
                     usage->cost, usage->batch_id, usage->item_id, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

gboolean
sp_store_add_usage_sync (SpStore     *self,
                         const char  *model,
                         gint64       prompt_tokens,
                         gint64       completion_tokens,
                         SpMoney      cost,
                         gint64       batch_id,
                         gint64       item_id,
                         GError     **error)
{
  UsageData data = { model, prompt_tokens, completion_tokens, cost, batch_id, item_id };

  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  return sp_store_run_sync (self, add_usage_func, &data, error) != NULL;
}

typedef struct
{
  gint64  batch_id;
  guint64 n_requests;
  guint64 prompt_tokens;
  guint64 completion_tokens;
  SpMoney cost;
} SumData;

static gpointer
sum_usage_func (SpStore   *store,
                gpointer   data,
                GError   **error)
{
  sqlite3 *db = DB (store);
  SumData *sum = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = sp_sqlite_prepare (db, "SELECT count(*), total(prompt_tokens), total(completion_tokens), sum(cost) "
                                "FROM usage WHERE ?1 <= 0 OR batch_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, sum->batch_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sp_sqlite_set_error (error, db);
      return NULL;
    }
  sum->n_requests = sqlite3_column_int64 (stmt, 0);
  sum->prompt_tokens = (guint64) sqlite3_column_double (stmt, 1);
  sum->completion_tokens = (guint64) sqlite3_column_double (stmt, 2);
  sum->cost = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? SP_MONEY_UNKNOWN : sqlite3_column_int64 (stmt, 3);
  return GINT_TO_POINTER (TRUE);
}

gboolean
sp_store_sum_usage_sync (SpStore   *self,
                         gint64     batch_id,
                         guint64   *n_requests,
                         guint64   *prompt_tokens,
                         guint64   *completion_tokens,
                         SpMoney   *cost,
                         GError   **error)
{
  SumData data = { batch_id, 0, 0, 0, SP_MONEY_UNKNOWN };

  g_return_val_if_fail (SP_IS_STORE (self), FALSE);
  if (sp_store_run_sync (self, sum_usage_func, &data, error) == NULL)
    return FALSE;
  if (n_requests != NULL)
    *n_requests = data.n_requests;
  if (prompt_tokens != NULL)
    *prompt_tokens = data.prompt_tokens;
  if (completion_tokens != NULL)
    *completion_tokens = data.completion_tokens;
  if (cost != NULL)
    *cost = data.cost;
  return TRUE;
}
