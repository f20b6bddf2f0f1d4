// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-gallery-page"

#include "config.h"

#include "sp-gallery-page.h"
#include "sp-gallery-page-private.h"

#include <glib/gi18n.h>

#include "sp-window.h"

#define NOTES_SAVE_DELAY_MS  400
#define CARD_THUMB_PIXELS    116
#define DETAIL_THUMB_PIXELS  120

/* The widgets of one side of the detail, in the order shown. */
typedef struct
{
  GtkWidget  *column;
  GtkLabel   *title_label;
  GtkLabel   *info_label;
  GtkLabel   *text_label;
  GtkFlowBox *images_box;
} SideView;

struct _SpGalleryPage
{
  AdwBin              parent_instance;

  /* Template children */
  GtkSearchEntry     *search_entry;
  GtkDropDown        *model_dropdown;
  GtkStringList      *model_list;
  GtkDropDown        *winner_dropdown;
  GtkPopover         *scoreboard_popover;
  GtkColumnView      *score_view;
  GtkStack           *grid_stack;
  GtkGridView        *grid_view;
  GtkStack           *detail_stack;
  GtkLabel           *subject_label;
  GtkLabel           *meta_label;
  GtkLabel           *verdict_label;
  GtkLabel           *vote_first_label;
  GtkLabel           *vote_second_label;
  GtkBox             *sides_box;
  GtkTextView        *notes_view;

  SideView            sides[2];

  SpStore            *store;
  SpGallery          *gallery;
  SpImageStore       *images;
  GtkSingleSelection *selection;
  GPtrArray          *gallery_bindings;

  /* The comparison on show in the detail. */
  SpComparison       *comparison;
  gint64              selected_id;
  GPtrArray          *detail_bindings;
  GPtrArray          *side_bindings;
  GCancellable       *detail_cancellable;
  guint               paste_position;

  /* Notes wait a moment after the last key before they are saved. */
  SpComparison       *notes_comparison;
  guint               notes_source;
  gboolean            loading_notes;
  gboolean            notes_edited;

  GListModel         *scoreboard;
  GtkNativeDialog    *chooser;
  GCancellable       *cancellable;
  guint               n_thumbnail_requests;
};

G_DEFINE_FINAL_TYPE (SpGalleryPage, sp_gallery_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_GALLERY,
  PROP_COMPARISON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void set_comparison (SpGalleryPage *self,
                            SpComparison  *comparison);

/* Messages */

static void
show_error (SpGalleryPage *self,
            const char    *message)
{
  sp_window_error_from (GTK_WIDGET (self), message);
}

static void
show_toast (SpGalleryPage *self,
            const char    *message)
{
  sp_window_toast_from (GTK_WIDGET (self), message);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
clear_bindings (GPtrArray *bindings)
{
  for (guint i = 0; i < bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (bindings, i));
  g_ptr_array_set_size (bindings, 0);
}

static void
keep_binding (GPtrArray *bindings,
              GBinding  *binding)
{
  g_ptr_array_add (bindings, g_object_ref (binding));
}

static void
replace_cancellable (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
}

/* Texts */

static char *
dup_money (SpMoney amount)
{
  if (amount < 0)
    return g_strdup ("—");
  return sp_money_format_currency (amount, NULL, 4);
}

static const char *
prompt_mode_name (SpPairMode mode)
{
  return mode == SP_PAIR_MODE_SHORT ? _("Short prompt") : _("Full prompt");
}

static char *
dup_side_info (SpComparisonSide *side)
{
  g_autofree char *cost = dup_money (sp_comparison_side_get_cost (side));
  gint64 prompt_tokens = sp_comparison_side_get_prompt_tokens (side);
  gint64 completion_tokens = sp_comparison_side_get_completion_tokens (side);

  if (prompt_tokens < 0 || completion_tokens < 0)
    /* Translators: "Full prompt · $0.0012" */
    return g_strdup_printf (_("%s · %s"), prompt_mode_name (sp_comparison_side_get_prompt_mode (side)),
                            cost);
  /* Translators: "Full prompt · 812 + 64 tokens · $0.0012" */
  return g_strdup_printf (_("%s · %lld + %lld tokens · %s"),
                          prompt_mode_name (sp_comparison_side_get_prompt_mode (side)),
                          (long long) prompt_tokens, (long long) completion_tokens, cost);
}

static char *
dup_verdict (SpComparison *comparison,
             gboolean      long_form)
{
  SpWinner winner = sp_comparison_get_winner (comparison);
  const char *label;

  switch (winner)
    {
    case SP_WINNER_A:
    case SP_WINNER_B:
      label = sp_comparison_side_get_label (sp_comparison_get_side (comparison,
                                                                    winner == SP_WINNER_A ? SP_SIDE_A
                                                                                          : SP_SIDE_B));
      return g_strdup_printf (_("Winner: %s"), label != NULL ? label : "");
    case SP_WINNER_TIE:
      return g_strdup (_("A tie"));
    case SP_WINNER_BOTH_BAD:
      return g_strdup (_("Both bad"));
    case SP_WINNER_NONE:
    default:
      if (!long_form)
        return g_strdup ("");
      if (sp_comparison_get_blind (comparison))
        return g_strdup (_("Not voted yet: the models stay hidden until you vote"));
      return g_strdup (_("Not voted yet"));
    }
}

static gboolean
string_or_empty_cb (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

static gboolean
subject_text_cb (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL ? text : _("Loading…"));
  return TRUE;
}

static gboolean
verdict_text_cb (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_autoptr(SpComparison) comparison = SP_COMPARISON (g_binding_dup_source (binding));

  if (comparison == NULL)
    return FALSE;
  g_value_take_string (to, dup_verdict (comparison, GPOINTER_TO_INT (user_data)));
  return TRUE;
}

static gboolean
meta_text_cb (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  g_autoptr(SpComparison) comparison = SP_COMPARISON (g_binding_dup_source (binding));
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *date = NULL;

  if (comparison == NULL)
    return FALSE;
  created = g_date_time_new_from_unix_local (g_value_get_int64 (from));
  /* Translators: the date a comparison was made, see g_date_time_format() */
  date = created != NULL ? g_date_time_format (created, _("%e %B %Y, %H:%M")) : g_strdup ("");
  g_strstrip (date);
  if (sp_comparison_get_blind (comparison))
    /* Translators: "3 May 2025, 14:02 · Blind" */
    g_value_take_string (to, g_strdup_printf (_("%s · Blind"), date));
  else
    g_value_set_string (to, date);
  return TRUE;
}

static gboolean
side_info_cb (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  g_autoptr(SpComparisonSide) side = SP_COMPARISON_SIDE (g_binding_dup_source (binding));

  if (side == NULL)
    return FALSE;
  g_value_take_string (to, dup_side_info (side));
  return TRUE;
}

static gboolean
n_items_page_cb (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_value_set_string (to, g_value_get_uint (from) > 0 ? "grid" : "empty");
  return TRUE;
}

/* The winner dropdown lists "any" first, then the SpWinner values. */
static gboolean
winner_to_selected_cb (GBinding     *binding,
                       const GValue *from,
                       GValue       *to,
                       gpointer      user_data)
{
  g_value_set_uint (to, (guint) (g_value_get_int (from) + 1));
  return TRUE;
}

static gboolean
selected_to_winner_cb (GBinding     *binding,
                       const GValue *from,
                       GValue       *to,
                       gpointer      user_data)
{
  guint selected = g_value_get_uint (from);

  g_value_set_int (to, selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1);
  return TRUE;
}

/* The model dropdown lists "all" first, then the models by name. */
static gboolean
selected_to_model_cb (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  GtkStringList *list = user_data;
  guint selected = g_value_get_uint (from);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    g_value_set_string (to, NULL);
  else
    g_value_set_string (to, gtk_string_list_get_string (list, selected));
  return TRUE;
}

/* Thumbnails: the store makes (or finds) the PNG in a thread; the texture
 * is decoded in a thread too. */

static void
texture_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_filename (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
thumbnail_path_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *path = sp_image_store_thumbnail_finish (SP_IMAGE_STORE (object), result, &error);

  if (path == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, texture_in_thread);
}

static void
load_thumbnail_async (SpGalleryPage       *self,
                      SpImage             *image,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, load_thumbnail_async);
  self->n_thumbnail_requests++;
  sp_image_store_thumbnail_async (self->images, image, SP_IMAGE_THUMBNAIL_SIZE, cancellable,
                                  thumbnail_path_cb, task);
}

static GdkTexture *
load_thumbnail_finish (GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* @user_data: a reference on the GtkPicture, inside a GtkStack that shows
 * a placeholder until the picture has something. */
static void
show_thumbnail_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = load_thumbnail_finish (result, &error);
  GtkWidget *parent;

  if (texture == NULL)
    {
      if (!is_cancelled (error))
        g_debug ("No thumbnail: %s", error->message);
      return;
    }
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  parent = gtk_widget_get_parent (GTK_WIDGET (picture));
  if (GTK_IS_STACK (parent))
    gtk_stack_set_visible_child (GTK_STACK (parent), GTK_WIDGET (picture));
}

static GtkWidget *
create_thumbnail_frame (int          pixels,
                        GtkPicture **picture_out)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  GtkWidget *picture = gtk_picture_new ();

  gtk_widget_set_size_request (stack, pixels, pixels);
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 32);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_stack_add_named (GTK_STACK (stack), icon, "none");
  gtk_stack_add_named (GTK_STACK (stack), picture, "picture");
  gtk_stack_set_visible_child (GTK_STACK (stack), icon);
  gtk_widget_set_overflow (frame, GTK_OVERFLOW_HIDDEN);
  gtk_frame_set_child (GTK_FRAME (frame), stack);
  *picture_out = GTK_PICTURE (picture);
  return frame;
}

