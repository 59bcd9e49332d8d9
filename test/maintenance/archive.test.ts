/**
 * archive: one archive per month, extended never replaced, every entry byte-identical to its
 * original as the system's tar sees it; nothing removed unless the archive was verified; restore
 * never writes outside the sessions directory whatever the archive holds.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSession } from '../analytics/sessions.js';
import { FIXTURES, makeHome, runGrok, sh, type TempHome } from '../helpers.js';
import { tar } from '../tar-writer.js';
import { snapshot } from './snapshot.js';

const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('grok sessions archive', () => {
  let h: TempHome;
  let archives: string;
  beforeEach(() => {
    h = makeHome();
    archives = join(h.home, 'archives');
  });
  afterEach(() => h.cleanup());

  // October's three sessions and one from November, which no October rule takes.
  const octoberAndNovember = () => {
    const originals = new Map<string, Buffer>();
    const add = (start: string) => {
      const path = writeSession(h.sessions, { start, content: `question at ${start}` });
      originals.set(path.split('/').pop() as string, readFileSync(path));
    };
    add('2025-10-01T09:00:00Z');
    add('2025-10-15T09:00:00Z');
    add('2025-10-31T23:59:59Z');
    writeSession(h.sessions, { start: '2025-11-01T00:00:00Z' });
    return { originals, add };
  };
  const archiveOctober = () =>
    json(runGrok(['sessions', 'archive', '--month', '2025-10', '--yes', '--json'], h.env));
  // October archived, two more October sessions written, October archived again: 5 entries.
  const octoberArchivedTwice = () => {
    const { originals, add } = octoberAndNovember();
    archiveOctober();
    add('2025-10-20T12:00:00Z');
    add('2025-10-21T12:00:00Z');
    return { originals, second: archiveOctober() };
  };
  const october = () => join(archives, '2025-10.tar.gz');
  const restore = (...args: string[]) =>
    json(runGrok(['sessions', 'archive', 'restore', ...args, '--json'], h.env));
  const mid = 'session-2025-10-15-09-00-00.json';

  it('a dry run changes nothing and reports what the real run then does', () => {
    octoberAndNovember();
    const before = snapshot(h.home);
    const dry = json(
      runGrok(['sessions', 'archive', '--month', '2025-10', '--dry-run', '--json'], h.env),
    );
    expect(snapshot(h.home)).toEqual(before);
    expect(existsSync(archives)).toBe(false);
    expect({ ...archiveOctober(), dryRun: true }).toEqual(dry);
  });

  it('archiving a month writes its sessions into one private tar.gz and removes them, other months left live', () => {
    const { originals } = octoberAndNovember();
    const first = archiveOctober();
    expect(first.archives).toEqual([
      { path: october(), month: '2025-10', added: [...originals.keys()], entries: 3 },
    ]);
    expect(first.removed).toEqual([...originals.keys()]);
    expect(readdirSync(archives)).toEqual(['2025-10.tar.gz']);
    expect(statSync(archives).mode & 0o777).toBe(0o700);
    expect(statSync(october()).mode & 0o777).toBe(0o600);
    expect(readdirSync(h.sessions)).toEqual(['session-2025-11-01-00-00-00.json']);
  });

  it('archiving the month again extends the same archive rather than writing another', () => {
    const { second } = octoberArchivedTwice();
    expect(second.archives[0].added).toEqual([
      'session-2025-10-20-12-00-00.json',
      'session-2025-10-21-12-00-00.json',
    ]);
    expect(second.archives[0].entries).toBe(5);
    expect(readdirSync(archives)).toEqual(['2025-10.tar.gz']);
    expect(statSync(archives).mode & 0o777).toBe(0o700);
    expect(statSync(october()).mode & 0o777).toBe(0o600);
    expect(readdirSync(h.sessions)).toEqual(['session-2025-11-01-00-00-00.json']);
  });

  it("the extended archive holds every session byte-identical, as the system's tar reads it", () => {
    const { originals } = octoberArchivedTwice();
    const listed = sh(`tar -tzf "${october()}"`).trim().split('\n').sort();
    expect(listed).toEqual([...originals.keys()].sort());
    const out = join(h.home, 'extracted');
    mkdirSync(out);
    sh(`tar -xzf "${october()}" -C "${out}"`);
    for (const [name, bytes] of originals)
      expect(readFileSync(join(out, name)).equals(bytes)).toBe(true);
  });

  it('archive list shows the month, its session count and its first and last session', () => {
    octoberArchivedTwice();
    const list = json(runGrok(['sessions', 'archive', 'list', '--json'], h.env));
    expect(list).toEqual([
      expect.objectContaining({
        month: '2025-10',
        sessions: 5,
        first: 'session-2025-10-01-09-00-00.json',
        last: 'session-2025-10-31-23-59-59.json',
      }),
    ]);
  });

  it('restore brings a session back byte for byte, private', () => {
    const { originals } = octoberArchivedTwice();
    expect(restore('session-2025-10-15').restored).toEqual([mid]);
    const back = join(h.sessions, mid);
    expect(readFileSync(back).equals(originals.get(mid) as Buffer)).toBe(true);
    expect(statSync(back).mode & 0o777).toBe(0o600);
  });

  it('restore never writes over an existing session without --force, and restores the rest', () => {
    octoberArchivedTwice();
    restore('session-2025-10-15');
    const back = join(h.sessions, mid);
    writeFileSync(back, 'edited');
    const again = restore('--month', '2025-10');
    expect(again.skipped.map((s: { file: string }) => s.file)).toEqual([mid]);
    expect(readFileSync(back, 'utf8')).toBe('edited');
    expect(again.restored).toHaveLength(4);
  });

  it('restore --force writes the archived session over the one in place', () => {
    const { originals } = octoberArchivedTwice();
    restore('session-2025-10-15');
    const back = join(h.sessions, mid);
    writeFileSync(back, 'edited');
    expect(restore('session-2025-10-15', '--force').restored).toEqual([mid]);
    expect(readFileSync(back).equals(originals.get(mid) as Buffer)).toBe(true);
  });

  it('archives chosen sessions by ref, whatever their age, into the month of their start', () => {
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    const path = writeSession(h.sessions, { start: recent });
    const name = path.split('/').pop() as string;
    const r = json(
      runGrok(['sessions', 'archive', name.replace('.json', ''), '--yes', '--json'], h.env),
    );
    expect(r.archives[0].month).toBe(recent.slice(0, 7));
    expect(r.removed).toEqual([name]);
    expect(sh(`tar -tzf "${r.archives[0].path}"`).trim()).toBe(name);
    // Restored on a machine with no sessions directory yet: it is created, private.
    rmSync(h.sessions, { recursive: true });
    const back = json(runGrok(['sessions', 'archive', 'restore', name, '--json'], h.env));
    expect(back.restored).toEqual([name]);
    expect(statSync(h.sessions).mode & 0o777).toBe(0o700);
    expect(readdirSync(h.sessions)).toEqual([name]);
  });

  it('a session named but left live (open in a running grok) fails the run', () => {
    const path = writeSession(h.sessions, { start: '2025-10-01T09:00:00Z' });
    const name = path.split('/').pop() as string;
    writeFileSync(join(h.sessions, `.${name}.lock`), String(process.ppid));
    for (const extra of [['--dry-run'], ['--yes']]) {
      const r = runGrok(['sessions', 'archive', name.replace('.json', ''), ...extra], h.env);
      expect(r.code, extra[0]).toBe(1);
      expect(r.stdout, extra[0]).toContain(
        `failed ${name}: open in a running grok (pid ${process.ppid})`,
      );
    }
    expect(readdirSync(h.sessions)).toContain(name);
    expect(existsSync(archives)).toBe(false);
  });

  it('restores an archived session by its name, as a ref names a live one', () => {
    writeSession(h.sessions, { start: '2025-10-01T09:00:00Z' });
    const path = writeSession(h.sessions, { start: '2025-10-02T09:00:00Z' });
    const name = path.split('/').pop() as string;
    writeFileSync(
      path,
      JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), name: 'retry-refactor' }),
    );
    expect(runGrok(['sessions', 'archive', '--month', '2025-10', '--yes'], h.env).code).toBe(0);
    const restore = (ref: string) => runGrok(['sessions', 'archive', 'restore', ref], h.env);
    const both = restore('session-2025-10');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^grok: 'session-2025-10' matches 2 archived sessions: /);
    expect(restore('nosuch').stderr).toBe(
      "grok: no archived session matches 'nosuch' (see grok sessions archive list)\n",
    );
    expect(readdirSync(h.sessions)).toEqual([]);
    const byName = restore('retry-refactor');
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain(`restored ${name}`);
    expect(readdirSync(h.sessions)).toEqual([name]);
  });

  it('restore passes over a damaged archive, never writes over a session being recorded, and says what it did not do', () => {
    const sep = writeSession(h.sessions, { start: '2025-09-10T09:00:00Z' });
    const oct = writeSession(h.sessions, { start: '2025-10-10T09:00:00Z' });
    const sepName = sep.split('/').pop() as string;
    const octName = oct.split('/').pop() as string;
    for (const month of ['2025-09', '2025-10']) {
      expect(runGrok(['sessions', 'archive', '--month', month, '--yes'], h.env).code).toBe(0);
    }
    // September's archive cut short: October's still restores, and the damaged one is named
    const sepArchive = join(archives, '2025-09.tar.gz');
    writeFileSync(sepArchive, readFileSync(sepArchive).subarray(0, 60));
    // restoring September: its sessions are not restored, a failure
    const all = runGrok(['sessions', 'archive', 'restore', '--month', '2025-09'], h.env);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(
      /^failed 2025-09\.tar\.gz: cannot be read \(.+\): nothing restored from it$/m,
    );
    // the session a ref names, found in October's: restored, the damaged archive only said
    const named = runGrok(['sessions', 'archive', 'restore', octName.replace('.json', '')], h.env);
    expect(named.code).toBe(0);
    expect(named.stdout).toContain(`restored ${octName}`);
    expect(named.stdout).toMatch(
      /^skipped 2025-09\.tar\.gz: cannot be read \(.+\): nothing restored from it$/m,
    );
    expect(readdirSync(h.sessions)).toEqual([octName]);
    const lost = runGrok(['sessions', 'archive', 'restore', sepName.replace('.json', '')], h.env);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toBe(
      `grok: no archived session matches '${sepName.replace('.json', '')}' in the archives that can be read (not 2025-09.tar.gz) (see grok sessions archive list)\n`,
    );
    // a session named, already in place and kept, is a failure too
    const kept = runGrok(['sessions', 'archive', 'restore', octName.replace('.json', '')], h.env);
    expect(kept.code).toBe(1);
    expect(kept.stdout).toContain(
      `failed ${octName} (2025-10.tar.gz): exists in the sessions directory: kept`,
    );
    // open in a running grok (this test's parent holds the lock): not even --force replaces it
    writeFileSync(oct, 'being recorded');
    writeFileSync(join(h.sessions, `.${octName}.lock`), String(process.ppid));
    const forced = runGrok(
      ['sessions', 'archive', 'restore', octName.replace('.json', ''), '--force'],
      h.env,
    );
    expect(forced.code).toBe(1);
    expect(forced.stdout).toContain(
      `failed ${octName} (2025-10.tar.gz): open in a running grok (pid ${process.ppid}): kept`,
    );
    expect(readFileSync(oct, 'utf8')).toBe('being recorded');
  });

  it('an age or month rule leaves sessions tagged keep live; naming one archives it', () => {
    writeSession(h.sessions, { start: '2025-10-01T09:00:00Z' });
    writeSession(h.sessions, { start: '2025-10-02T09:00:00Z', tags: ['keep'] });
    writeSession(h.sessions, { start: '2025-10-03T09:00:00Z', tags: ['pinned'] });
    const r = json(
      runGrok(
        ['sessions', 'archive', '--older-than', '30d', '--keep-tag', 'pinned', '--yes', '--json'],
        h.env,
      ),
    );
    expect(r.removed).toEqual(['session-2025-10-01-09-00-00.json']);
    expect(r.skipped).toEqual([
      { file: 'session-2025-10-03-09-00-00.json', reason: "protected (tagged 'pinned')" },
      { file: 'session-2025-10-02-09-00-00.json', reason: "protected (tagged 'keep')" },
    ]);
    const named = json(
      runGrok(['sessions', 'archive', 'session-2025-10-02', '--yes', '--json'], h.env),
    );
    expect(named.removed).toEqual(['session-2025-10-02-09-00-00.json']);
    expect(named.archives[0].entries).toBe(2);
  });

  it('a corrupted new archive (test hook): no original removed, the old archive untouched, no temp left', () => {
    writeSession(h.sessions, { start: '2025-10-01T09:00:00Z' });
    json(runGrok(['sessions', 'archive', '--month', '2025-10', '--yes', '--json'], h.env));
    const archiveBefore = readFileSync(join(archives, '2025-10.tar.gz'));
    writeSession(h.sessions, { start: '2025-10-02T09:00:00Z' });
    writeSession(h.sessions, { start: '2025-10-03T09:00:00Z' });
    const before = snapshot(h.sessions);
    const r = runGrok(['sessions', 'archive', '--month', '2025-10', '--yes', '--json'], {
      ...h.env,
      GROK_TEST_CORRUPT_ARCHIVE: '1',
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.removed).toEqual([]);
    expect(out.failed.map((f: { reason: string }) => f.reason)).toEqual([
      expect.stringMatching(/^2025-10\.tar\.gz not written: .*; session kept$/),
      expect.stringMatching(/^2025-10\.tar\.gz not written: .*; session kept$/),
    ]);
    expect(snapshot(h.sessions)).toEqual(before);
    expect(readdirSync(archives)).toEqual(['2025-10.tar.gz']);
    expect(readFileSync(join(archives, '2025-10.tar.gz')).equals(archiveBefore)).toBe(true);
  });

  it('a full disk while writing the archive: no original removed, no broken archive left', (ctx) => {
    const small = join(h.home, 'small');
    mkdirSync(small);
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
    if (mount.status !== 0) {
      ctx.skip(
        `needs root to mount a 64k tmpfs as the full disk (mount said: ${String(mount.stderr).trim() || mount.error?.message})`,
      );
      return;
    }
    try {
      // Incompressible content, larger than the disk.
      for (let i = 1; i <= 3; i++) {
        const path = writeSession(h.sessions, { start: `2025-10-0${i}T09:00:00Z` });
        const raw = JSON.parse(readFileSync(path, 'utf8'));
        raw.messages[1].content = Buffer.from(
          Array.from({ length: 60_000 }, (_, k) => (k * 7919 + i * 104729) % 251),
        ).toString('base64');
        writeFileSync(path, JSON.stringify(raw));
      }
      const before = snapshot(h.sessions);
      const r = runGrok(
        ['sessions', 'archive', '--month', '2025-10', '--out', small, '--yes', '--json'],
        h.env,
      );
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).failed[0].reason).toMatch(/no space left on device/);
      expect(snapshot(h.sessions)).toEqual(before);
      expect(readdirSync(small)).toEqual([]);
    } finally {
      spawnSync('umount', [small]);
    }
  });

  it('an existing archive holding entries grok never writes is not extended, and nothing escapes', () => {
    mkdirSync(archives, { mode: 0o700 });
    const crafted = gzipSync(
      tar([
        { name: 'session-2025-10-01-00-00-00.json', body: '{}' },
        { name: '../../escaped.json', body: 'climb' },
      ]),
    );
    writeFileSync(join(archives, '2025-10.tar.gz'), crafted, { mode: 0o600 });
    writeSession(h.sessions, { start: '2025-10-02T09:00:00Z' });
    const before = snapshot(h.home);
    for (const extra of [['--dry-run'], ['--yes']]) {
      const r = runGrok(['sessions', 'archive', '--month', '2025-10', '--json', ...extra], h.env);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out.removed).toEqual([]);
      expect(out.failed).toEqual([
        {
          file: 'session-2025-10-02-09-00-00.json',
          reason:
            "2025-10.tar.gz holds '../../escaped.json' (File), which grok does not write: not extended, session kept",
        },
      ]);
      // (the real run takes and drops a lock in the archive directory, so only its mtime moves)
      const { archives: _dir, ...rest } = snapshot(h.home);
      const { archives: _was, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
    }
    expect(existsSync(join(h.home, 'escaped.json'))).toBe(false);
    expect(readFileSync(join(archives, '2025-10.tar.gz')).equals(crafted)).toBe(true);
  });

  it('a run while another grok writes archives there is refused; a stale lock is taken over', () => {
    writeSession(h.sessions, { start: '2025-10-01T09:00:00Z' });
    mkdirSync(archives, { mode: 0o700 });
    // A live pid (this test's parent) holds the archive directory.
    writeFileSync(join(archives, '.archive.lock'), String(process.ppid));
    const before = snapshot(h.home);
    const held = runGrok(['sessions', 'archive', '--month', '2025-10', '--yes'], h.env);
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(
      /^grok: another grok \(pid \d+\) is writing archives in .*archives \(wait for it to finish/,
    );
    expect(snapshot(h.home)).toEqual(before);
    // A lock left by a process that is gone does not block for ever.
    writeFileSync(join(archives, '.archive.lock'), '999999999');
    const r = json(
      runGrok(['sessions', 'archive', '--month', '2025-10', '--yes', '--json'], h.env),
    );
    expect(r.removed).toEqual(['session-2025-10-01-09-00-00.json']);
    expect(readdirSync(archives)).toEqual(['2025-10.tar.gz']);
  });

  it('restore from a crafted archive writes nothing outside the sessions directory', () => {
    mkdirSync(archives, { mode: 0o700 });
    const good = JSON.stringify({ ok: true });
    writeFileSync(
      join(archives, '2025-10.tar.gz'),
      gzipSync(
        tar([
          { name: 'session-2025-10-01-00-00-00.json', body: good },
          { name: '../session-2025-10-02-00-00-00.json', body: 'climb' },
          { name: `${h.home}/session-2025-10-03-00-00-00.json`, body: 'absolute' },
          { name: 'session-2025-10-04-00-00-00.json', type: '2', link: '/etc/passwd' },
          { name: 'session-2025-10-05-00-00-00.json', type: '1', link: '/etc/passwd' },
          { name: 'sub/session-2025-10-06-00-00-00.json', body: 'nested' },
          { name: 'notes.txt', body: 'not a session' },
        ]),
      ),
    );
    const outsideBefore = readdirSync(h.home).sort();
    const r = json(
      runGrok(['sessions', 'archive', 'restore', '--month', '2025-10', '--json'], h.env),
    );
    expect(r.restored).toEqual(['session-2025-10-01-00-00-00.json']);
    expect(r.skipped.map((s: { reason: string }) => s.reason)).toEqual([
      'a path that climbs out (..): not restored',
      'an absolute path: not restored',
      'a SymbolicLink entry, not a regular file: not restored',
      'a Link entry, not a regular file: not restored',
      'a path inside a folder, not a session file name: not restored',
      'not a session file name: not restored',
    ]);
    expect(readdirSync(h.sessions)).toEqual(['session-2025-10-01-00-00-00.json']);
    expect(readFileSync(join(h.sessions, 'session-2025-10-01-00-00-00.json'), 'utf8')).toBe(good);
    expect(readdirSync(h.home).sort()).toEqual(outsideBefore);
    rmSync(join(archives, '2025-10.tar.gz'));
  });
});

describe('analytics over archives', () => {
  it('a damaged archive is reported, the sessions read before the damage still count', () => {
    const h = makeHome();
    try {
      // The October samples: varied enough text that a cut in the middle falls after whole entries.
      cpSync(join(FIXTURES, 'sessions'), h.sessions, { recursive: true });
      const october = readdirSync(h.sessions).filter((n) =>
        n.startsWith('session-2025-10-'),
      ).length;
      json(runGrok(['sessions', 'archive', '--month', '2025-10', '--yes', '--json'], h.env));
      const path = join(h.home, 'archives', '2025-10.tar.gz');
      writeFileSync(path, readFileSync(path).subarray(0, Math.floor(statSync(path).size / 2)));
      const r = runGrok(['sessions', 'stats', '--include-archived', '--json'], h.env);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      const live = 51 - october;
      expect(out.sessions).toBeGreaterThan(live);
      expect(out.sessions).toBeLessThan(live + october);
      expect(out.skipped).toEqual([
        {
          file: '2025-10.tar.gz:2025-10.tar.gz',
          reason: expect.stringMatching(/^archive unreadable: /),
        },
      ]);
    } finally {
      h.cleanup();
    }
  });

  it('stats, cost, tools and top with --include-archived equal the totals before archiving', () => {
    const h = makeHome();
    try {
      cpSync(join(FIXTURES, 'sessions'), h.sessions, { recursive: true });
      const measure = (extra: string[]) =>
        ['stats', 'cost', 'tools', 'top'].map((cmd) => {
          const r = runGrok(['sessions', cmd, '--json', ...extra], h.env);
          expect(r.code, r.stderr).toBe(0);
          return JSON.parse(r.stdout);
        });
      const before = measure([]);
      const r = runGrok(['sessions', 'archive', '--older-than', '200d', '--yes', '--json'], h.env);
      const moved = JSON.parse(r.stdout).removed.length;
      expect(moved).toBeGreaterThan(10);
      const live = measure([]);
      expect(live[0].sessions).toBe(before[0].sessions - moved);
      expect(measure(['--include-archived'])).toEqual(before);
    } finally {
      h.cleanup();
    }
  });
});
