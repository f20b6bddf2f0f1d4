// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The entry points of a libFuzzer driver. The same driver links either
 * with libFuzzer (-Dfuzzing=true, clang) or with replay-main.c, which runs
 * it over the seed corpus as a test. */
int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* What every driver wants before its first input: criticals and warnings
 * are crashes (as G_DEBUG=fatal-warnings makes them in the tests), so a
 * g_return_if_fail() the input reaches counts as a finding. */
void fuzz_init (void);

/* The @index-th chunk length of the chunking pattern @pattern (taken from
 * the input): between 0 and 16 bytes, never 0 twice in a row. */
size_t fuzz_chunk_length (const uint8_t *pattern,
                          size_t         pattern_length,
                          size_t         index);
