// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A fake OpenAI-compatible server for tests, on 127.0.0.1 and a random
 * port. It runs in the global default main context: create it on the
 * main thread and iterate that context.
 *
 * It serves GET /v1/models, POST /v1/chat/completions and
 * POST /v1/completions, streaming (real chunked writes over time) or not,
 * with "usage". The model name picks a scenario:
 *
 *   fake-ok          a sci-fi image prompt ending in "--ar 3:2" built from
 *                    the longest word of the story (also any unknown model)
 *   fake-slow        waits 300 ms before answering and 100 ms per chunk
 *   fake-429         429 with retry-after-ms: 20 the first time, then ok
 *   fake-500         500 the first time, then ok
 *   fake-500-always  500 every time
 *   fake-drop        closes the connection without an answer the first
 *                    time, then ok
 *   fake-malformed   broken JSON (in the body or in a stream event)
 *   fake-truncated   a stream that stops without "data: [DONE]" (a
 *                    non-streamed answer is cut in half)
 *   fake-crlf        stream events end with CRLF
 *   fake-cr          stream events end with CR
 *   fake-split       the stream is written in odd-sized pieces (1, 2, 3, 5,
 *                    7, 11, 13 bytes…) a millisecond apart
 *   fake-quota       429 with the insufficient_quota error
 *   fake-chatter     the prompt wrapped in chat chatter ("Sure! Here is
 *                    your prompt:" … "Let me know…")
 *   fake-404         404 model_not_found
 *   fake-redirect    307 to /elsewhere/v1/…, which counts requests that
 *                    still carry an Authorization header
 *
 * Files and fine-tuning, as OpenAI has them:
 *
 *   POST /v1/files      multipart/form-data, read as it arrives and never
 *                       kept whole: counted, checksummed (SHA-256) and,
 *                       for purpose "fine-tune", checked as JSONL (the
 *                       first 1000 lines parsed, the others only shaped
 *                       like {…}); 400 "invalid_file_format" for a name
 *                       not ending in .jsonl or a line that is not an
 *                       object. Contents up to 1 MiB are kept for /content.
 *   GET/DELETE /v1/files/{id}, GET /v1/files/{id}/content
 *   POST /v1/fine_tuning/jobs, GET …/jobs?limit=&after=, GET …/jobs/{id},
 *   GET …/{id}/events?limit=&after= and …/{id}/checkpoints (newest
 *   first, as OpenAI), POST …/{id}/cancel
 *
 * A job lives on a clock of job-step-ms steps (20 ms unless set):
 * validating_files, queued at step 2, running at step 4, then 20 metrics
 * events ("data": step, train_loss, valid_loss with a validation file;
 * the loss falls), checkpoints at steps 10 and 20, and succeeded with
 * "ft:MODEL:fake:SUFFIX:abc123" ("gpt-4o-mini" is
 * gpt-4o-mini-2024-07-18) and a result file "step_metrics.csv"
 * (step,train_loss,valid_loss). The model or suffix picks a scenario:
 *
 *   suffix "fail"          fails at training step 5 with an error message
 *   fake-ft-forbidden      403, "insufficient permissions … Missing scopes"
 *   fake-ft-closed         403, code fine_tuning_not_available
 *   fake-ft-quota          429 insufficient_quota
 *   fake-ft-unknown-model  400 "Model … is not available for fine-tuning
 *                          or does not exist."
 *
 * An unknown training or validation file gives 400 "invalid
 * training_file: …"; a suffix over 64 characters 400.
 *
 * "The first time" is per conversation: requests are grouped by the
 * X-Fake-Conversation header when present, else by a hash of the request
 * body, so a client re-sending the same request is the same conversation.
 *
 * With a required key, any request whose Authorization is not
 * "Bearer KEY" gets a 401 whose message quotes the key it received, as
 * real servers do, so tests can check the client never passes it on. */

#define SP_TYPE_FAKE_SERVER (sp_fake_server_get_type ())
G_DECLARE_FINAL_TYPE (SpFakeServer, sp_fake_server, SP, FAKE_SERVER, GObject)

SpFakeServer *sp_fake_server_new                  (GError       **error);
/* Makes server listen on 127.0.0.1 and a random port with a listen queue
 * as long as a real server's; shared with the fake image server. */
gboolean      sp_fake_server_listen_loopback      (SoupServer    *server,
                                                   GError       **error);
/* "http://127.0.0.1:PORT/v1" */
const char   *sp_fake_server_get_base_url         (SpFakeServer  *self);
/* All requests, whatever their path. */
guint         sp_fake_server_get_request_count    (SpFakeServer  *self);
/* Requests to one path, such as "/v1/chat/completions". */
guint         sp_fake_server_get_path_count       (SpFakeServer  *self,
                                                   const char    *path);
/* Requests that reached the redirect target with an Authorization
 * header: must stay 0. */
guint         sp_fake_server_get_leaked_auth_count (SpFakeServer *self);
/* The body of the last request, or NULL. */
char         *sp_fake_server_dup_last_request_body (SpFakeServer *self);
/* Whether the last request carried an Authorization header. */
gboolean      sp_fake_server_get_last_had_auth    (SpFakeServer  *self);
void          sp_fake_server_set_latency          (SpFakeServer  *self,
                                                   guint          latency_ms);
void          sp_fake_server_set_required_key     (SpFakeServer  *self,
                                                   const char    *key);
/* Length of one step of a fine-tuning job's clock. */
void          sp_fake_server_set_job_step_ms      (SpFakeServer  *self,
                                                   guint          step_ms);
/* The number in the id of the next job ("ftjob-fake0001" by default), so
 * that two servers in one test give different ids. */
void          sp_fake_server_set_first_job_number (SpFakeServer  *self,
                                                   guint          number);
/* Bytes of the file part of the last upload, and their SHA-256 in hex. */
guint64       sp_fake_server_get_last_upload_size (SpFakeServer  *self);
char         *sp_fake_server_dup_last_upload_checksum (SpFakeServer *self);
/* Forgets counters and conversations. */
void          sp_fake_server_reset                (SpFakeServer  *self);

G_END_DECLS
