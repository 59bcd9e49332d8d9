import type { SessionSelection } from './period.js';

/**
 * The numbers kept of each session, one column of doubles each (NaN for SQL NULL): read from the
 * file as they are, where parsing 10,000 sessions as JSON objects took longer than DuckDB's open.
 * `status`: STATUS codes; `model`, `directory`: indexes into their lists of names (-1: none);
 * `replies`, `tools`: how many of the flat lists' entries are the session's.
 */
export const NUMBER_COLUMNS = [
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
  'timed_output',
  'timed_ms',
  'model',
  'directory',
  'replies',
  'tools',
] as const;

export type NumberColumn = (typeof NUMBER_COLUMNS)[number];

/** A session's status as a number: what the queries test it for. */
export const STATUS = { none: 0, ended: 1, active: 2, other: 3 } as const;

/** The sessions of a summary, by column, in the order of cost_rows (summary-sessions.sql). */
export interface SummaryColumns {
  n: number;
  col: Record<NumberColumn, Float64Array>;
  files: string[];
  /** A session's id where it is not its file's name without `.json`. */
  ids: Record<number, string>;
  /** The path of each session marked active. */
  paths: Record<number, string>;
  models: string[];
  directories: string[];
  /** The tags of each session that has some. */
  tags: Record<number, string[]>;
  /** The billed ticks of each session billed any (text: exact past 2^53). */
  ticks: Record<number, string>;
  toolNames: string[];
  /** Every session's reply latencies, in order, in milliseconds. */
  replies: Int32Array;
  /** Every session's tools, three numbers each: the name's index, calls, failed calls. */
  tools: Int32Array;
}

/**
 * The selected sessions: their indexes in the summary's columns, ascending (the order of
 * cost_rows), with where each one's replies and tools start in the flat lists.
 */
export interface Selected {
  s: SummaryColumns;
  at: number[];
  replyAt: number[];
  toolAt: number[];
}

/** The sessions select-sessions.sql selects (the live ones: the summary holds no others). */
export function selectSessions(s: SummaryColumns, f: Omit<SessionSelection, 'archived'>): Selected {
  const { start_us, model, directory, replies, tools } = s.col;
  const modelAt = f.model === null ? -2 : s.models.indexOf(f.model);
  const dirAt = f.project === null ? -2 : s.directories.indexOf(f.project);
  const sel: Selected = { s, at: [], replyAt: [], toolAt: [] };
  let r = 0;
  let t = 0;
  for (let i = 0; i < s.n; i++) {
    const ms = epochMs(start_us[i] as number);
    if (
      (f.since === null || ms >= f.since) &&
      (f.until === null || ms < f.until) &&
      (modelAt === -2 || model[i] === modelAt) &&
      (f.tag === null || (s.tags[i]?.includes(f.tag) ?? false)) &&
      (dirAt === -2 || directory[i] === dirAt)
    ) {
      sel.at.push(i);
      sel.replyAt.push(r);
      sel.toolAt.push(t);
    }
    r += replies[i] as number;
    t += tools[i] as number;
  }
  return sel;
}

/** epoch_ms of a TIMESTAMPTZ: its microseconds divided by 1,000, truncated. */
function epochMs(us: number): number {
  return Math.trunc(us / 1000);
}

/**
 * DuckDB's order of VARCHARs (binary: UTF-8 bytes, which is code point order). JavaScript's `<`
 * compares UTF-16 code units, which puts code points past U+FFFF before U+E000-U+FFFF.
 */
export function compareBinary(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeOrder(x) - codeOrder(y);
  }
  return a.length - b.length;
}

function codeOrder(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** The k-th smallest of `xs` (0-based), by selection: `xs` is reordered. */
function nth(xs: Float64Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((xs[i] as number) < pivot) i++;
      while ((xs[j] as number) > pivot) j--;
      if (i <= j) {
        const t = xs[i] as number;
        xs[i] = xs[j] as number;
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k] as number;
  }
  return xs[k] as number;
}

