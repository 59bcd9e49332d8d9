import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BIN, makeHome, ROOT, type TempHome } from '../helpers.js';

let h: TempHome;
let preload: string;
beforeAll(() => {
  h = makeHome();
  // Reports every module the process loads from @duckdb, whatever the loader path.
  preload = join(h.home, 'trace-duckdb.cjs');
  writeFileSync(
    preload,
    `const M = require('node:module');
     const load = M._load;
     M._load = function (request, ...rest) {
       if (String(request).includes('@duckdb')) process.stderr.write('LOADED ' + request + '\\n');
       return load.call(this, request, ...rest);
     };`,
  );
});
afterAll(() => h.cleanup());

const run = (args: string[]) =>
  spawnSync(process.execPath, ['--require', preload, BIN, ...args], {
    env: h.env,
    cwd: ROOT,
    encoding: 'utf8',
  });

test('grok --version does not load DuckDB; an analytics command does', () => {
  const version = run(['--version']);
  expect(version.status).toBe(0);
  expect(version.stderr).not.toMatch(/LOADED/);
  const list = run(['sessions', 'list']);
  expect(list.stderr).not.toMatch(/LOADED/);
  const stats = run(['sessions', 'stats']);
  expect(stats.status).toBe(0);
  expect(stats.stderr).toMatch(/LOADED .*@duckdb\/node-api/);
});
