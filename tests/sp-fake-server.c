// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-fake-server"

#include "config.h"

#include "sp-fake-server.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define SLOW_FIRST_BYTE_MS 300
#define SLOW_CHUNK_MS      100
#define CHUNK_MS           5
#define SPLIT_CHUNK_MS     1
#define RETRY_AFTER_MS     "20"

struct _SpFakeServer
{
  GObject      parent_instance;

  SoupServer  *server;
  char        *base_url;
  char        *redirect_base;
  guint        latency_ms;
  char        *required_key;

  GHashTable  *conversations;  /* key → request count */
  GHashTable  *path_counts;    /* path → request count */
  guint        request_count;
  guint        leaked_auth_count;
  char        *last_body;
  gboolean     last_had_auth;

  GPtrArray   *pending;        /* Reply, answers still being written */

  /* Files and fine-tuning. */
  GHashTable  *files;          /* id → FakeFile */
  GPtrArray   *jobs;           /* FakeJob, oldest first */
  guint        next_file;
  guint        job_step_ms;
  guint        first_job_number;
  guint64      last_upload_size;
  char        *last_upload_checksum;
};

G_DEFINE_FINAL_TYPE (SpFakeServer, sp_fake_server, G_TYPE_OBJECT)

/* An answer written over time to a paused message. */
typedef struct
{
  SpFakeServer      *server;
  SoupServerMessage *message;
  GPtrArray         *pieces;       /* GBytes; NULL for a whole reply */
  guint              next;
  guint              interval_ms;
  guint              source;
  gulong             finished_id;
  /* A whole reply sent after a delay. */
  guint              status;
  char              *content_type;
  GBytes            *body;
  char              *retry_after_ms;
} Reply;

static void
reply_free (gpointer data)
{
  Reply *reply = data;

  g_clear_handle_id (&reply->source, g_source_remove);
  if (reply->finished_id != 0)
    g_signal_handler_disconnect (reply->message, reply->finished_id);
  g_clear_object (&reply->message);
  g_clear_pointer (&reply->pieces, g_ptr_array_unref);
  g_free (reply->content_type);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply->retry_after_ms);
  g_free (reply);
}

static void
reply_done (Reply *reply)
{
  g_ptr_array_remove_fast (reply->server->pending, reply);
}

static void
reply_finished_cb (SoupServerMessage *message,
                   gpointer           user_data)
{
  Reply *reply = user_data;

  /* The client went away, or the answer is out: stop writing. */
  g_signal_handler_disconnect (reply->message, reply->finished_id);
  reply->finished_id = 0;
  reply_done (reply);
}

static Reply *
reply_new (SpFakeServer      *self,
           SoupServerMessage *message)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->server = self;
  reply->message = g_object_ref (message);
  reply->finished_id = g_signal_connect (message, "finished",
                                         G_CALLBACK (reply_finished_cb), reply);
  g_ptr_array_add (self->pending, reply);

  return reply;
}

static char *
error_json (const char *text,
            const char *type,
            const char *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "param");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "code");
  if (code != NULL)
    json_builder_add_string_value (builder, code);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
delayed_reply_cb (gpointer user_data)
{
  Reply *reply = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (reply->message);
  gsize size;
  const char *data = g_bytes_get_data (reply->body, &size);

  reply->source = 0;
  soup_server_message_set_status (reply->message, reply->status,
                                  reply->status == 429 ? "Too Many Requests" : NULL);
  if (reply->retry_after_ms != NULL)
    soup_message_headers_replace (headers, "retry-after-ms", reply->retry_after_ms);
  soup_server_message_set_response (reply->message, reply->content_type,
                                    SOUP_MEMORY_COPY, data, size);
  soup_server_message_unpause (reply->message);

  return G_SOURCE_REMOVE;
}

/* Every answer goes through here so the latency applies to all. */
static void
send_reply (SpFakeServer      *self,
            SoupServerMessage *message,
            guint              delay_ms,
            guint              status,
            const char        *content_type,
            const char        *body,
            gsize              length,
            const char        *retry_after_ms)
{
  Reply *reply;

  if (delay_ms == 0)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

      soup_server_message_set_status (message, status, status == 429 ? "Too Many Requests" : NULL);
      if (retry_after_ms != NULL)
        soup_message_headers_replace (headers, "retry-after-ms", retry_after_ms);
      soup_server_message_set_response (message, content_type, SOUP_MEMORY_COPY, body, length);
      return;
    }

  reply = reply_new (self, message);
  reply->status = status;
  reply->content_type = g_strdup (content_type);
  reply->body = g_bytes_new (body, length);
  reply->retry_after_ms = g_strdup (retry_after_ms);
  soup_server_message_pause (message);
  reply->source = g_timeout_add (delay_ms, delayed_reply_cb, reply);
}

static void
send_error (SpFakeServer      *self,
            SoupServerMessage *message,
            guint              delay_ms,
            guint              status,
            const char        *text,
            const char        *type,
            const char        *code,
            const char        *retry_after_ms)
{
  g_autofree char *json = error_json (text, type, code);

  send_reply (self, message, delay_ms, status, "application/json",
              json, strlen (json), retry_after_ms);
}

static gboolean
stream_piece_cb (gpointer user_data)
{
  Reply *reply = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (reply->message);
  GBytes *piece = g_ptr_array_index (reply->pieces, reply->next++);

  soup_message_body_append_bytes (body, piece);
  if (reply->next < reply->pieces->len)
    {
      soup_server_message_unpause (reply->message);
      return G_SOURCE_CONTINUE;
    }

  /* The end of the chunked body; a truncated stream simply has no
   * [DONE] among its pieces. */
  reply->source = 0;
  soup_message_body_complete (body);
  soup_server_message_unpause (reply->message);

  return G_SOURCE_REMOVE;
}

static gboolean
first_piece_cb (gpointer user_data)
{
  Reply *reply = user_data;

  reply->source = 0;
  if (stream_piece_cb (reply) == G_SOURCE_CONTINUE)
    reply->source = g_timeout_add (MAX (reply->interval_ms, 1), stream_piece_cb, reply);

  return G_SOURCE_REMOVE;
}

/* Writes @pieces one by one: the first after @first_delay_ms, the others
 * @interval_ms apart, each as its own chunk. */
static void
start_stream (SpFakeServer      *self,
              SoupServerMessage *message,
              guint              first_delay_ms,
              guint              interval_ms,
              GPtrArray         *pieces)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  Reply *reply = reply_new (self, message);

  g_assert (pieces->len > 0);

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);

  reply->pieces = g_ptr_array_ref (pieces);
  reply->interval_ms = interval_ms;
  soup_server_message_pause (message);
  reply->source = g_timeout_add (MAX (first_delay_ms, 1), first_piece_cb, reply);
}

/* The word the answer echoes: the longest word of the story, so tests
 * can tell which request an answer belongs to. */
static char *
pick_story_word (const char *story)
{
  g_autofree char *best = NULL;
  const char *p = story;

  while (p != NULL && *p != '\0')
    {
      const char *start;

      while (*p != '\0' && !g_ascii_isalpha (*p))
        p++;
      start = p;
      while (g_ascii_isalpha (*p))
        p++;

      if (p - start > 3 && (best == NULL || (gsize) (p - start) > strlen (best)))
        {
          g_free (best);
          best = g_ascii_strdown (start, p - start);
        }
    }

  return best != NULL ? g_steal_pointer (&best) : g_strdup ("stars");
}

static char *
get_story (JsonObject *request,
           gboolean    chat)
{
  JsonNode *node;
  JsonArray *messages;
  guint i;

  if (!chat)
    {
      const char *prompt = json_object_get_string_member_with_default (request, "prompt", "");
      gsize len = strlen (prompt);

      /* The story is at the end of a few-shot prompt. */
      return g_strdup (len > 400 ? prompt + len - 400 : prompt);
    }

  node = json_object_get_member (request, "messages");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("");

  messages = json_node_get_array (node);
  for (i = json_array_get_length (messages); i > 0; i--)
    {
      JsonNode *element = json_array_get_element (messages, i - 1);
      JsonObject *message;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      message = json_node_get_object (element);
      if (g_strcmp0 (json_object_get_string_member_with_default (message, "role", ""), "user") == 0)
        return g_strdup (json_object_get_string_member_with_default (message, "content", ""));
    }

  return g_strdup ("");
}

