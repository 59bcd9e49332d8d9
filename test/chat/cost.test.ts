/**
 * What every reply was billed, recorded as the server sent it (issue 20's runtime): per-call usage
 * over the Responses API and chat completions, the conversation sent so that each request begins
 * with the previous one (prompt cache), a stream that breaks, a model the server does not know,
 * and the seed's jq recipes over what was written.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGrok, runGrokAsync, sh } from '../helpers.js';
import type { RecordedRequest, ScriptedReply } from './fake-server.js';
import { type ChatFixture, chatFixture, readSession, sessionFiles } from './setup.js';
import { Terminal } from './terminal.js';

let fx: ChatFixture;
let term: Terminal;

afterEach(async () => {
  term?.close();
  await fx.cleanup();
});

/** Three turns, the second running a Glob (its arguments with spaces, as a model may send them). */
const THREE_TURNS: ScriptedReply[] = [
  {
    content: 'First answer.',
    usage: { prompt: 1200, completion: 5, reasoning: 40, ticks: 61_234_567 },
  },
  {
    content: 'Let me look.',
    toolCalls: [{ name: 'Glob', arguments: '{"pattern": "src/**/*.ts"}' }],
    usage: { prompt: 1300, completion: 12, cached: 1150, reasoning: 80, ticks: 12_000_001 },
    reasoningSummary: 'The user wants the TypeScript files; a Glob will list them.',
  },
  {
    content: 'There are two files.',
    usage: { prompt: 1400, completion: 8, cached: 1290, ticks: 9_999_999 },
  },
  // a reported 0 is an exact $0
  { content: 'Bye.', usage: { prompt: 1500, completion: 2, cached: 1400, reasoning: 7, ticks: 0 } },
];
const TICKS = 61_234_567 + 12_000_001 + 9_999_999;

async function threeTurnsInATerminal(): Promise<string> {
  fx.server.push(...THREE_TURNS);
  term = new Terminal();
  term.start([], fx.env, fx.project);
  await term.waitFor(/^>\s*$/m);
  term.type('hello there');
  await term.waitFor(/First answer\./);
  term.type('which files are in src?');
  await term.waitFor(/There are two files\./);
  term.type('thanks');
  await term.waitFor(/Bye\./);
  term.keys('C-i');
  await term.waitFor(/· cost \$/);
  const screen = term.screen();
  term.type('/exit');
  await term.waitFor(/\[exit 0\]/);
  return screen;
}

type Raw = Record<string, unknown> & Record<string, Record<string, number>>;

/** A calls entry computed from the raw usage the server sent, as the issue defines it. */
function expectedCall(req: RecordedRequest, api: 'responses' | 'chat') {
  const u = req.usage as Raw;
  const input = Number(api === 'responses' ? u.input_tokens : u.prompt_tokens);
  const total = Number(u.total_tokens);
  const cached = api === 'responses' ? u.input_tokens_details : u.prompt_tokens_details;
  const reasoning = api === 'responses' ? u.output_tokens_details : u.completion_tokens_details;
  return {
    model: req.body.model,
    input,
    output: total - input,
    total,
    cachedInput: cached?.cached_tokens,
    reasoning: reasoning?.reasoning_tokens,
    costUsdTicks: u.cost_in_usd_ticks,
  };
}

/** The session's tokenUsage after the three turns, the same whichever API served them. */
const THREE_TURNS_USAGE = {
  input: 5400,
  output: 154,
  total: 5554,
  cachedInput: 3840,
  reasoning: 127,
  costUsdTicks: TICKS,
};

/** The calls of each reply of the three turns: one, two (the turn with the Glob), one. */
function callsPerReply(reqs: readonly RecordedRequest[], api: 'responses' | 'chat') {
  const call = (i: number) => expectedCall(reqs[i] as RecordedRequest, api);
  return [[call(0)], [call(1), call(2)], [call(3)]];
}

function sessionPath(): string {
  const files = sessionFiles(fx.home.sessions);
  expect(files).toHaveLength(1);
  return join(fx.home.sessions, files[0] as string);
}

/** An output item in the form it is sent back: reasoning as returned, text and calls as sent. */
function sentBack(item: Record<string, unknown>): unknown {
  if (item.type === 'message') {
    const parts = item.content as { text: string }[];
    return { role: 'assistant', content: parts.map((p) => p.text).join('') };
  }
  if (item.type === 'function_call') {
    const { call_id, name, arguments: args } = item;
    return { type: 'function_call', call_id, name, arguments: args };
  }
  return item;
}

