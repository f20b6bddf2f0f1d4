// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-error"

#include "config.h"

#include "sp-error.h"

G_DEFINE_QUARK (sp-error-quark, sp_error)
