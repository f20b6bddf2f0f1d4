// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-example"

#include "config.h"

#include "sp-example.h"

#include <sqlite3.h>

#include "sp-example-private.h"
#include "sp-sqlite-private.h"

struct _SpExample
{
  GObject          parent_instance;

  gint64           id;
  gint64           batch_id;
  guint            position;
  char            *story_title;
  char            *story_text;
  char            *full_prompt;
  char            *short_prompt;
  SpExampleStatus  status;
  char            *output;
  char            *raw_output;
  char            *error;
  gboolean         duplicate;
  gint64           prompt_tokens;
  gint64           completion_tokens;
  SpMoney          cost;
  SpPairMode       pair_mode;
};

G_DEFINE_FINAL_TYPE (SpExample, sp_example, G_TYPE_OBJECT)

enum {
  EX_PROP_0,
  EX_PROP_ID,
  EX_PROP_BATCH_ID,
  EX_PROP_POSITION,
  EX_PROP_STORY_TITLE,
  EX_PROP_STORY_TEXT,
  EX_PROP_FULL_PROMPT,
  EX_PROP_SHORT_PROMPT,
  EX_PROP_STATUS,
  EX_PROP_OUTPUT,
  EX_PROP_RAW_OUTPUT,
  EX_PROP_ERROR,
  EX_PROP_DUPLICATE,
  EX_PROP_PROMPT_TOKENS,
  EX_PROP_COMPLETION_TOKENS,
  EX_PROP_COST,
  EX_PROP_PAIR_MODE,
  EX_N_PROPS
};

static GParamSpec *example_properties[EX_N_PROPS];

static void
sp_example_finalize (GObject *object)
{
  SpExample *self = (SpExample *) object;

  g_free (self->story_title);
  g_free (self->story_text);
  g_free (self->full_prompt);
  g_free (self->short_prompt);
  g_free (self->output);
  g_free (self->raw_output);
  g_free (self->error);

  G_OBJECT_CLASS (sp_example_parent_class)->finalize (object);
}

static void
sp_example_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SpExample *self = SP_EXAMPLE (object);

  switch (prop_id)
    {
    case EX_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case EX_PROP_BATCH_ID:
      g_value_set_int64 (value, self->batch_id);
      break;
    case EX_PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    case EX_PROP_STORY_TITLE:
      g_value_set_string (value, self->story_title);
      break;
    case EX_PROP_STORY_TEXT:
      g_value_set_string (value, self->story_text);
      break;
    case EX_PROP_FULL_PROMPT:
      g_value_set_string (value, self->full_prompt);
      break;
    case EX_PROP_SHORT_PROMPT:
      g_value_set_string (value, self->short_prompt);
      break;
    case EX_PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case EX_PROP_OUTPUT:
      g_value_set_string (value, self->output);
      break;
    case EX_PROP_RAW_OUTPUT:
      g_value_set_string (value, self->raw_output);
      break;
    case EX_PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case EX_PROP_DUPLICATE:
      g_value_set_boolean (value, self->duplicate);
      break;
    case EX_PROP_PROMPT_TOKENS:
      g_value_set_int64 (value, self->prompt_tokens);
      break;
    case EX_PROP_COMPLETION_TOKENS:
      g_value_set_int64 (value, self->completion_tokens);
      break;
    case EX_PROP_COST:
      g_value_set_int64 (value, self->cost);
      break;
    case EX_PROP_PAIR_MODE:
      g_value_set_int (value, self->pair_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_example_class_init (SpExampleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sp_example_finalize;
  object_class->get_property = sp_example_get_property;

  example_properties[EX_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  example_properties[EX_PROP_BATCH_ID] =
    g_param_spec_int64 ("batch-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  example_properties[EX_PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, flags);
  example_properties[EX_PROP_STORY_TITLE] =
    g_param_spec_string ("story-title", NULL, NULL, NULL, flags);
  example_properties[EX_PROP_STORY_TEXT] =
    g_param_spec_string ("story-text", NULL, NULL, NULL, flags);
  example_properties[EX_PROP_FULL_PROMPT] =
    g_param_spec_string ("full-prompt", NULL, NULL, NULL, flags);
  example_properties[EX_PROP_SHORT_PROMPT] =
    g_param_spec_string ("short-prompt", NULL, NULL, NULL, flags);
  example_properties[EX_PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL, SP_EXAMPLE_STATUS_PENDING,
                      SP_EXAMPLE_STATUS_REJECTED, SP_EXAMPLE_STATUS_PENDING, flags);
  example_properties[EX_PROP_OUTPUT] =
    g_param_spec_string ("output", NULL, NULL, NULL, flags);
  example_properties[EX_PROP_RAW_OUTPUT] =
    g_param_spec_string ("raw-output", NULL, NULL, NULL, flags);
  example_properties[EX_PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL, flags);
  example_properties[EX_PROP_DUPLICATE] =
    g_param_spec_boolean ("duplicate", NULL, NULL, FALSE, flags);
  example_properties[EX_PROP_PROMPT_TOKENS] =
    g_param_spec_int64 ("prompt-tokens", NULL, NULL, -1, G_MAXINT64, -1, flags);
  example_properties[EX_PROP_COMPLETION_TOKENS] =
    g_param_spec_int64 ("completion-tokens", NULL, NULL, -1, G_MAXINT64, -1, flags);
  example_properties[EX_PROP_COST] =
    g_param_spec_int64 ("cost", NULL, NULL, -1, G_MAXINT64, -1, flags);
  example_properties[EX_PROP_PAIR_MODE] =
    g_param_spec_int ("pair-mode", NULL, NULL, SP_PAIR_MODE_FULL, SP_PAIR_MODE_SHORT,
                      SP_PAIR_MODE_FULL, flags);

  g_object_class_install_properties (object_class, EX_N_PROPS, example_properties);
}

static void
sp_example_init (SpExample *self)
{
  self->prompt_tokens = -1;
  self->completion_tokens = -1;
  self->cost = SP_MONEY_UNKNOWN;
}

SpExample *
sp_example_new_from_row (sqlite3_stmt *stmt)
{
  SpExample *example = g_object_new (SP_TYPE_EXAMPLE, NULL);

  example->id = sqlite3_column_int64 (stmt, 0);
  example->batch_id = sqlite3_column_int64 (stmt, 1);
  example->position = sqlite3_column_int (stmt, 2);
  example->story_title = sp_sqlite_column_dup (stmt, 3);
  example->story_text = sp_sqlite_column_dup (stmt, 4);
  example->full_prompt = sp_sqlite_column_dup (stmt, 5);
  example->short_prompt = sp_sqlite_column_dup (stmt, 6);
  example->status = sp_example_status_from_string ((const char *) sqlite3_column_text (stmt, 7));
  example->output = sp_sqlite_column_dup (stmt, 8);
  example->raw_output = sp_sqlite_column_dup (stmt, 9);
  example->error = sp_sqlite_column_dup (stmt, 10);
  example->duplicate = sqlite3_column_int (stmt, 11) != 0;
  example->prompt_tokens = sqlite3_column_type (stmt, 12) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 12);
  example->completion_tokens = sqlite3_column_type (stmt, 13) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 13);
  example->cost = sqlite3_column_type (stmt, 14) == SQLITE_NULL ? SP_MONEY_UNKNOWN : sqlite3_column_int64 (stmt, 14);
  sp_pair_mode_from_string ((const char *) sqlite3_column_text (stmt, 15), &example->pair_mode);
  return example;
}

gint64
sp_example_get_id (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), 0);
  return self->id;
}

