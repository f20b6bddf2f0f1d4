// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-gallery"

#include "config.h"

#include "sp-gallery.h"
#include "sp-string-private.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "sp-comparison-private.h"
#include "sp-error.h"
#include "sp-image-store.h"
#include "sp-sqlite-private.h"

/* ------------------------------------------------------------------ */
/* SpScore                                                             */
/* ------------------------------------------------------------------ */

struct _SpScore
{
  GObject      parent_instance;

  SpScoreKind  kind;
  char        *name;
  guint        wins;
  guint        ties;
  guint        losses;
  guint        both_bad;
  guint        unvoted;
  guint        outputs;
  SpMoney      cost_per_prompt;
};

G_DEFINE_FINAL_TYPE (SpScore, sp_score, G_TYPE_OBJECT)

enum {
  SCORE_PROP_0,
  SCORE_PROP_KIND,
  SCORE_PROP_NAME,
  SCORE_PROP_WINS,
  SCORE_PROP_TIES,
  SCORE_PROP_LOSSES,
  SCORE_PROP_BOTH_BAD,
  SCORE_PROP_UNVOTED,
  SCORE_PROP_OUTPUTS,
  SCORE_PROP_COST_PER_PROMPT,
  SCORE_PROP_WIN_RATE,
  SCORE_N_PROPS
};

static GParamSpec *score_properties[SCORE_N_PROPS];

/* ------------------------------------------------------------------ */
/* SpGallery                                                           */
/* ------------------------------------------------------------------ */

struct _SpGallery
{
  GObject       parent_instance;

  SpStore      *store;
  char         *images_dir;
  char         *search_text;
  char         *model_filter;
  int           winner_filter;

  GArray       *ids;            /* gint64, the items in order */
  GPtrArray    *items;          /* SpComparison or NULL, as ids */
  GHashTable   *cache;          /* id → SpComparison handed out */
  GHashTable   *pending_pages;  /* page numbers being read */
  guint         generation;     /* bumped by every reload */
  /* Bumped by every vote and note made here; each item keeps the value of
   * its last one (edit_quark), each read the value when it was queued. A
   * read queued before an edit must not undo it when it comes back. */
  guint         edit_clock;
  guint         n_loading;
  GCancellable *cancellable;    /* for reads started by the gallery */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SpGallery, sp_gallery, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_SEARCH_TEXT,
  PROP_MODEL_FILTER,
  PROP_WINNER_FILTER,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* SpScore                                                             */
/* ------------------------------------------------------------------ */

static void
sp_score_finalize (GObject *object)
{
  SpScore *self = (SpScore *) object;

  g_free (self->name);

  G_OBJECT_CLASS (sp_score_parent_class)->finalize (object);
}

static void
sp_score_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SpScore *self = SP_SCORE (object);

  switch (prop_id)
    {
    case SCORE_PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case SCORE_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case SCORE_PROP_WINS:
      g_value_set_uint (value, self->wins);
      break;
    case SCORE_PROP_TIES:
      g_value_set_uint (value, self->ties);
      break;
    case SCORE_PROP_LOSSES:
      g_value_set_uint (value, self->losses);
      break;
    case SCORE_PROP_BOTH_BAD:
      g_value_set_uint (value, self->both_bad);
      break;
    case SCORE_PROP_UNVOTED:
      g_value_set_uint (value, self->unvoted);
      break;
    case SCORE_PROP_OUTPUTS:
      g_value_set_uint (value, self->outputs);
      break;
    case SCORE_PROP_COST_PER_PROMPT:
      g_value_set_int64 (value, self->cost_per_prompt);
      break;
    case SCORE_PROP_WIN_RATE:
      g_value_set_double (value, sp_score_get_win_rate (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_score_class_init (SpScoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sp_score_finalize;
  object_class->get_property = sp_score_get_property;

  score_properties[SCORE_PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, SP_SCORE_KIND_MODEL, SP_SCORE_KIND_PROMPT_MODE,
                      SP_SCORE_KIND_MODEL, ro);
  score_properties[SCORE_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  score_properties[SCORE_PROP_WINS] = g_param_spec_uint ("wins", NULL, NULL, 0, G_MAXUINT, 0, ro);
  score_properties[SCORE_PROP_TIES] = g_param_spec_uint ("ties", NULL, NULL, 0, G_MAXUINT, 0, ro);
  score_properties[SCORE_PROP_LOSSES] = g_param_spec_uint ("losses", NULL, NULL, 0, G_MAXUINT, 0, ro);
  score_properties[SCORE_PROP_BOTH_BAD] = g_param_spec_uint ("both-bad", NULL, NULL, 0, G_MAXUINT, 0, ro);
  score_properties[SCORE_PROP_UNVOTED] = g_param_spec_uint ("unvoted", NULL, NULL, 0, G_MAXUINT, 0, ro);
  score_properties[SCORE_PROP_OUTPUTS] = g_param_spec_uint ("outputs", NULL, NULL, 0, G_MAXUINT, 0, ro);
  score_properties[SCORE_PROP_COST_PER_PROMPT] =
    g_param_spec_int64 ("cost-per-prompt", NULL, NULL, -1, G_MAXINT64, -1, ro);
  score_properties[SCORE_PROP_WIN_RATE] =
    g_param_spec_double ("win-rate", NULL, NULL, 0, 1, 0, ro);

  g_object_class_install_properties (object_class, SCORE_N_PROPS, score_properties);
}

static void
sp_score_init (SpScore *self)
{
  self->cost_per_prompt = SP_MONEY_UNKNOWN;
}

SpScoreKind
sp_score_get_kind (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), SP_SCORE_KIND_MODEL);
  return self->kind;
}

const char *
sp_score_get_name (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), NULL);
  return self->name;
}

guint
sp_score_get_wins (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), 0);
  return self->wins;
}

guint
sp_score_get_ties (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), 0);
  return self->ties;
}

guint
sp_score_get_losses (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), 0);
  return self->losses;
}

guint
sp_score_get_both_bad (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), 0);
  return self->both_bad;
}

guint
sp_score_get_unvoted (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), 0);
  return self->unvoted;
}

guint
sp_score_get_outputs (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), 0);
  return self->outputs;
}

SpMoney
sp_score_get_cost_per_prompt (SpScore *self)
{
  g_return_val_if_fail (SP_IS_SCORE (self), SP_MONEY_UNKNOWN);
  return self->cost_per_prompt;
}

double
sp_score_get_win_rate (SpScore *self)
{
  guint voted;

  g_return_val_if_fail (SP_IS_SCORE (self), 0);

  voted = self->wins + self->ties + self->losses + self->both_bad;
  if (voted == 0)
    return 0;
  return (self->wins + 0.5 * self->ties) / voted;
}

/* ------------------------------------------------------------------ */
/* SQL helpers                                                         */
/* ------------------------------------------------------------------ */

#define DB(store) ((sqlite3 *) sp_store_get_db (store))

