import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockPathFor } from '../../src/session/lock.js';
import { FIXTURES, runGrokAsync } from '../helpers.js';
import { type RecordedRequest, textMessages } from './fake-server.js';
import { type ChatFixture, eachChatFixture, readSession, sessionFiles, sleep } from './setup.js';
import { Terminal } from './terminal.js';

let fx: ChatFixture;
eachChatFixture((f) => {
  fx = f;
});

const run = (args: string[], input = '') => runGrokAsync(args, fx.env, { cwd: fx.project, input });

describe('resume and fork (acceptance 4)', () => {
  it('--continue appends to the same file and resends the conversation; fork --at 3 copies three messages', async () => {
    fx.server.push(
      { content: 'A1', usage: { prompt: 10, completion: 1 } },
      { content: 'A2', usage: { prompt: 20, completion: 2 } },
    );
    const first = await run([], 'q1\nq2\n/exit\n');
    expect(first.code).toBe(0);
    const files = sessionFiles(fx.home.sessions);
    expect(files).toHaveLength(1);
    const path = join(fx.home.sessions, files[0] as string);
    const before = readSession(path).session;
    expect(before.messages).toHaveLength(5);
    await sleep(20);

    fx.server.push({ content: 'A3', usage: { prompt: 30, completion: 3 } });
    const cont = await run(['--continue'], 'q3\n');
    expect(cont.code).toBe(0);
    expect(cont.stderr).toContain(`Resumed ${files[0]} (5 messages)`);
    expect(sessionFiles(fx.home.sessions)).toEqual(files);
    const after = readSession(path).session;
    expect(after.sessionId).toBe(before.sessionId);
    expect(after.startTime).toBe(before.startTime);
    expect(after.messages.slice(0, 5)).toEqual(before.messages);
    expect(after.messages.slice(5).map((m) => [m.role, m.content])).toEqual([
      ['user', 'q3'],
      ['assistant', 'A3'],
    ]);
    expect(after.tokenUsage).toEqual({
      input: 60,
      output: 6,
      total: 66,
      cachedInput: 0,
      reasoning: 0,
    });
    expect(Date.parse(after.endTime as string)).toBeGreaterThan(
      Date.parse(before.endTime as string),
    );
    expect(after.status).toBe('ended');
    // The resumed call carried the whole earlier conversation.
    const resent = textMessages(fx.server.requests[2] as RecordedRequest).map((m) => m.content);
    expect(resent?.slice(1)).toEqual(['q1', 'A1', 'q2', 'A2', 'q3']);

    const forked = await runGrokAsync(
      ['sessions', 'fork', before.sessionId, '--at', '3', '--json'],
      fx.env,
    );
    expect(forked.code).toBe(0);
    const result = JSON.parse(forked.stdout);
    expect(result.messages).toBe(3);
    expect(sessionFiles(fx.home.sessions)).toHaveLength(2);
    const fork = readSession(result.path).session;
    expect(result.file).not.toBe(files[0]);
    expect(fork.messages).toEqual(after.messages.slice(0, 3));
    expect(fork.forkedFrom).toEqual({ sessionId: before.sessionId, messages: 3 });
    expect(fork.sessionId).toBe(result.sessionId);
    // The original is untouched.
    expect(readSession(path).session).toEqual(after);

    // The fork resumes on its own: only its three messages go to the model.
    fx.server.push({ content: 'F1' });
    const resumed = await runGrokAsync(['sessions', 'resume', result.sessionId], fx.env, {
      cwd: fx.project,
      input: 'qf\n',
    });
    expect(resumed.code).toBe(0);
    expect(
      textMessages(fx.server.requests[3] as RecordedRequest)
        .map((m) => m.content)
        .slice(1),
    ).toEqual(['q1', 'A1', 'qf']);
    expect(readSession(result.path).session.messages).toHaveLength(5);

    const bad = await runGrokAsync(['sessions', 'fork', before.sessionId, '--at', '99'], fx.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a session written before per-call records resumes over the Responses API, every call answered', async () => {
    const id = 'session-2025-12-11-09-22-14';
    copyFileSync(join(FIXTURES, 'sessions', `${id}.json`), join(fx.home.sessions, `${id}.json`));
    const before = readSession(join(fx.home.sessions, `${id}.json`)).session;
    fx.server.push({ content: 'Resumed.' });
    const r = await run(['--resume', id], 'go on\n');
    expect(r.code, r.stderr).toBe(0);
    const input = fx.server.requests[0]?.body.input as Record<string, unknown>[];
    const calls = input.filter((i) => i.type === 'function_call');
    const outputs = input.filter((i) => i.type === 'function_call_output');
    const recorded = before.messages.flatMap((m) => m.toolCalls ?? []);
    expect(calls).toHaveLength(recorded.length);
    expect(calls.map((c) => c.name)).toEqual(recorded.map((c) => c.tool));
    expect(calls.map((c) => JSON.parse(String(c.arguments)))).toEqual(
      recorded.map((c) => c.parameters),
    );
    // each call is followed by the output with its id, and the ids are unique
    expect(outputs.map((o) => o.call_id)).toEqual(calls.map((c) => c.call_id));
    expect(new Set(calls.map((c) => c.call_id)).size).toBe(calls.length);
    expect(textMessages(fx.server.requests[0] as RecordedRequest).length).toBe(
      before.messages.filter((m) => m.role !== 'tool' && m.content !== '').length + 1,
    );
    expect(input.at(-1)).toEqual({ role: 'user', content: 'go on' });
  });

  it('sessions are isolated: a new session sends nothing of an earlier one', async () => {
    fx.server.push({ content: 'secret answer' }, { content: 'fresh' });
    await run([], 'remember the word swordfish\n');
    await run([], 'what was the word?\n');
    expect(sessionFiles(fx.home.sessions)).toHaveLength(2);
    const second = textMessages(fx.server.requests[1] as RecordedRequest);
    expect(second.map((m) => m.role)).toEqual(['system', 'user']);
    expect(JSON.stringify(second)).not.toContain('swordfish');
  });
});

describe('a session open in one grok cannot be resumed in another (acceptance 5)', () => {
  let term: Terminal;
  beforeEach(() => {
    term = new Terminal();
  });
  afterEach(() => term.close());

  it('fails with one line while the first runs; after it is killed, resuming works', async () => {
    fx.server.push({ content: 'first grok here' });
    term.start(['hello'], fx.env, fx.project);
    await term.waitFor(/first grok here/);
    const files = sessionFiles(fx.home.sessions);
    const path = join(fx.home.sessions, files[0] as string);
    const pid = Number(readFileSync(lockPathFor(path), 'utf8'));

    const id = files[0]?.replace(/\.json$/, '') as string;
    for (const args of [['--resume', id], ['--continue'], ['sessions', 'resume', id]]) {
      const second = await run(args, 'should not be sent\n');
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toContain(`is already open in another grok (pid ${pid})`);
    }
    expect(fx.server.requests).toHaveLength(1);

    process.kill(pid, 'SIGKILL');
    await term.waitFor(/\[exit 137\]/);
    expect(existsSync(lockPathFor(path))).toBe(true);
    fx.server.push({ content: 'second grok here' });
    const resumed = await run(['--resume', id], 'again\n');
    expect(resumed.code).toBe(0);
    const { session } = readSession(path);
    expect(session.messages.map((m) => m.content).slice(1)).toEqual([
      'hello',
      'first grok here',
      'again',
      'second grok here',
    ]);
    expect(existsSync(lockPathFor(path))).toBe(false);
  });

  it('a lock left by a dead process is taken over', async () => {
    fx.server.push({ content: 'one' }, { content: 'two' });
    await run([], 'hi\n');
    const path = join(fx.home.sessions, sessionFiles(fx.home.sessions)[0] as string);
    writeFileSync(lockPathFor(path), '999999\n');
    const r = await run(['--continue'], 'more\n');
    expect(r.code).toBe(0);
    expect(readSession(path).session.messages).toHaveLength(5);
  });
});
