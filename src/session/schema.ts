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