/**
 * quantile_cont(x, q) as DuckDB computes it: the position (n - 1) × q, and between the values
 * either side of it, lo × (1 - d) + hi × d for the fraction d (in doubles: lo + (hi - lo) × d
 * differs in the last bits, and a tenth of a millisecond where stats rounds); null over no values.
 */
export function quantileCont(values: Float64Array, q: number): number | null {
  if (values.length === 0) return null;
  const rn = (values.length - 1) * q;
  const frn = Math.floor(rn);
  const crn = Math.ceil(rn);
  const lo = nth(values, frn);
  if (frn === crn) return lo;
  const hi = nth(values, crn);
  const d = rn - frn;
  return lo * (1 - d) + hi * d;
}

/** stats-totals.sql */
export interface TotalsValue {
  sessions: number;
  messages: number;
  tool_calls: number;
  input: number;
  output: number;
  total: number;
  avg_duration_ms: number | null;
  median_duration_ms: number | null;
  p95_duration_ms: number | null;
  interrupted: number;
  ended: number;
}

const nullable = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * `sorted`: the durations of the selected sessions, sorted, when the caller has them (wholeOf):
 * their percentiles are then looked up, not selected again.
 */
export function statsTotals({ s, at }: Selected, sorted?: Float64Array): TotalsValue {
  const c = s.col;
  const t = { messages: 0, tool_calls: 0, input: 0, output: 0, total: 0 };
  let interrupted = 0;
  let ended = 0;
  let durationSum = 0;
  const durations: number[] = [];
  let count = 0;
  for (const i of at) {
    t.messages += c.messages[i] as number;
    t.tool_calls += c.tool_calls[i] as number;
    t.input += c.input[i] as number;
    t.output += c.output[i] as number;
    t.total += c.total[i] as number;
    const status = c.status[i];
    if (c.interrupted[i] === 1) interrupted++;
    else if (status === STATUS.none || status === STATUS.ended) ended++;
    const d = c.duration_ms[i] as number;
    if (!Number.isNaN(d)) {
      if (!sorted) durations.push(d);
      durationSum += d;
      count++;
    }
  }
  const d = sorted ?? Float64Array.from(durations);
  const quantile = sorted ? quantileSorted : quantileCont;
  return {
    sessions: at.length,
    ...t,
    avg_duration_ms: count === 0 ? null : durationSum / count,
    median_duration_ms: quantile(d, 0.5),
    p95_duration_ms: quantile(d, 0.95),
    interrupted,
    ended,
  };
}

/** tools.sql */
export interface ToolValue {
  tool: string;
  calls: number;
  sessions: number;
  failed: number;
}

export function toolsOf({ s, at, toolAt }: Selected): ToolValue[] {
  const by = new Map<number, ToolValue>();
  const count = s.col.tools;
  at.forEach((i, k) => {
    const from = 3 * (toolAt[k] as number);
    for (let j = from; j < from + 3 * (count[i] as number); j += 3) {
      const name = s.tools[j] as number;
      const calls = s.tools[j + 1] as number;
      const failed = s.tools[j + 2] as number;
      const row = by.get(name);
      if (row) {
        row.calls += calls;
        row.sessions++;
        row.failed += failed;
      } else by.set(name, { tool: s.toolNames[name] as string, calls, sessions: 1, failed });
    }
  });
  return [...by.values()].sort((a, b) => b.calls - a.calls || compareBinary(a.tool, b.tool));
}

/** models.sql */
export interface ModelValue {
  model: string;
  sessions: number;
  messages: number;
  input: number;
  output: number;
  total: number;
  cached_input: number | null;
  reasoning: number | null;
  unknown_calls: number | null;
}

/** A sum of a column of temp.session_costs over a LEFT JOIN: null where no row has it. */
const addOrNull = (sum: number | null, value: number): number | null =>
  Number.isNaN(value) ? sum : (sum ?? 0) + value;

