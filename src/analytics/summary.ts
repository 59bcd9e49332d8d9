/**
 * The summary: what `stats` and `cost` read of every live session, kept beside the index in
 * `$GROK_HOME/summary/`, so that a warm command answers without loading DuckDB at all (its
 * library's load and an open cost ~0.15 s before any query; the answer from the summary, a few
 * milliseconds). It is a copy of the index's rows (summary-sessions.sql), written by a command
 * that computed its answer on the index, or, when there is no index, the same rows made from the
 * session files themselves (summary-files.ts: the index is then left to the first command that
 * needs it); it answers only for the files it was made from:
 *
 * - its key is the stat pass's manifest (every session file's name, size and mtime), the price
 *   table's digest (costs.ts: pricesDigest), the index's schema steps, grok's version and its own
 *   format. Up to MOST_CHANGED files added, changed or removed (a chat saving, delete, prune,
 *   archive, repair, tag) are taken in here, the new ones parsed and priced as the index would
 *   (summary-rows.ts); more, new prices, a migration, and it answers no more until a command on
 *   the index writes it again (redact removes it);
 * - it is written whole to a temporary file renamed over the old one (a crash leaves the old or
 *   the new, never half of one), and it carries its key, so a summary written by a concurrent
 *   grok from another state of the directory is never taken for this one; the files it takes in
 *   go to a small delta file beside it, written the same way and used only with the summary file
 *   it was made from (SummaryDelta), until there are too many and the summary is written whole;
 * - anything unreadable, of another format or another key is no summary: the index answers.
 *
 * The answers computed from it are the index's, value for value: summary-answers.ts does in
 * JavaScript what the queries of stats and cost do, and test/analytics/summary.test.ts holds
 * the two equal.
 */

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DuckDBBlobVector, DuckDBConnection } from '@duckdb/node-api';
import { ensurePrivateDir, writeFileAtomic } from '../session/atomic-write.js';
import { grokHome } from '../session/paths.js';
import type { SkippedFile } from '../session/store.js';
import { testSwitch } from '../test-hooks.js';
import { grokVersion } from '../version.js';
import { pricesDigest } from './costs.js';
import type { FileVerdict } from './file-verdicts.js';
import { indexPath } from './index-db.js';
import { MIGRATION_STEPS } from './migrations.js';
import type { FileToIndex } from './parse-files.js';
import { type PriceTable, priceRows } from './pricing.js';
import {
  dirPrefix,
  entryFile,
  holdScan,
  type LineChanges,
  manifestChanges,
  manifestLines,
  printOf,
  type Scan,
  type ScanMethod,
  scanText,
  startScan,
  textChanges,
} from './scan.js';
import {
  compareBinary,
  extendColumns,
  extendWhole,
  NUMBER_COLUMNS,
  type NumberColumn,
  STATUS,
  type SummaryColumns,
  type SummaryRow,
  type WholeState,
  wholeOf,
  withoutFiles,
} from './summary-answers.js';

/** Changes whenever what the summary holds, or how it is read, changes. */
const SUMMARY_FORMAT = 2;

export interface Summary {
  /** The values of stats over every session (statsValues), kept up to date with the sessions. */
  whole: Pick<WholeState, 'values'>;
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
  /** How many sessions have a duration (WholeState.durations). */
  durations: number;
  whole: [number, number];
  meta: [number, number];
  lines: [number, number];
  numbers: number;
  /**
   * Drawn afresh each time a summary file is written: a delta names the file it was made from by
   * this too, as a file written later may get the same inode, size and time (a coarse clock).
   */
  made?: string;
}

/** The strings of a summary (SummaryColumns): JSON. */
type SummaryMeta = Pick<
  SummaryColumns,
  'files' | 'ids' | 'paths' | 'models' | 'directories' | 'tags' | 'ticks' | 'toolNames'
>;

/** What a summary holds for the question asked most (stats over every session): JSON. */
interface SummaryWhole {
  values: WholeState['values'];
  durationSum: number;
  skipped: SkippedFile[];
}

/** The directory of the summaries in `$GROK_HOME`. */
export const SUMMARY_DIR_NAME = 'summary';

/**
 * Above this many session files no summary is written, and the index answers as before. Made of
 * plain columns read a page at a time (summary-index.ts), a summary of 100,000 sessions (52 MB)
 * took a cold `stats` to 470 MB at its peak, no more than the build alone (488-518 MB); made
 * whole in memory as one JSON text, as it once was, it took it to 1.5 GB, and was kept for no
 * more than 20,000 files. Not measured past 100,000.
 */
