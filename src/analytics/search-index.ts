/**
 * `search` over the index: the selected live sessions whose signature (search-grams.ts) may hold
 * every trigram of the needle are read from their files and checked row by row on all cores;
 * the others cannot hold a hit and are not read. A session without a signature yet (new, changed,
 * or never searched) is read, checked and signed in the same pass, so the first search reads
 * every file once and later ones only the few that may match. Archived sessions, whose text the
 * index holds, are searched there. The rows found are then ordered and counted by SQL, as
 * search.sql orders and counts them.
 *
 * A later search that is asked for the newest hits only (not countAll) reads the sessions newest
 * first, a few at a time, and stops once the hits it has are the newest there are: when no
 * session left could hold a hit newer than the last one shown (search-newest.sql). A phrase in
 * every session is then answered from its newest sessions, not from all of its text; the count
 * is then of the matches read so far, and said to be incomplete.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { progress } from '../render/progress.js';
import { ensurePrivateDirSync } from '../session/atomic-write.js';
import { injectedFault, testSwitch } from '../test-hooks.js';
import type { AnalyticsContext } from './analytics-run.js';
import type { IndexedFile } from './parse-files.js';
import { writingMemory } from './refresh.js';
import { casePairs } from './search-case.js';
import type { FileFound, SearchFile } from './search-files.js';
import { searchStoreDir } from './search-forget.js';
import type { CasePairs } from './search-grams.js';
import { gramPlaces, needleGrams, searchNeedle } from './search-grams.js';
import type { RecordPlace } from './search-store.js';
import type { SessionText } from './session-rows.js';
import { jsonArray, jsonValues, loadSql } from './sql-files.js';
import { inTransaction, type Transaction } from './transaction.js';
import { appendColumns, copyCol, nullableInt32Col, nullCol } from './write-rows.js';

function listValue(items: readonly (string | number)[]): DuckDBValue {
  return JSON.stringify(items);
}

/**
 * A selected session a search reads: from its file (no signature yet), or its record in the
 * store, with its newest (the latest time a hit of it can have, in epoch microseconds).
 */
type SelectedFile =
  | (IndexedFile & { place?: undefined; newest?: undefined })
  | { sid: number; path?: undefined; place: RecordPlace; newest: number | null };

/** search-files.sql's answer. */
interface Listed {
  read: IndexedFile[];
  stored: { sid: number; store: string; at: number; length: number; newest: number | null }[];
}

/** The selected sessions `search-files.sql` lists, in the order of their sids. */
async function listedFiles(conn: DuckDBConnection, needle: Uint8Array): Promise<SelectedFile[]> {
  const [listed] = await jsonValues<[Listed]>(conn, ['internal/search-files'], {
    places: listValue(gramPlaces(needleGrams(needle))),
  });
  const files: SelectedFile[] = [
    ...listed.read,
    ...listed.stored.map(({ sid, store, at, length, newest }) => ({
      sid,
      place: { store, at, length },
      newest,
    })),
  ];
  return files.sort((a, b) => a.sid - b.sid);
}

/** The files of `sids` as the index read them (search-paths.sql), by sid. */
async function filesOf(
  conn: DuckDBConnection,
  sids: readonly number[],
): Promise<Map<number, IndexedFile>> {
  if (sids.length === 0) return new Map();
  const files = await jsonArray<IndexedFile>(conn, 'internal/search-paths', {
    sids: listValue(sids),
  });
  return new Map(files.map((f) => [f.sid, f]));
}

/**
 * Where the store files are: beside the index file, or for an in-memory index (whose sids are
 * its own) a directory of this command's, removed by `done`.
 */
