/**
 * The search store's side of dropping sessions from the index (refresh.ts): the store files that
 * hold their lowered text go with them (search-index.ts writes and reads the store).
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadSql } from './sql-files.js';

/**
 * Forgets the text of sessions the index is dropping (changed, deleted, redacted, archived): the
 * store files holding it are removed now, not left for a later search to tidy, and every session
 * in them loses its signature (it is read again from its own file when searched). Runs inside
 * the refresh's transaction, before the rows go; should that roll back, a signature pointing into
 * a removed file is only read again.
 */
export async function forgetStaleText(conn: DuckDBConnection): Promise<void> {
  const reader = await conn.runAndReadAll(loadSql('internal/search-stores-of-stale'));
  const stores = JSON.parse(String(reader.getRows()[0]?.[0] ?? '[]')) as string[];
  if (stores.length === 0) return;
  await conn.run(loadSql('internal/search-unsign'), {
    sids: '[]',
    stores: JSON.stringify(stores),
  });
  const dir = await searchStoreDir(conn);
  if (dir === undefined) return;
  for (const name of stores) rmSync(join(dir, name), { force: true });
}

/** The name of the store's directory, beside the index file. */
export const SEARCH_STORE_NAME = 'search';

/** The store's directory, beside the index file; undefined for an in-memory index. */
export async function searchStoreDir(conn: DuckDBConnection): Promise<string | undefined> {
  const path = (await conn.runAndReadAll(loadSql('internal/search-store-path'))).getRows()[0]?.[0];
  return typeof path === 'string' && path !== ''
    ? join(dirname(path), SEARCH_STORE_NAME)
    : undefined;
}
