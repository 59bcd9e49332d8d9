import { type SessionData, SessionRecorder } from '../chat/recorder.js';
import { UsageError } from '../errors.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { sessionsDir } from '../session/paths.js';
import { resolveSession } from '../session/ref.js';
import { now as clockNow } from '../test-hooks.js';
import { grokVersion } from '../version.js';
import type { GlobalOptions } from './common.js';

export interface ForkOptions extends GlobalOptions {
  at?: string | number | undefined;
}

export interface ForkResult {
  from: string;
  file: string;
  path: string;
  sessionId: string;
  messages: number;
}

/**
 * A new session holding the first N messages of another (all by default), with `forkedFrom`
 * naming its origin. Its token usage starts at zero: the copied turns were paid for by the original.
 */
export async function fork(ref: string, opts: ForkOptions): Promise<ForkResult> {
  const dir = sessionsDir(opts);
  const source = await resolveSession(dir, ref);
  const total = source.session.messages.length;
  let count = total;
  if (opts.at !== undefined) {
    const text = String(opts.at);
    if (!/^\d+$/.test(text) || Number(text) < 1)
      throw new UsageError(`--at must be a whole number from 1, got '${text}'`);
    count = Number(text);
    if (count > total) {
      throw new UsageError(`--at ${count}: ${source.file} has only ${total} messages`);
    }
  }
  const raw = structuredClone(source.raw) as SessionData;
  const now = clockNow();
  const data: SessionData = {
    ...raw,
    sessionId: '',
    startTime: now.toISOString(),
    endTime: now.toISOString(),
    messages: raw.messages.slice(0, count),
    tokenUsage: { input: 0, output: 0, total: 0 },
    metadata: { ...raw.metadata, nodeVersion: process.versions.node, grokVersion: grokVersion() },
    forkedFrom: { sessionId: source.session.sessionId, messages: count },
    status: 'ended',
  };
  delete data.name;
  const recorder = SessionRecorder.fresh(dir, data);
  await recorder.save();
  await recorder.close('ended');
  return {
    from: source.file,
    file: recorder.file as string,
    path: recorder.path as string,
    sessionId: data.sessionId,
    messages: count,
  };
}

export function renderFork(result: ForkResult, opts: GlobalOptions): CommandOutput {
  if (opts.json) return { stdout: jsonText(result) };
  return {
    stdout: `${result.file}: forked from ${result.from} with its first ${result.messages} messages\n`,
    stderr: `continue it with: grok --resume ${result.sessionId}\n`,
  };
}
