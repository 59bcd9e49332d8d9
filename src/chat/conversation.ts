/**
 * A recorded conversation: sends a user message, runs the turn, and keeps the session's usage and
 * file up to date. The terminal side (src/chat/repl.ts) and the commands drive it.
 */
import type { Message } from '../session/schema.js';
import type { Settings } from '../settings.js';
import { injectedFault } from '../test-hooks.js';
import { grokVersion } from '../version.js';
import type { ChatClient } from './client.js';
import { DEFAULT_AUTOSAVE_SECONDS, type SessionData, type SessionRecorder } from './recorder.js';
import { estimateTokens } from './text.js';
import { runTurn, type TurnHooks } from './turn.js';
import { emptyUsage, type Usage } from './usage.js';

/** Past this many tokens of context a new session is suggested, once. */
export const CONTEXT_WARNING_TOKENS = 100_000;

export function newSessionData(
  model: string,
  system: string,
  cwd: string,
  now = new Date(),
): SessionData {
  return {
    sessionId: '',
    startTime: now.toISOString(),
    endTime: now.toISOString(),
    model,
    messages: [{ role: 'system', content: system }],
    tokenUsage: emptyUsage(),
    metadata: {
      workingDirectory: cwd,
      nodeVersion: process.versions.node,
      grokVersion: grokVersion(),
    },
    status: 'active',
  };
}

/** `GROK_AUTOSAVE_SECONDS`, else the settings' `autosaveSeconds`, else 5. */
export function autosaveSeconds(settings: Settings, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.GROK_AUTOSAVE_SECONDS);
  if (env.GROK_AUTOSAVE_SECONDS && Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return settings.autosaveSeconds ?? DEFAULT_AUTOSAVE_SECONDS;
}

export interface SendResult {
  reply: Message;
  interrupted: boolean;
  /** True the first time the context passes CONTEXT_WARNING_TOKENS. */
  contextWarning: boolean;
  /** Why the reply stopped before the end, when the stream broke. */
  cutShort?: string;
}

export class Conversation {
  private lastCall: Usage | undefined;
  private warned = false;

  constructor(
    readonly recorder: SessionRecorder,
    readonly client: ChatClient,
    readonly root: string,
    readonly autosaveSeconds: number,
  ) {}

  get data(): SessionData {
    return this.recorder.data;
  }

  /** Tokens of context: the last call's prompt and reply as the API counted them, else an estimate. */
  contextTokens(): number {
    if (this.lastCall) return this.lastCall.total;
    const chars = this.data.messages.reduce(
      (n, m) => n + (m.content?.length ?? 0) + JSON.stringify(m.toolCalls ?? []).length,
      0,
    );
    return estimateTokens(chars);
  }

  async send(text: string, hooks: TurnHooks & { signal?: AbortSignal }): Promise<SendResult> {
    const rec = this.recorder;
    rec.addMessage({ role: 'user', content: text, timestamp: new Date().toISOString() });
    await rec.save();
    const history = [...this.data.messages];
    // Marked interrupted until it is complete, so an autosave or a kill mid-reply says so.
    const reply = rec.addMessage({
      role: 'assistant',
      content: '',
      timestamp: new Date().toISOString(),
      interrupted: true,
    });
    rec.startAutosave(this.autosaveSeconds);
    let interrupted = true;
    let cutShort: string | undefined;
    try {
      const result = await runTurn({
        client: this.client,
        root: this.root,
        history,
        reply,
        // One key for the life of the session, resumed or not; a fork has its own id.
        cacheKey: this.data.sessionId || undefined,
        signal: hooks.signal,
        onText: (delta) => {
          hooks.onText?.(delta);
          // Fault injection for the crash test: an exception nothing catches, mid-reply.
          if (injectedFault() === 'uncaught-exception') {
            setImmediate(() => {
              throw new Error('injected fault');
            });
          }
        },
        onToolCall: hooks.onToolCall,
        onRetry: hooks.onRetry,
        onUsage: (usage) => {
          rec.addUsage(usage);
          this.lastCall = usage;
          hooks.onUsage?.(usage);
        },
      });
      interrupted = result.interrupted;
      cutShort = result.cutShort;
    } catch (error) {
      // A failed call leaves no empty reply behind; a reply cut by an error stays, marked.
      if (!reply.content && !reply.toolCalls?.length && !reply.calls?.length)
        this.data.messages.pop();
      rec.stopAutosave();
      await rec.save();
      throw error;
    }
    rec.stopAutosave();
    if (!interrupted) delete reply.interrupted;
    await rec.save();
    let contextWarning = false;
    if (!this.warned && this.contextTokens() > CONTEXT_WARNING_TOKENS) {
      this.warned = true;
      contextWarning = true;
    }
    return { reply, interrupted, contextWarning, ...(cutShort ? { cutShort } : {}) };
  }
}
