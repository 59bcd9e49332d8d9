/**
 * The stat pass of a refresh (stat-pass.ts), and the files it found. It runs on a worker thread,
 * started as early as the command knows its directory: loading DuckDB (a synchronous require of
 * a native module) and stat-ing thousands of files then overlap on two cores. The answer cache
 * and the refresh after it share one pass.
 */
import { basename, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeFsError, UserError } from '../errors.js';
import { SESSION_FILE_PATTERN } from '../session/paths.js';
import { type StatPass, statPass } from './stat-pass.js';

export interface ScannedFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** What one stat pass of a sessions directory saw. */
export interface Scan {
  dir: string;
  /** A hash of the manifest: equal prints mean nothing changed. */
  print: string;
  /** Each session file's `name TAB size TAB mtimeMs`, sorted, one per line (stat-pass.ts). */
  manifest: string;
  /** How many session files there are. */
  count: number;
  /** Lock file names in the directory, sorted. */
  locks: string[];
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

function unreadable(dir: string, code: string | undefined): UserError {
  const error = Object.assign(new Error(code), { code });
  return new UserError(`cannot read sessions directory ${dir}: ${describeFsError(error)}`);
}

/** The stat pass on this thread. */
export function scanNow(dir: string): Scan {
  try {
    return { dir, ...statPass(dir, SESSION_FILE_PATTERN) };
  } catch (error) {
    throw unreadable(dir, (error as NodeJS.ErrnoException).code);
  }
}

function scanOnWorker(dir: string): Promise<Scan> {
  const url = new URL('./scan-worker.cjs', import.meta.url);
  // Inline when there is no compiled worker (tests running the TypeScript sources).
  if (url.protocol !== 'file:' || !import.meta.url.endsWith('.js')) {
    return new Promise((resolve) => resolve(scanNow(dir)));
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(url), {
      workerData: { dir, pattern: SESSION_FILE_PATTERN.source },
    });
    worker.once('message', (m: StatPass | { code: string }) => {
      if ('code' in m) reject(unreadable(dir, m.code));
      else resolve({ dir, ...m });
    });
    worker.once('error', reject);
  });
}

/** The pass started ahead of its use, taken by the next scanFor() of the same directory. */
let ahead: { dir: string; scan: Promise<Scan> } | undefined;

function begin(dir: string): Promise<Scan> {
  const scan = scanOnWorker(dir);
  // Handled where it is awaited; this keeps an early rejection from being "unhandled".
  scan.catch(() => {});
  return scan;
}

/** Starts the stat pass of `dir` now; the next scanFor(dir) takes this pass instead of its own. */
export function startScan(dir: string): Promise<Scan> {
  ahead = { dir, scan: begin(dir) };
  return ahead.scan;
}

/** The pass startScan(dir) began, or a new one: each pass serves one refresh. */
export function scanFor(dir: string): Promise<Scan> {
  const scan = ahead?.dir === dir ? ahead.scan : begin(dir);
  ahead = undefined;
  return scan;
}
