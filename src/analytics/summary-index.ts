/**
 * The summary's sessions read from the index (summary.ts: keepSummary), by column, with no JSON
 * text of every session built, parsed and let go: their numbers from summary-sessions.sql, read a
 * page (a DuckDB chunk) at a time as doubles straight into the columns; their texts (file names,
 * ids, paths, tags, ticks) as one JSON object of lists (summary-texts.sql), and the names of
 * models, directories and tools once each (summary-names.sql): a text read value by value through
 * the node API costs some microseconds. The reply times and tools of each session, read first,
 * are kept by sid in flat lists, then laid out in the order of the sessions. The columns are
 * those extendColumns (summary-answers.ts) makes of the same sessions, value for value and name
 * for name.
 */
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDoubleVector,
  DuckDBIntegerVector,
} from '@duckdb/node-api';
import { loadSql } from './sql-files.js';
import { NUMBER_COLUMNS, type NumberColumn, type SummaryColumns } from './summary-answers.js';

/** Each page of the rows of the query `name`, in order, with its number of rows. */
async function eachChunk(
  conn: DuckDBConnection,
  name: string,
  use: (chunk: DuckDBDataChunk, rows: number) => void,
): Promise<void> {
  const result = await conn.stream(loadSql(name));
  for (;;) {
    const chunk = await result.fetchChunk();
    // (a chunk's row count is a call into the library each time it is read)
    const rows = chunk?.rowCount ?? 0;
    if (!chunk || rows === 0) return;
    use(chunk, rows);
  }
}

/** The one value of the query `name`, a JSON text, parsed. */
async function jsonValue<T>(conn: DuckDBConnection, name: string): Promise<T> {
  const row = (await conn.runAndReadAll(loadSql(name))).getRows()[0];
  return JSON.parse(String(row?.[0])) as T;
}

/** Where each sid's entries of a flat list start, and how many it has (none: 0). */
interface BySid {
  start: Int32Array;
  count: Int32Array;
}

function bySid(lastSid: number): BySid {
  return { start: new Int32Array(lastSid + 1), count: new Int32Array(lastSid + 1) };
}

/** Every live session's reply times and timed output, by sid. */
interface Replies {
  at: BySid;
  /** The reply times, by sid, each session's in order. */
  ms: Int32Array;
  /** Per sid: the output and the milliseconds of its replies that took time and have output. */
  timedOutput: Float64Array;
  timedMs: Float64Array;
  timed: Uint8Array;
}

async function readReplies(conn: DuckDBConnection, lastSid: number): Promise<Replies> {
  const at = bySid(lastSid);
  const r: Replies = {
    at,
    ms: new Int32Array(1024),
    timedOutput: new Float64Array(lastSid + 1),
    timedMs: new Float64Array(lastSid + 1),
    timed: new Uint8Array(lastSid + 1),
  };
  let n = 0;
  await eachChunk(conn, 'internal/summary-replies', (chunk, rows) => {
    const sids = chunk.getColumnVector(0) as DuckDBIntegerVector;
    const ms = chunk.getColumnVector(1) as DuckDBIntegerVector;
    const output = chunk.getColumnVector(2) as DuckDBDoubleVector;
    if (n + rows > r.ms.length) {
      const more = new Int32Array(2 * (n + rows));
      more.set(r.ms.subarray(0, n));
      r.ms = more;
    }
    for (let k = 0; k < rows; k++) {
      const sid = sids.getItem(k) as number;
      const reply = ms.getItem(k) as number;
      if (at.count[sid] === 0) at.start[sid] = n;
      at.count[sid] = (at.count[sid] as number) + 1;
      r.ms[n++] = reply;
      // sum(output) and sum(reply_ms) FILTER (WHERE output IS NOT NULL AND reply_ms > 0): sums
      // of integers, exact in doubles
      const out = output.getItem(k);
      if (out !== null && reply > 0) {
        r.timedOutput[sid] = (r.timedOutput[sid] as number) + out;
        r.timedMs[sid] = (r.timedMs[sid] as number) + reply;
        r.timed[sid] = 1;
      }
    }
  });
  r.ms = r.ms.subarray(0, n);
  return r;
}

