/**
 * Writing parsed files into the index. Every table of a build goes a vector at a time, as data
 * chunks filled column by column from the batch: a value-by-value append is a call into the
 * native layer per value, and with hundreds of thousands of rows those calls were most of a cold
 * build's main thread. The text tables of archives (few, and read whole) go value by value.
 */
import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBType,
} from '@duckdb/node-api';
import { loadBindings, loadDuckDB } from './duckdb-load.js';
import type { ParsedBatch, ParsedFile } from './parse-files.js';
import { CALL_KINDS, ROLES, type SessionRow, type SessionText } from './session-rows.js';

export interface Appenders {
  files: DuckDBAppender;
  sessions: DuckDBAppender;
  listEntries: DuckDBAppender;
  browseRows: DuckDBAppender;
  messages: DuckDBAppender;
  toolCalls: DuckDBAppender;
  apiCalls: DuckDBAppender;
  /** Only where text comes with the rows (archives). */
  text?: TextAppenders | undefined;
}

export async function openAppenders(conn: DuckDBConnection, withText = false): Promise<Appenders> {
  return {
    files: await conn.createAppender('files'),
    sessions: await conn.createAppender('sessions'),
    listEntries: await conn.createAppender('list_entries'),
    browseRows: await conn.createAppender('browse_rows'),
    messages: await conn.createAppender('message_rows'),
    toolCalls: await conn.createAppender('tool_call_rows'),
    apiCalls: await conn.createAppender('api_calls'),
    text: withText ? await openTextAppenders(conn) : undefined,
  };
}

/**
 * Writes what the appenders hold into the current transaction, keeping them for the next one:
 * a closed appender's native memory waits for the garbage collector, which runs seldom on a
 * main thread that only appends, so opening seven new ones at each commit of a build made its
 * memory grow with the number of files.
 */
export function flushAppenders(a: Appenders): void {
  const all = [a.files, a.sessions, a.listEntries, a.browseRows, a.messages, a.toolCalls];
  for (const ap of [...all, a.apiCalls]) ap.flushSync();
  if (a.text) for (const ap of [a.text.messages, a.text.toolCalls, a.text.loaded]) ap.flushSync();
}

export function closeAppenders(a: Appenders): void {
  const all = [a.files, a.sessions, a.listEntries, a.browseRows, a.messages, a.toolCalls];
  for (const ap of [...all, a.apiCalls]) ap.closeSync();
  if (a.text) closeTextAppenders(a.text);
}

function nullableVarchar(ap: DuckDBAppender, value: string | null): void {
  if (value === null) ap.appendNull();
  else ap.appendVarchar(value);
}

/** The text tables (text.ts), written with the rows for archives and on first use for live files. */
export interface TextAppenders {
  messages: DuckDBAppender;
  toolCalls: DuckDBAppender;
  loaded: DuckDBAppender;
}

export async function openTextAppenders(conn: DuckDBConnection): Promise<TextAppenders> {
  return {
    messages: await conn.createAppender('message_text'),
    toolCalls: await conn.createAppender('tool_call_text'),
    loaded: await conn.createAppender('text_loaded'),
  };
}

export function closeTextAppenders(t: TextAppenders): void {
  for (const ap of [t.messages, t.toolCalls, t.loaded]) ap.closeSync();
}

export function appendText(t: TextAppenders, sid: number, text: SessionText): void {
  for (const m of text.messages) {
    t.messages.appendInteger(sid);
    t.messages.appendInteger(m.seq);
    t.messages.appendVarchar(m.content);
    t.messages.endRow();
  }
  for (const c of text.toolCalls) {
    const ap = t.toolCalls;
    ap.appendInteger(sid);
    ap.appendInteger(c.seq);
    ap.appendInteger(c.idx);
    nullableVarchar(ap, c.parameters);
    nullableVarchar(ap, c.result);
    ap.endRow();
  }
  t.loaded.appendInteger(sid);
  t.loaded.endRow();
}

type Bindings = ReturnType<typeof loadBindings>;
type Vector = ReturnType<Bindings['data_chunk_get_vector']>;

