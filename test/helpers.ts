/** Shared test helpers: temp GROK_HOME per test, the built CLI spawned for real, fixture copies. */
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect } from 'vitest';
import { rng } from '../bench/generate.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'dist', 'grok.cjs');
export const FIXTURES = join(ROOT, 'fixtures');

export interface TempHome {
  home: string;
  sessions: string;
  env: NodeJS.ProcessEnv;
  cleanup: () => void;
}

/** A fresh GROK_HOME (with an empty sessions dir unless `withSessions` is false). */
export function makeHome(opts: { withSessions?: boolean } = {}): TempHome {
  const home = mkdtempSync(join(tmpdir(), 'grok-test-'));
  const sessions = join(home, 'sessions');
  if (opts.withSessions !== false) mkdirSync(sessions, { mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GROK_HOME: home,
    GROK_SESSIONS_DIR: '',
    HOME: home,
    NO_COLOR: '1',
    TZ: 'UTC',
    COLUMNS: '160',
    GROK_API_KEY: '',
    XAI_API_KEY: '',
  };
  return { home, sessions, env, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export interface HomeSetup {
  /** GROK_HOME set in this process too (GROK_SESSIONS_DIR unset), for code a test calls directly. */
  inProcess?: boolean;
  /** The home private (0700), as grok makes it: doctor and harden have nothing to say of it. */
  private?: boolean;
  /** Fixture sets (`sessions`, `broken`, `sessions-extra`) copied into the sessions directory. */
  fixtures?: readonly string[];
}

/**
 * A fresh home for each test of the file (or `describe` block) this is called in: made before
 * each test, removed after it. The object returned reads the home of the test running.
 */
export function homeForEachTest(setup: HomeSetup = {}): TempHome {
  let current: TempHome | undefined;
  let before: { home: string | undefined; dir: string | undefined } | undefined;
  beforeEach(() => {
    current = makeHome();
    if (setup.private) chmodSync(current.home, 0o700);
    for (const set of setup.fixtures ?? []) copyFixtures(current.sessions, set);
    if (setup.inProcess) {
      before = { home: process.env.GROK_HOME, dir: process.env.GROK_SESSIONS_DIR };
      process.env.GROK_HOME = current.home;
      delete process.env.GROK_SESSIONS_DIR;
    }
  });
  afterEach(() => {
    if (before) {
      restoreEnv('GROK_HOME', before.home);
      restoreEnv('GROK_SESSIONS_DIR', before.dir);
      before = undefined;
    }
    current?.cleanup();
    current = undefined;
  });
  const now = (): TempHome => {
    if (!current) throw new Error('the home exists only while a test runs');
    return current;
  };
  return {
    get home() {
      return now().home;
    },
    get sessions() {
      return now().sessions;
    },
    get env() {
      return now().env;
    },
    cleanup: () => now().cleanup(),
  };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/**
 * `grok sessions <args>` in a home, and `json(...args)`: the same with --json, which must exit 0,
 * its stdout parsed.
 */
export function sessionsCommand(h: TempHome) {
  const grok = (...args: string[]) => runGrok(['sessions', ...args], h.env);
  const json = (...args: string[]) => {
    const r = grok(...args, '--json');
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  return { grok, json };
}

/** Rows of the index of `home`, read directly (DuckDB is loaded only when this is called). */
export async function indexRows(home: string, sql: string): Promise<Record<string, unknown>[]> {
  const { openIndex } = await import('../src/analytics/index-db.js');
  const handle = await openIndex(home);
  try {
    return (await handle.conn.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    handle.close();
  }
}

/** A small seeded generator (mulberry32, the benchmark's): the same numbers on every run. */
export const random: (seed: number) => () => number = rng;

/** Copies a fixture set (`sessions`, `broken`, `sessions-extra`) into `dest`. */
export function copyFixtures(dest: string, set = 'sessions'): void {
  mkdirSync(dest, { recursive: true });
  cpSync(join(FIXTURES, set), dest, { recursive: true });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runGrok(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: { input?: string; cwd?: string } = {},
): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    env,
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, asynchronously (for tests that run a server in this process). */
export function runGrokAsync(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: { input?: string; cwd?: string } = {},
): Promise<RunResult> {
  return runAsync(process.execPath, [BIN, ...args], {
    env,
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
  });
}

/** Runs a program to its end, `input` on its stdin: its exit code and what it printed. */
export function runAsync(
  cmd: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string | undefined; input?: string | undefined },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a shell pipeline (the seed's recipes) and returns stdout. */
export function sh(script: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync('bash', ['-c', script], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`shell failed (${r.status}): ${script}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Writes a --require preload into `dir` that prints `marker` and the request on stderr whenever
 * the process loads a module from @duckdb: how a test tells whether a command loaded DuckDB.
 */
export function duckdbTracePreload(dir: string, marker = 'LOADED'): string {
  const path = join(dir, 'trace-duckdb.cjs');
  writeFileSync(
    path,
    `const M = require('node:module');
     const load = M._load;
     M._load = function (request, ...rest) {
       if (String(request).includes('@duckdb')) process.stderr.write(${JSON.stringify(marker)} + ' ' + request + '\\n');
       return load.call(this, request, ...rest);
     };`,
  );
  return path;
}

/**
 * Writes a --require preload into `dir` that prints `marker` on stderr whenever the process opens
 * a DuckDB database: how a test tells a computed answer from a replayed one (DuckDB's code may
 * be loaded either way, while the question is looked up).
 */
export function duckdbOpenTracePreload(dir: string, marker = 'OPENED'): string {
  const path = join(dir, 'trace-duckdb-open.cjs');
  writeFileSync(
    path,
    `const M = require('node:module');
     const load = M._load;
     let traced;
     M._load = function (request, ...rest) {
       const loaded = load.call(this, request, ...rest);
       if (request !== '@duckdb/node-bindings') return loaded;
       // The bindings' functions are read-only: hand out an object that inherits them.
       traced ??= Object.create(loaded, {
         open: {
           value: (...args) => {
             process.stderr.write(${JSON.stringify(marker)} + ' ' + String(args[0]) + '\\n');
             return loaded.open(...args);
           },
         },
       });
       return traced;
     };`,
  );
  return path;
}

/**
 * Writes an --import module into `dir` that prints `marker` and the file on stderr whenever the
 * process loads a module whose URL or path contains `fragment`, whether imported (module hooks,
 * as ES imports do not pass through require) or required (the bundle of src/build/grok-bundle.ts
 * requires packages): how a test tells whether a command loaded, say, zod.
 */
export function moduleTraceImport(dir: string, fragment: string, marker = 'LOADED'): string {
  const hooks = join(dir, 'trace-esm-hooks.mjs');
  writeFileSync(
    hooks,
    `export async function load(url, context, next) {
       if (url.includes(${JSON.stringify(fragment)})) process._rawDebug(${JSON.stringify(marker)} + ' ' + url);
       return next(url, context);
     }`,
  );
  const path = join(dir, 'trace-modules.mjs');
  writeFileSync(
    path,
    `import M, { register } from 'node:module';
     register(${JSON.stringify(pathToFileURL(hooks).href)});
     const resolve = M._resolveFilename;
     M._resolveFilename = function (...args) {
       const file = resolve.apply(this, args);
       if (String(file).includes(${JSON.stringify(fragment)})) process._rawDebug(${JSON.stringify(marker)} + ' ' + file);
       return file;
     };`,
  );
  return path;
}
