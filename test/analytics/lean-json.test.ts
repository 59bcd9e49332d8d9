/**
 * The cut of a session file's text before a summary's parse (analytics/lean-json.ts): the
 * WebAssembly module against a definition of the cut in JavaScript, byte for byte; then the
 * summaries and list entries made through the cut against those of the whole text, row for row
 * and skip reason for skip reason, over the fixtures, a generated corpus and damaged files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSession, rng } from '../../bench/generate.mjs';
import { LeanCutter, RESULT_HEAD } from '../../src/analytics/lean-json.js';
import type { FileToIndex } from '../../src/analytics/parse-files.js';
import { builtInTable, priceRows } from '../../src/analytics/pricing.js';
import { listFiles, summarizeFiles } from '../../src/analytics/summary-rows.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'grok-lean-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const isHex = (c: number | undefined) =>
  c !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(c));

/**
 * The definition: the bytes with the inside of every "content" string value, and of every
 * "result" string value past its head, left out; undefined at the first string JSON would refuse.
 */
function definition(b: Buffer): Buffer | undefined {
  const n = b.length;
  /** The closing quote of the string whose inside starts at p, or -1. */
  const end = (p: number): number => {
    for (;;) {
      if (p >= n) return -1;
      const c = b[p] as number;
      if (c === 34) return p;
      if (c === 92) {
        const e = b[p + 1];
        if (e === 117) {
          if (![2, 3, 4, 5].every((k) => isHex(b[p + k]))) return -1;
          p += 6;
        } else if (e !== undefined && ESCAPES.has(e)) p += 2;
        else return -1;
        continue;
      }
      if (c < 32) return -1;
      p++;
    }
  };
  const ws = (p: number) => {
    while (p < n && [32, 10, 13, 9].includes(b[p] as number)) p++;
    return p;
  };
  const parts: Buffer[] = [];
  let kept = 0;
  let i = 0;
  for (;;) {
    const q = b.indexOf(34, i);
    if (q < 0) break;
    const e = end(q + 1);
    if (e < 0) return undefined;
    i = e + 1;
    let j = ws(i);
    if (b[j] !== 58) continue;
    const key = b.toString('latin1', q + 1, e);
    const head = key === 'content' ? 0 : key === 'result' ? RESULT_HEAD : -1;
    if (head < 0) continue;
    j = ws(j + 1);
    if (b[j] !== 34) continue;
    const ve = end(j + 1);
    if (ve < 0) return undefined;
    const length = ve - j - 1;
    let h = Math.min(head, length);
    if (b.subarray(j + 1, j + 1 + h).includes(92)) h = length;
    while (h > 0 && h < length && ((b[j + 1 + h] as number) & 0xc0) === 0x80) h--;
    if (h < length) {
      parts.push(b.subarray(kept, j + 1 + h));
      kept = ve;
    }
    i = ve + 1;
  }
  parts.push(b.subarray(kept));
  return Buffer.concat(parts);
}

const cutter = LeanCutter.make() as LeanCutter;

/** The module's cut of `b`, as bytes. */
function cutOf(b: Buffer): Buffer | undefined {
  const room = cutter.room(b.length);
  b.copy(room);
  const text = cutter.cut(room.subarray(0, b.length));
  return text === undefined ? undefined : Buffer.from(text);
}

/** The module cuts every input as the definition does; how many it answered for. */
function expectCutsAsDefined(inputs: readonly Buffer[]): number {
  let answered = 0;
  for (const b of inputs) {
    const want = definition(b);
    const got = cutOf(b);
    // the decoded text, compared as bytes: invalid UTF-8 reads as U+FFFD both ways
    const wantText = want === undefined ? undefined : Buffer.from(want.toString('utf8'));
    if (got === undefined ? want !== undefined : !wantText?.equals(got)) {
      expect(got?.toString(), JSON.stringify(b.toString('latin1').slice(0, 400))).toEqual(
        wantText?.toString(),
      );
    }
    if (got !== undefined) answered++;
  }
  return answered;
}

let written = 0;
const prices = priceRows(builtInTable());

/** Files of `texts` on disk. */
function filesOf(texts: readonly (string | Buffer)[]): FileToIndex[] {
  return texts.map((t) => {
    const name = `session-${written++}.json`;
    const path = join(dir, name);
    writeFileSync(path, t);
    const size = Buffer.byteLength(t);
    return { source: 'live', path, name, size, mtimeMs: 0 };
  });
}

