/**
 * A real HTTP server on 127.0.0.1 speaking the chat-completions protocol, for the runtime's tests.
 * Replies are scripted, one per request in order (then a default reply); streaming requests get
 * SSE `data:` chunks, the usage chunk when asked for, then `[DONE]`. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
}

export interface ScriptedReply {
  /** Text of the reply (split into `chunks` pieces when streaming). */
  content?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: { prompt: number; completion: number };
  /** An HTTP error status instead of a reply. */
  status?: number;
  /** Pieces the content is streamed in (default 3). */
  chunks?: number;
  /** Delay before each streamed piece. */
  delayMs?: number;
  /** Split the content every N UTF-16 units instead, cutting emoji in half as a real stream may. */
  unitsPerChunk?: number;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: unknown[];
  };
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

export async function startFakeServer(script: ScriptedReply[] = []): Promise<FakeServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const reported = { input: 0, output: 0 };
  const waiters: { n: number; resolve: () => void }[] = [];
  let served = 0;
  const sockets = new Set<import('node:net').Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
      return;
    }
    const body = JSON.parse(raw) as RecordedRequest['body'];
    requests.push({ path: req.url, headers: req.headers, body });
    for (const w of waiters.filter((w) => requests.length >= w.n)) w.resolve();
    served++;
    const reply: ScriptedReply = queue.shift() ?? { content: `reply ${served}` };
    if (reply.status) {
      res.writeHead(reply.status, { 'content-type': 'application/json', 'retry-after-ms': '5' });
      res.end(JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'error' } }));
      return;
    }
    const usage = reply.usage ?? { prompt: 100 + served, completion: 10 + served };
    const usageJson = {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    };
    const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
      id: `call_${served}_${i}`,
      type: 'function',
      function: {
        name: c.name,
        arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
      },
    }));
    const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    const id = `chatcmpl-${served}`;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      reported.input += usage.prompt;
      reported.output += usage.completion;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: reply.content ?? null,
                ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
              },
              finish_reason: finish,
            },
          ],
          usage: usageJson,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const chunk = (delta: unknown, finishReason: string | null = null) =>
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
      });
    chunk({ role: 'assistant', content: '' });
    const pieces = reply.unitsPerChunk
      ? splitUnits(reply.content ?? '', reply.unitsPerChunk)
      : splitContent(reply.content ?? '', reply.chunks ?? 3);
    for (const piece of pieces) {
      if (reply.delayMs) await sleep(reply.delayMs);
      if (res.destroyed) return;
      chunk({ content: piece });
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
    if (body.stream_options?.include_usage) {
      reported.input += usage.prompt;
      reported.output += usage.completion;
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        choices: [],
        usage: usageJson,
      });
    }
    res.write('data: [DONE]\n\n');
    res.end();
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
