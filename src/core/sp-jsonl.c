// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-jsonl"

#include "config.h"

#include "sp-jsonl.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sp-error.h"
#include "sp-json-private.h"
#include "sp-tokenizer.h"

#define DEFAULT_MODEL      "gpt-4o-mini"
#define FALLBACK_ENCODING  "o200k_base"
#define READ_SIZE          (1024 * 1024)
#define PROGRESS_INTERVAL  (100 * G_TIME_SPAN_MILLISECOND)
#define FEW_EXAMPLES       100
#define TOO_FEW_EXAMPLES   10

#define FNV_OFFSET G_GUINT64_CONSTANT (0xcbf29ce484222325)
#define FNV_PRIME  G_GUINT64_CONSTANT (0x100000001b3)

struct _SpJsonlReport
{
  GObject        parent_instance;

  char          *model;
  char          *encoding;
  SpJsonlFormat  format;
  guint64        n_lines;
  guint64        n_examples;
  guint64        bytes_read;
  gsize          longest_line;
  gsize          buffer_high_water;

  guint64        error_counts[SP_JSONL_N_ERROR_CLASSES];
  guint64        n_errors;
  GArray        *errors;              /* SpJsonlIssue */
  guint64        warning_counts[SP_JSONL_N_WARNING_KINDS];
  guint64        n_warnings;
  GArray        *warnings;            /* SpJsonlIssue */

  SpJsonlTokenStats stats;
  guint64        total_tokens;
  guint64        token_limit;
  guint64        billed_tokens;
  guint          epochs;
  gboolean       epochs_auto;
  guint64        billed_training_tokens;
  SpMoney        training_cost;
  SpPriceSheet  *sheet;
};

G_DEFINE_FINAL_TYPE (SpJsonlReport, sp_jsonl_report, G_TYPE_OBJECT)

/* The one table of example limits: the most tokens a training example may
 * have before OpenAI truncates it. */
static const struct
{
  const char *model;
  guint64     limit;
} example_limits[] = {
  { "gpt-4o",        65536 },
  { "gpt-4o-mini",   65536 },
  { "gpt-4.1",       65536 },
  { "gpt-4.1-mini",  65536 },
  { "gpt-4.1-nano",  32768 },
  { "gpt-3.5-turbo", 16385 },
  { "davinci-002",   16384 },
  { "babbage-002",   16384 },
  { "davinci",       2048 },
  { "curie",         2048 },
  { "babbage",       2048 },
  { "ada",           2048 },
};

static const char * const error_class_names[] = {
  "data_type",
  "missing_messages_list",
  "message_missing_key",
  "message_unrecognized_key",
  "unrecognized_role",
  "missing_content",
  "example_missing_assistant_message",
  "invalid_weight",
  "invalid_tools",
  "missing_prompt_or_completion",
  "invalid_json",
  "invalid_utf8",
  "too_deep",
  "line_too_long",
  "blank_line",
};
G_STATIC_ASSERT (G_N_ELEMENTS (error_class_names) == SP_JSONL_N_ERROR_CLASSES);

static const char * const warning_kind_names[] = {
  "too_few_examples",
  "few_examples",
  "duplicate_example",
  "example_too_long",
  "weight_not_on_assistant",
  "no_prompt_separator",
  "completion_without_leading_space",
  "no_stop_sequence",
  "unknown_model",
  "no_training_price",
};
G_STATIC_ASSERT (G_N_ELEMENTS (warning_kind_names) == SP_JSONL_N_WARNING_KINDS);

static const char * const message_keys[] = {
  "role", "content", "name", "weight", "function_call", "tool_calls", "tool_call_id", NULL,
};

static const char * const message_roles[] = {
  "system", "user", "assistant", "function", "tool", NULL,
};

/* The hash of an example's line, to find repeated examples at the end
 * without keeping their text: 12 bytes an example. */
typedef struct
{
  guint32 hash_high;
  guint32 hash_low;
  guint32 line;          /* saturates at G_MAXUINT32 */
} LineHash;

/* Token counts below this are kept as a histogram (exact percentiles in
 * constant memory); longer examples, over every model's limit, one by one. */
#define HISTOGRAM_SIZE 65536

/* A buffered line reader: the buffer grows to the longest line and no
 * further; a line longer than SP_JSONL_MAX_LINE_LENGTH is skipped. */
typedef struct
{
  GInputStream *stream;
  guint8       *buffer;
  gsize         capacity;
  gsize         start;
  gsize         end;
  gsize         scanned;      /* bytes after start known to hold no newline */
  gboolean      eof;
  gboolean      skipping;
  gsize         skipped;
  guint64       bytes_read;
  gsize         high_water;
} LineReader;

typedef enum
{
  READ_LINE,
  READ_LINE_TOO_LONG,
  READ_END,
  READ_FAILED,
} ReadStatus;

typedef struct
{
  SpJsonlReport *report;
  SpTokenizer   *tokenizer;
  JsonParser    *parser;
  SpJsonlFormat  format;
  gboolean       format_forced;
  guint64        format_line;
  guint64        line;
  gboolean       line_failed;
  guint32       *histogram;           /* HISTOGRAM_SIZE counts */
  GArray        *long_counts;         /* guint32, sorted at the end */
  GArray        *hashes;              /* LineHash, one per example */

  /* The legacy format's advice. */
  GString       *prompt_suffix;
  GString       *completion_suffix;
  guint64        n_no_leading_space;
  guint64        n_too_long;
} Validator;

typedef struct
{
  GMainContext        *context;
  SpJsonlProgressFunc  func;
  gpointer             data;
  GMutex               mutex;
  guint64              bytes_read;
  guint64              total_bytes;
  gboolean             pending;
  gatomicrefcount      ref_count;
} AsyncProgress;

typedef struct
{
  GFile          *file;
  char           *model;
  guint           epochs;
  SpJsonlFormat   format;
  SpPriceSheet   *sheet;
  AsyncProgress  *progress;
} Request;

static void
issue_clear (SpJsonlIssue *issue)
{
  g_clear_pointer (&issue->message, g_free);
}

/* "gpt-4o-mini-2024-07-18", "ft:gpt-4o-mini-2024-07-18:org::id",
 * "openai/gpt-4o" and "davinci:ft-org-2023-01-01" → the base id. */
static char *
base_model_id (const char *model)
{
  const char *start = model;
  const char *colon;
  const char *slash;
  gsize len;

  if (g_str_has_prefix (start, "ft:"))
    start += 3;
  slash = strchr (start, '/');
  if (slash != NULL)
    start = slash + 1;
  colon = strchr (start, ':');
  len = colon != NULL ? (gsize) (colon - start) : strlen (start);

  /* A snapshot date: -YYYY-MM-DD. */
  if (len > 11 && start[len - 11] == '-' && start[len - 6] == '-' && start[len - 3] == '-' &&
      g_ascii_isdigit (start[len - 10]) && g_ascii_isdigit (start[len - 1]))
    len -= 11;
  return g_strndup (start, len);
}

/* Error and warning lists. */

