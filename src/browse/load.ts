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

/** The screen's module: the build's bundle, else app.js as tsc wrote it (Ink from node_modules). */
export async function loadBrowserApp(): Promise<App> {
  const bundle = new URL(`../vendor/${UI_BUNDLE_NAME}`, import.meta.url);
  const bundled = bundle.protocol === 'file:' && existsSync(fileURLToPath(bundle));
  // a URL, not a literal './app.js': the program's bundle must not take Ink in
  return (await importEsm(
    bundled ? bundle.href : new URL('./app.js', import.meta.url).href,
  )) as App;
}
