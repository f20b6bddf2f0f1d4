// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SP_TYPE_STRING_LIST_EDITOR (sp_string_list_editor_get_type ())
G_DECLARE_FINAL_TYPE (SpStringListEditor, sp_string_list_editor, SP, STRING_LIST_EDITOR, AdwBin)

/* An editable list of short strings (styles, artists, …): one row per
 * item with a remove button, and an entry row to add one.
 * Properties: "strings" (GStrv), "title", "add-title". */
SpStringListEditor  *sp_string_list_editor_new         (void);
const char * const  *sp_string_list_editor_get_strings (SpStringListEditor *self);
void                 sp_string_list_editor_set_strings (SpStringListEditor *self,
                                                        const char * const *strings);

G_END_DECLS
