/**
 * The summaries (src/analytics/summary.ts) answer stats, cost and list without DuckDB, and their answers
 * are the index's, byte for byte: over the fixtures (billed, cached, reasoning, active, a broken
 * file), over a generated corpus, and after sessions are added, changed and removed and after
 * new prices, when the summary on file is of another state and must not answer.
 */

import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.mjs';
import { NUMBER_COLUMNS } from '../../src/analytics/summary-answers.js';
import { BIN, duckdbOpenTracePreload, FIXTURES, homeForEachTest, ROOT } from '../helpers.js';
import { crowd, makeSession, writeSession } from './sessions.js';

const h = homeForEachTest({ fixtures: ['sessions'] });

const QUESTIONS = [
  ['stats'],
  ['stats', '--json'],
  ['stats', '--csv'],
  ['stats', '--month', '2025-10', '--json'],
  ['stats', '--since', '2024-03-01', '--until', '2024-03-15', '--json'],
  ['stats', '--model', 'grok-4', '--json'],
  ['stats', '--tag', 'auth', '--json'],
  ['stats', '--project', '/home/dev/api', '--json'],
  ['cost'],
  ['cost', '--json'],
  ['cost', '--month', '2025-10'],
  ['cost', '--by', 'day', '--tz', 'Asia/Tokyo', '--csv'],
  ['cost', '--by', 'session', '--csv'],
  ['cost', '--rate', '0.01'],
  ['list', '--json'],
  ['list'],
  ['list', '--csv'],
  ['list', '--limit', '3', '--json'],
  ['list', '--limit', '4'],
];

interface Answer {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the process opened DuckDB. */
  opened: boolean;
}

function ask(args: string[], env: NodeJS.ProcessEnv): Answer {
  const preload = duckdbOpenTracePreload(h.home, 'DUCKDB-OPEN');
  const r = spawnSync(process.execPath, ['--require', preload, BIN, 'sessions', ...args], {
    // list reads the index (or its summary) however few the files
    env: { ...env, GROK_NO_ANSWER_CACHE: '1', GROK_LIST_INDEX_THRESHOLD: '1' },
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/^DUCKDB-OPEN .*\n/gm, ''),
    opened: /^DUCKDB-OPEN /m.test(r.stderr),
  };
}

/**
 * Sessions enough for the parse workers to take them (parse-pool.ts), generated from `seed`, with
 * the fixtures (billed, cached, active) and a broken file.
 */
function workersCorpus(seed: number): void {
  for (const name of readdirSync(h.sessions)) rmSync(join(h.sessions, name));
  generate(h.sessions, 500, { seed });
  for (const name of readdirSync(join(FIXTURES, 'sessions'))) {
    copyFileSync(join(FIXTURES, 'sessions', name), join(h.sessions, name));
  }
  writeFileSync(join(h.sessions, 'session-2025-01-01-00-00-00.json'), '{"truncated": ');
}

/** A session as a summary file holds it, its names looked up, its tools in a stable order. */
interface SummarySession {
  file: string;
  estimated: number;
  [column: string]: unknown;
}

