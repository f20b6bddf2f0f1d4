// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-jsonl"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "starprompt-core.h"
#include "sp-jsonl.h"

#define GOOD_CHAT "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}"
#define GOOD_LEGACY "{\"prompt\":\"A story\\n\\n###\\n\\n\",\"completion\":\" a prompt END\"}"

static SpJsonlReport *
validate_data (const char    *data,
               gssize         length,
               const char    *model,
               guint          epochs,
               SpJsonlFormat  format)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  SpJsonlReport *report;

  if (length < 0)
    length = strlen (data);
  stream = g_memory_input_stream_new_from_data (data, length, NULL);
  report = sp_jsonl_validate_stream (stream, length, model, epochs, format, NULL, NULL, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static SpJsonlReport *
validate_string (const char *data)
{
  return validate_data (data, -1, NULL, 0, SP_JSONL_FORMAT_AUTO);
}

/* @n copies of @line, each followed by @eol. */
static char *
repeat_line (const char *line,
             guint       n,
             const char *eol)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_string_append (text, line);
      g_string_append (text, eol);
    }
  return g_string_free (text, FALSE);
}

/* A chat example whose assistant says "hello" @n times: n distinct lines. */
static char *
chat_line (guint n)
{
  g_autoptr(GString) content = g_string_new ("hello");

  for (guint i = 1; i < n; i++)
    g_string_append (content, " hello");
  return g_strdup_printf ("{\"messages\":[{\"role\":\"user\",\"content\":\"Say it\"},"
                          "{\"role\":\"assistant\",\"content\":\"%s\"}]}", content->str);
}

