/**
 * The stat pass every analytics command starts with: the session files directly in a directory
 * (regular files matching the session pattern, symlinks never followed, as src/session/discover.ts)
 * with their sizes and mtimes, the lock files beside them, and a hash of it all.
 *
 * On Linux, over a directory of FIND_FROM entries or more, GNU find(1) makes the pass in a process
 * of its own (find-pass.ts), set going before DuckDB is loaded (startScan), or for `stats` and
 * `cost` by the bin before grok's own modules load (findEarly): loading DuckDB's library, or the
 * modules, takes this thread 30-50 ms that the pass then no longer waits for, and what is left
 * here is checking and hashing find's output. Otherwise, or when find fails or prints what it should not (a file
 * removed during its pass, another find), the pass is made here with synchronous lstat calls
 * while DuckDB opens the index on libuv's thread pool: for 10,000 files a loop of lstatSync takes
 * ~70 ms where 10,000 concurrent fs/promises lstat calls take ~280 ms; a helper thread took
 * 30-50 ms to start here and was slower overall.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename, sep } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { SESSION_FILE_PATTERN } from '../session/paths.js';
import { countUpTo, findFits, SESSION_NAME, startFind, takeEarlyFind } from './find-pass.js';
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
    print: printOf('lstat', manifest),
    count: lines.length,
    locks: locks.sort(),
    by: 'lstat',
  };
}

function isLockName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.lock');
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
  const scan: Scan = {
    dir,
    // The lines an lstat pass writes.
    get manifest() {
      manifest ??= (printedBy.get(scan) ?? '')
        .split('\0')
        .filter((r) => r.startsWith('session-'))
        .map(manifestLine)
        .join('\n');
      // find's output, let go once the manifest is made from it (100,000 files: 6 MB)
      printedBy.delete(scan);
      return manifest;
    },
    print: printOf('find', out),
    count: countRecords(out) - locks.length,
    locks: locks.sort(),
    by: 'find',
  };
  printedBy.set(scan, out);
  return scan;
}

/** What find printed for a pass whose manifest is not made yet (findScan). */
const printedBy = new WeakMap<Scan, string>();

/** The print of a pass made `by` a method that gave `text` (scanText). */
export function printOf(by: ScanMethod, text: string): string {
  const hash = createHash('sha256');
  if (by === 'find') hash.update('find\n');
  return hash.update(text).digest('hex');
}

/**
 * The pass as it was made, for a later one made the same way to be compared with (textChanges):
 * find's output (while its manifest is not made), or the manifest of a pass by lstat; undefined
 * when find's output is let go.
 */
