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

type Utf8Write = (this: Buffer, text: string, at: number) => number;

/**
 * Node's own UTF-8 write of a Buffer, under Buffer.write (a lone surrogate becomes U+FFFD, as
 * there), without the checks of its arguments: a store's rows are millions of short writes.
 */
const utf8Write: Utf8Write =
  (Buffer.prototype as unknown as { utf8Write?: Utf8Write }).utf8Write ??
  function (this: Buffer, text: string, at: number) {
    return this.write(text, at, 'utf8');
  };

/**
 * Records written one after another into one buffer (kept from one batch to the next), then
 * into a new store file: a row's text is written straight into its place, not copied there.
 */
export class StoreWriter {
  buf: Buffer;
  /** Where the next byte goes. */
  at = 0;
  private readonly lengths: number[] = [];
  private start = 0;
  private header = 0;
  private rows = 0;
  /** Where the records are written, when not a buffer of their own (GramSet.textBuffer). */
  private readonly place: ((bytes: number) => Buffer) | undefined;

  /**
   * `place`: a buffer of at least n bytes holding the bytes of the one given before at the same
   * places; by default a new buffer, each copied into the next.
   */
  constructor(place?: (bytes: number) => Buffer) {
    this.place = place;
    this.buf = place ? place(1 << 22) : Buffer.allocUnsafe(1 << 22);
  }

  /** Room for `bytes` more bytes at `at`. */
  reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const size = Math.max(this.buf.length * 2, this.at + bytes);
    if (this.place) {
      this.buf = this.place(size);
      return;
    }
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  /** The record being written's rows, as `end` returns them. */
  private seqs = new Int32Array(0);
  private idxs = new Int32Array(0);
  private ends = new Uint32Array(0);
  private text = 0;

  /** Starts a record of `count` rows: their texts follow, each ended by `endRow`. */
  begin(count: number): void {
    this.start = this.at;
    this.header = this.at + 4;
    this.rows = 0;
    this.reserve(4 + count * 12);
    this.buf.writeUInt32LE(count, this.at);
    this.at += 4 + count * 12;
    this.text = this.at;
    this.seqs = new Int32Array(count);
    this.idxs = new Int32Array(count);
    this.ends = new Uint32Array(count);
  }

  /** Writes `text` as UTF-8 at `at`; the number of bytes. */
  write(text: string): number {
    this.reserve(text.length * 3);
    const n = utf8Write.call(this.buf, text, this.at);
    this.at += n;
    return n;
  }

  /** Writes one byte. */
  byte(value: number): void {
    this.reserve(1);
    this.buf[this.at++] = value;
  }

  /** Ends the row whose text was written last. */
  endRow(seq: number, idx: number): void {
    const h = this.header + this.rows * 12;
    const end = this.at - this.text;
    this.buf.writeInt32LE(seq, h);
    this.buf.writeInt32LE(idx, h + 4);
    this.buf.writeUInt32LE(end, h + 8);
    this.seqs[this.rows] = seq;
    this.idxs[this.rows] = idx;
    this.ends[this.rows] = end;
    this.rows++;
  }

  /** Ends the record: its rows, as a reader of the store file would find them (parseRecord). */
  end(): StoredRows {
    this.lengths.push(this.at - this.start);
    const { seqs, idxs, ends } = this;
    return { seqs, idxs, ends, text: this.buf.subarray(this.text, this.at) };
  }

