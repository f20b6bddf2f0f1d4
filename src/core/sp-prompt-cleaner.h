// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Keeps the image prompt of a model's answer and drops the rest:
 *
 *  - leading chat chatter ("Sure! Here is your prompt:", "Prompt:",
 *    "/imagine prompt:");
 *  - Markdown: code fences, block quotes, bold and italics, list marks,
 *    and quotes around the whole prompt;
 *  - everything after the Midjourney parameters (--ar 3:2 --v 6
 *    --stylize 250 --chaos 20 --q 2 --niji …), or, without parameters,
 *    everything after the first paragraph of the prompt.
 *
 * The result is one line with single spaces; "" when nothing is left.
 * Never NULL. */
char *sp_prompt_cleaner_clean (const char *raw);

/* Whether @word (without the leading dashes) is a Midjourney parameter
 * that this cleaner knows. */
gboolean sp_prompt_cleaner_is_parameter (const char *word);

G_END_DECLS
