import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generate } from '../../bench/generate.mjs';
import { withAnalytics } from '../../src/analytics/analytics-run.js';
import { indexPath, openIndex, openReadOnlyIndex, spillDir } from '../../src/analytics/index-db.js';
import { appliedSteps, MIGRATION_STEPS } from '../../src/analytics/migrations.js';
import { FIND_FROM } from '../../src/analytics/scan.js';
import { homeForEachTest, ROOT, runGrok } from '../helpers.js';
import { countingFind, crowd, withPath, writeSession } from './sessions.js';

const h = homeForEachTest({ inProcess: true });

const counts = () =>
  withAnalytics({}, async (ctx) => {
    const [t] = (await ctx.values(['internal/stats-totals'])) as [{ sessions: number }];
    return {
      refresh: ctx.refresh,
      sessions: t.sessions,
      skipped: ctx.skipped,
      notices: ctx.notices,
    };
  });

describe('index schema', () => {
  test('is built from nothing by the ordered steps, and a second open applies none', async () => {
    const first = await openIndex(h.home);
    expect(first.mode).toBe('file');
    expect(await appliedSteps(first.conn)).toEqual([...MIGRATION_STEPS].sort());
    const tables = await first.conn.runAndReadAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
    );
    expect(tables.getRowObjectsJS().map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['files', 'sessions', 'messages', 'tool_calls', 'unique_sessions']),
    );
    first.close();
    // private, like the session files it mirrors
    expect(statSync(indexPath(h.home)).mode & 0o777).toBe(0o600);
    const again = await openIndex(h.home);
    expect(await appliedSteps(again.conn)).toHaveLength(MIGRATION_STEPS.length);
    again.close();
  });
});