/** Every live session's tools, by sid, each session's by name: three numbers each (tool's place, calls, failed). */
async function readTools(
  conn: DuckDBConnection,
  lastSid: number,
): Promise<{ at: BySid; tools: Int32Array }> {
  const at = bySid(lastSid);
  let tools = new Int32Array(3 * 1024);
  let n = 0;
  await eachChunk(conn, 'internal/summary-tools', (chunk, rows) => {
    const sids = chunk.getColumnVector(0) as DuckDBIntegerVector;
    const name = chunk.getColumnVector(1) as DuckDBIntegerVector;
    const calls = chunk.getColumnVector(2) as DuckDBIntegerVector;
    const failed = chunk.getColumnVector(3) as DuckDBIntegerVector;
    if (3 * (n + rows) > tools.length) {
      const more = new Int32Array(6 * (n + rows));
      more.set(tools.subarray(0, 3 * n));
      tools = more;
    }
    for (let k = 0; k < rows; k++) {
      const sid = sids.getItem(k) as number;
      if (at.count[sid] === 0) at.start[sid] = n;
      at.count[sid] = (at.count[sid] as number) + 1;
      tools[3 * n] = name.getItem(k) as number;
      tools[3 * n + 1] = calls.getItem(k) as number;
      tools[3 * n + 2] = failed.getItem(k) as number;
      n++;
    }
  });
  return { at, tools: tools.subarray(0, 3 * n) };
}

/** What the index holds for a summary (summary-state.sql). */
export interface IndexState {
  digest: string | null;
  sessions: number;
  unpriced: number;
  lastSid: number;
}

export async function indexState(conn: DuckDBConnection): Promise<IndexState> {
  const row = (await conn.runAndReadAll(loadSql('internal/summary-state'))).getRows()[0] ?? [];
  return {
    digest: row[0] === null || row[0] === undefined ? null : String(row[0]),
    sessions: Number(row[1] ?? 0),
    unpriced: Number(row[2] ?? 0),
    lastSid: Number(row[3] ?? 0),
  };
}

/** summary-texts.sql */
interface Texts {
  files: string[];
  ids: (string | null)[];
  paths: (string | null)[];
  tags: (string[] | null)[];
  ticks: (string | null)[];
}

/** summary-names.sql */
interface Names {
  models: string[];
  directories: string[];
  tools: string[];
}

/** The columns of summary-sessions.sql after the sid, in order. */
const SQL_COLUMNS = [
  'start_us',
  'interrupted',
  'status',
  'duration_ms',
  'messages',
  'tool_calls',
  'input',
  'output',
  'total',
  'has_calls',
  'billed_calls',
  'estimated_calls',
  'unpriced_calls',
  'unpriced_sessions',
  'unknown_calls',
  'api_calls',
  'cached_input',
  'reasoning',
  'totals_only',
  'estimated',
  'model',
  'directory',
] as const satisfies readonly NumberColumn[];

/**
 * Where a column holds NULL as 0, as the summary rows' columns do (extendColumns: an SQL NULL
 * there was stored as 0); the others hold NaN.
 */
const NULL_AS_ZERO = new Set<NumberColumn>([
  'start_us',
  'messages',
  'tool_calls',
  'input',
  'output',
  'total',
]);

/**
 * A name's place in a summary's list of names (the order in which the sessions first name them,
 * as extendColumns makes it) for its place in a sorted list of `count` names (summary-names.sql).
 */
function firstSeen(count: number): { place(k: number): number; order: number[] } {
  const at = new Int32Array(count).fill(-1);
  const order: number[] = [];
  return {
    place(k) {
      let i = at[k] as number;
      if (i < 0) {
        i = order.length;
        at[k] = i;
        order.push(k);
      }
      return i;
    },
    order,
  };
}

