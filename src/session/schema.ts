/**
 * The session file: the contract between the chat runtime and the toolkit. It is the seed's
 * format exactly; fields this project adds (name, tags, per-message usage, status, forkedFrom)
 * are optional, and unknown fields are kept (loose objects) so a rewrite never drops them.
 */
import { z } from 'zod';

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date-time');
const count = z.number().int().nonnegative();

export const toolCallSchema = z.looseObject({
  tool: z.string(),
  parameters: z.unknown().optional(),
  result: z.unknown().optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const messageUsageSchema = z.looseObject({
  input: count,
  output: count,
  total: count,
});

export const messageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().nullable(),
  timestamp: isoTime.optional(),
  toolCalls: z.array(toolCallSchema).optional(),
  /** Additive: this message's own API usage. */
  usage: messageUsageSchema.optional(),
  /** Additive: the reply was cut short by Ctrl+C. */
  interrupted: z.boolean().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const tokenUsageSchema = z.looseObject({
  input: count,
  output: count,
  total: count,
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const metadataSchema = z.looseObject({
  workingDirectory: z.string(),
  nodeVersion: z.string(),
  grokVersion: z.string(),
});

/**
 * How the session ended, written by the runtime: "active" while it runs, "ended" after a graceful
 * exit, "interrupted" after Ctrl+C twice or a signal. A file still "active" with no live lock is a
 * crash (no final save). Files from before this field have none.
 */
export const sessionStatusSchema = z.enum(['active', 'ended', 'interrupted']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const sessionSchema = z.looseObject({
  sessionId: z.string().min(1),
  startTime: isoTime,
  endTime: isoTime.optional(),
  model: z.string(),
  messages: z.array(messageSchema),
  tokenUsage: tokenUsageSchema,
  metadata: metadataSchema,
  name: z.string().optional(),
  tags: z.array(z.string()).optional(),
  status: sessionStatusSchema.optional(),
  forkedFrom: z.looseObject({ sessionId: z.string(), messages: count }).optional(),
});
export type Session = z.infer<typeof sessionSchema>;

/** "messages.3.role: Invalid option" style: the first problem, naming the field. */
export function describeSchemaError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the session format';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  const message =
    issue.code === 'invalid_type' && issue.input === undefined ? 'missing' : issue.message;
  return `${path}: ${message}`;
}

// A hand-written twin of `sessionSchema`, for the index's hot path: building the index checks
// every message of every file, and zod's generic walk costs about as much as JSON.parse itself.
// It accepts exactly what the schema accepts (test/session/schema-check.test.ts compares the two
// over every field of the sample sessions, mutated); a value it refuses is handed to zod, which
// names the problem.

type Loose = Record<string, unknown>;

function isLoose(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isTime(v: unknown): boolean {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

function isUsage(v: unknown): boolean {
  return isLoose(v) && isCount(v.input) && isCount(v.output) && isCount(v.total);
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const STATUSES = new Set(['active', 'ended', 'interrupted']);

function isMessage(v: unknown): boolean {
  if (!isLoose(v)) return false;
  if (typeof v.role !== 'string' || !ROLES.has(v.role)) return false;
  if (typeof v.content !== 'string' && v.content !== null) return false;
  if (v.timestamp !== undefined && !isTime(v.timestamp)) return false;
  if (v.usage !== undefined && !isUsage(v.usage)) return false;
  if (v.interrupted !== undefined && typeof v.interrupted !== 'boolean') return false;
  const calls = v.toolCalls;
  if (calls === undefined) return true;
  if (!Array.isArray(calls)) return false;
  for (const c of calls) if (!isLoose(c) || typeof c.tool !== 'string') return false;
  return true;
}

/** True when `sessionSchema` accepts `v` as it is (the schema transforms nothing). */
export function isSession(v: unknown): v is Session {
  if (!isLoose(v)) return false;
  if (typeof v.sessionId !== 'string' || v.sessionId.length === 0) return false;
  if (!isTime(v.startTime)) return false;
  if (v.endTime !== undefined && !isTime(v.endTime)) return false;
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