static char *
make_answer (JsonObject *request,
             gboolean    chat,
             const char *model)
{
  g_autofree char *story = get_story (request, chat);
  g_autofree char *word = pick_story_word (story);
  g_autofree char *prompt = NULL;

  prompt = g_strdup_printf ("%s, a lone starship leaving Earth for unknown galaxies, "
                            "cinematic lighting, Star Wars style, digital art, "
                            "in the style of Chris Foss --ar 3:2",
                            word);

  if (g_strcmp0 (model, "fake-chatter") == 0)
    return g_strdup_printf ("Sure! Here is your prompt:\n\n%s\n\n"
                            "Let me know if you would like any changes!", prompt);

  return g_steal_pointer (&prompt);
}

static void
add_usage (JsonBuilder *builder,
           const char  *story,
           const char  *answer)
{
  g_auto(GStrv) story_words = g_strsplit (story, " ", -1);
  g_auto(GStrv) answer_words = g_strsplit (answer, " ", -1);

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, g_strv_length (story_words) + 7);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, g_strv_length (answer_words));
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, g_strv_length (story_words) + 7 + g_strv_length (answer_words));
  json_builder_end_object (builder);
}

static char *
whole_answer_json (JsonObject *request,
                   gboolean    chat,
                   const char *model,
                   const char *answer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *story = get_story (request, chat);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, chat ? "chatcmpl-fake" : "cmpl-fake");
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, chat ? "chat.completion" : "text_completion");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, 1672531200);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  if (chat)
    {
      json_builder_set_member_name (builder, "message");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "assistant");
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, answer);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, answer);
    }
  json_builder_set_member_name (builder, "finish_reason");
  json_builder_add_string_value (builder, "stop");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  add_usage (builder, story, answer);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* One chunk of a stream; @piece NULL gives the final chunk with the
 * finish reason, @with_usage a chunk with no choices and the usage. */
static char *
stream_chunk_json (JsonObject *request,
                   gboolean    chat,
                   const char *model,
                   const char *piece,
                   const char *answer,
                   gboolean    with_usage)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, chat ? "chatcmpl-fake" : "cmpl-fake");
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, chat ? "chat.completion.chunk" : "text_completion");
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  if (!with_usage)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "index");
      json_builder_add_int_value (builder, 0);
      if (chat)
        {
          json_builder_set_member_name (builder, "delta");
          json_builder_begin_object (builder);
          if (piece != NULL)
            {
              json_builder_set_member_name (builder, "content");
              json_builder_add_string_value (builder, piece);
            }
          json_builder_end_object (builder);
        }
      else
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, piece != NULL ? piece : "");
        }
      json_builder_set_member_name (builder, "finish_reason");
      if (piece == NULL)
        json_builder_add_string_value (builder, "stop");
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (with_usage)
    {
      g_autofree char *story = get_story (request, chat);

      add_usage (builder, story, answer);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
wants_usage (JsonObject *request)
{
  JsonNode *node = json_object_get_member (request, "stream_options");

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  return json_object_get_boolean_member_with_default (json_node_get_object (node),
                                                      "include_usage", FALSE);
}

static void
append_event (GString    *stream,
              const char *data,
              const char *line_end)
{
  g_string_append_printf (stream, "data: %s%s%s", data, line_end, line_end);
}

/* The whole event stream of an answer, as text. */
static GString *
build_event_stream (JsonObject *request,
                    gboolean    chat,
                    const char *model,
                    const char *answer)
{
  const char *line_end = "\n";
  GString *stream = g_string_new (NULL);
  g_auto(GStrv) words = g_strsplit (answer, " ", -1);
  guint i;

  if (g_strcmp0 (model, "fake-crlf") == 0)
    line_end = "\r\n";
  else if (g_strcmp0 (model, "fake-cr") == 0)
    line_end = "\r";

  g_string_append_printf (stream, ": fake server%s", line_end);

  for (i = 0; words[i] != NULL; i++)
    {
      g_autofree char *piece = g_strconcat (i > 0 ? " " : "", words[i], NULL);
      g_autofree char *json = stream_chunk_json (request, chat, model, piece, answer, FALSE);

      append_event (stream, json, line_end);
    }

  if (g_strcmp0 (model, "fake-truncated") == 0)
    return stream;

  {
    g_autofree char *json = stream_chunk_json (request, chat, model, NULL, answer, FALSE);

    append_event (stream, json, line_end);
  }

  if (wants_usage (request))
    {
      g_autofree char *json = stream_chunk_json (request, chat, model, NULL, answer, TRUE);

      append_event (stream, json, line_end);
    }

  append_event (stream, "[DONE]", line_end);

  return stream;
}

/* Cuts an event stream into the pieces written one at a time: one event
 * per write, or odd sizes that split lines, line ends and UTF-8. */
static GPtrArray *
cut_stream (GString    *stream,
            const char *model)
{
  static const gsize odd_sizes[] = { 1, 2, 3, 5, 7, 11, 13, 17, 64 };
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize pos = 0;
  guint i = 0;

  if (g_strcmp0 (model, "fake-split") == 0)
    {
      while (pos < stream->len)
        {
          gsize size = MIN (odd_sizes[i++ % G_N_ELEMENTS (odd_sizes)], stream->len - pos);

          g_ptr_array_add (pieces, g_bytes_new (stream->str + pos, size));
          pos += size;
        }
      return pieces;
    }

  while (pos < stream->len)
    {
      const char *next = strstr (stream->str + pos, "data: ");
      gsize end;

      /* Up to the start of the next event after this one. */
      if (next != NULL && next == stream->str + pos)
        next = strstr (stream->str + pos + 1, "data: ");
      end = next != NULL ? (gsize) (next - stream->str) : stream->len;

      g_ptr_array_add (pieces, g_bytes_new (stream->str + pos, end - pos));
      pos = end;
    }

  return pieces;
}

static void
answer_ok (SpFakeServer      *self,
           SoupServerMessage *message,
           JsonObject        *request,
           gboolean           chat,
           const char        *model,
           guint              delay_ms)
{
  g_autofree char *answer = make_answer (request, chat, model);
  gboolean slow = g_strcmp0 (model, "fake-slow") == 0;

  if (json_object_get_boolean_member_with_default (request, "stream", FALSE))
    {
      g_autoptr(GString) stream = build_event_stream (request, chat, model, answer);
      g_autoptr(GPtrArray) pieces = cut_stream (stream, model);
      guint interval = slow ? SLOW_CHUNK_MS
                       : g_strcmp0 (model, "fake-split") == 0 ? SPLIT_CHUNK_MS : CHUNK_MS;

      if (g_strcmp0 (model, "fake-malformed") == 0)
        {
          g_ptr_array_set_size (pieces, 0);
          g_ptr_array_add (pieces, g_bytes_new_static ("data: {\"choices\": [{\"delta\": {\"con\n\n", 35));
          g_ptr_array_add (pieces, g_bytes_new_static ("data: [DONE]\n\n", 14));
        }

      start_stream (self, message, delay_ms, interval, pieces);
      return;
    }

  if (g_strcmp0 (model, "fake-malformed") == 0)
    {
      const char *broken = "{\"choices\": [{\"message\": {\"content\": \"half";

      send_reply (self, message, delay_ms, SOUP_STATUS_OK, "application/json",
                  broken, strlen (broken), NULL);
      return;
    }

  {
    g_autofree char *json = whole_answer_json (request, chat, model, answer);
    gsize length = strlen (json);

    if (g_strcmp0 (model, "fake-truncated") == 0)
      length /= 2;

    send_reply (self, message, delay_ms, SOUP_STATUS_OK, "application/json",
                json, length, NULL);
  }
}

static guint
count_conversation (SpFakeServer      *self,
                    SoupServerMessage *message,
                    const char        *body,
                    gsize              length)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *conversation = soup_message_headers_get_one (headers, "X-Fake-Conversation");
  g_autofree char *key = NULL;
  guint count;

  if (conversation != NULL)
    key = g_strconcat ("header:", conversation, NULL);
  else
    key = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) body, length);

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->conversations, key)) + 1;
  g_hash_table_insert (self->conversations, g_steal_pointer (&key), GUINT_TO_POINTER (count));

  return count;
}

