// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-comparison"

#include "config.h"

#include "sp-comparison.h"
#include "sp-string-private.h"

#include <glib/gi18n.h>

#include "sp-comparison-private.h"
#include "sp-error.h"
#include "sp-image-store.h"
#include "sp-prompt-cleaner.h"
#include "sp-tokenizer.h"

/* Enough for an image prompt and a few lines of chatter. */
#define MAX_TOKENS 400

/* ------------------------------------------------------------------ */
/* SpComparisonSide                                                    */
/* ------------------------------------------------------------------ */

struct _SpComparisonSide
{
  GObject       parent_instance;

  SpComparison *comparison;   /* unowned: the comparison owns the side */
  SpSide        side;
  char         *provider_id;
  char         *model;
  SpPairMode    prompt_mode;
  gboolean      clean;
  gboolean      clean_set;
  GString      *raw_text;
  char         *cleaned_text;
  gint64        prompt_tokens;
  gint64        completion_tokens;
  gboolean      usage_estimated;
  SpMoney       cost;
  char         *error;
  gboolean      running;
  GListStore   *images;
};

G_DEFINE_FINAL_TYPE (SpComparisonSide, sp_comparison_side, G_TYPE_OBJECT)

enum {
  SIDE_PROP_0,
  SIDE_PROP_SIDE,
  SIDE_PROP_PROVIDER_ID,
  SIDE_PROP_MODEL,
  SIDE_PROP_PROMPT_MODE,
  SIDE_PROP_CLEAN,
  SIDE_PROP_RAW_TEXT,
  SIDE_PROP_CLEANED_TEXT,
  SIDE_PROP_TEXT,
  SIDE_PROP_PROMPT_TOKENS,
  SIDE_PROP_COMPLETION_TOKENS,
  SIDE_PROP_USAGE_ESTIMATED,
  SIDE_PROP_COST,
  SIDE_PROP_ERROR,
  SIDE_PROP_RUNNING,
  SIDE_PROP_IMAGES,
  SIDE_PROP_LABEL,
  SIDE_N_PROPS
};

enum {
  SIDE_SIGNAL_DELTA,
  SIDE_N_SIGNALS
};

static GParamSpec *side_properties[SIDE_N_PROPS];
static guint side_signals[SIDE_N_SIGNALS];

/* ------------------------------------------------------------------ */
/* SpComparison                                                        */
/* ------------------------------------------------------------------ */

struct _SpComparison
{
  GObject           parent_instance;

  SpComparisonSide *sides[2];
  gint64            id;
  char             *subject;
  char             *story;
  gboolean          blind;
  guint64           blind_seed;
  SpWinner          winner;
  char             *notes;
  gint64            created_at;
  gboolean          running;
  gboolean          complete;
  SpPriceSheet     *price_sheet;
};

G_DEFINE_FINAL_TYPE (SpComparison, sp_comparison, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_SUBJECT,
  PROP_STORY,
  PROP_BLIND,
  PROP_BLIND_SEED,
  PROP_SWAPPED,
  PROP_WINNER,
  PROP_VOTED,
  PROP_REVEALED,
  PROP_NOTES,
  PROP_CREATED_AT,
  PROP_RUNNING,
  PROP_COMPLETE,
  PROP_SIDE_A,
  PROP_SIDE_B,
  PROP_PRICE_SHEET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* Enums                                                               */
/* ------------------------------------------------------------------ */

static const char * const side_names[] = { "a", "b" };
static const char * const winner_names[] = { "none", "a", "b", "tie", "both-bad" };

GType
sp_side_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SP_SIDE_A, "SP_SIDE_A", "a" },
        { SP_SIDE_B, "SP_SIDE_B", "b" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("SpSide"), values));
    }
  return type;
}

GType
sp_winner_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { SP_WINNER_NONE, "SP_WINNER_NONE", "none" },
        { SP_WINNER_A, "SP_WINNER_A", "a" },
        { SP_WINNER_B, "SP_WINNER_B", "b" },
        { SP_WINNER_TIE, "SP_WINNER_TIE", "tie" },
        { SP_WINNER_BOTH_BAD, "SP_WINNER_BOTH_BAD", "both-bad" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("SpWinner"), values));
    }
  return type;
}

const char *
sp_side_to_string (SpSide side)
{
  g_return_val_if_fail (side <= SP_SIDE_B, "a");
  return side_names[side];
}

gboolean
sp_side_from_string (const char *text,
                     SpSide     *side)
{
  for (guint i = 0; i < G_N_ELEMENTS (side_names); i++)
    if (g_strcmp0 (text, side_names[i]) == 0)
      {
        *side = (SpSide) i;
        return TRUE;
      }
  return FALSE;
}

const char *
sp_winner_to_string (SpWinner winner)
{
  g_return_val_if_fail (winner <= SP_WINNER_BOTH_BAD, "none");
  return winner_names[winner];
}

