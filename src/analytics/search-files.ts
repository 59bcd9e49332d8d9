/**
 * A search's work on session files, run by the parse workers. A session the index has a signature
 * for is looked up in its store (search-store.ts); one without (new, changed, never searched, or
 * its store lost) is read from its file, and gets its store and signature. The rows are those
 * the text tables would hold (sessionText), their text the one search.sql compares: a message's
 * content, or a tool call's name, parameters and result joined by spaces.
 */
import { parseJsonObject } from '../session/parse.js';
import { readRegularTextSync } from '../session/regular-file.js';
import type { Session } from '../session/schema.js';
import {
  type CaseMap,
  type CasePairs,
  caseMap,
  GramSet,
  lowerAsDuckDB,
  needleGrams,
  signature,
} from './search-grams.js';
import { NeedleFinder } from './search-scan.js';
import {
  closeAll,
  type IndexOf,
  type RecordPlace,
  readStored,
  rowsHolding,
  rowsInRecord,
  type StoredRows,
  StoreWriter,
} from './search-store.js';
import { valueText } from './session-rows.js';

export interface SearchFile {
  sid: number;
  /**
   * The file as the index read it: absent for a session with a record, whose file is read only
   * when the record cannot be (FileFound.unread).
   */
  path?: string | undefined;
  size?: number | undefined;
  mtimeMs?: number | undefined;
  /** Where its record is, when the index has a signature for it. */
  place: RecordPlace | undefined;
}

export interface SearchJob {
  /** The needle's UTF-8, lower-cased as search.sql lowers it. */
  needle: Uint8Array;
  cases: CasePairs;
  /** Where the stores are. */
  store: string;
  files: SearchFile[];
}

export interface FileFound {
  sid: number;
  /** The file is no longer the one indexed (changed or gone): nothing was read. */
  changed: boolean;
  /** A new signature and where its record was written, when the file was read. */
  signature: Uint8Array | undefined;
  place: RecordPlace | undefined;
  /** The rows that hold the needle: seq then idx for each (rowsHolding), idx -1 for a message. */
  rows: Int32Array;
  /** Its record could not be read, and its file was not given: nothing was read. */
  unread?: boolean;
}

let cached: { cases: CasePairs; map: CaseMap } | undefined;
let grams: GramSet | undefined;
/** The byte search of stored records: null where WebAssembly cannot run it. */
let finder: NeedleFinder | null | undefined;

function mapOf(cases: CasePairs): CaseMap {
  // one process reads one DuckDB's mapping: made once per worker, not per chunk of files
  if (cached === undefined || cached.cases.length !== cases.length) {
    cached = { cases, map: caseMap(cases) };
  }
  return cached.map;
}

/**
 * Writes one row's text, `a`, or a tool call's `a b c` (its parts joined by spaces, as search.sql
 * joins them), into the record being written. A row of ASCII (its UTF-8 as long as its text) goes
 * as it is, its A-Z lowered with the record's trigrams (GramSet.lowerAndAddRows); any other is
 * lowered here, code point by code point, as DuckDB's lower() lowers it. A lone surrogate is
 * written as U+FFFD, as DuckDB holds it.
 */
function writeRow(out: StoreWriter, map: CaseMap, a: string, b?: string, c?: string): void {
  const start = out.at;
  let ascii = out.write(a) === a.length;
  if (b === undefined || c === undefined) {
    if (!ascii) {
      out.at = start;
      out.write(lowerAsDuckDB(a, map));
    }
    return;
  }
  out.byte(0x20);
  if (out.write(b) !== b.length) ascii = false;
  out.byte(0x20);
  if (out.write(c) !== c.length) ascii = false;
  if (ascii) return;
  out.at = start;
  out.write(lowerAsDuckDB(`${a} ${b} ${c}`, map));
}

/** Writes a session's rows into a record of `out`: those sessionText gives, in its order. */
function writeRecord(out: StoreWriter, map: CaseMap, messages: Session['messages']): StoredRows {
  let count = 0;
  for (const m of messages) {
    if (m.content !== null) count++;
    count += m.toolCalls?.length ?? 0;
  }
  out.begin(count);
  for (let seq = 0; seq < messages.length; seq++) {
    const content = (messages[seq] as Session['messages'][number]).content;
    if (content === null) continue;
    writeRow(out, map, content);
    out.endRow(seq, -1);
  }
  for (let seq = 0; seq < messages.length; seq++) {
    const calls = (messages[seq] as Session['messages'][number]).toolCalls;
    if (calls === undefined) continue;
    for (let idx = 0; idx < calls.length; idx++) {
      const call = calls[idx] as NonNullable<typeof calls>[number];
      writeRow(out, map, call.tool, valueText(call.parameters) ?? '', valueText(call.result) ?? '');
      out.endRow(seq, idx);
    }
  }
  return out.end();
}