static void
bind_optional_int64 (sqlite3_stmt *stmt,
                     int           index,
                     gint64        value)
{
  if (value < 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

static gint64
column_optional_int64 (sqlite3_stmt *stmt,
                       int           index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return -1;
  return sqlite3_column_int64 (stmt, index);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* "%word%" with LIKE's wildcards escaped by a backslash. */
static char *
make_like_pattern (const char *text)
{
  g_autoptr(GString) out = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '%');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ------------------------------------------------------------------ */
/* Reading comparisons                                                 */
/* ------------------------------------------------------------------ */

/* "(?,?,…)" for @n ids. */
static char *
make_in_list (guint n)
{
  g_autoptr(GString) out = g_string_new ("(");

  for (guint i = 0; i < n; i++)
    g_string_append (out, i == 0 ? "?" : ",?");
  g_string_append_c (out, ')');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
bind_ids (sqlite3_stmt *stmt,
          const gint64 *ids,
          guint         n)
{
  for (guint i = 0; i < n; i++)
    sqlite3_bind_int64 (stmt, (int) i + 1, ids[i]);
}

/* Reads the comparisons @ids in a SpStoreFunc: new SpComparison objects
 * (no handler is connected to them yet, so building them in the worker
 * is safe), in a table by id. With @details, also the story and the raw
 * answers. */
static GHashTable *
read_comparisons (SpStore       *store,
                  const char    *images_dir,
                  const gint64  *ids,
                  guint          n,
                  gboolean       details,
                  GError       **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_autofree char *in = make_in_list (n);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (n == 0)
    return g_steal_pointer (&table);

  sql = g_strdup_printf ("SELECT c.id, c.subject, %s, c.blind, c.blind_seed, c.created_at, "
                         "  v.winner, n.text "
                         "FROM comparisons c "
                         "LEFT JOIN votes v ON v.comparison_id = c.id "
                         "LEFT JOIN notes n ON n.comparison_id = c.id "
                         "WHERE c.id IN %s",
                         details ? "c.story" : "NULL", in);
  stmt = sp_sqlite_prepare (DB (store), sql, error);
  if (stmt == NULL)
    return NULL;
  bind_ids (stmt, ids, n);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SpComparison *c = sp_comparison_new ();
      SpWinner winner = SP_WINNER_NONE;
      gint64 *key;

      sp_comparison_set_id (c, sqlite3_column_int64 (stmt, 0));
      sp_comparison_set_subject (c, column_text (stmt, 1));
      sp_comparison_set_story (c, column_text (stmt, 2));
      sp_comparison_set_blind_seed (c, (guint64) sqlite3_column_int64 (stmt, 4));
      sp_comparison_set_blind (c, sqlite3_column_int (stmt, 3) != 0);
      sp_comparison_set_created_at (c, sqlite3_column_int64 (stmt, 5));
      sp_winner_from_string (column_text (stmt, 6), &winner);
      sp_comparison_set_winner (c, winner);
      sp_comparison_set_notes (c, column_text (stmt, 7));
      sp_comparison_set_complete (c, details);
      key = g_new (gint64, 1);
      *key = sp_comparison_get_id (c);
      g_hash_table_insert (table, key, c);
    }
  if (rc != SQLITE_DONE)
    {
      sp_store_set_db_error (store, error);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_pointer (&sql, g_free);

  sql = g_strdup_printf ("SELECT comparison_id, side, provider_id, model, prompt_mode, cleaner, "
                         "  %s, cleaned_text, prompt_tokens, completion_tokens, cost, error "
                         "FROM outputs WHERE comparison_id IN %s",
                         details ? "raw_text" : "NULL", in);
  stmt = sp_sqlite_prepare (DB (store), sql, error);
  if (stmt == NULL)
    return NULL;
  bind_ids (stmt, ids, n);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      SpComparison *c = g_hash_table_lookup (table, &id);
      SpComparisonSide *side;
      SpSide which;
      SpPairMode mode = SP_PAIR_MODE_FULL;

      if (c == NULL || !sp_side_from_string (column_text (stmt, 1), &which))
        continue;
      side = sp_comparison_get_side (c, which);
      sp_comparison_side_set_provider_id (side, column_text (stmt, 2));
      sp_comparison_side_set_model (side, column_text (stmt, 3));
      sp_pair_mode_from_string (column_text (stmt, 4), &mode);
      sp_comparison_side_set_prompt_mode (side, mode);
      sp_comparison_side_set_clean (side, sqlite3_column_int (stmt, 5) != 0);
      sp_comparison_side_set_texts (side, column_text (stmt, 6), column_text (stmt, 7));
      sp_comparison_side_set_usage (side, column_optional_int64 (stmt, 8),
                                    column_optional_int64 (stmt, 9),
                                    column_optional_int64 (stmt, 10));
      sp_comparison_side_set_error (side, column_text (stmt, 11));
    }
  if (rc != SQLITE_DONE)
    {
      sp_store_set_db_error (store, error);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_pointer (&sql, g_free);

  sql = g_strdup_printf ("SELECT o.comparison_id, o.side, i.hash, i.mime_type, i.width, i.height, "
                         "  i.size, l.source "
                         "FROM output_images l "
                         "JOIN outputs o ON o.id = l.output_id "
                         "JOIN images i ON i.hash = l.image_hash "
                         "WHERE o.comparison_id IN %s ORDER BY l.output_id, l.position, l.id", in);
  stmt = sp_sqlite_prepare (DB (store), sql, error);
  if (stmt == NULL)
    return NULL;
  bind_ids (stmt, ids, n);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      SpComparison *c = g_hash_table_lookup (table, &id);
      g_autoptr(SpImage) image = NULL;
      SpSide which;

      if (c == NULL || !sp_side_from_string (column_text (stmt, 1), &which))
        continue;
      image = sp_image_new (images_dir, column_text (stmt, 2), column_text (stmt, 3),
                            (guint) sqlite3_column_int64 (stmt, 4),
                            (guint) sqlite3_column_int64 (stmt, 5),
                            (guint64) sqlite3_column_int64 (stmt, 6),
                            column_text (stmt, 7));
      sp_comparison_side_add_image (sp_comparison_get_side (c, which), image);
    }
  if (rc != SQLITE_DONE)
    {
      sp_store_set_db_error (store, error);
      return NULL;
    }

  return g_steal_pointer (&table);
}

typedef struct
{
  char   *search_text;
  char   *model_filter;
  int     winner_filter;
  char   *images_dir;
  guint   generation;
  guint   edit_clock;
  /* A page to read: its first position and its ids. */
  guint   page;
  GArray *page_ids;
} Query;

typedef struct
{
  GArray     *ids;        /* for a reload: every matching id */
  GHashTable *page;       /* the comparisons read */
} QueryResult;

static void
query_free (Query *query)
{
  g_free (query->search_text);
  g_free (query->model_filter);
  g_free (query->images_dir);
  g_clear_pointer (&query->page_ids, g_array_unref);
  g_free (query);
}

static void
query_result_free (QueryResult *result)
{
  g_clear_pointer (&result->ids, g_array_unref);
  g_clear_pointer (&result->page, g_hash_table_unref);
  g_free (result);
}

static Query *
query_new (SpGallery *self)
{
  Query *query = g_new0 (Query, 1);

  query->search_text = g_strdup (self->search_text);
  query->model_filter = g_strdup (self->model_filter);
  query->winner_filter = self->winner_filter;
  query->images_dir = g_strdup (self->images_dir);
  query->edit_clock = self->edit_clock;
  query->generation = self->generation;
  return query;
}

static GArray *
read_ids (SpStore      *store,
          const Query  *query,
          GError      **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT c.id FROM comparisons c WHERE c.deleted_at IS NULL");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *pattern = NULL;
  int rc;

  if (query->search_text != NULL && *query->search_text != '\0')
    {
      pattern = make_like_pattern (query->search_text);
      g_string_append (sql, " AND (c.subject LIKE ?1 ESCAPE '\\' OR c.story LIKE ?1 ESCAPE '\\'"
                            " OR EXISTS (SELECT 1 FROM outputs o WHERE o.comparison_id = c.id"
                            "   AND (o.model LIKE ?1 ESCAPE '\\' OR o.cleaned_text LIKE ?1 ESCAPE '\\'"
                            "        OR o.raw_text LIKE ?1 ESCAPE '\\'))"
                            " OR EXISTS (SELECT 1 FROM notes n WHERE n.comparison_id = c.id"
                            "   AND n.text LIKE ?1 ESCAPE '\\'))");
    }
  if (query->model_filter != NULL && *query->model_filter != '\0')
    g_string_append (sql, " AND EXISTS (SELECT 1 FROM outputs o WHERE o.comparison_id = c.id AND o.model = ?2)");
  if (query->winner_filter >= 0)
    g_string_append (sql, " AND COALESCE ((SELECT winner FROM votes v WHERE v.comparison_id = c.id), 'none') = ?3");
  g_string_append (sql, " ORDER BY c.created_at DESC, c.id DESC");

  stmt = sp_sqlite_prepare (DB (store), sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (pattern != NULL)
    sp_sqlite_bind_text (stmt, 1, pattern);
  if (query->model_filter != NULL && *query->model_filter != '\0')
    sp_sqlite_bind_text (stmt, 2, query->model_filter);
  if (query->winner_filter >= 0)
    sp_sqlite_bind_text (stmt, 3, sp_winner_to_string (query->winner_filter));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      sp_store_set_db_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* A reload: the matching ids, and the first page. */
static gpointer
reload_func (SpStore   *store,
             gpointer   data,
             GError   **error)
{
  Query *query = data;
  g_autoptr(GArray) ids = read_ids (store, query, error);
  QueryResult *result;
  GHashTable *page;

  if (ids == NULL)
    return NULL;
  page = read_comparisons (store, query->images_dir, (const gint64 *) (gpointer) ids->data,
                           MIN (ids->len, SP_GALLERY_PAGE_SIZE), FALSE, error);
  if (page == NULL)
    return NULL;

  result = g_new0 (QueryResult, 1);
  result->ids = g_steal_pointer (&ids);
  result->page = page;
  return result;
}

static gpointer
page_func (SpStore   *store,
           gpointer   data,
           GError   **error)
{
  Query *query = data;
  QueryResult *result;
  GHashTable *page;

  page = read_comparisons (store, query->images_dir, (const gint64 *) (gpointer) query->page_ids->data,
                           query->page_ids->len, FALSE, error);
  if (page == NULL)
    return NULL;
  result = g_new0 (QueryResult, 1);
  result->page = page;
  return result;
}

/* ------------------------------------------------------------------ */
/* Items                                                               */
/* ------------------------------------------------------------------ */

static void
apply_side (SpComparisonSide *to,
            SpComparisonSide *from,
            gboolean          details)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = sp_comparison_side_get_images (from);

  sp_comparison_side_set_provider_id (to, sp_comparison_side_get_provider_id (from));
  sp_comparison_side_set_model (to, sp_comparison_side_get_model (from));
  sp_comparison_side_set_prompt_mode (to, sp_comparison_side_get_prompt_mode (from));
  sp_comparison_side_set_clean (to, sp_comparison_side_get_clean (from));
  sp_comparison_side_set_texts (to, details ? sp_comparison_side_get_raw_text (from) : NULL,
                                sp_comparison_side_get_cleaned_text (from));
  sp_comparison_side_set_usage (to, sp_comparison_side_get_prompt_tokens (from),
                                sp_comparison_side_get_completion_tokens (from),
                                sp_comparison_side_get_cost (from));
  sp_comparison_side_set_error (to, sp_comparison_side_get_error (from));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (images, g_list_model_get_item (model, i));
  sp_comparison_side_set_images (to, images);
}

static GQuark
edit_quark (void)
{
  return g_quark_from_static_string ("sp-gallery-last-edit");
}

/* A vote or a note made here, before its write is queued. */
static void
mark_edited (SpGallery    *self,
             SpComparison *comparison)
{
  self->edit_clock++;
  g_object_set_qdata (G_OBJECT (comparison), edit_quark (), GUINT_TO_POINTER (self->edit_clock));
}

/* Copies what was read into the item the list handed out, on the main
 * thread, so that its handlers see the changes. The vote and the notes
 * stay as they are when they were changed after the read was queued
 * (@read_clock): the store writes in order, so the read saw them old. */
static void
apply (SpComparison *to,
       SpComparison *from,
       gboolean      details,
       guint         read_clock)
{
  guint last_edit = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (to), edit_quark ()));
  gboolean edited_since = last_edit > read_clock;

  g_object_freeze_notify (G_OBJECT (to));
  sp_comparison_set_subject (to, sp_comparison_get_subject (from));
  if (details)
    sp_comparison_set_story (to, sp_comparison_get_story (from));
  sp_comparison_set_blind_seed (to, sp_comparison_get_blind_seed (from));
  sp_comparison_set_blind (to, sp_comparison_get_blind (from));
  sp_comparison_set_created_at (to, sp_comparison_get_created_at (from));
  if (!edited_since)
    {
      sp_comparison_set_winner (to, sp_comparison_get_winner (from));
      sp_comparison_set_notes (to, sp_comparison_get_notes (from));
    }
  for (guint i = 0; i < 2; i++)
    apply_side (sp_comparison_get_side (to, i), sp_comparison_get_side (from, i), details);
  if (details)
    sp_comparison_set_complete (to, TRUE);
  g_object_thaw_notify (G_OBJECT (to));
}

/* The item for @id: the one already handed out, else @read, else a
 * placeholder. */
static SpComparison *
ensure_item (SpGallery    *self,
             gint64        id,
             SpComparison *read,
             guint         read_clock)
{
  SpComparison *item = g_hash_table_lookup (self->cache, &id);
  gint64 *key;

  if (item != NULL)
    {
      if (read != NULL)
        apply (item, read, FALSE, read_clock);
      return item;
    }
  if (read != NULL)
    item = g_object_ref (read);
  else
    {
      item = sp_comparison_new ();
      sp_comparison_set_id (item, id);
      sp_comparison_set_complete (item, FALSE);
    }
  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_insert (self->cache, key, item);
  return item;
}

static void
set_loading (SpGallery *self,
             int        delta)
{
  gboolean was_loading = self->n_loading > 0;

  self->n_loading += delta;
  if (was_loading != (self->n_loading > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SpGallery) self = user_data;
  g_autoptr(GError) error = NULL;
  QueryResult *read = sp_store_run_finish (SP_STORE (object), result, &error);
  Query *query = g_task_get_task_data (G_TASK (result));

  set_loading (self, -1);
  g_hash_table_remove (self->pending_pages, GUINT_TO_POINTER (query->page));
  if (read == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read a page of the gallery: %s", error->message);
      return;
    }
  if (query->generation == self->generation)
    {
      guint first = query->page * SP_GALLERY_PAGE_SIZE;

      for (guint i = first; i < MIN (first + SP_GALLERY_PAGE_SIZE, self->ids->len); i++)
        {
          gint64 id = g_array_index (self->ids, gint64, i);
          SpComparison *c = g_hash_table_lookup (read->page, &id);

          if (c != NULL)
            {
              SpComparison *item = ensure_item (self, id, NULL, 0);

              apply (item, c, FALSE, query->edit_clock);
            }
        }
    }
  query_result_free (read);
}

static void
request_page (SpGallery *self,
              guint      page)
{
  Query *query;
  guint first = page * SP_GALLERY_PAGE_SIZE;

  if (g_hash_table_contains (self->pending_pages, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->pending_pages, GUINT_TO_POINTER (page));

  query = query_new (self);
  query->page = page;
  query->page_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), SP_GALLERY_PAGE_SIZE);
  g_array_append_vals (query->page_ids, &g_array_index (self->ids, gint64, first),
                       MIN (SP_GALLERY_PAGE_SIZE, self->ids->len - first));
  set_loading (self, +1);
  sp_store_run_async (self->store, page_func, query, (GDestroyNotify) query_free,
                      (GDestroyNotify) query_result_free, self->cancellable,
                      page_cb, g_object_ref (self));
}

static GType
list_model_get_item_type (GListModel *model)
{
  return SP_TYPE_COMPARISON;
}

static guint
list_model_get_n_items (GListModel *model)
{
  SpGallery *self = SP_GALLERY (model);

  return self->ids->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  SpGallery *self = SP_GALLERY (model);
  SpComparison *item;

  if (position >= self->ids->len)
    return NULL;

  item = g_ptr_array_index (self->items, position);
  if (item == NULL)
    {
      gint64 id = g_array_index (self->ids, gint64, position);

      item = ensure_item (self, id, NULL, 0);
      g_ptr_array_index (self->items, position) = item;
      if (!sp_comparison_get_complete (item) && sp_comparison_get_subject (item) == NULL)
        request_page (self, position / SP_GALLERY_PAGE_SIZE);
    }
  return g_object_ref (item);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
replace_ids (SpGallery   *self,
             QueryResult *read,
             guint        read_clock)
{
  guint removed = self->ids->len;
  guint added = read->ids->len;

  g_array_unref (self->ids);
  self->ids = g_steal_pointer (&read->ids);
  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_set_size (self->items, added);
  g_hash_table_remove_all (self->pending_pages);

  for (guint i = 0; i < MIN (added, SP_GALLERY_PAGE_SIZE); i++)
    {
      gint64 id = g_array_index (self->ids, gint64, i);
      SpComparison *c = g_hash_table_lookup (read->page, &id);

      if (c != NULL)
        g_ptr_array_index (self->items, i) = ensure_item (self, id, c, read_clock);
    }

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
reload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpGallery *self = g_task_get_source_object (task);
  GError *error = NULL;
  QueryResult *read = sp_store_run_finish (SP_STORE (object), result, &error);
  Query *query = g_task_get_task_data (G_TASK (result));

  set_loading (self, -1);
  if (read == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A newer reload started meanwhile: its answer wins. */
  if (query->generation == self->generation)
    replace_ids (self, read, query->edit_clock);
  query_result_free (read);
  g_task_return_boolean (task, TRUE);
}

static void
start_reload (SpGallery *self)
{
  sp_gallery_reload_async (self, self->cancellable, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */
/* ------------------------------------------------------------------ */

static void
sp_gallery_dispose (GObject *object)
{
  SpGallery *self = (SpGallery *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  if (self->cache != NULL)
    g_hash_table_remove_all (self->cache);
  if (self->items != NULL)
    g_ptr_array_set_size (self->items, 0);

  G_OBJECT_CLASS (sp_gallery_parent_class)->dispose (object);
}

static void
sp_gallery_finalize (GObject *object)
{
  SpGallery *self = (SpGallery *) object;

  g_free (self->images_dir);
  g_free (self->search_text);
  g_free (self->model_filter);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->pending_pages, g_hash_table_unref);

  G_OBJECT_CLASS (sp_gallery_parent_class)->finalize (object);
}

static void
sp_gallery_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SpGallery *self = SP_GALLERY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    case PROP_MODEL_FILTER:
      g_value_set_string (value, self->model_filter);
      break;
    case PROP_WINNER_FILTER:
      g_value_set_int (value, self->winner_filter);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->n_loading > 0);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_gallery_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SpGallery *self = SP_GALLERY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      self->images_dir = sp_store_dup_images_dir (self->store);
      break;
    case PROP_SEARCH_TEXT:
      sp_gallery_set_search_text (self, g_value_get_string (value));
      break;
    case PROP_MODEL_FILTER:
      sp_gallery_set_model_filter (self, g_value_get_string (value));
      break;
    case PROP_WINNER_FILTER:
      sp_gallery_set_winner_filter (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_gallery_class_init (SpGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sp_gallery_dispose;
  object_class->finalize = sp_gallery_finalize;
  object_class->get_property = sp_gallery_get_property;
  object_class->set_property = sp_gallery_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_TEXT] = g_param_spec_string ("search-text", NULL, NULL, NULL, rw);
  properties[PROP_MODEL_FILTER] = g_param_spec_string ("model-filter", NULL, NULL, NULL, rw);
  properties[PROP_WINNER_FILTER] =
    g_param_spec_int ("winner-filter", NULL, NULL, -1, SP_WINNER_BOTH_BAD, -1, rw);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_gallery_init (SpGallery *self)
{
  self->winner_filter = -1;
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->items = g_ptr_array_new ();
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->pending_pages = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
}

/* ------------------------------------------------------------------ */
/* Public API: the list                                                */
/* ------------------------------------------------------------------ */

SpGallery *
sp_gallery_new (SpStore *store)
{
  g_return_val_if_fail (SP_IS_STORE (store), NULL);
  return g_object_new (SP_TYPE_GALLERY, "store", store, NULL);
}

SpStore *
sp_gallery_get_store (SpGallery *self)
{
  g_return_val_if_fail (SP_IS_GALLERY (self), NULL);
  return self->store;
}

const char *
sp_gallery_get_search_text (SpGallery *self)
{
  g_return_val_if_fail (SP_IS_GALLERY (self), NULL);
  return self->search_text;
}

const char *
sp_gallery_get_model_filter (SpGallery *self)
{
  g_return_val_if_fail (SP_IS_GALLERY (self), NULL);
  return self->model_filter;
}

int
sp_gallery_get_winner_filter (SpGallery *self)
{
  g_return_val_if_fail (SP_IS_GALLERY (self), -1);
  return self->winner_filter;
}

gboolean
sp_gallery_get_loading (SpGallery *self)
{
  g_return_val_if_fail (SP_IS_GALLERY (self), FALSE);
  return self->n_loading > 0;
}

void
sp_gallery_set_search_text (SpGallery  *self,
                            const char *text)
{
  g_return_if_fail (SP_IS_GALLERY (self));

  if (!sp_set_str (&self->search_text, text))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
  start_reload (self);
}

void
sp_gallery_set_model_filter (SpGallery  *self,
                             const char *model)
{
  g_return_if_fail (SP_IS_GALLERY (self));

  if (!sp_set_str (&self->model_filter, model))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_FILTER]);
  start_reload (self);
}

void
sp_gallery_set_winner_filter (SpGallery *self,
                              int        winner)
{
  g_return_if_fail (SP_IS_GALLERY (self));
  g_return_if_fail (winner >= -1 && winner <= SP_WINNER_BOTH_BAD);

  if (self->winner_filter == winner)
    return;
  self->winner_filter = winner;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINNER_FILTER]);
  start_reload (self);
}

void
sp_gallery_reload_async (SpGallery           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_GALLERY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_gallery_reload_async);
  self->generation++;
  set_loading (self, +1);
  sp_store_run_async (self->store, reload_func, query_new (self), (GDestroyNotify) query_free,
                      (GDestroyNotify) query_result_free, cancellable, reload_cb, task);
}

gboolean
sp_gallery_reload_finish (SpGallery     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sp_gallery_reload_sync (SpGallery  *self,
                        GError    **error)
{
  Query *query;
  QueryResult *read;

  g_return_val_if_fail (SP_IS_GALLERY (self), FALSE);

  self->generation++;
  query = query_new (self);
  read = sp_store_run_sync (self->store, reload_func, query, error);
  if (read != NULL)
    replace_ids (self, read, query->edit_clock);
  query_free (query);
  if (read == NULL)
    return FALSE;
  query_result_free (read);
  return TRUE;
}

GArray *
sp_gallery_dup_ids (SpGallery *self)
{
  GArray *copy;

  g_return_val_if_fail (SP_IS_GALLERY (self), NULL);

  copy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->ids->len);
  g_array_append_vals (copy, self->ids->data, self->ids->len);
  return copy;
}

/* ------------------------------------------------------------------ */
/* Details                                                             */
/* ------------------------------------------------------------------ */

typedef struct
{
  gint64  id;
  char   *images_dir;
  guint   edit_clock;
} DetailsQuery;

static void
details_query_free (DetailsQuery *query)
{
  g_free (query->images_dir);
  g_free (query);
}

static gpointer
details_func (SpStore   *store,
              gpointer   data,
              GError   **error)
{
  DetailsQuery *query = data;
  g_autoptr(GHashTable) table = read_comparisons (store, query->images_dir, &query->id, 1, TRUE, error);
  SpComparison *c;

  if (table == NULL)
    return NULL;
  c = g_hash_table_lookup (table, &query->id);
  if (c == NULL)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("This comparison is no longer in the library; it may have been deleted."));
      return NULL;
    }
  return g_object_ref (c);
}

