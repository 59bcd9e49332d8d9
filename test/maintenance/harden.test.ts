/**
 * harden: 0644 files and a 0755 directory become 0600/0700 whatever the umask; a symlink's target
 * is left alone; --check reports and changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harden } from '../../src/maintenance/harden.js';
import { writeSession } from '../analytics/sessions.js';
import { BIN, homeForEachTest, runGrok } from '../helpers.js';
import { snapshot } from './snapshot.js';

const mode = (path: string) => statSync(path).mode & 0o777;

function grokUnder(umask: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(
    'sh',
    ['-c', `umask ${umask}; exec "$0" "$@"`, process.execPath, BIN, ...args],
    {
      env,
      encoding: 'utf8',
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each(['000', '077', '022'])('grok sessions harden under umask %s', (umask) => {
  const h = homeForEachTest();

  it('fixes loose files and directories, leaves a symlink target alone; --check changes nothing', () => {
    const a = writeSession(h.sessions, { start: '2025-10-01T10:00:00Z' });
    const b = writeSession(h.sessions, { start: '2025-10-02T10:00:00Z' });
    chmodSync(a, 0o644);
    chmodSync(b, 0o666);
    chmodSync(h.sessions, 0o755);
    chmodSync(h.home, 0o755);
    writeFileSync(join(h.home, 'settings.json'), '{}', { mode: 0o644 });
    chmodSync(join(h.home, 'settings.json'), 0o644);
    mkdirSync(join(h.home, 'archives'), { mode: 0o755 });
    chmodSync(join(h.home, 'archives'), 0o755);
    writeFileSync(join(h.home, 'archives', '2025-09.tar.gz'), 'x');
    chmodSync(join(h.home, 'archives', '2025-09.tar.gz'), 0o644);
    for (const name of ['index.duckdb', 'index.duckdb.wal']) {
      writeFileSync(join(h.home, name), 'x');
      chmodSync(join(h.home, name), 0o644);
    }
    // what DuckDB spilled during a build that stopped before its close, beside the index
    const spill = join(h.home, 'index.duckdb.tmp');
    mkdirSync(spill);
    chmodSync(spill, 0o755);
    writeFileSync(join(spill, 'duckdb_temp_storage_S32K-0.tmp'), 'x');
    chmodSync(join(spill, 'duckdb_temp_storage_S32K-0.tmp'), 0o644);
    mkdirSync(join(h.home, 'logs'));
    chmodSync(join(h.home, 'logs'), 0o755);
    writeFileSync(join(h.home, 'logs', 'maintenance.log'), '{}\n');
    chmodSync(join(h.home, 'logs', 'maintenance.log'), 0o644);
    // another tool's file in the sessions directory is not grok's to change
    writeFileSync(join(h.sessions, 'notes.txt'), 'x');
    chmodSync(join(h.sessions, 'notes.txt'), 0o644);
    // A symlink in the sessions directory to a file elsewhere that must stay 0644.
    const shared = join(h.home, '..', `${h.home.split('/').pop()}-shared.json`);
    writeFileSync(shared, '{}');
    chmodSync(shared, 0o644);
    symlinkSync(shared, join(h.sessions, 'session-2025-10-03-10-00-00.json'));

    try {
      const before = snapshot(h.home);
      const check = grokUnder(umask, ['sessions', 'harden', '--check', '--json'], h.env);
      expect(check.code).toBe(1);
      const loose = JSON.parse(check.stdout).changed.map((c: { path: string; from: string }) => [
        c.path.slice(h.home.length),
        c.from,
      ]);
      expect(loose.sort()).toEqual(
        [
          ['', '0755'],
          ['/settings.json', '0644'],
          ['/sessions', '0755'],
          ['/sessions/session-2025-10-01-10-00-00.json', '0644'],
          ['/sessions/session-2025-10-02-10-00-00.json', '0666'],
          ['/archives', '0755'],
          ['/archives/2025-09.tar.gz', '0644'],
          ['/index.duckdb', '0644'],
          ['/index.duckdb.wal', '0644'],
          ['/index.duckdb.tmp', '0755'],
          ['/index.duckdb.tmp/duckdb_temp_storage_S32K-0.tmp', '0644'],
          ['/logs', '0755'],
          ['/logs/maintenance.log', '0644'],
        ].sort(),
      );
      expect(snapshot(h.home)).toEqual(before);

      const fix = grokUnder(umask, ['sessions', 'harden', '--json'], h.env);
      expect(fix.code, fix.stderr).toBe(0);
      const result = JSON.parse(fix.stdout);
      expect(result.changed).toHaveLength(13);
      expect(result.skipped).toEqual([
        {
          path: join(h.sessions, 'session-2025-10-03-10-00-00.json'),
          kind: 'symlink',
          reason: 'a symlink: not followed, left alone',
        },
      ]);
      expect(mode(h.home)).toBe(0o700);
      expect(mode(h.sessions)).toBe(0o700);
      expect(mode(a)).toBe(0o600);
      expect(mode(b)).toBe(0o600);
      expect(mode(join(h.home, 'settings.json'))).toBe(0o600);
      expect(mode(join(h.home, 'archives'))).toBe(0o700);
      expect(mode(join(h.home, 'archives', '2025-09.tar.gz'))).toBe(0o600);
      expect(mode(join(h.home, 'index.duckdb'))).toBe(0o600);
      expect(mode(join(h.home, 'index.duckdb.wal'))).toBe(0o600);
      expect(mode(spill)).toBe(0o700);
      expect(mode(join(spill, 'duckdb_temp_storage_S32K-0.tmp'))).toBe(0o600);
      expect(mode(join(h.home, 'logs'))).toBe(0o700);
      expect(mode(join(h.home, 'logs', 'maintenance.log'))).toBe(0o600);
      expect(mode(join(h.sessions, 'notes.txt'))).toBe(0o644);
      expect(mode(shared)).toBe(0o644);

      const again = grokUnder(umask, ['sessions', 'harden', '--check'], h.env);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^left .*symlink.*\nAll \d+ paths are private/);
    } finally {
      spawnSync('rm', ['-f', shared]);
    }
  });
});

describe('harden({check}, env)', () => {
  const h = homeForEachTest();

  it('follows a sessions directory that is a symlink, as every command reads through it', async () => {
    const real = join(h.home, 'elsewhere');
    mkdirSync(real, { mode: 0o755 });
    const a = writeSession(real, { start: '2025-10-01T10:00:00Z' });
    chmodSync(a, 0o644);
    chmodSync(real, 0o755);
    const link = join(h.home, 'linked-sessions');
    symlinkSync(real, link);
    const r = await harden({ sessionsDir: link }, h.env);
    expect(r.changed).toEqual(
      expect.arrayContaining([
        { path: real, from: '0755', to: '0700' },
        { path: a, from: '0644', to: '0600' },
      ]),
    );
    expect([mode(real), mode(a)]).toEqual([0o700, 0o600]);
    expect((await harden({ sessionsDir: link, check: true }, h.env)).loose).toBe(0);
  });

  it('reports what is loose without changing it, for the GROK_HOME of the env it is given', async () => {
    const a = writeSession(h.sessions, { start: '2025-10-01T10:00:00Z' });
    chmodSync(a, 0o640);
    const r = await harden({ check: true }, h.env);
    expect(r.changed).toEqual([{ path: a, from: '0640', to: '0600' }]);
    expect(r.loose).toBe(1);
    expect(mode(a)).toBe(0o640);
    const fixed = await harden({}, h.env);
    expect(fixed.loose).toBe(0);
    expect(mode(a)).toBe(0o600);
    expect((await harden({ check: true }, h.env)).changed).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'a file owned by another user is reported, not changed',
    () => {
      const a = writeSession(h.sessions, { start: '2025-10-01T10:00:00Z' });
      const b = writeSession(h.sessions, { start: '2025-10-02T10:00:00Z' });
      chmodSync(a, 0o644);
      chmodSync(b, 0o644);
      chownSync(b, 54321, 54321);
      const check = runGrok(['sessions', 'harden', '--check', '--json'], h.env);
      expect(check.code).toBe(1);
      const fix = runGrok(['sessions', 'harden', '--json'], h.env);
      // b stays loose: the run says so and exits 1
      expect(fix.code).toBe(1);
      const out = JSON.parse(fix.stdout);
      expect(out.changed).toEqual([{ path: a, from: '0644', to: '0600' }]);
      expect(out.skipped).toEqual([
        {
          path: b,
          kind: 'other-owner',
          reason: 'owned by another user (uid 54321), mode 0644: not changed',
        },
      ]);
      expect(mode(a)).toBe(0o600);
      expect(mode(b)).toBe(0o644);
      const doctor = runGrok(['sessions', 'doctor', '--json'], h.env);
      expect(doctor.code).toBe(1);
      expect(JSON.parse(doctor.stdout).findings).toContainEqual(
        expect.objectContaining({ check: 'permissions', fix: `sudo chown "$(id -un)" ${b}` }),
      );
    },
  );
});
