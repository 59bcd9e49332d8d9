/**
 * The summary's sessions read from the index (summary.ts: keepSummary), by column, with no JSON
 * text of every session built, parsed and let go: their numbers from summary-sessions.sql, read a
 * page (a DuckDB chunk) at a time as doubles straight into the columns (NaN for NULL: a vector
 * without NULLs is read without testing each value's validity, which the node API does with
 * BigInts); their file names as one text (summary-files.sql); the few other texts (ids, paths,
 * tags, ticks) of the sessions that have any, by sid (summary-texts.sql); the names of models,
 * directories and tools once each (summary-names.sql): a text read value by value through the
 * node API costs some microseconds. The reply times and tools of each session, read first, are
 * kept by sid in flat lists, then laid out in the order of the sessions. The columns are those
 * extendColumns (summary-answers.ts) makes of the same sessions, value for value and name for
 * name. */
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBIntegerVector,
  DuckDBVarCharVector,
  DuckDBVector,
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

/**
 * The values of a vector of doubles or integers with no NULL (the queries turn NULL into NaN):
 * the vector's own typed array where the node API holds one (a field it keeps to itself, but
 * reading each value through it tests the value's validity with BigInts), else its values one
 * by one.
 */
function numbers<T extends Float64Array | Int32Array>(
  vector: DuckDBVector,
  rows: number,
  Type: { new (n: number): T },
): T {
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Type && items.length === rows) return items;
  const out = new Type(rows);
  for (let k = 0; k < rows; k++) out[k] = vector.getItem(k) as number;
  return out;
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
    const sids = numbers(chunk.getColumnVector(0), rows, Int32Array);
    const ms = numbers(chunk.getColumnVector(1), rows, Int32Array);
    const output = numbers(chunk.getColumnVector(2), rows, Float64Array);
    if (n + rows > r.ms.length) {
      const more = new Int32Array(2 * (n + rows));
      more.set(r.ms.subarray(0, n));
      r.ms = more;
    }
    for (let k = 0; k < rows; k++) {
      const sid = sids[k] as number;
      const reply = ms[k] as number;
      if (at.count[sid] === 0) at.start[sid] = n;
      at.count[sid] = (at.count[sid] as number) + 1;
      r.ms[n++] = reply;
      // sum(output) and sum(reply_ms) FILTER (WHERE output IS NOT NULL AND reply_ms > 0): sums
      // of integers, exact in doubles
      const out = output[k] as number;
      if (!Number.isNaN(out) && reply > 0) {
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
    const sids = numbers(chunk.getColumnVector(0), rows, Int32Array);
    const name = numbers(chunk.getColumnVector(1), rows, Int32Array);
    const calls = numbers(chunk.getColumnVector(2), rows, Int32Array);
    const failed = numbers(chunk.getColumnVector(3), rows, Int32Array);
    if (3 * (n + rows) > tools.length) {
      const more = new Int32Array(6 * (n + rows));
      more.set(tools.subarray(0, 3 * n));
      tools = more;
    }
    for (let k = 0; k < rows; k++) {
      const sid = sids[k] as number;
      if (at.count[sid] === 0) at.start[sid] = n;
      at.count[sid] = (at.count[sid] as number) + 1;
      tools[3 * n] = name[k] as number;
      tools[3 * n + 1] = calls[k] as number;
      tools[3 * n + 2] = failed[k] as number;
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

/** The texts of the sessions that have any (summary-texts.sql), by sid. */
interface Texts {
  id: string | null;
  path: string | null;
  tags: string | null;
  ticks: string | null;
}

async function readTexts(conn: DuckDBConnection): Promise<Map<number, Texts>> {
  const texts = new Map<number, Texts>();
  await eachChunk(conn, 'internal/summary-texts', (chunk, rows) => {
    const [sid, id, path, tags, ticks] = Array.from({ length: 5 }, (_, i) =>
      chunk.getColumnVector(i),
    ) as [DuckDBIntegerVector, ...DuckDBVarCharVector[]];
    for (let k = 0; k < rows; k++) {
      texts.set(sid.getItem(k) as number, {
        id: id?.getItem(k) ?? null,
        path: path?.getItem(k) ?? null,
        tags: tags?.getItem(k) ?? null,
        ticks: ticks?.getItem(k) ?? null,
      });
    }
  });
  return texts;
}

/** summary-names.sql */
interface Names {
  models: string[];
  directories: string[];
  tools: string[];
}

/** Columns made here, not read from summary-sessions.sql. */
const MADE_HERE = new Set<NumberColumn>(['timed_output', 'timed_ms', 'replies', 'tools']);

/** The columns of summary-sessions.sql after the sid, in order: the summary's, less MADE_HERE. */
const SQL_COLUMNS = NUMBER_COLUMNS.filter((name) => !MADE_HERE.has(name));

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
  const texts = await readTexts(conn);
  const filesText = String(
    (await conn.runAndReadAll(loadSql('internal/summary-files'))).getRows()[0]?.[0] ?? '',
  );
  const files = filesText === '' ? [] : filesText.split('/');
  const n = state.sessions;
  if (files.length !== n) throw new Error('the sessions changed while summarised');
  const col = Object.fromEntries(
    NUMBER_COLUMNS.map((name) => [name, new Float64Array(n)]),
  ) as Record<NumberColumn, Float64Array>;
  const flatReplies = new Int32Array(replies.ms.length);
  const flatTools = new Int32Array(tools.tools.length);
  const models = firstSeen(names.models.length);
  const directories = firstSeen(names.directories.length);
  const toolNames = firstSeen(names.tools.length);
  const out: SummaryColumns = {
    n,
    col,
    files,
    ids: {},
    paths: {},
    models: [],
    directories: [],
    tags: {},
    ticks: {},
    toolNames: [],
    replies: flatReplies,
    tools: flatTools,
  };
  let at = 0;
  let r = 0;
  let t = 0;
  await eachChunk(conn, 'internal/summary-sessions', (chunk, rows) => {
    if (at + rows > n) throw new Error('the sessions changed while summarised');
    SQL_COLUMNS.forEach((name, i) => {
      const values = numbers(chunk.getColumnVector(i + 1), rows, Float64Array);
      const to = col[name];
      if (NULL_AS_ZERO.has(name)) {
        for (let k = 0; k < rows; k++) {
          const x = values[k] as number;
          to[at + k] = Number.isNaN(x) ? 0 : x;
        }
      } else to.set(values, at);
    });
    const sids = numbers(chunk.getColumnVector(0), rows, Int32Array);
    // (the columns and lists as locals: looked up once a page, not once a session)
    const { model, directory, timed_output, timed_ms } = col;
    const replyCount = col.replies;
    const toolCount = col.tools;
    const { count: rCount, start: rStart } = replies.at;
    const { count: tCount, start: tStart } = tools.at;
    const { ms, timed, timedOutput, timedMs } = replies;
    const toolRows = tools.tools;
    for (let k = 0; k < rows; k++) {
      const i = at + k;
      const sid = sids[k] as number;
      model[i] = models.place(model[i] as number);
      const d = directory[i] as number;
      directory[i] = Number.isNaN(d) ? -1 : directories.place(d);
      const rc = rCount[sid] as number;
      const rs = rStart[sid] as number;
      // (a view of each session's few replies would cost more than copying them)
      for (let j = rs; j < rs + rc; j++) flatReplies[r++] = ms[j] as number;
      replyCount[i] = rc;
      const isTimed = timed[sid] === 1;
      timed_output[i] = isTimed ? (timedOutput[sid] as number) : Number.NaN;
      timed_ms[i] = isTimed ? (timedMs[sid] as number) : Number.NaN;
      const tc = tCount[sid] as number;
      const ts = 3 * (tStart[sid] as number);
      for (let j = ts; j < ts + 3 * tc; j += 3) {
        flatTools[t++] = toolNames.place(toolRows[j] as number);
        flatTools[t++] = toolRows[j + 1] as number;
        flatTools[t++] = toolRows[j + 2] as number;
      }
      toolCount[i] = tc;
      const text = texts.get(sid);
      if (text === undefined) continue;
      const file = files[i] as string;
      if (text.id !== null && text.id !== file.replace(/\.json$/, '')) out.ids[i] = text.id;
      if (text.path !== null) out.paths[i] = text.path;
      if (text.tags !== null) out.tags[i] = JSON.parse(text.tags) as string[];
      if (text.ticks !== null) out.ticks[i] = text.ticks;
    }
    at += rows;
  });
  if (at !== n || r !== flatReplies.length || t !== flatTools.length) {
    throw new Error('the sessions changed while summarised');
  }
  out.models = models.order.map((k) => names.models[k] as string);
  out.directories = directories.order.map((k) => names.directories[k] as string);
  out.toolNames = toolNames.order.map((k) => names.tools[k] as string);
  return out;
}
