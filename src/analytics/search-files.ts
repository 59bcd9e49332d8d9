/**
 * A search's work on session files, run by the parse workers. A session the index has a signature
 * for is looked up in its store (search-store.ts); one without (new, changed, never searched, or
 * its store lost) is read from its file, and gets its store and signature. The rows are those
 * the text tables would hold (sessionText), their text the one search.sql compares: a message's
 * content, or a tool call's name, parameters and result joined by spaces.
 */
import { parseSessionJson } from '../session/parse.js';
import { readNoFollowSync } from './parse-files.js';
import {
  type CaseMap,
  type CasePairs,
  caseMap,
  GramSet,
  lowerAsDuckDB,
  signature,
} from './search-grams.js';
import {
  closeAll,
  type RecordPlace,
  readRecord,
  rowsHolding,
  StoreWriter,
} from './search-store.js';
import { sessionText } from './session-rows.js';

export interface SearchFile {
  sid: number;
  path: string;
  size: number;
  mtimeMs: number;
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
  /** The rows that hold the needle: [seq, idx], idx -1 for a message. */
  rows: [number, number][];
}

let cached: { cases: CasePairs; map: CaseMap } | undefined;
let grams: GramSet | undefined;

function mapOf(cases: CasePairs): CaseMap {
  // one process reads one DuckDB's mapping: made once per worker, not per chunk of files
  if (cached === undefined || cached.cases.length !== cases.length) {
    cached = { cases, map: caseMap(cases) };
  }
  return cached.map;
}

function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * Writes one row's text into the record being written. A row of ASCII (its UTF-8 as long as its
 * text) goes as it is, its A-Z lowered with the record's trigrams (GramSet.lowerAndAddRows); any
 * other is lowered here, code point by code point, as DuckDB's lower() lowers it.
 */
function writeRow(out: StoreWriter, map: CaseMap, parts: readonly string[]): void {
  const start = out.at;
  let ascii = true;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    // the parts of a tool call's text are joined by spaces (search.sql)
    if (i > 0) out.byte(0x20);
    if (out.write(part) !== part.length) ascii = false;
  }
  if (ascii) return;
  out.at = start;
  out.write(lowerAsDuckDB(parts.join(' '), map));
}

/** Reads a session file: its record and signature made, and the rows holding the needle. */
function readFile(file: SearchFile, job: SearchJob, map: CaseMap, out: StoreWriter): FileFound {
  const gone: FileFound = {
    sid: file.sid,
    changed: true,
    signature: undefined,
    place: undefined,
    rows: [],
  };
  let parsed: ReturnType<typeof parseSessionJson>;
  try {
    const { text, size, mtimeMs } = readNoFollowSync(file.path);
    if (size !== file.size || mtimeMs !== file.mtimeMs) return gone;
    parsed = parseSessionJson(text);
  } catch {
    return gone;
  }
  if (!parsed.ok) return gone;
  const text = sessionText(parsed.session);
  out.begin(text.messages.length + text.toolCalls.length);
  for (const m of text.messages) {
    writeRow(out, map, [m.content]);
    out.endRow(m.seq, -1);
  }
  const messages = parsed.session.messages;
  for (const c of text.toolCalls) {
    const tool = wellFormed(messages[c.seq]?.toolCalls?.[c.idx]?.tool ?? '');
    writeRow(out, map, [tool, c.parameters ?? '', c.result ?? '']);
    out.endRow(c.seq, c.idx);
  }
  const rows = out.end();
  grams ??= new GramSet();
  grams.clear();
  grams.lowerAndAddRows(rows.text, rows.ends);
  return {
    sid: file.sid,
    changed: false,
    signature: signature(grams),
    place: undefined,
    rows: rowsHolding(rows, job.needle),
  };
}

/** The store's writer, kept from one batch of files to the next (its buffer grows once). */
let writer: StoreWriter | undefined;

export function searchFiles(job: SearchJob): FileFound[] {
  // made when a file is read, not for a search that finds every record in the store
  let map: CaseMap | undefined;
  const fds = new Map<string, number>();
  writer?.clear();
  const out: FileFound[] = [];
  let made = 0;
  try {
    for (const f of job.files) {
      const stored = f.place ? readRecord(job.store, f.place, fds) : undefined;
      if (stored) {
        const rows = rowsHolding(stored, job.needle);
        out.push({ sid: f.sid, changed: false, signature: undefined, place: undefined, rows });
      } else {
        writer ??= new StoreWriter();
        map ??= mapOf(job.cases);
        const found = readFile(f, job, map, writer);
        if (found.signature) made++;
        out.push(found);
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
