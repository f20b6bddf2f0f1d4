// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-client-json"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-client.h"
#include "sp-error.h"

/* The reader of every JSON answer from a server: the size and depth check,
 * then json-glib. Invariants: an answer is either a JSON value nested at
 * most SP_CLIENT_MAX_JSON_DEPTH deep, all its text valid UTF-8, or an
 * SP_ERROR_BAD_RESPONSE error; when json-glib reads a refused answer by
 * itself as a value no deeper than the limit with only UTF-8 text, that
 * value written out as JSON is read (the checks refuse nothing they should
 * let through; the refused text itself may have more after the value,
 * which json-glib 1.6 ignores and the depth check counts); nothing
 * leaks. */

/* How deep @node nests; clears @utf8 when a string or a member name
 * under it is not UTF-8 (json-glib reads "\\ooo" as a raw byte). */
static guint
depth_of (JsonNode *node,
          gboolean *utf8)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint i;

      for (i = 0; i < json_array_get_length (array); i++)
        {
          guint depth = depth_of (json_array_get_element (array, i), utf8);

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          guint depth = depth_of (member, utf8);

          if (!g_utf8_validate (name, -1, NULL))
            *utf8 = FALSE;

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      !g_utf8_validate (json_node_get_string (node), -1, NULL))
    *utf8 = FALSE;
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();

  node = sp_client_parse_json ((const char *) data, size, &error);
  if (node != NULL)
    {
      gboolean utf8 = TRUE;

      g_assert_no_error (error);
      g_assert_cmpuint (depth_of (node, &utf8), <=, SP_CLIENT_MAX_JSON_DEPTH);
      g_assert_true (utf8);
    }
  else
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      g_assert_error (error, SP_ERROR, SP_ERROR_BAD_RESPONSE);
      g_clear_error (&error);
      /* What json-glib reads within the limits must not be refused. */
      if (size > 0 && json_parser_load_from_data (parser, (const char *) data, size, NULL) &&
          json_parser_get_root (parser) != NULL)
        {
          gboolean utf8 = TRUE;
          guint depth = depth_of (json_parser_get_root (parser), &utf8);

          if (depth <= SP_CLIENT_MAX_JSON_DEPTH && utf8)
            {
              g_autofree char *text = json_to_string (json_parser_get_root (parser), FALSE);
              g_autoptr(JsonNode) again = sp_client_parse_json (text, strlen (text), &error);

              g_assert_no_error (error);
              g_assert_nonnull (again);
              g_assert_true (json_node_equal (again, json_parser_get_root (parser)));
            }
        }
    }

  return 0;
}
