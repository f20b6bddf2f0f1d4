// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sp-cost-estimate.h"
#include "sp-price-sheet.h"

G_BEGIN_DECLS

/* A streaming validator for fine-tuning files in JSON Lines: one training
 * example a line, in OpenAI's chat format ({"messages": […]}, optional
 * "tools" and "parallel_tool_calls") or in the legacy format
 * ({"prompt": …, "completion": …}).
 *
 * The file is read line by line: memory is bounded by the longest line
 * (at most SP_JSONL_MAX_LINE_LENGTH), a histogram of token counts (exact
 * percentiles in 256 KiB) and 12 bytes per example (a hash and a line
 * number, to find duplicates), never by the whole file. */

#define SP_JSONL_MAX_LINE_LENGTH (64 * 1024 * 1024)
/* Nesting deeper than this is an error, checked before parsing. */
#define SP_JSONL_MAX_DEPTH       64
/* The report lists this many errors and warnings at most; it counts all. */
#define SP_JSONL_MAX_LISTED      1000

typedef enum
{
  SP_JSONL_FORMAT_AUTO,        /* from the first line that is a JSON object */
  SP_JSONL_FORMAT_CHAT,
  SP_JSONL_FORMAT_COMPLETION,  /* legacy prompt/completion */
} SpJsonlFormat;

/* The classes of OpenAI's cookbook (Chat_finetuning_data_prep) first, then
 * ours. sp_jsonl_error_class_to_string() gives the cookbook's names. */
typedef enum
{
  SP_JSONL_ERROR_DATA_TYPE,
  SP_JSONL_ERROR_MISSING_MESSAGES_LIST,
  SP_JSONL_ERROR_MESSAGE_MISSING_KEY,
  SP_JSONL_ERROR_MESSAGE_UNRECOGNIZED_KEY,
  SP_JSONL_ERROR_UNRECOGNIZED_ROLE,
  SP_JSONL_ERROR_MISSING_CONTENT,
  SP_JSONL_ERROR_MISSING_ASSISTANT_MESSAGE,
  SP_JSONL_ERROR_INVALID_WEIGHT,
  SP_JSONL_ERROR_INVALID_TOOLS,
  SP_JSONL_ERROR_MISSING_PROMPT_COMPLETION,
  SP_JSONL_ERROR_INVALID_JSON,
  SP_JSONL_ERROR_INVALID_UTF8,
  SP_JSONL_ERROR_TOO_DEEP,
  SP_JSONL_ERROR_LINE_TOO_LONG,
  SP_JSONL_ERROR_BLANK_LINE,
  SP_JSONL_N_ERROR_CLASSES
} SpJsonlErrorClass;

typedef enum
{
  SP_JSONL_WARNING_TOO_FEW_EXAMPLES,     /* < 10: OpenAI refuses the file */
  SP_JSONL_WARNING_FEW_EXAMPLES,         /* < 100: little to learn from */
  SP_JSONL_WARNING_DUPLICATE,            /* one per repeated example */
  SP_JSONL_WARNING_TOO_LONG,             /* over the model's example limit */
  SP_JSONL_WARNING_WEIGHT_NOT_ASSISTANT, /* "weight" on another role */
  SP_JSONL_WARNING_NO_PROMPT_SEPARATOR,  /* legacy: prompts end differently */
  SP_JSONL_WARNING_NO_LEADING_SPACE,     /* legacy: completion starts without */
  SP_JSONL_WARNING_NO_STOP_SEQUENCE,     /* legacy: completions end differently */
  SP_JSONL_WARNING_UNKNOWN_MODEL,        /* tokens counted with o200k_base */
  SP_JSONL_WARNING_NO_PRICE,             /* no sheet has a training price */
  SP_JSONL_N_WARNING_KINDS
} SpJsonlWarningKind;

/* One error or warning. @line is 1-based; 0 for the whole file. @count is
 * the number of lines a file-wide warning is about (1 for a line). */
typedef struct
{
  guint64  line;
  int      kind;       /* an SpJsonlErrorClass or an SpJsonlWarningKind */
  guint64  count;
  char    *message;    /* translated: what is wrong and how to fix it */
} SpJsonlIssue;

/* Tokens per example (valid examples only). The percentiles interpolate
 * linearly between the two nearest counts, as numpy.quantile does. */
typedef struct
{
  guint64 n;
  guint64 min;
  guint64 max;
  double  mean;
  double  p50;
  double  p90;
} SpJsonlTokenStats;

/* Called with the bytes read so far and the size of the file (0 when the
 * size is unknown, as for a pipe). */
typedef void (*SpJsonlProgressFunc) (guint64  bytes_read,
                                     guint64  total_bytes,
                                     gpointer user_data);

const char *sp_jsonl_error_class_to_string   (SpJsonlErrorClass  error_class);
const char *sp_jsonl_warning_kind_to_string  (SpJsonlWarningKind kind);
const char *sp_jsonl_format_to_string        (SpJsonlFormat      format);
/* "chat", "completion" (or "legacy"), "auto"; FALSE for anything else. */
gboolean    sp_jsonl_format_from_string      (const char        *name,
                                              SpJsonlFormat     *format);
/* The most tokens one training example may have for @model (a base,
 * dated or fine-tuned id), or 0 when the model is not in the table. */
guint64     sp_jsonl_example_token_limit     (const char        *model);

#define SP_TYPE_JSONL_REPORT (sp_jsonl_report_get_type ())
G_DECLARE_FINAL_TYPE (SpJsonlReport, sp_jsonl_report, SP, JSONL_REPORT, GObject)

