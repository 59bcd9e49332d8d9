import { describe, expect, it } from 'vitest';
import {
  createChatClient,
  DEFAULT_MODEL,
  REQUEST_TIMEOUT_MS,
  resolveApiKind,
  resolveModel,
} from '../../src/chat/client.js';
import { toChatMessages, toResponsesInput } from '../../src/chat/history.js';
import {
  formatTicks,
  fromChatUsage,
  fromResponsesUsage,
  ticksToUsd,
} from '../../src/chat/usage.js';
import type { Message } from '../../src/session/schema.js';
import { parseSettings } from '../../src/settings.js';

const reasoning = { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'gAAAAopaque' };

/** A reply of two requests: reasoning, text and a Glob call; then the answer. */
function twoRoundReply(content = 'Let me look.\n\nThere are two files.'): Message {
  return {
    role: 'assistant',
    content,
    toolCalls: [
      {
        tool: 'Glob',
        id: 'call_a',
        parameters: { pattern: '*.ts' },
        arguments: '{"pattern": "*.ts"}',
        result: ['a.ts', 'b.ts'],
      },
    ],
    rounds: [{ chars: 12, tools: 1, reasoning: [reasoning] }, { chars: 20 }],
  } as Message;
}

const conversation = (reply: Message): Message[] => [
  { role: 'system', content: 'sys' },
  { role: 'user', content: 'which files?' },
  reply,
];

describe('the history sent to the Responses API', () => {
  it('sends each request of a reply back as it was: reasoning, text, the call as sent, its output', () => {
    expect(toResponsesInput(conversation(twoRoundReply()))).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'which files?' },
      reasoning,
      { role: 'assistant', content: 'Let me look.' },
      { type: 'function_call', call_id: 'call_a', name: 'Glob', arguments: '{"pattern": "*.ts"}' },
      { type: 'function_call_output', call_id: 'call_a', output: '["a.ts","b.ts"]' },
      { role: 'assistant', content: 'There are two files.' },
    ]);
  });

  it('a reply whose text no longer fits its rounds (redacted) goes as calls, results, then the text', () => {
    const input = toResponsesInput(conversation(twoRoundReply('Let me look. [REDACTED]')));
    expect(input.slice(2)).toEqual([
      { type: 'function_call', call_id: 'call_a', name: 'Glob', arguments: '{"pattern": "*.ts"}' },
      { type: 'function_call_output', call_id: 'call_a', output: '["a.ts","b.ts"]' },
      { role: 'assistant', content: 'Let me look. [REDACTED]' },
    ]);
  });

  it('an older reply (no rounds, no ids) gets ids of its own and its parameters as JSON', () => {
    const old: Message = {
      role: 'assistant',
      content: 'Done.',
      toolCalls: [
        { tool: 'Read', parameters: { path: 'x' }, result: { error: 'x does not exist' } },
      ],
    };
    expect(toResponsesInput(conversation(old)).slice(2)).toEqual([
      { type: 'function_call', call_id: 'call_2_0', name: 'Read', arguments: '{"path":"x"}' },
      { type: 'function_call_output', call_id: 'call_2_0', output: 'Error: x does not exist' },
      { role: 'assistant', content: 'Done.' },
    ]);
  });

  it('a reply cut short keeps its partial text and nothing else', () => {
    const cut = { role: 'assistant', content: 'one two', rounds: [{ chars: 7 }] } as Message;
    expect(toResponsesInput(conversation(cut)).slice(2)).toEqual([
      { role: 'assistant', content: 'one two' },
    ]);
  });
});