static void
add_issue (GArray     *list,
           guint64     line,
           int         kind,
           guint64     count,
           const char *format,
           va_list     args) G_GNUC_PRINTF (5, 0);

static void
add_issue (GArray     *list,
           guint64     line,
           int         kind,
           guint64     count,
           const char *format,
           va_list     args)
{
  SpJsonlIssue issue = { line, kind, count, NULL };

  if (list->len >= SP_JSONL_MAX_LISTED)
    return;
  issue.message = g_strdup_vprintf (format, args);
  g_array_append_val (list, issue);
}

static void
add_error (Validator         *v,
           SpJsonlErrorClass  error_class,
           const char        *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
add_error (Validator         *v,
           SpJsonlErrorClass  error_class,
           const char        *format,
           ...)
{
  va_list args;

  v->line_failed = TRUE;
  v->report->n_errors++;
  v->report->error_counts[error_class]++;
  va_start (args, format);
  add_issue (v->report->errors, v->line, error_class, 1, format, args);
  va_end (args);
}

static void
add_warning (SpJsonlReport      *report,
             guint64             line,
             SpJsonlWarningKind  kind,
             guint64             count,
             const char         *format,
             ...) G_GNUC_PRINTF (5, 6);

static void
add_warning (SpJsonlReport      *report,
             guint64             line,
             SpJsonlWarningKind  kind,
             guint64             count,
             const char         *format,
             ...)
{
  va_list args;

  report->n_warnings++;
  report->warning_counts[kind]++;
  va_start (args, format);
  add_issue (report->warnings, line, kind, count, format, args);
  va_end (args);
}

/* The line reader. */

static void
line_reader_init (LineReader   *reader,
                  GInputStream *stream)
{
  memset (reader, 0, sizeof *reader);
  reader->stream = stream;
  reader->capacity = READ_SIZE;
  reader->buffer = g_malloc (reader->capacity);
  reader->high_water = reader->capacity;
}

static void
line_reader_clear (LineReader *reader)
{
  g_clear_pointer (&reader->buffer, g_free);
}

/* Makes room after the partial line at the start of the buffer: moves it
 * to the front, and grows the buffer when the line fills it. */
static void
line_reader_make_room (LineReader *reader)
{
  gsize partial = reader->end - reader->start;

  if (reader->start > 0)
    {
      memmove (reader->buffer, reader->buffer + reader->start, partial);
      reader->start = 0;
      reader->end = partial;
    }
  if (reader->end == reader->capacity)
    {
      reader->capacity = MIN (reader->capacity * 2, (gsize) SP_JSONL_MAX_LINE_LENGTH + READ_SIZE);
      reader->buffer = g_realloc (reader->buffer, reader->capacity);
      reader->high_water = MAX (reader->high_water, reader->capacity);
    }
}

static gboolean
line_reader_fill (LineReader    *reader,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gssize n;

  line_reader_make_room (reader);
  n = g_input_stream_read (reader->stream, reader->buffer + reader->end,
                           MIN (reader->capacity - reader->end, (gsize) READ_SIZE),
                           cancellable, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    reader->eof = TRUE;
  reader->end += n;
  reader->bytes_read += n;
  return TRUE;
}

/* Reads past the rest of a line that is too long, counting its bytes. */
static ReadStatus
line_reader_skip (LineReader    *reader,
                  gsize         *length,
                  GCancellable  *cancellable,
                  GError       **error)
{
  for (;;)
    {
      const guint8 *newline = memchr (reader->buffer + reader->start, '\n',
                                      reader->end - reader->start);

      if (newline != NULL)
        {
          gsize used = newline - (reader->buffer + reader->start);

          *length = reader->skipped + used;
          reader->start += used + 1;
          reader->scanned = 0;
          reader->skipping = FALSE;
          return READ_LINE_TOO_LONG;
        }
      reader->skipped += reader->end - reader->start;
      reader->start = reader->end = 0;
      if (reader->eof)
        {
          *length = reader->skipped;
          reader->skipping = FALSE;
          return READ_LINE_TOO_LONG;
        }
      if (!line_reader_fill (reader, cancellable, error))
        return READ_FAILED;
    }
}

/* The next line, without its "\n"; valid until the next call. */
static ReadStatus
line_reader_next (LineReader    *reader,
                  const char   **line,
                  gsize         *length,
                  GCancellable  *cancellable,
                  GError       **error)
{
  for (;;)
    {
      gsize available = reader->end - reader->start;
      const guint8 *newline;

      if (reader->skipping)
        return line_reader_skip (reader, length, cancellable, error);

      newline = memchr (reader->buffer + reader->start + reader->scanned, '\n',
                        available - reader->scanned);
      if (newline != NULL)
        {
          *line = (const char *) reader->buffer + reader->start;
          *length = newline - (reader->buffer + reader->start);
          reader->start += *length + 1;
          reader->scanned = 0;
          return *length > SP_JSONL_MAX_LINE_LENGTH ? READ_LINE_TOO_LONG : READ_LINE;
        }
      reader->scanned = available;
      if (available > SP_JSONL_MAX_LINE_LENGTH)
        {
          reader->skipping = TRUE;
          reader->skipped = 0;
          reader->scanned = 0;
          continue;
        }
      if (reader->eof)
        {
          if (available == 0)
            return READ_END;
          /* The last line has no final newline. */
          *line = (const char *) reader->buffer + reader->start;
          *length = available;
          reader->start = reader->end;
          reader->scanned = 0;
          return READ_LINE;
        }
      if (!line_reader_fill (reader, cancellable, error))
        return READ_FAILED;
    }
}

/* Checks of one line. */

static gboolean
is_blank (const char *line,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return FALSE;
  return TRUE;
}

/* A bounded scan before json-glib sees the line: the depth of nesting,
 * and a hash of the line without the white space between JSON tokens, so
 * that two examples that differ only in spacing are the same example. */
static gboolean
scan_line (const char *line,
           gsize       length,
           guint64    *hash,
           gsize      *too_deep_at)
{
  guint64 h = FNV_OFFSET;
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = line[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        continue;
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > SP_JSONL_MAX_DEPTH)
            {
              *too_deep_at = i;
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
      h = (h ^ c) * FNV_PRIME;
    }
  *hash = h;
  return TRUE;
}

static const char *
format_name_for_user (SpJsonlFormat format)
{
  return format == SP_JSONL_FORMAT_COMPLETION ? _("legacy prompt/completion") : _("chat");
}

static void
add_wrong_format_error (Validator         *v,
                        SpJsonlErrorClass  error_class,
                        const char        *found)
{
  const char *expected = format_name_for_user (v->format);

  if (v->format_forced)
    add_error (v, error_class,
               _("This line is in the %s format, but the %s format was asked for. "
                 "Write every example in the same format."),
               found, expected);
  else
    add_error (v, error_class,
               _("This line is in the %s format, but line %llu set the file’s format to %s. "
                 "Write every example in the same format."),
               found, (unsigned long long) v->format_line, expected);
}

static void
check_tools (Validator  *v,
             JsonObject *example)
{
  JsonNode *tools = json_object_get_member (example, "tools");
  JsonNode *parallel = json_object_get_member (example, "parallel_tool_calls");
  JsonNode *functions = json_object_get_member (example, "functions");

  if (tools != NULL && !JSON_NODE_HOLDS_ARRAY (tools))
    add_error (v, SP_JSONL_ERROR_INVALID_TOOLS,
               _("“tools” is not a list. Make it a list of tool definitions, or remove it."));
  if (functions != NULL && !JSON_NODE_HOLDS_ARRAY (functions))
    add_error (v, SP_JSONL_ERROR_INVALID_TOOLS,
               _("“functions” is not a list. Make it a list of function definitions, or remove it."));
  if (parallel != NULL &&
      (!JSON_NODE_HOLDS_VALUE (parallel) || json_node_get_value_type (parallel) != G_TYPE_BOOLEAN))
    add_error (v, SP_JSONL_ERROR_INVALID_TOOLS,
               _("“parallel_tool_calls” is not true or false. Write true or false, or remove it."));
}

static gboolean
is_valid_weight (JsonNode *weight)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (weight))
    return FALSE;
  type = json_node_get_value_type (weight);
  if (type == G_TYPE_INT64)
    return json_node_get_int (weight) == 0 || json_node_get_int (weight) == 1;
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (weight) == 0.0 || json_node_get_double (weight) == 1.0;
  return FALSE;
}

