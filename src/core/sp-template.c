// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-template"

#include "config.h"

#include "sp-template.h"
#include "sp-string-private.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sp-error.h"
#include "sp-json-private.h"

/* The text that reaches a model is English on purpose: it is what the
 * model is trained on and answers to, whatever the language of the UI. */
#define DEFAULT_INSTRUCTION \
  "Imagine and create a sci-fi Midjourney prompt from the following research in brackets."
#define DEFAULT_SHORT_INSTRUCTION \
  "Imagine and create a sci-fi Midjourney prompt about"
#define DEFAULT_ASPECT_RATIO "--ar 3:2"
#define BUILTIN_RESOURCE "/io/github/starprompt/Starprompt/core/templates/scifi.json"

#define SYSTEM_FORMAT \
  "Each request gives research in square brackets, then four lines: " \
  "\"styles = …\", \"inspiration = …\", \"artists = …\" and \"aspect ratio = …\". " \
  "Answer with one image prompt on a single line: a few short phrases taken " \
  "from the research, one inspiration, one style, \"in the style of\" one " \
  "artist, and the aspect ratio at the very end. Write nothing after the " \
  "aspect ratio."

struct _SpTemplateExample
{
  GObject  parent_instance;

  char    *story;
  char    *prompt;
};

G_DEFINE_FINAL_TYPE (SpTemplateExample, sp_template_example, G_TYPE_OBJECT)

enum {
  EXAMPLE_PROP_0,
  EXAMPLE_PROP_STORY,
  EXAMPLE_PROP_PROMPT,
  EXAMPLE_N_PROPS
};

static GParamSpec *example_properties[EXAMPLE_N_PROPS];

struct _SpTemplate
{
  GObject     parent_instance;

  char       *name;
  char       *instruction;
  char       *short_instruction;
  char       *aspect_ratio;
  GStrv       styles;
  GStrv       inspirations;
  GStrv       artists;
  GListStore *examples;
};

G_DEFINE_FINAL_TYPE (SpTemplate, sp_template, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_INSTRUCTION,
  PROP_SHORT_INSTRUCTION,
  PROP_ASPECT_RATIO,
  PROP_STYLES,
  PROP_INSPIRATIONS,
  PROP_ARTISTS,
  PROP_EXAMPLES,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  static const char * const empty[] = { NULL };

  return g_strv_equal (a ? a : empty, b ? b : empty);
}

static gboolean
set_strv (GStrv              *strv_pointer,
          const char * const *new_strv)
{
  if (strv_equal0 ((const char * const *) *strv_pointer, new_strv))
    return FALSE;

  g_strfreev (*strv_pointer);
  *strv_pointer = new_strv ? g_strdupv ((char **) new_strv) : g_new0 (char *, 1);

  return TRUE;
}

static void
changed (SpTemplate *self,
         guint       prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Square brackets delimit the story in the rendered prompt, so a story
 * cannot contain them. */
static char *
clean_story (const char *story)
{
  char *clean = g_strstrip (g_strdup (story ? story : ""));

  for (char *p = clean; *p != '\0'; p++)
    {
      if (*p == '[')
        *p = '(';
      else if (*p == ']')
        *p = ')';
    }

  return clean;
}

static void
append_joined (GString            *out,
               const char         *key,
               const char * const *items)
{
  g_string_append_printf (out, "%s = ", key);

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, items[i]);
    }

  g_string_append_c (out, '\n');
}

/* One block without its answer: instruction, story, lists. */
static void
append_block (SpTemplate *self,
              GString    *out,
              const char *story)
{
  g_autofree char *clean = clean_story (story);

  g_string_append_printf (out, "%s\n[%s]\n", self->instruction, clean);
  append_joined (out, "styles", (const char * const *) self->styles);
  append_joined (out, "inspiration", (const char * const *) self->inspirations);
  append_joined (out, "artists", (const char * const *) self->artists);
  g_string_append_printf (out, "aspect ratio = %s\n", self->aspect_ratio);
}

static char *
render_block (SpTemplate *self,
              const char *story)
{
  GString *out = g_string_new (NULL);

  append_block (self, out, story);
  g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

static JsonObject *
message_new (const char *role,
             const char *content)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "role", role);
  json_object_set_string_member (message, "content", content);

  return message;
}