static void
reset_thumbnail (GtkPicture *picture)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (picture));

  gtk_picture_set_paintable (picture, NULL);
  if (GTK_IS_STACK (parent))
    gtk_stack_set_visible_child_name (GTK_STACK (parent), "none");
}

/* Cards of the grid. A card asks for thumbnails only while it is bound to
 * an item, and cancels them when it is unbound, so scrolling through
 * thousands of comparisons reads only the images on screen. */

typedef struct
{
  SpGalleryPage *page;
  GtkLabel      *subject_label;
  GtkLabel      *model_labels[2];
  GtkLabel      *prompt_labels[2];
  GtkPicture    *pictures[2];
  GtkLabel      *verdict_label;

  SpComparison  *item;
  GListModel    *side_images[2];
  GPtrArray     *bindings;
  GPtrArray     *side_bindings;
  GCancellable  *cancellables[2];
  char          *hashes[2];
} Card;

static void card_bind_sides (Card *card);

static void
card_disconnect (Card *card)
{
  clear_bindings (card->bindings);
  clear_bindings (card->side_bindings);
  for (guint i = 0; i < 2; i++)
    {
      if (card->cancellables[i] != NULL)
        g_cancellable_cancel (card->cancellables[i]);
      g_clear_object (&card->cancellables[i]);
      g_clear_pointer (&card->hashes[i], g_free);
      if (card->side_images[i] != NULL)
        g_signal_handlers_disconnect_by_data (card->side_images[i], card);
      g_clear_object (&card->side_images[i]);
    }
  if (card->item != NULL)
    g_signal_handlers_disconnect_by_data (card->item, card);
  g_clear_object (&card->item);
}

/* Unbinding a card leaves it empty for the next item. */
static void
card_clear (Card *card)
{
  card_disconnect (card);
  for (guint i = 0; i < 2; i++)
    reset_thumbnail (card->pictures[i]);
}

/* Its widgets are gone by now: only the connections are left to drop. */
static void
card_free (Card *card)
{
  card_disconnect (card);
  g_ptr_array_unref (card->bindings);
  g_ptr_array_unref (card->side_bindings);
  g_free (card);
}

/* Asks for the thumbnail of the first image of the side shown at
 * @position, unless the card shows (or awaits) that image already. */
static void
card_update_thumbnail (Card  *card,
                       guint  position)
{
  g_autoptr(SpImage) image = NULL;
  const char *hash = NULL;

  if (card->side_images[position] != NULL && g_list_model_get_n_items (card->side_images[position]) > 0)
    image = g_list_model_get_item (card->side_images[position], 0);
  if (image != NULL)
    hash = sp_image_get_hash (image);
  if (g_strcmp0 (hash, card->hashes[position]) == 0)
    return;

  g_free (card->hashes[position]);
  card->hashes[position] = g_strdup (hash);
  if (card->cancellables[position] != NULL)
    g_cancellable_cancel (card->cancellables[position]);
  g_clear_object (&card->cancellables[position]);
  if (image == NULL)
    {
      reset_thumbnail (card->pictures[position]);
      return;
    }
  card->cancellables[position] = g_cancellable_new ();
  load_thumbnail_async (card->page, image, card->cancellables[position], show_thumbnail_cb,
                        g_object_ref (card->pictures[position]));
}

static void
card_images_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        Card       *card)
{
  if (position > 0)
    return;
  for (guint i = 0; i < 2; i++)
    if (card->side_images[i] == model)
      card_update_thumbnail (card, i);
}

static void
card_swapped_cb (SpComparison *item,
                 GParamSpec   *pspec,
                 Card         *card)
{
  card_bind_sides (card);
}

