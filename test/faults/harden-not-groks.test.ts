/**
 * harden changes only what is grok's: `--sessions-dir /` used to plan `/: 0755 → 0700`, and a
 * real run on a sticky world-writable directory (a /tmp) set it to 0700 while reporting
 * "0777 → 0700", the sticky bit hidden. Such directories are refused with the reason, doctor
 * and maintain --dry-run plan exactly what harden --check plans, and a 0500 sessions directory
 * (where no session can be saved) is fixed by harden, not called private while doctor flags it.
 */
import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notGroksDirectory, octal } from '../../src/maintenance/harden.js';
import { writeSession } from '../analytics/sessions.js';
import { homeForEachTest, runGrok } from '../helpers.js';

const mode = (path: string) => statSync(path).mode & 0o7777;
const recent = () => new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

interface Skip {
  path: string;
  kind: string;
  reason: string;
}

const h = homeForEachTest({ private: true });

describe('notGroksDirectory', () => {
  const refused = (path: string, m = 0o755) => notGroksDirectory(path, m);
  it('the root directory', () => expect(refused('/')).toBe('the root directory'));
  it.each(['/tmp', '/usr', '/home', '/var/tmp', '/usr/local', '/usr/local/bin', '/private/tmp'])(
    'system directory %s',
    (path) => expect(refused(path)).toBe('a system directory'),
  );
  it("the account's home", () => expect(refused(userInfo().homedir)).toBe('your home directory'));
  it('sticky', () =>
    expect(refused('/srv/x/shared', 0o1777)).toBe('a shared directory (sticky bit)'));
  it('world-writable', () =>
    expect(refused('/srv/x/drop', 0o777)).toBe('a shared directory (world-writable)'));
  it("a user's own directory may be changed", () =>
    expect(refused('/srv/x/.grok/sessions', 0o755)).toBeUndefined());
  it('modes keep their special bits', () =>
    expect([octal(0o41777), octal(0o100644)]).toEqual(['1777', '0644']));
});

describe('grok sessions harden and directories that are not grok’s', () => {
  it('--check --sessions-dir / plans nothing for /, says why, and exits 1', () => {
    const before = mode('/');
    const r = runGrok(['sessions', 'harden', '--check', '--sessions-dir', '/', '--json'], h.env);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { changed: { path: string }[]; skipped: Skip[] };
    expect(out.changed.map((c) => c.path)).not.toContain('/');
    expect(out.skipped).toContainEqual({
      path: '/',
      kind: 'not-grok',
      reason: `the root directory, mode ${octal(before)}: not grok's to change`,
    });
    expect(mode('/')).toBe(before);
  });

  it('a real run leaves a sticky world-writable directory 1777 and says so, sticky bit shown', () => {
    const shared = join(h.home, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const file = writeSession(shared, { start: recent() });
    chmodSync(file, 0o644);
    const r = runGrok(['sessions', 'harden', '--sessions-dir', shared], h.env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      `left ${shared}: a shared directory (sticky bit), mode 1777: not grok's to change\n`,
    );
    expect(r.stdout).not.toMatch(/0777 → 0700/);
    expect(mode(shared)).toBe(0o1777);
    // its session file is grok's: made private
    expect(mode(file)).toBe(0o600);
  });

  it('a world-writable directory without the sticky bit is left alone too', () => {
    const drop = join(h.home, 'drop');
    mkdirSync(drop);
    chmodSync(drop, 0o777);
    const r = runGrok(['sessions', 'harden', '--sessions-dir', drop, '--json'], h.env);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout).skipped as Skip[]).find((s) => s.path === drop)).toEqual({
      path: drop,
      kind: 'not-grok',
      reason: "a shared directory (world-writable), mode 0777: not grok's to change",
    });
    expect(mode(drop)).toBe(0o777);
  });

  it.skipIf(process.getuid?.() !== 0)('a directory owned by another user is left alone', () => {
    const theirs = join(h.home, 'theirs');
    mkdirSync(theirs);
    chmodSync(theirs, 0o755);
    chownSync(theirs, 54321, 54321);
    const r = runGrok(['sessions', 'harden', '--sessions-dir', theirs, '--json'], h.env);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout).skipped as Skip[]).find((s) => s.path === theirs)?.kind).toBe(
      'other-owner',
    );
    expect(mode(theirs)).toBe(0o755);
  });

  it('doctor and maintain --dry-run plan exactly what harden --check plans', () => {
    const shared = join(h.home, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    chmodSync(writeSession(shared, { start: recent() }), 0o644);
    const args = ['--sessions-dir', shared, '--json'];
    const check = JSON.parse(runGrok(['sessions', 'harden', '--check', ...args], h.env).stdout) as {
      changed: { path: string; from: string; to: string }[];
      skipped: Skip[];
    };
    expect(check.changed.length).toBeGreaterThan(0);
    const maintain = runGrok(['sessions', 'maintain', '--dry-run', ...args], h.env);
    expect(maintain.code, maintain.stderr).toBe(0);
    expect(JSON.parse(maintain.stdout).hardened).toEqual(
      check.changed.map((c) => `${c.path} ${c.from}→${c.to}`),
    );
    const doctor = runGrok(['sessions', 'doctor', ...args], h.env);
    expect(doctor.code).toBe(1);
    const findings = (JSON.parse(doctor.stdout).findings as { check: string; detail: string }[])
      .filter((f) => f.check === 'permissions')
      .map((f) => f.detail);
    expect(findings).toEqual([
      ...check.changed.map((c) => `${c.path} is ${c.from}, should be ${c.to}`),
      `${shared}: a shared directory (sticky bit), mode 1777: not grok's to change`,
    ]);
    expect(mode(shared)).toBe(0o1777);
  });
});

describe('a 0500 sessions directory', () => {
  it('harden plans 0500 → 0700 and fixes it; doctor flags it, then passes', () => {
    writeSession(h.sessions, { start: recent() });
    chmodSync(h.sessions, 0o500);
    const check = runGrok(['sessions', 'harden', '--check'], h.env);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`loose ${h.sessions}: 0500 → 0700\n`);
    expect(check.stdout).not.toContain('are private');
    const doctor = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.stdout).findings).toContainEqual(
      expect.objectContaining({
        check: 'permissions',
        detail: `${h.sessions} is 0500, should be 0700`,
        fix: 'grok sessions harden',
      }),
    );
    const fix = runGrok(['sessions', 'harden'], h.env);
    expect(fix.code, fix.stdout).toBe(0);
    expect(mode(h.sessions)).toBe(0o700);
    expect(runGrok(['sessions', 'doctor'], h.env).code).toBe(0);
  });
});