static char *
distinct_chat_lines (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *line = chat_line (i);

      g_string_append (text, line);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* Every error class, with the line it must be reported on. */
typedef struct
{
  const char        *name;
  const char        *bad_line;
  SpJsonlErrorClass  error_class;
  gboolean           legacy;     /* the file starts with a legacy example */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "data-type-array", "[1, 2]", SP_JSONL_ERROR_DATA_TYPE },
  { "data-type-string", "\"an example\"", SP_JSONL_ERROR_DATA_TYPE },
  { "data-type-message", "{\"messages\":[\"Hi\",{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_DATA_TYPE },
  { "missing-messages-list", "{\"msgs\":[]}", SP_JSONL_ERROR_MISSING_MESSAGES_LIST },
  { "empty-messages-list", "{\"messages\":[]}", SP_JSONL_ERROR_MISSING_MESSAGES_LIST },
  { "messages-not-list", "{\"messages\":{\"role\":\"user\"}}", SP_JSONL_ERROR_MISSING_MESSAGES_LIST },
  { "legacy-line-in-chat-file", "{\"prompt\":\"a\",\"completion\":\" b\"}", SP_JSONL_ERROR_MISSING_MESSAGES_LIST },
  { "message-missing-role", "{\"messages\":[{\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_MESSAGE_MISSING_KEY },
  { "message-missing-content", "{\"messages\":[{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_MESSAGE_MISSING_KEY },
  { "message-unrecognized-key", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\",\"mood\":\"glad\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_MESSAGE_UNRECOGNIZED_KEY },
  { "unrecognized-role", "{\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_UNRECOGNIZED_ROLE },
  { "role-not-string", "{\"messages\":[{\"role\":1,\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_UNRECOGNIZED_ROLE },
  { "empty-content", "{\"messages\":[{\"role\":\"user\",\"content\":\"\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_MISSING_CONTENT },
  { "content-not-text", "{\"messages\":[{\"role\":\"user\",\"content\":42},{\"role\":\"assistant\",\"content\":\"x\"}]}", SP_JSONL_ERROR_MISSING_CONTENT },
  { "missing-assistant", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", SP_JSONL_ERROR_MISSING_ASSISTANT_MESSAGE },
  { "invalid-weight", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"x\",\"weight\":2}]}", SP_JSONL_ERROR_INVALID_WEIGHT },
  { "invalid-tools", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"x\"}],\"tools\":\"none\"}", SP_JSONL_ERROR_INVALID_TOOLS },
  { "invalid-parallel-tool-calls", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"x\"}],\"parallel_tool_calls\":\"yes\"}", SP_JSONL_ERROR_INVALID_TOOLS },
  { "legacy-missing-completion", "{\"prompt\":\"a\"}", SP_JSONL_ERROR_MISSING_PROMPT_COMPLETION, TRUE },
  { "legacy-completion-not-string", "{\"prompt\":\"a\",\"completion\":3}", SP_JSONL_ERROR_MISSING_PROMPT_COMPLETION, TRUE },
  { "chat-line-in-legacy-file", GOOD_CHAT, SP_JSONL_ERROR_MISSING_PROMPT_COMPLETION, TRUE },
  { "invalid-json", "{\"messages\": [", SP_JSONL_ERROR_INVALID_JSON },
  { "invalid-json-trailing-comma", "{\"messages\": [],}", SP_JSONL_ERROR_INVALID_JSON },
  { "invalid-utf8", "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\xe9\"}]}", SP_JSONL_ERROR_INVALID_UTF8 },
  { "invalid-utf8-overlong", "{\"a\":\"\xc0\xaf\"}", SP_JSONL_ERROR_INVALID_UTF8 },
  /* json-glib 1.6 reads the octal escape as the byte 0xE9 (found by fuzzing). */
  { "invalid-utf8-octal-escape", "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\\351\"}]}", SP_JSONL_ERROR_INVALID_UTF8 },
  { "blank-line", "", SP_JSONL_ERROR_BLANK_LINE },
  { "blank-line-spaces", "  \t ", SP_JSONL_ERROR_BLANK_LINE },
};

static void
test_error_class (gconstpointer data)
{
  const ErrorCase *test = data;
  g_autoptr(SpJsonlReport) report = NULL;
  g_autofree char *text = NULL;
  const SpJsonlIssue *issue;

  /* The bad line is line 3, between good ones. */
  text = g_strdup_printf ("%s\n%s\n%s\n%s\n", test->legacy ? GOOD_LEGACY : GOOD_CHAT,
                          test->legacy ? GOOD_LEGACY : GOOD_CHAT, test->bad_line,
                          test->legacy ? GOOD_LEGACY : GOOD_CHAT);
  report = validate_string (text);

  g_assert_cmpuint (sp_jsonl_report_get_n_lines (report), ==, 4);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 3);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_error_count (report, test->error_class), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_n_listed_errors (report), ==, 1);
  issue = sp_jsonl_report_get_error (report, 0);
  g_assert_cmpuint (issue->line, ==, 3);
  g_assert_cmpint (issue->kind, ==, test->error_class);
  g_assert_nonnull (issue->message);
  g_assert_cmpuint (strlen (issue->message), >, 20);
  g_assert_true (g_utf8_validate (issue->message, -1, NULL));
  g_assert_finalize_object (g_steal_pointer (&report));
}

static void
test_cookbook_names (void)
{
  g_assert_cmpstr (sp_jsonl_error_class_to_string (SP_JSONL_ERROR_DATA_TYPE), ==, "data_type");
  g_assert_cmpstr (sp_jsonl_error_class_to_string (SP_JSONL_ERROR_MISSING_MESSAGES_LIST), ==, "missing_messages_list");
  g_assert_cmpstr (sp_jsonl_error_class_to_string (SP_JSONL_ERROR_MESSAGE_MISSING_KEY), ==, "message_missing_key");
  g_assert_cmpstr (sp_jsonl_error_class_to_string (SP_JSONL_ERROR_MESSAGE_UNRECOGNIZED_KEY), ==, "message_unrecognized_key");
  g_assert_cmpstr (sp_jsonl_error_class_to_string (SP_JSONL_ERROR_UNRECOGNIZED_ROLE), ==, "unrecognized_role");
  g_assert_cmpstr (sp_jsonl_error_class_to_string (SP_JSONL_ERROR_MISSING_CONTENT), ==, "missing_content");
  g_assert_cmpstr (sp_jsonl_error_class_to_string (SP_JSONL_ERROR_MISSING_ASSISTANT_MESSAGE), ==, "example_missing_assistant_message");
}

static void
test_several_errors_one_line (void)
{
  g_autoptr(SpJsonlReport) report = NULL;

  /* Unknown role, unknown key and no assistant: three errors, one line. */
  report = validate_string (GOOD_CHAT "\n"
                            "{\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\",\"x\":1}]}\n");
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 3);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 1);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (sp_jsonl_report_get_error (report, i)->line, ==, 2);
}

static void
test_tool_calls_without_content (void)
{
  g_autoptr(SpJsonlReport) report = NULL;

  report = validate_string ("{\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                            "\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
                            "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"},"
                            "{\"role\":\"assistant\",\"content\":\"Sunny.\",\"weight\":1}],"
                            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\"}}],"
                            "\"parallel_tool_calls\":false}\n");
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 1);
}

/* json-glib 1.6 quotes the string it stopped at in its error, with the
 * octal escape "\\202" read as a raw byte (found by fuzzing). */
static void
test_parse_error_message_utf8 (void)
{
  g_autoptr(SpJsonlReport) report = validate_data ("{\"messages\\202\" 1}\n", -1, NULL, 0,
                                                   SP_JSONL_FORMAT_AUTO);
  const SpJsonlIssue *issue;

  g_assert_cmpuint (sp_jsonl_report_get_n_listed_errors (report), ==, 1);
  issue = sp_jsonl_report_get_error (report, 0);
  g_assert_cmpint (issue->kind, ==, SP_JSONL_ERROR_INVALID_JSON);
  g_assert_true (g_utf8_validate (issue->message, -1, NULL));
}

static void
test_too_deep (void)
{
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GString) deep = g_string_new (GOOD_CHAT "\n{\"messages\":");
  g_autoptr(GString) ok = g_string_new ("{\"messages\":[{\"role\":\"user\",\"content\":\"[[[[\"},"
                                        "{\"role\":\"assistant\",\"content\":\"x\"}],\"tools\":");
  g_autoptr(SpJsonlReport) ok_report = NULL;

  /* A hundred thousand brackets never reach json-glib. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_string_append (deep, "\n" GOOD_CHAT "\n");
  report = validate_string (deep->str);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_error_count (report, SP_JSONL_ERROR_TOO_DEEP), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_error (report, 0)->line, ==, 2);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 2);

  /* Brackets inside strings do not count; exactly the limit is fine. */
  for (guint i = 0; i < SP_JSONL_MAX_DEPTH - 1; i++)
    g_string_append_c (ok, '[');
  for (guint i = 0; i < SP_JSONL_MAX_DEPTH - 1; i++)
    g_string_append_c (ok, ']');
  g_string_append (ok, "}\n");
  ok_report = validate_string (ok->str);
  g_assert_cmpuint (sp_jsonl_report_get_error_count (ok_report, SP_JSONL_ERROR_TOO_DEEP), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (ok_report), ==, 0);
}

static void
test_line_too_long (void)
{
  g_autoptr(SpJsonlReport) report = NULL;
  gsize long_length = SP_JSONL_MAX_LINE_LENGTH + 1000;
  gsize total = long_length + 2 * (strlen (GOOD_CHAT) + 1) + 1;
  char *data = g_malloc (total);
  char *p = data;

  memcpy (p, GOOD_CHAT "\n", strlen (GOOD_CHAT) + 1);
  p += strlen (GOOD_CHAT) + 1;
  memset (p, 'a', long_length);
  p += long_length;
  *p++ = '\n';
  memcpy (p, GOOD_CHAT "\n", strlen (GOOD_CHAT) + 1);

  report = validate_data (data, total, NULL, 0, SP_JSONL_FORMAT_AUTO);
  g_assert_cmpuint (sp_jsonl_report_get_n_lines (report), ==, 3);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 2);
  g_assert_cmpuint (sp_jsonl_report_get_error_count (report, SP_JSONL_ERROR_LINE_TOO_LONG), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_error (report, 0)->line, ==, 2);
  g_assert_cmpuint (sp_jsonl_report_get_longest_line (report), ==, long_length);
  /* The buffer stops growing at the limit. */
  g_assert_cmpuint (sp_jsonl_report_get_buffer_high_water (report), <=,
                    SP_JSONL_MAX_LINE_LENGTH + 1024 * 1024);
  g_free (data);
}