export function modelsOf({ s, at }: Selected): ModelValue[] {
  const c = s.col;
  const by = new Map<number, ModelValue>();
  for (const i of at) {
    const m = c.model[i] as number;
    let row = by.get(m);
    if (!row) {
      row = {
        model: s.models[m] as string,
        sessions: 0,
        messages: 0,
        input: 0,
        output: 0,
        total: 0,
        cached_input: null,
        reasoning: null,
        unknown_calls: null,
      };
      by.set(m, row);
    }
    row.sessions++;
    row.messages += c.messages[i] as number;
    row.input += c.input[i] as number;
    row.output += c.output[i] as number;
    row.total += c.total[i] as number;
    if (c.has_calls[i] === 1) {
      row.cached_input = addOrNull(row.cached_input, c.cached_input[i] as number);
      row.reasoning = addOrNull(row.reasoning, c.reasoning[i] as number);
      row.unknown_calls = addOrNull(row.unknown_calls, c.unknown_calls[i] as number);
    }
  }
  return [...by.values()].sort((a, b) => b.total - a.total || compareBinary(a.model, b.model));
}

/** latency.sql (latency-measures.sql's macro over every selected reply) */
export interface LatencyValue {
  replies: number;
  median_ms: number | null;
  p95_ms: number | null;
  timed_output: number | null;
  timed_ms: number | null;
}

/** `sorted`: the selected sessions' reply times, sorted, when the caller has them (wholeOf). */
export function latencyOf({ s, at, replyAt }: Selected, sorted?: Int32Array): LatencyValue {
  const count = s.col.replies;
  let n = 0;
  for (const i of at) n += count[i] as number;
  const values = sorted ? undefined : new Float64Array(n);
  let to = 0;
  let timedOutput: number | null = null;
  let timedMs: number | null = null;
  at.forEach((i, k) => {
    const from = replyAt[k] as number;
    values?.set(s.replies.subarray(from, from + (count[i] as number)), to);
    to += count[i] as number;
    timedOutput = addOrNull(timedOutput, s.col.timed_output[i] as number);
    timedMs = addOrNull(timedMs, s.col.timed_ms[i] as number);
  });
  const median = values ? quantileCont(values, 0.5) : quantileSorted(sorted as Int32Array, 0.5);
  const p95 = values ? quantileCont(values, 0.95) : quantileSorted(sorted as Int32Array, 0.95);
  return {
    replies: n,
    median_ms: median,
    p95_ms: p95,
    timed_output: timedOutput,
    timed_ms: timedMs,
  };
}

/** active-sessions.sql */
export interface ActiveValue {
  path: string;
  source: string;
}

export function activeOf({ s, at }: Selected): ActiveValue[] {
  return at
    .filter((i) => s.col.status[i] === STATUS.active)
    .map((i) => ({ path: s.paths[i] as string, source: 'live' }));
}

/** usage-totals.sql */
export interface UsageValue {
  cached_input: number;
  reasoning: number;
  api_calls: number;
  unknown_calls: number;
  exact_ticks: string;
  billed_calls: number;
  estimated_calls: number;
  unpriced_calls: number;
  unpriced_sessions: number;
  totals_only: boolean;
  estimated: number;
}