/** Request `k` begins with request `k-1`'s input, then that request's output items. */
function expectPrefix(reqs: RecordedRequest[], k: number): void {
  const prev = reqs[k - 1] as RecordedRequest;
  const next = reqs[k] as RecordedRequest;
  const prevInput = prev.body.input as unknown[];
  const echoed = prev.output.map(sentBack);
  expect(next.body.input.slice(0, prevInput.length)).toEqual(prevInput);
  expect(next.body.input.slice(prevInput.length, prevInput.length + echoed.length)).toEqual(echoed);
}

/**
 * The seed's jq recipes read every file: the numbers they print are the files' own, and the
 * toolkit's stats agree.
 */
function expectSeedRecipesRead(dir: string): void {
  const files = sessionFiles(dir).map((f) => join(dir, f));
  const sessions = files.map((f) => readSession(f).session);
  const total = sessions.reduce((n, s) => n + s.tokenUsage.total, 0);
  const stats = runGrok(['sessions', 'stats', '--json'], fx.env);
  expect(stats.code, stats.stderr).toBe(0);
  expect(JSON.parse(stats.stdout)).toMatchObject({
    sessions: files.length,
    tokens: { total },
  });
  expect(
    sh(
      `find "${dir}" -name "*.json" -exec jq -r '.tokenUsage.total' {} + | awk '{sum+=$1} END {print sum " total tokens"}'`,
    ).trim(),
  ).toBe(`${total} total tokens`);
  const tools = sessions.flatMap((s) => s.messages.flatMap((m) => m.toolCalls ?? []));
  expect(sh(`cat "${dir}"/*.json | jq -r '.messages[].toolCalls[]?.tool'`)).toBe(
    tools.map((t) => `${t.tool}\n`).join(''),
  );
  expect(sh(`cat "${dir}"/*.json | jq -r '.messages | length'`)).toBe(
    sessions.map((s) => `${s.messages.length}\n`).join(''),
  );
  expect(
    sh(
      `find "${dir}" -name "*.json" -exec jq -r '"\\(.tokenUsage.total) \\(.sessionId)"' {} + | sort -rn | head -10`,
    ),
  ).toBe(
    sessions
      .map((s) => `${s.tokenUsage.total} ${s.sessionId}`)
      .sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10))
      .map((l) => `${l}\n`)
      .join(''),
  );
  expect(
    sh(
      `cat "${dir}"/*.json | jq -r '.messages[] | "\\(.role): \\(.content | .[0:100])..."' | wc -l`,
    ),
  ).not.toBe('0\n');
}

