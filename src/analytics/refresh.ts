/**
 * Bringing the index up to date with the sessions directory (and, on request, the archives).
 * Only `stat` is paid for unchanged files; a file is re-read when its size or mtime changed, and
 * rows of files that are gone are dropped. Files are parsed by our own reader (JSON.parse and the
 * schema check), never by DuckDB's read_json: one truncated file aborts a whole read_json, and
 * DuckDB rejects lone surrogate escapes that JSON.parse accepts. The text of live sessions is not
 * read here but on first use (text.ts); archives, read whole and rarely, bring theirs at once.
 *
 * Writes go in batches, each batch one short transaction holding both the `files` rows and the
 * session rows of those files, so an interrupted build leaves a consistent (partial) index.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isArchiveFileName } from '../maintenance/archived-sessions.js';
import { progress } from '../render/progress.js';
import type { FileToIndex, IndexedFile, ParsedBatch } from './parse-files.js';
import {
  dirPrefix,
  entryFile,
  fileEntry,
  manifestEntries,
  manifestFiles,
  manifestLines,
  type Scan,
  type ScannedFile,
  scanNow,
} from './scan.js';
import { forgetStaleText } from './search-forget.js';
import { jsonArray, loadSql } from './sql-files.js';
import { inTransaction } from './transaction.js';
import {
  type Appenders,
  appendBatch,
  closeAppenders,
  flushAppenders,
  openAppenders,
} from './write-rows.js';

export interface RefreshOptions {
  sessionsDir: string;
  /** `$GROK_HOME/archives`, read only when `includeArchived`. */
  archivesDir?: string | undefined;
  includeArchived?: boolean | undefined;
  /** The stat pass, when already made (startScan); else it is made here, by lstat. */
  scan?: Scan | undefined;
  /** Files per commit of a build (COMMIT_EVERY); tests give fewer, to see several commits. */
  commitEvery?: number | undefined;
}

export interface RefreshStats {
  read: number;
  removed: number;
  unchanged: number;
  archivesRead: number;
}

async function nextSid(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll('SELECT coalesce(max(sid), 0)::INTEGER AS n FROM files');
  return Number(r.getRowObjectsJS()[0]?.n ?? 0) + 1;
}

/** Every table with rows per file (`sid`), besides `files` itself. */
const SESSION_TABLES = [
  'cost_rows',
  'search_grams',
  'browse_rows',
  'list_entries',
  'text_loaded',
  'tool_call_text',
  'message_text',
  'session_tools',
  'tool_call_rows',
  'message_rows',
  'api_calls',
  'sessions',
];

async function deleteSids(conn: DuckDBConnection, sids: readonly number[]): Promise<void> {
  if (sids.length === 0) return;
  await conn.run('CREATE OR REPLACE TEMP TABLE stale (sid INTEGER)');
  const ap = await conn.createAppender('stale', 'main', 'temp');
  for (const sid of sids) {
    ap.appendInteger(sid);
    ap.endRow();
  }
  ap.closeSync();
  await forgetStaleText(conn);
  for (const table of [...SESSION_TABLES, 'files']) {
    await conn.run(`DELETE FROM ${table} WHERE sid IN (SELECT sid FROM temp.stale)`);
  }
  await conn.run('DROP TABLE temp.stale');
}

/**
 * Commits every this many files, so a huge first build does not hold everything in memory. Each
 * commit checkpoints (compresses and writes what it holds), at a cost of its own: a commit every
 * 2,500 files cost a cold build of 10,000 sessions 0.6-0.8 CPU s more than one commit, and one of
 * 100,000 some 8 CPU s more. What waits for a commit is DuckDB's rows of those files (their list
 * and browser entries some 15 MB per 10,000 sessions; the many message rows are written to the
 * file as row groups fill): bounded, whatever the number of files. Not bounded: a checkpoint
 * leaves the rows committed since the last one in a row group of their own, and DuckDB merges
 * adjacent row groups that fit in one, rewriting them through memory with no limit (at 100,000
 * sessions, the 80,000 per-session rows so far at once: the build's peak).
 */
const COMMIT_EVERY = 10_000;

/**
 * Ends a batch before its commit: the appended rows, what derives from them (sids ≥ first). The
 * appenders are closed after the last batch, else kept for the next (flushAppenders).
 */
async function finishWrite(
  conn: DuckDBConnection,
  a: Appenders,
  first: number,
  last = true,
): Promise<void> {
  if (last) closeAppenders(a);
  else flushAppenders(a);
  await conn.run(loadSql('internal/session-tools-fill'), { first });
}

let fullCollection: (() => void) | undefined;