export const SUMMARY_MAX_FILES = 100_000;

/** SUMMARY_MAX_FILES, or what the SUMMARY_MAX_FILES test switch sets (a test lowers it). */
const summaryMaxFiles = () => Number(testSwitch('SUMMARY_MAX_FILES')) || SUMMARY_MAX_FILES;

/**
 * Above this many session files no summary of `list` is written (keepListSummary): it is made
 * whole in memory (every entry in one text from DuckDB, then the file), which at 100,000
 * sessions took a cold `list --json` from 621 MB to 954 MB at its peak. The SUMMARY_MAX_FILES
 * test switch sets this limit too.
 */
export const LIST_SUMMARY_MAX_FILES = 20_000;

const listSummaryMaxFiles = () => Number(testSwitch('SUMMARY_MAX_FILES')) || LIST_SUMMARY_MAX_FILES;

function summaryPath(home: string): string {
  return join(home, SUMMARY_DIR_NAME, 'sessions');
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

/**
 * The most files a summary takes in or lets go (summaryOf) rather than have the index answer:
 * parsing them here costs what the index's refresh would.
 */
const MOST_CHANGED = 100;

/**
 * The most lines a delta holds (SummaryDelta): past them, or once a file of the summary file is
 * changed or gone, the summary is written whole again.
 * MOST_CHANGED, or what the SUMMARY_DELTA_LINES test switch sets (a test lowers it).
 */
const deltaMostLines = () => Number(testSwitch('SUMMARY_DELTA_LINES')) || MOST_CHANGED;

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

/** Where the sorted lists of a summary file start: after its columns and flat lists. */
function sortedAt(layout: SummaryLayout): number {
  return (
    layout.numbers + 8 * layout.n * NUMBER_COLUMNS.length + 4 * (layout.replies + 3 * layout.tools)
  );
}

/** Whether a summary file is as long as its layout says: its sorted lists end it. */
function isWhole({ bytes, layout }: { bytes: Buffer; layout: SummaryLayout }): boolean {
  return bytes.length === sortedAt(layout) + 8 * layout.durations + 4 * layout.replies;
}

/**
 * A summary file's bytes with its key (its first line) and layout (its second), when `takes` its
 * key (sameBase: of the state wanted but perhaps for its print); undefined when there is none, or
 * of another.
 */
function readHead<Layout>(
  path: string,
  takes: (key: SummaryKey) => boolean,
): { bytes: Buffer; key: SummaryKey; layout: Layout; id: string } | undefined {
  let bytes: Buffer;
  let id: string;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    // which file this is: a delta (readDelta) applies to this one alone
    const st = fstatSync(fd, { bigint: true });
    id = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
    bytes = Buffer.allocUnsafe(Number(st.size));
    if (readSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const nl1 = bytes.indexOf(10);
  const nl2 = bytes.indexOf(10, nl1 + 1);
  if (nl1 < 0 || nl2 < 0) return undefined;
  const key = JSON.parse(bytes.toString('utf8', 0, nl1)) as SummaryKey;
  if (!takes(key)) return undefined;
  const layout = JSON.parse(bytes.toString('utf8', nl1 + 1, nl2)) as Layout;
  const made = (layout as { made?: unknown }).made;
  return { bytes, key, layout, id: typeof made === 'string' ? `${id}:${made}` : id };
}

/**
 * The sessions taken in since the summary file was written whole, in a small file beside it:
 * one new session's row written there, where writing the summary again wrote its 5 MB (10,000
 * sessions) for it. Its changes are those from one summary file alone, named by `base` (readHead:
 * its device, inode, size and modification time), so a summary written again meanwhile (by a
 * command on the index, by a concurrent grok) leaves it unused. It is written whole to a temporary
 * file renamed over the old one, as the summary is, and folded into the summary (written whole
 * again, the delta removed) once it holds more than MOST_CHANGED lines or a file of the summary
 * file is changed or gone.
 */
interface SummaryDelta {
  /** The key of the state it brings its summary file to. */
  key: SummaryKey;
  base: string;
  /** The summary file's manifest lines gone (or changed), and the lines it lacks. */
  removed: string[];
  added: string[];
  /** The sessions among the files added, in the order they were taken in: after the others. */
  rows: SummaryRow[];
  whole: SummaryWhole;
  /**
   * How the pass of its key was made, when the file holds that pass as it was made (scanText),
   * on the lines after this one: a later pass made the same way is compared with it as sets.
   */
  by: ScanMethod | null;
}

/** A delta as read: with the pass it was made from, as it was made ('' when none). */
type ReadDelta = SummaryDelta & { text: string };

function deltaPath(home: string): string {
  return join(home, SUMMARY_DIR_NAME, 'sessions-delta');
}

/**
 * The delta on file if it applies to the summary file `base` (readHead's id) in the state `want`
 * but perhaps for its print; else undefined, and the summary file is read alone.
 */
function readDelta(home: string, want: SummaryKey, base: string): ReadDelta | undefined {
  try {
    const bytes = readFileSync(deltaPath(home));
    const newline = bytes.indexOf(10);
    if (newline < 0) return undefined;
    const delta = JSON.parse(bytes.toString('utf8', 0, newline)) as SummaryDelta;
    const { key, removed, added, rows, whole } = delta;
    if (delta.base !== base || !sameBase(key, want)) return undefined;
    if (typeof key.print !== 'string') return undefined;
    if (![removed, added, rows, whole?.skipped, whole?.values].every(Array.isArray)) {
      return undefined;
    }
    return { ...delta, text: bytes.toString('utf8', newline + 1) };
  } catch {
    return undefined;
  }
}

/** A summary file as read, before any delta: what a delta is made from. */
interface SummaryBase {
  id: string;
  whole: WholeState;
  skipped: SkippedFile[];
  readonly sessions: SummaryColumns;
  delta: ReadDelta | undefined;
}

const nameOf = (line: string) => line.slice(0, line.indexOf('\t'));

/** The sessions of `base` but those of the files of `removed`, then those of `rows`. */
function withDelta(
  base: SummaryColumns,
  removed: readonly string[],
  rows: readonly SummaryRow[],
): SummaryColumns {
  const kept = removed.length > 0 ? withoutFiles(base, new Set(removed.map(nameOf))) : base;
  return rows.length > 0 ? extendColumns(kept, rows) : kept;
}

/**
 * The summary of `home` if it holds exactly the session files of `scan` under the prices of
 * digest `prices`, or up to MOST_CHANGED files more, fewer or changed (`changes`, which summaryOf
 * takes in); undefined otherwise (none, unreadable, another state: the index answers).
 */
export function readSummary(
  home: string,
  scan: Scan,
  prices: string,
): { summary: Summary; changes: LineChanges; base: SummaryBase } | undefined {
  try {
    const want = keyOf(scan.dir, prices, scan.print);
    const file = readHead<SummaryLayout>(summaryPath(home), (key) => sameBase(key, want));
    if (file === undefined || !isWhole(file)) return undefined;
    const { bytes, key, layout, id } = file;
    const at = sortedAt(layout);
    let delta = readDelta(home, want, id);
    // The pass the delta was made from, as it was made: compared with this one as sets (a delta
    // whose pass is not whole is damaged, and none).
    let text = delta?.by === scan.by && delta.key.print !== want.print ? delta.text : undefined;
    if (text !== undefined && scanText(scan) === undefined) text = undefined;
    if (text !== undefined && printOf(scan.by, text) !== delta?.key.print) {
      delta = undefined;
      text = undefined;
    }
    let lines: string[] | undefined;
    const linesOf = () => {
      lines ??= JSON.parse(bytes.toString('utf8', ...layout.lines)) as string[];
      return lines;
    };
    const whole = JSON.parse(bytes.toString('utf8', ...layout.whole)) as SummaryWhole;
    let cols: SummaryColumns | undefined;
    const base: SummaryBase = {
      id,
      whole: {
        values: whole.values,
        durationSum: whole.durationSum,
        durations: view(bytes, at, layout.durations, Float64Array),
        replies: view(bytes, at + 8 * layout.durations, layout.replies, Int32Array),
      },
      skipped: whole.skipped,
      get sessions() {
        cols ??= columns(bytes, layout);
        return cols;
      },
      delta,
    };
    // the lines of the state the delta brings the file to: in the order of the file's
    // (manifestChanges walks them beside the pass), those the delta added after them
    const stateLines = () => {
      if (!delta) return linesOf();
      const gone = new Set(delta.removed);
      const kept = gone.size === 0 ? linesOf() : linesOf().filter((line) => !gone.has(line));
      return [...kept, ...delta.added];
    };
    // Another print: the same files (a lock file came or went, the pass was made another way),
    // or a few files added, changed or removed, which it takes in (summaryOf), or many.
    let changes: LineChanges = { added: [], removed: [] };
    if ((delta?.key ?? key).print !== want.print) {
      const found =
        text !== undefined
          ? textChanges(scan, { by: scan.by, text }, MOST_CHANGED)
          : manifestChanges(scan, stateLines(), MOST_CHANGED);
      if (found === undefined) return undefined;
      changes = found;
    }
    let sessions: SummaryColumns | undefined;
    const summary: Summary = {
      whole: delta?.whole ?? base.whole,
      skipped: delta?.whole.skipped ?? base.skipped,
      get sessions() {
        sessions ??= delta ? withDelta(base.sessions, delta.removed, delta.rows) : base.sessions;
        return sessions;
      },
    };
    return { summary, changes, base };
  } catch {
    return undefined;
  }
}

/**
 * What the summary on file says of the session files it was made from, as the index's verdicts
 * say it (file-verdicts.ts), for `doctor` when there is no index: each session's file, its size
 * and mtime when it was read, whether it was marked active, and its id. Read whatever prices it
 * was made under, and without its delta: doctor trusts a verdict only for a file of the same size
 * and mtime, and reads every other. Undefined when there is none of `dir` by this grok.
 */
export function summaryVerdicts(home: string, dir: string): Map<string, FileVerdict> | undefined {
  try {
    // of any prices
    const file = readHead<SummaryLayout>(summaryPath(home), (key) =>
      sameBase(key, keyOf(dir, key.prices, key.print)),
    );
    if (file === undefined || !isWhole(file)) return undefined;
    const { bytes, layout } = file;
    const cols = columns(bytes, layout);
    const lines = JSON.parse(bytes.toString('utf8', ...layout.lines)) as string[];
    const stat = new Map(lines.map((line) => [nameOf(line), entryFile(line)]));
    const prefix = dirPrefix(dir);
    const verdicts = new Map<string, FileVerdict>();
    cols.files.forEach((name, i) => {
      const file = stat.get(name);
      if (file === undefined) return;
      const path = prefix + name;
      const active = cols.col.status[i] === STATUS.active;
      const sessionId = active ? (cols.ids[i] ?? name.replace(/\.json$/, '')) : null;
      verdicts.set(path, {
        path,
        size: file.size,
        mtimeMs: file.mtimeMs,
        ok: true,
        active,
        sessionId,
      });
    });
    return verdicts;
  } catch {
    return undefined;
  }
}

/** Whether the summary on file has the key `key` (its first line alone is read). */
function summaryIsOf(home: string, key: SummaryKey): boolean {
  return fileStartsWith(summaryPath(home), `${JSON.stringify(key)}\n`);
}

/** Whether the file at `path` starts with `text` (only that much of it is read). */
function fileStartsWith(path: string, text: string): boolean {
  const line = Buffer.from(text);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(line.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(line);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The file: the key's line, the layout's line, then its parts at the offsets the layout gives;
 * in parts, written one after another (its columns are not copied into one buffer first: some
 * 50 MB at 100,000 sessions).
 */
function summaryFile(
  key: SummaryKey,
  lines: readonly string[],
  cols: SummaryColumns,
  whole: WholeState,
  skipped: readonly SkippedFile[],
): Uint8Array[] {
  const { n, col, replies, tools, ...meta } = cols;
  const wholeBytes = Buffer.from(
    JSON.stringify({ values: whole.values, durationSum: whole.durationSum, skipped }),
  );
  const metaBytes = Buffer.from(JSON.stringify(meta satisfies SummaryMeta));
  const linesBytes = Buffer.from(JSON.stringify(lines));
  const head = Buffer.from(`${JSON.stringify(key)}\n`);
  // The layout's own length is part of the offsets: padded to a fixed width.
  const WIDTH = 240;
  const wholeAt = head.length + WIDTH + 1;
  const metaAt = wholeAt + wholeBytes.length;
  const linesAt = metaAt + metaBytes.length;
  const numbersAt = Math.ceil((linesAt + linesBytes.length) / 8) * 8;
  const layout: SummaryLayout = {
    n,
    replies: replies.length,
    tools: tools.length / 3,
    durations: whole.durations.length,
    whole: [wholeAt, metaAt],
    meta: [metaAt, linesAt],
    lines: [linesAt, linesAt + linesBytes.length],
    numbers: numbersAt,
    made: randomBytes(8).toString('hex'),
  };
  const layoutText = JSON.stringify(layout);
  if (layoutText.length > WIDTH) throw new Error('summary layout too long');
  const bytesOf = (a: Float64Array | Int32Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return [
    head,
    Buffer.from(`${layoutText.padEnd(WIDTH)}\n`),
    wholeBytes,
    metaBytes,
    linesBytes,
    Buffer.alloc(numbersAt - linesAt - linesBytes.length),
    ...NUMBER_COLUMNS.map((name) => bytesOf(col[name])),
    bytesOf(replies),
    bytesOf(tools),
    bytesOf(whole.durations),
    bytesOf(whole.replies),
  ];
}

/**
 * Writes the summary file whole. The delta on file, of the file before, is let go: readDelta
 * would not take it for this one, and left there it would outlive every later summary.
 */
async function writeWhole(home: string, file: Uint8Array[]): Promise<void> {
  await ensurePrivateDir(join(home, SUMMARY_DIR_NAME));
  await writeFileAtomic(summaryPath(home), file);
  rmSync(deltaPath(home), { force: true });
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
  if (scan.count > summaryMaxFiles()) return;
  const key = keyOf(scan.dir, prices, scan.print);
  if (summaryIsOf(home, key)) return;
  try {
    const [{ loadSql }, { indexColumns, indexState }] = await Promise.all([
      import('./sql-files.js'),
      import('./summary-index.js'),
    ]);
    const state = await indexState(conn);
    if (state.digest !== prices && state.sessions > 0) return;
    if (state.unpriced > 0) return;
    const cols = await indexColumns(conn, state);
    const skipped = (
      await conn.runAndReadAll(loadSql('internal/skipped-files'), { archived: false })
    ).getRowObjectsJS() as unknown as SkippedFile[];
    await writeWhole(
      home,
      summaryFile(
        key,
        manifestLines(scan.manifest),
        cols,
        wholeOf(cols),
        skipped.map(({ file, reason }) => ({ file, reason })),
      ),
    );
  } catch {
    // a summary that cannot be written is one that is absent
  }
}

/** Whether a summary is on file in `home`: a command likely to be answered from it loads no DuckDB ahead. */
export function summaryOnFile(home: string): boolean {
  // the NO_SUMMARY test switch: the index answers, for a test to compare the two
  return testSwitch('NO_SUMMARY') === undefined && existsSync(summaryPath(home));
}

/**
 * The summary of the sessions in `dir` under the price table `table`, from a stat pass made now
 * (or the one held for `dir`); undefined when none answers for them, and the pass is then held
 * for the command's refresh of the index (scan.ts: holdScan), which makes none again. Files added
 * since it was written are read and taken in, and the summary written again.
 */
export async function summaryOf(
  home: string,
  dir: string,
  table: PriceTable,
): Promise<{ summary: Summary; scan: Scan } | undefined> {
  const onFile = summaryOnFile(home);
  const fromFiles = mayMakeFromFiles(home);
  // none on file: the index's refresh makes the pass, while DuckDB loads
  if (!onFile && !fromFiles) return undefined;
  const scan = await startScan(dir)();
  const prices = await pricesDigest(table);
  // the pass as it was made, for the delta (a find pass lets it go once its manifest is made)
  const text = scanText(scan);
  const found = onFile ? readSummary(home, scan, prices) : undefined;
  if (found && found.changes.added.length + found.changes.removed.length === 0) {
    return { summary: found.summary, scan };
  }
  const summary =
    (found && (await withChanges(home, { ...found, scan, prices, table, text }))) ||
    (fromFiles ? await madeFromFiles(home, scan, prices, table) : undefined);
  if (summary) return { summary, scan };
  holdScan(scan);
  return undefined;
}

/**
 * Whether a summary that does not answer is made from the session files themselves
 * (madeFromFiles): when there is no index to make it from, which a command would have to build
 * first (a first command, a lost index).
 */
function mayMakeFromFiles(home: string): boolean {
  return testSwitch('NO_SUMMARY') === undefined && !existsSync(indexPath(home));
}

/**
 * summary-files.ts, with the parse workers for `count` files started while the caller makes the
 * files' manifest.
 */
async function filesReader(count: number): Promise<typeof import('./summary-files.js')> {
  (await import('./parse-pool.js')).prestartWorkers(count);
  return import('./summary-files.js');
}

/**
 * The summary of the session files of `scan`, made from the files themselves (summary-files.ts)
 * and written whole; undefined when there are none (a reading command then writes nothing), or
 * more than a summary is made for (the index answers). A summary that cannot be written still
 * answers this once.
 */
async function madeFromFiles(
  home: string,
  scan: Scan,
  prices: string,
  table: PriceTable,
): Promise<Summary | undefined> {
  if (scan.count === 0 || scan.count > summaryMaxFiles()) return undefined;
  const { summaryOfFiles } = await filesReader(scan.count);
  let made: Awaited<ReturnType<typeof summaryOfFiles>>;
  try {
    made = await summaryOfFiles(scan.dir, scan.manifest, priceRows(table));
  } catch {
    // a worker that failed: the index's build meets it again, and says what it is
    return undefined;
  }
  const { sessions, skipped } = made;
  const whole = wholeOf(sessions);
  try {
    const key = keyOf(scan.dir, prices, scan.print);
    await writeWhole(
      home,
      summaryFile(key, manifestLines(scan.manifest), sessions, whole, skipped),
    );
  } catch {
    // a summary that cannot be written is one that is absent
  }
  return { whole, skipped, sessions };
}

/**
 * `found.summary` with the files `found.changes` names: those removed (or changed) let go, those
 * added (or changed) read and parsed here, priced by `table` and added last, as the index adds
 * their rows; the values over every session brought up to date. Written under the key of `scan`
 * as a delta of the summary file (SummaryDelta), or, past MOST_CHANGED lines from it, as a
 * summary file again. Undefined when that fails: the index answers.
 */
async function withChanges(
  home: string,
  found: {
    summary: Summary;
    changes: LineChanges;
    base: SummaryBase;
    scan: Scan;
    prices: string;
    table: PriceTable;
    /** The pass as it was made (scanText), if known. */
    text: string | undefined;
  },
): Promise<Summary | undefined> {
  try {
    const { base, scan, prices, table, text } = found;
    const was = base.delta;
    // The changes from the summary file: those of the delta, then these.
    const now = found.changes;
    const goneNow = new Set(now.removed);
    const addedBefore = new Set(was?.added);
    const removed = [...(was?.removed ?? []), ...now.removed.filter((l) => !addedBefore.has(l))];
    const added = [...(was?.added ?? []).filter((l) => !goneNow.has(l)), ...now.added];
    const prefix = dirPrefix(scan.dir);
    const files = now.added.map(
      (line): FileToIndex => ({ source: 'live', ...entryFile(prefix + line) }),
    );
    const { summarizeFiles } = await import('./summary-rows.js');
    const read = await summarizeFiles(files, priceRows(table));
    const namesGone = new Set(now.removed.map(nameOf));
    const rows = [...(was?.rows ?? []).filter((r) => !namesGone.has(r.file)), ...read.rows];
    const skipped = [
      ...found.summary.skipped.filter((f) => !namesGone.has(f.file)),
      ...read.skipped,
    ].sort((a, b) => compareBinary(a.file, b.file));
    // The sessions of the file that are left, then the rows after them.
    let kept: SummaryColumns | undefined;
    let whole = base.whole;
    if (removed.length > 0) {
      kept = withDelta(base.sessions, removed, []);
      // recomputed over what is left: a sum of doubles cannot take one back exactly
      whole = wholeOf(kept);
    }
    if (rows.length > 0) whole = extendWhole(whole, extendColumns(undefined, rows), 0);
    let sessions: SummaryColumns | undefined;
    const sessionsOf = () => {
      sessions ??= extendColumns(kept ?? base.sessions, rows);
      return sessions;
    };
    const key = keyOf(scan.dir, prices, scan.print);
    // A file of the summary's changed or gone: its values over every session were computed
    // again over all the others, which a delta would do again each time it is read and extended.
    if (removed.length > 0 || added.length > deltaMostLines()) {
      // written whole again, its lines in the order of the pass
      await writeWhole(
        home,
        summaryFile(key, manifestLines(scan.manifest), sessionsOf(), whole, skipped),
      );
    } else {
      const delta: SummaryDelta = {
        key,
        base: base.id,
        removed,
        added,
        rows,
        whole: { values: whole.values, durationSum: whole.durationSum, skipped },
        by: text === undefined ? null : scan.by,
      };
      await ensurePrivateDir(join(home, SUMMARY_DIR_NAME));
      await writeFileAtomic(deltaPath(home), `${JSON.stringify(delta)}\n${text ?? ''}`);
    }
    return {
      whole,
      skipped,
      get sessions() {
        return sessionsOf();
      },
    };
  } catch {
    return undefined;
  }
}

/**
 * The summary of `list`: every live session's entry in the order list shows them by default, as
 * `list --json` prints them (summary-list.sql), with the same key as the summary of stats and
 * cost (no prices: list shows none). What list asks most, every session, newest first, is then
 * its entries written out as they are.
 */
export interface ListSummary {
  /** The entries, joined by ",\n": UTF-8. */
  entries: Uint8Array;
  skipped: SkippedFile[];
  /** Each entry's length in bytes, its duration, its start (epoch ms) and its file, in order. */
  readonly meta: ListMeta;
}

interface ListMeta {
  lengths: number[];
  durations: (number | null)[];
  starts: number[];
  files: string[];
}

/** Where the parts of a list summary file are, on its second line: byte offsets. */
interface ListLayout {
  n: number;
  head: [number, number];
  meta: [number, number];
  lines: [number, number];
  entries: [number, number];
}

function listSummaryPath(home: string): string {
  return join(home, SUMMARY_DIR_NAME, 'list');
}

/** The list summary of `home` if it holds exactly the session files of `scan`. */
function readListSummary(home: string, scan: Scan): ListSummary | undefined {
  try {
    const want = keyOf(scan.dir, '', scan.print);
    const file = readHead<ListLayout>(listSummaryPath(home), (key) => sameBase(key, want));
    if (file === undefined) return undefined;
    const { bytes, key, layout } = file;
    if (bytes.length !== layout.entries[1]) return undefined;
    if (key.print !== want.print) {
      const lines = JSON.parse(bytes.toString('utf8', ...layout.lines)) as string[];
      if (!sameLines(lines, manifestLines(scan.manifest))) return undefined;
    }
    const head = JSON.parse(bytes.toString('utf8', ...layout.head)) as { skipped: SkippedFile[] };
    let meta: ListMeta | undefined;
    return {
      entries: bytes.subarray(...layout.entries),
      skipped: head.skipped,
      get meta() {
        meta ??= JSON.parse(bytes.toString('utf8', ...layout.meta)) as ListMeta;
        return meta;
      },
    };
  } catch {
    return undefined;
  }
}

/** The list summary file: the key's line, the layout's line, then its parts. */
function listSummaryFile(
  key: SummaryKey,
  lines: string[],
  entries: Uint8Array,
  meta: ListMeta,
  skipped: SkippedFile[],
): Buffer {
  const head = Buffer.from(`${JSON.stringify(key)}\n`);
  const parts = [
    Buffer.from(JSON.stringify({ skipped })),
    Buffer.from(JSON.stringify(meta)),
    Buffer.from(JSON.stringify(lines)),
  ] as const;
  const WIDTH = 200;
  let at = head.length + WIDTH + 1;
  const [headAt, metaAt, linesAt, entriesAt] = [0, 1, 2, 3].map((i) => {
    const start = at;
    at += i < 3 ? (parts[i as 0 | 1 | 2] as Buffer).length : 0;
    return start;
  }) as [number, number, number, number];
  const layout: ListLayout = {
    n: meta.lengths.length,
    head: [headAt, metaAt],
    meta: [metaAt, linesAt],
    lines: [linesAt, entriesAt],
    entries: [entriesAt, entriesAt + entries.length],
  };
  const layoutText = JSON.stringify(layout);
  if (layoutText.length > WIDTH) throw new Error('summary layout too long');
  return Buffer.concat([head, Buffer.from(`${layoutText.padEnd(WIDTH)}\n`), ...parts, entries]);
}

/** Writes the list summary of the files of `scan`, whole (a temporary file renamed over it). */
async function writeListSummary(
  home: string,
  scan: Scan,
  entries: Uint8Array,
  meta: ListMeta,
  skipped: readonly SkippedFile[],
): Promise<void> {
  await ensurePrivateDir(join(home, SUMMARY_DIR_NAME));
  await writeFileAtomic(
    listSummaryPath(home),
    listSummaryFile(
      keyOf(scan.dir, '', scan.print),
      manifestLines(scan.manifest),
      entries,
      meta,
      skipped.map(({ file, reason }) => ({ file, reason })),
    ),
  );
}

/**
 * Writes the list summary of the index `conn` holds, brought up to date from `scan` just now,
 * unless the one on file is of that pass already; `skipped`: the live files that are not
 * sessions. A summary that cannot be written is a summary that is absent.
 */
export async function keepListSummary(
  conn: DuckDBConnection,
  home: string,
  scan: Scan,
  skipped: readonly SkippedFile[],
): Promise<void> {
  if (scan.count > listSummaryMaxFiles()) return;
  const key = keyOf(scan.dir, '', scan.print);
  if (fileStartsWith(listSummaryPath(home), `${JSON.stringify(key)}\n`)) return;
  try {
    const { loadSql } = await import('./sql-files.js');
    const result = await conn.stream(loadSql('internal/summary-list'));
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    const entries =
      (chunk.getColumnVector(0) as DuckDBBlobVector).getItemBytes(0) ?? new Uint8Array();
    const meta = JSON.parse(String(chunk.getColumnVector(1).getItem(0))) as ListMeta;
    await writeListSummary(home, scan, entries, meta, skipped);
  } catch {
    // a summary that cannot be written is one that is absent
  }
}

/** Whether a list summary is on file in `home`. */
export function listSummaryOnFile(home: string): boolean {
  return testSwitch('NO_SUMMARY') === undefined && existsSync(listSummaryPath(home));
}

/**
 * The list summary of the sessions in `dir`, from a stat pass made now (or the one held for
 * `dir`), or made from the files when there is no index; undefined when none answers for them,
 * and the pass is then held for the command's refresh of the index.
 */
export async function listSummaryOf(home: string, dir: string): Promise<ListSummary | undefined> {
  const onFile = listSummaryOnFile(home);
  const fromFiles = mayMakeFromFiles(home);
  if (!onFile && !fromFiles) return undefined;
  const scan = await startScan(dir)();
  const summary =
    (onFile ? readListSummary(home, scan) : undefined) ??
    (fromFiles ? await listMadeFromFiles(home, scan) : undefined);
  if (!summary) holdScan(scan);
  return summary;
}

/**
 * The list summary of the session files of `scan`, made from the files themselves
 * (summary-files.ts) and written; undefined when there are none or more than a list summary is
 * made for (the index answers). One that cannot be written still answers this once.
 */
async function listMadeFromFiles(home: string, scan: Scan): Promise<ListSummary | undefined> {
  if (scan.count === 0 || scan.count > listSummaryMaxFiles()) return undefined;
  const { listOfFiles } = await filesReader(scan.count);
  let made: Awaited<ReturnType<typeof listOfFiles>>;
  try {
    made = await listOfFiles(scan.dir, scan.manifest);
  } catch {
    // a worker that failed: the index's build meets it again, and says what it is
    return undefined;
  }
  const { rows, skipped } = made;
  const entries = Buffer.from(rows.map((r) => r.entry).join(',\n'));
  const meta: ListMeta = {
    lengths: rows.map((r) => Buffer.byteLength(r.entry)),
    durations: rows.map((r) => r.durationMs),
    starts: rows.map((r) => r.startMs),
    files: rows.map((r) => r.file),
  };
  try {
    await writeListSummary(home, scan, entries, meta, skipped);
  } catch {
    // a summary that cannot be written is one that is absent
  }
  return { entries, skipped, meta };
}

/**
 * Whether `command` with `opts` is likely answered from a summary (no DuckDB): one is on file, or
 * one will be made from the files (no index), and the question is one a summary answers (stats
 * without --by, cost; this machine's live sessions). The answer cache then loads no DuckDB ahead
 * of computing it (answers.ts).
 */
export function summaryMayAnswer(command: string, opts: Record<string, unknown>): boolean {
  if (opts.from !== undefined || opts.machine !== undefined || opts.includeArchived) return false;
  const home = grokHome();
  const answering = summaryOnFile(home) || mayMakeFromFiles(home);
  if (command === 'stats') return opts.by === undefined && answering;
  if (command === 'cost') return answering;
  return false;
}
