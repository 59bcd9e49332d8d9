/**
 * The index's fast path (session/read-fields.ts) against the full parse (JSON.parse and the
 * check): the same batch, field by field, for every input. A batch is everything the index
 * writes of a file (write-rows.ts appends it as it is): the files row with its skip reason, the
 * session row with its list entry and the browse row's fields, the message, tool-call and
 * api_calls columns.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeSession, rng } from '../../bench/generate.mjs';
import { type FileText, parseBatch } from '../../src/analytics/parse-files.js';
import { CONTENT_HEAD, FieldReader } from '../../src/session/read-fields.js';
import { BIN, FIXTURES, indexRows, makeHome } from '../helpers.js';
import { fileNameFor } from './sessions.js';

const ROOT = join(import.meta.dirname, '..', '..');

const fileOf = (i: number, size: number) => ({
  source: 'live' as const,
  path: `/s/${i}.json`,
  name: `${i}.json`,
  size,
  mtimeMs: i,
});

const reader = new FieldReader();

/**
 * Both paths over the same files (a string stands for its UTF-8 bytes): the fast path must give
 * the batch the full parse gives for the text read from them, exactly. How many it answered for.
 */
async function expectSameRows(inputs: readonly (string | Uint8Array)[]): Promise<number> {
  const files = inputs.map((x) => (typeof x === 'string' ? Buffer.from(x) : Buffer.from(x)));
  const full = (
    await parseBatch(
      files.map((b, i): FileText => ({ file: fileOf(i, b.length), text: b.toString() })),
    )
  ).batch;
  let answered = 0;
  const fastItems = files.map((b, i): FileText => {
    const r = reader.fromBytes(b);
    if (r.session !== undefined) answered++;
    return { file: fileOf(i, b.length), text: r.text, fields: r.session };
  });
  const fast = (await parseBatch(fastItems)).batch;
  const i = fast.files.findIndex((f, k) => !isDeepStrictEqual(f, full.files[k]));
  // the first file that differs, for a readable failure
  if (i >= 0) {
    const shown = JSON.stringify(files[i]?.toString().slice(0, 300));
    expect(fast.files[i], shown).toEqual(full.files[i]);
  }
  expect(fast).toEqual(full);
  return answered;
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

/** The sample with strings long enough to be cut, in every place the fast path cuts them. */
function longSample(): Record<string, unknown> {
  const s = sample();
  const msgs = s.messages as Record<string, unknown>[];
  const calls = msgs[2]?.toolCalls as Record<string, unknown>[];
  (msgs[0] as Record<string, unknown>).content = 'rules é ☃ \u{1F600} "q" \\ \n'.repeat(12);
  (msgs[1] as Record<string, unknown>).content = 'fix it é \u{1F600} \t'.repeat(90);
  (calls[0] as Record<string, unknown>).result = 'fine '.repeat(20);
  (calls[1] as Record<string, unknown>).parameters = 'ls -la '.repeat(20);
  (calls[1] as Record<string, unknown>).result = `Error: ${'no such file é '.repeat(8)}`;
  (calls[4] as Record<string, unknown>).result = `error: ${'x'.repeat(60)}`;
  return s;
}

/** `bytes` put into the UTF-8 of `text` at every `step`-th byte offset. */
function atOffsets(text: string, bytes: number[], step: number): Buffer[] {
  const b = Buffer.from(text);
  return Array.from({ length: Math.floor(b.length / step) + 1 }, (_, n) =>
    Buffer.concat([b.subarray(0, n * step), Buffer.from(bytes), b.subarray(n * step)]),
  );
}

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

  it('answers for a sample with long text in every place it cuts, with the same rows', async () => {
    expect(await expectSameRows([pretty(longSample())])).toBe(1);
    expect(await expectSameRows([JSON.stringify(longSample())])).toBe(1);
  });

  it('gives the same rows with bytes that are not UTF-8 at offsets all through a long sample', async () => {
    const text = pretty(longSample());
    // the cut mark's own bytes (U+FDD0) at every offset; at every fifth: a stray continuation
    // byte, a lead byte alone, a surrogate's bytes, a byte never in UTF-8, a four-byte sequence
    // cut short, a raw newline
    await expectSameRows(atOffsets(text, [0xef, 0xb7, 0x90], 1));
    for (const bytes of [[0x80], [0xc3], [0xed, 0xa0, 0x80], [0xff], [0xf0, 0x9f], [0x0a]]) {
      await expectSameRows(atOffsets(text, bytes, 5));
    }
  }, 300_000);

  it('takes the full path where a cut string is not where it may be cut, with the same rows', async () => {
    const long = 'word '.repeat(300);
    const s = longSample();
    // a `content` at a message's depth, not in a message
    const outOfPlace = { ...s, extra: { deep: { content: long } } };
    // a user message whose role comes after its text: the text was cut as another role's
    const msgs = s.messages as Record<string, unknown>[];
    const lateRole = {
      ...s,
      messages: [...msgs, { content: long, role: 'user' }],
    };
    // a `result` at a tool call's depth, in an API call
    const inCall = structuredClone(s);
    const call = (inCall.messages as Record<string, unknown>[])[2]?.calls as Record<
      string,
      unknown
    >[];
    (call[0] as Record<string, unknown>).result = long;
    expect(await expectSameRows([outOfPlace, lateRole, inCall].map(pretty))).toBe(0);
    // another role after its text is read: what it cut is not read
    const lateAssistant = { ...s, messages: [...msgs, { content: long, role: 'assistant' }] };
    expect(await expectSameRows([pretty(lateAssistant)])).toBe(1);
  });

  it('takes the full path for a file holding the cut mark (U+FDD0), with the same rows', async () => {
    const text = pretty(longSample());
    const marked = ['\\ufdd0', '\\uFDD0', '\\uFdD0', '\uFDD0'].map((m) =>
      text.replace('no such file', `no ${m} such file`),
    );
    expect(await expectSameRows(marked)).toBe(0);
    // a string that merely ends like the mark's escape is read
    expect(await expectSameRows([text.replace('no such file', 'no ufdd0 such file')])).toBe(1);
  });

  it("keeps the head of a tool's result that tells whether it failed", async () => {
    const texts: string[] = [];
    for (const head of [
      'Error',
      '\\u0045rror',
      'error:',
      'err\\u006fr:',
      'Errors',
      ' Error',
      'error',
    ]) {
      for (let pad = 0; pad <= 24; pad++) {
        const s = sample();
        const calls = (s.messages as Record<string, unknown>[])[2]?.toolCalls as Record<
          string,
          unknown
        >[];
        (calls[1] as Record<string, unknown>).result = TOKEN;
        texts.push(
          pretty(s).replace(`"${TOKEN}"`, `"${head}${'\\n'.repeat(pad)}${'z'.repeat(pad)}"`),
        );
      }
    }
    expect(await expectSameRows(texts)).toBe(texts.length);
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

  it('writes, in a cold build, the index a build without WebAssembly writes', async () => {
    const h = makeHome();
    try {
      // more files than the parse workers start for, some not sessions, some with long text
      const r = rng(11);
      for (let i = 0; i < 460; i++) {
        const start = Date.UTC(2025, 0, 1) + i * 3_600_000;
        const session = makeSession(r, start);
        const text =
          i % 10 === 0 ? pretty(longSample()).replace('auth fix', `s${i}`) : pretty(session);
        writeFileSync(join(h.sessions, fileNameFor(new Date(start).toISOString())), text);
      }
      for (const set of ['sessions', 'broken']) {
        for (const n of readdirSync(join(FIXTURES, set))) {
          copyFileSync(join(FIXTURES, set, n), join(h.sessions, n));
        }
      }
      const tables = async () => {
        const names = await indexRows(
          h.home,
          "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main' AND table_name <> 'schema_steps' ORDER BY 1",
        );
        const all: Record<string, unknown> = {};
        for (const { t } of names) {
          all[String(t)] = await indexRows(h.home, `SELECT * FROM "${t}" ORDER BY ALL`);
        }
        return all;
      };
      const build = (node: string[]) => {
        rmSync(join(h.home, 'index.duckdb'), { force: true });
        rmSync(join(h.home, 'answers'), { recursive: true, force: true });
        const run = spawnSync(process.execPath, [...node, BIN, 'sessions', 'stats', '--json'], {
          env: h.env,
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(run.status, run.stderr).toBe(0);
        return run.stdout;
      };
      const plain = build(['--jitless']);
      const plainTables = await tables();
      expect(build([])).toBe(plain);
      const fastTables = await tables();
      expect((fastTables.sessions as unknown[]).length).toBeGreaterThan(460);
      expect(fastTables).toEqual(plainTables);
    } finally {
      h.cleanup();
    }
  }, 300_000);
});
