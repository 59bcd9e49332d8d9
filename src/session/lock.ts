/**
 * Pid locks. A session open in a running grok is locked: `.<file>.lock` beside it holds the
 * owner's pid, one line, as every reader of a lock expects. Lock files start with a dot, so they
 * never match the session name pattern. A lock whose process is gone is stale and may be taken
 * over. The same locks guard an archive run (`archives/.archive.lock`) and a maintenance run.
 *
 * Only an exclusive create is atomic: the owner's record is written to a temp file of its own,
 * then hard-linked to the lock's name, which fails when the name is taken, so a lock is never seen
 * empty (`rename` would silently replace a live lock). A lock is known by its file (device, inode,
 * mtime and content), so a release removes only the lock it took, never a successor's.
 *
 * Taking over a stale lock is what races: two processes both find the owner dead, one removes
 * the stale lock and links its own, and the other then removes that. So a take-over is serialised
 * by a marker, `<lock>.<stale owner>.takeover.lock`, linked exclusively; its holder checks that
 * the lock is still the same stale file before removing it. A marker whose process died is itself
 * stale: the next taker links one level deeper (`<marker>.<its owner>.takeover.lock`), never
 * removing it, so markers need no take-over of their own. Once the stale lock has been replaced it
 * never comes back, and every marker of it is inert: whoever holds one finds the lock changed.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { copyFile, link, open, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { FILE_MODE, tempNameFor } from './atomic-write.js';
import { LOCK_READ_LIMIT, readLockPid, readLockPidSync } from './regular-file.js';

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

/**
 * How long a lock without a pid (an older grok between its exclusive create and its write, or a
 * file system without hard links) counts as being written rather than stale.
 */
const UNWRITTEN_LOCK_GRACE_MS = 10_000;

/** How long an acquisition waits for another process's take-over to finish. */
const TAKEOVER_WAIT_MS = 5_000;

/** Markers of take-overs that died, one after another, before a take-over gives up. */
const MAX_TAKEOVER_DEPTH = 6;

const TAKEOVER_SUFFIX = '.takeover.lock';

/** One lock file as read: what identifies it, and the pid it names (undefined when none). */
interface LockFile {
  id: string;
  pid: number | undefined;
  ageMs: number;
}

// As regular-file.ts reads: a FIFO opens at once and is refused, a symlink is never followed.
const OPEN_LOCK =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/** What a lock file's descriptor says of it: the same facts, read synchronously or not. */
function describeLock(path: string, st: import('node:fs').BigIntStats, text: string): LockFile {
  if (!st.isFile()) throw notALock(path, st.isDirectory() ? 'a folder' : 'not a regular file');
  const match = /^\s*(\d+)/.exec(text);
  return {
    id: `${st.dev}:${st.ino}:${st.mtimeNs}:${st.size}:${text}`,
    pid: match ? Number(match[1]) : undefined,
    ageMs: Date.now() - Number(st.mtimeMs),
  };
}

function openFailed(path: string, error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return undefined;
  if (code === 'ELOOP') throw notALock(path, 'a symbolic link');
  if (code === 'ENXIO') throw notALock(path, 'a socket or device');
  throw error;
}

/**
 * Reads a lock file on its own descriptor: never through a symbolic link, never blocking on a
 * FIFO, never more than LOCK_READ_LIMIT. Undefined when there is no such file; throws a UserError
 * naming it when it is not a regular file.
 */
async function readLockFile(path: string): Promise<LockFile | undefined> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, OPEN_LOCK);
  } catch (error) {
    return openFailed(path, error);
  }
  try {
    const st = await fh.stat({ bigint: true });
    const buffer = Buffer.alloc(LOCK_READ_LIMIT);
    const { bytesRead } = st.isFile()
      ? await fh.read(buffer, 0, LOCK_READ_LIMIT, 0)
      : { bytesRead: 0 };
    return describeLock(path, st, buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await fh.close();
  }
}

