// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-story-import"

#include "config.h"

#include "sp-story-import.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sp-error.h"
#include "sp-story.h"

/* A story file larger than this is not a story. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

struct _SpStoryImportReport
{
  GObject     parent_instance;

  GListStore *stories;
  GArray     *problems;
};

G_DEFINE_FINAL_TYPE (SpStoryImportReport, sp_story_import_report, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORIES,
  PROP_N_STORIES,
  PROP_N_PROBLEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A CSV record as it is read. */
typedef struct
{
  GPtrArray *fields;
  guint      line;
  char      *problem;
} Record;

static void
clear_problem (gpointer data)
{
  SpStoryImportProblem *problem = data;

  g_free (problem->origin);
  g_free (problem->reason);
}

static void
add_problem (SpStoryImportReport *self,
             const char          *origin,
             guint                line,
             const char          *reason)
{
  SpStoryImportProblem problem = { g_strdup (origin), line, g_strdup (reason) };

  g_array_append_val (self->problems, problem);
}

static void
add_story (SpStoryImportReport *self,
           const char          *title,
           const char          *text)
{
  g_autoptr(SpStory) story = sp_story_new (title, text);

  g_list_store_append (self->stories, story);
}

/* Takes everything from @other. */
static void
merge (SpStoryImportReport *self,
       SpStoryImportReport *other)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (other->stories)); i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (G_LIST_MODEL (other->stories), i);

      g_list_store_append (self->stories, story);
    }
  for (guint i = 0; i < other->problems->len; i++)
    {
      SpStoryImportProblem *problem = &g_array_index (other->problems, SpStoryImportProblem, i);

      add_problem (self, problem->origin, problem->line, problem->reason);
    }
}

static SpStoryImportReport *
report_new (void)
{
  return g_object_new (SP_TYPE_STORY_IMPORT_REPORT, NULL);
}

static const char *
skip_bom (const char *data,
          gsize      *length)
{
  if (*length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      *length -= 3;
      return data + 3;
    }
  return data;
}

static void
record_reset (Record *record,
              guint   line)
{
  g_ptr_array_set_size (record->fields, 0);
  g_clear_pointer (&record->problem, g_free);
  record->line = line;
}

/* Reads one record starting at *@pos; advances *@pos and *@line past its
 * end of line. Returns FALSE at the end of the data. */