static void
drop_connection (SoupServerMessage *message)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (message);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static void
handle_generation (SpFakeServer      *self,
                   SoupServerMessage *message,
                   gboolean           chat,
                   guint              delay_ms)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request_body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *data;
  gsize length;
  JsonObject *request;
  const char *model;
  guint count;

  data = g_bytes_get_data (bytes, &length);
  if (length == 0 ||
      !json_parser_load_from_data (parser, data, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      send_error (self, message, delay_ms, SOUP_STATUS_BAD_REQUEST,
                  "We could not parse the JSON body of your request.",
                  "invalid_request_error", NULL, NULL);
      return;
    }

  request = json_node_get_object (json_parser_get_root (parser));
  model = json_object_get_string_member_with_default (request, "model", "");
  count = count_conversation (self, message, data, length);

  if (g_strcmp0 (model, "fake-slow") == 0)
    delay_ms = MAX (delay_ms, SLOW_FIRST_BYTE_MS);

  if (g_strcmp0 (model, "fake-429") == 0 && count == 1)
    send_error (self, message, delay_ms, 429,
                "Rate limit reached for requests. Please try again in 20ms.",
                "requests", "rate_limit_exceeded", RETRY_AFTER_MS);
  else if (g_strcmp0 (model, "fake-quota") == 0)
    send_error (self, message, delay_ms, 429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", "insufficient_quota", NULL);
  else if ((g_strcmp0 (model, "fake-500") == 0 && count == 1) ||
           g_strcmp0 (model, "fake-500-always") == 0)
    send_error (self, message, delay_ms, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                "The server had an error while processing your request. Sorry about that!",
                "server_error", NULL, NULL);
  else if (g_strcmp0 (model, "fake-404") == 0)
    {
      g_autofree char *text = g_strdup_printf ("The model `%s` does not exist or you do not have access to it.", model);

      send_error (self, message, delay_ms, SOUP_STATUS_NOT_FOUND, text,
                  "invalid_request_error", "model_not_found", NULL);
    }
  else if (g_strcmp0 (model, "fake-drop") == 0 && count == 1)
    drop_connection (message);
  else if (g_strcmp0 (model, "fake-redirect") == 0)
    {
      const char *path = g_uri_get_path (soup_server_message_get_uri (message));
      g_autofree char *location = g_strconcat (self->redirect_base, path, NULL);

      soup_server_message_set_redirect (message, SOUP_STATUS_TEMPORARY_REDIRECT, location);
    }
  else
    answer_ok (self, message, request, chat, model, delay_ms);
}

static void
handle_models (SpFakeServer      *self,
               SoupServerMessage *message,
               guint              delay_ms)
{
  static const char * const models[] = {
    "davinci-002", "fake-404", "fake-429", "fake-500", "fake-500-always",
    "fake-chatter", "fake-cr", "fake-crlf", "fake-drop", "fake-malformed",
    "fake-ok", "fake-quota", "fake-redirect", "fake-slow", "fake-split",
    "fake-truncated", "gpt-4o-mini",
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  guint i;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  /* Unsorted on purpose: the client sorts. */
  for (i = G_N_ELEMENTS (models); i > 0; i--)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, models[i - 1]);
      json_builder_set_member_name (builder, "object");
      json_builder_add_string_value (builder, "model");
      json_builder_set_member_name (builder, "owned_by");
      json_builder_add_string_value (builder, "starprompt-tests");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  send_reply (self, message, delay_ms, SOUP_STATUS_OK, "application/json",
              json, strlen (json), NULL);
}

/* Files and fine-tuning: uploads parsed as they arrive, jobs that live
 * on a scaled clock. */

#define UPLOAD_MAX_HEADERS    (16 * 1024)
#define UPLOAD_MAX_FIELD      1024
#define UPLOAD_KEEP_CONTENT   (1024 * 1024)
#define UPLOAD_PARSED_LINES   1000
#define UPLOAD_MAX_LINE       (64 * 1024 * 1024)
#define JOB_RUNNING_STEP      4
#define JOB_TRAINING_STEPS    20
#define JOB_FAIL_AT           5
#define JOB_FINE_TUNED_ID     "abc123"

typedef enum
{
  MULTIPART_PREAMBLE,
  MULTIPART_AFTER_DELIMITER,
  MULTIPART_HEADERS,
  MULTIPART_FIELD,
  MULTIPART_FILE,
  MULTIPART_DONE,
  MULTIPART_BROKEN,
} MultipartState;

/* A multipart/form-data body read chunk by chunk: only a small window of
 * it is ever held, the file part is counted, checked and dropped. */
typedef struct
{
  MultipartState  state;
  char           *delimiter;        /* "\r\n--BOUNDARY" */
  gsize           delimiter_len;
  GByteArray     *pending;
  char           *field_name;
  char           *filename;
  char           *purpose;
  gboolean        saw_file;

  guint64         file_bytes;
  GChecksum      *checksum;
  GByteArray     *content;          /* while small enough */
  GString        *line;
  guint64         line_number;
  guint64         bad_line;         /* first line that is not an object */
} Upload;

typedef struct
{
  char    *id;
  char    *filename;
  char    *purpose;
  guint64  bytes;
  gint64   created_at;
  GBytes  *content;                 /* NULL when not kept */
} FakeFile;

typedef struct
{
  char       *id;
  guint       number;
  JsonObject *data;                 /* "data" of a metrics event, or NULL */
  char       *level;
  char       *message;
  char       *type;
  gint64      created_at;
} FakeEvent;

typedef struct
{
  char       *id;
  guint       number;
  char       *model;
  char       *training_file;
  char       *validation_file;
  char       *suffix;
  gint64      seed;
  int         n_epochs;             /* 0: auto */
  guint64     training_bytes;
  gint64      created_at;
  gint64      started_us;           /* monotonic */
  gint64      finished_at;
  guint       step;                 /* clock steps applied so far */
  char       *status;
  char       *fine_tuned_model;
  char       *error_code;
  char       *error_message;
  char       *result_file;
  gint64      trained_tokens;
  GPtrArray  *events;               /* FakeEvent, oldest first */
  GPtrArray  *checkpoints;          /* JsonObject, oldest first */
  GString    *metrics_csv;
} FakeJob;

static void
upload_free (gpointer data)
{
  Upload *upload = data;

  g_free (upload->delimiter);
  g_byte_array_unref (upload->pending);
  g_free (upload->field_name);
  g_free (upload->filename);
  g_free (upload->purpose);
  g_checksum_free (upload->checksum);
  g_clear_pointer (&upload->content, g_byte_array_unref);
  g_string_free (upload->line, TRUE);
  g_free (upload);
}

static void
fake_file_free (gpointer data)
{
  FakeFile *file = data;

  g_free (file->id);
  g_free (file->filename);
  g_free (file->purpose);
  g_clear_pointer (&file->content, g_bytes_unref);
  g_free (file);
}

static void
fake_event_free (gpointer data)
{
  FakeEvent *event = data;

  g_free (event->id);
  g_clear_pointer (&event->data, json_object_unref);
  g_free (event->level);
  g_free (event->message);
  g_free (event->type);
  g_free (event);
}

static void
fake_job_free (gpointer data)
{
  FakeJob *job = data;

  g_free (job->id);
  g_free (job->model);
  g_free (job->training_file);
  g_free (job->validation_file);
  g_free (job->suffix);
  g_free (job->status);
  g_free (job->fine_tuned_model);
  g_free (job->error_code);
  g_free (job->error_message);
  g_free (job->result_file);
  g_ptr_array_unref (job->events);
  g_ptr_array_unref (job->checkpoints);
  g_string_free (job->metrics_csv, TRUE);
  g_free (job);
}

static void
send_json (SpFakeServer      *self,
           SoupServerMessage *message,
           guint              status,
           JsonObject        *object)
{
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), object);
  g_autofree char *json = json_to_string (root, FALSE);

  send_reply (self, message, self->latency_ms, status, "application/json",
              json, strlen (json), NULL);
}

/* Upload parsing. */

