/**
 * The foundation's acceptance, end to end: the built CLI over the fixtures, clean and broken.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFixtures, FIXTURES, makeHome, runGrok, sh, type TempHome } from '../helpers.js';

interface RawSession {
  sessionId: string;
  messages: { toolCalls?: unknown[] }[];
  tokenUsage: { input: number; output: number; total: number };
  name?: string;
}

const fixtureFiles = (set: string) =>
  readdirSync(join(FIXTURES, set)).filter((n) => n.endsWith('.json'));
const readFixture = (set: string, name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, set, name), 'utf8')) as RawSession;

/** Every file of a directory with its size, mtime and hash: "changed nothing" means equal snapshots. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (!st?.isFile()) {
      out[name] = st ? 'dir' : 'dangling';
      continue;
    }
    const hash = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
    out[name] = `${st.size}:${st.mtimeMs}:${hash}`;
  }
  return out;
}

describe('grok sessions list', () => {
  let home: TempHome;
  beforeEach(() => {
    home = makeHome();
  });
  afterEach(() => home.cleanup());

  it('lists every good session once with correct counts, and every broken file under skipped', () => {
    copyFixtures(home.sessions, 'sessions');
    copyFixtures(home.sessions, 'sessions-extra');
    copyFixtures(home.sessions, 'broken');
    // A symlink in the directory pointing at a session file elsewhere, a subfolder, a temp file.
    const outside = join(home.home, 'outside');
    mkdirSync(outside);
    const good = fixtureFiles('sessions');
    const aSession = readFileSync(join(FIXTURES, 'sessions', good[0] as string));
    writeFileSync(join(outside, 'session-2030-01-01-00-00-00.json'), aSession);
    symlinkSync(
      join(outside, 'session-2030-01-01-00-00-00.json'),
      join(home.sessions, 'session-2030-01-01-00-00-00.json'),
    );
    mkdirSync(join(home.sessions, 'other-tool'));
    writeFileSync(join(home.sessions, 'other-tool', 'session-2030-01-02-00-00-00.json'), aSession);
    writeFileSync(
      join(home.sessions, '.session-2030-01-03-00-00-00.json.1.deadbeef.tmp'),
      aSession,
    );

    const r = runGrok(['sessions', 'list', '--json'], home.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      sessions: {
        file: string;
        sessionId: string;
        messages: number;
        toolCalls: number;
        tokens: RawSession['tokenUsage'];
      }[];
      skipped: { file: string; reason: string }[];
    };

    const expected = [
      ...good.map((name) => ({ name, raw: readFixture('sessions', name) })),
      ...fixtureFiles('sessions-extra').map((name) => ({
        name,
        raw: readFixture('sessions-extra', name),
      })),
    ];
    expect(out.sessions.map((s) => s.file).sort()).toEqual(expected.map((e) => e.name).sort());
    for (const { name, raw } of expected) {
      const listed = out.sessions.find((s) => s.file === name);
      expect(listed?.sessionId).toBe(raw.sessionId);
      expect(listed?.messages).toBe(raw.messages.length);
      expect(listed?.toolCalls).toBe(
        raw.messages.reduce((n, m) => n + (m.toolCalls?.length ?? 0), 0),
      );
      const { input, output, total } = raw.tokenUsage;
      expect(listed?.tokens).toEqual({ input, output, total });
    }
    expect(out.skipped.map((s) => s.file).sort()).toEqual(fixtureFiles('broken').sort());
    for (const s of out.skipped)
      expect(s.reason).toMatch(/^(empty file|only NUL bytes|invalid JSON|not a session)/);
    // newest first
    const starts = out.sessions.map((s) =>
      Date.parse((s as unknown as { startTime: string }).startTime),
    );
    for (let i = 1; i < starts.length; i++)
      expect(starts[i - 1]).toBeGreaterThanOrEqual(starts[i] as number);
    expect(out.sessions.some((s) => s.file.startsWith('session-2030'))).toBe(false);
  });

  it('prints a table with a note about unreadable files', () => {
    copyFixtures(home.sessions, 'sessions');
    copyFixtures(home.sessions, 'broken');
    const r = runGrok(['sessions', 'list', '--limit', '5'], home.env);
    expect(r.code).toBe(0);
    const broken = fixtureFiles('broken').length;
    // one line on stderr; which files and why: --json and doctor
    expect(r.stderr).toBe(
      `grok: warning: ${broken} files could not be read; see grok sessions doctor\n`,
    );
    expect(r.stdout).toMatch(
      /^ID\s+NAME\s+START \(UTC\)\s+DURATION\s+MODEL\s+MSGS\s+TOKENS\s+TOOLS\s+DIRECTORY/,
    );
    expect(r.stdout).toContain(`5 of ${fixtureFiles('sessions').length} sessions`);
  });

  it('filters by model, tag, date and size, and sorts', () => {
    copyFixtures(home.sessions, 'sessions');
    const all = fixtureFiles('sessions').map((name) => ({
      name,
      raw: readFixture('sessions', name) as RawSession & {
        model: string;
        tags?: string[];
        startTime: string;
      },
    }));
    const json = (args: string[]) =>
      JSON.parse(runGrok(['sessions', 'list', '--json', ...args], home.env).stdout).sessions as {
        file: string;
      }[];
    const model = all[0]?.raw.model as string;
    expect(
      json(['--model', model])
        .map((s) => s.file)
        .sort(),
    ).toEqual(
      all
        .filter((s) => s.raw.model === model)
        .map((s) => s.name)
        .sort(),
    );
    expect(
      json(['--tag', 'keep'])
        .map((s) => s.file)
        .sort(),
    ).toEqual(
      all
        .filter((s) => s.raw.tags?.includes('keep'))
        .map((s) => s.name)
        .sort(),
    );
    expect(
      json(['--over', '100k'])
        .map((s) => s.file)
        .sort(),
    ).toEqual(
      all
        .filter((s) => s.raw.tokenUsage.total > 100_000)
        .map((s) => s.name)
        .sort(),
    );
    const oct = all
      .filter((s) => s.raw.startTime >= '2025-10-01' && s.raw.startTime < '2025-11-01')
      .map((s) => s.name)
      .sort();
    expect(
      json(['--since', '2025-10-01', '--until', '2025-10-31'])
        .map((s) => s.file)
        .sort(),
    ).toEqual(oct);
    // an instant as bound: a session started exactly then is in, on either side
    const at = 'session-2025-12-11-09-22-14.json';
    for (const bound of ['--until', '--since']) {
      expect(json([bound, '2025-12-11T09:22:14Z']).map((s) => s.file)).toContain(at);
    }
    expect(json(['--until', '2025-12-11T09:22:13.999Z']).map((s) => s.file)).not.toContain(at);
    // nothing matched: said so, apart from an empty directory
    expect(runGrok(['sessions', 'list', '--model', 'no-such-model'], home.env).stdout).toBe(
      `No sessions in ${home.sessions} match these filters\n`,
    );
    const byTokens = json(['--sort', 'tokens', '--limit', '3']).map((s) => s.file);
    const top3 = [...all]
      .sort((a, b) => b.raw.tokenUsage.total - a.raw.tokenUsage.total)
      .slice(0, 3)
      .map((s) => s.name);
    expect(byTokens).toEqual(top3);
  });

  it('refuses bad flag values with exit 2 and one line', () => {
    for (const args of [
      ['--sort', 'size'],
      ['--since', 'yesterday'],
      ['--limit', '0'],
      ['--over', 'lots'],
    ]) {
      const r = runGrok(['sessions', 'list', ...args], home.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('resolves the sessions directory: --sessions-dir, then GROK_SESSIONS_DIR, then GROK_HOME', () => {
    const a = join(home.home, 'a');
    const b = join(home.home, 'b');
    copyFixtures(a, 'sessions');
    mkdirSync(b);
    const count = (args: string[], env: NodeJS.ProcessEnv) =>
      JSON.parse(runGrok(['sessions', 'list', '--json', ...args], env).stdout).sessions.length;
    expect(count([], home.env)).toBe(0);
    expect(count([], { ...home.env, GROK_SESSIONS_DIR: a })).toBe(fixtureFiles('sessions').length);
    expect(count(['--sessions-dir', b], { ...home.env, GROK_SESSIONS_DIR: a })).toBe(0);
    expect(count(['--sessions-dir', a], home.env)).toBe(fixtureFiles('sessions').length);
  });
});

describe('grok sessions show', () => {
  let home: TempHome;
  beforeEach(() => {
    home = makeHome();
    copyFixtures(home.sessions, 'sessions');
  });
  afterEach(() => home.cleanup());

  it('--json prints the file unchanged', () => {
    const name = fixtureFiles('sessions')[3] as string;
    const r = runGrok(['sessions', 'show', name.replace('.json', ''), '--json'], home.env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(readFixture('sessions', name));
    // a selection would be silently dropped: refused instead
    const id = name.replace('.json', '');
    const tail = runGrok(['sessions', 'show', id, '--json', '--tail', '1'], home.env);
    expect([tail.code, tail.stdout]).toEqual([2, '']);
    expect(tail.stderr).toMatch(
      /^grok: --tail cannot be used with --json, which prints the session file as it is/,
    );
    const several = runGrok(
      ['sessions', 'show', id, '--json', '--role', 'user', '--width', '80'],
      home.env,
    );
    expect([several.code, several.stdout]).toEqual([2, '']);
    expect(several.stderr).toMatch(/^grok: --role, --width cannot be used with --json/);
  });

  it('shows the conversation with roles, tool calls, usage and metadata', () => {
    const withTools = fixtureFiles('sessions').find((n) =>
      readFixture('sessions', n).messages.some((m) => (m.toolCalls?.length ?? 0) > 0),
    ) as string;
    const raw = readFixture('sessions', withTools) as RawSession & {
      model: string;
      metadata: { workingDirectory: string };
    };
    const r = runGrok(['sessions', 'show', withTools.replace('.json', '')], home.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Session     ${raw.sessionId}`);
    expect(r.stdout).toContain(`Model       ${raw.model}`);
    expect(r.stdout).toContain(`Directory   ${raw.metadata.workingDirectory}`);
    expect(r.stdout).toContain(raw.tokenUsage.total.toLocaleString('en-US'));
    expect(r.stdout).toMatch(/\[1\] user/);
    expect(r.stdout).toMatch(/⚙ (Glob|Grep|Read|Bash|Edit) /);
  });

  it('resolves latest, a unique prefix and a name', () => {
    const names = fixtureFiles('sessions').sort();
    const latest = runGrok(['sessions', 'show', 'latest', '--json'], home.env);
    const newest = names
      .map((n) => readFixture('sessions', n) as RawSession & { startTime: string })
      .sort((a, b) => (a.startTime < b.startTime ? 1 : -1))[0];
    expect(JSON.parse(latest.stdout).sessionId).toBe(newest?.sessionId);
    const named = names.map((n) => readFixture('sessions', n)).find((s) => s.name) as RawSession;
    const byName = runGrok(['sessions', 'show', named.name as string, '--json'], home.env);
    expect(JSON.parse(byName.stdout).sessionId).toBe(named.sessionId);
    const unique = names.find(
      (n) => names.filter((m) => m.startsWith(n.slice(0, 21))).length === 1,
    ) as string;
    const byPrefix = runGrok(['sessions', 'show', unique.slice(0, 21), '--json'], home.env);
    expect(JSON.parse(byPrefix.stdout).sessionId).toBe(readFixture('sessions', unique).sessionId);
  });
});

describe('bad references change nothing', () => {
  let home: TempHome;
  beforeEach(() => {
    home = makeHome();
    copyFixtures(home.sessions, 'sessions');
  });
  afterEach(() => home.cleanup());

  const cases: [string, string[], RegExp][] = [
    [
      'a path',
      ['show', '../../etc/passwd'],
      /^grok: invalid session reference '..\/..\/etc\/passwd': a reference is an id, a name or 'latest', not a path$/,
    ],
    [
      'a glob',
      ['delete', '*', '--yes'],
      /^grok: no session matches '\*' in .+ \(see grok sessions list\)$/,
    ],
    [
      'an unknown id',
      ['show', 'session-1999-01-01-00-00-00'],
      /^grok: no session matches 'session-1999-01-01-00-00-00'/,
    ],
    [
      'an ambiguous prefix',
      ['delete', 'session-2025', '--yes'],
      /^grok: 'session-2025' is ambiguous: it matches \d+ sessions \(session-2025-/,
    ],
    ['a NUL byte', ['rename', 'a\u0001b', 'x'], /^grok: no session matches/],
    ['dot-dot', ['tag', '..', 'x'], /^grok: invalid session reference '..'/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: exit 1, one line`, () => {
      const before = snapshot(home.sessions);
      const r = runGrok(['sessions', ...args], home.env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
      expect(snapshot(home.sessions)).toEqual(before);
    });
  }
});

describe('delete, rename, tag', () => {
  let home: TempHome;
  beforeEach(() => {
    home = makeHome();
    copyFixtures(home.sessions, 'sessions');
  });
  afterEach(() => home.cleanup());

  it('delete needs --yes without a terminal, --dry-run deletes nothing, --yes deletes', () => {
    const [a, b] = fixtureFiles('sessions').sort() as [string, string];
    const before = snapshot(home.sessions);
    const refused = runGrok(['sessions', 'delete', a.replace('.json', '')], home.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^grok: refusing to delete 1 session .* without confirmation: not on a terminal \(pass --yes/,
    );
    const dry = runGrok(
      ['sessions', 'delete', a.replace('.json', ''), b.replace('.json', ''), '--dry-run'],
      home.env,
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(`would delete ${a}\nwould delete ${b}\n`);
    expect(snapshot(home.sessions)).toEqual(before);
    const real = runGrok(
      ['sessions', 'delete', a.replace('.json', ''), b.replace('.json', ''), '--yes'],
      home.env,
    );
    expect(real.stdout).toBe(`deleted ${a}\ndeleted ${b}\n`);
    expect(real.code).toBe(0);
    const after = snapshot(home.sessions);
    expect(Object.keys(after).sort()).toEqual(
      Object.keys(before)
        .filter((n) => n !== a && n !== b)
        .sort(),
    );
  });

  it('rename and tag keep every other byte of meaning, and the seed jq recipes answer the same', () => {
    const name = fixtureFiles('sessions').sort()[5] as string;
    const file = join(home.sessions, name);
    const recipes = [
      `jq -r '.tokenUsage.total' "${file}"`,
      `jq -r '.messages[].toolCalls[]?.tool' "${file}"`,
      `cat "${file}" | jq -r '.messages[] | "\\(.role): \\(.content | .[0:100])..."'`,
      `jq -c 'del(.name, .tags)' "${file}"`,
    ];
    const before = recipes.map((r) => sh(r));
    const original = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const id = name.replace('.json', '');
    expect(runGrok(['sessions', 'rename', id, 'auth deep-dive'], home.env).code).toBe(0);
    expect(runGrok(['sessions', 'tag', 'auth deep-dive', 'auth', 'review'], home.env).code).toBe(0);
    expect(runGrok(['sessions', 'untag', id, 'review'], home.env).code).toBe(0);
    const after = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(after.name).toBe('auth deep-dive');
    expect(after.tags).toEqual(
      [...((original.tags as string[] | undefined) ?? []), 'auth'].filter(
        (t, i, a) => a.indexOf(t) === i,
      ),
    );
    const { name: _n, tags: _t, ...restAfter } = after;
    const { name: _n2, tags: _t2, ...restBefore } = original;
    expect(restAfter).toEqual(restBefore);
    expect(Object.keys(after).filter((k) => k !== 'name' && k !== 'tags')).toEqual(
      Object.keys(original).filter((k) => k !== 'name' && k !== 'tags'),
    );
    expect(recipes.map((r) => sh(r))).toEqual(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a name that would read as a reference or a path', () => {
    const id = fixtureFiles('sessions')[0]?.replace('.json', '') as string;
    for (const bad of ['latest', 'a/b', '..', 'session-2025-01-01', 'sess']) {
      const r = runGrok(['sessions', 'rename', id, bad], home.env);
      expect(r.code, bad).toBe(2);
    }
  });

  it('refuses a name another session holds, as a ref could no longer tell them apart', () => {
    const holder = 'session-2025-12-11-09-22-14.json';
    const other = fixtureFiles('sessions').find((f) => f !== holder) as string;
    const before = readFileSync(join(home.sessions, other));
    const r = runGrok(['sessions', 'rename', other.replace('.json', ''), 'rate-limiter'], home.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `grok: 'rate-limiter' already names ${holder}: a name is a reference to one session (choose another name, or rename that session first)\n`,
    );
    expect(readFileSync(join(home.sessions, other)).equals(before)).toBe(true);
    // the holder may be given its own name again
    expect(runGrok(['sessions', 'rename', 'rate-limiter', 'rate-limiter'], home.env).code).toBe(0);
    expect(runGrok(['sessions', 'show', 'rate-limiter', '--json'], home.env).code).toBe(0);
  });
});

describe('help and version', () => {
  it('grok --version prints the package version', () => {
    const home = makeHome();
    const r = runGrok(['--version'], home.env);
    const pkg = JSON.parse(readFileSync(join(FIXTURES, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(pkg.version);
    home.cleanup();
  });

  it('grok sessions --help lists every subcommand with one line', () => {
    const home = makeHome();
    const r = runGrok(['sessions', '--help'], home.env);
    expect(r.code).toBe(0);
    for (const cmd of [
      'list',
      'show <ref>',
      'delete [...refs]',
      'rename <ref> <name>',
      'tag <ref> <...tags>',
      'untag <ref> <...tags>',
    ]) {
      expect(r.stdout).toMatch(
        new RegExp(`^  ${cmd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+\\S.*$`, 'm'),
      );
    }
    // one output format at a time: neither is picked silently
    for (const args of [['list'], ['stats'], ['query', 'SELECT 1']]) {
      const both = runGrok(['sessions', ...args, '--json', '--csv'], home.env);
      expect(both.code, args[0]).toBe(2);
      expect(both.stdout, args[0]).toBe('');
      expect(both.stderr, args[0]).toBe('grok: --json and --csv: give one of them\n');
    }
    // a negative value is the option's, and the option says what is wrong with it
    for (const [args, message] of [
      [['list', '--limit', '-1'], "--limit: '-1' is not a positive whole number"],
      [['top', '-n', '-3'], "-n: '-3' is not a positive whole number"],
      [['stats', '--since', '-2024'], "--since: '-2024' is not a date"],
      // the command found after a global option and its value
      [['--sessions-dir', home.sessions, 'list', '--limit', '-1'], "--limit: '-1' is not a"],
    ] as const) {
      const r = runGrok(['sessions', ...args], home.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(`grok: ${message}`);
    }
    const unknown = runGrok(['sessions', 'frobnicate'], home.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "grok: unknown command 'grok sessions frobnicate' (see grok sessions --help)\n",
    );
    home.cleanup();
  });
});
