/**
 * The conversation as the API is sent it, built from the session's messages and nothing else:
 * every request, the first of a turn, the one after a tool call, and the first after --continue
 * or --resume, goes through the same function over the same data, so the history rebuilt from the
 * file equals, item for item, what was sent live, and each request's input begins with the
 * previous one's (xAI's prompt cache matches on that prefix).
 *
 * What an assistant message keeps for that, besides its text (`content`, the requests' texts
 * joined by a blank line) and its tool calls (`toolCalls`: `id` is the API's call id; `arguments`,
 * the server's argument string, only when it is not JSON.stringify(parameters)):
 *
 *   "rounds": [{ "chars": 12, "tools": 1, "reasoning": [{ "type": "reasoning", ... }] }, ...]
 *
 * one entry per API request, beside `calls` (its usage): how many characters of `content` that
 * request wrote, how many of `toolCalls` it made, and the reasoning items it returned, whole and
 * as returned (encrypted_content included). No text is copied there: redaction reaches all of it
 * in `content` and `toolCalls`. Reasoning items are opaque, not user text: secret scanning and
 * redact skip objects of `type: "reasoning"` and any `encrypted_content`, and changing one would
 * break the next request. A request cut short (a dropped stream, Ctrl+C) keeps its partial text
 * and nothing else; its tool calls never ran.
 *
 * Each request is sent back as its reasoning items (as returned), its text as an assistant
 * message, its function calls (`call_id`, `name`, `arguments` as the server sent them), then
 * their outputs. A message whose `content` no longer matches its `rounds` (edited by redact, or
 * written before this field) is sent as its tool calls and results, then its whole text.
 */
import type {
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import type { Message, ToolCall } from '../session/schema.js';
import { toolResultContent } from './tools.js';

/** What one request of a reply produced. */
export interface ReplyRound {
  /** Characters of the message's content this request wrote. */
  chars: number;
  /** How many of the message's toolCalls it made. */
  tools?: number;
  /** Reasoning items as the server returned them (Responses API). */
  reasoning?: unknown[];
}

interface Segment {
  reasoning: unknown[];
  text: string;
  toolCalls: ToolCall[];
}

/** Text parts are joined by this; empty parts are left out. */
export const PART_SEPARATOR = '\n\n';

function roundsOf(m: Message): ReplyRound[] | undefined {
  const rounds = (m as { rounds?: unknown }).rounds;
  if (!Array.isArray(rounds)) return undefined;
  const ok = rounds.every(
    (r) =>
      r !== null &&
      typeof r === 'object' &&
      Number.isSafeInteger((r as ReplyRound).chars) &&
      (r as ReplyRound).chars >= 0 &&
      ((r as ReplyRound).tools === undefined || Number.isSafeInteger((r as ReplyRound).tools)) &&
      ((r as ReplyRound).reasoning === undefined || Array.isArray((r as ReplyRound).reasoning)),
  );
  return ok ? (rounds as ReplyRound[]) : undefined;
}

/** An assistant message split back into its requests; undefined when its rounds do not fit it. */
function segmentsOf(m: Message): Segment[] | undefined {
  const rounds = roundsOf(m);
  if (!rounds) return undefined;
  const content = m.content ?? '';
  const calls = m.toolCalls ?? [];
  const segments: Segment[] = [];
  let at = 0;
  let tool = 0;
  for (const round of rounds) {
    let text = '';
    if (round.chars > 0) {
      if (at > 0) {
        if (!content.startsWith(PART_SEPARATOR, at)) return undefined;
        at += PART_SEPARATOR.length;
      }
      text = content.slice(at, at + round.chars);
      if (text.length !== round.chars) return undefined;
      at += round.chars;
    }
    const n = round.tools ?? 0;
    if (tool + n > calls.length) return undefined;
    segments.push({
      reasoning: round.reasoning ?? [],
      text,
      toolCalls: calls.slice(tool, tool + n),
    });
    tool += n;
  }
  if (at !== content.length || tool !== calls.length) return undefined;
  return segments;
}

/** Older messages, and ones whose text was changed: the tool calls and results, then the text. */
function wholeSegments(m: Message): Segment[] {
  const calls = m.toolCalls ?? [];
  const text = m.content ?? '';
  const out: Segment[] = [];
  if (calls.length > 0) out.push({ reasoning: [], text: '', toolCalls: calls });
  if (text !== '' || calls.length === 0) out.push({ reasoning: [], text, toolCalls: [] });
  return out;
}

function segments(m: Message): Segment[] {
  return segmentsOf(m) ?? wholeSegments(m);
}

/** The argument string the server sent for a call (or the parameters as JSON). */
export function callArguments(call: ToolCall): string {
  const raw = (call as { arguments?: unknown }).arguments;
  return typeof raw === 'string' ? raw : JSON.stringify(call.parameters ?? {});
}

/** The `arguments` field to record beside `parameters`: only when they differ. */
export function argumentsToKeep(raw: string, parameters: unknown): string | undefined {
  return JSON.stringify(parameters) === raw ? undefined : raw;
}

function callId(call: ToolCall, message: number, k: number): string {
  return typeof call.id === 'string' && call.id !== '' ? call.id : `call_${message}_${k}`;
}

/** The Responses API `input` for a conversation. Messages of role `tool` carry no call id: left out. */
export function toResponsesInput(messages: readonly Message[]): ResponseInputItem[] {
  const out: ResponseInputItem[] = [];
  messages.forEach((m, i) => {
    const content = m.content ?? '';
    if (m.role === 'system' || m.role === 'user') {
      out.push({ role: m.role, content });
      return;
    }
    if (m.role !== 'assistant') return;
    let k = 0;
    for (const seg of segments(m)) {
      for (const item of seg.reasoning) out.push(item as ResponseInputItem);
      if (seg.text !== '') out.push({ role: 'assistant', content: seg.text });
      const ids = seg.toolCalls.map((c) => callId(c, i, k++));
      seg.toolCalls.forEach((c, j) => {
        out.push({
          type: 'function_call',
          call_id: ids[j] as string,
          name: c.tool,
          arguments: callArguments(c),
        });
      });
      seg.toolCalls.forEach((c, j) => {
        out.push({
          type: 'function_call_output',
          call_id: ids[j] as string,
          output: toolResultContent(c.result),
        });
      });
    }
  });
  return out;
}

/** The chat-completions `messages` for a conversation. */
export function toChatMessages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  messages.forEach((m, i) => {
    const content = m.content ?? '';
    if (m.role === 'system' || m.role === 'user') {
      out.push({ role: m.role, content });
      return;
    }
    if (m.role !== 'assistant') return;
    let k = 0;
    for (const seg of segments(m)) {
      if (seg.toolCalls.length === 0) {
        if (seg.text !== '') out.push({ role: 'assistant', content: seg.text });
        continue;
      }
      const calls: ChatCompletionMessageToolCall[] = seg.toolCalls.map((c) => ({
        id: callId(c, i, k++),
        type: 'function',
        function: { name: c.tool, arguments: callArguments(c) },
      }));
      out.push({
        role: 'assistant',
        content: seg.text === '' ? null : seg.text,
        tool_calls: calls,
      });
      seg.toolCalls.forEach((c, j) => {
        out.push({
          role: 'tool',
          tool_call_id: (calls[j] as ChatCompletionMessageToolCall).id,
          content: toolResultContent(c.result),
        });
      });
    }
  });
  return out;
}
