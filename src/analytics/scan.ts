/**
 * The stat pass every analytics command starts with: the session files directly in a directory
 * (regular files matching the session pattern, symlinks never followed, as src/session/discover.ts)
 * with their sizes and mtimes, the lock files beside them, and a hash of it all.
 *
 * It runs on this thread while DuckDB opens the index on libuv's thread pool (openRefreshed), or
 * before a replayed answer, where there is nothing else to wait for. Synchronous calls on purpose:
 * for 10,000 files a loop of lstatSync takes ~70 ms where 10,000 concurrent fs/promises lstat
 * calls take ~280 ms; a helper thread took 30-50 ms to start here and was slower overall.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { basename, sep } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { SESSION_FILE_PATTERN } from '../session/paths.js';

export interface ScannedFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** What one stat pass of a sessions directory saw. */
export interface Scan {
  dir: string;
  /**
   * One line per session file, `name TAB size TAB mtimeMs` (session names hold neither tabs nor
   * newlines), sorted by name and joined by newlines: what the index is refreshed from.
   */
  manifest: string;
  /** A hash of the manifest: equal prints mean nothing changed. */
  print: string;
  /** How many session files there are. */
  count: number;
  /** The lock files (`.<session file>.lock`) in the directory, sorted. */
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

/** The entry of a file: what entryFile reads back. */
export function fileEntry(file: { path: string; size: number; mtimeMs: number }): string {
  return `${file.path}\t${file.size}\t${file.mtimeMs}`;
}

/** A directory's entries; a missing directory has none, other errors are thrown. */
function readNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Names read by sessionFileCount, for the stat pass that follows (reading 10,000 takes ~12 ms). */
let heldNames: { dir: string; names: string[] } | undefined;

function listing(dir: string): string[] {
  const held = heldNames;
  heldNames = undefined;
  return held?.dir === dir ? held.names : readNames(dir);
}

/**
 * How many session files `dir` holds, for list to choose between reading them and the index:
 * from the pass held for `dir` (the answer cache's) if there is one, else from the directory's
 * names, which the next stat pass of `dir` then uses instead of reading them again. A directory
 * that cannot be read counts none (the command that reads it says why).
 */
export function sessionFileCount(dir: string): number {
  if (held?.dir === dir) return held.count;
  let names: string[];
  try {
    names = readNames(dir);
  } catch {
    return 0;
  }
  heldNames = { dir, names };
  return names.filter((n) => SESSION_FILE_PATTERN.test(n)).length;
}

/** Lets go of names kept by sessionFileCount that no stat pass took. */
export function releaseNames(): void {
  heldNames = undefined;
}

/** The stat pass of `dir`. A missing directory holds no sessions; an unreadable one is an error. */
export function scanNow(dir: string): Scan {
  try {
    return statPass(dir);
  } catch (error) {
    throw new UserError(`cannot read sessions directory ${dir}: ${describeFsError(error)}`);
  }
}

/**
 * The working directory to come back to after a pass made from inside `dir`, or undefined when
 * the pass is made with full paths: in a worker (where process.chdir throws) or when the
 * working directory is gone.
 */
function stepInto(dir: string): string | undefined {
  let here: string;
  try {
    here = process.cwd();
  } catch {
    return undefined;
  }
  try {
    process.chdir(dir);
  } catch {
    return undefined;
  }
  return here;
}

function statPass(dir: string): Scan {
  const names = listing(dir);
  // Names only, and paths by concatenation: Dirent objects and path.join cost more than the
  // lstat calls themselves over thousands of files. Each lstat is made from inside the directory,
  // by name: the kernel then resolves one path component instead of the directory's whole path
  // (10,000 calls under a directory six levels deep: ~10 ms less in a process's first pass,
  // ~25 ms less in later ones). The pass is synchronous, so no JavaScript sees the other working
  // directory; what runs meanwhile on other threads (DuckDB opening the index) is given absolute
  // paths (src/session/paths.ts).
  const back = names.length > 0 ? stepInto(dir) : undefined;
  const prefix = back !== undefined ? '' : dir.endsWith(sep) ? dir : dir + sep;
  const lines: string[] = [];
  const locks: string[] = [];
  try {
    for (const name of names) {
      if (!SESSION_FILE_PATTERN.test(name)) {
        if (name.startsWith('.') && name.endsWith('.lock')) locks.push(name);
        continue;
      }
      const st = lstatSync(prefix + name, { throwIfNoEntry: false });
      if (st?.isFile()) lines.push(`${name}\t${st.size}\t${st.mtimeMs}`);
    }
  } finally {
    if (back !== undefined) process.chdir(back);
  }
  // Hashed in one call: ten thousand small hash updates cost several times as much.
  const manifest = lines.sort().join('\n');
  return {
    dir,
    manifest,
    print: createHash('sha256').update(manifest).digest('hex'),
    count: lines.length,
    locks: locks.sort(),
  };
}

/** A finished pass kept for the next scanFor() of its directory (the answer cache's). */
let held: Scan | undefined;

/**
 * The stat pass of `dir`: the one held, or a new one. With `hold`, the next scanFor(dir) gets
 * this same pass (the answer cache hands it to the refresh that computes the answer); otherwise
 * each pass serves one refresh.
 */
export function scanFor(dir: string, { hold = false } = {}): Scan {
  if (held?.dir === dir) {
    const scan = held;
    held = undefined;
    return scan;
  }
  const scan = scanNow(dir);
  if (hold) held = scan;
  return scan;
}

/** Lets go of a pass held by scanFor(dir, { hold: true }) if no one took it. */
export function releaseScan(scan: Scan): void {
  if (held === scan) held = undefined;
}
