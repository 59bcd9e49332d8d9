/**
 * When every file the index holds is selected, stats, cost and list leave out their joins to the
 * selection (analytics-run.ts: overWhole). Their answers are the ones the joins give: the same
 * sessions with one broken file beside them (a file that is no session, so the selection is no
 * longer every file) answer the same, but for the broken file's note.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, homeForEachTest, runGrok } from '../helpers.js';

const h = homeForEachTest({ fixtures: ['sessions'] });

const QUESTIONS = [
  ['stats', '--json'],
  ['stats', '--by', 'model', '--json'],
  ['stats', '--by', 'tool', '--json'],
  ['stats', '--by', 'project', '--json'],
  ['cost', '--json'],
  ['cost', '--by', 'session', '--json'],
  ['list', '--json'],
  ['list', '--sort', 'tokens', '--limit', '5', '--json'],
];

/** Each answer as JSON, without the list of files that are not sessions. */
function answers(): unknown[] {
  return QUESTIONS.map((args) => {
    const r = runGrok(['sessions', ...args], {
      ...h.env,
      GROK_NO_ANSWER_CACHE: '1',
      // list reads the index, however few the files
      GROK_LIST_INDEX_THRESHOLD: '1',
    });
    expect(r.code, r.stderr).toBe(0);
    const { skipped, ...rest } = JSON.parse(r.stdout) as { skipped?: unknown[] };
    return { args, skipped: skipped?.length ?? 0, rest };
  });
}

describe('an answer over every session the index holds', () => {
  it('is the answer of a selection that is not every file', () => {
    const whole = answers();
    // the fixtures are all sessions: the selection is every file
    for (const a of whole) expect((a as { skipped: number }).skipped).toBe(0);
    const broken = 'session-2025-10-05-11-20-00.json';
    copyFileSync(join(FIXTURES, 'broken', broken), join(h.sessions, broken));
    const partial = answers();
    for (const a of partial) expect((a as { skipped: number }).skipped).toBe(1);
    const figures = (xs: unknown[]) => xs.map((a) => ({ ...(a as object), skipped: undefined }));
    expect(figures(partial)).toEqual(figures(whole));
  });
});
