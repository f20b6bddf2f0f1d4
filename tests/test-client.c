// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-client"

#include "config.h"

#include <string.h>

#include "sp-client.h"
#include "sp-tokenizer.h"
#include "sp-error.h"
#include "sp-fake-server.h"
#include "sp-provider.h"
#include "sp-test-util.h"

#define STORY "A lonely lighthouse keeper on Europa listens to the whales under the ice."
#define STORY_WORD "lighthouse"
#define WRONG_KEY "sk-wrong-0123456789abcdef"
#define RIGHT_KEY "sk-right-0123456789abcdef"

typedef struct
{
  SpFakeServer *server;
  SpProvider   *provider;
  SpClient     *client;
  GString      *deltas;
  guint         n_deltas;
  GCancellable *cancel_on_delta;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  fixture->provider = sp_provider_new ("fake", "Fake", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                                       sp_fake_server_get_base_url (fixture->server));
  fixture->client = sp_test_client_new (fixture->provider, NULL);
  fixture->deltas = g_string_new (NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->cancel_on_delta);

  /* Let the server see its connections close before it goes away. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&fixture->server));
  g_string_free (fixture->deltas, TRUE);
}

static void
delta_cb (const char *delta,
          gpointer    user_data)
{
  Fixture *fixture = user_data;

  g_assert_nonnull (delta);
  g_assert_cmpstr (delta, !=, "");
  g_string_append (fixture->deltas, delta);
  fixture->n_deltas++;

  if (fixture->cancel_on_delta != NULL)
    g_cancellable_cancel (fixture->cancel_on_delta);
}

static JsonArray *
new_messages (const char *story)
{
  JsonArray *messages = json_array_new ();
  JsonObject *system = json_object_new ();
  JsonObject *user = json_object_new ();

  json_object_set_string_member (system, "role", "system");
  json_object_set_string_member (system, "content", "You write prompts for an image generator.");
  json_object_set_string_member (user, "role", "user");
  json_object_set_string_member (user, "content", story);
  json_array_add_object_element (messages, system);
  json_array_add_object_element (messages, user);

  return messages;
}

static SpGenerateResult *
run_chat_full (Fixture       *fixture,
               SpClient      *client,
               const char    *model,
               gboolean       stream,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(JsonArray) messages = new_messages (STORY);
  g_autoptr(GAsyncResult) result = NULL;
  SpGenerateRequest request = {
    .model = model,
    .messages = messages,
    .max_tokens = 200,
    .temperature = 0.7,
    .stream = stream,
  };

  sp_client_chat_async (client, &request, delta_cb, fixture, cancellable,
                        sp_test_store_result_cb, &result);
  return sp_client_chat_finish (client, sp_test_wait_for (&result), error);
}

static SpGenerateResult *
run_chat (Fixture     *fixture,
          const char  *model,
          gboolean     stream,
          GError     **error)
{
  return run_chat_full (fixture, fixture->client, model, stream, NULL, error);
}

static SpGenerateResult *
run_complete (Fixture     *fixture,
              const char  *model,
              gboolean     stream,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  const char * const stop[] = { "\n\n", NULL };
  SpGenerateRequest request = {
    .model = model,
    .prompt = "Research: " STORY "\nPrompt:",
    .stop = stop,
    .temperature = -1,
    .stream = stream,
  };

  sp_client_complete_async (fixture->client, &request, delta_cb, fixture, NULL,
                            sp_test_store_result_cb, &result);
  return sp_client_complete_finish (fixture->client, sp_test_wait_for (&result), error);
}

static void
assert_prompt (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, STORY_WORD ", "));
  g_assert_true (g_str_has_suffix (text, "--ar 3:2"));
}

static void
test_chat (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-ok", FALSE, &error);
  g_autofree char *body = sp_fake_server_dup_last_request_body (fixture->server);

  g_assert_no_error (error);
  assert_prompt (result->text);
  g_assert_cmpstr (result->finish_reason, ==, "stop");
  g_assert_cmpstr (result->model, ==, "fake-ok");
  g_assert_cmpint (result->prompt_tokens, >, 0);
  g_assert_cmpint (result->completion_tokens, >, 0);
  g_assert_cmpuint (result->attempts, ==, 1);
  g_assert_cmpstr (fixture->deltas->str, ==, result->text);

  /* What went over the wire. */
  g_assert_nonnull (strstr (body, "\"max_tokens\":200"));
  g_assert_nonnull (strstr (body, "\"stream\":false"));
  g_assert_null (strstr (body, "stream_options"));
  g_assert_false (sp_fake_server_get_last_had_auth (fixture->server));
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/chat/completions"), ==, 1);
}

