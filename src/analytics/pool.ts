/**
 * Reading a pool (`--from DIR`): the Parquet dataset that exports of one or many machines wrote
 * (pool-schema.ts), opened in an in-memory DuckDB as tables and views named as the index's
 * (queries/internal/pool-views.sql), so the analytics commands run their own queries over it.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { UsageError, UserError } from '../errors.js';
import { createInstance } from './duckdb-load.js';
import type { IndexHandle } from './index-db.js';
import {
  GROUP_COLUMNS,
  GROUPS_KEY,
  groupsStructure,
  partsOf,
  rollupParts,
  rollupsUnder,
} from './pool-rollup.js';
import {
  emptyRelation,
  POOL_COLUMNS,
  POOL_SCHEMA_VERSION,
  POOL_SUMMARY_VERSION,
  POOL_TABLES,
  type PoolTable,
  sqlString,
} from './pool-schema.js';
import { loadSql, replaceLine, SELECTION_JOIN } from './sql-files.js';

const GLOB_CHARS = /[*?[]/;

/** `--from` as given: a directory, or a glob naming several (each a pool's top folder). */
export function poolRoot(from: unknown): string {
  const text = String(from ?? '');
  if (text.trim() === '') throw new UsageError('--from: give a directory (or a glob of them)');
  const root = resolve(text);
  if (!GLOB_CHARS.test(root)) {
    const st = statSync(root, { throwIfNoEntry: false });
    if (!st) throw new UserError(`--from: ${root}: no such directory`);
    if (!st.isDirectory()) throw new UserError(`--from: ${root}: not a directory`);
  }
  return root.replace(/\/+$/, '') || '/';
}

/** A glob segment (`*`, `?`, `[...]`) as a regular expression; hidden names match only a dot. */
function segmentPattern(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = segment
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The directories a root names: itself, or those its glob matches, sorted. */
export function expandRoot(root: string): string[] {
  if (!GLOB_CHARS.test(root)) return [root];
  // the root is absolute (poolRoot)
  let dirs = ['/'];
  for (const part of root.split('/')) {
    if (part === '') continue;
    if (!GLOB_CHARS.test(part)) {
      dirs = dirs.map((d) => join(d, part));
      continue;
    }
    const re = segmentPattern(part);
    dirs = dirs.flatMap((d) =>
      entries(d)
        .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && re.test(e.name))
        .filter((e) => !e.name.startsWith('.') || part.startsWith('.'))
        .map((e) => join(d, e.name)),
    );
  }
  return dirs.filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory()).sort();
}