/**
 * The columns of every live session of the index in the order of cost_rows, as extendColumns
 * makes them of the rows of each session; `state` from indexState just before, every session
 * priced.
 */
export async function indexColumns(
  conn: DuckDBConnection,
  state: IndexState,
): Promise<SummaryColumns> {
  const names = await jsonValue<Names>(conn, 'internal/summary-names');
  const replies = await readReplies(conn, state.lastSid);
  const tools = await readTools(conn, state.lastSid);
  const texts = await jsonValue<Texts>(conn, 'internal/summary-texts');
  const n = state.sessions;
  if (texts.files.length !== n) throw new Error('the sessions changed while summarised');
  const col = Object.fromEntries(
    NUMBER_COLUMNS.map((name) => [name, new Float64Array(n)]),
  ) as Record<NumberColumn, Float64Array>;
  const flatReplies = new Int32Array(replies.ms.length);
  const flatTools = new Int32Array(tools.tools.length);
  const models = firstSeen(names.models.length);
  const directories = firstSeen(names.directories.length);
  const toolNames = firstSeen(names.tools.length);
  let at = 0;
  let r = 0;
  let t = 0;
  await eachChunk(conn, 'internal/summary-sessions', (chunk, rows) => {
    if (at + rows > n) throw new Error('the sessions changed while summarised');
    SQL_COLUMNS.forEach((name, i) => {
      const vector = chunk.getColumnVector(i + 1) as DuckDBDoubleVector;
      const to = col[name];
      const none = NULL_AS_ZERO.has(name) ? 0 : Number.NaN;
      for (let k = 0; k < rows; k++) to[at + k] = vector.getItem(k) ?? none;
    });
    const sids = chunk.getColumnVector(0) as DuckDBIntegerVector;
    for (let k = 0; k < rows; k++) {
      const i = at + k;
      const sid = sids.getItem(k) as number;
      col.model[i] = models.place(col.model[i] as number);
      const d = col.directory[i] as number;
      col.directory[i] = Number.isNaN(d) ? -1 : directories.place(d);
      const rc = replies.at.count[sid] as number;
      const rs = replies.at.start[sid] as number;
      flatReplies.set(replies.ms.subarray(rs, rs + rc), r);
      r += rc;
      col.replies[i] = rc;
      const timed = replies.timed[sid] === 1;
      col.timed_output[i] = timed ? (replies.timedOutput[sid] as number) : Number.NaN;
      col.timed_ms[i] = timed ? (replies.timedMs[sid] as number) : Number.NaN;
      const tc = tools.at.count[sid] as number;
      const ts = 3 * (tools.at.start[sid] as number);
      for (let j = ts; j < ts + 3 * tc; j += 3) {
        flatTools[t++] = toolNames.place(tools.tools[j] as number);
        flatTools[t++] = tools.tools[j + 1] as number;
        flatTools[t++] = tools.tools[j + 2] as number;
      }
      col.tools[i] = tc;
    }
    at += rows;
  });
  if (at !== n) throw new Error('the sessions changed while summarised');
  const out: SummaryColumns = {
    n,
    col,
    files: texts.files,
    ids: {},
    paths: {},
    models: models.order.map((k) => names.models[k] as string),
    directories: directories.order.map((k) => names.directories[k] as string),
    tags: {},
    ticks: {},
    toolNames: toolNames.order.map((k) => names.tools[k] as string),
    replies: flatReplies.subarray(0, r),
    tools: flatTools.subarray(0, t),
  };
  for (let i = 0; i < n; i++) {
    const file = texts.files[i] as string;
    const id = texts.ids[i];
    if (id != null && id !== file.replace(/\.json$/, '')) out.ids[i] = id;
    const path = texts.paths[i];
    if (path != null) out.paths[i] = path;
    const tags = texts.tags[i];
    if (tags != null && tags.length > 0) out.tags[i] = tags;
    const ticks = texts.ticks[i];
    if (ticks != null) out.ticks[i] = ticks;
  }
  return out;
}
