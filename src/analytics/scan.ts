/**
 * The stat pass every analytics command starts with: the session files directly in a directory
 * (regular files matching the session pattern, symlinks never followed, as src/session/discover.ts)
 * with their sizes and mtimes, the lock files beside them, and a hash of it all.
 *
 * On Linux, over a directory of FIND_FROM entries or more, GNU find(1) makes the pass in a process
 * of its own, set going before DuckDB is loaded (startScan): loading DuckDB's library takes this
 * thread 30-50 ms that the pass then no longer waits for, and what is left here is checking and
 * hashing find's output. Otherwise, or when find fails or prints what it should not (a file
 * removed during its pass, another find), the pass is made here with synchronous lstat calls
 * while DuckDB opens the index on libuv's thread pool: for 10,000 files a loop of lstatSync takes
 * ~70 ms where 10,000 concurrent fs/promises lstat calls take ~280 ms; a helper thread took
 * 30-50 ms to start here and was slower overall.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  opendirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { SESSION_FILE_PATTERN } from '../session/paths.js';
import { indexPath } from './index-db.js';

export interface ScannedFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** How a pass was made: by find(1) in a process of its own, or by lstat calls on this thread. */
export type ScanMethod = 'find' | 'lstat';

/** What one stat pass of a sessions directory saw. */
export interface Scan {
  dir: string;
  /**
   * One line per session file, `name TAB size TAB mtimeMs` (session names hold neither tabs nor
   * newlines), joined by newlines: what the index is refreshed from. The same lines whichever
   * way the pass was made, in the order it met them: by name from lstat (Node's readdir sorts
   * names), in the directory's own order from find, which is the same from one pass to the next
   * while the directory is unchanged (sorting 10,000 lines took longer, ~15 ms, than hashing
   * them). A refresh compares lines as a set (refresh.ts), so another order costs a comparison,
   * never a file read again. A find pass writes its lines on first use: a refresh that finds the
   * print unchanged never needs them.
   */
  readonly manifest: string;
  /**
   * A hash of what the pass saw: equal prints mean nothing changed. Each method hashes its own
   * form of the facts (find: its whole output, lock names included), so a pass made the other way
   * (rare: find failed) differs in print alone, and the refresh that compares their manifests
   * reads no file again.
   */
  print: string;
  /** How many session files there are. */
  count: number;
  /** The lock files (`.<session file>.lock`) in the directory, sorted. */
  locks: string[];
  by: ScanMethod;
}

/** What leads each entry of a file in `dir`: the directory and its separator. */
export function dirPrefix(dir: string): string {
  return dir.endsWith(sep) ? dir : dir + sep;
}

/** A manifest's lines, `name TAB size TAB mtimeMs`. */
export function manifestLines(manifest: string): string[] {
  return manifest === '' ? [] : manifest.split('\n');
}

/**
 * A manifest's lines, each led by the directory: `path TAB size TAB mtimeMs`, the form in which
 * the files table's rows are compared with what a pass found.
 */
export function manifestEntries(dir: string, manifest: string): string[] {
  const prefix = dirPrefix(dir);
  return manifestLines(manifest).map((line) => prefix + line);
}

/** The file an entry (manifestEntries) describes. */
export function entryFile(entry: string): ScannedFile {
  const [path = '', size, mtimeMs] = entry.split('\t');
  return { name: basename(path), path, size: Number(size), mtimeMs: Number(mtimeMs) };
}

/**
 * Every file of a manifest, sorted by name: what a first build reads, the same files
 * manifestEntries and entryFile give, sorted by path. Made from the manifest itself, with no
 * entry per file: each name a view into the manifest, each path the directory joined to it,
 * where entries and their fields cost a first build of 100,000 files some 25 MB of the main
 * thread's heap, held while it ran.
 */
