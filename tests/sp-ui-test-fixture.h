// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "starprompt-core.h"
#include "sp-fake-server.h"

G_BEGIN_DECLS

/* What the widget tests share: a private folder for the whole run, a main
 * loop to spin and to wait on, and the objects a page is set up with. */

#define SP_UI_TEST_WAIT_SECONDS 30

typedef gboolean (*SpUiTestCondition) (gpointer data);

/* A page's surroundings: a library, the providers with a fake server as
 * "fake", keys in memory, settings, the built-in template and a window
 * that is not shown yet. */
typedef struct
{
  GtkWindow      *window;
  SpStore        *store;
  SpProviderList *providers;
  SpSecrets      *secrets;
  GSettings      *settings;
  SpTemplate     *template;
  SpFakeServer   *server;
} SpUiTestFixture;

void        sp_ui_test_init               (int              *argc,
                                           char           ***argv,
                                           const char       *tmp_template);
const char *sp_ui_test_get_tmp_dir        (void);
int         sp_ui_test_run                (void);
void        sp_ui_test_remove_tmp_dir     (void);

void        sp_ui_test_spin               (guint             ms);
void        sp_ui_test_wait_for_func      (SpUiTestCondition condition,
                                           gpointer          data);
SpStore    *sp_ui_test_open_store         (void);

void        sp_ui_test_fixture_set_up     (SpUiTestFixture  *fixture,
                                           int               width,
                                           int               height);
void        sp_ui_test_fixture_tear_down  (SpUiTestFixture  *fixture);

/* Runs the main loop until @condition (data) holds, failing the test
 * after SP_UI_TEST_WAIT_SECONDS. The condition may take any pointer. */
#define sp_ui_test_wait_for(data, condition) \
  sp_ui_test_wait_for_func ((SpUiTestCondition) (condition), (data))

G_END_DECLS