/** The sessions of a summary file (summary.ts: summaryFile), in its order. */
function sessionsOfSummary(bytes: Buffer): SummarySession[] {
  const [, layoutLine] = bytes.toString('utf8', 0, 2000).split('\n');
  const layout = JSON.parse(layoutLine as string) as {
    n: number;
    replies: number;
    tools: number;
    meta: [number, number];
    numbers: number;
  };
  const meta = JSON.parse(bytes.toString('utf8', ...layout.meta));
  const { n } = layout;
  const numbers = new Float64Array(
    bytes.buffer.slice(
      bytes.byteOffset + layout.numbers,
      bytes.byteOffset + layout.numbers + 8 * n * NUMBER_COLUMNS.length,
    ),
  );
  const intsAt = bytes.byteOffset + layout.numbers + 8 * n * NUMBER_COLUMNS.length;
  const ints = new Int32Array(
    bytes.buffer.slice(intsAt, intsAt + 4 * (layout.replies + 3 * layout.tools)),
  );
  const replies = ints.subarray(0, layout.replies);
  const tools = ints.subarray(layout.replies);
  const column = (name: string, i: number) =>
    numbers[NUMBER_COLUMNS.indexOf(name as (typeof NUMBER_COLUMNS)[number]) * n + i] as number;
  let r = 0;
  let t = 0;
  return Array.from({ length: n }, (_, i) => {
    const s: SummarySession = { file: meta.files[i], estimated: column('estimated', i) };
    for (const name of NUMBER_COLUMNS) {
      if (name === 'estimated' || name === 'model' || name === 'directory') continue;
      // NaN (SQL NULL) compared as such
      const x = column(name, i);
      s[name] = Number.isNaN(x) ? 'NaN' : x;
    }
    s.model = meta.models[column('model', i)] ?? null;
    s.directory = meta.directories[column('directory', i)] ?? null;
    for (const key of ['ids', 'paths', 'tags', 'ticks']) s[key] = meta[key][i] ?? null;
    const k = column('replies', i);
    s.replies = [...replies.subarray(r, r + k)];
    r += k;
    const list: string[] = [];
    for (let j = 0; j < column('tools', i); j++, t++) {
      list.push(
        `${meta.toolNames[tools[3 * t] as number]} ${tools[3 * t + 1]} ${tools[3 * t + 2]}`,
      );
    }
    s.tools = list.sort();
    return s;
  });
}