export function manifestFiles(dir: string, manifest: string): ScannedFile[] {
  const prefix = dirPrefix(dir);
  const files: ScannedFile[] = [];
  for (let at = 0; at < manifest.length; ) {
    const newline = manifest.indexOf('\n', at);
    const end = newline === -1 ? manifest.length : newline;
    const sizeAt = manifest.indexOf('\t', at) + 1;
    const mtimeAt = manifest.indexOf('\t', sizeAt) + 1;
    const name = manifest.slice(at, sizeAt - 1);
    files.push({
      name,
      path: prefix + name,
      size: Number(manifest.slice(sizeAt, mtimeAt - 1)),
      mtimeMs: Number(manifest.slice(mtimeAt, end)),
    });
    at = end + 1;
  }
  // the paths share their directory: ordered by name, without making each path whole
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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

/**
 * Whether `dir` holds `atLeast` session files or more, for list to choose between reading them
 * and the index: from the pass held for `dir` (the answer cache's) if there is one, else from its
 * names, read only until that many are counted (~2 ms for 300 where all 10,000 take ~12 ms). A
 * directory that cannot be read holds none (the command that reads it says why).
 */
/** No index on disk and no session file to make one from: a reading command then writes nothing. */
export function nothingToIndex(home: string, dir: string): boolean {
  return !existsSync(indexPath(home)) && !holdsSessionFiles(dir, 1);
}

export function holdsSessionFiles(dir: string, atLeast: number): boolean {
  if (held?.dir === dir && held.scan) return held.scan.count >= atLeast;
  const count = countUpTo(dir, atLeast, (name) => SESSION_FILE_PATTERN.test(name));
  return (count ?? 0) >= atLeast;
}

/**
 * How many entries of `dir` that `counts` accepts, reading only until there are `n` of them
 * (opendir: 300 entries take ~1.5 ms); undefined when the directory cannot be read.
 */
function countUpTo(dir: string, n: number, counts: (name: string) => boolean): number | undefined {
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

/**
 * Sets the stat pass of `dir` going now, for the next startScan() of `dir` to take, unless one
 * is held for it already: list does, once it knows the index will serve it, before loading
 * the index's modules.
 */
export function prepareScan(dir: string): void {
  if (held?.dir !== dir) held = { dir, finish: setGoing(dir) };
}

/**
 * The stat pass of `dir` made here and now, by lstat. A missing directory holds no sessions; an
 * unreadable one is an error.
 */
export function scanNow(dir: string): Scan {
  try {
    return statPass(dir, readNames(dir));
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

function statPass(dir: string, names: string[]): Scan {
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
        if (isLockName(name)) locks.push(name);
        continue;
      }
      const st = lstatSync(prefix + name, { throwIfNoEntry: false });
      if (st?.isFile()) lines.push(`${name}\t${st.size}\t${st.mtimeMs}`);
    }
  } finally {
    if (back !== undefined) process.chdir(back);
  }
  // Hashed in one call: ten thousand small hash updates cost several times as much.
  const manifest = lines.join('\n');
  return {
    dir,
    manifest,
    print: createHash('sha256').update(manifest).digest('hex'),
    count: lines.length,
    locks: locks.sort(),
    by: 'lstat',
  };
}

function isLockName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.lock');
}

/** SESSION_FILE_PATTERN without its anchors, its groups not captured: to be embedded. */
const SESSION_NAME = SESSION_FILE_PATTERN.source.slice(1, -1).replaceAll('(\\d', '(?:\\d');

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
function runFind(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let fd: number;
    try {
      const path = join(tmpdir(), `grok-scan-${process.pid}-${randomBytes(6).toString('hex')}`);
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
      const child = spawn('find', FIND_ARGS, {
        cwd: dir,
        stdio: ['ignore', fd, 'ignore'],
        // the decimal point of %T@ whatever the user's locale
        env: { ...process.env, LC_ALL: 'C' },
      });
      child.once('error', () => finish(undefined));
      child.once('close', (code) => finish(code));
    } catch {
      finish(undefined);
    }
  });
}

/**
 * One record of what FIND_ARGS print: a lock name, or a session name with TAB size TAB
 * seconds.nanoseconds; each ends in a 0. Sticky: matches are taken one after another.
 */
const FIND_RECORD = new RegExp(
  `(?:\\.(?:[^\\0/]*\\.)?lock|${SESSION_NAME}\\t\\d+\\t\\d+\\.\\d{9}\\d*)\\0`,
  'gy',
);

/**
 * Whether `out` is FIND_RECORDs from end to end: removing them one after another leaves nothing.
 * (One pattern repeated over the whole output backtracks on a stack that overflows past some
 * 300,000 records; this takes ~2 ms for 10,000.)
 */
