/**
 * The broken samples are sessions of their own, not damaged copies of a good one: once
 * `repair --all` has rebuilt what it can, the sample set reads as distinct sessions, and nothing
 * repair wrote is a model it had to make up.
 */
import { expect, it } from 'vitest';
import { homeForEachTest, runGrok } from '../helpers.js';

const h = homeForEachTest({ fixtures: ['sessions', 'broken'] });

interface Row {
  sessionId: string;
  file: string;
  name: string | null;
  startTime: string;
  model: string;
}

it('after repair --all the samples are distinct sessions with the models they were recorded with', () => {
  const repair = runGrok(['sessions', 'repair', '--all', '--json'], h.env);
  const outcome = JSON.parse(repair.stdout);
  // the empty and the all-NUL samples cannot be rebuilt: exit 1 says so
  expect(outcome.unrecoverable).toHaveLength(2);
  expect(repair.code, repair.stderr).toBe(1);
  const repaired: string[] = outcome.repaired.map((r: { file: string }) => r.file);
  expect(repaired.length).toBeGreaterThan(0);

  const list = runGrok(['sessions', 'list', '--json'], h.env);
  expect(list.code, list.stderr).toBe(0);
  const rows: Row[] = JSON.parse(list.stdout).sessions;
  const files = rows.map((r) => r.file);
  for (const file of repaired) expect(files).toContain(file);

  // no two sessions share a name or an id
  const names = rows.map((r) => r.name).filter((n): n is string => n !== null);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  const ids = rows.map((r) => r.sessionId);
  expect(ids.filter((n, i) => ids.indexOf(n) !== i)).toEqual([]);

  // the only start time two sessions share is the deliberate same-second pair (`-2` suffix)
  const byStart = new Map<string, string[]>();
  for (const r of rows)
    byStart.set(r.startTime, [...(byStart.get(r.startTime) ?? []), r.sessionId]);
  const shared = [...byStart.values()].filter((ids) => ids.length > 1).map((ids) => ids.sort());
  expect(shared).toHaveLength(1);
  const [first, second] = shared[0] as string[];
  expect(second).toBe(`${first}-2`);
  // and a repaired file starts when its name says, not when another sample did
  for (const r of rows.filter((r) => repaired.includes(r.file))) {
    const stamp = r.sessionId.match(/(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)$/);
    expect(stamp, r.sessionId).not.toBeNull();
    const [, y, mo, d, hh, mi, ss] = stamp as RegExpMatchArray;
    expect(r.startTime).toBe(`${y}-${mo}-${d}T${hh}:${mi}:${ss}.000Z`);
  }

  // repair invented no model: cost prices every repaired session and warns of no `unknown`
  expect(rows.filter((r) => r.model === 'unknown').map((r) => r.file)).toEqual([]);
  const cost = runGrok(['sessions', 'cost', '--by', 'model'], h.env);
  expect(cost.code, cost.stderr).toBe(0);
  expect(cost.stdout).not.toMatch(/^unknown\b/m);
  expect(cost.stderr).not.toMatch(/unknown/);
});