static void
test_crlf (void)
{
  g_autofree char *lf_text = distinct_chat_lines (12);
  g_auto(GStrv) lines = g_strsplit (lf_text, "\n", -1);
  g_autofree char *crlf_text = g_strjoinv ("\r\n", lines);
  g_autoptr(SpJsonlReport) lf = validate_string (lf_text);
  g_autoptr(SpJsonlReport) crlf = validate_string (crlf_text);

  g_assert_cmpuint (sp_jsonl_report_get_n_errors (crlf), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (crlf), ==, 12);
  g_assert_cmpuint (sp_jsonl_report_get_n_lines (crlf), ==, 12);
  g_assert_cmpuint (sp_jsonl_report_get_total_tokens (crlf), ==, sp_jsonl_report_get_total_tokens (lf));
}

static void
test_no_final_newline (void)
{
  g_autoptr(SpJsonlReport) report = NULL;

  report = validate_string (GOOD_CHAT "\n" GOOD_CHAT "\n{\"messages\":[]}");
  g_assert_cmpuint (sp_jsonl_report_get_n_lines (report), ==, 3);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 2);
  g_assert_cmpuint (sp_jsonl_report_get_error (report, 0)->line, ==, 3);

  g_clear_object (&report);
  report = validate_string ("");
  g_assert_cmpuint (sp_jsonl_report_get_n_lines (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_TOO_FEW_EXAMPLES), ==, 1);
}

static void
test_byte_order_mark (void)
{
  g_autoptr(SpJsonlReport) report = validate_string ("\xef\xbb\xbf" GOOD_CHAT "\n");

  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 1);
}

