/**
 * Loading DuckDB's node API, only in the commands that need it. The build bundles the package's
 * JavaScript into one file with a V8 code cache (src/build/duckdb-bundle.ts), which loads in a
 * quarter of the time of the package's own files; without them (the sources run directly, or a
 * cache made by another Node) it falls back to the package, or to compiling the bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

type DuckDB = typeof import('@duckdb/node-api');

export const BUNDLE_NAME = 'duckdb-node-api.cjs';

/** The code cache is only valid for the V8 that made it: one file per Node version. */
export function codeCacheName(): string {
  return `duckdb-node-api.${process.version}.${process.arch}.cache`;
}

/** The bundle compiled as a CommonJS module, with `cache` as its V8 code cache when given. */
export function compileBundle(file: string, cache: Buffer | undefined): Script {
  const wrapped = (Module as unknown as { wrap(code: string): string }).wrap(
    readFileSync(file, 'utf8'),
  );
  const script = new Script(wrapped, { filename: file, cachedData: cache });
  const module = { exports: {} as DuckDB };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  loaded = module.exports;
  return script;
}

let loaded: DuckDB | undefined;

export function loadDuckDB(): DuckDB {
  if (loaded) return loaded;
  const vendor = new URL('../vendor/', import.meta.url);
  if (vendor.protocol === 'file:') {
    const bundle = fileURLToPath(new URL(BUNDLE_NAME, vendor));
    const cache = fileURLToPath(new URL(codeCacheName(), vendor));
    if (existsSync(bundle)) {
      compileBundle(bundle, existsSync(cache) ? readFileSync(cache) : undefined);
      if (loaded) return loaded;
    }
  }
  // DuckDB is CommonJS: require() loads it faster than import(), which makes Node's ESM loader
  // lex each of its files for named exports.
  loaded = createRequire(import.meta.url)('@duckdb/node-api') as DuckDB;
  return loaded;
}
