/**
 * The index schema, built by ordered, named steps. Each step's SQL is in queries/migrations/;
 * `schema_steps` records what was applied, so a newer grok only adds the steps it lacks.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadSql } from './sql-files.js';
import { inTransaction } from './transaction.js';

export const MIGRATION_STEPS = [
  '001-files',
  '002-archives',
  '003-sessions',
  '004-messages',
  '005-tool-calls',
  '006-unique-sessions',
  '007-reply-latency',
  '008-dir-state',
  '009-text-on-demand',
  '010-unkeyed-files',
  '011-list-entries',
  '012-whole-tool-results',
  '013-api-calls',
  '014-browse-rows',
  '015-browse-entries',
  '016-search-grams',
  '017-cost-rows',
  '018-dir-lines',
  '019-search-bits-uncompressed',
  '020-search-newest',
] as const;

export async function appliedSteps(conn: DuckDBConnection): Promise<string[]> {
  // One query, run on every open: asking the catalog first cost ten times as much.
  let rows: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
  try {
    rows = await conn.runAndReadAll('SELECT name FROM schema_steps ORDER BY name');
  } catch (error) {
    if (/schema_steps does not exist/.test(String(error))) return [];
    throw error;
  }
  return rows.getRowObjectsJS().map((r) => String(r.name));
}

/** Applies the missing steps in order, each in its own transaction. Returns the steps applied. */
export async function migrate(conn: DuckDBConnection): Promise<string[]> {
  const done = new Set(await appliedSteps(conn));
  if (done.size === MIGRATION_STEPS.length) return [];
  await conn.run(
    'CREATE TABLE IF NOT EXISTS schema_steps (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())',
  );
  const applied: string[] = [];
  for (const step of MIGRATION_STEPS) {
    if (done.has(step)) continue;
    await inTransaction(conn, async () => {
      await conn.run(loadSql(`migrations/${step}`));
      await conn.run('INSERT INTO schema_steps (name) VALUES ($name)', { name: step });
    });
    applied.push(step);
  }
  return applied;
}