static DetailsQuery *
details_query_new (SpGallery *self,
                   gint64     id)
{
  DetailsQuery *query = g_new0 (DetailsQuery, 1);

  query->id = id;
  query->images_dir = g_strdup (self->images_dir);
  query->edit_clock = self->edit_clock;
  return query;
}

static void
details_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(SpComparison) read = sp_store_run_finish (SP_STORE (object), result, &error);
  DetailsQuery *query = g_task_get_task_data (G_TASK (result));

  if (read == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  apply (g_task_get_task_data (task), read, TRUE, query->edit_clock);
  g_task_return_boolean (task, TRUE);
}

void
sp_gallery_load_details_async (SpGallery           *self,
                               SpComparison        *comparison,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_GALLERY (self));
  g_return_if_fail (SP_IS_COMPARISON (comparison));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_gallery_load_details_async);
  g_task_set_task_data (task, g_object_ref (comparison), g_object_unref);
  if (sp_comparison_get_complete (comparison) || sp_comparison_get_id (comparison) <= 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  sp_store_run_async (self->store, details_func,
                      details_query_new (self, sp_comparison_get_id (comparison)),
                      (GDestroyNotify) details_query_free, g_object_unref,
                      cancellable, details_cb, task);
}

gboolean
sp_gallery_load_details_finish (SpGallery     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

SpComparison *
sp_gallery_load_comparison_sync (SpGallery  *self,
                                 gint64      id,
                                 GError    **error)
{
  DetailsQuery *query;
  SpComparison *read;

  g_return_val_if_fail (SP_IS_GALLERY (self), NULL);

  query = details_query_new (self, id);
  read = sp_store_run_sync (self->store, details_func, query, error);
  details_query_free (query);
  return read;
}

/* ------------------------------------------------------------------ */
/* Saving                                                              */
/* ------------------------------------------------------------------ */

typedef struct
{
  char       *provider_id;
  char       *model;
  SpPairMode  mode;
  gboolean    clean;
  char       *raw_text;
  char       *cleaned_text;
  gint64      prompt_tokens;
  gint64      completion_tokens;
  SpMoney     cost;
  char       *error;
  GPtrArray  *images;
} SideData;

/* A snapshot of a comparison, taken on the main thread. */
typedef struct
{
  gint64    id;
  char     *subject;
  char     *story;
  gboolean  blind;
  guint64   blind_seed;
  gint64    created_at;
  SpWinner  winner;
  char     *notes;
  gboolean  complete;
  SideData  sides[2];
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->subject);
  g_free (data->story);
  g_free (data->notes);
  for (guint i = 0; i < 2; i++)
    {
      g_free (data->sides[i].provider_id);
      g_free (data->sides[i].model);
      g_free (data->sides[i].raw_text);
      g_free (data->sides[i].cleaned_text);
      g_free (data->sides[i].error);
      g_clear_pointer (&data->sides[i].images, g_ptr_array_unref);
    }
  g_free (data);
}

