/**
 * Writing this machine's sessions into a pool (pool-schema.ts), incrementally:
 *
 * - only the months with a session that is new or changed since the last export are written
 *   (or whose partition holds leftovers of an export that was stopped);
 * - a month is written whole, as one file per table: the sessions exported now, then the
 *   sessions of the partition's earlier files that are not (pruned, archived, filtered out), as
 *   they were. Nothing pooled is ever dropped;
 * - each file is written under a hidden folder of the pool (`.grok-export-<machine>-<pid>-…`, which no
 *   reader lists), flushed, then renamed into its partition: messages and tool calls first, the
 *   sessions last, so a reader sees the old copy or the new one, never a session without its
 *   rows. The earlier files of the month go only after that; a reader meeting both keeps the
 *   newest copy of each session (pool-views.sql).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describeFsError, UserError } from '../errors.js';
import { fsyncPath } from '../session/atomic-write.js';
import { processAlive } from '../session/lock.js';
import {
  assertNotOldLayout,
  assertSummaryVersion,
  listPoolFiles,
  type PoolFiles,
  parquetRelation,
  splitTidy,
} from './pool.js';
import { writeRollup } from './pool-rollup.js';
import {
  POOL_SCHEMA_VERSION,
  POOL_TABLES,
  type PoolTable,
  sqlString,
  type TextMode,
} from './pool-schema.js';
import { boundIn, loadSql } from './sql-files.js';

export interface PoolExportOptions {
  out: string;
  machine: string;
  text: TextMode;
  /** The export time written in every row (default: now). */
  now?: Date;
}

export interface PoolMonth {
  month: string;
  /** Sessions written from this machine's files now. */
  exported: number;
  /** Sessions of the partition's earlier files kept as they were. */
  kept: number;
}

export interface PoolExportResult {
  machine: string;
  exportedAt: string;
  /** Months written (changed); the others were already up to date. */
  months: PoolMonth[];
  /** Months with sessions exported now that needed no write. */
  unchanged: number;
  rows: Record<PoolTable, number>;
}

/**
 * What a month of each table is written from: the rows of the sessions exported now (`now`), then
 * those of the sessions carried from the month's earlier files (pool-export-carried.sql), in the
 * table's order.
 */
const EXPORT_SQL: Record<PoolTable, { now: string; order: string }> = {
  sessions: { now: 'internal/pool-export-sessions', order: 'start_time, file' },
  messages: { now: 'internal/pool-export-messages', order: 'session_id, seq' },
  tool_calls: { now: 'internal/pool-export-tool-calls', order: 'session_id, seq, idx' },
  api_calls: { now: 'internal/pool-export-api-calls', order: 'session_id, seq, idx' },
};

const statementOf = (name: string): string => loadSql(name).trim().replace(/;$/, '');

/** The month's rows of a table: those exported now, then the carried ones, in order. */
function monthSelect(table: PoolTable, old: readonly string[]): string {
  const { now, order } = EXPORT_SQL[table];
  // the carried sessions' own rows are in temp.export_carried; other tables' in their old files
  const carried =
    table === 'sessions'
      ? 'SELECT * EXCLUDE (base) FROM temp.export_carried'
      : statementOf('internal/pool-export-carried-rows').replaceAll(
          '{old}',
          parquetRelation(table, old),
        );
  return `${statementOf(now)}\nUNION ALL BY NAME\n${carried}\nORDER BY ${order}`;
}

/** Tables renamed into place in this order: a session's rows before the session. */
const RENAME_ORDER: readonly PoolTable[] = ['messages', 'tool_calls', 'api_calls', 'sessions'];

const TEMP_PREFIX = '.grok-export-';

/** `20251203T101500123Z`: sorts as time does, in a file name every system accepts. */
function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function partitionDir(out: string, table: PoolTable, machine: string, month: string): string {
  return join(out, table, `machine=${machine}`, `month=${month}`);
}

/**
 * Temp folders of this machine's exports that were stopped (their process is gone): removed.
 * Another machine's, in a shared folder, are its own to clear: their pid means nothing here.
 */
async function removeStaleTemps(out: string, machine: string): Promise<void> {
  const mine = `${TEMP_PREFIX}${machine}-`;
  let names: string[];
  try {
    names = readdirSync(out);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(mine)) continue;
    const pid = Number.parseInt(name.slice(mine.length), 10);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      await rm(join(out, name), { recursive: true, force: true }).catch(() => {});
    }
  }
}

function monthOf(file: string): string {
  return /\/month=([^/]+)\/[^/]+$/.exec(file)?.[1] ?? '';
}

/** Files of one month of one table. */
function filesOfMonth(files: PoolFiles, table: PoolTable, month: string): string[] {
  return files[table].filter((f) => monthOf(f) === month);
}

/**
 * Months whose partition is not one file per table of one name (pool.ts: splitTidy): a stopped
 * export's leftovers, or copies a sync tool made. Writing them again makes them whole.
 */
function untidyMonths(files: PoolFiles): string[] {
  const { untidy } = splitTidy(files);
  return [...new Set(POOL_TABLES.flatMap((t) => untidy[t].map(monthOf)))];
}