static gboolean
read_record (const char *data,
             gsize       length,
             gsize      *pos,
             guint      *line,
             Record     *record)
{
  gsize i = *pos;
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean in_quotes = FALSE;
  gboolean was_quoted = FALSE;
  guint quote_line = 0;

  if (i >= length)
    return FALSE;
  record_reset (record, *line);

  while (i < length)
    {
      char c = data[i];

      if (in_quotes)
        {
          if (c == '"' && i + 1 < length && data[i + 1] == '"')
            {
              g_string_append_c (field, '"');
              i += 2;
              continue;
            }
          if (c == '"')
            {
              in_quotes = FALSE;
              i++;
              continue;
            }
          if (c == '\n')
            (*line)++;
          else if (c == '\r' && !(i + 1 < length && data[i + 1] == '\n'))
            (*line)++;
          g_string_append_c (field, c);
          i++;
          continue;
        }

      if (c == ',')
        {
          g_ptr_array_add (record->fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          was_quoted = FALSE;
          i++;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          i += (c == '\r' && i + 1 < length && data[i + 1] == '\n') ? 2 : 1;
          (*line)++;
          break;
        }
      if (c == '"' && field->len == 0 && !was_quoted)
        {
          in_quotes = TRUE;
          was_quoted = TRUE;
          quote_line = *line;
          i++;
          continue;
        }
      if (was_quoted && record->problem == NULL)
        record->problem = g_strdup (_("There is text after a closing quote. Put the whole field in quotes and double the quotes inside it (\"\")."));
      g_string_append_c (field, c);
      i++;
    }

  if (in_quotes && record->problem == NULL)
    record->problem = g_strdup_printf (_("The quote opened on line %u is never closed, so the rest of the file was read as one field."),
                                       quote_line);
  g_ptr_array_add (record->fields, g_strdup (field->str));
  *pos = i;
  return TRUE;
}

static gboolean
record_is_blank (Record *record)
{
  return record->fields->len == 1 && *(char *) g_ptr_array_index (record->fields, 0) == '\0';
}

/* Where "title" and "text" are in the header. */
static gboolean
read_header (Record *record,
             guint  *title_column,
             guint  *text_column)
{
  gboolean has_title = FALSE;
  gboolean has_text = FALSE;

  for (guint i = 0; i < record->fields->len; i++)
    {
      g_autofree char *name = g_ascii_strdown (g_ptr_array_index (record->fields, i), -1);

      g_strstrip (name);
      if (g_str_equal (name, "title") && !has_title)
        {
          *title_column = i;
          has_title = TRUE;
        }
      else if (g_str_equal (name, "text") && !has_text)
        {
          *text_column = i;
          has_text = TRUE;
        }
    }
  return has_title && has_text && record->problem == NULL;
}

static void
check_row (SpStoryImportReport *self,
           const char          *origin,
           Record              *record,
           guint                n_columns,
           guint                title_column,
           guint                text_column)
{
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;

  if (record->problem != NULL)
    {
      add_problem (self, origin, record->line, record->problem);
      return;
    }
  if (record->fields->len != n_columns)
    {
      g_autofree char *reason = g_strdup_printf (ngettext ("The row has %u field; the header has %u. Put fields with commas in quotes.",
                                                           "The row has %u fields; the header has %u. Put fields with commas in quotes.",
                                                           record->fields->len),
                                                 record->fields->len, n_columns);

      add_problem (self, origin, record->line, reason);
      return;
    }

  title = g_strstrip (g_strdup (g_ptr_array_index (record->fields, title_column)));
  text = g_strstrip (g_strdup (g_ptr_array_index (record->fields, text_column)));
  if (!g_utf8_validate (title, -1, NULL) || !g_utf8_validate (text, -1, NULL))
    add_problem (self, origin, record->line, _("The row is not valid UTF-8 text. Save the file as UTF-8."));
  else if (*title == '\0')
    add_problem (self, origin, record->line, _("The title is empty."));
  else if (*text == '\0')
    add_problem (self, origin, record->line, _("The text is empty."));
  else
    add_story (self, title, text);
}

static void
sp_story_import_report_finalize (GObject *object)
{
  SpStoryImportReport *self = (SpStoryImportReport *) object;

  g_clear_object (&self->stories);
  g_clear_pointer (&self->problems, g_array_unref);

  G_OBJECT_CLASS (sp_story_import_report_parent_class)->finalize (object);
}

static void
sp_story_import_report_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SpStoryImportReport *self = SP_STORY_IMPORT_REPORT (object);

  switch (prop_id)
    {
    case PROP_STORIES:
      g_value_set_object (value, self->stories);
      break;
    case PROP_N_STORIES:
      g_value_set_uint (value, sp_story_import_report_get_n_stories (self));
      break;
    case PROP_N_PROBLEMS:
      g_value_set_uint (value, self->problems->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_story_import_report_class_init (SpStoryImportReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sp_story_import_report_finalize;
  object_class->get_property = sp_story_import_report_get_property;

  properties[PROP_STORIES] = g_param_spec_object ("stories", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_N_STORIES] = g_param_spec_uint ("n-stories", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_PROBLEMS] = g_param_spec_uint ("n-problems", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_story_import_report_init (SpStoryImportReport *self)
{
  self->stories = g_list_store_new (SP_TYPE_STORY);
  self->problems = g_array_new (FALSE, TRUE, sizeof (SpStoryImportProblem));
  g_array_set_clear_func (self->problems, clear_problem);
}

SpStoryImportReport *
sp_story_import_csv (const char *data,
                     gsize       length,
                     const char *origin)
{
  SpStoryImportReport *self = report_new ();
  Record record = { g_ptr_array_new_with_free_func (g_free), 0, NULL };
  guint title_column = 0;
  guint text_column = 0;
  guint n_columns;
  gsize pos = 0;
  guint line = 1;

  g_return_val_if_fail (data != NULL || length == 0, self);

  data = skip_bom (data, &length);
  if (!read_record (data, length, &pos, &line, &record) ||
      !read_header (&record, &title_column, &text_column))
    {
      add_problem (self, origin, 1, _("The first line must be the header “title,text”."));
      goto out;
    }
  n_columns = record.fields->len;

  while (read_record (data, length, &pos, &line, &record))
    {
      if (!record_is_blank (&record) || record.problem != NULL)
        check_row (self, origin, &record, n_columns, title_column, text_column);
    }

out:
  g_ptr_array_unref (record.fields);
  g_free (record.problem);
  return self;
}

SpStoryImportReport *
sp_story_import_text (const char *data,
                      gsize       length,
                      const char *origin)
{
  SpStoryImportReport *self = report_new ();
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  const char *end;

  g_return_val_if_fail (data != NULL || length == 0, self);

  data = skip_bom (data, &length);
  if (!g_utf8_validate (data, length, NULL))
    {
      add_problem (self, origin, 0, _("The file is not valid UTF-8 text. Save it as UTF-8."));
      return self;
    }
  text = g_strstrip (g_strndup (data, length));
  if (*text == '\0')
    {
      add_problem (self, origin, 0, _("The file is empty."));
      return self;
    }

  end = text + strcspn (text, "\r\n");
  title = g_strndup (text, end - text);
  g_strstrip (title);
  /* A Markdown heading is a title too. */
  if (title[0] == '#')
    {
      char *p = title;

      while (*p == '#')
        p++;
      memmove (title, p, strlen (p) + 1);
      g_strstrip (title);
    }
  /* A story without a title is refused, as in a CSV file. */
  if (*title == '\0')
    {
      add_problem (self, origin, 0, _("The story has no title: its first line is an empty heading. Write the title after the “#”."));
      return self;
    }
  add_story (self, title, text);
  return self;
}

static SpStoryImportReport *
import_json (const char *data,
             gsize       length,
             const char *origin)
{
  SpStoryImportReport *self = report_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) stories = sp_story_list_new_from_json (data, length, &error);

  if (stories == NULL)
    {
      add_problem (self, origin, 0, error->message);
      return self;
    }
  for (guint i = 0; i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(SpStory) story = g_list_model_get_item (stories, i);

      g_list_store_append (self->stories, story);
    }
  return self;
}

static SpStoryImportReport *
import_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && st.st_size > MAX_FILE_SIZE)
    {
      SpStoryImportReport *self = report_new ();

      add_problem (self, name, 0, _("The file is too large to be a story (more than 64 MiB)."));
      return self;
    }
  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      SpStoryImportReport *self = report_new ();

      add_problem (self, name, 0, error->message);
      return self;
    }

  if (g_str_has_suffix (lower, ".csv"))
    return sp_story_import_csv (contents, length, name);
  if (g_str_has_suffix (lower, ".json"))
    return import_json (contents, length, name);
  return sp_story_import_text (contents, length, name);
}

static gboolean
is_story_file (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".txt") || g_str_has_suffix (lower, ".md") ||
         g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".json");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

