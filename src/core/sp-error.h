// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SP_ERROR (sp_error_quark ())

/* Every error a person can meet. Messages are translatable sentences that
 * say what happened and what to do; they never contain an API key. */
typedef enum
{
  SP_ERROR_FAILED,
  SP_ERROR_INVALID_INPUT,      /* bad user input: empty story, bad URL, … */
  SP_ERROR_INVALID_KEY,        /* key with control characters or empty */
  SP_ERROR_CONNECTION,         /* could not connect / connection dropped */
  SP_ERROR_TIMEOUT,            /* one of our deadlines passed */
  SP_ERROR_AUTH,               /* 401: wrong or missing key */
  SP_ERROR_PERMISSION,         /* 403: key lacks permission / feature closed */
  SP_ERROR_NOT_FOUND,          /* 404: model or endpoint not found */
  SP_ERROR_RATE_LIMITED,       /* 429 that outlived the retries */
  SP_ERROR_QUOTA,              /* insufficient_quota: never retried */
  SP_ERROR_SERVER,             /* 5xx that outlived the retries */
  SP_ERROR_BAD_REQUEST,        /* 400 / 422 with the server's message */
  SP_ERROR_BAD_RESPONSE,       /* malformed, too large or too deep JSON */
  SP_ERROR_TRUNCATED,          /* stream ended without [DONE] */
  SP_ERROR_UNSUPPORTED,        /* the provider cannot do this */
  SP_ERROR_BAD_FILE,           /* unreadable or malformed file */
  SP_ERROR_FINE_TUNING_UNAVAILABLE, /* the account or server takes no fine-tuning jobs */
} SpError;

/* What a request was doing, so an HTTP error can be told in its words. */
typedef enum
{
  SP_ERROR_CONTEXT_GENERATION,        /* chat, completions, models */
  SP_ERROR_CONTEXT_UPLOAD,            /* POST /files */
  SP_ERROR_CONTEXT_FILES,             /* GET/DELETE /files/{id}… */
  SP_ERROR_CONTEXT_FINE_TUNE_CREATE,  /* POST /fine_tuning/jobs */
  SP_ERROR_CONTEXT_FINE_TUNE,         /* the other /fine_tuning/jobs calls */
} SpErrorContext;

GQuark sp_error_quark (void);

/* Reads the "error" object that OpenAI-compatible servers send
 * ({"error": {"message", "type", "code"}}; some send a plain string).
 * Any out argument may be NULL; the strings belong to @body. Returns
 * FALSE when @body holds no error object. */
gboolean sp_error_get_api_error (JsonNode     *body,
                                 const char  **message,
                                 const char  **type,
                                 const char  **code);

/* An error for an HTTP answer that is not a success: what happened and
 * what to do, in words. @body is the parsed answer or NULL; @model and
 * @url (the base URL) make the message concrete and may be NULL. The
 * server's own message is quoted only where it helps (400, 404 on other
 * things than models, 5xx) and never for 401, since servers echo part of
 * the key there. */
GError  *sp_error_new_for_http        (guint         status,
                                       JsonNode     *body,
                                       const char   *model,
                                       const char   *url);

/* The same for a request of another kind than generation: files and
 * fine-tuning have their own words for 400, 403 and 404, and a server
 * that says fine-tuning is closed to the account gives
 * SP_ERROR_FINE_TUNING_UNAVAILABLE with what to do instead. */
GError  *sp_error_new_for_http_in_context (SpErrorContext  context,
                                           guint           status,
                                           JsonNode       *body,
                                           const char     *model,
                                           const char     *url);

/* Whether the server's error says that fine-tuning is not available to
 * this account (as OpenAI answers once it takes no new self-serve jobs),
 * rather than that one model cannot be fine-tuned. */
gboolean sp_error_is_fine_tuning_closed   (const char     *message,
                                           const char     *code);

/* An error for a failure below HTTP (refused, unknown host, TLS, dropped
 * connection) reaching @url. */
GError  *sp_error_new_for_connection  (const GError *io_error,
                                       const char   *url);

G_END_DECLS
