// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_set_str() is GLib 2.76: replaces *@str_pointer with a copy of
 * @new_str; FALSE when they were equal already (nothing to notify). */
static inline gboolean
sp_set_str (char       **str_pointer,
            const char  *new_str)
{
  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  g_free (*str_pointer);
  *str_pointer = g_strdup (new_str);

  return TRUE;
}

G_END_DECLS
