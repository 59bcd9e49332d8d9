/**
 * `grok sessions export --format parquet|csv|jsonl --out DIR`: the index's tables as files other
 * engines read (DuckDB, Spark, Trino, ClickHouse, pandas). Parquet goes into a pool, a dataset
 * many machines export into (src/analytics/pool-export.ts); csv and jsonl are one file per table.
 * No message text unless --with-text, and then redacted unless --no-redact.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import { prepareExportText } from '../analytics/export-text.js';
import { csvText, type OutputColumn, tableText, withNotes } from '../analytics/output.js';
import type { PoolMonth } from '../analytics/pool-export.js';
import {
  checkMachineId,
  machineIdFromHost,
  POOL_TABLES,
  sqlString,
  type TextMode,
} from '../analytics/pool-schema.js';
import { loadSql } from '../analytics/sql-files.js';
import { describeFsError, UsageError, UserError } from '../errors.js';
import { formatInt, plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { settingsPath } from '../session/paths.js';
import type { SkippedFile } from '../session/store.js';

export interface ExportOptions extends AnalyticsOptions {
  format?: string | undefined;
  out?: string | undefined;
  /** Parquet: the machine the sessions are pooled under (default: settings, else host name). */
  machine?: string | undefined;
  withText?: boolean | undefined;
  /** cac turns --no-redact into redact: false. */
  redact?: boolean | undefined;
  json?: boolean | undefined;
  csv?: boolean | undefined;
}

const FORMATS = ['parquet', 'csv', 'jsonl'] as const;
type Format = (typeof FORMATS)[number];

const TABLES = [
  { table: 'sessions', sql: 'internal/export-sessions' },
  { table: 'messages', sql: 'internal/export-messages' },
  { table: 'tool_calls', sql: 'internal/export-tool-calls' },
] as const;

export interface ExportedTable {
  table: string;
  rows: number;
  /** A file, or for Parquet the table's folder in the pool. */
  path: string;
}

export interface ExportResult {
  format: Format;
  out: string;
  text: TextMode;
  tables: ExportedTable[];
  /** Parquet: the machine, the export time and the months written. */
  pool?: { machine: string; exportedAt: string; months: PoolMonth[]; unchanged: number };
  redacted: number;
  skipped: SkippedFile[];
  notices: string[];
  warnings: string[];
}

function copyOptions(format: Format): string {
  if (format === 'csv') return '(FORMAT csv, HEADER true)';
  return '(FORMAT json)';
}

/** Settings are read (and zod loaded) only when the file exists. */
async function settingsOf(): Promise<{ machine?: string }> {
  if (!existsSync(settingsPath())) return {};
  const { loadSettings } = await import('../settings.js');
  return loadSettings();
}

export function textMode(opts: { withText?: boolean; redact?: boolean }): TextMode {
  if (!opts.withText) return 'none';
  return opts.redact === false ? 'raw' : 'redacted';
}

