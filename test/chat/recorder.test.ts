import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSessionData } from '../../src/chat/conversation.js';
import { SessionRecorder } from '../../src/chat/recorder.js';
import { lockPathFor } from '../../src/session/lock.js';
import { sessionSchema } from '../../src/session/schema.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'grok-recorder-')), 'sessions');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('SessionRecorder', () => {
  it('creates the file on the first save, 0600 in a 0700 directory, locked until closed', async () => {
    const start = new Date('2025-11-05T14:30:12.345Z');
    const rec = SessionRecorder.fresh(
      dir,
      newSessionData('grok-4', 'system text', '/project', start),
    );
    expect(existsSync(dir)).toBe(false);
    rec.addMessage({ role: 'user', content: 'hi', timestamp: start.toISOString() });
    await rec.save();
    expect(rec.file).toBe('session-2025-11-05-14-30-12.json');
    const path = rec.path as string;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(lockPathFor(path), 'utf8').trim()).toBe(String(process.pid));
    const second = SessionRecorder.fresh(dir, newSessionData('grok-4', 's', '/project', start));
    await second.save();
    expect(second.file).toBe('session-2025-11-05-14-30-12-2.json');
    await rec.close('ended');
    await second.close('ended');
    expect(existsSync(lockPathFor(path))).toBe(false);
    const saved = sessionSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(saved.status).toBe('ended');
    expect(saved.sessionId).toBe('session-2025-11-05-14-30-12');
  });

  it('the synchronous emergency save repairs a string cut inside an emoji', async () => {
    const rec = SessionRecorder.fresh(dir, newSessionData('grok-4', 's', '/p'));
    rec.addMessage({ role: 'user', content: 'go' });
    await rec.save();
    rec.addMessage({ role: 'assistant', content: 'ok 😀'.slice(0, 4), interrupted: true });
    rec.saveSync('interrupted');
    const text = readFileSync(rec.path as string, 'utf8');
    expect(text).not.toMatch(/\\ud83d/i);
    const saved = JSON.parse(text);
    expect(saved.messages[2].content).toBe('ok \uFFFD');
    expect(saved.status).toBe('interrupted');
    expect(statSync(rec.path as string).mode & 0o777).toBe(0o600);
    await rec.close('interrupted');
  });

  it('will not open a session another live process holds, and takes over a dead one', async () => {
    const rec = SessionRecorder.fresh(dir, newSessionData('grok-4', 's', '/p'));
    rec.addMessage({ role: 'user', content: 'x' });
    await rec.save();
    const path = rec.path as string;
    await rec.close('ended');
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(lockPathFor(path), `${other.pid}\n`);
      await expect(
        SessionRecorder.resume(path, JSON.parse(readFileSync(path, 'utf8'))),
      ).rejects.toThrow(`is already open in another grok (pid ${other.pid})`);
    } finally {
      other.kill('SIGKILL');
    }
    await new Promise((r) => other.on('exit', r));
    const resumed = await SessionRecorder.resume(path, JSON.parse(readFileSync(path, 'utf8')));
    expect(readFileSync(lockPathFor(path), 'utf8').trim()).toBe(String(process.pid));
    await resumed.close('ended');
  });
});
