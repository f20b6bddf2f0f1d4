// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-ui-window"

#include "config.h"

#include <adwaita.h>

#include "sp-application.h"
#include "sp-fake-server.h"
#include "sp-pricing-window.h"
#include "sp-prompt-page.h"
#include "sp-ui-test-fixture.h"
#include "sp-window.h"

/* One application for the whole run: it is exported on the session bus. */
static SpApplication *application;

typedef struct
{
  SpApplication *app;
  SpWindow      *window;
  SpPromptPage  *page;
  SpFakeServer  *server;
} Fixture;

static gboolean
done_generating (SpPromptPage *page)
{
  return !sp_prompt_page_get_generating (page);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SpProvider) provider = NULL;

  fixture->app = g_object_ref (application);

  fixture->window = sp_window_new (fixture->app);
  fixture->page = SP_PROMPT_PAGE (sp_window_get_prompt_page (fixture->window));
  gtk_window_present (GTK_WINDOW (fixture->window));

  fixture->server = sp_fake_server_new (&error);
  g_assert_no_error (error);
  provider = sp_provider_new ("fake", "Fake Server", SP_PROVIDER_KIND_OPENAI_COMPATIBLE,
                              sp_fake_server_get_base_url (fixture->server));
  sp_provider_list_add (sp_application_get_provider_list (fixture->app), provider);
  sp_ui_test_spin (50);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  sp_ui_test_spin (20);
  sp_provider_list_remove (sp_application_get_provider_list (fixture->app), "fake");
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->app);
}

static void
generate (Fixture    *fixture,
          const char *model)
{
  sp_prompt_page_set_model (fixture->page, model);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "prompt.generate", NULL));
  g_assert_true (sp_prompt_page_get_generating (fixture->page));
  sp_ui_test_wait_for (fixture->page, done_generating);
}

static void
test_window_opens_on_prompt_page (Fixture       *fixture,
                                  gconstpointer  data)
{
  SpTemplate *template = sp_prompt_page_get_template (fixture->page);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_nonnull (template);
  g_assert_cmpuint (g_list_model_get_n_items (sp_template_get_examples (template)), ==, 3);
  g_assert_cmpstr (sp_template_get_aspect_ratio (template), ==, "--ar 3:2");

  /* The app's icon (the development build's own in that profile) comes
   * with the app's resources: found uninstalled too. */
  {
    GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (fixture->window)));
    g_autofree char *symbolic = g_strconcat (APPLICATION_ID, "-symbolic", NULL);

    g_assert_true (gtk_icon_theme_has_icon (theme, APPLICATION_ID));
    g_assert_true (gtk_icon_theme_has_icon (theme, symbolic));
  }
}

/* Closing the window writes the window's size and the Prompt page's story
 * at once, none held back: typed just before closing, it is kept. */
static void
test_close_keeps_state (Fixture       *fixture,
                        gconstpointer  data)
{
  GSettings *settings = sp_application_get_settings (fixture->app);
  g_autofree char *story = NULL;

  sp_prompt_page_set_story_text (fixture->page, "Typed a moment before closing.");
  gtk_window_close (GTK_WINDOW (fixture->window));
  g_assert_false (g_settings_get_has_unapplied (settings));
  story = g_settings_get_string (settings, "last-story");
  g_assert_cmpstr (story, ==, "Typed a moment before closing.");

  /* The tear-down destroys a window. */
  fixture->window = sp_window_new (fixture->app);
}

static void
test_generate_offline (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *result = NULL;
  g_autofree char *status = NULL;

  sp_prompt_page_select_provider (fixture->page, "offline");
  sp_prompt_page_set_story_text (fixture->page,
                                 "A lighthouse keeper on Europa answers the whales under the ice.");
  generate (fixture, "");
  result = sp_prompt_page_dup_result (fixture->page);
  status = sp_prompt_page_dup_status (fixture->page);
  g_assert_true (g_str_has_suffix (g_strstrip (result), "--ar 3:2"));
  g_assert_true (g_str_has_prefix (status, "Done."));
}

static void
test_generate_streams_from_server (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *result = NULL;
  g_autofree char *status = NULL;

  sp_prompt_page_select_provider (fixture->page, "fake");
  generate (fixture, "fake-ok");
  result = sp_prompt_page_dup_result (fixture->page);
  status = sp_prompt_page_dup_status (fixture->page);
  g_assert_true (g_str_has_suffix (g_strstrip (result), "--ar 3:2"));
  g_assert_true (g_str_has_prefix (status, "Done."));
  g_assert_cmpuint (sp_fake_server_get_path_count (fixture->server, "/v1/chat/completions"), ==, 1);
}