static void
check_line (Upload     *upload,
            const char *line,
            gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;

  upload->line_number++;
  if (upload->bad_line != 0)
    return;

  while (length > 0 && g_ascii_isspace (line[length - 1]))
    length--;
  while (length > 0 && g_ascii_isspace (*line))
    line++, length--;
  if (length == 0)
    return;

  /* Real JSON for the first lines, the shape of an object after: enough
   * to tell a JSONL file from anything else without slowing a benchmark
   * of hundreds of megabytes. */
  if (line[0] != '{' || line[length - 1] != '}')
    {
      upload->bad_line = upload->line_number;
      return;
    }
  if (upload->line_number > UPLOAD_PARSED_LINES)
    return;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, line, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    upload->bad_line = upload->line_number;
}

static void
feed_file (Upload     *upload,
           const char *data,
           gsize       length)
{
  const char *end = data + length;

  upload->file_bytes += length;
  g_checksum_update (upload->checksum, (const guchar *) data, length);

  if (upload->content != NULL)
    {
      if (upload->content->len + length <= UPLOAD_KEEP_CONTENT)
        g_byte_array_append (upload->content, (const guint8 *) data, length);
      else
        g_clear_pointer (&upload->content, g_byte_array_unref);
    }

  while (data < end)
    {
      const char *newline = memchr (data, '\n', end - data);

      if (newline == NULL)
        {
          if (upload->line->len + (end - data) > UPLOAD_MAX_LINE)
            upload->bad_line = upload->bad_line != 0 ? upload->bad_line : upload->line_number + 1;
          else
            g_string_append_len (upload->line, data, end - data);
          return;
        }

      if (upload->line->len > 0)
        {
          g_string_append_len (upload->line, data, newline - data);
          check_line (upload, upload->line->str, upload->line->len);
          g_string_truncate (upload->line, 0);
        }
      else
        {
          check_line (upload, data, newline - data);
        }
      data = newline + 1;
    }
}

static char *
get_disposition_param (const char *headers,
                       const char *name)
{
  g_autofree char *needle = g_strdup_printf ("%s=\"", name);
  const char *start = strstr (headers, needle);
  const char *end;

  if (start == NULL)
    return NULL;

  start += strlen (needle);
  end = strchr (start, '"');
  if (end == NULL)
    return NULL;

  return g_strndup (start, end - start);
}

static void
take_part_headers (Upload     *upload,
                   const char *headers,
                   gsize       length)
{
  g_autofree char *text = g_strndup (headers, length);

  g_free (upload->field_name);
  upload->field_name = get_disposition_param (text, "name");

  if (g_strcmp0 (upload->field_name, "file") == 0)
    {
      g_free (upload->filename);
      upload->filename = get_disposition_param (text, "filename");
      upload->saw_file = TRUE;
      upload->state = MULTIPART_FILE;
    }
  else
    {
      upload->state = MULTIPART_FIELD;
    }
}

static void
take_field (Upload     *upload,
            const char *value,
            gsize       length)
{
  if (g_strcmp0 (upload->field_name, "purpose") == 0)
    {
      g_free (upload->purpose);
      upload->purpose = g_strndup (value, length);
    }
}

/* memmem() without _GNU_SOURCE. */
static const char *
find_bytes (const char *haystack,
            gsize       length,
            const char *needle,
            gsize       needle_len)
{
  const char *end = haystack + length;
  const char *p = haystack;

  while (needle_len > 0 && (gsize) (end - p) >= needle_len)
    {
      p = memchr (p, needle[0], end - p - needle_len + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, needle_len) == 0)
        return p;
      p++;
    }

  return NULL;
}

static gboolean
parse_step (Upload *upload)
{
  GByteArray *pending = upload->pending;
  const char *data = (const char *) pending->data;
  const char *found;
  gsize keep;

  switch (upload->state)
    {
    case MULTIPART_PREAMBLE:
    case MULTIPART_FIELD:
    case MULTIPART_FILE:
      found = find_bytes (data, pending->len, upload->delimiter, upload->delimiter_len);
      if (found == NULL)
        {
          /* Keep what could be the start of a delimiter. */
          keep = MIN (pending->len, upload->delimiter_len - 1);
          if (upload->state == MULTIPART_FILE)
            feed_file (upload, data, pending->len - keep);
          else if (upload->state == MULTIPART_FIELD && pending->len > UPLOAD_MAX_FIELD)
            upload->state = MULTIPART_BROKEN;
          g_byte_array_remove_range (pending, 0, pending->len - keep);
          return FALSE;
        }
      if (upload->state == MULTIPART_FILE)
        feed_file (upload, data, found - data);
      else if (upload->state == MULTIPART_FIELD)
        take_field (upload, data, found - data);
      g_byte_array_remove_range (pending, 0, found - data + upload->delimiter_len);
      upload->state = MULTIPART_AFTER_DELIMITER;
      return TRUE;

    case MULTIPART_AFTER_DELIMITER:
      if (pending->len < 2)
        return FALSE;
      if (memcmp (data, "--", 2) == 0)
        upload->state = MULTIPART_DONE;
      else if (memcmp (data, "\r\n", 2) == 0)
        upload->state = MULTIPART_HEADERS;
      else
        upload->state = MULTIPART_BROKEN;
      g_byte_array_remove_range (pending, 0, 2);
      return TRUE;

    case MULTIPART_HEADERS:
      found = find_bytes (data, pending->len, "\r\n\r\n", 4);
      if (found == NULL)
        {
          if (pending->len > UPLOAD_MAX_HEADERS)
            upload->state = MULTIPART_BROKEN;
          return FALSE;
        }
      take_part_headers (upload, data, found - data);
      g_byte_array_remove_range (pending, 0, found - data + 4);
      return TRUE;

    case MULTIPART_DONE:
    case MULTIPART_BROKEN:
    default:
      g_byte_array_set_size (pending, 0);
      return FALSE;
    }
}

static void
upload_got_chunk_cb (SoupServerMessage *message,
                     GBytes            *chunk,
                     gpointer           user_data)
{
  Upload *upload = user_data;
  gsize size;
  const guint8 *data = g_bytes_get_data (chunk, &size);

  g_byte_array_append (upload->pending, data, size);
  while (parse_step (upload))
    ;
}

static void
early_files_cb (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_autoptr(GHashTable) params = NULL;
  const char *content_type;
  const char *boundary;
  Upload *upload;

  if (g_strcmp0 (soup_server_message_get_method (message), "POST") != 0 ||
      g_strcmp0 (path, "/v1/files") != 0)
    return;

  /* Count and drop: the body of an upload never piles up in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (message), FALSE);

  content_type = soup_message_headers_get_content_type (headers, &params);
  boundary = params != NULL ? g_hash_table_lookup (params, "boundary") : NULL;
  if (g_strcmp0 (content_type, "multipart/form-data") != 0 || boundary == NULL)
    return;

  upload = g_new0 (Upload, 1);
  upload->delimiter = g_strconcat ("\r\n--", boundary, NULL);
  upload->delimiter_len = strlen (upload->delimiter);
  upload->pending = g_byte_array_new ();
  /* The first delimiter has no line break before it. */
  g_byte_array_append (upload->pending, (const guint8 *) "\r\n", 2);
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  upload->content = g_byte_array_new ();
  upload->line = g_string_new (NULL);

  g_object_set_data_full (G_OBJECT (message), "sp-fake-upload", upload, upload_free);
  g_signal_connect (message, "got-chunk", G_CALLBACK (upload_got_chunk_cb), upload);
}

/* Files. */

static JsonObject *
file_json (FakeFile *file)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "object", "file");
  json_object_set_string_member (object, "id", file->id);
  json_object_set_int_member (object, "bytes", file->bytes);
  json_object_set_int_member (object, "created_at", file->created_at);
  json_object_set_string_member (object, "filename", file->filename);
  json_object_set_string_member (object, "purpose", file->purpose);
  json_object_set_string_member (object, "status", "processed");
  json_object_set_null_member (object, "status_details");

  return object;
}

static FakeFile *
add_file (SpFakeServer *self,
          const char   *filename,
          const char   *purpose,
          guint64       bytes,
          GBytes       *content)
{
  FakeFile *file = g_new0 (FakeFile, 1);

  file->id = g_strdup_printf ("file-fake%04u", ++self->next_file);
  file->filename = g_strdup (filename);
  file->purpose = g_strdup (purpose);
  file->bytes = bytes;
  file->created_at = g_get_real_time () / G_USEC_PER_SEC;
  file->content = content != NULL ? g_bytes_ref (content) : NULL;
  g_hash_table_insert (self->files, file->id, file);

  return file;
}

