// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include "fuzz-driver.h"

#include <locale.h>

#include <glib.h>

void
fuzz_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      setlocale (LC_ALL, "C.UTF-8");
      g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      g_once_init_leave (&initialized, 1);
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

size_t
fuzz_chunk_length (const uint8_t *pattern,
                   size_t         pattern_length,
                   size_t         index)
{
  size_t length;

  if (pattern_length == 0)
    return 1;

  length = pattern[index % pattern_length] % 17;
  /* An empty read is a case worth feeding, but it must not stall. */
  if (length == 0 && index % 2 == 1)
    length = 1;
  return length;
}
