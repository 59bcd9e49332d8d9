/**
 * `grok sessions export`: the index's tables as files other engines read (DuckDB, Spark, Trino,
 * pandas). Parquet is partitioned by month (`sessions/month=2025-11/…parquet`), so a team can
 * pool exports and a query for one month reads one folder.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import { csvText, type OutputColumn, tableText, withNotes } from '../analytics/output.js';
import { loadSql } from '../analytics/sql-files.js';
import { describeFsError, UsageError, UserError } from '../errors.js';
import { formatInt } from '../render/format.js';
import type { SkippedFile } from '../session/store.js';
import type { CommandOutput } from './common.js';

export interface ExportOptions extends AnalyticsOptions {
  format?: string | undefined;
  out?: string | undefined;
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
  /** A file, or for Parquet the folder holding one sub-folder per month. */
  path: string;
}

export interface ExportResult {
  format: Format;
  out: string;
  tables: ExportedTable[];
  skipped: SkippedFile[];
  notices: string[];
}

/**
 * COPY takes its target as a literal, not a parameter: the path is quoted here (quotes doubled)
 * and NUL refused; every other value stays a bound parameter.
 */
function sqlPath(path: string): string {
  if (path.includes('\0')) throw new UsageError('--out: the path contains a NUL byte');
  return `'${path.replace(/'/g, "''")}'`;
}

function copyOptions(format: Format): string {
  if (format === 'parquet') return '(FORMAT parquet, PARTITION_BY (month), COMPRESSION zstd)';
  if (format === 'csv') return '(FORMAT csv, HEADER true)';
  return '(FORMAT json)';
}

export async function exportTables(opts: ExportOptions): Promise<ExportResult> {
  const format = String(opts.format ?? '') as Format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: '${opts.format ?? ''}' is not one of ${FORMATS.join(', ')}`);
  }
  if (!opts.out) throw new UsageError('--out DIR is required');
  const out = resolve(String(opts.out));
  const targets = TABLES.map((t) => ({
    ...t,
    path: join(out, format === 'parquet' ? t.table : `${t.table}.${format}`),
  }));
  for (const t of targets) {
    if (existsSync(t.path)) {
      throw new UserError(`${t.path} already exists: export never overwrites`, {
        hint: 'choose another --out or remove it first',
      });
    }
  }
  try {
    await mkdir(out, { recursive: true, mode: 0o700 });
    await readdir(out);
  } catch (error) {
    throw new UserError(`cannot write to ${out}: ${describeFsError(error)}`);
  }
  return withAnalytics(opts, async (ctx) => {
    await ctx.loadText();
    const tables: ExportedTable[] = [];
    for (const t of targets) {
      const select = loadSql(t.sql).trim().replace(/;$/, '');
      const from = format === 'parquet' ? select : `SELECT * EXCLUDE (month) FROM (${select})`;
      try {
        const r = await ctx.conn.run(`COPY (${from}) TO ${sqlPath(t.path)} ${copyOptions(format)}`);
        tables.push({ table: t.table, rows: Number(r.rowsChanged), path: t.path });
      } catch (error) {
        throw new UserError(
          `export of ${t.table} to ${t.path} failed: ${(error as Error).message.split('\n')[0]}`,
        );
      }
    }
    return { format, out, tables, skipped: ctx.skipped, notices: ctx.notices };
  });
}

export function renderExport(
  r: ExportResult,
  opts: { json?: boolean; csv?: boolean },
): CommandOutput {
  if (opts.json) {
    return withNotes(
      {
        stdout: `${JSON.stringify({ format: r.format, out: r.out, tables: r.tables, skipped: r.skipped }, null, 2)}\n`,
      },
      [],
      r.notices,
    );
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
  if (opts.csv) return withNotes({ stdout: csvText(columns, r.tables) }, r.skipped, r.notices);
  return withNotes({ stdout: `${tableText(columns, r.tables)}\n` }, r.skipped, r.notices);
}