/* A summary has no raw answers, so a card shows the cleaned prompt (the
 * "text" of a side that shows the raw answer waits for the details). */
static void
card_bind_sides (Card *card)
{
  clear_bindings (card->side_bindings);
  for (guint i = 0; i < 2; i++)
    {
      SpComparisonSide *side = sp_comparison_get_side_at (card->item, i);

      keep_binding (card->side_bindings,
                    g_object_bind_property_full (side, "label", card->model_labels[i], "label",
                                                 G_BINDING_SYNC_CREATE, string_or_empty_cb,
                                                 NULL, NULL, NULL));
      keep_binding (card->side_bindings,
                    g_object_bind_property_full (side, "cleaned-text", card->prompt_labels[i], "label",
                                                 G_BINDING_SYNC_CREATE, string_or_empty_cb,
                                                 NULL, NULL, NULL));
      if (card->side_images[i] != NULL)
        g_signal_handlers_disconnect_by_data (card->side_images[i], card);
      g_set_object (&card->side_images[i], sp_comparison_side_get_images (side));
      g_signal_connect (card->side_images[i], "items-changed",
                        G_CALLBACK (card_images_changed_cb), card);
      card_update_thumbnail (card, i);
    }
}

static GtkLabel *
card_label (GtkBox     *box,
            const char *css_class,
            guint       lines)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_label_set_width_chars (GTK_LABEL (label), 30);
  if (lines > 1)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (label), (int) lines);
      gtk_label_set_yalign (GTK_LABEL (label), 0);
    }
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static void
card_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SpGalleryPage            *self)
{
  Card *card = g_new0 (Card, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *thumbs = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  card->page = self;
  card->bindings = g_ptr_array_new_with_free_func (g_object_unref);
  card->side_bindings = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  gtk_box_set_homogeneous (GTK_BOX (thumbs), TRUE);
  gtk_widget_set_margin_top (thumbs, 10);
  gtk_widget_set_margin_start (thumbs, 10);
  gtk_widget_set_margin_end (thumbs, 10);
  gtk_widget_set_margin_bottom (thumbs, 4);
  for (guint i = 0; i < 2; i++)
    gtk_box_append (GTK_BOX (thumbs), create_thumbnail_frame (CARD_THUMB_PIXELS, &card->pictures[i]));
  gtk_box_append (GTK_BOX (box), thumbs);

  {
    GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

    gtk_widget_set_margin_start (text, 12);
    gtk_widget_set_margin_end (text, 12);
    gtk_widget_set_margin_bottom (text, 12);
    card->subject_label = card_label (GTK_BOX (text), "heading", 1);
    for (guint i = 0; i < 2; i++)
      {
        card->model_labels[i] = card_label (GTK_BOX (text), "caption-heading", 1);
        gtk_widget_add_css_class (GTK_WIDGET (card->model_labels[i]), "dim-label");
        gtk_widget_set_margin_top (GTK_WIDGET (card->model_labels[i]), 4);
        card->prompt_labels[i] = card_label (GTK_BOX (text), "caption", 2);
      }
    card->verdict_label = card_label (GTK_BOX (text), "caption-heading", 1);
    gtk_widget_add_css_class (GTK_WIDGET (card->verdict_label), "accent");
    gtk_widget_set_margin_top (GTK_WIDGET (card->verdict_label), 4);
    gtk_box_append (GTK_BOX (box), text);
  }

  gtk_list_item_set_child (list_item, box);
  g_object_set_data_full (G_OBJECT (list_item), "sp-card", card, (GDestroyNotify) card_free);
}

static void
card_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SpGalleryPage            *self)
{
  Card *card = g_object_get_data (G_OBJECT (list_item), "sp-card");

  card_clear (card);
  card->item = g_object_ref (gtk_list_item_get_item (list_item));
  keep_binding (card->bindings,
                g_object_bind_property_full (card->item, "subject", card->subject_label, "label",
                                             G_BINDING_SYNC_CREATE, subject_text_cb,
                                             NULL, NULL, NULL));
  keep_binding (card->bindings,
                g_object_bind_property_full (card->item, "winner", card->verdict_label, "label",
                                             G_BINDING_SYNC_CREATE, verdict_text_cb,
                                             NULL, GINT_TO_POINTER (FALSE), NULL));
  keep_binding (card->bindings,
                g_object_bind_property (card->item, "voted", card->verdict_label, "visible",
                                        G_BINDING_SYNC_CREATE));
  g_signal_connect (card->item, "notify::swapped", G_CALLBACK (card_swapped_cb), card);
  card_bind_sides (card);
}

static void
card_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SpGalleryPage            *self)
{
  card_clear (g_object_get_data (G_OBJECT (list_item), "sp-card"));
}

/* Scoreboard */

static void
score_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SpGalleryPage            *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (list_item, label);
}

static void
set_score_text (GtkListItem *list_item,
                const char  *text)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
set_score_count (GtkListItem *list_item,
                 guint        count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);

  set_score_text (list_item, text);
}

static void
score_name_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SpGalleryPage            *self)
{
  SpScore *score = gtk_list_item_get_item (list_item);
  const char *name = sp_score_get_name (score);
  SpPairMode mode;

  if (sp_score_get_kind (score) == SP_SCORE_KIND_PROMPT_MODE && sp_pair_mode_from_string (name, &mode))
    set_score_text (list_item, prompt_mode_name (mode));
  else
    set_score_text (list_item, name);
}

static void
score_wins_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SpGalleryPage            *self)
{
  set_score_count (list_item, sp_score_get_wins (gtk_list_item_get_item (list_item)));
}

static void
score_ties_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SpGalleryPage            *self)
{
  set_score_count (list_item, sp_score_get_ties (gtk_list_item_get_item (list_item)));
}

static void
score_losses_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      SpGalleryPage            *self)
{
  set_score_count (list_item, sp_score_get_losses (gtk_list_item_get_item (list_item)));
}

static void
score_both_bad_bind_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        SpGalleryPage            *self)
{
  set_score_count (list_item, sp_score_get_both_bad (gtk_list_item_get_item (list_item)));
}

static void
score_win_rate_bind_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        SpGalleryPage            *self)
{
  SpScore *score = gtk_list_item_get_item (list_item);
  guint voted = sp_score_get_wins (score) + sp_score_get_ties (score) + sp_score_get_losses (score) +
                sp_score_get_both_bad (score);
  g_autofree char *text = NULL;

  if (voted == 0)
    set_score_text (list_item, "—");
  else
    {
      /* Translators: a win rate, "67 %" */
      text = g_strdup_printf (_("%u %%"), (guint) (sp_score_get_win_rate (score) * 100 + 0.5));
      set_score_text (list_item, text);
    }
}

