/**
 * Writing parsed files into the index. The few rows per file (`files`, `sessions`) go through
 * DuckDB's appender value by value; the many message and tool-call rows go a vector at a time, as
 * data chunks filled from the batch's typed arrays: a value-by-value append is a call into the
 * native layer per value, and with hundreds of thousands of rows those calls were most of a cold
 * build's main thread.
 */
import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBListType,
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

function appendFile(ap: DuckDBAppender, sid: number, f: ParsedFile): void {
  ap.appendInteger(sid);
  ap.appendVarchar(f.source);
  ap.appendVarchar(f.path);
  ap.appendVarchar(f.name);
  ap.appendBigInt(BigInt(f.size));
  ap.appendDouble(f.mtimeMs);
  ap.appendVarchar(f.status);
  nullableVarchar(ap, f.reason);
  ap.endRow();
}

type NativeValue = ReturnType<Bindings['create_varchar']>;
type NativeAppender = Parameters<Bindings['append_value']>[0];

/**
 * What the tags column is appended with: its type, and the empty list most sessions have, made
 * once per appender. Made per row, they were native objects left to the garbage collector,
 * which runs seldom on a main thread that only appends (and calls that showed in a profile).
 */
const tagColumns = new WeakMap<DuckDBAppender, { type: DuckDBListType; empty: NativeValue }>();

function appendTags(ap: DuckDBAppender, tags: string[]): void {
  let col = tagColumns.get(ap);
  if (!col) {
    const b = loadBindings();
    const type = ap.columnType(5) as DuckDBListType;
    const empty = b.create_list_value(type.valueType.toLogicalType().logical_type, []);
    col = { type, empty };
    tagColumns.set(ap, col);
  }
  if (tags.length > 0) ap.appendList(tags, col.type);
  // the API's appender keeps the native one to itself; appendList would make the value anew
  else
    loadBindings().append_value(
      (ap as unknown as { appender: NativeAppender }).appender,
      col.empty,
    );
}

function appendSession(ap: DuckDBAppender, sid: number, f: ParsedFile, s: SessionRow): void {
  ap.appendInteger(sid);
  ap.appendVarchar(f.source);
  ap.appendVarchar(f.name);
  ap.appendVarchar(s.sessionId);
  nullableVarchar(ap, s.name);
  appendTags(ap, s.tags);
  ap.appendVarchar(s.startTime);
  nullableVarchar(ap, s.endTime);
  nullableVarchar(ap, s.lastActivity);
  if (s.durationMs === null) ap.appendNull();
  else ap.appendBigInt(BigInt(s.durationMs));
  ap.appendVarchar(s.model);
  nullableVarchar(ap, s.status);
  ap.appendVarchar(s.workingDirectory);
  ap.appendInteger(s.messages);
  ap.appendInteger(s.toolCalls);
  ap.appendBigInt(BigInt(s.input));
  ap.appendBigInt(BigInt(s.output));
  ap.appendBigInt(BigInt(s.total));
  ap.appendBoolean(s.interrupted);
  ap.endRow();
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
type Fill = (b: Bindings, vector: Vector, start: number, count: number) => void;

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
 * An INTEGER column, or a BOOLEAN or one-byte ENUM one (0/1, the enum's index): the batch's own
 * values, copied from a view of its array.
 */
const copyCol =
  (values: Int32Array | Uint8Array): Fill =>
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
const nullableInt32Col =
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

/** A VARCHAR column, NOT NULL. */
const varcharCol =
  (values: readonly string[]): Fill =>
  (b, vector, start, count) => {
    for (let r = 0; r < count; r++) {
      b.vector_assign_string_element(vector, r, values[start + r] as string);
    }
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
 * table's column order.
 */
function appendColumns(ap: DuckDBAppender, length: number, columns: Fill[]): void {
  if (length === 0) return;
  const b = loadBindings();
  const chunk = chunkFor(ap, columns.length);
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

function chunkFor(ap: DuckDBAppender, columns: number): DuckDBDataChunk {
  let chunk = chunks.get(ap);
  if (!chunk) {
    const { DuckDBDataChunk } = loadDuckDB();
    const types: DuckDBType[] = Array.from({ length: columns }, (_, c) => ap.columnType(c));
    chunk = DuckDBDataChunk.create(types);
    chunks.set(ap, chunk);
  }
  return chunk;
}

/** Appends a batch: its files get the sids `firstSid`, `firstSid + 1`, ... in order. */
export function appendBatch(a: Appenders, firstSid: number, batch: ParsedBatch): void {
  batch.files.forEach((f, i) => {
    const sid = firstSid + i;
    appendFile(a.files, sid, f);
    if (f.session) {
      appendSession(a.sessions, sid, f, f.session);
      a.listEntries.appendInteger(sid);
      a.listEntries.appendVarchar(f.session.listEntry);
      a.listEntries.endRow();
      a.browseRows.appendInteger(sid);
      nullableVarchar(a.browseRows, f.session.firstUser);
      a.browseRows.appendVarchar(f.session.browseEntry);
      a.browseRows.endRow();
    }
    if (f.session && f.text && a.text) appendText(a.text, sid, f.text);
  });
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