gboolean
sp_winner_from_string (const char *text,
                       SpWinner   *winner)
{
  for (guint i = 0; i < G_N_ELEMENTS (winner_names); i++)
    if (g_strcmp0 (text, winner_names[i]) == 0)
      {
        *winner = (SpWinner) i;
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* SpComparisonSide                                                    */
/* ------------------------------------------------------------------ */

static void
side_notify (SpComparisonSide *self,
             guint             prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), side_properties[prop_id]);
}

static SpComparisonSide *
side_new (SpComparison *comparison,
          SpSide        side)
{
  SpComparisonSide *self = g_object_new (SP_TYPE_COMPARISON_SIDE, "side", side, NULL);

  self->comparison = comparison;
  return self;
}

static void
sp_comparison_side_dispose (GObject *object)
{
  SpComparisonSide *self = (SpComparisonSide *) object;

  if (self->images != NULL)
    g_list_store_remove_all (self->images);

  G_OBJECT_CLASS (sp_comparison_side_parent_class)->dispose (object);
}

static void
sp_comparison_side_finalize (GObject *object)
{
  SpComparisonSide *self = (SpComparisonSide *) object;

  g_free (self->provider_id);
  g_free (self->model);
  g_string_free (self->raw_text, TRUE);
  g_free (self->cleaned_text);
  g_free (self->error);
  g_clear_object (&self->images);

  G_OBJECT_CLASS (sp_comparison_side_parent_class)->finalize (object);
}

static void
sp_comparison_side_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SpComparisonSide *self = SP_COMPARISON_SIDE (object);

  switch (prop_id)
    {
    case SIDE_PROP_SIDE:
      g_value_set_enum (value, self->side);
      break;
    case SIDE_PROP_PROVIDER_ID:
      g_value_set_string (value, self->provider_id);
      break;
    case SIDE_PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case SIDE_PROP_PROMPT_MODE:
      g_value_set_int (value, self->prompt_mode);
      break;
    case SIDE_PROP_CLEAN:
      g_value_set_boolean (value, self->clean);
      break;
    case SIDE_PROP_RAW_TEXT:
      g_value_set_string (value, self->raw_text->str);
      break;
    case SIDE_PROP_CLEANED_TEXT:
      g_value_set_string (value, self->cleaned_text);
      break;
    case SIDE_PROP_TEXT:
      g_value_set_string (value, sp_comparison_side_get_text (self));
      break;
    case SIDE_PROP_PROMPT_TOKENS:
      g_value_set_int64 (value, self->prompt_tokens);
      break;
    case SIDE_PROP_COMPLETION_TOKENS:
      g_value_set_int64 (value, self->completion_tokens);
      break;
    case SIDE_PROP_USAGE_ESTIMATED:
      g_value_set_boolean (value, self->usage_estimated);
      break;
    case SIDE_PROP_COST:
      g_value_set_int64 (value, self->cost);
      break;
    case SIDE_PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case SIDE_PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case SIDE_PROP_IMAGES:
      g_value_set_object (value, self->images);
      break;
    case SIDE_PROP_LABEL:
      g_value_set_string (value, sp_comparison_side_get_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_comparison_side_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SpComparisonSide *self = SP_COMPARISON_SIDE (object);

  switch (prop_id)
    {
    case SIDE_PROP_SIDE:
      self->side = g_value_get_enum (value);
      break;
    case SIDE_PROP_PROVIDER_ID:
      sp_comparison_side_set_provider_id (self, g_value_get_string (value));
      break;
    case SIDE_PROP_MODEL:
      sp_comparison_side_set_model (self, g_value_get_string (value));
      break;
    case SIDE_PROP_PROMPT_MODE:
      sp_comparison_side_set_prompt_mode (self, g_value_get_int (value));
      break;
    case SIDE_PROP_CLEAN:
      sp_comparison_side_set_clean (self, g_value_get_boolean (value));
      break;
    case SIDE_PROP_RAW_TEXT:
      sp_comparison_side_set_raw_text (self, g_value_get_string (value));
      break;
    case SIDE_PROP_ERROR:
      sp_comparison_side_set_error (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_comparison_side_class_init (SpComparisonSideClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sp_comparison_side_dispose;
  object_class->finalize = sp_comparison_side_finalize;
  object_class->get_property = sp_comparison_side_get_property;
  object_class->set_property = sp_comparison_side_set_property;

  side_properties[SIDE_PROP_SIDE] =
    g_param_spec_enum ("side", NULL, NULL, SP_TYPE_SIDE, SP_SIDE_A,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  side_properties[SIDE_PROP_PROVIDER_ID] =
    g_param_spec_string ("provider-id", NULL, NULL, NULL, rw);
  side_properties[SIDE_PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL, rw);
  side_properties[SIDE_PROP_PROMPT_MODE] =
    g_param_spec_int ("prompt-mode", NULL, NULL, SP_PAIR_MODE_FULL, SP_PAIR_MODE_SHORT,
                      SP_PAIR_MODE_FULL, rw);
  side_properties[SIDE_PROP_CLEAN] =
    g_param_spec_boolean ("clean", NULL, NULL, TRUE, rw);
  side_properties[SIDE_PROP_RAW_TEXT] =
    g_param_spec_string ("raw-text", NULL, NULL, "", rw);
  side_properties[SIDE_PROP_CLEANED_TEXT] =
    g_param_spec_string ("cleaned-text", NULL, NULL, "", ro);
  side_properties[SIDE_PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "", ro);
  side_properties[SIDE_PROP_PROMPT_TOKENS] =
    g_param_spec_int64 ("prompt-tokens", NULL, NULL, -1, G_MAXINT64, -1, ro);
  side_properties[SIDE_PROP_COMPLETION_TOKENS] =
    g_param_spec_int64 ("completion-tokens", NULL, NULL, -1, G_MAXINT64, -1, ro);
  side_properties[SIDE_PROP_USAGE_ESTIMATED] =
    g_param_spec_boolean ("usage-estimated", NULL, NULL, FALSE, ro);
  side_properties[SIDE_PROP_COST] =
    g_param_spec_int64 ("cost", NULL, NULL, -1, G_MAXINT64, -1, ro);
  side_properties[SIDE_PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL, rw);
  side_properties[SIDE_PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  side_properties[SIDE_PROP_IMAGES] =
    g_param_spec_object ("images", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  side_properties[SIDE_PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, SIDE_N_PROPS, side_properties);

  side_signals[SIDE_SIGNAL_DELTA] =
    g_signal_new ("delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sp_comparison_side_init (SpComparisonSide *self)
{
  self->clean = TRUE;
  self->raw_text = g_string_new (NULL);
  self->cleaned_text = g_strdup ("");
  self->prompt_tokens = -1;
  self->completion_tokens = -1;
  self->cost = SP_MONEY_UNKNOWN;
  self->images = g_list_store_new (SP_TYPE_IMAGE);
}

SpSide
sp_comparison_side_get_side (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), SP_SIDE_A);
  return self->side;
}

const char *
sp_comparison_side_get_provider_id (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);
  return self->provider_id;
}

const char *
sp_comparison_side_get_model (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);
  return self->model;
}

SpPairMode
sp_comparison_side_get_prompt_mode (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), SP_PAIR_MODE_FULL);
  return self->prompt_mode;
}

gboolean
sp_comparison_side_get_clean (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), TRUE);
  return self->clean;
}

const char *
sp_comparison_side_get_raw_text (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);
  return self->raw_text->str;
}

