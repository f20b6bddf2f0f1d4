// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-story"

#include "config.h"

#include "sp-story.h"
#include "sp-string-private.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sp-error.h"
#include "sp-json-private.h"

#define BUILTIN_RESOURCE "/io/github/starprompt/Starprompt/core/stories/builtin.json"

struct _SpStory
{
  GObject  parent_instance;

  char    *title;
  char    *text;
};

G_DEFINE_FINAL_TYPE (SpStory, sp_story, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sp_story_finalize (GObject *object)
{
  SpStory *self = (SpStory *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (sp_story_parent_class)->finalize (object);
}

static void
sp_story_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SpStory *self = SP_STORY (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_story_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  SpStory *self = SP_STORY (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      sp_story_set_title (self, g_value_get_string (value));
      break;

    case PROP_TEXT:
      sp_story_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_story_class_init (SpStoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_story_finalize;
  object_class->get_property = sp_story_get_property;
  object_class->set_property = sp_story_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_story_init (SpStory *self)
{
  self->title = g_strdup ("");
  self->text = g_strdup ("");
}

SpStory *
sp_story_new (const char *title,
              const char *text)
{
  return g_object_new (SP_TYPE_STORY,
                       "title", title ? title : "",
                       "text", text ? text : "",
                       NULL);
}

const char *
sp_story_get_title (SpStory *self)
{
  g_return_val_if_fail (SP_IS_STORY (self), NULL);

  return self->title;
}

const char *
sp_story_get_text (SpStory *self)
{
  g_return_val_if_fail (SP_IS_STORY (self), NULL);

  return self->text;
}

void
sp_story_set_title (SpStory    *self,
                    const char *title)
{
  g_return_if_fail (SP_IS_STORY (self));

  if (sp_set_str (&self->title, title ? title : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
sp_story_set_text (SpStory    *self,
                   const char *text)
{
  g_return_if_fail (SP_IS_STORY (self));

  if (sp_set_str (&self->text, text ? text : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/**
 * sp_story_get_builtin:
 *
 * Returns: (transfer full): a new GListStore of the built-in SpStory
 */
GListModel *
sp_story_get_builtin (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *stories;

  bytes = g_resources_lookup_data (BUILTIN_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("The built-in stories are missing: %s", error->message);

  stories = sp_story_list_new_from_json (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes),
                                         &error);
  if (stories == NULL)
    g_error ("The built-in stories are broken: %s", error->message);

  return stories;
}

/**
 * sp_story_list_new_from_json:
 * @json: an array of {"title", "text"} objects
 * @length: the length of @json, or -1 if it is nul-terminated
 *
 * Returns: (transfer full) (nullable): a new GListStore of SpStory
 */
GListModel *
sp_story_list_new_from_json (const char  *json,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GListStore) stories = g_list_store_new (SP_TYPE_STORY);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The stories are not valid JSON (%s). Fix the file or choose another one."),
                   local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_BAD_FILE,
                           _("The file is JSON but not a list of stories: it must be a list of objects with a “title” and a “text”."));
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(SpStory) story = NULL;
      const char *title;
      const char *text;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (text = sp_json_get_string (json_node_get_object (node), "text")) == NULL)
        {
          g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                       _("Story %u has no “text”. Each story must be an object with a “title” and a “text”."),
                       i + 1);
          return NULL;
        }

      title = sp_json_get_string (json_node_get_object (node), "title");
      story = sp_story_new (title, text);
      g_list_store_append (stories, story);
    }

  return G_LIST_MODEL (g_steal_pointer (&stories));
}