describe('refresh', () => {
  test('reads new and changed files only, and drops rows of deleted files', async () => {
    const a = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-11-03T10:00:00Z' });
    expect(await counts()).toMatchObject({
      refresh: { read: 3, removed: 0, unchanged: 0 },
      sessions: 3,
    });
    expect(await counts()).toMatchObject({
      refresh: { read: 0, removed: 0, unchanged: 3 },
      sessions: 3,
    });

    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', input: 5 });
    const later = new Date(Date.now() + 5000);
    utimesSync(a, later, later);
    writeSession(h.sessions, { start: '2025-11-04T10:00:00Z' });
    expect(await counts()).toMatchObject({
      refresh: { read: 2, removed: 0, unchanged: 2 },
      sessions: 4,
    });

    unlinkSync(a);
    expect(await counts()).toMatchObject({
      refresh: { read: 0, removed: 1, unchanged: 3 },
      sessions: 3,
    });
  });

  test('without the manifest of a complete refresh, the files table says what the index holds', async () => {
    const a = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
    await counts();
    // What a write cut short leaves behind: rows, and no manifest (refresh.ts removes it first).
    const index = await openIndex(h.home);
    await index.conn.run('DELETE FROM dir_state');
    index.close();
    unlinkSync(a);
    writeSession(h.sessions, { start: '2025-11-03T10:00:00Z' });
    expect(await counts()).toMatchObject({
      refresh: { read: 1, removed: 1, unchanged: 1 },
      sessions: 2,
    });
  });

  test('the manifest of an index made before its lines were kept one a row is carried over: no file is read again', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
    await counts();
    // The index as the step before 018-dir-lines left it: the manifest as one value.
    const old = await openIndex(h.home);
    await old.conn.run(`
      ALTER TABLE dir_state ADD COLUMN manifest VARCHAR;
      UPDATE dir_state SET manifest = (SELECT string_agg(line, chr(10)) FROM dir_lines);
      DROP TABLE dir_lines;
      DELETE FROM schema_steps WHERE name = '018-dir-lines';`);
    old.close();
    writeSession(h.sessions, { start: '2025-11-03T10:00:00Z' });
    expect(await counts()).toMatchObject({
      refresh: { read: 1, removed: 0, unchanged: 2 },
      sessions: 3,
    });
    const index = await openIndex(h.home);
    const lines = await index.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM dir_lines');
    index.close();
    expect(lines.getRowObjectsJS()).toEqual([{ n: 3 }]);
  });

  test('search signatures made before their bits were kept uncompressed are carried over, and are stored so from then on', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    await counts();
    // The index as the step before 019 left it: the table compressed as DuckDB chooses.
    const old = await openIndex(h.home);
    await old.conn.run(`
      DROP TABLE search_grams;
      CREATE TABLE search_grams (sid INTEGER NOT NULL, bits BLOB NOT NULL, store VARCHAR NOT NULL, pos BIGINT NOT NULL, length INTEGER NOT NULL);
      INSERT INTO search_grams SELECT 1, repeat('\\xAB'::BLOB, 1500), 'a', 0, 10 FROM range(3000);
      DELETE FROM schema_steps WHERE name = '019-search-bits-uncompressed';`);
    old.close();
    const index = await openIndex(h.home);
    try {
      const rows = await index.conn.runAndReadAll(
        'SELECT count(*)::INTEGER AS n, min(octet_length(bits))::INTEGER AS len FROM search_grams',
      );
      expect(rows.getRowObjectsJS()).toEqual([{ n: 3000, len: 1500 }]);
      await index.conn.run('CHECKPOINT');
      const kinds = await index.conn.runAndReadAll(
        "SELECT DISTINCT compression FROM pragma_storage_info('search_grams') WHERE column_name = 'bits' AND segment_type = 'BLOB'",
      );
      expect(kinds.getRowObjectsJS()).toEqual([{ compression: 'Uncompressed' }]);
    } finally {
      index.close();
    }
  });

  test('search signatures made before each kept its newest get it, as one made now has it', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'zebra one' });
    const late = writeSession(h.sessions, { start: '2025-11-02T10:00:00Z', content: 'zebra two' });
    // a message later than the others, and one without a time: its session's start stands for it
    const s = JSON.parse(readFileSync(late, 'utf8'));
    s.messages[2].timestamp = '2025-12-24T18:00:00.123Z';
    delete s.messages[1].timestamp;
    writeFileSync(late, JSON.stringify(s));
    const searched = runGrok(['sessions', 'search', 'zebra'], h.env);
    expect(searched.code, searched.stderr).toBe(0);
    const newest = async () => {
      const index = await openIndex(h.home);
      try {
        const r = await index.conn.runAndReadAll(
          "SELECT strftime(newest AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS newest FROM search_grams ORDER BY sid",
        );
        return r.getRowObjectsJS();
      } finally {
        index.close();
      }
    };
    const made = await newest();
    expect(made).toEqual([
      { newest: '2025-11-01T10:00:03.000' },
      { newest: '2025-12-24T18:00:00.123' },
    ]);
    // The index as the step before 020 left it: signatures without their newest.
    const old = await openIndex(h.home);
    await old.conn.run(`
      ALTER TABLE search_grams DROP COLUMN newest;
      DELETE FROM schema_steps WHERE name = '020-search-newest';`);
    old.close();
    expect(await newest()).toEqual(made);
  });

  test('a refresh that finds one file added and one gone writes those lines of the manifest alone', async () => {
    const gone = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    for (let day = 2; day <= 9; day++)
      writeSession(h.sessions, { start: `2025-11-0${day}T10:00:00Z` });
    await counts();
    const linesOf = async () => {
      const index = await openIndex(h.home);
      const r = await index.conn.runAndReadAll(
        'SELECT line, rowid::INTEGER AS row FROM dir_lines ORDER BY line',
      );
      index.close();
      return r.getRowObjectsJS() as { line: string; row: number }[];
    };
    const before = await linesOf();
    expect(before).toHaveLength(9);
    unlinkSync(gone);
    writeSession(h.sessions, { start: '2025-11-10T10:00:00Z' });
    expect(await counts()).toMatchObject({
      refresh: { read: 1, removed: 1, unchanged: 8 },
      sessions: 9,
    });
    const after = await linesOf();
    // the eight lines kept are the same rows, not written again
    const kept = before.filter((l) => !l.line.startsWith('session-2025-11-01'));
    expect(after.filter((l) => !l.line.startsWith('session-2025-11-10'))).toEqual(kept);
    expect(after.map((l) => l.line.split('\t')[0])).toContain('session-2025-11-10-10-00-00.json');
  });

  test('a stat pass made the other way (find, then lstat) reads no file again', async () => {
    crowd(h.sessions, FIND_FROM);
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
    const unchanged = { refresh: { read: 0, removed: 0, unchanged: 2 }, sessions: 2 };
    const find = countingFind(h.home);
    expect(await withPath(find.bin, counts)).toMatchObject({ refresh: { read: 2 }, sessions: 2 });
    expect(find.runs()).toBe(1);
    // Without find on the PATH, the pass is made by lstat: another print, the same facts.
    const none = mkdtempSync(join(h.home, 'bin-'));
    expect(await withPath(none, counts)).toMatchObject(unchanged);
    expect(await withPath(none, counts)).toMatchObject(unchanged);
    expect(await withPath(find.bin, counts)).toMatchObject(unchanged);
    expect(find.runs()).toBe(2);
    // A lock taken beside a session changes find's print (its whole output), and no file is read.
    writeFileSync(join(h.sessions, '.session-2025-11-01-10-00-00.json.lock'), '1');
    expect(await withPath(find.bin, counts)).toMatchObject(unchanged);
    writeSession(h.sessions, { start: '2025-11-03T10:00:00Z' });
    expect(await withPath(find.bin, counts)).toMatchObject({
      refresh: { read: 1, removed: 0, unchanged: 2 },
      sessions: 3,
    });
  });

  test('moving between sessions directories never answers from the other one', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
    const other = join(h.home, 'other');
    mkdirSync(other);
    writeSession(other, { start: '2025-11-03T10:00:00Z' });
    const sessionsIn = (dir: string) =>
      withAnalytics({ sessionsDir: dir }, async (ctx) => {
        const [t] = (await ctx.values(['internal/stats-totals'])) as [{ sessions: number }];
        return t.sessions;
      });
    expect(await sessionsIn(h.sessions)).toBe(2);
    expect(await sessionsIn(other)).toBe(1);
    // Unchanged since it was last read, but the index now holds the other directory's files.
    expect(await sessionsIn(h.sessions)).toBe(2);
  });

  test('a sessions directory that cannot be read is a one-line error, and leaves the index closed', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    const notADir = join(h.home, 'sessions.txt');
    writeFileSync(notADir, 'not a directory');
    await expect(withAnalytics({ sessionsDir: notADir }, async () => 0)).rejects.toThrow(
      `cannot read sessions directory ${notADir}: `,
    );
    // The index DuckDB was opening meanwhile was closed: the next command has it, with no note.
    const after = await counts();
    expect(after).toMatchObject({ sessions: 1, notices: [] });

    const cli = runGrok(['sessions', 'stats', '--sessions-dir', notADir], {
      ...process.env,
      GROK_HOME: h.home,
      GROK_NO_ANSWER_CACHE: '',
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      new RegExp(`^grok: cannot read sessions directory ${notADir}: .+\\n$`),
    );
    expect(cli.stdout).toBe('');
  });

  test('bad files are recorded with their reason, never counted, never fatal', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeFileSync(join(h.sessions, 'session-2025-11-02-00-00-00.json'), '{"sessionId": "x", "mes');
    writeFileSync(join(h.sessions, 'session-2025-11-03-00-00-00.json'), '');
    writeFileSync(join(h.sessions, 'session-2025-11-04-00-00-00.json'), '{"hello": 1}');
    writeFileSync(join(h.sessions, 'notes.json'), 'not a session name: ignored');
    const r = await counts();
    expect(r.sessions).toBe(1);
    expect(r.skipped.map((s) => s.file)).toEqual([
      'session-2025-11-02-00-00-00.json',
      'session-2025-11-03-00-00-00.json',
      'session-2025-11-04-00-00-00.json',
    ]);
    expect(r.skipped[0]?.reason).toMatch(/invalid JSON/);
    expect(r.skipped[1]?.reason).toMatch(/empty/);
    expect(r.skipped[2]?.reason).toMatch(/not a session/);
    // unchanged bad files are not re-read, and still reported
    const again = await counts();
    expect(again.refresh.read).toBe(0);
    expect(again.skipped).toHaveLength(3);
  });

  test('on the parse workers too (a build of 400 files or more), bad files get their reasons', () => {
    generate(h.sessions, 420, { seed: 3 });
    writeFileSync(join(h.sessions, 'session-2030-01-01-00-00-00.json'), '{"sessionId": "x", "mes');
    writeFileSync(
      join(h.sessions, 'session-2030-01-02-00-00-00.json'),
      JSON.stringify({ sessionId: 'y', startTime: 'soon', messages: [] }),
    );
    // a year past 9999: Date.parse reads it, DuckDB could not hold it
    writeFileSync(
      join(h.sessions, 'session-2030-01-03-00-00-00.json'),
      JSON.stringify({ sessionId: 'z', startTime: '12025-12-18', messages: [] }),
    );
    const r = runGrok(['sessions', 'stats', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.sessions).toBe(420);
    expect(stats.skipped).toEqual([
      {
        file: 'session-2030-01-01-00-00-00.json',
        reason: 'invalid JSON: ends early (truncated?) at offset 23',
      },
      {
        file: 'session-2030-01-02-00-00-00.json',
        reason: 'not a session: startTime: not an ISO date-time with its zone',
      },
      {
        file: 'session-2030-01-03-00-00-00.json',
        reason: 'not a session: startTime: not an ISO date-time with its zone',
      },
    ]);
  });

  test('a lone surrogate escape that JSON.parse accepts is a session we count', async () => {
    const text = JSON.stringify({
      sessionId: 'session-2025-11-05-00-00-00',
      startTime: '2025-11-05T00:00:00.000Z',
      model: 'grok-4',
      messages: [{ role: 'user', content: 'cut emoji PLACEHOLDER' }],
      tokenUsage: { input: 1, output: 2, total: 3 },
      metadata: { workingDirectory: '/w', nodeVersion: '20', grokVersion: '1' },
    }).replace('PLACEHOLDER', '\\ud83d');
    writeFileSync(join(h.sessions, 'session-2025-11-05-00-00-00.json'), text);
    const r = await counts();
    expect(r.sessions).toBe(1);
    expect(r.skipped).toEqual([]);
  });

  test('a symlink named like a session is not followed', async () => {
    const target = join(h.home, 'elsewhere.json');
    writeSession(h.home, { start: '2025-11-06T00:00:00Z' });
    const { symlinkSync, renameSync } = await import('node:fs');
    renameSync(join(h.home, 'session-2025-11-06-00-00-00.json'), target);
    symlinkSync(target, join(h.sessions, 'session-2025-11-06-00-00-00.json'));
    expect((await counts()).sessions).toBe(0);
  });
});