describe('the Responses API (acceptance 1, 3, 7)', () => {
  beforeEach(async () => {
    fx = await chatFixture();
  });

  it('records per-call usage as the server sent it, and sends each request as the previous one plus its output', async () => {
    const screen = await threeTurnsInATerminal();
    // /tokens (Ctrl+I): cached, reasoning and the session's billed cost, exact from the ticks
    expect(screen).toContain(
      'tokens: input 5,400 (3,840 cached), output 154 (127 reasoning), total 5,554 · cost $0.0083234567',
    );
    const path = sessionPath();
    const { session, text } = readSession(path);
    const reqs = fx.server.requests;
    expect(reqs).toHaveLength(4);
    expect(reqs.every((r) => r.path === '/v1/responses')).toBe(true);

    // acceptance 1: per call, what the server sent
    const replies = session.messages.filter((m) => m.role === 'assistant');
    expect(replies.map((m) => m.calls)).toEqual(callsPerReply(reqs, 'responses'));
    expect(replies[0]?.calls?.[0]).toEqual({
      model: 'grok-4.3',
      input: 1200,
      output: 45,
      total: 1245,
      cachedInput: 0,
      reasoning: 40,
      costUsdTicks: 61_234_567,
    });
    expect(replies[1]?.usage).toEqual({
      input: 2700,
      output: 100,
      total: 2800,
      cachedInput: 2440,
      reasoning: 80,
      costUsdTicks: 22_000_000,
    });
    expect(replies[2]?.usage?.costUsdTicks).toBe(0);
    expect(session.tokenUsage).toEqual(THREE_TURNS_USAGE);
    // the tool call keeps the API's id and the arguments as sent (they are not JSON.stringify's)
    expect(replies[1]?.toolCalls).toEqual([
      {
        tool: 'Glob',
        id: 'call_2_0',
        parameters: { pattern: 'src/**/*.ts' },
        arguments: '{"pattern": "src/**/*.ts"}',
        result: ['src/auth/middleware.ts', 'src/index.ts'],
      },
    ]);
    // encrypted reasoning is in the file, whole, for the next request
    expect(text).toContain('"encrypted_content": "gAAAA1+opaque/reasoning=="');

    // acceptance 3: one cache key, and each request begins with the previous one and its output
    for (const r of reqs) {
      expect(r.body).toMatchObject({
        prompt_cache_key: session.sessionId,
        store: false,
        include: ['reasoning.encrypted_content'],
      });
    }
    for (let k = 1; k < reqs.length; k++) expectPrefix(reqs, k);
    expect(reqs[1]?.body.input).toContainEqual(reqs[0]?.output[0]);
    expect(reqs[0]?.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: /^gAAAA/ });
    // a reasoning summary streamed before its item: not shown, kept inside the item, sent back
    expect(screen).not.toContain('a Glob will list them');
    expect(reqs[2]?.body.input).toContainEqual({
      id: 'rs_2',
      type: 'reasoning',
      summary: [
        {
          type: 'summary_text',
          text: 'The user wants the TypeScript files; a Glob will list them.',
        },
      ],
      encrypted_content: 'gAAAA2+opaque/reasoning==',
      status: 'completed',
    });
    expect(reqs[2]?.body.input.at(-1)).toEqual({
      type: 'function_call_output',
      call_id: 'call_2_0',
      output: JSON.stringify(['src/auth/middleware.ts', 'src/index.ts']),
    });

    // --continue: the history rebuilt from the file is what was sent live
    fx.server.push({ content: 'Back again.', usage: { prompt: 1600, completion: 3, ticks: 5 } });
    const cont = await runGrokAsync(['--continue'], fx.env, { cwd: fx.project, input: 'more\n' });
    expect(cont.code, cont.stderr).toBe(0);
    expect(reqs).toHaveLength(5);
    expect(reqs[4]?.body.prompt_cache_key).toBe(session.sessionId);
    expectPrefix(reqs, 4);
    expect(reqs[4]?.body.input.at(-1)).toEqual({ role: 'user', content: 'more' });
    expect(readSession(path).session.tokenUsage.costUsdTicks).toBe(TICKS + 5);

    // acceptance 1: grok sessions cost is the sum of the ticks, exactly, nothing estimated
    const cost = runGrok(['sessions', 'cost', '--json'], fx.env);
    expect(cost.code, cost.stderr).toBe(0);
    const billed = JSON.parse(cost.stdout).total;
    expect(billed).toMatchObject({
      exactTicks: String(TICKS + 5),
      exact: (TICKS + 5) / 1e10,
      cost: (TICKS + 5) / 1e10,
      estimated: 0,
      billedCalls: 5,
      estimatedCalls: 0,
      unknownCalls: 0,
    });

    // a fork has its own key
    const fork = await runGrokAsync(
      ['sessions', 'fork', session.sessionId, '--at', '3', '--json'],
      fx.env,
    );
    const forked = JSON.parse(fork.stdout);
    await runGrokAsync(['--resume', forked.sessionId], fx.env, { cwd: fx.project, input: 'f\n' });
    expect(reqs[5]?.body.prompt_cache_key).toBe(forked.sessionId);
    expect(forked.sessionId).not.toBe(session.sessionId);

    // encrypted reasoning is left out of show --json and JSON exports unless asked for
    const id = session.sessionId;
    const shown = await runGrokAsync(['sessions', 'show', id, '--json'], fx.env);
    expect(shown.stdout).not.toContain('encrypted_content');
    expect(JSON.parse(shown.stdout).messages[2].rounds[0].reasoning[0]).toEqual({
      id: 'rs_1',
      type: 'reasoning',
      summary: [],
      status: 'completed',
    });
    const whole = await runGrokAsync(['sessions', 'show', id, '--json', '--reasoning'], fx.env);
    expect(JSON.parse(whole.stdout)).toEqual(JSON.parse(readSession(path).text));
    const exported = await runGrokAsync(['sessions', 'export', id, '--format', 'json'], fx.env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).not.toContain('encrypted_content');
    const kept = await runGrokAsync(
      ['sessions', 'export', id, '--format', 'json', '--reasoning', '--no-redact'],
      fx.env,
    );
    expect(JSON.parse(kept.stdout)).toEqual(JSON.parse(readSession(path).text));

    // acceptance 7
    expectSeedRecipesRead(fx.home.sessions);
  });
});

