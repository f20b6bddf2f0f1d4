// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The small SQLite helpers of the store and of the features that run
 * their own queries in its worker (the gallery, the image store). Each
 * one that fails sets @error from the connection's last error, in words. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* @db may be NULL: a connection that could not even be allocated. */
void          sp_sqlite_set_error          (GError       **error,
                                            sqlite3       *db);
gboolean      sp_sqlite_exec               (sqlite3       *db,
                                            const char    *sql,
                                            GError       **error);
sqlite3_stmt *sp_sqlite_prepare            (sqlite3       *db,
                                            const char    *sql,
                                            GError       **error);
/* Steps a statement that returns no rows. */
gboolean      sp_sqlite_step_done          (sqlite3       *db,
                                            sqlite3_stmt  *stmt,
                                            GError       **error);
/* Binds @text, or NULL when @text is NULL. */
void          sp_sqlite_bind_text          (sqlite3_stmt  *stmt,
                                            int            index,
                                            const char    *text);
char         *sp_sqlite_column_dup         (sqlite3_stmt  *stmt,
                                            int            index);
/* BEGIN IMMEDIATE; then COMMIT when @ok, else (or when COMMIT fails)
 * ROLLBACK and FALSE. */
gboolean      sp_sqlite_begin              (sqlite3       *db,
                                            GError       **error);
gboolean      sp_sqlite_commit_or_rollback (sqlite3       *db,
                                            gboolean       ok,
                                            GError       **error);

G_END_DECLS
