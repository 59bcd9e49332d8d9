/**
 * A build step (`npm run build`, after tsc): grok's own modules, as tsc wrote them from
 * dist/main.js down, bundled into dist/bundle/grok.cjs, with a V8 code cache for this Node made by
 * running `grok sessions stats` once over the sample sessions; and the bin, src/index.ts, as
 * CommonJS (dist/grok.cjs), which runs it.
 *
 * - Modules are still run only when first imported (esbuild wraps each one imported
 *   dynamically), so `grok --version` loads no more than before.
 * - Packages stay external, required from node_modules as before, but for the two nearly every
 *   command runs (BUNDLED); the parse worker stays the ES module it was (a thread of its own).
 * - Each module keeps `import.meta.url` as the URL of its own file in dist/, so what it finds
 *   beside itself (queries/, the parse worker, DuckDB's bundle, package.json) is found from the
 *   bundle too.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { codeCacheFile, runCommonJs } from '../code-cache.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(dist, 'bundle', 'grok.cjs');
const cache = codeCacheFile(bundle);

/** Runs the bundle as `grok sessions stats` and writes the cache of what that compiled. */
function makeCache(): void {
  process.argv = [process.execPath, bundle, 'sessions', 'stats'];
  const { script } = runCommonJs(bundle, undefined);
  // Readable by all, as the rest of dist/ (the run set a private umask for the index).
  process.on('exit', () => {
    writeFileSync(cache, script.createCachedData());
    chmodSync(cache, 0o644);
  });
}

/**
 * Packages bundled in, so their code is in the cache too: the ones nearly every command runs
 * (the argument parser, the table renderer). The rest stay external, required from node_modules
 * by the commands that use them.
 */
const BUNDLED = new Set(['cac', 'string-width']);

function external(): string[] {
  const pkg = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name));
}

/**
 * `entry` (a module tsc wrote) and what it imports, as one CommonJS file `outfile`. Each module
 * keeps import.meta.url as the URL of its own file, and imports matching `keep` stay as they are.
 */
async function bundleCommonJs(
  entry: string,
  outfile: string,
  opts: { external: string[]; keep?: RegExp },
): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: opts.external,
    write: false,
    outfile,
    logLevel: 'warning',
    banner: {
      js: "const __moduleUrl = (file) => require('node:url').pathToFileURL(require('node:path').join(__dirname, file)).href;",
    },
    plugins: [
      {
        name: 'module-url',
        setup(b) {
          const { keep } = opts;
          if (keep) b.onResolve({ filter: keep }, (args) => ({ path: args.path, external: true }));
          b.onLoad({ filter: /\.js$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replaceAll(
              'import.meta.url',
              `__moduleUrl(${JSON.stringify(relative(dirname(outfile), args.path))})`,
            ),
            loader: 'js',
          }));
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.text ?? '';
  if (code.includes('import.meta')) throw new Error(`${outfile}: import.meta left in the bundle`);
  return code;
}

/**
 * A bin as CommonJS (dist/grok.cjs and dist/grok-sessions.cjs, package.json's bin): dist/index.js with the code-cache
 * runner in it. Node runs a CommonJS main without starting its ES module loader, ~10 ms a command
 * here; the modules tsc wrote, the fallback without a bundle, are still imported as ES modules.
 */
async function bundleBin(entry: string, name: string): Promise<void> {
  const bin = join(dist, name);
  const code = await bundleCommonJs(join(dist, entry), bin, {
    external: [],
    keep: /^\.\/main\.js$/,
  });
  writeFileSync(bin, code);
  chmodSync(bin, 0o755);
}

async function bundleProgram(): Promise<void> {
  const code = await bundleCommonJs(join(dist, 'main.js'), bundle, { external: external() });
  mkdirSync(dirname(bundle), { recursive: true });
  // A #! line is not JavaScript to vm.Script.
  writeFileSync(bundle, code.replace(/^#!.*\n/, ''));
  rmSync(cache, { force: true });
  // The run that makes the cache: a scratch home, the samples read and never written.
  const home = mkdtempSync(join(tmpdir(), 'grok-build-'));
  try {
    const samples = join(dist, '..', 'fixtures', 'sessions');
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cache'], {
      env: {
        ...process.env,
        GROK_HOME: home,
        GROK_SESSIONS_DIR: existsSync(samples) ? samples : join(home, 'sessions'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0 || !existsSync(cache))
      throw new Error(`${cache}: the run to make it failed`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The parse worker (dist/analytics/parse-worker.js and what it imports) as one CommonJS file,
 * dist/bundle/parse-worker.cjs, which the parse pool starts (parse-pool.ts: workerPath): a worker
 * started on a CommonJS file does without Node's ES module loader and finds its code in one file,
 * not some thirty; that was half of a worker's start.
 */
async function bundleWorker(): Promise<void> {
  const outfile = join(dist, 'bundle', 'parse-worker.cjs');
  const code = await bundleCommonJs(join(dist, 'analytics', 'parse-worker.js'), outfile, {
    external: external(),
  });
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, code);
}

/**
 * The session browser's screen (dist/browse/app.js) with Ink, React and what they import, as one
 * ES module (dist/vendor/browse-ui.mjs; src/browse/load.ts loads it). ES module, as Ink uses
 * top-level await. Loading Ink's ~100 modules one by one cost more than the browser's whole
 * first screen may take. React is built for production (no development checks); Ink's devtools
 * connection (only under DEV=true, needing a package we do not ship) is left out; without
 * `fetch`, yoga-layout decodes its WebAssembly itself instead of loading undici to fetch it from
 * a data: URL.
 */
async function bundleBrowserUi(): Promise<void> {
  await build({
    entryPoints: [join(dist, 'browse', 'app.js')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(dist, 'vendor', 'browse-ui.mjs'),
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"', fetch: 'undefined' },
    // React's CommonJS files require() each other: an ES module has no require of its own
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'no-devtools',
        setup(b) {
          b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
            args.importer.includes(`${join('node_modules', 'ink')}`)
              ? { path: 'devtools', namespace: 'empty' }
              : undefined,
          );
          b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
        },
      },
    ],
  });
}

if (process.argv[2] === '--cache') makeCache();
else {
  await bundleBrowserUi();
  await bundleProgram();
  await bundleWorker();
  await bundleBin('index.js', 'grok.cjs');
  // `grok-sessions ...`, the same as `grok sessions ...` (src/sessions-bin.ts)
  await bundleBin('sessions-bin.js', 'grok-sessions.cjs');
}
