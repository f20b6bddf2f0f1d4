// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-provider.h"

G_BEGIN_DECLS

#define SP_TYPE_PROVIDER_LIST (sp_provider_list_get_type ())
G_DECLARE_FINAL_TYPE (SpProviderList, sp_provider_list, SP, PROVIDER_LIST, GObject)

/* A GListModel of SpProvider: the built-in Offline and OpenAI profiles
 * first, then the user's saved OpenAI-compatible profiles, persisted as
 * JSON (no keys) in $STARPROMPT_CONFIG_DIR or $XDG_CONFIG_HOME/starprompt/
 * providers.json, written atomically. */
SpProviderList *sp_provider_list_new          (void);
void            sp_provider_list_load_async   (SpProviderList      *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        sp_provider_list_load_finish  (SpProviderList      *self,
                                               GAsyncResult        *result,
                                               GError             **error);
gboolean        sp_provider_list_load_sync    (SpProviderList      *self,
                                               GError             **error);
void            sp_provider_list_save_async   (SpProviderList      *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        sp_provider_list_save_finish  (SpProviderList      *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Blocking variant of save, for the command line. */
gboolean        sp_provider_list_save_sync    (SpProviderList      *self,
                                               GError             **error);
SpProvider     *sp_provider_list_lookup       (SpProviderList      *self,
                                               const char          *id);
void            sp_provider_list_add          (SpProviderList      *self,
                                               SpProvider          *provider);
gboolean        sp_provider_list_remove       (SpProviderList      *self,
                                               const char          *id);
/* An id not in the list yet: @base, else "@base-2", "@base-3", … */
char           *sp_provider_list_dup_unique_id (SpProviderList     *self,
                                               const char          *base);

G_END_DECLS
