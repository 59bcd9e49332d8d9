/**
 * Every recipe of the seed that reads or changes sessions, run for real (`ls`, `jq`, `find`,
 * `rm`, `bc`) next to the grok command that replaces it, on the same copy of the fixtures: they
 * must show, or do, the same thing. (The analysis recipes with sums and counts are in
 * test/analytics/seed-recipes.test.ts.)
 */
import { readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { copyFixtures, makeHome, runGrok, sh, type TempHome } from '../helpers.js';

let h: TempHome;
let other: TempHome;

/** Two identical copies of the fixtures, file mtimes = session end (as the runtime leaves them). */
function fill(home: TempHome): void {
  copyFixtures(home.sessions, 'sessions');
  for (const name of readdirSync(home.sessions)) {
    const raw = JSON.parse(readFileSync(join(home.sessions, name), 'utf8'));
    const t = new Date(raw.endTime ?? raw.startTime);
    utimesSync(join(home.sessions, name), t, t);
  }
}

const files = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
const json = (args: string[], env = h.env) => {
  const r = runGrok([...args, '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

beforeEach(() => {
  h = makeHome();
  other = makeHome();
  fill(h);
  fill(other);
});
afterEach(() => {
  h.cleanup();
  other.cleanup();
});

describe('View Sessions', () => {
  test('ls -ltr | tail -5 (recent sessions) → grok sessions list --limit 5', () => {
    const recent = lines(sh(`ls -tr "${h.sessions}" | tail -5`)).reverse();
    const listed = json(['sessions', 'list', '--limit', '5']).sessions.map(
      (s: { file: string }) => s.file,
    );
    expect(listed).toEqual(recent);
  });

  test("jq '.' (session details) → grok sessions show <id> --json", () => {
    const id = 'session-2025-11-05-18-40-30';
    const jq = JSON.parse(sh(`cat "${h.sessions}/${id}.json" | jq '.'`));
    expect(json(['sessions', 'show', id])).toEqual(jq);
  });

  // jq prints multi-line content on several lines; ours folds each message onto one line. Folded,
  // the two outputs are the same text.
  test('jq "\\(.role): \\(.content | .[0:100])..." (pretty print conversation) → show --width 100', () => {
    const id = 'session-2025-10-25-10-33-43';
    const jq = sh(
      `cat "${h.sessions}/${id}.json" | jq -r '.messages[] | "\\(.role): \\(.content | .[0:100])..."'`,
    );
    const ours = lines(runGrok(['sessions', 'show', id, '--width', '100'], h.env).stdout).map(
      (l) =>
        `${l.replace(/^(\w+): /, (_, role: string) => `${role.toLowerCase()}: `).replace(/…$/, '')}...`,
    );
    const fold = (t: string) => squash(t).replace(/ \.\.\./g, '...');
    expect(fold(ours.join(' '))).toBe(fold(jq));
  });

  test('select(.role=="assistant") | .content[0:200] (review) → show --role assistant --width 200', () => {
    const id = 'session-2025-11-05-18-40-30';
    const jq = sh(
      `cat "${h.sessions}/${id}.json" | jq -r '.messages[] | select(.role=="assistant") | .content | .[0:200]'`,
    );
    const ours = lines(
      runGrok(['sessions', 'show', id, '--role', 'assistant', '--width', '200'], h.env).stdout,
    ).map((l) => l.replace(/^assistant: /, '').replace(/…$/, ''));
    expect(ours.length).toBeGreaterThan(1);
    expect(squash(ours.join(' '))).toBe(squash(jq));
  });

  test('.messages[-3:] | .[] | .content (final findings) → show --tail 3', () => {
    const id = 'session-2025-11-05-18-40-30';
    const jq = lines(
      sh(`cat "${h.sessions}/${id}.json" | jq -r '.messages[-3:] | .[] | .content'`),
    );
    const out = runGrok(['sessions', 'show', id, '--tail', '3'], h.env).stdout;
    for (const content of jq) expect(out).toContain(content);
    const raw = JSON.parse(readFileSync(join(h.sessions, `${id}.json`), 'utf8'));
    const shown = [...out.matchAll(/^\[(\d+)\] /gm)].map((m) => Number(m[1]));
    const n = raw.messages.length;
    expect(shown).toEqual([n - 3, n - 2, n - 1]);
  });

  test('for file: jq .tokenUsage.total | sort (token usage by session) → list --sort tokens', () => {
    const jq = lines(
      sh(
        `for file in "${h.sessions}"/*.json; do echo "$(basename $file): $(jq -r '.tokenUsage.total' $file) tokens"; done | sort -t: -k2 -n`,
      ),
    ).map((l) => {
      const [file, tokens] = l.split(': ');
      return { file, total: Number.parseInt(tokens as string, 10) };
    });
    const ours = json(['sessions', 'list', '--sort', 'tokens']).sessions.map(
      (s: { file: string; tokens: { total: number } }) => ({ file: s.file, total: s.tokens.total }),
    );
    expect([...ours].reverse().map((s) => s.total)).toEqual(jq.map((s) => s.total));
    expect(new Set(ours.map((s: { file: string }) => s.file))).toEqual(
      new Set(jq.map((s) => s.file)),
    );
  });

  test('the seed cost report (bc, $0.01 per 1k tokens) → cost --month --rate 0.01 --by session', () => {
    const seed = lines(
      sh(
        `for file in "${h.sessions}"/session-2025-11-*.json; do tokens=$(jq -r '.tokenUsage.total' $file); cost=$(echo "scale=4; $tokens * 0.01 / 1000" | bc); echo "$(basename $file): $tokens tokens = \\$$cost"; done`,
      ),
    );
    const ours = json([
      'sessions',
      'cost',
      '--month',
      '2025-11',
      '--rate',
      '0.01',
      '--by',
      'session',
    ]);
    expect(ours.sessions).toHaveLength(seed.length);
    for (const line of seed) {
      const m = /^(.+): (\d+) tokens = \$(.*)$/.exec(line);
      const s = ours.sessions.find((x: { file: string }) => x.file === m?.[1]);
      expect(s?.total).toBe(Number(m?.[2]));
      // bc truncates to 4 decimals; we keep 6.
      expect(Math.trunc((s?.cost as number) * 1e4) / 1e4).toBeCloseTo(Number(m?.[3]), 4);
    }
  });
});

describe('Clean Up Sessions', () => {
  test('rm *.json (delete all sessions) → delete --all --yes', () => {
    sh(`rm "${other.sessions}"/*.json`);
    const r = runGrok(['sessions', 'delete', '--all', '--yes'], h.env);
    expect(r.code, r.stderr).toBe(0);
    expect(files(h.sessions)).toEqual(files(other.sessions));
    expect(files(h.sessions)).toEqual([]);
  });

  test('rm session-2025-11-05-*.json (one day) → delete --on 2025-11-05 --yes', () => {
    sh(`rm "${other.sessions}"/session-2025-11-05-*.json`);
    const dry = json(['sessions', 'delete', '--on', '2025-11-05', '--dry-run']);
    expect(files(h.sessions)).toHaveLength(files(other.sessions).length + 1);
    const r = runGrok(['sessions', 'delete', '--on', '2025-11-05', '--yes'], h.env);
    expect(r.code, r.stderr).toBe(0);
    expect(files(h.sessions)).toEqual(files(other.sessions));
    expect(JSON.stringify(dry)).toContain('session-2025-11-05-18-40-30.json');
  });
});
