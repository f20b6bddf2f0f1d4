// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_PREFERENCES_WINDOW (sp_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SpPreferencesWindow, sp_preferences_window, SP, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Providers: the key of each (kept in the secret service), base URLs,
 * "Test Connection", and new OpenAI-compatible profiles from presets. */
SpPreferencesWindow *sp_preferences_window_new (SpProviderList *providers,
                                                SpSecrets      *secrets);

G_END_DECLS
