/**
 * Output read by a command that stops early (`grok sessions list --json | head`): grok drops the
 * rest quietly and ends with its own exit code, as cat or find do, instead of an EPIPE stack trace.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { BIN, makeHome, type TempHome } from '../helpers.js';

let t: TempHome;
beforeEach(() => {
  t = makeHome();
  // 400 sessions: list's output is several times a pipe's 64 KB, so grok is still writing when
  // head has had its bytes and gone.
  const start = Date.parse('2025-03-01T00:00:00Z');
  for (let i = 0; i < 400; i++) {
    writeSession(t.sessions, { start: new Date(start + i * 60_000).toISOString() });
  }
});
afterEach(() => t.cleanup());

/** `grok <args> | head -c 100` in bash: what head printed, grok's exit status and its stderr. */
function intoHead(args: string): { head: string; status: string; stderr: string } {
  const r = spawnSync(
    'bash',
    [
      '-c',
      `"$NODE" "$GROK" ${args} 2>"$HOME/err" | head -c 100 >"$HOME/head"; echo \${PIPESTATUS[0]}`,
    ],
    { env: { ...t.env, NODE: process.execPath, GROK: BIN }, encoding: 'utf8', timeout: 60_000 },
  );
  const read = (name: string) => readFileSync(join(t.home, name), 'utf8');
  return { head: read('head'), status: r.stdout.trim(), stderr: read('err') };
}

describe('a reader that stops early', () => {
  it('gets the start of the output, and grok exits 0 with nothing on stderr', () => {
    const asked = intoHead('sessions list --json');
    expect(asked.head).toMatch(/^\{\n {2}"sessions": \[\n/);
    expect(asked.head).toHaveLength(100);
    expect(asked.status).toBe('0');
    expect(asked.stderr).toBe('');
    // The same answer replayed from the answer cache, and the table.
    const again = intoHead('sessions list --json');
    expect(again.status).toBe('0');
    expect(again.stderr).toBe('');
    const table = intoHead('sessions list');
    expect(table.status).toBe('0');
    expect(table.stderr).toBe('');
  });
});