/**
 * How a column of a chunk is filled: rows `start` to `start + count` of the batch into `vector`.
 * Numbers are written a vector at a time, in the layout DuckDB's C API gives its vectors
 * (little-endian, 64-bit integers as two 32-bit words, a bit per row for NULLs), with no value
 * made per row: making a BigInt per value (and a shift per NULL) was most of a cold build's
 * main thread.
 */
export type Fill = (b: Bindings, vector: Vector, start: number, count: number) => void;

const TWO_32 = 4294967296;

/**
 * Marks row `r` of a chunk of `count` rows NULL in `validity`, made (all rows valid, in 64-bit
 * words as DuckDB keeps it) at the first NULL; returns it.
 */
function setNull(validity: Uint32Array | undefined, count: number, r: number): Uint32Array {
  const v = validity ?? new Uint32Array(2 * Math.ceil(count / 64)).fill(0xffffffff);
  v[r >>> 5] = (v[r >>> 5] as number) & ~(1 << (r & 31));
  return v;
}

function copyTo(b: Bindings, vector: Vector, view: ArrayBufferView): void {
  b.copy_data_to_vector(vector, 0, view.buffer as ArrayBuffer, view.byteOffset, view.byteLength);
}

function copyValidity(b: Bindings, vector: Vector, validity: Uint32Array | undefined): void {
  if (!validity) return;
  b.vector_ensure_validity_writable(vector);
  b.copy_data_to_vector_validity(vector, 0, validity.buffer as ArrayBuffer, 0, validity.byteLength);
}

/**
 * An INTEGER or DOUBLE column, or a BOOLEAN or one-byte ENUM one (0/1, the enum's index): the
 * batch's own values, copied from a view of its array.
 */
export const copyCol =
  (values: Int32Array | Uint8Array | Float64Array): Fill =>
  (b, vector, start, count) =>
    copyTo(b, vector, values.subarray(start, start + count));

/** The sid column: `first` plus the row's file in the batch. */
const sidCol =
  (file: Int32Array, first: number): Fill =>
  (b, vector, start, count) => {
    const out = new Int32Array(count);
    for (let r = 0; r < count; r++) out[r] = first + (file[start + r] as number);
    copyTo(b, vector, out);
  };

/** An INTEGER column from a Float64 one, NaN for NULL. */
export const nullableInt32Col =
  (values: Float64Array): Fill =>
  (b, vector, start, count) => {
    const out = new Int32Array(count);
    let validity: Uint32Array | undefined;
    for (let r = 0; r < count; r++) {
      const v = values[start + r] as number;
      if (Number.isNaN(v)) validity = setNull(validity, count, r);
      else out[r] = v;
    }
    copyTo(b, vector, out);
    copyValidity(b, vector, validity);
  };

/** A column of NULLs only, of any type. */
export const nullCol: Fill = (b, vector, _start, count) =>
  copyValidity(b, vector, new Uint32Array(2 * Math.ceil(count / 64)));

/**
 * A BIGINT column from a Float64 one holding whole numbers (NaN for NULL), or a TIMESTAMPTZ one
 * from epoch milliseconds (`micros`: times 1000, exactly, past 2^53 too).
 */
const int64Col =
  (values: Float64Array, micros = false): Fill =>
  (b, vector, start, count) => {
    const words = new Int32Array(2 * count);
    let validity: Uint32Array | undefined;
    for (let r = 0; r < count; r++) {
      const v = values[start + r] as number;
      if (Number.isNaN(v)) {
        validity = setNull(validity, count, r);
        continue;
      }
      // the usual cases: a count below 2^32, a time whose microseconds are a safe integer
      if (!micros && v >= 0 && v < TWO_32) {
        words[2 * r] = v | 0;
        continue;
      }
      if (micros) {
        const x = v * 1000;
        if (Number.isSafeInteger(x)) {
          const high = Math.floor(x / TWO_32);
          words[2 * r] = (x - high * TWO_32) | 0;
          words[2 * r + 1] = high | 0;
          continue;
        }
      }
      // v = hi * 2^32 + lo, 0 <= lo < 2^32: exact for any safe integer, negative ones too
      let lo = v % TWO_32;
      let hi = (v - lo) / TWO_32;
      if (lo < 0) {
        lo += TWO_32;
        hi -= 1;
      }
      if (micros) {
        // (hi * 2^32 + lo) * 1000: lo * 1000 < 2^42 is exact, its carry goes to the high word
        const low = lo * 1000;
        lo = low % TWO_32;
        hi = hi * 1000 + (low - lo) / TWO_32;
      }
      words[2 * r] = lo | 0;
      words[2 * r + 1] = hi | 0;
    }
    copyTo(b, vector, words);
    copyValidity(b, vector, validity);
  };

