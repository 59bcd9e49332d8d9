/**
 * The pid lock that guards a session, an archive run and a maintenance run: one holder at a time
 * whatever the interleaving, a stale lock taken over by one process only, a release that never
 * removes a successor's lock, and a taker killed at any step leaving nothing the next one cannot
 * take.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { acquirePidLock, type LockStep } from '../../src/session/lock.js';

const WORKER = join(import.meta.dirname, 'lock-worker.mjs');

/** A pid that is certainly gone: a child that was SIGKILLed and reaped. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'kill -9 $$']);
  expect(r.signal).toBe('SIGKILL');
  return r.pid as number;
}

const held = (pid: number) => new UserError(`held by ${pid}`);

interface Worker {
  rounds: number;
  dieAt?: number;
  crashAt?: LockStep;
}

/** Runs the workers together (from one start time) and waits for all of them. */
async function race(lock: string, log: string, workers: readonly Worker[]): Promise<void> {
  const startAt = Date.now() + 300 + 100 * workers.length;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [
              WORKER,
              lock,
              log,
              String(startAt),
              String(w.rounds),
              String(w.dieAt ?? -1),
              w.crashAt ?? '',
            ],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          );
          let stderr = '';
          child.stderr.on('data', (d) => {
            stderr += d;
          });
          child.on('error', reject);
          child.on('close', (code, signal) => {
            if (code === 0 || signal === 'SIGKILL') resolve();
            else reject(new Error(`worker exited ${code}: ${stderr}`));
          });
        }),
    ),
  );
}

/** Every moment two processes held the lock at once, from the log of enters and exits. */
function overlaps(log: string): { overlaps: string[]; holds: number } {
  let holder: string | undefined;
  const found: string[] = [];
  let holds = 0;
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const [what, pid] = line.split(' ') as [string, string];
    if (what === 'enter') {
      holds++;
      if (holder !== undefined) found.push(`${pid} entered while ${holder} held it`);
      holder = pid;
    } else if (holder === pid) holder = undefined;
  }
  return { overlaps: found, holds };
}

describe('the pid lock', () => {
  let dir: string;
  let lock: string;
  let log: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'grok-lock-'));
    lock = join(dir, '.archive.lock');
    log = join(mkdtempSync(join(tmpdir(), 'grok-lock-log-')), 'log');
    writeFileSync(log, '');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(log, '..'), { recursive: true, force: true });
  });

  it('has one holder at a time among processes that keep dying while they hold it', async () => {
    const trials = 8;
    let holds = 0;
    const found: string[] = [];
    for (let trial = 0; trial < trials; trial++) {
      writeFileSync(log, '');
      writeFileSync(lock, `${deadPid()}\n`);
      // Six takers; four die holding the lock at some round, leaving it stale for the others.
      await race(lock, log, [
        { rounds: 40, dieAt: 2 },
        { rounds: 40, dieAt: 5 },
        { rounds: 40, dieAt: 9 },
        { rounds: 40, dieAt: 14 },
        { rounds: 40 },
        { rounds: 40 },
      ]);
      const r = overlaps(log);
      holds += r.holds;
      found.push(...r.overlaps.map((o) => `trial ${trial}: ${o}`));
      // Nothing left but, at most, the stale lock of the last one to die.
      expect(readdirSync(dir).filter((n) => n !== '.archive.lock')).toEqual([]);
    }
    expect(found).toEqual([]);
    expect(holds).toBeGreaterThan(trials * 4);
  }, 300_000);

  it('a release leaves alone the lock a successor holds', async () => {
    const release = await acquirePidLock(lock, held);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    // Our lock went (taken over while this process looked dead) and a live process holds it now.
    rmSync(lock);
    writeFileSync(lock, `${process.ppid}\n`);
    await release();
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid}\n`);
    await expect(acquirePidLock(lock, held)).rejects.toThrow(`held by ${process.ppid}`);

    rmSync(lock);
    const second = await acquirePidLock(lock, held);
    rmSync(lock);
    writeFileSync(lock, `${process.ppid}\n`);
    second.sync();
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('a release removes its own lock, once', async () => {
    const release = await acquirePidLock(lock, held);
    await release();
    expect(readdirSync(dir)).toEqual([]);
    const next = await acquirePidLock(lock, held);
    await release(); // the first holder's again: the second's lock stays
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    await next();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a lock still empty, as an older grok writes it, is not taken for stale', async () => {
    writeFileSync(lock, '');
    const writer = setTimeout(() => writeFileSync(lock, `${process.ppid}\n`), 300);
    try {
      await expect(acquirePidLock(lock, held)).rejects.toThrow(`held by ${process.ppid}`);
    } finally {
      clearTimeout(writer);
    }
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('an empty lock left long ago is stale and taken over', async () => {
    writeFileSync(lock, '');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lock, hourAgo, hourAgo);
    const release = await acquirePidLock(lock, held);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });

  it('a symbolic link or a FIFO where the lock goes is refused, never followed or read', async () => {
    const target = join(dir, 'target');
    writeFileSync(target, '999999999\n');
    spawnSync('ln', ['-s', target, lock]);
    await expect(acquirePidLock(lock, held)).rejects.toThrow(/is a symbolic link, not a lock file/);
    expect(readFileSync(target, 'utf8')).toBe('999999999\n');
    rmSync(lock);
    expect(spawnSync('mkfifo', [lock]).status).toBe(0);
    await expect(acquirePidLock(lock, held)).rejects.toThrow(/is not a regular file/);
  });

  for (const step of ['temp written', 'marker linked', 'stale removed', 'lock linked'] as const)
    it(`a taker killed after '${step}' leaves a lock the others take, one at a time`, async () => {
      writeFileSync(lock, `${deadPid()}\n`);
      await race(lock, log, [{ rounds: 1, crashAt: step }]);
      // Then four at once over what it left.
      writeFileSync(log, '');
      await race(lock, log, [{ rounds: 5 }, { rounds: 5 }, { rounds: 5 }, { rounds: 5 }]);
      const r = overlaps(log);
      expect(r.overlaps).toEqual([]);
      expect(r.holds).toBeGreaterThan(0);
      // What is left is the dead taker's (a marker, its temp file) and goes with the next
      // take-over.
      const left = readdirSync(dir).filter((n) => n !== '.archive.lock');
      for (const n of left)
        expect(n).toMatch(
          /^(\.archive\.lock\..*\.takeover\.lock|\.\.archive\.lock\.\d+\.[0-9a-f]{8}\.tmp)$/,
        );
      writeFileSync(lock, `${deadPid()}\n`);
      const release = await acquirePidLock(lock, held);
      await release();
      expect(readdirSync(dir)).toEqual([]);
    }, 60_000);

  it('a chain of dead take-over markers is passed through', async () => {
    writeFileSync(lock, `${deadPid()}\n`);
    for (let i = 0; i < 3; i++) await race(lock, log, [{ rounds: 1, crashAt: 'marker linked' }]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.takeover.lock'))).toHaveLength(3);
    const release = await acquirePidLock(lock, held);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
    expect(readdirSync(dir)).toEqual(['.archive.lock']);
    await release();
  }, 60_000);
});
