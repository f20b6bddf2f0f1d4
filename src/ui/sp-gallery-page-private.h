// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sp-gallery-page.h"

G_BEGIN_DECLS

/* For tests: how many thumbnails the page has asked for so far. */
guint        sp_gallery_page_get_n_thumbnail_requests (SpGalleryPage *self);
/* For tests: the scoreboard the popover shows (NULL before it opened). */
GListModel  *sp_gallery_page_get_scoreboard           (SpGalleryPage *self);
/* For tests: reads the scoreboard again, as opening the popover does. */
void         sp_gallery_page_update_scoreboard        (SpGalleryPage *self);

G_END_DECLS
