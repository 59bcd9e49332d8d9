/**
 * What every analytics command does first: open the index (or fall back to memory), bring it up
 * to date, select the sessions the filters ask for into `temp.selected`, and collect the files
 * that could not be read. The command then runs its queries against that.
 */

import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import { plural } from '../render/format.js';
import { grokHome, namedOutside, readSessionsDir } from '../session/paths.js';
import type { SkippedFile } from '../session/store.js';
import { type IndexHandle, openIndex, openMemoryIndex } from './index-db.js';
import { type AnalyticsFilterOptions, type SessionSelection, selectionFrom } from './period.js';
import type { PoolReading } from './pool.js';
import { type RefreshOptions, type RefreshStats, refreshIndex } from './refresh.js';
import { nothingToIndex, type Scan, startScan } from './scan.js';
import { boundIn, jsonValues, loadSql, replaceLine, SELECTION_JOIN } from './sql-files.js';
import { ensureText, type TextLoad } from './text.js';
import { passing } from './transient.js';

/** The note for files that changed between the refresh and the reading of their text. */
export function textNotice(load: TextLoad): string | undefined {
  if (load.changed === 0) return undefined;
  const n = load.changed;
  return `${n} session ${plural(n, 'file')} changed while being read and ${plural(n, 'is', 'are')} left out of this answer; run the command again`;
}

export interface AnalyticsOptions extends AnalyticsFilterOptions {
  sessionsDir?: string | undefined;
  /** A pool to read instead of the sessions (pool.ts): a directory or a glob of them. */
  from?: string | undefined;
  /** With --from: one machine's sessions only. */
  machine?: string | undefined;
  /**
   * With --from: what of the pool the command reads (pool.ts: openPool); stats and cost read the
   * sessions alone, and not all their columns.
   */
  poolReading?: Pick<PoolReading, 'omit' | 'tables' | 'grouped'> | undefined;
  /**
   * The command never narrows temp.selected_sids after the selection is made: when it holds every
   * session, its statements may leave out their join to it (overWhole).
   */
  fixedSelection?: boolean | undefined;
}

/** A row of a query whose columns are not known ahead (`grok sessions query`). */
export type Row = Record<string, unknown>;

/**
 * The parameters of a query. A row type names each column a query returns, as plainValue makes
 * it: BIGINT and HUGEINT as numbers, TIMESTAMP as ISO text, SQL NULL as null.
 */
export type QueryParams = Record<string, DuckDBValue>;

export interface AnalyticsContext {
  conn: DuckDBConnection;
  home: string;
  dir: string;
  selection: SessionSelection;
  skipped: SkippedFile[];
  refresh: RefreshStats;
  /** The lock files (names) in the sessions directory when it was scanned. */
  locks: string[];
  /** Notes for stderr: why the on-disk index was not used. */
  notices: string[];
  /**
   * The stat pass the on-disk index was just brought up to date from, for the summary
   * (summary.ts: keepSummary); undefined over a pool, archives, or an index in memory.
   */
  scan?: Scan | undefined;
  /**
   * Brings in the text (message content, tool-call parameters and results) of the selected
   * sessions that lack it, before a query of `messages` or `tool_calls` that reads it.
   */
  loadText: () => Promise<void>;
  /** Once a command has written to the index itself: checkpoints its log if that has grown. */
  settle: () => Promise<void>;
  /** The statement run for queries/<name>.sql (a pool's differs for some: pool.ts, poolSql). */
  sql: (name: string) => string;
  /** Runs queries/<name>.sql with named parameters: its rows, each of type T (queryRows). */
  rows: <T extends object = Row>(name: string, params?: QueryParams) => Promise<T[]>;
  /**
   * The JSON values of queries that each return one (sql-files.ts: jsonValues), in one statement:
   * T is the tuple of their types, null included where a query can return NULL.
   */
  values: <T extends readonly unknown[]>(
    names: readonly string[],
    params?: QueryParams,
  ) => Promise<T>;
}

/** A DuckDB JS value made plain for JSON: BIGINT → number (string past 2^53), time → ISO text. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  }
  return value;
}

/**
 * The rows of a query, each made plain once here (plainValue) and given the row type the caller
 * declares beside the code that reads it: the one place a query's rows are typed.
 */
export async function queryRows<T extends object = Row>(
  conn: DuckDBConnection,
  sql: string,
  params?: QueryParams,
): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((row) => plainValue(row) as T);
}