/** Room for a string DuckDB keeps inside its 16-byte entry instead of pointing to it. */
const INLINED = 12;

const utf8 = new TextEncoder();

/**
 * The 16-byte entries of short strings met lately (null: longer than 12 bytes once encoded):
 * names of tools and models repeat over hundreds of thousands of rows.
 */
const entries = new Map<string, Uint32Array | null>();

function entryOf(v: string): Uint32Array | null {
  let e = entries.get(v);
  if (e !== undefined) return e;
  e = null;
  if (v.length <= INLINED) {
    const words = new Uint32Array(4);
    const { read, written } = utf8.encodeInto(v, new Uint8Array(words.buffer, 4, INLINED));
    if (read === v.length) {
      words[0] = written;
      e = words;
    }
  }
  if (entries.size >= 4096) entries.clear();
  entries.set(v, e);
  return e;
}

/**
 * A VARCHAR column (NULL where the value is null), written a vector at a time in DuckDB's own
 * layout of a string vector (the C API's duckdb_string_t, 16 bytes a row): a string of up to 12
 * bytes is held inside its entry, so it is written here with no call into the native layer; a
 * longer one is given to DuckDB once per vector, which copies it into the vector's own memory,
 * and every row with the same value points to that copy. A call per value (names of tools and
 * models, a few distinct ones over hundreds of thousands of rows) was the main thread's largest
 * item in a cold build. `unique`: values seldom repeat (paths, entries), so none is looked for.
 */
const varcharCol =
  (values: readonly (string | null)[], unique = false): Fill =>
  (b, vector, start, count) => {
    const words = new Uint32Array(4 * count);
    const bytes = new Uint8Array(words.buffer);
    let validity: Uint32Array | undefined;
    // the row DuckDB holds each longer value at, and the rows that point to it
    const held = new Map<string, number>();
    const given: number[] = [];
    const pointing: number[] = [];
    for (let r = 0; r < count; r++) {
      const v = values[start + r] as string | null;
      if (v === null) {
        validity = setNull(validity, count, r);
        continue;
      }
      if (v.length <= INLINED) {
        if (!unique) {
          const e = entryOf(v);
          if (e !== null) {
            words[4 * r] = e[0] as number;
            words[4 * r + 1] = e[1] as number;
            words[4 * r + 2] = e[2] as number;
            words[4 * r + 3] = e[3] as number;
            continue;
          }
        } else {
          const { read, written } = utf8.encodeInto(v, bytes.subarray(16 * r + 4, 16 * r + 16));
          if (read === v.length) {
            words[4 * r] = written;
            continue;
          }
          // longer than 12 bytes once encoded: the bytes written are left to DuckDB to replace
          bytes.fill(0, 16 * r + 4, 16 * r + 16);
        }
      }
      const at = unique ? undefined : held.get(v);
      if (at === undefined) {
        b.vector_assign_string_element(vector, r, v);
        if (unique) given.push(r);
        else held.set(v, r);
      } else pointing.push(at, r);
    }
    if (held.size > 0 || given.length > 0) {
      // the entries DuckDB wrote (length, prefix, pointer), then the same for their copies
      const own = new Uint32Array(b.vector_get_data(vector, 16 * count).slice().buffer);
      for (const r of unique ? given : held.values())
        words.set(own.subarray(4 * r, 4 * r + 4), 4 * r);
      for (let k = 0; k < pointing.length; k += 2) {
        const at = pointing[k] as number;
        words.set(own.subarray(4 * at, 4 * at + 4), 4 * (pointing[k + 1] as number));
      }
    }
    copyTo(b, vector, words);
    copyValidity(b, vector, validity);
  };

/**
 * Codes of the batch (indexes into `names`) as the indexes of the same values in the ENUM
 * column `type`: the same array when they agree, as they do for the tables' own enums.
 */