/** Each question asked of the index alone, then of the summary: the same output, no DuckDB. */
function compareAll(): void {
  for (const args of QUESTIONS) {
    const label = args.join(' ');
    // computed on the index; it writes the summary of this state
    const index = ask(args, { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect(index.code, `${label}: ${index.stderr}`).toBe(0);
    const summary = ask(args, h.env);
    expect(summary.opened, label).toBe(false);
    expect({ ...summary, opened: true }, label).toEqual(index);
  }
}

/**
 * Each question asked of the summary on file (no DuckDB), then of the index (the first question
 * builds it, the summary left as it is): the same output.
 */
function summaryThenIndex(questions: string[][]): void {
  for (const args of questions) {
    const label = args.join(' ');
    const summary = ask(args, h.env);
    expect(summary.opened, label).toBe(false);
    const index = ask(args, { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect(index.code, `${label}: ${index.stderr}`).toBe(0);
    expect({ ...summary, opened: true }, label).toEqual(index);
  }
}

/**
 * After a change, each question is answered first by whatever answers it (the index, when the
 * summary on file is of another state: `computed` says which must be), then from the summary,
 * and both answers are the index's.
 */
function afterChange(computed: { stats: boolean; list: boolean }): void {
  const questions = [
    ['stats', '--json'],
    // the summary of stats serves cost too: up to date after the stats question
    ['cost', '--by', 'session', '--json'],
    ['list', '--json'],
  ];
  for (const args of questions) {
    const label = args.join(' ');
    const first = ask(args, h.env);
    const must = args[0] === 'stats' ? computed.stats : args[0] === 'list' ? computed.list : false;
    expect(first.opened, `${label}: computed on the index`).toBe(must);
    const summary = ask(args, h.env);
    expect(summary.opened, label).toBe(false);
    const index = ask(args, { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect({ ...first, opened: true }, label).toEqual(index);
    expect({ ...summary, opened: true }, label).toEqual(index);
  }
}

describe('the summary', () => {
  it('answers stats, cost and list as the index does over the fixtures, a broken file among them', () => {
    const broken = 'session-2025-10-05-11-20-00.json';
    copyFileSync(join(FIXTURES, 'broken', broken), join(h.sessions, broken));
    writeSession(h.sessions, {
      start: '2025-10-20T08:00:00Z',
      model: 'grok-unpriced-x',
      tags: ['auth'],
      dir: '/home/dev/api',
      status: 'active',
      tools: ['Read', 'Bash'],
      failed: ['Bash'],
    });
    compareAll();
    // a question the summary does not answer is refused as before it was kept
    for (const args of [
      ['stats', '--machine', 'laptop'],
      ['cost', '--machine', 'laptop'],
    ]) {
      const refused = ask(args, h.env);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(/--machine picks a machine of a pool/);
    }
  }, 600_000);

  it('answers as the index does over a generated corpus', () => {
    for (const name of readdirSync(h.sessions)) rmSync(join(h.sessions, name));
    generate(h.sessions, 300, { seed: 11 });
    compareAll();
  }, 600_000);

  it('with no index, makes the summary from the files, and no index: the sessions, their order and the answers of one written from the index', () => {
    workersCorpus(23);
    const summaryFile = join(h.home, 'summary', 'sessions');
    const first = ask(['stats', '--json'], h.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.opened).toBe(false);
    expect(existsSync(join(h.home, 'index.duckdb'))).toBe(false);
    const fromFiles = readFileSync(summaryFile);
    // every question the summary answers, asked of it and of an index built now
    summaryThenIndex(QUESTIONS.filter((q) => q[0] !== 'list'));
    // the summary the index writes of the same files holds the same sessions in the same order
    // (the order in which the estimate is summed), each with the same numbers; a session's
    // estimate alone may differ in its last bits, DuckDB summing its calls in an order of its own
    rmSync(summaryFile);
    const again = ask(['stats', '--json'], { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect(again.opened).toBe(true);
    const made = sessionsOfSummary(fromFiles);
    const written = sessionsOfSummary(readFileSync(summaryFile));
    expect(made.length).toBe(551);
    expect(made.map((s) => s.file)).toEqual(written.map((s) => s.file));
    made.forEach((s, i) => {
      const w = written[i] as SummarySession;
      expect(Math.abs(s.estimated - w.estimated), s.file).toBeLessThanOrEqual(
        1e-12 * Math.abs(w.estimated),
      );
      expect({ ...s, estimated: 0 }, s.file).toEqual({ ...w, estimated: 0 });
    });
  }, 600_000);

  it('with no index, list makes its summary from the files, and no index: byte for byte the one written from the index', () => {
    workersCorpus(29);
    const listFile = join(h.home, 'summary', 'list');
    const first = ask(['list', '--json'], h.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.opened).toBe(false);
    expect(existsSync(join(h.home, 'index.duckdb'))).toBe(false);
    const fromFiles = readFileSync(listFile);
    summaryThenIndex(QUESTIONS.filter((q) => q[0] === 'list'));
    rmSync(listFile);
    const again = ask(['list', '--json'], { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect(again.opened).toBe(true);
    expect(fromFiles.equals(readFileSync(listFile))).toBe(true);
  }, 600_000);

  it('sums the estimated cost in the order of the cost rows, as the index does, when the later sessions were priced first', async () => {
    for (const name of readdirSync(h.sessions)) rmSync(join(h.sessions, name));
    generate(h.sessions, 400, { seed: 5 });
    // a first build priced only the sessions of the last days: the index's cost rows then hold
    // them ahead of the others (asked of the index: with none, the summary would be made from
    // the files)
    const later = ask(['cost', '--since', '2024-01-03', '--json'], {
      ...h.env,
      GROK_TEST_NO_SUMMARY: '1',
    });
    expect(later.code, later.stderr).toBe(0);
    expect(existsSync(join(h.home, 'summary', 'sessions'))).toBe(false);
    compareAll();
    // the order matters: summed in the order of the files, the estimate differs in its last bits
    const db = await DuckDBInstance.create(join(h.home, 'index.duckdb'), {
      access_mode: 'READ_ONLY',
    });
    const conn = await db.connect();
    const rows = (
      await conn.runAndReadAll(
        'SELECT s.file, c.has_calls, c.estimated FROM cost_rows c JOIN sessions s USING (sid) ORDER BY c.rowid',
      )
    ).getRows() as [string, boolean, number][];
    conn.closeSync();
    db.closeSync();
    const sum = (xs: typeof rows) => xs.reduce((a, [, has, x]) => (has ? a + x : a), 0);
    const byFile = [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(rows.map((r) => r[0])).not.toEqual(byFile.map((r) => r[0]));
    expect(sum(rows)).not.toBe(sum(byFile));
    // the summary holds the sessions in the order of the cost rows, and their sum
    const bytes = readFileSync(join(h.home, 'summary', 'sessions'));
    const [, layoutLine] = bytes.toString('utf8', 0, 2000).split('\n');
    const layout = JSON.parse(layoutLine as string) as Record<string, [number, number]>;
    const meta = JSON.parse(bytes.toString('utf8', ...(layout.meta as [number, number])));
    expect(meta.files).toEqual(rows.map((r) => r[0]));
    const whole = JSON.parse(bytes.toString('utf8', ...(layout.whole as [number, number])));
    expect(whole.values[5].estimated).toBe(sum(rows));
  }, 600_000);

  it('takes in sessions added, changed and removed, and is not used under new prices', () => {
    compareAll();
    // added: the summary of stats and cost takes the new files in; the one of list does not (nor
    // changed or removed files below)
    writeSession(h.sessions, { start: '2025-12-01T09:00:00Z', input: 5000, tools: ['Grep'] });
    afterChange({ stats: false, list: true });
    writeSession(h.sessions, {
      start: '2025-12-02T09:00:00Z',
      model: 'grok-unpriced-y',
      status: 'active',
      tags: ['auth'],
      failed: ['Bash', 'Bash'],
    });
    copyFileSync(
      join(FIXTURES, 'sessions-extra', 'session-2025-11-20-10-00-00.json'),
      join(h.sessions, 'session-2025-11-20-10-00-00.json'),
    );
    copyFileSync(
      join(FIXTURES, 'broken', 'session-2025-10-09-08-00-00.json'),
      join(h.sessions, 'session-2025-10-09-08-00-01.json'),
    );
    afterChange({ stats: false, list: true });
    // changed in place: another size
    const names = readdirSync(h.sessions).filter((n) => n.startsWith('session-'));
    const changed = join(h.sessions, names[3] as string);
    const session = JSON.parse(readFileSync(changed, 'utf8')) as { tokenUsage: { input: number } };
    session.tokenUsage.input += 12345;
    writeFileSync(changed, JSON.stringify(session));
    afterChange({ stats: false, list: true });
    // removed
    rmSync(join(h.sessions, names[5] as string));
    afterChange({ stats: false, list: true });
    // new prices
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({ pricing: { 'grok-4': { input: 7, output: 21 } } }),
    );
    afterChange({ stats: true, list: false });
  }, 600_000);

  it('prices the sessions it takes in as the index prices them, every kind of call', () => {
    // two sessions summarised; the other fixtures, and calls of every kind, then come in
    const held = join(h.home, 'held');
    mkdirSync(held);
    const names = readdirSync(h.sessions).filter((n) => n.startsWith('session-'));
    for (const n of names.slice(2)) renameSync(join(h.sessions, n), join(held, n));
    const first = ask(['stats', '--json'], h.env);
    expect(first.code, first.stderr).toBe(0);
    for (const n of names.slice(2)) renameSync(join(held, n), join(h.sessions, n));
    copyFileSync(
      join(FIXTURES, 'sessions-extra', 'session-2025-11-20-10-00-00.json'),
      join(h.sessions, 'session-2025-11-20-10-00-00.json'),
    );
    const call = (model: string, input: number, more: Record<string, unknown> = {}) => ({
      model,
      input,
      output: 1_500,
      total: input + 1_500,
      ...more,
    });
    const calls = [
      // long context: at and past the threshold, with cached input, and just under it
      call('grok-4.7', 200_000, { cachedInput: 150_000, reasoning: 700 }),
      call('grok-4.7', 250_001, { cachedInput: 300_000 }),
      call('grok-4.6', 199_999, { cachedInput: 10 }),
      // billed by the server: its ticks, not the estimate; a billed $0
      call('grok-4', 12_000, { costUsdTicks: 1_234_567_890 }),
      call('grok-4', 1, { costUsdTicks: 0 }),
      // no usage reported; a model with no price
      { model: 'grok-4', usage: null },
      call('grok-unpriced-z', 3_000),
      call('grok-3-mini-fast-latest', 9_000, { cachedInput: 4_000 }),
    ];
    const session = makeSession({ start: '2025-12-03T10:00:00Z', model: 'grok-4.7' });
    const messages = session.messages as Record<string, unknown>[];
    messages.push({
      role: 'assistant',
      content: 'done',
      timestamp: '2025-12-03T10:00:09.000Z',
      usage: { input: 900_000, output: 12_000, total: 912_000 },
      calls,
    });
    writeFileSync(
      join(h.sessions, 'session-2025-12-03-10-00-00.json'),
      JSON.stringify(session, null, 2),
    );
    afterChange({ stats: false, list: true });
  }, 600_000);

  it('is written for more session files than the 20,000 it was once kept for, and answers as the index does', () => {
    // the fixtures are 51 sessions: 20,001 in all
    const from = Date.UTC(2023, 0, 1);
    for (let i = 0; i < 20_001 - 51; i++) {
      writeSession(h.sessions, { start: new Date(from + i * 60_000).toISOString() });
    }
    const index = ask(['stats', '--json'], { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect(index.code, index.stderr).toBe(0);
    expect(JSON.parse(index.stdout).sessions).toBe(20_001);
    const summary = ask(['stats', '--json'], h.env);
    expect(summary.opened).toBe(false);
    expect({ ...summary, opened: true }).toEqual(index);
    // the summary of list, made whole in memory, is still kept for 20,000 files at most
    const list = ask(['list', '--limit', '1', '--json'], h.env);
    expect(list.code, list.stderr).toBe(0);
    expect(existsSync(join(h.home, 'summary', 'list'))).toBe(false);
  }, 600_000);

  it('is not written for more session files than it is kept for: the index answers', () => {
    const env = { ...h.env, GROK_TEST_SUMMARY_MAX_FILES: '50' };
    // the fixtures are 51 sessions
    for (const args of [
      ['stats', '--json'],
      ['list', '--json'],
    ]) {
      const index = ask(args, { ...env, GROK_TEST_NO_SUMMARY: '1' });
      expect(index.code, index.stderr).toBe(0);
      const again = ask(args, env);
      expect(again.opened, args.join(' ')).toBe(true);
      expect({ ...again, opened: true }).toEqual(index);
    }
    expect(existsSync(join(h.home, 'summary', 'sessions'))).toBe(false);
    // at the limit, it is
    const at = ask(['stats', '--json'], { ...h.env, GROK_TEST_SUMMARY_MAX_FILES: '51' });
    expect(at.code, at.stderr).toBe(0);
    expect(ask(['stats', '--json'], h.env).opened).toBe(false);
  }, 600_000);
});

describe('the summary takes in new sessions in a delta beside it', () => {
  const summaryPath = () => join(h.home, 'summary', 'sessions');
  const deltaPath = () => join(h.home, 'summary', 'sessions-delta');
  /** Which file is at `path`: another one once it is written again. */
  const fileId = (path: string) => {
    const st = statSync(path, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  };
  /** The index of the same sessions in a home of its own: the summary's home is left alone. */
  const indexEnv = () => {
    const home = join(h.home, 'index-home');
    mkdirSync(home, { recursive: true });
    return { ...h.env, GROK_HOME: home, GROK_SESSIONS_DIR: h.sessions, GROK_TEST_NO_SUMMARY: '1' };
  };
  const QUESTIONS_AFTER = [
    ['stats', '--json'],
    ['cost', '--by', 'session', '--json'],
    ['stats', '--model', 'grok-4', '--json'],
    ['stats'],
  ];
  /** Each question answered from the summary (no DuckDB) as the index answers it. */
  function sameAsIndex(env: NodeJS.ProcessEnv = h.env): void {
    for (const args of QUESTIONS_AFTER) {
      const label = args.join(' ');
      const summary = ask(args, env);
      expect(summary.opened, label).toBe(false);
      const index = ask(args, indexEnv());
      expect(index.code, `${label}: ${index.stderr}`).toBe(0);
      // the index's home is named where it names its settings
      const stderr = index.stderr.replaceAll(join(h.home, 'index-home'), h.home);
      expect({ ...summary, opened: true }, label).toEqual({ ...index, stderr, opened: true });
    }
  }
  /** The summary of the sessions as they are, written by a command on the index. */
  function summaryFromIndex(): void {
    const first = ask(['stats', '--json'], { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(summaryPath())).toBe(true);
  }

  it('one after another, the summary file not written again until the delta is past its limit', () => {
    // past FIND_FROM entries: the pass is made by find
    crowd(h.sessions, 300);
    summaryFromIndex();
    const file = fileId(summaryPath());
    const added: string[] = [];
    for (let k = 1; k <= 3; k++) {
      added.push(
        writeSession(h.sessions, {
          start: `2025-12-0${k}T09:00:00Z`,
          input: 1000 * k,
          tools: ['Grep'],
          ...(k === 2 ? { status: 'active', model: 'grok-unpriced-y', tags: ['auth'] } : {}),
        }),
      );
      sameAsIndex();
      expect(fileId(summaryPath()), `session ${k}`).toBe(file);
      expect(existsSync(deltaPath())).toBe(true);
    }
    // one taken in by the delta changed in place, another removed; a broken file added
    const changed = JSON.parse(readFileSync(added[0] as string, 'utf8')) as {
      tokenUsage: { input: number };
    };
    changed.tokenUsage.input += 777;
    writeFileSync(added[0] as string, JSON.stringify(changed));
    rmSync(added[1] as string);
    copyFileSync(
      join(FIXTURES, 'broken', 'session-2025-10-05-11-20-00.json'),
      join(h.sessions, 'session-2025-12-05-11-20-00.json'),
    );
    sameAsIndex();
    expect(fileId(summaryPath())).toBe(file);
    // past its limit (3 lines from the summary file now, 5 with two more): written whole
    const limited = { ...h.env, GROK_TEST_SUMMARY_DELTA_LINES: '4' };
    writeSession(h.sessions, { start: '2025-12-06T09:00:00Z', tools: ['Read'] });
    writeSession(h.sessions, { start: '2025-12-07T09:00:00Z', failed: ['Bash'] });
    sameAsIndex(limited);
    expect(fileId(summaryPath())).not.toBe(file);
    expect(existsSync(deltaPath())).toBe(false);
    // and taken in again after that
    writeSession(h.sessions, { start: '2025-12-08T09:00:00Z', input: 4242 });
    sameAsIndex(limited);
    expect(existsSync(deltaPath())).toBe(true);
    // a file of the summary file removed: written whole again
    const whole = fileId(summaryPath());
    const older = readdirSync(h.sessions).filter((n) => n.startsWith('session-2025-08'));
    rmSync(join(h.sessions, older[0] as string));
    sameAsIndex(limited);
    expect(fileId(summaryPath())).not.toBe(whole);
    expect(existsSync(deltaPath())).toBe(false);
  }, 600_000);

  it('a delta damaged, left by a crash, or of a summary file written since is not used', () => {
    summaryFromIndex();
    const a = writeSession(h.sessions, { start: '2025-12-01T09:00:00Z', input: 1234 });
    sameAsIndex();
    // damaged: cut short
    truncateSync(deltaPath(), 40);
    sameAsIndex();
    // a crash before the new delta took its name: the one before it stays, and is of another state
    writeSession(h.sessions, { start: '2025-12-02T09:00:00Z', input: 99 });
    const crashed = ask(['stats', '--json'], { ...h.env, GROK_FAULT: 'crash-before-rename' });
    expect(crashed.code).toBe(null);
    sameAsIndex();
    // the pass it holds, as find or lstat made it, short of one file: were it used, that file
    // would be taken in a second time
    writeSession(h.sessions, { start: '2025-12-03T09:00:00Z', input: 7 });
    const bytes = readFileSync(deltaPath(), 'utf8');
    const at = bytes.indexOf('\n') + 1;
    const pass = bytes.slice(at);
    const cut = pass.includes('\0') ? pass.indexOf('\0') + 1 : pass.indexOf('\n') + 1;
    expect(cut).toBeGreaterThan(0);
    writeFileSync(deltaPath(), bytes.slice(0, at) + pass.slice(cut));
    sameAsIndex();
    // the summary file written again by a command on the index, of this state: an earlier delta
    // put back claims the same state, but of the file before; used, it would keep `a` below
    const earlier = readFileSync(deltaPath());
    summaryFromIndex();
    writeFileSync(deltaPath(), earlier);
    rmSync(a);
    sameAsIndex();
  }, 600_000);

  it('a summary file written again leaves no delta, and a delta is of one file alone, even one of the same inode, size and time', () => {
    summaryFromIndex();
    writeSession(h.sessions, { start: '2025-12-01T09:00:00Z', input: 1234 });
    sameAsIndex();
    expect(existsSync(deltaPath())).toBe(true);
    // written again by a command on the index: the delta, of the file before, goes with it
    summaryFromIndex();
    expect(existsSync(deltaPath())).toBe(false);
    sameAsIndex();
    // a delta of this file, whose time is set to a whole second
    const when = new Date('2026-01-02T03:04:05Z');
    utimesSync(summaryPath(), when, when);
    writeSession(h.sessions, { start: '2025-12-02T09:00:00Z', input: 99 });
    sameAsIndex();
    const delta = fileId(deltaPath());
    // the file written again in place, as a later summary may get the inode, the size and the
    // time of one removed (a coarse clock): only what was drawn for it differs
    const bytes = readFileSync(summaryPath(), 'latin1');
    const made = /"made":"([0-9a-f]{16})"/.exec(bytes)?.[1];
    expect(made).toBeDefined();
    writeFileSync(
      summaryPath(),
      bytes.replace(`"made":"${made}"`, `"made":"${'0'.repeat(16)}"`),
      'latin1',
    );
    utimesSync(summaryPath(), when, when);
    sameAsIndex();
    // the delta was not taken for this file's: a new one was made
    expect(fileId(deltaPath())).not.toBe(delta);
  }, 600_000);

  it('two commands taking the same new sessions in at once both answer as the index', async () => {
    summaryFromIndex();
    for (let k = 1; k <= 3; k++) {
      writeSession(h.sessions, {
        start: `2025-12-0${k}T09:00:00Z`,
        input: 100 * k,
        tools: ['Grep'],
      });
    }
    const index = ask(['stats', '--json'], indexEnv());
    const run = () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'sessions', 'stats', '--json'], {
          env: { ...h.env, GROK_NO_ANSWER_CACHE: '1' },
          cwd: ROOT,
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.on('close', (code) => resolve({ code, stdout }));
      });
    const both = await Promise.all([run(), run(), run()]);
    for (const r of both) expect(r).toEqual({ code: 0, stdout: index.stdout });
    sameAsIndex();
  }, 600_000);

  it('with no index, commands at once each make the summary from the files and answer as the index; one that cannot write it still answers', async () => {
    workersCorpus(31);
    const index = ask(['stats', '--json'], indexEnv());
    expect(index.code, index.stderr).toBe(0);
    const run = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'sessions', 'stats', '--json'], {
          env: { ...h.env, GROK_NO_ANSWER_CACHE: '1' },
          cwd: ROOT,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const all = await Promise.all([run(), run(), run()]);
    for (const r of all) expect(r).toEqual({ code: 0, stdout: index.stdout, stderr: '' });
    expect(existsSync(join(h.home, 'index.duckdb'))).toBe(false);
    // the summary the last of them wrote is whole, and answers
    sameAsIndex();
    // where no summary can be written (a file in the way of its directory), the answer is the same
    rmSync(join(h.home, 'summary'), { recursive: true });
    writeFileSync(join(h.home, 'summary'), 'not a directory');
    const unwritten = ask(['stats', '--json'], h.env);
    expect(unwritten).toEqual({ ...index, opened: false });
    expect(readFileSync(join(h.home, 'summary'), 'utf8')).toBe('not a directory');
    expect(existsSync(join(h.home, 'index.duckdb'))).toBe(false);
  }, 600_000);
});
