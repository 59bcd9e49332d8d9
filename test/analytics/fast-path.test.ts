/**
 * The index's fast path (session/read-fields.ts) against the full parse (JSON.parse and the
 * check): the same batch, field by field, for every input. A batch is everything the index
 * writes of a file (write-rows.ts appends it as it is): the files row with its skip reason, the
 * session row with its list entry and the browse row's fields, the message, tool-call and
 * api_calls columns.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeSession, rng } from '../../bench/generate.mjs';
import { type FileText, parseBatch } from '../../src/analytics/parse-files.js';
import { CONTENT_HEAD, readIndexFields } from '../../src/session/read-fields.js';

const ROOT = join(import.meta.dirname, '..', '..');

function item(text: string, i: number): FileText {
  return {
    file: {
      source: 'live',
      path: `/s/${i}.json`,
      name: `${i}.json`,
      size: text.length,
      mtimeMs: i,
    },
    text,
  };
}

/** Both paths over the same texts; the fast path must give the full parse's batch exactly. */
async function expectSameRows(texts: readonly string[]): Promise<number> {
  const items = texts.map(item);
  const full = (await parseBatch(items, { fastPath: false })).batch;
  const fast = (await parseBatch(items, { fastPath: true })).batch;
  const i = fast.files.findIndex((f, k) => !isDeepStrictEqual(f, full.files[k]));
  // the first file that differs, for a readable failure
  if (i >= 0) expect(fast.files[i], JSON.stringify(texts[i]?.slice(0, 300))).toEqual(full.files[i]);
  expect(fast).toEqual(full);
  return texts.filter((t) => readIndexFields(t) !== undefined).length;
}

/** A session with every field the format has, unknown fields at every level, and odd text. */
function sample(): Record<string, unknown> {
  return {
    sessionId: 'session-2025-10-01-10-00-00',
    startTime: '2025-10-01T10:00:00.000Z',
    endTime: '2025-10-01T10:05:00+02:00',
    model: 'grok-4',
    name: 'auth fix',
    tags: ['work', 'é'],
    status: 'interrupted',
    forkedFrom: { sessionId: 'session-2025-09-30-09-00-00', messages: 2 },
    extra: { nested: [1, 'two', null, true, { deep: 'x' }] },
    messages: [
      { role: 'system', content: 'rules\n"quoted"', note: 'unknown' },
      {
        role: 'user',
        content: '  \n  fix the \t login  ',
        timestamp: '2025-10-01T10:00:01.5Z',
      },
      {
        role: 'assistant',
        content: null,
        timestamp: '2025-10-01T10:00:03.000Z',
        toolCalls: [
          { tool: 'Read', id: 'c1', parameters: { path: 'a.ts', n: [1.5e3, -0] }, result: 'x' },
          { tool: 'Bash', parameters: 'ls', result: 'Error: no' },
          { tool: 'Grep', result: { error: 'bad', code: 2 } },
          { tool: 'Glob', result: ['error:', 1] },
          { tool: 'Edit', result: 'error: failed' },
          { tool: 'Web', result: null, more: {} },
          { tool: 'Ask', result: 12 },
        ],
        usage: { input: 10, output: 5, total: 15, cachedInput: 2, reasoning: 1, costUsdTicks: 0 },
        calls: [
          { model: 'grok-4', input: 6, output: 3, total: 9, costUsdTicks: 1200 },
          { model: 'grok-4-fast', usage: null },
        ],
      },
      {
        role: 'assistant',
        content: 'done',
        timestamp: '2025-10-01T10:00:09.000Z',
        usage: { input: 7, output: 2, total: 9 },
        interrupted: true,
      },
      { role: 'tool', content: '' },
    ],
    tokenUsage: { input: 17, output: 7, total: 24, cachedInput: 2 },
    metadata: { workingDirectory: '/home/u/app', nodeVersion: '20.10.0', grokVersion: '1.1.0' },
  };
}

const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Every string value and key of `v` (paths), for the escape variants. */
function stringPaths(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof v === 'string') return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringPaths(x, [...path, i]));
  if (v !== null && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => [
      [...path, `key:${k}`],
      ...stringPaths(x, [...path, k]),
    ]);
  }
  return [];
}

const TOKEN = '@@token@@';

/** `text` (a JSON string literal's content, escapes and all) in place of the string at `path`. */
function withLiteral(root: unknown, path: (string | number)[], literal: (s: string) => string) {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  let original: string;
  if (typeof last === 'string' && last.startsWith('key:')) {
    original = last.slice(4);
    // the key renamed in place, order kept
    const entries = Object.entries(at).map(([k, x]) => [k === original ? TOKEN : k, x] as const);
    for (const k of Object.keys(at)) delete at[k];
    for (const [k, x] of entries) at[k] = x;
  } else {
    original = at[last] as string;
    at[last] = TOKEN;
  }
  return pretty(copy).replace(`"${TOKEN}"`, `"${literal(original)}"`);
}