const char *
sp_comparison_side_get_cleaned_text (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);
  return self->cleaned_text;
}

const char *
sp_comparison_side_get_text (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);
  return self->clean ? self->cleaned_text : self->raw_text->str;
}

gint64
sp_comparison_side_get_prompt_tokens (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), -1);
  return self->prompt_tokens;
}

gint64
sp_comparison_side_get_completion_tokens (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), -1);
  return self->completion_tokens;
}

SpMoney
sp_comparison_side_get_cost (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), SP_MONEY_UNKNOWN);
  return self->cost;
}

const char *
sp_comparison_side_get_error (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);
  return self->error;
}

gboolean
sp_comparison_side_get_usage_estimated (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), FALSE);
  return self->usage_estimated;
}

gboolean
sp_comparison_side_get_running (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), FALSE);
  return self->running;
}

GListModel *
sp_comparison_side_get_images (SpComparisonSide *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);
  return G_LIST_MODEL (self->images);
}

const char *
sp_comparison_side_get_label (SpComparisonSide *self)
{
  SpComparison *comparison;

  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), NULL);

  comparison = self->comparison;
  if (comparison != NULL && !sp_comparison_get_revealed (comparison))
    {
      gboolean first = sp_comparison_get_side_at (comparison, 0) == self;

      return first ? _("Side 1") : _("Side 2");
    }
  return self->model != NULL ? self->model : "";
}

void
sp_comparison_side_set_provider_id (SpComparisonSide *self,
                                    const char       *provider_id)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  if (sp_set_str (&self->provider_id, provider_id))
    side_notify (self, SIDE_PROP_PROVIDER_ID);
}

static void
set_clean (SpComparisonSide *self,
           gboolean          clean)
{
  clean = !!clean;
  if (self->clean == clean)
    return;
  self->clean = clean;
  side_notify (self, SIDE_PROP_CLEAN);
  side_notify (self, SIDE_PROP_TEXT);
}

void
sp_comparison_side_set_model (SpComparisonSide *self,
                              const char       *model)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  if (!sp_set_str (&self->model, model))
    return;
  side_notify (self, SIDE_PROP_MODEL);
  side_notify (self, SIDE_PROP_LABEL);
  /* Chat models keep talking after the prompt; completion models stop at
   * the stop sequence. */
  if (!self->clean_set && model != NULL)
    set_clean (self, !sp_client_model_is_completion (model));
}

