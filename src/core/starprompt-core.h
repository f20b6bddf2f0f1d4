// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sp-client.h"
#include "sp-cost-estimate.h"
#include "sp-error.h"
#include "sp-jsonl.h"
#include "sp-offline.h"
#include "sp-price-sheet.h"
#include "sp-provider.h"
#include "sp-provider-list.h"
#include "sp-secrets.h"
#include "sp-sse-parser.h"
#include "sp-story.h"
#include "sp-tokenizer.h"
#include "sp-template.h"