static char *
legacy_file (gboolean good)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 20; i++)
    {
      if (good)
        g_string_append_printf (text, "{\"prompt\":\"Story %u\\n\\n###\\n\\n\",\"completion\":\" prompt %u END\"}\n", i, i);
      else
        g_string_append_printf (text, "{\"prompt\":\"Story %u%s\",\"completion\":\"%sprompt %u%s\"}\n",
                                i, i % 2 ? " ->" : ":", i < 15 ? "" : " ", i, i % 2 ? "." : "!");
    }
  return g_string_free (text, FALSE);
}

static void
test_legacy_advice (void)
{
  g_autofree char *bad = legacy_file (FALSE);
  g_autofree char *good = legacy_file (TRUE);
  g_autoptr(SpJsonlReport) report = validate_data (bad, -1, "davinci", 0, SP_JSONL_FORMAT_AUTO);
  g_autoptr(SpJsonlReport) good_report = validate_data (good, -1, "davinci", 0, SP_JSONL_FORMAT_AUTO);
  gboolean seen_space = FALSE;

  g_assert_cmpint (sp_jsonl_report_get_format (report), ==, SP_JSONL_FORMAT_COMPLETION);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 20);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_NO_PROMPT_SEPARATOR), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_NO_LEADING_SPACE), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_NO_STOP_SEQUENCE), ==, 1);
  for (guint i = 0; i < sp_jsonl_report_get_n_listed_warnings (report); i++)
    {
      const SpJsonlIssue *issue = sp_jsonl_report_get_warning (report, i);

      if (issue->kind == SP_JSONL_WARNING_NO_LEADING_SPACE)
        {
          g_assert_cmpuint (issue->count, ==, 15);
          g_assert_cmpuint (issue->line, ==, 0);
          seen_space = TRUE;
        }
    }
  g_assert_true (seen_space);

  g_assert_cmpuint (sp_jsonl_report_get_n_errors (good_report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (good_report, SP_JSONL_WARNING_NO_PROMPT_SEPARATOR), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (good_report, SP_JSONL_WARNING_NO_LEADING_SPACE), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (good_report, SP_JSONL_WARNING_NO_STOP_SEQUENCE), ==, 0);
  /* davinci: 2,048 tokens an example; priced on the January 2023 sheet. */
  g_assert_cmpuint (sp_jsonl_report_get_token_limit (good_report), ==, 2048);
  g_assert_cmpstr (sp_jsonl_report_get_encoding (good_report), ==, "r50k_base");
  g_assert_nonnull (sp_jsonl_report_get_price_sheet (good_report));
  g_assert_cmpstr (sp_price_sheet_get_id (sp_jsonl_report_get_price_sheet (good_report)), ==, "openai-2023-01");
  /* $0.03 per 1K tokens. */
  g_assert_cmpint (sp_jsonl_report_get_training_cost (good_report), ==,
                   (SpMoney) sp_jsonl_report_get_billed_training_tokens (good_report) * 30000000);
}

static void
test_forced_format (void)
{
  g_autofree char *legacy = legacy_file (TRUE);
  g_autoptr(SpJsonlReport) report = validate_data (legacy, -1, NULL, 0, SP_JSONL_FORMAT_CHAT);

  g_assert_cmpint (sp_jsonl_report_get_format (report), ==, SP_JSONL_FORMAT_CHAT);
  g_assert_cmpuint (sp_jsonl_report_get_error_count (report, SP_JSONL_ERROR_MISSING_MESSAGES_LIST), ==, 20);
  g_assert_nonnull (strstr (sp_jsonl_report_get_error (report, 0)->message, "asked for"));
}

static void
test_few_examples (void)
{
  g_autofree char *nine = distinct_chat_lines (9);
  g_autofree char *ten = distinct_chat_lines (10);
  g_autofree char *hundred = distinct_chat_lines (100);
  g_autoptr(SpJsonlReport) r9 = validate_string (nine);
  g_autoptr(SpJsonlReport) r10 = validate_string (ten);
  g_autoptr(SpJsonlReport) r100 = validate_string (hundred);

  g_assert_cmpuint (sp_jsonl_report_get_warning_count (r9, SP_JSONL_WARNING_TOO_FEW_EXAMPLES), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (r9, SP_JSONL_WARNING_FEW_EXAMPLES), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (r10, SP_JSONL_WARNING_TOO_FEW_EXAMPLES), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (r10, SP_JSONL_WARNING_FEW_EXAMPLES), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_n_warnings (r100), ==, 0);
}