async function refreshed(
  handle: IndexHandle,
  opts: RefreshOptions,
  settle: boolean,
): Promise<{ handle: IndexHandle; stats: RefreshStats }> {
  try {
    const stats = await refreshIndex(handle.conn, opts);
    if (settle && stats.read + stats.removed + stats.archivesRead > 0) await handle.settle?.();
    return { handle, stats };
  } catch (error) {
    if (handle.mode === 'memory') throw error;
    // A write conflict or damage found only now: the files are the truth, so read them directly.
    handle.close();
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const memory = await openMemoryIndex(
      `index not usable (${why}); using a temporary in-memory index`,
    );
    return { handle: memory, stats: await refreshIndex(memory.conn, opts) };
  }
}

export interface RefreshedIndex {
  handle: IndexHandle;
  stats: RefreshStats;
  scan: Scan;
  locks: string[];
  notices: string[];
  home: string;
  dir: string;
}

/** The index opened ahead of its use (openAhead), for the next openRefreshed of its home. */
let ahead: { home: string; opened: Promise<IndexHandle> } | undefined;

/**
 * Sets DuckDB opening the index of `home` ahead of the command that will use it: the answer cache
 * does, for an answer likely to be computed, and makes its stat pass meanwhile.
 */
export function openAhead(home: string): void {
  const opened = openIndex(home);
  opened.catch(() => {});
  ahead = { home, opened };
}

/** Closes an index opened ahead that no command took (the answer was on file after all). */
export async function closeAhead(): Promise<void> {
  const left = ahead;
  ahead = undefined;
  if (left) (await left.opened).close();
}

function takeAhead(home: string): Promise<IndexHandle> | undefined {
  const taken = ahead?.home === home ? ahead.opened : undefined;
  if (taken) ahead = undefined;
  return taken;
}

/**
 * Opens the index (or its in-memory stand-in) and brings it up to date. The caller closes it; with
 * `settle: false`, the caller settles the log too, once its own writes are done.
 */
export async function openRefreshed(
  opts: { sessionsDir?: string | undefined },
  includeArchived = false,
  { settle = true } = {},
): Promise<RefreshedIndex> {
  const home = grokHome();
  const dir = readSessionsDir(opts);
  // The stat pass is set going first (find, in a process of its own), then DuckDB is loaded and
  // opens the index on libuv's thread pool (openIndex sets that going before it returns); a pass
  // made by lstat instead runs on this thread meanwhile. The answer cache may have made both.
  const scanning = startScan(dir);
  // With nothing to index and no index yet, a read-only command leaves no file behind.
  const opening =
    !includeArchived && nothingToIndex(home, dir)
      ? openMemoryIndex()
      : (takeAhead(home) ?? openIndex(home));
  let scan: Scan;
  try {
    scan = await scanning();
  } catch (error) {
    await opening.then(
      (handle) => handle.close(),
      () => {},
    );
    throw error;
  }
  const opened = await opening;
  const { handle, stats } = await refreshed(
    opened,
    {
      sessionsDir: dir,
      // settings.json (and zod) only for archives: where they are may be set there
      archivesDir: includeArchived
        ? await (await import('../maintenance/archives-dir.js')).archivesDir()
        : join(home, 'archives'),
      includeArchived,
      scan,
    },
    settle,
  );
  const notices = [opened.notice, handle === opened ? undefined : handle.notice].filter(
    (n): n is string => n !== undefined,
  );
  if (notices.length > 0) passing.met = true;
  return { handle, stats, scan, locks: scan.locks, notices, home, dir };
}

/** The analytics context over a pool (`--from`): its sessions, each once, as the index's tables. */
async function withPool<T>(
  opts: AnalyticsOptions,
  selection: SessionSelection,
  fn: (ctx: AnalyticsContext) => Promise<T>,
): Promise<T> {
  const { openPool } = await import('./pool.js');
  const { archived: _, ...filters } = selection;
  // The filters apply as the pool's sessions are read: every session read is a selected one.
  const pool = await openPool(opts.from, {
    ...opts.poolReading,
    filters: { ...filters, machine: opts.machine === undefined ? null : String(opts.machine) },
  });
  try {
    const conn = pool.conn;
    await conn.run(loadSql('internal/pool-select-sessions'));
    const sql = pool.sql;
    await conn.run(sql('internal/selected-view'));
    return await fn({
      conn,
      home: grokHome(),
      dir: pool.root,
      selection,
      skipped: [],
      refresh: { read: 0, removed: 0, unchanged: 0, archivesRead: 0 },
      locks: [],
      notices: [],
      loadText: async () => {},
      settle: async () => {},
      sql,
      // a pool's statement for a name may not use every parameter the index's does
      rows: (name, params) => queryRows(conn, sql(name), params && boundIn(sql(name), params)),
      values: (names, params) =>
        jsonValues(conn, names, params && boundIn(names.map(sql).join('\n'), params), sql),
    });
  } finally {
    pool.close();
  }
}

