/**
 * An interactive chat on the terminal, recorded: a new session, or one resumed by `grok
 * --continue`, `grok --resume <ref>`, `grok sessions resume` and the session browser.
 */
import { realpath } from 'node:fs/promises';
import { apiKeyFrom, type ChatClient, createChatClient, resolveApiKind } from '../chat/client.js';
import { autosaveSeconds, Conversation } from '../chat/conversation.js';
import { type SessionData, SessionRecorder } from '../chat/recorder.js';
import { runRepl } from '../chat/repl.js';
import { printable } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { sessionsDir } from '../session/paths.js';
import { resolveSession } from '../session/ref.js';
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
  return runInteractive(recorder, client, settings, {
    first,
    debug: opts.debug,
    banner: `Resumed ${recorder.file} (${count} messages). /help for commands, /exit to end.${movedNote(loaded.session.metadata.workingDirectory)}`,
  });
}

/**
 * The line a resumed session's banner ends with when it was recorded in another directory: its
 * tools run in this one.
 */
export function movedNote(recorded: string, cwd = process.cwd()): string {
  if (recorded === cwd) return '';
  return `\nThis session was recorded in ${printable(recorded)}; its tools now run in ${printable(cwd)}.`;
}
