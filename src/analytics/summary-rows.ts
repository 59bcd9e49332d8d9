/**
 * The summary's row of a session file parsed here (parse-files.ts), as summary-sessions.sql would
 * give it once the index had read the file and priced it: the session's columns, its cost as
 * session-costs.sql computes it (the same expressions, in the same order, over its usage rows in
 * the order they were made), its tools as session-tools-fill.sql counts them, its reply latencies
 * and timed output as the message rows hold them. Pure.
 */
import type { SkippedFile } from '../session/store.js';
import { type FileToIndex, type ParsedBatch, readAndParse } from './parse-files.js';
import type { PriceRow } from './pricing.js';
import { CALL_KINDS } from './session-rows.js';
import type { SummaryRow } from './summary-answers.js';

const nullIfNaN = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** The rows of each file of a batch, by file: indexes into the batch's columns, in their order. */
function rowsByFile(file: Int32Array, length: number, files: number): Int32Array[] {
  const counts = new Int32Array(files);
  for (let r = 0; r < length; r++) (counts[file[r] as number] as number)++;
  const out = Array.from(counts, (n) => new Int32Array(n));
  counts.fill(0);
  for (let r = 0; r < length; r++) {
    const f = file[r] as number;
    (out[f] as Int32Array)[(counts[f] as number)++] = r;
  }
  return out;
}

/** Each file of `batch` that is a session, as a SummaryRow, priced by `prices`. */
export function summaryRows(batch: ParsedBatch, prices: readonly PriceRow[]): SummaryRow[] {
  const priceOf = new Map(prices.map((p) => [p.model, p]));
  const { messages: m, toolCalls: t, apiCalls: a } = batch;
  // one pass over each table, not one per file
  const n = batch.files.length;
  const messagesOf = rowsByFile(m.file, m.length, n);
  const toolCallsOf = rowsByFile(t.file, t.length, n);
  const apiCallsOf = rowsByFile(a.file, a.length, n);
  const rows: SummaryRow[] = [];
  batch.files.forEach((file, i) => {
    const s = file.session;
    if (file.status !== 'ok' || s === undefined) return;
    // the message rows: replies, and the output of those timed
    const replies: number[] = [];
    let timedOutput: number | null = null;
    let timedMs: number | null = null;
    for (const r of messagesOf[i] as Int32Array) {
      const reply = m.replyMs[r] as number;
      if (Number.isNaN(reply)) continue;
      replies.push(reply);
      const output = m.output[r] as number;
      if (!Number.isNaN(output) && reply > 0) {
        timedOutput = (timedOutput ?? 0) + output;
        timedMs = (timedMs ?? 0) + reply;
      }
    }
    // session_tools: calls and failed calls per tool
    const tools = new Map<string, { tool: string; calls: number; failed: number }>();
    for (const r of toolCallsOf[i] as Int32Array) {
      const name = t.tool[r] as string;
      const row = tools.get(name) ?? { tool: name, calls: 0, failed: 0 };
      row.calls++;
      row.failed += t.failed[r] as number;
      tools.set(name, row);
    }
    // session-costs.sql over the session's usage rows
    let calls = 0;
    let ticks: bigint | null = null;
    const c = {
      billed: 0,
      estimated: 0,
      unpriced: 0,
      unknown: 0,
      api: 0,
      cachedInput: null as number | null,
      reasoning: null as number | null,
      totalsOnly: false,
      cost: null as number | null,
    };
    for (const r of apiCallsOf[i] as Int32Array) {
      calls++;
      const kind = CALL_KINDS[a.kind[r] as number];
      const known = a.known[r] === 1;
      const input = a.input[r] as number;
      const output = a.output[r] as number;
      const cachedInput = a.cachedInput[r] as number;
      const reasoning = a.reasoning[r] as number;
      const costTicks = a.costTicks[r] as number;
      const p = priceOf.get(a.model[r] as string);
      const billed = !Number.isNaN(costTicks);
      if (billed) {
        c.billed++;
        ticks = (ticks ?? 0n) + BigInt(costTicks);
      }
      if (!known) c.unknown++;
      if (kind === 'call') c.api++;
      if (!Number.isNaN(cachedInput)) c.cachedInput = (c.cachedInput ?? 0) + cachedInput;
      if (!Number.isNaN(reasoning)) c.reasoning = (c.reasoning ?? 0) + reasoning;
      if (kind === 'session' && !billed && p !== undefined) c.totalsOnly = true;
      if (!known || billed) continue;
      if (p === undefined) {
        c.unpriced++;
        continue;
      }
      c.estimated++;
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
      if (!Number.isNaN(cost)) c.cost = (c.cost ?? 0) + cost;
    }
    const hasCalls = calls > 0;
    rows.push({
      file: file.name,
      path: s.status === 'active' ? file.path : null,
      session_id: s.sessionId,
      model: s.model,
      start_us: Date.parse(s.startTime) * 1000,
      tags: s.tags,
      working_directory: s.workingDirectory,
      status: s.status,
      interrupted: s.interrupted,
      duration_ms: s.durationMs,
      messages: s.messages,
      tool_calls: s.toolCalls,
      input: s.input,
      output: s.output,
      total: s.total,
      has_calls: hasCalls,
      exact_ticks: hasCalls && ticks !== null ? ticks.toString() : null,
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
      tools: tools.size > 0 ? [...tools.values()] : null,
      replies: replies.length > 0 ? replies : null,
      timed_output: nullIfNaN(timedOutput ?? Number.NaN),
      timed_ms: nullIfNaN(timedMs ?? Number.NaN),
    });
  });
  return rows;
}

/** Files read for a summary alone (summarizeFiles): the sessions' rows, and the other files. */
export interface FilesSummarized {
  rows: SummaryRow[];
  skipped: SkippedFile[];
}

/**
 * Reads and parses `files` (in a parse worker, or inline) into their summary rows priced by
 * `prices`, and the files that are not sessions: what a summary made from the files alone takes
 * of them (summary-files.ts), without the rows' columns or the entries only the index keeps.
 */
export async function summarizeFiles(
  files: readonly FileToIndex[],
  prices: readonly PriceRow[],
): Promise<FilesSummarized> {
  const { batch } = await readAndParse(files, { lean: true });
  const skipped: SkippedFile[] = [];
  for (const f of batch.files) {
    if (f.status === 'bad') skipped.push({ file: f.name, reason: f.reason ?? '' });
  }
  return { rows: summaryRows(batch, prices), skipped };
}