static void
handle_upload (SpFakeServer      *self,
               SoupServerMessage *message)
{
  Upload *upload = g_object_get_data (G_OBJECT (message), "sp-fake-upload");
  g_autoptr(GBytes) content = NULL;
  g_autofree char *text = NULL;
  FakeFile *file;

  if (upload == NULL || upload->state == MULTIPART_BROKEN || !upload->saw_file)
    {
      send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST,
                  "'file' is a required property", "invalid_request_error", NULL, NULL);
      return;
    }

  self->last_upload_size = upload->file_bytes;
  g_free (self->last_upload_checksum);
  self->last_upload_checksum = g_strdup (g_checksum_get_string (upload->checksum));

  if (upload->purpose == NULL)
    {
      send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST,
                  "'purpose' is a required property", "invalid_request_error", NULL, NULL);
      return;
    }

  if (g_strcmp0 (upload->purpose, "fine-tune") == 0)
    {
      /* The end of a last line without a line break. */
      if (upload->line->len > 0)
        check_line (upload, upload->line->str, upload->line->len);

      if (upload->filename == NULL || !g_str_has_suffix (upload->filename, ".jsonl"))
        {
          send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST,
                      "Invalid file format for Fine-Tuning API. Must be .jsonl",
                      "invalid_request_error", "invalid_file_format", NULL);
          return;
        }

      if (upload->bad_line != 0 || upload->line_number == 0)
        {
          text = g_strdup_printf ("Invalid file format. Line %" G_GUINT64_FORMAT " is not a JSON "
                                  "object: each line must be one JSON object.",
                                  MAX (upload->bad_line, 1));
          send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST,
                      text, "invalid_request_error", "invalid_file_format", NULL);
          return;
        }
    }

  if (upload->content != NULL)
    content = g_byte_array_free_to_bytes (g_steal_pointer (&upload->content));

  file = add_file (self, upload->filename, upload->purpose, upload->file_bytes, content);
  send_json (self, message, SOUP_STATUS_OK, file_json (file));
}

static void
handle_file (SpFakeServer      *self,
             SoupServerMessage *message,
             const char        *method,
             const char        *file_id,
             gboolean           content)
{
  FakeFile *file = g_hash_table_lookup (self->files, file_id);
  g_autofree char *text = NULL;

  if (file == NULL)
    {
      text = g_strdup_printf ("No such File object: %s", file_id);
      send_error (self, message, self->latency_ms, SOUP_STATUS_NOT_FOUND,
                  text, "invalid_request_error", NULL, NULL);
      return;
    }

  if (content && g_strcmp0 (method, "GET") == 0)
    {
      gsize size;
      const char *data;

      if (file->content == NULL)
        {
          send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST,
                      "Not allowed to download files of purpose: fine-tune",
                      "invalid_request_error", NULL, NULL);
          return;
        }
      data = g_bytes_get_data (file->content, &size);
      send_reply (self, message, self->latency_ms, SOUP_STATUS_OK,
                  "application/octet-stream", data, size, NULL);
    }
  else if (!content && g_strcmp0 (method, "GET") == 0)
    {
      send_json (self, message, SOUP_STATUS_OK, file_json (file));
    }
  else if (!content && g_strcmp0 (method, "DELETE") == 0)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "id", file_id);
      json_object_set_string_member (object, "object", "file");
      json_object_set_boolean_member (object, "deleted", TRUE);
      g_hash_table_remove (self->files, file_id);
      send_json (self, message, SOUP_STATUS_OK, object);
    }
  else
    {
      send_error (self, message, 0, SOUP_STATUS_METHOD_NOT_ALLOWED,
                  "Method not allowed.", "invalid_request_error", NULL, NULL);
    }
}

/* Jobs, on a clock of job_step_ms steps. */

static void
add_event (FakeJob    *job,
           const char *level,
           const char *message,
           JsonObject *data)
{
  FakeEvent *event = g_new0 (FakeEvent, 1);

  event->number = job->events->len + 1;
  event->id = g_strdup_printf ("ftevent-fake%04u-%04u", job->number, event->number);
  event->level = g_strdup (level);
  event->message = g_strdup (message);
  event->type = g_strdup (data != NULL ? "metrics" : "message");
  event->data = data;
  event->created_at = g_get_real_time () / G_USEC_PER_SEC;
  g_ptr_array_add (job->events, event);
}

static gboolean
job_is_final (FakeJob *job)
{
  return g_strcmp0 (job->status, "succeeded") == 0 ||
         g_strcmp0 (job->status, "failed") == 0 ||
         g_strcmp0 (job->status, "cancelled") == 0;
}

static void
set_job_status (FakeJob    *job,
                const char *status)
{
  g_free (job->status);
  job->status = g_strdup (status);
  if (job_is_final (job))
    job->finished_at = g_get_real_time () / G_USEC_PER_SEC;
}

static double
train_loss_at (guint step)
{
  return 2.0 * pow (0.88, step - 1) + 0.1;
}

static int
job_epochs (FakeJob *job)
{
  return job->n_epochs > 0 ? job->n_epochs : 3;
}

