// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The offline provider's generator. It reads a prompt rendered by
 * SpTemplate (full few-shot, chat or completion text, or the short
 * variant), takes the template's lists (styles, inspiration, artists,
 * aspect ratio) and the salient phrases of the story or subject, and writes
 * a new image prompt such as
 *   "leaving Earth, unknown galaxies, Star Wars style, pixel art, in the
 *    style of Chris Foss --ar 3:2".
 * The same prompt and seed give the same result; a seed of 0 derives one
 * from the text, so the same prompt gives the same answer until the caller
 * picks a seed. Only the last 256 KiB of the prompt are read, so the time
 * is bounded whatever the input; invalid UTF-8 is repaired first.
 * Never fails: a prompt
 * with nothing to take from still yields a plausible sci-fi prompt. */
char *sp_offline_generate (const char *prompt_text,
                           guint64     seed);

G_END_DECLS
