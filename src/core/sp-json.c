// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-json"

#include "config.h"

#include "sp-json-private.h"

static JsonNode *
get_value (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != type)
    return NULL;

  return node;
}

const char *
sp_json_get_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = get_value (object, name, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

gint64
sp_json_get_int (JsonObject *object,
                 const char *name,
                 gint64      fallback)
{
  JsonNode *node = get_value (object, name, G_TYPE_INT64);

  return node != NULL ? json_node_get_int (node) : fallback;
}

JsonObject *
sp_json_get_object (JsonObject *object,
                    const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}
