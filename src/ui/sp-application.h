// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_APPLICATION (sp_application_get_type ())
G_DECLARE_FINAL_TYPE (SpApplication, sp_application, SP, APPLICATION, AdwApplication)

SpApplication  *sp_application_new                (void);
SpProviderList *sp_application_get_provider_list  (SpApplication *self);
SpSecrets      *sp_application_get_secrets        (SpApplication *self);
GSettings      *sp_application_get_settings       (SpApplication *self);
SpStore        *sp_application_get_store          (SpApplication *self);

G_END_DECLS
