/**
 * The bin runs the program from the bundle the build made (src/build/grok-bundle.ts), with a code
 * cache this Node accepts; without the bundle it runs the modules tsc wrote, with the same answers.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { codeCacheFile } from '../../src/code-cache.js';
import { BIN, copyFixtures, makeHome, moduleTraceImport, ROOT, type TempHome } from '../helpers.js';

const BUNDLE = join(ROOT, 'dist', 'bundle', 'grok.cjs');

let h: TempHome;
beforeEach(() => {
  h = makeHome();
  copyFixtures(h.sessions);
});
afterEach(() => h.cleanup());

const grok = (bin: string, args: string[], node: string[] = []) =>
  spawnSync(process.execPath, [...node, bin, ...args], {
    env: { ...h.env, GROK_NO_ANSWER_CACHE: '1' },
    cwd: ROOT,
    encoding: 'utf8',
  });

test('the code cache the build made is accepted by this Node', () => {
  const wrapped = (Module as unknown as { wrap(code: string): string }).wrap(
    readFileSync(BUNDLE, 'utf8'),
  );
  const script = new Script(wrapped, {
    filename: BUNDLE,
    cachedData: readFileSync(codeCacheFile(BUNDLE)),
  });
  expect(script.cachedDataRejected).toBe(false);
  // and a cache made for other code is rejected, not run
  const other = new Script(`${wrapped};`, {
    filename: BUNDLE,
    cachedData: readFileSync(codeCacheFile(BUNDLE)),
  });
  expect(other.cachedDataRejected).toBe(true);
  expect(createRequire(BUNDLE).resolve('cac')).toContain(join('node_modules', 'cac'));
});

test('the bin runs the bundle: none of the modules tsc wrote is loaded', () => {
  const trace = moduleTraceImport(h.home, `${join(ROOT, 'dist')}/`, 'MODULE');
  const bundled = grok(BIN, ['sessions', 'stats', '--json'], ['--import', trace]);
  expect(bundled.status, bundled.stderr).toBe(0);
  // the parse worker is its own ES module; this small a directory is parsed without it
  const loaded = bundled.stderr.split('\n').filter((l) => l.startsWith('MODULE '));
  // the bin (CommonJS, with the code-cache runner in it) and nothing else of dist/ as a module
  expect(new Set(loaded.map((l) => l.replace(/^MODULE (file:\/\/)?/, '')))).toEqual(new Set([BIN]));
  expect(BIN.endsWith('.cjs')).toBe(true);
  expect(JSON.parse(bundled.stdout).sessions).toBeGreaterThan(0);
});

test('dist/index.js, the bin of earlier versions, still runs grok', () => {
  for (const args of [['--version'], ['sessions', 'stats', '--json']]) {
    const old = grok(join(ROOT, 'dist', 'index.js'), args);
    expect(old.status, old.stderr).toBe(0);
    expect(old.stdout, args.join(' ')).toBe(grok(BIN, args).stdout);
  }
});

test('without the bundle the modules run as they are, with the same answers', () => {
  // A copy of the package without dist/bundle: the bin falls back to dist/main.js.
  const pkg = join(h.home, 'pkg');
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), {
    recursive: true,
    filter: (src) => !src.startsWith(join(ROOT, 'dist', 'bundle')),
  });
  for (const name of ['node_modules', 'queries', 'package.json']) {
    symlinkSync(join(ROOT, name), join(pkg, name));
  }
  for (const args of [['--version'], ['sessions', 'stats', '--json'], ['sessions', 'list']]) {
    const modules = grok(join(pkg, 'dist', 'grok.cjs'), args);
    const bundled = grok(BIN, args);
    expect(modules.status, modules.stderr).toBe(0);
    expect(modules.stdout, args.join(' ')).toBe(bundled.stdout);
    expect(modules.stdout.length).toBeGreaterThan(0);
  }
});