static gboolean
aspect_ratio_is_valid (const char *aspect_ratio)
{
  const char *p;

  if (aspect_ratio == NULL || !g_str_has_prefix (aspect_ratio, "--ar "))
    return FALSE;

  p = aspect_ratio + strlen ("--ar ");
  for (guint part = 0; part < 2; part++)
    {
      guint digits = 0;

      if (*p == '0')
        return FALSE;
      while (g_ascii_isdigit (*p))
        {
          p++;
          digits++;
        }
      if (digits == 0 || digits > 5)
        return FALSE;
      if (part == 0 && *p++ != ':')
        return FALSE;
    }

  return *p == '\0';
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }

  return TRUE;
}

static void
example_notify_cb (SpTemplate *self,
                   GParamSpec *pspec,
                   gpointer    example)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
examples_changed_cb (SpTemplate *self,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListModel *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (model, i);

      g_signal_connect_object (example, "notify",
                               G_CALLBACK (example_notify_cb),
                               self, G_CONNECT_SWAPPED);
    }

  g_signal_emit (self, signals[CHANGED], 0);
}

/* JSON reading helpers. Each returns FALSE with an error naming the
 * member when the member is there but has the wrong type. */

static gboolean
read_string (JsonObject  *object,
             const char  *member,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The template’s “%s” must be text. Fix the file or save the template again."),
                   member);
      return FALSE;
    }

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));

  return TRUE;
}

static gboolean
read_strv (JsonObject  *object,
           const char  *member,
           GStrv       *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad_type;

  builder = g_strv_builder_new ();
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        goto bad_type;

      g_strv_builder_add (builder, json_node_get_string (item));
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);

  return TRUE;

bad_type:
  g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
               _("The template’s “%s” must be a list of texts. Fix the file or save the template again."),
               member);
  return FALSE;
}

static gboolean
read_examples (SpTemplate  *self,
               JsonObject  *object,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, "examples");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_BAD_FILE,
                           _("The template’s “examples” must be a list of stories with their prompts. Fix the file or save the template again."));
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *story = NULL;
      g_autofree char *prompt = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                       _("Worked example %u of the template is not an object with “story” and “prompt”. Fix the file or save the template again."),
                       i + 1);
          return FALSE;
        }

      if (!read_string (json_node_get_object (item), "story", &story, error) ||
          !read_string (json_node_get_object (item), "prompt", &prompt, error))
        return FALSE;

      sp_template_add_example (self, story, prompt);
    }

  return TRUE;
}

static void
builder_add_strv (JsonBuilder        *builder,
                  const char         *member,
                  const char * const *items)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    json_builder_add_string_value (builder, items[i]);
  json_builder_end_array (builder);
}

/* SpTemplateExample */

static void
sp_template_example_finalize (GObject *object)
{
  SpTemplateExample *self = (SpTemplateExample *)object;

  g_clear_pointer (&self->story, g_free);
  g_clear_pointer (&self->prompt, g_free);

  G_OBJECT_CLASS (sp_template_example_parent_class)->finalize (object);
}

