/** The one helper that loads SQL from `queries/`: one statement per file, values always bound. */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/** `queries/` sits beside `src/` and `dist/`, so the same relative path works from both. */
export const QUERIES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'queries');

const cache = new Map<string, string>();

/**
 * The rows of a query that returns them as one JSON array (its one value, NULL for none). DuckDB
 * builds the array: converting thousands of rows value by value through the node API costs more.
 */
export async function jsonArray<T>(
  conn: DuckDBConnection,
  name: string,
  params?: Record<string, DuckDBValue>,
): Promise<T[]> {
  const value = (await conn.runAndReadAll(loadSql(name), params)).getRows()[0]?.[0];
  return (jsonOf(value) ?? []) as T[];
}

/** A JSON value as DuckDB returns it (VARCHAR), parsed; SQL NULL (or no row) is null. */
function jsonOf(value: unknown): unknown {
  return value === null || value === undefined ? null : JSON.parse(String(value));
}

/**
 * The values of several queries that each return one JSON value (a row as an object, or rows as
 * an array), asked as one statement, `SELECT (a), (b), ...`: a statement has a fixed cost of a
 * few milliseconds, and `stats` asks five. A NULL value is null. T is the tuple of the values'
 * types, as the caller declares them.
 */
export async function jsonValues<T extends readonly unknown[] = unknown[]>(
  conn: DuckDBConnection,
  names: readonly string[],
  params?: Record<string, DuckDBValue>,
  /** The statement of a name: a pool's may differ (pool.ts: poolSql). */
  load: (name: string) => string = loadSql,
): Promise<T> {
  // Each file is one statement: its closing semicolon goes, and the newline ends any comment.
  const parts = names.map((name) => `(\n${load(name).trim().replace(/;$/, '')}\n)`);
  const row = (await conn.runAndReadAll(`SELECT ${parts.join(',\n')}`, params)).getRows()[0];
  return names.map((_, i) => jsonOf(row?.[i])) as unknown as T;
}

/** The parameters a statement uses: DuckDB refuses one it does not. */
export function boundIn<T>(sql: string, params: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`$${k}`)));
}

/** The line by which a statement of the index reads only the selected sessions. */
export const SELECTION_JOIN = 'JOIN temp.selected_sids USING (sid)';

/**
 * `sql`, the statement of queries/<name>.sql, with its line `line` (indented or not) replaced by
 * `by` (a line, or '' to leave it out): one file serving a statement that differs by that line,
 * instead of a copy of it. A file without the line throws, saying what the line was for (`why`),
 * so an edit of the file cannot change the other statement unseen.
 */
export function replaceLine(
  name: string,
  sql: string,
  line: string,
  by: string,
  why: string,
): string {
  const pattern = new RegExp(`^[ \\t]*${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`, 'm');
  if (!pattern.test(sql)) throw new Error(`queries/${name}.sql: no line '${line}' ${why}`);
  return sql.replace(pattern, () => (by === '' ? '' : `${by}\n`));
}

/** `loadSql('internal/select-sessions')` → the text of queries/internal/select-sessions.sql. */
export function loadSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(QUERIES_DIR, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
}

/** The user-facing named queries: the top level of queries/, each led by a `-- description` line. */
export async function listNamedQueries(): Promise<NamedQuery[]> {
  const names = (await readdir(QUERIES_DIR)).filter((n) => n.endsWith('.sql')).sort();
  return names.map((file) => {
    const name = file.slice(0, -'.sql'.length);
    const sql = loadSql(name);
    const first = sql.split('\n')[0] ?? '';
    return { name, description: first.startsWith('--') ? first.slice(2).trim() : '', sql };
  });
}
