#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Tokenizer throughput: Starprompt (C, PCRE2 JIT) against the npm tiktoken
# package (OpenAI's Rust tiktoken compiled to WebAssembly) on the same
# 10 MiB of mixed text, one thread each, for o200k_base and cl100k_base.
# Both must give the same token count; the goal is a ratio of at least 5.
#
#   bench/bench-tokenizer.sh [PATH/TO/bench-tokenizer]
#
# The text is generated deterministically (a fixed-seed generator), so every
# run measures the same bytes. tiktoken is installed with npm under
# $SP_BENCH_DIR (default /tmp/starprompt-bench), never in the source tree.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
driver=${1:-$here/../_build/bench/bench-tokenizer}
work=${SP_BENCH_DIR:-/tmp/starprompt-bench}
repeats=${SP_BENCH_REPEATS:-3}
text=$work/mixed-10MiB.txt

mkdir -p "$work"

if [ ! -d "$work/node_modules/tiktoken" ]; then
  npm install --silent --no-audit --no-fund --prefix "$work" tiktoken@1.0.22 >&2
fi

node - "$text" <<'JS'
// Prose, code, numbers, several scripts, emoji (with ZWJ sequences) and
// whitespace runs, picked by a fixed-seed LCG until the text is 10 MiB.
const fs = require('fs');
const out = process.argv[2];
const size = 10 * 1024 * 1024;
let seed = 20230115;
const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const words = ('the a story of robot who learned to paint stars over an ocean city at dawn ' +
  'while engineers argued about prompts and fine tuning budgets Midjourney Stable Diffusion ' +
  'cinematic lighting highly detailed concept art trending wide angle portrait neon rain ' +
  "it's they're we've I'd you'll DON'T WON'T research template dataset validation").split(' ');
const code = [
  'for (int i = 0; i < n; i++) {\n    total += values[i] * 2;\n}\n',
  'def tokenize(text: str) -> list[int]:\n    return [ord(c) for c in text if not c.isspace()]\n',
  'const result = await fetch(`${baseUrl}/v1/chat/completions`, { method: "POST" });\n',
  '  if (error != NULL)\n    {\n      g_warning ("%s", error->message);\n    }\n',
  '<div class="card"><span>{{ title }}</span></div>\n',
  'SELECT id, name FROM stories WHERE created_at > \'2023-01-01\' ORDER BY id;\n',
];
const unicode = ['日本語のテキストを分割する', '人工智能正在改变世界', 'Привет, как дела?',
  'مرحبا بالعالم', 'नमस्ते दुनिया', 'Καλημέρα κόσμε', '한국어 문장입니다', 'Ünïcödé façade naïve café'];
const emoji = ['👩‍💻', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🚀', '✨', '🇫🇷', '👍🏽', '🤖🎨'];
const spaces = ['\n\n', '\n', '    ', '\t\t', '\n\n\n   \t', '   '];
const parts = [];
let length = 0;
while (length < size) {
  const kind = rand(100);
  let s;
  if (kind < 50) {
    const n = 5 + rand(20);
    const w = [];
    for (let i = 0; i < n; i++) w.push(words[rand(words.length)]);
    s = w.join(' ') + (rand(3) === 0 ? '.\n' : '. ');
  } else if (kind < 68) {
    s = code[rand(code.length)];
  } else if (kind < 78) {
    s = `${rand(100000)} $${rand(1000)}.${rand(100)} 2023-0${1 + rand(9)}-1${rand(10)} ${rand(2147483647)}${rand(2147483647)} `;
  } else if (kind < 92) {
    s = unicode[rand(unicode.length)] + ' ';
  } else if (kind < 97) {
    s = emoji[rand(emoji.length)] + ' ';
  } else {
    s = spaces[rand(spaces.length)];
  }
  parts.push(s);
  length += Buffer.byteLength(s);
}
let text = parts.join('');
let bytes = Buffer.from(text, 'utf8').subarray(0, size);
// Cut at a character boundary.
while (bytes.length > 0 && (bytes[bytes.length - 1] & 0xC0) === 0x80) bytes = bytes.subarray(0, bytes.length - 1);
if (bytes.length > 0 && bytes[bytes.length - 1] >= 0xC0) bytes = bytes.subarray(0, bytes.length - 1);
fs.writeFileSync(out, bytes);
JS

bytes=$(wc -c < "$text")
echo "text: $text ($bytes bytes, sha256 $(sha256sum "$text" | cut -c1-16))"
status=0
for encoding in o200k_base cl100k_base; do
  set -- $("$driver" "$encoding" "$text" "$repeats")
  sp_count=$1 sp_seconds=$2
  set -- $(NODE_PATH="$work/node_modules" node "$here/bench-tokenizer.mjs" "$encoding" "$text" "$repeats")
  tk_count=$1 tk_seconds=$2
  if [ "$sp_count" != "$tk_count" ]; then
    echo "$encoding: COUNT MISMATCH: Starprompt $sp_count tokens, tiktoken $tk_count tokens"
    status=1
    continue
  fi
  awk -v e="$encoding" -v n="$sp_count" -v b="$bytes" -v s="$sp_seconds" -v t="$tk_seconds" 'BEGIN {
    ratio = t / s
    printf "%s: %d tokens; Starprompt %.3f s (%.1f MiB/s), tiktoken npm %.3f s (%.1f MiB/s); ratio %.2fx (goal >= 5x: %s)\n",
           e, n, s, b / s / 1048576, t, b / t / 1048576, ratio, (ratio >= 5 ? "met" : "NOT met")
  }'
done
exit $status
