// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

#define SP_TYPE_PROMPT_PAGE (sp_prompt_page_get_type ())
G_DECLARE_FINAL_TYPE (SpPromptPage, sp_prompt_page, SP, PROMPT_PAGE, AdwBin)

/* The Prompt page: the few-shot template as a form, a story, a live
 * preview, provider and model pickers, and Generate / Stop / Copy.
 * Actions: prompt.generate (Ctrl+Return), prompt.stop (Escape),
 * prompt.copy, prompt.add-example, prompt.set-model(s).
 * Properties: "generating" (read-only), "template" (read-only). */
void        sp_prompt_page_setup          (SpPromptPage   *self,
                                           SpProviderList *providers,
                                           SpSecrets      *secrets,
                                           GSettings      *settings);
void        sp_prompt_page_save_state     (SpPromptPage   *self);
void        sp_prompt_page_show_pricing   (SpPromptPage   *self);
gboolean    sp_prompt_page_get_generating (SpPromptPage   *self);
SpTemplate *sp_prompt_page_get_template   (SpPromptPage   *self);
char       *sp_prompt_page_dup_result     (SpPromptPage   *self);
char       *sp_prompt_page_dup_status     (SpPromptPage   *self);
char       *sp_prompt_page_dup_cost_text  (SpPromptPage   *self);
void        sp_prompt_page_set_story_text (SpPromptPage   *self,
                                           const char     *text);
void        sp_prompt_page_select_provider (SpPromptPage  *self,
                                           const char     *provider_id);
void        sp_prompt_page_set_model      (SpPromptPage   *self,
                                           const char     *model);

G_END_DECLS
