/**
 * prune: only old, readable, unprotected regular sessions go; a dry run changes nothing and the
 * real run then does exactly what it printed.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteUnchanged } from '../../src/maintenance/delete.js';
import { applyPrune, planPrune } from '../../src/maintenance/prune.js';
import { inventory } from '../../src/maintenance/select.js';
import { writeSession } from '../analytics/sessions.js';
import { homeForEachTest, runGrok } from '../helpers.js';
import { snapshot } from './snapshot.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('grok sessions prune', () => {
  const h = homeForEachTest();

  function mixedDirectory() {
    writeSession(h.sessions, { start: '2025-09-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-09-02T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-09-03T10:00:00Z', tags: ['keep'] });
    writeSession(h.sessions, { start: '2025-09-04T10:00:00Z', tags: ['pinned'] });
    writeSession(h.sessions, { start: daysAgo(2) });
    // A corrupt old session, a symlink to an old session outside, a subfolder, a temp file.
    writeFileSync(join(h.sessions, 'session-2025-09-05-10-00-00.json'), '{"sessionId": "sess');
    const outside = join(h.home, 'elsewhere');
    mkdirSync(outside);
    const target = writeSession(outside, { start: '2025-08-01T10:00:00Z' });
    symlinkSync(target, join(h.sessions, 'session-2025-08-01-10-00-00.json'));
    mkdirSync(join(h.sessions, 'old-project'));
    writeSession(join(h.sessions, 'old-project'), { start: '2025-08-02T10:00:00Z' });
    writeFileSync(join(h.sessions, '.session-2025-08-03-10-00-00.json.123.abcdef12.tmp'), '{}');
    return { target };
  }

  it('dry run changes nothing; the real run deletes exactly what it printed', () => {
    const { target } = mixedDirectory();
    const before = snapshot(h.home);
    const dry = runGrok(
      ['sessions', 'prune', '--older-than', '30d', '--keep-tag', 'pinned', '--dry-run', '--json'],
      h.env,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(snapshot(h.home)).toEqual(before);
    const plan = JSON.parse(dry.stdout);
    expect(plan.dryRun).toBe(true);
    expect(plan.deleted).toEqual([
      'session-2025-09-02-10-00-00.json',
      'session-2025-09-01-10-00-00.json',
    ]);
    expect(plan.protected.map((p: { file: string }) => p.file).sort()).toEqual([
      'session-2025-09-03-10-00-00.json',
      'session-2025-09-04-10-00-00.json',
    ]);
    expect(plan.kept).toBe(3);
    // The summary's counts add up: each session is counted once.
    const text = runGrok(
      ['sessions', 'prune', '--older-than', '30d', '--keep-tag', 'pinned', '--dry-run'],
      h.env,
    ).stdout.trimEnd();
    expect(text.split('\n').at(-1)).toBe(
      `Dry run: 2 would be deleted, 3 kept (2 of them protected), ${plan.skipped.length} skipped.`,
    );
    expect(plan.skipped).toEqual([
      {
        file: 'session-2025-09-05-10-00-00.json',
        reason: expect.stringMatching(/^unreadable, age unknown: invalid JSON/),
      },
    ]);

    const real = runGrok(
      ['sessions', 'prune', '--older-than', '30d', '--keep-tag', 'pinned', '--yes', '--json'],
      h.env,
    );
    expect(real.code, real.stderr).toBe(0);
    const done = JSON.parse(real.stdout);
    expect(done.deleted).toEqual(plan.deleted);
    expect({ ...done, dryRun: true }).toEqual(plan);
    // Only those two are gone: every other entry is byte-for-byte what it was.
    const after = snapshot(h.home);
    const gone = Object.keys(before).filter((k) => !(k in after));
    expect(gone.sort()).toEqual(plan.deleted.map((f: string) => `sessions/${f}`).sort());
    // (the sessions directory itself has a new mtime: entries were removed from it)
    for (const k of Object.keys(after)) if (k !== 'sessions') expect(after[k], k).toBe(before[k]);
    expect(existsSync(target)).toBe(true);
    expect(lstatSync(join(h.sessions, 'session-2025-08-01-10-00-00.json')).isSymbolicLink()).toBe(
      true,
    );
  });

  it('--keep-last N alone keeps only the newest N (and tagged ones)', () => {
    for (let d = 1; d <= 6; d++)
      writeSession(h.sessions, { start: `2025-10-0${d}T10:00:00Z`, tags: d === 1 ? ['keep'] : [] });
    const r = runGrok(['sessions', 'prune', '--keep-last', '2', '--yes', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.deleted.sort()).toEqual([
      'session-2025-10-02-10-00-00.json',
      'session-2025-10-03-10-00-00.json',
      'session-2025-10-04-10-00-00.json',
    ]);
    expect(readdirSync(h.sessions).sort()).toEqual([
      'session-2025-10-01-10-00-00.json',
      'session-2025-10-05-10-00-00.json',
      'session-2025-10-06-10-00-00.json',
    ]);
  });

  it('never touches a session open in a running grok', () => {
    const path = writeSession(h.sessions, { start: '2025-09-01T10:00:00Z' });
    // The lock of a live process (this test's parent: alive, and not the grok process itself).
    writeFileSync(join(h.sessions, '.session-2025-09-01-10-00-00.json.lock'), String(process.ppid));
    const r = runGrok(['sessions', 'prune', '--older-than', '30d', '--yes', '--json'], h.env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).skipped[0].reason).toMatch(/^open in a running grok \(pid \d+\)$/);
    expect(existsSync(path)).toBe(true);
  });

  it('refuses bad durations before reading anything, and asks without a terminal', () => {
    writeSession(h.sessions, { start: '2025-09-01T10:00:00Z' });
    const before = snapshot(h.sessions);
    for (const [value, message] of [
      ['0d', "grok: --older-than: '0d' must be greater than zero\n"],
      ['soon', "grok: --older-than: 'soon' is not a duration (use e.g. 30d, 12h, 2w, 3mo, 1y)\n"],
      ['30', "grok: --older-than: '30' is not a duration (use e.g. 30d, 12h, 2w, 3mo, 1y)\n"],
      ['1m', "grok: --older-than: '1m' is ambiguous: write 1min for minutes or 1mo for months\n"],
    ] as const) {
      const r = runGrok(['sessions', 'prune', '--older-than', value, '--yes'], h.env);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
    }
    const noYes = runGrok(['sessions', 'prune', '--older-than', '30d'], h.env);
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toMatch(/^grok: refusing to delete 1 session .* not on a terminal/);
    expect(snapshot(h.sessions)).toEqual(before);
  });

  it('re-checks each file just before deleting: one changed, replaced or gone is left alone', async () => {
    for (let d = 1; d <= 4; d++) writeSession(h.sessions, { start: `2025-09-0${d}T10:00:00Z` });
    const now = new Date();
    const plan = planPrune(
      await inventory(h.sessions, now),
      { olderThanMs: 30 * 86_400_000 },
      { tags: ['keep'], keepLast: 0 },
      now,
    );
    expect(plan.delete).toHaveLength(4);
    // Between choosing and deleting: one is written to, one becomes a symlink, one disappears.
    appendFileSync(join(h.sessions, 'session-2025-09-01-10-00-00.json'), ' ');
    const replaced = join(h.sessions, 'session-2025-09-02-10-00-00.json');
    rmSync(replaced);
    symlinkSync(join(h.sessions, 'session-2025-09-01-10-00-00.json'), replaced);
    rmSync(join(h.sessions, 'session-2025-09-03-10-00-00.json'));
    const out = await applyPrune(plan.delete);
    expect(out.deleted).toEqual(['session-2025-09-04-10-00-00.json']);
    expect(out.failed).toEqual([]);
    expect(Object.fromEntries(out.skipped.map((s) => [s.file, s.reason]))).toEqual({
      'session-2025-09-01-10-00-00.json': 'changed since it was read: kept',
      'session-2025-09-02-10-00-00.json': 'no longer a regular file',
      'session-2025-09-03-10-00-00.json': 'gone before it could be removed',
    });
    expect(readdirSync(h.sessions).sort()).toEqual([
      'session-2025-09-01-10-00-00.json',
      'session-2025-09-02-10-00-00.json',
    ]);
  });

  it('one file that cannot be deleted does not stop the rest, and the run exits 1', (ctx) => {
    for (let d = 1; d <= 3; d++) writeSession(h.sessions, { start: `2025-09-0${d}T10:00:00Z` });
    // A file that is a mount point cannot be unlinked (EBUSY), even by root.
    const busy = join(h.sessions, 'session-2025-09-02-10-00-00.json');
    const mount = spawnSync('mount', ['--bind', busy, busy]);
    if (mount.status !== 0) {
      ctx.skip(
        `needs root to bind-mount a session file onto itself (mount said: ${String(mount.stderr).trim() || mount.error?.message})`,
      );
      return;
    }
    try {
      const r = runGrok(['sessions', 'prune', '--older-than', '30d', '--yes', '--json'], h.env);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out.deleted).toEqual([
        'session-2025-09-03-10-00-00.json',
        'session-2025-09-01-10-00-00.json',
      ]);
      expect(out.failed).toEqual([
        {
          file: 'session-2025-09-02-10-00-00.json',
          reason: expect.stringMatching(/^could not delete session-2025-09-02-10-00-00\.json: /),
        },
      ]);
    } finally {
      spawnSync('umount', [busy]);
    }
    expect(readdirSync(h.sessions)).toEqual(['session-2025-09-02-10-00-00.json']);
  });

  it('delete and prune share the loop: a changed file is failed for delete, skipped for prune, in the order of the targets', async (ctx) => {
    const name = (d: number) => `session-2025-09-0${d}-10-00-00.json`;
    const busy = join(h.sessions, name(2));
    const now = new Date();
    const choose = async () => {
      for (let d = 1; d <= 4; d++) writeSession(h.sessions, { start: `2025-09-0${d}T10:00:00Z` });
      const { candidates } = await inventory(h.sessions, now);
      // oldest first: 1 changed, 2 cannot be deleted, 3 deleted, 4 gone
      const targets = [...candidates].sort((a, b) => a.startMs - b.startMs);
      appendFileSync(join(h.sessions, name(1)), ' ');
      rmSync(join(h.sessions, name(4)));
      return targets;
    };
    const cannot = expect.stringMatching(/^could not delete session-2025-09-02-10-00-00\.json: /);
    for (const changed of ['failed', 'skipped'] as const) {
      rmSync(h.sessions, { recursive: true });
      mkdirSync(h.sessions);
      const targets = await choose();
      if (spawnSync('mount', ['--bind', busy, busy]).status !== 0) {
        ctx.skip('needs root to bind-mount a session file onto itself');
        return;
      }
      try {
        const out = await deleteUnchanged(targets, changed);
        expect(out.deleted).toEqual([name(3)]);
        const left = [
          { file: name(1), reason: 'changed since it was read: kept' },
          { file: name(4), reason: 'gone before it could be removed' },
        ];
        if (changed === 'failed') {
          expect(out.failed).toEqual([left[0], { file: name(2), reason: cannot }, left[1]]);
          expect(out.skipped).toEqual([]);
        } else {
          expect(out.failed).toEqual([{ file: name(2), reason: cannot }]);
          expect(out.skipped).toEqual(left);
        }
      } finally {
        spawnSync('umount', [busy]);
      }
    }
  });
});