static void
check_message_keys (Validator  *v,
                    guint       index,
                    JsonObject *message)
{
  g_autoptr(GString) unknown = NULL;
  JsonObjectIter iter;
  const char *key;

  json_object_iter_init (&iter, message);
  while (json_object_iter_next (&iter, &key, NULL))
    {
      if (g_strv_contains (message_keys, key))
        continue;
      if (unknown == NULL)
        unknown = g_string_new (NULL);
      else
        g_string_append (unknown, ", ");
      g_string_append_printf (unknown, "“%s”", key);
    }
  if (unknown != NULL)
    add_error (v, SP_JSONL_ERROR_MESSAGE_UNRECOGNIZED_KEY,
               _("Message %u has keys that fine-tuning does not know: %s. Remove them; a message "
                 "may have “role”, “content”, “name”, “weight”, “tool_calls”, “tool_call_id” "
                 "and “function_call”."),
               index, unknown->str);
}

static void
check_message_content (Validator *v,
                       guint      index,
                       JsonNode  *content,
                       gboolean   has_call)
{
  gboolean empty;

  if (content == NULL)
    return;
  if (JSON_NODE_HOLDS_ARRAY (content))
    empty = json_array_get_length (json_node_get_array (content)) == 0;
  else if (JSON_NODE_HOLDS_NULL (content))
    empty = TRUE;
  else if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    empty = *json_node_get_string (content) == '\0';
  else
    {
      add_error (v, SP_JSONL_ERROR_MISSING_CONTENT,
                 _("The content of message %u is not text. Make “content” a string."), index);
      return;
    }
  if (empty && !has_call)
    add_error (v, SP_JSONL_ERROR_MISSING_CONTENT,
               _("Message %u has an empty content. Write the message’s text, or remove the message."),
               index);
}

/* One message of a chat example, @index counting from 1. */
static void
check_message (Validator *v,
               guint      index,
               JsonNode  *node,
               gboolean  *has_assistant)
{
  JsonObject *message;
  JsonNode *role;
  JsonNode *content;
  JsonNode *weight;
  const char *role_name = NULL;
  gboolean has_call;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      add_error (v, SP_JSONL_ERROR_DATA_TYPE,
                 _("Message %u is not a JSON object. Write each message as "
                   "{\"role\": \"user\", \"content\": \"…\"}."),
                 index);
      return;
    }
  message = json_node_get_object (node);
  role = json_object_get_member (message, "role");
  content = json_object_get_member (message, "content");
  weight = json_object_get_member (message, "weight");
  has_call = json_object_has_member (message, "tool_calls") ||
             json_object_has_member (message, "function_call");

  if (role == NULL && content == NULL)
    add_error (v, SP_JSONL_ERROR_MESSAGE_MISSING_KEY,
               _("Message %u has neither “role” nor “content”. Give it both, as in "
                 "{\"role\": \"user\", \"content\": \"…\"}."),
               index);
  else if (role == NULL)
    add_error (v, SP_JSONL_ERROR_MESSAGE_MISSING_KEY,
               _("Message %u has no “role”. Add “role”: “system”, “user” or “assistant”."), index);
  else if (content == NULL && !has_call)
    add_error (v, SP_JSONL_ERROR_MESSAGE_MISSING_KEY,
               _("Message %u has no “content”. Add the message’s text as “content”."), index);

  check_message_keys (v, index, message);

  if (role != NULL)
    {
      if (JSON_NODE_HOLDS_VALUE (role) && json_node_get_value_type (role) == G_TYPE_STRING)
        role_name = json_node_get_string (role);
      if (role_name == NULL || !g_strv_contains (message_roles, role_name))
        add_error (v, SP_JSONL_ERROR_UNRECOGNIZED_ROLE,
                   _("Message %u has the role “%s”. Use “system”, “user”, “assistant” or “tool”."),
                   index, role_name != NULL ? role_name : _("(not a string)"));
      else if (g_str_equal (role_name, "assistant"))
        *has_assistant = TRUE;
    }

  check_message_content (v, index, content, has_call);

  if (weight != NULL && !is_valid_weight (weight))
    add_error (v, SP_JSONL_ERROR_INVALID_WEIGHT,
               _("Message %u has a “weight” that is not 0 or 1. Write 0 (do not learn from this "
                 "message) or 1 (learn from it)."),
               index);
  else if (weight != NULL && role_name != NULL && !g_str_equal (role_name, "assistant"))
    add_warning (v->report, v->line, SP_JSONL_WARNING_WEIGHT_NOT_ASSISTANT, 1,
                 _("Message %u (role “%s”) has a “weight”, but only assistant messages are weighted. "
                   "Remove it."),
                 index, role_name);
}

static JsonArray *
check_chat (Validator  *v,
            JsonObject *example)
{
  JsonNode *node = json_object_get_member (example, "messages");
  JsonArray *messages;
  gboolean has_assistant = FALSE;
  guint n;

  if (node == NULL && (json_object_has_member (example, "prompt") ||
                       json_object_has_member (example, "completion")))
    {
      add_wrong_format_error (v, SP_JSONL_ERROR_MISSING_MESSAGES_LIST, _("legacy prompt/completion"));
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) == 0)
    {
      add_error (v, SP_JSONL_ERROR_MISSING_MESSAGES_LIST,
                 node == NULL ? _("The example has no “messages” list. Write it as {\"messages\": "
                                  "[{\"role\": \"user\", \"content\": \"…\"}, "
                                  "{\"role\": \"assistant\", \"content\": \"…\"}]}.")
                              : _("“messages” is not a list of messages, or it is empty. Give it at "
                                  "least a user message and an assistant message."));
      return NULL;
    }

  check_tools (v, example);
  messages = json_node_get_array (node);
  n = json_array_get_length (messages);
  for (guint i = 0; i < n; i++)
    check_message (v, i + 1, json_array_get_element (messages, i), &has_assistant);
  if (!has_assistant)
    add_error (v, SP_JSONL_ERROR_MISSING_ASSISTANT_MESSAGE,
               _("The example has no assistant message. Add the answer the model should learn as "
                 "{\"role\": \"assistant\", \"content\": \"…\"}."));
  return messages;
}