static void
add_checkpoint (FakeJob *job,
                guint    step,
                double   train_loss,
                double   valid_loss)
{
  JsonObject *checkpoint = json_object_new ();
  JsonObject *metrics = json_object_new ();
  g_autofree char *id = g_strdup_printf ("ftckpt_fake%04u_%02u", job->number, step);
  g_autofree char *model = g_strdup_printf ("ft:%s:fake:%s:%s:ckpt-step-%u",
                                            job->model, job->suffix != NULL ? job->suffix : "",
                                            JOB_FINE_TUNED_ID, step);

  json_object_set_int_member (metrics, "step", step);
  json_object_set_double_member (metrics, "train_loss", train_loss);
  if (job->validation_file != NULL)
    json_object_set_double_member (metrics, "valid_loss", valid_loss);

  json_object_set_string_member (checkpoint, "object", "fine_tuning.job.checkpoint");
  json_object_set_string_member (checkpoint, "id", id);
  json_object_set_int_member (checkpoint, "created_at", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_string_member (checkpoint, "fine_tuned_model_checkpoint", model);
  json_object_set_int_member (checkpoint, "step_number", step);
  json_object_set_object_member (checkpoint, "metrics", metrics);
  json_object_set_string_member (checkpoint, "fine_tuning_job_id", job->id);
  g_ptr_array_add (job->checkpoints, checkpoint);
}

static void
training_step (FakeJob *job,
               guint    step)
{
  double train_loss = train_loss_at (step);
  double valid_loss = train_loss + 0.05;
  JsonObject *data = json_object_new ();
  g_autofree char *text = NULL;
  char train[G_ASCII_DTOSTR_BUF_SIZE];
  char valid[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (train, sizeof train, "%.4f", train_loss);
  g_ascii_formatd (valid, sizeof valid, "%.4f", valid_loss);

  json_object_set_int_member (data, "step", step);
  json_object_set_double_member (data, "train_loss", train_loss);
  json_object_set_double_member (data, "train_mean_token_accuracy", 0.5 + step * 0.02);
  json_object_set_int_member (data, "total_steps", JOB_TRAINING_STEPS);
  if (job->validation_file != NULL)
    {
      json_object_set_double_member (data, "valid_loss", valid_loss);
      text = g_strdup_printf ("Step %u/%u: training loss=%s, validation loss=%s",
                              step, JOB_TRAINING_STEPS, train, valid);
      g_string_append_printf (job->metrics_csv, "%u,%s,%s\n", step, train, valid);
    }
  else
    {
      text = g_strdup_printf ("Step %u/%u: training loss=%s", step, JOB_TRAINING_STEPS, train);
      g_string_append_printf (job->metrics_csv, "%u,%s,\n", step, train);
    }
  add_event (job, "info", text, data);

  if (step % 10 == 0)
    add_checkpoint (job, step, train_loss, valid_loss);
}

static void
succeed_job (SpFakeServer *self,
             FakeJob      *job)
{
  g_autoptr(GBytes) csv = g_bytes_new (job->metrics_csv->str, job->metrics_csv->len);
  FakeFile *result = add_file (self, "step_metrics.csv", "fine-tune-results",
                               job->metrics_csv->len, csv);
  g_autofree char *text = NULL;

  job->fine_tuned_model = g_strdup_printf ("ft:%s:fake:%s:%s", job->model,
                                           job->suffix != NULL ? job->suffix : "",
                                           JOB_FINE_TUNED_ID);
  job->result_file = g_strdup (result->id);
  job->trained_tokens = (gint64) (job->training_bytes / 4) * job_epochs (job);
  text = g_strdup_printf ("New fine-tuned model created: %s", job->fine_tuned_model);
  add_event (job, "info", text, NULL);
  add_event (job, "info", "The job has successfully completed", NULL);
  set_job_status (job, "succeeded");
}

static void
apply_job_step (SpFakeServer *self,
                FakeJob      *job,
                guint         step)
{
  g_autofree char *text = NULL;
  guint training = step > JOB_RUNNING_STEP ? step - JOB_RUNNING_STEP : 0;

  if (step == 2)
    {
      add_event (job, "info", "Files validated, moving job to queued state", NULL);
      set_job_status (job, "queued");
    }
  else if (step == JOB_RUNNING_STEP)
    {
      add_event (job, "info", "Fine-tuning job started", NULL);
      set_job_status (job, "running");
    }
  else if (training >= 1 && training <= JOB_TRAINING_STEPS)
    {
      training_step (job, training);

      if (training == JOB_FAIL_AT && g_strcmp0 (job->suffix, "fail") == 0)
        {
          job->error_code = g_strdup ("training_failed");
          job->error_message = g_strdup_printf ("Training stopped at step %u: the training loss "
                                                "became NaN. Check the examples and try again.",
                                                training);
          text = g_strdup_printf ("Fine-tuning job failed: %s", job->error_message);
          add_event (job, "error", text, NULL);
          set_job_status (job, "failed");
          return;
        }

      if (training == JOB_TRAINING_STEPS)
        succeed_job (self, job);
    }
}

/* Brings the job up to the present of its clock. */
static void
advance_job (SpFakeServer *self,
             FakeJob      *job)
{
  gint64 elapsed = g_get_monotonic_time () - job->started_us;
  guint target = elapsed / (MAX (self->job_step_ms, 1) * 1000);

  while (job->step < target && !job_is_final (job))
    apply_job_step (self, job, ++job->step);
}

static void
add_hyperparameters (JsonObject *object,
                     FakeJob    *job,
                     gboolean    resolved)
{
  JsonObject *hyperparameters = json_object_new ();

  if (job->n_epochs > 0 || resolved)
    json_object_set_int_member (hyperparameters, "n_epochs", job_epochs (job));
  else
    json_object_set_string_member (hyperparameters, "n_epochs", "auto");
  if (resolved)
    {
      json_object_set_int_member (hyperparameters, "batch_size", 1);
      json_object_set_double_member (hyperparameters, "learning_rate_multiplier", 1.8);
    }
  else
    {
      json_object_set_string_member (hyperparameters, "batch_size", "auto");
      json_object_set_string_member (hyperparameters, "learning_rate_multiplier", "auto");
    }
  json_object_set_object_member (object, "hyperparameters", hyperparameters);
}

static JsonObject *
job_json (FakeJob *job)
{
  JsonObject *object = json_object_new ();
  JsonObject *method = json_object_new ();
  JsonObject *supervised = json_object_new ();
  JsonArray *results = json_array_new ();
  gboolean resolved = job->step >= JOB_RUNNING_STEP;

  json_object_set_string_member (object, "object", "fine_tuning.job");
  json_object_set_string_member (object, "id", job->id);
  json_object_set_string_member (object, "model", job->model);
  json_object_set_int_member (object, "created_at", job->created_at);
  if (job->finished_at != 0)
    json_object_set_int_member (object, "finished_at", job->finished_at);
  else
    json_object_set_null_member (object, "finished_at");
  if (job->fine_tuned_model != NULL)
    json_object_set_string_member (object, "fine_tuned_model", job->fine_tuned_model);
  else
    json_object_set_null_member (object, "fine_tuned_model");
  json_object_set_string_member (object, "organization_id", "org-fake");
  if (job->result_file != NULL)
    json_array_add_string_element (results, job->result_file);
  json_object_set_array_member (object, "result_files", results);
  json_object_set_string_member (object, "status", job->status);
  json_object_set_string_member (object, "training_file", job->training_file);
  if (job->validation_file != NULL)
    json_object_set_string_member (object, "validation_file", job->validation_file);
  else
    json_object_set_null_member (object, "validation_file");
  if (job->trained_tokens > 0)
    json_object_set_int_member (object, "trained_tokens", job->trained_tokens);
  else
    json_object_set_null_member (object, "trained_tokens");
  if (job->error_message != NULL)
    {
      JsonObject *error = json_object_new ();

      json_object_set_string_member (error, "code", job->error_code);
      json_object_set_string_member (error, "message", job->error_message);
      json_object_set_null_member (error, "param");
      json_object_set_object_member (object, "error", error);
    }
  else
    {
      json_object_set_null_member (object, "error");
    }
  if (job->suffix != NULL)
    json_object_set_string_member (object, "user_provided_suffix", job->suffix);
  else
    json_object_set_null_member (object, "user_provided_suffix");
  json_object_set_int_member (object, "seed", job->seed);
  add_hyperparameters (object, job, resolved);
  add_hyperparameters (supervised, job, resolved);
  json_object_set_string_member (method, "type", "supervised");
  json_object_set_object_member (method, "supervised", supervised);
  json_object_set_object_member (object, "method", method);

  return object;
}

static JsonObject *
event_json (FakeEvent *event)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "object", "fine_tuning.job.event");
  json_object_set_string_member (object, "id", event->id);
  json_object_set_int_member (object, "created_at", event->created_at);
  json_object_set_string_member (object, "level", event->level);
  json_object_set_string_member (object, "message", event->message);
  json_object_set_string_member (object, "type", event->type);
  if (event->data != NULL)
    json_object_set_object_member (object, "data", json_object_ref (event->data));
  else
    json_object_set_object_member (object, "data", json_object_new ());

  return object;
}

static FakeJob *
find_job (SpFakeServer *self,
          const char   *job_id)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      FakeJob *job = g_ptr_array_index (self->jobs, i);

      if (g_strcmp0 (job->id, job_id) == 0)
        return job;
    }

  return NULL;
}

static guint
get_limit (GHashTable *query)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  guint64 limit = 20;

  if (text != NULL)
    g_ascii_string_to_unsigned (text, 10, 1, 100, &limit, NULL);

  return limit;
}

/* A page of a list that runs newest first, starting after the item
 * whose id is "after". @ids and @items run oldest first. */
static void
send_page (SpFakeServer      *self,
           SoupServerMessage *message,
           GHashTable        *query,
           GPtrArray         *items,
           const char *(*get_id) (gpointer item),
           JsonObject *(*to_json) (gpointer item))
{
  const char *after = query != NULL ? g_hash_table_lookup (query, "after") : NULL;
  guint limit = get_limit (query);
  JsonObject *object = json_object_new ();
  JsonArray *data = json_array_new ();
  guint start = items->len;
  guint i;

  if (after != NULL)
    for (i = 0; i < items->len; i++)
      if (g_strcmp0 (get_id (g_ptr_array_index (items, i)), after) == 0)
        start = i;

  for (i = start; i > 0 && json_array_get_length (data) < limit; i--)
    json_array_add_object_element (data, to_json (g_ptr_array_index (items, i - 1)));

  json_object_set_string_member (object, "object", "list");
  json_object_set_array_member (object, "data", data);
  json_object_set_boolean_member (object, "has_more", i > 0);
  send_json (self, message, SOUP_STATUS_OK, object);
}

static const char *
job_get_id (gpointer item)
{
  return ((FakeJob *) item)->id;
}

static JsonObject *
job_to_json (gpointer item)
{
  return job_json (item);
}

static const char *
event_get_id (gpointer item)
{
  return ((FakeEvent *) item)->id;
}

