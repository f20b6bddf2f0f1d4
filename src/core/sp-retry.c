// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-retry"

#include "config.h"

#include "sp-retry.h"

#include <math.h>
#include <stdlib.h>

static gboolean
parse_non_negative_double (const char *text,
                           double     *out)
{
  g_autofree char *stripped = NULL;
  char *end = NULL;
  double value;

  if (text == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    return FALSE;

  value = g_ascii_strtod (stripped, &end);
  if (end == NULL || *end != '\0' || !isfinite (value) || value < 0)
    return FALSE;

  *out = value;
  return TRUE;
}

static gboolean
is_quota_error (const char *error_code,
                const char *error_type)
{
  return g_strcmp0 (error_code, "insufficient_quota") == 0 ||
         g_strcmp0 (error_type, "insufficient_quota") == 0;
}

static guint
backoff_delay (const SpRetryPolicy *policy,
               guint                attempt,
               double               random)
{
  double delay = policy->initial_delay_ms;
  double jitter;
  guint i;

  for (i = 1; i < attempt && delay < policy->max_delay_ms; i++)
    delay *= 2;
  delay = MIN (delay, (double) policy->max_delay_ms);

  /* Jitter spreads clients that failed together, as the SDKs do. */
  jitter = 1.0 - CLAMP (random, 0.0, 1.0) * 0.25;

  return (guint) (delay * jitter);
}

gboolean
sp_retry_status_is_retryable (guint status)
{
  return status == 0 ||
         status == 408 ||
         status == 409 ||
         status == 429 ||
         status >= 500;
}

gint64
sp_retry_get_server_delay (SoupMessageHeaders *headers,
                           gint64              now_unix)
{
  const char *value;
  double number;

  if (headers == NULL)
    return -1;

  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (parse_non_negative_double (value, &number))
    return (gint64) ceil (number);

  value = soup_message_headers_get_one (headers, "retry-after");
  if (value == NULL)
    return -1;

  if (parse_non_negative_double (value, &number))
    return (gint64) ceil (number * 1000);
  else
    {
      g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (value);
      gint64 seconds;

      if (date == NULL)
        return -1;

      seconds = g_date_time_to_unix (date) - now_unix;
      return MAX (seconds, 0) * 1000;
    }
}

gboolean
sp_retry_decide (const SpRetryPolicy *policy,
                 guint                attempt,
                 guint                status,
                 SoupMessageHeaders  *headers,
                 const char          *error_code,
                 const char          *error_type,
                 gint64               now_unix,
                 double               random,
                 guint               *delay_ms)
{
  const char *should_retry = NULL;
  gboolean retry;
  gint64 server_delay;

  g_return_val_if_fail (policy != NULL, FALSE);

  if (delay_ms != NULL)
    *delay_ms = 0;

  if (attempt > policy->max_retries)
    return FALSE;

  /* Retrying cannot bring money back to an account. */
  if (is_quota_error (error_code, error_type))
    return FALSE;

  if (headers != NULL)
    should_retry = soup_message_headers_get_one (headers, "x-should-retry");

  if (g_strcmp0 (should_retry, "true") == 0)
    retry = TRUE;
  else if (g_strcmp0 (should_retry, "false") == 0)
    retry = FALSE;
  else
    retry = sp_retry_status_is_retryable (status);

  if (!retry)
    return FALSE;

  server_delay = sp_retry_get_server_delay (headers, now_unix);
  if (server_delay > SP_RETRY_MAX_SERVER_DELAY_MS)
    return FALSE;

  if (delay_ms != NULL)
    {
      if (server_delay >= 0)
        *delay_ms = (guint) server_delay;
      else
        *delay_ms = backoff_delay (policy, attempt, random);
    }

  return TRUE;
}