function enumCodes(codes: Uint8Array, names: readonly string[], type: DuckDBType): Uint8Array {
  const { DuckDBTypeId } = loadDuckDB();
  if (type.typeId !== DuckDBTypeId.ENUM || type.internalTypeId !== DuckDBTypeId.UTINYINT) {
    throw new Error(`expected a one-byte ENUM column, found ${type.toString()}`);
  }
  const map = names.map((n) => type.indexForValue(n));
  if (map.every((k, i) => k === i)) return codes;
  return codes.map((k) => map[k] as number);
}

/**
 * Appends `length` rows, through data chunks of DuckDB's vector size. `columns` follow the
 * table's column order; `given` are chunk types in place of the table's, which DuckDB casts
 * from as it appends.
 */
export function appendColumns(
  ap: DuckDBAppender,
  length: number,
  columns: Fill[],
  given?: ReadonlyMap<number, DuckDBType>,
): void {
  if (length === 0) return;
  const b = loadBindings();
  const chunk = chunkFor(ap, columns.length, given);
  const size = b.vector_size();
  for (let start = 0; start < length; start += size) {
    const count = Math.min(size, length - start);
    // emptied (every row valid again, no strings) and filled anew for each vector of rows
    chunk.reset();
    chunk.rowCount = count;
    columns.forEach((fill, c) => {
      fill(b, b.data_chunk_get_vector(chunk.chunk, c), start, count);
    });
    ap.appendDataChunk(chunk);
  }
}

/**
 * The one data chunk an appender's rows go through, made at its first rows. A chunk per vector
 * of rows left its native memory to the garbage collector, which runs seldom on a main thread
 * that only appends: a build's memory grew with the number of files.
 */
const chunks = new WeakMap<DuckDBAppender, DuckDBDataChunk>();

function chunkFor(
  ap: DuckDBAppender,
  columns: number,
  given?: ReadonlyMap<number, DuckDBType>,
): DuckDBDataChunk {
  let chunk = chunks.get(ap);
  if (!chunk) {
    const { DuckDBDataChunk } = loadDuckDB();
    const types: DuckDBType[] = Array.from(
      { length: columns },
      (_, c) => given?.get(c) ?? ap.columnType(c),
    );
    chunk = DuckDBDataChunk.create(types);
    chunks.set(ap, chunk);
  }
  return chunk;
}

/** Appends a batch: its files get the sids `firstSid`, `firstSid + 1`, ... in order. */
export function appendBatch(a: Appenders, firstSid: number, batch: ParsedBatch): void {
  appendFiles(a, firstSid, batch.files);
  if (a.text) {
    const text = a.text;
    batch.files.forEach((f, i) => {
      if (f.session && f.text) appendText(text, firstSid + i, f.text);
    });
  }
  const m = batch.messages;
  appendColumns(a.messages, m.length, [
    sidCol(m.file, firstSid),
    copyCol(m.seq),
    copyCol(enumCodes(m.role, ROLES, a.messages.columnType(2))),
    int64Col(m.ts, true),
    copyCol(m.toolCalls),
    int64Col(m.input),
    int64Col(m.output),
    copyCol(m.interrupted),
    nullableInt32Col(m.replyMs),
  ]);
  const t = batch.toolCalls;
  appendColumns(a.toolCalls, t.length, [
    sidCol(t.file, firstSid),
    copyCol(t.seq),
    copyCol(t.idx),
    varcharCol(t.tool),
    copyCol(t.failed),
  ]);
  const c = batch.apiCalls;
  appendColumns(a.apiCalls, c.length, [
    sidCol(c.file, firstSid),
    copyCol(c.seq),
    copyCol(c.idx),
    copyCol(enumCodes(c.kind, CALL_KINDS, a.apiCalls.columnType(3))),
    varcharCol(c.model),
    copyCol(c.known),
    int64Col(c.input),
    int64Col(c.output),
    int64Col(c.cachedInput),
    int64Col(c.reasoning),
    int64Col(c.costTicks),
  ]);
}