/**
 * The statements whose line restricting them to the selection is left out when the selection is
 * every session the index holds (overWhole): the line, and what takes its place.
 */
const OVER_WHOLE: Readonly<Record<string, readonly [line: string, by: string]>> = {
  'internal/selected-view': ['WHERE sid IN (SELECT sid FROM temp.selected_sids)', ''],
  'internal/session-costs-kept': ['AND c.sid IN (SELECT sid FROM temp.selected_sids)', ''],
  // a session's cost row is one, and goes with its file: the sessions without one are counted
  'internal/cost-rows-state': [
    'WHERE sid NOT IN (SELECT sid FROM cost_rows))::INTEGER AS missing;',
    ') - (SELECT count(*) FROM cost_rows)::INTEGER AS missing;',
  ],
  'internal/tools': [SELECTION_JOIN, ''],
  'internal/latency': [SELECTION_JOIN, ''],
};

const wholeCache = new Map<string, string>();

/**
 * queries/<name>.sql when every row of the index is selected: without its join to the selection
 * (OVER_WHOLE), which then keeps every row, and costs a hash table of every session each time
 * (some 20 ms of the statements of `stats` over 10,000 sessions).
 */
export function overWhole(name: string): string {
  const whole = OVER_WHOLE[name];
  if (whole === undefined) return loadSql(name);
  let sql = wholeCache.get(name);
  if (sql === undefined) {
    sql = replaceLine(name, loadSql(name), whole[0], whole[1], 'to leave out over every session');
    wholeCache.set(name, sql);
  }
  return sql;
}

/**
 * Whether the selection is every file the index holds: every row of a table keyed by a file's
 * sid then belongs to a selected session.
 */
async function selectsEveryFile(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(
    'SELECT (SELECT count(*) FROM temp.selected_sids) = (SELECT count(*) FROM files) AS whole',
  );
  return r.getRows()[0]?.[0] === true;
}

export async function withAnalytics<T>(
  opts: AnalyticsOptions,
  fn: (ctx: AnalyticsContext) => Promise<T>,
): Promise<T> {
  const selection = selectionFrom(opts);
  if (opts.from !== undefined) {
    if (selection.archived) {
      throw new UsageError(
        "--include-archived reads this machine's archives; a pool (--from) holds what was exported, archived or not",
      );
    }
    return withPool(opts, selection, fn);
  }
  if (opts.machine !== undefined) {
    throw new UsageError('--machine picks a machine of a pool: give --from DIR too');
  }
  // The log is settled once the command's writes are done: the refresh's, and what the command
  // writes itself (the cost of new sessions: costs.ts), make one decision, so a checkpoint due
  // leaves no log behind.
  const { handle, stats, scan, locks, notices, home, dir } = await openRefreshed(
    opts,
    selection.archived,
    { settle: false },
  );
  try {
    const conn = handle.conn;
    const { archived, ...filters } = selection;
    await conn.run(
      loadSql(archived ? 'internal/select-sessions-archived' : 'internal/select-sessions'),
      { ...filters },
    );
    const sql = opts.fixedSelection && (await selectsEveryFile(conn)) ? overWhole : loadSql;
    await conn.run(sql('internal/selected-view'));
    const skipped = (
      await queryRows<SkippedFile>(conn, loadSql('internal/skipped-files'), {
        archived: selection.archived,
      })
    )
      // a file whose name dates it outside the period asked for is none of this answer's business
      .filter((f) => !namedOutside(f.file, selection.since, selection.until));
    const result = await fn({
      conn,
      home,
      dir,
      selection,
      skipped,
      refresh: stats,
      locks,
      notices,
      scan: handle.mode === 'file' && !archived && notices.length === 0 ? scan : undefined,
      settle: async () => {
        await handle.settle?.();
      },
      loadText: async () => {
        const load = await ensureText(conn, 'selected');
        await handle.settle?.();
        const note = textNotice(load);
        if (note) {
          notices.push(note);
          passing.met = true; // not an answer to file (transient.ts)
        }
      },
      sql,
      rows: (name, params) => queryRows(conn, sql(name), params),
      values: (names, params) => jsonValues(conn, names, params, sql),
    });
    await handle.settle?.();
    return result;
  } finally {
    handle.close();
  }
}