static void
score_cost_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SpGalleryPage            *self)
{
  g_autofree char *text = dup_money (sp_score_get_cost_per_prompt (gtk_list_item_get_item (list_item)));

  set_score_text (list_item, text);
}

/* The models of the model filter only grow, so the position picked stays
 * the same model. */
static void
add_models (SpGalleryPage *self,
            GListModel    *scores)
{
  for (guint i = 0; i < g_list_model_get_n_items (scores); i++)
    {
      g_autoptr(SpScore) score = g_list_model_get_item (scores, i);
      const char *name = sp_score_get_name (score);
      gboolean known = FALSE;

      if (sp_score_get_kind (score) != SP_SCORE_KIND_MODEL || name == NULL || *name == '\0')
        continue;
      for (guint j = 1; j < g_list_model_get_n_items (G_LIST_MODEL (self->model_list)) && !known; j++)
        known = g_str_equal (gtk_string_list_get_string (self->model_list, j), name);
      if (!known)
        gtk_string_list_append (self->model_list, name);
    }
}

static void
scoreboard_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SpGalleryPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) scores = sp_gallery_scoreboard_finish (SP_GALLERY (object), result, &error);
  g_autoptr(GtkNoSelection) selection = NULL;

  if (scores == NULL)
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  if (SP_GALLERY (object) != self->gallery)
    return;
  g_set_object (&self->scoreboard, scores);
  selection = gtk_no_selection_new (g_object_ref (scores));
  gtk_column_view_set_model (self->score_view, GTK_SELECTION_MODEL (selection));
  add_models (self, scores);
}

static void
scoreboard_show_cb (SpGalleryPage *self)
{
  sp_gallery_page_update_scoreboard (self);
}

/* The detail */

static void
detail_image_tooltip (GtkWidget *widget,
                      SpImage   *image)
{
  g_autofree char *size = g_format_size (sp_image_get_size (image));
  /* Translators: an image, "1024 × 768 pixels, 1.2 MB" */
  g_autofree char *text = g_strdup_printf (_("%u × %u pixels, %s"), sp_image_get_width (image),
                                           sp_image_get_height (image), size);

  gtk_widget_set_tooltip_text (widget, text);
}

static GtkWidget *
create_detail_image_cb (gpointer item,
                        gpointer user_data)
{
  SpGalleryPage *self = user_data;
  GtkPicture *picture;
  GtkWidget *frame = create_thumbnail_frame (DETAIL_THUMB_PIXELS, &picture);

  gtk_widget_set_halign (frame, GTK_ALIGN_START);
  gtk_widget_set_valign (frame, GTK_ALIGN_START);
  detail_image_tooltip (frame, item);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Image"), -1);
  load_thumbnail_async (self, item, self->detail_cancellable, show_thumbnail_cb, g_object_ref (picture));
  return frame;
}

static void
bind_detail_sides (SpGalleryPage *self)
{
  GtkLabel *vote_labels[2] = { self->vote_first_label, self->vote_second_label };

  clear_bindings (self->side_bindings);
  for (guint i = 0; i < 2; i++)
    {
      SideView *view = &self->sides[i];
      SpComparisonSide *side = sp_comparison_get_side_at (self->comparison, i);

      keep_binding (self->side_bindings,
                    g_object_bind_property_full (side, "label", view->title_label, "label",
                                                 G_BINDING_SYNC_CREATE, string_or_empty_cb,
                                                 NULL, NULL, NULL));
      keep_binding (self->side_bindings,
                    g_object_bind_property_full (side, "label", vote_labels[i], "label",
                                                 G_BINDING_SYNC_CREATE, string_or_empty_cb,
                                                 NULL, NULL, NULL));
      keep_binding (self->side_bindings,
                    g_object_bind_property_full (side, "text", view->text_label, "label",
                                                 G_BINDING_SYNC_CREATE, string_or_empty_cb,
                                                 NULL, NULL, NULL));
      keep_binding (self->side_bindings,
                    g_object_bind_property_full (side, "cost", view->info_label, "label",
                                                 G_BINDING_SYNC_CREATE, side_info_cb,
                                                 NULL, NULL, NULL));
      gtk_flow_box_bind_model (view->images_box, sp_comparison_side_get_images (side),
                               create_detail_image_cb, self, NULL);
    }
}

static void
detail_swapped_cb (SpGalleryPage *self)
{
  bind_detail_sides (self);
}

static void
set_notes_text (SpGalleryPage *self,
                const char    *notes)
{
  self->loading_notes = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), notes != NULL ? notes : "", -1);
  self->loading_notes = FALSE;
}

static void
notes_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SpGalleryPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_gallery_set_notes_finish (SP_GALLERY (object), result, &error) && !is_cancelled (error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the notes: %s"), error->message);

      show_error (self, message);
    }
}

static void
save_notes_now (SpGalleryPage *self)
{
  g_autoptr(SpComparison) comparison = g_steal_pointer (&self->notes_comparison);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (comparison == NULL || self->gallery == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  sp_gallery_set_notes_async (self->gallery, comparison, text, NULL, notes_saved_cb, g_object_ref (self));
}

static gboolean
save_notes_cb (gpointer user_data)
{
  SpGalleryPage *self = user_data;

  self->notes_source = 0;
  save_notes_now (self);
  return G_SOURCE_REMOVE;
}

/* Saves at once what is waiting, before the detail changes. */
static void
flush_notes (SpGalleryPage *self)
{
  if (self->notes_source == 0)
    return;
  g_clear_handle_id (&self->notes_source, g_source_remove);
  save_notes_now (self);
}

static void
notes_changed_cb (SpGalleryPage *self)
{
  if (self->loading_notes || self->comparison == NULL)
    return;
  self->notes_edited = TRUE;
  g_set_object (&self->notes_comparison, self->comparison);
  g_clear_handle_id (&self->notes_source, g_source_remove);
  self->notes_source = g_timeout_add (NOTES_SAVE_DELAY_MS, save_notes_cb, self);
}

/* A vote cast before the details arrive stays: the gallery keeps votes
 * made after a read was queued. */
static void
update_vote_action (SpGalleryPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.vote", self->comparison != NULL);
}

static void
details_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SpGalleryPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_gallery_load_details_finish (SP_GALLERY (object), result, &error))
    {
      if (!is_cancelled (error))
        show_error (self, error->message);
      return;
    }
  update_vote_action (self);
  /* The notes of a placeholder arrive with its page: show them unless the
   * person started typing meanwhile. */
  if (self->comparison != NULL && !self->notes_edited)
    set_notes_text (self, sp_comparison_get_notes (self->comparison));
}

