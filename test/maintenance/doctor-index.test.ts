/**
 * doctor answers from the index (with none, from the summary a command made from the files) for
 * the files it read and that are unchanged since: the same
 * findings and output, byte for byte, as reading every file (GROK_TEST_DOCTOR_READ_ALL), over the
 * sample sessions, the broken ones and a generated corpus, before and after the files change
 * behind the index's back. And it reads only what the index cannot vouch for.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.mjs';
import { BIN, copyFixtures, homeForEachTest, runGrok, sh } from '../helpers.js';

const h = homeForEachTest({ private: true });

/** A preload that prints, at exit, how many session files the process opened. */
function openCounter(dir: string): string {
  const path = join(dir, 'count-opens.cjs');
  writeFileSync(
    path,
    `const fs = require('node:fs');
     let n = 0;
     const counts = (p) => /(^|\\/)session-[^/]*\\.json$/.test(String(p));
     const open = fs.promises.open;
     fs.promises.open = function (p, ...rest) { if (counts(p)) n++; return open.call(this, p, ...rest); };
     const openSync = fs.openSync;
     fs.openSync = function (p, ...rest) { if (counts(p)) n++; return openSync.call(this, p, ...rest); };
     process.on('exit', () => process.stderr.write('SESSION-OPENS ' + n + '\\n'));`,
  );
  return path;
}

interface Run {
  code: number | null;
  stdout: string;
  opens: number;
}

