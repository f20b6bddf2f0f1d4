// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sp-comparison.h"

G_BEGIN_DECLS

/* For the gallery, which fills items in pages and their details later. */
void        sp_comparison_set_complete   (SpComparison     *self,
                                          gboolean          complete);
/* Sets the raw and cleaned text as stored, without cleaning again. */
void        sp_comparison_side_set_texts (SpComparisonSide *self,
                                          const char       *raw_text,
                                          const char       *cleaned_text);
/* Replaces the images (SpImage) of the side. */
void        sp_comparison_side_set_images (SpComparisonSide *self,
                                          GPtrArray        *images);
/* Appends one image (SpImage) unless the side has it already; FALSE when
 * it had. */
gboolean    sp_comparison_side_add_image (SpComparisonSide *self,
                                          gpointer          image);

G_END_DECLS
