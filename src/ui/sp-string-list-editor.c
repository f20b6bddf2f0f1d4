// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-string-list-editor"

#include "config.h"

#include "sp-string-list-editor.h"

#include <glib/gi18n.h>

struct _SpStringListEditor
{
  AdwBin                parent_instance;

  /* Template children */
  GtkListBox           *list_box;
  AdwEntryRow          *add_row;

  GStrv                 strings;
};

G_DEFINE_FINAL_TYPE (SpStringListEditor, sp_string_list_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STRINGS,
  PROP_TITLE,
  PROP_ADD_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The group is the bin's child, so it is not a bound template child:
 * AdwBin unparents its child itself on dispose. */
static AdwPreferencesGroup *
get_group (SpStringListEditor *self)
{
  return ADW_PREFERENCES_GROUP (adw_bin_get_child (ADW_BIN (self)));
}

static void
remove_item_cb (GtkButton          *button,
                SpStringListEditor *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strings = NULL;

  for (guint i = 0; self->strings != NULL && self->strings[i] != NULL; i++)
    if (i != index)
      g_strv_builder_add (builder, self->strings[i]);
  strings = g_strv_builder_end (builder);
  sp_string_list_editor_set_strings (self, (const char * const *) strings);
  gtk_widget_grab_focus (GTK_WIDGET (self->add_row));
}

static void
rebuild_rows (SpStringListEditor *self)
{
  GtkWidget *child;

  /* Remove every row but the entry row at the end. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL &&
         child != GTK_WIDGET (self->add_row))
    gtk_list_box_remove (self->list_box, child);

  for (guint i = 0; self->strings != NULL && self->strings[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");
      g_autofree char *label = g_strdup_printf (_("Remove “%s”"), self->strings[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), self->strings[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (remove_item_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_insert (self->list_box, row, (int) i);
    }
}

static void
add_row_apply_cb (SpStringListEditor *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_row)));
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) strings = NULL;

  g_strstrip (text);
  if (*text == '\0')
    return;

  builder = g_strv_builder_new ();
  if (self->strings != NULL)
    g_strv_builder_addv (builder, (const char **) self->strings);
  g_strv_builder_add (builder, text);
  strings = g_strv_builder_end (builder);
  sp_string_list_editor_set_strings (self, (const char * const *) strings);
  gtk_editable_set_text (GTK_EDITABLE (self->add_row), "");
}

static void
sp_string_list_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SP_TYPE_STRING_LIST_EDITOR);

  G_OBJECT_CLASS (sp_string_list_editor_parent_class)->dispose (object);
}

static void
sp_string_list_editor_finalize (GObject *object)
{
  SpStringListEditor *self = SP_STRING_LIST_EDITOR (object);

  g_clear_pointer (&self->strings, g_strfreev);

  G_OBJECT_CLASS (sp_string_list_editor_parent_class)->finalize (object);
}

static void
sp_string_list_editor_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SpStringListEditor *self = SP_STRING_LIST_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STRINGS:
      g_value_set_boxed (value, self->strings);
      break;
    case PROP_TITLE:
      g_value_set_string (value, adw_preferences_group_get_title (get_group (self)));
      break;
    case PROP_ADD_TITLE:
      g_value_set_string (value, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->add_row)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_string_list_editor_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  SpStringListEditor *self = SP_STRING_LIST_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STRINGS:
      sp_string_list_editor_set_strings (self, g_value_get_boxed (value));
      break;
    case PROP_TITLE:
      adw_preferences_group_set_title (get_group (self), g_value_get_string (value));
      break;
    case PROP_ADD_TITLE:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_row), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_string_list_editor_class_init (SpStringListEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_string_list_editor_dispose;
  object_class->finalize = sp_string_list_editor_finalize;
  object_class->get_property = sp_string_list_editor_get_property;
  object_class->set_property = sp_string_list_editor_set_property;

  properties[PROP_STRINGS] =
    g_param_spec_boxed ("strings", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADD_TITLE] =
    g_param_spec_string ("add-title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-string-list-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SpStringListEditor, list_box);
  gtk_widget_class_bind_template_child (widget_class, SpStringListEditor, add_row);
  gtk_widget_class_bind_template_callback (widget_class, add_row_apply_cb);
}

static void
sp_string_list_editor_init (SpStringListEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SpStringListEditor *
sp_string_list_editor_new (void)
{
  return g_object_new (SP_TYPE_STRING_LIST_EDITOR, NULL);
}

const char * const *
sp_string_list_editor_get_strings (SpStringListEditor *self)
{
  g_return_val_if_fail (SP_IS_STRING_LIST_EDITOR (self), NULL);

  return (const char * const *) self->strings;
}

void
sp_string_list_editor_set_strings (SpStringListEditor *self,
                                   const char * const *strings)
{
  g_return_if_fail (SP_IS_STRING_LIST_EDITOR (self));

  if (self->strings != NULL && strings != NULL &&
      g_strv_equal ((const char * const *) self->strings, strings))
    return;
  if (self->strings == NULL && strings == NULL)
    return;

  g_clear_pointer (&self->strings, g_strfreev);
  self->strings = g_strdupv ((char **) strings);
  rebuild_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STRINGS]);
}