static void
test_duplicates (void)
{
  g_autofree char *lines = distinct_chat_lines (10);
  g_autofree char *text = NULL;
  g_autoptr(SpJsonlReport) report = NULL;
  g_autofree char *line2 = chat_line (2);
  g_autofree char *line5 = chat_line (5);
  g_autofree char *spaced = NULL;
  const SpJsonlIssue *issue;

  /* Line 2 again at 11 (with other spacing) and 13; line 5 at 12. */
  spaced = g_strdup_printf ("{ \"messages\" : [{\"role\": \"user\", \"content\":\"Say it\"}, "
                            "{\"role\":\"assistant\",\"content\":\"hello hello\"} ] }");
  text = g_strdup_printf ("%s%s\n%s\n%s\n", lines, spaced, line5, line2);
  report = validate_string (text);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_DUPLICATE), ==, 3);
  /* Sorted by line, after the file-wide warning about few examples. */
  g_assert_cmpuint (sp_jsonl_report_get_n_listed_warnings (report), ==, 4);
  issue = sp_jsonl_report_get_warning (report, 1);
  g_assert_cmpuint (issue->line, ==, 11);
  g_assert_nonnull (strstr (issue->message, "line 2"));
  issue = sp_jsonl_report_get_warning (report, 2);
  g_assert_cmpuint (issue->line, ==, 12);
  g_assert_nonnull (strstr (issue->message, "line 5"));
  issue = sp_jsonl_report_get_warning (report, 3);
  g_assert_cmpuint (issue->line, ==, 13);
  g_assert_nonnull (strstr (issue->message, "line 2"));
}

static void
test_too_long (void)
{
  g_autoptr(GString) content = g_string_new ("hello");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(SpJsonlReport) report = NULL;
  g_autofree char *lines = distinct_chat_lines (10);
  SpJsonlTokenStats stats;

  for (guint i = 0; i < 40000; i++)
    g_string_append (content, " hello");
  g_string_append (text, lines);
  g_string_append_printf (text, "{\"messages\":[{\"role\":\"user\",\"content\":\"Say it\"},"
                          "{\"role\":\"assistant\",\"content\":\"%s\"}]}\n", content->str);

  report = validate_data (text->str, -1, "gpt-4.1-nano-2025-04-14", 0, SP_JSONL_FORMAT_AUTO);
  g_assert_cmpuint (sp_jsonl_report_get_token_limit (report), ==, 32768);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_TOO_LONG), ==, 1);
  sp_jsonl_report_get_token_stats (report, &stats);
  g_assert_cmpuint (stats.max, >, 40000);
  /* The long example is billed up to the limit, as the cookbook does. */
  g_assert_cmpuint (sp_jsonl_report_get_billed_tokens (report), ==,
                    sp_jsonl_report_get_total_tokens (report) - stats.max + 32768);

  g_clear_object (&report);
  report = validate_data (text->str, -1, "gpt-4o-mini", 0, SP_JSONL_FORMAT_AUTO);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_TOO_LONG), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_billed_tokens (report), ==, sp_jsonl_report_get_total_tokens (report));
}

typedef struct
{
  const char *model;
  guint64     limit;
} LimitCase;

static const LimitCase limit_cases[] = {
  { "gpt-4o", 65536 },
  { "gpt-4o-2024-08-06", 65536 },
  { "gpt-4o-mini", 65536 },
  { "ft:gpt-4o-mini-2024-07-18:org::abc123", 65536 },
  { "gpt-4.1", 65536 },
  { "gpt-4.1-mini-2025-04-14", 65536 },
  { "gpt-4.1-nano", 32768 },
  { "openai/gpt-4.1-nano", 32768 },
  { "davinci", 2048 },
  { "davinci:ft-org-2023-01-01-00-00-00", 2048 },
  { "babbage", 2048 },
  { "llama3", 0 },
};

static void
test_token_limit (gconstpointer data)
{
  const LimitCase *test = data;

  g_assert_cmpuint (sp_jsonl_example_token_limit (test->model), ==, test->limit);
}

static void
test_weight_warning (void)
{
  g_autoptr(SpJsonlReport) report = NULL;
  const SpJsonlIssue *issue;

  report = validate_string (GOOD_CHAT "\n"
                            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\",\"weight\":0},"
                            "{\"role\":\"assistant\",\"content\":\"x\",\"weight\":0}]}\n");
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), ==, 2);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_WEIGHT_NOT_ASSISTANT), ==, 1);
  issue = sp_jsonl_report_get_warning (report, 1);
  g_assert_cmpint (issue->kind, ==, SP_JSONL_WARNING_WEIGHT_NOT_ASSISTANT);
  g_assert_cmpuint (issue->line, ==, 2);
}

static void
test_unknown_model (void)
{
  g_autofree char *lines = distinct_chat_lines (10);
  g_autoptr(SpJsonlReport) report = validate_data (lines, -1, "my-local-llama", 0, SP_JSONL_FORMAT_AUTO);

  g_assert_cmpstr (sp_jsonl_report_get_encoding (report), ==, "o200k_base");
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_UNKNOWN_MODEL), ==, 1);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_NO_PRICE), ==, 1);
  g_assert_cmpint (sp_jsonl_report_get_training_cost (report), ==, SP_MONEY_UNKNOWN);
  g_assert_null (sp_jsonl_report_get_price_sheet (report));
  g_assert_cmpuint (sp_jsonl_report_get_token_limit (report), ==, 0);
}