void
sp_comparison_side_set_prompt_mode (SpComparisonSide *self,
                                    SpPairMode        mode)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));
  g_return_if_fail (mode <= SP_PAIR_MODE_SHORT);

  if (self->prompt_mode == mode)
    return;
  self->prompt_mode = mode;
  side_notify (self, SIDE_PROP_PROMPT_MODE);
}

void
sp_comparison_side_set_clean (SpComparisonSide *self,
                              gboolean          clean)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  self->clean_set = TRUE;
  set_clean (self, clean);
}

static void
set_cleaned_text (SpComparisonSide *self,
                  char             *cleaned)
{
  if (g_strcmp0 (self->cleaned_text, cleaned) == 0)
    {
      g_free (cleaned);
      return;
    }
  g_free (self->cleaned_text);
  self->cleaned_text = cleaned;
  side_notify (self, SIDE_PROP_CLEANED_TEXT);
  if (self->clean)
    side_notify (self, SIDE_PROP_TEXT);
}

void
sp_comparison_side_set_raw_text (SpComparisonSide *self,
                                 const char       *raw_text)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  if (raw_text == NULL)
    raw_text = "";
  if (g_str_equal (self->raw_text->str, raw_text))
    return;
  g_string_assign (self->raw_text, raw_text);
  side_notify (self, SIDE_PROP_RAW_TEXT);
  if (!self->clean)
    side_notify (self, SIDE_PROP_TEXT);
  set_cleaned_text (self, sp_prompt_cleaner_clean (raw_text));
}

void
sp_comparison_side_set_texts (SpComparisonSide *self,
                              const char       *raw_text,
                              const char       *cleaned_text)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  if (raw_text != NULL && !g_str_equal (self->raw_text->str, raw_text))
    {
      g_string_assign (self->raw_text, raw_text);
      side_notify (self, SIDE_PROP_RAW_TEXT);
      if (!self->clean)
        side_notify (self, SIDE_PROP_TEXT);
    }
  if (cleaned_text != NULL)
    set_cleaned_text (self, g_strdup (cleaned_text));
}

void
sp_comparison_side_set_usage (SpComparisonSide *self,
                              gint64            prompt_tokens,
                              gint64            completion_tokens,
                              SpMoney           cost)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->prompt_tokens != prompt_tokens)
    {
      self->prompt_tokens = prompt_tokens;
      side_notify (self, SIDE_PROP_PROMPT_TOKENS);
    }
  if (self->completion_tokens != completion_tokens)
    {
      self->completion_tokens = completion_tokens;
      side_notify (self, SIDE_PROP_COMPLETION_TOKENS);
    }
  if (self->cost != cost)
    {
      self->cost = cost;
      side_notify (self, SIDE_PROP_COST);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
sp_comparison_side_set_error (SpComparisonSide *self,
                              const char       *error)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  if (sp_set_str (&self->error, error))
    side_notify (self, SIDE_PROP_ERROR);
}

static void
side_set_usage_estimated (SpComparisonSide *self,
                          gboolean          estimated)
{
  if (self->usage_estimated == estimated)
    return;
  self->usage_estimated = estimated;
  side_notify (self, SIDE_PROP_USAGE_ESTIMATED);
}

static void
side_set_running (SpComparisonSide *self,
                  gboolean          running)
{
  if (self->running == running)
    return;
  self->running = running;
  side_notify (self, SIDE_PROP_RUNNING);
}

void
sp_comparison_side_set_images (SpComparisonSide *self,
                               GPtrArray        *images)
{
  g_return_if_fail (SP_IS_COMPARISON_SIDE (self));

  g_list_store_splice (self->images, 0, g_list_model_get_n_items (G_LIST_MODEL (self->images)),
                       images != NULL ? images->pdata : NULL, images != NULL ? images->len : 0);
}

gboolean
sp_comparison_side_add_image (SpComparisonSide *self,
                              gpointer          image)
{
  guint n;

  g_return_val_if_fail (SP_IS_COMPARISON_SIDE (self), FALSE);
  g_return_val_if_fail (SP_IS_IMAGE (image), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->images));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SpImage) other = g_list_model_get_item (G_LIST_MODEL (self->images), i);

      if (g_str_equal (sp_image_get_hash (other), sp_image_get_hash (image)))
        return FALSE;
    }
  g_list_store_append (self->images, image);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* SpComparison: running both sides                                    */
/* ------------------------------------------------------------------ */

typedef struct
{
  SpComparison      *self;      /* the task's source object */
  GTask             *task;      /* unowned: alive while a side runs */
  SpComparisonSide  *side;
  SpClient          *client;
  gboolean           completion;
  char              *prompt;
  JsonArray         *messages;
} SideRun;

typedef struct
{
  SideRun  runs[2];
  guint    n_running;
  GError  *error;
} RunData;

