/**
 * The retention policy applied once (`maintain`), previewed (`policy`), and on a schedule by the
 * foreground scheduler (`cron`), for real: a child process, real signals, the real log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { BIN, homeForEachTest, runGrok, sh } from '../helpers.js';
import { snapshot } from '../maintenance/snapshot.js';

const h = homeForEachTest();

const settings = (retention: Record<string, unknown>) =>
  writeFileSync(join(h.home, 'settings.json'), JSON.stringify({ retention }, null, 2));
/**
 * The log's complete lines, each parsed. A poll can catch a run mid-append (the file created but
 * not yet written, or a line half written): only what ends in a newline has been written whole.
 */
const logLines = () => {
  const file = join(h.home, 'logs', 'maintenance.log');
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
};
const recent = () => new Date(Date.now() - 86_400_000).toISOString();

function oldAndNew() {
  writeSession(h.sessions, { start: '2025-09-01T10:00:00Z' });
  writeSession(h.sessions, { start: '2025-09-02T10:00:00Z', tags: ['keep'] });
  writeSession(h.sessions, { start: '2025-10-05T10:00:00Z' });
  return writeSession(h.sessions, { start: recent() }).split('/').pop() as string;
}

/** Waits until `check` holds (polling), or fails after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function startCron(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, 'sessions', 'cron'], { env });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

describe('grok sessions maintain and policy', () => {
  it('a dry run lists what the run then does, each session once', () => {
    const fresh = oldAndNew();
    // archived (and removed) past 30 days, deleted past 2 hours: a real run prunes what is left
    settings({ archiveAfter: '30d', deleteAfter: '2h' });
    // every file readable by others: the run hardens those it leaves in place
    for (const name of readdirSync(h.sessions)) chmodSync(join(h.sessions, name), 0o644);
    const before = snapshot(h.sessions);
    const dry = JSON.parse(runGrok(['sessions', 'maintain', '--dry-run', '--json'], h.env).stdout);
    expect(snapshot(h.sessions)).toEqual(before);
    const real = JSON.parse(runGrok(['sessions', 'maintain', '--json'], h.env).stdout);
    const what = (r: {
      archived: string[];
      removed: string[];
      deleted: string[];
      hardened: string[];
    }) => ({
      archived: r.archived,
      removed: r.removed,
      deleted: r.deleted,
      hardened: r.hardened,
    });
    expect(what(dry)).toEqual(what(real));
    expect(real.hardened.length).toBeGreaterThan(0);
    // an unknown trigger is a usage error, before anything is done
    const logged = logLines().length;
    const bad = runGrok(['sessions', 'maintain', '--trigger', 'nightly'], h.env);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      "grok: --trigger: 'nightly' is not one of manual, schedule\n",
    ]);
    expect(logLines()).toHaveLength(logged);
    expect(real.deleted).toEqual([fresh]);
    expect(real.removed).toEqual([
      'session-2025-09-01-10-00-00.json',
      'session-2025-10-05-10-00-00.json',
    ]);
  });

  for (const [setting, where] of [
    ['~/cold/grok', (home: string) => join(home, 'cold', 'grok')],
    ['kept-archives', (home: string) => join(home, 'kept-archives')],
  ] as const) {
    it(`retention.archiveDir '${setting}' is where every command writes and reads archives`, () => {
      oldAndNew();
      settings({ archiveAfter: '30d', archiveDir: setting });
      const dir = where(h.home); // HOME is the test's GROK_HOME; a relative path is taken from it
      const elsewhere = join(h.home, 'cwd');
      mkdirSync(elsewhere);
      const run = runGrok(['sessions', 'maintain', '--json'], h.env, { cwd: elsewhere });
      expect(run.code, run.stderr).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['2025-09.tar.gz', '2025-10.tar.gz']);
      expect(readdirSync(elsewhere)).toEqual([]);
      const list = JSON.parse(runGrok(['sessions', 'archive', 'list', '--json'], h.env).stdout);
      expect(list.map((a: { path: string }) => a.path)).toEqual([
        join(dir, '2025-09.tar.gz'),
        join(dir, '2025-10.tar.gz'),
      ]);
      const stats = JSON.parse(
        runGrok(['sessions', 'stats', '--include-archived', '--json'], h.env).stdout,
      );
      expect(stats.sessions).toBe(4);
      chmodSync(join(dir, '2025-09.tar.gz'), 0o644);
      const harden = JSON.parse(runGrok(['sessions', 'harden', '--json'], h.env).stdout);
      expect(harden.changed.map((c: { path: string }) => c.path)).toContain(
        join(dir, '2025-09.tar.gz'),
      );
      const back = runGrok(['sessions', 'archive', 'restore', '--month', '2025-10'], h.env);
      expect(back.code, back.stdout).toBe(0);
      expect(back.stdout).toContain('restored session-2025-10-05-10-00-00.json');
    });
  }

  it('a dry run through a symlinked sessions directory hardens what the run then does', () => {
    oldAndNew();
    settings({ archiveAfter: '30d' });
    for (const name of readdirSync(h.sessions)) chmodSync(join(h.sessions, name), 0o644);
    const link = join(h.home, 'linked');
    symlinkSync(h.sessions, link);
    const env = { ...h.env, GROK_SESSIONS_DIR: link };
    const dry = JSON.parse(runGrok(['sessions', 'maintain', '--dry-run', '--json'], env).stdout);
    const real = JSON.parse(runGrok(['sessions', 'maintain', '--json'], env).stdout);
    expect(real.removed).toHaveLength(2);
    expect(dry.hardened).toEqual(real.hardened);
  });

  it('applies the policy once through archive and harden, and logs one line', () => {
    const fresh = oldAndNew();
    settings({ archiveAfter: '30d' });
    const preview = runGrok(['sessions', 'policy', '--json'], h.env);
    expect(preview.code, preview.stderr).toBe(0);
    const p = JSON.parse(preview.stdout);
    expect(p.policy).toEqual({
      archiveAfter: '30d',
      deleteAfter: null,
      keepLast: 0,
      protectTags: ['keep'],
      harden: true,
      schedule: '0 3 * * *',
      archiveDir: null,
    });
    expect(p.now.archived).toEqual([
      'session-2025-09-01-10-00-00.json',
      'session-2025-10-05-10-00-00.json',
    ]);
    expect(logLines()).toEqual([]); // a preview is not a run

    const dry = runGrok(['sessions', 'maintain', '--dry-run', '--json'], h.env);
    const before = snapshot(h.sessions);
    const real = runGrok(['sessions', 'maintain', '--json'], h.env);
    expect(real.code, real.stderr).toBe(0);
    const r = JSON.parse(real.stdout);
    expect(r.archived).toEqual(JSON.parse(dry.stdout).archived);
    expect(r.removed).toEqual(r.archived);
    expect(Object.keys(before)).toHaveLength(4);
    expect(readdirSync(h.sessions).sort()).toEqual(
      ['session-2025-09-02-10-00-00.json', fresh].sort(),
    );
    expect(sh(`tar -tzf "${join(h.home, 'archives', '2025-09.tar.gz')}"`).trim()).toBe(
      'session-2025-09-01-10-00-00.json',
    );
    const log = logLines();
    expect(log.map((l) => l.result)).toEqual(['dry-run', 'ok']);
    expect(log[1]).toMatchObject({
      archived: r.archived,
      removed: r.archived,
      errors: [],
      trigger: 'manual',
    });
  });

  it('cron status shows the schedule, the next run and the last run from the log', () => {
    oldAndNew();
    settings({ archiveAfter: '30d', schedule: '30 4 * * *' });
    expect(runGrok(['sessions', 'maintain'], h.env).code).toBe(0);
    const r = runGrok(['sessions', 'cron', 'status', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.schedule).toBe('30 4 * * *');
    expect(status.nextRun).toMatch(/T04:30:00\.000Z$/);
    expect(Date.parse(status.nextRun)).toBeGreaterThan(Date.now());
    expect(status.lastRun).toMatchObject({
      result: 'ok',
      archived: ['session-2025-09-01-10-00-00.json', 'session-2025-10-05-10-00-00.json'],
      trigger: 'manual',
    });
    const text = runGrok(['sessions', 'cron', 'status'], h.env).stdout;
    expect(text).toMatch(
      /^last run: +\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC, ok: 2 archived, 2 removed/m,
    );
  });

  it('a second run while one is going exits with a clear message and does nothing', async () => {
    oldAndNew();
    settings({ archiveAfter: '30d' });
    const env = { ...h.env, GROK_TEST_MAINTAIN_DELAY_MS: '15000' };
    const first = spawn(process.execPath, [BIN, 'sessions', 'maintain'], { env });
    const firstExit = new Promise((resolve) => first.on('exit', resolve));
    await until(() => existsSync(join(h.home, '.maintain.lock')), 5000, 'the first run to start');
    const second = runGrok(['sessions', 'maintain'], h.env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /^grok: another maintenance run is in progress \(pid \d+\) \(wait for it/,
    );
    // one from cron is refused too, and the log says it was skipped: cron shows nothing else
    const scheduled = runGrok(['sessions', 'maintain', '--trigger', 'schedule'], h.env);
    expect(scheduled.code).toBe(1);
    // a preview and a dry run change nothing: they run beside it
    const preview = runGrok(['sessions', 'policy', '--json'], h.env);
    expect(preview.code, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout).now.archived).toHaveLength(2);
    expect(runGrok(['sessions', 'maintain', '--dry-run'], h.env).code).toBe(0);
    expect(await firstExit).toBe(0);
    const log = logLines();
    expect(log.map((l) => l.result)).toEqual(['skipped', 'dry-run', 'ok']);
    expect(log[0]).toMatchObject({
      trigger: 'schedule',
      note: expect.stringMatching(/^another run still going \(pid \d+\)$/),
    });
  });

  for (const [what, retention, message] of [
    ['an unknown key', { archiveAfter: '30d', purge: true }, "unknown key 'retention.purge'"],
    [
      'a bad duration',
      { archiveAfter: 'soon' },
      `'retention.archiveAfter' = "soon": not a duration`,
    ],
    [
      'an ambiguous duration',
      { deleteAfter: '6m' },
      `'retention.deleteAfter' = "6m": ambiguous: write 6min for minutes or 6mo for months`,
    ],
    [
      'a bad cron expression',
      { schedule: 'every night' },
      `'retention.schedule' = "every night": not a valid cron expression`,
    ],
  ] as const) {
    it(`refuses ${what} in settings.json before anything runs`, () => {
      oldAndNew();
      settings(retention);
      const before = snapshot(h.home);
      for (const cmd of [['maintain'], ['policy'], ['cron']]) {
        const r = runGrok(['sessions', ...cmd], h.env);
        expect(r.code, cmd.join(' ')).toBe(1);
        expect(r.stderr).toContain(message);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(snapshot(h.home)).toEqual(before);
    });
  }
});

describe('grok sessions cron (foreground scheduler)', () => {
  it('archives old sessions on an every-second schedule and stops on SIGTERM with exit 0', async () => {
    oldAndNew();
    settings({ archiveAfter: '30d', schedule: '* * * * * *' });
    const cron = startCron(h.env);
    await until(() => logLines().some((l) => l.result === 'ok'), 10_000, 'a maintenance run');
    expect(existsSync(join(h.home, 'archives', '2025-10.tar.gz'))).toBe(true);
    cron.child.kill('SIGTERM');
    expect(await cron.exit).toBe(0);
    expect(cron.output()).toMatch(/stopped by SIGTERM after \d+ run\(s\)/);
    expect(
      readdirSync(h.sessions).filter(
        (f) => f.startsWith('session-2025-1') || f.includes('2025-09-01'),
      ),
    ).toEqual([]);
    // No temp files, staging folders or locks left anywhere.
    const leftovers = sh(
      `find "${h.home}" -name '*.tmp' -o -name '.staging-*' -o -name '*.lock'`,
    ).trim();
    expect(leftovers).toBe('');
  });

  it('a run slower than the interval is skipped, not stacked, and the log says so', async () => {
    oldAndNew();
    settings({ archiveAfter: '30d', schedule: '* * * * * *' });
    const cron = startCron({ ...h.env, GROK_TEST_MAINTAIN_DELAY_MS: '2500' });
    await until(() => logLines().some((l) => l.result === 'ok'), 15_000, 'a finished run');
    await until(
      () => logLines().filter((l) => l.result === 'skipped').length >= 2,
      10_000,
      'skipped runs',
    );
    cron.child.kill('SIGINT');
    expect(await cron.exit).toBe(0);
    const log = logLines();
    expect(log.filter((l) => l.result === 'skipped')[0]).toMatchObject({
      trigger: 'schedule',
      note: 'previous run still going',
    });
    // Runs never overlap: each finished run started after the previous one ended.
    const runs = log.filter((l) => l.result === 'ok' || l.result === 'failed');
    for (let i = 1; i < runs.length; i++) {
      const start = Date.parse(runs[i].time) - runs[i].durationMs;
      expect(start).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].time));
    }
    expect(runs.every((r) => r.errors.length === 0)).toBe(true);
  });
});
