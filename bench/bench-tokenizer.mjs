// SPDX-License-Identifier: GPL-3.0-or-later
//
// The baseline of bench-tokenizer.sh: the npm tiktoken package (OpenAI's
// tiktoken compiled to WebAssembly) encoding a file on one thread.
//
//   npm install --prefix /tmp/sp-tiktoken tiktoken@1.0.22
//   NODE_PATH=/tmp/sp-tiktoken/node_modules node bench/bench-tokenizer.mjs ENCODING FILE [REPEATS]
//
// Prints the token count and the best time in seconds, like bench-tokenizer.c.
// Loading the encoding is not timed.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { get_encoding } = require('tiktoken');

const [encodingName, file, repeatsArg] = process.argv.slice(2);
if (!encodingName || !file) {
  console.error('Usage: bench-tokenizer.mjs ENCODING FILE [REPEATS]');
  process.exit(2);
}
const repeats = Math.max(1, Number(repeatsArg ?? 3));
const text = readFileSync(file, 'utf8');
const enc = get_encoding(encodingName);

enc.encode_ordinary('warm up the WebAssembly module');

let best = Infinity;
let count = 0;
for (let i = 0; i < repeats; i++) {
  const start = process.hrtime.bigint();
  const ids = enc.encode_ordinary(text);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  best = Math.min(best, seconds);
  count = ids.length;
}
enc.free();

console.log(`${count} ${best.toFixed(6)}`);