/** Sub-directories named `<key>=<value>`, hidden ones aside. */
function partitions(dir: string, key: string): string[] {
  return entries(dir)
    .filter((e) => e.isDirectory() && e.name.startsWith(`${key}=`))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Parquet files of a partition: temp files (dot-led) and others aside. */
function parquetFiles(dir: string): string[] {
  return entries(dir)
    .filter((e) => e.isFile() && e.name.endsWith('.parquet') && !e.name.startsWith('.'))
    .map((e) => join(dir, e.name))
    .sort();
}

/** A directory written by exports of before the pool layout: sessions/month=…/ directly. */
export function oldLayoutMessage(dir: string): string {
  return `${dir} holds an export of the old layout (sessions/month=…/ without machine=…): this grok reads and writes the pooled layout, sessions/machine=<id>/month=<YYYY-MM>/`;
}

const OLD_LAYOUT_HINT =
  'export into a new directory (grok sessions export --format parquet --out NEW); the old files stay readable with grok sessions query';

export function assertNotOldLayout(root: string): void {
  for (const dir of expandRoot(root)) {
    if (partitions(join(dir, 'sessions'), 'month').some((m) => parquetFiles(m).length > 0)) {
      throw new UserError(oldLayoutMessage(dir), { hint: OLD_LAYOUT_HINT });
    }
  }
}

/** A pool (or a machine's part of it) written by a grok of before the sessions' summary. */
export function olderVersionMessage(dir: string, version: number): string {
  return `${dir} holds sessions of pool schema version ${version}, written by an older grok: this grok reads version ${POOL_SUMMARY_VERSION} and later (each session carries its summary)`;
}

const OLDER_VERSION_HINT =
  'export every machine again into a new directory (grok sessions export --format parquet --out NEW)';

/** Refuses sessions files of a version before the summary, read by their schema_version alone. */
export async function assertSummaryVersion(
  conn: DuckDBConnection,
  dir: string,
  sessionsFiles: readonly string[],
): Promise<void> {
  if (sessionsFiles.length === 0) return;
  let oldest: number;
  try {
    const list = sessionsFiles.map((f) => sqlString(f, dir)).join(', ');
    oldest = Number(
      (
        await conn.runAndReadAll(`SELECT min(schema_version) FROM read_parquet([${list}])`)
      ).getRows()[0]?.[0] ?? POOL_SUMMARY_VERSION,
    );
  } catch {
    return; // not even schema_version: the caller's own message says what DuckDB found
  }
  if (oldest < POOL_SUMMARY_VERSION) {
    throw new UserError(olderVersionMessage(dir, oldest), { hint: OLDER_VERSION_HINT });
  }
}

export type PoolFiles = Record<PoolTable, string[]>;

/** Every file of each table under the root(s), sorted; machine limits it to one machine's. */
export function listPoolFiles(
  root: string,
  machine?: string,
  tables: readonly PoolTable[] = POOL_TABLES,
): PoolFiles {
  const files: PoolFiles = { sessions: [], messages: [], tool_calls: [], api_calls: [] };
  const roots = expandRoot(root);
  for (const table of tables) {
    files[table] = roots.flatMap((r) =>
      partitions(join(r, table), 'machine')
        .filter((m) => machine === undefined || m.endsWith(`/machine=${machine}`))
        .flatMap((m) => partitions(m, 'month').flatMap(parquetFiles)),
    );
  }
  return files;
}

/** `machine=…/month=…` of a file: its partition, whichever pool of a glob it is in. */
export function partitionOf(file: string): string {
  return file.split('/').slice(-3, -1).join('/');
}

/**
 * The files of tidy partitions (one file per table, of one name: what an export leaves) apart
 * from the others, whose sessions may be there more than once (pool-views.sql).
 */
export function splitTidy(
  files: PoolFiles,
  tables: readonly PoolTable[] = POOL_TABLES,
): { tidy: PoolFiles; untidy: PoolFiles } {
  const byPartition = new Map<string, Record<PoolTable, string[]>>();
  for (const table of POOL_TABLES) {
    for (const f of files[table]) {
      const key = partitionOf(f);
      let entry = byPartition.get(key);
      if (!entry) {
        entry = { sessions: [], messages: [], tool_calls: [], api_calls: [] };
        byPartition.set(key, entry);
      }
      entry[table].push(f);
    }
  }
  const tidy: PoolFiles = { sessions: [], messages: [], tool_calls: [], api_calls: [] };
  const untidy: PoolFiles = { sessions: [], messages: [], tool_calls: [], api_calls: [] };
  for (const entry of byPartition.values()) {
    const names = tables.map((t) => entry[t].map((f) => basename(f)));
    const isTidy = names.every((n) => n.length === 1 && n[0] === names[0]?.[0]);
    for (const table of POOL_TABLES) (isTidy ? tidy : untidy)[table].push(...entry[table]);
  }
  return { tidy, untidy };
}

/** The files of a table as a relation DuckDB reads: hive partitions typed as text, always. */
export function parquetRelation(table: PoolTable, files: readonly string[]): string {
  if (files.length === 0) return emptyRelation(table);
  const list = files.map((f) => sqlString(f, '--from')).join(', ');
  // Not union_by_name: it reads every file's footer when a view is made. Files of one schema
  // version have the same columns; a version that adds some must read older files apart.
  return `read_parquet([${list}], hive_partitioning = true, hive_types_autocast = false, hive_types = {'machine': VARCHAR, 'month': VARCHAR}, filename = true)`;
}

export async function openPoolInstance(): Promise<{
  conn: DuckDBConnection;
  close: () => void;
}> {
  const instance = await createInstance(':memory:', {});
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  // Rows of one partition need not come back in file order: less memory over a large pool.
  await conn.run('SET preserve_insertion_order = false');
  return {
    conn,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export interface PoolHandle extends IndexHandle {
  root: string;
  files: PoolFiles;
  /** The statement run for queries/<name>.sql over this pool (poolSql, or groupedSql). */
  sql: (name: string) => string;
}

/** The machine of a pool's file (`…/machine=<id>/month=…/<file>`). */
function machineOf(file: string): string {
  return basename(dirname(dirname(file))).slice('machine='.length);
}

/** A machine's rollup that stands for its sessions files (usableRollups). */
interface UsableRollup {
  machine: string;
  /** Its sessions in one file. */
  sessions: string;
  /** Its footer has their groups (pool-rollup.ts). */
  groups: boolean;
  /** The sessions files it stands for. */
  replaces: string[];
}

/**
 * The rollups (pool-rollup.ts) that stand for their machine's sessions files: those made of
 * exactly the machine's files, all tidy and under the rollup's own root.
 */
async function usableRollups(
  conn: DuckDBConnection,
  root: string,
  tidy: readonly string[],
  untidy: readonly string[],
): Promise<UsableRollup[]> {
  const found = expandRoot(root).flatMap((r) =>
    [...rollupsUnder(r)].map(([machine, path]) => ({ root: r, machine, path })),
  );
  if (found.length === 0) return [];
  const made = await rollupParts(
    conn,
    found.map((f) => f.path),
  );
  const untidyMachines = new Set(untidy.map(machineOf));
  const byMachine = new Map<string, string[]>();
  for (const f of tidy) {
    const m = machineOf(f);
    byMachine.set(m, [...(byMachine.get(m) ?? []), f]);
  }
  const usable: UsableRollup[] = [];
  for (const { root: r, machine, path } of found) {
    const mine = byMachine.get(machine) ?? [];
    const under = join(r, 'sessions', `machine=${machine}`) + sep;
    if (
      untidyMachines.has(machine) ||
      mine.length === 0 ||
      !mine.every((f) => f.startsWith(under)) ||
      made.get(path)?.parts !== partsOf(mine)
    ) {
      continue;
    }
    usable.push({
      machine,
      sessions: path,
      groups: made.get(path)?.groups === true,
      replaces: mine,
    });
  }
  return usable;
}

/** The tidy sessions: their partitions' files and the rollups that stand for others. */
function sessionsRelation(files: readonly string[], rollups: readonly string[]): string {
  if (rollups.length === 0) return parquetRelation('sessions', files);
  const list = rollups.map((f) => sqlString(f, '--from')).join(', ');
  const rolled = `(SELECT * FROM read_parquet([${list}], hive_partitioning = true, hive_types_autocast = false, hive_types = {'machine': VARCHAR}))`;
  if (files.length === 0) return rolled;
  return `(SELECT * EXCLUDE (filename) FROM ${parquetRelation('sessions', files)} UNION ALL BY NAME SELECT * FROM ${rolled})`;
}

/** The columns of the pool's sessions table, in order. */
const SESSION_COLUMNS = [
  'session_id',
  'file',
  'name',
  'tags',
  'start_time',
  'end_time',
  'last_activity',
  'duration_ms',
  'model',
  'status',
  'working_directory',
  'messages',
  'tool_calls',
  'input',
  'output',
  'total',
  'interrupted',
  'cost_estimated_usd',
  'cost_exact_usd',
  'exported_at',
  'schema_version',
  'reply_ms',
  'timed_output',
  'timed_ms',
  'tools',
  'usage',
] as const;

export type SessionColumn = (typeof SESSION_COLUMNS)[number];

/** The sessions' columns as read, those omitted typed NULLs: a pool's files are read for no more. */
export function sessionColumns(omit: readonly SessionColumn[]): string {
  const types = new Map(POOL_COLUMNS.sessions);
  return SESSION_COLUMNS.map((c) => (omit.includes(c) ? `NULL::${types.get(c)} AS ${c}` : c)).join(
    ', ',
  );
}

/**
 * What stats and cost total over a pool read as groups (pool-groups.sql): the groups rollups of
 * the machines that have them, the others' sessions summed alike.
 */
export interface GroupedReading {
  /** The price table in force (pricing.ts: priceRows, as JSON): the tiers of the rollups' usage. */
  prices: string;
  /**
   * Each session's duration and reply latencies too (temp.pool_values), for their percentiles:
   * over all the sessions, or by model as well (stats --by model); none for cost.
   */
  values: 'none' | 'overall' | 'by model';
}

/** Opens a pool as the analytics commands read the index. The caller closes it. */
export interface PoolReading {
  /** Columns of the sessions the command never reads (read into memory otherwise). */
  omit?: readonly SessionColumn[] | undefined;
  /** The command's filters (pool-sessions.sql), applied as the sessions are read. */
  filters?: Record<string, DuckDBValue> | undefined;
  /** The tables whose files the command reads (the others are empty to it): all by default. */
  tables?: readonly PoolTable[] | undefined;
  /**
   * Read as groups where the filters allow (a machine or a model, not a period, tag or project):
   * the command's queries then run over the groups (poolSql).
   */
  grouped?: GroupedReading | undefined;
}

/** The filters a pool's groups answer: the others need each session. */
function groupable(filters: Record<string, DuckDBValue>): boolean {
  return ['since', 'until', 'tag', 'project'].every(
    (k) => filters[k] === null || filters[k] === undefined,
  );
}

/** A list of paths as DuckDB reads it. */
const pathList = (paths: readonly string[]): string =>
  paths.map((f) => sqlString(f, '--from')).join(', ');

/**
 * The groups of a pool: those in the footers of the machines' rollups (`rolled`), save a machine's
 * whose usage tiers were cut at another long-context threshold than the prices here give (its
 * sessions are then read), into temp.rolled_groups. Returns the machines left out.
 */
async function readRolledGroups(
  conn: DuckDBConnection,
  rolled: readonly UsableRollup[],
  model: DuckDBValue,
): Promise<Set<string>> {
  if (rolled.length === 0) return new Set();
  const files = pathList(rolled.map((r) => r.sessions));
  const structure = sqlString(groupsStructure(), 'groups');
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE rolled_groups AS
     SELECT machine, ${GROUP_COLUMNS.map((c) => `g.${c}`).join(', ')}
     FROM (
       SELECT regexp_extract(file_name, '/machine=([^/]+)/[^/]+$', 1) AS machine,
              unnest(from_json(decode(value), ${structure}).rows) AS g
       FROM parquet_kv_metadata([${files}])
       WHERE decode(key) = '${GROUPS_KEY}'
     )
     WHERE $model::VARCHAR IS NULL OR g.model = $model::VARCHAR`,
    { model },
  );
  const other = await conn.runAndReadAll(
    `SELECT DISTINCT g.machine FROM temp.rolled_groups g JOIN temp.prices p ON p.model = g.call_model WHERE g.grain = 'usage' AND g.lc_threshold IS DISTINCT FROM p.lc_threshold`,
  );
  return new Set(other.getRows().map((r) => String(r[0])));
}

/** What of each session its percentiles need (temp.pool_values; pool-latency.sql). */
const VALUE_COLUMNS = 'model, duration_ms, reply_ms, timed_output, timed_ms';

/**
 * temp.pool_groups: the rolled machines' groups (temp.rolled_groups) and those of the sessions read
 * (the sessions table, filtered), summed alike (pool-groups.sql) at the prices here; with
 * `values`, temp.pool_values: each session's model, duration and reply latencies, read from the
 * rolled machines' sessions rollups (those columns alone) and from the sessions table.
 */
async function readGroups(
  conn: DuckDBConnection,
  rolled: readonly UsableRollup[],
  grouped: GroupedReading,
  model: DuckDBValue,
): Promise<void> {
  const ofSessions = loadSql('internal/pool-groups').replaceAll('{sessions}', 'sessions');
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE pool_groups AS ${ofSessions.trim().replace(/;$/, '')}`,
  );
  if (rolled.length > 0) {
    const machines = rolled.map((r) => sqlString(r.machine, '--from')).join(', ');
    await conn.run(
      `INSERT INTO temp.pool_groups BY NAME SELECT * FROM temp.rolled_groups WHERE machine IN (${machines})`,
    );
  }
  if (grouped.values === 'none') return;
  // the model only where the latencies go by it: a million strings read for nothing otherwise
  const columns =
    grouped.values === 'by model'
      ? VALUE_COLUMNS
      : 'NULL::VARCHAR AS model, duration_ms, reply_ms, NULL::BIGINT AS timed_output, NULL::BIGINT AS timed_ms';
  const own = `SELECT ${columns} FROM sessions`;
  const files = rolled.map((r) => r.sessions);
  await conn.run(
    files.length === 0
      ? `CREATE OR REPLACE TEMP TABLE pool_values AS ${own}`
      : `CREATE OR REPLACE TEMP TABLE pool_values AS ${own} UNION ALL SELECT ${columns} FROM read_parquet([${pathList(files)}]) WHERE $model::VARCHAR IS NULL OR model = $model::VARCHAR`,
    files.length === 0 ? {} : { model },
  );
}

export async function openPool(from: unknown, reading: PoolReading = {}): Promise<PoolHandle> {
  const { omit = [], filters = {}, tables = POOL_TABLES } = reading;
  let grouped = reading.grouped !== undefined && groupable(filters) ? reading.grouped : undefined;
  const root = poolRoot(from);
  const { conn, close } = await openPoolInstance();
  try {
    if (expandRoot(root).length === 0) throw new UserError(`--from: ${root} matches no directory`);
    assertNotOldLayout(root);
    // --machine: that machine's files alone (pool-sessions.sql filters by it too, for `query`)
    const machine =
      filters.machine === null || filters.machine === undefined
        ? undefined
        : String(filters.machine);
    const files = listPoolFiles(root, machine, tables);
    const { tidy, untidy } = splitTidy(files, tables);
    let rollups = await usableRollups(conn, root, tidy.sessions, untidy.sessions);
    // Read as groups only where some machine's rollup has them: summing a pool's sessions into
    // groups costs more than answering from the sessions themselves (a pool of older exports).
    if (grouped && !rollups.some((r) => r.groups)) grouped = undefined;
    if (grouped) {
      await conn.run(loadSql('internal/prices-table'), { prices: grouped.prices });
      const other = await readRolledGroups(
        conn,
        rollups.filter((r) => r.groups),
        filters.model ?? null,
      );
      rollups = rollups.filter((r) => r.groups && !other.has(r.machine));
    }
    const replaced = new Set(rollups.flatMap((r) => r.replaces));
    tidy.sessions = tidy.sessions.filter((f) => !replaced.has(f));
    // read as groups, the rolled machines' sessions are not in the sessions table at all
    const sessionsRollups = grouped ? [] : rollups.map((r) => r.sessions);
    const relations = (sql: string): string => {
      let out = sql
        .replaceAll('{session_columns}', sessionColumns(omit))
        .replaceAll('{sessions_tidy}', sessionsRelation(tidy.sessions, sessionsRollups));
      for (const table of POOL_TABLES) {
        out = out
          .replaceAll(`{${table}_tidy}`, parquetRelation(table, tidy[table]))
          .replaceAll(`{${table}_untidy}`, parquetRelation(table, untidy[table]));
      }
      return out;
    };
    try {
      await conn.run(relations(loadSql('internal/pool-sessions')), {
        since: null,
        until: null,
        model: null,
        tag: null,
        project: null,
        machine: null,
        ...filters,
      });
      await conn.run(relations(loadSql('internal/pool-views')));
      if (grouped) await readGroups(conn, rollups, grouped, filters.model ?? null);
      else await conn.run(`CREATE TEMP VIEW pool_values AS SELECT ${VALUE_COLUMNS} FROM sessions`);
    } catch (error) {
      // Files of a version before the sessions' summary lack its columns: say so, not DuckDB's words.
      await assertSummaryVersion(conn, root, files.sessions);
      throw new UserError(
        `--from ${root}: cannot read the pool: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const [oldest, newest] = (
      await conn.runAndReadAll(
        'SELECT coalesce(min(schema_version), 0), coalesce(max(schema_version), 0) FROM sessions',
      )
    )
      .getRows()[0]
      ?.map(Number) ?? [0, 0];
    if ((oldest ?? 0) > 0 && (oldest ?? 0) < POOL_SUMMARY_VERSION) {
      throw new UserError(olderVersionMessage(root, oldest ?? 0), { hint: OLDER_VERSION_HINT });
    }
    if ((newest ?? 0) > POOL_SCHEMA_VERSION) {
      throw new UserError(
        `--from ${root}: files of schema version ${newest}, newer than this grok reads (${POOL_SCHEMA_VERSION})`,
        { hint: 'update grok on this machine' },
      );
    }
    return {
      conn,
      mode: 'memory',
      notice: undefined,
      close,
      root,
      files,
      sql: grouped ? groupedSql(grouped.values === 'by model') : poolSql,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * The queries that read a pool otherwise than the index: from each session's summary (schema
 * version 2) rather than from its messages.
 */
const POOL_QUERIES: Readonly<Record<string, string>> = {
  'internal/latency': 'internal/pool-latency',
  // every session of a pool's table is selected (pool-sessions.sql): no join to the selection
  'internal/selected-view': 'internal/pool-selected-view',
};

/**
 * The index's statements that join their rows to the selection, which a pool runs as they are
 * but for that join: every session of a pool's table is a selected one (pool-sessions.sql), and a
 * join of a million sessions to themselves costs a good part of the answer.
 */
const OVER_EVERY_SESSION = new Set(['internal/session-costs', 'internal/tools']);
/** A statement of the index without its join to the selection (OVER_EVERY_SESSION). */
export function withoutSelectionJoin(name: string, sql: string): string {
  return replaceLine(name, sql, SELECTION_JOIN, '', 'to leave out over a pool');
}

/** The statement an analytics command runs over a pool for queries/<name>.sql. */
export function poolSql(name: string): string {
  const mapped = POOL_QUERIES[name];
  if (mapped !== undefined) return loadSql(mapped);
  const sql = loadSql(name);
  return OVER_EVERY_SESSION.has(name) ? withoutSelectionJoin(name, sql) : sql;
}

/** The queries of stats and cost over a pool read as groups (openPool: grouped). */
const GROUPED_QUERIES: Readonly<Record<string, string>> = {
  'internal/session-costs': 'internal/pool-group-costs',
  'internal/stats-totals': 'internal/pool-group-totals',
  'internal/tools': 'internal/pool-group-tools',
  'internal/models': 'internal/pool-group-models',
  'internal/latency': 'internal/pool-group-latency',
  'internal/active-sessions': 'internal/pool-group-active',
  'internal/by-machine': 'internal/pool-group-by-machine',
  'internal/pool-cost-groups': 'internal/pool-group-cost-groups',
  'internal/pool-unpriced-models': 'internal/pool-group-unpriced-models',
};

/**
 * The statements over a pool read as groups: the grouped one, where the command has one; the
 * latencies by model only when asked for (their percentiles cost as much again).
 */
export function groupedSql(byModel: boolean): (name: string) => string {
  return (name) => {
    // by model, the latencies come from each session's values (pool-latency.sql, as poolSql)
    const mapped = byModel && name === 'internal/latency' ? undefined : GROUPED_QUERIES[name];
    return mapped === undefined ? poolSql(name) : loadSql(mapped);
  };
}

/**
 * Every file of the pool, with its size and mtime: what an answer over it depends on. `root`: the
 * pool's rollups (pool-rollup.ts) count too.
 */
export function poolFilesKey(files: PoolFiles, root?: string): string[] {
  const rollups =
    root === undefined ? [] : expandRoot(root).flatMap((r) => [...rollupsUnder(r).values()]);
  return [...POOL_TABLES.flatMap((t) => files[t]), ...rollups].map((f) => {
    const st = statSync(f, { throwIfNoEntry: false });
    return `${f}:${st ? `${st.size}:${st.mtimeMs}` : 'absent'}`;
  });
}
