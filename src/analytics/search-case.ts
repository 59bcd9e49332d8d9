/**
 * DuckDB's lower(), as search matches and signs text with it (search-grams.ts): the code points it
 * changes, each with its lower case, kept in the index (`search_case`) with the DuckDB version
 * that computed them. Computing them asks DuckDB to lower 131,072 code points, some 30-150 ms of
 * a first search, so the build computes them once for the DuckDB it bundles (src/build/
 * search-case.ts) and ships them beside the program; a run whose DuckDB is another version
 * computes them as before. test/analytics/search-case.test.ts holds the shipped table equal to
 * what DuckDB computes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CasePairs } from './search-grams.js';
import { loadSql } from './sql-files.js';

/** The file the build writes into dist/vendor/. */
export const CASE_FILE = 'search-case.json';

export interface CaseTable {
  /** DuckDB's library_version, as pragma_version() gives it. */
  duckdb: string;
  /** [code point, lower case], by code point. */
  pairs: [number, number][];
}

/** The table the build shipped, if there is one (none when the sources run directly). */
export function shippedCaseTable(): CaseTable | undefined {
  const url = new URL(`../vendor/${CASE_FILE}`, import.meta.url);
  if (url.protocol !== 'file:') return undefined;
  let table: CaseTable;
  try {
    table = JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as CaseTable;
  } catch {
    // missing or damaged: DuckDB computes the table
    return undefined;
  }
  return typeof table?.duckdb === 'string' && Array.isArray(table.pairs) ? table : undefined;
}

/** The table as the DuckDB of `conn` computes it. */
export async function computeCaseTable(conn: DuckDBConnection): Promise<CaseTable> {
  const row = (await conn.runAndReadAll(loadSql('internal/search-case-lower'))).getRows()[0];
  return { duckdb: String(row?.[0]), pairs: JSON.parse(String(row?.[1])) };
}

/**
 * The pairs for the DuckDB running now, as one typed array (CasePairs). When search_case was
 * computed by another version (or never), it is filled again, from `shipped` when that is this
 * version's, and every signature is dropped with the old pairs: a version that lowers otherwise
 * makes them wrong. Run inside the caller's transaction (inTransaction), so that the signatures
 * made with the new pairs are committed with them, in one commit.
 */
export async function casePairs(
  conn: DuckDBConnection,
  shipped: CaseTable | undefined = shippedCaseTable(),
): Promise<CasePairs> {
  const row = (
    await conn.runAndReadAll(loadSql('internal/search-case'), { shipped: shipped?.duckdb ?? null })
  ).getRows()[0];
  const running = String(row?.[0]);
  const pairs = row?.[1];
  const stored = row?.[2];
  const flat = (table: [number, number][]) => Uint32Array.from(table.flat());
  if (stored === running) {
    if (pairs !== null && pairs !== undefined) return flat(JSON.parse(String(pairs)));
    return flat((shipped as CaseTable).pairs);
  }
  const table = shipped?.duckdb === running ? shipped : await computeCaseTable(conn);
  await conn.run('DELETE FROM search_case');
  await conn.run('DELETE FROM search_grams');
  const rows = await conn.createAppender('search_case');
  for (const [cp, low] of table.pairs) {
    rows.appendInteger(cp);
    rows.appendInteger(low);
    rows.appendVarchar(running);
    rows.endRow();
  }
  rows.closeSync();
  return flat(table.pairs);
}
