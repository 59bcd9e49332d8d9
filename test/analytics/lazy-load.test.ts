import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BIN, duckdbTracePreload, makeHome, ROOT, type TempHome } from '../helpers.js';

let h: TempHome;
let preload: string;
beforeAll(() => {
  h = makeHome();
  preload = duckdbTracePreload(h.home);
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
  expect(stats.stderr).toMatch(/LOADED .*@duckdb\//);
});
