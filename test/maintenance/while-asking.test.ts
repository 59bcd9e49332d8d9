/**
 * What happens while a destructive command waits for its answer on a real terminal: a session a
 * grok opens or adds to meanwhile is never removed or written over. The answer comes after the
 * change; the command checks each file again before it acts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { Terminal } from '../chat/terminal.js';
import { makeHome, ROOT, type TempHome } from '../helpers.js';

const KEY = 'xai-abcdefghijklmnopqrstuvwxyz0123456789ABCD';

describe('while the prompt waits', () => {
  let h: TempHome;
  let term: Terminal;
  beforeEach(() => {
    h = makeHome();
    term = new Terminal();
  });
  afterEach(() => {
    term.close();
    h.cleanup();
  });

  it('redact keeps the messages a grok added meanwhile, and says so', async () => {
    const path = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: `key ${KEY}` });
    const name = path.split('/').pop() as string;
    term.start(['sessions', 'redact', name.replace('.json', '')], h.env, ROOT);
    await term.waitFor(/redact 1 secret\(s\) in 1 session file\(s\)\? \[y\/N\]/);
    const added = JSON.parse(readFileSync(path, 'utf8'));
    added.messages.push({ role: 'user', content: 'added while asking' });
    writeFileSync(path, JSON.stringify(added, null, 2));
    term.type('y');
    const screen = await term.waitFor(/\[exit \d+\]/);
    expect(screen).toContain(`failed ${name}: changed since it was read: kept; run redact again`);
    expect(screen).toContain('[exit 1]');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(added);
  });

  it('delete keeps a session a grok opened meanwhile', async () => {
    const path = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    const name = path.split('/').pop() as string;
    term.start(['sessions', 'delete', name.replace('.json', '')], h.env, ROOT);
    await term.waitFor(/delete 1 session \(.+\)\? \[y\/N\]/);
    // the lock of a live process: this test's own
    writeFileSync(join(h.sessions, `.${name}.lock`), String(process.pid));
    term.type('y');
    const screen = await term.waitFor(/\[exit \d+\]/);
    expect(screen).toContain(`opened by a running grok (pid ${process.pid}): kept`);
    expect(screen).toContain('[exit 1]');
    expect(existsSync(path)).toBe(true);
  });
});
