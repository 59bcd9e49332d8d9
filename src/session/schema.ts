/**
 * The session file: the contract between the chat runtime and the toolkit. It is the seed's
 * format exactly; fields this project adds (name, tags, per-message usage, status, forkedFrom)
 * are optional, and unknown fields are kept (loose objects) so a rewrite never drops them.
 */
import { z } from 'zod';
import { isSessionTime } from '../time.js';

const isoTime = z.string().refine(isSessionTime, 'not an ISO date-time with its zone');
const count = z.number().int().nonnegative();

export const toolCallSchema = z.looseObject({
  tool: z.string(),
  /** Additive: the id the API gave the call, sent back with its result on later requests. */
  id: z.string().optional(),
  parameters: z.unknown().optional(),
  result: z.unknown().optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

/**
 * Usage as the server reported it. `input` includes cached prompt tokens (xAI counts them there),
 * `output` is the server's total minus input, so reasoning is inside it however the server counts
 * it. `costUsdTicks` is xAI's billed cost (usage.cost_in_usd_ticks, 1 USD = 1e10 ticks), present
 * only when the server reported it: a 0 there is an exact $0, its absence means "not billed here".
 */
const usageFields = {
  input: count,
  output: count,
  total: count,
  cachedInput: count.optional(),
  reasoning: count.optional(),
  costUsdTicks: count.optional(),
};

export const messageUsageSchema = z.looseObject(usageFields);

/**
 * Additive: one entry per API request of an assistant message (a reply that ran a tool and called
 * again has two). A stream that ended without its usage has `usage: null` and no numbers: unknown,
 * never 0.
 */
export const apiCallSchema = z.looseObject({
  model: z.string(),
  input: count.optional(),
  output: count.optional(),
  total: count.optional(),
  cachedInput: count.optional(),
  reasoning: count.optional(),
  costUsdTicks: count.optional(),
  usage: z.null().optional(),
});
export type ApiCall = z.infer<typeof apiCallSchema>;

export const messageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().nullable(),
  timestamp: isoTime.optional(),
  toolCalls: z.array(toolCallSchema).optional(),
  /** Additive: this message's own API usage (the sum of its calls). */
  usage: messageUsageSchema.optional(),
  /** Additive: each API request this message took, with what the server reported and billed. */
  calls: z.array(apiCallSchema).optional(),
  /** Additive: the reply was cut short by Ctrl+C. */
  interrupted: z.boolean().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const tokenUsageSchema = z.looseObject(usageFields);
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

/**
 * "messages.3.role: Invalid option" style: the first problem, naming the field. `input`, the value
 * checked, tells a missing field from one of the wrong type (zod keeps no input).
 */
export function describeSchemaError(error: z.ZodError, input: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the session format';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  if (issue.code === 'invalid_type' && absent(input, issue.path)) return `${path}: missing`;
  return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

/** Whether the value at `path` in `input` is absent (a key not there, or undefined). */
function absent(input: unknown, path: readonly PropertyKey[]): boolean {
  let at: unknown = input;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return true;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at === undefined;
}
