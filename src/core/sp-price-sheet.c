// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-price-sheet"

#include "config.h"

#include "sp-price-sheet.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sp-error.h"
#include "sp-json-private.h"

#define PRICES_RESOURCE_PATH "/io/github/starprompt/Starprompt/prices"
#define SHEET_FORMAT         1
/* $100,000 per million tokens: far above any real price, low enough that
 * price × per_tokens stays exact in an SpMoney. */
#define MAX_PRICE            G_GINT64_CONSTANT (100000000000)

typedef struct
{
  char         *id;
  SpModelPrice  price;
} ModelEntry;

struct _SpPriceSheet
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  char       *date;
  char       *source;
  char       *currency;
  guint       per_tokens;
  guint       batch_discount_percent;
  GPtrArray  *models;     /* ModelEntry, in the sheet's order */
  GHashTable *by_id;      /* id → ModelEntry, borrowed from models */

  guint       builtin : 1;
  guint       edited : 1;
};

G_DEFINE_FINAL_TYPE (SpPriceSheet, sp_price_sheet, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DATE,
  PROP_SOURCE,
  PROP_CURRENCY,
  PROP_BUILTIN,
  PROP_EDITED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
model_entry_free (gpointer data)
{
  ModelEntry *entry = data;

  g_free (entry->id);
  g_free (entry);
}

static gboolean
is_valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || *id == '.')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && strchr ("._-", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
is_iso_date (const char *text)
{
  guint digits[8];
  guint n = 0;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        continue;
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      digits[n++] = text[i] - '0';
    }

  return g_date_valid_dmy (digits[6] * 10 + digits[7],
                           digits[4] * 10 + digits[5],
                           digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]);
}

static gboolean
get_number_member (JsonObject *object,
                   const char *member,
                   double     *value)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

static gboolean
get_percent_member (JsonObject  *object,
                    const char  *member,
                    const char  *origin,
                    guint       *percent,
                    GError     **error)
{
  double value;

  if (!json_object_has_member (object, member))
    return TRUE;
  if (!get_number_member (object, member, &value) || value < 0 || value > 100 || value != floor (value))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("“%s” in the price sheet “%s” must be a whole number from 0 to 100."),
                   member, origin);
      return FALSE;
    }
  *percent = (guint) value;
  return TRUE;
}

static gboolean
read_price (JsonObject  *object,
            const char  *member,
            const char  *model_id,
            guint        per_tokens,
            const char  *origin,
            SpMoney     *price,
            GError     **error)
{
  double value;
  double per_token;

  if (!get_number_member (object, member, &value))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The “%s” price of model “%s” in the price sheet “%s” is missing or not a number."),
                   member, model_id, origin);
      return FALSE;
    }
  if (value < 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The “%s” price of model “%s” in the price sheet “%s” is negative. Prices must be zero or more."),
                   member, model_id, origin);
      return FALSE;
    }

  per_token = value * (double) SP_MONEY_PER_UNIT / per_tokens;
  if (per_token > (double) MAX_PRICE)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The “%s” price of model “%s” in the price sheet “%s” is too large to be a price per %u tokens."),
                   member, model_id, origin, per_tokens);
      return FALSE;
    }

  *price = (SpMoney) llround (per_token);
  return TRUE;
}

