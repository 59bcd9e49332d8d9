/**
 * The summary: what `stats` and `cost` read of every live session, kept beside the index in
 * `$GROK_HOME/summary/`, so that a warm command answers without loading DuckDB at all (its
 * library's load and an open cost ~0.15 s before any query; the answer from the summary, a few
 * milliseconds). It is a copy of the index's rows (summary-sessions.sql), written by a command
 * that computed its answer on the index, and it answers only for the files it was made from:
 *
 * - its key is the stat pass's manifest (every session file's name, size and mtime), the price
 *   table's digest (costs.ts: pricesDigest), the index's schema steps, grok's version and its own
 *   format: a file added, changed or removed (delete, prune, archive, repair, redact, tag, a chat
 *   saving), new prices, a migration, each makes it answer no more until a command on the index
 *   writes it again;
 * - it is written whole to a temporary file renamed over the old one (a crash leaves the old or
 *   the new, never half of one), and it carries its key, so a summary written by a concurrent
 *   grok from another state of the directory is never taken for this one;
 * - anything unreadable, of another format or another key is no summary: the index answers.
 *
 * The answers computed from it are the index's, value for value: summary-answers.ts does in
 * JavaScript what the queries of stats and cost do, and test/analytics/summary.test.ts holds
 * the two equal.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ensurePrivateDir, writeFileAtomic } from '../session/atomic-write.js';
import type { SkippedFile } from '../session/store.js';
import { testSwitch } from '../test-hooks.js';
import { grokVersion } from '../version.js';
import { MIGRATION_STEPS } from './migrations.js';
import { holdScan, manifestLines, type Scan, startScan } from './scan.js';
import {
  NUMBER_COLUMNS,
  type NumberColumn,
  STATUS,
  type StatsValues,
  type SummaryColumns,
  selectSessions,
  statsValues,
} from './summary-answers.js';

/** Changes whenever what the summary holds, or how it is read, changes. */
const SUMMARY_FORMAT = 1;

/** A live session as summary-sessions.sql gives it, for the summary to keep. */
interface SessionRow {
  file: string;
  /** Only for a session marked active. */
  path: string | null;
  session_id: string;
  model: string;
  start_us: number;
  tags: string[] | null;
  working_directory: string | null;
  status: string | null;
  interrupted: boolean;
  duration_ms: number | null;
  messages: number;
  tool_calls: number;
  input: number;
  output: number;
  total: number;
  has_calls: boolean | null;
  exact_ticks: string | null;
  billed_calls: number | null;
  estimated_calls: number | null;
  unpriced_calls: number | null;
  unpriced_sessions: number | null;
  unknown_calls: number | null;
  api_calls: number | null;
  cached_input: number | null;
  reasoning: number | null;
  totals_only: boolean | null;
  estimated: number | null;
  tools: { tool: string; calls: number; failed: number }[] | null;
  replies: number[] | null;
  timed_output: number | null;
  timed_ms: number | null;
}

export interface Summary {
  /** The values of stats over every session (statsValues), computed when it was written. */
  whole: StatsValues;
  /** The live files that are not sessions, as skipped-files.sql lists them. */
  skipped: SkippedFile[];
  /** The sessions, by column: their names and such read from the file on first use. */
  readonly sessions: SummaryColumns;
}

/** What a summary is valid for, on its file's first line. */
interface SummaryKey {
  format: number;
  grok: string;
  schema: string;
  dir: string;
  prices: string;
  /** The print of the stat pass it was made from (scan.ts): equal, nothing changed. */
  print: string;
}

/** Where the parts of a summary file are, on its second line: byte offsets. */
interface SummaryLayout {
  n: number;
  replies: number;
  tools: number;
  whole: [number, number];
  meta: [number, number];
  lines: [number, number];
  numbers: number;
}

/** The strings of a summary (SummaryColumns), and its skipped files: JSON. */
interface SummaryMeta {
  files: string[];
  ids: Record<number, string>;
  paths: Record<number, string>;
  models: string[];
  directories: string[];
  tags: Record<number, string[]>;
  ticks: Record<number, string>;
  toolNames: string[];
}

