/**
 * A build limits DuckDB's memory for table data while it writes (blocks already in the index
 * file are let go, so a build's memory does not grow with the number of files), leaves room for
 * the largest file, and gives the queries that follow DuckDB's usual room back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { openIndex, openMemoryIndex } from '../../src/analytics/index-db.js';
import { buildMemoryLimit, refreshIndex } from '../../src/analytics/refresh.js';

const file = (size: number) => ({
  source: 'live' as const,
  path: '/s/a.json',
  name: 'a.json',
  size,
  mtimeMs: 1,
});

test('the limit: 32 MiB, or eight times the largest file; none for an index in memory', async () => {
  const home = mkdtempSync(join(tmpdir(), 'grok-build-memory-'));
  const mem = await openMemoryIndex();
  const disk = await openIndex(home);
  try {
    expect(await buildMemoryLimit(mem.conn, [file(1000)])).toBeUndefined();
    expect(await buildMemoryLimit(disk.conn, [file(1000), file(4000)])).toBe(32 * 2 ** 20);
    expect(await buildMemoryLimit(disk.conn, [file(1000), file(20 * 2 ** 20)])).toBe(160 * 2 ** 20);
  } finally {
    mem.close();
    disk.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('after a build, the memory limit is what it was before', async () => {
  const home = mkdtempSync(join(tmpdir(), 'grok-build-memory-'));
  const sessionsDir = join(home, 'sessions');
  mkdirSync(sessionsDir);
  // enough files for a build to set a limit (fewer are written without one)
  longNamed(sessionsDir, 0, 150, 10);
  const { conn, close } = await openIndex(home);
  try {
    // in bytes, from DuckDB's display of it (e.g. '18.8 GiB': three figures)
    const setting = async () => {
      const shown = String(
        (await conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]?.[0],
      );
      const [, n, unit] = /^([\d.]+) (KiB|MiB|GiB|TiB)$/.exec(shown) ?? [];
      return Number(n) * 1024 ** (['KiB', 'MiB', 'GiB', 'TiB'].indexOf(String(unit)) + 1);
    };
    const before = await setting();
    expect(before).toBeGreaterThan(64 * 2 ** 20);
    const r = await refreshIndex(conn, { sessionsDir });
    expect(r.read).toBe(150);
    // set back by value, as DuckDB shows it: within its last figure
    expect(Math.abs((await setting()) - before) / before).toBeLessThan(0.01);
  } finally {
    close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a build of more files than one commit holds: every row of every file, across commits', async () => {
  const home = mkdtempSync(join(tmpdir(), 'grok-build-memory-'));
  const sessionsDir = join(home, 'sessions');
  mkdirSync(sessionsDir);
  const n = 5300;
  const commitEvery = 2000; // n is more than two commits' worth of files
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
    const session = {
      sessionId: `s${i}`,
      startTime: t,
      model: 'grok-4',
      ...(i % 3 === 0 ? { tags: [`t${i}`] } : {}),
      tokenUsage: { input: i, output: 1, total: i + 1 },
      metadata: { workingDirectory: '/w', nodeVersion: 'v20', grokVersion: '1' },
      messages: [
        { role: 'user', content: 'q', timestamp: t },
        {
          role: 'assistant',
          content: 'a',
          timestamp: t,
          usage: { input: i, output: 1, total: i + 1 },
          toolCalls: Array.from({ length: i % 4 }, (_, k) => ({
            tool: `tool-with-a-long-name-${k}`,
            parameters: {},
            result: k === 1 ? { error: 'no' } : 'ok',
          })),
        },
      ],
    };
    writeFileSync(
      join(sessionsDir, `session-2025-01-01-00-00-00-${String(i).padStart(6, '0')}.json`),
      JSON.stringify(session),
    );
  }
  const { conn, close } = await openIndex(home);
  try {
    const r = await refreshIndex(conn, { sessionsDir, commitEvery });
    expect(r.read).toBe(n);
    const one = async (sql: string) =>
      (await conn.runAndReadAll(sql)).getRows()[0]?.map((v) => Number(v));
    // per file, as written: sids follow the names, so sid - 1 is the file's i
    expect(
      await one(`SELECT count(*), count(*) FILTER (WHERE input = sid - 1 AND len(tags) =
                   CASE WHEN (sid - 1) % 3 = 0 THEN 1 ELSE 0 END) FROM sessions`),
    ).toEqual([n, n]);
    expect(await one('SELECT count(*), sum(input) FROM message_rows')).toEqual([
      2 * n,
      (n * (n - 1)) / 2,
    ]);
    expect(await one('SELECT count(*), sum(input) FROM api_calls')).toEqual([n, (n * (n - 1)) / 2]);
    let calls = 0;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      calls += i % 4;
      if (i % 4 >= 2) failed++;
    }
    expect(
      await one('SELECT count(*), count(*) FILTER (WHERE failed) FROM tool_call_rows'),
    ).toEqual([calls, failed]);
    expect(await one('SELECT sum(calls), sum(failed) FROM session_tools')).toEqual([calls, failed]);
    expect(await one('SELECT count(*), count(DISTINCT sid) FROM list_entries')).toEqual([n, n]);
    expect(await one('SELECT count(*), count(DISTINCT sid) FROM browse_rows')).toEqual([n, n]);
  } finally {
    close();
    rmSync(home, { recursive: true, force: true });
  }
}, 120_000);

/** `n` sessions from `from` on, each named with `length` + 2 characters or so. */
function longNamed(sessionsDir: string, from: number, n: number, length = 100_000): void {
  for (let i = from; i < from + n; i++) {
    const t = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
    const session = {
      sessionId: `s${i}`,
      name: `${i} ${'n'.repeat(length)}`,
      startTime: t,
      model: 'grok-4',
      tokenUsage: { input: i, output: 1, total: i + 1 },
      metadata: { workingDirectory: '/w', nodeVersion: 'v20', grokVersion: '1' },
      messages: [{ role: 'user', content: 'q', timestamp: t }],
    };
    writeFileSync(
      join(sessionsDir, `session-2025-01-01-00-00-00-${String(i).padStart(6, '0')}.json`),
      JSON.stringify(session),
    );
  }
}