/**
 * A full collection of this thread's heap, between two commits of a large build. What this thread
 * receives from the parse workers and hands to DuckDB is garbage by the commit, and V8 lets the
 * heap grow well past what is alive before it collects (a 100,000-session build's heap: 80-96 MB,
 * some 25-40 MB of it alive): collected at each commit, that build's peak RSS fell from 391 to
 * 330-343 MiB, for some 4% more CPU (bench/RESULTS.md, cold build, ninth pass). The parse
 * workers' heaps are left alone (collecting them too cost 10%). `gc` is V8's, exposed at run time
 * and taken from a fresh context, where V8 installs it.
 */
function collectGarbage(): void {
  if (!fullCollection) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as () => void;
  }
  fullCollection();
}

/** Fewer files than this are written without a memory limit (buildMemoryLimit). */
const FEW_FILES = 100;

/** The least memory DuckDB keeps for table data during a build (buildMemoryLimit). */
const BUILD_MEMORY_FLOOR = 32 * 2 ** 20;

/**
 * DuckDB's memory limit while `files` are written, in bytes; undefined for an index in memory,
 * which has no file to let blocks go to. Unlimited (80% of RAM, its default), DuckDB keeps
 * every block it wrote, and a build's memory grew with the number of files: some 35 MB of table
 * blocks at 30,000 sessions, 110 MB at 100,000. With a limit, blocks already in the file are let
 * go. Rows not yet committed stay in memory: the limit leaves room for the largest file's many
 * times over (its entries are JSON text at most a few times its size).
 */
export async function buildMemoryLimit(
  conn: DuckDBConnection,
  files: readonly { size: number }[],
): Promise<number | undefined> {
  const r = await conn.runAndReadAll(
    'SELECT path FROM duckdb_databases() WHERE database_name = current_database()',
  );
  if (!r.getRows()[0]?.[0]) return undefined;
  let largest = 0;
  for (const f of files) largest = Math.max(largest, f.size);
  return Math.max(BUILD_MEMORY_FLOOR, 8 * largest);
}

/** DuckDB's memory limit as it shows it (e.g. '18.8 GiB'), which SET reads back. */
async function memoryLimit(conn: DuckDBConnection): Promise<string> {
  const r = await conn.runAndReadAll("SELECT current_setting('memory_limit')");
  return String(r.getRows()[0]?.[0]);
}

/** Sets DuckDB's memory limit for appending, and sets it back (writingMemory). */
export interface WritingMemory {
  limited(): Promise<void>;
  unlimited(): Promise<void>;
}

/**
 * DuckDB's memory limit while `files` are written (buildMemoryLimit), or none for fewer than
 * FEW_FILES: a few files (a new session) hold too little to bound, and setting the limit costs
 * three statements. The limit bounds appending alone. A commit's checkpoint pins what the rows
 * since the last one hold, and rewrites the last row group of each table, which long entries can
 * take past it: DuckDB would fail the checkpoint after a durable commit, and refuse the database
 * until it is opened again. So each commit runs with the limit as it was before (unlimited), set
 * back by value (DuckDB's RESET shows the default but leaves the build's limit in force).
 */
export async function writingMemory(
  conn: DuckDBConnection,
  files: readonly { size: number }[],
): Promise<WritingMemory> {
  const limit = files.length < FEW_FILES ? undefined : await buildMemoryLimit(conn, files);
  const before = limit === undefined ? undefined : await memoryLimit(conn);
  return {
    limited: async () => {
      if (limit !== undefined) await conn.run(`SET memory_limit = '${limit}B'`);
    },
    unlimited: async () => {
      if (before !== undefined) await conn.run(`SET memory_limit = '${before}'`);
    },
  };
}

/**
 * Replaces the rows of `stale` sids by those of `files` (emptied as they are parsed: parseFiles),
 * parsed on all cores. Each commit holds the files rows together with their session rows, so the
 * index is consistent at every commit.
 */
async function writeFiles(
  conn: DuckDBConnection,
  stale: readonly number[],
  files: FileToIndex[],
  commitEvery = COMMIT_EVERY,
  /** Written in the last commit, with the last rows. */
  last?: () => Promise<void>,
): Promise<void> {
  const { parseFiles } = await import('./parse-pool.js');
  let sid = await nextSid(conn);
  let first = sid;
  let read = 0;
  const total = files.length;
  const shown = progress('indexing session files:', total);
  const { limited, unlimited } = await writingMemory(conn, files);
  await limited();
  try {
    await inTransaction(conn, async (tx) => {
      await deleteSids(conn, stale);
      const a = await openAppenders(conn);
      for await (const batch of parseFiles(files)) {
        appendBatch(a, sid, batch);
        sid += batch.files.length;
        read += batch.files.length;
        shown.update(read);
        // never right after the last files: their commit is the last one, with `last`
        if (read < total && sid - first >= commitEvery) {
          await finishWrite(conn, a, first, false);
          await unlimited();
          await tx.checkpoint();
          collectGarbage();
          await limited();
          first = sid;
        }
      }
      await finishWrite(conn, a, first);
      await last?.();
      await unlimited();
    });
  } finally {
    shown.end();
    // the queries that follow have DuckDB's usual room (a failure here must not hide the
    // build's own error)
    await unlimited().catch(() => {});
  }
}

