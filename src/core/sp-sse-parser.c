// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "sp-sse-parser"

#include "config.h"

#include "sp-sse-parser.h"

#include <string.h>

struct _SpSseParser
{
  GObject         parent_instance;

  SpSseEventFunc  func;
  gpointer        user_data;

  GString        *line;
  GString        *data;
  GString        *event;
  char           *last_event_id;

  /* Bytes of the UTF-8 BOM matched so far at the start of the stream;
   * -1 once the start of the stream is behind us. */
  int             bom_matched;
  gboolean        data_seen;
  gboolean        last_was_cr;
};

G_DEFINE_FINAL_TYPE (SpSseParser, sp_sse_parser, G_TYPE_OBJECT)

static const guchar utf8_bom[] = { 0xEF, 0xBB, 0xBF };

static void
reset_event (SpSseParser *self)
{
  g_string_truncate (self->data, 0);
  g_string_truncate (self->event, 0);
  self->data_seen = FALSE;
}

static void
dispatch_event (SpSseParser *self)
{
  const char *event;

  if (!self->data_seen)
    {
      reset_event (self);
      return;
    }

  /* Each data line was appended with a trailing LF; the spec drops the
   * last one. */
  if (self->data->len > 0 && self->data->str[self->data->len - 1] == '\n')
    g_string_truncate (self->data, self->data->len - 1);

  event = self->event->len > 0 ? self->event->str : "message";
  if (self->func != NULL)
    self->func (event, self->data->str, self->last_event_id, self->user_data);

  reset_event (self);
}

static void
process_field (SpSseParser *self,
               const char  *name,
               gsize        name_len,
               const char  *value,
               gsize        value_len)
{
  if (name_len == 4 && memcmp (name, "data", 4) == 0)
    {
      g_string_append_len (self->data, value, value_len);
      g_string_append_c (self->data, '\n');
      self->data_seen = TRUE;
    }
  else if (name_len == 5 && memcmp (name, "event", 5) == 0)
    {
      g_string_truncate (self->event, 0);
      g_string_append_len (self->event, value, value_len);
    }
  else if (name_len == 2 && memcmp (name, "id", 2) == 0)
    {
      /* An id with a NUL in it is ignored, as the spec says. */
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_free (self->last_event_id);
          self->last_event_id = g_strndup (value, value_len);
        }
    }

  /* "retry" and unknown fields are ignored: reconnection is the client's
   * business, with its own policy. */
}

static void
process_line (SpSseParser *self)
{
  const char *line = self->line->str;
  gsize len = self->line->len;
  const char *colon;
  const char *value;
  gsize name_len;
  gsize value_len;

  if (len == 0)
    {
      dispatch_event (self);
      return;
    }

  if (line[0] == ':')
    return;

  colon = memchr (line, ':', len);
  if (colon == NULL)
    {
      process_field (self, line, len, "", 0);
      return;
    }

  name_len = colon - line;
  value = colon + 1;
  value_len = len - name_len - 1;
  if (value_len > 0 && value[0] == ' ')
    {
      value++;
      value_len--;
    }

  process_field (self, line, name_len, value, value_len);
}

/* Consumes the bytes of a BOM at the very start of the stream, even when
 * the BOM itself arrives split across reads. Returns how many bytes of
 * @bytes were consumed. */
static gsize
skip_bom (SpSseParser *self,
          const char  *bytes,
          gsize        length)
{
  gsize i = 0;

  while (self->bom_matched >= 0 && i < length)
    {
      if ((guchar) bytes[i] != utf8_bom[self->bom_matched])
        {
          /* Not a BOM after all: the bytes matched so far are text. */
          g_string_append_len (self->line, (const char *) utf8_bom,
                               self->bom_matched);
          self->bom_matched = -1;
          break;
        }

      self->bom_matched++;
      i++;
      if (self->bom_matched == G_N_ELEMENTS (utf8_bom))
        self->bom_matched = -1;
    }

  return i;
}

static void
sp_sse_parser_finalize (GObject *object)
{
  SpSseParser *self = (SpSseParser *)object;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->event, TRUE);
  g_free (self->last_event_id);

  G_OBJECT_CLASS (sp_sse_parser_parent_class)->finalize (object);
}

static void
sp_sse_parser_class_init (SpSseParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sp_sse_parser_finalize;
}

static void
sp_sse_parser_init (SpSseParser *self)
{
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->event = g_string_new (NULL);
}

SpSseParser *
sp_sse_parser_new (SpSseEventFunc func,
                   gpointer       user_data)
{
  SpSseParser *self = g_object_new (SP_TYPE_SSE_PARSER, NULL);

  self->func = func;
  self->user_data = user_data;

  return self;
}

void
sp_sse_parser_feed (SpSseParser *self,
                    const char  *bytes,
                    gsize        length)
{
  g_autoptr(SpSseParser) hold = NULL;
  gsize i;

  g_return_if_fail (SP_IS_SSE_PARSER (self));
  g_return_if_fail (bytes != NULL || length == 0);

  /* The event callback may drop the caller's last reference. */
  hold = g_object_ref (self);

  i = skip_bom (self, bytes, length);

  while (i < length)
    {
      const char *start = bytes + i;
      gsize rest = length - i;
      gsize n;

      if (self->last_was_cr)
        {
          self->last_was_cr = FALSE;
          if (*start == '\n')
            {
              i++;
              continue;
            }
        }

      for (n = 0; n < rest; n++)
        {
          if (start[n] == '\n' || start[n] == '\r')
            break;
        }

      g_string_append_len (self->line, start, n);
      i += n;

      if (n == rest)
        break;

      self->last_was_cr = (start[n] == '\r');
      i++;

      process_line (self);
      g_string_truncate (self->line, 0);
    }
}

void
sp_sse_parser_finish (SpSseParser *self)
{
  g_return_if_fail (SP_IS_SSE_PARSER (self));

  g_string_truncate (self->line, 0);
  reset_event (self);
  self->last_was_cr = FALSE;
}

gsize
sp_sse_parser_get_pending (SpSseParser *self)
{
  g_return_val_if_fail (SP_IS_SSE_PARSER (self), 0);

  return self->line->len + self->data->len;
}
