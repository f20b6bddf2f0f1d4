// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* API keys live in the secret service (libsecret; the Secret portal inside
 * Flatpak), keyed by provider id. When no secret service answers the key
 * is kept for this session only, in memory, and "session-only" says so.
 * A key is never logged, printed, written in plain text or put in a
 * GError message. */

#define SP_TYPE_SECRETS (sp_secrets_get_type ())
G_DECLARE_FINAL_TYPE (SpSecrets, sp_secrets, SP, SECRETS, GObject)

/* Property "session-only" (boolean, read-only): TRUE once a store fell back
 * to memory because no secret service answered. */
SpSecrets *sp_secrets_get_default       (void);
SpSecrets *sp_secrets_new               (gboolean             use_service);
gboolean   sp_secrets_get_session_only  (SpSecrets           *self);

void       sp_secrets_store_key_async   (SpSecrets           *self,
                                         const char          *provider_id,
                                         const char          *key,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   sp_secrets_store_key_finish  (SpSecrets           *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Returns NULL without error when no key is stored. Free with
 * sp_secrets_free_key(), which wipes the memory. */
void       sp_secrets_lookup_key_async  (SpSecrets           *self,
                                         const char          *provider_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char      *sp_secrets_lookup_key_finish (SpSecrets           *self,
                                         GAsyncResult        *result,
                                         GError             **error);
void       sp_secrets_clear_key_async   (SpSecrets           *self,
                                         const char          *provider_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   sp_secrets_clear_key_finish  (SpSecrets           *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Refuses empty keys, keys with control characters (CR, LF, NUL, …),
 * spaces or non-ASCII bytes, and keys longer than 512 bytes, with a message
 * that does not repeat the key. */
gboolean   sp_secrets_check_key         (const char          *key,
                                         GError             **error);
void       sp_secrets_free_key          (char                *key);

G_END_DECLS