gint64
sp_example_get_batch_id (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), 0);
  return self->batch_id;
}

guint
sp_example_get_position (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), 0);
  return self->position;
}

const char *
sp_example_get_story_title (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->story_title;
}

const char *
sp_example_get_story_text (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->story_text;
}

const char *
sp_example_get_full_prompt (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->full_prompt;
}

const char *
sp_example_get_short_prompt (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->short_prompt;
}

SpExampleStatus
sp_example_get_status (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), SP_EXAMPLE_STATUS_PENDING);
  return self->status;
}

const char *
sp_example_get_output (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->output;
}

const char *
sp_example_get_raw_output (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->raw_output;
}

const char *
sp_example_get_error (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->error;
}

gboolean
sp_example_get_duplicate (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), FALSE);
  return self->duplicate;
}

gint64
sp_example_get_prompt_tokens (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), -1);
  return self->prompt_tokens;
}

gint64
sp_example_get_completion_tokens (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), -1);
  return self->completion_tokens;
}

SpMoney
sp_example_get_cost (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), SP_MONEY_UNKNOWN);
  return self->cost;
}

SpPairMode
sp_example_get_pair_mode (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), SP_PAIR_MODE_FULL);
  return self->pair_mode;
}

const char *
sp_example_get_training_prompt (SpExample *self)
{
  g_return_val_if_fail (SP_IS_EXAMPLE (self), NULL);
  return self->pair_mode == SP_PAIR_MODE_SHORT ? self->short_prompt : self->full_prompt;
}

static const char * const status_names[] = {
  "pending", "running", "done", "failed", "rejected",
};

const char *
sp_example_status_to_string (SpExampleStatus status)
{
  g_return_val_if_fail (status <= SP_EXAMPLE_STATUS_REJECTED, "pending");
  return status_names[status];
}

SpExampleStatus
sp_example_status_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      return (SpExampleStatus) i;
  return SP_EXAMPLE_STATUS_PENDING;
}

const char *
sp_pair_mode_to_string (SpPairMode mode)
{
  return mode == SP_PAIR_MODE_SHORT ? "short" : "full";
}

gboolean
sp_pair_mode_from_string (const char *text,
                          SpPairMode *mode)
{
  if (g_strcmp0 (text, "full") == 0)
    *mode = SP_PAIR_MODE_FULL;
  else if (g_strcmp0 (text, "short") == 0)
    *mode = SP_PAIR_MODE_SHORT;
  else
    return FALSE;
  return TRUE;
}