static SaveData *
save_data_new (SpComparison *comparison)
{
  SaveData *data = g_new0 (SaveData, 1);

  data->id = sp_comparison_get_id (comparison);
  data->subject = g_strdup (sp_comparison_get_subject (comparison));
  data->story = g_strdup (sp_comparison_get_story (comparison));
  data->blind = sp_comparison_get_blind (comparison);
  data->blind_seed = sp_comparison_get_blind_seed (comparison);
  data->created_at = sp_comparison_get_created_at (comparison);
  data->winner = sp_comparison_get_winner (comparison);
  data->notes = g_strdup (sp_comparison_get_notes (comparison));
  data->complete = sp_comparison_get_complete (comparison);
  for (guint i = 0; i < 2; i++)
    {
      SpComparisonSide *side = sp_comparison_get_side (comparison, i);
      SideData *s = &data->sides[i];
      GListModel *images = sp_comparison_side_get_images (side);

      s->provider_id = g_strdup (sp_comparison_side_get_provider_id (side));
      s->model = g_strdup (sp_comparison_side_get_model (side));
      s->mode = sp_comparison_side_get_prompt_mode (side);
      s->clean = sp_comparison_side_get_clean (side);
      s->raw_text = g_strdup (sp_comparison_side_get_raw_text (side));
      s->cleaned_text = g_strdup (sp_comparison_side_get_cleaned_text (side));
      s->prompt_tokens = sp_comparison_side_get_prompt_tokens (side);
      s->completion_tokens = sp_comparison_side_get_completion_tokens (side);
      s->cost = sp_comparison_side_get_cost (side);
      s->error = g_strdup (sp_comparison_side_get_error (side));
      s->images = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint j = 0; j < g_list_model_get_n_items (images); j++)
        g_ptr_array_add (s->images, g_list_model_get_item (images, j));
    }
  return data;
}