static ModelEntry *
read_model (JsonNode     *node,
            guint         per_tokens,
            guint         sheet_discount,
            const char   *origin,
            GError      **error)
{
  ModelEntry entry = { NULL, { -1, -1, -1, -1, -1, sheet_discount } };
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id = object ? sp_json_get_string (object, "id") : NULL;
  guint n_tuning = 0;

  if (id == NULL || *id == '\0')
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Every model in the price sheet “%s” must be an object with an “id”."),
                   origin);
      return NULL;
    }

  if (!read_price (object, "input", id, per_tokens, origin, &entry.price.input, error) ||
      !read_price (object, "output", id, per_tokens, origin, &entry.price.output, error))
    return NULL;

  n_tuning = json_object_has_member (object, "training") +
             json_object_has_member (object, "fine_tuned_input") +
             json_object_has_member (object, "fine_tuned_output");
  if (n_tuning != 0 && n_tuning != 3)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Model “%s” in the price sheet “%s” has only some of the fine-tuning prices. Give “training”, “fine_tuned_input” and “fine_tuned_output” together, or none of them."),
                   id, origin);
      return NULL;
    }
  if (n_tuning == 3 &&
      (!read_price (object, "training", id, per_tokens, origin, &entry.price.training, error) ||
       !read_price (object, "fine_tuned_input", id, per_tokens, origin, &entry.price.fine_tuned_input, error) ||
       !read_price (object, "fine_tuned_output", id, per_tokens, origin, &entry.price.fine_tuned_output, error)))
    return NULL;

  if (!get_percent_member (object, "batch_discount_percent", origin,
                           &entry.price.batch_discount_percent, error))
    return NULL;

  entry.id = g_strdup (id);
  return g_memdup2 (&entry, sizeof entry);
}

static void
add_entry (SpPriceSheet *self,
           ModelEntry   *entry)
{
  g_ptr_array_add (self->models, entry);
  g_hash_table_insert (self->by_id, entry->id, entry);
}

static gboolean
read_models (SpPriceSheet  *self,
             JsonArray     *models,
             const char    *origin,
             GError       **error)
{
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      ModelEntry *entry;

      entry = read_model (json_array_get_element (models, i), self->per_tokens,
                          self->batch_discount_percent, origin, error);
      if (entry == NULL)
        return FALSE;
      if (g_hash_table_contains (self->by_id, entry->id))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                       _("Model “%s” appears twice in the price sheet “%s”. Keep one of them."),
                       entry->id, origin);
          model_entry_free (entry);
          return FALSE;
        }
      add_entry (self, entry);
    }
  return TRUE;
}

static gboolean
check_header (JsonObject  *root,
              const char  *origin,
              GError     **error)
{
  static const char * const required[] = { "id", "name", "date", "source", "currency" };
  double number;

  if (json_object_has_member (root, "format") &&
      (!get_number_member (root, "format", &number) || number != SHEET_FORMAT))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The price sheet “%s” is in a format this version of Starprompt cannot read. Update Starprompt or use format %d."),
                   origin, SHEET_FORMAT);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const char *value = sp_json_get_string (root, required[i]);

      if (value == NULL || *value == '\0')
        {
          g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                       _("The price sheet “%s” has no “%s”. Every sheet names its id, name, date, source and currency."),
                       origin, required[i]);
          return FALSE;
        }
    }

  if (!is_valid_id (sp_json_get_string (root, "id")))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The id of the price sheet “%s” may only use lower-case letters, digits, “.”, “-” and “_”."),
                   origin);
      return FALSE;
    }
  if (!is_iso_date (sp_json_get_string (root, "date")))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The date of the price sheet “%s” must be a real date written like 2023-01-31."),
                   origin);
      return FALSE;
    }
  if (!get_number_member (root, "per_tokens", &number) || (number != 1000 && number != 1000000))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The price sheet “%s” must say whether its prices are per 1000 or per 1000000 tokens in “per_tokens”."),
                   origin);
      return FALSE;
    }
  if (!json_object_has_member (root, "models") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "models")))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The price sheet “%s” has no list of “models”."),
                   origin);
      return FALSE;
    }
  return TRUE;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *quoted = json_to_string (node, FALSE);

  g_string_append (out, quoted);
}

static void
append_price (GString    *out,
              const char *member,
              SpMoney     price,
              guint       per_tokens)
{
  g_autofree char *decimal = sp_money_format (price * per_tokens, 2, 12);

  g_string_append_printf (out, ",\n      \"%s\": %s", member, decimal);
}