static JsonObject *
event_to_json (gpointer item)
{
  return event_json (item);
}

static const char *
checkpoint_get_id (gpointer item)
{
  return json_object_get_string_member (item, "id");
}

static JsonObject *
checkpoint_to_json (gpointer item)
{
  return json_object_ref (item);
}

static gboolean
refuse_job (SpFakeServer      *self,
            SoupServerMessage *message,
            const char        *model)
{
  if (g_strcmp0 (model, "fake-ft-forbidden") == 0)
    send_error (self, message, self->latency_ms, SOUP_STATUS_FORBIDDEN,
                "You have insufficient permissions for this operation. Missing scopes: "
                "api.fine_tuning.jobs.write. Check that you have the correct role in your "
                "organization (Reader, Writer, Owner) and project (Member, Owner), and if you're "
                "using a restricted API key, that it has the necessary scopes.",
                "invalid_request_error", NULL, NULL);
  else if (g_strcmp0 (model, "fake-ft-closed") == 0)
    send_error (self, message, self->latency_ms, SOUP_STATUS_FORBIDDEN,
                "Fine-tuning is no longer available for new jobs on this organization.",
                "invalid_request_error", "fine_tuning_not_available", NULL);
  else if (g_strcmp0 (model, "fake-ft-quota") == 0)
    send_error (self, message, self->latency_ms, 429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", "insufficient_quota", NULL);
  else if (g_strcmp0 (model, "fake-ft-unknown-model") == 0)
    {
      g_autofree char *text = g_strdup_printf ("Model %s is not available for fine-tuning or "
                                               "does not exist.", model);

      send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST, text,
                  "invalid_request_error", "model_not_available", NULL);
    }
  else
    return FALSE;

  return TRUE;
}

static gboolean
check_job_file (SpFakeServer      *self,
                SoupServerMessage *message,
                const char        *file_id,
                const char        *param,
                FakeFile         **out_file)
{
  FakeFile *file = file_id != NULL ? g_hash_table_lookup (self->files, file_id) : NULL;
  g_autofree char *text = NULL;

  if (file != NULL && g_strcmp0 (file->purpose, "fine-tune") == 0)
    {
      *out_file = file;
      return TRUE;
    }

  text = g_strdup_printf ("invalid %s: %s", param, file_id != NULL ? file_id : "(none)");
  send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST, text,
              "invalid_request_error", NULL, NULL);

  return FALSE;
}

static int
get_requested_epochs (JsonObject *request)
{
  JsonNode *node;

  node = json_object_get_member (request, "method");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *method = json_node_get_object (node);

      node = json_object_get_member (method, "supervised");
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          node = json_object_get_member (json_node_get_object (node), "hyperparameters");
          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
            {
              node = json_object_get_member (json_node_get_object (node), "n_epochs");
              if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
                return json_node_get_int (node);
            }
        }
    }

  return 0;
}

static void
handle_create_job (SpFakeServer      *self,
                   SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request;
  const char *model;
  const char *suffix;
  const char *validation;
  FakeFile *training_file = NULL;
  FakeFile *validation_file = NULL;
  FakeJob *job;
  g_autofree char *text = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length == 0 ||
      !json_parser_load_from_data (parser, data, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST,
                  "We could not parse the JSON body of your request.",
                  "invalid_request_error", NULL, NULL);
      return;
    }

  request = json_node_get_object (json_parser_get_root (parser));
  model = json_object_get_string_member_with_default (request, "model", "");
  suffix = json_object_get_string_member_with_default (request, "suffix", NULL);
  validation = json_object_get_string_member_with_default (request, "validation_file", NULL);

  if (refuse_job (self, message, model))
    return;
  if (!check_job_file (self, message,
                       json_object_get_string_member_with_default (request, "training_file", NULL),
                       "training_file", &training_file))
    return;
  if (validation != NULL &&
      !check_job_file (self, message, validation, "validation_file", &validation_file))
    return;
  if (suffix != NULL && g_utf8_strlen (suffix, -1) > 64)
    {
      send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST,
                  "suffix is too long: at most 64 characters.",
                  "invalid_request_error", NULL, NULL);
      return;
    }

  job = g_new0 (FakeJob, 1);
  job->number = self->first_job_number + self->jobs->len + 1;
  job->id = g_strdup_printf ("ftjob-fake%04u", job->number);
  job->model = g_strdup (g_strcmp0 (model, "gpt-4o-mini") == 0 ? "gpt-4o-mini-2024-07-18" : model);
  job->training_file = g_strdup (training_file->id);
  job->validation_file = validation_file != NULL ? g_strdup (validation_file->id) : NULL;
  job->suffix = suffix != NULL && *suffix != '\0' ? g_strdup (suffix) : NULL;
  job->seed = json_object_get_int_member_with_default (request, "seed", 42);
  job->n_epochs = get_requested_epochs (request);
  job->training_bytes = training_file->bytes;
  job->created_at = g_get_real_time () / G_USEC_PER_SEC;
  job->started_us = g_get_monotonic_time ();
  job->status = g_strdup ("validating_files");
  job->events = g_ptr_array_new_with_free_func (fake_event_free);
  job->checkpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  job->metrics_csv = g_string_new ("step,train_loss,valid_loss\n");
  g_ptr_array_add (self->jobs, job);

  text = g_strdup_printf ("Created fine-tuning job: %s", job->id);
  add_event (job, "info", text, NULL);
  g_free (text);
  text = g_strdup_printf ("Validating training file: %s", job->training_file);
  add_event (job, "info", text, NULL);

  send_json (self, message, SOUP_STATUS_OK, job_json (job));
}

static void
handle_jobs (SpFakeServer      *self,
             SoupServerMessage *message,
             const char        *method,
             const char        *rest,
             GHashTable        *query)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *text = NULL;
  FakeJob *job;

  if (*rest == '\0')
    {
      if (g_strcmp0 (method, "POST") == 0)
        handle_create_job (self, message);
      else
        {
          for (guint i = 0; i < self->jobs->len; i++)
            advance_job (self, g_ptr_array_index (self->jobs, i));
          send_page (self, message, query, self->jobs, job_get_id, job_to_json);
        }
      return;
    }

  parts = g_strsplit (rest + 1, "/", 3);
  job = find_job (self, parts[0]);
  if (job == NULL)
    {
      text = g_strdup_printf ("Could not find fine-tune: %s", parts[0]);
      send_error (self, message, self->latency_ms, SOUP_STATUS_NOT_FOUND, text,
                  "invalid_request_error", "fine_tune_not_found", NULL);
      return;
    }

  advance_job (self, job);

  if (parts[1] == NULL && g_strcmp0 (method, "GET") == 0)
    send_json (self, message, SOUP_STATUS_OK, job_json (job));
  else if (g_strcmp0 (parts[1], "events") == 0 && parts[2] == NULL)
    send_page (self, message, query, job->events, event_get_id, event_to_json);
  else if (g_strcmp0 (parts[1], "checkpoints") == 0 && parts[2] == NULL)
    send_page (self, message, query, job->checkpoints, checkpoint_get_id, checkpoint_to_json);
  else if (g_strcmp0 (parts[1], "cancel") == 0 && parts[2] == NULL &&
           g_strcmp0 (method, "POST") == 0)
    {
      if (job_is_final (job))
        {
          text = g_strdup_printf ("Job has already completed: %s", job->id);
          send_error (self, message, self->latency_ms, SOUP_STATUS_BAD_REQUEST, text,
                      "invalid_request_error", NULL, NULL);
          return;
        }
      add_event (job, "info", "Fine-tuning job cancelled", NULL);
      set_job_status (job, "cancelled");
      send_json (self, message, SOUP_STATUS_OK, job_json (job));
    }
  else
    send_error (self, message, 0, SOUP_STATUS_NOT_FOUND,
                "Invalid URL.", "invalid_request_error", NULL, NULL);
}