/** Over temp.session_costs: the selected sessions with usage, in the order cost_rows keeps. */
export function usageOf({ s, at }: Selected): UsageValue {
  const c = s.col;
  const u = {
    cached_input: 0,
    reasoning: 0,
    api_calls: 0,
    unknown_calls: 0,
    billed_calls: 0,
    estimated_calls: 0,
    unpriced_calls: 0,
    unpriced_sessions: 0,
    estimated: 0,
  };
  let ticks = 0n;
  let totalsOnly = false;
  for (const i of at) {
    if (c.has_calls[i] !== 1) continue;
    u.cached_input += c.cached_input[i] as number;
    u.reasoning += c.reasoning[i] as number;
    u.api_calls += c.api_calls[i] as number;
    u.unknown_calls += c.unknown_calls[i] as number;
    u.billed_calls += c.billed_calls[i] as number;
    u.estimated_calls += c.estimated_calls[i] as number;
    u.unpriced_calls += c.unpriced_calls[i] as number;
    u.unpriced_sessions += c.unpriced_sessions[i] as number;
    u.estimated += c.estimated[i] as number;
    const billed = s.ticks[i];
    if (billed !== undefined) ticks += BigInt(billed);
    if (c.totals_only[i] === 1) totalsOnly = true;
  }
  return { ...u, exact_ticks: ticks.toString(), totals_only: totalsOnly };
}

/** An element of cost-sessions.sql (a pool's machine: none here). */
export interface CostSessionValue {
  session_id: string;
  file: string;
  model: string;
  start_ms: number;
  input: number;
  output: number;
  total: number;
  messages: number;
  duration_ms: number | null;
  exact_ticks: string | null;
  billed_calls: number | null;
  estimated_calls: number | null;
  unpriced_calls: number | null;
  unknown_calls: number | null;
  totals_only: boolean | null;
  estimated: number | null;
  machine: null;
}

/** cost-sessions.sql: oldest first, then by file. */
export function costSessions({ s, at }: Selected): CostSessionValue[] {
  const c = s.col;
  const sorted = [...at].sort(
    (a, b) =>
      (c.start_us[a] as number) - (c.start_us[b] as number) ||
      compareBinary(s.files[a] as string, s.files[b] as string),
  );
  return sorted.map((i) => {
    const file = s.files[i] as string;
    const k = c.has_calls[i] === 1;
    const part = (x: Float64Array): number | null => (k ? nullable(x[i] as number) : null);
    return {
      session_id: s.ids[i] ?? file.replace(/\.json$/, ''),
      file,
      model: s.models[c.model[i] as number] as string,
      start_ms: epochMs(c.start_us[i] as number),
      input: c.input[i] as number,
      output: c.output[i] as number,
      total: c.total[i] as number,
      messages: c.messages[i] as number,
      duration_ms: nullable(c.duration_ms[i] as number),
      exact_ticks: k ? (s.ticks[i] ?? null) : null,
      billed_calls: part(c.billed_calls),
      estimated_calls: part(c.estimated_calls),
      unpriced_calls: part(c.unpriced_calls),
      unknown_calls: part(c.unknown_calls),
      totals_only: k ? c.totals_only[i] === 1 : null,
      estimated: part(c.estimated),
      machine: null,
    };
  });
}

/** The values of the six queries of stats, in order. */
export type StatsValues = [
  TotalsValue,
  ToolValue[],
  ModelValue[],
  LatencyValue,
  ActiveValue[],
  UsageValue,
];

/** `sorted`: the selected sessions' durations and reply times, sorted, when the caller has them. */
export function statsValues(
  sel: Selected,
  sorted?: { durations: Float64Array; replies: Int32Array },
): StatsValues {
  return [
    statsTotals(sel, sorted?.durations),
    toolsOf(sel),
    modelsOf(sel),
    latencyOf(sel, sorted?.replies),
    activeOf(sel),
    usageOf(sel),
  ];
}

/** A live session as summary-sessions.sql gives it (and summary-rows.ts makes it of a new file). */
export interface SummaryRow {
  file: string;
  /** Only for a session marked active. */
  path: string | null;
  session_id: string;
  model: string;
  start_us: number;
  tags: string[] | null;
  working_directory: string | null;
  status: string | null;
  interrupted: boolean;
  duration_ms: number | null;
  messages: number;
  tool_calls: number;
  input: number;
  output: number;
  total: number;
  /** null: no cost row (not priced); false: a row for a session without usage. */
  has_calls: boolean | null;
  exact_ticks: string | null;
  billed_calls: number | null;
  estimated_calls: number | null;
  unpriced_calls: number | null;
  unpriced_sessions: number | null;
  unknown_calls: number | null;
  api_calls: number | null;
  cached_input: number | null;
  reasoning: number | null;
  totals_only: boolean | null;
  estimated: number | null;
  tools: { tool: string; calls: number; failed: number }[] | null;
  replies: number[] | null;
  timed_output: number | null;
  timed_ms: number | null;
}