static void
run_data_free (RunData *data)
{
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&data->runs[i].client);
      g_clear_pointer (&data->runs[i].prompt, g_free);
      g_clear_pointer (&data->runs[i].messages, json_array_unref);
    }
  g_clear_error (&data->error);
  g_free (data);
}

static void
set_running (SpComparison *self,
             gboolean      running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
delta_cb (const char *delta,
          gpointer    user_data)
{
  SideRun *run = user_data;
  SpComparisonSide *side = run->side;

  g_string_append (side->raw_text, delta);
  side_notify (side, SIDE_PROP_RAW_TEXT);
  if (!side->clean)
    side_notify (side, SIDE_PROP_TEXT);
  set_cleaned_text (side, sp_prompt_cleaner_clean (side->raw_text->str));
  g_signal_emit (side, side_signals[SIDE_SIGNAL_DELTA], 0, delta);
}

static SpMoney
cost_of (SpComparison           *self,
         const char             *model,
         const SpGenerateResult *answer)
{
  SpMoney cost = SP_MONEY_UNKNOWN;
  SpPriceSheet *sheet = sp_comparison_get_price_sheet (self);

  if (sheet == NULL || model == NULL || answer->prompt_tokens < 0 || answer->completion_tokens < 0)
    return SP_MONEY_UNKNOWN;
  if (!sp_price_sheet_cost_of_usage (sheet, model, answer->prompt_tokens,
                                     answer->completion_tokens, &cost, NULL))
    return SP_MONEY_UNKNOWN;
  return cost;
}

/* Servers other than OpenAI send no usage with a stream: the tokens are
 * counted here instead, with the model's encoding (cl100k_base for a
 * model the tokenizer does not know, as an estimate). */
static gboolean
estimate_usage (SideRun          *run,
                SpGenerateResult *answer)
{
  SpTokenizer *tokenizer = sp_tokenizer_get_for_model (run->side->model, NULL);
  gsize n = 0;

  if (tokenizer == NULL)
    tokenizer = sp_tokenizer_get_for_encoding ("cl100k_base", NULL);
  if (tokenizer == NULL)
    return FALSE;

  if (answer->prompt_tokens < 0)
    {
      gboolean ok = run->messages != NULL
        ? sp_tokenizer_count_chat (tokenizer, run->messages, &n, NULL)
        : sp_tokenizer_count (tokenizer, run->prompt, -1, SP_TOKENIZER_ORDINARY | SP_TOKENIZER_REPLACE_INVALID, &n, NULL);

      if (!ok)
        return FALSE;
      answer->prompt_tokens = (gint64) n;
    }
  if (answer->completion_tokens < 0)
    {
      if (!sp_tokenizer_count (tokenizer, answer->text != NULL ? answer->text : "", -1,
                               SP_TOKENIZER_ORDINARY | SP_TOKENIZER_REPLACE_INVALID, &n, NULL))
        return FALSE;
      answer->completion_tokens = (gint64) n;
    }
  return TRUE;
}

static void
side_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SideRun *run = user_data;
  GTask *task = run->task;
  RunData *data = g_task_get_task_data (task);
  SpComparisonSide *side = run->side;
  g_autoptr(SpGenerateResult) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = run->completion ? sp_client_complete_finish (SP_CLIENT (object), result, &error)
                           : sp_client_chat_finish (SP_CLIENT (object), result, &error);

  g_object_freeze_notify (G_OBJECT (side));
  if (answer != NULL)
    {
      /* The whole answer is the truth; the deltas were a preview. */
      sp_comparison_side_set_raw_text (side, answer->text);
      side_set_usage_estimated (side, (answer->prompt_tokens < 0 || answer->completion_tokens < 0) &&
                                      estimate_usage (run, answer));
      sp_comparison_side_set_usage (side, answer->prompt_tokens, answer->completion_tokens,
                                    cost_of (run->self, side->model, answer));
    }
  else
    {
      sp_comparison_side_set_error (side, error->message);
      if (data->error == NULL)
        data->error = g_steal_pointer (&error);
    }
  side_set_running (side, FALSE);
  g_object_thaw_notify (G_OBJECT (side));

  if (--data->n_running > 0)
    return;

  set_running (run->self, FALSE);
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static JsonArray *
single_user_message (const char *content)
{
  JsonArray *messages = json_array_new ();
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "role", "user");
  json_object_set_string_member (message, "content", content);
  json_array_add_object_element (messages, message);
  return messages;
}

static const char *
story_or_subject (SpComparison *self)
{
  if (self->story != NULL && *self->story != '\0')
    return self->story;
  return self->subject != NULL ? self->subject : "";
}

char *
sp_comparison_dup_request_text (SpComparison *self,
                                SpSide        side,
                                SpTemplate   *template)
{
  SpComparisonSide *s;

  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (SP_IS_TEMPLATE (template), NULL);

  s = sp_comparison_get_side (self, side);
  if (s->prompt_mode == SP_PAIR_MODE_SHORT)
    return sp_template_render_short (template, self->subject != NULL ? self->subject : "");
  return sp_template_render_completion (template, story_or_subject (self));
}

