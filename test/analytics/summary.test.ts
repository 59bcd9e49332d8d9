/**
 * The summary (src/analytics/summary.ts) answers stats and cost without DuckDB, and its answers
 * are the index's, byte for byte: over the fixtures (billed, cached, reasoning, active, a broken
 * file), over a generated corpus, and after sessions are added, changed and removed and after
 * new prices, when the summary on file is of another state and must not answer.
 */

import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.mjs';
import { BIN, duckdbOpenTracePreload, FIXTURES, homeForEachTest, ROOT } from '../helpers.js';
import { writeSession } from './sessions.js';

const h = homeForEachTest({ fixtures: ['sessions'] });

const QUESTIONS = [
  ['stats'],
  ['stats', '--json'],
  ['stats', '--csv'],
  ['stats', '--month', '2025-10', '--json'],
  ['stats', '--since', '2024-03-01', '--until', '2024-03-15', '--json'],
  ['stats', '--model', 'grok-4', '--json'],
  ['stats', '--tag', 'auth', '--json'],
  ['stats', '--project', '/home/dev/api', '--json'],
  ['cost'],
  ['cost', '--json'],
  ['cost', '--month', '2025-10'],
  ['cost', '--by', 'day', '--tz', 'Asia/Tokyo', '--csv'],
  ['cost', '--by', 'session', '--csv'],
  ['cost', '--rate', '0.01'],
];

interface Answer {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the process opened DuckDB. */
  opened: boolean;
}

function ask(args: string[], env: NodeJS.ProcessEnv): Answer {
  const preload = duckdbOpenTracePreload(h.home, 'DUCKDB-OPEN');
  const r = spawnSync(process.execPath, ['--require', preload, BIN, 'sessions', ...args], {
    env: { ...env, GROK_NO_ANSWER_CACHE: '1' },
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/^DUCKDB-OPEN .*\n/gm, ''),
    opened: /^DUCKDB-OPEN /m.test(r.stderr),
  };
}

/** Each question asked of the index alone, then of the summary: the same output, no DuckDB. */
function compareAll(): void {
  for (const args of QUESTIONS) {
    const label = args.join(' ');
    // computed on the index; it writes the summary of this state
    const index = ask(args, { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect(index.code, `${label}: ${index.stderr}`).toBe(0);
    const summary = ask(args, h.env);
    expect(summary.opened, label).toBe(false);
    expect({ ...summary, opened: true }, label).toEqual(index);
  }
}

/**
 * After a change, the first question finds the summary on file of another state: it is computed
 * on the index (which writes the summary anew); then each answer from the summary is the index's.
 */
function afterChange(): void {
  const questions = [
    ['stats', '--json'],
    ['cost', '--by', 'session', '--json'],
  ];
  const fresh = ask(questions[0] as string[], h.env);
  expect(fresh.opened, 'a summary of another state answered').toBe(true);
  for (const args of questions) {
    const summary = ask(args, h.env);
    expect(summary.opened, args.join(' ')).toBe(false);
    const index = ask(args, { ...h.env, GROK_TEST_NO_SUMMARY: '1' });
    expect({ ...summary, opened: true }, args.join(' ')).toEqual(index);
  }
}

describe('the summary', () => {
  it('answers stats and cost as the index does over the fixtures, a broken file among them', () => {
    const broken = 'session-2025-10-05-11-20-00.json';
    copyFileSync(join(FIXTURES, 'broken', broken), join(h.sessions, broken));
    writeSession(h.sessions, {
      start: '2025-10-20T08:00:00Z',
      model: 'grok-unpriced-x',
      tags: ['auth'],
      dir: '/home/dev/api',
      status: 'active',
      tools: ['Read', 'Bash'],
      failed: ['Bash'],
    });
    compareAll();
  });

  it('answers as the index does over a generated corpus', () => {
    for (const name of readdirSync(h.sessions)) rmSync(join(h.sessions, name));
    generate(h.sessions, 300, { seed: 11 });
    compareAll();
  });

  it('is not used for another state: sessions added, changed, removed, new prices', () => {
    compareAll();
    // added
    writeSession(h.sessions, { start: '2025-12-01T09:00:00Z', input: 5000, tools: ['Grep'] });
    afterChange();
    // changed in place: another size
    const names = readdirSync(h.sessions).filter((n) => n.startsWith('session-'));
    const changed = join(h.sessions, names[3] as string);
    const session = JSON.parse(readFileSync(changed, 'utf8')) as { tokenUsage: { input: number } };
    session.tokenUsage.input += 12345;
    writeFileSync(changed, JSON.stringify(session));
    afterChange();
    // removed
    rmSync(join(h.sessions, names[5] as string));
    afterChange();
    // new prices
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({ pricing: { 'grok-4': { input: 7, output: 21 } } }),
    );
    afterChange();
  });
});