static void
test_chat_stream (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-ok", TRUE, &error);
  g_autofree char *body = sp_fake_server_dup_last_request_body (fixture->server);

  g_assert_no_error (error);
  assert_prompt (result->text);
  g_assert_cmpuint (fixture->n_deltas, >, 5);
  g_assert_cmpstr (fixture->deltas->str, ==, result->text);
  g_assert_cmpstr (result->finish_reason, ==, "stop");
  g_assert_cmpuint (result->attempts, ==, 1);
  /* Not OpenAI: no stream_options, so no usage. */
  g_assert_null (strstr (body, "stream_options"));
  g_assert_cmpint (result->prompt_tokens, ==, -1);
}

static void
test_chat_stream_usage (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SpProvider) openai = sp_provider_new ("fake-openai", "Fake OpenAI", SP_PROVIDER_KIND_OPENAI,
                                                   sp_fake_server_get_base_url (fixture->server));
  g_autoptr(SpClient) client = sp_client_new (openai, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;
  g_autofree char *body = NULL;

  sp_client_set_timeouts (client, &sp_test_fast_timeouts);
  result = run_chat_full (fixture, client, "fake-ok", TRUE, NULL, &error);
  body = sp_fake_server_dup_last_request_body (fixture->server);

  g_assert_no_error (error);
  assert_prompt (result->text);
  g_assert_nonnull (strstr (body, "\"include_usage\":true"));
  g_assert_cmpint (result->prompt_tokens, >, 0);
  g_assert_cmpint (result->completion_tokens, >, 0);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_complete (Fixture       *fixture,
               gconstpointer  data)
{
  gboolean stream = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_complete (fixture, "davinci-002", stream, &error);
  g_autofree char *body = sp_fake_server_dup_last_request_body (fixture->server);

  g_assert_no_error (error);
  assert_prompt (result->text);
  g_assert_cmpstr (fixture->deltas->str, ==, result->text);
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/completions"), ==, 1);
  g_assert_nonnull (strstr (body, "\"stop\":[\"\\n\\n\"]"));
  g_assert_null (strstr (body, "temperature"));
  if (stream)
    g_assert_cmpuint (fixture->n_deltas, >, 5);
  else
    g_assert_cmpint (result->completion_tokens, >, 0);
}

static void
test_models (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = NULL;
  guint i;

  sp_client_list_models_async (fixture->client, NULL, sp_test_store_result_cb, &result);
  models = sp_client_list_models_finish (fixture->client, sp_test_wait_for (&result), &error);

  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) models, "fake-ok"));
  g_assert_true (g_strv_contains ((const char * const *) models, "davinci-002"));
  for (i = 1; models[i] != NULL; i++)
    g_assert_cmpint (strcmp (models[i - 1], models[i]), <, 0);
}

/* Line ends, odd write sizes and chatter must not change the text. */
static void
test_stream_variants (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *model = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) whole = run_chat (fixture, model, FALSE, &error);
  g_autoptr(SpGenerateResult) streamed = NULL;

  g_assert_no_error (error);
  g_string_truncate (fixture->deltas, 0);
  fixture->n_deltas = 0;

  streamed = run_chat (fixture, model, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (streamed->text, ==, whole->text);
  g_assert_cmpstr (fixture->deltas->str, ==, whole->text);
  g_assert_cmpuint (fixture->n_deltas, >, 5);
  g_assert_cmpuint (streamed->attempts, ==, 1);

  if (g_strcmp0 (model, "fake-chatter") == 0)
    {
      g_assert_true (g_str_has_prefix (whole->text, "Sure! Here is your prompt:"));
      g_assert_nonnull (strstr (whole->text, "--ar 3:2\n\nLet me know"));
    }
  else
    assert_prompt (whole->text);
}

