/**
 * `cron install|uninstall|status` against Debian's real `crontab`, run as the unprivileged
 * `nobody` user (never the tester's own crontab), with a temp HOME and GROK_HOME.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRON_MARKER } from '../../src/schedule/crontab.js';
import { BIN } from '../helpers.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const hasCrontab = spawnSync('sh', ['-c', 'command -v crontab']).status === 0;
const asNobody = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'];

function crontabAsNobody(args: string[], input?: string) {
  return spawnSync('setpriv', [...asNobody, 'crontab', ...args], { encoding: 'utf8', input });
}

describe.skipIf(!isRoot || !hasCrontab)('cron install / uninstall with the system crontab', () => {
  let home: string;
  let saved: string | undefined;

  function grok(args: string[], grokHome = join(home, '.grok')) {
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      GROK_HOME: grokHome,
      NO_COLOR: '1',
      TZ: 'UTC',
    };
    return spawnSync('setpriv', [...asNobody, process.execPath, BIN, 'sessions', ...args], {
      encoding: 'utf8',
      env,
      cwd: home,
    });
  }

  beforeAll(() => {
    const before = crontabAsNobody(['-l']);
    saved = before.status === 0 ? before.stdout : undefined;
    home = mkdtempSync(join(tmpdir(), 'grok-cron-'));
    chmodSync(home, 0o755);
    chownSync(home, NOBODY, NOBODY);
  });

  afterAll(() => {
    if (saved === undefined) crontabAsNobody(['-r']);
    else crontabAsNobody(['-'], saved);
    rmSync(home, { recursive: true, force: true });
  });

  it('installs once, keeps the user lines, and uninstalls only its own line', () => {
    const userLines = '# my jobs\nMAILTO=""\n15 2 * * * echo backup\n';
    expect(crontabAsNobody(['-'], userLines).status).toBe(0);

    const first = grok(['cron', 'install']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^installed: 0 3 \* \* \* GROK_HOME=\S+ GROK_SESSIONS_DIR=\S+ \S+ \S+ sessions maintain --trigger schedule/,
    );
    const second = grok(['cron', 'install']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^already installed: /);

    const table = crontabAsNobody(['-l']).stdout;
    expect(table.split('\n').filter((l) => l.includes(CRON_MARKER))).toHaveLength(1);
    expect(table.startsWith(userLines)).toBe(true);

    const status = grok(['cron', 'status', '--json']);
    expect(status.status).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s.installed).toBe(true);
    expect(s.schedule).toBe('0 3 * * *');
    expect(Date.parse(s.nextRun)).toBeGreaterThan(Date.now());

    const un = grok(['cron', 'uninstall']);
    expect(un.status).toBe(0);
    expect(un.stdout).toMatch(/^removed: /);
    expect(crontabAsNobody(['-l']).stdout).toBe(userLines);
    expect(grok(['cron', 'uninstall']).stdout).toBe('not installed: nothing to remove\n');
  });

  it('keeps a line per GROK_HOME: each is installed, shown and removed on its own', () => {
    const work = join(home, '.grok-work');
    expect(grok(['cron', 'install']).status).toBe(0);
    expect(grok(['cron', 'install'], work).status).toBe(0);
    const lines = crontabAsNobody(['-l'])
      .stdout.split('\n')
      .filter((l) => l.includes(CRON_MARKER));
    expect(lines).toHaveLength(2);
    const shown = JSON.parse(grok(['cron', 'status', '--json'], work).stdout).line as string;
    expect(shown).toContain(`GROK_HOME=${work} `);
    expect(grok(['cron', 'uninstall'], work).stdout).toMatch(
      /^removed: .*GROK_HOME=\S+\.grok-work /,
    );
    const left = crontabAsNobody(['-l'])
      .stdout.split('\n')
      .filter((l) => l.includes(CRON_MARKER));
    expect(left).toHaveLength(1);
    expect(left[0]).toContain(`GROK_HOME=${join(home, '.grok')} `);
    expect(grok(['cron', 'uninstall']).status).toBe(0);
  });

  it('follows the schedule of the policy in settings.json', () => {
    const grokHome = join(home, '.grok');
    spawnSync('setpriv', [...asNobody, 'mkdir', '-p', grokHome]);
    spawnSync('setpriv', [
      ...asNobody,
      'sh',
      '-c',
      `printf '%s' '{"retention":{"schedule":"*/15 * * * *"}}' > ${grokHome}/settings.json`,
    ]);
    const r = grok(['cron', 'install', '--print']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\*\/15 \* \* \* \* GROK_HOME=/);
    expect(crontabAsNobody(['-l']).stdout).not.toContain(CRON_MARKER);
  });
});