static void
test_percentiles (void)
{
  g_autofree char *lines = distinct_chat_lines (10);
  g_autoptr(SpJsonlReport) report = validate_string (lines);
  SpJsonlTokenStats stats;
  guint64 base;

  /* Example k has k more tokens than a base: "hello" then " hello" × k-1. */
  sp_jsonl_report_get_token_stats (report, &stats);
  g_assert_cmpuint (stats.n, ==, 10);
  base = stats.min - 1;
  g_assert_cmpuint (stats.max, ==, base + 10);
  g_assert_cmpfloat_with_epsilon (stats.mean, base + 5.5, 1e-9);
  /* numpy.quantile of 1..10: 0.5 → 5.5, 0.9 → 9.1. */
  g_assert_cmpfloat_with_epsilon (stats.p50, base + 5.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (stats.p90, base + 9.1, 1e-9);
  g_assert_cmpuint (sp_jsonl_report_get_total_tokens (report), ==, 10 * base + 55);
}

static void
test_percentiles_long_examples (void)
{
  g_autofree char *lines = distinct_chat_lines (10);
  g_autofree char *long1 = chat_line (70000);
  g_autofree char *long2 = chat_line (80000);
  g_autofree char *text = g_strdup_printf ("%s%s\n%s\n", lines, long2, long1);
  g_autoptr(SpJsonlReport) report = validate_data (text, -1, "gpt-4o-mini", 0, SP_JSONL_FORMAT_AUTO);
  SpJsonlTokenStats stats;
  guint64 base;

  /* Counts over 65,535 are kept apart from the histogram. */
  sp_jsonl_report_get_token_stats (report, &stats);
  g_assert_cmpuint (stats.n, ==, 12);
  base = stats.min - 1;
  g_assert_cmpuint (stats.max, ==, base + 80000);
  /* Sorted: base + 1…10, 70000, 80000; numpy: 0.5 → 6.5, 0.9 → 10 + 0.9 × 69990. */
  g_assert_cmpfloat_with_epsilon (stats.p50, base + 6.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (stats.p90, base + 10 + 0.9 * 69990, 1e-6);
  g_assert_cmpuint (sp_jsonl_report_get_warning_count (report, SP_JSONL_WARNING_TOO_LONG), ==, 2);
}

static void
test_counts_match_tokenizer (void)
{
  g_autofree char *text = NULL;
  g_autoptr(SpJsonlReport) report = NULL;
  g_auto(GStrv) lines = NULL;
  SpTokenizer *tokenizer;
  gsize expected = 0;

  text = g_strdup ("{\"messages\":[{\"role\":\"system\",\"content\":\"You write Midjourney prompts.\"},"
                   "{\"role\":\"user\",\"name\":\"ann\",\"content\":\"A story about AI <|endoftext|>\"},"
                   "{\"role\":\"assistant\",\"content\":\"A glowing city, cinematic --ar 3:2\"}]}\n"
                   "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Héllo wörld 🌍\"}]},"
                   "{\"role\":\"assistant\",\"content\":\"Bonjour\",\"weight\":1}]}\n");
  report = validate_data (text, -1, "gpt-4o", 0, SP_JSONL_FORMAT_AUTO);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);

  tokenizer = sp_tokenizer_get_for_model ("gpt-4o", NULL);
  g_assert_nonnull (tokenizer);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_autoptr(JsonNode) root = json_from_string (lines[i], NULL);
      JsonArray *messages = json_object_get_array_member (json_node_get_object (root), "messages");
      gsize n = 0;

      g_assert_true (sp_tokenizer_count_chat (tokenizer, messages, &n, NULL));
      expected += n;
    }
  g_assert_cmpuint (sp_jsonl_report_get_total_tokens (report), ==, expected);
}

static void
test_auto_epochs (void)
{
  static const guint sizes[] = { 10, 20, 50 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *lines = distinct_chat_lines (sizes[i]);
      g_autoptr(SpJsonlReport) report = validate_string (lines);

      g_assert_true (sp_jsonl_report_get_epochs_auto (report));
      g_assert_cmpuint (sp_jsonl_report_get_epochs (report), ==, sp_cost_auto_epochs (sizes[i]));
      g_assert_cmpuint (sp_jsonl_report_get_billed_training_tokens (report), ==,
                        sp_jsonl_report_get_billed_tokens (report) * sp_jsonl_report_get_epochs (report));
    }
  /* 10 examples: 10 epochs to see 100 examples; 20: 5; 50: the default 3. */
  g_assert_cmpuint (sp_cost_auto_epochs (10), ==, 10);
  g_assert_cmpuint (sp_cost_auto_epochs (20), ==, 5);
  g_assert_cmpuint (sp_cost_auto_epochs (50), ==, 3);
}

