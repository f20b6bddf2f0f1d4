// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-sqlite"

#include "config.h"

#include "sp-sqlite-private.h"

#include <glib/gi18n.h>

#include "sp-error.h"

void
sp_sqlite_set_error (GError  **error,
                     sqlite3  *db)
{
  g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
               _("The library database could not be read or written (%s). Check that the disk is not full and that no other program holds the file."),
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
}

gboolean
sp_sqlite_exec (sqlite3     *db,
                const char  *sql,
                GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      sp_sqlite_set_error (error, db);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
sp_sqlite_prepare (sqlite3     *db,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sp_sqlite_set_error (error, db);
      return NULL;
    }
  return stmt;
}

gboolean
sp_sqlite_step_done (sqlite3       *db,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sp_sqlite_set_error (error, db);
      return FALSE;
    }
  return TRUE;
}

void
sp_sqlite_bind_text (sqlite3_stmt *stmt,
                     int           index,
                     const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

char *
sp_sqlite_column_dup (sqlite3_stmt *stmt,
                      int           index)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, index));
}

gboolean
sp_sqlite_begin (sqlite3  *db,
                 GError  **error)
{
  return sp_sqlite_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
sp_sqlite_commit_or_rollback (sqlite3   *db,
                              gboolean   ok,
                              GError   **error)
{
  if (ok && sp_sqlite_exec (db, "COMMIT", error))
    return TRUE;
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}