static void
sp_template_example_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SpTemplateExample *self = SP_TEMPLATE_EXAMPLE (object);

  switch (prop_id)
    {
    case EXAMPLE_PROP_STORY:
      g_value_set_string (value, self->story);
      break;

    case EXAMPLE_PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_template_example_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SpTemplateExample *self = SP_TEMPLATE_EXAMPLE (object);

  switch (prop_id)
    {
    case EXAMPLE_PROP_STORY:
      sp_template_example_set_story (self, g_value_get_string (value));
      break;

    case EXAMPLE_PROP_PROMPT:
      sp_template_example_set_prompt (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_template_example_class_init (SpTemplateExampleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_template_example_finalize;
  object_class->get_property = sp_template_example_get_property;
  object_class->set_property = sp_template_example_set_property;

  example_properties[EXAMPLE_PROP_STORY] =
    g_param_spec_string ("story", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  example_properties[EXAMPLE_PROP_PROMPT] =
    g_param_spec_string ("prompt", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, EXAMPLE_N_PROPS, example_properties);
}

static void
sp_template_example_init (SpTemplateExample *self)
{
  self->story = g_strdup ("");
  self->prompt = g_strdup ("");
}

SpTemplateExample *
sp_template_example_new (const char *story,
                         const char *prompt)
{
  return g_object_new (SP_TYPE_TEMPLATE_EXAMPLE,
                       "story", story ? story : "",
                       "prompt", prompt ? prompt : "",
                       NULL);
}

const char *
sp_template_example_get_story (SpTemplateExample *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE_EXAMPLE (self), NULL);

  return self->story;
}

const char *
sp_template_example_get_prompt (SpTemplateExample *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE_EXAMPLE (self), NULL);

  return self->prompt;
}

void
sp_template_example_set_story (SpTemplateExample *self,
                               const char        *story)
{
  g_return_if_fail (SP_IS_TEMPLATE_EXAMPLE (self));

  if (sp_set_str (&self->story, story ? story : ""))
    g_object_notify_by_pspec (G_OBJECT (self), example_properties[EXAMPLE_PROP_STORY]);
}

void
sp_template_example_set_prompt (SpTemplateExample *self,
                                const char        *prompt)
{
  g_return_if_fail (SP_IS_TEMPLATE_EXAMPLE (self));

  if (sp_set_str (&self->prompt, prompt ? prompt : ""))
    g_object_notify_by_pspec (G_OBJECT (self), example_properties[EXAMPLE_PROP_PROMPT]);
}

/* SpTemplate */

static void
sp_template_dispose (GObject *object)
{
  SpTemplate *self = (SpTemplate *)object;

  if (self->examples != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->examples, examples_changed_cb, self);
      g_clear_object (&self->examples);
    }

  G_OBJECT_CLASS (sp_template_parent_class)->dispose (object);
}

static void
sp_template_finalize (GObject *object)
{
  SpTemplate *self = (SpTemplate *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->instruction, g_free);
  g_clear_pointer (&self->short_instruction, g_free);
  g_clear_pointer (&self->aspect_ratio, g_free);
  g_clear_pointer (&self->styles, g_strfreev);
  g_clear_pointer (&self->inspirations, g_strfreev);
  g_clear_pointer (&self->artists, g_strfreev);

  G_OBJECT_CLASS (sp_template_parent_class)->finalize (object);
}

static void
sp_template_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SpTemplate *self = SP_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_INSTRUCTION:
      g_value_set_string (value, self->instruction);
      break;

    case PROP_SHORT_INSTRUCTION:
      g_value_set_string (value, self->short_instruction);
      break;

    case PROP_ASPECT_RATIO:
      g_value_set_string (value, self->aspect_ratio);
      break;

    case PROP_STYLES:
      g_value_set_boxed (value, self->styles);
      break;

    case PROP_INSPIRATIONS:
      g_value_set_boxed (value, self->inspirations);
      break;

    case PROP_ARTISTS:
      g_value_set_boxed (value, self->artists);
      break;

    case PROP_EXAMPLES:
      g_value_set_object (value, self->examples);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_template_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SpTemplate *self = SP_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      sp_template_set_name (self, g_value_get_string (value));
      break;

    case PROP_INSTRUCTION:
      sp_template_set_instruction (self, g_value_get_string (value));
      break;

    case PROP_SHORT_INSTRUCTION:
      sp_template_set_short_instruction (self, g_value_get_string (value));
      break;

    case PROP_ASPECT_RATIO:
      sp_template_set_aspect_ratio (self, g_value_get_string (value));
      break;

    case PROP_STYLES:
      sp_template_set_styles (self, g_value_get_boxed (value));
      break;

    case PROP_INSPIRATIONS:
      sp_template_set_inspirations (self, g_value_get_boxed (value));
      break;

    case PROP_ARTISTS:
      sp_template_set_artists (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_template_class_init (SpTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sp_template_dispose;
  object_class->finalize = sp_template_finalize;
  object_class->get_property = sp_template_get_property;
  object_class->set_property = sp_template_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_INSTRUCTION] =
    g_param_spec_string ("instruction", NULL, NULL,
                         DEFAULT_INSTRUCTION,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_SHORT_INSTRUCTION] =
    g_param_spec_string ("short-instruction", NULL, NULL,
                         DEFAULT_SHORT_INSTRUCTION,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_ASPECT_RATIO] =
    g_param_spec_string ("aspect-ratio", NULL, NULL,
                         DEFAULT_ASPECT_RATIO,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STYLES] =
    g_param_spec_boxed ("styles", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_INSPIRATIONS] =
    g_param_spec_boxed ("inspirations", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_ARTISTS] =
    g_param_spec_boxed ("artists", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_EXAMPLES] =
    g_param_spec_object ("examples", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SpTemplate::changed:
   *
   * Emitted after any property changes, and after an example is added,
   * removed or edited: the moment to render a preview again.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

static void
sp_template_init (SpTemplate *self)
{
  self->name = g_strdup (_("New Template"));
  self->instruction = g_strdup (DEFAULT_INSTRUCTION);
  self->short_instruction = g_strdup (DEFAULT_SHORT_INSTRUCTION);
  self->aspect_ratio = g_strdup (DEFAULT_ASPECT_RATIO);
  self->styles = g_new0 (char *, 1);
  self->inspirations = g_new0 (char *, 1);
  self->artists = g_new0 (char *, 1);
  self->examples = g_list_store_new (SP_TYPE_TEMPLATE_EXAMPLE);

  g_signal_connect_object (self->examples, "items-changed",
                           G_CALLBACK (examples_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

SpTemplate *
sp_template_new (void)
{
  return g_object_new (SP_TYPE_TEMPLATE, NULL);
}

/**
 * sp_template_new_builtin:
 *
 * The built-in sci-fi template, from the core resources.
 *
 * Returns: (transfer full): a new template
 */
SpTemplate *
sp_template_new_builtin (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SpTemplate *self;

  bytes = g_resources_lookup_data (BUILTIN_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("The built-in template is missing: %s", error->message);

  self = sp_template_new_from_json (g_bytes_get_data (bytes, NULL),
                                    g_bytes_get_size (bytes),
                                    &error);
  if (self == NULL)
    g_error ("The built-in template is broken: %s", error->message);

  return self;
}

/**
 * sp_template_new_from_json:
 * @json: the template as written by sp_template_to_json()
 * @length: the length of @json, or -1 if it is nul-terminated
 *
 * Members that are missing keep their defaults; members of the wrong type
 * are an error. The template is not validated: see sp_template_validate().
 *
 * Returns: (transfer full) (nullable): a new template, or %NULL with
 *   @error set
 */
SpTemplate *
sp_template_new_from_json (const char  *json,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SpTemplate) self = NULL;
  JsonObject *object;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      /* json-glib quotes the string it stopped at, octal escapes read. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, SP_ERROR, SP_ERROR_BAD_FILE,
                   _("The template is not valid JSON (%s). Fix the file or choose another one."),
                   detail);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_BAD_FILE,
                           _("The template file is empty. Choose a template file."));
      return NULL;
    }

  if (!sp_json_node_is_utf8 (root))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_BAD_FILE,
                           _("The template has text that is not UTF-8 (an escape such as “\\302”?). Fix the file or choose another one."));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_BAD_FILE,
                           _("The file is JSON but not a template: a template is an object with an “instruction”, lists and “examples”. Choose a template file."));
      return NULL;
    }

  object = json_node_get_object (root);
  self = sp_template_new ();

  if (!read_string (object, "name", &self->name, error) ||
      !read_string (object, "instruction", &self->instruction, error) ||
      !read_string (object, "short-instruction", &self->short_instruction, error) ||
      !read_string (object, "aspect-ratio", &self->aspect_ratio, error) ||
      !read_strv (object, "styles", &self->styles, error) ||
      !read_strv (object, "inspirations", &self->inspirations, error) ||
      !read_strv (object, "artists", &self->artists, error) ||
      !read_examples (self, object, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * sp_template_to_json:
 *
 * Returns: (transfer full): the template as pretty-printed JSON
 */
char *
sp_template_to_json (SpTemplate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n_examples;

  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "instruction");
  json_builder_add_string_value (builder, self->instruction);
  json_builder_set_member_name (builder, "short-instruction");
  json_builder_add_string_value (builder, self->short_instruction);
  builder_add_strv (builder, "styles", (const char * const *) self->styles);
  builder_add_strv (builder, "inspirations", (const char * const *) self->inspirations);
  builder_add_strv (builder, "artists", (const char * const *) self->artists);
  json_builder_set_member_name (builder, "aspect-ratio");
  json_builder_add_string_value (builder, self->aspect_ratio);

  json_builder_set_member_name (builder, "examples");
  json_builder_begin_array (builder);
  n_examples = g_list_model_get_n_items (G_LIST_MODEL (self->examples));
  for (guint i = 0; i < n_examples; i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (G_LIST_MODEL (self->examples), i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "story");
      json_builder_add_string_value (builder, example->story);
      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, example->prompt);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  return json_generator_to_data (generator, NULL);
}

/**
 * sp_template_copy:
 *
 * Returns: (transfer full): a deep copy, with copies of the examples
 */
SpTemplate *
sp_template_copy (SpTemplate *self)
{
  SpTemplate *copy;
  guint n_examples;

  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  copy = g_object_new (SP_TYPE_TEMPLATE,
                       "name", self->name,
                       "instruction", self->instruction,
                       "short-instruction", self->short_instruction,
                       "aspect-ratio", self->aspect_ratio,
                       "styles", self->styles,
                       "inspirations", self->inspirations,
                       "artists", self->artists,
                       NULL);

  n_examples = g_list_model_get_n_items (G_LIST_MODEL (self->examples));
  for (guint i = 0; i < n_examples; i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (G_LIST_MODEL (self->examples), i);

      sp_template_add_example (copy, example->story, example->prompt);
    }

  return copy;
}

const char *
sp_template_get_name (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return self->name;
}

const char *
sp_template_get_instruction (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return self->instruction;
}

const char *
sp_template_get_short_instruction (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return self->short_instruction;
}

const char *
sp_template_get_aspect_ratio (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return self->aspect_ratio;
}

const char * const *
sp_template_get_styles (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return (const char * const *) self->styles;
}

const char * const *
sp_template_get_inspirations (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return (const char * const *) self->inspirations;
}

const char * const *
sp_template_get_artists (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return (const char * const *) self->artists;
}

/**
 * sp_template_get_examples:
 *
 * Returns: (transfer none): the worked examples, a GListModel of
 *   SpTemplateExample
 */
GListModel *
sp_template_get_examples (SpTemplate *self)
{
  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  return G_LIST_MODEL (self->examples);
}

void
sp_template_set_name (SpTemplate *self,
                      const char *name)
{
  g_return_if_fail (SP_IS_TEMPLATE (self));

  if (sp_set_str (&self->name, name ? name : ""))
    changed (self, PROP_NAME);
}

void
sp_template_set_instruction (SpTemplate *self,
                             const char *instruction)
{
  g_return_if_fail (SP_IS_TEMPLATE (self));

  if (sp_set_str (&self->instruction, instruction ? instruction : ""))
    changed (self, PROP_INSTRUCTION);
}

void
sp_template_set_short_instruction (SpTemplate *self,
                                   const char *short_instruction)
{
  g_return_if_fail (SP_IS_TEMPLATE (self));

  if (sp_set_str (&self->short_instruction, short_instruction ? short_instruction : ""))
    changed (self, PROP_SHORT_INSTRUCTION);
}

void
sp_template_set_aspect_ratio (SpTemplate *self,
                              const char *aspect_ratio)
{
  g_return_if_fail (SP_IS_TEMPLATE (self));

  if (sp_set_str (&self->aspect_ratio, aspect_ratio ? aspect_ratio : ""))
    changed (self, PROP_ASPECT_RATIO);
}

void
sp_template_set_styles (SpTemplate         *self,
                        const char * const *styles)
{
  g_return_if_fail (SP_IS_TEMPLATE (self));

  if (set_strv (&self->styles, styles))
    changed (self, PROP_STYLES);
}

void
sp_template_set_inspirations (SpTemplate         *self,
                              const char * const *inspirations)
{
  g_return_if_fail (SP_IS_TEMPLATE (self));

  if (set_strv (&self->inspirations, inspirations))
    changed (self, PROP_INSPIRATIONS);
}

void
sp_template_set_artists (SpTemplate         *self,
                         const char * const *artists)
{
  g_return_if_fail (SP_IS_TEMPLATE (self));

  if (set_strv (&self->artists, artists))
    changed (self, PROP_ARTISTS);
}

void
sp_template_add_example (SpTemplate *self,
                         const char *story,
                         const char *prompt)
{
  g_autoptr(SpTemplateExample) example = NULL;

  g_return_if_fail (SP_IS_TEMPLATE (self));

  example = sp_template_example_new (story, prompt);
  g_list_store_append (self->examples, example);
}

void
sp_template_remove_example (SpTemplate *self,
                            guint       position)
{
  g_autoptr(SpTemplateExample) example = NULL;

  g_return_if_fail (SP_IS_TEMPLATE (self));

  example = g_list_model_get_item (G_LIST_MODEL (self->examples), position);
  g_return_if_fail (example != NULL);

  g_signal_handlers_disconnect_by_func (example, example_notify_cb, self);
  g_list_store_remove (self->examples, position);
}

/**
 * sp_template_render_completion:
 * @story: the new story
 *
 * Every worked example as a block followed by "Prompt: <prompt>", a blank
 * line, then the block for @story ending with "Prompt:", the cue for the
 * model. Square brackets in stories become parentheses.
 *
 * Returns: (transfer full): the completion prompt
 */
char *
sp_template_render_completion (SpTemplate *self,
                               const char *story)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n_examples;

  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  n_examples = g_list_model_get_n_items (G_LIST_MODEL (self->examples));
  for (guint i = 0; i < n_examples; i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (G_LIST_MODEL (self->examples), i);
      g_autofree char *prompt = g_strstrip (g_strdup (example->prompt));

      append_block (self, out, example->story);
      g_string_append_printf (out, "Prompt: %s\n\n", prompt);
    }

  append_block (self, out, story);
  g_string_append (out, "Prompt:");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * sp_template_render_messages:
 * @story: the new story
 *
 * Returns: (transfer full): a JsonArray of {"role", "content"} objects: a
 *   system message with the instruction and the format, a user/assistant
 *   pair per worked example, and the user message for @story
 */
JsonArray *
sp_template_render_messages (SpTemplate *self,
                             const char *story)
{
  JsonArray *messages;
  g_autofree char *system = NULL;
  g_autofree char *last = NULL;
  guint n_examples;

  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  messages = json_array_new ();
  system = g_strdup_printf ("%s %s", self->instruction, SYSTEM_FORMAT);
  json_array_add_object_element (messages, message_new ("system", system));

  n_examples = g_list_model_get_n_items (G_LIST_MODEL (self->examples));
  for (guint i = 0; i < n_examples; i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (G_LIST_MODEL (self->examples), i);
      g_autofree char *block = render_block (self, example->story);
      g_autofree char *prompt = g_strstrip (g_strdup (example->prompt));

      json_array_add_object_element (messages, message_new ("user", block));
      json_array_add_object_element (messages, message_new ("assistant", prompt));
    }

  last = render_block (self, story);
  json_array_add_object_element (messages, message_new ("user", last));

  return messages;
}

char *
sp_template_render_short (SpTemplate *self,
                          const char *subject)
{
  g_autofree char *clean = NULL;

  g_return_val_if_fail (SP_IS_TEMPLATE (self), NULL);

  clean = g_strstrip (g_strdup (subject ? subject : ""));

  return g_strdup_printf ("%s %s", self->short_instruction, clean);
}

gboolean
sp_template_validate (SpTemplate  *self,
                      GError     **error)
{
  guint n_examples;

  g_return_val_if_fail (SP_IS_TEMPLATE (self), FALSE);

  if (is_blank (self->instruction))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The instruction is empty. Write what the model should do, for example “Imagine and create a sci-fi Midjourney prompt from the following research in brackets.”"));
      return FALSE;
    }

  if (!aspect_ratio_is_valid (self->aspect_ratio))
    {
      g_set_error_literal (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                           _("The aspect ratio must look like “--ar 3:2”: “--ar”, a space, then two whole numbers above zero separated by a colon."));
      return FALSE;
    }

  n_examples = g_list_model_get_n_items (G_LIST_MODEL (self->examples));
  for (guint i = 0; i < n_examples; i++)
    {
      g_autoptr(SpTemplateExample) example = g_list_model_get_item (G_LIST_MODEL (self->examples), i);

      if (is_blank (example->story))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("Worked example %u has no story. Write one or remove the example."),
                       i + 1);
          return FALSE;
        }

      if (is_blank (example->prompt))
        {
          g_set_error (error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                       _("Worked example %u has no finished prompt. Write one or remove the example."),
                       i + 1);
          return FALSE;
        }
    }

  return TRUE;
}