static void
test_cost (void)
{
  g_autofree char *lines = distinct_chat_lines (10);
  g_autoptr(SpJsonlReport) report = validate_data (lines, -1, "gpt-4o-mini", 4, SP_JSONL_FORMAT_AUTO);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *training;
  JsonObject *cost;
  guint64 tokens;

  g_assert_false (sp_jsonl_report_get_epochs_auto (report));
  g_assert_cmpuint (sp_jsonl_report_get_epochs (report), ==, 4);
  tokens = sp_jsonl_report_get_billed_tokens (report);
  g_assert_cmpuint (sp_jsonl_report_get_billed_training_tokens (report), ==, tokens * 4);
  /* gpt-4o-mini trains at $3.00 per 1M tokens: 3,000,000 pico-dollars a token. */
  g_assert_cmpstr (sp_price_sheet_get_id (sp_jsonl_report_get_price_sheet (report)), ==, "openai-2025-08");
  g_assert_cmpint (sp_jsonl_report_get_training_cost (report), ==, (SpMoney) (tokens * 4 * 3000000));

  root = sp_jsonl_report_to_json (report);
  training = json_object_get_object_member (json_node_get_object (root), "training");
  g_assert_cmpint (json_object_get_int_member (training, "epochs"), ==, 4);
  cost = json_object_get_object_member (training, "cost");
  g_assert_cmpstr (json_object_get_string_member (cost, "price_sheet_date"), ==, "2025-08-07");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "valid"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "examples"), ==, 10);
}

static void
test_error_cap (void)
{
  g_autofree char *text = repeat_line ("{\"messages\":[]}", 1500, "\n");
  g_autoptr(SpJsonlReport) report = validate_string (text);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *errors;

  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 1500);
  g_assert_cmpuint (sp_jsonl_report_get_n_listed_errors (report), ==, SP_JSONL_MAX_LISTED);
  g_assert_cmpuint (sp_jsonl_report_get_error (report, 999)->line, ==, 1000);
  root = sp_jsonl_report_to_json (report);
  errors = json_object_get_object_member (json_node_get_object (root), "errors");
  g_assert_cmpint (json_object_get_int_member (errors, "count"), ==, 1500);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (errors, "listed")), ==, 1000);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "valid"));
}