/** The rows of each file (`files`) and of each session read (`sessions`, and its entries). */
function appendFiles(a: Appenders, firstSid: number, files: readonly ParsedFile[]): void {
  const n = files.length;
  const sids = Int32Array.from(files, (_, i) => firstSid + i);
  appendColumns(a.files, n, [
    copyCol(sids),
    varcharCol(files.map((f) => f.source)),
    varcharCol(
      files.map((f) => f.path),
      true,
    ),
    varcharCol(
      files.map((f) => f.name),
      true,
    ),
    int64Col(Float64Array.from(files, (f) => f.size)),
    copyCol(Float64Array.from(files, (f) => f.mtimeMs)),
    varcharCol(files.map((f) => f.status)),
    varcharCol(files.map((f) => f.reason)),
  ]);
  const read: { sid: number; f: ParsedFile; s: SessionRow }[] = [];
  files.forEach((f, i) => {
    if (f.session) read.push({ sid: firstSid + i, f, s: f.session });
  });
  const k = read.length;
  if (k === 0) return;
  const sid = Int32Array.from(read, (r) => r.sid);
  const col = <T>(pick: (s: SessionRow) => T) => read.map((r) => pick(r.s));
  const num = (pick: (s: SessionRow) => number | null) =>
    Float64Array.from(read, (r) => pick(r.s) ?? Number.NaN);
  appendColumns(
    a.sessions,
    k,
    [
      copyCol(sid),
      varcharCol(read.map((r) => r.f.source)),
      varcharCol(
        read.map((r) => r.f.name),
        true,
      ),
      varcharCol(
        col((s) => s.sessionId),
        true,
      ),
      varcharCol(col((s) => s.name)),
      listCol(col((s) => s.tags)),
      varcharCol(col((s) => s.startTime)),
      varcharCol(col((s) => s.endTime)),
      varcharCol(col((s) => s.lastActivity)),
      int64Col(num((s) => s.durationMs)),
      varcharCol(col((s) => s.model)),
      varcharCol(col((s) => s.status)),
      varcharCol(col((s) => s.workingDirectory)),
      copyCol(Int32Array.from(read, (r) => r.s.messages)),
      copyCol(Int32Array.from(read, (r) => r.s.toolCalls)),
      int64Col(num((s) => s.input)),
      int64Col(num((s) => s.output)),
      int64Col(num((s) => s.total)),
      copyCol(Uint8Array.from(read, (r) => (r.s.interrupted ? 1 : 0))),
    ],
    timesAsText(),
  );
  appendColumns(a.listEntries, k, [
    copyCol(sid),
    varcharCol(
      col((s) => s.listEntry),
      true,
    ),
  ]);
  appendColumns(a.browseRows, k, [
    copyCol(sid),
    varcharCol(
      col((s) => s.firstUser),
      true,
    ),
    varcharCol(
      col((s) => s.browseEntry),
      true,
    ),
  ]);
}

/**
 * The sessions' three times go to DuckDB as the text the rows hold (ISO 8601), which it casts to
 * TIMESTAMPTZ as it appends, as it did from the value-by-value appender.
 */
let sessionTimes: ReadonlyMap<number, DuckDBType> | undefined;

function timesAsText(): ReadonlyMap<number, DuckDBType> {
  if (!sessionTimes) {
    const { VARCHAR } = loadDuckDB();
    sessionTimes = new Map([
      [6, VARCHAR],
      [7, VARCHAR],
      [8, VARCHAR],
    ]);
  }
  return sessionTimes;
}

/**
 * A VARCHAR[] column, never NULL: each row's entry (offset and length into the child vector, two
 * 64-bit words) and the child's strings.
 */
const listCol =
  (values: readonly (readonly string[])[]): Fill =>
  (b, vector, start, count) => {
    const entries = new Uint32Array(4 * count);
    const items: string[] = [];
    for (let r = 0; r < count; r++) {
      const list = values[start + r] as readonly string[];
      entries[4 * r] = items.length;
      entries[4 * r + 2] = list.length;
      for (const item of list) items.push(item);
    }
    copyTo(b, vector, entries);
    b.list_vector_reserve(vector, items.length);
    b.list_vector_set_size(vector, items.length);
    if (items.length > 0) varcharCol(items)(b, b.list_vector_get_child(vector), 0, items.length);
  };
