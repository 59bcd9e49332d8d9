/**
 * A real HTTP server on 127.0.0.1 speaking xAI's two text APIs, for the runtime's tests: the
 * Responses API (`POST /v1/responses`, its streaming events from `response.created` through text,
 * reasoning and function-call events to `response.completed`) and chat completions (`POST
 * /v1/chat/completions`, SSE chunks, then `[DONE]`), both with xAI-shaped usage (cached and
 * reasoning tokens, `cost_in_usd_ticks`), plus `GET /v1/models`. Replies are scripted, one per
 * request in order (then a default reply). Every request body is recorded, with the usage and the
 * output items the server sent back for it.
 *
 * Usage as xAI counts it: on the Responses API `output_tokens` includes reasoning; on chat
 * completions `completion_tokens` leaves reasoning out and `total_tokens` counts it. Either way
 * `total - input` is the visible reply plus reasoning.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedToolCall {
  name: string;
  /** An object is sent as JSON.stringify of it; a string is sent as it is. */
  arguments: Record<string, unknown> | string;
}

export interface ScriptedUsage {
  /** Prompt tokens, cached ones included. */
  prompt: number;
  /** Tokens of the visible reply (reasoning not included). */
  completion: number;
  cached?: number;
  reasoning?: number;
  /** Billed cost in ticks (1 USD = 1e10); none sent when absent. */
  ticks?: number;
}

export interface ScriptedReply {
  /** Text of the reply (split into `chunks` pieces when streaming). */
  content?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: ScriptedUsage;
  /** Send no usage at all. */
  noUsage?: boolean;
  /** A reasoning item's encrypted content (Responses API); one is sent when usage.reasoning > 0. */
  encryptedReasoning?: string;
  /** A reasoning summary, streamed as response.reasoning_summary_* events before the item is done. */
  reasoningSummary?: string;
  /** An HTTP error status instead of a reply. */
  status?: number;
  /** The Retry-After (ms) sent with that status (default 5). */
  retryAfterMs?: number;
  /** Pieces the content is streamed in (default 3). */
  chunks?: number;
  /** Delay before each streamed piece. */
  delayMs?: number;
  /** Split the content every N UTF-16 units instead, cutting emoji in half as a real stream may. */
  unitsPerChunk?: number;
  /** The stream breaks after this many text pieces, before its final event. */
  breakAfter?: number;
  /** How it breaks: the connection is dropped (default), or an error event is sent and it ends. */
  breakWith?: 'drop' | 'error';
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are asserted on field by field
  body: Record<string, any>;
  /** The raw usage object the server sent for this request (null: none, or the stream broke). */
  usage: Record<string, unknown> | null;
  /** The output items of the final response (Responses API), as sent. */
  output: Record<string, unknown>[];
}

export interface FakeServerOptions {
  /** The models the key can use: any other is refused as xAI refuses it. Default: any accepted. */
  models?: string[];
  /** The status a refused model gets: 404 as xAI answers, or 400 as some servers do. */
  refusedModelStatus?: 400 | 404;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Adds replies to the script. */
  push: (...replies: ScriptedReply[]) => void;
  /** Resolves when the request count reaches `n`. */
  waitForRequests: (n: number, timeoutMs?: number) => Promise<void>;
  /** Usage the server has reported so far (what tokenUsage must sum to). */
  reported: { input: number; output: number };
  close: () => Promise<void>;
}