static gboolean
check_legacy (Validator   *v,
              JsonObject  *example,
              const char **prompt,
              const char **completion)
{
  *prompt = sp_json_get_string (example, "prompt");
  *completion = sp_json_get_string (example, "completion");

  if (*prompt != NULL && *completion != NULL)
    return TRUE;
  if (json_object_has_member (example, "messages"))
    add_wrong_format_error (v, SP_JSONL_ERROR_MISSING_PROMPT_COMPLETION, _("chat"));
  else
    add_error (v, SP_JSONL_ERROR_MISSING_PROMPT_COMPLETION,
               _("The example needs a “prompt” and a “completion”, both strings. Write it as "
                 "{\"prompt\": \"…\", \"completion\": \" …\"}."));
  return FALSE;
}

/* Shrinks @suffix to what it has in common with the end of @text; the
 * first text sets it. */
static void
update_common_suffix (GString    **suffix,
                      const char  *text)
{
  gsize text_len = strlen (text);
  gsize n = 0;

  if (*suffix == NULL)
    {
      *suffix = g_string_new (text);
      return;
    }
  while (n < (*suffix)->len && n < text_len &&
         (*suffix)->str[(*suffix)->len - 1 - n] == text[text_len - 1 - n])
    n++;
  g_string_erase (*suffix, 0, (*suffix)->len - n);
}

static void
detect_format (Validator  *v,
               JsonObject *example)
{
  if (v->format != SP_JSONL_FORMAT_AUTO)
    return;
  if (!json_object_has_member (example, "messages") &&
      (json_object_has_member (example, "prompt") || json_object_has_member (example, "completion")))
    v->format = SP_JSONL_FORMAT_COMPLETION;
  else
    v->format = SP_JSONL_FORMAT_CHAT;
  v->format_line = v->line;
  v->report->format = v->format;
}

static gboolean
count_example (Validator   *v,
               JsonArray   *messages,
               const char  *prompt,
               const char  *completion,
               gsize       *n_tokens,
               GError     **error)
{
  gsize n_prompt = 0;
  gsize n_completion = 0;

  if (messages != NULL)
    return sp_tokenizer_count_chat (v->tokenizer, messages, n_tokens, error);
  if (!sp_tokenizer_count (v->tokenizer, prompt, -1, SP_TOKENIZER_ORDINARY, &n_prompt, error) ||
      !sp_tokenizer_count (v->tokenizer, completion, -1, SP_TOKENIZER_ORDINARY, &n_completion, error))
    return FALSE;
  *n_tokens = n_prompt + n_completion;
  return TRUE;
}

static void
add_example (Validator  *v,
             guint64     hash,
             JsonArray  *messages,
             const char *prompt,
             const char *completion)
{
  SpJsonlReport *report = v->report;
  g_autoptr(GError) error = NULL;
  LineHash line_hash = { hash >> 32, hash & G_MAXUINT32, (guint32) MIN (v->line, G_MAXUINT32) };
  guint32 count32;
  gsize n_tokens = 0;

  /* The text is valid UTF-8 and special tokens are ordinary text: this
   * cannot fail, but a failure must not go unseen. */
  if (!count_example (v, messages, prompt, completion, &n_tokens, &error))
    {
      add_error (v, SP_JSONL_ERROR_INVALID_JSON, _("The tokens of this example cannot be counted: %s"),
                 error->message);
      return;
    }

  report->n_examples++;
  report->total_tokens += n_tokens;
  if (n_tokens < HISTOGRAM_SIZE)
    v->histogram[n_tokens]++;
  else
    {
      count32 = (guint32) MIN (n_tokens, G_MAXUINT32);
      g_array_append_val (v->long_counts, count32);
    }
  g_array_append_val (v->hashes, line_hash);

  if (report->token_limit > 0 && n_tokens > report->token_limit)
    {
      v->n_too_long++;
      add_warning (report, v->line, SP_JSONL_WARNING_TOO_LONG, 1,
                   _("The example has %llu tokens, more than the %llu that %s trains on: the rest "
                     "will be cut off. Shorten it or split it in two."),
                   (unsigned long long) n_tokens, (unsigned long long) report->token_limit,
                   report->model);
      report->billed_tokens += report->token_limit;
    }
  else
    report->billed_tokens += n_tokens;

  if (messages == NULL)
    {
      update_common_suffix (&v->prompt_suffix, prompt);
      update_common_suffix (&v->completion_suffix, completion);
      if (!g_ascii_isspace (completion[0]))
        v->n_no_leading_space++;
    }
}

static void
check_json (Validator  *v,
            const char *line,
            gsize       length,
            guint64     hash)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonObject *example;
  JsonArray *messages = NULL;
  const char *prompt = NULL;
  const char *completion = NULL;

  if (!json_parser_load_from_data (v->parser, line, length, &error))
    {
      const char *detail = error->message;
      g_autofree char *valid_detail = NULL;

      if (g_str_has_prefix (detail, "<data>:"))
        detail += strlen ("<data>:");
      /* json-glib quotes the string it choked on, octal escapes read. */
      valid_detail = g_utf8_make_valid (detail, -1);
      add_error (v, SP_JSONL_ERROR_INVALID_JSON,
                 _("This line is not valid JSON (%s). Write each example as one complete JSON "
                   "object on a single line."),
                 valid_detail);
      return;
    }
  root = json_parser_get_root (v->parser);
  if (root != NULL && !sp_json_node_is_utf8 (root))
    {
      add_error (v, SP_JSONL_ERROR_INVALID_UTF8,
                 _("A string on this line is not UTF-8 text once its escapes are read (an "
                   "escape such as \"\\302\" is not JSON). Write the character itself or "
                   "\"\\u00e9\"."));
      return;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      add_error (v, SP_JSONL_ERROR_DATA_TYPE,
                 _("This line is not a JSON object. Each line must be one example written as "
                   "{\"messages\": […]} (or {\"prompt\": …, \"completion\": …})."));
      return;
    }
  example = json_node_get_object (root);
  detect_format (v, example);

  if (v->format == SP_JSONL_FORMAT_COMPLETION)
    check_legacy (v, example, &prompt, &completion);
  else
    messages = check_chat (v, example);

  if (!v->line_failed)
    add_example (v, hash, messages, prompt, completion);
}

