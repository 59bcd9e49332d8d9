/**
 * Atomic, private writes. The new content goes to a temp file in the same directory, opened
 * exclusively with mode 0600 (and chmod-ed, so the umask cannot widen it), fsync-ed, renamed over
 * the target, and the directory fsync-ed so the rename survives a power cut. Whatever fails, the
 * old file is untouched.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
} from 'node:fs';
import { copyFile, link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { injectedFault } from '../test-hooks.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Temp files start with a dot and end in .tmp, so they never match the session name pattern. */
export function tempNameFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

export const TEMP_FILE_PATTERN = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * Creates the directory (and parents) if missing; a directory it creates gets 0700 whatever the
 * umask. Synchronous: a caller can set work going (DuckDB opening the index) in the same tick.
 */
export function ensurePrivateDirSync(dir: string): void {
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw new UserError(`${dir} exists but is not a directory`);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof UserError) throw error;
      throw new UserError(`cannot use directory ${dir}: ${describeFsError(error)}`);
    }
  }
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    chmodSync(dir, DIR_MODE);
  } catch (error) {
    throw new UserError(`cannot create directory ${dir}: ${describeFsError(error)}`);
  }
}

/** ensurePrivateDirSync as a promise: the rejection carries the same one-line error. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  ensurePrivateDirSync(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has already happened.
  } finally {
    await fh?.close();
  }
}

/**
 * Gives the complete file `tmp` the name `target` unless that name is taken (EEXIST): a hard link,
 * or where the file system has none (vfat, some network mounts), an exclusive copy.
 */
async function linkOrCopy(tmp: string, target: string): Promise<void> {
  try {
    await link(tmp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') {
      throw error;
    }
    await copyFile(tmp, target, constants.COPYFILE_EXCL);
  }
}

/**
 * Writes `data` (whole, or in parts) to `target` atomically with mode 0600. Throws a UserError
 * naming the file when it cannot, after removing its temp file; the previous content of `target`
 * is then unchanged.
 * With `overwrite: false`, an existing `target` is never replaced: the complete temp file is
 * linked to its name, which fails if the name is taken, even by a file made meanwhile.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | readonly Uint8Array[],
  { overwrite = true }: { overwrite?: boolean } = {},
): Promise<void> {
  const tmp = tempNameFor(target);
  let created = false;
  try {
    const fh = await open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      FILE_MODE,
    );
    created = true;
    try {
      await fh.chmod(FILE_MODE);
      // each part from where the last one ended
      for (const part of typeof data === 'string' || !Array.isArray(data) ? [data] : data) {
        await fh.writeFile(part);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    // Fault injection for the crash test: die after the temp file is complete, before the rename.
    if (injectedFault() === 'crash-before-rename') process.kill(process.pid, 'SIGKILL');
    if (overwrite) {
      await rename(tmp, target);
    } else {
      await linkOrCopy(tmp, target);
      await unlink(tmp);
    }
    created = false;
    await fsyncDir(dirname(target));
  } catch (error) {
    if (created) await unlink(tmp).catch(() => {});
    if (error instanceof UserError) throw error;
    if (!overwrite && (error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UserError(`${target} already exists: it is never overwritten`);
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(dirname(target))) {
      throw new UserError(`could not save ${target}: directory ${dirname(target)} does not exist`);
    }
    throw new UserError(
      `could not save ${basename(target)}: ${describeFsError(error)}; the previous version is unchanged`,
    );
  }
}

/** fsync of a file or directory by its path, synchronously; a failure is thrown. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
