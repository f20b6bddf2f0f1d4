// SPDX-License-Identifier: GPL-3.0-or-later
//
// Regenerates tests/data/tokenizer-fixture.json, the parity fixture of
// test-tokenizer.c, with the npm tiktoken package (OpenAI's tiktoken compiled
// to WebAssembly):
//
//   npm install --prefix /tmp/sp-tiktoken tiktoken@1.0.22
//   NODE_PATH=/tmp/sp-tiktoken/node_modules \
//     node tests/gen-tokenizer-fixture.mjs > tests/data/tokenizer-fixture.json
//
// For every text and encoding it records encode_ordinary() and, when it
// differs, encode(text, "all"); the model → encoding map of the package;
// and chat counts by the formula of OpenAI's cookbook (num_tokens_from_messages:
// 3 tokens a message, 1 more for a name, 3 to prime the reply).

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const tiktoken = require('tiktoken');
const packageDir = dirname(require.resolve('tiktoken'));
const readJson = (file) => JSON.parse(readFileSync(join(packageDir, file), 'utf8'));
const pkg = readJson('package.json');
const modelToEncoding = readJson('model_to_encoding.json');

const encodings = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'];

const longDocument = [
  '# Starprompt: from a story to an image prompt\n\n',
  'In January 2023 we fine-tuned davinci on 250 examples. Training 1,500,000 tokens ',
  'at $0.03/1K cost $45.00; the fine-tuned model then cost $0.12/1K against $0.02/1K ',
  "for the base model. DON'T forget: it's the prompt, not the model, that's doing most of the work.\n\n",
  '## Template\n\n```python\ndef render(story: str, styles: list[str]) -> str:\n',
  '    """Turn a short story into a Midjourney prompt."""\n',
  '    parts = [story.strip(), *styles, "--ar 3:2", "--v 5"]\n',
  '    return ", ".join(p for p in parts if p)\n```\n\n',
  '```c\nstatic gboolean\nencode_piece (SpTokenizer *self, const guint8 *p, gsize n)\n{\n',
  '  for (gsize i = 0; i < n; i++)\n    total += p[i] * 31u;\n  return total != 0;\n}\n```\n\n',
  '| model | input | output |\n|---|---:|---:|\n| gpt-4o-mini | 0.15 | 0.60 |\n| gpt-4.1 | 2.00 | 8.00 |\n\n',
  'Мы обучили модель на русском тексте. 我们用中文测试分词器。日本語の文章もあります。',
  'النص العربي هنا. हिंदी में भी लिखा है। Ελληνικά κείμενα επίσης.\n\n',
  'Emoji: 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 👍🏽 ✨🚀\n\n',
  'Numbers: 3.14159, 2.71828, 1e-10, 0xDEADBEEF, 1234567890123, 2023-01-15T12:30:00Z.\n',
  '    Indented line with trailing spaces    \n\t\ttabs\t\n\n\n   \t',
  'A cinematic portrait of a robot painting stars above a neon ocean city, volumetric light, ',
  'highly detailed, by Moebius and Syd Mead, trending on ArtStation --ar 3:2 --q 2 --stylize 750\n',
].join('').repeat(3);

// Pieces longer than 96 bytes take the heap merge of sp-tokenizer.c.
let seed = 7;
const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const randomFrom = (alphabet, n) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
const longPieces = [
  randomFrom('abcdefghijklmnopqrstuvwxyz', 300),
  randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 400),
  randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 500),
  randomFrom('的一是不了人我在有他这为之大来以个中上们', 120),
  randomFrom('!@#$%^&*()-=[]{};:,.<>?/|~`', 250),
  randomFrom(['😀', '🚀', '✨', '👍🏽', '🇫🇷', '👩‍💻'], 60),
  randomFrom('абвгдеёжзийклмнопрстуфхцчшщъыьэюя', 200),
  'ab'.repeat(200),
];

