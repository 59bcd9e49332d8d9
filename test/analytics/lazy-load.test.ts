import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  BIN,
  copyFixtures,
  duckdbTracePreload,
  makeHome,
  moduleTraceImport,
  ROOT,
  type TempHome,
} from '../helpers.js';

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

test('commands served by the index do not load the session schema (zod); reading files does', () => {
  const home = makeHome();
  try {
    copyFixtures(home.sessions);
    const trace = moduleTraceImport(home.home, '/node_modules/zod/', 'ZOD');
    const ask = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, ['--import', trace, BIN, 'sessions', ...args], {
        env: { ...home.env, GROK_NO_ANSWER_CACHE: '1', ...env },
        cwd: ROOT,
        encoding: 'utf8',
      });
    const indexed = { GROK_LIST_INDEX_THRESHOLD: '1' };
    for (const args of [['stats'], ['cost'], ['list', '--json']]) {
      const r = ask(args, indexed);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr, args.join(' ')).not.toMatch(/^ZOD /m);
    }
    // below the threshold, list reads the files themselves, with the schema
    const direct = ask(['list', '--json'], { GROK_LIST_INDEX_THRESHOLD: '100000' });
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stderr).toMatch(/^ZOD /m);
  } finally {
    home.cleanup();
  }
});