const orNaN = (x: number | null): number => (x === null ? Number.NaN : x);
const bit = (x: boolean | null): number => (x === null ? Number.NaN : x ? 1 : 0);

function statusCode(status: string | null): number {
  if (status === null) return STATUS.none;
  if (status === 'ended') return STATUS.ended;
  if (status === 'active') return STATUS.active;
  return STATUS.other;
}

/** A function giving each name its index in `list`, adding the names it has not seen. */
function namer(list: string[]): (name: string | null) => number {
  const at = new Map(list.map((name, i) => [name, i]));
  return (name) => {
    if (name === null) return -1;
    let i = at.get(name);
    if (i === undefined) {
      i = list.length;
      list.push(name);
      at.set(name, i);
    }
    return i;
  };
}

/** A row's numbers, as the summary's columns hold them (NUMBER_COLUMNS). */
function rowNumbers(
  r: SummaryRow,
  model: (name: string | null) => number,
  directory: (name: string | null) => number,
): Record<NumberColumn, number> {
  return {
    start_us: r.start_us,
    interrupted: bit(r.interrupted),
    status: statusCode(r.status),
    duration_ms: orNaN(r.duration_ms),
    messages: r.messages,
    tool_calls: r.tool_calls,
    input: r.input,
    output: r.output,
    total: r.total,
    has_calls: bit(r.has_calls),
    billed_calls: orNaN(r.billed_calls),
    estimated_calls: orNaN(r.estimated_calls),
    unpriced_calls: orNaN(r.unpriced_calls),
    unpriced_sessions: orNaN(r.unpriced_sessions),
    unknown_calls: orNaN(r.unknown_calls),
    api_calls: orNaN(r.api_calls),
    cached_input: orNaN(r.cached_input),
    reasoning: orNaN(r.reasoning),
    totals_only: bit(r.totals_only),
    estimated: orNaN(r.estimated),
    timed_output: orNaN(r.timed_output),
    timed_ms: orNaN(r.timed_ms),
    model: model(r.model),
    directory: directory(r.working_directory),
    replies: r.replies?.length ?? 0,
    tools: r.tools?.length ?? 0,
  };
}

/**
 * Takes row `r` into `out` as its session `i`: its texts, and its replies and tools onto the
 * flat lists; its numbers are the caller's (rowNumbers).
 */
function takeRow(
  out: SummaryColumns,
  i: number,
  r: SummaryRow,
  tool: (name: string | null) => number,
  replies: number[],
  tools: number[],
): void {
  out.files.push(r.file);
  if (r.session_id !== r.file.replace(/\.json$/, '')) out.ids[i] = r.session_id;
  if (r.path !== null) out.paths[i] = r.path;
  if (r.tags !== null && r.tags.length > 0) out.tags[i] = r.tags;
  if (r.exact_ticks !== null) out.ticks[i] = r.exact_ticks;
  for (const ms of r.replies ?? []) replies.push(ms);
  for (const t of r.tools ?? []) tools.push(tool(t.tool), t.calls, t.failed);
}