static void
start_side (SpComparison *self,
            SideRun      *run,
            SpTemplate   *template,
            GCancellable *cancellable)
{
  static const char * const stop[] = { "\n\n", NULL };
  SpComparisonSide *side = run->side;
  SpGenerateRequest request = { 0 };

  run->completion = sp_client_model_is_completion (side->model);
  if (side->prompt_mode == SP_PAIR_MODE_SHORT)
    {
      run->prompt = sp_template_render_short (template, self->subject != NULL ? self->subject : "");
      if (!run->completion)
        run->messages = single_user_message (run->prompt);
    }
  else if (run->completion)
    run->prompt = sp_template_render_completion (template, story_or_subject (self));
  else
    run->messages = sp_template_render_messages (template, story_or_subject (self));

  request.model = side->model;
  request.stream = TRUE;
  request.temperature = -1;
  request.max_tokens = MAX_TOKENS;
  request.prompt = run->prompt;
  request.messages = run->messages;

  g_object_freeze_notify (G_OBJECT (side));
  sp_comparison_side_set_raw_text (side, "");
  sp_comparison_side_set_error (side, NULL);
  sp_comparison_side_set_usage (side, -1, -1, SP_MONEY_UNKNOWN);
  side_set_usage_estimated (side, FALSE);
  side_set_running (side, TRUE);
  g_object_thaw_notify (G_OBJECT (side));

  if (run->completion)
    {
      /* The few-shot completion prompt ends each example with a blank
       * line, so the blank line ends the answer; a short prompt to a
       * fine-tuned completion model ends the same way. */
      request.stop = stop;
      sp_client_complete_async (run->client, &request, delta_cb, run, cancellable,
                                side_done_cb, run);
    }
  else
    sp_client_chat_async (run->client, &request, delta_cb, run, cancellable,
                          side_done_cb, run);
}

/* ------------------------------------------------------------------ */
/* SpComparison: GObject                                               */
/* ------------------------------------------------------------------ */

static void
notify_reveal (SpComparison *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
  side_notify (self->sides[0], SIDE_PROP_LABEL);
  side_notify (self->sides[1], SIDE_PROP_LABEL);
}

static void
sp_comparison_dispose (GObject *object)
{
  SpComparison *self = (SpComparison *) object;

  for (guint i = 0; i < 2; i++)
    {
      if (self->sides[i] != NULL)
        self->sides[i]->comparison = NULL;
      g_clear_object (&self->sides[i]);
    }
  g_clear_object (&self->price_sheet);

  G_OBJECT_CLASS (sp_comparison_parent_class)->dispose (object);
}

static void
sp_comparison_finalize (GObject *object)
{
  SpComparison *self = (SpComparison *) object;

  g_free (self->subject);
  g_free (self->story);
  g_free (self->notes);

  G_OBJECT_CLASS (sp_comparison_parent_class)->finalize (object);
}