export async function exportTables(opts: ExportOptions): Promise<ExportResult> {
  const format = String(opts.format ?? '') as Format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: '${opts.format ?? ''}' is not one of ${FORMATS.join(', ')}`);
  }
  if (!opts.out) throw new UsageError('--out DIR is required');
  if (opts.machine !== undefined && format !== 'parquet') {
    throw new UsageError(
      '--machine names the machine of a Parquet pool: use it with --format parquet',
    );
  }
  const out = resolve(String(opts.out));
  const text = textMode(opts);
  const warnings: string[] = [];
  if (opts.redact === false) {
    warnings.push(
      `--no-redact: ${out} holds ${text === 'raw' ? 'message text, tool calls, ' : ''}names and tags with any secrets in them as they are; keep it private`,
    );
  }
  const settings = format === 'parquet' ? await settingsOf() : {};
  const machine =
    opts.machine !== undefined
      ? checkMachineId(String(opts.machine), '--machine')
      : (settings.machine ?? machineIdFromHost(hostname()));
  const targets = TABLES.map((t) => ({ ...t, path: join(out, `${t.table}.${format}`) }));
  if (format !== 'parquet') {
    for (const t of targets) {
      if (existsSync(t.path)) {
        throw new UserError(`${t.path} already exists: export never overwrites`, {
          hint: 'choose another --out or remove it first',
        });
      }
    }
  }
  try {
    await mkdir(out, { recursive: true, mode: 0o700 });
    await readdir(out);
  } catch (error) {
    throw new UserError(`cannot write to ${out}: ${describeFsError(error)}`);
  }
  const { from: _from, machine: _machine, ...live } = opts;
  return withAnalytics(live, async (ctx) => {
    if (text !== 'none') await ctx.loadText();
    const { redacted } = await prepareExportText(ctx.conn, text);
    const base = {
      format,
      out,
      text,
      redacted,
      skipped: ctx.skipped,
      notices: ctx.notices,
      warnings,
    };
    if (format === 'parquet') {
      const { exportToPool } = await import('../analytics/pool-export.js');
      const { computeCosts, tableInForce } = await import('../analytics/costs.js');
      // the pool's rollups cut usage at the prices' long-context tiers (pool-groups.sql)
      await computeCosts(ctx, (await tableInForce()).table, { prices: true });
      const r = await exportToPool(ctx.conn, { out, machine, text });
      return {
        ...base,
        tables: POOL_TABLES.map((table) => ({
          table,
          rows: r.rows[table],
          path: join(out, table),
        })),
        pool: { machine, exportedAt: r.exportedAt, months: r.months, unchanged: r.unchanged },
      };
    }
    const tables: ExportedTable[] = [];
    for (const t of targets) {
      const select = loadSql(t.sql).trim().replace(/;$/, '');
      try {
        const r = await ctx.conn.run(
          `COPY (SELECT * EXCLUDE (month) FROM (${select})) TO ${sqlString(t.path, '--out')} ${copyOptions(format)}`,
        );
        tables.push({ table: t.table, rows: Number(r.rowsChanged), path: t.path });
      } catch (error) {
        throw new UserError(
          `export of ${t.table} to ${t.path} failed: ${(error as Error).message.split('\n')[0]}`,
        );
      }
    }
    return { ...base, tables };
  });
}

function poolLine(r: ExportResult): string {
  if (!r.pool) return '';
  const { machine, months, unchanged } = r.pool;
  const kept = months.reduce((n, m) => n + m.kept, 0);
  const written =
    months.length === 0
      ? 'nothing new to write'
      : `${months.length} ${plural(months.length, 'month')} written (${months.map((m) => m.month).join(', ')})`;
  return `\nmachine ${machine}: ${written}${unchanged > 0 ? `, ${unchanged} up to date` : ''}${kept > 0 ? `; ${formatInt(kept)} pooled ${plural(kept, 'session')} no longer here kept` : ''}\n`;
}

export function renderExport(
  r: ExportResult,
  opts: { json?: boolean; csv?: boolean },
): CommandOutput {
  const warn = r.warnings.map((w) => `grok: warning: ${w}\n`).join('');
  if (opts.json) {
    const { notices: _n, warnings: _w, ...shown } = r;
    return withNotes({ stdout: jsonText(shown), stderr: warn }, [], r.notices);
  }
  const columns: OutputColumn<ExportedTable>[] = [
    { header: 'TABLE', csv: 'table', cell: (t) => t.table },
    {
      header: 'ROWS',
      csv: 'rows',
      align: 'right',
      cell: (t) => formatInt(t.rows),
      raw: (t) => t.rows,
    },
    { header: 'PATH', csv: 'path', cell: (t) => t.path },
  ];
  if (opts.csv) {
    return withNotes({ stdout: csvText(columns, r.tables), stderr: warn }, r.skipped, r.notices);
  }
  return withNotes(
    { stdout: `${tableText(columns, r.tables)}\n${poolLine(r)}`, stderr: warn },
    r.skipped,
    r.notices,
  );
}
