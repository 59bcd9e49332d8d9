/**
 * The stat pass by find(1) (scan.ts: findScan reads what it prints), in a process of its own, and
 * the pass a `stats` or `cost` sets going before anything else (findEarly), by the bin, while
 * grok's own modules load: the pass is then done, or nearly, by the time the command asks for it
 * (10,000 files: find takes 30-50 ms, the modules as long). Node's built-in modules and the
 * session paths only: the bin loads this before anything else.
 */
import { closeSync, fstatSync, opendirSync, openSync, readSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_FILE_PATTERN, sessionsDir } from '../session/paths.js';

/** find set going over a directory: what it printed, once it is done. */
export interface FindPass {
  dir: string;
  out: Promise<string | undefined>;
  /** Keeps this process running until find is done (a pass set going early does not). */
  hold(): void;
}

/**
 * From how many entries in the directory find makes the pass: below it, the pass by lstat is
 * made sooner (50 files: ~0.5 ms, where starting find costs this thread ~8 ms).
 */
export const FIND_FROM = 300;

/** Whether find makes the pass of `dir` (a directory that cannot be read counts none). */
export function findFits(dir: string): boolean {
  return process.platform === 'linux' && (countUpTo(dir, FIND_FROM, () => true) ?? 0) >= FIND_FROM;
}

/** The commands whose first step is a stat pass of the sessions directory. */
const EARLY_COMMANDS = new Set(['stats', 'cost']);

/** Where a pass set going by the bin waits for the command (the bundle holds its own modules). */
const EARLY = Symbol.for('grok.earlyFind');

type Slot = Record<symbol, FindPass | undefined>;

/**
 * Sets find going over the sessions directory when `argv` is `grok sessions stats` or `cost`
 * (the directory as --sessions-dir, GROK_SESSIONS_DIR or GROK_HOME name it), for the command's
 * pass to take (takeEarlyFind). A pass not taken (another directory, a command that fails first)
 * is left to finish on its own: this process does not wait for it.
 */
export function findEarly(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  try {
    if (argv[2] !== 'sessions' || !EARLY_COMMANDS.has(argv[3] ?? '')) return;
    if (argv.includes('--help') || argv.includes('-h')) return;
    let named: string | undefined;
    argv.forEach((arg, i) => {
      if (arg === '--sessions-dir') named = argv[i + 1];
      else if (arg.startsWith('--sessions-dir=')) named = arg.slice('--sessions-dir='.length);
    });
    const dir = sessionsDir({ sessionsDir: named }, env);
    if (!findFits(dir)) return;
    (globalThis as Slot)[EARLY] = runFind(dir, { held: false });
  } catch {
    // the command makes its pass as it would have
  }
}

/** The pass findEarly set going over `dir`, if there is one not taken yet. */
export function takeEarlyFind(dir: string): FindPass | undefined {
  const slot = globalThis as Slot;
  const pass = slot[EARLY];
  if (pass?.dir !== dir) return undefined;
  slot[EARLY] = undefined;
  pass.hold();
  return pass;
}

/** Sets find going over `dir`. */
export function startFind(dir: string): FindPass {
  return runFind(dir);
}

/**
 * How many entries of `dir` that `counts` accepts, reading only until there are `n` of them
 * (opendir: 300 entries take ~1.5 ms); undefined when the directory cannot be read.
 */
export function countUpTo(
  dir: string,
  n: number,
  counts: (name: string) => boolean,
): number | undefined {
  let count = 0;
  try {
    const entries = opendirSync(dir, { bufferSize: 128 });
    try {
      while (count < n) {
        const entry = entries.readSync();
        if (entry === null) break;
        if (counts(entry.name)) count++;
      }
    } finally {
      entries.closeSync();
    }
  } catch {
    return undefined;
  }
  return count;
}

/** SESSION_FILE_PATTERN without its anchors, its groups not captured: to be embedded. */
export const SESSION_NAME = SESSION_FILE_PATTERN.source.slice(1, -1).replaceAll('(\\d', '(?:\\d');

/**
 * find's arguments, run from inside the sessions directory: its entries (not itself, nothing
 * below), lock files by name, and regular files named as sessions (-type f tests the entry
 * itself: a symlink is never followed) with their size and mtime (`seconds.nanoseconds`), each
 * record ended by a NUL, which no file name holds. Names are tested first: where the directory
 * does not give entry types, -type stats the entry, and a temporary file gone meanwhile would
 * fail the pass. Session names are SESSION_NAME, as a POSIX extended regular expression over
 * find's paths (`./name`).
 */
const FIND_ARGS = [
  '.',
  '-mindepth',
  '1',
  '-maxdepth',
  '1',
  '-regextype',
  'posix-extended',
  '(',
  '-name',
  '.*',
  '-name',
  '*.lock',
  '-printf',
  '%f\\0',
  ')',
  '-o',
  '(',
  '-regex',
  `\\./${SESSION_NAME.replaceAll('\\d', '[0-9]').replaceAll('(?:', '(')}`,
  '-type',
  'f',
  '-printf',
  '%f\\t%s\\t%T@\\0',
  ')',
];

/**
 * What find printed, or undefined: it could not be run, or it failed (a file gone meanwhile).
 *
 * find writes to a file, not a pipe: its 600 KB for 10,000 files fill a pipe's 64 KB while this
 * thread is busy loading DuckDB, and find then waits for it, ~50 ms. The file is removed as soon
 * as find has it open; what find wrote is read back through this process's own descriptor.
 */
function runFind(dir: string, { held = true } = {}): FindPass {
  let child: import('node:child_process').ChildProcess | undefined;
  const out = new Promise<string | undefined>((resolve) => {
    let fd: number;
    try {
      const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
      const path = join(tmpdir(), `grok-scan-${tag}`);
      fd = openSync(path, 'wx+', 0o600);
      rmSync(path, { force: true });
    } catch {
      resolve(undefined);
      return;
    }
    let done = false;
    const finish = (code: number | null | undefined) => {
      if (done) return;
      done = true;
      try {
        if (code !== 0) return resolve(undefined);
        const out = Buffer.allocUnsafe(fstatSync(fd).size);
        // from the start: find moved the offset this descriptor shares with its output
        readSync(fd, out, 0, out.length, 0);
        resolve(out.toString('utf8'));
      } catch {
        resolve(undefined);
      } finally {
        closeSync(fd);
      }
    };
    try {
      // loaded here: only a pass by find needs it (~5 ms)
      const { spawn } = createRequire(import.meta.url)(
        'node:child_process',
      ) as typeof import('node:child_process');
      child = spawn('find', FIND_ARGS, {
        cwd: dir,
        stdio: ['ignore', fd, 'ignore'],
        // the decimal point of %T@ whatever the user's locale
        env: { ...process.env, LC_ALL: 'C' },
      });
      child.once('error', () => finish(undefined));
      child.once('close', (code) => finish(code));
      if (!held) child.unref();
    } catch {
      finish(undefined);
    }
  });
  return { dir, out, hold: () => child?.ref() };
}
