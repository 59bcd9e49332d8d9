/**
 * Loading the browser's screen (src/browse/app.ts) and Ink with it, only when it opens. Ink is
 * an ES module with top-level await, which require() cannot load, and the program runs from a
 * CommonJS bundle compiled by vm.Script, where import() is not available: the bin hands its own
 * import() over (src/code-cache.ts, ESM_IMPORT). The build bundles app.js with Ink and React
 * into one file (src/build/grok-bundle.ts): Ink's ~100 modules from node_modules took ~0.6 s to
 * load on a busy machine.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESM_IMPORT } from '../code-cache.js';

type App = typeof import('./app.js');

export const UI_BUNDLE_NAME = 'browse-ui.mjs';

function importEsm(url: string): Promise<unknown> {
  const given = (globalThis as Record<symbol, unknown>)[ESM_IMPORT] as
    | ((url: string) => Promise<unknown>)
    | undefined;
  return given ? given(url) : import(url);
}

/**
 * Ink reads `CI` and `CONTINUOUS_INTEGRATION` once, when it loads (the is-in-ci package), and
 * in CI mode it draws nothing until the app exits. The browser only opens when stdin and stdout
 * are both terminals, so someone is looking at it whatever those variables say: hide them while
 * Ink loads, and put them back for everything else (a resumed chat's tools, child processes).
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

async function withoutCiVariables<T>(load: () => Promise<T>): Promise<T> {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

/** The screen's module: the build's bundle, else app.js as tsc wrote it (Ink from node_modules). */
export async function loadBrowserApp(): Promise<App> {
  const bundle = new URL(`../vendor/${UI_BUNDLE_NAME}`, import.meta.url);
  const bundled = bundle.protocol === 'file:' && existsSync(fileURLToPath(bundle));
  // a URL, not a literal './app.js': the program's bundle must not take Ink in
  const url = bundled ? bundle.href : new URL('./app.js', import.meta.url).href;
  return (await withoutCiVariables(() => importEsm(url))) as App;
}