/* The report of one validation. Errors make a line unusable: it is not an
 * example and counts in no figure. The figures are those of OpenAI's
 * cookbook: an example's tokens as sp_tokenizer_count_chat() counts them
 * (prompt plus completion tokens in the legacy format), billed up to the
 * model's limit, times the epochs. */
const char          *sp_jsonl_report_get_model            (SpJsonlReport      *self);
const char          *sp_jsonl_report_get_encoding         (SpJsonlReport      *self);
/* The format found (or forced); AUTO when no line was a JSON object. */
SpJsonlFormat        sp_jsonl_report_get_format           (SpJsonlReport      *self);
guint64              sp_jsonl_report_get_n_lines          (SpJsonlReport      *self);
guint64              sp_jsonl_report_get_n_examples       (SpJsonlReport      *self);
guint64              sp_jsonl_report_get_bytes_read       (SpJsonlReport      *self);
gsize                sp_jsonl_report_get_longest_line     (SpJsonlReport      *self);
/* The most bytes the line buffer ever held: the memory bound. */
gsize                sp_jsonl_report_get_buffer_high_water (SpJsonlReport     *self);

/* All errors, listed or not; by class. */
guint64              sp_jsonl_report_get_n_errors         (SpJsonlReport      *self);
guint64              sp_jsonl_report_get_error_count      (SpJsonlReport      *self,
                                                           SpJsonlErrorClass   error_class);
/* The first SP_JSONL_MAX_LISTED errors, in line order. */
guint                sp_jsonl_report_get_n_listed_errors  (SpJsonlReport      *self);
const SpJsonlIssue  *sp_jsonl_report_get_error            (SpJsonlReport      *self,
                                                           guint               index);

guint64              sp_jsonl_report_get_n_warnings       (SpJsonlReport      *self);
guint64              sp_jsonl_report_get_warning_count    (SpJsonlReport      *self,
                                                           SpJsonlWarningKind  kind);
/* File-wide warnings first, then by line. */
guint                sp_jsonl_report_get_n_listed_warnings (SpJsonlReport     *self);
const SpJsonlIssue  *sp_jsonl_report_get_warning          (SpJsonlReport      *self,
                                                           guint               index);

void                 sp_jsonl_report_get_token_stats      (SpJsonlReport      *self,
                                                           SpJsonlTokenStats  *stats);
guint64              sp_jsonl_report_get_total_tokens     (SpJsonlReport      *self);
/* 0 when the model is not in the table. */
guint64              sp_jsonl_report_get_token_limit      (SpJsonlReport      *self);
/* One epoch: each example's tokens up to the limit. */
guint64              sp_jsonl_report_get_billed_tokens    (SpJsonlReport      *self);
guint                sp_jsonl_report_get_epochs           (SpJsonlReport      *self);
gboolean             sp_jsonl_report_get_epochs_auto      (SpJsonlReport      *self);
/* Billed tokens × epochs. */
guint64              sp_jsonl_report_get_billed_training_tokens (SpJsonlReport *self);
/* SP_MONEY_UNKNOWN when no price sheet has a training price for the model. */
SpMoney              sp_jsonl_report_get_training_cost    (SpJsonlReport      *self);
/* The sheet the cost comes from, or NULL. */
SpPriceSheet        *sp_jsonl_report_get_price_sheet      (SpJsonlReport      *self);

/* The whole report as a JSON object (for --json). */
JsonNode            *sp_jsonl_report_to_json              (SpJsonlReport      *self);

/* Validates @stream. @model picks the tokenizer, the example limit and the
 * price (NULL: gpt-4o-mini); @epochs 0 is OpenAI's automatic rule; @sheet
 * NULL is the newest built-in sheet that has a training price for @model.
 * @total_bytes only feeds @progress. Per-line problems are in the report;
 * a GError means the stream could not be read (or the work was cancelled). */
SpJsonlReport       *sp_jsonl_validate_stream             (GInputStream        *stream,
                                                           guint64              total_bytes,
                                                           const char          *model,
                                                           guint                epochs,
                                                           SpJsonlFormat        format,
                                                           SpPriceSheet        *sheet,
                                                           GCancellable        *cancellable,
                                                           SpJsonlProgressFunc  progress,
                                                           gpointer             progress_data,
                                                           GError             **error);
/* The same for a file; errors say which file could not be read. */
SpJsonlReport       *sp_jsonl_validate_file               (GFile               *file,
                                                           const char          *model,
                                                           guint                epochs,
                                                           SpJsonlFormat        format,
                                                           SpPriceSheet        *sheet,
                                                           GCancellable        *cancellable,
                                                           SpJsonlProgressFunc  progress,
                                                           gpointer             progress_data,
                                                           GError             **error);
/* sp_jsonl_validate_file() in a worker thread. @progress runs in the
 * thread-default main context of the caller, at most about ten times a
 * second and never after @callback; @progress_data must live until
 * @callback runs. */
void                 sp_jsonl_validate_async              (GFile               *file,
                                                           const char          *model,
                                                           guint                epochs,
                                                           SpJsonlFormat        format,
                                                           SpPriceSheet        *sheet,
                                                           GCancellable        *cancellable,
                                                           SpJsonlProgressFunc  progress,
                                                           gpointer             progress_data,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
SpJsonlReport       *sp_jsonl_validate_finish             (GAsyncResult        *result,
                                                           GError             **error);

G_END_DECLS
