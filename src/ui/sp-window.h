// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "sp-application.h"

G_BEGIN_DECLS

#define SP_TYPE_WINDOW (sp_window_get_type ())
G_DECLARE_FINAL_TYPE (SpWindow, sp_window, SP, WINDOW, AdwApplicationWindow)

SpWindow     *sp_window_new             (SpApplication *application);
/* The pages, for tests and for actions that open a page with a model. */
GtkWidget    *sp_window_get_prompt_page (SpWindow      *self);
void      sp_window_show_toast (SpWindow      *self,
                                const char    *message);
void      sp_window_show_error (SpWindow      *self,
                                const char    *message);
void      sp_window_add_toast  (SpWindow      *self,
                                AdwToast      *toast);
/* For pages and other widgets: the toast or error goes to the window
 * that holds @widget, or to the debug log when it is in none (tests). */
void      sp_window_toast_from (GtkWidget     *widget,
                                const char    *message);
void      sp_window_error_from (GtkWidget     *widget,
                                const char    *message);

G_END_DECLS