static void
set_comparison (SpGalleryPage *self,
                SpComparison  *comparison)
{
  if (self->comparison == comparison)
    return;

  flush_notes (self);
  replace_cancellable (&self->detail_cancellable);
  clear_bindings (self->detail_bindings);
  clear_bindings (self->side_bindings);
  for (guint i = 0; i < 2; i++)
    gtk_flow_box_bind_model (self->sides[i].images_box, NULL, NULL, NULL, NULL);
  if (self->comparison != NULL)
    g_signal_handlers_disconnect_by_data (self->comparison, self);
  g_set_object (&self->comparison, comparison);
  self->notes_edited = FALSE;

  if (comparison == NULL)
    {
      update_vote_action (self);
      set_notes_text (self, NULL);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARISON]);
      return;
    }

  self->selected_id = sp_comparison_get_id (comparison);
  keep_binding (self->detail_bindings,
                g_object_bind_property_full (comparison, "subject", self->subject_label, "label",
                                             G_BINDING_SYNC_CREATE, subject_text_cb, NULL, NULL, NULL));
  keep_binding (self->detail_bindings,
                g_object_bind_property_full (comparison, "created-at", self->meta_label, "label",
                                             G_BINDING_SYNC_CREATE, meta_text_cb, NULL, NULL, NULL));
  keep_binding (self->detail_bindings,
                g_object_bind_property_full (comparison, "winner", self->verdict_label, "label",
                                             G_BINDING_SYNC_CREATE, verdict_text_cb, NULL,
                                             GINT_TO_POINTER (TRUE), NULL));
  g_signal_connect_swapped (comparison, "notify::swapped", G_CALLBACK (detail_swapped_cb), self);
  bind_detail_sides (self);
  set_notes_text (self, sp_comparison_get_notes (comparison));
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");

  if (!sp_comparison_get_complete (comparison))
    sp_gallery_load_details_async (self->gallery, comparison, self->detail_cancellable,
                                   details_loaded_cb, g_object_ref (self));
  update_vote_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARISON]);
}

static void
selection_changed_cb (SpGalleryPage *self)
{
  SpComparison *comparison = gtk_single_selection_get_selected_item (self->selection);
  AdwLeaflet *leaflet = ADW_LEAFLET (adw_bin_get_child (ADW_BIN (self)));

  set_comparison (self, comparison);
  if (comparison != NULL && adw_leaflet_get_folded (leaflet))
    adw_leaflet_set_visible_child_name (leaflet, "detail");
}

/* A reload (a filter, a refresh, an undo) replaces every item: select the
 * comparison on show again when it is still in the list. */
static void
gallery_items_changed_cb (SpGalleryPage *self)
{
  g_autoptr(GArray) ids = NULL;

  if (self->selected_id == 0 ||
      gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION)
    return;
  ids = sp_gallery_dup_ids (self->gallery);
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == self->selected_id)
      {
        gtk_single_selection_set_selected (self->selection, i);
        return;
      }
}

static void
grid_activate_cb (SpGalleryPage *self,
                  guint          position)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (adw_bin_get_child (ADW_BIN (self)));

  gtk_single_selection_set_selected (self->selection, position);
  adw_leaflet_set_visible_child_name (leaflet, "detail");
}

static void
reload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SpGalleryPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_gallery_reload_finish (SP_GALLERY (object), result, &error) && !is_cancelled (error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the gallery: %s"), error->message);

      show_error (self, message);
    }
}

/* Adding images: import (checks and stores the bytes off the main
 * thread), then link to the side. */

typedef struct
{
  SpComparison *comparison;
  SpSide        side;
} AddImage;

static void
add_image_free (AddImage *data)
{
  g_clear_object (&data->comparison);
  g_free (data);
}

static GTask *
add_image_task_new (SpGalleryPage       *self,
                    SpSide               side,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AddImage *data = g_new0 (AddImage, 1);

  g_task_set_source_tag (task, sp_gallery_page_add_image_file_async);
  data->side = side;
  if (self->comparison != NULL)
    data->comparison = g_object_ref (self->comparison);
  g_task_set_task_data (task, data, (GDestroyNotify) add_image_free);
  if (data->comparison == NULL || self->images == NULL)
    {
      g_task_return_new_error (task, SP_ERROR, SP_ERROR_INVALID_INPUT, "%s",
                               _("Select a comparison first"));
      g_clear_object (&task);
    }
  return task;
}

static void
add_image_fail (GTask  *task,
                GError *error)
{
  SpGalleryPage *self = g_task_get_source_object (task);

  if (!is_cancelled (error))
    show_error (self, error->message);
  g_task_return_error (task, error);
}

static void
image_added_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpImage *image = g_object_get_data (G_OBJECT (task), "sp-image");
  GError *error = NULL;

  if (!sp_image_store_add_to_side_finish (SP_IMAGE_STORE (object), result, &error))
    {
      add_image_fail (task, error);
      return;
    }
  g_task_return_pointer (task, g_object_ref (image), g_object_unref);
}

static void
add_imported_image (GTask   *task,
                    SpImage *image,
                    GError  *error)
{
  SpGalleryPage *self = g_task_get_source_object (task);
  AddImage *data = g_task_get_task_data (task);

  if (image == NULL)
    {
      add_image_fail (task, error);
      g_object_unref (task);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "sp-image", image, g_object_unref);
  sp_image_store_add_to_side_async (self->images, data->comparison, data->side, image,
                                    g_task_get_cancellable (task), image_added_cb, task);
}

static void
file_imported_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError *error = NULL;
  SpImage *image = sp_image_store_import_finish (SP_IMAGE_STORE (object), result, &error);

  add_imported_image (user_data, image, error);
}

static void
texture_import_in_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  g_autoptr(GBytes) bytes = gdk_texture_save_to_png_bytes (task_data);
  const char *source = g_object_get_data (G_OBJECT (task), "sp-source");
  GError *error = NULL;
  SpImage *image = sp_image_store_import_bytes (source_object, bytes, NULL, source, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

static void
texture_imported_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GError *error = NULL;
  SpImage *image = g_task_propagate_pointer (G_TASK (result), &error);

  add_imported_image (user_data, image, error);
}

/* Encoding a pasted or dropped picture as PNG takes a while for a big one:
 * it happens in a thread, with the checks of the store. */
static void
add_image_texture (SpGalleryPage *self,
                   SpSide         side,
                   GdkTexture    *texture,
                   const char    *source)
{
  GTask *task = add_image_task_new (self, side, NULL, NULL, NULL);
  g_autoptr(GTask) encode = NULL;

  if (task == NULL)
    return;
  encode = g_task_new (self->images, NULL, texture_imported_cb, task);
  g_task_set_task_data (encode, g_object_ref (texture), g_object_unref);
  g_object_set_data (G_OBJECT (encode), "sp-source", (gpointer) source);
  g_task_run_in_thread (encode, texture_import_in_thread);
}

