/**
 * The interactive session on the terminal. Lines are queued as they arrive, so text piped in is
 * taken one message at a time. On a TTY, Ctrl+C during a reply stops it (the partial reply is
 * kept) and twice at the prompt ends the session; Ctrl+I (a Tab to the terminal) shows token usage
 * on an empty line and completes a slash command after a '/'.
 */
import { createInterface, type Interface } from 'node:readline';
import { UserError } from '../errors.js';
import { secretInValue } from '../secrets/scan.js';
import { assertNameFree, validateName, validateTag } from '../session/names.js';
import type { SessionStatus, ToolCall } from '../session/schema.js';
import { formatRetry, UnknownModelError } from './client.js';
import type { Conversation } from './conversation.js';
import type { ToolOutcome } from './tools.js';
import { formatTicks } from './usage.js';

export const HELP_TEXT = [
  'Commands:',
  '  /help           this list',
  '  /tokens         tokens and cost so far, and the context size (also Ctrl+I)',
  '  /name <text>    name the session (usable as its ref)',
  '  /tag <tag>      tag the session',
  '  /exit, /quit    end the session (also Ctrl+D)',
  'Tab completes a command; on an empty line it shows the tokens.',
  'Ctrl+C stops a reply; twice at the prompt ends the session.',
].join('\n');

export interface ReplIO {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  error: NodeJS.WritableStream;
}

/** What Tab completes a line starting with '/' to; those taking an argument end with a space. */
export const SLASH_COMMANDS = ['/exit', '/quit', '/tokens', '/name ', '/tag ', '/help'] as const;

/** The slash commands `line` is the start of (none for other text). */
export function completeSlash(line: string): string[] {
  const start = line.trimStart();
  if (!start.startsWith('/') || /\s/.test(start)) return [];
  return SLASH_COMMANDS.filter((c) => c.startsWith(start));
}

const n = (v: number) => v.toLocaleString('en-US');

/**
 * "tokens: input 880 (300 cached), output 31 (12 reasoning), total 911 · cost $0.0012 · context
 * ~306 tokens": the session's sums, the billed cost exactly as the server reported it.
 */
export function formatTokens(conv: Conversation): string {
  const u = conv.data.tokenUsage;
  const cost =
    u.costUsdTicks === undefined
      ? 'no billed cost reported'
      : `cost ${formatTicks(u.costUsdTicks)}`;
  return `tokens: input ${n(u.input)} (${n(u.cachedInput ?? 0)} cached), output ${n(u.output)} (${n(u.reasoning ?? 0)} reasoning), total ${n(u.total)} · ${cost} · context ~${n(conv.contextTokens())} tokens`;
}

function describeCall(call: ToolCall, outcome: ToolOutcome): string {
  const params = JSON.stringify(call.parameters ?? {});
  const shown = params.length > 80 ? `${params.slice(0, 77)}...` : params;
  let what: string;
  if (!outcome.ok) what = outcome.content;
  else if (Array.isArray(outcome.result)) what = `${outcome.result.length} results`;
  else what = `${outcome.content.length} characters`;
  return `  [${call.tool} ${shown}] ${what}`;
}

export interface ReplResult {
  status: SessionStatus;
}

