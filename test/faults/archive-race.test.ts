/**
 * Two `archive` runs started together over a stale lock (cron plus a manual run) must never both
 * write the month archive: each would rebuild it from the same old state, the last rename would
 * win, and the sessions only the other run stored would be gone with their originals.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { makeHome, type RunResult, runGrok, runGrokAsync, type TempHome } from '../helpers.js';

const TRIALS = 50;
const PER_RUN = 10;

/** A pid that is certainly gone: a child that was SIGKILLed and reaped. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'kill -9 $$'], { encoding: 'utf8' });
  expect(r.signal).toBe('SIGKILL');
  return r.pid as number;
}

/** The entries of an archive as the system's tar lists them. */
function tarList(archive: string): string[] {
  const r = spawnSync('tar', ['-tzf', archive], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

/** One entry's bytes as the system's tar extracts them. */
function tarExtract(archive: string, name: string): Buffer {
  const r = spawnSync('tar', ['-xzOf', archive, name]);
  expect(r.status, String(r.stderr)).toBe(0);
  return r.stdout;
}

describe('two archive runs over a stale lock', () => {
  let h: TempHome;
  beforeAll(() => {
    h = makeHome({ withSessions: false });
  });
  afterAll(() => h.cleanup());

  it(`lose no session in ${TRIALS} trials (each session a file or in the archive tar lists)`, async () => {
    const lost: string[] = [];
    let last = { sessions: '', archives: '', stored: new Map<string, Buffer>() };
    for (let trial = 0; trial < TRIALS; trial++) {
      const sessions = join(h.home, `t${trial}`, 'sessions');
      const archives = join(h.home, `t${trial}`, 'archives');
      mkdirSync(sessions, { recursive: true, mode: 0o700 });
      mkdirSync(archives, { recursive: true, mode: 0o700 });
      const originals = new Map<string, Buffer>();
      // Half tagged for the first run, half for the second: each run keeps the other's live.
      for (let i = 0; i < 2 * PER_RUN; i++) {
        const start = new Date(Date.UTC(2025, 9, 1 + i, 9)).toISOString();
        const path = writeSession(sessions, {
          start,
          tags: [i % 2 === 0 ? 'a' : 'b'],
          content: `trial ${trial} session ${i}`,
        });
        originals.set(path.split('/').pop() as string, readFileSync(path));
      }
      writeFileSync(join(archives, '.archive.lock'), `${deadPid()}\n`);
      const env = { ...h.env, GROK_SESSIONS_DIR: sessions };
      const run = (keep: string): Promise<RunResult> =>
        runGrokAsync(
          [
            'sessions',
            'archive',
            '--month',
            '2025-10',
            '--keep-tag',
            keep,
            '--out',
            archives,
            '--yes',
            '--json',
          ],
          env,
        );
      const results = await Promise.all([run('b'), run('a')]);
      for (const r of results)
        if (r.code !== 0)
          expect(r.stderr).toMatch(/^grok: another grok \(pid \d+\) is writing archives in /);

      const archive = join(archives, '2025-10.tar.gz');
      const stored = existsSync(archive) ? new Set(tarList(archive)) : new Set<string>();
      last = { sessions, archives, stored: new Map() };
      for (const [name, bytes] of originals) {
        const live = join(sessions, name);
        if (existsSync(live)) {
          expect(readFileSync(live).equals(bytes)).toBe(true);
        } else if (stored.has(name)) {
          expect(tarExtract(archive, name).equals(bytes), `${name} extracted by tar`).toBe(true);
          last.stored.set(name, bytes);
        } else lost.push(`trial ${trial}: ${name}`);
      }
      // Nothing left behind: no lock, no takeover marker, no temp file.
      expect(readdirSync(archives).filter((n) => n !== '2025-10.tar.gz')).toEqual([]);
    }
    expect(lost).toEqual([]);
    // And grok itself restores what the last trial archived, byte for byte.
    const restoreTo = join(h.home, 'restored');
    const r = runGrok(
      ['sessions', 'archive', 'restore', '--month', '2025-10', '--out', last.archives, '--json'],
      { ...h.env, GROK_SESSIONS_DIR: restoreTo },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).restored.sort()).toEqual([...last.stored.keys()].sort());
    for (const [name, bytes] of last.stored)
      expect(readFileSync(join(restoreTo, name)).equals(bytes)).toBe(true);
  }, 600_000);
});
