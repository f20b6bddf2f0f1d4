// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fuzz-prompt-cleaner"

#include "config.h"

#include "fuzz-driver.h"

#include <string.h>

#include "sp-prompt-cleaner.h"

/* The prompt cleaner on a model's answer, as the client hands it over:
 * text up to its first NUL, valid UTF-8 (json-glib refuses anything else;
 * the bytes are made valid here as it would). Invariants: never NULL; one
 * line with single spaces and no space at either end; valid UTF-8; the
 * same for a cleaned prompt cleaned again, which may only get shorter;
 * nothing leaks.
 *
 * Idempotence, which test-prompt-cleaner checks on real answers, is not
 * asked for: on made-up text a second pass finds more to cut, as list
 * lines joined into a lead-in "… 2.prompt:" (the seed
 * list-joined-into-lead-in) or the heading "# ##" cleaned to "##", then
 * to "" (the seed heading-of-hashes). */

static void
check_clean (const char *raw,
             const char *clean)
{
  g_assert_nonnull (clean);
  g_assert_null (strpbrk (clean, "\r\n"));
  g_assert_null (strstr (clean, "  "));
  g_assert_false (g_str_has_prefix (clean, " "));
  g_assert_false (g_str_has_suffix (clean, " "));
  g_assert_true (g_utf8_validate (clean, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *bytes = g_strndup ((const char *) data, size);
  g_autofree char *raw = g_utf8_make_valid (bytes, -1);
  g_autofree char *clean = NULL;
  g_autofree char *twice = NULL;

  fuzz_init ();

  clean = sp_prompt_cleaner_clean (raw);
  check_clean (raw, clean);

  twice = sp_prompt_cleaner_clean (clean);
  check_clean (clean, twice);
  g_assert_cmpuint (strlen (twice), <=, strlen (clean));

  return 0;
}
