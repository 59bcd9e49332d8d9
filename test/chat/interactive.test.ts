import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGrokAsync, sh } from '../helpers.js';
import { textMessages } from './fake-server.js';
import {
  type ChatFixture,
  eachChatInTerminal,
  GROK_MD,
  readSession,
  roles,
  sessionFiles,
} from './setup.js';
import type { Terminal } from './terminal.js';

let fx: ChatFixture;
let term: Terminal;
eachChatInTerminal((f, t) => ([fx, term] = [f, t]));

describe('an interactive session in a terminal (acceptance 2)', () => {
  it('records three turns, one with a Glob call, ended by /exit, in the seed format', async () => {
    fx.server.push(
      { content: 'First answer.', usage: { prompt: 120, completion: 5 } },
      {
        content: 'Let me look.',
        toolCalls: [{ name: 'Glob', arguments: { pattern: 'src/**/*.ts' } }],
        usage: { prompt: 200, completion: 12 },
      },
      { content: 'There are two files.', usage: { prompt: 260, completion: 8 } },
      { content: 'Bye 👋 for now.', usage: { prompt: 300, completion: 6 } },
    );
    term.start([], fx.env, fx.project);
    await term.waitFor(/Loaded GROK\.md \(~\d+ tokens\)/);
    await term.waitFor(/^>\s*$/m);
    expect(sessionFiles(fx.home.sessions)).toEqual([]);

    term.type('hello there');
    await term.waitFor(/First answer\./);
    // The file appears with the first message.
    expect(sessionFiles(fx.home.sessions)).toHaveLength(1);
    term.type('which files are in src?');
    await term.waitFor(/There are two files\./);
    expect(term.screen()).toMatch(/\[Glob \{"pattern":"src\/\*\*\/\*\.ts"\}\] 2 results/);
    term.type('thanks');
    await term.waitFor(/Bye 👋 for now\./);

    term.type('/tokens');
    await term.waitFor(
      /tokens: input 880 \(0 cached\), output 31 \(0 reasoning\), total 911 · no billed cost reported · context ~306 tokens/,
    );
    // a name another session holds is refused, as by grok sessions rename
    const other = join(fx.home.sessions, 'session-2020-01-01-00-00-00.json');
    writeFileSync(
      other,
      JSON.stringify({
        ...readSession(join(fx.home.sessions, sessionFiles(fx.home.sessions)[0] as string)).session,
        sessionId: 'session-2020-01-01-00-00-00',
        name: 'taken',
      }),
    );
    term.type('/name taken');
    await term.waitFor(/'taken' already names session-2020-01-01-00-00-00\.json/);
    rmSync(other);
    term.type('/name auth-review');
    await term.waitFor(/session named 'auth-review'/);
    term.type('/tag demo');
    await term.waitFor(/tags: demo/);
    term.type('/exit');
    const screen = await term.waitFor(/\[exit \d+\]/);
    expect(screen).toMatch(/Session saved to .*session-.*\.json/);
    expect(screen).toContain('[exit 0]');

    const files = sessionFiles(fx.home.sessions);
    expect(files).toHaveLength(1);
    const path = join(fx.home.sessions, files[0] as string);
    const { session } = readSession(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(fx.home.sessions).mode & 0o777).toBe(0o700);
    expect(session.sessionId).toBe(files[0]?.replace(/\.json$/, ''));
    expect(roles(session)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(session.messages.map((m) => m.content).slice(1)).toEqual([
      'hello there',
      'First answer.',
      'which files are in src?',
      'Let me look.\n\nThere are two files.',
      'thanks',
      'Bye 👋 for now.',
    ]);
    expect(session.messages[0]?.content).toContain(GROK_MD.trim());
    const stamps = session.messages.slice(1).map((m) => Date.parse(m.timestamp as string));
    expect(stamps.every((t) => Number.isFinite(t))).toBe(true);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(session.messages[4]?.toolCalls).toEqual([
      {
        tool: 'Glob',
        id: 'call_2_0',
        parameters: { pattern: 'src/**/*.ts' },
        result: ['src/auth/middleware.ts', 'src/index.ts'],
      },
    ]);
    expect(session.messages.some((m) => 'interrupted' in m)).toBe(false);
    expect(session.messages[4]?.usage).toEqual({
      input: 460,
      output: 20,
      total: 480,
      cachedInput: 0,
      reasoning: 0,
    });
    expect(session.tokenUsage).toMatchObject({
      input: fx.server.reported.input,
      output: fx.server.reported.output,
      total: fx.server.reported.input + fx.server.reported.output,
    });
    expect(session.tokenUsage).toEqual({
      input: 880,
      output: 31,
      total: 911,
      cachedInput: 0,
      reasoning: 0,
    });
    expect(session.status).toBe('ended');
    expect(session.name).toBe('auth-review');
    expect(session.tags).toEqual(['demo']);
    expect(session.metadata.workingDirectory).toBe(fx.project);
    expect(Date.parse(session.endTime as string)).toBeGreaterThanOrEqual(
      Date.parse(session.startTime),
    );
    // The lock is released.
    expect(sh(`ls -A ${fx.home.sessions}`).trim()).toBe(files[0]);

    // The seed's jq recipes work on the file.
    expect(sh(`jq -r '.messages[].toolCalls[]?.tool' ${path}`)).toBe('Glob\n');
    expect(sh(`jq -r '.tokenUsage.total' ${path}`)).toBe('911\n');

    // Every call resent the whole conversation; the tool result went back to the model.
    const reqs = fx.server.requests;
    expect(reqs.map((r) => textMessages(r).length)).toEqual([2, 4, 5, 7]);
    expect(reqs[2]?.body.input.at(-1)).toMatchObject({
      type: 'function_call_output',
      call_id: 'call_2_0',
    });
    expect(
      reqs.every(
        (r) =>
          r.body.stream === true &&
          r.body.model === 'grok-4.3' &&
          r.body.prompt_cache_key === session.sessionId,
      ),
    ).toBe(true);
  });

  it('Ctrl+I shows the tokens, Ctrl+C interrupts a reply and keeps it, Ctrl+C twice ends the session', async () => {
    fx.server.push(
      { content: 'short one', usage: { prompt: 10, completion: 2 } },
      { content: 'x'.repeat(400), chunks: 40, delayMs: 100 },
    );
    term.start(['first question'], fx.env, fx.project);
    await term.waitFor(/short one/);
    await term.waitFor(/^>\s*$/m);
    term.keys('C-i');
    await term.waitFor(/tokens: input 10 \(0 cached\), output 2 \(0 reasoning\), total 12/);
    term.type('/help');
    await term.waitFor(/\/exit, \/quit/);
    term.type('long please');
    await term.waitFor(/xxxxxxxxxx/);
    term.keys('C-c');
    await term.waitFor(/\[interrupted: the partial reply is kept\]/);
    term.keys('C-c');
    await term.waitFor(/Ctrl\+C again to end the session/);
    term.keys('C-c');
    await term.waitFor(/\[exit 0\]/);
    const files = sessionFiles(fx.home.sessions);
    expect(files).toHaveLength(1);
    const { session } = readSession(join(fx.home.sessions, files[0] as string));
    expect(roles(session)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(session.messages[1]?.content).toBe('first question');
    const partial = session.messages[4];
    expect(partial?.interrupted).toBe(true);
    expect(partial?.content).toMatch(/^x+$/);
    expect((partial?.content ?? '').length).toBeLessThan(400);
    // the request was made; what it used, the server never said
    expect(partial?.calls).toEqual([{ model: 'grok-4.3', usage: null }]);
    expect(partial?.usage).toBeUndefined();
    // leaving at the prompt ends the session; the cut reply keeps its own mark
    expect(session.status).toBe('ended');
  });
});

describe('ending and long sessions', () => {
  it('Ctrl+D ends the session gracefully', async () => {
    fx.server.push({ content: 'hi back' });
    term.start(['hi'], fx.env, fx.project);
    await term.waitFor(/hi back/);
    await term.waitFor(/^>\s*$/m);
    term.keys('C-d');
    await term.waitFor(/\[exit 0\]/);
    const files = sessionFiles(fx.home.sessions);
    const { session } = readSession(join(fx.home.sessions, files[0] as string));
    expect(session.status).toBe('ended');
    expect(session.messages).toHaveLength(3);
  });

  it('Tab completes slash commands; on an empty line it shows the tokens', async () => {
    fx.server.push({ content: 'hello back', usage: { prompt: 10, completion: 2 } });
    term.start(['hi'], fx.env, fx.project);
    await term.waitFor(/hello back/);
    await term.waitFor(/^>\s*$/m);
    // one match: the line becomes the command
    term.write('/to');
    await term.waitFor(/^> \/to\s*$/m);
    term.keys('Tab');
    await term.waitFor(/^> \/tokens\s*$/m);
    term.keys('Enter');
    await term.waitFor(/^tokens: input 10 \(0 cached\), output 2/m);
    // several: a second Tab lists them, the line keeps what they share
    term.write('/t');
    await term.waitFor(/^> \/t\s*$/m);
    // the first Tab read on its own: read with the second it would be typed as a tab
    await term.keysAlone('Tab');
    term.keys('Tab');
    await term.waitFor(/^\/tokens\s+\/tag\s*$/m);
    term.write('a');
    await term.waitFor(/^> \/ta\s*$/m);
    term.keys('Tab');
    // (the pane drops the trailing space; the tag typed next shows it was there)
    await term.waitFor(/^> \/tag\s*$/m);
    term.write('later');
    term.keys('Enter');
    await term.waitFor(/tags: later/);
    // text that is not a command: Tab neither completes nor shows the tokens
    term.write('plain');
    await term.waitFor(/^> plain\s*$/m);
    await term.keysAlone('Tab');
    term.keys('C-u');
    // Tab on an empty line still shows the tokens; the terminal shows output in order, so by
    // then what the Tab after 'plain' printed is on the screen too: nothing
    term.keys('Tab');
    const shown = await term.waitFor(/^>\s*\ntokens: input 10.*\n>\s*$/m);
    expect(shown.match(/tokens: input/g)).toHaveLength(2);
    term.write('/ex');
    await term.waitFor(/^> \/ex\s*$/m);
    term.keys('Tab');
    await term.waitFor(/^> \/exit\s*$/m);
    term.keys('Enter');
    await term.waitFor(/\[exit 0\]/);
    const { session } = readSession(
      join(fx.home.sessions, sessionFiles(fx.home.sessions)[0] as string),
    );
    expect(session.tags).toEqual(['later']);
    expect(session.status).toBe('ended');
  });

  it('waiting on a refused request shows each retry, then the reply', async () => {
    fx.server.push(
      { status: 429, retryAfterMs: 1500 },
      { status: 503 },
      { content: 'Got through.', usage: { prompt: 10, completion: 2 } },
    );
    term.start([], { ...fx.env, GROK_MAX_RETRIES: '3' }, fx.project);
    await term.waitFor(/^>\s*$/m);
    term.type('are you there?');
    // the first wait is shown while it lasts, not after
    await term.waitFor(/grok: the API answered HTTP 429; retrying in 1\.5 s, 1 of 3/);
    expect(term.screen()).not.toContain('Got through.');
    const screen = await term.waitFor(/Got through\./);
    expect(screen).toMatch(/grok: the API answered HTTP 503; retrying in 5 ms, 2 of 3\n/);
    expect(screen.match(/retrying in/g)).toHaveLength(2);
    expect(fx.server.requests).toHaveLength(3);
    term.type('/exit');
    await term.waitFor(/\[exit 0\]/);
  });

  it('warns once when the context passes 100,000 tokens', async () => {
    fx.server.push(
      { content: 'one', usage: { prompt: 99_000, completion: 500 } },
      { content: 'two', usage: { prompt: 100_200, completion: 300 } },
      { content: 'three', usage: { prompt: 100_600, completion: 300 } },
    );
    const r = await runGrokAsync([], fx.env, { cwd: fx.project, input: 'a\nb\nc\n' });
    expect(r.code).toBe(0);
    const warnings = r.stdout.match(/The context is over 100,000 tokens/g) ?? [];
    expect(warnings).toHaveLength(1);
    expect(r.stdout.indexOf('The context is over')).toBeGreaterThan(r.stdout.indexOf('two'));
    expect(r.stdout.indexOf('The context is over')).toBeLessThan(r.stdout.indexOf('three'));
  });
});
