/**
 * Loading DuckDB's node API, only in the commands that need it. The build bundles the package's
 * JavaScript into one file with a V8 code cache (src/build/duckdb-bundle.ts), which loads in a
 * quarter of the time of the package's own files; without the bundle (the sources run directly)
 * it falls back to the package.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runCached } from '../code-cache.js';

type DuckDB = typeof import('@duckdb/node-api');

export const BUNDLE_NAME = 'duckdb-node-api.cjs';

let loaded: DuckDB | undefined;

export function loadDuckDB(): DuckDB {
  if (loaded) return loaded;
  const vendor = new URL('../vendor/', import.meta.url);
  if (vendor.protocol === 'file:') {
    const bundle = fileURLToPath(new URL(BUNDLE_NAME, vendor));
    if (existsSync(bundle)) {
      loaded = runCached(bundle).exports as DuckDB;
      return loaded;
    }
  }
  // DuckDB is CommonJS: require() loads it faster than import(), which makes Node's ESM loader
  // lex each of its files for named exports.
  loaded = createRequire(import.meta.url)('@duckdb/node-api') as DuckDB;
  return loaded;
}
