/**
 * One turn of the conversation: the model is called, its tool calls are run and sent back, and
 * that repeats until it answers without tools. Everything the turn produces lands in one assistant
 * message, filled in place as it grows (the caller's recorder saves it): its text, every tool call
 * as `{tool, id, parameters, result}`, one `calls` entry per request with the usage the server
 * reported (`usage: null` until it does, and for good when it never does), its `usage` (the sum),
 * and one `rounds` entry per request (src/chat/history.ts says why).
 */
import type { ApiCall, Message, ToolCall } from '../session/schema.js';
import type { ChatClient, RetryNotice } from './client.js';
import { argumentsToKeep, PART_SEPARATOR, type ReplyRound } from './history.js';
import {
  type FunctionCall,
  isAbort,
  type RoundResult,
  streamChatRound,
  streamResponsesRound,
} from './round.js';
import { runTool, type ToolOutcome } from './tools.js';
import { addUsage, type CallUsage, type Usage } from './usage.js';

/** Rounds of tool calls in one turn before the loop gives up (a model stuck calling tools). */
export const MAX_TOOL_ROUNDS = 25;

export interface TurnHooks {
  /** Text as it streams. */
  onText?: (delta: string) => void;
  onToolCall?: (call: ToolCall, outcome: ToolOutcome) => void;
  /** Usage of each API call, as soon as the server reports it. */
  onUsage?: (usage: CallUsage) => void;
  /** A refused request (429, 5xx, lost connection) waits before it is tried again. */
  onRetry?: ((notice: RetryNotice) => void) | undefined;
}

export interface TurnOptions extends TurnHooks {
  client: ChatClient;
  /** The directory the tools are confined to (a real path). */
  root: string;
  /** The conversation so far, the new user message last. */
  history: readonly Message[];
  /** The assistant message being written; filled in place. */
  reply: Message;
  /** The conversation's prompt cache key (the session id); none for -p. */
  cacheKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface TurnResult {
  interrupted: boolean;
  /** Why a reply stopped before the end, when the stream broke (not Ctrl+C). */
  cutShort?: string;
}

type ReplyFields = Message & { calls?: ApiCall[]; rounds?: ReplyRound[] };

function parseArguments(args: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function recordedCall(call: FunctionCall, outcome: ToolOutcome): ToolCall {
  const parameters = parseArguments(call.arguments);
  const recorded: ToolCall = { tool: call.name, id: call.id, parameters };
  const raw = argumentsToKeep(call.arguments, parameters);
  if (raw !== undefined) recorded.arguments = raw;
  recorded.result = outcome.result;
  return recorded;
}

/** Runs one turn to its end (or to Ctrl+C or a broken stream: the partial reply is kept). */
export async function runTurn(opts: TurnOptions): Promise<TurnResult> {
  const { client, signal } = opts;
  const reply = opts.reply as ReplyFields;
  const parts: string[] = [];
  const join = (current: string) =>
    [...parts, current].filter((p) => p !== '').join(PART_SEPARATOR);
  const stream = client.kind === 'chat' ? streamChatRound : streamResponsesRound;
  for (let round = 0; ; round++) {
    let call: ApiCall | undefined;
    let entry: ReplyRound | undefined;
    let result: RoundResult;
    try {
      result = await stream({
        client,
        messages: [...opts.history, reply],
        cacheKey: opts.cacheKey,
        signal,
        onRetry: opts.onRetry,
        onStart: () => {
          // The request is under way: until the server reports its usage, it is unknown.
          call = { model: client.model, usage: null };
          reply.calls = [...(reply.calls ?? []), call];
          entry = { chars: 0 };
          reply.rounds = [...(reply.rounds ?? []), entry];
        },
        onText: (text, delta) => {
          reply.content = join(text);
          if (entry) entry.chars = text.length;
          opts.onText?.(delta);
        },
      });
    } catch (error) {
      if (isAbort(error, signal)) return { interrupted: true };
      throw error;
    }
    parts.push(result.text);
    reply.content = join('');
    if (entry) entry.chars = result.text.length;
    if (result.cutShort !== undefined) return { interrupted: true, cutShort: result.cutShort };
    if (call && result.usage) {
      const usage = result.usage;
      delete call.usage;
      Object.assign(call, usage);
      reply.usage ??= { input: 0, output: 0, total: 0, cachedInput: 0, reasoning: 0 };
      addUsage(reply.usage as Usage, usage);
      opts.onUsage?.(usage);
    }
    if (entry && result.reasoning.length > 0) entry.reasoning = result.reasoning;
    if (result.toolCalls.length === 0) return { interrupted: false };
    if (round >= MAX_TOOL_ROUNDS) {
      parts.push(`[stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls]`);
      reply.content = join('');
      return { interrupted: false };
    }
    for (const fc of result.toolCalls) {
      // Calls that did not run are not kept: every call sent back carries its result.
      if (signal?.aborted) return { interrupted: true };
      const outcome = await runTool(opts.root, fc.name, parseArguments(fc.arguments));
      const recorded = recordedCall(fc, outcome);
      reply.toolCalls = [...(reply.toolCalls ?? []), recorded];
      if (entry) entry.tools = (entry.tools ?? 0) + 1;
      opts.onToolCall?.(recorded, outcome);
    }
  }
}
