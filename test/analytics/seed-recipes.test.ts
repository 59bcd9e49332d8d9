/**
 * The seed's own jq recipes, run for real over the same files as our commands: the numbers must
 * agree. Run over a seeded generated set, and over fixtures/sessions when it is there.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generate } from '../../bench/generate.mjs';
import { copyFixtures, FIXTURES, makeHome, runGrok, sh, type TempHome } from '../helpers.js';

const fixtureSet = join(FIXTURES, 'sessions');
const sets: { name: string; fill: (dir: string) => void }[] = [
  { name: 'generated sessions', fill: (dir) => generate(dir, 40, { seed: 11 }) },
  // enough files for the cold build to parse them on worker threads
  { name: '450 sessions parsed by worker threads', fill: (dir) => generate(dir, 450, { seed: 5 }) },
];
if (existsSync(fixtureSet) && readdirSync(fixtureSet).length > 0) {
  sets.push({ name: 'fixtures', fill: (dir) => copyFixtures(dir, 'sessions') });
}

describe.each(sets)('seed recipes agree with our commands over $name', ({ fill }) => {
  let h: TempHome;
  let stats: {
    sessions: number;
    tokens: { total: number };
    avgMessagesPerSession: number;
    tools: { tool: string; calls: number }[];
  };
  beforeAll(() => {
    h = makeHome();
    fill(h.sessions);
    const r = runGrok(['sessions', 'stats', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    stats = JSON.parse(r.stdout);
    expect(stats.sessions).toBe(readdirSync(h.sessions).length);
  });
  afterAll(() => h.cleanup());

  test('total tokens', () => {
    const out = sh(
      `find "${h.sessions}" -name "*.json" -exec jq -r '.tokenUsage.total' {} + | awk '{sum+=$1} END {print sum " total tokens"}'`,
    );
    expect(out.trim()).toBe(`${stats.tokens.total} total tokens`);
  });

  test('tool usage counts', () => {
    const out = sh(
      `cat "${h.sessions}"/*.json | jq -r '.messages[].toolCalls[]?.tool' | sort | uniq -c | sort -rn`,
    );
    const jq = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [n, tool] = l.trim().split(/\s+/);
          return [tool, Number(n)];
        }),
    );
    expect(Object.fromEntries(stats.tools.map((t) => [t.tool, t.calls]))).toEqual(jq);
    // sorted by calls, descending
    const calls = stats.tools.map((t) => t.calls);
    expect(calls).toEqual([...calls].sort((a, b) => b - a));
  });

  test('average messages per session', () => {
    const out = sh(
      `cat "${h.sessions}"/*.json | jq -r '.messages | length' | awk '{sum+=$1; count++} END {print sum/count " messages per session"}'`,
    );
    const jqAvg = Number(out.split(' ')[0]);
    expect(stats.avgMessagesPerSession).toBeCloseTo(jqAvg, 2);
  });

  test('most expensive sessions', () => {
    // The seed's recipe with `{} +` for `{} \;`: the same lines from one jq instead of one per file.
    const out = sh(
      `find "${h.sessions}" -name "*.json" -exec jq -r '"\\(.tokenUsage.total) \\(.sessionId)"' {} + | sort -rn | head -10`,
    );
    const jq = out
      .trim()
      .split('\n')
      .map((l) => {
        const [total, id] = l.split(' ');
        return { total: Number(total), id };
      });
    const r = runGrok(['sessions', 'top', '-n', '10', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const ours = JSON.parse(r.stdout).sessions as { total: number; sessionId: string }[];
    expect(ours.map((s) => s.total)).toEqual(jq.map((s) => s.total));
    expect(ours[0]?.sessionId).toBe(jq[0]?.id);
  });
});
