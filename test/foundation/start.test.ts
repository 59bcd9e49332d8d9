/**
 * `npm start` (dist/start.js): the main job, `grok sessions stats`, over the user's sessions when
 * there are any, else over the bundled samples.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { FIXTURES, homeForEachTest, ROOT } from '../helpers.js';

const start = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [join(ROOT, 'dist', 'start.js')], {
    env,
    encoding: 'utf8',
    cwd: ROOT,
  });

describe('npm start', () => {
  const h = homeForEachTest();

  it('shows stats over the bundled samples when the user has no sessions', () => {
    const r = start(h.env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('showing the bundled samples (fixtures/sessions)');
    const samples = readdirSync(join(FIXTURES, 'sessions')).length;
    expect(r.stdout).toMatch(new RegExp(`^Sessions\\s+${samples}$`, 'm'));
    expect(r.stdout).toMatch(/^Tokens total\s+[\d,]+$/m);
    // nothing of the samples lands in the user's GROK_HOME
    expect(readdirSync(h.home).sort()).toEqual(['sessions']);
    expect(readdirSync(h.sessions)).toEqual([]);
  });

  it("shows the user's own sessions when there are some", () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', input: 1000, output: 234 });
    const r = start(h.env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Sessions\s+1$/m);
    expect(r.stdout).toMatch(/^Tokens total\s+1,234$/m);
  });
});
