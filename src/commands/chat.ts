/**
 * `grok`, `grok "msg"`, `grok -p "msg"`, `grok --continue`, `grok --resume <ref>`: the chat
 * runtime's entry. Interactive sessions are recorded; headless (-p) ones are not.
 */
import { realpath } from 'node:fs/promises';
import {
  apiKeyFrom,
  type ChatClient,
  createChatClient,
  resolveApiKind,
  resolveModel,
} from '../chat/client.js';
import { describeContext, loadStartupContext } from '../chat/context.js';
import { autosaveSeconds, Conversation, newSessionData } from '../chat/conversation.js';
import { type SessionData, SessionRecorder } from '../chat/recorder.js';
import { runRepl } from '../chat/repl.js';
import { runTurn } from '../chat/turn.js';
import { addUsage, emptyUsage, ticksToUsd, type Usage } from '../chat/usage.js';
import { UsageError, UserError } from '../errors.js';
import type { CommandOutput } from '../render/output.js';
import { sessionsDir } from '../session/paths.js';
import { resolveSession } from '../session/ref.js';
import type { Message } from '../session/schema.js';
import type { LoadedSession } from '../session/store.js';
import { assertRewritableFile } from '../session/utf8.js';
import { loadSettings, type Settings } from '../settings.js';

export interface ChatOptions {
  print?: boolean | undefined;
  json?: boolean | undefined;
  model?: string | undefined;
  continue?: boolean | undefined;
  /** A ref, or true when given without one (the browser picks). */
  resume?: string | boolean | undefined;
  sessionsDir?: string | undefined;
  debug?: boolean | undefined;
}

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
  opts: { onText?: ((delta: string) => void) | undefined },
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

function errorReporter(debug: boolean | undefined): (error: unknown) => void {
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `grok: internal error: ${message}; the session was saved as interrupted\n`,
    );
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  };
}

/** Runs an interactive session on the terminal until it ends, then saves it a last time. */
export async function runInteractive(
  recorder: SessionRecorder,
  client: ChatClient,
  settings: Settings,
  opts: { first?: string | undefined; debug?: boolean | undefined; banner: string },
): Promise<CommandOutput> {
  const root = await realpath(process.cwd());
  const conv = new Conversation(recorder, client, root, autosaveSeconds(settings));
  recorder.installEmergencyHandlers(errorReporter(opts.debug));
  process.stderr.write(`${opts.banner}\n`);
  let status: 'ended' | 'interrupted' = 'interrupted';
  try {
    const result = await runRepl(
      conv,
      { input: process.stdin, output: process.stdout, error: process.stderr },
      opts.first,
    );
    status = result.status === 'ended' ? 'ended' : 'interrupted';
  } finally {
    await recorder.close(status);
  }
  if (recorder.path) return { stderr: `Session saved to ${recorder.path}\n` };
  // every save failed (each said why): not a success
  if (recorder.data.messages.some((m) => m.role === 'user'))
    return { stderr: `grok: the session was not saved in ${recorder.dir}\n`, exitCode: 1 };
  return {};
}

/** Opens a recorded session for more turns: its lock is taken (a live holder is an error). */
async function openSession(
  loaded: LoadedSession,
): Promise<{ recorder: SessionRecorder; count: number }> {
  const data = structuredClone(loaded.raw) as SessionData;
  const recorder = await SessionRecorder.resume(loaded.path, data);
  data.status = 'active';
  return { recorder, count: data.messages.length };
}

export async function resumeInteractive(
  ref: string,
  opts: ChatOptions,
  first?: string,
): Promise<CommandOutput> {
  const settings = await loadSettings();
  // A ref that names no session is reported first; a missing key before the session is locked
  // and marked active.
  const loaded = await resolveSession(sessionsDir(opts), ref);
  // every save writes the file whole: bytes that are not UTF-8 would silently become U+FFFD
  await assertRewritableFile(loaded.path, loaded.file, 'resume');
  apiKeyFrom();
  const { recorder, count } = await openSession(loaded);
  let client: ChatClient;
  try {
    client = createChatClient(opts.model || recorder.data.model, resolveApiKind(settings));
  } catch (error) {
    await recorder.close('ended');
    throw error;
  }
  recorder.data.model = client.model;
  const { movedNote } = await import('./resume.js');
  return runInteractive(recorder, client, settings, {
    first,
    debug: opts.debug,
    banner: `Resumed ${recorder.file} (${count} messages). /help for commands, /exit to end.${movedNote(loaded.session.metadata.workingDirectory)}`,
  });
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
