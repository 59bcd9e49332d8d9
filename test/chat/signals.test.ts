import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPathFor } from '../../src/session/lock.js';
import {
  type ChatFixture,
  eachChatInTerminal,
  readSession,
  roles,
  sessionFiles,
  sleep,
} from './setup.js';
import type { Terminal } from './terminal.js';

let fx: ChatFixture;
let term: Terminal;
eachChatInTerminal((f, t) => ([fx, term] = [f, t]), { GROK_AUTOSAVE_SECONDS: '0.2' });

/** The session file and the pid of the grok holding it (from its lock). */
function openSession(): { path: string; pid: number } {
  const files = sessionFiles(fx.home.sessions);
  expect(files).toHaveLength(1);
  const path = join(fx.home.sessions, files[0] as string);
  const pid = Number(readFileSync(lockPathFor(path), 'utf8').trim());
  expect(pid).toBeGreaterThan(0);
  return { path, pid };
}

const LONG = 'é😀'.repeat(150);

describe('nothing committed is lost (acceptance 3)', () => {
  it('SIGTERM in the middle of a streaming reply saves every completed turn and the partial reply', async () => {
    fx.server.push(
      { content: 'Turn one done.', usage: { prompt: 40, completion: 4 } },
      { content: LONG, unitsPerChunk: 2, delayMs: 30 },
    );
    term.start(['first'], fx.env, fx.project);
    await term.waitFor(/Turn one done\./);
    const { path, pid } = openSession();
    term.type('now a long one');
    await fx.server.waitForRequests(2);
    // The autosave while streaming puts the growing reply in the file, marked interrupted.
    const deadline = Date.now() + 10_000;
    let saved = readSession(path).session;
    while (Date.now() < deadline && !(saved.messages[4]?.content ?? '').length) {
      await sleep(100);
      saved = readSession(path).session;
    }
    expect(saved.messages[4]).toMatchObject({ role: 'assistant', interrupted: true });
    expect(saved.status).toBe('active');

    process.kill(pid, 'SIGTERM');
    const screen = await term.waitFor(/\[exit 143\]/);
    // one line says where the session went
    const said = screen.split('\n').filter((l) => l.includes('SIGTERM'));
    expect(said).toEqual([`grok: SIGTERM: the session was saved to ${path} as interrupted`]);
    const { text, session } = readSession(path);
    expect(session.status).toBe('interrupted');
    expect(roles(session)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(session.messages[2]).toMatchObject({
      content: 'Turn one done.',
      usage: { input: 40, output: 4, total: 44, cachedInput: 0, reasoning: 0 },
    });
    expect(session.messages[2]?.interrupted).toBeUndefined();
    const partial = session.messages[4];
    expect(partial?.interrupted).toBe(true);
    expect(partial?.content?.length).toBeGreaterThan(0);
    // A cut between the halves of an emoji is repaired to U+FFFD, never left as a lone surrogate.
    expect(LONG.startsWith((partial?.content ?? '?').replace(/\uFFFD$/, ''))).toBe(true);
    expect(session.tokenUsage).toEqual({
      input: 40,
      output: 4,
      total: 44,
      cachedInput: 0,
      reasoning: 0,
    });
    // No lone surrogate escapes, whatever was cut.
    expect(text).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
    expect(existsSync(lockPathFor(path))).toBe(false);
  });

  it('SIGKILL after a turn leaves a file that parses and holds that turn', async () => {
    fx.server.push({ content: 'Completed reply.', usage: { prompt: 30, completion: 3 } });
    term.start(['one question'], fx.env, fx.project);
    await term.waitFor(/Completed reply\./);
    await term.waitFor(/^>\s*$/m);
    const { path, pid } = openSession();
    process.kill(pid, 'SIGKILL');
    await term.waitFor(/\[exit 137\]/);
    const { session } = readSession(path);
    expect(session.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', expect.any(String)],
      ['user', 'one question'],
      ['assistant', 'Completed reply.'],
    ]);
    expect(session.tokenUsage).toEqual({
      input: 30,
      output: 3,
      total: 33,
      cachedInput: 0,
      reasoning: 0,
    });
    expect(session.status).toBe('active');
    // No temp file is left behind beside it.
    expect(sessionFiles(fx.home.sessions)).toHaveLength(1);
  });

  it('SIGKILL in the middle of a reply loses at most the autosave interval', async () => {
    fx.server.push({ content: 'y'.repeat(300), chunks: 30, delayMs: 100 });
    term.start(['stream it'], fx.env, fx.project);
    await term.waitFor(/y{100}/);
    const { path, pid } = openSession();
    await sleep(400);
    process.kill(pid, 'SIGKILL');
    await term.waitFor(/\[exit 137\]/);
    const { session } = readSession(path);
    const partial = session.messages[2];
    expect(partial).toMatchObject({ role: 'assistant', interrupted: true });
    expect((partial?.content ?? '').length).toBeGreaterThanOrEqual(100);
  });
});

describe('the emergency save', () => {
  it('SIGHUP (the terminal closing) saves synchronously as interrupted', async () => {
    fx.server.push({ content: 'Answered.' });
    term.start(['q'], fx.env, fx.project);
    await term.waitFor(/Answered\./);
    const { path, pid } = openSession();
    process.kill(pid, 'SIGHUP');
    const screen = await term.waitFor(/\[exit 129\]/);
    const said = screen.split('\n').filter((l) => l.includes('SIGHUP'));
    expect(said).toEqual([`grok: SIGHUP: the session was saved to ${path} as interrupted`]);
    const { session } = readSession(path);
    expect(session.status).toBe('interrupted');
    expect(session.messages.map((m) => m.content).slice(1)).toEqual(['q', 'Answered.']);
    expect(existsSync(lockPathFor(path))).toBe(false);
  });

  it('an uncaught exception mid-reply saves what there is, reports it in one line and exits 1', async () => {
    fx.server.push({ content: 'partial words here', chunks: 6, delayMs: 200 });
    term.start(['crash please'], { ...fx.env, GROK_FAULT: 'uncaught-exception' }, fx.project);
    const screen = await term.waitFor(/\[exit 1\]/);
    expect(screen).toContain(
      'grok: internal error: injected fault; the session was saved as interrupted',
    );
    const files = sessionFiles(fx.home.sessions);
    expect(files).toHaveLength(1);
    const path = join(fx.home.sessions, files[0] as string);
    const { session } = readSession(path);
    expect(session.status).toBe('interrupted');
    expect(session.messages[1]?.content).toBe('crash please');
    expect(session.messages[2]).toMatchObject({ role: 'assistant', interrupted: true });
    expect(existsSync(lockPathFor(path))).toBe(false);
  });
});