export function scanText(scan: Scan): string | undefined {
  return scan.by === 'find' ? printedBy.get(scan) : scan.manifest;
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
 * The mtime of a find record in `text` whose `seconds.nanoseconds` follow the TAB at `tab`, in
 * milliseconds by Node's own arithmetic for Stats.mtimeMs (seconds × 1000 + nanoseconds / 1e6),
 * so a pass by find and one by lstat give one number.
 */
function recordMtimeMs(text: string, tab: number): number {
  const dot = text.indexOf('.', tab);
  return Number(text.slice(tab + 1, dot)) * 1000 + Number(text.slice(dot + 1, dot + 10)) / 1e6;
}

/** A find record as the manifest line of an lstat pass. */
function manifestLine(record: string): string {
  const t = record.lastIndexOf('\t');
  return `${record.slice(0, t + 1)}${recordMtimeMs(record, t)}`;
}

/** How the files of a pass differ from the lines of another: manifest lines added and removed. */
export interface LineChanges {
  added: string[];
  removed: string[];
}

/**
 * The lines of `now` that `was` lacks and those of `was` that `now` lacks (a file changed in
 * place is both), when there are not more than `most` of each; else undefined. As sets.
 */
function setChanges(
  was: readonly string[],
  now: readonly string[],
  most: number,
): LineChanges | undefined {
  if (Math.abs(now.length - was.length) > most) return undefined;
  const set = new Set(now);
  const removed: string[] = [];
  for (const line of was) {
    if (set.delete(line)) continue;
    removed.push(line);
    if (removed.length > most) return undefined;
  }
  if (set.size > most) return undefined;
  return { added: [...set], removed };
}

/** The session records of a pass, one after another, each compared with manifest lines. */
interface Records {
  done(): boolean;
  /** Whether the record `ahead` places on (0: this one) is `line`. */
  is(line: string, ahead?: 0 | 1): boolean;
  /** This record as a manifest line. */
  line(): string;
  next(): void;
}

/** The manifest's lines, as records. */
function lineRecords(lines: readonly string[]): Records {
  let k = 0;
  return {
    done: () => k >= lines.length,
    is: (line, ahead = 0) => lines[k + ahead] === line,
    line: () => lines[k] as string,
    next: () => {
      k++;
    },
  };
}

/**
 * What find printed, as records: each compared with a manifest line where it is, without making
 * the line (its name and size as text, its mtime as the number manifestLine makes of it).
 */
function printedRecords(out: string): Records {
  // [start, end) of the session record at `from` or after it (lock records are passed over)
  const bounds = (from: number): [number, number] => {
    let at = from;
    while (at < out.length && out.charCodeAt(at) === 46 /* . */) at = out.indexOf('\0', at) + 1;
    const end = at < out.length ? out.indexOf('\0', at) : -1;
    return end < 0 ? [out.length, out.length] : [at, end];
  };
  let [start, end] = bounds(0);
  const matches = (line: string, [a, b]: [number, number]): boolean => {
    if (a >= b) return false;
    const tab = line.lastIndexOf('\t');
    const at = out.lastIndexOf('\t', b);
    if (at - a !== tab || !out.startsWith(line.slice(0, tab), a)) return false;
    return Number(line.slice(tab + 1)) === recordMtimeMs(out, at);
  };
  return {
    done: () => start >= out.length,
    is: (line, ahead = 0) => matches(line, ahead === 0 ? [start, end] : bounds(end + 1)),
    line: () => manifestLine(out.slice(start, end)),
    next: () => {
      [start, end] = bounds(end + 1);
    },
  };
}

/**
 * The lines of the manifest of `scan` that `was` (the lines of another pass) lacks, and the
 * lines of `was` it lacks (a file changed in place is both), when there are not more than `most`
 * of each; else undefined.
 *
 * A directory lists its files in the same order from one pass to the next, a new file somewhere
 * among them: `was` is walked beside the pass, each line compared with the record in its place
 * (with the one after it where they differ), and a pass by find is compared as find printed it,
 * its records made into lines only where they differ (the manifest of 10,000 files and two sets
 * of its lines took some 20 ms). Lines met out of step on both sides (a file moved in the
 * order) are no change; past a few more than `most` out of step, the two are compared as sets.
 */
export function manifestChanges(
  scan: Scan,
  was: readonly string[],
  most: number,
): LineChanges | undefined {
  const printed = printedBy.get(scan);
  const now =
    printed === undefined ? lineRecords(manifestLines(scan.manifest)) : printedRecords(printed);
  const bound = 2 * most + 8;
  const gone: string[] = [];
  const come: string[] = [];
  let i = 0;
  while (i < was.length && !now.done()) {
    const line = was[i] as string;
    if (now.is(line)) {
      i++;
      now.next();
      continue;
    }
    if (now.is(line, 1)) {
      come.push(now.line());
      now.next();
    } else if (i + 1 < was.length && now.is(was[i + 1] as string)) {
      gone.push(line);
      i++;
    } else {
      gone.push(line);
      come.push(now.line());
      i++;
      now.next();
    }
    if (gone.length + come.length > bound) break;
  }
  if (gone.length + come.length <= bound) {
    for (; i < was.length && gone.length <= bound; i++) gone.push(was[i] as string);
    for (; !now.done() && come.length <= bound; now.next()) come.push(now.line());
  }
  if (gone.length + come.length > bound) {
    return setChanges(was, manifestLines(scan.manifest), most);
  }
  const goneSet = new Set(gone);
  const comeSet = new Set(come);
  const removed = gone.filter((line) => !comeSet.has(line));
  const added = come.filter((line) => !goneSet.has(line));
  return removed.length > most || added.length > most ? undefined : { added, removed };
}

/**
 * The lines of the manifest of `scan` that the pass `before` made (scanText: made the same way,
 * its text available) lacks, and those of `before` it lacks, when there are not more than `most`
 * of each; else undefined. As sets, in whatever order the two list the files (find lists those of
 * a directory of more than 10,000 entries by inode, of fewer in the directory's order), and as
 * the method printed them: only the records that differ are made into manifest lines.
 */
export function textChanges(
  scan: Scan,
  before: { by: ScanMethod; text: string },
  most: number,
): LineChanges | undefined {
  const now = scanText(scan);
  if (now === undefined || before.by !== scan.by) throw new Error('passes made in other ways');
  if (scan.by === 'lstat') return setChanges(manifestLines(before.text), manifestLines(now), most);
  // The records both start and end with are the same records: the others are compared. Every
  // record, lock files' and the empty one after the last 0 among them: those are let go from
  // the few that differ (a lock file coming or going is no change of a session's file).
  const [from, wasTo, nowTo] = sameEnds(before.text, now);
  const found = setChanges(
    before.text.slice(from, wasTo).split('\0'),
    now.slice(from, nowTo).split('\0'),
    most + LOCKS_BETWEEN,
  );
  const sessions = (records: string[]) =>
    records.filter((r) => r !== '' && r.charCodeAt(0) !== 46 /* . */).map(manifestLine);
  const changes = found && { added: sessions(found.added), removed: sessions(found.removed) };
  return changes && changes.added.length <= most && changes.removed.length <= most
    ? changes
    : undefined;
}

/** How long a start `a` and `b` have in common: compared a block at a time, natively. */
function samePrefix(a: string, b: string, most: number): number {
  let at = 0;
  for (let size = 1 << 16; size >= 1 && at < most; ) {
    const end = Math.min(most, at + size);
    if (a.slice(at, end) === b.slice(at, end)) at = end;
    else size >>= 1;
  }
  return at;
}

/** How long an end `a` and `b` have in common, up to `most`. */
function sameSuffix(a: string, b: string, most: number): number {
  let n = 0;
  for (let size = 1 << 16; size >= 1 && n < most; ) {
    const len = Math.min(most, n + size);
    if (a.slice(a.length - len, a.length - n) === b.slice(b.length - len, b.length - n)) n = len;
    else size >>= 1;
  }
  return n;
}

/**
 * Where the records of two outputs of find (records ended by a 0) that both start with end, and
 * where those they both end with start in each: [first record not in the start, start of the
 * end in `a`, in `b`]. A directory listed in the same order but for a new file somewhere leaves
 * a record or two between them.
 */
function sameEnds(a: string, b: string): [number, number, number] {
  const prefix = samePrefix(a, b, Math.min(a.length, b.length));
  const from = prefix === 0 ? 0 : a.lastIndexOf('\0', prefix - 1) + 1;
  const suffix = sameSuffix(a, b, Math.min(a.length, b.length) - from);
  // the first whole record of the common end, at the same distance from the end in both: after
  // a 0 of that end (the character before it differs in the two)
  const k = a.indexOf('\0', a.length - suffix);
  const aTo = k < 0 || suffix === 0 ? a.length : k + 1;
  return [from, aTo, b.length - (a.length - aTo)];
}

/** How many lock files may come or go between two passes compared by textChanges. */
const LOCKS_BETWEEN = 64;

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

export { FIND_FROM } from './find-pass.js';

function setGoing(dir: string): () => Promise<Scan> {
  // A directory that cannot be read counts none: the pass by lstat says why.
  const found = (takeEarlyFind(dir) ?? (findFits(dir) ? startFind(dir) : undefined))?.out;
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
