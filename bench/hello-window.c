// SPDX-License-Identifier: GPL-3.0-or-later
/* The baseline of bench-startup: the smallest libadwaita app with a window
 * and one button, started the same way as Starprompt. */

#include <adwaita.h>

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *button = gtk_button_new_with_label ("Generate");

  gtk_window_set_title (GTK_WINDOW (window), "Starprompt");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), button);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.starprompt.BenchHello",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