describe('the history sent to chat completions', () => {
  it('one assistant message per request, its tool calls with their ids and arguments as sent', () => {
    expect(toChatMessages(conversation(twoRoundReply())).slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          {
            id: 'call_a',
            type: 'function',
            function: { name: 'Glob', arguments: '{"pattern": "*.ts"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '["a.ts","b.ts"]' },
      { role: 'assistant', content: 'There are two files.' },
    ]);
  });
});

describe('usage as the server reported it', () => {
  it('Responses API: output is total - input, reasoning inside it, cost in ticks', () => {
    expect(
      fromResponsesUsage({
        input_tokens: 1300,
        input_tokens_details: { cached_tokens: 1150 },
        output_tokens: 92,
        output_tokens_details: { reasoning_tokens: 80 },
        total_tokens: 1392,
        cost_in_usd_ticks: 12_000_001,
      }),
    ).toEqual({
      input: 1300,
      output: 92,
      total: 1392,
      cachedInput: 1150,
      reasoning: 80,
      costUsdTicks: 12_000_001,
    });
  });

  it('chat completions as xAI counts them: reasoning outside completion_tokens, inside the total', () => {
    expect(
      fromChatUsage({
        prompt_tokens: 1200,
        completion_tokens: 5,
        total_tokens: 1245,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 40 },
        cost_in_usd_ticks: 0,
      }),
    ).toEqual({
      input: 1200,
      output: 45,
      total: 1245,
      cachedInput: 0,
      reasoning: 40,
      costUsdTicks: 0,
    });
  });

  it('a server that reports less: no total, no details, no cost', () => {
    expect(fromChatUsage({ prompt_tokens: 10, completion_tokens: 3 })).toEqual({
      input: 10,
      output: 3,
      total: 13,
      cachedInput: 0,
      reasoning: 0,
    });
    expect(fromChatUsage(undefined)).toBeUndefined();
    expect(fromResponsesUsage(null)).toBeUndefined();
    expect(fromResponsesUsage({ input_tokens: 5, cost_in_usd_ticks: 1.5 })).toEqual({
      input: 5,
      output: 0,
      total: 5,
      cachedInput: 0,
      reasoning: 0,
    });
  });

  it.each([
    [37_756_000, '$0.0037756'],
    [0, '$0.00'],
    [1, '$0.0000000001'],
    [400_000_000, '$0.04'],
    [12_345_000_000_000, '$1,234.50'],
  ])('%d ticks are %s exactly', (ticks, usd) => {
    expect(formatTicks(ticks)).toBe(usd);
  });

  it('ticks to a USD number', () => {
    expect(ticksToUsd(37_756_000)).toBe(0.0037756);
  });
});

describe('the client', () => {
  it('waits at least 900 s for a streamed reply (xAI: reasoning models think for minutes)', () => {
    const client = createChatClient('m', 'responses', { GROK_API_KEY: 'k' });
    expect(REQUEST_TIMEOUT_MS).toBeGreaterThanOrEqual(900_000);
    expect(client.api.timeout).toBe(REQUEST_TIMEOUT_MS);
  });

  it('speaks the Responses API unless GROK_API or settings say chat', () => {
    expect(resolveApiKind({}, {})).toBe('responses');
    expect(resolveApiKind(parseSettings('{"api": "chat"}', 's.json'), {})).toBe('chat');
    expect(resolveApiKind({ api: 'chat' }, { GROK_API: 'responses' })).toBe('responses');
    expect(() => resolveApiKind({}, { GROK_API: 'grpc' })).toThrow(
      "GROK_API must be 'responses' or 'chat', got 'grpc'",
    );
    expect(() => parseSettings('{"api": "grpc"}', 's.json')).toThrow(/'api' = "grpc"/);
  });

  it('the model: --model, GROK_MODEL, settings, then a model the API serves today', () => {
    expect(resolveModel(undefined, {}, {})).toBe(DEFAULT_MODEL);
    expect(DEFAULT_MODEL).toBe('grok-4.3');
    expect(resolveModel(undefined, { model: 's' }, {})).toBe('s');
    expect(resolveModel(undefined, { model: 's' }, { GROK_MODEL: 'e' })).toBe('e');
    expect(resolveModel('f', { model: 's' }, { GROK_MODEL: 'e' })).toBe('f');
  });
});
