/**
 * The program's small set of errors. A UserError is something the user can fix: it carries a
 * one-line message naming the file or value, an optional hint (the next command to run) and the
 * exit code. Anything else reaching src/main.ts is an internal error.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

/** Bad flags or arguments: exit 2. */
export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { hint, exitCode: EXIT_USAGE });
    this.name = 'UsageError';
  }
}

/** Turns a Node system error into a short reason such as "permission denied". */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'is a symbolic link';
    case 'EEXIST':
      return 'already exists';
    default:
      return otherReason(error);
  }
}

/** Any other error's message; a system error's without the code, call and path it repeats. */
function otherReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (code === undefined || syscall === undefined) return error.message;
  // "EIO: i/o error, read '/x/y'": the caller names the file its own way
  let reason = error.message;
  const call = reason.lastIndexOf(`, ${syscall}`);
  if (call > 0) reason = reason.slice(0, call);
  return reason.startsWith(`${code}: `) ? reason.slice(code.length + 2) : reason;
}

const FS_USER_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR']);

/**
 * A file system error met while `doing` something in `dir` (permissions, a full disk, a read-only
 * mount) as a one-line user error naming the directory and what to do; anything else is returned
 * as it was, to be raised as the internal error it is.
 */
export function fsUserError(doing: string, dir: string, error: unknown): unknown {
  if (error instanceof UserError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !FS_USER_CODES.has(code)) return error;
  const hint =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? `free space on the disk that holds ${dir}, then run this again`
      : code === 'EROFS'
        ? `${dir} is on a read-only file system: use a writable directory`
        : `see grok sessions doctor for the fix`;
  return new UserError(`cannot ${doing} in ${dir}: ${describeFsError(error)}`, { hint });
}