static char *
strip_snapshot (const char *model)
{
  gsize len = strlen (model);

  /* "gpt-4o-mini-2024-07-18" */
  if (len > 11 && model[len - 11] == '-' && is_iso_date (model + len - 10))
    return g_strndup (model, len - 11);

  /* "gpt-4-0613", "gpt-3.5-turbo-0125" */
  if (len > 5 && model[len - 5] == '-' &&
      g_ascii_isdigit (model[len - 4]) && g_ascii_isdigit (model[len - 3]) &&
      g_ascii_isdigit (model[len - 2]) && g_ascii_isdigit (model[len - 1]))
    return g_strndup (model, len - 5);

  return NULL;
}

static char *
fine_tuned_base (const char *model)
{
  const char *colon;

  /* "ft:gpt-4o-mini-2024-07-18:org:suffix:id" */
  if (g_str_has_prefix (model, "ft:"))
    {
      const char *base = model + strlen ("ft:");

      colon = strchr (base, ':');
      if (colon == base)
        return NULL;
      return colon ? g_strndup (base, colon - base) : g_strdup (base);
    }

  /* Legacy "davinci:ft-org-2023-01-01-00-00-00" */
  colon = strchr (model, ':');
  if (colon != NULL && colon != model && g_str_has_prefix (colon + 1, "ft-"))
    return g_strndup (model, colon - model);

  return NULL;
}

static ModelEntry *
find_base_entry (SpPriceSheet *self,
                 const char   *model)
{
  g_autofree char *stripped = NULL;
  ModelEntry *entry;

  entry = g_hash_table_lookup (self->by_id, model);
  if (entry == NULL && (stripped = strip_snapshot (model)) != NULL)
    entry = g_hash_table_lookup (self->by_id, stripped);
  return entry;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  SpPriceSheet *sheet_a = (SpPriceSheet *) a;
  SpPriceSheet *sheet_b = (SpPriceSheet *) b;
  int by_date = strcmp (sheet_b->date, sheet_a->date);

  return by_date != 0 ? by_date : g_utf8_collate (sheet_a->name, sheet_b->name);
}

static GListStore *
load_builtin (void)
{
  g_autoptr(GListStore) store = g_list_store_new (SP_TYPE_PRICE_SHEET);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *sheets;

  bytes = g_resources_lookup_data (PRICES_RESOURCE_PATH "/index.json", 0, &error);
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      g_warning ("Built-in price sheets: %s", error->message);
      return g_steal_pointer (&store);
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "sheets"))
    {
      g_warning ("Built-in price sheets: index.json has no “sheets”");
      return g_steal_pointer (&store);
    }

  sheets = json_object_get_array_member (json_node_get_object (root), "sheets");
  for (guint i = 0; i < json_array_get_length (sheets); i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(SpPriceSheet) sheet = NULL;

      path = g_strconcat (PRICES_RESOURCE_PATH "/", json_array_get_string_element (sheets, i), NULL);
      sheet = sp_price_sheet_new_from_resource (path, &error);
      if (sheet == NULL)
        {
          g_warning ("Built-in price sheet: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      sheet->builtin = TRUE;
      g_list_store_append (store, sheet);
    }

  g_list_store_sort (store, compare_newest_first, NULL);
  return g_steal_pointer (&store);
}

static int
compare_file_names (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
find_sheet_with_id (GListStore *store,
                    const char *id,
                    guint      *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(SpPriceSheet) sheet = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_str_equal (sheet->id, id))
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
add_user_sheets (GListStore *store)
{
  g_autofree char *dir_path = sp_price_sheet_get_user_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;

  if (dir == NULL)
    return;

  /* In name order, so that the same files always give the same list. */
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_file_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, g_ptr_array_index (names, i), NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SpPriceSheet) sheet = sp_price_sheet_new_from_file (path, &error);
      guint position;

      if (sheet == NULL)
        {
          g_debug ("Skipping user price sheet: %s", error->message);
          continue;
        }
      if (!g_hash_table_add (seen, g_strdup (sheet->id)))
        continue;
      if (find_sheet_with_id (store, sheet->id, &position))
        g_list_store_splice (store, position, 1, (gpointer *) &sheet, 1);
      else
        g_list_store_append (store, sheet);
    }
}