function readLockFileSync(path: string): LockFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, OPEN_LOCK);
  } catch (error) {
    return openFailed(path, error);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const buffer = Buffer.alloc(LOCK_READ_LIMIT);
    const bytesRead = st.isFile() ? readSync(fd, buffer, 0, LOCK_READ_LIMIT, 0) : 0;
    return describeLock(path, st, buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

function notALock(path: string, what: string): UserError {
  return new UserError(`${path} is ${what}, not a lock file grok wrote`, {
    hint: `remove it (rm ${path}) once no grok is running`,
  });
}

/** Identities of the lock files (and markers) this process made and has not let go. */
const ours = new Set<string>();

/**
 * Whether the process a lock file names may still hold it. A file naming this process is ours
 * only when this process made it: otherwise an earlier process had the same pid (a container
 * restarted) and is gone. A file naming no pid is being written until it is old.
 */
function ownerAlive(f: LockFile): boolean {
  if (f.pid === undefined) return f.ageMs < UNWRITTEN_LOCK_GRACE_MS;
  if (f.pid === process.pid) return ours.has(f.id);
  return processAlive(f.pid);
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

/**
 * The lock files named `names` in `dir` whose owner still runs: each path with its pid. A lock
 * that is gone meanwhile, or is not one grok wrote, has no owner.
 */
export function liveLocks(dir: string, names: readonly string[]): Map<string, number> {
  const live = new Map<string, number>();
  for (const name of names) {
    const path = join(dir, name);
    let pid: number;
    try {
      pid = readLockPidSync(path);
    } catch {
      continue;
    }
    if (pid !== process.pid && processAlive(pid)) live.set(path, pid);
  }
  return live;
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
 * Gives the complete file `from` the name `to` unless the name is taken: true when it did, false
 * on EEXIST. Where the file system has no hard links, an exclusive copy (then briefly empty, which
 * UNWRITTEN_LOCK_GRACE_MS covers).
 */
async function linkExclusive(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS')
      throw error;
  }
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

const short = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 12);

/** The marker serialising the take-over of the stale file `stale` at `name` (a lock or a marker). */
function markerFor(name: string, stale: LockFile): string {
  const base = name.endsWith(TAKEOVER_SUFFIX) ? name.slice(0, -TAKEOVER_SUFFIX.length) : name;
  return `${base}.${short(stale.id)}${TAKEOVER_SUFFIX}`;
}

const removeIfThere = (path: string) => unlink(path).catch(() => {});

/**
 * Steps of an acquisition, for the tests that kill a process at each of them.
 * @internal
 */
export type LockStep = 'temp written' | 'marker linked' | 'stale removed' | 'lock linked';

export interface LockOptions {
  /** @internal Called after each step (a test kills the process there). */
  onStep?: (step: LockStep) => void;
}

/** Lets go of a lock: removes it only while it is still the file this process made. */
export type ReleaseLock = (() => Promise<void>) & {
  /** The same, synchronously, for a process about to exit. */
  sync: () => void;
};

/**
 * Takes a pid lock file exclusively; a stale one (its process is gone) is taken over. `held`
 * makes the error for a lock another live process holds. Returns the release function.
 */
export async function acquirePidLock(
  lockPath: string,
  held: (pid: number) => UserError,
  opts: LockOptions = {},
): Promise<ReleaseLock> {
  const step = opts.onStep ?? (() => {});
  // A lock held by a live process is refused before anything is written beside it.
  const before = await readLockFile(lockPath);
  if (before?.pid !== undefined && ownerAlive(before)) throw held(before.pid);
  const temp = tempNameFor(lockPath);
  const fh = await open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    FILE_MODE,
  );
  try {
    await fh.chmod(FILE_MODE);
    await fh.writeFile(`${process.pid}\n`);
  } finally {
    await fh.close();
  }
  const self = await readLockFile(temp);
  if (self === undefined) throw new Error(`${temp} vanished as it was written`);
  // Its markers and the lock it becomes are the same file: this process's while it lives.
  ours.add(self.id);
  let taken: ReleaseLock | undefined;
  step('temp written');
  try {
    const deadline = Date.now() + TAKEOVER_WAIT_MS;
    for (;;) {
      if (await linkExclusive(temp, lockPath)) {
        taken = await heldLock(lockPath);
        return taken;
      }
      const current = await readLockFile(lockPath);
      if (current !== undefined) {
        if (current.pid !== undefined && ownerAlive(current)) throw held(current.pid);
        if (!ownerAlive(current)) {
          if (await takeOver(lockPath, current, temp, step)) {
            taken = await heldLock(lockPath);
            // Only here: a listing of a sessions directory costs more than the whole lock.
            await removeLeftoversOf(lockPath);
            return taken;
          }
        }
      }
      // Gone meanwhile, being written, or another process is taking it over: look again.
      if (Date.now() > deadline)
        throw new UserError(
          `could not take the lock ${lockPath}: another process keeps taking it over`,
          { hint: 'run the command again' },
        );
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  } finally {
    if (taken === undefined) ours.delete(self.id);
    await removeIfThere(temp);
  }
}

/** The lock just linked, as this process's: its release removes that file and no other. */
async function heldLock(lockPath: string): Promise<ReleaseLock> {
  const mine = await readLockFile(lockPath);
  if (mine === undefined || mine.pid !== process.pid)
    throw new Error(`${lockPath} changed as it was taken`);
  ours.add(mine.id);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    try {
      if ((await readLockFile(lockPath).catch(() => undefined))?.id === mine.id)
        await removeIfThere(lockPath);
    } finally {
      ours.delete(mine.id);
    }
  };
  release.sync = () => {
    if (released) return;
    released = true;
    try {
      if (readLockFileSync(lockPath)?.id === mine.id) unlinkSync(lockPath);
    } catch {
      // Gone, or not ours to remove.
    } finally {
      ours.delete(mine.id);
    }
  };
  return release;
}

/**
 * Replaces the stale lock file `stale` at `lockPath` with the owner record `temp`, one taker at a
 * time. False when the lock changed meanwhile, or another live process is taking it over: the
 * caller looks again.
 */
async function takeOver(
  lockPath: string,
  stale: LockFile,
  temp: string,
  step: (s: LockStep) => void,
): Promise<boolean> {
  let marker = markerFor(lockPath, stale);
  for (let depth = 0; ; depth++) {
    if (depth === MAX_TAKEOVER_DEPTH)
      throw new UserError(
        `could not take the lock ${lockPath}: ${depth} take-overs of it were interrupted`,
        { hint: `remove ${lockPath} and ${basename(lockPath)}.*${TAKEOVER_SUFFIX} beside it` },
      );
    if (await linkExclusive(temp, marker)) break;
    const other = await readLockFile(marker);
    // Gone: its taker finished or gave up, so the lock has changed. Alive: it is taking over.
    if (other === undefined || ownerAlive(other)) return false;
    marker = markerFor(marker, other);
  }
  step('marker linked');
  try {
    // Still the same stale file? Only the holder of the deepest marker gets here, and a file once
    // replaced never comes back, so between this check and the unlink nobody else removes it.
    if ((await readLockFile(lockPath))?.id !== stale.id) return false;
    await unlink(lockPath);
    step('stale removed');
    const linked = await linkExclusive(temp, lockPath);
    if (linked) step('lock linked');
    return linked;
  } finally {
    await removeIfThere(marker);
  }
}

/**
 * Once this process has taken `lockPath` over: removes every take-over marker of it (each was
 * made for a stale file that is gone for good, so none can let anybody remove the lock) and the
 * temp files of takers that died. A taker killed between removing the stale lock and linking its
 * own leaves its marker until the next take-over; doctor names it meanwhile.
 */
async function removeLeftoversOf(lockPath: string): Promise<void> {
  const marker = `${basename(lockPath)}.`;
  const temp = `.${basename(lockPath)}.`;
  const names = await readdir(dirname(lockPath)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(marker) && name.endsWith(TAKEOVER_SUFFIX)) {
      await removeIfThere(join(dirname(lockPath), name));
    } else if (name.startsWith(temp)) {
      const pid = Number(/^\.[^/]+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)?.[1]);
      if (pid > 0 && pid !== process.pid && !processAlive(pid))
        await removeIfThere(join(dirname(lockPath), name));
    }
  }
}

/** Takes the session's lock for this process; a stale lock is taken over. */
export function acquireSessionLock(sessionPath: string): Promise<ReleaseLock> {
  return acquirePidLock(
    lockPathFor(sessionPath),
    (pid) =>
      new UserError(`${basename(sessionPath)} is already open in another grok (pid ${pid})`, {
        hint: 'end that session first, or fork it with grok sessions fork',
      }),
  );
}