static void
sp_comparison_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SpComparison *self = SP_COMPARISON (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_STORY:
      g_value_set_string (value, self->story);
      break;
    case PROP_BLIND:
      g_value_set_boolean (value, self->blind);
      break;
    case PROP_BLIND_SEED:
      g_value_set_uint64 (value, self->blind_seed);
      break;
    case PROP_SWAPPED:
      g_value_set_boolean (value, sp_comparison_get_swapped (self));
      break;
    case PROP_WINNER:
      g_value_set_enum (value, self->winner);
      break;
    case PROP_VOTED:
      g_value_set_boolean (value, sp_comparison_get_voted (self));
      break;
    case PROP_REVEALED:
      g_value_set_boolean (value, sp_comparison_get_revealed (self));
      break;
    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    case PROP_SIDE_A:
      g_value_set_object (value, self->sides[SP_SIDE_A]);
      break;
    case PROP_SIDE_B:
      g_value_set_object (value, self->sides[SP_SIDE_B]);
      break;
    case PROP_PRICE_SHEET:
      g_value_set_object (value, sp_comparison_get_price_sheet (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_comparison_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SpComparison *self = SP_COMPARISON (object);

  switch (prop_id)
    {
    case PROP_ID:
      sp_comparison_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_SUBJECT:
      sp_comparison_set_subject (self, g_value_get_string (value));
      break;
    case PROP_STORY:
      sp_comparison_set_story (self, g_value_get_string (value));
      break;
    case PROP_BLIND:
      sp_comparison_set_blind (self, g_value_get_boolean (value));
      break;
    case PROP_BLIND_SEED:
      sp_comparison_set_blind_seed (self, g_value_get_uint64 (value));
      break;
    case PROP_WINNER:
      sp_comparison_set_winner (self, g_value_get_enum (value));
      break;
    case PROP_NOTES:
      sp_comparison_set_notes (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      sp_comparison_set_created_at (self, g_value_get_int64 (value));
      break;
    case PROP_PRICE_SHEET:
      sp_comparison_set_price_sheet (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_comparison_class_init (SpComparisonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sp_comparison_dispose;
  object_class->finalize = sp_comparison_finalize;
  object_class->get_property = sp_comparison_get_property;
  object_class->set_property = sp_comparison_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, rw);
  properties[PROP_STORY] = g_param_spec_string ("story", NULL, NULL, NULL, rw);
  properties[PROP_BLIND] = g_param_spec_boolean ("blind", NULL, NULL, FALSE, rw);
  properties[PROP_BLIND_SEED] =
    g_param_spec_uint64 ("blind-seed", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_SWAPPED] = g_param_spec_boolean ("swapped", NULL, NULL, FALSE, ro);
  properties[PROP_WINNER] =
    g_param_spec_enum ("winner", NULL, NULL, SP_TYPE_WINNER, SP_WINNER_NONE, rw);
  properties[PROP_VOTED] = g_param_spec_boolean ("voted", NULL, NULL, FALSE, ro);
  properties[PROP_REVEALED] = g_param_spec_boolean ("revealed", NULL, NULL, TRUE, ro);
  properties[PROP_NOTES] = g_param_spec_string ("notes", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_COMPLETE] = g_param_spec_boolean ("complete", NULL, NULL, TRUE, ro);
  properties[PROP_SIDE_A] =
    g_param_spec_object ("side-a", NULL, NULL, SP_TYPE_COMPARISON_SIDE, ro);
  properties[PROP_SIDE_B] =
    g_param_spec_object ("side-b", NULL, NULL, SP_TYPE_COMPARISON_SIDE, ro);
  properties[PROP_PRICE_SHEET] =
    g_param_spec_object ("price-sheet", NULL, NULL, SP_TYPE_PRICE_SHEET, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_comparison_init (SpComparison *self)
{
  self->sides[SP_SIDE_A] = side_new (self, SP_SIDE_A);
  self->sides[SP_SIDE_B] = side_new (self, SP_SIDE_B);
  self->created_at = g_get_real_time () / G_USEC_PER_SEC;
  self->complete = TRUE;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

SpComparison *
sp_comparison_new (void)
{
  return g_object_new (SP_TYPE_COMPARISON, NULL);
}

gint64
sp_comparison_get_id (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), 0);
  return self->id;
}

const char *
sp_comparison_get_subject (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);
  return self->subject;
}

const char *
sp_comparison_get_story (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);
  return self->story;
}

gboolean
sp_comparison_get_blind (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), FALSE);
  return self->blind;
}

guint64
sp_comparison_get_blind_seed (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), 0);
  return self->blind_seed;
}

/* The shuffle is a function of the seed alone, so a saved comparison
 * shows its sides in the same order when it is opened again. */
gboolean
sp_comparison_get_swapped (SpComparison *self)
{
  g_autoptr(GRand) rand = NULL;

  g_return_val_if_fail (SP_IS_COMPARISON (self), FALSE);

  if (!self->blind)
    return FALSE;
  rand = g_rand_new_with_seed ((guint32) (self->blind_seed ^ (self->blind_seed >> 32)));
  return g_rand_boolean (rand);
}

SpWinner
sp_comparison_get_winner (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), SP_WINNER_NONE);
  return self->winner;
}

gboolean
sp_comparison_get_voted (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), FALSE);
  return self->winner != SP_WINNER_NONE;
}

gboolean
sp_comparison_get_revealed (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), TRUE);
  return !self->blind || self->winner != SP_WINNER_NONE;
}

const char *
sp_comparison_get_notes (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);
  return self->notes;
}

gint64
sp_comparison_get_created_at (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), 0);
  return self->created_at;
}

gboolean
sp_comparison_get_running (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), FALSE);
  return self->running;
}

gboolean
sp_comparison_get_complete (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), FALSE);
  return self->complete;
}

SpPriceSheet *
sp_comparison_get_price_sheet (SpComparison *self)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);

  if (self->price_sheet == NULL)
    self->price_sheet = sp_price_sheet_dup_default ();
  return self->price_sheet;
}

SpComparisonSide *
sp_comparison_get_side (SpComparison *self,
                        SpSide        side)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (side <= SP_SIDE_B, NULL);
  return self->sides[side];
}

SpComparisonSide *
sp_comparison_get_side_at (SpComparison *self,
                           guint         position)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (position < 2, NULL);

  if (sp_comparison_get_swapped (self))
    position = 1 - position;
  return self->sides[position];
}

const char *
sp_comparison_get_label_at (SpComparison *self,
                            guint         position)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (position < 2, NULL);

  return sp_comparison_side_get_label (sp_comparison_get_side_at (self, position));
}

