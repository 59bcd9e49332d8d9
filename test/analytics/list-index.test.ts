/**
 * `grok sessions list` gives the same answer whether it reads the files (a small directory) or
 * the index (from GROK_LIST_INDEX_THRESHOLD files on): same sessions, order, numbers and times.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { copyFixtures, homeForEachTest, runGrok } from '../helpers.js';
import { writeSession } from './sessions.js';

const h = homeForEachTest();

/** Rewrites a session file's start and end times as written by hand or by another tool. */
function retime(file: string, startTime: string, endTime?: string): void {
  const session = JSON.parse(readFileSync(file, 'utf8'));
  session.startTime = startTime;
  if (endTime === undefined) delete session.endTime;
  else session.endTime = endTime;
  writeFileSync(file, JSON.stringify(session, null, 2));
}

test('the index and the files give the same list, with times in UTC to the millisecond', () => {
  copyFixtures(h.sessions);
  // times in other forms than the samples': an offset, no fraction, microseconds, no end
  retime(
    writeSession(h.sessions, { start: '2025-06-01T10:00:00Z', model: 'grok-3', tags: ['keep'] }),
    '2025-06-01T12:00:00+02:00',
    '2025-06-01T10:30:00.123456Z',
  );
  retime(writeSession(h.sessions, { start: '2025-06-02T10:00:00Z' }), '2025-06-02T10:00:00Z');
  retime(
    writeSession(h.sessions, { start: '2025-06-03T10:00:00Z', input: 5_000_000 }),
    '2025-06-03T10:00:00.5Z',
  );

  // What JSON escapes and what it keeps: quotes, a backslash, control characters, non-ASCII text,
  // a character outside the BMP and a lone surrogate (JSON.parse reads it; the session counts).
  const odd = writeSession(h.sessions, {
    start: '2025-06-04T10:00:00Z',
    tags: ['naïve "tag"', '🚀'],
    dir: '/srv/app\\x\ty',
  });
  const session = JSON.parse(readFileSync(odd, 'utf8'));
  session.name = 'Fix "parser" \\ line\nnext\ttab: café 🚀 lone \ud83d end';
  writeFileSync(odd, JSON.stringify(session, null, 2));
  // Two sessions started in the same millisecond: ordered by file name.
  writeSession(h.sessions, { start: '2025-06-05T10:00:00Z' });
  retime(writeSession(h.sessions, { start: '2025-06-05T10:00:01Z' }), '2025-06-05T10:00:00Z');
  // A file that is not a session: listed as skipped, the same way.
  writeFileSync(join(h.sessions, 'session-2025-06-06-00-00-00.json'), '{"sessionId": ');

  const list = (threshold: string, args: string[]) => {
    const r = runGrok(['sessions', 'list', ...args], {
      ...h.env,
      GROK_NO_ANSWER_CACHE: '1',
      GROK_LIST_INDEX_THRESHOLD: threshold,
    });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  for (const args of [
    ['--json'],
    [],
    ['--sort', 'tokens', '--json'],
    ['--sort', 'messages', '--limit', '7'],
    ['--model', 'grok-3', '--json'],
    ['--tag', 'keep', '--json'],
    ['--since', '2025-06-01', '--until', '2025-06-03', '--json'],
    ['--over', '100k', '--limit', '5', '--json'],
    ['--sort', 'tokens'],
    ['--csv'],
    ['--sort', 'messages', '--limit', '7', '--csv'],
  ]) {
    const fromIndex = list('1', args);
    expect(list('100000', args), args.join(' ')).toBe(fromIndex);
    expect(fromIndex.length).toBeGreaterThan(100);
  }
  // Nothing matched: an empty list, with the skipped file still named.
  const none = list('1', ['--model', 'no-such-model', '--json']);
  expect(list('100000', ['--model', 'no-such-model', '--json'])).toBe(none);
  expect(JSON.parse(none)).toEqual({
    sessions: [],
    skipped: [{ file: 'session-2025-06-06-00-00-00.json', reason: expect.any(String) }],
  });

  const sessions = JSON.parse(list('1', ['--json'])).sessions as {
    startTime: string;
    endTime: string | null;
  }[];
  const times = sessions.map((s) => [s.startTime, s.endTime]);
  expect(times).toContainEqual(['2025-06-01T10:00:00.000Z', '2025-06-01T10:30:00.123Z']);
  expect(times).toContainEqual(['2025-06-02T10:00:00.000Z', null]);
  expect(times).toContainEqual(['2025-06-03T10:00:00.500Z', null]);
  for (const s of sessions) expect(s.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // --csv: one row per session, in the order and with the numbers of --json
  const csv = list('1', ['--csv']).trimEnd().split('\n');
  expect(csv[0]).toBe(
    'id,name,start_time,end_time,duration_ms,model,messages,input_tokens,output_tokens,total_tokens,tool_calls,working_directory,tags',
  );
  const full = JSON.parse(list('1', ['--json'])).sessions as {
    file: string;
    startTime: string;
    tokens: { total: number };
  }[];
  // rows without quoting (no comma, quote or newline in a value) are checked field by field
  const rows = new Map(
    csv.slice(1).map((line) => [line.slice(0, line.indexOf(',')), line.split(',')] as const),
  );
  for (const s of full) expect(rows.has(s.file.replace('.json', '')), s.file).toBe(true);
  let checked = 0;
  for (const s of full) {
    const row = rows.get(s.file.replace('.json', '')) ?? [];
    if (row.length !== 13) continue;
    expect(row[2]).toBe(s.startTime);
    expect(row[9]).toBe(String(s.tokens.total));
    checked++;
  }
  expect(checked).toBeGreaterThan(1);
  expect(sessions).toContainEqual(
    expect.objectContaining({
      name: 'Fix "parser" \\ line\nnext\ttab: café 🚀 lone \ud83d end',
      tags: ['naïve "tag"', '🚀'],
      workingDirectory: '/srv/app\\x\ty',
    }),
  );
}, 120_000);

test('an index from before list entries were kept is upgraded in place, every file read again', async () => {
  copyFixtures(h.sessions);
  const list = (threshold: string) => {
    const r = runGrok(['sessions', 'list', '--json'], {
      ...h.env,
      GROK_NO_ANSWER_CACHE: '1',
      // the index itself, not the summary of list that answers without it (summary.ts)
      GROK_TEST_NO_SUMMARY: '1',
      GROK_LIST_INDEX_THRESHOLD: threshold,
    });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  const fromFiles = list('100000');
  expect(list('1')).toBe(fromFiles);
  // Back to the index of the step before: rows of every session, and no entries.
  const { openIndex } = await import('../../src/analytics/index-db.js');
  const before = await openIndex(h.home);
  await before.conn.run('DROP TABLE list_entries');
  await before.conn.run("DELETE FROM schema_steps WHERE name = '011-list-entries'");
  before.close();

  expect(list('1')).toBe(fromFiles);
  const after = await openIndex(h.home);
  try {
    const [counts] = (
      await after.conn.runAndReadAll(
        'SELECT (SELECT count(*) FROM sessions)::INTEGER AS sessions, (SELECT count(*) FROM list_entries)::INTEGER AS entries',
      )
    ).getRowObjectsJS();
    expect(counts).toEqual({
      sessions: JSON.parse(fromFiles).sessions.length,
      entries: JSON.parse(fromFiles).sessions.length,
    });
  } finally {
    after.close();
  }
});
