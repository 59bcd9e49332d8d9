/**
 * One API request of a turn, streamed, over either API: its text as it arrives, then what it
 * returned (reasoning items, function calls) and the usage the server reported in its final event.
 * A stream that ends without that event (the connection dropped, a server error mid-stream) is
 * not an error here: the round comes back `cutShort`, with what arrived and no usage.
 *
 * Responses API: `store: false` (the conversation is kept here, not on xAI's servers) and
 * `include: ["reasoning.encrypted_content"]` (so reasoning can be sent back), `prompt_cache_key`
 * the session id. Sources, read 2026-12-05: https://docs.x.ai/developers/model-capabilities/text/generate-text.md,
 * https://docs.x.ai/developers/advanced-api-usage/prompt-caching/maximizing-cache-hits (chat
 * completions take the same key as the `x-grok-conv-id` header).
 */
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Message } from '../session/schema.js';
import { type ChatClient, describeApiError, type RetryNotice, withRetries } from './client.js';
import { toChatMessages, toResponsesInput } from './history.js';
import { RESPONSES_TOOLS, TOOL_DEFINITIONS } from './tools.js';
import { type CallUsage, fromChatUsage, fromResponsesUsage } from './usage.js';

export interface FunctionCall {
  /** The API's call id. */
  id: string;
  name: string;
  /** The argument string exactly as the server sent it. */
  arguments: string;
}

export interface RoundResult {
  text: string;
  reasoning: unknown[];
  toolCalls: FunctionCall[];
  /** What the server reported; undefined when it reported nothing. */
  usage: CallUsage | undefined;
  /** Why the stream ended before its final event, when it did. */
  cutShort?: string;
}

export interface RoundRequest {
  client: ChatClient;
  /** The conversation, the reply being written last. */
  messages: readonly Message[];
  /** The conversation's cache key (the session id); none for -p. */
  cacheKey?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The request was accepted and its stream begins. */
  onStart: () => void;
  /** The round's text so far, each time it grows. */
  onText: (text: string, delta: string) => void;
  /** A refused request is about to be tried again. */
  onRetry?: ((notice: RetryNotice) => void) | undefined;
}

export function abortError(): Error {
  return new DOMException('the reply was interrupted', 'AbortError');
}

export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/** Why a stream broke, in a few words. */
function breakReason(error: unknown, client: ChatClient): string {
  if (error instanceof OpenAI.APIError && error.status === undefined)
    return `the server reported an error: ${firstLine(error.message)}`;
  const described = describeApiError(error, client);
  if (described instanceof Error && described !== error) return described.message;
  const message = error instanceof Error ? error.message : String(error);
  return `the connection was lost (${firstLine(message)})`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export async function streamResponsesRound(req: RoundRequest): Promise<RoundResult> {
  const { client, signal } = req;
  const stream = await withRetries(
    client,
    () =>
      client.api.responses.create(
        {
          model: client.model,
          input: toResponsesInput(req.messages),
          tools: RESPONSES_TOOLS,
          stream: true,
          store: false,
          include: ['reasoning.encrypted_content'],
          ...(req.cacheKey ? { prompt_cache_key: req.cacheKey } : {}),
        },
        { signal },
      ),
    signal,
    req.onRetry,
  );
  req.onStart();
  const result: RoundResult = { text: '', reasoning: [], toolCalls: [], usage: undefined };
  const done: unknown[] = [];
  let final: unknown[] | undefined;
  let ended = false;
  try {
    for await (const event of stream as AsyncIterable<ResponseStreamEvent>) {
      switch (event.type) {
        case 'response.output_text.delta':
          result.text += event.delta;
          req.onText(result.text, event.delta);
          break;
        case 'response.output_item.done':
          done.push(event.item);
          break;
        case 'response.completed':
        case 'response.incomplete':
          ended = true;
          result.usage = fromResponsesUsage(event.response.usage);
          final = Array.isArray(event.response.output) ? event.response.output : undefined;
          break;
        case 'response.failed':
          result.cutShort = `the server reported an error: ${event.response.error?.message ?? 'the response failed'}`;
          break;
        case 'error':
          result.cutShort = `the server reported an error: ${event.message}`;
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    result.cutShort = breakReason(error, client);
  }
  // The SDK's stream ends quietly when aborted: only the signal tells a cut reply from a whole one.
  if (signal?.aborted) throw abortError();
  if (!ended) {
    result.cutShort ??= 'the stream ended before the reply was complete';
    return result;
  }
  delete result.cutShort;
  // The completed response lists every output item; the streamed ones stand in when it does not.
  const items = final && final.length > 0 ? final : done;
  let finalText = '';
  for (const item of items) {
    if (!isObject(item)) continue;
    if (item.type === 'reasoning') result.reasoning.push(item);
    else if (item.type === 'function_call') {
      result.toolCalls.push({
        id: String(item.call_id ?? item.id ?? ''),
        name: String(item.name ?? ''),
        arguments: typeof item.arguments === 'string' ? item.arguments : '',
      });
    } else if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content)
        if (isObject(part) && part.type === 'output_text') finalText += String(part.text ?? '');
    }
  }
  // A server that sends no text deltas still has its text in the final response.
  if (result.text === '' && finalText !== '') {
    result.text = finalText;
    req.onText(result.text, finalText);
  }
  return result;
}

export async function streamChatRound(req: RoundRequest): Promise<RoundResult> {
  const { client, signal } = req;
  const stream = await withRetries(
    client,
    () =>
      client.api.chat.completions.create(
        {
          model: client.model,
          messages: toChatMessages(req.messages),
          tools: TOOL_DEFINITIONS,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal, headers: req.cacheKey ? { 'x-grok-conv-id': req.cacheKey } : undefined },
      ),
    signal,
    req.onRetry,
  );
  req.onStart();
  const result: RoundResult = { text: '', reasoning: [], toolCalls: [], usage: undefined };
  const calls: { id: string; name: string; args: string }[] = [];
  let finished = false;
  let lastUsage: unknown;
  try {
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      // xAI repeats the usage so far on every chunk: the last one is the call's.
      if (chunk.usage) lastUsage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (choice.finish_reason) finished = true;
      const delta = choice.delta;
      if (!delta) continue;
      if (delta.content) {
        result.text += delta.content;
        req.onText(result.text, delta.content);
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
    result.cutShort = breakReason(error, client);
  }
  if (signal?.aborted) throw abortError();
  if (!finished || result.cutShort) {
    result.cutShort ??= 'the stream ended before the reply was complete';
    return result;
  }
  result.usage = fromChatUsage(lastUsage);
  result.toolCalls = calls
    .filter((c) => c !== undefined)
    .map((c, k) => ({ id: c.id || `call_${k}`, name: c.name, arguments: c.args }));
  return result;
}
