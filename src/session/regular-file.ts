/**
 * The one way grok reads a file of its own under GROK_HOME (sessions, locks, answers, logs,
 * archives, settings): only when it is a regular file, decided on the open descriptor.
 *
 * A FIFO named like a lock file used to hang every command that looked at locks (open(2) of a
 * FIFO waits for a writer), and a symlink to /dev/zero was read until memory ran out. So the file
 * is opened with O_NONBLOCK (a FIFO opens at once; on a regular file the flag does nothing) and,
 * unless the caller allows it, O_NOFOLLOW; then fstat on that descriptor decides. An lstat before
 * the open would leave a window in which the name could be swapped for something else.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  type Stats,
} from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

export interface RegularFile {
  bytes: Buffer;
  size: number;
  mtimeMs: number;
}

export interface RegularReadOptions {
  /** Follow a symlink to a regular file (settings.json kept by a dotfile manager). */
  followSymlink?: boolean;
  /** Read at most this many bytes from the start (a lock holds a pid: a few bytes). */
  maxBytes?: number;
  /**
   * Read a file of any size. Only for bytes never made into one string (a compressed archive,
   * whose entries are checked one by one); everything else stops at MAX_READ_BYTES.
   */
  anySize?: boolean;
}

/**
 * The largest file grok reads whole: a session (live or in an archive), an answer, a log,
 * settings. V8 cannot make a string past 2^29 - 24 characters (about 512 MiB), and JSON.parse
 * holds the text and the value at once; a recorded session is a few MB. Checked against the size
 * on the descriptor (or a tar entry's header) before a byte is read.
 */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

/** Why a file or archive entry of `size` bytes is not read; undefined when it may be. */
export function tooLargeReason(size: number): string | undefined {
  if (size <= MAX_READ_BYTES) return undefined;
  return `too large to read: ${(size / 1e6).toFixed(1)} MB (grok reads files up to ${MAX_READ_BYTES / 1024 / 1024} MiB)`;
}

/** Thrown for a regular file larger than MAX_READ_BYTES; `code` is EFBIG. */
export class FileTooLargeError extends Error {
  readonly code = 'EFBIG';
  readonly path: string;

  constructor(path: string, reason: string) {
    super(reason);
    this.name = 'FileTooLargeError';
    this.path = path;
  }
}

/** What a path is, in words, when it is not a regular file. */
export function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return st.isFile() ? 'a regular file' : 'not a regular file';
}

/** Thrown for a path that is there but is not a regular file; `code` is ENOTREG. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  readonly path: string;

  constructor(path: string, kind: string) {
    super(`not a regular file (${kind})`);
    this.name = 'NotRegularFileError';
    this.path = path;
  }
}

/** A lock holds a pid and a newline; anything past this is not read. */
export const LOCK_READ_LIMIT = 4096;

function flags(opts: RegularReadOptions): number {
  return (
    constants.O_RDONLY |
    constants.O_NONBLOCK |
    constants.O_NOCTTY |
    (opts.followSymlink ? 0 : constants.O_NOFOLLOW)
  );
}

function describeOpenError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  // O_NOFOLLOW on a symlink; a socket, which cannot be opened at all ("no such device")
  if (code === 'ELOOP') return new NotRegularFileError(path, 'a symbolic link');
  if (code === 'ENXIO') return new NotRegularFileError(path, 'a socket or device');
  return error;
}

function checked(path: string, st: Stats, opts: RegularReadOptions = {}): Stats {
  if (!st.isFile()) throw new NotRegularFileError(path, fileKind(st));
  const tooLarge =
    opts.anySize || opts.maxBytes !== undefined ? undefined : tooLargeReason(st.size);
  if (tooLarge !== undefined) throw new FileTooLargeError(path, tooLarge);
  return st;
}