static void
test_retry_429 (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean stream = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  result = run_chat (fixture, "fake-429", stream, &error);

  g_assert_no_error (error);
  assert_prompt (result->text);
  g_assert_cmpuint (result->attempts, ==, 2);
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/chat/completions"), ==, 2);
  /* The server asked for 20 ms. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20 * 1000);
}

static void
test_retry_500 (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-500", TRUE, &error);

  g_assert_no_error (error);
  assert_prompt (result->text);
  g_assert_cmpuint (result->attempts, ==, 2);
}

static void
test_500_always (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-500-always", FALSE, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_SERVER);
  g_assert_null (result);
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/chat/completions"),
                    ==, sp_test_fast_timeouts.max_retries + 1);
  g_assert_nonnull (strstr (error->message, sp_fake_server_get_base_url (fixture->server)));
}

static void
test_retry_drop (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-drop", TRUE, &error);

  g_assert_no_error (error);
  assert_prompt (result->text);
  /* libsoup itself may re-send on a dropped keep-alive connection, so
   * only the server knows for sure that a retry happened. */
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/chat/completions"), ==, 2);
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean stream = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-malformed", stream, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
  g_assert_null (result);
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
}

static void
test_truncated (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-truncated", TRUE, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_TRUNCATED);
  g_assert_null (result);
  /* Text had reached the caller: a retry would repeat it. */
  g_assert_cmpuint (fixture->n_deltas, >, 0);
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
}

static void
test_quota (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-quota", FALSE, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_QUOTA);
  g_assert_nonnull (strstr (error->message, "credit"));
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
}

static void
test_model_not_found (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = run_chat (fixture, "fake-404", FALSE, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“fake-404”"));
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
}

static void
test_wrong_key (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SpClient) client = sp_test_client_new (fixture->provider, WRONG_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  sp_fake_server_set_required_key (fixture->server, RIGHT_KEY);
  result = run_chat_full (fixture, client, "fake-ok", FALSE, NULL, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_AUTH);
  g_assert_null (strstr (error->message, WRONG_KEY));
  g_assert_null (strstr (error->message, "0123456789"));
  g_assert_nonnull (strstr (error->message, "Preferences"));
  g_assert_true (sp_fake_server_get_last_had_auth (fixture->server));
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_missing_key (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  sp_fake_server_set_required_key (fixture->server, RIGHT_KEY);
  result = run_chat (fixture, "fake-ok", FALSE, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "needs an API key"));
  g_assert_false (sp_fake_server_get_last_had_auth (fixture->server));
}

static void
test_right_key (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SpClient) client = sp_test_client_new (fixture->provider, RIGHT_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  sp_fake_server_set_required_key (fixture->server, RIGHT_KEY);
  result = run_chat_full (fixture, client, "fake-ok", TRUE, NULL, &error);

  g_assert_no_error (error);
  assert_prompt (result->text);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_bad_key (Fixture       *fixture,
              gconstpointer  data)
{
  static const char * const bad_keys[] = {
    "sk-abc\ndef", "sk-abc\r\nX-Evil: 1", "sk abc", "sk-\x01",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SpClient) client = sp_client_new (fixture->provider, bad_keys[i], &error);

      g_assert_null (client);
      g_assert_error (error, SP_ERROR, SP_ERROR_INVALID_KEY);
      g_assert_null (strstr (error->message, "abc"));
    }

  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 0);
}

