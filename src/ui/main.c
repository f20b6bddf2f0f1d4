// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "starprompt"

#include "config.h"

#include <adwaita.h>

int
main (int   argc,
      char *argv[])
{
  return 0;
}
