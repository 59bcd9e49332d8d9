/**
 * The index keeps each session's cost parts once computed (cost_rows, analytics/costs.ts). Whatever
 * changed since (new prices, a session rewritten, added or removed, a selection that priced only
 * some sessions), every figure is the one an index built from nothing gives.
 */
import { copyFileSync, existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeForEachTest, runGrok } from '../helpers.js';

const h = homeForEachTest({ fixtures: ['sessions'] });

const QUESTIONS = [
  ['cost', '--by', 'session', '--json'],
  ['cost', '--by', 'model', '--json'],
  ['stats', '--json'],
  ['stats', '--by', 'month', '--json'],
  ['top', '--by', 'cost', '--json'],
];

function ask(args: readonly string[]): string {
  const r = runGrok(['sessions', ...args], { ...h.env, GROK_NO_ANSWER_CACHE: '1' });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const INDEX_FILES = ['index.duckdb', 'index.duckdb.wal'];

/**
 * Every question asked on the index as it is, then on an index built from nothing (the one kept
 * is put back after, for the next step): the answers must be the same.
 */
function expectAsFresh(): string[] {
  const kept = QUESTIONS.map(ask);
  for (const f of INDEX_FILES) {
    const path = join(h.home, f);
    if (existsSync(path)) copyFileSync(path, `${path}.kept`);
  }
  for (const f of INDEX_FILES) rmSync(join(h.home, f), { force: true });
  const fresh = QUESTIONS.map(ask);
  for (const f of INDEX_FILES) {
    const path = join(h.home, f);
    rmSync(path, { force: true });
    if (existsSync(`${path}.kept`)) {
      copyFileSync(`${path}.kept`, path);
      unlinkSync(`${path}.kept`);
    }
  }
  expect(kept).toEqual(fresh);
  return kept;
}

const costRows = () =>
  JSON.parse(
    ask(['query', 'SELECT count(*) AS n, count(DISTINCT sid) AS sids FROM cost_rows', '--json']),
  )[0] as { n: number; sids: number };

describe('the cost kept in the index', () => {
  it('gives what a fresh index gives after new prices, a rewritten, added or removed session', () => {
    // a selection first: only its sessions are priced, the others later
    const month = ask(['cost', '--month', '2025-08', '--json']);
    expect(JSON.parse(month).total.sessions).toBeGreaterThan(0);
    const first = expectAsFresh();
    const sessions = JSON.parse(first[2] as string).sessions as number;
    expect(costRows()).toEqual({ n: sessions, sids: sessions });

    // new prices: every figure moves
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({ pricing: { 'grok-4-0709': { input: 100, output: 300 } } }),
    );
    const priced = expectAsFresh();
    expect(priced[0]).not.toEqual(first[0]);

    // a session rewritten with more usage
    const name = 'session-2025-08-07-10-53-42.json';
    const file = join(h.sessions, name);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"input": 3576', '"input": 93576'), {
      mode: 0o600,
    });
    const rewritten = expectAsFresh();
    expect(rewritten[0]).not.toEqual(priced[0]);

    // one added (a copy under another name), one removed
    writeFileSync(
      join(h.sessions, 'session-2026-01-01-00-00-00.json'),
      readFileSync(file, 'utf8').replaceAll(
        'session-2025-08-07-10-53-42',
        'session-2026-01-01-00-00-00',
      ),
      { mode: 0o600 },
    );
    unlinkSync(join(h.sessions, 'session-2025-08-10-16-58-00.json'));
    const moved = expectAsFresh();
    expect(moved[0]).not.toEqual(rewritten[0]);
    // a row per session, none left of the one removed or of the old copy of the rewritten one
    expect(costRows()).toEqual({ n: sessions, sids: sessions });
  }, 240_000);
});