static void
check_line (Validator  *v,
            const char *line,
            gsize       length)
{
  SpJsonlReport *report = v->report;
  const char *invalid = NULL;
  gsize too_deep_at = 0;
  guint64 hash = 0;

  v->line++;
  v->line_failed = FALSE;
  report->n_lines = v->line;
  report->longest_line = MAX (report->longest_line, length);

  if (length > 0 && line[length - 1] == '\r')
    length--;
  if (v->line == 1 && length >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
    {
      line += 3;
      length -= 3;
    }

  if (is_blank (line, length))
    add_error (v, SP_JSONL_ERROR_BLANK_LINE,
               _("The line is blank. Remove it: every line must hold one example."));
  else if (!g_utf8_validate_len (line, length, &invalid))
    add_error (v, SP_JSONL_ERROR_INVALID_UTF8,
               _("Byte %llu of the line is not UTF-8 text (or is a NUL byte). Save the file as "
                 "UTF-8."),
               (unsigned long long) (invalid - line + 1));
  else if (!scan_line (line, length, &hash, &too_deep_at))
    add_error (v, SP_JSONL_ERROR_TOO_DEEP,
               _("The JSON is nested more than %d levels deep (at byte %llu). A training example "
                 "never needs that many; check the brackets."),
               SP_JSONL_MAX_DEPTH, (unsigned long long) (too_deep_at + 1));
  else
    check_json (v, line, length, hash);
}

static void
check_line_too_long (Validator *v,
                     gsize      length)
{
  v->line++;
  v->line_failed = FALSE;
  v->report->n_lines = v->line;
  v->report->longest_line = MAX (v->report->longest_line, length);
  add_error (v, SP_JSONL_ERROR_LINE_TOO_LONG,
             _("The line is longer than %d MiB. Check that the file has one example a line; "
               "an example this long cannot be trained on."),
             SP_JSONL_MAX_LINE_LENGTH / (1024 * 1024));
}

/* Figures and file-wide warnings once every line is read. */

static int
compare_guint32 (gconstpointer a,
                 gconstpointer b)
{
  guint32 x = *(const guint32 *) a;
  guint32 y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_line_hash (gconstpointer a,
                   gconstpointer b)
{
  const LineHash *x = a;
  const LineHash *y = b;

  if (x->hash_high != y->hash_high)
    return x->hash_high < y->hash_high ? -1 : 1;
  if (x->hash_low != y->hash_low)
    return x->hash_low < y->hash_low ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static int
compare_issue_line (gconstpointer a,
                    gconstpointer b)
{
  const SpJsonlIssue *x = a;
  const SpJsonlIssue *y = b;

  return x->line < y->line ? -1 : x->line > y->line;
}

/* The @k-th smallest token count, from 0. */
static guint64
nth_count (Validator *v,
           guint64    k)
{
  guint64 seen = 0;

  for (guint i = 0; i < HISTOGRAM_SIZE; i++)
    {
      seen += v->histogram[i];
      if (k < seen)
        return i;
    }
  return g_array_index (v->long_counts, guint32, k - seen);
}

/* numpy.quantile's default: linear between the two nearest ranks. */
static double
quantile (Validator *v,
          guint64    n,
          double     q)
{
  double position = q * (n - 1);
  guint64 below = (guint64) position;
  double fraction = position - below;
  double low = nth_count (v, below);

  if (below + 1 >= n)
    return low;
  return low + fraction * ((double) nth_count (v, below + 1) - low);
}

static void
compute_token_stats (Validator *v)
{
  SpJsonlTokenStats *stats = &v->report->stats;
  guint64 n = v->report->n_examples;

  memset (stats, 0, sizeof *stats);
  stats->n = n;
  if (n == 0)
    return;
  g_array_sort (v->long_counts, compare_guint32);
  stats->min = nth_count (v, 0);
  stats->max = nth_count (v, n - 1);
  stats->mean = (double) v->report->total_tokens / n;
  stats->p50 = quantile (v, n, 0.5);
  stats->p90 = quantile (v, n, 0.9);
}

static void
find_duplicates (Validator *v)
{
  GArray *hashes = v->hashes;
  guint32 first_line = 0;

  g_array_sort (hashes, compare_line_hash);
  for (guint i = 0; i < hashes->len; i++)
    {
      const LineHash *here = &g_array_index (hashes, LineHash, i);
      const LineHash *before = i > 0 ? &g_array_index (hashes, LineHash, i - 1) : NULL;

      if (before == NULL || here->hash_high != before->hash_high || here->hash_low != before->hash_low)
        {
          first_line = here->line;
          continue;
        }
      add_warning (v->report, here->line, SP_JSONL_WARNING_DUPLICATE, 1,
                   _("The example repeats line %llu. Remove the repetition: a repeated example "
                     "weighs more than the others and costs tokens."),
                   (unsigned long long) first_line);
    }
}

static void
warn_legacy (Validator *v)
{
  SpJsonlReport *report = v->report;
  guint64 n = report->n_examples;

  if (report->format != SP_JSONL_FORMAT_COMPLETION || n < 2)
    return;
  if (v->prompt_suffix == NULL || v->prompt_suffix->len == 0)
    add_warning (report, 0, SP_JSONL_WARNING_NO_PROMPT_SEPARATOR, n,
                 _("The %llu prompts do not end with a common separator. End every prompt with the "
                   "same separator that appears nowhere else in it, such as “\\n\\n###\\n\\n”, so the "
                   "model knows where the prompt stops and the completion begins."),
                 (unsigned long long) n);
  if (v->n_no_leading_space > 0)
    add_warning (report, 0, SP_JSONL_WARNING_NO_LEADING_SPACE, v->n_no_leading_space,
                 _("%llu of %llu completions do not start with a space. Start every completion "
                   "with a space: the tokenizer joins a space to the word after it."),
                 (unsigned long long) v->n_no_leading_space, (unsigned long long) n);
  if (v->completion_suffix == NULL || v->completion_suffix->len == 0)
    add_warning (report, 0, SP_JSONL_WARNING_NO_STOP_SEQUENCE, n,
                 _("The %llu completions do not end with a common stop sequence. End every "
                   "completion with the same sequence, such as “\\n” or “ END”, and pass it as "
                   "the stop sequence when you use the model."),
                 (unsigned long long) n);
}

static void
warn_few_examples (SpJsonlReport *report)
{
  if (report->n_examples < TOO_FEW_EXAMPLES)
    add_warning (report, 0, SP_JSONL_WARNING_TOO_FEW_EXAMPLES, report->n_examples,
                 _("The file has %llu examples; OpenAI refuses a training file with fewer than %d. "
                   "Add more examples."),
                 (unsigned long long) report->n_examples, TOO_FEW_EXAMPLES);
  else if (report->n_examples < FEW_EXAMPLES)
    add_warning (report, 0, SP_JSONL_WARNING_FEW_EXAMPLES, report->n_examples,
                 _("The file has %llu examples. Fine-tuning usually needs 50 to 100 good examples "
                   "or more to show a clear improvement."),
                 (unsigned long long) report->n_examples);
}

static gboolean
sheet_prices_training (SpPriceSheet *sheet,
                       const char   *model,
                       SpModelPrice *price)
{
  return sp_price_sheet_lookup (sheet, model, price, NULL, NULL) &&
         sp_model_price_can_fine_tune (price);
}

/* The given sheet, else the newest built-in one with a training price for
 * the model: the current sheet has no davinci. */
static SpPriceSheet *
pick_price_sheet (SpPriceSheet *sheet,
                  const char   *model,
                  SpModelPrice *price)
{
  g_autoptr(GListModel) sheets = NULL;
  guint n;

  if (sheet != NULL)
    return sheet_prices_training (sheet, model, price) ? g_object_ref (sheet) : NULL;
  sheets = sp_price_sheet_list_builtin ();
  n = g_list_model_get_n_items (sheets);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpPriceSheet) candidate = g_list_model_get_item (sheets, i);

      if (sheet_prices_training (candidate, model, price))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

static void
compute_cost (SpJsonlReport *report,
              guint          epochs,
              SpPriceSheet  *sheet)
{
  SpModelPrice price;

  report->epochs_auto = epochs == 0;
  report->epochs = epochs == 0 ? sp_cost_auto_epochs (report->n_examples) : epochs;
  if (!g_uint64_checked_mul (&report->billed_training_tokens, report->billed_tokens, report->epochs))
    report->billed_training_tokens = G_MAXUINT64;

  report->training_cost = SP_MONEY_UNKNOWN;
  report->sheet = pick_price_sheet (sheet, report->model, &price);
  if (report->sheet != NULL)
    report->training_cost = sp_cost_of_training (report->billed_tokens, report->epochs, price.training);
  else
    add_warning (report, 0, SP_JSONL_WARNING_NO_PRICE, 1,
                 _("No price sheet has a training price for %s, so the cost is unknown. Add the "
                   "price to a price sheet of your own."),
                 report->model);
}

static void
finish_report (Validator    *v,
               guint         epochs,
               SpPriceSheet *sheet)
{
  compute_token_stats (v);
  find_duplicates (v);
  warn_legacy (v);
  warn_few_examples (v->report);
  compute_cost (v->report, epochs, sheet);
  g_array_sort (v->report->warnings, compare_issue_line);
}

static void
validator_clear (Validator *v)
{
  g_clear_object (&v->report);
  g_clear_object (&v->parser);
  g_clear_pointer (&v->histogram, g_free);
  g_clear_pointer (&v->long_counts, g_array_unref);
  g_clear_pointer (&v->hashes, g_array_unref);
  if (v->prompt_suffix != NULL)
    g_string_free (g_steal_pointer (&v->prompt_suffix), TRUE);
  if (v->completion_suffix != NULL)
    g_string_free (g_steal_pointer (&v->completion_suffix), TRUE);
}

static gboolean
validator_init (Validator      *v,
                const char     *model,
                SpJsonlFormat   format,
                GError        **error)
{
  const char *encoding;

  memset (v, 0, sizeof *v);
  v->report = g_object_new (SP_TYPE_JSONL_REPORT, NULL);
  v->report->model = g_strdup (model != NULL ? model : DEFAULT_MODEL);
  v->report->format = format;
  v->format = format;
  v->format_forced = format != SP_JSONL_FORMAT_AUTO;
  v->parser = json_parser_new_immutable ();
  /* Pages of the histogram that are never written take no memory. */
  v->histogram = g_new0 (guint32, HISTOGRAM_SIZE);
  v->long_counts = g_array_new (FALSE, FALSE, sizeof (guint32));
  v->hashes = g_array_new (FALSE, FALSE, sizeof (LineHash));

  encoding = sp_tokenizer_encoding_for_model (v->report->model);
  if (encoding == NULL)
    {
      encoding = FALLBACK_ENCODING;
      add_warning (v->report, 0, SP_JSONL_WARNING_UNKNOWN_MODEL, 1,
                   _("The model %s is unknown: tokens are counted as for %s, which may be off for "
                     "it. Give a known model with its provider’s tokenizer for exact figures."),
                   v->report->model, FALLBACK_ENCODING);
    }
  v->tokenizer = sp_tokenizer_get_for_encoding (encoding, error);
  if (v->tokenizer == NULL)
    return FALSE;
  v->report->encoding = g_strdup (encoding);
  v->report->token_limit = sp_jsonl_example_token_limit (v->report->model);
  return TRUE;
}

static void
report_progress (LineReader          *reader,
                 guint64              total_bytes,
                 SpJsonlProgressFunc  progress,
                 gpointer             progress_data,
                 gint64              *last,
                 gboolean             force)
{
  gint64 now;

  if (progress == NULL)
    return;
  now = g_get_monotonic_time ();
  if (!force && now - *last < PROGRESS_INTERVAL)
    return;
  *last = now;
  progress (reader->bytes_read, total_bytes, progress_data);
}

/* Async progress: hands the figures to the caller's main context. */

static AsyncProgress *
async_progress_ref (AsyncProgress *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
async_progress_unref (AsyncProgress *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_mutex_clear (&self->mutex);
  g_main_context_unref (self->context);
  g_free (self);
}

static gboolean
async_progress_dispatch_cb (gpointer user_data)
{
  AsyncProgress *self = user_data;
  guint64 bytes_read;
  guint64 total_bytes;

  g_mutex_lock (&self->mutex);
  bytes_read = self->bytes_read;
  total_bytes = self->total_bytes;
  self->pending = FALSE;
  g_mutex_unlock (&self->mutex);
  self->func (bytes_read, total_bytes, self->data);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker thread. The idle is attached before the task returns
 * and at the same priority, so it runs before the callback. */
static void
async_progress_cb (guint64  bytes_read,
                   guint64  total_bytes,
                   gpointer user_data)
{
  AsyncProgress *self = user_data;
  gboolean schedule;

  g_mutex_lock (&self->mutex);
  self->bytes_read = bytes_read;
  self->total_bytes = total_bytes;
  schedule = !self->pending;
  self->pending = TRUE;
  g_mutex_unlock (&self->mutex);
  if (schedule)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, async_progress_dispatch_cb,
                                async_progress_ref (self), (GDestroyNotify) async_progress_unref);
}

static void
request_free (Request *request)
{
  g_clear_object (&request->file);
  g_free (request->model);
  g_clear_object (&request->sheet);
  g_clear_pointer (&request->progress, async_progress_unref);
  g_free (request);
}

static void
validate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  SpJsonlReport *report;

  report = sp_jsonl_validate_file (request->file, request->model, request->epochs, request->format,
                                   request->sheet, cancellable,
                                   request->progress != NULL ? async_progress_cb : NULL,
                                   request->progress, &error);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

static void
sp_jsonl_report_finalize (GObject *object)
{
  SpJsonlReport *self = (SpJsonlReport *) object;

  g_free (self->model);
  g_free (self->encoding);
  g_clear_pointer (&self->errors, g_array_unref);
  g_clear_pointer (&self->warnings, g_array_unref);
  g_clear_object (&self->sheet);

  G_OBJECT_CLASS (sp_jsonl_report_parent_class)->finalize (object);
}

static void
sp_jsonl_report_class_init (SpJsonlReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_jsonl_report_finalize;
}

static void
sp_jsonl_report_init (SpJsonlReport *self)
{
  self->errors = g_array_new (FALSE, FALSE, sizeof (SpJsonlIssue));
  g_array_set_clear_func (self->errors, (GDestroyNotify) issue_clear);
  self->warnings = g_array_new (FALSE, FALSE, sizeof (SpJsonlIssue));
  g_array_set_clear_func (self->warnings, (GDestroyNotify) issue_clear);
  self->training_cost = SP_MONEY_UNKNOWN;
}

/* Public API. */

const char *
sp_jsonl_error_class_to_string (SpJsonlErrorClass error_class)
{
  g_return_val_if_fail (error_class < SP_JSONL_N_ERROR_CLASSES, NULL);
  return error_class_names[error_class];
}

const char *
sp_jsonl_warning_kind_to_string (SpJsonlWarningKind kind)
{
  g_return_val_if_fail (kind < SP_JSONL_N_WARNING_KINDS, NULL);
  return warning_kind_names[kind];
}

const char *
sp_jsonl_format_to_string (SpJsonlFormat format)
{
  switch (format)
    {
    case SP_JSONL_FORMAT_CHAT:
      return "chat";
    case SP_JSONL_FORMAT_COMPLETION:
      return "completion";
    case SP_JSONL_FORMAT_AUTO:
    default:
      return "auto";
    }
}

gboolean
sp_jsonl_format_from_string (const char    *name,
                             SpJsonlFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  if (g_strcmp0 (name, "chat") == 0)
    *format = SP_JSONL_FORMAT_CHAT;
  else if (g_strcmp0 (name, "completion") == 0 || g_strcmp0 (name, "legacy") == 0)
    *format = SP_JSONL_FORMAT_COMPLETION;
  else if (g_strcmp0 (name, "auto") == 0)
    *format = SP_JSONL_FORMAT_AUTO;
  else
    return FALSE;
  return TRUE;
}

guint64
sp_jsonl_example_token_limit (const char *model)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (model != NULL, 0);

  base = base_model_id (model);
  for (guint i = 0; i < G_N_ELEMENTS (example_limits); i++)
    if (g_str_equal (base, example_limits[i].model))
      return example_limits[i].limit;
  return 0;
}

const char *
sp_jsonl_report_get_model (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), NULL);
  return self->model;
}

const char *
sp_jsonl_report_get_encoding (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), NULL);
  return self->encoding;
}