static void
test_cancel_mid_stream (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  fixture->cancel_on_delta = g_object_ref (cancellable);
  result = run_chat_full (fixture, fixture->client, "fake-slow", TRUE, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpuint (fixture->n_deltas, ==, 1);
}

static void
test_cancel_before (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = run_chat_full (fixture, fixture->client, "fake-ok", TRUE, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 0);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancelling while the client waits to retry must not wait it out. */
static void
test_cancel_during_retry_wait (Fixture       *fixture,
                               gconstpointer  data)
{
  SpClientTimeouts timeouts = sp_test_fast_timeouts;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  timeouts.initial_delay_ms = 5000;
  timeouts.max_delay_ms = 5000;
  sp_client_set_timeouts (fixture->client, &timeouts);
  g_timeout_add (200, cancel_cb, cancellable);

  result = run_chat_full (fixture, fixture->client, "fake-500-always", FALSE, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
}

static void
test_idle_deadline (Fixture       *fixture,
                    gconstpointer  data)
{
  SpClientTimeouts timeouts = sp_test_fast_timeouts;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  timeouts.idle_timeout_ms = 50;
  timeouts.max_retries = 1;
  sp_client_set_timeouts (fixture->client, &timeouts);

  result = run_chat (fixture, "fake-slow", TRUE, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_TIMEOUT);
  g_assert_null (result);
  /* Nothing had reached the caller, so it was tried again once. */
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 2);
}

static void
test_request_deadline (Fixture       *fixture,
                       gconstpointer  data)
{
  SpClientTimeouts timeouts = sp_test_fast_timeouts;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  timeouts.request_timeout_ms = 100;
  sp_client_set_timeouts (fixture->client, &timeouts);

  result = run_chat (fixture, "fake-slow", FALSE, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_TIMEOUT);
  /* The whole-request deadline is not retried. */
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
}

static void
test_redirect (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SpClient) client = sp_test_client_new (fixture->provider, RIGHT_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;

  result = run_chat_full (fixture, client, "fake-redirect", FALSE, NULL, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "redirect"));
  g_assert_cmpuint (sp_fake_server_get_leaked_auth_count (fixture->server), ==, 0);
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(SpProvider) provider = NULL;
  g_autoptr(SpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and has nobody listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  provider = sp_provider_new ("nobody", "Nobody", SP_PROVIDER_KIND_OPENAI_COMPATIBLE, url);
  client = sp_client_new (provider, NULL, NULL);
  sp_client_set_timeouts (client, &sp_test_fast_timeouts);
  result = run_chat_full (fixture, client, "fake-ok", FALSE, NULL, &error);

  g_assert_error (error, SP_ERROR, SP_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, url));
  g_assert_nonnull (strstr (error->message, "Is the server running?"));
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  gboolean stream = GPOINTER_TO_INT (data);
  g_autoptr(SpProvider) offline = sp_provider_new_offline ();
  g_autoptr(SpClient) client = sp_client_new (offline, NULL, NULL);
  g_autoptr(JsonArray) messages = new_messages (STORY);
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SpGenerateResult) result = NULL;
  SpGenerateRequest request = {
    .model = "offline",
    .messages = messages,
    .temperature = -1,
    .stream = stream,
    .seed = 42,
  };

  sp_client_chat_async (client, &request, delta_cb, fixture, NULL, sp_test_store_result_cb, &async_result);
  result = sp_client_chat_finish (client, sp_test_wait_for (&async_result), &error);
  g_clear_object (&async_result);

  g_assert_no_error (error);
  g_assert_nonnull (result->text);
  g_assert_cmpuint (strlen (result->text), >, 10);
  g_assert_cmpstr (fixture->deltas->str, ==, result->text);
  if (stream)
    g_assert_cmpuint (fixture->n_deltas, >, 3);
  /* Counted locally, as o200k_base: the same figures the ledger shows. */
  {
    SpTokenizer *tokenizer = sp_tokenizer_get_for_encoding ("o200k_base", NULL);
    gsize prompt_tokens = 0, completion_tokens = 0;

    g_assert_true (sp_tokenizer_count_chat (tokenizer, messages, &prompt_tokens, NULL));
    g_assert_true (sp_tokenizer_count (tokenizer, result->text, -1, 0, &completion_tokens, NULL));
    g_assert_cmpint (result->prompt_tokens, ==, (gint64) prompt_tokens);
    g_assert_cmpint (result->completion_tokens, ==, (gint64) completion_tokens);
    g_assert_cmpint (result->completion_tokens, >, 0);
  }
  g_assert_cmpuint (sp_fake_server_get_request_count (fixture->server), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_model_is_completion (void)
{
  static const struct { const char *model; gboolean completion; } cases[] = {
    { "davinci-002", TRUE },
    { "babbage-002", TRUE },
    { "gpt-3.5-turbo-instruct", TRUE },
    { "gpt-3.5-turbo-instruct-0914", TRUE },
    { "text-davinci-003", TRUE },
    { "davinci", TRUE },
    { "ft:davinci-002:my-org:prompts:abc123", TRUE },
    { "davinci:ft-personal-2023-01-20-10-00-00", TRUE },
    { "gpt-4o-mini", FALSE },
    { "gpt-3.5-turbo", FALSE },
    { "ft:gpt-4o-mini-2024-07-18:my-org::abc", FALSE },
    { "llama3.1:8b", FALSE },
    { "fake-ok", FALSE },
    { "", FALSE },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (sp_client_model_is_completion (cases[i].model), ==, cases[i].completion);
  g_assert_false (sp_client_model_is_completion (NULL));
}

static void
test_parse_json_limits (void)
{
  const char *octal = "{\"a\": \"x\\202\"}";
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint i;

  for (i = 0; i < SP_CLIENT_MAX_JSON_DEPTH + 1; i++)
    g_string_append_c (deep, '[');
  for (i = 0; i < SP_CLIENT_MAX_JSON_DEPTH + 1; i++)
    g_string_append_c (deep, ']');
  g_assert_null (sp_client_parse_json (deep->str, deep->len, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  /* Brackets inside strings do not count. */
  g_string_append (ok, "{\"a\": \"");
  for (i = 0; i < 200; i++)
    g_string_append (ok, "[{\\\"");
  g_string_append (ok, "\"}");
  node = sp_client_parse_json (ok->str, ok->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  /* json-glib 1.6 reads the octal escape "\\202" as a raw byte. */
  g_assert_null (sp_client_parse_json (octal, strlen (octal), &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  g_assert_null (sp_client_parse_json ("", 0, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  g_assert_null (sp_client_parse_json ("{\"a\":", 5, &error));
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
}

static void
add_test (const char    *path,
          gconstpointer  data,
          void         (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("STARPROMPT_SECRETS", "memory", TRUE);

  add_test ("/sp/client/chat", NULL, test_chat);
  add_test ("/sp/client/chat-stream", NULL, test_chat_stream);
  add_test ("/sp/client/chat-stream-usage-openai", NULL, test_chat_stream_usage);
  add_test ("/sp/client/complete", GINT_TO_POINTER (FALSE), test_complete);
  add_test ("/sp/client/complete-stream", GINT_TO_POINTER (TRUE), test_complete);
  add_test ("/sp/client/models", NULL, test_models);
  add_test ("/sp/client/stream/crlf", "fake-crlf", test_stream_variants);
  add_test ("/sp/client/stream/cr", "fake-cr", test_stream_variants);
  add_test ("/sp/client/stream/split", "fake-split", test_stream_variants);
  add_test ("/sp/client/stream/chatter", "fake-chatter", test_stream_variants);
  add_test ("/sp/client/retry/429", GINT_TO_POINTER (FALSE), test_retry_429);
  add_test ("/sp/client/retry/429-stream", GINT_TO_POINTER (TRUE), test_retry_429);
  add_test ("/sp/client/retry/500", NULL, test_retry_500);
  add_test ("/sp/client/retry/500-always", NULL, test_500_always);
  add_test ("/sp/client/retry/drop", NULL, test_retry_drop);
  add_test ("/sp/client/error/malformed", GINT_TO_POINTER (FALSE), test_malformed);
  add_test ("/sp/client/error/malformed-stream", GINT_TO_POINTER (TRUE), test_malformed);
  add_test ("/sp/client/error/truncated", NULL, test_truncated);
  add_test ("/sp/client/error/quota", NULL, test_quota);
  add_test ("/sp/client/error/model-not-found", NULL, test_model_not_found);
  add_test ("/sp/client/error/connection-refused", NULL, test_connection_refused);
  add_test ("/sp/client/key/wrong", NULL, test_wrong_key);
  add_test ("/sp/client/key/right", NULL, test_right_key);
  add_test ("/sp/client/key/missing", NULL, test_missing_key);
  add_test ("/sp/client/key/refused-before-request", NULL, test_bad_key);
  add_test ("/sp/client/key/redirect-does-not-leak", NULL, test_redirect);
  add_test ("/sp/client/cancel/mid-stream", NULL, test_cancel_mid_stream);
  add_test ("/sp/client/cancel/before-start", NULL, test_cancel_before);
  add_test ("/sp/client/cancel/during-retry-wait", NULL, test_cancel_during_retry_wait);
  add_test ("/sp/client/deadline/idle", NULL, test_idle_deadline);
  add_test ("/sp/client/deadline/request", NULL, test_request_deadline);
  add_test ("/sp/client/offline", GINT_TO_POINTER (FALSE), test_offline);
  add_test ("/sp/client/offline-stream", GINT_TO_POINTER (TRUE), test_offline);
  g_test_add_func ("/sp/client/model-is-completion", test_model_is_completion);
  g_test_add_func ("/sp/client/parse-json-limits", test_parse_json_limits);

  return g_test_run ();
}
