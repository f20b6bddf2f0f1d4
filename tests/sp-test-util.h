// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-client.h"
#include "sp-provider.h"

G_BEGIN_DECLS

/* Async callback that keeps the result in the GAsyncResult * pointed to
 * by @user_data, for sp_test_wait_for(). */
void          sp_test_store_result_cb (GObject       *object,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
/* Iterates the default main context until *@result is set; returns it. */
GAsyncResult *sp_test_wait_for        (GAsyncResult **result);

/* Removes @path and all below it, ignoring failures. */
void          sp_test_remove_tree     (const char    *path);

/* Short retry delays and deadlines, so that failures come fast. */
extern const SpClientTimeouts sp_test_fast_timeouts;

/* A client of @provider with sp_test_fast_timeouts. */
SpClient     *sp_test_client_new      (SpProvider    *provider,
                                       const char    *key);

G_END_DECLS
