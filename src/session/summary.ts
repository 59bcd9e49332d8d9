/** Plain facts about one session, computed from its parsed content. Pure. */
import type { Session } from './schema.js';

export interface SessionSummary {
  sessionId: string;
  name: string | undefined;
  tags: string[];
  startTime: string;
  endTime: string | undefined;
  model: string;
  messages: number;
  toolCalls: number;
  tokens: { input: number; output: number; total: number };
  workingDirectory: string;
  durationMs: number | undefined;
}

export function countToolCalls(session: Session): number {
  let n = 0;
  for (const m of session.messages) n += m.toolCalls?.length ?? 0;
  return n;
}

/** The last moment the session was active: endTime, else its last message's timestamp. */
export function lastActivity(session: Session): string | undefined {
  if (session.endTime) return session.endTime;
  for (let i = session.messages.length - 1; i >= 0; i--) {
    const ts = session.messages[i]?.timestamp;
    if (ts) return ts;
  }
  return undefined;
}

export function summarize(session: Session): SessionSummary {
  const end = lastActivity(session);
  const durationMs = end ? Date.parse(end) - Date.parse(session.startTime) : undefined;
  return {
    sessionId: session.sessionId,
    name: session.name,
    tags: session.tags ?? [],
    startTime: session.startTime,
    endTime: session.endTime,
    model: session.model,
    messages: session.messages.length,
    toolCalls: countToolCalls(session),
    tokens: {
      input: session.tokenUsage.input,
      output: session.tokenUsage.output,
      total: session.tokenUsage.total,
    },
    workingDirectory: session.metadata.workingDirectory,
    durationMs: durationMs !== undefined && durationMs >= 0 ? durationMs : undefined,
  };
}
