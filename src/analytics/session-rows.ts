/** What one parsed session becomes in the index: plain rows, no I/O. */
import type { Session } from '../session/schema.js';
import { lastActivity } from '../session/summary.js';

export interface SessionRow {
  sessionId: string;
  name: string | null;
  tags: string[];
  startTime: string;
  endTime: string | null;
  lastActivity: string | null;
  durationMs: number | null;
  model: string;
  status: string | null;
  workingDirectory: string;
  messages: number;
  toolCalls: number;
  input: number;
  output: number;
  total: number;
  interrupted: boolean;
}

export interface MessageRow {
  seq: number;
  role: string;
  content: string | null;
  timestamp: string | null;
  toolCalls: number;
  input: number | null;
  output: number | null;
  interrupted: boolean;
  /** On an assistant message right after a user message: milliseconds between the two. */
  replyMs: number | null;
}

export interface ToolCallRow {
  seq: number;
  idx: number;
  tool: string;
  parameters: string | null;
  result: string | null;
  failed: boolean;
}

export interface IndexedSession {
  session: SessionRow;
  messages: MessageRow[];
  toolCalls: ToolCallRow[];
}

/**
 * A tool call failed when its result says so: an object with an `error` key (what the runtime
 * records), or text starting with "Error" / "error:" (what many tools print).
 */
export function isFailedResult(result: unknown): boolean {
  if (typeof result === 'string') return /^(Error|error:)/.test(result);
  if (result !== null && typeof result === 'object' && !Array.isArray(result)) {
    return Object.hasOwn(result, 'error');
  }
  return false;
}

/**
 * Tool results are often whole files: the index keeps the head of each, enough to show and to
 * search what a call returned without doubling the index's size. The session file has the rest.
 */
export const RESULT_PREVIEW_CHARS = 200;

/** Text with lone surrogates replaced: DuckDB refuses strings that are not valid UTF-8. */
function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/** JSON text of a value, cut to `max` characters (never inside a surrogate pair). */
function jsonText(value: unknown, max = Number.POSITIVE_INFINITY): string | null {
  if (value === undefined) return null;
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return null;
  if (text.length > max) text = text.slice(0, max);
  return wellFormed(text);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** What the runtime writes (ISO in UTC) passes as is; anything else Date can read is normalised. */
function isoOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (ISO_UTC.test(value)) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function replyMs(prev: Session['messages'][number] | undefined, m: Session['messages'][number]) {
  if (prev?.role !== 'user' || m.role !== 'assistant' || !prev.timestamp || !m.timestamp) {
    return null;
  }
  const ms = Date.parse(m.timestamp) - Date.parse(prev.timestamp);
  return Number.isFinite(ms) && ms >= 0 && ms <= 2_147_483_647 ? ms : null;
}

export function sessionToRows(s: Session): IndexedSession {
  const messages: MessageRow[] = [];
  const toolCalls: ToolCallRow[] = [];
  let interrupted = s.status === 'interrupted';
  s.messages.forEach((m, seq) => {
    if (m.interrupted) interrupted = true;
    const prev = seq > 0 ? s.messages[seq - 1] : undefined;
    const calls = m.toolCalls ?? [];
    messages.push({
      seq,
      role: m.role,
      content: m.content === null ? null : wellFormed(m.content),
      timestamp: isoOrNull(m.timestamp),
      toolCalls: calls.length,
      input: m.usage?.input ?? null,
      output: m.usage?.output ?? null,
      interrupted: m.interrupted === true,
      replyMs: replyMs(prev, m),
    });
    calls.forEach((call, idx) => {
      toolCalls.push({
        seq,
        idx,
        tool: wellFormed(call.tool),
        parameters: jsonText(call.parameters),
        result: jsonText(call.result, RESULT_PREVIEW_CHARS),
        failed: isFailedResult(call.result),
      });
    });
  });
  const last = lastActivity(s);
  const startMs = Date.parse(s.startTime);
  const lastMs = last === undefined ? Number.NaN : Date.parse(last);
  const durationMs = Number.isNaN(lastMs) || lastMs < startMs ? null : lastMs - startMs;
  return {
    session: {
      sessionId: s.sessionId.toWellFormed(),
      name: s.name?.toWellFormed() ?? null,
      tags: (s.tags ?? []).map((t) => t.toWellFormed()),
      startTime: new Date(startMs).toISOString(),
      endTime: isoOrNull(s.endTime),
      lastActivity: isoOrNull(last),
      durationMs,
      model: s.model.toWellFormed(),
      status: s.status ?? null,
      workingDirectory: s.metadata.workingDirectory.toWellFormed(),
      messages: s.messages.length,
      toolCalls: toolCalls.length,
      input: s.tokenUsage.input,
      output: s.tokenUsage.output,
      total: s.tokenUsage.total,
      interrupted,
    },
    messages,
    toolCalls,
  };
}