function onlyRecords(out: string): boolean {
  return out.replace(FIND_RECORD, '') === '';
}

/**
 * The pass find printed (FIND_ARGS) over `dir`, or undefined when `out` is not what those
 * arguments print: the caller then makes the pass by lstat.
 *
 * The output is checked and hashed whole (onlyRecords, one hash): 6-8 ms for 10,000 files in a
 * fresh process, where a loop over the records took 12-17 ms. The print then covers the lock
 * names as well: one coming or going changes it, and the refresh that compares the manifests
 * reads no file again. The manifest is made only when a refresh needs it.
 */
export function findScan(dir: string, out: string): Scan | undefined {
  if (!onlyRecords(out)) return undefined;
  const locks = lockRecords(out);
  let manifest: string | undefined;
  // find's output, let go once the manifest is made from it (100,000 files: 6 MB)
  let printed: string | undefined = out;
  return {
    dir,
    // The lines an lstat pass writes.
    get manifest() {
      manifest ??= (printed ?? '')
        .split('\0')
        .filter((r) => r.startsWith('session-'))
        .map(manifestLine)
        .join('\n');
      printed = undefined;
      return manifest;
    },
    print: createHash('sha256').update('find\n').update(out).digest('hex'),
    count: countRecords(out) - locks.length,
    locks: locks.sort(),
    by: 'find',
  };
}

/** How many records find printed: each ends in a 0. */
function countRecords(out: string): number {
  let n = 0;
  for (let at = out.indexOf('\0'); at >= 0; at = out.indexOf('\0', at + 1)) n++;
  return n;
}

/** The lock names among find's records: those that start with a dot. */
function lockRecords(out: string): string[] {
  return Array.from(out.matchAll(/(?:^|\0)(\.[^\0]*)/g), (m) => m[1] ?? '');
}

/**
 * A find record as the manifest line of an lstat pass: the mtime in milliseconds by Node's own
 * arithmetic for Stats.mtimeMs (seconds × 1000 + nanoseconds / 1e6), so both give one number.
 */
function manifestLine(record: string): string {
  const t = record.lastIndexOf('\t');
  const dot = record.indexOf('.', t);
  const seconds = Number(record.slice(t + 1, dot));
  const nanoseconds = Number(record.slice(dot + 1, dot + 10));
  return `${record.slice(0, t + 1)}${seconds * 1000 + nanoseconds / 1e6}`;
}

/** A pass set going or made, kept for the next startScan() of its directory. */
let held: { dir: string; finish: () => Promise<Scan>; scan?: Scan } | undefined;

/**
 * Sets the stat pass of `dir` going; the function returned finishes it. Call that once the work
 * meant to run meanwhile is set going (DuckDB loading the index): on Linux, find makes the pass
 * in a process of its own from now on; elsewhere, or when find fails, that call makes it here by
 * lstat. A pass held for `dir` (prepareScan, holdScan) is taken instead of a new one.
 */
export function startScan(dir: string): () => Promise<Scan> {
  const kept = held?.dir === dir ? held : undefined;
  held = undefined;
  return kept?.finish ?? setGoing(dir);
}

/**
 * From how many entries in the directory find makes the pass: below it, the pass by lstat is
 * made sooner (50 files: ~0.5 ms, where starting find costs this thread ~8 ms).
 */
export const FIND_FROM = 300;

function setGoing(dir: string): () => Promise<Scan> {
  // A directory that cannot be read counts none: the pass by lstat says why.
  const byFind =
    process.platform === 'linux' && (countUpTo(dir, FIND_FROM, () => true) ?? 0) >= FIND_FROM;
  const found = byFind ? runFind(dir) : undefined;
  return async () => {
    const out = found && (await found);
    return (out !== undefined && findScan(dir, out)) || scanNow(dir);
  };
}

/**
 * Keeps `scan` for the next startScan() of its directory: the answer cache hands the pass its
 * key was made from to the refresh that computes the answer.
 */
export function holdScan(scan: Scan): void {
  held = { dir: scan.dir, finish: () => Promise.resolve(scan), scan };
}

/** Lets go of a pass held by holdScan if no one took it. */
export function releaseScan(scan: Scan): void {
  if (held?.scan === scan) held = undefined;
}
