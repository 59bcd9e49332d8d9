/**
 * The pooled dataset that `grok sessions export --format parquet --out DIR` writes and
 * `--from DIR` reads: three tables, each a folder of Parquet files in hive-style partitions,
 *
 *   DIR/<table>/machine=<id>/month=<YYYY-MM>/part-<stamp>.parquet
 *
 * one file per table, machine and month, written by that machine alone (tables: sessions,
 * messages, tool_calls, api_calls). `machine` and `month`
 * live in the path only (hive style: Spark refuses a column that is both in the path and in the
 * file). The columns below are the documented schema (README, "Pooling machines"); a change to
 * them is a new SCHEMA_VERSION, and readers refuse files of a version newer than theirs.
 */
import { UsageError } from '../errors.js';

export const POOL_SCHEMA_VERSION = 2;

/**
 * Version 2 added each session's summary (reply_ms, timed_output, timed_ms, tools, usage): what
 * stats and cost read, so that they read the sessions table alone. Files of version 1 lack it.
 */
export const POOL_SUMMARY_VERSION = 2;

export const POOL_TABLES = ['sessions', 'messages', 'tool_calls', 'api_calls'] as const;
export type PoolTable = (typeof POOL_TABLES)[number];

/** Each table's columns in file order, with their DuckDB types. */
export const POOL_COLUMNS: Readonly<Record<PoolTable, readonly (readonly [string, string])[]>> = {
  sessions: [
    ['schema_version', 'INTEGER'],
    ['session_id', 'VARCHAR'],
    ['exported_at', 'TIMESTAMPTZ'],
    ['file', 'VARCHAR'],
    ['name', 'VARCHAR'],
    ['tags', 'VARCHAR[]'],
    ['start_time', 'TIMESTAMPTZ'],
    ['end_time', 'TIMESTAMPTZ'],
    ['last_activity', 'TIMESTAMPTZ'],
    ['duration_ms', 'BIGINT'],
    ['model', 'VARCHAR'],
    ['status', 'VARCHAR'],
    ['working_directory', 'VARCHAR'],
    ['messages', 'INTEGER'],
    ['tool_calls', 'INTEGER'],
    ['input', 'BIGINT'],
    ['output', 'BIGINT'],
    ['total', 'BIGINT'],
    ['interrupted', 'BOOLEAN'],
    ['cost_estimated_usd', 'DOUBLE'],
    ['cost_exact_usd', 'DOUBLE'],
    ['text', 'VARCHAR'],
    ['file_size', 'BIGINT'],
    ['file_mtime_ms', 'DOUBLE'],
    // The session's summary (version 2): its messages' reply latencies in order (exact
    // percentiles over any set of sessions), the output and time of the timed replies, its calls
    // per tool, and its api_calls rows (cost at the reader's prices).
    ['reply_ms', 'INTEGER[]'],
    ['timed_output', 'BIGINT'],
    ['timed_ms', 'BIGINT'],
    ['tools', 'STRUCT(tool VARCHAR, calls INTEGER, failed INTEGER)[]'],
    [
      'usage',
      'STRUCT(seq INTEGER, idx INTEGER, kind VARCHAR, model VARCHAR, known BOOLEAN, input BIGINT, output BIGINT, cached_input BIGINT, reasoning BIGINT, cost_ticks BIGINT)[]',
    ],
  ],
  messages: [
    ['session_id', 'VARCHAR'],
    ['exported_at', 'TIMESTAMPTZ'],
    ['seq', 'INTEGER'],
    ['role', 'VARCHAR'],
    ['ts', 'TIMESTAMPTZ'],
    ['tool_calls', 'INTEGER'],
    ['input', 'BIGINT'],
    ['output', 'BIGINT'],
    ['interrupted', 'BOOLEAN'],
    ['reply_ms', 'INTEGER'],
    ['content', 'VARCHAR'],
  ],
  tool_calls: [
    ['session_id', 'VARCHAR'],
    ['exported_at', 'TIMESTAMPTZ'],
    ['seq', 'INTEGER'],
    ['idx', 'INTEGER'],
    ['tool', 'VARCHAR'],
    ['failed', 'BOOLEAN'],
    ['parameters', 'VARCHAR'],
    ['result', 'VARCHAR'],
  ],
  // What cost is computed from: one row per API call recorded (kind 'call'), else per message's
  // usage ('message'), else the session's totals ('session', seq -1): the index's api_calls.
  api_calls: [
    ['session_id', 'VARCHAR'],
    ['exported_at', 'TIMESTAMPTZ'],
    ['seq', 'INTEGER'],
    ['idx', 'INTEGER'],
    ['kind', 'VARCHAR'],
    ['model', 'VARCHAR'],
    ['known', 'BOOLEAN'],
    ['input', 'BIGINT'],
    ['output', 'BIGINT'],
    ['cached_input', 'BIGINT'],
    ['reasoning', 'BIGINT'],
    ['cost_ticks', 'BIGINT'],
  ],
};

/** What a copy of a session carries of its text: `text` in the sessions table. */
export type TextMode = 'none' | 'redacted' | 'raw';

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * A host name made safe as a path segment and a partition value: letters, digits, `.`, `_` and
 * `-`, anything else a `-`, at most 63 characters, never empty or dot-led.
 */
export function machineIdFromHost(host: string): string {
  const id = host
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 63)
    .replace(/[.-]+$/, '');
  return id === '' ? 'unknown' : id;
}

/** A machine id the user chose (--machine, settings "machine"): used as given, or refused. */
export function checkMachineId(id: string, where: string): string {
  if (!SAFE_ID.test(id)) {
    throw new UsageError(
      `${where}: '${id}' is not a machine id (letters, digits, '.', '_' and '-', at most 63, not starting with '.' or '-')`,
    );
  }
  return id;
}

/** `COPY ... TO` and `read_parquet` take paths as literals: quoted here, NUL refused. */
export function sqlString(value: string, what: string): string {
  if (value.includes('\0')) throw new UsageError(`${what}: the path contains a NUL byte`);
  return `'${value.replace(/'/g, "''")}'`;
}

/** A typed empty relation with a table's columns, for a pool that has no file of it yet. */
export function emptyRelation(table: PoolTable): string {
  const cols = [
    ['NULL::VARCHAR', 'machine'],
    ['NULL::VARCHAR', 'month'],
    ['NULL::VARCHAR', 'filename'],
    ...POOL_COLUMNS[table].map(([name, type]) => [`NULL::${type}`, name]),
  ];
  return `(SELECT ${cols.map(([v, n]) => `${v} AS ${n}`).join(', ')} WHERE false)`;
}