const LISTED_MODELS = ['grok-4.3', 'grok-4.20-0309-reasoning', 'grok-4-1-fast-reasoning'];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function splitContent(text: string, pieces: number): string[] {
  if (text === '') return [];
  const chars = [...text];
  const size = Math.max(1, Math.ceil(chars.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function splitUnits(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function piecesOf(reply: ScriptedReply): string[] {
  return reply.unitsPerChunk
    ? splitUnits(reply.content ?? '', reply.unitsPerChunk)
    : splitContent(reply.content ?? '', reply.chunks ?? 3);
}

function argumentsText(c: ScriptedToolCall): string {
  return typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
}

function responsesUsage(u: ScriptedUsage): Record<string, unknown> {
  const output = u.completion + (u.reasoning ?? 0);
  return {
    input_tokens: u.prompt,
    input_tokens_details: { cached_tokens: u.cached ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.prompt + output,
    ...(u.ticks !== undefined ? { cost_in_usd_ticks: u.ticks } : {}),
  };
}

function chatUsage(u: ScriptedUsage): Record<string, unknown> {
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion + (u.reasoning ?? 0),
    prompt_tokens_details: {
      text_tokens: u.prompt,
      audio_tokens: 0,
      image_tokens: 0,
      cached_tokens: u.cached ?? 0,
    },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    num_sources_used: 0,
    ...(u.ticks !== undefined ? { cost_in_usd_ticks: u.ticks } : {}),
  };
}

export async function startFakeServer(
  script: ScriptedReply[] = [],
  options: FakeServerOptions = {},
): Promise<FakeServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const reported = { input: 0, output: 0 };
  const waiters: { n: number; resolve: () => void }[] = [];
  let served = 0;
  const sockets = new Set<import('node:net').Socket>();

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const report = (rec: RecordedRequest, raw: Record<string, unknown>, u: ScriptedUsage) => {
    rec.usage = raw;
    reported.input += u.prompt;
    reported.output += u.completion + (u.reasoning ?? 0);
  };

  type Serve = (
    res: ServerResponse,
    rec: RecordedRequest,
    reply: ScriptedReply,
    usage: ScriptedUsage,
  ) => Promise<void>;

  /** Breaks the stream as scripted, once what was written has reached the client. */
  const breakStream = async (res: ServerResponse, reply: ScriptedReply, error: () => void) => {
    if (reply.breakWith === 'error') {
      error();
      res.end();
      return;
    }
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    await sleep(100);
    res.destroy();
  };

  const serveResponses: Serve = async (res, rec, reply, usage) => {
    const body = rec.body;
    const id = `resp_${served}`;
    const created = Math.floor(Date.now() / 1000);
    let seq = 0;
    const send = (type: string, fields: Record<string, unknown>) =>
      res.write(
        `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`,
      );
    const breakWithError = () =>
      breakStream(res, reply, () =>
        send('error', { code: 'internal_error', message: 'The server had an error', param: null }),
      );
    const response = (status: string, output: unknown[], u: unknown) => ({
      id,
      object: 'response',
      created_at: created,
      status,
      model: body.model,
      output,
      parallel_tool_calls: true,
      store: body.store ?? true,
      tools: body.tools ?? [],
      usage: u,
    });
    const items: Record<string, unknown>[] = [];
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    send('response.created', { response: response('in_progress', [], null) });
    send('response.in_progress', { response: response('in_progress', [], null) });
    if (reply.encryptedReasoning !== undefined || (usage.reasoning ?? 0) > 0) {
      const summary = reply.reasoningSummary;
      const item = {
        id: `rs_${served}`,
        type: 'reasoning',
        summary: summary === undefined ? [] : [{ type: 'summary_text', text: summary }],
        encrypted_content: reply.encryptedReasoning ?? `gAAAA${served}+opaque/reasoning==`,
        status: 'completed',
      };
      const index = items.length;
      send('response.output_item.added', {
        output_index: index,
        item: { id: item.id, type: 'reasoning', summary: [], status: 'in_progress' },
      });
      if (summary !== undefined) {
        const at = { item_id: item.id, output_index: index, summary_index: 0 };
        send('response.reasoning_summary_part.added', {
          ...at,
          part: { type: 'summary_text', text: '' },
        });
        for (const delta of splitContent(summary, 2)) {
          send('response.reasoning_summary_text.delta', { ...at, delta });
        }
        send('response.reasoning_summary_text.done', { ...at, text: summary });
        send('response.reasoning_summary_part.done', {
          ...at,
          part: { type: 'summary_text', text: summary },
        });
      }
      send('response.output_item.done', { output_index: index, item });
      items.push(item);
    }
    const text = reply.content ?? '';
    const pieces = piecesOf(reply);
    if (text !== '' || reply.breakAfter !== undefined) {
      const index = items.length;
      const msgId = `msg_${served}`;
      send('response.output_item.added', {
        output_index: index,
        item: { id: msgId, type: 'message', role: 'assistant', status: 'in_progress', content: [] },
      });
      send('response.content_part.added', {
        item_id: msgId,
        output_index: index,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      });
      for (const [i, piece] of pieces.entries()) {
        if (reply.breakAfter !== undefined && i >= reply.breakAfter) {
          await breakWithError();
          return;
        }
        if (reply.delayMs) await sleep(reply.delayMs);
        if (res.destroyed) return;
        send('response.output_text.delta', {
          item_id: msgId,
          output_index: index,
          content_index: 0,
          delta: piece,
          logprobs: [],
        });
      }
      if (reply.breakAfter !== undefined) {
        await breakWithError();
        return;
      }
      const part = { type: 'output_text', text, annotations: [], logprobs: [] };
      send('response.output_text.done', {
        item_id: msgId,
        output_index: index,
        content_index: 0,
        text,
        logprobs: [],
      });
      send('response.content_part.done', {
        item_id: msgId,
        output_index: index,
        content_index: 0,
        part,
      });
      const item = {
        id: msgId,
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [part],
      };
      send('response.output_item.done', { output_index: index, item });
      items.push(item);
    }
    for (const [k, c] of (reply.toolCalls ?? []).entries()) {
      const index = items.length;
      const args = argumentsText(c);
      const fc = {
        id: `fc_${served}_${k}`,
        type: 'function_call',
        call_id: `call_${served}_${k}`,
        name: c.name,
        arguments: args,
        status: 'completed',
      };
      send('response.output_item.added', {
        output_index: index,
        item: { ...fc, arguments: '', status: 'in_progress' },
      });
      const half = Math.floor(args.length / 2);
      for (const delta of [args.slice(0, half), args.slice(half)]) {
        send('response.function_call_arguments.delta', {
          item_id: fc.id,
          output_index: index,
          delta,
        });
      }
      send('response.function_call_arguments.done', {
        item_id: fc.id,
        output_index: index,
        arguments: args,
      });
      send('response.output_item.done', { output_index: index, item: fc });
      items.push(fc);
    }
    const raw = reply.noUsage ? null : responsesUsage(usage);
    if (raw) report(rec, raw, usage);
    rec.output = items;
    send('response.completed', { response: response('completed', items, raw) });
    res.end();
  };

  const serveChat: Serve = async (res, rec, reply, usage) => {
    const body = rec.body;
    const id = `chatcmpl-${served}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
      id: `call_${served}_${i}`,
      type: 'function',
      function: { name: c.name, arguments: argumentsText(c) },
    }));
    const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    // xAI sends the usage so far with every chunk; only the last one is the call's.
    let completion = 0;
    const running = () =>
      reply.noUsage ? {} : { usage: chatUsage({ ...usage, completion, ticks: undefined }) };
    const chunk = (delta: unknown, finishReason: string | null = null) =>
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
        ...running(),
      });
    chunk({ role: 'assistant', content: '' });
    for (const [i, piece] of piecesOf(reply).entries()) {
      if (reply.breakAfter !== undefined && i >= reply.breakAfter) break;
      if (reply.delayMs) await sleep(reply.delayMs);
      if (res.destroyed) return;
      completion += 1;
      chunk({ content: piece });
    }
    if (reply.breakAfter !== undefined) {
      await breakStream(res, reply, () =>
        send({ error: { message: 'The server had an error', type: 'internal_error' } }),
      );
      return;
    }
    toolCalls.forEach((c, index) => {
      const args = c.function.arguments;
      const half = Math.floor(args.length / 2);
      chunk({
        tool_calls: [
          {
            index,
            id: c.id,
            type: 'function',
            function: { name: c.function.name, arguments: args.slice(0, half) },
          },
        ],
      });
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
    });
    chunk({}, finish);
    if (!reply.noUsage && body.stream_options?.include_usage) {
      const raw = chatUsage(usage);
      report(rec, raw, usage);
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        choices: [],
        usage: raw,
      });
    }
    res.write('data: [DONE]\n\n');
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = req.url ?? '';
    if (req.method === 'GET' && path.endsWith('/models')) {
      const ids = options.models ?? LISTED_MODELS;
      json(res, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'xai' })),
      });
      return;
    }
    const kind =
      path === '/v1/responses' ? 'responses' : path === '/v1/chat/completions' ? 'chat' : undefined;
    if (req.method !== 'POST' || !kind) {
      json(res, 404, { error: { message: `no route ${req.url}` } });
      return;
    }
    const body = JSON.parse(raw) as RecordedRequest['body'];
    const rec: RecordedRequest = { path, headers: req.headers, body, usage: null, output: [] };
    requests.push(rec);
    for (const w of waiters.filter((w) => requests.length >= w.n)) w.resolve();
    if (options.models && !options.models.includes(body.model)) {
      if (options.refusedModelStatus === 400) {
        json(res, 400, { error: { message: `Model not found: ${body.model}`, type: 'invalid' } });
        return;
      }
      // What xAI answers for a model the key cannot use.
      json(res, 404, {
        code: 'Some requested entity was not found',
        error: `The model ${body.model} does not exist or your team does not have access to it.`,
      });
      return;
    }
    served++;
    const reply: ScriptedReply = queue.shift() ?? { content: `reply ${served}` };
    if (reply.status) {
      json(
        res,
        reply.status,
        { error: { message: `scripted ${reply.status}`, type: 'error' } },
        { 'retry-after-ms': String(reply.retryAfterMs ?? 5) },
      );
      return;
    }
    const usage = reply.usage ?? { prompt: 100 + served, completion: 10 + served };
    if (!body.stream) {
      json(res, 400, { error: { message: 'this server only streams' } });
      return;
    }
    if (kind === 'responses') await serveResponses(res, rec, reply, usage);
    else await serveChat(res, rec, reply, usage);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    reported,
    push: (...replies) => queue.push(...replies),
    waitForRequests: (n, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        if (requests.length >= n) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`expected ${n} requests, got ${requests.length}`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The text messages of a request, whichever API it spoke: [{role, content}] in order. */
export function textMessages(req: RecordedRequest): { role: string; content: unknown }[] {
  const list: Record<string, unknown>[] = req.body.input ?? req.body.messages ?? [];
  return list
    .filter((m) => typeof m.role === 'string')
    .map((m) => ({ role: m.role as string, content: m.content }));
}

/** The tool results a request sent back, whichever API it spoke, in order. */
export function toolOutputs(req: RecordedRequest): string[] {
  if (Array.isArray(req.body.input)) {
    return req.body.input
      .filter((m: Record<string, unknown>) => m.type === 'function_call_output')
      .map((m: Record<string, unknown>) => String(m.output));
  }
  return (req.body.messages ?? [])
    .filter((m: Record<string, unknown>) => m.role === 'tool')
    .map((m: Record<string, unknown>) => String(m.content));
}