static void
sp_price_sheet_finalize (GObject *object)
{
  SpPriceSheet *self = (SpPriceSheet *)object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->date, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->currency, g_free);

  G_OBJECT_CLASS (sp_price_sheet_parent_class)->finalize (object);
}

static void
sp_price_sheet_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SpPriceSheet *self = SP_PRICE_SHEET (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;
    case PROP_BUILTIN:
      g_value_set_boolean (value, self->builtin);
      break;
    case PROP_EDITED:
      g_value_set_boolean (value, self->edited);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_price_sheet_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SpPriceSheet *self = SP_PRICE_SHEET (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_DATE:
      self->date = g_value_dup_string (value);
      break;
    case PROP_SOURCE:
      self->source = g_value_dup_string (value);
      break;
    case PROP_CURRENCY:
      self->currency = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_price_sheet_class_init (SpPriceSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_price_sheet_finalize;
  object_class->get_property = sp_price_sheet_get_property;
  object_class->set_property = sp_price_sheet_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENCY] =
    g_param_spec_string ("currency", NULL, NULL, "USD",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUILTIN] =
    g_param_spec_boolean ("builtin", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITED] =
    g_param_spec_boolean ("edited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_price_sheet_init (SpPriceSheet *self)
{
  self->per_tokens = 1000000;
  self->models = g_ptr_array_new_with_free_func (model_entry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

SpPriceSheet *
sp_price_sheet_new (const char *id,
                    const char *name,
                    const char *date,
                    const char *source,
                    const char *currency)
{
  g_return_val_if_fail (is_valid_id (id), NULL);
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);
  g_return_val_if_fail (is_iso_date (date), NULL);
  g_return_val_if_fail (source != NULL && *source != '\0', NULL);
  g_return_val_if_fail (currency != NULL && *currency != '\0', NULL);

  return g_object_new (SP_TYPE_PRICE_SHEET,
                       "id", id,
                       "name", name,
                       "date", date,
                       "source", source,
                       "currency", currency,
                       NULL);
}

SpPriceSheet *
sp_price_sheet_new_from_data (const char  *data,
                              gssize       length,
                              const char  *origin,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(SpPriceSheet) self = NULL;
  JsonObject *root;
  double number = 0;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      /* json-glib quotes the string it stopped at, octal escapes read. */
      g_autofree char *detail = g_utf8_make_valid (parse_error->message, -1);

      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The price sheet “%s” is not valid JSON: %s"),
                   origin, detail);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The price sheet “%s” is empty."),
                   origin);
      return NULL;
    }
  if (!sp_json_node_is_utf8 (json_parser_get_root (parser)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The price sheet “%s” has text that is not UTF-8 (an escape such as “\\302”?)."),
                   origin);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The price sheet “%s” must be a JSON object."),
                   origin);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  if (!check_header (root, origin, error))
    return NULL;

  self = g_object_new (SP_TYPE_PRICE_SHEET,
                       "id", sp_json_get_string (root, "id"),
                       "name", sp_json_get_string (root, "name"),
                       "date", sp_json_get_string (root, "date"),
                       "source", sp_json_get_string (root, "source"),
                       "currency", sp_json_get_string (root, "currency"),
                       NULL);
  get_number_member (root, "per_tokens", &number);
  self->per_tokens = (guint) number;
  self->edited = json_object_get_boolean_member_with_default (root, "edited", FALSE);
  if (!get_percent_member (root, "batch_discount_percent", origin, &self->batch_discount_percent, error) ||
      !read_models (self, json_object_get_array_member (root, "models"), origin, error))
    return NULL;

  return g_steal_pointer (&self);
}

SpPriceSheet *
sp_price_sheet_new_from_file (const char  *path,
                              GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GError) read_error = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  basename = g_path_get_basename (path);
  if (!g_file_get_contents (path, &contents, &length, &read_error))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("Could not read the price sheet “%s”: %s"),
                   basename, read_error->message);
      return NULL;
    }
  return sp_price_sheet_new_from_data (contents, length, basename, error);
}

