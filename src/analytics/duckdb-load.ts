/**
 * Loading DuckDB's node API, only in the commands that need it. The build bundles the package's
 * JavaScript into one file with a V8 code cache (src/build/duckdb-bundle.ts), which loads in a
 * quarter of the time of the package's own files; without the bundle (the sources run directly)
 * it falls back to the package.
 *
 * A database is opened (createInstance) through DuckDB's native bindings before the API's
 * JavaScript runs: the open takes libuv's thread pool 20-30 ms, and this thread runs the API's
 * JavaScript meanwhile (13-18 ms) instead of before it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runCached } from '../code-cache.js';

type DuckDB = typeof import('@duckdb/node-api');
type Bindings = typeof import('@duckdb/node-bindings');

export const BUNDLE_NAME = 'duckdb-node-api.cjs';

let bundle: string | null | undefined;

/** The bundle the build made, if there is one. */
function bundlePath(): string | undefined {
  if (bundle === undefined) {
    const vendor = new URL('../vendor/', import.meta.url);
    const path = vendor.protocol === 'file:' ? fileURLToPath(new URL(BUNDLE_NAME, vendor)) : '';
    bundle = path !== '' && existsSync(path) ? path : null;
  }
  return bundle ?? undefined;
}

let loaded: DuckDB | undefined;

export function loadDuckDB(): DuckDB {
  if (loaded) return loaded;
  const path = bundlePath();
  // DuckDB is CommonJS: require() loads it faster than import(), which makes Node's ESM loader
  // lex each of its files for named exports.
  loaded = (
    path ? runCached(path).exports : createRequire(import.meta.url)('@duckdb/node-api')
  ) as DuckDB;
  return loaded;
}

/**
 * DuckDB's native bindings, resolved from where the node API resolves them, so both are one
 * module: loading them loads DuckDB's library (~20 ms).
 */
let bindings: Bindings | undefined;

/** DuckDB's C API as the bundle loads it: for filling a data chunk's vectors whole. */
export function loadBindings(): Bindings {
  if (bindings) return bindings;
  bindings = loadBindingsUncached();
  return bindings;
}

function loadBindingsUncached(): Bindings {
  const from = bundlePath() ?? createRequire(import.meta.url).resolve('@duckdb/node-api');
  return createRequire(from)('@duckdb/node-bindings') as Bindings;
}

/**
 * What DuckDBInstance.create(path, options) gives, with the API's JavaScript run while DuckDB
 * opens the database. The configuration is the API's own (createConfig): `duckdb_api` names the
 * client as the API does, then the options.
 */
export async function createInstance(
  path: string,
  options: Record<string, string>,
): Promise<InstanceType<DuckDB['DuckDBInstance']>> {
  const bindings = loadBindings();
  const config = bindings.create_config();
  bindings.set_config(config, 'duckdb_api', 'node-neo-api');
  for (const [name, value] of Object.entries(options)) bindings.set_config(config, name, value);
  const opening = bindings.open(path, config);
  let api: DuckDB;
  try {
    api = loadDuckDB();
  } catch (error) {
    opening.then((db) => bindings.close_sync(db)).catch(() => {});
    throw error;
  }
  return new api.DuckDBInstance(await opening);
}