/** doctor as a user runs it, or as `as` (uid:gid) when given. */
function doctor(args: string[], env: NodeJS.ProcessEnv, as?: number): Run {
  const argv = [process.execPath, BIN, 'sessions', 'doctor', ...args];
  const cmd =
    as === undefined
      ? argv
      : ['setpriv', '--reuid', String(as), '--regid', String(as), '--clear-groups', ...argv];
  const r = spawnSync(cmd[0] as string, cmd.slice(1), {
    env: { ...env, NODE_OPTIONS: `--require ${openCounter(h.home)}` },
    encoding: 'utf8',
    cwd: h.home,
  });
  const opens = Number(/SESSION-OPENS (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  expect(r.stderr.replace(/SESSION-OPENS \d+\n/, '')).toBe('');
  return { code: r.status, stdout: r.stdout, opens };
}

/** doctor from the index and doctor reading every file: the same, table and JSON. */
function expectSameAsFullRead(env: NodeJS.ProcessEnv, as?: number): Run[] {
  const out: Run[] = [];
  for (const args of [[], ['--json']]) {
    const fromIndex = doctor(args, env, as);
    const full = doctor(args, { ...env, GROK_TEST_DOCTOR_READ_ALL: '1' }, as);
    expect(fromIndex.stdout).toBe(full.stdout);
    expect(fromIndex.code).toBe(full.code);
    out.push(fromIndex, full);
  }
  return out;
}

const sessionFiles = () => readdirSync(h.sessions).filter((n) => /^session-.*\.json$/.test(n));

/**
 * doctor over the fixtures, broken files and a generated corpus, after `command` read them: the
 * same as reading every file, and only what the index (or the summary) cannot vouch for is read,
 * before and after the files change behind its back.
 */
function vouchesFor(command: string[], index: boolean): void {
  copyFixtures(h.sessions, 'sessions');
  copyFixtures(h.sessions, 'broken');
  copyFixtures(h.sessions, 'sessions-extra');
  generate(h.sessions, 40, { seed: 3, fromMs: Date.UTC(2026, 0, 1) });
  sh(`chmod 600 "${h.sessions}"/*.json`);
  const all = sessionFiles().length;
  const bad = 5; // fixtures/broken
  expect(runGrok(['sessions', ...command], h.env).code).toBe(0);
  expect(existsSync(join(h.home, 'index.duckdb'))).toBe(index);

  const [table, full] = expectSameAsFullRead(h.env);
  // the index vouches for every good file: only the broken ones are read, each once more for
  // its fix (what a repair could recover of it), as a full read does
  expect(table?.opens).toBe(2 * bad);
  expect(full?.opens).toBeGreaterThanOrEqual(all);
  expect(table?.stdout).toMatch(new RegExp(`^${all - bad} sessions in `));
  expect(table?.stdout).toContain('crashed session');
  expect(table?.stdout).toContain('unreadable session');

  // Behind the index's back: a new file, a good file cut short, a broken one mended, one gone,
  // one made a crashed session in place (same size and mtime), one made 0644 in place.
  const names = sessionFiles().sort();
  const good = join(h.sessions, 'session-2025-08-12-09-05-12.json');
  const pretty = readFileSync(good, 'utf8');
  writeFileSync(join(h.sessions, 'session-2027-01-01-00-00-00.json'), pretty, { mode: 0o600 });
  writeFileSync(join(h.sessions, 'session-2025-08-15-18-10-18.json'), pretty.slice(0, 500));
  writeFileSync(join(h.sessions, 'session-2025-10-05-11-20-00.json'), pretty);
  unlinkSync(join(h.sessions, names[names.length - 1] as string));
  // its mtime put back: the size alone tells
  const ended = join(h.sessions, 'session-2025-08-21-11-41-55.json');
  const before = statSync(ended);
  const text = readFileSync(ended, 'utf8');
  expect(text).toContain('"status": "ended"');
  writeFileSync(ended, text.replace('"status": "ended"', '"status": "active"'));
  utimesSync(ended, before.atime, before.mtime);
  chmodSync(join(h.sessions, 'session-2025-08-17-11-28-54.json'), 0o644);
  const changed = expectSameAsFullRead(h.env);
  // the new file, the three rewritten and the broken files still broken are read, and each
  // broken file (the one cut short too) once more for its fix; nothing else
  expect(changed[0]?.opens).toBe(4 + (bad - 1) + bad);
  expect(changed[0]?.stdout).toContain(
    'crashed session: session-2025-08-21-11-41-55.json: its grok ended without a final save',
  );
  expect(changed[0]?.stdout).toContain('session-2025-08-15-18-10-18.json: invalid JSON');
  expect(changed[0]?.stdout).toContain('session-2025-08-17-11-28-54.json is 0644');
}

describe('doctor from the index, or the summary', () => {
  it('gives what reading every file gives, and reads only what the index cannot vouch for', () => {
    vouchesFor(['tools', '--json'], true);
  }, 180_000);

  it('with no index, the same from the summary stats made from the files', () => {
    vouchesFor(['stats', '--json'], false);
  }, 180_000);

  it.skipIf(process.getuid?.() !== 0)(
    'a file made unreadable in place, or owned by another user, is read, not vouched for',
    () => {
      copyFixtures(h.sessions, 'sessions');
      sh(`chmod 600 "${h.sessions}"/*.json && chown -R 65534:65534 "${h.home}"`);
      const nobody = 65534;
      const built = spawnSync(
        'setpriv',
        [
          ...['--reuid', '65534', '--regid', '65534', '--clear-groups'],
          ...[process.execPath, BIN, 'sessions', 'tools', '--json'],
        ],
        { env: h.env, encoding: 'utf8', cwd: h.home },
      );
      expect(built.status, built.stderr).toBe(0);
      expectSameAsFullRead(h.env, nobody);
      // chmod leaves the size and mtime alone: the index still has the file as read
      const locked = join(h.sessions, 'session-2025-09-02-11-17-21.json');
      chmodSync(locked, 0o000);
      // root's own file in nobody's directory, readable by all: read, whoever may
      const theirs = join(h.sessions, 'session-2025-09-05-17-39-17.json');
      chownSync(theirs, 0, 0);
      chmodSync(theirs, 0o644);
      const runs = expectSameAsFullRead(h.env, nobody);
      expect(runs[0]?.stdout).toContain(
        `unreadable session: session-2025-09-02-11-17-21.json: cannot read`,
      );
      expect(runs[0]?.stdout).toContain(`fix: chmod 600 ${locked}`);
      expect(runs[0]?.opens).toBe(2);
    },
    180_000,
  );
});
