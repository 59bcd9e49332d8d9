/**
 * doctor: a healthy directory passes; a corrupt file, a leftover temp file and a 0644 file each
 * fail it with the command that fixes them, and running those fixes makes it pass again.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  duckdbTracePreload,
  FIXTURES,
  homeForEachTest,
  makeHome,
  runGrok,
  sh,
} from '../helpers.js';

const SOURCE = 'session-2025-08-30-17-14-12.json';
const pretty = readFileSync(join(FIXTURES, 'sessions', SOURCE), 'utf8');

interface Finding {
  level: 'problem' | 'note';
  check: string;
  detail: string;
  fix: string | null;
}

const h = homeForEachTest({ private: true });

describe('grok sessions doctor', () => {
  it('passes a healthy directory, even with foreign files and a stale lock (notes only)', () => {
    writeFileSync(join(h.sessions, SOURCE), pretty, { mode: 0o600 });
    writeFileSync(join(h.sessions, 'notes.txt'), 'mine', { mode: 0o644 });
    // a lock whose process is gone: pid 2^22 + 1 is above Linux's pid_max
    writeFileSync(join(h.sessions, `.${SOURCE}.lock`), '4194305\n', { mode: 0o600 });
    const ok = runGrok(['sessions', 'doctor'], h.env);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^1 sessions in /);
    expect(ok.stdout).toMatch(/No problems found\.\n$/);
    // with no index file there is nothing to open: DuckDB is not even loaded
    const trace = duckdbTracePreload(h.home);
    const json = runGrok(['sessions', 'doctor', '--json'], {
      ...h.env,
      NODE_OPTIONS: `--require ${trace}`,
    });
    expect(json.stderr).not.toContain('LOADED');
    expect(json.code).toBe(0);
    const findings: Finding[] = JSON.parse(json.stdout).findings;
    expect(findings.map((f) => [f.level, f.check]).sort()).toEqual([
      ['note', 'foreign entry'],
      ['note', 'stale lock'],
    ]);
  });

  it('names the fix for a corrupt file, a temp file and a 0644 file; the fixes clear them', () => {
    writeFileSync(join(h.sessions, SOURCE), pretty, { mode: 0o600 });
    const corrupt = 'session-2025-10-01-00-00-00.json';
    // the temp file of a process long gone (no pid is that high)
    const temp = '.session-2025-10-02-00-00-00.json.999999999.0badcafe.tmp';
    const loose = 'session-2025-10-03-00-00-00.json';
    writeFileSync(join(h.sessions, corrupt), pretty.slice(0, 900), { mode: 0o600 });
    writeFileSync(join(h.sessions, temp), '{', { mode: 0o600 });
    writeFileSync(join(h.sessions, loose), pretty);
    chmodSync(join(h.sessions, loose), 0o644);

    const r = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(r.code).toBe(1);
    const problems = (JSON.parse(r.stdout).findings as Finding[])
      .filter((f) => f.level === 'problem')
      .map((f) => [f.check, f.fix]);
    expect(problems.sort()).toEqual(
      [
        ['leftover temp file', `rm ${join(h.sessions, temp)}`],
        ['permissions', 'grok sessions harden'],
        ['unreadable session', `grok sessions repair ${corrupt}`],
      ].sort(),
    );
    const text = runGrok(['sessions', 'doctor'], h.env);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${join(h.sessions, loose)} is 0644, should be 0600`);
    expect(text.stdout).toContain(`fix: grok sessions repair ${corrupt}`);
    expect(text.stdout).toContain('fix: grok sessions harden');
    expect(text.stdout).toMatch(/3 problems found\.\n$/);

    // following the fixes clears them
    expect(runGrok(['sessions', 'repair', corrupt], h.env).code).toBe(0);
    expect(runGrok(['sessions', 'harden'], h.env).code).toBe(0);
    sh(`rm "${join(h.sessions, temp)}"`);
    const after = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(after.code, after.stdout).toBe(0);
    const notes = (JSON.parse(after.stdout).findings as Finding[]).map((f) => [f.level, f.check]);
    expect(notes).toEqual([['note', 'repair backup']]);
    expect(readdirSync(h.sessions).filter((n) => n.includes('.bak-'))).toHaveLength(1);
  });

  it('a loose spill directory beside the index (a build that stopped) is a permissions problem harden clears', () => {
    writeFileSync(join(h.sessions, SOURCE), pretty, { mode: 0o600 });
    const spill = join(h.home, 'index.duckdb.tmp');
    mkdirSync(spill, { mode: 0o755 });
    chmodSync(spill, 0o755);
    writeFileSync(join(spill, 'duckdb_temp_storage_S32K-0.tmp'), 'x');
    chmodSync(join(spill, 'duckdb_temp_storage_S32K-0.tmp'), 0o644);
    const r = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(r.code).toBe(1);
    const details = (JSON.parse(r.stdout).findings as Finding[])
      .filter((f) => f.check === 'permissions')
      .map((f) => [f.detail, f.fix]);
    expect(details.sort()).toEqual(
      [
        [`${spill} is 0755, should be 0700`, 'grok sessions harden'],
        [
          `${join(spill, 'duckdb_temp_storage_S32K-0.tmp')} is 0644, should be 0600`,
          'grok sessions harden',
        ],
      ].sort(),
    );
    expect(runGrok(['sessions', 'harden'], h.env).code).toBe(0);
    const after = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect((JSON.parse(after.stdout).findings as Finding[]).map((f) => f.check)).not.toContain(
      'permissions',
    );
  });

  it('a missing sessions directory, or a file in its place, is a problem with its own fix', () => {
    const bare = makeHome({ withSessions: false });
    try {
      const finding = () => {
        const r = runGrok(['sessions', 'doctor', '--json'], bare.env);
        expect(r.code).toBe(1);
        const findings: Finding[] = JSON.parse(r.stdout).findings;
        return findings.find((f) => f.check === 'sessions directory');
      };
      expect(finding()).toMatchObject({
        detail: `${bare.sessions} does not exist: no session can be saved`,
        fix: `mkdir -p -m 700 ${bare.sessions}`,
      });
      // a path the shell would split is quoted in the fix
      const spaced = join(bare.home, 'my sessions');
      const r = runGrok(['sessions', 'doctor', '--json'], {
        ...bare.env,
        GROK_SESSIONS_DIR: spaced,
      });
      expect(JSON.parse(r.stdout).findings).toContainEqual(
        expect.objectContaining({ fix: `mkdir -p -m 700 '${spaced}'` }),
      );
      writeFileSync(bare.sessions, 'not a directory');
      expect(finding()).toMatchObject({
        detail: `${bare.sessions} is not a directory: no session can be saved`,
        fix: `move it aside, then mkdir -m 700 ${bare.sessions}`,
      });
    } finally {
      bare.cleanup();
    }
  });
});

describe('grok sessions doctor on a file with nothing to recover', () => {
  it('a temp file a running grok is writing is a note, not a leftover to remove', () => {
    writeFileSync(join(h.sessions, SOURCE), pretty, { mode: 0o600 });
    // this test's process: alive, and not the doctor itself
    const writing = `.${SOURCE}.${process.pid}.0badcafe.tmp`;
    writeFileSync(join(h.sessions, writing), '{', { mode: 0o600 });
    // an archive run going: its staging folder, beside the lock it holds
    const archives = join(h.home, 'archives');
    mkdirSync(join(archives, '.staging-x1'), { recursive: true, mode: 0o700 });
    chmodSync(archives, 0o700);
    writeFileSync(join(archives, '.archive.lock'), `${process.pid}\n`);
    const r = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([
      {
        level: 'note',
        check: 'temp file',
        detail: `${writing}: being written by grok (pid ${process.pid})`,
        fix: null,
      },
      {
        level: 'note',
        check: 'temp file',
        detail: `.staging-x1 in the archive directory: being written by grok (pid ${process.pid})`,
        fix: null,
      },
    ]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "a session of the user's own that they cannot read: the fix gives the permission back",
    () => {
      // run as nobody, who owns the home; root reads any file, whatever its mode
      const file = join(h.sessions, SOURCE);
      writeFileSync(file, pretty, { mode: 0o600 });
      sh(`chown -R 65534:65534 "${h.home}" && chmod 000 "${file}"`);
      const r = spawnSync(
        'setpriv',
        [
          '--reuid',
          '65534',
          '--regid',
          '65534',
          '--clear-groups',
          process.execPath,
          BIN,
          'sessions',
          'doctor',
          '--json',
        ],
        { env: h.env, encoding: 'utf8', cwd: h.home },
      );
      expect(r.status, r.stderr).toBe(1);
      const fixes = (JSON.parse(r.stdout).findings as Finding[])
        .filter((f) => f.check === 'unreadable session')
        .map((f) => f.fix);
      expect(fixes).toEqual([`chmod 600 ${file}`]);
    },
  );

  it('names rm, not repair, for an empty or all-NUL file', () => {
    const empty = join(h.sessions, 'session-2025-10-01-00-00-00.json');
    const nul = join(h.sessions, 'session-2025-10-02-00-00-00.json');
    writeFileSync(empty, '', { mode: 0o600 });
    writeFileSync(nul, Buffer.alloc(512), { mode: 0o600 });
    const r = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(r.code).toBe(1);
    const fixes = (JSON.parse(r.stdout).findings as Finding[]).map((f) => f.fix);
    expect(fixes).toEqual([
      `rm ${empty} (nothing in it can be recovered)`,
      `rm ${nul} (nothing in it can be recovered)`,
    ]);
  });
});

describe('grok sessions doctor and the index', () => {
  it('an index DuckDB cannot open is a problem whose fix is removing the cache', () => {
    const index = join(h.home, 'index.duckdb');
    writeFileSync(index, 'not a database', { mode: 0o600 });
    const r = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(r.code).toBe(1);
    const findings: Finding[] = JSON.parse(r.stdout).findings;
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'problem',
        check: 'index',
        fix: `rm ${index} (the next analytics command rebuilds it)`,
      }),
    ]);
  });
});
