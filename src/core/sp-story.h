// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SP_TYPE_STORY (sp_story_get_type ())
G_DECLARE_FINAL_TYPE (SpStory, sp_story, SP, STORY, GObject)

/* A short story ("research") the template turns into an image prompt.
 * Properties "title" and "text". */
SpStory    *sp_story_new       (const char *title,
                                const char *text);
const char *sp_story_get_title (SpStory    *self);
const char *sp_story_get_text  (SpStory    *self);
void        sp_story_set_title (SpStory    *self,
                                const char *title);
void        sp_story_set_text  (SpStory    *self,
                                const char *text);

/* The built-in original sample stories (at least ten), as a new
 * GListStore of SpStory, from the core resources. */
GListModel *sp_story_get_builtin (void);

/* Stories from JSON: an array of {"title", "text"} objects, the format of
 * the built-in file. Returns a new GListStore of SpStory, or NULL with an
 * error (SP_ERROR_BAD_FILE) that says what is wrong. */
GListModel *sp_story_list_new_from_json (const char  *json,
                                         gssize       length,
                                         GError     **error);

G_END_DECLS