const texts = [
  '',
  ' ',
  'Hello, world!',
  'hello world',
  '  leading and trailing  ',
  'The quick brown fox jumps over the lazy dog.',
  "I'm sure you're right; we've seen it, they'll know, he'd say it's done.",
  "I'M SURE YOU'RE RIGHT; WE'VE SEEN IT, THEY'LL KNOW, HE'D SAY IT'S DONE.",
  "Don'T wOn'T CAN'T shouldn'Ve",
  "HE'ſ here (long s) and 'K with a Kelvin sign",
  '你好，世界！人工智能正在改变我们的生活。',
  '日本語のテキスト、カタカナとひらがな。',
  '한국어 문장입니다.',
  'مرحبا بالعالم، هذا نص عربي.',
  'नमस्ते दुनिया, यह हिंदी पाठ है।',
  'Привет, мир! Съешь же ещё этих мягких французских булок.',
  'Καλημέρα κόσμε, ΑΒΓΔ αβγδ.',
  'ภาษาไทยไม่มีช่องว่างระหว่างคำ',
  'Tiếng Việt có dấu: Đường phố Hà Nội.',
  'e\u0301 combining acute, \u0915\u093f Devanagari vowel sign',
  '👩‍💻👨‍👩‍👧‍👦🏳️‍🌈🇫🇷👍🏽 emoji with ZWJ, flags and skin tones',
  '🤖🎨✨🚀 😀😃😄',
  '1234567890 12345678901234567890 3.14159 1,000,000 -42 +7 1e10 0x1F',
  '٣٤٥ ۱۲۳ १२३ ½ Ⅻ ① numbers in other scripts',
  '$0.03/1K tokens × 1.5M = $45.00 (100%)',
  '2023-01-15T12:30:00Z 12:30 v1.2.3 192.168.0.1',
  '\n\n\n   \t',
  'a\n\n\n   \tb',
  '    \n    \n    x',
  'line one\r\nline two\r\n\r\n',
  '\t\t\tindented\ttabs\t',
  'x                                        y',
  'trailing spaces      ',
  ' \u00a0\u2003\u3000 unicode spaces\u0085next line\u2028sep',
  'int main (void)\n{\n  printf ("%d\\n", 42);\n  return 0;\n}\n',
  'def f(x):\n    return [i ** 2 for i in range(x) if i % 2 == 0]\n',
  'const url = `${base}/v1/chat/completions?stream=true`;\n// comment\n/* block */',
  '<div class="a">&nbsp;</div><br/>',
  'https://example.com/path/to/file?query=1&other=two#frag',
  'user@example.com +1 (555) 123-4567',
  '!!!???...,,,;;;:::---___===+++***&&&^^^%%%$$$###@@@',
  '////\\\\\\||||',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
  'HTTPServerErrorXMLParserCamelCaseIdentifiers getHTTPResponseCode',
  '<|endoftext|>',
  'Hello<|endoftext|>World',
  'hi   <|endoftext|>   there',
  '<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>',
  'Stop here.<|endofprompt|>Then continue.',
  '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n',
  '<|endoftext',
  '--ar 3:2 --v 5 --q 2 --stylize 750 --no text',
  'A portrait of an AI, cinematic lighting, by Greg Rutkowski and Alphonse Mucha, 8k, octane render',
  ...longPieces,
  longDocument,
];

const chats = [
  [
    { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
    { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
    { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
    { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
  ],
  [
    { role: 'system', content: 'You turn short stories into Midjourney prompts.' },
    { role: 'user', content: 'A robot learns to paint the stars over an ocean city.' },
    { role: 'assistant', content: 'A lonely robot painting glowing stars above a neon ocean city at dusk, cinematic, highly detailed --ar 3:2' },
  ],
  [
    { role: 'user', content: '你好！请把这个故事变成提示词。🤖🎨' },
  ],
  [],
];

function ids(enc, text, special) {
  return Array.from(special ? enc.encode(text, 'all') : enc.encode_ordinary(text));
}

function chatCount(enc, messages) {
  let n = 0;
  for (const message of messages) {
    n += 3;
    for (const [key, value] of Object.entries(message)) {
      n += enc.encode(value).length;
      if (key === 'name')
        n += 1;
    }
  }
  return n + 3;
}

const encs = Object.fromEntries(encodings.map((name) => [name, tiktoken.get_encoding(name)]));

const cases = texts.map((text) => {
  const entry = { text };
  for (const name of encodings) {
    const ordinary = ids(encs[name], text, false);
    const special = ids(encs[name], text, true);
    entry[name] = ordinary;
    if (JSON.stringify(ordinary) !== JSON.stringify(special))
      entry[name + ':special'] = special;
  }
  return entry;
});

const models = {};
for (const [model, encoding] of Object.entries(modelToEncoding)) {
  if (encodings.includes(encoding))
    models[model] = encoding;
}

const chatCases = chats.map((messages) => {
  const entry = { messages };
  for (const name of encodings)
    entry[name] = chatCount(encs[name], messages);
  return entry;
});

for (const enc of Object.values(encs))
  enc.free();

// One case a line keeps diffs of a regenerated fixture readable.
const lines = [];
lines.push('{');
lines.push(`  "generator": ${JSON.stringify(`npm tiktoken ${pkg.version} via tests/gen-tokenizer-fixture.mjs`)},`);
lines.push('  "cases": [');
lines.push(cases.map((c) => '    ' + JSON.stringify(c)).join(',\n'));
lines.push('  ],');
lines.push('  "chats": [');
lines.push(chatCases.map((c) => '    ' + JSON.stringify(c)).join(',\n'));
lines.push('  ],');
lines.push(`  "models": ${JSON.stringify(models)}`);
lines.push('}');
process.stdout.write(lines.join('\n') + '\n');