/** Appends already parsed files (an archive's entries, with their text) in one transaction. */
async function writeParsed(conn: DuckDBConnection, batch: ParsedBatch): Promise<void> {
  const sid = await nextSid(conn);
  await inTransaction(conn, async () => {
    const a = await openAppenders(conn, true);
    appendBatch(a, sid, batch);
    await finishWrite(conn, a, sid);
  });
}

/**
 * The entries found now that the index lacks (`added`), and those it holds that are gone
 * (`removed`), in one pass over a set of the entries it holds.
 */
export function entryChanges(
  before: readonly string[],
  now: readonly string[],
): { added: string[]; removed: string[] } {
  const had = new Set(before);
  const added: string[] = [];
  for (const e of now) if (!had.delete(e)) added.push(e);
  return { added, removed: [...had] };
}

/**
 * What entries that came and went mean: the files to read, and the paths whose rows must go
 * (replaced by a changed file, or gone). The entries may be manifest lines, each then led by
 * `prefix` (dirPrefix): two manifests of one directory are compared without making 20,000 paths
 * first.
 */
function filesToRead(
  { added, removed }: { added: readonly string[]; removed: readonly string[] },
  prefix: string,
): { changed: ScannedFile[]; outdated: string[]; gone: number } {
  // Read in the order of their names (the order of their sids), whatever order the directory
  // gave them in.
  const changed = added
    .map((e) => entryFile(prefix + e))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const outdated = removed.map((e) => entryFile(prefix + e).path);
  const reread = new Set(changed.map((f) => f.path));
  return { changed, outdated, gone: outdated.filter((path) => !reread.has(path)).length };
}

/**
 * What changed between the entries the index holds (`before`) and those found now (`now`)
 * (filesToRead).
 */
export function compareEntries(
  before: readonly string[],
  now: readonly string[],
  prefix = '',
): { changed: ScannedFile[]; outdated: string[]; gone: number } {
  return filesToRead(entryChanges(before, now), prefix);
}

/** The live files the index holds, as entries, read from `files` itself. */
async function indexedEntries(conn: DuckDBConnection): Promise<string[]> {
  const known = await jsonArray<IndexedFile>(conn, 'internal/known-files', { source: 'live' });
  return known.map(fileEntry);
}

/** The manifest of the last complete refresh (scan.ts), from its lines (dir_lines). */
async function manifest(conn: DuckDBConnection): Promise<string> {
  const r = await conn.runAndReadAll(loadSql('internal/dir-lines'));
  return String(r.getRows()[0]?.[0] ?? '');
}

/**
 * What changed in `dir` (as `scan` saw it) since the index was written: the files to read, the paths
 * whose rows go, and, when the index's own manifest is what the pass is compared with
 * (`trusted`), its lines that came and went. What the index holds is the manifest of its last
 * complete refresh of the directory (dir_state says it is whole, and is removed while a write is
 * under way), else the files table itself; with no file in it (a first build), every file found,
 * made from the manifest alone (manifestFiles). Only what the build needs outlives this call.
 */
async function changesSince(
  conn: DuckDBConnection,
  dir: string,
  scan: Scan,
  trusted: boolean,
): Promise<{
  changed: ScannedFile[];
  outdated: string[];
  gone: number;
  lines?: { added: string[]; removed: string[] };
}> {
  if (trusted) {
    const lines = entryChanges(manifestLines(await manifest(conn)), manifestLines(scan.manifest));
    return { ...filesToRead(lines, dirPrefix(dir)), lines };
  }
  const indexed = await indexedEntries(conn);
  if (indexed.length === 0)
    return { changed: manifestFiles(dir, scan.manifest), outdated: [], gone: 0 };
  return filesToRead(entryChanges(indexed, manifestEntries(dir, scan.manifest)), '');
}

