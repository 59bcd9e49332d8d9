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
  return JSON.parse(value === null || value === undefined ? '[]' : String(value)) as T[];
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