static SpSide
side_at (SpGalleryPage *self,
         guint          position)
{
  return sp_comparison_side_get_side (sp_comparison_get_side_at (self->comparison, position));
}

static void
clipboard_texture_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SpGalleryPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result,
                                                                     &error);

  if (texture == NULL)
    {
      if (!is_cancelled (error))
        show_error (self, _("The clipboard holds no image to paste"));
      return;
    }
  if (self->comparison != NULL)
    add_image_texture (self, side_at (self, self->paste_position), texture, "clipboard");
}

static void
paste_into (SpGalleryPage *self,
            guint          position)
{
  if (self->comparison == NULL)
    return;
  self->paste_position = position;
  gdk_clipboard_read_texture_async (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                                    self->detail_cancellable, clipboard_texture_cb,
                                    g_object_ref (self));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SpGalleryPage *self)
{
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (target), "sp-position"));

  if (self->comparison == NULL)
    return FALSE;
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
        sp_gallery_page_add_image_file_async (self, side_at (self, position), l->data, NULL, NULL, NULL);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      sp_gallery_page_add_image_file_async (self, side_at (self, position), g_value_get_object (value),
                                            NULL, NULL, NULL);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    {
      add_image_texture (self, side_at (self, position), g_value_get_object (value), "drop");
      return TRUE;
    }
  return FALSE;
}

static void
side_pointed_cb (GtkEventController *controller,
                 SpGalleryPage      *self)
{
  self->paste_position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (controller), "sp-position"));
}

static GtkLabel *
side_label (GtkBox     *box,
            const char *css_class,
            gboolean    wrap)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (wrap)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    }
  else
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static GtkWidget *
side_button (const char *icon_name,
             const char *tooltip,
             const char *action_name,
             guint       position)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", position);
  return button;
}

/* One side of the detail: who answered, the whole prompt, the images and
 * where to drop more. */
static void
build_side (SpGalleryPage *self,
            guint          position)
{
  SideView *view = &self->sides[position];
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *hint;
  GtkDropTarget *target;
  GtkEventController *motion;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE, GDK_TYPE_TEXTURE };

  view->column = column;
  gtk_widget_set_valign (column, GTK_ALIGN_START);
  view->title_label = side_label (GTK_BOX (column), "heading", FALSE);
  view->info_label = side_label (GTK_BOX (column), "caption", TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (view->info_label), "dim-label");

  view->text_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (view->text_label, 0);
  gtk_label_set_yalign (view->text_label, 0);
  gtk_label_set_wrap (view->text_label, TRUE);
  gtk_label_set_wrap_mode (view->text_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (view->text_label, TRUE);
  gtk_label_set_max_width_chars (view->text_label, 24);
  gtk_widget_set_margin_top (GTK_WIDGET (view->text_label), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (view->text_label), 8);
  gtk_widget_set_margin_start (GTK_WIDGET (view->text_label), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (view->text_label), 8);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (view->text_label));
  gtk_box_append (GTK_BOX (column), frame);

  view->images_box = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (view->images_box, GTK_SELECTION_NONE);
  gtk_flow_box_set_min_children_per_line (view->images_box, 1);
  gtk_flow_box_set_max_children_per_line (view->images_box, 4);
  gtk_flow_box_set_column_spacing (view->images_box, 6);
  gtk_flow_box_set_row_spacing (view->images_box, 6);
  gtk_box_append (GTK_BOX (column), GTK_WIDGET (view->images_box));

  hint = gtk_label_new (_("Drop images here, paste with Ctrl+V, or add a file"));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");
  gtk_box_append (GTK_BOX (column), hint);

  gtk_widget_add_css_class (buttons, "linked");
  gtk_box_append (GTK_BOX (buttons), side_button ("list-add-symbolic", _("Add Image…"),
                                                  "gallery.add-image", position));
  gtk_box_append (GTK_BOX (buttons), side_button ("edit-paste-symbolic", _("Paste Image"),
                                                  "gallery.paste-image", position));
  gtk_box_append (GTK_BOX (column), buttons);

  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_object_set_data (G_OBJECT (target), "sp-position", GUINT_TO_POINTER (position));
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (column, GTK_EVENT_CONTROLLER (target));

  motion = gtk_event_controller_motion_new ();
  g_object_set_data (G_OBJECT (motion), "sp-position", GUINT_TO_POINTER (position));
  g_signal_connect (motion, "enter", G_CALLBACK (side_pointed_cb), self);
  gtk_widget_add_controller (column, motion);

  gtk_box_append (self->sides_box, column);
}

/* The file chooser for images and for the report */

static void
image_chooser_response_cb (SpGalleryPage        *self,
                           int                   response,
                           GtkFileChooserNative *chooser)
{
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "sp-position"));

  if (response == GTK_RESPONSE_ACCEPT && self->comparison != NULL)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          sp_gallery_page_add_image_file_async (self, side_at (self, position), file, NULL, NULL, NULL);
        }
    }
  g_clear_object (&self->chooser);
}

static void
add_image_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SpGalleryPage *self = SP_GALLERY_PAGE (widget);
  GtkWidget *window = gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->comparison == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Add Images"), GTK_WINDOW (window),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_filter_add_mime_type (filter, "image/gif");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data (G_OBJECT (chooser), "sp-position",
                     GUINT_TO_POINTER (g_variant_get_uint32 (parameter)));
  g_signal_connect_object (chooser, "response", G_CALLBACK (image_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  g_set_object (&self->chooser, GTK_NATIVE_DIALOG (chooser));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
paste_image_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  paste_into (SP_GALLERY_PAGE (widget), g_variant_get_uint32 (parameter));
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SpGalleryPage *self = SP_GALLERY_PAGE (widget);

  paste_into (self, self->paste_position);
}

static void
report_chooser_response_cb (SpGalleryPage        *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      sp_gallery_page_export_report_async (self, file, self->cancellable, NULL, NULL);
    }
  g_clear_object (&self->chooser);
}

static void
add_report_filter (GtkFileChooser *chooser,
                   const char     *name,
                   const char     *pattern)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