SpPriceSheet *
sp_price_sheet_new_from_resource (const char  *resource_path,
                                  GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (resource_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_resources_lookup_data (resource_path, 0, error);
  if (bytes == NULL)
    return NULL;

  basename = g_path_get_basename (resource_path);
  return sp_price_sheet_new_from_data (g_bytes_get_data (bytes, NULL),
                                       g_bytes_get_size (bytes),
                                       basename, error);
}

GListModel *
sp_price_sheet_list_builtin (void)
{
  return G_LIST_MODEL (load_builtin ());
}

GListModel *
sp_price_sheet_list (void)
{
  g_autoptr(GListStore) store = load_builtin ();

  add_user_sheets (store);
  g_list_store_sort (store, compare_newest_first, NULL);
  return G_LIST_MODEL (g_steal_pointer (&store));
}

SpPriceSheet *
sp_price_sheet_dup_default (void)
{
  g_autoptr(GListModel) sheets = sp_price_sheet_list_builtin ();

  return g_list_model_get_item (sheets, 0);
}

SpPriceSheet *
sp_price_sheet_find (const char  *id_or_path,
                     GError     **error)
{
  g_autoptr(GListModel) sheets = NULL;
  g_autoptr(GString) known = NULL;

  g_return_val_if_fail (id_or_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strchr (id_or_path, G_DIR_SEPARATOR) != NULL || g_str_has_suffix (id_or_path, ".json"))
    return sp_price_sheet_new_from_file (id_or_path, error);

  sheets = sp_price_sheet_list ();
  known = g_string_new (NULL);
  for (guint i = 0; i < g_list_model_get_n_items (sheets); i++)
    {
      g_autoptr(SpPriceSheet) sheet = g_list_model_get_item (sheets, i);

      if (g_str_equal (sheet->id, id_or_path))
        return g_steal_pointer (&sheet);
      g_string_append_printf (known, "%s%s", known->len ? ", " : "", sheet->id);
    }

  g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
               _("There is no price sheet “%s”. The sheets are: %s."),
               id_or_path, known->str);
  return NULL;
}

char *
sp_price_sheet_get_user_dir (void)
{
  const char *data_dir = g_getenv ("STARPROMPT_DATA_DIR");

  if (data_dir != NULL && *data_dir != '\0')
    return g_build_filename (data_dir, "prices", NULL);
  return g_build_filename (g_get_user_data_dir (), "starprompt", "prices", NULL);
}

const char *
sp_price_sheet_get_id (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  return self->id;
}

const char *
sp_price_sheet_get_name (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  return self->name;
}

const char *
sp_price_sheet_get_date (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  return self->date;
}

const char *
sp_price_sheet_get_source (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  return self->source;
}

const char *
sp_price_sheet_get_currency (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  return self->currency;
}

guint
sp_price_sheet_get_per_tokens (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), 0);

  return self->per_tokens;
}

gboolean
sp_price_sheet_get_builtin (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), FALSE);

  return self->builtin;
}

gboolean
sp_price_sheet_get_edited (SpPriceSheet *self)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), FALSE);

  return self->edited;
}

char **
sp_price_sheet_dup_model_ids (SpPriceSheet *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  for (guint i = 0; i < self->models->len; i++)
    g_strv_builder_add (builder, ((ModelEntry *) g_ptr_array_index (self->models, i))->id);
  return g_strv_builder_end (builder);
}

