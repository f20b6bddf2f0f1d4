// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The longest wait a server may ask for in retry-after-ms / retry-after
 * that we honour; a server asking for more is not retried, so the person
 * sees the error instead of a silent pause. */
#define SP_RETRY_MAX_SERVER_DELAY_MS 60000

typedef struct
{
  guint max_retries;       /* retries after the first attempt */
  guint initial_delay_ms;  /* backoff before the first retry */
  guint max_delay_ms;      /* cap of the exponential backoff */
} SpRetryPolicy;

/* Decides whether a failed attempt is worth another one, and after how
 * long. Pure: no clock, no randomness of its own.
 *
 * @attempt: attempts made so far (1 after the first failure)
 * @status: HTTP status, 0 for a connection error or a timeout
 * @headers: (nullable): response headers
 * @error_code, @error_type: (nullable): "code" and "type" of the OpenAI
 *   error object; "insufficient_quota" in either is never retried
 * @now_unix: current time in seconds, for "retry-after" HTTP dates
 * @random: a number in [0, 1) for the jitter
 * @delay_ms: (out) (optional): how long to wait before the next attempt
 *
 * Retries 408, 409, 429, 5xx and connection errors, unless the server
 * says "x-should-retry: false"; "x-should-retry: true" makes any status
 * retryable. Never 400/401/403/404/422 or insufficient_quota. The delay is
 * the server's retry-after-ms or retry-after when given (up to
 * SP_RETRY_MAX_SERVER_DELAY_MS), else initial_delay_ms × 2^(attempt-1),
 * capped at max_delay_ms, less up to 25 % jitter. */
gboolean sp_retry_decide                (const SpRetryPolicy *policy,
                                         guint                attempt,
                                         guint                status,
                                         SoupMessageHeaders  *headers,
                                         const char          *error_code,
                                         const char          *error_type,
                                         gint64               now_unix,
                                         double               random,
                                         guint               *delay_ms);

/* Whether @status alone is one we retry (408, 409, 429, 5xx, 0). */
gboolean sp_retry_status_is_retryable   (guint                status);

/* The wait the server asks for, in milliseconds, from retry-after-ms or
 * retry-after (seconds or an HTTP date); -1 when it asks for none. */
gint64   sp_retry_get_server_delay      (SoupMessageHeaders  *headers,
                                         gint64               now_unix);

G_END_DECLS