describe('an index that cannot be used never fails a command', () => {
  test('missing: created on the first run', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    expect(existsSync(indexPath(h.home))).toBe(false);
    expect((await counts()).sessions).toBe(1);
    expect(existsSync(indexPath(h.home))).toBe(true);
  });

  test('corrupt: rebuilt, with a note', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeFileSync(indexPath(h.home), Buffer.alloc(64 * 1024, 0x5a));
    const r = await counts();
    expect(r.sessions).toBe(1);
    expect(r.notices.join()).toMatch(/rebuilt/);
    const again = await counts();
    expect(again.notices).toEqual([]);
    expect(again.refresh.read).toBe(0);
  });

  test('locked by another process: falls back to memory with the right numbers', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
    await counts();
    // A real second process holding the database file open for writing.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const db = await DuckDBInstance.create(process.argv[1]);
         const conn = await db.connect();
         await conn.run('SELECT 1');
         // Held where the collector cannot free them: freeing the instance releases its lock.
         globalThis.held = [db, conn];
         console.log('ready');
         setInterval(() => {}, 1000);`,
        indexPath(h.home),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
      // what the holder may spill is its own: an open that falls back leaves it
      mkdirSync(spillDir(indexPath(h.home)));
      writeFileSync(join(spillDir(indexPath(h.home)), 'duckdb_temp_storage_S32K-0.tmp'), 'x');
      // The holder does hold the file: an open from this process falls back too.
      const probe = await openIndex(h.home, { retries: 0 });
      probe.close();
      expect(probe.mode).toBe('memory');
      const r = runGrok(['sessions', 'stats', '--json'], h.env);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).sessions).toBe(2);
      expect(r.stderr).toMatch(/in use by another process/);
      // list served by the index says so too, in both forms
      for (const args of [['--json'], []]) {
        const l = runGrok(['sessions', 'list', ...args], {
          ...h.env,
          GROK_LIST_INDEX_THRESHOLD: '1',
        });
        expect(l.code).toBe(0);
        expect(l.stdout).toMatch(/session-2025-11-02-10-00-00/);
        expect(l.stderr).toMatch(/in use by another process/);
      }
      expect(holder.exitCode).toBeNull();
      expect(readdirSync(spillDir(indexPath(h.home)))).toEqual(['duckdb_temp_storage_S32K-0.tmp']);
    } finally {
      holder.kill();
    }
    await new Promise<void>((resolve) =>
      holder.exitCode !== null || holder.signalCode !== null
        ? resolve()
        : holder.once('exit', () => resolve()),
    );
    // the same question once the index is free: not the answer given with the note, replayed
    const after = runGrok(['sessions', 'stats', '--json'], h.env);
    expect([after.code, after.stderr]).toEqual([0, '']);
    expect(JSON.parse(after.stdout).sessions).toBe(2);
  });
});

describe('the spill directory beside the index', () => {
  const spill = () => spillDir(indexPath(h.home));
  // a table in no file, larger than DuckDB's memory, is written out in blocks
  const spilling = (conn: Awaited<ReturnType<typeof openIndex>>['conn']) =>
    conn.run(
      "SET memory_limit = '16MB'; CREATE TEMP TABLE spilled AS SELECT i, md5(i::VARCHAR) AS m FROM range(1000000) t(i)",
    );

  test('DuckDB writes what it lets go of beside the index, private, and removes it at the close', async () => {
    const handle = await openIndex(h.home);
    try {
      await spilling(handle.conn);
      const names = readdirSync(spill());
      expect(names.length).toBeGreaterThan(0);
      expect(statSync(spill()).mode & 0o777).toBe(0o700);
      for (const n of names) expect(statSync(join(spill(), n)).mode & 0o777).toBe(0o600);
    } finally {
      handle.close();
    }
    expect(existsSync(spill())).toBe(false);
  });

  test('one left by a process that stopped goes at the next open to write, not at a read-only one', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
    await counts();
    mkdirSync(spill());
    writeFileSync(join(spill(), 'duckdb_temp_storage_S32K-0.tmp'), 'a session of a killed build');
    const reader = await openReadOnlyIndex(h.home);
    reader.close();
    expect(readdirSync(spill())).toEqual(['duckdb_temp_storage_S32K-0.tmp']);
    expect((await counts()).sessions).toBe(1);
    expect(existsSync(spill())).toBe(false);
  });

  test('a symlink there is removed, not followed: its target keeps its files and gets no blocks', async () => {
    const elsewhere = join(h.home, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'kept'), 'x');
    symlinkSync(elsewhere, spill());
    // a read-only open spills nowhere rather than through the link
    const reader = await openReadOnlyIndex(h.home).catch(() => undefined);
    reader?.close();
    const handle = await openIndex(h.home);
    try {
      expect(existsSync(spill())).toBe(false);
      await spilling(handle.conn);
      expect(lstatSync(spill()).isDirectory()).toBe(true);
    } finally {
      handle.close();
    }
    expect(readdirSync(elsewhere)).toEqual(['kept']);
  });
});

describe('listFromIndex', () => {
  test('gives what the files give, filters and sort included', async () => {
    const { listFromFiles, listJson } = await import('../../src/commands/list.js');
    const { listFromIndex, listJsonFromIndex } = await import(
      '../../src/analytics/list-from-index.js'
    );
    const { jsonOutput } = await import('../../src/commands/common.js');
    writeSession(h.sessions, { start: '2025-11-01T10:00:00.250Z', tags: ['keep'], input: 50 });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z', model: 'grok-3', tools: ['Read'] });
    writeSession(h.sessions, { start: '2025-12-02T10:00:00Z', input: 90_000 });
    writeSession(h.sessions, { start: '2025-12-01T09:00:00Z', dir: '/p/web' });
    writeFileSync(join(h.sessions, 'session-2025-11-03-00-00-00.json'), '{');
    for (const opts of [
      {},
      { sort: 'tokens', limit: 2 },
      { tag: 'keep' },
      { since: '2025-11-02', over: '10k' },
      { month: '2025-11' },
      // 1 Dec 09:00Z is still 30 Nov in Honolulu
      { month: '2025-11', tz: 'Pacific/Honolulu' },
      { project: '/p/web/' },
    ]) {
      expect(listJson(await listFromIndex(opts)), JSON.stringify(opts)).toEqual(
        listJson(await listFromFiles(opts)),
      );
      // --json joins the entries the index keeps: the same text as the files give
      expect(
        Buffer.concat((await listJsonFromIndex(opts)).stdout).toString(),
        JSON.stringify(opts),
      ).toBe(jsonOutput(listJson(await listFromFiles(opts))).stdout);
    }
    // the filters chose: November, November in Honolulu (one more), one project
    const count = async (opts: Record<string, string>) => (await listFromIndex(opts)).matched;
    expect(await count({ month: '2025-11' })).toBe(2);
    expect(await count({ month: '2025-11', tz: 'Pacific/Honolulu' })).toBe(3);
    expect(await count({ project: '/p/web/' })).toBe(1);
  });
});
