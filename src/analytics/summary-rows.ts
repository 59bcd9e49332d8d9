/**
 * The summary's row of a session file parsed here, as summary-sessions.sql would give it once the
 * index had read the file and priced it: the session's columns, its cost as session-costs.sql
 * computes it (the same expressions, in the same order, over its usage rows in the order they
 * were made), its tools as session-tools-fill.sql counts them, its reply latencies and timed
 * output as the message rows hold them. Made as the session is walked (session-rows.ts:
 * walkSession, the walk the index's rows are made from), with no rows in between. And a
 * session's list entry alone, for the list summary (listFiles).
 */
import { listEntry, listEntryText } from '../session/list-entry.js';
import type { Session } from '../session/schema.js';
import type { SkippedFile } from '../session/store.js';
import { summarize } from '../session/summary.js';
import { type FileToIndex, type ParsedFile, parseEach, readEach } from './parse-files.js';
import type { PriceRow } from './pricing.js';
import {
  type CALL_KINDS,
  type SessionRow,
  type SessionWalker,
  sessionRow,
  type Usage,
  walkSession,
  wellFormed,
} from './session-rows.js';
import type { SummaryRow } from './summary-answers.js';

const nullIfNaN = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** What a session's walk adds up for its summary row (summaryRowOf). */
class SessionSums implements SessionWalker {
  readonly replies: number[] = [];
  timedOutput: number | null = null;
  timedMs: number | null = null;
  /** session_tools: calls and failed calls per tool. */
  readonly tools = new Map<string, { tool: string; calls: number; failed: number }>();
  /** session-costs.sql over the session's usage rows. */
  calls = 0;
  ticks: bigint | null = null;
  billed = 0;
  estimated = 0;
  unpriced = 0;
  unknown = 0;
  api = 0;
  cachedInput: number | null = null;
  reasoning: number | null = null;
  totalsOnly = false;
  cost: number | null = null;

  constructor(private readonly priceOf: ReadonlyMap<string, PriceRow>) {}

  message(_seq: number, msg: Session['messages'][number], _ms: number, reply: number): void {
    if (Number.isNaN(reply)) return;
    this.replies.push(reply);
    const output = msg.usage ? msg.usage.output : Number.NaN;
    if (!Number.isNaN(output) && reply > 0) {
      this.timedOutput = (this.timedOutput ?? 0) + output;
      this.timedMs = (this.timedMs ?? 0) + reply;
    }
  }

  toolCall(_seq: number, _idx: number, tool: string, failed: boolean): void {
    const row = this.tools.get(tool) ?? { tool, calls: 0, failed: 0 };
    row.calls++;
    if (failed) row.failed++;
    this.tools.set(tool, row);
  }

  usage(
    _seq: number,
    _idx: number,
    kind: (typeof CALL_KINDS)[number],
    model: string,
    u: Usage,
    known: boolean,
  ): void {
    // as the usage row holds them (session-rows.ts: usageRow)
    const n = (v: number | undefined) => (known && v !== undefined ? v : Number.NaN);
    const input = n(u.input);
    const output = n(u.output);
    const cachedInput = n(u.cachedInput);
    const reasoning = n(u.reasoning);
    const costTicks = n(u.costUsdTicks);
    const p = this.priceOf.get(wellFormed(model));
    this.calls++;
    const billed = !Number.isNaN(costTicks);
    if (billed) {
      this.billed++;
      this.ticks = (this.ticks ?? 0n) + BigInt(costTicks);
    }
    if (!known) this.unknown++;
    if (kind === 'call') this.api++;
    if (!Number.isNaN(cachedInput)) this.cachedInput = (this.cachedInput ?? 0) + cachedInput;
    if (!Number.isNaN(reasoning)) this.reasoning = (this.reasoning ?? 0) + reasoning;
    if (kind === 'session' && !billed && p !== undefined) this.totalsOnly = true;
    if (!known || billed) return;
    if (p === undefined) {
      this.unpriced++;
      return;
    }
    this.estimated++;
    // least(coalesce(cached_input, 0), input)
    const cached = Math.min(Number.isNaN(cachedInput) ? 0 : cachedInput, input);
    const long = kind !== 'session' && p.lc_threshold !== null && input >= p.lc_threshold;
    const cost = long
      ? ((input - cached) * (p.lc_input as number) +
          cached * (p.lc_cached_input as number) +
          output * (p.lc_output as number)) /
        1e6
      : ((input - cached) * p.input + cached * p.cached_input + output * p.output) / 1e6;
    // a NULL term (usage without its tokens) is left out of the sum, as SQL's sum does
    if (!Number.isNaN(cost)) this.cost = (this.cost ?? 0) + cost;
  }
}