SpStoryImportReport *
sp_story_import_path (const char  *path,
                      GError     **error)
{
  g_autoptr(SpStoryImportReport) self = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_NOT_FOUND,
                   _("“%s” does not exist. Give a folder of .txt stories or a CSV file."), path);
      return NULL;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return import_file (path);

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_story_file (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  self = report_new ();
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      g_autoptr(SpStoryImportReport) one = NULL;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        continue;
      one = import_file (child);
      merge (self, one);
    }
  return g_steal_pointer (&self);
}

static void
import_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  SpStoryImportReport *report = sp_story_import_path (task_data, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

void
sp_story_import_path_async (const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_story_import_path_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, import_in_thread);
}

SpStoryImportReport *
sp_story_import_path_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
sp_story_import_problem_to_string (const SpStoryImportProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  if (problem->line == 0)
    return g_strdup_printf ("%s: %s", problem->origin, problem->reason);
  return g_strdup_printf ("%s:%u: %s", problem->origin, problem->line, problem->reason);
}

GListModel *
sp_story_import_report_get_stories (SpStoryImportReport *self)
{
  g_return_val_if_fail (SP_IS_STORY_IMPORT_REPORT (self), NULL);
  return G_LIST_MODEL (self->stories);
}

guint
sp_story_import_report_get_n_stories (SpStoryImportReport *self)
{
  g_return_val_if_fail (SP_IS_STORY_IMPORT_REPORT (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->stories));
}

guint
sp_story_import_report_get_n_problems (SpStoryImportReport *self)
{
  g_return_val_if_fail (SP_IS_STORY_IMPORT_REPORT (self), 0);
  return self->problems->len;
}

const SpStoryImportProblem *
sp_story_import_report_get_problem (SpStoryImportReport *self,
                                    guint                index)
{
  g_return_val_if_fail (SP_IS_STORY_IMPORT_REPORT (self), NULL);
  g_return_val_if_fail (index < self->problems->len, NULL);
  return &g_array_index (self->problems, SpStoryImportProblem, index);
}
