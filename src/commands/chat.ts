/**
 * `grok`, `grok "msg"`, `grok -p "msg"`, `grok --continue`, `grok --resume <ref>`: the chat
 * runtime's entry. Interactive sessions are recorded; headless (-p) ones are not.
 */
import { realpath } from 'node:fs/promises';
import {
  type ChatClient,
  createChatClient,
  formatRetry,
  type RetryNotice,
  resolveApiKind,
  resolveModel,
} from '../chat/client.js';
import { describeContext, loadStartupContext } from '../chat/context.js';
import { newSessionData } from '../chat/conversation.js';
import { SessionRecorder } from '../chat/recorder.js';
import { runTurn } from '../chat/turn.js';
import { addUsage, emptyUsage, ticksToUsd, type Usage } from '../chat/usage.js';
import { UsageError, UserError } from '../errors.js';
import type { CommandOutput } from '../render/output.js';
import { sessionsDir } from '../session/paths.js';
import type { Message } from '../session/schema.js';
import { loadSettings } from '../settings.js';
import { type ChatOptions, resumeInteractive, runInteractive } from './interactive.js';

export interface HeadlessResult {
  reply: string;
  model: string;
  /** Sums over the turn's calls; `costUsdTicks` only from calls the server billed. */
  usage: Usage;
  /** The billed cost in USD (usage.costUsdTicks / 1e10), null when the server reported none. */
  costUsd: number | null;
  /** API calls whose usage the server never reported (counted in no sum). */
  unreportedCalls?: number;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `-p`: one turn, tools included, streamed and printed as it comes (or as JSON), nothing written
 * to disk. No prompt cache key: there is no conversation to key.
 */
export async function headless(
  text: string,
  client: ChatClient,
  opts: {
    onText?: ((delta: string) => void) | undefined;
    onRetry?: ((notice: RetryNotice) => void) | undefined;
  },
): Promise<HeadlessResult> {
  const cwd = process.cwd();
  const ctx = await loadStartupContext(cwd);
  const root = await realpath(cwd);
  const messages: Message[] = [
    { role: 'system', content: ctx.content },
    { role: 'user', content: text },
  ];
  const reply: Message = { role: 'assistant', content: '' };
  const usage = emptyUsage();
  const result = await runTurn({
    client,
    root,
    history: messages,
    reply,
    onText: opts.onText,
    onUsage: (u) => addUsage(usage, u),
    onRetry: opts.onRetry,
  });
  if (result.cutShort) {
    if (opts.onText && reply.content) opts.onText('\n');
    throw new UserError(`the reply stopped before the end: ${result.cutShort}`);
  }
  const unreported = (reply.calls ?? []).filter((c) => c.usage === null).length;
  return {
    reply: reply.content ?? '',
    model: client.model,
    usage,
    costUsd: usage.costUsdTicks === undefined ? null : ticksToUsd(usage.costUsdTicks),
    ...(unreported > 0 ? { unreportedCalls: unreported } : {}),
  };
}

export async function chat(message: string[], opts: ChatOptions): Promise<CommandOutput> {
  const text = message.map(String).join(' ');
  if (opts.print) {
    if (opts.continue || opts.resume)
      throw new UsageError('-p cannot be combined with --continue or --resume');
    const settings = await loadSettings();
    const client = createChatClient(resolveModel(opts.model, settings), resolveApiKind(settings));
    let input = text;
    if (input.trim() === '') {
      if (process.stdin.isTTY)
        throw new UsageError('-p needs a message, as an argument or on stdin');
      input = await readStdin();
    }
    if (input.trim() === '') throw new UsageError('-p needs a message, as an argument or on stdin');
    const result = await headless(input, client, {
      onText: opts.json ? undefined : (delta) => process.stdout.write(delta),
      // a wait shown to someone watching; a script reading stderr gets only the one error line
      onRetry: process.stderr.isTTY
        ? (notice) => process.stderr.write(`grok: ${formatRetry(notice)}\n`)
        : undefined,
    });
    if (opts.json) return { stdout: `${JSON.stringify(result, null, 2)}\n` };
    return { stdout: result.reply === '' || result.reply.endsWith('\n') ? '' : '\n' };
  }
  if (opts.json) throw new UsageError('--json goes with -p');
  if (opts.continue && opts.resume)
    throw new UsageError('use either --continue or --resume, not both');
  if (opts.resume === true) {
    const { resumePicked } = await import('./resume.js');
    return resumePicked(opts, text || undefined);
  }
  if (opts.continue || opts.resume) {
    return resumeInteractive(
      opts.continue ? 'latest' : String(opts.resume),
      opts,
      text || undefined,
    );
  }
  const settings = await loadSettings();
  const client = createChatClient(resolveModel(opts.model, settings), resolveApiKind(settings));
  const cwd = process.cwd();
  const ctx = await loadStartupContext(cwd);
  const recorder = SessionRecorder.fresh(
    sessionsDir(opts),
    newSessionData(client.model, ctx.content, cwd),
  );
  return runInteractive(recorder, client, settings, {
    first: text || undefined,
    debug: opts.debug,
    banner: `${describeContext(ctx)}. Model ${client.model}. /help for commands, /exit to end.`,
  });
}