void
sp_comparison_set_id (SpComparison *self,
                      gint64        id)
{
  g_return_if_fail (SP_IS_COMPARISON (self));

  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

void
sp_comparison_set_subject (SpComparison *self,
                           const char   *subject)
{
  g_return_if_fail (SP_IS_COMPARISON (self));

  if (sp_set_str (&self->subject, subject))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
}

void
sp_comparison_set_story (SpComparison *self,
                         const char   *story)
{
  g_return_if_fail (SP_IS_COMPARISON (self));

  if (sp_set_str (&self->story, story))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORY]);
}

void
sp_comparison_set_blind (SpComparison *self,
                         gboolean      blind)
{
  gboolean was_swapped;

  g_return_if_fail (SP_IS_COMPARISON (self));

  blind = !!blind;
  if (self->blind == blind)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  was_swapped = sp_comparison_get_swapped (self);
  if (blind && self->blind_seed == 0)
    sp_comparison_set_blind_seed (self, ((guint64) g_random_int () << 32) | g_random_int ());
  self->blind = blind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLIND]);
  if (was_swapped != sp_comparison_get_swapped (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SWAPPED]);
  notify_reveal (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sp_comparison_set_blind_seed (SpComparison *self,
                              guint64       seed)
{
  gboolean was_swapped;

  g_return_if_fail (SP_IS_COMPARISON (self));

  if (self->blind_seed == seed)
    return;
  was_swapped = sp_comparison_get_swapped (self);
  self->blind_seed = seed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLIND_SEED]);
  if (was_swapped != sp_comparison_get_swapped (self))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SWAPPED]);
      notify_reveal (self);
    }
}

void
sp_comparison_set_winner (SpComparison *self,
                          SpWinner      winner)
{
  gboolean was_voted;

  g_return_if_fail (SP_IS_COMPARISON (self));
  g_return_if_fail (winner <= SP_WINNER_BOTH_BAD);

  if (self->winner == winner)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  was_voted = sp_comparison_get_voted (self);
  self->winner = winner;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINNER]);
  if (was_voted != sp_comparison_get_voted (self))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOTED]);
      if (self->blind)
        notify_reveal (self);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

SpWinner
sp_comparison_winner_for_position (SpComparison *self,
                                   guint         position)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), SP_WINNER_NONE);
  g_return_val_if_fail (position < 2, SP_WINNER_NONE);

  return sp_comparison_get_side_at (self, position)->side == SP_SIDE_A ? SP_WINNER_A : SP_WINNER_B;
}

void
sp_comparison_set_notes (SpComparison *self,
                         const char   *notes)
{
  g_return_if_fail (SP_IS_COMPARISON (self));

  if (sp_set_str (&self->notes, notes))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTES]);
}

void
sp_comparison_set_created_at (SpComparison *self,
                              gint64        created_at)
{
  g_return_if_fail (SP_IS_COMPARISON (self));

  if (self->created_at == created_at)
    return;
  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

void
sp_comparison_set_price_sheet (SpComparison *self,
                               SpPriceSheet *sheet)
{
  g_return_if_fail (SP_IS_COMPARISON (self));
  g_return_if_fail (sheet == NULL || SP_IS_PRICE_SHEET (sheet));

  if (g_set_object (&self->price_sheet, sheet))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICE_SHEET]);
}

void
sp_comparison_set_complete (SpComparison *self,
                            gboolean      complete)
{
  g_return_if_fail (SP_IS_COMPARISON (self));

  complete = !!complete;
  if (self->complete == complete)
    return;
  self->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

void
sp_comparison_run_async (SpComparison        *self,
                         SpClient            *client_a,
                         SpClient            *client_b,
                         SpTemplate          *template,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  RunData *data;

  g_return_if_fail (SP_IS_COMPARISON (self));
  g_return_if_fail (SP_IS_CLIENT (client_a));
  g_return_if_fail (SP_IS_CLIENT (client_b));
  g_return_if_fail (SP_IS_TEMPLATE (template));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_comparison_run_async);

  if (self->running)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("This comparison is already running. Wait for both answers or stop it first."));
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < 2; i++)
    if (self->sides[i]->model == NULL || *self->sides[i]->model == '\0')
      {
        g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                                 _("Choose a model for side %s before comparing."),
                                 i == SP_SIDE_A ? "A" : "B");
        g_object_unref (task);
        return;
      }
  if ((self->subject == NULL || *self->subject == '\0') &&
      (self->story == NULL || *self->story == '\0'))
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT,
                               _("Write a subject or a story to compare the two models on."));
      g_object_unref (task);
      return;
    }

  data = g_new0 (RunData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  data->n_running = 2;
  data->runs[SP_SIDE_A].client = g_object_ref (client_a);
  data->runs[SP_SIDE_B].client = g_object_ref (client_b);

  /* The task keeps its one reference until both sides are done. */
  set_running (self, TRUE);
  for (guint i = 0; i < 2; i++)
    {
      data->runs[i].self = self;
      data->runs[i].task = task;
      data->runs[i].side = self->sides[i];
      start_side (self, &data->runs[i], template, cancellable);
    }
}

gboolean
sp_comparison_run_finish (SpComparison  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SP_IS_COMPARISON (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