// 400 sessions, each named with 100,000 characters: some 80 M characters of list and browser
// entries (and 40 MB of names besides), under a build's 32 MB of DuckDB memory. A commit's
// checkpoint pins more than that: it must not run under the build's limit, or DuckDB fails it
// after the commit and refuses the database from then on.
test.each([
  ['in one commit', undefined],
  ['in four commits', 100],
])(
  'sessions with long entries %s: every row, the state, and writes after the build',
  async (_, commitEvery) => {
    const home = mkdtempSync(join(tmpdir(), 'grok-build-memory-'));
    const sessionsDir = join(home, 'sessions');
    mkdirSync(sessionsDir);
    const n = 400;
    longNamed(sessionsDir, 0, n);
    const { conn, close } = await openIndex(home);
    try {
      expect((await refreshIndex(conn, { sessionsDir, commitEvery })).read).toBe(n);
      const one = async (sql: string) =>
        (await conn.runAndReadAll(sql)).getRows()[0]?.map((v) => Number(v));
      const names = (count: number) =>
        count * 100_002 +
        Array.from({ length: count }, (_, i) => String(i).length - 1).reduce((a, b) => a + b);
      expect(await one('SELECT count(*), sum(length(name)) FROM sessions')).toEqual([n, names(n)]);
      expect(await one('SELECT count(*) FROM list_entries')).toEqual([n]);
      expect(await one('SELECT count(*) FROM browse_rows')).toEqual([n]);
      // the state of the refresh is whole: the next one reads nothing again
      expect(await one('SELECT count(*) FROM dir_state')).toEqual([1]);
      expect((await refreshIndex(conn, { sessionsDir })).read).toBe(0);
      // a few more (written with no limit of their own) and a checkpoint: DuckDB's room after the
      // build is what it was before, not the build's
      longNamed(sessionsDir, n, 60);
      expect((await refreshIndex(conn, { sessionsDir })).read).toBe(60);
      await conn.run('CHECKPOINT');
      expect(await one('SELECT count(*), sum(length(name)) FROM sessions')).toEqual([
        n + 60,
        names(n + 60),
      ]);
    } finally {
      close();
      rmSync(home, { recursive: true, force: true });
    }
  },
  120_000,
);
