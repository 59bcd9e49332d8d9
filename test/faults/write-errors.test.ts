/**
 * Errors of the file system where a message belongs: the runtime in a sessions directory it
 * cannot write (EACCES on the lock) and `archive` on a full disk (ENOSPC on the lock) used to
 * print "internal error". Each is one line naming the directory and what to do, exit 1.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { type ChatFixture, chatFixture } from '../chat/setup.js';
import { BIN, makeHome, runAsync, type TempHome } from '../helpers.js';

const isRoot = process.getuid?.() === 0;
/** Whether this process may make a mount namespace and mount a tmpfs in it. */
const canMountTmpfs =
  isRoot &&
  spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], {
    stdio: 'ignore',
  }).status === 0;

let f: ChatFixture | undefined;
let h: TempHome | undefined;
afterEach(async () => {
  await f?.cleanup();
  h?.cleanup();
  f = undefined;
  h = undefined;
});

describe('the runtime in a sessions directory it cannot write', () => {
  // run as nobody: root writes anywhere, whatever the mode
  it.skipIf(!isRoot)('says so in one line naming the directory, and exits 1', async () => {
    f = await chatFixture();
    const sessions = f.home.sessions;
    spawnSync('chown', ['-R', '65534:65534', f.home.home]);
    chmodSync(sessions, 0o500);
    const r = await runAsync(
      'setpriv',
      ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, BIN, 'hello'],
      { env: f.env, cwd: f.project, input: '/exit\n' },
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain(
      `grok: cannot save the session in ${sessions}: permission denied (see grok sessions doctor for the fix)\n`,
    );
    expect(r.stderr).toContain(`grok: the session was not saved in ${sessions}\n`);
    expect(r.code).toBe(1);
  });
});

describe('archive on a full disk', () => {
  it.skipIf(!canMountTmpfs)(
    'says so in one line naming the directory; every session stays',
    async () => {
      h = makeHome();
      const seed = join(h.home, 'seed');
      mkdirSync(seed);
      for (const day of ['01', '02', '03'])
        writeSession(seed, { start: `2025-01-${day}T10:00:00Z` });
      const disk = join(h.home, 'disk');
      mkdirSync(disk);
      // the home on a 256 KB tmpfs of its own, filled to the last byte before archive runs
      const script = [
        'set -e',
        `mount -t tmpfs -o size=256k,mode=0700 tmpfs "${disk}"`,
        `mkdir -m 700 "${disk}/sessions" "${disk}/archives"`,
        `cp "${seed}"/*.json "${disk}/sessions/"`,
        `dd if=/dev/zero of="${disk}/fill" bs=4k 2>/dev/null || true`,
        `set +e`,
        `"$1" "${BIN}" sessions archive --month 2025-01 --yes`,
        'echo "exit=$?" >&2',
        `ls "${disk}/sessions" >&2`,
      ].join('\n');
      writeFileSync(join(h.home, 'full-disk.sh'), script);
      const r = await runAsync(
        'unshare',
        ['-m', 'sh', join(h.home, 'full-disk.sh'), process.execPath],
        {
          env: { ...h.env, GROK_HOME: disk },
        },
      );
      const archives = join(disk, 'archives');
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).toBe(
        [
          `grok: cannot take the archive lock in ${archives}: no space left on device (free space on the disk that holds ${archives}, then run this again)`,
          'exit=1',
          'session-2025-01-01-10-00-00.json',
          'session-2025-01-02-10-00-00.json',
          'session-2025-01-03-10-00-00.json',
          '',
        ].join('\n'),
      );
    },
  );
});
