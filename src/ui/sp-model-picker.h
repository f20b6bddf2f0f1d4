// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_MODEL_PICKER (sp_model_picker_get_type ())
G_DECLARE_FINAL_TYPE (SpModelPicker, sp_model_picker, SP, MODEL_PICKER, GObject)

/* Whether @model belongs in the menu of the provider's models. */
typedef gboolean (*SpModelPickerFilterFunc) (const char *model,
                                             gpointer    user_data);

/* The provider and model rows of a page, made to work: the provider combo
 * row shows a list of SpProviders by name and selects a provider by id,
 * also one of a saved profile that arrives later; the model entry row
 * gives the model typed or the provider's default; and the optional menu
 * button lists the provider's models (looking up its key in the secret
 * service first), choosing one fills the model row. The rows stay in the
 * page's template, so each page keeps its titles, mnemonics and
 * accessible names.
 *
 * Properties: "provider" (read-only, SpProvider, nullable: the one
 * selected), "key-required" (when set, a provider without a key shows
 * that in the menu instead of asking the server without one). */
SpModelPicker *sp_model_picker_new                (AdwComboRow             *provider_row,
                                                   AdwEntryRow             *model_row,
                                                   GtkMenuButton           *models_button);

void           sp_model_picker_setup              (SpModelPicker           *self,
                                                   GListModel              *providers,
                                                   SpSecrets               *secrets,
                                                   const char              *provider_id);

SpProvider    *sp_model_picker_get_provider       (SpModelPicker           *self);
void           sp_model_picker_select_provider    (SpModelPicker           *self,
                                                   const char              *provider_id);
gboolean       sp_model_picker_get_key_required   (SpModelPicker           *self);
void           sp_model_picker_set_key_required   (SpModelPicker           *self,
                                                   gboolean                 key_required);
char          *sp_model_picker_dup_typed_model    (SpModelPicker           *self);
char          *sp_model_picker_dup_model          (SpModelPicker           *self);
void           sp_model_picker_set_model          (SpModelPicker           *self,
                                                   const char              *model);
void           sp_model_picker_set_model_filter   (SpModelPicker           *self,
                                                   SpModelPickerFilterFunc  filter,
                                                   gpointer                 user_data,
                                                   GDestroyNotify           destroy);
void           sp_model_picker_refresh_models     (SpModelPicker           *self);

G_END_DECLS
