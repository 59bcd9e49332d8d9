import { UsageError } from '../errors.js';
import { bold, cyan, dim, useColor } from '../render/color.js';
import {
  formatDateTime,
  formatDuration,
  formatInt,
  oneLine,
  printable,
  truncate,
} from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { readSessionsDir } from '../session/paths.js';
import { withoutEncryptedReasoning } from '../session/reasoning.js';
import { viewSession } from '../session/ref.js';
import type { Message, Session, ToolCall } from '../session/schema.js';
import type { LoadedSession } from '../session/store.js';
import { summarize } from '../session/summary.js';
import { parsePositiveInt } from '../time.js';
import { type GlobalOptions, jsonOutput } from './common.js';

export interface ShowOptions extends GlobalOptions {
  full?: boolean;
  role?: string;
  tail?: number | string;
  width?: number | string;
  /** With --json: keep the model's encrypted reasoning. */
  reasoning?: boolean;
}

export interface ShowResult {
  loaded: LoadedSession;
  /** The messages to show, with their index in the session. */
  messages: { index: number; message: Message }[];
}

const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
/** Content longer than this is folded unless --full. */
const FOLD_CHARS = 600;

export async function show(ref: string, opts: ShowOptions): Promise<ShowResult> {
  if (opts.role !== undefined && !(ROLES as readonly string[]).includes(String(opts.role))) {
    throw new UsageError(`--role: '${opts.role}' is not one of ${ROLES.join(', ')}`);
  }
  // --json is the file as it is: nothing to select from
  const selecting: string[] = [];
  if (opts.tail !== undefined) selecting.push('--tail');
  if (opts.role !== undefined) selecting.push('--role');
  if (opts.width !== undefined) selecting.push('--width');
  if (opts.full) selecting.push('--full');
  if (opts.json && selecting.length > 0) {
    throw new UsageError(
      `${selecting.join(', ')} cannot be used with --json, which prints the session file as it is`,
      "select with jq instead: jq '.messages[-3:]'",
    );
  }
  const tail = opts.tail === undefined ? undefined : parsePositiveInt(opts.tail, '--tail');
  if (opts.width !== undefined) parsePositiveInt(opts.width, '--width');
  const loaded = await viewSession(readSessionsDir(opts), ref);
  let messages = loaded.session.messages.map((message, index) => ({ index, message }));
  if (opts.role) messages = messages.filter((m) => m.message.role === opts.role);
  if (tail !== undefined) messages = messages.slice(-tail);
  return { loaded, messages };
}

function shortResult(result: unknown): string {
  if (result === undefined) return '';
  if (Array.isArray(result)) {
    const first = result.slice(0, 3).map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
    return `${result.length} item${result.length === 1 ? '' : 's'}: ${first.join(', ')}${result.length > 3 ? ', ...' : ''}`;
  }
  if (typeof result === 'string') {
    const lines = result.split('\n').length;
    return `${lines} line${lines === 1 ? '' : 's'}: ${oneLine(result)}`;
  }
  return JSON.stringify(result);
}

function renderToolCall(call: ToolCall, full: boolean): string {
  const params = call.parameters === undefined ? '' : JSON.stringify(call.parameters);
  const result =
    full && call.result !== undefined
      ? JSON.stringify(call.result, null, 2)
      : truncate(shortResult(call.result), 100);
  return `    ${cyan('⚙')} ${bold(call.tool)} ${params}\n      ${dim('→')} ${result.replace(/\n/g, '\n        ')}`;
}

function renderContent(content: string | null, opts: ShowOptions): string {
  const text = content ?? '';
  if (opts.width !== undefined) {
    // The seed's `.content | .[0:N]`: the first N characters, then folded onto one line.
    const chars = Array.from(text);
    const width = Number(opts.width);
    return chars.length > width ? `${oneLine(chars.slice(0, width).join(''))}…` : oneLine(text);
  }
  if (opts.full || text.length <= FOLD_CHARS) return text;
  const hidden = text.length - FOLD_CHARS;
  return `${truncate(text, FOLD_CHARS)}\n${dim(`[... ${formatInt(hidden)} more characters; --full to see all]`)}`;
}

function header(session: Session, loaded: LoadedSession): string {
  const s = summarize(session);
  const rows: [string, string][] = [
    ['Session', session.sessionId],
    ['File', loaded.file],
  ];
  if (session.name) rows.push(['Name', session.name]);
  if (session.tags?.length) rows.push(['Tags', session.tags.join(', ')]);
  rows.push(
    ['Model', session.model],
    ['Started', `${formatDateTime(session.startTime)} UTC`],
    ['Duration', formatDuration(s.durationMs)],
    ['Messages', `${s.messages} (${s.toolCalls} tool call${s.toolCalls === 1 ? '' : 's'})`],
    [
      'Tokens',
      `${formatInt(s.tokens.total)} total (${formatInt(s.tokens.input)} in, ${formatInt(s.tokens.output)} out)`,
    ],
    ['Directory', session.metadata.workingDirectory],
    ['Versions', `grok ${session.metadata.grokVersion}, node ${session.metadata.nodeVersion}`],
  );
  if (session.status) rows.push(['Status', session.status]);
  if (session.forkedFrom)
    rows.push([
      'Forked from',
      `${session.forkedFrom.sessionId} at message ${session.forkedFrom.messages}`,
    ]);
  return rows.map(([k, v]) => `${dim(k.padEnd(11))} ${v}`).join('\n');
}

export function renderShow(result: ShowResult, opts: ShowOptions): CommandOutput {
  if (opts.json) {
    const raw = result.loaded.raw;
    return jsonOutput(opts.reasoning ? raw : withoutEncryptedReasoning(raw));
  }
  const { session } = result.loaded;
  const blocks: string[] = [];
  const compact = opts.width !== undefined || opts.role !== undefined;
  if (!compact) blocks.push(header(session, result.loaded), '');
  for (const { index, message } of result.messages) {
    const time = message.timestamp ? ` ${dim(formatDateTime(message.timestamp))}` : '';
    const flag = message.interrupted ? ` ${dim('[interrupted]')}` : '';
    if (compact) {
      blocks.push(`${bold(message.role)}: ${renderContent(message.content, opts)}`);
      continue;
    }
    blocks.push(`${bold(`[${index}] ${message.role}`)}${time}${flag}`);
    blocks.push(renderContent(message.content, opts));
    for (const call of message.toolCalls ?? [])
      blocks.push(renderToolCall(call, Boolean(opts.full)));
    blocks.push('');
  }
  // The session's text, printable: only grok's colours reach the terminal, and only when on.
  return { stdout: printable(`${blocks.join('\n').trimEnd()}\n`, useColor()) };
}
