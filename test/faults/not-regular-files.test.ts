/**
 * Files that are not regular files, where grok keeps its own: a FIFO named like a lock file used
 * to hang list, stats, search, doctor, prune, archive, tag and delete (open(2) of a FIFO waits
 * for a writer), and a lock symlinked to /dev/zero was read until memory ran out. Each command
 * runs as a real process with a timeout and a 1 GB data limit, and must finish, and be right.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { BIN, homeForEachTest } from '../helpers.js';

const TIMEOUT_MS = 20_000;
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, killed after TIMEOUT_MS, with at most 1 GB of data (a read of /dev/zero fails fast). */
function grok(args: readonly string[], env: NodeJS.ProcessEnv): Run {
  const argv = [process.execPath, BIN, 'sessions', ...args];
  const [cmd, ...rest] = hasPrlimit ? ['prlimit', '--data=1000000000', ...argv] : argv;
  const r: SpawnSyncReturns<string> = spawnSync(cmd as string, rest, {
    env,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    input: '',
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed`);
}

/** Finished on its own, with this exit code and no internal error. */
function finished(r: Run, code: number): void {
  expect(r.signal, `killed: ${r.stderr}`).toBeNull();
  expect(r.stderr).not.toContain('internal error');
  expect(r.code, r.stderr).toBe(code);
}

const h = homeForEachTest();

describe('a FIFO and a link to /dev/zero named like lock files in the sessions directory', () => {
  const A = 'session-2025-01-01-10-00-00';
  const B = 'session-2025-01-02-10-00-00';
  const C = 'session-2025-01-03-10-00-00';
  beforeEach(() => {
    writeSession(h.sessions, { start: '2025-01-01T10:00:00Z', content: 'alpha needle' });
    writeSession(h.sessions, { start: '2025-01-02T10:00:00Z', content: 'beta needle' });
    writeSession(h.sessions, { start: '2025-01-03T10:00:00Z', content: 'gamma needle' });
    mkfifo(join(h.sessions, `.${A}.json.lock`));
    symlinkSync('/dev/zero', join(h.sessions, `.${B}.json.lock`));
  });

  it('list, stats and search finish and count every session', () => {
    const list = grok(['list', '--json'], h.env);
    finished(list, 0);
    expect(JSON.parse(list.stdout).sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(
      [C, B, A],
    );
    const stats = grok(['stats', '--json'], h.env);
    finished(stats, 0);
    expect(JSON.parse(stats.stdout).sessions).toBe(3);
    const search = grok(['search', 'needle', '--json'], h.env);
    finished(search, 0);
    expect(JSON.parse(search.stdout).matches).toBe(3);
  });

  it('doctor finishes and reports both, never reading them', () => {
    const r = grok(['doctor', '--json'], h.env);
    finished(r, 1);
    const findings = JSON.parse(r.stdout).findings as { check: string; detail: string }[];
    expect(findings.filter((f) => f.check === 'not a regular file').map((f) => f.detail)).toEqual([
      `.${A}.json.lock: a FIFO with a name grok uses; never read`,
      `.${B}.json.lock: a symbolic link with a name grok uses; never read`,
    ]);
  });

  it('tag, delete, prune and archive finish and do their work; the FIFO and the link stay', () => {
    const tag = grok(['tag', A, 'kept'], h.env);
    finished(tag, 0);
    expect(JSON.parse(readFileSync(join(h.sessions, `${A}.json`), 'utf8')).tags).toEqual(['kept']);
    const del = grok(['delete', C, '--dry-run'], h.env);
    finished(del, 0);
    expect(del.stdout).toContain(`would delete ${C}.json`);
    const prune = grok(['prune', '--older-than', '30d', '--dry-run', '--json'], h.env);
    finished(prune, 0);
    expect(JSON.parse(prune.stdout).deleted.sort()).toEqual([
      `${A}.json`,
      `${B}.json`,
      `${C}.json`,
    ]);
    const archive = grok(['archive', '--older-than', '30d', '--yes', '--json'], h.env);
    finished(archive, 0);
    const tar = spawnSync('tar', ['-tzf', join(h.home, 'archives', '2025-01.tar.gz')], {
      encoding: 'utf8',
    });
    expect(tar.stdout.split('\n').filter(Boolean).sort()).toEqual([
      `${A}.json`,
      `${B}.json`,
      `${C}.json`,
    ]);
    expect(lstatSync(join(h.sessions, `.${A}.json.lock`)).isFIFO()).toBe(true);
    expect(readlinkSync(join(h.sessions, `.${B}.json.lock`))).toBe('/dev/zero');
  });
});

describe("grok's other files under GROK_HOME when they are not regular files", () => {
  beforeEach(() => {
    writeSession(h.sessions, { start: '2025-01-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-02-01T10:00:00Z' });
  });

  it('settings.json: a FIFO is a one-line error; a symlink to a regular file is read', () => {
    const settings = join(h.home, 'settings.json');
    mkfifo(settings);
    const fifo = grok(['policy', '--json'], h.env);
    finished(fifo, 1);
    expect(fifo.stderr).toBe(
      `grok: cannot read ${settings}: not a regular file (a FIFO) (settings.json must be a regular file, or a symlink to one)\n`,
    );
    spawnSync('rm', [settings]);
    const real = join(h.home, 'dotfiles-settings.json');
    writeFileSync(real, JSON.stringify({ retention: { archiveAfter: '45d' } }));
    symlinkSync(real, settings);
    const linked = grok(['policy', '--json'], h.env);
    finished(linked, 0);
    expect(JSON.parse(linked.stdout).policy.archiveAfter).toBe('45d');
  });

  it('report --out a FIFO is refused, not opened and waited on', () => {
    const out = join(h.home, 'report.html');
    mkfifo(out);
    const r = grok(['report', '--out', out, '--no-open'], h.env);
    finished(r, 1);
    expect(r.stderr).toBe(
      `grok: ${out} exists and is not a grok report (choose another --out, or --force to replace it)\n`,
    );
    expect(lstatSync(out).isFIFO()).toBe(true);
  });

  it('index, answers, archives and the maintenance log: commands finish, doctor names each', () => {
    mkfifo(join(h.home, 'index.duckdb'));
    mkdirSync(join(h.home, 'answers'), { mode: 0o700 });
    mkfifo(join(h.home, 'answers', 'stats.answer'));
    mkdirSync(join(h.home, 'archives'), { mode: 0o700 });
    mkfifo(join(h.home, 'archives', '2025-01.tar.gz'));
    symlinkSync('/dev/zero', join(h.home, 'archives', '2024-12.tar.gz'));
    mkdirSync(join(h.home, 'logs'), { mode: 0o700 });
    mkfifo(join(h.home, 'logs', 'maintenance.log'));

    const stats = grok(['stats', '--include-archived', '--json'], h.env);
    finished(stats, 0);
    expect(JSON.parse(stats.stdout).sessions).toBe(2);
    expect(stats.stderr).toContain('index.duckdb is not a regular file (a FIFO), left alone');

    const list = grok(['archive', 'list', '--json'], h.env);
    finished(list, 0);
    expect(
      JSON.parse(list.stdout).map((a: { month: string; error?: string }) => [a.month, a.error]),
    ).toEqual([
      ['2024-12', 'not a regular file (a symbolic link)'],
      ['2025-01', 'not a regular file (a FIFO)'],
    ]);

    // the month whose archive is a FIFO is not extended: its session stays
    const archive = grok(['archive', '--month', '2025-01', '--yes', '--json'], h.env);
    finished(archive, 1);
    expect(JSON.parse(archive.stdout).removed).toEqual([]);
    expect(lstatSync(join(h.sessions, 'session-2025-01-01-10-00-00.json')).isFile()).toBe(true);

    const status = grok(['cron', 'status'], h.env);
    finished(status, 1);
    expect(status.stderr).toBe(
      `grok: cannot read ${join(h.home, 'logs', 'maintenance.log')}: not a regular file (a FIFO)\n`,
    );

    const doctor = grok(['doctor', '--json'], h.env);
    finished(doctor, 1);
    const findings = JSON.parse(doctor.stdout).findings as { check: string; detail: string }[];
    expect(findings.map((f) => `${f.check}: ${f.detail}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^index: .*index\.duckdb cannot be opened \(not a regular file/),
        `not a regular file: ${join(h.home, 'archives', '2024-12.tar.gz')}: a symbolic link with a name grok uses; never read`,
        `not a regular file: ${join(h.home, 'archives', '2025-01.tar.gz')}: a FIFO with a name grok uses; never read`,
        `not a regular file: ${join(h.home, 'logs', 'maintenance.log')}: a FIFO with a name grok uses; never read`,
        `not a regular file: ${join(h.home, 'answers', 'stats.answer')}: a FIFO with a name grok uses; never read`,
      ]),
    );
  });
});
