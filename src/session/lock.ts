/**
 * A session open in a running grok is locked: `.<file>.lock` beside it holds the owner's pid.
 * Lock files start with a dot, so they never match the session name pattern. A lock whose
 * process is gone is stale and may be taken over.
 */
import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { readLockPid } from './regular-file.js';

export function lockPathFor(sessionPath: string): string {
  return join(dirname(sessionPath), `.${basename(sessionPath)}.lock`);
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live pid recorded in a lock file, or undefined when there is none or it is stale. */
export async function pidLockHolder(lockPath: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = await readLockPid(lockPath);
  } catch {
    return undefined;
  }
  return pid !== process.pid && processAlive(pid) ? pid : undefined;
}

/** The pid holding `sessionPath`, or undefined when it is free (no lock, or a stale one). */
export function lockHolder(sessionPath: string): Promise<number | undefined> {
  return pidLockHolder(lockPathFor(sessionPath));
}

/** Throws a one-line error when a running grok holds the session. */
export async function assertNotLocked(sessionPath: string, doing: string): Promise<void> {
  const pid = await lockHolder(sessionPath);
  if (pid !== undefined) {
    throw new UserError(
      `cannot ${doing} ${basename(sessionPath)}: it is open in a running grok (pid ${pid})`,
      {
        hint: 'end that session first',
      },
    );
  }
}

/**
 * Takes a pid lock file exclusively; a stale one (its process is gone) is taken over. `held`
 * makes the error for a lock another live process holds. Returns the release function.
 */
export async function acquirePidLock(
  lockPath: string,
  held: (pid: number) => UserError,
): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(
        lockPath,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return async () => {
        await unlink(lockPath).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await pidLockHolder(lockPath);
      if (holder !== undefined) throw held(holder);
      await unlink(lockPath).catch(() => {});
    }
  }
  throw new UserError(
    `could not take the lock ${basename(lockPath)}: another process keeps taking it`,
  );
}

/** Takes the session's lock for this process; a stale lock is taken over. */
export function acquireSessionLock(sessionPath: string): Promise<() => Promise<void>> {
  return acquirePidLock(
    lockPathFor(sessionPath),
    (pid) =>
      new UserError(`${basename(sessionPath)} is already open in another grok (pid ${pid})`, {
        hint: 'end that session first, or fork it with grok sessions fork',
      }),
  );
}
