// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-provider.h"

G_BEGIN_DECLS

/* What a generation request asks for. Plain struct, owned by the caller;
 * the client copies what it needs. */
typedef struct
{
  const char  *model;
  JsonArray   *messages;     /* chat: {"role","content"} objects */
  const char  *prompt;       /* completions: the prompt text */
  const char * const *stop;  /* NULL-terminated, may be NULL */
  int          max_tokens;   /* <= 0: server default */
  double       temperature;  /* < 0: server default */
  gboolean     stream;
  guint64      seed;         /* used by the offline provider; 0 = random */
} SpGenerateRequest;

/* Result of a generation. */
#define SP_TYPE_GENERATE_RESULT (sp_generate_result_get_type ())
typedef struct
{
  char  *text;
  char  *finish_reason;      /* "stop", "length", … or NULL */
  char  *model;              /* the model that answered */
  gint64 prompt_tokens;      /* from "usage", -1 when not given */
  gint64 completion_tokens;  /* from "usage", -1 when not given */
  guint  attempts;           /* 1 + number of retries */
} SpGenerateResult;

GType             sp_generate_result_get_type (void) G_GNUC_CONST;
SpGenerateResult *sp_generate_result_copy     (const SpGenerateResult *result);
void              sp_generate_result_free     (SpGenerateResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpGenerateResult, sp_generate_result_free)

/* Called on the caller's main context with each piece of streamed text. */
typedef void (*SpDeltaFunc) (const char *delta,
                             gpointer    user_data);

/* Retry policy, as the official SDKs and better (DESIGN.md). */
typedef struct
{
  guint max_retries;          /* default 2 */
  guint initial_delay_ms;     /* default 500 */
  guint max_delay_ms;         /* default 8000 */
  guint connect_timeout_ms;   /* default 10000 */
  guint request_timeout_ms;   /* whole request, default 600000 */
  guint idle_timeout_ms;      /* stream inactivity, default 60000 */
} SpClientTimeouts;

#define SP_TYPE_CLIENT (sp_client_get_type ())
G_DECLARE_FINAL_TYPE (SpClient, sp_client, SP, CLIENT, GObject)

/* One SoupSession per provider. @api_key may be NULL or "" (offline, local
 * servers); it is checked with sp_secrets_check_key() and kept only in
 * memory. For SP_PROVIDER_KIND_OFFLINE no network is used: requests go to
 * sp_offline_generate() and stream word by word.
 *
 * Redirects are never followed: a 3xx answer fails with
 * SP_ERROR_BAD_RESPONSE and a message asking for the final address, so the
 * Authorization header never travels to another place. Errors are in
 * SP_ERROR (G_IO_ERROR_CANCELLED on cancellation) and never contain the
 * key. Retries follow sp_retry_decide(); a stream is retried only while
 * no text has reached @delta_func. Deadlines: connect (until the request
 * headers are written), whole request (per attempt, not retried) and, for
 * streams only, inactivity; 0 disables one. */
SpClient   *sp_client_new               (SpProvider        *provider,
                                         const char        *api_key,
                                         GError           **error);
SpProvider *sp_client_get_provider      (SpClient          *self);
void        sp_client_set_timeouts      (SpClient          *self,
                                         const SpClientTimeouts *timeouts);
void        sp_client_get_timeouts      (SpClient          *self,
                                         SpClientTimeouts  *timeouts);

/* POST /v1/chat/completions. With request->stream, @delta_func gets each
 * piece; a stream that ends without [DONE] fails with SP_ERROR_TRUNCATED. */
void              sp_client_chat_async      (SpClient                *self,
                                             const SpGenerateRequest *request,
                                             SpDeltaFunc              delta_func,
                                             gpointer                 delta_data,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data);
SpGenerateResult *sp_client_chat_finish     (SpClient                *self,
                                             GAsyncResult            *result,
                                             GError                 **error);
/* POST /v1/completions (legacy models such as davinci-002). */
void              sp_client_complete_async  (SpClient                *self,
                                             const SpGenerateRequest *request,
                                             SpDeltaFunc              delta_func,
                                             gpointer                 delta_data,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data);
SpGenerateResult *sp_client_complete_finish (SpClient                *self,
                                             GAsyncResult            *result,
                                             GError                 **error);
/* GET /v1/models: a sorted NULL-terminated array of model ids. */
void              sp_client_list_models_async  (SpClient            *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char            **sp_client_list_models_finish (SpClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Whether @model should go to /v1/completions rather than chat
 * (davinci-002, babbage-002, gpt-3.5-turbo-instruct, text-*, and fine-tunes
 * of those). */
gboolean          sp_client_model_is_completion (const char *model);

/* Limits on JSON from the network, checked before json-glib sees it. */
#define SP_CLIENT_MAX_JSON_SIZE  (16 * 1024 * 1024)
#define SP_CLIENT_MAX_JSON_DEPTH 64

/* Parses JSON that came from a server: refuses more than
 * SP_CLIENT_MAX_JSON_SIZE bytes or more than SP_CLIENT_MAX_JSON_DEPTH
 * nested arrays and objects with SP_ERROR_BAD_RESPONSE before json-glib
 * parses anything. */
JsonNode         *sp_client_parse_json          (const char  *data,
                                                 gsize        length,
                                                 GError     **error);

G_END_DECLS
