// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "starprompt-core.h"

G_BEGIN_DECLS

/* Exit statuses of starprompt-cli (DESIGN.md). */
#define SP_CLI_EXIT_OK      0
#define SP_CLI_EXIT_FAILURE 1
#define SP_CLI_EXIT_USAGE   2

/* Each command is a function in its own file sp-cli-NAME.c. argv[0] is the
 * command name ("tokens"); it parses its own options with
 * sp_cli_parse_options() and returns one of the exit statuses above. */
int      sp_cli_models   (int    argc,
                          char **argv);
int      sp_cli_generate (int    argc,
                          char **argv);
int      sp_cli_batch    (int    argc,
                          char **argv);
int      sp_cli_tokens   (int    argc,
                          char **argv);
int      sp_cli_price    (int    argc,
                          char **argv);
int      sp_cli_validate (int    argc,
                          char **argv);
int      sp_cli_upload   (int    argc,
                          char **argv);
int      sp_cli_finetune (int    argc,
                          char **argv);
int      sp_cli_jobs     (int    argc,
                          char **argv);
int      sp_cli_compare  (int    argc,
                          char **argv);
int      sp_cli_render   (int    argc,
                          char **argv);
int      sp_cli_report   (int    argc,
                          char **argv);

/* Parses @entries for command @name; on a usage error prints the error and
 * a hint on stderr and returns FALSE (the caller returns SP_CLI_EXIT_USAGE).
 * @parameter_string is shown in --help, e.g. "[FILE|-]". */
gboolean sp_cli_parse_options (const char         *name,
                               const char         *parameter_string,
                               const char         *summary,
                               const GOptionEntry *entries,
                               int                *argc,
                               char             ***argv);
/* Prints "starprompt-cli: <message>" on stderr and returns
 * SP_CLI_EXIT_FAILURE. Takes ownership of @error. */
int      sp_cli_fail          (GError             *error);
/* Prints a usage error on stderr and returns SP_CLI_EXIT_USAGE. */
int      sp_cli_usage_error   (const char         *format,
                               ...) G_GNUC_PRINTF (1, 2);
/* Whether progress should be drawn on stderr (it is a terminal). */
gboolean sp_cli_stderr_is_terminal (void);
/* Reads a whole file, or standard input for "-" or NULL. */
char    *sp_cli_read_input    (const char         *path,
                               gsize              *length,
                               GError            **error);
/* Prints a JSON node on stdout, pretty, followed by a newline. */
void     sp_cli_print_json    (JsonNode           *node);

/* Runs the main context until *@result is set by sp_cli_store_result_cb(). */
void     sp_cli_wait          (GAsyncResult      **result);
void     sp_cli_store_result_cb (GObject          *object,
                                 GAsyncResult     *result,
                                 gpointer          user_data);
/* A cancellable that SIGINT and SIGTERM cancel. */
GCancellable *sp_cli_get_cancellable (void);

/* The provider of a command: --provider ID (a saved profile, key from the
 * secret service), else --base-url URL or $OPENAI_BASE_URL with the key from
 * $OPENAI_API_KEY, else $OPENAI_API_KEY alone for OpenAI, else offline. */
SpClient *sp_cli_make_client  (const char         *provider_id,
                               const char         *base_url,
                               GError            **error);

G_END_DECLS
