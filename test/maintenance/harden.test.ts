/**
 * harden: 0644 files and a 0755 directory become 0600/0700 whatever the umask; a symlink's target
 * is left alone; --check reports and changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { BIN, makeHome, type TempHome } from '../helpers.js';
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
  let h: TempHome;
  beforeEach(() => {
    h = makeHome();
  });
  afterEach(() => h.cleanup());

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
        ].sort(),
      );
      expect(snapshot(h.home)).toEqual(before);

      const fix = grokUnder(umask, ['sessions', 'harden', '--json'], h.env);
      expect(fix.code, fix.stderr).toBe(0);
      const result = JSON.parse(fix.stdout);
      expect(result.changed).toHaveLength(7);
      expect(result.skipped).toEqual([
        {
          path: join(h.sessions, 'session-2025-10-03-10-00-00.json'),
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
      expect(mode(shared)).toBe(0o644);

      const again = grokUnder(umask, ['sessions', 'harden', '--check'], h.env);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^left .*symlink.*\nAll \d+ paths are private/);
    } finally {
      spawnSync('rm', ['-f', shared]);
    }
  });
});