describe('encrypted reasoning and redaction', () => {
  beforeEach(async () => {
    fx = await chatFixture();
  });

  it('redact leaves the encrypted reasoning as it was, and the next request carries it', async () => {
    const key = `xai-${'a1B2'.repeat(10)}`;
    fx.server.push(
      // opaque data that happens to look like a key
      {
        content: 'Noted.',
        usage: { prompt: 50, completion: 2 },
        encryptedReasoning: `gAAAA${key}`,
      },
      { content: 'Again.' },
    );
    const first = await runGrokAsync([], fx.env, { cwd: fx.project, input: `my key is ${key}\n` });
    expect(first.code, first.stderr).toBe(0);
    const redacted = runGrok(['sessions', 'redact', '--all', '--yes'], fx.env);
    expect(redacted.code, redacted.stderr).toBe(0);
    const { session, text } = readSession(sessionPath());
    expect(session.messages[1]?.content).toBe('my key is [REDACTED:xai-api-key]');
    expect(text).toContain(`"encrypted_content": "gAAAA${key}"`);

    const cont = await runGrokAsync(['--continue'], fx.env, { cwd: fx.project, input: 'more\n' });
    expect(cont.code, cont.stderr).toBe(0);
    const [before, after] = fx.server.requests as [RecordedRequest, RecordedRequest];
    expect(after.body.input.slice(1)).toEqual([
      { role: 'user', content: 'my key is [REDACTED:xai-api-key]' },
      before.output[0],
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'more' },
    ]);
    expect(before.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: `gAAAA${key}` });
  });
});

describe('chat completions (acceptance 2)', () => {
  beforeEach(async () => {
    fx = await chatFixture({ GROK_API: 'chat' });
  });

  it('records per-call usage with reasoning counted in total and output', async () => {
    const screen = await threeTurnsInATerminal();
    expect(screen).toContain(
      'tokens: input 5,400 (3,840 cached), output 154 (127 reasoning), total 5,554 · cost $0.0083234567',
    );
    const { session } = readSession(sessionPath());
    const reqs = fx.server.requests;
    expect(reqs.every((r) => r.path === '/v1/chat/completions')).toBe(true);
    const replies = session.messages.filter((m) => m.role === 'assistant');
    expect(replies.map((m) => m.calls)).toEqual(callsPerReply(reqs, 'chat'));
    // xAI leaves reasoning out of completion_tokens: output is total - prompt, reasoning inside
    const first = reqs[0]?.usage as Raw;
    expect(first.completion_tokens).toBe(5);
    expect(replies[0]?.calls?.[0]).toMatchObject({ output: 45, total: 1245, reasoning: 40 });
    expect(session.tokenUsage).toEqual(THREE_TURNS_USAGE);
    const cost = runGrok(['sessions', 'cost', '--json'], fx.env);
    expect(cost.code, cost.stderr).toBe(0);
    expect(JSON.parse(cost.stdout).total).toMatchObject({
      exactTicks: String(TICKS),
      exact: TICKS / 1e10,
      cost: TICKS / 1e10,
      estimated: 0,
      billedCalls: 4,
      estimatedCalls: 0,
      unknownCalls: 0,
    });
    // the conversation id routes every request of the session to the same cache
    expect(reqs.every((r) => r.headers['x-grok-conv-id'] === session.sessionId)).toBe(true);
    // each request begins with the previous one
    for (let k = 1; k < reqs.length; k++) {
      const prev = reqs[k - 1]?.body.messages as unknown[];
      expect(reqs[k]?.body.messages.slice(0, prev.length)).toEqual(prev);
    }
    expect(reqs[2]?.body.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          {
            id: 'call_2_0',
            type: 'function',
            function: { name: 'Glob', arguments: '{"pattern": "src/**/*.ts"}' },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_2_0',
        content: JSON.stringify(['src/auth/middleware.ts', 'src/index.ts']),
      },
    ]);
    expectSeedRecipesRead(fx.home.sessions);
  });
});