async function refreshLive(
  conn: DuckDBConnection,
  dir: string,
  given: Scan | undefined,
  commitEvery: number | undefined,
): Promise<Omit<RefreshStats, 'archivesRead'>> {
  const scan = given ?? scanNow(dir);
  const last = await conn.runAndReadAll('SELECT fingerprint FROM dir_state WHERE dir = $dir', {
    dir,
  });
  const lastPrint = last.getRowObjectsJS()[0]?.fingerprint;
  if (lastPrint === scan.print) return { read: 0, removed: 0, unchanged: scan.count };
  const trusted = lastPrint !== undefined;
  const { changed, outdated, gone, lines } = await changesSince(conn, dir, scan, trusted);
  const stale =
    outdated.length === 0
      ? []
      : await jsonArray<number>(conn, 'internal/sids-of-paths', {
          paths: JSON.stringify(outdated),
        });
  // The state of a complete refresh: the fingerprint, and the manifest's lines that changed alone
  // when the index's lines were what it compared with.
  const writeState = async () => {
    await conn.run('DELETE FROM dir_state');
    await conn.run('INSERT INTO dir_state VALUES ($dir, $print)', { dir, print: scan.print });
    if (!lines) await conn.run('DELETE FROM dir_lines');
    else if (lines.removed.length > 0)
      await conn.run(loadSql('internal/dir-lines-remove'), { lines: lines.removed.join('\n') });
    const added = lines ? lines.added.join('\n') : scan.manifest;
    if (added !== '') await conn.run(loadSql('internal/dir-lines-add'), { lines: added });
  };
  const read = changed.length;
  if (read > 0 || stale.length > 0) {
    // A write of one transaction writes the state in it; a longer one commits as it goes, so the
    // state goes first and comes back once the write is whole.
    const every = commitEvery ?? COMMIT_EVERY;
    const oneCommit = read <= every;
    if (!oneCommit) await conn.run('DELETE FROM dir_state');
    // the files go to the parse workers chunk by chunk, and are let go once sent (parse-pool.ts)
    await writeFiles(
      conn,
      stale,
      changed.splice(0).map((f) => ({ source: 'live', ...f })),
      every,
      oneCommit ? writeState : undefined,
    );
    if (oneCommit) return { read, removed: gone, unchanged: scan.count - read };
  }
  await inTransaction(conn, writeState);
  return { read, removed: gone, unchanged: scan.count - read };
}

/** Archives are cached whole, by the archive's size and mtime. */
async function refreshArchives(conn: DuckDBConnection, archivesDir: string): Promise<number> {
  let names: string[];
  try {
    // the archives restore reads, and no other .tar.gz beside them
    names = (await readdir(archivesDir)).filter(isArchiveFileName).sort();
  } catch {
    names = [];
  }
  const r = await conn.runAndReadAll('SELECT path, size::DOUBLE AS size, mtime_ms FROM archives');
  const known = new Map(
    r
      .getRowObjectsJS()
      .map((row) => [String(row.path), { size: Number(row.size), mtimeMs: Number(row.mtime_ms) }]),
  );
  const present = new Set<string>();
  let read = 0;
  for (const name of names) {
    const path = join(archivesDir, name);
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path);
      if (!st.isFile()) continue;
    } catch {
      continue;
    }
    present.add(path);
    const k = known.get(path);
    if (k && k.size === st.size && k.mtimeMs === st.mtimeMs) continue;
    const [{ readArchiveEntries }, { parseBatch }] = await Promise.all([
      import('./archive-read.js'),
      import('./parse-files.js'),
    ]);
    const entries = await readArchiveEntries(path);
    const { batch } = await parseBatch(
      entries.map((e) => ({
        file: { source: 'archive', path, name: e.name, size: e.size, mtimeMs: e.mtimeMs },
        text: e.text,
        error: e.error,
      })),
      { withText: true },
    );
    await dropArchive(conn, path);
    await writeParsed(conn, batch);
    await conn.run('INSERT INTO archives VALUES ($path, $size, $mtime)', {
      path,
      size: st.size,
      mtime: st.mtimeMs,
    });
    read++;
  }
  for (const path of known.keys()) if (!present.has(path)) await dropArchive(conn, path);
  return read;
}

async function dropArchive(conn: DuckDBConnection, path: string): Promise<void> {
  const r = await conn.runAndReadAll(
    "SELECT sid FROM files WHERE source = 'archive' AND path = $path",
    { path },
  );
  const sids = r.getRowObjectsJS().map((row) => Number(row.sid));
  await inTransaction(conn, async () => {
    await deleteSids(conn, sids);
    await conn.run('DELETE FROM archives WHERE path = $path', { path });
  });
}

export async function refreshIndex(
  conn: DuckDBConnection,
  opts: RefreshOptions,
): Promise<RefreshStats> {
  const live = await refreshLive(conn, opts.sessionsDir, opts.scan, opts.commitEvery);
  const archivesRead =
    opts.includeArchived && opts.archivesDir ? await refreshArchives(conn, opts.archivesDir) : 0;
  return { ...live, archivesRead };
}
