// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Readers of members of a JSON object, from the network or from our own
 * files, for code that must not trust what it reads: a member that is
 * missing or of another type reads as "none". @object may be NULL (a
 * missing parent object), which also reads as "none". */

/* Whether every string and member name under @node is valid UTF-8.
 * json-glib 1.6 reads the escapes "\\ooo" (octal) as raw bytes, so
 * valid JSON text can give strings that are not: a reader calls this
 * before it trusts any. */
gboolean    sp_json_node_is_utf8 (JsonNode *node);

/* The string member @name, or NULL. */
const char *sp_json_get_string (JsonObject *object,
                                const char *name);
/* The integer member @name, or @fallback (a double or a boolean is not
 * an integer). */
gint64      sp_json_get_int    (JsonObject *object,
                                const char *name,
                                gint64      fallback);
/* The object member @name, or NULL. */
JsonObject *sp_json_get_object (JsonObject *object,
                                const char *name);

G_END_DECLS
