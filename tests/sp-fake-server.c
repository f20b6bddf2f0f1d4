// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-fake-server"

#include "config.h"

#include "sp-fake-server.h"

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
}

SpFakeServer *
sp_fake_server_new (GError **error)
{
  g_autoptr(SpFakeServer) self = g_object_new (SP_TYPE_FAKE_SERVER, NULL);
  g_autoptr(GSList) uris = NULL;
  GUri *uri;

  self->server = soup_server_new ("server-header", "sp-fake-server", NULL);
  soup_server_add_handler (self->server, NULL, handle_request_cb, self, NULL);

  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
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
