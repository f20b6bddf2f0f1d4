// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "sp-gallery.h"

G_BEGIN_DECLS

typedef enum
{
  SP_REPORT_FORMAT_MARKDOWN,
  SP_REPORT_FORMAT_HTML,
} SpReportFormat;

/* The format a file name asks for: .md/.markdown or .html/.htm;
 * SP_ERROR_INVALID_INPUT otherwise. */
gboolean sp_report_format_for_path (const char      *path,
                                    SpReportFormat  *format,
                                    GError         **error);

/* Writes the items of @gallery (with its filters) as a report: the score
 * per model and per prompt mode with the cost per prompt, the total cost,
 * then each comparison with its subject, both prompts (cleaned unless the
 * side shows the raw text), usage, cost, images, vote and notes. A blind
 * comparison not voted yet keeps its models hidden.
 *
 * Markdown: the images are copied into a folder beside the file,
 * "NAME-images/" (relative links). HTML: one self-contained file, the
 * images embedded as data: URIs, every text escaped, no script.
 *
 * The file is replaced atomically; it is written in a worker thread
 * image by image, so memory does not grow with the gallery. */
void     sp_report_write_async     (SpGallery            *gallery,
                                    const char           *path,
                                    SpReportFormat        format,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean sp_report_write_finish    (GAsyncResult         *result,
                                    GError              **error);
/* The same, blocking; @ids NULL means the items of @gallery. */
gboolean sp_report_write_sync      (SpGallery            *gallery,
                                    GArray               *ids,
                                    const char           *path,
                                    SpReportFormat        format,
                                    GCancellable         *cancellable,
                                    GError              **error);

G_END_DECLS