SpJsonlFormat
sp_jsonl_report_get_format (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), SP_JSONL_FORMAT_AUTO);
  return self->format;
}

guint64
sp_jsonl_report_get_n_lines (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->n_lines;
}

guint64
sp_jsonl_report_get_n_examples (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->n_examples;
}

guint64
sp_jsonl_report_get_bytes_read (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->bytes_read;
}

gsize
sp_jsonl_report_get_longest_line (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->longest_line;
}

gsize
sp_jsonl_report_get_buffer_high_water (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->buffer_high_water;
}

guint64
sp_jsonl_report_get_n_errors (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->n_errors;
}

guint64
sp_jsonl_report_get_error_count (SpJsonlReport     *self,
                                 SpJsonlErrorClass  error_class)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  g_return_val_if_fail (error_class < SP_JSONL_N_ERROR_CLASSES, 0);
  return self->error_counts[error_class];
}

guint
sp_jsonl_report_get_n_listed_errors (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->errors->len;
}

const SpJsonlIssue *
sp_jsonl_report_get_error (SpJsonlReport *self,
                           guint          index)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), NULL);
  g_return_val_if_fail (index < self->errors->len, NULL);
  return &g_array_index (self->errors, SpJsonlIssue, index);
}

guint64
sp_jsonl_report_get_n_warnings (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->n_warnings;
}

