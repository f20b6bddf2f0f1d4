// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "sp-job-record.h"

G_BEGIN_DECLS

/* One record as an object of the "jobs" array of jobs.json, and back; for
 * the job list. NULL when @object has no id. */
JsonNode    *sp_job_record_to_json       (SpJobRecord *record);
SpJobRecord *sp_job_record_new_from_json (JsonObject  *object);

G_END_DECLS