/**
 * Reads a session file: its record and signature made, and the rows holding the needle. The rows
 * are those sessionText (session-rows.ts) gives, messages first, then tool calls. The file is the
 * one the index read (the same size and modification time, as the refresh tells files apart),
 * and the index holds it as a session: its schema was checked then, and is not checked again.
 */
function readFile(
  file: SearchFile,
  job: SearchJob,
  keys: readonly number[],
  map: CaseMap,
  out: StoreWriter,
  grams: GramSet,
): FileFound {
  const gone: FileFound = {
    sid: file.sid,
    changed: true,
    signature: undefined,
    place: undefined,
    rows: new Int32Array(0),
  };
  let rows: StoredRows;
  const start = out.at;
  try {
    // given for every file read here: one with a record and no path is left unread (searchFiles)
    const { text, size, mtimeMs } = readRegularTextSync(file.path as string);
    if (size !== file.size || mtimeMs !== file.mtimeMs) return gone;
    const parsed = parseJsonObject(text);
    if (!parsed.ok) return gone;
    rows = writeRecord(out, map, (parsed.raw as unknown as Session).messages);
  } catch {
    // not the session the index read after all: nothing of it is kept
    out.at = start;
    return gone;
  }
  grams.clear();
  grams.lowerAndAddRows(rows.text, rows.ends);
  return {
    sid: file.sid,
    changed: false,
    signature: signature(grams),
    place: undefined,
    // the needle's bytes are looked for only where every trigram of them is
    rows: grams.holdsAll(keys) ? rowsHolding(rows, job.needle) : new Int32Array(0),
  };
}

/** What is found of a session whose record cannot be read, and whose file was not given. */
const unread: FileFound = {
  sid: 0,
  changed: false,
  signature: undefined,
  place: undefined,
  rows: new Int32Array(0),
  unread: true,
};

/** Where stored records are read and how they are searched: the finder's, where there is one. */
function recordSearch(): {
  into: ((bytes: number) => Buffer | undefined) | undefined;
  indexOf: IndexOf | undefined;
} {
  finder ??= NeedleFinder.make() ?? null;
  const search = finder;
  if (search === null) return { into: undefined, indexOf: undefined };
  return {
    into: (bytes) => search.buffer(bytes),
    indexOf: (text, needle, from) => search.indexOf(text, needle, from),
  };
}

/** The store's writer, kept from one batch of files to the next (its buffer grows once). */
let writer: StoreWriter | undefined;

/** Bytes between two records still read with them rather than in a read of their own. */
const GAP = 1 << 16;
/** The most bytes of records read at once. */
const RUN = 1 << 25;

/** The end of the run of stored records starting at files[from]: records read in one go. */
function runEnd(files: readonly SearchFile[], from: number): number {
  const first = files[from]?.place as RecordPlace;
  let end = first.at + first.length;
  let i = from + 1;
  for (; i < files.length; i++) {
    const p = files[i]?.place;
    if (!p || p.store !== first.store || p.at < end || p.at - end > GAP) break;
    if (p.at + p.length - first.at > RUN) break;
    end = p.at + p.length;
  }
  return i;
}

export function searchFiles(job: SearchJob): FileFound[] {
  // made when a file is read, not for a search that finds every record in the store
  let map: CaseMap | undefined;
  let keys: number[] | undefined;
  let reading: ReturnType<typeof recordSearch> | undefined;
  const fds = new Map<string, number>();
  writer?.clear();
  const out: FileFound[] = [];
  let made = 0;
  const fromFile = (f: SearchFile) => {
    // the rows are written where the trigram loops read them
    grams ??= new GramSet();
    writer ??= new StoreWriter(grams.textBuffer);
    map ??= mapOf(job.cases);
    keys ??= needleGrams(job.needle);
    const found = readFile(f, job, keys, map, writer, grams);
    if (found.signature) made++;
    out.push(found);
  };
  const { files } = job;
  try {
    for (let i = 0; i < files.length; ) {
      const first = (files[i] as SearchFile).place;
      if (!first) {
        fromFile(files[i++] as SearchFile);
        continue;
      }
      reading ??= recordSearch();
      const to = runEnd(files, i);
      const last = (files[to - 1] as SearchFile).place as RecordPlace;
      const length = last.at + last.length - first.at;
      const run = readStored(job.store, first.store, first.at, length, fds, reading.into);
      for (; i < to; i++) {
        const f = files[i] as SearchFile;
        const place = f.place as RecordPlace;
        const at = place.at - first.at;
        const rows =
          run && at + place.length <= run.length
            ? rowsInRecord(run, at, place.length, job.needle, reading.indexOf)
            : undefined;
        if (rows)
          out.push({ sid: f.sid, changed: false, signature: undefined, place: undefined, rows });
        else if (f.path === undefined) out.push({ ...unread, sid: f.sid });
        else fromFile(f);
      }
    }
  } finally {
    closeAll(fds);
  }
  if (writer && made > 0) {
    const places = writer.flush(job.store);
    let i = 0;
    for (const f of out) if (f.signature) f.place = places[i++];
  }
  return out;
}