/** What a summary holds for the question asked most (stats over every session): JSON. */
interface SummaryWhole {
  values: StatsValues;
  skipped: SkippedFile[];
}

function summaryPath(home: string): string {
  return join(home, 'summary', 'sessions');
}

function keyOf(dir: string, prices: string, print: string): SummaryKey {
  return {
    format: SUMMARY_FORMAT,
    grok: grokVersion(),
    schema: MIGRATION_STEPS.join(),
    dir,
    prices,
    print,
  };
}

/** Whether two keys are the same but for their prints. */
function sameBase(a: SummaryKey, b: SummaryKey): boolean {
  return (
    a.format === b.format &&
    a.grok === b.grok &&
    a.schema === b.schema &&
    a.dir === b.dir &&
    a.prices === b.prices
  );
}

/** The same lines, in any order. */
function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((line) => set.has(line));
}

/** A view of `count` numbers of `bytes` from `at`, copied where not aligned for the type. */
function view<T extends Float64Array | Int32Array>(
  bytes: Buffer,
  at: number,
  count: number,
  Type: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number },
): T {
  const offset = bytes.byteOffset + at;
  if (offset % Type.BYTES_PER_ELEMENT === 0)
    return new Type(bytes.buffer as ArrayBuffer, offset, count);
  const copy = new Uint8Array(count * Type.BYTES_PER_ELEMENT);
  copy.set(bytes.subarray(at, at + copy.length));
  return new Type(copy.buffer, 0, count);
}

/** The sessions of a summary file, by column: views of its numbers, its names parsed. */
function columns(bytes: Buffer, layout: SummaryLayout): SummaryColumns {
  const { n } = layout;
  const meta = JSON.parse(bytes.toString('utf8', ...layout.meta)) as SummaryMeta;
  const col = {} as Record<NumberColumn, Float64Array>;
  let at = layout.numbers;
  for (const name of NUMBER_COLUMNS) {
    col[name] = view(bytes, at, n, Float64Array);
    at += 8 * n;
  }
  const replies = view(bytes, at, layout.replies, Int32Array);
  at += 4 * layout.replies;
  const tools = view(bytes, at, 3 * layout.tools, Int32Array);
  return { n, col, replies, tools, ...meta };
}

/**
 * The summary of `home` if it holds exactly the session files of `scan` under the prices of
 * digest `prices`; undefined otherwise (none, unreadable, another state: the index answers).
 */
export function readSummary(home: string, scan: Scan, prices: string): Summary | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(summaryPath(home));
  } catch {
    return undefined;
  }
  try {
    const nl1 = bytes.indexOf(10);
    const nl2 = bytes.indexOf(10, nl1 + 1);
    if (nl1 < 0 || nl2 < 0) return undefined;
    const key = JSON.parse(bytes.toString('utf8', 0, nl1)) as SummaryKey;
    const want = keyOf(scan.dir, prices, scan.print);
    if (!sameBase(key, want)) return undefined;
    const layout = JSON.parse(bytes.toString('utf8', nl1 + 1, nl2)) as SummaryLayout;
    const { n } = layout;
    const end =
      layout.numbers + 8 * n * NUMBER_COLUMNS.length + 4 * (layout.replies + 3 * layout.tools);
    if (bytes.length !== end) return undefined;
    // Another print (a lock file came or went, or the pass was made another way): the same files?
    if (key.print !== want.print) {
      const lines = JSON.parse(bytes.toString('utf8', ...layout.lines)) as string[];
      if (!sameLines(lines, manifestLines(scan.manifest))) return undefined;
    }
    const whole = JSON.parse(bytes.toString('utf8', ...layout.whole)) as SummaryWhole;
    let sessions: SummaryColumns | undefined;
    return {
      whole: whole.values,
      skipped: whole.skipped,
      get sessions() {
        sessions ??= columns(bytes, layout);
        return sessions;
      },
    };
  } catch {
    return undefined;
  }
}

