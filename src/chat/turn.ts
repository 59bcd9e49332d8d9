/**
 * One turn of the conversation: the model is called, its tool calls are run and sent back, and
 * that repeats until it answers without tools. Everything the turn produces lands in one assistant
 * message (its text, every tool call as `{tool, parameters, result}`, its usage), which the
 * caller's recorder saves as it grows.
 */
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { Message, ToolCall } from '../session/schema.js';
import { type ChatClient, describeApiError, withRetries } from './client.js';
import { runTool, TOOL_DEFINITIONS, type ToolOutcome } from './tools.js';

/** Rounds of tool calls in one turn before the loop gives up (a model stuck calling tools). */
export const MAX_TOOL_ROUNDS = 25;

export interface Usage {
  input: number;
  output: number;
  total: number;
}

export function emptyUsage(): Usage {
  return { input: 0, output: 0, total: 0 };
}

export function addUsage(into: Usage, add: Usage): void {
  into.input += add.input;
  into.output += add.output;
  into.total += add.total;
}

function usageFrom(
  u: { prompt_tokens?: number; completion_tokens?: number } | null | undefined,
): Usage | undefined {
  if (!u) return undefined;
  const input = u.prompt_tokens ?? 0;
  const output = u.completion_tokens ?? 0;
  return { input, output, total: input + output };
}

function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (
    result !== null &&
    typeof result === 'object' &&
    !Array.isArray(result) &&
    'error' in result
  ) {
    return `Error: ${String((result as { error: unknown }).error)}`;
  }
  return JSON.stringify(result ?? null);
}

/**
 * A session's messages as the API wants them. A recorded assistant message with tool calls is
 * sent as the calls, their results, then its text, so a resumed session keeps what the tools
 * showed. Messages of role `tool` (written by other tools) carry no call id and are left out.
 */
export function toApiMessages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  messages.forEach((m, i) => {
    const content = m.content ?? '';
    if (m.role === 'system') out.push({ role: 'system', content });
    else if (m.role === 'user') out.push({ role: 'user', content });
    else if (m.role === 'assistant') {
      const calls = m.toolCalls ?? [];
      if (calls.length > 0) {
        const ids = calls.map((_, k) => `call_${i}_${k}`);
        out.push({
          role: 'assistant',
          content: null,
          tool_calls: calls.map((c, k) => ({
            id: ids[k] as string,
            type: 'function',
            function: { name: c.tool, arguments: JSON.stringify(c.parameters ?? {}) },
          })),
        });
        calls.forEach((c, k) => {
          out.push({ role: 'tool', tool_call_id: ids[k] as string, content: resultText(c.result) });
        });
      }
      if (content !== '' || calls.length === 0) out.push({ role: 'assistant', content });
    }
  });
  return out;
}

export interface TurnHooks {
  /** Text as it streams. */
  onText?: (delta: string) => void;
  onToolCall?: (call: ToolCall, outcome: ToolOutcome) => void;
  /** Usage of each API call, as soon as it is known. */
  onUsage?: (usage: Usage) => void;
}

export interface TurnOptions extends TurnHooks {
  client: ChatClient;
  /** The directory the tools are confined to (a real path). */
  root: string;
  /** The conversation so far, the new user message last. */
  history: ChatCompletionMessageParam[];
  /** The assistant message being written; filled in place. */
  reply: Message;
  stream: boolean;
  signal?: AbortSignal;
}

export interface TurnResult {
  interrupted: boolean;
}

interface RoundResult {
  text: string;
  toolCalls: ChatCompletionMessageToolCall[];
}

function abortError(): Error {
  return new DOMException('the reply was interrupted', 'AbortError');
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

async function streamRound(
  opts: TurnOptions,
  messages: ChatCompletionMessageParam[],
  showText: (text: string) => void,
): Promise<RoundResult> {
  const { client, signal } = opts;
  const stream = await withRetries(
    client,
    () =>
      client.api.chat.completions.create(
        {
          model: client.model,
          messages,
          tools: TOOL_DEFINITIONS,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      ),
    signal,
  );
  let text = '';
  const calls: { id: string; name: string; args: string }[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      const usage = usageFrom(chunk.usage);
      if (usage) opts.onUsage?.(usage);
      const delta = chunk.choices?.[0]?.delta;
      if (!delta) continue;
      if (delta.content) {
        text += delta.content;
        showText(text);
        opts.onText?.(delta.content);
      }
      for (const tc of delta.tool_calls ?? []) {
        let slot = calls[tc.index];
        if (!slot) {
          slot = { id: '', name: '', args: '' };
          calls[tc.index] = slot;
        }
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.args += tc.function.arguments;
      }
    }
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    throw describeApiError(error, client);
  }
  // The SDK's stream ends quietly when aborted: only the signal tells a cut reply from a whole one.
  if (signal?.aborted) throw abortError();
  return {
    text,
    toolCalls: calls
      .filter((c) => c !== undefined)
      .map((c, k) => ({
        id: c.id || `call_${k}`,
        type: 'function' as const,
        function: { name: c.name, arguments: c.args },
      })),
  };
}

async function completeRound(
  opts: TurnOptions,
  messages: ChatCompletionMessageParam[],
  showText: (text: string) => void,
): Promise<RoundResult> {
  const { client, signal } = opts;
  const response = await withRetries(
    client,
    () =>
      client.api.chat.completions.create(
        { model: client.model, messages, tools: TOOL_DEFINITIONS },
        { signal },
      ),
    signal,
  );
  const usage = usageFrom(response.usage);
  if (usage) opts.onUsage?.(usage);
  const message = response.choices[0]?.message;
  const text = message?.content ?? '';
  if (text) {
    showText(text);
    opts.onText?.(text);
  }
  const toolCalls = (message?.tool_calls ?? []).filter(
    (c): c is ChatCompletionMessageToolCall & { type: 'function' } => c.type === 'function',
  );
  return { text, toolCalls };
}

function parseArguments(args: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** Runs one turn to its end (or to Ctrl+C: then the partial reply is kept, marked interrupted). */
export async function runTurn(opts: TurnOptions): Promise<TurnResult> {
  const { reply, signal } = opts;
  const messages = [...opts.history];
  const parts: string[] = [];
  const join = (current: string) => [...parts, current].filter((p) => p !== '').join('\n\n');
  const showText = (current: string) => {
    reply.content = join(current);
  };
  try {
    for (let round = 0; ; round++) {
      const result = opts.stream
        ? await streamRound(opts, messages, showText)
        : await completeRound(opts, messages, showText);
      parts.push(result.text);
      reply.content = join('');
      if (result.toolCalls.length === 0) return { interrupted: false };
      if (round >= MAX_TOOL_ROUNDS) {
        parts.push(`[stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls]`);
        reply.content = join('');
        return { interrupted: false };
      }
      messages.push({
        role: 'assistant',
        content: result.text || null,
        tool_calls: result.toolCalls,
      });
      for (const call of result.toolCalls) {
        if (signal?.aborted) throw abortError();
        if (call.type !== 'function') continue;
        const parameters = parseArguments(call.function.arguments);
        const outcome = await runTool(opts.root, call.function.name, parameters);
        const recorded: ToolCall = { tool: call.function.name, parameters, result: outcome.result };
        reply.toolCalls = [...(reply.toolCalls ?? []), recorded];
        opts.onToolCall?.(recorded, outcome);
        messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.content });
      }
    }
  } catch (error) {
    if (isAbort(error, signal)) return { interrupted: true };
    throw error;
  }
}