const u = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const allEscaped = (s: string) => [...s].map((c) => u(c.charCodeAt(0))).join('');
const plain = (s: string) => JSON.stringify(s).slice(1, -1);

describe('the index fast path', () => {
  it('gives the rows of the full parse on the fixtures, and answers for every valid one', async () => {
    const read = (dir: string) =>
      readdirSync(join(ROOT, 'fixtures', dir))
        .sort()
        .map((n) => readFileSync(join(ROOT, 'fixtures', dir, n), 'utf8'));
    const valid = read('sessions');
    expect(await expectSameRows(valid)).toBe(valid.length);
    const broken = read('broken');
    expect(await expectSameRows(broken)).toBe(0);
  });

  it('gives the rows of the full parse on a generated corpus, and answers for all of it', async () => {
    const r = rng(7);
    const texts = Array.from({ length: 150 }, (_, i) =>
      pretty(makeSession(r, Date.UTC(2025, 0, 1) + i * 3_600_000)),
    );
    expect(await expectSameRows(texts)).toBe(texts.length);
    // compact JSON too (no newline at all)
    const compact = texts.slice(0, 20).map((t) => JSON.stringify(JSON.parse(t)));
    expect(await expectSameRows(compact)).toBe(compact.length);
  });

  it('answers for the sample with every field, with the same rows', async () => {
    expect(await expectSameRows([pretty(sample())])).toBe(1);
  });

  it('gives the same rows and skip reasons at every cut offset of a sample', async () => {
    const text = pretty(sample());
    const cuts = Array.from({ length: text.length }, (_, k) => text.slice(0, k));
    // the cut just before the final newline is still a whole session
    expect(await expectSameRows(cuts)).toBe(1);
  });

  it('gives the same rows with a damaging character at every offset of a sample', async () => {
    const text = pretty(sample());
    for (const ch of ['\u0000', '\t', '"', '\\', '\uD800', '\uFEFF', '}']) {
      const texts = Array.from(
        { length: text.length + 1 },
        (_, k) => text.slice(0, k) + ch + text.slice(k),
      );
      await expectSameRows(texts);
    }
  }, 300_000);

  it('gives the same rows with a byte-order mark, NULs and lone surrogates', async () => {
    const text = pretty(sample());
    await expectSameRows([
      `\uFEFF${text}`,
      `${text}\u0000`,
      '\u0000'.repeat(40),
      '',
      ' \n ',
      text.replace('"auth fix"', '"auth \uD800 fix"'),
      text.replace('"grok-4",', '"grok-4\uDFFF",'),
      text.replace('"Read"', '"Re\uD83Dad"'),
      text.replace('"work"', '"\uDC00"'),
    ]);
  });

  it('gives the same rows with escapes in every string and every key', async () => {
    const s = sample();
    const texts = stringPaths(s).flatMap((path) => [
      withLiteral(s, path, allEscaped),
      withLiteral(s, path, (x) => `${plain(x)}\\ud800`),
      withLiteral(s, path, (x) => `\\udc00${plain(x)}\\"\\\\\\/\\b\\f\\n\\r\\t`),
      withLiteral(s, path, (x) => `${plain(x)}\\x`),
      withLiteral(s, path, (x) => `${plain(x)}\\u12`),
      withLiteral(s, path, (x) => `${plain(x)}\\u00G0`),
    ]);
    const answered = await expectSameRows(texts);
    expect(answered).toBeGreaterThan(texts.length / 3);
  });

  it('cuts message text at its head exactly as the full parse reads it', async () => {
    const texts: string[] = [];
    for (let at = CONTENT_HEAD - 8; at <= CONTENT_HEAD + 8; at++) {
      for (const esc of ['\\n', '\\u00e9', '\\ud83d\\ude00', '\\\\']) {
        const s = sample();
        const head = 'w '.repeat(at).slice(0, at);
        const msgs = s.messages as { content: string }[];
        (msgs[1] as { content: string }).content = TOKEN;
        texts.push(pretty(s).replace(`"${TOKEN}"`, `"${head}${esc}tail${'x'.repeat(50)}"`));
        // a first user message that is white space up to and past the head: the next one counts
        (msgs[1] as { content: string }).content = TOKEN;
        msgs.push({ role: 'user', content: 'second' } as never);
        texts.push(pretty(s).replace(`"${TOKEN}"`, `"${' '.repeat(at)}${esc}"`));
      }
    }
    expect(await expectSameRows(texts)).toBe(texts.length);
  });
});