/** Summaries and list entries through the cut are the whole parse's; how many were sessions. */
async function expectSameSummaries(texts: readonly (string | Buffer)[]): Promise<number> {
  const files = filesOf(texts);
  const whole = await summarizeFiles(files, prices, { lean: false });
  const lean = await summarizeFiles(files, prices, { lean: true });
  const at = lean.rows.findIndex((r, k) => JSON.stringify(r) !== JSON.stringify(whole.rows[k]));
  if (at >= 0) expect(lean.rows[at]).toEqual(whole.rows[at]);
  expect(lean).toEqual(whole);
  expect(await listFiles(files, { lean: true })).toEqual(await listFiles(files, { lean: false }));
  for (const f of files) rmSync(f.path);
  return lean.rows.length;
}

/** A session with every field the format has, unknown fields at every level, and odd text. */
function sample(): Record<string, unknown> {
  const long = 'x'.repeat(40);
  return {
    sessionId: 'session-2025-10-01-10-00-00',
    startTime: '2025-10-01T10:00:00.000Z',
    endTime: '2025-10-01T10:05:00+02:00',
    model: 'grok-4',
    name: 'auth fix',
    tags: ['work', 'é'],
    status: 'interrupted',
    forkedFrom: { sessionId: 'session-2025-09-30-09-00-00', messages: 2 },
    extra: {
      content: 'not a message',
      nested: [1, 'two', null, true, { result: `Error ${long}` }],
    },
    messages: [
      { role: 'system', content: 'rules\n"quoted"', note: 'unknown' },
      { role: 'user', content: '  \n  fix the \t login  ', timestamp: '2025-10-01T10:00:01.5Z' },
      {
        role: 'assistant',
        content: null,
        timestamp: '2025-10-01T10:00:03.000Z',
        toolCalls: [
          { tool: 'Read', id: 'c1', parameters: { path: 'a.ts', content: long }, result: long },
          { tool: 'Bash', parameters: 'ls', result: `Error: no ${long}` },
          { tool: 'Grep', result: { error: 'bad', code: 2 } },
          { tool: 'Glob', result: ['error:', 1] },
          { tool: 'Edit', result: `error: failed ${long}` },
          { tool: 'Web', result: `Errors ${long}`, more: {} },
          { tool: 'Ask', result: 12 },
          { tool: 'Say', result: `éééééééé${long}` },
          { tool: 'Cut', result: `Error\n${long}` },
        ],
        usage: { input: 10, output: 5, total: 15, cachedInput: 2, reasoning: 1, costUsdTicks: 0 },
        calls: [
          { model: 'grok-4', input: 6, output: 3, total: 9, costUsdTicks: 1200 },
          { model: 'grok-4-fast', usage: null },
        ],
      },
      {
        role: 'assistant',
        content: `done ${long}`,
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
const TOKEN = '@@token@@';

/** The sample with `literal` (a JSON string's inside, escapes and all) as the string at `path`. */
function withLiteral(path: (string | number)[], literal: string): string {
  const s = sample() as Record<string | number, unknown>;
  let at = s;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path.at(-1) as string | number] = TOKEN;
  return pretty(s).replace(`"${TOKEN}"`, `"${literal}"`);
}

/** The paths of the strings the cut cuts in the sample, and of a key beside them. */
const CUT_PATHS: (string | number)[][] = [
  ['messages', 0, 'content'],
  ['messages', 3, 'content'],
  ['messages', 2, 'toolCalls', 0, 'result'],
  ['messages', 2, 'toolCalls', 1, 'result'],
  ['messages', 2, 'toolCalls', 0, 'parameters', 'content'],
  ['extra', 'content'],
  ['model'],
];

const fixtures = (sub: string) =>
  readdirSync(join(ROOT, 'fixtures', sub))
    .sort()
    .map((n) => readFileSync(join(ROOT, 'fixtures', sub, n)));

/** Every way a string's inside can go wrong or read oddly, around a result's head. */
function oddLiterals(): string[] {
  const out: string[] = [];
  for (let k = 0; k <= RESULT_HEAD + 4; k++) {
    const x = 'E'.repeat(k);
    for (const odd of [
      '\\n',
      '\\u0045',
      '\\ud83d\\ude00',
      '\\\\',
      'é',
      '😀',
      '\\x',
      '\\u12',
      '\\u00G0',
      '\t',
      '\u0000',
      '\u007f',
    ]) {
      out.push(`${x}${odd}${'y'.repeat(30)}`);
    }
  }
  out.push('\\u0045rror: escaped at the start, and long enough to be cut');
  out.push('Error: "quoted" \\"and\\" escaped \\\\" ends here, long');
  return out;
}

describe('the cut of a session file before a summary', () => {
  it('cuts exactly as its definition: fixtures, a generated corpus, every cut offset', () => {
    const valid = fixtures('sessions');
    expect(expectCutsAsDefined(valid)).toBe(valid.length);
    expectCutsAsDefined(fixtures('broken'));
    const r = rng(11);
    const generated = Array.from({ length: 60 }, (_, i) =>
      Buffer.from(pretty(makeSession(r, Date.UTC(2025, 0, 1) + i * 3_600_000))),
    );
    expect(expectCutsAsDefined(generated)).toBe(generated.length);
    const text = Buffer.from(pretty(sample()));
    expectCutsAsDefined(Array.from({ length: text.length + 1 }, (_, k) => text.subarray(0, k)));
  });

  it('cuts exactly as its definition with any byte at any offset of a sample', () => {
    const text = Buffer.from(pretty(sample()));
    for (const byte of [0x00, 0x09, 0x22, 0x5c, 0x3a, 0x80, 0xc3, 0xff, 0x7d]) {
      expectCutsAsDefined(
        Array.from({ length: text.length + 1 }, (_, k) =>
          Buffer.concat([text.subarray(0, k), Buffer.from([byte]), text.subarray(k)]),
        ),
      );
    }
  });

  it('cuts exactly as its definition with odd strings where it cuts, and random bytes', () => {
    const inputs = CUT_PATHS.flatMap((path) =>
      oddLiterals().map((l) => Buffer.from(withLiteral(path, l))),
    );
    expect(expectCutsAsDefined(inputs)).toBeGreaterThan(inputs.length / 2);
    const r = rng(5);
    const alphabet = Buffer.from('"\\:{}[], \n\tcontentresultuE0aé\u0001');
    const random = Array.from({ length: 3000 }, () =>
      Buffer.from(
        Array.from(
          { length: Math.floor(r() * 80) },
          () => alphabet[Math.floor(r() * alphabet.length)] as number,
        ),
      ),
    );
    expectCutsAsDefined(random);
  });

  it('leaves the rows of the whole parse: fixtures and a generated corpus, all answered', async () => {
    const valid = fixtures('sessions');
    expect(await expectSameSummaries(valid)).toBe(valid.length);
    expect(await expectSameSummaries(fixtures('broken'))).toBe(0);
    const r = rng(7);
    const generated = Array.from({ length: 150 }, (_, i) =>
      pretty(makeSession(r, Date.UTC(2025, 0, 1) + i * 3_600_000)),
    );
    expect(await expectSameSummaries(generated)).toBe(generated.length);
    const compact = generated.slice(0, 20).map((t) => JSON.stringify(JSON.parse(t)));
    expect(await expectSameSummaries(compact)).toBe(compact.length);
  });

  it('leaves the rows and skip reasons of the whole parse at every cut offset', async () => {
    const text = Buffer.from(pretty(sample()));
    const cuts = Array.from({ length: text.length + 1 }, (_, k) => text.subarray(0, k));
    // the cut just before the final newline, and the whole, are sessions
    expect(await expectSameSummaries(cuts)).toBe(2);
  });

  it('leaves the rows and skip reasons of the whole parse with damage at every offset', async () => {
    const text = Buffer.from(pretty(sample()));
    for (const bytes of [[0x00], [0x22], [0x5c], [0xff], [0xef, 0xbb, 0xbf]]) {
      await expectSameSummaries(
        Array.from({ length: text.length + 1 }, (_, k) =>
          Buffer.concat([text.subarray(0, k), Buffer.from(bytes), text.subarray(k)]),
        ),
      );
    }
  }, 300_000);

  it('leaves the rows of the whole parse with odd strings where it cuts: tool failures kept', async () => {
    const texts = CUT_PATHS.flatMap((path) => oddLiterals().map((l) => withLiteral(path, l)));
    const answered = await expectSameSummaries(texts);
    expect(answered).toBeGreaterThan(texts.length / 2);
    // the sample's failed calls, as the whole parse counts them ("Errors" starts with "Error")
    const [row] = (await summarizeFiles(filesOf([pretty(sample())]), prices)).rows;
    const failed = Object.fromEntries((row?.tools ?? []).map((t) => [t.tool, t.failed]));
    expect(failed).toEqual({
      Read: 0,
      Bash: 1,
      Grep: 1,
      Glob: 0,
      Edit: 1,
      Web: 1,
      Ask: 0,
      Say: 0,
      Cut: 1,
    });
  });
});