/** The sessions of `base` (none when undefined) and then `rows`, by column. */
export function extendColumns(
  base: SummaryColumns | undefined,
  rows: readonly SummaryRow[],
): SummaryColumns {
  const from = base?.n ?? 0;
  const n = from + rows.length;
  const out: SummaryColumns = {
    n,
    col: Object.fromEntries(
      NUMBER_COLUMNS.map((name) => {
        const c = new Float64Array(n);
        if (base) c.set(base.col[name]);
        return [name, c];
      }),
    ) as Record<NumberColumn, Float64Array>,
    files: [...(base?.files ?? [])],
    ids: { ...base?.ids },
    paths: { ...base?.paths },
    models: [...(base?.models ?? [])],
    directories: [...(base?.directories ?? [])],
    tags: { ...base?.tags },
    ticks: { ...base?.ticks },
    toolNames: [...(base?.toolNames ?? [])],
    replies: new Int32Array(0),
    tools: new Int32Array(0),
  };
  const model = namer(out.models);
  const directory = namer(out.directories);
  const tool = namer(out.toolNames);
  const replies: number[] = [];
  const tools: number[] = [];
  rows.forEach((r, k) => {
    const i = from + k;
    takeRow(out, i, r, tool, replies, tools);
    const values = rowNumbers(r, model, directory);
    for (const name of NUMBER_COLUMNS) out.col[name][i] = values[name];
  });
  out.replies = joined(base?.replies, replies);
  out.tools = joined(base?.tools, tools);
  return out;
}

/**
 * Sessions taken in a batch of rows at a time, then made into columns once (done): what
 * extendColumns gives for all the rows at once, without holding every row until then, nor
 * copying the columns again at each batch.
 */
export function columnsBuilder(): {
  add(rows: readonly SummaryRow[]): void;
  done(): SummaryColumns;
} {
  const out: SummaryColumns = {
    n: 0,
    col: {} as Record<NumberColumn, Float64Array>,
    files: [],
    ids: {},
    paths: {},
    models: [],
    directories: [],
    tags: {},
    ticks: {},
    toolNames: [],
    replies: new Int32Array(0),
    tools: new Int32Array(0),
  };
  const numbers = NUMBER_COLUMNS.map((): number[] => []);
  const model = namer(out.models);
  const directory = namer(out.directories);
  const tool = namer(out.toolNames);
  const replies: number[] = [];
  const tools: number[] = [];
  return {
    add(rows) {
      for (const r of rows) {
        takeRow(out, out.n++, r, tool, replies, tools);
        const values = rowNumbers(r, model, directory);
        NUMBER_COLUMNS.forEach((name, k) => {
          (numbers[k] as number[]).push(values[name]);
        });
      }
    },
    done() {
      NUMBER_COLUMNS.forEach((name, k) => {
        out.col[name] = Float64Array.from(numbers[k] as number[]);
      });
      out.replies = Int32Array.from(replies);
      out.tools = Int32Array.from(tools);
      return out;
    },
  };
}

function joined(base: Int32Array | undefined, more: readonly number[]): Int32Array {
  const out = new Int32Array((base?.length ?? 0) + more.length);
  if (base) out.set(base);
  out.set(more, base?.length ?? 0);
  return out;
}

/**
 * The values of stats over every session of a summary, and what keeps them up to date as
 * sessions are added (extendWhole): the sum of the durations, and the durations and reply
 * latencies sorted, of which a percentile is then one or two lookups.
 */
export interface WholeState {
  values: StatsValues;
  durationSum: number;
  durations: Float64Array;
  replies: Int32Array;
}

const EVERY = { since: null, until: null, model: null, tag: null, project: null };

export function wholeOf(cols: SummaryColumns): WholeState {
  const sel = selectSessions(cols, EVERY);
  const durations: number[] = [];
  let durationSum = 0;
  for (const d of cols.col.duration_ms) {
    if (Number.isNaN(d)) continue;
    durations.push(d);
    durationSum += d;
  }
  const sorted = {
    durations: Float64Array.from(durations).sort(),
    replies: Int32Array.from(cols.replies).sort(),
  };
  return { values: statsValues(sel, sorted), durationSum, ...sorted };
}

