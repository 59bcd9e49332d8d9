/**
 * A few new sessions are written to the index's log and not checkpointed at every close (that
 * rewrote whole tables); the log is checkpointed once it holds a few such writes.
 * Whatever the log holds is part of the index: every later command, read-only ones included,
 * sees it.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeForEachTest, runGrok } from '../helpers.js';

const h = homeForEachTest({ fixtures: ['sessions'] });

const walSize = () => {
  const wal = join(h.home, 'index.duckdb.wal');
  return existsSync(wal) ? statSync(wal).size : 0;
};
const sessionsCounted = () => {
  // the index answers, not the summary of it (which takes a new session in without DuckDB)
  const r = runGrok(['sessions', 'stats', '--json'], {
    ...h.env,
    GROK_NO_ANSWER_CACHE: '1',
    GROK_TEST_NO_SUMMARY: '1',
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).sessions as number;
};

describe('the index log', () => {
  it('keeps small writes in the log, seen by every later command, and checkpoints it once large', () => {
    expect(sessionsCounted()).toBe(51);
    // the first build is large: checkpointed at once
    expect(walSize()).toBe(0);
    const text = readFileSync(join(h.sessions, 'session-2025-08-12-09-05-12.json'), 'utf8');
    const sizes: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const day = String(i).padStart(2, '0');
      writeFileSync(join(h.sessions, `session-2026-01-${day}-00-00-00.json`), text, {
        mode: 0o600,
      });
      expect(sessionsCounted()).toBe(51 + i);
      sizes.push(walSize());
      const q = runGrok(
        ['sessions', 'query', 'SELECT count(*) AS n FROM sessions', '--json'],
        h.env,
      );
      expect(q.code, q.stderr).toBe(0);
      expect(q.stdout).toContain(`${51 + i}`);
    }
    // the first new session stays in the log ...
    expect(sizes[0]).toBeGreaterThan(0);
    // ... and the log is checkpointed once it holds a few writes like it, never many
    expect(sizes).toContain(0);
    const one = sizes[0] as number;
    for (const s of sizes) expect(s).toBeLessThan(6 * one);
  }, 180_000);
});
