// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-jsonl"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-jsonl.h"

/* The JSONL validator on a whole file given as a stream; the first byte
 * also picks the format, the model and the epochs, so a real JSONL file is
 * a good seed as it is. Invariants: the stream is read to its end; the
 * report's figures add up (examples and lines, counts by class and the
 * totals, the listed issues in line order and within the file, token
 * statistics ordered, billed tokens within the totals); the report turns
 * into JSON; nothing leaks. */

static const char * const models[] = { NULL, "davinci-002", "gpt-3.5-turbo-0125", "gpt-4o-2024-08-06" };

static void
check_issues (SpJsonlReport *report,
              gboolean       errors)
{
  guint64 n = errors ? sp_jsonl_report_get_n_errors (report)
                     : sp_jsonl_report_get_n_warnings (report);
  guint n_listed = errors ? sp_jsonl_report_get_n_listed_errors (report)
                          : sp_jsonl_report_get_n_listed_warnings (report);
  guint64 n_lines = sp_jsonl_report_get_n_lines (report);
  guint64 sum = 0;
  guint64 last_line = 0;
  int k;
  guint i;

  for (k = 0; k < (errors ? SP_JSONL_N_ERROR_CLASSES : SP_JSONL_N_WARNING_KINDS); k++)
    sum += errors ? sp_jsonl_report_get_error_count (report, k)
                  : sp_jsonl_report_get_warning_count (report, k);
  g_assert_cmpuint (sum, ==, n);
  g_assert_cmpuint (n_listed, <=, SP_JSONL_MAX_LISTED);
  g_assert_cmpuint (n_listed, <=, n);
  if (n <= SP_JSONL_MAX_LISTED)
    g_assert_cmpuint (n_listed, ==, n);

  for (i = 0; i < n_listed; i++)
    {
      const SpJsonlIssue *issue = errors ? sp_jsonl_report_get_error (report, i)
                                         : sp_jsonl_report_get_warning (report, i);

      g_assert_nonnull (issue);
      g_assert_nonnull (issue->message);
      g_assert_true (issue->message[0] != '\0');
      g_assert_true (g_utf8_validate (issue->message, -1, NULL));
      g_assert_cmpint (issue->kind, >=, 0);
      g_assert_cmpint (issue->kind, <, errors ? SP_JSONL_N_ERROR_CLASSES : SP_JSONL_N_WARNING_KINDS);
      g_assert_cmpuint (issue->line, <=, n_lines);
      /* A file-wide warning counts lines (maybe none: "0 examples"). */
      if (issue->line != 0)
        g_assert_cmpuint (issue->count, ==, 1);
      else
        g_assert_cmpuint (issue->count, <=, n_lines);
      /* File-wide warnings (line 0) come first, then by line. */
      if (issue->line != 0 || errors)
        {
          g_assert_cmpuint (issue->line, >=, last_line);
          last_line = issue->line;
        }
      else
        g_assert_cmpuint (last_line, ==, 0);
      if (errors)
        g_assert_cmpuint (issue->line, >=, 1);
    }
}

static void
check_report (SpJsonlReport *report,
              const uint8_t *data,
              size_t         size)
{
  SpJsonlTokenStats stats;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  guint64 n_newlines = 0;
  size_t i;

  for (i = 0; i < size; i++)
    n_newlines += data[i] == '\n';

  g_assert_cmpuint (sp_jsonl_report_get_bytes_read (report), ==, size);
  g_assert_cmpuint (sp_jsonl_report_get_n_lines (report), <=, n_newlines + 1);
  g_assert_cmpuint (sp_jsonl_report_get_n_examples (report), <=,
                    sp_jsonl_report_get_n_lines (report));
  g_assert_cmpuint (sp_jsonl_report_get_longest_line (report), <=, size);
  g_assert_nonnull (sp_jsonl_report_get_encoding (report));

  check_issues (report, TRUE);
  check_issues (report, FALSE);

  sp_jsonl_report_get_token_stats (report, &stats);
  g_assert_cmpuint (stats.n, ==, sp_jsonl_report_get_n_examples (report));
  if (stats.n > 0)
    {
      g_assert_cmpuint (stats.min, <=, stats.max);
      g_assert_cmpfloat (stats.min, <=, stats.p50);
      g_assert_cmpfloat (stats.p50, <=, stats.p90);
      g_assert_cmpfloat (stats.p90, <=, stats.max);
      g_assert_cmpfloat (stats.min, <=, stats.mean + 1e-6);
      g_assert_cmpfloat (stats.mean, <=, stats.max + 1e-6);
      g_assert_cmpuint (stats.min * stats.n, <=, sp_jsonl_report_get_total_tokens (report));
    }
  else
    g_assert_cmpuint (sp_jsonl_report_get_total_tokens (report), ==, 0);
  g_assert_cmpuint (sp_jsonl_report_get_billed_tokens (report), <=,
                    sp_jsonl_report_get_total_tokens (report));
  g_assert_cmpuint (sp_jsonl_report_get_epochs (report), >=, 1);
  g_assert_cmpuint (sp_jsonl_report_get_billed_training_tokens (report), ==,
                    sp_jsonl_report_get_billed_tokens (report) * sp_jsonl_report_get_epochs (report));

  json = sp_jsonl_report_to_json (report);
  g_assert_nonnull (json);
  text = json_to_string (json, FALSE);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint options = size > 0 ? data[0] : 0;
  SpJsonlFormat format = options % 3;
  const char *model = models[(options / 3) % G_N_ELEMENTS (models)];
  guint epochs = (options / 12) % 4;

  fuzz_init ();

  stream = g_memory_input_stream_new_from_data (data, size, NULL);
  report = sp_jsonl_validate_stream (stream, size, model, epochs, format, NULL,
                                     NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  if (epochs != 0)
    g_assert_cmpuint (sp_jsonl_report_get_epochs (report), ==, epochs);

  check_report (report, data, size);

  g_assert_finalize_object (g_steal_pointer (&report));
  return 0;
}