guint64
sp_jsonl_report_get_warning_count (SpJsonlReport      *self,
                                   SpJsonlWarningKind  kind)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  g_return_val_if_fail (kind < SP_JSONL_N_WARNING_KINDS, 0);
  return self->warning_counts[kind];
}

guint
sp_jsonl_report_get_n_listed_warnings (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->warnings->len;
}

const SpJsonlIssue *
sp_jsonl_report_get_warning (SpJsonlReport *self,
                             guint          index)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), NULL);
  g_return_val_if_fail (index < self->warnings->len, NULL);
  return &g_array_index (self->warnings, SpJsonlIssue, index);
}

void
sp_jsonl_report_get_token_stats (SpJsonlReport     *self,
                                 SpJsonlTokenStats *stats)
{
  g_return_if_fail (SP_IS_JSONL_REPORT (self));
  g_return_if_fail (stats != NULL);
  *stats = self->stats;
}

guint64
sp_jsonl_report_get_total_tokens (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->total_tokens;
}

guint64
sp_jsonl_report_get_token_limit (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->token_limit;
}

guint64
sp_jsonl_report_get_billed_tokens (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->billed_tokens;
}

guint
sp_jsonl_report_get_epochs (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->epochs;
}

gboolean
sp_jsonl_report_get_epochs_auto (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), FALSE);
  return self->epochs_auto;
}

guint64
sp_jsonl_report_get_billed_training_tokens (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), 0);
  return self->billed_training_tokens;
}

SpMoney
sp_jsonl_report_get_training_cost (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), SP_MONEY_UNKNOWN);
  return self->training_cost;
}

SpPriceSheet *
sp_jsonl_report_get_price_sheet (SpJsonlReport *self)
{
  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), NULL);
  return self->sheet;
}

static void
build_issues (JsonBuilder *builder,
              GArray      *issues,
              gboolean     errors)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < issues->len; i++)
    {
      const SpJsonlIssue *issue = &g_array_index (issues, SpJsonlIssue, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line");
      if (issue->line > 0)
        json_builder_add_int_value (builder, (gint64) issue->line);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, errors ? "class" : "kind");
      json_builder_add_string_value (builder,
                                     errors ? error_class_names[issue->kind]
                                            : warning_kind_names[issue->kind]);
      if (!errors)
        {
          json_builder_set_member_name (builder, "count");
          json_builder_add_int_value (builder, (gint64) issue->count);
        }
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, issue->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
build_counts (JsonBuilder         *builder,
              const guint64       *counts,
              const char * const  *names,
              guint                n)
{
  json_builder_begin_object (builder);
  for (guint i = 0; i < n; i++)
    {
      if (counts[i] == 0)
        continue;
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_int_value (builder, (gint64) counts[i]);
    }
  json_builder_end_object (builder);
}

static void
build_int (JsonBuilder *builder,
           const char  *name,
           guint64      value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64) MIN (value, (guint64) G_MAXINT64));
}