  /** Writes the records so far into a new store file of `dir`: where each one is, in order. */
  flush(dir: string): RecordPlace[] {
    const store = `${process.pid}-${Date.now().toString(36)}-${(written++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    writeFileSync(join(dir, store), this.buf.subarray(0, this.at), { mode: 0o600 });
    let at = 0;
    const places = this.lengths.map((length) => {
      const place = { store, at, length };
      at += length;
      return place;
    });
    this.clear();
    return places;
  }

  /** Drops the records written so far. */
  clear(): void {
    this.lengths.length = 0;
    this.at = 0;
  }
}

let written = 0;

/** No row. */
const NONE = new Int32Array(0);

/**
 * The bytes of `length` bytes of a store file from `at` (records one after another, read in one
 * go: a read per record cost more than the search of its bytes), or as many as the file has;
 * undefined when it cannot be read. `into` gives the buffer to read them into
 * (NeedleFinder.buffer), when not one of their own.
 */
export function readStored(
  dir: string,
  store: string,
  at: number,
  length: number,
  fds: Map<string, number>,
  into?: (bytes: number) => Buffer | undefined,
): Buffer | undefined {
  try {
    let fd = fds.get(store);
    if (fd === undefined) {
      fd = openSync(join(dir, store), 'r');
      fds.set(store, fd);
    }
    const buf = into?.(length) ?? Buffer.allocUnsafe(length);
    let read = 0;
    for (;;) {
      const n = readSync(fd, buf, read, length - read, at + read);
      read += n;
      if (n === 0 || read === length) return buf.subarray(0, read);
    }
  } catch {
    return undefined;
  }
}

export function closeAll(fds: Map<string, number>): void {
  for (const fd of fds.values()) closeSync(fd);
  fds.clear();
}

/** The u32 at `at`, little-endian (the record's header: not aligned, so no typed array over it). */
function u32(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000
  );
}

/**
 * The rows of the record of `length` bytes at `start` of `buf` whose own bytes hold `needle`, as
 * rowsHolding gives them; undefined when the record is not whole (its rows' ends out of order,
 * or not ending where its bytes do). A row's seq and idx are read only where the needle is.
 */
export function rowsInRecord(
  buf: Uint8Array,
  start: number,
  length: number,
  needle: Uint8Array,
  indexOf?: IndexOf,
): Int32Array | undefined {
  if (length < 4) return undefined;
  const count = u32(buf, start);
  const head = start + 4;
  if (count > (length - 4) / 12) return undefined;
  const text = buf.subarray(head + count * 12, start + length);
  const size = text.length;
  const bytes = indexOf ? undefined : Buffer.from(text.buffer, text.byteOffset, size);
  let found: number[] | undefined;
  // row is the row whose end was read last, end its end
  let row = -1;
  let end = 0;
  let at = 0;
  while (at < size) {
    const p = bytes ? bytes.indexOf(needle, at) : (indexOf as IndexOf)(text, needle, at);
    if (p < 0) break;
    while (end <= p && row + 1 < count) {
      const next = u32(buf, head + ++row * 12 + 8);
      if (next < end) return undefined;
      end = next;
    }
    if (end <= p) break;
    if (p + needle.length <= end) {
      const h = head + row * 12;
      found ??= [];
      found.push(u32(buf, h) | 0, u32(buf, h + 4) | 0);
      at = end;
    } else {
      at = p + 1;
    }
  }
  while (row + 1 < count) {
    const next = u32(buf, head + ++row * 12 + 8);
    if (next < end) return undefined;
    end = next;
  }
  if (end !== size) return undefined;
  return found ? Int32Array.from(found) : NONE;
}

/** Where `needle` first is in `text` at or after `from` (at least 0), or -1. */
export type IndexOf = (text: Uint8Array, needle: Uint8Array, from: number) => number;

/**
 * The rows whose own bytes hold `needle` (a match across two rows is none): their seq and idx, one
 * pair after another (one typed array, which a worker's message copies whole, where thousands of
 * small arrays were each copied on their own). For a record just written; one read back from the
 * store is searched by rowsInRecord.
 */
export function rowsHolding(rows: StoredRows, needle: Uint8Array): Int32Array {
  const { text, ends } = rows;
  const bytes = Buffer.from(text.buffer, text.byteOffset, text.length);
  let found: number[] | undefined;
  let row = 0;
  let at = 0;
  while (at < text.length) {
    const p = bytes.indexOf(needle, at);
    if (p < 0) break;
    while (row < ends.length && (ends[row] as number) <= p) row++;
    if (row >= ends.length) break;
    const end = ends[row] as number;
    if (p + needle.length <= end) {
      found ??= [];
      found.push(rows.seqs[row] as number, rows.idxs[row] as number);
      at = end;
    } else {
      at = p + 1;
    }
  }
  return found ? Int32Array.from(found) : NONE;
}
