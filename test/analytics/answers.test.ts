/**
 * The answer cache: the same question over the same files is answered again without opening
 * DuckDB, and anything the answer depends on makes it be computed afresh.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BIN, duckdbOpenTracePreload, homeForEachTest, ROOT } from '../helpers.js';
import { writeSession } from './sessions.js';

const h = homeForEachTest();
let preload: string;

beforeEach(() => {
  preload = duckdbOpenTracePreload(h.home, 'DUCKDB');
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', input: 1000, output: 200 });
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z', model: 'grok-3', tools: ['Read'] });
});

/**
 * Runs a command; says whether it opened DuckDB (computed) or not (answered from the cache). The
 * summary is left out (GROK_TEST_NO_SUMMARY), which answers without DuckDB too: summary.test.ts.
 */
function ask(args: string[], env: NodeJS.ProcessEnv = h.env) {
  const r = spawnSync(process.execPath, ['--require', preload, BIN, 'sessions', ...args], {
    env: { ...env, GROK_TEST_NO_SUMMARY: '1' },
    cwd: ROOT,
    encoding: 'utf8',
  });
  const computed = /^DUCKDB /m.test(r.stderr);
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/^DUCKDB .*\n/gm, ''),
    computed,
  };
}

describe('answers', () => {
  it('the same question over the same files is answered again, byte for byte, without opening DuckDB', () => {
    for (const args of [
      ['stats', '--json'],
      ['cost', '--month', '2025-11'],
      ['tools'],
      ['top', '-n', '1'],
    ]) {
      const first = ask(args);
      expect(first.computed, args.join(' ')).toBe(true);
      const again = ask(args);
      expect(again.computed, args.join(' ')).toBe(false);
      expect(again).toEqual({ ...first, computed: false });
    }
    // another question is computed
    expect(ask(['stats', '--by', 'month']).computed).toBe(true);
    expect(ask(['stats']).computed).toBe(true);
  });

  it('list --json from the index, written out in parts, is filed and replayed whole', () => {
    // the index serves list from the first session file on: its output comes in three parts
    const env = { ...h.env, GROK_LIST_INDEX_THRESHOLD: '1' };
    const fromFiles = ask(['list', '--json'], { ...h.env, GROK_NO_ANSWER_CACHE: '1' });
    expect(fromFiles.computed).toBe(false);
    const first = ask(['list', '--json'], env);
    expect(first.computed).toBe(true);
    expect(first.stdout).toBe(fromFiles.stdout);
    expect(JSON.parse(first.stdout).sessions).toHaveLength(2);
    const again = ask(['list', '--json'], env);
    expect(again).toEqual({ ...first, computed: false });
  });

  it('a changed, added or removed session file is always seen', () => {
    const before = JSON.parse(ask(['stats', '--json']).stdout);
    const path = writeSession(h.sessions, {
      start: '2025-11-03T10:00:00Z',
      input: 5000,
      output: 0,
    });
    const added = ask(['stats', '--json']);
    expect(added.computed).toBe(true);
    expect(JSON.parse(added.stdout).sessions).toBe(before.sessions + 1);
    // an edit in place, same size: the mtime changes
    const t = new Date(Date.now() + 5000);
    utimesSync(path, t, t);
    expect(ask(['stats', '--json']).computed).toBe(true);
    appendFileSync(path, '\n');
    expect(ask(['stats', '--json']).computed).toBe(true);
    unlinkSync(path);
    const removed = ask(['stats', '--json']);
    expect(removed.computed).toBe(true);
    expect(JSON.parse(removed.stdout)).toEqual(before);
  });

  it('new prices, a lock taken or released, archives and the sessions directory are part of the question', () => {
    const cost = ask(['cost', '--json']);
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({ pricing: { 'grok-4': { input: 100, output: 100 } } }),
    );
    const repriced = ask(['cost', '--json']);
    expect(repriced.computed).toBe(true);
    expect(JSON.parse(repriced.stdout).total.cost).not.toBe(JSON.parse(cost.stdout).total.cost);

    // A session still marked active: crashed, unless a live grok holds its lock.
    writeSession(h.sessions, { start: '2025-11-04T10:00:00Z', status: 'active' });
    expect(JSON.parse(ask(['stats', '--json']).stdout).outcomes.crashed).toBe(1);
    const lock = join(h.sessions, '.session-2025-11-04-10-00-00.json.lock');
    writeFileSync(lock, String(process.pid));
    const held = ask(['stats', '--json']);
    expect(held.computed).toBe(true);
    expect(JSON.parse(held.stdout).outcomes).toMatchObject({ crashed: 0, running: 1 });
    writeFileSync(lock, '999999999');
    expect(JSON.parse(ask(['stats', '--json']).stdout).outcomes.crashed).toBe(1);

    ask(['stats', '--json', '--include-archived']);
    const archive = ask(['archive', '--month', '2025-11', '--yes']);
    expect(archive.code, archive.stderr).toBe(0);
    const live = ask(['stats', '--json']);
    expect(JSON.parse(live.stdout).sessions).toBe(0);
    const all = ask(['stats', '--json', '--include-archived']);
    expect(all.computed).toBe(true);
    expect(JSON.parse(all.stdout).sessions).toBe(3);

    const other = join(h.home, 'other');
    mkdirSync(other);
    writeSession(other, { start: '2025-12-01T10:00:00Z' });
    const elsewhere = ask(['stats', '--json', '--sessions-dir', other]);
    expect(elsewhere.computed).toBe(true);
    expect(JSON.parse(elsewhere.stdout).sessions).toBe(1);
  });

  it('a file beside the sessions that is not one changes nothing: the answer on file is replayed', () => {
    const first = ask(['stats', '--json']);
    const file = join(h.home, 'answers', 'stats.answer');
    const filed = statSync(file);
    // the directory's mtime moves past the answer's: the index is opened ahead, then let go
    const later = new Date(Date.now() + 5000);
    writeFileSync(join(h.sessions, 'notes.txt'), 'not a session');
    utimesSync(h.sessions, later, later);
    const again = ask(['stats', '--json']);
    expect(again.stdout).toBe(first.stdout);
    expect(again.code).toBe(0);
    // replayed, not computed and filed again
    expect(statSync(file)).toMatchObject({ ino: filed.ino, mtimeMs: filed.mtimeMs });
    // and the index let go is whole: the next question over new files is computed from it
    writeSession(h.sessions, { start: '2025-11-05T10:00:00Z' });
    const added = ask(['stats', '--json']);
    expect(added.computed).toBe(true);
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout).sessions).toBe(JSON.parse(first.stdout).sessions + 1);
  });

  it('an unreadable or missing cache is only a miss; GROK_NO_ANSWER_CACHE=1 always computes', () => {
    const first = ask(['stats']);
    const file = join(h.home, 'answers', 'stats.answer');
    const whole = readFileSync(file);
    // an answer cut short (its head says how many bytes follow) or a damaged head is a miss
    writeFileSync(file, whole.subarray(0, whole.length - 1));
    expect(ask(['stats'])).toEqual({ ...first, computed: true });
    writeFileSync(file, '{"key": tru');
    const damaged = ask(['stats']);
    expect(damaged).toEqual({ ...first, computed: true });
    expect(readFileSync(file)).toEqual(whole);
    rmSync(join(h.home, 'answers'), { recursive: true });
    expect(ask(['stats']).computed).toBe(true);
    expect(ask(['stats']).computed).toBe(false);
    expect(ask(['stats'], { ...h.env, GROK_NO_ANSWER_CACHE: '1' }).computed).toBe(true);
  });
});
