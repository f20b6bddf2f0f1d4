// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One worked example of the few-shot template: a story and the finished
 * image prompt made from it. */
#define SP_TYPE_TEMPLATE_EXAMPLE (sp_template_example_get_type ())
G_DECLARE_FINAL_TYPE (SpTemplateExample, sp_template_example, SP, TEMPLATE_EXAMPLE, GObject)

SpTemplateExample *sp_template_example_new        (const char *story,
                                                   const char *prompt);
const char        *sp_template_example_get_story  (SpTemplateExample *self);
const char        *sp_template_example_get_prompt (SpTemplateExample *self);
void               sp_template_example_set_story  (SpTemplateExample *self,
                                                   const char        *story);
void               sp_template_example_set_prompt (SpTemplateExample *self,
                                                   const char        *prompt);

#define SP_TYPE_TEMPLATE (sp_template_get_type ())
G_DECLARE_FINAL_TYPE (SpTemplate, sp_template, SP, TEMPLATE, GObject)

/* Properties (all notify, so a live preview can bind to "changed"):
 *   "name", "instruction", "short-instruction", "aspect-ratio",
 *   "styles", "inspirations", "artists" (GStrv), "examples" (GListModel
 *   of SpTemplateExample, read-only; edit it with the functions below).
 * Signal "changed": emitted after any of the above changes, including an
 * example's story or prompt. */
SpTemplate  *sp_template_new                  (void);
SpTemplate  *sp_template_new_builtin          (void);
SpTemplate  *sp_template_new_from_json        (const char   *json,
                                               gssize        length,
                                               GError      **error);
char        *sp_template_to_json              (SpTemplate   *self);
SpTemplate  *sp_template_copy                 (SpTemplate   *self);

const char  *sp_template_get_name             (SpTemplate   *self);
const char  *sp_template_get_instruction      (SpTemplate   *self);
const char  *sp_template_get_short_instruction (SpTemplate  *self);
const char  *sp_template_get_aspect_ratio     (SpTemplate   *self);
const char * const *sp_template_get_styles    (SpTemplate   *self);
const char * const *sp_template_get_inspirations (SpTemplate *self);
const char * const *sp_template_get_artists   (SpTemplate   *self);
GListModel  *sp_template_get_examples         (SpTemplate   *self);

void         sp_template_set_name             (SpTemplate   *self,
                                               const char   *name);
void         sp_template_set_instruction      (SpTemplate   *self,
                                               const char   *instruction);
void         sp_template_set_short_instruction (SpTemplate  *self,
                                               const char   *short_instruction);
void         sp_template_set_aspect_ratio     (SpTemplate   *self,
                                               const char   *aspect_ratio);
void         sp_template_set_styles           (SpTemplate   *self,
                                               const char * const *styles);
void         sp_template_set_inspirations     (SpTemplate   *self,
                                               const char * const *inspirations);
void         sp_template_set_artists          (SpTemplate   *self,
                                               const char * const *artists);
void         sp_template_add_example          (SpTemplate   *self,
                                               const char   *story,
                                               const char   *prompt);
void         sp_template_remove_example       (SpTemplate   *self,
                                               guint         position);

/* The full few-shot prompt as completion text (ends with the cue for the
 * model to write the prompt), and as chat messages: a JsonArray of
 * {"role","content"} objects (system, example user/assistant pairs, user). */
char        *sp_template_render_completion    (SpTemplate   *self,
                                               const char   *story);
JsonArray   *sp_template_render_messages      (SpTemplate   *self,
                                               const char   *story);
/* The short variant: "<short-instruction> <subject>", e.g. "Imagine and
 * create a sci-fi Midjourney prompt about AI". */
char        *sp_template_render_short         (SpTemplate   *self,
                                               const char   *subject);

/* Checks that the template can render: instruction not empty, aspect
 * ratio of the form "--ar W:H", examples complete. */
gboolean     sp_template_validate             (SpTemplate   *self,
                                               GError      **error);

G_END_DECLS
