// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "bench-tokenizer"

#include "config.h"

#include <stdlib.h>

#include <glib.h>

#include "sp-tokenizer.h"

/* bench-tokenizer ENCODING FILE [REPEATS]
 *
 * Encodes FILE with ENCODING on one thread, REPEATS times (default 3),
 * and prints the token count and the best time in seconds. Loading the
 * rank data is not timed, as the npm baseline does not time it either. */
int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = NULL;
  SpTokenizer *tokenizer;
  const char *text;
  gsize length;
  guint repeats = 3;
  double best = G_MAXDOUBLE;
  guint n_tokens = 0;

  if (argc < 3)
    {
      g_printerr ("Usage: %s ENCODING FILE [REPEATS]\n", argv[0]);
      return 2;
    }
  if (argc > 3)
    repeats = MAX (1, atoi (argv[3]));

  tokenizer = sp_tokenizer_get_for_encoding (argv[1], &error);
  if (tokenizer == NULL ||
      (file = g_mapped_file_new (argv[2], FALSE, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  text = g_mapped_file_get_contents (file);
  length = g_mapped_file_get_length (file);

  for (guint i = 0; i < repeats; i++)
    {
      g_autoptr(GArray) ids = NULL;
      gint64 start = g_get_monotonic_time ();

      ids = sp_tokenizer_encode (tokenizer, text != NULL ? text : "", length,
                                 SP_TOKENIZER_ORDINARY, &error);
      if (ids == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      best = MIN (best, (g_get_monotonic_time () - start) / 1e6);
      n_tokens = ids->len;
    }

  g_print ("%u %.6f\n", n_tokens, best);
  return 0;
}