/** The summary row of session `s` of `file`, its session row `row`, from the sums of its walk. */
function summaryRowOf(file: FileToIndex, row: SessionRow, c: SessionSums): SummaryRow {
  const hasCalls = c.calls > 0;
  return {
    file: file.name,
    path: row.status === 'active' ? file.path : null,
    session_id: row.sessionId,
    model: row.model,
    start_us: Date.parse(row.startTime) * 1000,
    tags: row.tags,
    working_directory: row.workingDirectory,
    status: row.status,
    interrupted: row.interrupted,
    duration_ms: row.durationMs,
    messages: row.messages,
    tool_calls: row.toolCalls,
    input: row.input,
    output: row.output,
    total: row.total,
    has_calls: hasCalls,
    exact_ticks: hasCalls && c.ticks !== null ? c.ticks.toString() : null,
    billed_calls: hasCalls ? c.billed : null,
    estimated_calls: hasCalls ? c.estimated : null,
    unpriced_calls: hasCalls ? c.unpriced : null,
    unpriced_sessions: hasCalls ? (c.unpriced > 0 ? 1 : 0) : null,
    unknown_calls: hasCalls ? c.unknown : null,
    api_calls: hasCalls ? c.api : null,
    cached_input: hasCalls ? (c.cachedInput ?? 0) : null,
    reasoning: hasCalls ? (c.reasoning ?? 0) : null,
    totals_only: hasCalls ? c.totalsOnly : null,
    estimated: hasCalls ? (c.cost ?? 0) : null,
    tools: c.tools.size > 0 ? [...c.tools.values()] : null,
    replies: c.replies.length > 0 ? c.replies : null,
    timed_output: nullIfNaN(c.timedOutput ?? Number.NaN),
    timed_ms: nullIfNaN(c.timedMs ?? Number.NaN),
  };
}

/** Files read for a summary alone (summarizeFiles): the sessions' rows, and the other files. */
export interface FilesSummarized {
  rows: SummaryRow[];
  skipped: SkippedFile[];
}

/**
 * Reads and parses `files` (in a parse worker, or inline) into their summary rows priced by
 * `prices`, and the files that are not sessions: what a summary takes of the files it reads
 * itself (summary.ts), without the index's rows or the entries only the index keeps. `lean`: the
 * text cut before the parse (lean-json.ts); off, the whole text, which gives the same rows.
 */
export async function summarizeFiles(
  files: readonly FileToIndex[],
  prices: readonly PriceRow[],
  { lean = true } = {},
): Promise<FilesSummarized> {
  const priceOf = new Map(prices.map((p) => [p.model, p]));
  const rows: SummaryRow[] = [];
  const parsed = await parseEach(readEach(files, { lean }), (_i, file, s) => {
    const sums = new SessionSums(priceOf);
    const row = sessionRow(s, file.name, walkSession(s, sums), true);
    rows.push(summaryRowOf(file, row, sums));
    return row;
  });
  return { rows, skipped: skippedOf(parsed) };
}

/** The files of `parsed` that are not sessions, and why. */
function skippedOf(parsed: readonly ParsedFile[]): SkippedFile[] {
  const skipped: SkippedFile[] = [];
  for (const f of parsed) {
    if (f.status === 'bad') skipped.push({ file: f.name, reason: f.reason ?? '' });
  }
  return skipped;
}

/** A session as the list summary holds it: its `list --json` entry, and what orders and shows it. */
export interface ListedRow {
  /** As list_entries holds it (session-rows.ts: sessionRow). */
  entry: string;
  durationMs: number | null;
  /** Its start, epoch milliseconds. */
  startMs: number;
  file: string;
}

/** Files read for the list summary alone (listFiles): the sessions' entries, and the other files. */
export interface FilesListed {
  rows: ListedRow[];
  skipped: SkippedFile[];
}

/** A session's walk for its times alone (sessionRow's duration and start): no rows. */
const TIMES_ONLY = { toolCalls: 0, interrupted: false };

/**
 * Reads and parses `files` (in a parse worker, or inline) into their list entries, and the files
 * that are not sessions: what the list summary takes of the files it reads itself (summary.ts).
 */
export async function listFiles(
  files: readonly FileToIndex[],
  { lean = true } = {},
): Promise<FilesListed> {
  const rows: ListedRow[] = [];
  const parsed = await parseEach(readEach(files, { lean }), (_i, file, s) => {
    const row = sessionRow(s, file.name, TIMES_ONLY, true);
    rows.push({
      entry: listEntryText(listEntry(summarize(s), file.name)),
      durationMs: row.durationMs,
      startMs: Date.parse(row.startTime),
      file: file.name,
    });
    return row;
  });
  return { rows, skipped: skippedOf(parsed) };
}