/** Whether the summary on file has the key `key` (its first line alone is read). */
function summaryIsOf(home: string, key: SummaryKey): boolean {
  const line = Buffer.from(`${JSON.stringify(key)}\n`);
  let fd: number | undefined;
  try {
    fd = openSync(summaryPath(home), 'r');
    const head = Buffer.alloc(line.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(line);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const orNaN = (x: number | null): number => (x === null ? Number.NaN : x);
const bit = (x: boolean | null): number => (x === null ? Number.NaN : x ? 1 : 0);

function statusCode(status: string | null): number {
  if (status === null) return STATUS.none;
  if (status === 'ended') return STATUS.ended;
  if (status === 'active') return STATUS.active;
  return STATUS.other;
}

/** The sessions' rows as the file's parts: its meta (strings) and its numbers. */
function encode(rows: readonly SessionRow[]): {
  meta: SummaryMeta;
  numbers: Buffer;
  layout: Pick<SummaryLayout, 'n' | 'replies' | 'tools'>;
  sessions: SummaryColumns;
} {
  const n = rows.length;
  const names = (list: string[]) => {
    const at = new Map<string, number>();
    return (name: string | null): number => {
      if (name === null) return -1;
      let i = at.get(name);
      if (i === undefined) {
        i = list.length;
        list.push(name);
        at.set(name, i);
      }
      return i;
    };
  };
  const meta: SummaryMeta = {
    files: [],
    ids: {},
    paths: {},
    models: [],
    directories: [],
    tags: {},
    ticks: {},
    toolNames: [],
  };
  const model = names(meta.models);
  const directory = names(meta.directories);
  const tool = names(meta.toolNames);
  const col = Object.fromEntries(
    NUMBER_COLUMNS.map((name) => [name, new Float64Array(n)]),
  ) as Record<NumberColumn, Float64Array>;
  const replies: number[] = [];
  const tools: number[] = [];
  rows.forEach((r, i) => {
    meta.files.push(r.file);
    if (r.session_id !== r.file.replace(/\.json$/, '')) meta.ids[i] = r.session_id;
    if (r.path !== null) meta.paths[i] = r.path;
    if (r.tags !== null && r.tags.length > 0) meta.tags[i] = r.tags;
    if (r.exact_ticks !== null) meta.ticks[i] = r.exact_ticks;
    const values: Record<NumberColumn, number> = {
      start_us: r.start_us,
      interrupted: bit(r.interrupted),
      status: statusCode(r.status),
      duration_ms: orNaN(r.duration_ms),
      messages: r.messages,
      tool_calls: r.tool_calls,
      input: r.input,
      output: r.output,
      total: r.total,
      has_calls: bit(r.has_calls),
      billed_calls: orNaN(r.billed_calls),
      estimated_calls: orNaN(r.estimated_calls),
      unpriced_calls: orNaN(r.unpriced_calls),
      unpriced_sessions: orNaN(r.unpriced_sessions),
      unknown_calls: orNaN(r.unknown_calls),
      api_calls: orNaN(r.api_calls),
      cached_input: orNaN(r.cached_input),
      reasoning: orNaN(r.reasoning),
      totals_only: bit(r.totals_only),
      estimated: orNaN(r.estimated),
      timed_output: orNaN(r.timed_output),
      timed_ms: orNaN(r.timed_ms),
      model: model(r.model),
      directory: directory(r.working_directory),
      replies: r.replies?.length ?? 0,
      tools: r.tools?.length ?? 0,
    };
    for (const name of NUMBER_COLUMNS) col[name][i] = values[name];
    for (const ms of r.replies ?? []) replies.push(ms);
    for (const t of r.tools ?? []) tools.push(tool(t.tool), t.calls, t.failed);
  });
  const numbers = Buffer.concat([
    ...NUMBER_COLUMNS.map((name) => Buffer.from(col[name].buffer)),
    Buffer.from(Int32Array.from(replies).buffer),
    Buffer.from(Int32Array.from(tools).buffer),
  ]);
  return {
    meta,
    numbers,
    layout: { n, replies: replies.length, tools: tools.length / 3 },
    sessions: {
      n,
      col,
      replies: Int32Array.from(replies),
      tools: Int32Array.from(tools),
      ...meta,
    },
  };
}

/** The file: the key's line, the layout's line, then its parts at the offsets the layout gives. */
function summaryFile(
  key: SummaryKey,
  lines: string[],
  rows: readonly SessionRow[],
  skipped: SkippedFile[],
): Buffer {
  const { meta, numbers, layout, sessions } = encode(rows);
  const all = { since: null, until: null, model: null, tag: null, project: null };
  const whole: SummaryWhole = { values: statsValues(selectSessions(sessions, all)), skipped };
  const wholeBytes = Buffer.from(JSON.stringify(whole));
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const linesBytes = Buffer.from(JSON.stringify(lines));
  const head = Buffer.from(`${JSON.stringify(key)}\n`);
  // The layout's own length is part of the offsets: padded to a fixed width.
  const WIDTH = 200;
  const wholeAt = head.length + WIDTH + 1;
  const metaAt = wholeAt + wholeBytes.length;
  const linesAt = metaAt + metaBytes.length;
  const numbersAt = Math.ceil((linesAt + linesBytes.length) / 8) * 8;
  const full: SummaryLayout = {
    ...layout,
    whole: [wholeAt, metaAt],
    meta: [metaAt, linesAt],
    lines: [linesAt, linesAt + linesBytes.length],
    numbers: numbersAt,
  };
  const layoutText = JSON.stringify(full);
  if (layoutText.length > WIDTH) throw new Error('summary layout too long');
  return Buffer.concat([
    head,
    Buffer.from(`${layoutText.padEnd(WIDTH)}\n`),
    wholeBytes,
    metaBytes,
    linesBytes,
    Buffer.alloc(numbersAt - linesAt - linesBytes.length),
    numbers,
  ]);
}

/**
 * Writes the summary of the index `conn` holds, brought up to date from `scan` just now, unless
 * the one on file is already of that pass. Nothing is written while a live session has no cost
 * row, or one of other prices (a command that priced only some sessions: the next `stats`
 * prices them all). A summary that cannot be written is a summary that is absent.
 */
export async function keepSummary(
  conn: DuckDBConnection,
  home: string,
  scan: Scan,
  prices: string,
): Promise<void> {
  const key = keyOf(scan.dir, prices, scan.print);
  if (summaryIsOf(home, key)) return;
  try {
    const { loadSql } = await import('./sql-files.js');
    const row = (await conn.runAndReadAll(loadSql('internal/summary-sessions'))).getRows()[0];
    const digest = row?.[0];
    const sessionsText = String(row?.[1] ?? '[]');
    if (digest !== prices && sessionsText !== '[]') return;
    const rows = JSON.parse(sessionsText) as SessionRow[];
    if (rows.some((s) => s.has_calls === null)) return;
    const skipped = (
      await conn.runAndReadAll(loadSql('internal/skipped-files'), { archived: false })
    ).getRowObjectsJS() as unknown as SkippedFile[];
    await ensurePrivateDir(join(home, 'summary'));
    await writeFileAtomic(
      summaryPath(home),
      summaryFile(
        key,
        manifestLines(scan.manifest),
        rows,
        skipped.map(({ file, reason }) => ({ file, reason })),
      ),
    );
  } catch {
    // a summary that cannot be written is one that is absent
  }
}

/** Whether a summary is on file in `home`: a command likely to be answered from it loads no DuckDB ahead. */
export function summaryOnFile(home: string): boolean {
  // GROK_TEST_NO_SUMMARY: the index answers, for a test to compare the two
  return testSwitch('NO_SUMMARY') === undefined && existsSync(summaryPath(home));
}

/**
 * The summary of the sessions in `dir` under the prices of digest `prices`, from a stat pass made
 * now (or the one held for `dir`); undefined when none answers for them, and the pass is then
 * held for the command's refresh of the index (scan.ts: holdScan), which makes none again.
 */
export async function summaryOf(
  home: string,
  dir: string,
  prices: string,
): Promise<{ summary: Summary; scan: Scan } | undefined> {
  // none on file: the index's refresh makes the pass, while DuckDB loads
  if (!summaryOnFile(home)) return undefined;
  const scan = await startScan(dir)();
  const summary = readSummary(home, scan, prices);
  if (summary) return { summary, scan };
  holdScan(scan);
  return undefined;
}