static gboolean
write_vote (SpStore   *store,
            gint64     id,
            SpWinner   winner,
            GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (winner == SP_WINNER_NONE)
    stmt = sp_sqlite_prepare (DB (store), "DELETE FROM votes WHERE comparison_id = ?1", error);
  else
    stmt = sp_sqlite_prepare (DB (store), "INSERT INTO votes (comparison_id, winner, voted_at) VALUES (?1, ?2, ?3) "
                                          "ON CONFLICT (comparison_id) DO UPDATE SET winner = ?2, voted_at = ?3 "
                                          "WHERE winner <> ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (winner != SP_WINNER_NONE)
    {
      sp_sqlite_bind_text (stmt, 2, sp_winner_to_string (winner));
      sqlite3_bind_int64 (stmt, 3, now_seconds ());
    }
  return sp_sqlite_step_done (DB (store), stmt, error);
}

static gboolean
write_notes (SpStore     *store,
             gint64       id,
             const char  *notes,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (notes == NULL || *notes == '\0')
    stmt = sp_sqlite_prepare (DB (store), "DELETE FROM notes WHERE comparison_id = ?1", error);
  else
    stmt = sp_sqlite_prepare (DB (store), "INSERT INTO notes (comparison_id, text, updated_at) VALUES (?1, ?2, ?3) "
                                          "ON CONFLICT (comparison_id) DO UPDATE SET text = ?2, updated_at = ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (notes != NULL && *notes != '\0')
    {
      sp_sqlite_bind_text (stmt, 2, notes);
      sqlite3_bind_int64 (stmt, 3, now_seconds ());
    }
  return sp_sqlite_step_done (DB (store), stmt, error);
}

static gboolean
write_comparison (SpStore   *store,
                  SaveData  *data,
                  GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = now_seconds ();

  if (data->id <= 0)
    stmt = sp_sqlite_prepare (DB (store), "INSERT INTO comparisons (subject, story, blind, blind_seed, created_at, updated_at) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  else
    stmt = sp_sqlite_prepare (DB (store), "UPDATE comparisons SET subject = ?1, story = CASE WHEN ?8 THEN ?2 ELSE story END, "
                                          "  blind = ?3, blind_seed = ?4, updated_at = ?6 WHERE id = ?7", error);
  if (stmt == NULL)
    return FALSE;
  sp_sqlite_bind_text (stmt, 1, data->subject != NULL ? data->subject : "");
  sp_sqlite_bind_text (stmt, 2, data->story != NULL ? data->story : "");
  sqlite3_bind_int (stmt, 3, data->blind);
  sqlite3_bind_int64 (stmt, 4, (gint64) data->blind_seed);
  sqlite3_bind_int64 (stmt, 5, data->created_at > 0 ? data->created_at : now);
  sqlite3_bind_int64 (stmt, 6, now);
  if (data->id > 0)
    {
      sqlite3_bind_int64 (stmt, 7, data->id);
      sqlite3_bind_int (stmt, 8, data->complete);
    }
  if (!sp_sqlite_step_done (DB (store), stmt, error))
    return FALSE;
  if (data->id > 0 && sqlite3_changes (DB (store)) == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("This comparison is no longer in the library; it may have been deleted."));
      return FALSE;
    }
  if (data->id <= 0)
    data->id = sqlite3_last_insert_rowid (DB (store));
  return TRUE;
}

static gboolean
write_output (SpStore   *store,
              gint64     id,
              SpSide     side,
              SideData  *s,
              gboolean   complete,
              GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = sp_sqlite_prepare (DB (store), "INSERT INTO outputs (comparison_id, side, provider_id, model, prompt_mode, cleaner, "
                                        "  raw_text, cleaned_text, prompt_tokens, completion_tokens, cost, error) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                                        "ON CONFLICT (comparison_id, side) DO UPDATE SET provider_id = ?3, model = ?4, "
                                        "  prompt_mode = ?5, cleaner = ?6, "
                                        "  raw_text = CASE WHEN ?13 THEN ?7 ELSE raw_text END, cleaned_text = ?8, "
                                        "  prompt_tokens = ?9, completion_tokens = ?10, cost = ?11, error = ?12", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sp_sqlite_bind_text (stmt, 2, sp_side_to_string (side));
  sp_sqlite_bind_text (stmt, 3, s->provider_id);
  sp_sqlite_bind_text (stmt, 4, s->model != NULL ? s->model : "");
  sp_sqlite_bind_text (stmt, 5, sp_pair_mode_to_string (s->mode));
  sqlite3_bind_int (stmt, 6, s->clean);
  sp_sqlite_bind_text (stmt, 7, s->raw_text != NULL ? s->raw_text : "");
  sp_sqlite_bind_text (stmt, 8, s->cleaned_text != NULL ? s->cleaned_text : "");
  bind_optional_int64 (stmt, 9, s->prompt_tokens);
  bind_optional_int64 (stmt, 10, s->completion_tokens);
  bind_optional_int64 (stmt, 11, s->cost);
  sp_sqlite_bind_text (stmt, 12, s->error);
  sqlite3_bind_int (stmt, 13, complete);
  if (!sp_sqlite_step_done (DB (store), stmt, error))
    return FALSE;

  for (guint i = 0; i < s->images->len; i++)
    if (!sp_image_store_link_sync (store, id, side, s->images->pdata[i], (int) i, error))
      return FALSE;
  return TRUE;
}

static gboolean
write_usage (SpStore   *store,
             gint64     id,
             SideData  *s,
             GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (s->prompt_tokens < 0 && s->completion_tokens < 0)
    return TRUE;
  stmt = sp_sqlite_prepare (DB (store), "INSERT INTO usage (created_at, model, prompt_tokens, completion_tokens, cost, comparison_id) "
                                        "VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now_seconds ());
  sp_sqlite_bind_text (stmt, 2, s->model != NULL ? s->model : "");
  bind_optional_int64 (stmt, 3, s->prompt_tokens);
  bind_optional_int64 (stmt, 4, s->completion_tokens);
  bind_optional_int64 (stmt, 5, s->cost);
  sqlite3_bind_int64 (stmt, 6, id);
  return sp_sqlite_step_done (DB (store), stmt, error);
}

static gpointer
save_func (SpStore   *store,
           gpointer   user_data,
           GError   **error)
{
  SaveData *data = user_data;
  gboolean is_new = data->id <= 0;
  gboolean ok;

  if (!sp_sqlite_begin (DB (store), error))
    return NULL;
  ok = write_comparison (store, data, error);
  for (guint i = 0; ok && i < 2; i++)
    ok = write_output (store, data->id, i, &data->sides[i], data->complete || is_new, error) &&
         (!is_new || write_usage (store, data->id, &data->sides[i], error));
  ok = ok && write_vote (store, data->id, data->winner, error) &&
       write_notes (store, data->id, data->notes, error);
  if (!sp_sqlite_commit_or_rollback (DB (store), ok, error))
    {
      if (is_new)
        data->id = 0;
      return NULL;
    }
  return g_memdup2 (&data->id, sizeof data->id);
}

static gboolean
filters_active (SpGallery *self)
{
  return (self->search_text != NULL && *self->search_text != '\0') ||
         (self->model_filter != NULL && *self->model_filter != '\0') ||
         self->winner_filter >= 0;
}

/* A new comparison joins the list first (the list is newest first),
 * unless a filter is on: then the list is read again. */
static void
saved (SpGallery    *self,
       SpComparison *comparison,
       gint64        id)
{
  gboolean is_new = sp_comparison_get_id (comparison) <= 0;
  gint64 *key;

  sp_comparison_set_id (comparison, id);
  if (!is_new)
    return;

  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_insert (self->cache, key, g_object_ref (comparison));
  if (filters_active (self))
    {
      start_reload (self);
      return;
    }
  g_array_prepend_val (self->ids, id);
  g_ptr_array_insert (self->items, 0, comparison);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autofree gint64 *id = sp_store_run_finish (SP_STORE (object), result, &error);

  if (id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  saved (g_task_get_source_object (task), g_task_get_task_data (task), *id);
  g_task_return_boolean (task, TRUE);
}

static gboolean
check_savable (SpComparison  *comparison,
               GError       **error)
{
  if (sp_comparison_get_running (comparison))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                   _("Both answers are still coming. Save the comparison when they are done."));
      return FALSE;
    }
  return TRUE;
}

void
sp_gallery_save_async (SpGallery           *self,
                       SpComparison        *comparison,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  GError *error = NULL;

  g_return_if_fail (SP_IS_GALLERY (self));
  g_return_if_fail (SP_IS_COMPARISON (comparison));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_gallery_save_async);
  g_task_set_task_data (task, g_object_ref (comparison), g_object_unref);
  if (!check_savable (comparison, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  sp_store_run_async (self->store, save_func, save_data_new (comparison),
                      (GDestroyNotify) save_data_free, g_free, cancellable, save_cb, task);
}

gboolean
sp_gallery_save_finish (SpGallery     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sp_gallery_save_sync (SpGallery     *self,
                      SpComparison  *comparison,
                      GError       **error)
{
  SaveData *data;
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (SP_IS_GALLERY (self), FALSE);
  g_return_val_if_fail (SP_IS_COMPARISON (comparison), FALSE);

  if (!check_savable (comparison, error))
    return FALSE;
  data = save_data_new (comparison);
  id = sp_store_run_sync (self->store, save_func, data, error);
  save_data_free (data);
  if (id == NULL)
    return FALSE;
  saved (self, comparison, *id);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Votes, notes, delete                                                */
/* ------------------------------------------------------------------ */

typedef struct
{
  gint64    id;
  SpWinner  winner;
  char     *notes;
} FieldData;

static void
field_data_free (FieldData *data)
{
  g_free (data->notes);
  g_free (data);
}

static gpointer
vote_func (SpStore   *store,
           gpointer   user_data,
           GError   **error)
{
  FieldData *data = user_data;

  return write_vote (store, data->id, data->winner, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
notes_func (SpStore   *store,
            gpointer   user_data,
            GError   **error)
{
  FieldData *data = user_data;

  return write_notes (store, data->id, data->notes, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
boolean_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (sp_store_run_finish (SP_STORE (object), result, &error) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Runs @func on @data for a stored comparison; for one not saved yet
 * there is nothing to write. */
static void
write_field (SpGallery           *self,
             SpComparison        *comparison,
             SpStoreFunc          func,
             FieldData           *data,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  data->id = sp_comparison_get_id (comparison);
  if (data->id <= 0)
    {
      field_data_free (data);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  sp_store_run_async (self->store, func, data, (GDestroyNotify) field_data_free, NULL,
                      cancellable, boolean_cb, task);
}

void
sp_gallery_vote_async (SpGallery           *self,
                       SpComparison        *comparison,
                       SpWinner             winner,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  FieldData *data;

  g_return_if_fail (SP_IS_GALLERY (self));
  g_return_if_fail (SP_IS_COMPARISON (comparison));
  g_return_if_fail (winner <= SP_WINNER_BOTH_BAD);

  mark_edited (self, comparison);
  sp_comparison_set_winner (comparison, winner);
  data = g_new0 (FieldData, 1);
  data->winner = winner;
  write_field (self, comparison, vote_func, data, sp_gallery_vote_async,
               cancellable, callback, user_data);
}

gboolean
sp_gallery_vote_finish (SpGallery     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sp_gallery_set_notes_async (SpGallery           *self,
                            SpComparison        *comparison,
                            const char          *notes,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FieldData *data;

  g_return_if_fail (SP_IS_GALLERY (self));
  g_return_if_fail (SP_IS_COMPARISON (comparison));

  mark_edited (self, comparison);
  sp_comparison_set_notes (comparison, notes);
  data = g_new0 (FieldData, 1);
  data->notes = g_strdup (notes);
  write_field (self, comparison, notes_func, data, sp_gallery_set_notes_async,
               cancellable, callback, user_data);
}

gboolean
sp_gallery_set_notes_finish (SpGallery     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
set_deleted_func (SpStore   *store,
                  gpointer   user_data,
                  GError   **error)
{
  FieldData *data = user_data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* The winner field says which way: SP_WINNER_A deletes, NONE restores. */
  stmt = sp_sqlite_prepare (DB (store), "UPDATE comparisons SET deleted_at = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return NULL;
  if (data->winner == SP_WINNER_A)
    sqlite3_bind_int64 (stmt, 1, now_seconds ());
  sqlite3_bind_int64 (stmt, 2, data->id);
  if (!sp_sqlite_step_done (DB (store), stmt, error))
    return NULL;
  if (sqlite3_changes (DB (store)) == 0)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("This comparison is no longer in the library; it may have been deleted."));
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static void
remove_id (SpGallery *self,
           gint64     id)
{
  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == id)
      {
        g_array_remove_index (self->ids, i);
        g_ptr_array_remove_index (self->items, i);
        /* The pages after it moved by one. */
        g_hash_table_remove_all (self->pending_pages);
        g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
        break;
      }
  g_hash_table_remove (self->cache, &id);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  FieldData *data = g_task_get_task_data (G_TASK (result));
  SpGallery *self = g_task_get_source_object (task);

  if (sp_store_run_finish (SP_STORE (object), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->winner == SP_WINNER_A)
    remove_id (self, data->id);
  else
    start_reload (self);
  g_task_return_boolean (task, TRUE);
}

static void
set_deleted (SpGallery           *self,
             gint64               id,
             gboolean             deleted,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  FieldData *data = g_new0 (FieldData, 1);

  g_task_set_source_tag (task, source_tag);
  data->id = id;
  data->winner = deleted ? SP_WINNER_A : SP_WINNER_NONE;
  sp_store_run_async (self->store, set_deleted_func, data, (GDestroyNotify) field_data_free, NULL,
                      cancellable, delete_cb, task);
}

void
sp_gallery_delete_async (SpGallery           *self,
                         SpComparison        *comparison,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (SP_IS_GALLERY (self));
  g_return_if_fail (SP_IS_COMPARISON (comparison));
  g_return_if_fail (sp_comparison_get_id (comparison) > 0);

  set_deleted (self, sp_comparison_get_id (comparison), TRUE, sp_gallery_delete_async,
               cancellable, callback, user_data);
}

gboolean
sp_gallery_delete_finish (SpGallery     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sp_gallery_undo_delete_async (SpGallery           *self,
                              gint64               id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SP_IS_GALLERY (self));
  g_return_if_fail (id > 0);

  set_deleted (self, id, FALSE, sp_gallery_undo_delete_async, cancellable, callback, user_data);
}

gboolean
sp_gallery_undo_delete_finish (SpGallery     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
purge_func (SpStore   *store,
            gpointer   user_data,
            GError   **error)
{
  if (!sp_sqlite_exec (DB (store), "DELETE FROM comparisons WHERE deleted_at IS NOT NULL", error))
    return NULL;
  return GUINT_TO_POINTER (sqlite3_changes (DB (store)) + 1);
}

guint
sp_gallery_purge_deleted_sync (SpGallery  *self,
                               GError    **error)
{
  g_autoptr(SpImageStore) images = NULL;
  guint n;

  g_return_val_if_fail (SP_IS_GALLERY (self), 0);

  n = GPOINTER_TO_UINT (sp_store_run_sync (self->store, purge_func, NULL, error));
  if (n == 0)
    return 0;
  images = sp_image_store_new (self->store);
  sp_image_store_purge_unused_sync (images, error);
  return n - 1;
}

/* ------------------------------------------------------------------ */
/* Scoreboard                                                          */
/* ------------------------------------------------------------------ */

static gboolean
read_scores (SpStore      *store,
             GListStore   *list,
             SpScoreKind   kind,
             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  const char *column = kind == SP_SCORE_KIND_MODEL ? "o.model" : "o.prompt_mode";
  int rc;

  sql = g_strdup_printf ("SELECT %s, "
                         "  SUM (v.winner = o.side), SUM (v.winner = 'tie'),"
                         "  SUM (v.winner IN ('a', 'b') AND v.winner <> o.side),"
                         "  SUM (v.winner = 'both-bad'), SUM (v.winner IS NULL), COUNT (*),"
                         "  SUM (CASE WHEN o.cost >= 0 THEN o.cost END),"
                         "  COUNT (CASE WHEN o.cost >= 0 THEN 1 END) "
                         "FROM outputs o "
                         "JOIN comparisons c ON c.id = o.comparison_id AND c.deleted_at IS NULL "
                         "LEFT JOIN votes v ON v.comparison_id = c.id "
                         /* A blind comparison not voted yet would give away its models. */
                         "WHERE NOT (c.blind AND v.winner IS NULL) "
                         "GROUP BY %s ORDER BY %s", column, column, column);
  stmt = sp_sqlite_prepare (DB (store), sql, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(SpScore) score = g_object_new (SP_TYPE_SCORE, NULL);
      gint64 n_costed = sqlite3_column_int64 (stmt, 8);

      score->kind = kind;
      score->name = g_strdup (column_text (stmt, 0));
      score->wins = (guint) sqlite3_column_int64 (stmt, 1);
      score->ties = (guint) sqlite3_column_int64 (stmt, 2);
      score->losses = (guint) sqlite3_column_int64 (stmt, 3);
      score->both_bad = (guint) sqlite3_column_int64 (stmt, 4);
      score->unvoted = (guint) sqlite3_column_int64 (stmt, 5);
      score->outputs = (guint) sqlite3_column_int64 (stmt, 6);
      if (n_costed > 0)
        score->cost_per_prompt = (sqlite3_column_int64 (stmt, 7) + n_costed / 2) / n_costed;
      g_list_store_append (list, score);
    }
  if (rc != SQLITE_DONE)
    {
      sp_store_set_db_error (store, error);
      return FALSE;
    }
  return TRUE;
}

static gpointer
scoreboard_func (SpStore   *store,
                 gpointer   user_data,
                 GError   **error)
{
  g_autoptr(GListStore) list = g_list_store_new (SP_TYPE_SCORE);

  if (!read_scores (store, list, SP_SCORE_KIND_MODEL, error) ||
      !read_scores (store, list, SP_SCORE_KIND_PROMPT_MODE, error))
    return NULL;
  return g_steal_pointer (&list);
}

static void
scoreboard_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GListModel *list = sp_store_run_finish (SP_STORE (object), result, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, g_object_unref);
}

void
sp_gallery_scoreboard_async (SpGallery           *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_GALLERY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_gallery_scoreboard_async);
  sp_store_run_async (self->store, scoreboard_func, NULL, NULL, g_object_unref,
                      cancellable, scoreboard_cb, task);
}

GListModel *
sp_gallery_scoreboard_finish (SpGallery     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GListModel *
sp_gallery_scoreboard_sync (SpGallery  *self,
                            GError    **error)
{
  g_return_val_if_fail (SP_IS_GALLERY (self), NULL);
  return sp_store_run_sync (self->store, scoreboard_func, NULL, error);
}
