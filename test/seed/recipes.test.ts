/**
 * Every recipe of the seed that reads or changes sessions, run for real (`ls`, `jq`, `find`,
 * `rm`, `bc`) next to the grok command that replaces it, on the same copy of the fixtures: they
 * must show, or do, the same thing. (The analysis recipes with sums and counts are in
 * test/analytics/seed-recipes.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { copyFixtures, FIXTURES, makeHome, runGrok, sh, type TempHome } from '../helpers.js';

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

describe('Clean Up, Archive, Security: the changing recipes', () => {
  test('find -name "*.json" -mtime +30 -delete → prune --older-than 30d', () => {
    // Half the sessions recent (mtime and times moved to the last few days), half old.
    const names = files(h.sessions);
    const recent = names.filter((_, i) => i % 2 === 0);
    for (const home of [h, other])
      for (const name of recent) {
        const path = join(home.sessions, name);
        const raw = JSON.parse(readFileSync(path, 'utf8'));
        const now = Date.now() - 86_400_000;
        raw.endTime = new Date(now).toISOString();
        writeFileSync(path, JSON.stringify(raw, null, 2));
        utimesSync(path, new Date(now), new Date(now));
      }
    sh(`find "${other.sessions}/" -name "*.json" -mtime +30 -delete`);
    const r = runGrok(['sessions', 'prune', '--older-than', '30d', '--yes', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // The same files are gone, except that grok keeps the sessions tagged `keep`.
    const keep = names.filter(
      (n) =>
        !recent.includes(n) &&
        (JSON.parse(readFileSync(join(FIXTURES, 'sessions', n), 'utf8')).tags ?? []).includes(
          'keep',
        ),
    );
    expect(keep.length).toBeGreaterThan(0);
    expect(files(h.sessions)).toEqual([...files(other.sessions), ...keep].sort());
    expect(out.protected.map((p: { file: string }) => p.file).sort()).toEqual(keep.sort());
  });

  test('ls -t | tail -n +11 | xargs rm (keep only the last 10) → prune --keep-last 10', () => {
    sh(`cd "${other.sessions}" && ls -t *.json | tail -n +11 | xargs rm`);
    const r = runGrok(['sessions', 'prune', '--keep-last', '10', '--yes', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const kept = files(h.sessions);
    // grok also keeps the older sessions tagged `keep`; the newest 10 are the same files.
    const tagged = kept.filter(
      (n) =>
        !files(other.sessions).includes(n) &&
        (JSON.parse(readFileSync(join(h.sessions, n), 'utf8')).tags ?? []).includes('keep'),
    );
    expect(kept).toEqual([...files(other.sessions), ...tagged].sort());
    expect(files(other.sessions)).toHaveLength(10);
  });

  test('mv session-2025-11-*.json + tar -czf (archive by month) → archive --month 2025-11', () => {
    const stage = join(other.home, 'session-archives', '2025-11');
    sh(
      `mkdir -p "${stage}" && mv "${other.sessions}"/session-2025-11-*.json "${stage}/" && tar -czf "${other.home}/session-archives/2025-11.tar.gz" -C "${stage}" .`,
    );
    const r = runGrok(['sessions', 'archive', '--month', '2025-11', '--yes', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    // The same files move, except that grok leaves the sessions tagged `keep` live.
    const kept = files(h.sessions).filter((n) => !files(other.sessions).includes(n));
    expect(kept).toEqual(['session-2025-11-05-18-40-30.json']);
    expect(JSON.parse(readFileSync(join(h.sessions, kept[0] as string), 'utf8')).tags).toContain(
      'keep',
    );
    const theirs = lines(sh(`tar -tzf "${other.home}/session-archives/2025-11.tar.gz"`))
      .map((l) => l.replace(/^\.\//, ''))
      .filter((l) => l.endsWith('.json'))
      .sort();
    const ours = lines(sh(`tar -tzf "${h.home}/archives/2025-11.tar.gz"`)).sort();
    expect(ours).toEqual(theirs.filter((n) => !kept.includes(n)));
    // and the same bytes come out
    const out = join(h.home, 'x');
    sh(`mkdir "${out}" && tar -xzf "${h.home}/archives/2025-11.tar.gz" -C "${out}"`);
    for (const name of ours)
      expect(readFileSync(join(out, name)).equals(readFileSync(join(stage, name)))).toBe(true);
  });

  test('chmod 700 sessions/; chmod 600 *.json; ls -la → harden; harden --check', () => {
    sh(
      `chmod 755 "${h.sessions}" "${other.sessions}" && chmod 644 "${h.sessions}"/*.json "${other.sessions}"/*.json`,
    );
    sh(`chmod 700 "${other.sessions}/" && chmod 600 "${other.sessions}"/*.json`);
    expect(runGrok(['sessions', 'harden', '--check'], h.env).code).toBe(1);
    expect(runGrok(['sessions', 'harden'], h.env).code).toBe(0);
    const modes = (dir: string) =>
      sh(`ls -la "${dir}" | awk 'NR>1 && $NF != ".." {print $1, $NF}'`);
    expect(modes(h.sessions)).toBe(modes(other.sessions));
    expect(modes(h.sessions)).toMatch(/^drwx------ \.\n(-rw------- session-.*\.json\n)+$/);
    expect(runGrok(['sessions', 'harden', '--check'], h.env).code).toBe(0);
  });

  test("jq '.' to validate; rm if unrecoverable → doctor names it, repair recovers it", () => {
    const bad = join(h.sessions, 'session-2025-11-05-18-40-30.json');
    const original = JSON.parse(readFileSync(bad, 'utf8'));
    writeFileSync(bad, readFileSync(bad, 'utf8').slice(0, 3000));
    expect(spawnSync('jq', ['.', bad], { encoding: 'utf8' }).status).not.toBe(0);
    const doctor = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.stdout).findings).toContainEqual(
      expect.objectContaining({
        check: 'unreadable session',
        fix: 'grok sessions repair session-2025-11-05-18-40-30.json',
      }),
    );
    expect(runGrok(['sessions', 'repair', 'session-2025-11-05-18-40-30.json'], h.env).code).toBe(0);
    expect(spawnSync('jq', ['.', bad], { encoding: 'utf8' }).status).toBe(0);
    const repaired = JSON.parse(readFileSync(bad, 'utf8'));
    expect(repaired.messages[0]).toEqual(original.messages[0]);
  });
});

describe('Session Organization', () => {
  test('cp session.json …/auth-refactor-session.json (topic in the file name) → rename + show by name', () => {
    const id = 'session-2025-11-05-18-40-30';
    const copy = join(other.home, 'auth-refactor-session.json');
    sh(`cp "${other.sessions}/${id}.json" "${copy}"`);
    expect(runGrok(['sessions', 'rename', id, 'auth-refactor'], h.env).code).toBe(0);
    const byName = JSON.parse(
      runGrok(['sessions', 'show', 'auth-refactor', '--json'], h.env).stdout,
    );
    const theirs = JSON.parse(sh(`jq '.' "${copy}"`));
    // the same session, now found by its topic; only the added name differs
    expect({ ...byName, name: undefined }).toEqual({ ...theirs, name: undefined });
    expect(byName.name).toBe('auth-refactor');
    expect(sh(`jq -r '.tokenUsage.total' "${join(h.sessions, `${id}.json`)}"`)).toBe(
      sh(`jq -r '.tokenUsage.total' "${copy}"`),
    );
  });

  test('mv session-2025-11-05-*.json ~/projects/myapp/.sessions/ + GROK_SESSIONS_DIR → the same files listed', () => {
    const project = join(other.home, 'myapp', '.sessions');
    sh(
      `mkdir -p "${project}" && mv "${other.sessions}"/session-2025-11-0[1-5]-*.json "${project}/"`,
    );
    const listed = JSON.parse(
      runGrok(['sessions', 'list', '--json'], { ...other.env, GROK_SESSIONS_DIR: project }).stdout,
    ).sessions.map((s: { file: string }) => s.file);
    expect(listed.sort()).toEqual(files(project));
    expect(listed.length).toBeGreaterThan(1);
  });

  test('rm -rf sessions/ && mkdir sessions/ → delete --all leaves an empty, private directory', () => {
    sh(`rm -rf "${other.sessions}/" && mkdir "${other.sessions}/"`);
    expect(runGrok(['sessions', 'delete', '--all', '--yes'], h.env).code).toBe(0);
    expect(readdirSync(h.sessions)).toEqual(readdirSync(other.sessions));
    expect(runGrok(['sessions', 'doctor'], h.env).code).toBe(0);
  });
});