async function storeDir(conn: DuckDBConnection): Promise<{ dir: string; done: () => void }> {
  const beside = await searchStoreDir(conn);
  if (beside !== undefined) {
    ensurePrivateDirSync(beside);
    return { dir: beside, done: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'grok-search-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Keeps the store files to what the signatures point into. A file whose records are mostly
 * those of sessions gone or changed has its remaining sessions read again (their signatures
 * dropped), so the store never holds much more than the sessions themselves.
 */
async function tidyStores(conn: DuckDBConnection, dir: string): Promise<void> {
  const used = new Map(
    (await jsonArray<{ store: string; live: number }>(conn, 'internal/search-signed')).map((s) => [
      s.store,
      s.live,
    ]),
  );
  const names = readdirSync(dir);
  const sparse = names.filter((name) => {
    const live = used.get(name);
    return live !== undefined && live * 2 < statSync(join(dir, name)).size;
  });
  if (sparse.length > 0) {
    await conn.run(loadSql('internal/search-unsign'), {
      sids: listValue([]),
      stores: listValue(sparse),
    });
    for (const name of sparse) used.delete(name);
  }
  for (const name of names) if (!used.has(name)) rmSync(join(dir, name), { force: true });
}

/** A row of search-found.sql: a hit, its text still null for a live session's (withText). */
interface FoundRow {
  sid: number;
  seq: number;
  /** Null for a message. */
  idx: number | null;
  role: string;
  at: string;
  kind: string;
  tool: string | null;
  text: string | null;
  session_id: string;
  file: string;
  session_name: string | null;
  model: string;
  matches: number;
}

/** search-found.sql's row: a FoundRow, and its time in epoch microseconds. */
type FoundRowAt = FoundRow & { at_us: number };

/** A hit with its original text. */
export type SearchHitRow = FoundRow & { text: string };

export interface IndexSearch {
  rows: SearchHitRow[];
  /** Live files changed since the refresh: left out of this answer. */
  changed: number;
  /** Every match was counted (the rows' `matches`); else only those of the sessions read. */
  complete: boolean;
}

export interface SearchIndexedOptions {
  /** Count every match: read every session that may hold one, not only the newest. */
  countAll?: boolean | undefined;
  /** How many of the newest sessions are read first (four times as many each time after). */
  firstBatch?: number | undefined;
}

/** How many of the newest sessions a search for the newest hits reads first. */
const FIRST_BATCH = 64;

/**
 * A search that signs sessions commits what it has made every this many signatures, under the
 * memory limit of signingLive: with a limit of 64 MB, a first search over 100,000 sessions
 * peaked at 532-538 MB so, against 663 MB in one transaction. Not after the last files: a commit
 * there, while the workers still held their memory, raised the peak of a first search over
 * 10,000 sessions from 216-221 MB to 245-246 MB.
 */
const COMMIT_EVERY = 10_000;
const commitEvery = () => Number(testSwitch('SEARCH_COMMIT_EVERY') ?? COMMIT_EVERY);

function appendSignature(sigs: DuckDBAppender, f: FileFound): void {
  const place = f.place as RecordPlace;
  sigs.appendInteger(f.sid);
  sigs.appendBlob(f.signature as Uint8Array);
  sigs.appendVarchar(place.store);
  sigs.appendBigInt(BigInt(place.at));
  sigs.appendInteger(place.length);
  // search-newest.sql's, before the signature is committed
  sigs.appendNull();
  sigs.endRow();
}

/**
 * The hits of a batch of files, into temp.search_hits a vector at a time: appended value by
 * value, the 25,000 hits of a phrase in every session took the thread that also reads the store
 * some 40 ms.
 */
function appendHits(ap: DuckDBAppender, found: readonly FileFound[]): number {
  let n = 0;
  for (const f of found) n += f.rows.length >> 1;
  if (n === 0) return 0;
  const sids = new Int32Array(n);
  const seqs = new Int32Array(n);
  // NaN for a message's (NULL)
  const idxs = new Float64Array(n);
  let r = 0;
  for (const f of found) {
    const { rows } = f;
    for (let i = 0; i + 1 < rows.length; i += 2, r++) {
      const idx = rows[i + 1] as number;
      sids[r] = f.sid;
      seqs[r] = rows[i] as number;
      idxs[r] = idx < 0 ? Number.NaN : idx;
    }
  }
  appendColumns(ap, n, [copyCol(sids), copyCol(seqs), nullableInt32Col(idxs), nullCol]);
  return n;
}

/**
 * Finds the rows holding the needle in `files` (those search-files.sql says may hold it, and those
 * with no signature yet), into temp.search_hits, in the caller's transaction: how many files
 * changed since the refresh, and how many rows were found. A session whose record cannot be read
 * back is read from its file, looked up then, and signed again. Given `tx`, the signatures made
 * are committed every COMMIT_EVERY, each with its newest: each is whole with its store file
 * (written before it), so a search stopped after a commit leaves only good signatures, and the
 * store files of those not committed, which the next search removes (tidyStores).
 */
async function searchLive(
  conn: DuckDBConnection,
  dir: string,
  files: readonly SelectedFile[],
  bytes: Uint8Array,
  cases: CasePairs,
  tx?: Transaction,
  /** Runs statements other than the appends: with a memory limit lifted, by signingLive. */
  unlimited: (work: () => Promise<void>) => Promise<void> = (work) => work(),
): Promise<{ changed: number; hits: number }> {
  if (files.length === 0) return { changed: 0, hits: 0 };
  const { searchInFiles, searchInStore } = await import('./parse-pool.js');
  const shown = progress(
    'indexing session files for search:',
    files.filter((f) => !f.place).length,
  );
  let changed = 0;
  let found = 0;
  try {
    const hits = await conn.createAppender('search_hits', 'main', 'temp');
    // a record lost and made again: its old signature goes before the new one is written
    const signed = new Set(files.filter((f) => f.place).map((f) => f.sid));
    const remade: FileFound[] = [];
    // the others are appended as they come, while the workers read on
    const sigs = await conn.createAppender('search_grams');
    let made = 0;
    let committed = 0;
    const read = async (toRead: SearchFile[]): Promise<number[]> => {
      const unread: number[] = [];
      const search = toRead.every((f) => f.place) ? searchInStore : searchInFiles;
      for await (const chunk of search(toRead, { needle: bytes, cases, store: dir })) {
        // the signatures so far are committed when the next chunk comes: never after the last,
        // which the caller's commit takes once the workers are gone
        if (tx && made - committed >= commitEvery()) {
          sigs.flushSync();
          hits.flushSync();
          await unlimited(async () => {
            await conn.run(loadSql('internal/search-newest'));
            await tx.checkpoint();
          });
          committed = made;
          if (injectedFault() === 'crash-after-search-commit') process.kill(process.pid, 'SIGKILL');
        }
        for (const f of chunk) {
          if (f.unread) unread.push(f.sid);
          if (f.changed) changed++;
          if (f.signature) {
            made++;
            if (signed.has(f.sid)) remade.push(f);
            else appendSignature(sigs, f);
          }
        }
        found += appendHits(hits, chunk);
        shown.update(made);
      }
      return unread;
    };
    const unread = await read(files.map((f) => ({ ...f, place: f.place ?? undefined })));
    if (unread.length > 0) {
      // their files, read as files with no record: each gets a new one
      await read(
        [...(await filesOf(conn, unread)).values()].map((f) => ({ ...f, place: undefined })),
      );
    }
    hits.closeSync();
    sigs.closeSync();
    await unlimited(async () => {
      if (remade.length > 0) {
        await conn.run(loadSql('internal/search-unsign'), {
          sids: listValue(remade.map((f) => f.sid)),
          stores: listValue([]),
        });
        const again = await conn.createAppender('search_grams');
        for (const f of remade) appendSignature(again, f);
        again.closeSync();
      }
      if (made > 0) await conn.run(loadSql('internal/search-newest'));
    });
  } finally {
    shown.end();
  }
  return { changed, hits: found };
}

/**
 * searchLive over files of which some are read to be signed, with DuckDB's memory limit as a
 * build has it (refresh.ts: writingMemory) while their signatures are appended, and as it was
 * for every other statement (each commit above all, as the build's). Unlimited, DuckDB kept
 * every block of signatures it wrote: a first search over 100,000 sessions peaked at 822 MB in
 * one transaction, 845-866 MB committing every 10,000; with the limit and the commits, 556-572 MB.
 */
async function signingLive(
  conn: DuckDBConnection,
  dir: string,
  files: readonly SelectedFile[],
  bytes: Uint8Array,
  cases: CasePairs,
  tx: Transaction,
): Promise<number> {
  const memory = await writingMemory(
    conn,
    files.filter((f) => !f.place),
  );
  const unlimited = async (work: () => Promise<void>) => {
    await memory.unlimited();
    await work();
    await memory.limited();
  };
  await memory.limited();
  try {
    return (await searchLive(conn, dir, files, bytes, cases, tx, unlimited)).changed;
  } finally {
    // the search's own commit, as each of these, runs with the limit as it was (a failure here
    // must not hide the search's own error: a transaction it left aborted refuses the setting)
    await memory.unlimited().catch(() => {});
  }
}

const hasText = (r: FoundRow): r is SearchHitRow => r.text !== null;

/** The text of the live hits shown, read from their files: the store holds it lowered. */
async function withText(
  rows: FoundRow[],
  files: ReadonlyMap<number, IndexedFile>,
): Promise<{ rows: SearchHitRow[]; changed: number }> {
  const wanted = [...new Set(rows.filter((r) => !hasText(r)).map((r) => r.sid))];
  if (wanted.length === 0) return { rows: rows.filter(hasText), changed: 0 };
  const { readTexts } = await import('./parse-pool.js');
  const list = wanted.flatMap((sid) => files.get(sid) ?? []);
  const texts = new Map<number, SessionText>();
  let i = 0;
  for await (const chunk of readTexts(list)) {
    for (const text of chunk) {
      const sid = (list[i++] as IndexedFile).sid;
      if (text) texts.set(sid, text);
    }
  }
  const out: SearchHitRow[] = [];
  for (const r of rows) {
    if (hasText(r)) {
      out.push(r);
      continue;
    }
    const text = texts.get(r.sid);
    if (text === undefined) continue;
    const { seq, idx } = r;
    if (idx === null) {
      out.push({ ...r, text: text.messages.find((m) => m.seq === seq)?.content ?? '' });
    } else {
      const c = text.toolCalls.find((t) => t.seq === seq && t.idx === idx);
      out.push({ ...r, text: `${r.tool} ${c?.parameters ?? ''} ${c?.result ?? ''}` });
    }
  }
  return { rows: out, changed: wanted.length - texts.size };
}

/**
 * Whether no session of `rest` can hold a hit that search-found.sql would order before `last`:
 * a session's hits are no later than its newest time, and among hits of one time the one of
 * the greater sid comes first. `rest` is in that order, newest first, so its first decides.
 */
function noneNewer(last: FoundRowAt, rest: SelectedFile | undefined): boolean {
  if (rest === undefined) return true;
  const newest = rest.newest ?? Number.POSITIVE_INFINITY;
  return last.at_us > newest || (last.at_us === newest && last.sid > rest.sid);
}

/**
 * Searches `files`, all in the store, newest session first: `first` sessions, then four times as
 * many each time, until the newest `limit` hits are known (noneNewer) or every file is read. The
 * hits so far (`hits` of them already in, the archived sessions') are ordered after a batch
 * (search-found.sql) once there are `limit` of them; that ordering is then the answer, with
 * whether it counted every match. Every file read: the caller orders them.
 */
async function searchNewestFirst(
  ctx: AnalyticsContext,
  dir: string,
  files: readonly SelectedFile[],
  search: { needle: Uint8Array; cases: CasePairs; role: string | null; limit: number },
  first: number,
  hits: number,
): Promise<{ found?: FoundRowAt[]; changed: number; complete: boolean }> {
  const newest = (f: SelectedFile) => f.newest ?? Number.POSITIVE_INFINITY;
  const order = [...files].sort((a, b) => newest(b) - newest(a) || b.sid - a.sid);
  let changed = 0;
  let size = first;
  for (let done = 0; ; size *= 4) {
    // in the order of their records within a batch: the store is read in runs
    const batch = order.slice(done, done + size).sort((a, b) => a.sid - b.sid);
    done += batch.length;
    const read = await searchLive(ctx.conn, dir, batch, search.needle, search.cases);
    changed += read.changed;
    hits += read.hits;
    if (done >= order.length) return { changed, complete: true };
    // fewer than asked for: the newest are not all known yet
    if (hits < search.limit) continue;
    const found = await ctx.rows<FoundRowAt>('internal/search-found', {
      role: search.role,
      limit: search.limit,
    });
    const last = found[search.limit - 1];
    if (last && noneNewer(last, order[done])) return { found, changed, complete: false };
  }
}

/**
 * The hits of `query` among the selected sessions (`temp.selected`), as search.sql gives them:
 * the newest `limit`, and how many there are (every one with countAll, else those counted
 * until the newest were known).
 */
export async function searchIndexed(
  ctx: AnalyticsContext,
  query: string,
  role: string | null,
  limit: number,
  opts: SearchIndexedOptions = {},
): Promise<IndexSearch> {
  const { conn } = ctx;
  // a first search reads every file: its workers load while the index is looked at
  const unsigned = Number(
    (await conn.runAndReadAll(loadSql('internal/search-unsigned'))).getRows()[0]?.[0] ?? 0,
  );
  if (unsigned > 0) (await import('./parse-pool.js')).prestartWorkers(unsigned);
  const store = await storeDir(conn);
  let live: { files: SelectedFile[]; changed: number; found?: FoundRowAt[]; complete: boolean };
  try {
    await tidyStores(conn, store.dir);
    // One transaction from the case table to the signatures made with it: one commit, and a
    // failure keeps neither.
    const searched = await inTransaction(conn, async (tx) => {
      // first: a DuckDB that lowers otherwise drops every signature
      const cases = await casePairs(conn);
      const needle = new Uint8Array(Buffer.from(searchNeedle(query), 'utf8'));
      const listed = await listedFiles(conn, needle);
      // no session may hold it, and no archive to look in: nothing to order or count
      if (listed.length === 0 && !ctx.selection.archived) return undefined;
      await conn.run(loadSql('internal/search-hits-table'));
      let archived = 0;
      if (ctx.selection.archived) {
        const needle = { needle: query.toLowerCase() };
        archived = (await conn.run(loadSql('internal/search-archived'), needle)).rowsChanged;
      }
      const first = opts.firstBatch ?? FIRST_BATCH;
      // a session with no record yet is read whole to be signed: that search reads every one
      if (!opts.countAll && listed.length > first && listed.every((f) => f.place)) {
        const search = { needle, cases, role, limit };
        const newest = await searchNewestFirst(ctx, store.dir, listed, search, first, archived);
        return { files: listed, ...newest };
      }
      const changed = await signingLive(conn, store.dir, listed, needle, cases, tx);
      return { files: listed, changed, complete: true };
    });
    if (searched === undefined) return { rows: [], changed: 0, complete: true };
    live = searched;
  } finally {
    store.done();
  }
  const { files } = live;
  const ordered =
    live.found ?? (await ctx.rows<FoundRowAt>('internal/search-found', { role, limit }));
  // the time in microseconds is for the order, not the answer
  const found = ordered.map(({ at_us: _, ...row }): FoundRow => row);
  // the files of the live hits shown: looked up where the list left them out
  const shown = await filesOf(conn, [
    ...new Set(found.filter((r) => !hasText(r)).map((r) => r.sid)),
  ]);
  // the checkpoint of new signatures runs on DuckDB's thread while this one reads the text shown
  const settling = files.some((f) => !f.place) ? ctx.settle() : Promise.resolve();
  const [settled, text] = await Promise.allSettled([settling, withText(found, shown)]);
  if (settled.status === 'rejected') throw settled.reason;
  if (text.status === 'rejected') throw text.reason;
  return {
    rows: text.value.rows,
    changed: live.changed + text.value.changed,
    complete: live.complete,
  };
}