gboolean
sp_price_sheet_lookup (SpPriceSheet  *self,
                       const char    *model,
                       SpModelPrice  *price,
                       char         **base_id,
                       gboolean      *is_fine_tuned)
{
  g_autofree char *base = NULL;
  ModelEntry *entry;
  gboolean fine_tuned = FALSE;

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  entry = find_base_entry (self, model);
  if (entry == NULL && (base = fine_tuned_base (model)) != NULL)
    {
      entry = find_base_entry (self, base);
      fine_tuned = entry != NULL;
    }
  if (entry == NULL)
    return FALSE;

  if (price != NULL)
    *price = entry->price;
  if (base_id != NULL)
    *base_id = g_strdup (entry->id);
  if (is_fine_tuned != NULL)
    *is_fine_tuned = fine_tuned;
  return TRUE;
}

gboolean
sp_price_sheet_get_usage_price (SpPriceSheet  *self,
                                const char    *model,
                                SpMoney       *input_price,
                                SpMoney       *output_price,
                                GError       **error)
{
  SpModelPrice price;
  gboolean fine_tuned;

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sp_price_sheet_lookup (self, model, &price, NULL, &fine_tuned))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("The price sheet “%s” (%s) has no price for the model “%s”. Pick another sheet or add the model’s prices."),
                   self->name, self->date, model);
      return FALSE;
    }
  if (fine_tuned && !sp_model_price_can_fine_tune (&price))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("The price sheet “%s” (%s) has no fine-tuned prices for the model “%s”. Pick another sheet or add them."),
                   self->name, self->date, model);
      return FALSE;
    }

  if (input_price != NULL)
    *input_price = fine_tuned ? price.fine_tuned_input : price.input;
  if (output_price != NULL)
    *output_price = fine_tuned ? price.fine_tuned_output : price.output;
  return TRUE;
}

gboolean
sp_price_sheet_cost_of_usage (SpPriceSheet  *self,
                              const char    *model,
                              guint64        prompt_tokens,
                              guint64        completion_tokens,
                              SpMoney       *cost,
                              GError       **error)
{
  SpMoney input_price;
  SpMoney output_price;

  g_return_val_if_fail (cost != NULL, FALSE);

  if (!sp_price_sheet_get_usage_price (self, model, &input_price, &output_price, error))
    return FALSE;
  *cost = sp_cost_of_call (prompt_tokens, completion_tokens, input_price, output_price);
  return TRUE;
}

void
sp_price_sheet_set_model_price (SpPriceSheet       *self,
                                const char         *model,
                                const SpModelPrice *price)
{
  ModelEntry *entry;
  gboolean has_tuning;

  g_return_if_fail (SP_IS_PRICE_SHEET (self));
  g_return_if_fail (model != NULL && *model != '\0');
  g_return_if_fail (price != NULL);
  g_return_if_fail (price->input >= 0 && price->input <= MAX_PRICE);
  g_return_if_fail (price->output >= 0 && price->output <= MAX_PRICE);
  g_return_if_fail (price->batch_discount_percent <= 100);

  has_tuning = sp_model_price_can_fine_tune (price);
  g_return_if_fail (has_tuning ||
                    (price->training == SP_MONEY_UNKNOWN &&
                     price->fine_tuned_input == SP_MONEY_UNKNOWN &&
                     price->fine_tuned_output == SP_MONEY_UNKNOWN));
  g_return_if_fail (!has_tuning ||
                    (price->training <= MAX_PRICE &&
                     price->fine_tuned_input <= MAX_PRICE &&
                     price->fine_tuned_output <= MAX_PRICE));

  entry = g_hash_table_lookup (self->by_id, model);
  if (entry == NULL)
    {
      entry = g_new0 (ModelEntry, 1);
      entry->id = g_strdup (model);
      add_entry (self, entry);
    }
  entry->price = *price;

  if (!self->edited)
    {
      self->edited = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITED]);
    }
}

