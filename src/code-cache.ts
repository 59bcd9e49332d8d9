/**
 * Running a CommonJS bundle with a V8 code cache: the build writes the bundles (DuckDB's node API
 * in src/build/duckdb-bundle.ts, grok's own modules in src/build/grok-bundle.ts) and a cache of
 * the code a run of each compiled, so a command deserialises that code instead of compiling it.
 * Node's built-in modules only: the bin loads this before anything else.
 */
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Where the cache of `bundle` lies: one file per Node version and architecture, as a cache is
 * only valid for the V8 that made it (another one is rejected by V8 and the code compiled anew).
 */
export function codeCacheFile(bundle: string): string {
  return `${bundle.replace(/\.cjs$/, '')}.${process.version}.${process.arch}.cache`;
}

/**
 * Where a bundle run here finds an `import()` that works: code compiled by vm.Script has none of
 * its own (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and Node 20 gives it one only behind an
 * experimental flag. Set by the first runCommonJs, the bin's, whose import() is Node's own.
 */
export const ESM_IMPORT = Symbol.for('grok.importEsm');

export interface RanBundle {
  /** The compiled bundle: createCachedData() after a run gives the cache of what it compiled. */
  script: Script;
  /** What the bundle's top level exported. */
  exports: unknown;
}

/**
 * Runs the CommonJS file `bundle` as Node would require it, with `cache` as its code cache when
 * given. Its require() resolves from its own directory.
 */
export function runCommonJs(bundle: string, cache: Buffer | undefined): RanBundle {
  const global = globalThis as Record<symbol, unknown>;
  global[ESM_IMPORT] ??= (url: string) => import(url);
  const wrapped = (Module as unknown as { wrap(code: string): string }).wrap(
    readFileSync(bundle, 'utf8'),
  );
  const script = new Script(wrapped, { filename: bundle, cachedData: cache });
  const module = { exports: {} as unknown };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { script, exports: module.exports };
}

/** The cache the build made for this Node, if there is one this process can read. */
function readCache(bundle: string): Buffer | undefined {
  try {
    return readFileSync(codeCacheFile(bundle));
  } catch {
    return undefined;
  }
}

/** runCommonJs with the cache the build made for this Node, when there is one. */
export function runCached(bundle: string): RanBundle {
  return runCommonJs(bundle, readCache(bundle));
}