/** Runs the session until /exit, Ctrl+D, end of input or Ctrl+C twice. */
export async function runRepl(conv: Conversation, io: ReplIO, first?: string): Promise<ReplResult> {
  const tty = io.input.isTTY === true && io.output.isTTY === true;
  const out = io.output;
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  let controller: AbortController | undefined;
  let ctrlCPending = false;
  let exitByCtrlC = false;
  // A SIGINT with no terminal is a signal: the session is left interrupted, not ended.
  let exitBySignal = false;
  let rl: Interface;

  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const showTokens = () => {
    out.write(`\n${formatTokens(conv)}\n`);
    if (!controller) rl.prompt(true);
  };
  rl = createInterface({
    input: io.input,
    output: tty ? io.output : undefined,
    terminal: tty,
    prompt: '> ',
    // Ctrl+I reaches readline as Tab: on an empty line it shows the tokens, after a '/' it
    // completes the command.
    completer: tty
      ? (line: string): [string[], string] => {
          if (line.trim() === '') {
            showTokens();
            return [[], line];
          }
          return [completeSlash(line), line.trimStart()];
        }
      : undefined,
  });
  const onInterrupt = () => {
    if (controller) {
      controller.abort();
      return;
    }
    if (ctrlCPending || !tty) {
      exitByCtrlC = true;
      exitBySignal = !tty;
      ended = true;
      notify();
      return;
    }
    ctrlCPending = true;
    out.write('\n(Ctrl+C again to end the session, or /exit)\n');
    rl.prompt();
  };
  rl.on('SIGINT', onInterrupt);
  process.on('SIGINT', onInterrupt);
  rl.on('line', (line) => {
    ctrlCPending = false;
    queue.push(line);
    notify();
  });
  rl.on('close', () => {
    ended = true;
    notify();
  });

  const nextLine = async (): Promise<string | undefined> => {
    for (;;) {
      if (exitByCtrlC) return undefined;
      const line = queue.shift();
      if (line !== undefined) return line;
      if (ended) return undefined;
      if (tty) rl.prompt();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };

  const send = async (text: string) => {
    controller = new AbortController();
    let atLineStart = true;
    const write = (s: string) => {
      if (s.length === 0) return;
      out.write(s);
      atLineStart = s.endsWith('\n');
    };
    try {
      const result = await conv.send(text, {
        signal: controller.signal,
        onText: write,
        onToolCall: (call, outcome) => {
          if (!atLineStart) write('\n');
          write(`${describeCall(call, outcome)}\n`);
        },
        onRetry: (notice) => {
          if (!atLineStart) write('\n');
          io.error.write(`grok: ${formatRetry(notice)}\n`);
        },
      });
      if (!atLineStart) write('\n');
      if (result.cutShort) {
        io.error.write(
          `grok: the reply stopped before the end: ${result.cutShort}; the partial reply is kept\n`,
        );
      } else if (result.interrupted) write('[interrupted: the partial reply is kept]\n');
      if (result.contextWarning) {
        write(
          `The context is over 100,000 tokens (${formatTokens(conv)}); consider starting a new session.\n`,
        );
      }
    } catch (error) {
      if (!atLineStart) write('\n');
      if (!(error instanceof UserError) || error instanceof UnknownModelError) throw error;
      io.error.write(`grok: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
    } finally {
      controller = undefined;
    }
  };

  const command = async (line: string): Promise<'exit' | undefined> => {
    const [word = '', ...rest] = line.trim().split(/\s+/);
    const arg = line.trim().slice(word.length).trim();
    try {
      switch (word) {
        case '/exit':
        case '/quit':
          return 'exit';
        case '/help':
          out.write(`${HELP_TEXT}\n`);
          return undefined;
        case '/tokens':
          out.write(`${formatTokens(conv)}\n`);
          return undefined;
        case '/name': {
          const name = validateName(arg, secretInValue);
          await assertNameFree(conv.recorder.dir, name, conv.recorder.file);
          conv.data.name = name;
          if (conv.recorder.path) await conv.recorder.save();
          out.write(`session named '${conv.data.name}'\n`);
          return undefined;
        }
        case '/tag': {
          if (rest.length === 0) throw new UserError('/tag needs a tag');
          const tags = rest.map((t) => validateTag(t, secretInValue));
          conv.data.tags = [...new Set([...(conv.data.tags ?? []), ...tags])];
          if (conv.recorder.path) await conv.recorder.save();
          out.write(`tags: ${conv.data.tags.join(', ')}\n`);
          return undefined;
        }
        default:
          out.write(`unknown command ${word} (see /help)\n`);
          return undefined;
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      io.error.write(`grok: ${error.message}\n`);
      return undefined;
    }
  };

  try {
    if (first !== undefined && first.trim() !== '') await send(first);
    for (;;) {
      const line = await nextLine();
      if (line === undefined) break;
      if (line.trim() === '') continue;
      if (line.trimStart().startsWith('/')) {
        if ((await command(line)) === 'exit') break;
        continue;
      }
      await send(line);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    rl.close();
  }
  // Ctrl+C twice at the prompt is a way to leave like /exit: a reply cut short earlier keeps its
  // own mark, the session ended.
  return { status: exitBySignal ? 'interrupted' : 'ended' };
}
