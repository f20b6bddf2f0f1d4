// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "bench-validate"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "sp-jsonl.h"

/* Validates two generated chat files, 50 MB and 200 MB, each in a child
 * process of its own, and prints MB/s and the growth of the peak resident
 * memory (VmHWM) during the validation. The baseline is the smaller file:
 * memory must not grow with the file, so the ratio of the peaks should be
 * close to 1. */

#define SMALL_SIZE (50 * 1000 * 1000)
#define LARGE_SIZE (200 * 1000 * 1000)
#define MODEL      "gpt-4o-mini"

/* VmHWM or VmRSS of this process, in KiB. */
static guint64
read_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (field) + 1, NULL, 10);
}

/* Deterministic examples of varied length: a linear congruential
 * generator picks the words. */
static void
write_file (const char *path,
            gsize       size)
{
  static const char * const words[] = {
    "robot", "sea", "night", "painting", "starlight", "city", "glowing", "ancient", "forest",
    "machine", "dream", "ocean", "silver", "library", "whispers", "mountain", "neon", "rain",
  };
  g_autoptr(GString) line = g_string_new (NULL);
  guint32 state = 12345;
  gsize written = 0;
  FILE *out = fopen (path, "w");

  g_assert (out != NULL);
  for (guint i = 0; written < size; i++)
    {
      guint n_words;

      g_string_printf (line, "{\"messages\":[{\"role\":\"system\",\"content\":\"You write image prompts.\"},"
                       "{\"role\":\"user\",\"content\":\"Story %u:", i);
      state = state * 1103515245 + 12345;
      n_words = 40 + (state >> 16) % 200;
      for (guint w = 0; w < n_words; w++)
        {
          state = state * 1103515245 + 12345;
          g_string_append_printf (line, " %s", words[(state >> 16) % G_N_ELEMENTS (words)]);
        }
      g_string_append (line, "\"},{\"role\":\"assistant\",\"content\":\"A ");
      for (guint w = 0; w < 30; w++)
        {
          state = state * 1103515245 + 12345;
          g_string_append_printf (line, "%s, ", words[(state >> 16) % G_N_ELEMENTS (words)]);
        }
      g_string_append (line, "oil on canvas --ar 3:2\"}]}\n");
      fwrite (line->str, 1, line->len, out);
      written += line->len;
    }
  fclose (out);
}

/* In the child: validate @path and print "seconds bytes growth_kib
 * examples tokens high_water". */
static int
run_child (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SpJsonlReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint64 before;
  guint64 after;
  gint64 start;
  gint64 end;

  before = read_status_kib ("VmHWM:");
  start = g_get_monotonic_time ();
  report = sp_jsonl_validate_file (file, MODEL, 0, SP_JSONL_FORMAT_AUTO, NULL, NULL, NULL, NULL, &error);
  end = g_get_monotonic_time ();
  if (report == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  after = read_status_kib ("VmHWM:");
  g_print ("%f %llu %llu %llu %llu %llu %llu\n", (end - start) / (double) G_USEC_PER_SEC,
           (unsigned long long) sp_jsonl_report_get_bytes_read (report),
           (unsigned long long) (after - before),
           (unsigned long long) sp_jsonl_report_get_n_examples (report),
           (unsigned long long) sp_jsonl_report_get_total_tokens (report),
           (unsigned long long) sp_jsonl_report_get_buffer_high_water (report),
           (unsigned long long) sp_jsonl_report_get_n_errors (report));
  return 0;
}

typedef struct
{
  double  seconds;
  guint64 bytes;
  guint64 growth_kib;
  guint64 examples;
  guint64 tokens;
  guint64 high_water;
  guint64 errors;
} Run;

static gboolean
run_in_child (const char *self,
              const char *path,
              Run        *run)
{
  const char *argv[] = { self, "--child", path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("bench-validate: %s\n", error->message);
      return FALSE;
    }
  return sscanf (out, "%lf %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                 " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                 &run->seconds, &run->bytes, &run->growth_kib, &run->examples, &run->tokens,
                 &run->high_water, &run->errors) == 7;
}

static void
print_run (const char *name,
           const Run  *run)
{
  g_print ("%-6s %8.1f MB %9" G_GUINT64_FORMAT " examples %11" G_GUINT64_FORMAT " tokens "
           "%6.2f s %7.1f MB/s  peak RSS growth %7.1f MiB  line buffer %.1f MiB  errors %" G_GUINT64_FORMAT "\n",
           name, run->bytes / 1e6, run->examples, run->tokens, run->seconds,
           run->bytes / 1e6 / run->seconds, run->growth_kib / 1024.0,
           run->high_water / (1024.0 * 1024.0), run->errors);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *self = NULL;
  g_autofree char *small_path = NULL;
  g_autofree char *large_path = NULL;
  Run small = { 0 };
  Run large = { 0 };
  gboolean ok;

  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);

  self = g_file_read_link ("/proc/self/exe", NULL);
  small_path = g_build_filename (g_get_tmp_dir (), "starprompt-bench-validate-50MB.jsonl", NULL);
  large_path = g_build_filename (g_get_tmp_dir (), "starprompt-bench-validate-200MB.jsonl", NULL);
  write_file (small_path, SMALL_SIZE);
  write_file (large_path, LARGE_SIZE);

  ok = run_in_child (self, small_path, &small) && run_in_child (self, large_path, &large);
  g_unlink (small_path);
  g_unlink (large_path);
  if (!ok)
    return 1;

  g_print ("JSONL validation (%s, o200k_base), each file in its own process; baseline: the 50 MB file\n", MODEL);
  print_run ("small", &small);
  print_run ("large", &large);
  g_print ("file size ratio large/small: %.2f\n", (double) large.bytes / small.bytes);
  g_print ("peak memory growth ratio large/small: %.2f (goal: close to 1)\n",
           (double) large.growth_kib / MAX (small.growth_kib, 1));
  g_print ("memory per example: %.1f bytes beyond the constant part\n",
           large.examples > small.examples
             ? (large.growth_kib - (double) small.growth_kib) * 1024 / (large.examples - small.examples)
             : 0.0);
  g_print ("throughput ratio large/small: %.2f\n",
           (large.bytes / large.seconds) / (small.bytes / small.seconds));
  return small.errors == 0 && large.errors == 0 ? 0 : 1;
}
