// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-retry"

#include "config.h"

#include "sp-retry.h"

/* 2023-01-01 00:00:00 UTC, the "now" of every case. */
#define NOW 1672531200

typedef struct
{
  const char *name;
  guint       attempt;
  guint       status;
  const char *retry_after_ms;
  const char *retry_after;
  const char *should_retry;
  const char *code;
  const char *type;
  double      random;
  gboolean    expect_retry;
  guint       expect_delay_ms;
} RetryCase;

static const SpRetryPolicy policy = {
  .max_retries = 3,
  .initial_delay_ms = 500,
  .max_delay_ms = 8000,
};

static const RetryCase cases[] = {
  /* Statuses. */
  { "connection-error", 1, 0, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "408", 1, 408, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "409", 1, 409, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "429", 1, 429, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "500", 1, 500, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "502", 1, 502, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "503", 1, 503, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "400", 1, 400, NULL, NULL, NULL, NULL, NULL, 0.0, FALSE, 0 },
  { "401", 1, 401, NULL, NULL, NULL, NULL, NULL, 0.0, FALSE, 0 },
  { "403", 1, 403, NULL, NULL, NULL, NULL, NULL, 0.0, FALSE, 0 },
  { "404", 1, 404, NULL, NULL, NULL, NULL, NULL, 0.0, FALSE, 0 },
  { "422", 1, 422, NULL, NULL, NULL, NULL, NULL, 0.0, FALSE, 0 },
  /* Quota is never retried, whatever the server says. */
  { "quota-code", 1, 429, NULL, NULL, NULL, "insufficient_quota", NULL, 0.0, FALSE, 0 },
  { "quota-type", 1, 429, NULL, NULL, NULL, NULL, "insufficient_quota", 0.0, FALSE, 0 },
  { "quota-should-retry", 1, 429, NULL, NULL, "true", "insufficient_quota", NULL, 0.0, FALSE, 0 },
  { "rate-limit-code", 1, 429, NULL, NULL, NULL, "rate_limit_exceeded", "requests", 0.0, TRUE, 500 },
  /* x-should-retry overrides the status. */
  { "should-retry-false-500", 1, 500, NULL, NULL, "false", NULL, NULL, 0.0, FALSE, 0 },
  { "should-retry-true-400", 1, 400, NULL, NULL, "true", NULL, NULL, 0.0, TRUE, 500 },
  { "should-retry-other", 1, 400, NULL, NULL, "maybe", NULL, NULL, 0.0, FALSE, 0 },
  /* Attempts. */
  { "last-allowed", 3, 500, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 2000 },
  { "too-many", 4, 500, NULL, NULL, NULL, NULL, NULL, 0.0, FALSE, 0 },
  { "too-many-should-retry", 4, 500, NULL, NULL, "true", NULL, NULL, 0.0, FALSE, 0 },
  /* Backoff and jitter. */
  { "backoff-2", 2, 500, NULL, NULL, NULL, NULL, NULL, 0.0, TRUE, 1000 },
  { "jitter-half", 1, 500, NULL, NULL, NULL, NULL, NULL, 0.5, TRUE, 437 },
  { "jitter-max", 2, 500, NULL, NULL, NULL, NULL, NULL, 0.999999, TRUE, 750 },
  /* Server delays. */
  { "retry-after-ms", 1, 429, "1234", NULL, NULL, NULL, NULL, 0.9, TRUE, 1234 },
  { "retry-after-ms-fraction", 1, 429, "20.5", NULL, NULL, NULL, NULL, 0.0, TRUE, 21 },
  { "retry-after-ms-wins", 1, 429, "100", "5", NULL, NULL, NULL, 0.0, TRUE, 100 },
  { "retry-after-seconds", 1, 429, NULL, "3", NULL, NULL, NULL, 0.0, TRUE, 3000 },
  { "retry-after-fraction", 1, 503, NULL, "0.25", NULL, NULL, NULL, 0.0, TRUE, 250 },
  { "retry-after-date", 1, 503, NULL, "Sun, 01 Jan 2023 00:00:07 GMT", NULL, NULL, NULL, 0.0, TRUE, 7000 },
  { "retry-after-past-date", 1, 503, NULL, "Sat, 31 Dec 2022 23:00:00 GMT", NULL, NULL, NULL, 0.0, TRUE, 0 },
  { "retry-after-garbage", 1, 503, NULL, "soon", NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "retry-after-ms-garbage", 1, 503, "-5", NULL, NULL, NULL, NULL, 0.0, TRUE, 500 },
  { "retry-after-too-long", 1, 429, NULL, "120", NULL, NULL, NULL, 0.0, FALSE, 0 },
  { "retry-after-on-400", 1, 400, "10", NULL, NULL, NULL, NULL, 0.0, FALSE, 0 },
};

static void
test_decide (gconstpointer data)
{
  const RetryCase *c = data;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  guint delay_ms = 12345;
  gboolean retry;

  if (c->retry_after_ms != NULL)
    soup_message_headers_append (headers, "retry-after-ms", c->retry_after_ms);
  if (c->retry_after != NULL)
    soup_message_headers_append (headers, "Retry-After", c->retry_after);
  if (c->should_retry != NULL)
    soup_message_headers_append (headers, "x-should-retry", c->should_retry);

  retry = sp_retry_decide (&policy, c->attempt, c->status, headers,
                           c->code, c->type, NOW, c->random, &delay_ms);

  g_assert_cmpint (retry, ==, c->expect_retry);
  g_assert_cmpuint (delay_ms, ==, c->expect_delay_ms);
}

static void
test_backoff_is_capped (void)
{
  guint previous = 0;
  guint attempt;

  for (attempt = 1; attempt <= 20; attempt++)
    {
      SpRetryPolicy many = { .max_retries = 100, .initial_delay_ms = 500, .max_delay_ms = 8000 };
      guint delay_ms = 0;

      g_assert_true (sp_retry_decide (&many, attempt, 503, NULL, NULL, NULL, NOW, 0.0, &delay_ms));
      g_assert_cmpuint (delay_ms, <=, 8000);
      g_assert_cmpuint (delay_ms, >=, previous);
      previous = delay_ms;
    }
  g_assert_cmpuint (previous, ==, 8000);
}

static void
test_no_headers (void)
{
  g_assert_true (sp_retry_decide (&policy, 1, 0, NULL, NULL, NULL, NOW, 0.0, NULL));
  g_assert_false (sp_retry_decide (&policy, 1, 401, NULL, NULL, NULL, NOW, 0.0, NULL));
  g_assert_cmpint (sp_retry_get_server_delay (NULL, NOW), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/retry/decide/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_decide);
    }

  g_test_add_func ("/sp/retry/backoff-is-capped", test_backoff_is_capped);
  g_test_add_func ("/sp/retry/no-headers", test_no_headers);

  return g_test_run ();
}
