/**
 * A build step (`npm run build`, after tsc): @duckdb/node-api's JavaScript, some 180 CommonJS
 * files, bundled into dist/vendor/duckdb-node-api.cjs, with a V8 code cache for this Node beside
 * it. Requiring the package file by file took about 65 ms of every analytics command here; the
 * bundle with its cache loads in about 17 ms (src/analytics/duckdb-load.ts). The native bindings
 * stay their own package, required from the bundle.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_NAME } from '../analytics/duckdb-load.js';
import { codeCacheFile, runCommonJs } from '../code-cache.js';

const vendor = join(dirname(fileURLToPath(import.meta.url)), '..', 'vendor');
const bundle = join(vendor, BUNDLE_NAME);
mkdirSync(vendor, { recursive: true });
await build({
  entryPoints: [createRequire(import.meta.url).resolve('@duckdb/node-api')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@duckdb/node-bindings'],
  outfile: bundle,
  logLevel: 'warning',
});
// The cache holds what running the bundle's top level compiled, so it is made after a run.
const { script } = runCommonJs(bundle, undefined);
writeFileSync(codeCacheFile(bundle), script.createCachedData());
