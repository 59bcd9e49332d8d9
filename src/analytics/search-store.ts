/**
 * The search index's text store: the searchable rows of each live session the index has a
 * signature for, lowered as DuckDB's lower() lowers them, in UTF-8, in store files beside the
 * index (one file per batch of sessions read together: creating thousands of small files cost
 * more than reading the sessions). A later search reads only the records of the sessions whose
 * signature may hold the needle, never their session files: finding the needle is a byte search
 * (Buffer.indexOf), with no JSON to parse and no text to lower. A store file is written before
 * the signatures that point into it are committed; a file no signature points into is removed;
 * a record that cannot be read back whole sends the search to the session file.
 *
 * A record: u32 row count; per row i32 seq, i32 idx (-1 for a message), u32 end (where its bytes
 * end in the text); then the rows' bytes, one after another.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A session's rows, lowered: where each ends in `text`, and which message or call it is. */
export interface StoredRows {
  seqs: Int32Array;
  /** -1 for a message. */
  idxs: Int32Array;
  ends: Uint32Array;
  text: Uint8Array;
}

/** Where a session's record is. */
export interface RecordPlace {
  store: string;
  at: number;
  length: number;
}

export function record(rows: StoredRows): Buffer {
  const count = rows.seqs.length;
  const out = Buffer.allocUnsafe(4 + count * 12 + rows.text.length);
  out.writeUInt32LE(count, 0);
  for (let i = 0; i < count; i++) {
    out.writeInt32LE(rows.seqs[i] as number, 4 + i * 12);
    out.writeInt32LE(rows.idxs[i] as number, 8 + i * 12);
    out.writeUInt32LE(rows.ends[i] as number, 12 + i * 12);
  }
  out.set(rows.text, 4 + count * 12);
  return out;
}

let written = 0;

/** Writes records into a new store file of `dir`: where each one is, in order. */
export function writeStore(dir: string, records: readonly Buffer[]): RecordPlace[] {
  const store = `${process.pid}-${Date.now().toString(36)}-${(written++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(join(dir, store), Buffer.concat(records), { mode: 0o600 });
  let at = 0;
  return records.map((r) => {
    const place = { store, at, length: r.length };
    at += r.length;
    return place;
  });
}

/** A record read back, or undefined when it is not there whole. */
export function readRecord(
  dir: string,
  place: RecordPlace,
  fds: Map<string, number>,
): StoredRows | undefined {
  try {
    let fd = fds.get(place.store);
    if (fd === undefined) {
      fd = openSync(join(dir, place.store), 'r');
      fds.set(place.store, fd);
    }
    const buf = Buffer.allocUnsafe(place.length);
    if (readSync(fd, buf, 0, place.length, place.at) !== place.length) return undefined;
    return parseRecord(buf);
  } catch {
    return undefined;
  }
}

export function closeAll(fds: Map<string, number>): void {
  for (const fd of fds.values()) closeSync(fd);
  fds.clear();
}

function parseRecord(buf: Buffer): StoredRows | undefined {
  if (buf.length < 4) return undefined;
  const count = buf.readUInt32LE(0);
  const start = 4 + count * 12;
  if (buf.length < start) return undefined;
  const rows: StoredRows = {
    seqs: new Int32Array(count),
    idxs: new Int32Array(count),
    ends: new Uint32Array(count),
    text: buf.subarray(start),
  };
  let last = 0;
  for (let i = 0; i < count; i++) {
    rows.seqs[i] = buf.readInt32LE(4 + i * 12);
    rows.idxs[i] = buf.readInt32LE(8 + i * 12);
    const end = buf.readUInt32LE(12 + i * 12);
    if (end < last) return undefined;
    rows.ends[i] = last = end;
  }
  return last === rows.text.length ? rows : undefined;
}

/** The rows whose own bytes hold `needle` (a match across two rows is none), as [seq, idx]. */
export function rowsHolding(rows: StoredRows, needle: Uint8Array): [number, number][] {
  const { text, ends } = rows;
  const bytes = Buffer.from(text.buffer, text.byteOffset, text.length);
  const found: [number, number][] = [];
  let row = 0;
  let at = 0;
  while (at < bytes.length) {
    const p = bytes.indexOf(needle, at);
    if (p < 0) break;
    while (row < ends.length && (ends[row] as number) <= p) row++;
    if (row >= ends.length) break;
    const end = ends[row] as number;
    if (p + needle.length <= end) {
      found.push([rows.seqs[row] as number, rows.idxs[row] as number]);
      at = end;
    } else {
      at = p + 1;
    }
  }
  return found;
}
