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

function appendSession(ap: DuckDBAppender, sid: number, f: ParsedFile, s: SessionRow): void {
  ap.appendInteger(sid);
  ap.appendVarchar(f.source);
  ap.appendVarchar(f.name);
  ap.appendVarchar(s.sessionId);
  nullableVarchar(ap, s.name);
  ap.appendList(s.tags, ap.columnType(5) as DuckDBListType);
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

/** A column of a chunk: the value of row `i` of the batch (null for NULL). */
type ColumnValue = (i: number) => unknown;

/** A numeric (or enum) column's values for one chunk, in the layout of its DuckDB vector. */
type NumericArray = Int32Array | BigInt64Array | Float64Array | Uint8Array;

/** The typed array a numeric column type is stored as, or undefined (filled value by value). */
function numericArray(type: DuckDBType, count: number): NumericArray | undefined {
  const { DuckDBTypeId } = loadDuckDB();
  switch (type.typeId) {
    case DuckDBTypeId.ENUM:
      // stored as the index of its value: one byte for an enum of up to 255 values
      return type.internalTypeId === DuckDBTypeId.UTINYINT ? new Uint8Array(count) : undefined;
    case DuckDBTypeId.INTEGER:
      return new Int32Array(count);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new BigInt64Array(count);
    case DuckDBTypeId.DOUBLE:
      return new Float64Array(count);
    case DuckDBTypeId.BOOLEAN:
      return new Uint8Array(count);
    default:
      return undefined;
  }
}

/**
 * Fills vector `c` of `chunk` with rows `start`.. of a numeric column in one copy, and its
 * validity (which rows are NULL) in another. The API's value-by-value setItem costs a BigInt
 * shift per value once a vector holds one NULL: most of a cold build's main thread.
 */
function fillNumeric(
  chunk: DuckDBDataChunk,
  c: number,
  array: NumericArray,
  value: ColumnValue,
  start: number,
  type: DuckDBType,
): void {
  const count = array.length;
  const enumType = type.typeId === loadDuckDB().DuckDBTypeId.ENUM ? type : undefined;
  let validity: BigUint64Array | undefined;
  for (let r = 0; r < count; r++) {
    const v = value(start + r);
    if (v === null || v === undefined) {
      validity ??= new BigUint64Array(Math.ceil(count / 64)).fill(0xffffffffffffffffn);
      validity[r >> 6] = (validity[r >> 6] as bigint) & ~(1n << BigInt(r & 63));
      continue;
    }
    if (enumType) {
      array[r] = enumType.indexForValue(v as string);
    } else if (array instanceof BigInt64Array) {
      array[r] = typeof v === 'bigint' ? v : (v as { micros: bigint }).micros;
    } else {
      array[r] = v === true ? 1 : v === false ? 0 : (v as number);
    }
  }
  const b = loadBindings();
  const vector = b.data_chunk_get_vector(chunk.chunk, c);
  b.copy_data_to_vector(vector, 0, array.buffer as ArrayBuffer, array.byteOffset, array.byteLength);
  if (validity) {
    b.vector_ensure_validity_writable(vector);
    b.copy_data_to_vector_validity(
      vector,
      0,
      validity.buffer as ArrayBuffer,
      0,
      validity.byteLength,
    );
  }
}

/**
 * Appends `length` rows, column by column, through data chunks of DuckDB's vector size.
 * `columns` follow the table's column order.
 */
function appendColumns(ap: DuckDBAppender, length: number, columns: ColumnValue[]): void {
  if (length === 0) return;
  const { DuckDBDataChunk } = loadDuckDB();
  const types: DuckDBType[] = columns.map((_, c) => ap.columnType(c));
  const size = 2048;
  for (let start = 0; start < length; start += size) {
    const count = Math.min(size, length - start);
    const chunk: DuckDBDataChunk = DuckDBDataChunk.create(types, count);
    columns.forEach((value, c) => {
      const type = types[c] as DuckDBType;
      const array = numericArray(type, count);
      if (array) {
        fillNumeric(chunk, c, array, value, start, type);
        return;
      }
      const vector = chunk.getColumnVector(c);
      for (let r = 0; r < count; r++) vector.setItem(r, value(start + r) as never);
      vector.flush();
    });
    ap.appendDataChunk(chunk);
  }
}

const orNull = (x: number) => (Number.isNaN(x) ? null : x);
const bigOrNull = (x: number) => (Number.isNaN(x) ? null : BigInt(x));

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
    (i) => firstSid + (m.file[i] as number),
    (i) => m.seq[i],
    (i) => ROLES[m.role[i] as number],
    (i) => {
      const ms = m.ts[i] as number;
      return Number.isNaN(ms) ? null : { micros: BigInt(ms) * 1000n };
    },
    (i) => m.toolCalls[i],
    (i) => bigOrNull(m.input[i] as number),
    (i) => bigOrNull(m.output[i] as number),
    (i) => m.interrupted[i] === 1,
    (i) => orNull(m.replyMs[i] as number),
  ]);
  const t = batch.toolCalls;
  appendColumns(a.toolCalls, t.length, [
    (i) => firstSid + (t.file[i] as number),
    (i) => t.seq[i],
    (i) => t.idx[i],
    (i) => t.tool[i],
    (i) => t.failed[i] === 1,
  ]);
  const c = batch.apiCalls;
  appendColumns(a.apiCalls, c.length, [
    (i) => firstSid + (c.file[i] as number),
    (i) => c.seq[i],
    (i) => c.idx[i],
    (i) => CALL_KINDS[c.kind[i] as number],
    (i) => c.model[i],
    (i) => c.known[i] === 1,
    (i) => bigOrNull(c.input[i] as number),
    (i) => bigOrNull(c.output[i] as number),
    (i) => bigOrNull(c.cachedInput[i] as number),
    (i) => bigOrNull(c.reasoning[i] as number),
    (i) => bigOrNull(c.costTicks[i] as number),
  ]);
}
