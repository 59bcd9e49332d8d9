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
  record,
  rowsHolding,
  writeStore,
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

/** Reads a session file: its record and signature made, and the rows holding the needle. */
function readFile(file: SearchFile, job: SearchJob, map: CaseMap, records: Buffer[]): FileFound {
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
  const count = text.messages.length + text.toolCalls.length;
  const seqs = new Int32Array(count);
  const idxs = new Int32Array(count);
  const lowered: string[] = [];
  for (const m of text.messages) {
    seqs[lowered.length] = m.seq;
    idxs[lowered.length] = -1;
    lowered.push(lowerAsDuckDB(m.content, map));
  }
  const messages = parsed.session.messages;
  for (const c of text.toolCalls) {
    const tool = wellFormed(messages[c.seq]?.toolCalls?.[c.idx]?.tool ?? '');
    seqs[lowered.length] = c.seq;
    idxs[lowered.length] = c.idx;
    lowered.push(lowerAsDuckDB(`${tool} ${c.parameters ?? ''} ${c.result ?? ''}`, map));
  }
  const joined = lowered.join('');
  const bytes = Buffer.from(joined, 'utf8');
  const ends = new Uint32Array(count);
  let end = 0;
  for (let i = 0; i < count; i++) {
    const row = lowered[i] as string;
    // the UTF-8 of ASCII is as long as the text; anything else is measured
    end += bytes.length === joined.length ? row.length : Buffer.byteLength(row, 'utf8');
    ends[i] = end;
  }
  const rows = { seqs, idxs, ends, text: bytes };
  grams ??= new GramSet();
  grams.clear();
  let start = 0;
  for (let i = 0; i < count; i++) {
    grams.add(bytes, start, ends[i] as number);
    start = ends[i] as number;
  }
  const found = rowsHolding(rows, job.needle);
  records.push(record(rows));
  return {
    sid: file.sid,
    changed: false,
    signature: signature(grams),
    place: undefined,
    rows: found,
  };
}

export function searchFiles(job: SearchJob): FileFound[] {
  const map = mapOf(job.cases);
  const fds = new Map<string, number>();
  const records: Buffer[] = [];
  const out: FileFound[] = [];
  try {
    for (const f of job.files) {
      const stored = f.place ? readRecord(job.store, f.place, fds) : undefined;
      if (stored) {
        const rows = rowsHolding(stored, job.needle);
        out.push({ sid: f.sid, changed: false, signature: undefined, place: undefined, rows });
      } else {
        out.push(readFile(f, job, map, records));
      }
    }
  } finally {
    closeAll(fds);
  }
  if (records.length > 0) {
    const places = writeStore(job.store, records);
    let i = 0;
    for (const f of out) if (f.signature) f.place = places[i++];
  }
  return out;
}