export_report_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SpGalleryPage *self = SP_GALLERY_PAGE (widget);
  GtkWidget *window = gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW);
  GtkFileChooserNative *chooser;

  if (self->gallery == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Report"), GTK_WINDOW (window),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("starprompt-report.html"));
  add_report_filter (GTK_FILE_CHOOSER (chooser), _("Web Page, Images Inside (.html)"), "*.html");
  add_report_filter (GTK_FILE_CHOOSER (chooser), _("Markdown, Images Beside (.md)"), "*.md");
  g_signal_connect_object (chooser, "response", G_CALLBACK (report_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  g_set_object (&self->chooser, GTK_NATIVE_DIALOG (chooser));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

/* Votes, delete and undo */

static void
vote_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SpGalleryPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_gallery_vote_finish (SP_GALLERY (object), result, &error))
    {
      if (!is_cancelled (error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not save the vote: %s"), error->message);

          show_error (self, message);
        }
      return;
    }
  sp_gallery_page_update_scoreboard (self);
}

static void
vote_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SpGalleryPage *self = SP_GALLERY_PAGE (widget);
  const char *choice = g_variant_get_string (parameter, NULL);
  SpWinner winner;

  if (self->comparison == NULL)
    return;
  if (g_str_equal (choice, "first"))
    winner = sp_comparison_winner_for_position (self->comparison, 0);
  else if (g_str_equal (choice, "second"))
    winner = sp_comparison_winner_for_position (self->comparison, 1);
  else if (g_str_equal (choice, "tie"))
    winner = SP_WINNER_TIE;
  else if (g_str_equal (choice, "both-bad"))
    winner = SP_WINNER_BOTH_BAD;
  else
    g_return_if_reached ();

  sp_gallery_vote_async (self->gallery, self->comparison, winner, self->cancellable, vote_cb,
                         g_object_ref (self));
}

static void
undo_delete_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SpGalleryPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sp_gallery_undo_delete_finish (SP_GALLERY (object), result, &error) && !is_cancelled (error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not bring the comparison back: %s"),
                                                  error->message);

      show_error (self, message);
      return;
    }
  sp_gallery_page_update_scoreboard (self);
}

static void
undo_delete (SpGalleryPage *self,
             gint64         id)
{
  if (self->gallery == NULL)
    return;
  self->selected_id = id;
  sp_gallery_undo_delete_async (self->gallery, id, self->cancellable, undo_delete_cb, g_object_ref (self));
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  undo_delete (SP_GALLERY_PAGE (widget), g_variant_get_int64 (parameter));
}

static void
undo_clicked_cb (SpGalleryPage *self,
                 AdwToast      *toast)
{
  gint64 *id = g_object_get_data (G_OBJECT (toast), "sp-id");

  undo_delete (self, *id);
}

typedef struct
{
  SpGalleryPage *self;
  gint64         id;
} DeleteData;

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree DeleteData *data = user_data;
  g_autoptr(SpGalleryPage) self = data->self;
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  AdwToast *toast;

  if (!sp_gallery_delete_finish (SP_GALLERY (object), result, &error))
    {
      if (!is_cancelled (error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not delete the comparison: %s"),
                                                      error->message);

          show_error (self, message);
        }
      return;
    }
  sp_gallery_page_update_scoreboard (self);
  window = gtk_widget_get_ancestor (GTK_WIDGET (self), SP_TYPE_WINDOW);
  if (window == NULL)
    return;
  toast = adw_toast_new (_("Comparison deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "sp-id", g_memdup2 (&data->id, sizeof data->id), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, G_CONNECT_SWAPPED);
  sp_window_add_toast (SP_WINDOW (window), toast);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SpGalleryPage *self = SP_GALLERY_PAGE (widget);
  DeleteData *data;

  if (self->comparison == NULL)
    return;
  data = g_new0 (DeleteData, 1);
  data->self = g_object_ref (self);
  data->id = sp_comparison_get_id (self->comparison);
  self->selected_id = 0;
  sp_gallery_delete_async (self->gallery, self->comparison, self->cancellable, delete_cb, data);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adw_leaflet_navigate (ADW_LEAFLET (adw_bin_get_child (ADW_BIN (widget))), ADW_NAVIGATION_DIRECTION_BACK);
}

/* Export */

static void
report_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpGalleryPage *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!sp_report_write_finish (result, &error))
    {
      if (!is_cancelled (error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not write the report: %s"), error->message);

          show_error (self, message);
        }
      g_task_return_error (task, error);
      return;
    }
  {
    g_autofree char *message = g_strdup_printf (_("Report saved to %s"),
                                                (const char *) g_task_get_task_data (task));

    show_toast (self, message);
  }
  g_task_return_boolean (task, TRUE);
}

/* GObject */

static void
teardown_gallery (SpGalleryPage *self)
{
  flush_notes (self);
  set_comparison (self, NULL);
  self->selected_id = 0;
  clear_bindings (self->gallery_bindings);
  if (self->gallery != NULL)
    g_signal_handlers_disconnect_by_data (self->gallery, self);
  gtk_grid_view_set_model (self->grid_view, NULL);
  gtk_column_view_set_model (self->score_view, NULL);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->scoreboard);
  g_clear_object (&self->gallery);
  g_clear_object (&self->images);
}

static void
setup_gallery (SpGalleryPage *self)
{
  self->gallery = sp_gallery_new (self->store);
  self->images = sp_image_store_new (self->store);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->gallery)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->gallery, "items-changed", G_CALLBACK (gallery_items_changed_cb), self);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));

  keep_binding (self->gallery_bindings,
                g_object_bind_property_full (self->gallery, "search-text", self->search_entry, "text",
                                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                             string_or_empty_cb, NULL, NULL, NULL));
  keep_binding (self->gallery_bindings,
                g_object_bind_property_full (self->gallery, "winner-filter", self->winner_dropdown, "selected",
                                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                             winner_to_selected_cb, selected_to_winner_cb, NULL, NULL));
  gtk_drop_down_set_selected (self->model_dropdown, 0);
  keep_binding (self->gallery_bindings,
                g_object_bind_property_full (self->model_dropdown, "selected", self->gallery, "model-filter",
                                             G_BINDING_SYNC_CREATE, selected_to_model_cb, NULL,
                                             self->model_list, NULL));
  keep_binding (self->gallery_bindings,
                g_object_bind_property_full (self->gallery, "n-items", self->grid_stack, "visible-child-name",
                                             G_BINDING_SYNC_CREATE, n_items_page_cb, NULL, NULL, NULL));

  sp_gallery_reload_async (self->gallery, self->cancellable, reload_cb, g_object_ref (self));
  sp_gallery_page_update_scoreboard (self);
}

static void
sp_gallery_page_dispose (GObject *object)
{
  SpGalleryPage *self = (SpGalleryPage *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->gallery_bindings != NULL)
    teardown_gallery (self);
  if (self->detail_cancellable != NULL)
    g_cancellable_cancel (self->detail_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_GALLERY_PAGE);

  g_clear_object (&self->store);
  g_clear_object (&self->notes_comparison);
  g_clear_object (&self->detail_cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sp_gallery_page_parent_class)->dispose (object);
}