static void
build_tokens (SpJsonlReport *self,
              JsonBuilder   *builder)
{
  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_object (builder);
  build_int (builder, "total", self->total_tokens);
  build_int (builder, "min", self->stats.min);
  json_builder_set_member_name (builder, "mean");
  json_builder_add_double_value (builder, self->stats.mean);
  json_builder_set_member_name (builder, "p50");
  json_builder_add_double_value (builder, self->stats.p50);
  json_builder_set_member_name (builder, "p90");
  json_builder_add_double_value (builder, self->stats.p90);
  build_int (builder, "max", self->stats.max);
  json_builder_set_member_name (builder, "limit");
  if (self->token_limit > 0)
    json_builder_add_int_value (builder, (gint64) self->token_limit);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
build_training (SpJsonlReport *self,
                JsonBuilder   *builder)
{
  json_builder_set_member_name (builder, "training");
  json_builder_begin_object (builder);
  build_int (builder, "billed_tokens_per_epoch", self->billed_tokens);
  build_int (builder, "epochs", self->epochs);
  json_builder_set_member_name (builder, "epochs_auto");
  json_builder_add_boolean_value (builder, self->epochs_auto);
  build_int (builder, "billed_tokens", self->billed_training_tokens);
  json_builder_set_member_name (builder, "cost");
  if (self->sheet != NULL && self->training_cost != SP_MONEY_UNKNOWN &&
      self->training_cost != SP_MONEY_OVERFLOW)
    {
      g_autofree char *amount = sp_money_format (self->training_cost, 2, 12);
      g_autofree char *formatted = sp_price_sheet_format_amount (self->sheet, self->training_cost, 4);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "amount");
      json_builder_add_string_value (builder, amount);
      json_builder_set_member_name (builder, "currency");
      json_builder_add_string_value (builder, sp_price_sheet_get_currency (self->sheet));
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, formatted);
      json_builder_set_member_name (builder, "price_sheet");
      json_builder_add_string_value (builder, sp_price_sheet_get_id (self->sheet));
      json_builder_set_member_name (builder, "price_sheet_name");
      json_builder_add_string_value (builder, sp_price_sheet_get_name (self->sheet));
      json_builder_set_member_name (builder, "price_sheet_date");
      json_builder_add_string_value (builder, sp_price_sheet_get_date (self->sheet));
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

JsonNode *
sp_jsonl_report_to_json (SpJsonlReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (SP_IS_JSONL_REPORT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, self->n_errors == 0);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, sp_jsonl_format_to_string (self->format));
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, self->model);
  json_builder_set_member_name (builder, "encoding");
  json_builder_add_string_value (builder, self->encoding);
  build_int (builder, "lines", self->n_lines);
  build_int (builder, "examples", self->n_examples);
  build_int (builder, "bytes", self->bytes_read);

  json_builder_set_member_name (builder, "errors");
  json_builder_begin_object (builder);
  build_int (builder, "count", self->n_errors);
  json_builder_set_member_name (builder, "by_class");
  build_counts (builder, self->error_counts, error_class_names, SP_JSONL_N_ERROR_CLASSES);
  json_builder_set_member_name (builder, "listed");
  build_issues (builder, self->errors, TRUE);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_object (builder);
  build_int (builder, "count", self->n_warnings);
  json_builder_set_member_name (builder, "by_kind");
  build_counts (builder, self->warning_counts, warning_kind_names, SP_JSONL_N_WARNING_KINDS);
  json_builder_set_member_name (builder, "listed");
  build_issues (builder, self->warnings, FALSE);
  json_builder_end_object (builder);

  build_tokens (self, builder);
  build_training (self, builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

SpJsonlReport *
sp_jsonl_validate_stream (GInputStream         *stream,
                          guint64               total_bytes,
                          const char           *model,
                          guint                 epochs,
                          SpJsonlFormat         format,
                          SpPriceSheet         *sheet,
                          GCancellable         *cancellable,
                          SpJsonlProgressFunc   progress,
                          gpointer              progress_data,
                          GError              **error)
{
  SpJsonlReport *report;
  Validator v;
  LineReader reader;
  ReadStatus status;
  gint64 last_progress = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (sheet == NULL || SP_IS_PRICE_SHEET (sheet), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validator_init (&v, model, format, error))
    {
      validator_clear (&v);
      return NULL;
    }
  line_reader_init (&reader, stream);

  for (;;)
    {
      const char *line = NULL;
      gsize length = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      status = line_reader_next (&reader, &line, &length, cancellable, error);
      if (status == READ_FAILED)
        break;
      if (status == READ_END)
        {
          ok = TRUE;
          break;
        }
      if (status == READ_LINE_TOO_LONG)
        check_line_too_long (&v, length);
      else
        check_line (&v, line, length);
      report_progress (&reader, total_bytes, progress, progress_data, &last_progress, FALSE);
    }

  v.report->bytes_read = reader.bytes_read;
  v.report->buffer_high_water = reader.high_water;
  line_reader_clear (&reader);
  if (!ok)
    {
      validator_clear (&v);
      return NULL;
    }
  report_progress (&reader, total_bytes, progress, progress_data, &last_progress, TRUE);
  finish_report (&v, epochs, sheet);
  report = g_steal_pointer (&v.report);
  validator_clear (&v);
  return report;
}

SpJsonlReport *
sp_jsonl_validate_file (GFile                *file,
                        const char           *model,
                        guint                 epochs,
                        SpJsonlFormat         format,
                        SpPriceSheet         *sheet,
                        GCancellable         *cancellable,
                        SpJsonlProgressFunc   progress,
                        gpointer              progress_data,
                        GError              **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  SpJsonlReport *report;
  guint64 total_bytes = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_file_get_parse_name (file);
  stream = g_file_read (file, cancellable, &local_error);
  if (stream != NULL)
    {
      info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
      if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
        total_bytes = g_file_info_get_size (info);
      report = sp_jsonl_validate_stream (G_INPUT_STREAM (stream), total_bytes, model, epochs, format,
                                         sheet, cancellable, progress, progress_data, &local_error);
      if (report != NULL)
        return report;
    }
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || local_error->domain == SP_ERROR)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                 _("Could not read “%s”: %s. Check that the file exists and that you may read it."),
                 name, local_error->message);
  return NULL;
}

void
sp_jsonl_validate_async (GFile               *file,
                         const char          *model,
                         guint                epochs,
                         SpJsonlFormat        format,
                         SpPriceSheet        *sheet,
                         GCancellable        *cancellable,
                         SpJsonlProgressFunc  progress,
                         gpointer             progress_data,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (sheet == NULL || SP_IS_PRICE_SHEET (sheet));

  request = g_new0 (Request, 1);
  request->file = g_object_ref (file);
  request->model = g_strdup (model);
  request->epochs = epochs;
  request->format = format;
  request->sheet = sheet != NULL ? g_object_ref (sheet) : NULL;
  if (progress != NULL)
    {
      request->progress = g_new0 (AsyncProgress, 1);
      g_atomic_ref_count_init (&request->progress->ref_count);
      g_mutex_init (&request->progress->mutex);
      request->progress->context = g_main_context_ref_thread_default ();
      request->progress->func = progress;
      request->progress->data = progress_data;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_jsonl_validate_async);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, validate_thread);
}

SpJsonlReport *
sp_jsonl_validate_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sp_jsonl_validate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
