/**
 * Monthly archives on disk: reading every entry of a tar.gz into memory, and writing one that is
 * verified before it takes its final name. node-tar writes and reads; the bytes of every entry
 * are compared (size and SHA-256) with what was meant to go in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { create, list } from 'tar';
import { describeFsError, UserError } from '../errors.js';
import { FILE_MODE } from '../session/atomic-write.js';
import { readRegularFile, tooLargeReason } from '../session/regular-file.js';
import { testSwitch } from '../test-hooks.js';

export interface TarEntry {
  /** The path as stored in the archive (not trusted: it may hold `../` or be absolute). */
  path: string;
  /** node-tar's type: File, Directory, SymbolicLink, Link, ... */
  type: string;
  size: number;
  mtime: Date | undefined;
  /** The content of regular files; undefined for everything else. */
  data: Buffer | undefined;
  /** Why a regular file's content was not read: larger than grok reads (its header says so). */
  tooLarge?: string;
}

export const sha256 = (data: Buffer | string): string =>
  createHash('sha256').update(data).digest('hex');

const isRegular = (type: string) =>
  type === 'File' || type === 'OldFile' || type === 'ContiguousFile';

/**
 * Every entry of a tar.gz, regular files with their bytes. Throws on a damaged archive; the
 * entries read before the damage are then in `entries`, when the caller passes it (a regular
 * file cut by the damage has no `data`).
 */
export async function readTarEntries(path: string, entries: TarEntry[] = []): Promise<TarEntry[]> {
  const pending: Promise<void>[] = [];
  // read here, not by node-tar: it opens the path as given, and a FIFO named like an archive
  // would hang the read, a symlink to /dev/zero fill memory
  // (compressed bytes, never one string: each entry's size is checked below)
  const { bytes } = await readRegularFile(path, { anySize: true });
  const parser = list({
    strict: true,
    onReadEntry: (entry) => {
      const item: TarEntry = {
        path: entry.path,
        type: entry.type,
        size: entry.size ?? 0,
        mtime: entry.mtime,
        data: undefined,
      };
      entries.push(item);
      if (isRegular(entry.type)) item.tooLarge = tooLargeReason(item.size);
      if (!isRegular(entry.type) || item.tooLarge !== undefined) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      const done = new Promise<void>((resolve, reject) => {
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          item.data = Buffer.concat(chunks);
          resolve();
        });
        entry.on('error', reject);
      });
      // Awaited below; when the archive is damaged the list fails first and this is never awaited.
      done.catch(() => {});
      pending.push(done);
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
    parser.end(bytes);
  });
  await Promise.all(pending);
  return entries;
}

export interface ArchiveMember {
  name: string;
  data: Buffer;
}

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Test hook: flip one byte of the written archive before it is verified. */
async function corruptForTest(path: string): Promise<void> {
  if (testSwitch('CORRUPT_ARCHIVE') !== '1') return;
  const bytes = await readFile(path);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] as number) ^ 0xff;
  await writeFile(path, bytes);
}

/** Reads the archive back and compares it with `members`, entry by entry. */
export async function verifyArchive(
  path: string,
  members: readonly ArchiveMember[],
): Promise<void> {
  let entries: TarEntry[];
  try {
    entries = await readTarEntries(path);
  } catch (error) {
    throw new Error(`reading it back failed: ${describeFsError(error)}`);
  }
  const files = entries.filter((e) => isRegular(e.type));
  if (files.length !== members.length || entries.length !== members.length)
    throw new Error(`read back ${entries.length} entries, expected ${members.length}`);
  members.forEach((m, i) => {
    const e = files[i] as TarEntry;
    if (e.path !== m.name) throw new Error(`entry ${i} is ${e.path}, expected ${m.name}`);
    if (!e.data || e.data.length !== m.data.length || sha256(e.data) !== sha256(m.data))
      throw new Error(`entry ${m.name} differs from its original (size or SHA-256)`);
  });
}

/**
 * Writes `members` (in order) as `target`, a gzip tar, atomically: a temp name in the same
 * directory, read back and verified, fsynced, then renamed over the target. On any failure the
 * target is as it was and no temp file is left.
 */
export async function writeVerifiedArchive(
  target: string,
  members: readonly ArchiveMember[],
): Promise<void> {
  const dir = dirname(target);
  const temp = join(
    dir,
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const staging = await mkdtemp(join(dir, '.staging-')).catch((error: unknown) => {
    throw new UserError(`cannot write in ${dir}: ${describeFsError(error)}`);
  });
  try {
    for (const m of members) await writeFile(join(staging, m.name), m.data, { mode: FILE_MODE });
    // Created private first (umask-proof); node-tar then writes into it.
    await (await open(temp, 'wx', FILE_MODE)).close();
    await chmod(temp, FILE_MODE);
    await create(
      { gzip: true, file: temp, cwd: staging, portable: true },
      members.map((m) => m.name),
    );
    await corruptForTest(temp);
    await verifyArchive(temp, members);
    await fsyncPath(temp);
    await rename(temp, target);
    await fsyncPath(dir).catch(() => undefined);
  } catch (error) {
    await rm(temp, { force: true });
    const why = error instanceof UserError ? error.message : describeFsError(error);
    throw new UserError(`${basename(target)} not written: ${why}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