static gboolean
handle_fine_tuning (SpFakeServer      *self,
                    SoupServerMessage *message,
                    const char        *method,
                    const char        *path,
                    GHashTable        *query)
{
  if (g_strcmp0 (method, "POST") == 0 && g_strcmp0 (path, "/v1/files") == 0)
    handle_upload (self, message);
  else if (g_str_has_prefix (path, "/v1/files/"))
    {
      g_auto(GStrv) parts = g_strsplit (path + strlen ("/v1/files/"), "/", 3);

      if (parts[0] == NULL || parts[0][0] == '\0' ||
          (parts[1] != NULL && (g_strcmp0 (parts[1], "content") != 0 || parts[2] != NULL)))
        return FALSE;
      handle_file (self, message, method, parts[0], parts[1] != NULL);
    }
  else if (g_strcmp0 (path, "/v1/fine_tuning/jobs") == 0 ||
           g_str_has_prefix (path, "/v1/fine_tuning/jobs/"))
    handle_jobs (self, message, method, path + strlen ("/v1/fine_tuning/jobs"), query);
  else
    return FALSE;

  return TRUE;
}

static gboolean
check_key (SpFakeServer      *self,
           SoupServerMessage *message,
           const char        *authorization)
{
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  const char *received;

  if (self->required_key == NULL)
    return TRUE;

  expected = g_strconcat ("Bearer ", self->required_key, NULL);
  if (g_strcmp0 (authorization, expected) == 0)
    return TRUE;

  received = authorization != NULL && g_str_has_prefix (authorization, "Bearer ")
             ? authorization + 7 : "";
  text = g_strdup_printf ("Incorrect API key provided: %s. You can find your API key "
                          "at https://platform.openai.com/account/api-keys.", received);
  send_error (self, message, 0, SOUP_STATUS_UNAUTHORIZED, text,
              "invalid_request_error", "invalid_api_key", NULL);

  return FALSE;
}

static void
handle_request_cb (SoupServer        *server,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  SpFakeServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *method = soup_server_message_get_method (message);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  guint count;

  self->request_count++;
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->path_counts, path));
  g_hash_table_insert (self->path_counts, g_strdup (path), GUINT_TO_POINTER (count + 1));
  self->last_had_auth = authorization != NULL;
  g_free (self->last_body);
  self->last_body = g_strndup (body->data, body->length);

  if (g_str_has_prefix (path, "/elsewhere/"))
    {
      if (authorization != NULL)
        self->leaked_auth_count++;
      send_error (self, message, 0, SOUP_STATUS_NOT_FOUND,
                  "Redirect target.", "invalid_request_error", NULL, NULL);
      return;
    }

  if (!check_key (self, message, authorization))
    return;

  if (g_strcmp0 (method, "GET") == 0 && g_strcmp0 (path, "/v1/models") == 0)
    handle_models (self, message, self->latency_ms);
  else if (g_strcmp0 (method, "POST") == 0 && g_strcmp0 (path, "/v1/chat/completions") == 0)
    handle_generation (self, message, TRUE, self->latency_ms);
  else if (g_strcmp0 (method, "POST") == 0 && g_strcmp0 (path, "/v1/completions") == 0)
    handle_generation (self, message, FALSE, self->latency_ms);
  else if (handle_fine_tuning (self, message, method, path, query))
    ;
  else
    send_error (self, message, 0, SOUP_STATUS_NOT_FOUND,
                "Invalid URL.", "invalid_request_error", NULL, NULL);
}

static void
sp_fake_server_dispose (GObject *object)
{
  SpFakeServer *self = (SpFakeServer *)object;

  if (self->pending != NULL)
    g_ptr_array_set_size (self->pending, 0);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (sp_fake_server_parent_class)->dispose (object);
}

static void
sp_fake_server_finalize (GObject *object)
{
  SpFakeServer *self = (SpFakeServer *)object;

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->conversations, g_hash_table_unref);
  g_clear_pointer (&self->path_counts, g_hash_table_unref);
  g_clear_pointer (&self->files, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_free (self->last_upload_checksum);
  g_free (self->base_url);
  g_free (self->redirect_base);
  g_free (self->required_key);
  g_free (self->last_body);

  G_OBJECT_CLASS (sp_fake_server_parent_class)->finalize (object);
}

static void
sp_fake_server_class_init (SpFakeServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_fake_server_dispose;
  object_class->finalize = sp_fake_server_finalize;
}

static void
sp_fake_server_init (SpFakeServer *self)
{
  self->conversations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->path_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_ptr_array_new_with_free_func (reply_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, fake_file_free);
  self->jobs = g_ptr_array_new_with_free_func (fake_job_free);
  self->job_step_ms = 20;
}

/* SoupServer listens with GLib's default backlog of 10: a client that
 * opens 16 connections at once, as a batch does, gets some of its SYNs
 * dropped while the accept queue is full and waits the kernel's first
 * retransmission timeout (1 s) for them. A real server has a longer
 * queue; so does this one. */
#define LISTEN_BACKLOG 128

gboolean
sp_fake_server_listen_loopback (SoupServer  *server,
                                GError     **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return FALSE;

  return soup_server_listen_socket (server, socket, 0, error);
}

SpFakeServer *
sp_fake_server_new (GError **error)
{
  g_autoptr(SpFakeServer) self = g_object_new (SP_TYPE_FAKE_SERVER, NULL);
  g_autoptr(GSList) uris = NULL;
  GUri *uri;

  self->server = soup_server_new ("server-header", "sp-fake-server", NULL);
  soup_server_add_handler (self->server, NULL, handle_request_cb, self, NULL);
  /* A path has one handler with both callbacks: the early one sees the
   * headers of an upload before its body, the other answers. */
  soup_server_add_early_handler (self->server, "/v1/files", early_files_cb, self, NULL);
  soup_server_add_handler (self->server, "/v1/files", handle_request_cb, self, NULL);

  if (!sp_fake_server_listen_loopback (self->server, error))
    return NULL;

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  uri = uris->data;
  self->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uri));
  self->redirect_base = g_strdup_printf ("http://127.0.0.1:%d/elsewhere", g_uri_get_port (uri));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  return g_steal_pointer (&self);
}

const char *
sp_fake_server_get_base_url (SpFakeServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), NULL);

  return self->base_url;
}

guint
sp_fake_server_get_request_count (SpFakeServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), 0);

  return self->request_count;
}

guint
sp_fake_server_get_path_count (SpFakeServer *self,
                               const char   *path)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->path_counts, path));
}

guint
sp_fake_server_get_leaked_auth_count (SpFakeServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), 0);

  return self->leaked_auth_count;
}

char *
sp_fake_server_dup_last_request_body (SpFakeServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), NULL);

  return g_strdup (self->last_body);
}

gboolean
sp_fake_server_get_last_had_auth (SpFakeServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), FALSE);

  return self->last_had_auth;
}

void
sp_fake_server_set_latency (SpFakeServer *self,
                            guint         latency_ms)
{
  g_return_if_fail (SP_IS_FAKE_SERVER (self));

  self->latency_ms = latency_ms;
}

void
sp_fake_server_set_required_key (SpFakeServer *self,
                                 const char   *key)
{
  g_return_if_fail (SP_IS_FAKE_SERVER (self));

  g_free (self->required_key);
  self->required_key = g_strdup (key);
}

void
sp_fake_server_reset (SpFakeServer *self)
{
  g_return_if_fail (SP_IS_FAKE_SERVER (self));

  g_hash_table_remove_all (self->conversations);
  g_hash_table_remove_all (self->path_counts);
  self->request_count = 0;
  self->leaked_auth_count = 0;
  self->last_had_auth = FALSE;
  g_clear_pointer (&self->last_body, g_free);
}

void
sp_fake_server_set_job_step_ms (SpFakeServer *self,
                                guint         step_ms)
{
  g_return_if_fail (SP_IS_FAKE_SERVER (self));

  self->job_step_ms = MAX (step_ms, 1);
}

void
sp_fake_server_set_first_job_number (SpFakeServer *self,
                                     guint         number)
{
  g_return_if_fail (SP_IS_FAKE_SERVER (self));

  self->first_job_number = number > 0 ? number - 1 : 0;
}

guint64
sp_fake_server_get_last_upload_size (SpFakeServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), 0);

  return self->last_upload_size;
}

char *
sp_fake_server_dup_last_upload_checksum (SpFakeServer *self)
{
  g_return_val_if_fail (SP_IS_FAKE_SERVER (self), NULL);

  return g_strdup (self->last_upload_checksum);
}