/** Reads `path` when it is a regular file; throws NotRegularFileError or the open's error. */
export async function readRegularFile(
  path: string,
  opts: RegularReadOptions = {},
): Promise<RegularFile> {
  let fh: FileHandle;
  try {
    fh = await open(path, flags(opts));
  } catch (error) {
    throw describeOpenError(path, error);
  }
  try {
    const st = checked(path, await fh.stat(), opts);
    let bytes: Buffer;
    if (opts.maxBytes === undefined) bytes = await fh.readFile();
    else {
      const buf = Buffer.alloc(Math.min(opts.maxBytes, st.size));
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      bytes = buf.subarray(0, got);
    }
    return { bytes, size: st.size, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}

/** `use` of a regular file's descriptor and checked stat, without following a symlink; closed after. */
function withRegularFdSync<T>(
  path: string,
  opts: RegularReadOptions,
  use: (fd: number, st: Stats) => T,
): T {
  let fd: number;
  try {
    fd = openSync(path, flags(opts));
  } catch (error) {
    throw describeOpenError(path, error);
  }
  try {
    return use(fd, checked(path, fstatSync(fd), opts));
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `length` bytes from the start of `fd` into `buf`: the count read. */
function fillSync(fd: number, buf: Buffer, length: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** readRegularFile, synchronously (for loops where the page cache is warm, and sync callers). */
export function readRegularFileSync(path: string, opts: RegularReadOptions = {}): RegularFile {
  return withRegularFdSync(path, opts, (fd, st) => {
    let bytes: Buffer;
    if (opts.maxBytes === undefined) bytes = readFileSync(fd);
    else {
      const buf = Buffer.alloc(Math.min(opts.maxBytes, st.size));
      bytes = buf.subarray(0, fillSync(fd, buf, buf.length));
    }
    return { bytes, size: st.size, mtimeMs: st.mtimeMs };
  });
}

/**
 * The buffer readRegularTextSync reads into, kept from one file to the next (one per thread): a
 * new buffer per file cost its allocation and the page faults of fresh memory, a fifth of the
 * reading of a cold build. A file larger than SCRATCH_KEEP gets a buffer of its own, let go after.
 */
let scratch = Buffer.allocUnsafe(0);
const SCRATCH_KEEP = 16 * 1024 * 1024;

/**
 * readRegularFileSync of a whole file, as UTF-8 text, through the reused buffer. Synchronous on
 * purpose: with the page cache warm, a loop of synchronous reads is about four times faster than
 * the same reads through fs/promises (the parse workers read file after file).
 */
export function readRegularTextSync(path: string): { text: string; size: number; mtimeMs: number } {
  const { bytes, size, mtimeMs } = readRegularIntoSync(path, (size) => {
    if (scratch.length < size) {
      const buf = Buffer.allocUnsafe(Math.max(size, Math.min(2 * scratch.length, SCRATCH_KEEP)));
      if (buf.length > SCRATCH_KEEP) return buf;
      scratch = buf;
    }
    return scratch;
  });
  return { text: bytes.toString('utf8'), size, mtimeMs };
}

/**
 * readRegularFileSync of a whole file into a buffer `room` gives for its size (at least that
 * many bytes): the bytes read are the start of that buffer, as many as fstat said, or fewer
 * where the file ends before.
 */
export function readRegularIntoSync(path: string, room: (size: number) => Buffer): RegularFile {
  return withRegularFdSync(path, {}, (fd, st) => {
    const buf = room(st.size);
    const got = fillSync(fd, buf, st.size);
    return { bytes: buf.subarray(0, got), size: st.size, mtimeMs: st.mtimeMs };
  });
}

/** The pid a lock file names (NaN when it names none): read only when it is a regular file. */
export async function readLockPid(lockPath: string): Promise<number> {
  const { bytes } = await readRegularFile(lockPath, { maxBytes: LOCK_READ_LIMIT });
  return Number.parseInt(bytes.toString('utf8').trim(), 10);
}

/** readLockPid, synchronously. */
export function readLockPidSync(lockPath: string): number {
  const { bytes } = readRegularFileSync(lockPath, { maxBytes: LOCK_READ_LIMIT });
  return Number.parseInt(bytes.toString('utf8').trim(), 10);
}

/**
 * Appends `text` to `path` (created 0600 when missing) only when it is a regular file: a FIFO
 * there would otherwise make the append wait for a reader forever, a symlink lead elsewhere.
 */
export async function appendRegularFile(path: string, text: string): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(
      path,
      constants.O_WRONLY |
        constants.O_APPEND |
        constants.O_CREAT |
        constants.O_NONBLOCK |
        constants.O_NOCTTY |
        constants.O_NOFOLLOW,
      0o600,
    );
  } catch (error) {
    throw describeOpenError(path, error);
  }
  try {
    checked(path, await fh.stat(), { anySize: true });
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

/**
 * Throws NotRegularFileError when `path` exists and is not a regular file (a symlink included);
 * for a file another library opens by name (DuckDB's index), checked on a descriptor just before.
 */
export function assertRegularIfPresentSync(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, flags({}));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw describeOpenError(path, error);
  }
  try {
    checked(path, fstatSync(fd), { anySize: true });
  } finally {
    closeSync(fd);
  }
}