static void
test_generate_retries (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *status = NULL;

  sp_prompt_page_select_provider (fixture->page, "fake");
  generate (fixture, "fake-429");
  status = sp_prompt_page_dup_status (fixture->page);
  g_assert_nonnull (strstr (status, "after 1 retry"));
}

static void
test_generate_shows_error (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *status = NULL;

  sp_prompt_page_select_provider (fixture->page, "fake");
  generate (fixture, "fake-404");
  status = sp_prompt_page_dup_status (fixture->page);
  g_assert_false (g_str_has_prefix (status, "Done."));
  g_assert_nonnull (strstr (status, "fake-404"));
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *status = NULL;

  sp_prompt_page_select_provider (fixture->page, "fake");
  sp_prompt_page_set_model (fixture->page, "fake-slow");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "prompt.generate", NULL));
  sp_ui_test_spin (50);
  g_assert_true (sp_prompt_page_get_generating (fixture->page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "prompt.stop", NULL));
  sp_ui_test_wait_for (fixture->page, done_generating);
  status = sp_prompt_page_dup_status (fixture->page);
  g_assert_cmpstr (status, ==, "Stopped.");
}

static gboolean
cost_shown (SpPromptPage *page,
            const char   *needle)
{
  g_autofree char *text = sp_prompt_page_dup_cost_text (page);

  return strstr (text, needle) != NULL;
}

typedef struct
{
  SpPromptPage *page;
  const char   *needle;
} CostWait;

static gboolean
cost_wait_over (CostWait *wait)
{
  return cost_shown (wait->page, wait->needle);
}

static void
wait_for_cost (SpPromptPage *page,
               const char   *needle)
{
  CostWait wait = { page, needle };

  sp_ui_test_wait_for (&wait, cost_wait_over);
}

static void
test_live_token_count (Fixture       *fixture,
                       gconstpointer  data)
{
  sp_prompt_page_select_provider (fixture->page, "offline");
  sp_prompt_page_set_model (fixture->page, "gpt-4o-mini");
  wait_for_cost (fixture->page, "per call");

  /* A model without a price still gets an exact count, and says so. */
  sp_prompt_page_set_model (fixture->page, "llama3.2");
  wait_for_cost (fixture->page, "no price for “llama3.2”");
  g_assert_true (cost_shown (fixture->page, "tokens"));
}

static SpPricingWindow *
find_pricing_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SP_IS_PRICING_WINDOW (window))
        return SP_PRICING_WINDOW (window);
    }
  return NULL;
}

static void
test_pricing_prefilled (Fixture       *fixture,
                        gconstpointer  data)
{
  SpPricingWindow *pricing;
  g_autofree char *training = NULL;

  sp_prompt_page_set_model (fixture->page, "gpt-4o-mini");
  wait_for_cost (fixture->page, "per call");

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "pricing", NULL);
  pricing = find_pricing_window ();
  g_assert_nonnull (pricing);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (pricing)) == GTK_WINDOW (fixture->window));
  g_assert_null (sp_pricing_window_dup_error_text (pricing));
  training = sp_pricing_window_dup_training_cost_text (pricing);
  /* 250 examples of the built-in template at $3 per 1M training tokens,
   * automatic epochs (3): some dollars, never zero. */
  g_assert_true (g_str_has_prefix (training, "$"));
  g_assert_cmpstr (training, !=, "$0.00");
  gtk_window_destroy (GTK_WINDOW (pricing));
}

static void
test_empty_story_refused (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *status = NULL;

  sp_prompt_page_select_provider (fixture->page, "offline");
  sp_prompt_page_set_story_text (fixture->page, "   ");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "prompt.generate", NULL));
  g_assert_false (sp_prompt_page_get_generating (fixture->page));
  status = sp_prompt_page_dup_status (fixture->page);
  g_assert_nonnull (strstr (status, "story is empty"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  sp_ui_test_init (&argc, &argv, "starprompt-ui-XXXXXX");

  application = sp_application_new ();
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, NULL));

#define ADD(path, func) \
  g_test_add ("/sp/ui/window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("opens-on-prompt-page", test_window_opens_on_prompt_page);
  ADD ("close-keeps-state", test_close_keeps_state);
  ADD ("generate-offline", test_generate_offline);
  ADD ("generate-streams-from-server", test_generate_streams_from_server);
  ADD ("generate-retries", test_generate_retries);
  ADD ("generate-shows-error", test_generate_shows_error);
  ADD ("stop", test_stop);
  ADD ("empty-story-refused", test_empty_story_refused);
  ADD ("live-token-count", test_live_token_count);
  ADD ("pricing-prefilled", test_pricing_prefilled);
#undef ADD

  status = g_test_run ();
  g_clear_object (&application);
  sp_ui_test_remove_tmp_dir ();
  return status;
}
