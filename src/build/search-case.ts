/**
 * A build step (`npm run build`, after tsc): DuckDB's lower() of the code points it changes, as the
 * DuckDB the package bundles computes it, into dist/vendor/search-case.json, keyed by that DuckDB's
 * version, so a first search does not compute it (src/analytics/search-case.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { CASE_FILE, computeCaseTable } from '../analytics/search-case.js';

const vendor = join(dirname(fileURLToPath(import.meta.url)), '..', 'vendor');
mkdirSync(vendor, { recursive: true });
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  writeFileSync(join(vendor, CASE_FILE), `${JSON.stringify(await computeCaseTable(conn))}\n`);
} finally {
  conn.closeSync();
  instance.closeSync();
}