describe('a stream that breaks before its final event (acceptance 4)', () => {
  it.each([
    ['Responses API, the connection dropped', {}, 'drop'],
    ['Responses API, an error event', {}, 'error'],
    ['chat completions, the connection dropped', { GROK_API: 'chat' }, 'drop'],
    ['chat completions, an error event', { GROK_API: 'chat' }, 'error'],
  ] as const)(
    '%s: the partial reply is kept, its usage unknown, and the next turn works',
    async (_, env, how) => {
      fx = await chatFixture(env);
      fx.server.push(
        { content: 'one two three four five six', chunks: 6, breakAfter: 2, breakWith: how },
        { content: 'Whole again.', usage: { prompt: 300, completion: 4, ticks: 777 } },
      );
      const r = await runGrokAsync([], fx.env, { cwd: fx.project, input: 'first\nsecond\n' });
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('grok:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^grok: the reply stopped before the end: .+; the partial reply is kept$/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toContain('Whole again.');
      const { session } = readSession(sessionPath());
      const cut = session.messages[2];
      expect(cut).toMatchObject({ role: 'assistant', content: 'one two th', interrupted: true });
      expect(cut?.calls).toEqual([{ model: 'grok-4.3', usage: null }]);
      expect(cut?.usage).toBeUndefined();
      expect(session.messages[4]).toMatchObject({ content: 'Whole again.' });
      expect(session.messages[4]?.interrupted).toBeUndefined();
      expect(session.tokenUsage).toEqual({
        input: 300,
        output: 4,
        total: 304,
        cachedInput: 0,
        reasoning: 0,
        costUsdTicks: 777,
      });
      expect(session.status).toBe('ended');
      // the partial reply went back with the next request, as text
      const sent = fx.server.requests[1]?.body.input ?? fx.server.requests[1]?.body.messages;
      expect(sent.slice(-2)).toEqual([
        { role: 'assistant', content: 'one two th' },
        { role: 'user', content: 'second' },
      ]);
      expectSeedRecipesRead(fx.home.sessions);

      // -p: the partial reply, then one line, exit 1
      fx.server.push({ content: 'abc def ghi', chunks: 3, breakAfter: 1, breakWith: how });
      const p = await runGrokAsync(['-p', 'go'], fx.env, { cwd: fx.project });
      expect(p.code).toBe(1);
      expect(p.stdout).toBe('abc \n');
      expect(p.stderr).toMatch(/^grok: the reply stopped before the end: [^\n]+\n$/);
    },
  );
});

describe('a model the server does not know (acceptance 6)', () => {
  beforeEach(async () => {
    fx = await chatFixture({}, { models: ['grok-4.3', 'grok-4.20-0309-reasoning'] });
  });

  it('-p and an interactive session: one line with the models the key can use, exit 1', async () => {
    const line =
      "grok: the API does not know model 'grok-nope'; models this key can use: grok-4.20-0309-reasoning, grok-4.3 (choose one with --model or GROK_MODEL)\n";
    const headless = await runGrokAsync(['-p', 'hi', '-m', 'grok-nope'], fx.env, {
      cwd: fx.project,
    });
    expect([headless.code, headless.stderr, headless.stdout]).toEqual([1, line, '']);
    const interactive = await runGrokAsync(['-m', 'grok-nope'], fx.env, {
      cwd: fx.project,
      input: 'hi\nstill there?\n',
    });
    expect(interactive.code).toBe(1);
    expect(interactive.stderr.split('\n').filter((l) => l.startsWith('grok:'))).toEqual([
      line.trim(),
    ]);
    expect(interactive.stderr).not.toMatch(/\n\s+at /);
    // the session stopped at the first refusal
    expect(fx.server.requests.filter((r) => r.body.model === 'grok-nope')).toHaveLength(2);
  });

  it('a server that refuses the model with a 400 that says so: the same line', async () => {
    await fx.cleanup();
    fx = await chatFixture(
      { GROK_API: 'chat' },
      { models: ['grok-4.3', 'grok-4.20-0309-reasoning'], refusedModelStatus: 400 },
    );
    const r = await runGrokAsync(['-p', 'hi', '-m', 'grok-nope'], fx.env, { cwd: fx.project });
    expect([r.code, r.stderr]).toEqual([
      1,
      "grok: the API does not know model 'grok-nope'; models this key can use: grok-4.20-0309-reasoning, grok-4.3 (choose one with --model or GROK_MODEL)\n",
    ]);
  });

  it('a server without the Responses API is told apart from an unknown model', async () => {
    const r = await runGrokAsync(
      ['-p', 'hi'],
      { ...fx.env, GROK_BASE_URL: `${fx.server.url}/old` },
      { cwd: fx.project },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `grok: the API at ${fx.server.url}/old has no /responses endpoint (HTTP 404) (for a server without the Responses API, set GROK_API=chat)\n`,
    );
  });
});
