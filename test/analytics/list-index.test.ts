/**
 * `grok sessions list` gives the same answer whether it reads the files (a small directory) or
 * the index (from GROK_LIST_INDEX_THRESHOLD files on): same sessions, order, numbers and times.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { copyFixtures, makeHome, runGrok, type TempHome } from '../helpers.js';
import { writeSession } from './sessions.js';

let h: TempHome;
beforeEach(() => {
  h = makeHome();
});
afterEach(() => h.cleanup());

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
  ]) {
    const fromIndex = list('1', args);
    expect(list('100000', args), args.join(' ')).toBe(fromIndex);
    expect(fromIndex.length).toBeGreaterThan(100);
  }

  const sessions = JSON.parse(list('1', ['--json'])).sessions as {
    startTime: string;
    endTime: string | null;
  }[];
  const times = sessions.map((s) => [s.startTime, s.endTime]);
  expect(times).toContainEqual(['2025-06-01T10:00:00.000Z', '2025-06-01T10:30:00.123Z']);
  expect(times).toContainEqual(['2025-06-02T10:00:00.000Z', null]);
  expect(times).toContainEqual(['2025-06-03T10:00:00.500Z', null]);
  for (const s of sessions) expect(s.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});
