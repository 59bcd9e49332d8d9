/** The pure planners of prune and archive: which sessions a rule chooses, and into which month. */
import { describe, expect, it } from 'vitest';
import { monthOf, planArchive } from '../../src/maintenance/archive.js';
import { planPrune } from '../../src/maintenance/prune.js';
import { type AgeRule, type Candidate, isOld } from '../../src/maintenance/select.js';
import type { Session } from '../../src/session/schema.js';
import { sampleSession } from '../sample-session.js';

const NOW = new Date('2025-11-30T12:00:00Z');
const DAY = 86_400_000;

/** A session started at `start` (ISO), last active `ageDays` before NOW, with `tags`. */
function candidate(name: string, start: string, ageDays = 0, tags: string[] = []): Candidate {
  const session = { ...sampleSession(), tags } as Session;
  return {
    name,
    path: `/sessions/${name}`,
    size: 1,
    mtimeMs: 0,
    session,
    startMs: Date.parse(start),
    lastActivityMs: NOW.getTime() - ageDays * DAY,
  };
}

const old = (ageDays: number, rule: AgeRule, expected: boolean) => () =>
  expect(isOld(candidate('s', '2025-01-01T00:00:00Z', ageDays), rule, NOW)).toBe(expected);

describe('isOld: last activity against the rule', () => {
  it('older than 30 days, 31 days idle', old(31, { olderThanMs: 30 * DAY }, true));
  it('older than 30 days, exactly 30 days idle', old(30, { olderThanMs: 30 * DAY }, false));
  it('older than 30 days, active today', old(0, { olderThanMs: 30 * DAY }, false));
  it('before Nov 1, idle since Oct 31', old(30, { before: new Date('2025-11-01') }, true));
  it('before Nov 1, idle since Nov 10', old(20, { before: new Date('2025-11-01') }, false));
});

const month = (start: string, expected: string) => () =>
  expect(monthOf({ startMs: Date.parse(start) })).toBe(expected);

describe('monthOf: the UTC month a session started in', () => {
  it('mid-month', month('2025-11-05T14:30:12Z', '2025-11'));
  it('the last second of a month', month('2025-10-31T23:59:59Z', '2025-10'));
  it('the first second of a year', month('2026-01-01T00:00:00Z', '2026-01'));
  it('a leap day', month('2024-02-29T12:00:00Z', '2024-02'));
});

/** Sessions newest first, as the inventory lists them. */
const INVENTORY = [
  candidate('new', '2025-11-29T00:00:00Z', 1),
  candidate('tagged', '2025-10-01T00:00:00Z', 60, ['keep']),
  candidate('mid', '2025-10-15T00:00:00Z', 45),
  candidate('oldest', '2025-09-01T00:00:00Z', 90),
];

const prune =
  (rule: AgeRule | undefined, keepLast: number, deleted: string[], protectedFiles: string[]) =>
  () => {
    const inv = { candidates: INVENTORY, skipped: [], warnings: [] };
    const plan = planPrune(inv, rule, { tags: ['keep'], keepLast }, NOW);
    expect(plan.delete.map((c) => c.name)).toEqual(deleted);
    expect(plan.protected.map((p) => p.file)).toEqual(protectedFiles);
    expect(plan.kept).toBe(INVENTORY.length - deleted.length);
  };

describe('planPrune: the rule chooses, tags and the newest N protect', () => {
  it('older than 30 days', prune({ olderThanMs: 30 * DAY }, 0, ['mid', 'oldest'], ['tagged']));
  it('older than 50 days', prune({ olderThanMs: 50 * DAY }, 0, ['oldest'], ['tagged']));
  it(
    'older than 30 days, keep the newest 3',
    prune({ olderThanMs: 30 * DAY }, 3, ['oldest'], ['tagged', 'mid']),
  );
  it(
    'no rule, keep the newest 2: a tag is named, the newest are not',
    prune(undefined, 2, ['mid', 'oldest'], ['tagged']),
  );
  it('older than a year: nothing', prune({ olderThanMs: 365 * DAY }, 0, [], []));
});

describe('planArchive: one archive a month, oldest month first, sessions by start', () => {
  it('groups by the month a session started in', () => {
    const plan = planArchive('/archives', [...INVENTORY].reverse());
    expect(plan.map((m) => [m.month, m.path, m.sessions.map((c) => c.name)])).toEqual([
      ['2025-09', '/archives/2025-09.tar.gz', ['oldest']],
      ['2025-10', '/archives/2025-10.tar.gz', ['tagged', 'mid']],
      ['2025-11', '/archives/2025-11.tar.gz', ['new']],
    ]);
  });
  it('nothing chosen: no archive', () => expect(planArchive('/archives', [])).toEqual([]));
});