/**
 * The machine's rollup (pool-rollup.ts) made again when its sessions files are not those it was
 * made of; none while a partition of the machine holds more than one file (untidy).
 */
async function rollUp(
  conn: DuckDBConnection,
  out: string,
  machine: string,
  temp: string,
): Promise<void> {
  const files = listPoolFiles(out, machine);
  if (untidyMonths(files).length > 0) return;
  try {
    await writeRollup(
      conn,
      out,
      machine,
      files.sessions,
      parquetRelation('sessions', files.sessions),
      temp,
    );
  } catch (error) {
    throw new UserError(
      `export of the sessions rollup to ${out} failed: ${(error as Error).message.split('\n')[0]}`,
    );
  } finally {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * Writes the selected sessions (temp.selected, with temp.export_* filled: export-text.ts, and
 * temp.session_costs: costs.ts) into
 * the pool at `out` under `machine`.
 */
export async function exportToPool(
  conn: DuckDBConnection,
  opts: PoolExportOptions,
): Promise<PoolExportResult> {
  const { out, machine, text } = opts;
  assertNotOldLayout(out);
  await removeStaleTemps(out, machine);
  await conn.run(loadSql('internal/pool-export-now'));
  await conn.run(loadSql('internal/pool-export-summary'));
  const exportedAt = opts.now ?? new Date();
  const files = listPoolFiles(out, machine);
  // This machine's earlier sessions are carried into the months written: they need their summary.
  await assertSummaryVersion(conn, out, files.sessions);
  const pooled = `(SELECT * FROM ${parquetRelation('sessions', files.sessions)} QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY exported_at DESC, parse_filename(filename) DESC) = 1)`;
  const changedRows = (
    await conn.runAndReadAll(
      loadSql('internal/pool-export-changed').replaceAll('{pooled}', pooled),
      {
        text,
        version: POOL_SCHEMA_VERSION,
      },
    )
  ).getRows();
  const changed = new Set(changedRows.map((r) => String(r[0])));
  for (const month of untidyMonths(files)) changed.add(month);
  const liveMonths = (
    await conn.runAndReadAll('SELECT DISTINCT month FROM temp.export_now')
  ).getRows();
  const months = [...changed].sort();
  const result: PoolExportResult = {
    machine,
    exportedAt: exportedAt.toISOString(),
    months: [],
    unchanged: liveMonths.filter((r) => !changed.has(String(r[0]))).length,
    rows: { sessions: 0, messages: 0, tool_calls: 0, api_calls: 0 },
  };
  const stamp = `${stampOf(exportedAt)}-${randomBytes(3).toString('hex')}`;
  const fileName = `part-${stamp}.parquet`;
  const temp = join(out, `${TEMP_PREFIX}${machine}-${process.pid}-${stamp}`);
  if (months.length === 0) {
    await rollUp(conn, out, machine, temp);
    return result;
  }
  try {
    await mkdir(temp, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UserError(`cannot write to ${out}: ${describeFsError(error)}`);
  }
  const params = {
    version: POOL_SCHEMA_VERSION,
    exported_at: exportedAt.toISOString(),
    text,
  };
  try {
    for (const month of months) {
      const old = {} as Record<PoolTable, string[]>;
      for (const table of POOL_TABLES) old[table] = filesOfMonth(files, table, month);
      await conn.run(
        loadSql('internal/pool-export-carried').replaceAll(
          '{old}',
          parquetRelation('sessions', old.sessions),
        ),
        { month },
      );
      const written = {} as Record<PoolTable, string>;
      const counts = {} as Record<PoolTable, number>;
      for (const table of RENAME_ORDER) {
        const path = join(temp, `${table}-${month}.parquet`);
        const select = monthSelect(table, old[table]);
        try {
          const r = await conn.run(
            `COPY (${select}) TO ${sqlString(path, '--out')} (FORMAT parquet, COMPRESSION zstd)`,
            boundIn(select, { ...params, month }),
          );
          counts[table] = Number(r.rowsChanged);
        } catch (error) {
          throw new UserError(
            `export of ${table} for ${month} to ${out} failed: ${(error as Error).message.split('\n')[0]}`,
          );
        }
        fsyncPath(path);
        written[table] = path;
      }
      const carried = Number(
        (await conn.runAndReadAll('SELECT count(*) FROM temp.export_carried')).getRows()[0]?.[0],
      );
      for (const table of RENAME_ORDER) {
        const dir = partitionDir(out, table, machine, month);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await rename(written[table] as string, join(dir, fileName));
        fsyncPath(dir);
      }
      // Only now, with every row of theirs in the new files, do the month's earlier files go.
      for (const table of RENAME_ORDER) {
        for (const f of old[table]) {
          if (basename(f) !== fileName) await unlink(f).catch(() => {});
        }
      }
      for (const table of POOL_TABLES) result.rows[table] += counts[table] ?? 0;
      result.months.push({ month, exported: (counts.sessions ?? 0) - carried, kept: carried });
    }
    await rollUp(conn, out, machine, temp);
  } finally {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
  }
  return result;
}