static void
sp_gallery_page_finalize (GObject *object)
{
  SpGalleryPage *self = (SpGalleryPage *) object;

  g_clear_pointer (&self->gallery_bindings, g_ptr_array_unref);
  g_clear_pointer (&self->detail_bindings, g_ptr_array_unref);
  g_clear_pointer (&self->side_bindings, g_ptr_array_unref);

  G_OBJECT_CLASS (sp_gallery_page_parent_class)->finalize (object);
}

static void
sp_gallery_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SpGalleryPage *self = SP_GALLERY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_GALLERY:
      g_value_set_object (value, self->gallery);
      break;
    case PROP_COMPARISON:
      g_value_set_object (value, self->comparison);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_gallery_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SpGalleryPage *self = SP_GALLERY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sp_gallery_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_gallery_page_class_init (SpGalleryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_gallery_page_dispose;
  object_class->finalize = sp_gallery_page_finalize;
  object_class->get_property = sp_gallery_page_get_property;
  object_class->set_property = sp_gallery_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GALLERY] =
    g_param_spec_object ("gallery", NULL, NULL, SP_TYPE_GALLERY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPARISON] =
    g_param_spec_object ("comparison", NULL, NULL, SP_TYPE_COMPARISON,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sp-gallery-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, model_list);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, winner_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, scoreboard_popover);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, score_view);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, grid_stack);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, subject_label);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, meta_label);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, vote_first_label);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, vote_second_label);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, sides_box);
  gtk_widget_class_bind_template_child (widget_class, SpGalleryPage, notes_view);
  gtk_widget_class_bind_template_callback (widget_class, card_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, card_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, card_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, grid_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, scoreboard_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_name_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_wins_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_ties_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_losses_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_both_bad_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_win_rate_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, score_cost_bind_cb);

  gtk_widget_class_install_action (widget_class, "gallery.vote", "s", vote_action);
  gtk_widget_class_install_action (widget_class, "gallery.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "gallery.undo-delete", "x", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "gallery.add-image", "u", add_image_action);
  gtk_widget_class_install_action (widget_class, "gallery.paste-image", "u", paste_image_action);
  gtk_widget_class_install_action (widget_class, "gallery.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "gallery.export-report", NULL, export_report_action);
  gtk_widget_class_install_action (widget_class, "gallery.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "gallery.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "gallery.delete", NULL);
}

static void
sp_gallery_page_init (SpGalleryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->gallery_bindings = g_ptr_array_new_with_free_func (g_object_unref);
  self->detail_bindings = g_ptr_array_new_with_free_func (g_object_unref);
  self->side_bindings = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->detail_cancellable = g_cancellable_new ();

  for (guint i = 0; i < 2; i++)
    build_side (self, i);

  g_signal_connect_object (gtk_text_view_get_buffer (self->notes_view), "changed",
                           G_CALLBACK (notes_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Public API */

void
sp_gallery_page_setup (SpGalleryPage *self,
                       SpStore       *store)
{
  g_return_if_fail (SP_IS_GALLERY_PAGE (self));
  g_return_if_fail (store == NULL || SP_IS_STORE (store));

  sp_gallery_page_set_store (self, store);
}

SpStore *
sp_gallery_page_get_store (SpGalleryPage *self)
{
  g_return_val_if_fail (SP_IS_GALLERY_PAGE (self), NULL);

  return self->store;
}

SpGallery *
sp_gallery_page_get_gallery (SpGalleryPage *self)
{
  g_return_val_if_fail (SP_IS_GALLERY_PAGE (self), NULL);

  return self->gallery;
}

SpComparison *
sp_gallery_page_get_comparison (SpGalleryPage *self)
{
  g_return_val_if_fail (SP_IS_GALLERY_PAGE (self), NULL);

  return self->comparison;
}

void
sp_gallery_page_set_store (SpGalleryPage *self,
                           SpStore       *store)
{
  g_return_if_fail (SP_IS_GALLERY_PAGE (self));
  g_return_if_fail (store == NULL || SP_IS_STORE (store));

  if (self->store == store)
    return;

  teardown_gallery (self);
  replace_cancellable (&self->cancellable);
  g_set_object (&self->store, store);
  if (store != NULL)
    setup_gallery (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GALLERY]);
}

void
sp_gallery_page_refresh (SpGalleryPage *self)
{
  g_return_if_fail (SP_IS_GALLERY_PAGE (self));

  if (self->gallery == NULL)
    return;
  sp_gallery_reload_async (self->gallery, self->cancellable, reload_cb, g_object_ref (self));
  sp_gallery_page_update_scoreboard (self);
}

void
sp_gallery_page_select (SpGalleryPage *self,
                        guint          position)
{
  g_return_if_fail (SP_IS_GALLERY_PAGE (self));

  if (self->selection == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->grid_view), "list.scroll-to-item", "u", position);
}

void
sp_gallery_page_add_image_file_async (SpGalleryPage       *self,
                                      SpSide               side,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SP_IS_GALLERY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = add_image_task_new (self, side, cancellable, callback, user_data);
  if (task == NULL)
    return;
  sp_image_store_import_file_async (self->images, file, cancellable, file_imported_cb, task);
}

SpImage *
sp_gallery_page_add_image_file_finish (SpGalleryPage  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sp_gallery_page_export_report_async (SpGalleryPage       *self,
                                     GFile               *file,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SpReportFormat format;

  g_return_if_fail (SP_IS_GALLERY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sp_gallery_page_export_report_async);
  path = g_file_get_path (file);
  if (self->gallery == NULL)
    g_set_error_literal (&error, SP_ERROR, SP_ERROR_INVALID_INPUT, _("The library is not open yet"));
  else if (path == NULL)
    g_set_error_literal (&error, SP_ERROR, SP_ERROR_INVALID_INPUT,
                         _("Choose a file on this computer for the report"));
  else
    sp_report_format_for_path (path, &format, &error);
  if (error != NULL)
    {
      show_error (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, g_strdup (path), g_free);
  sp_report_write_async (self->gallery, path, format, cancellable, report_written_cb,
                         g_steal_pointer (&task));
}

gboolean
sp_gallery_page_export_report_finish (SpGalleryPage  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Private API */

guint
sp_gallery_page_get_n_thumbnail_requests (SpGalleryPage *self)
{
  g_return_val_if_fail (SP_IS_GALLERY_PAGE (self), 0);

  return self->n_thumbnail_requests;
}

GListModel *
sp_gallery_page_get_scoreboard (SpGalleryPage *self)
{
  g_return_val_if_fail (SP_IS_GALLERY_PAGE (self), NULL);

  return self->scoreboard;
}

void
sp_gallery_page_update_scoreboard (SpGalleryPage *self)
{
  g_return_if_fail (SP_IS_GALLERY_PAGE (self));

  if (self->gallery == NULL)
    return;
  sp_gallery_scoreboard_async (self->gallery, self->cancellable, scoreboard_cb, g_object_ref (self));
}