/* About @size bytes of distinct chat examples in a temporary file. */
static char *
write_big_file (gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_sized_new (size + 1024);
  char *path = NULL;
  int fd;

  for (guint i = 0; text->len < size; i++)
    g_string_append_printf (text, "{\"messages\":[{\"role\":\"system\",\"content\":\"You write image prompts.\"},"
                            "{\"role\":\"user\",\"content\":\"Story number %u: a robot learns to paint "
                            "the sea at night, and the sea paints it back.\"},"
                            "{\"role\":\"assistant\",\"content\":\"A robot painting a luminous sea, "
                            "brush strokes of starlight, oil on canvas, variation %u --ar 3:2\"}]}\n",
                            i, i * 7);
  fd = g_file_open_tmp ("test-jsonl-XXXXXX.jsonl", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_big_file_bounded_memory (void)
{
  g_autofree char *path = write_big_file (5 * 1000 * 1000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  report = sp_jsonl_validate_file (file, "gpt-4o-mini", 0, SP_JSONL_FORMAT_AUTO, NULL, NULL, NULL,
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_bytes_read (report), ==, (guint64) st.st_size);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), >, 10000);
  /* One read buffer of 1 MiB for a 5 MB file of short lines: it never grew. */
  g_assert_cmpuint (sp_jsonl_report_get_buffer_high_water (report), <=, 1024 * 1024);
  g_assert_cmpuint (sp_jsonl_report_get_longest_line (report), <, 1024);
  g_unlink (path);
}

typedef struct
{
  GMainLoop     *loop;
  SpJsonlReport *report;
  GError        *error;
  guint          n_progress;
  guint64        last_bytes;
  guint64        total_bytes;
  gboolean       done;
} AsyncState;

static void
progress_cb (guint64  bytes_read,
             guint64  total_bytes,
             gpointer user_data)
{
  AsyncState *state = user_data;

  g_assert_false (state->done);
  g_assert_cmpuint (bytes_read, >=, state->last_bytes);
  state->last_bytes = bytes_read;
  state->total_bytes = total_bytes;
  state->n_progress++;
}

static void
validate_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  state->report = sp_jsonl_validate_finish (result, &state->error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

static void
test_async_progress (void)
{
  g_autofree char *path = write_big_file (3 * 1000 * 1000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AsyncState state = { 0 };
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  state.loop = g_main_loop_new (NULL, FALSE);
  sp_jsonl_validate_async (file, NULL, 0, SP_JSONL_FORMAT_AUTO, NULL, NULL, progress_cb, &state,
                           validate_cb, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_nonnull (state.report);
  g_assert_cmpuint (state.n_progress, >=, 1);
  g_assert_cmpuint (state.last_bytes, ==, (guint64) st.st_size);
  g_assert_cmpuint (state.total_bytes, ==, (guint64) st.st_size);
  g_assert_cmpuint (sp_jsonl_report_get_n_errors (state.report), ==, 0);
  g_assert_finalize_object (state.report);
  g_main_loop_unref (state.loop);
  g_unlink (path);
}

static void
test_cancelled (void)
{
  g_autofree char *lines = distinct_chat_lines (10);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (lines, -1, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  report = sp_jsonl_validate_stream (stream, 0, NULL, 0, SP_JSONL_FORMAT_AUTO, NULL, cancellable,
                                     NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (report);
}

static void
test_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/train.jsonl");
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = sp_jsonl_validate_file (file, NULL, 0, SP_JSONL_FORMAT_AUTO, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, SP_ERROR, SP_ERROR_BAD_FILE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/train.jsonl"));
  g_assert_null (report);
}

static void
test_format_names (void)
{
  SpJsonlFormat format;

  g_assert_true (sp_jsonl_format_from_string ("chat", &format));
  g_assert_cmpint (format, ==, SP_JSONL_FORMAT_CHAT);
  g_assert_true (sp_jsonl_format_from_string ("completion", &format));
  g_assert_cmpint (format, ==, SP_JSONL_FORMAT_COMPLETION);
  g_assert_true (sp_jsonl_format_from_string ("legacy", &format));
  g_assert_cmpint (format, ==, SP_JSONL_FORMAT_COMPLETION);
  g_assert_false (sp_jsonl_format_from_string ("csv", &format));
  g_assert_cmpstr (sp_jsonl_format_to_string (SP_JSONL_FORMAT_COMPLETION), ==, "completion");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/jsonl/error/%s", error_cases[i].name);

      g_test_add_data_func (path, &error_cases[i], test_error_class);
    }
  for (guint i = 0; i < G_N_ELEMENTS (limit_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sp/jsonl/token-limit/%s", limit_cases[i].model);

      g_test_add_data_func (path, &limit_cases[i], test_token_limit);
    }
  g_test_add_func ("/sp/jsonl/cookbook-names", test_cookbook_names);
  g_test_add_func ("/sp/jsonl/several-errors-one-line", test_several_errors_one_line);
  g_test_add_func ("/sp/jsonl/tool-calls-without-content", test_tool_calls_without_content);
  g_test_add_func ("/sp/jsonl/too-deep", test_too_deep);
  g_test_add_func ("/sp/jsonl/parse-error-message-utf8", test_parse_error_message_utf8);
  g_test_add_func ("/sp/jsonl/line-too-long", test_line_too_long);
  g_test_add_func ("/sp/jsonl/crlf", test_crlf);
  g_test_add_func ("/sp/jsonl/no-final-newline", test_no_final_newline);
  g_test_add_func ("/sp/jsonl/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/sp/jsonl/legacy-advice", test_legacy_advice);
  g_test_add_func ("/sp/jsonl/forced-format", test_forced_format);
  g_test_add_func ("/sp/jsonl/warning/few-examples", test_few_examples);
  g_test_add_func ("/sp/jsonl/warning/duplicates", test_duplicates);
  g_test_add_func ("/sp/jsonl/warning/too-long", test_too_long);
  g_test_add_func ("/sp/jsonl/warning/weight-not-assistant", test_weight_warning);
  g_test_add_func ("/sp/jsonl/warning/unknown-model", test_unknown_model);
  g_test_add_func ("/sp/jsonl/figures/percentiles", test_percentiles);
  g_test_add_func ("/sp/jsonl/figures/percentiles-long-examples", test_percentiles_long_examples);
  g_test_add_func ("/sp/jsonl/figures/counts-match-tokenizer", test_counts_match_tokenizer);
  g_test_add_func ("/sp/jsonl/figures/auto-epochs", test_auto_epochs);
  g_test_add_func ("/sp/jsonl/figures/cost", test_cost);
  g_test_add_func ("/sp/jsonl/error-cap", test_error_cap);
  g_test_add_func ("/sp/jsonl/big-file-bounded-memory", test_big_file_bounded_memory);
  g_test_add_func ("/sp/jsonl/async-progress", test_async_progress);
  g_test_add_func ("/sp/jsonl/cancelled", test_cancelled);
  g_test_add_func ("/sp/jsonl/missing-file", test_missing_file);
  g_test_add_func ("/sp/jsonl/format-names", test_format_names);

  return g_test_run ();
}
