/**
 * A hand-written twin of `sessionSchema` (schema.ts), without zod, for the index's hot path:
 * building the index checks every message of every file, zod's generic walk costs about as much
 * as JSON.parse itself, and loading zod alone takes some 100 ms of a command's start. It accepts
 * exactly what the schema accepts (test/session/schema-check.test.ts compares the two over every
 * field of the sample sessions, mutated); a value it refuses is handed to zod, which names the
 * problem.
 */
import { isSessionTime } from '../time.js';
import type { Session } from './schema.js';

type Loose = Record<string, unknown>;

function isLoose(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isOptionalCount(v: unknown): boolean {
  return v === undefined || isCount(v);
}

function isUsage(v: unknown): boolean {
  return (
    isLoose(v) &&
    isCount(v.input) &&
    isCount(v.output) &&
    isCount(v.total) &&
    isOptionalCount(v.cachedInput) &&
    isOptionalCount(v.reasoning) &&
    isOptionalCount(v.costUsdTicks)
  );
}

const CALL_COUNTS = ['input', 'output', 'total', 'cachedInput', 'reasoning', 'costUsdTicks'];

/** One entry of a message's `calls` (schema.ts: apiCallSchema). */
function isApiCall(v: unknown): boolean {
  if (!isLoose(v) || typeof v.model !== 'string') return false;
  for (const key of CALL_COUNTS) if (!isOptionalCount(v[key])) return false;
  return v.usage === undefined || v.usage === null;
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const STATUSES = new Set(['active', 'ended', 'interrupted']);

function isMessage(v: unknown): boolean {
  if (!isLoose(v)) return false;
  if (typeof v.role !== 'string' || !ROLES.has(v.role)) return false;
  if (typeof v.content !== 'string' && v.content !== null) return false;
  if (v.timestamp !== undefined && !isSessionTime(v.timestamp)) return false;
  if (v.usage !== undefined && !isUsage(v.usage)) return false;
  if (v.interrupted !== undefined && typeof v.interrupted !== 'boolean') return false;
  if (v.calls !== undefined) {
    if (!Array.isArray(v.calls)) return false;
    for (const c of v.calls) if (!isApiCall(c)) return false;
  }
  const calls = v.toolCalls;
  if (calls === undefined) return true;
  if (!Array.isArray(calls)) return false;
  for (const c of calls) {
    if (!isLoose(c) || typeof c.tool !== 'string') return false;
    if (c.id !== undefined && typeof c.id !== 'string') return false;
  }
  return true;
}

/** True when `sessionSchema` accepts `v` as it is (the schema transforms nothing). */
export function isSession(v: unknown): v is Session {
  if (!isLoose(v)) return false;
  if (typeof v.sessionId !== 'string' || v.sessionId.length === 0) return false;
  if (!isSessionTime(v.startTime)) return false;
  if (v.endTime !== undefined && !isSessionTime(v.endTime)) return false;
  if (typeof v.model !== 'string') return false;
  if (!isUsage(v.tokenUsage)) return false;
  const meta = v.metadata;
  if (
    !isLoose(meta) ||
    typeof meta.workingDirectory !== 'string' ||
    typeof meta.nodeVersion !== 'string' ||
    typeof meta.grokVersion !== 'string'
  ) {
    return false;
  }
  if (v.name !== undefined && typeof v.name !== 'string') return false;
  if (v.tags !== undefined) {
    if (!Array.isArray(v.tags)) return false;
    for (const t of v.tags) if (typeof t !== 'string') return false;
  }
  if (v.status !== undefined && (typeof v.status !== 'string' || !STATUSES.has(v.status))) {
    return false;
  }
  const fork = v.forkedFrom;
  if (
    fork !== undefined &&
    !(isLoose(fork) && typeof fork.sessionId === 'string' && isCount(fork.messages))
  ) {
    return false;
  }
  if (!Array.isArray(v.messages)) return false;
  for (const m of v.messages) if (!isMessage(m)) return false;
  return true;
}
