/**
 * The browser's rows come from the index: every readable session once, newest first, with its
 * first user message and the cost the cost command gives it; archived ones only when asked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { browseRows, firstRows } from '../../src/commands/browse.js';
import { homeForEachTest, runGrok } from '../helpers.js';

const h = homeForEachTest({ fixtures: ['sessions'], inProcess: true });

test("rows: each session, newest first, its first user message and the cost command's cost", async () => {
  const { rows } = await browseRows({ sessionsDir: h.sessions });
  const files = readdirSync(h.sessions).filter((f) => f.endsWith('.json'));
  expect(rows).toHaveLength(files.length);
  expect(rows.map((r) => r.file)).toEqual([...files].sort().reverse());
  for (const r of rows) {
    const session = JSON.parse(readFileSync(join(h.sessions, r.file), 'utf8'));
    const first = session.messages.find(
      (m: { role: string; content: unknown }) => m.role === 'user' && m.content,
    );
    expect(r.firstUser, r.file).toBe(first ? first.content.replace(/\s+/g, ' ').trim() : null);
    expect(r.name).toBe(session.name ?? null);
    expect(r.total).toBe(session.tokenUsage.total);
    expect(r.archive).toBeNull();
  }
  const cost = runGrok(['sessions', 'cost', '--by', 'session', '--json'], h.env);
  type Costed = { sessionId: string; cost: number | null; estimated: number | null };
  const bySession = new Map<string, Costed>(
    JSON.parse(cost.stdout).sessions.map((s: Costed) => [s.sessionId, s]),
  );
  expect(bySession.size).toBe(rows.length);
  for (const r of rows) {
    const expected = bySession.get(r.sessionId) as Costed;
    if (expected.cost === null) expect(r.cost, r.file).toBeNull();
    else expect(r.cost, r.file).toBeCloseTo(expected.cost, 9);
    // ~ marks a cost with any estimated part; one billed in full is exact
    if (expected.cost !== null) expect(r.costEstimated, r.file).toBe((expected.estimated ?? 0) > 0);
  }
  expect(rows.some((r) => r.cost === null)).toBe(true);
  expect(rows.some((r) => r.cost !== null && !r.costEstimated)).toBe(true);
});

test('archived sessions are rows only with archived on, and name their archive', async () => {
  const id = 'session-2025-12-04-15-19-36';
  const r = runGrok(['sessions', 'archive', id, '--yes'], h.env);
  expect(r.code, r.stderr).toBe(0);
  const live = await browseRows({ sessionsDir: h.sessions });
  expect(live.rows.map((x) => x.file)).not.toContain(`${id}.json`);
  const all = await browseRows({ sessionsDir: h.sessions, archived: true });
  const row = all.rows.find((x) => x.file === `${id}.json`);
  expect(row?.archive).toBe(join(h.home, 'archives', '2025-12.tar.gz'));
  expect(all.rows).toHaveLength(live.rows.length + 1);
});

test('the first screen reads only the newest rows, with the counts of the whole list; the rest are the same rows as a full read', async () => {
  const whole = await browseRows({ sessionsDir: h.sessions });
  const staged = firstRows(
    { sessionsDir: h.sessions },
    { cwd: '/nowhere', cwdOnly: false, limit: 5 },
  );
  try {
    const first = await staged.first;
    expect(first.rows).toEqual(whole.rows.slice(0, 5));
    expect(first.partial?.total).toBe(whole.rows.length);
    expect(first.partial?.here).toBe(0);
    const rest = await first.partial?.rest();
    expect(rest?.rows).toEqual(whole.rows);
  } finally {
    await staged.close();
  }
});

test("with cwdOnly, the first screen is the current directory's newest, when it has any", async () => {
  const whole = await browseRows({ sessionsDir: h.sessions });
  const dir = whole.rows[3]?.workingDirectory as string;
  const inDir = whole.rows.filter((r) => r.workingDirectory === dir);
  expect(inDir.length).toBeGreaterThan(1);
  const staged = firstRows({ sessionsDir: h.sessions }, { cwd: dir, cwdOnly: true, limit: 1 });
  const first = await staged.first;
  expect(first.rows).toEqual(inDir.slice(0, 1));
  expect(first.partial?.here).toBe(inDir.length);
  expect(first.partial?.total).toBe(whole.rows.length);
  // left before the rest was asked for: nothing more is read, and the index is let go
  await staged.close();
  const again = await browseRows({ sessionsDir: h.sessions });
  expect(again.rows).toEqual(whole.rows);
});

test('a list that fits the first screen is read whole at once', async () => {
  const whole = await browseRows({ sessionsDir: h.sessions });
  const staged = firstRows(
    { sessionsDir: h.sessions },
    { cwd: '/nowhere', cwdOnly: false, limit: whole.rows.length },
  );
  const first = await staged.first;
  await staged.close();
  expect(first.partial).toBeUndefined();
  expect(first.rows).toEqual(whole.rows);
});
