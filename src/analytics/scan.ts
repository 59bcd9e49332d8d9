/**
 * The stat pass of a refresh (stat-pass.ts), and the files it found.
 *
 * A pass is done on this thread when nothing else is to be done meanwhile: the answer cache's,
 * before a replayed answer (a helper thread would not come sooner: starting one takes 50-80 ms
 * here). When DuckDB is to be loaded first (a refresh, or an answer likely to be computed), the
 * pass is begun on a helper thread, and taken back if the helper has not started it by the time
 * DuckDB is loaded. The answer cache holds its pass for the refresh that computes the answer.
 */
import { basename, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeFsError, UserError } from '../errors.js';
import { SESSION_FILE_PATTERN } from '../session/paths.js';
import { CLOSED, IDLE, type StatPass, statPass, TAKEN } from './stat-pass.js';

export interface ScannedFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** What one stat pass of a sessions directory saw (stat-pass.ts), and the directory. */
export interface Scan extends StatPass {
  dir: string;
}

/**
 * A manifest's lines, each led by the directory: `path TAB size TAB mtimeMs`, the form in which
 * a refresh compares what it finds with what the index holds.
 */
export function manifestEntries(dir: string, manifest: string): string[] {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  return manifest === '' ? [] : manifest.split('\n').map((line) => prefix + line);
}

/** The file an entry (manifestEntries) describes. */
export function entryFile(entry: string): ScannedFile {
  const [path = '', size, mtimeMs] = entry.split('\t');
  return { name: basename(path), path, size: Number(size), mtimeMs: Number(mtimeMs) };
}

/** The entry of a file: what entryFile reads back. */
export function fileEntry(file: { path: string; size: number; mtimeMs: number }): string {
  return `${file.path}\t${file.size}\t${file.mtimeMs}`;
}

function unreadable(dir: string, code: string | undefined): UserError {
  const error = Object.assign(new Error(code), { code });
  return new UserError(`cannot read sessions directory ${dir}: ${describeFsError(error)}`);
}

/** The stat pass on this thread alone. */
export function scanNow(dir: string): Scan {
  try {
    return { dir, ...statPass(dir, SESSION_FILE_PATTERN) };
  } catch (error) {
    throw unreadable(dir, (error as NodeJS.ErrnoException).code);
  }
}

type HelperAnswer = StatPass | { code: string };

/** A pass begun on a helper thread, and the helper's answer (none when it did not do the pass). */
interface Pass {
  dir: string;
  /** Who does the pass (stat-pass.ts): IDLE, TAKEN by the helper, or CLOSED to it. */
  claim: Int32Array;
  helper: Promise<HelperAnswer | undefined>;
  /** Keeps the process alive for the helper's answer (it is unref'd until then). */
  keepAlive: () => void;
}

function beginPass(dir: string): Pass {
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const url = new URL('./scan-worker.cjs', import.meta.url);
  // No helper when there is no compiled worker (tests running the TypeScript sources).
  if (url.protocol !== 'file:' || !import.meta.url.endsWith('.js')) {
    return { dir, claim, helper: Promise.resolve(undefined), keepAlive: () => {} };
  }
  const worker = new Worker(fileURLToPath(url), {
    workerData: { dir, pattern: SESSION_FILE_PATTERN.source, claim: claim.buffer },
  });
  // A helper that is not doing the pass must not hold the process open.
  worker.unref();
  const helper = new Promise<HelperAnswer | undefined>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { dir, claim, helper, keepAlive: () => worker.ref() };
}

/** Takes a pass back from a helper that has not started it; true when it is this thread's. */
function closePass(pass: Pass): boolean {
  return Atomics.compareExchange(pass.claim, 0, IDLE, CLOSED) !== TAKEN;
}

/** The helper's pass when it has started it, else this thread's. */
async function finishPass(pass: Pass): Promise<Scan> {
  const { dir } = pass;
  if (closePass(pass)) return scanNow(dir);
  pass.keepAlive();
  const answer = await pass.helper;
  if (answer && 'code' in answer) throw unreadable(dir, answer.code);
  // A helper that died without an answer: the pass is done here.
  return answer ? { dir, ...answer } : scanNow(dir);
}

/** The pass begun ahead of its use, for the next scanFor() of its directory. */
let ahead: Pass | undefined;
/** A finished pass kept for the next scanFor() of its directory (the answer cache's). */
let held: Scan | undefined;

/**
 * Begins the stat pass of `dir` on a helper thread, to be finished by scanFor(dir): the helper
 * stats files while this thread loads DuckDB. Nothing when a pass of `dir` is begun or held.
 */
export function startScan(dir: string): void {
  if (ahead?.dir === dir || held?.dir === dir) return;
  if (ahead) closePass(ahead);
  ahead = beginPass(dir);
}

/**
 * The stat pass of `dir`: the one held, the one begun by startScan and finished here, or a new one
 * on this thread alone. With `hold`, the next scanFor(dir) gets this same pass (the answer cache
 * hands it to the refresh that computes the answer); otherwise each pass serves one refresh.
 */
export async function scanFor(dir: string, { hold = false } = {}): Promise<Scan> {
  if (held?.dir === dir) {
    const scan = held;
    held = undefined;
    return scan;
  }
  const pass = ahead;
  ahead = undefined;
  let scan: Scan;
  if (pass?.dir === dir) scan = await finishPass(pass);
  else {
    if (pass) closePass(pass);
    scan = scanNow(dir);
  }
  if (hold) held = scan;
  return scan;
}

/** Lets go of a pass held by scanFor(dir, { hold: true }) if no one took it. */
export function releaseScan(scan: Scan): void {
  if (held === scan) held = undefined;
}