gboolean
sp_price_sheet_remove_model (SpPriceSheet *self,
                             const char   *model)
{
  ModelEntry *entry;

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, model);
  if (entry == NULL)
    return FALSE;

  g_hash_table_remove (self->by_id, model);
  g_ptr_array_remove (self->models, entry);
  if (!self->edited)
    {
      self->edited = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITED]);
    }
  return TRUE;
}

char *
sp_price_sheet_to_data (SpPriceSheet *self)
{
  g_autoptr(GString) out = NULL;
  const char *header[][2] = {
    { "id", NULL },
    { "name", NULL },
    { "date", NULL },
    { "currency", NULL },
    { "source", NULL },
  };

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  header[0][1] = self->id;
  header[1][1] = self->name;
  header[2][1] = self->date;
  header[3][1] = self->currency;
  header[4][1] = self->source;
  out = g_string_new ("{\n  \"format\": 1");

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    {
      g_string_append_printf (out, ",\n  \"%s\": ", header[i][0]);
      append_json_string (out, header[i][1]);
    }
  g_string_append_printf (out, ",\n  \"per_tokens\": %u", self->per_tokens);
  g_string_append_printf (out, ",\n  \"batch_discount_percent\": %u", self->batch_discount_percent);
  if (self->edited)
    g_string_append (out, ",\n  \"edited\": true");

  g_string_append (out, ",\n  \"models\": [");
  for (guint i = 0; i < self->models->len; i++)
    {
      const ModelEntry *entry = g_ptr_array_index (self->models, i);

      g_string_append (out, i ? ",\n    {\n      \"id\": " : "\n    {\n      \"id\": ");
      append_json_string (out, entry->id);
      append_price (out, "input", entry->price.input, self->per_tokens);
      append_price (out, "output", entry->price.output, self->per_tokens);
      if (sp_model_price_can_fine_tune (&entry->price))
        {
          append_price (out, "training", entry->price.training, self->per_tokens);
          append_price (out, "fine_tuned_input", entry->price.fine_tuned_input, self->per_tokens);
          append_price (out, "fine_tuned_output", entry->price.fine_tuned_output, self->per_tokens);
        }
      if (entry->price.batch_discount_percent != self->batch_discount_percent)
        g_string_append_printf (out, ",\n      \"batch_discount_percent\": %u",
                                entry->price.batch_discount_percent);
      g_string_append (out, "\n    }");
    }
  g_string_append (out, "\n  ]\n}\n");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
sp_price_sheet_save_to_file (SpPriceSheet  *self,
                             const char    *path,
                             GError       **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) write_error = NULL;

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = sp_price_sheet_to_data (self);
  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &write_error))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("Could not save the price sheet “%s”: %s"),
                   self->name, write_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
sp_price_sheet_save (SpPriceSheet  *self,
                     GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = sp_price_sheet_get_user_dir ();
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SP_ERROR, SP_ERROR_FAILED,
                   _("Could not create the folder “%s” for your price sheets: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  basename = g_strconcat (self->id, ".json", NULL);
  path = g_build_filename (dir, basename, NULL);
  return sp_price_sheet_save_to_file (self, path, error);
}

char *
sp_price_sheet_format_amount (SpPriceSheet *self,
                              SpMoney       amount,
                              guint         max_decimals)
{
  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  return sp_money_format_currency (amount, sp_price_sheet_get_currency (self), max_decimals);
}

char *
sp_price_sheet_format_unit_price (SpPriceSheet *self,
                                  SpMoney       price)
{
  guint per_tokens;
  g_autofree char *amount = NULL;

  g_return_val_if_fail (SP_IS_PRICE_SHEET (self), NULL);

  per_tokens = sp_price_sheet_get_per_tokens (self);
  amount = sp_price_sheet_format_amount (self, price * per_tokens, 12);
  /* Translators: a price such as "$0.03 per 1K tokens". */
  return g_strdup_printf (_("%s per %s tokens"), amount, per_tokens == 1000 ? "1K" : "1M");
}