/** quantile_cont over values already sorted (quantileCont). */
function quantileSorted(sorted: Float64Array | Int32Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const rn = (sorted.length - 1) * q;
  const frn = Math.floor(rn);
  const crn = Math.ceil(rn);
  const lo = sorted[frn] as number;
  if (frn === crn) return lo;
  const d = rn - frn;
  return lo * (1 - d) + (sorted[crn] as number) * d;
}

/** `sorted` with `more` put in their places: a copy of each run between them. */
function merged<T extends Float64Array | Int32Array>(sorted: T, more: number[]): T {
  more.sort((a, b) => a - b);
  const out = new (sorted.constructor as { new (n: number): T })(sorted.length + more.length);
  let from = 0;
  let to = 0;
  for (const x of more) {
    // the first place after every value not greater than x
    let lo = from;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    out.set(sorted.subarray(from, lo), to);
    to += lo - from;
    out[to++] = x;
    from = lo;
  }
  out.set(sorted.subarray(from), to);
  return out;
}

/**
 * The whole state of `cols` from `whole`, the state of its first `from` sessions: each value
 * of stats brought up to date with the sessions after them, as the queries would compute it over
 * all (sums added in the order cost_rows keeps, which puts new rows last).
 */
export function extendWhole(whole: WholeState, cols: SummaryColumns, from: number): WholeState {
  const sel = selectSessions(cols, EVERY);
  const added: Selected = {
    s: cols,
    at: sel.at.slice(from),
    replyAt: sel.replyAt.slice(from),
    toolAt: sel.toolAt.slice(from),
  };
  const [totals, tools, models, latency, active, usage] = whole.values;
  const [t2, tools2, models2, l2, a2, u2] = statsValues(added);
  const c = cols.col;
  const durations: number[] = [];
  let durationSum = whole.durationSum;
  for (const i of added.at) {
    const d = c.duration_ms[i] as number;
    if (Number.isNaN(d)) continue;
    durations.push(d);
    durationSum += d;
  }
  const sortedDurations = merged(whole.durations, durations);
  const newReplies: number[] = [];
  added.at.forEach((i, k) => {
    const start = added.replyAt[k] as number;
    for (let j = start; j < start + (c.replies[i] as number); j++) {
      newReplies.push(cols.replies[j] as number);
    }
  });
  const sortedReplies = merged(whole.replies, newReplies);
  const toolsBy = new Map(tools.map((t) => [t.tool, { ...t }]));
  for (const t of tools2) {
    const row = toolsBy.get(t.tool);
    if (row) {
      row.calls += t.calls;
      row.sessions += t.sessions;
      row.failed += t.failed;
    } else toolsBy.set(t.tool, { ...t });
  }
  const modelsBy = new Map(models.map((m) => [m.model, { ...m }]));
  for (const m of models2) {
    const row = modelsBy.get(m.model);
    if (!row) {
      modelsBy.set(m.model, { ...m });
      continue;
    }
    row.sessions += m.sessions;
    row.messages += m.messages;
    row.input += m.input;
    row.output += m.output;
    row.total += m.total;
    row.cached_input = sumOrNull(row.cached_input, m.cached_input);
    row.reasoning = sumOrNull(row.reasoning, m.reasoning);
    row.unknown_calls = sumOrNull(row.unknown_calls, m.unknown_calls);
  }
  const count = durationCount(whole) + durations.length;
  return {
    values: [
      {
        sessions: totals.sessions + t2.sessions,
        messages: totals.messages + t2.messages,
        tool_calls: totals.tool_calls + t2.tool_calls,
        input: totals.input + t2.input,
        output: totals.output + t2.output,
        total: totals.total + t2.total,
        avg_duration_ms: count === 0 ? null : durationSum / count,
        median_duration_ms: quantileSorted(sortedDurations, 0.5),
        p95_duration_ms: quantileSorted(sortedDurations, 0.95),
        interrupted: totals.interrupted + t2.interrupted,
        ended: totals.ended + t2.ended,
      },
      [...toolsBy.values()].sort((a, b) => b.calls - a.calls || compareBinary(a.tool, b.tool)),
      [...modelsBy.values()].sort((a, b) => b.total - a.total || compareBinary(a.model, b.model)),
      {
        replies: latency.replies + l2.replies,
        median_ms: quantileSorted(sortedReplies, 0.5),
        p95_ms: quantileSorted(sortedReplies, 0.95),
        timed_output: sumOrNull(latency.timed_output, l2.timed_output),
        timed_ms: sumOrNull(latency.timed_ms, l2.timed_ms),
      },
      [...active, ...a2],
      {
        cached_input: usage.cached_input + u2.cached_input,
        reasoning: usage.reasoning + u2.reasoning,
        api_calls: usage.api_calls + u2.api_calls,
        unknown_calls: usage.unknown_calls + u2.unknown_calls,
        exact_ticks: (BigInt(usage.exact_ticks) + BigInt(u2.exact_ticks)).toString(),
        billed_calls: usage.billed_calls + u2.billed_calls,
        estimated_calls: usage.estimated_calls + u2.estimated_calls,
        unpriced_calls: usage.unpriced_calls + u2.unpriced_calls,
        unpriced_sessions: usage.unpriced_sessions + u2.unpriced_sessions,
        totals_only: usage.totals_only || u2.totals_only,
        // one after another, as DuckDB sums them: the new rows last
        estimated: sumInOrder(usage.estimated, added, c.estimated, c.has_calls),
      },
    ],
    durationSum,
    durations: sortedDurations,
    replies: sortedReplies,
  };
}

function durationCount(whole: WholeState): number {
  return whole.durations.length;
}

const sumOrNull = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : a + b;

function sumInOrder(
  start: number,
  added: Selected,
  estimated: Float64Array,
  hasCalls: Float64Array,
): number {
  let sum = start;
  for (const i of added.at) if (hasCalls[i] === 1) sum += estimated[i] as number;
  return sum;
}

/** The sessions of `cols` but those of the files named in `gone`, in the same order. */
export function withoutFiles(cols: SummaryColumns, gone: ReadonlySet<string>): SummaryColumns {
  const keep: number[] = [];
  for (let i = 0; i < cols.n; i++) if (!gone.has(cols.files[i] as string)) keep.push(i);
  const n = keep.length;
  const col = Object.fromEntries(
    NUMBER_COLUMNS.map((name) => {
      const from = cols.col[name];
      const c = new Float64Array(n);
      keep.forEach((i, k) => {
        c[k] = from[i] as number;
      });
      return [name, c];
    }),
  ) as Record<NumberColumn, Float64Array>;
  const replies: number[] = [];
  const tools: number[] = [];
  const sel = selectSessions(cols, EVERY);
  const out: SummaryColumns = {
    n,
    col,
    files: [],
    ids: {},
    paths: {},
    models: cols.models,
    directories: cols.directories,
    tags: {},
    ticks: {},
    toolNames: cols.toolNames,
    replies: new Int32Array(0),
    tools: new Int32Array(0),
  };
  keep.forEach((i, k) => {
    out.files.push(cols.files[i] as string);
    const id = cols.ids[i];
    if (id !== undefined) out.ids[k] = id;
    const path = cols.paths[i];
    if (path !== undefined) out.paths[k] = path;
    const tags = cols.tags[i];
    if (tags !== undefined) out.tags[k] = tags;
    const ticks = cols.ticks[i];
    if (ticks !== undefined) out.ticks[k] = ticks;
    const r = sel.replyAt[i] as number;
    for (let j = r; j < r + (cols.col.replies[i] as number); j++)
      replies.push(cols.replies[j] as number);
    const t = 3 * (sel.toolAt[i] as number);
    for (let j = t; j < t + 3 * (cols.col.tools[i] as number); j++)
      tools.push(cols.tools[j] as number);
  });
  out.replies = Int32Array.from(replies);
  out.tools = Int32Array.from(tools);
  return out;
}
