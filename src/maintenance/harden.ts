/**
 * Permissions, the seed's `chmod 700 sessions/; chmod 600 *.json` made complete: `$GROK_HOME`,
 * the sessions, archives, logs and answers directories and the index's spill directory 0700;
 * session files (and repair backups), archives, the index and what it spilled, settings and logs
 * 0600. Only bits are removed (a 0400 file stays 0400).
 * Files that are not grok's (other tools' files in the sessions directory) are left alone.
 *
 * A symlink is never followed: each path is lstat-ed, a symlink is reported and skipped, and the
 * change goes through a descriptor opened with O_NOFOLLOW. A path owned by another user is
 * reported, not changed: root running harden must not silently take over someone else's file.
 *
 * A directory grok did not make is never chmod-ed, whatever it is set to: `/`, a system directory,
 * the user's home, a sticky or world-writable shared directory (a 0700 /tmp locks every other
 * user out of it) and another user's directory are reported with the reason, and the run says
 * they stay loose. The directories grok needs are set to exactly 0700: a 0500 sessions directory
 * is fixed (grok cannot save there), not called private.
 *
 * `doctor` and `maintain --dry-run` plan through this same function (check: true).
 */
import { constants, lstatSync, type Stats } from 'node:fs';
import { chmod, lstat, open, readdir, realpath } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { describeFsError } from '../errors.js';
import { DIR_MODE, FILE_MODE } from '../session/atomic-write.js';
import { grokHome, isSessionFileName, sessionsDir } from '../session/paths.js';
import { archivesDirOrDefault } from './archives-dir.js';

export interface HardenOptions {
  /** Change nothing; report what is loose. */
  check?: boolean | undefined;
  sessionsDir?: string | undefined;
}

export interface ModeChange {
  path: string;
  /** Octal, e.g. "0644". */
  from: string;
  to: string;
}

/**
 * Why a path was left alone: `symlink` (never followed), `other-owner`, `not-grok` (a system or
 * shared directory, the home directory), `error` (it could not be checked or changed).
 */
export type SkipKind = 'symlink' | 'other-owner' | 'not-grok' | 'error';

export interface HardenSkip {
  path: string;
  kind: SkipKind;
  reason: string;
}

export interface HardenResult {
  check: boolean;
  /** Changed (with check: that would be). */
  changed: ModeChange[];
  /** Left alone, with why: symlinks, other owners, directories that are not grok's, errors. */
  skipped: HardenSkip[];
  /** Paths still loose after this run: everything in `changed` under check, plus what could not be fixed. */
  loose: number;
  /** Paths looked at. */
  checked: number;
}

/** A mode with its special bits (setuid, setgid, sticky), e.g. "1777", "0644". */
export const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Directories of the system: the top level and what is directly in /usr, /var and the like.
 * A sessions directory set to one of them is a mistake harden must not act on.
 */
const SYSTEM_DIRS = new Set([
  '/',
  ...'bin boot dev etc home lib lib32 lib64 libx32 media mnt opt proc root run sbin snap srv sys tmp usr var'
    .split(' ')
    .map((d) => `/${d}`),
  // macOS
  ...'Applications Library System Users Volumes cores private'.split(' ').map((d) => `/${d}`),
]);
const SYSTEM_PARENTS = new Set(['/usr', '/usr/local', '/var', '/private', '/private/var', '/run']);

function userHome(): string | undefined {
  try {
    // the account's home from the password database: HOME may point anywhere
    return userInfo().homedir || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the directory at `path` (already resolved) is not grok's to chmod, or undefined when it may
 * be. Pure but for the account's home directory.
 */
export function notGroksDirectory(path: string, mode: number): string | undefined {
  if (path === '/') return 'the root directory';
  if (path === userHome()) return 'your home directory';
  if (SYSTEM_DIRS.has(path) || SYSTEM_PARENTS.has(dirname(path))) return 'a system directory';
  if (mode & 0o1000) return 'a shared directory (sticky bit)';
  if (mode & 0o002) return 'a shared directory (world-writable)';
  return undefined;
}

/** A repair backup: `session-….json.bak-<time>`, the whole conversation like the session itself. */
const REPAIR_BACKUP_PATTERN = /^session-.+\.json\.bak-[0-9-]+$/;

const isSessionOrBackup = (name: string) =>
  isSessionFileName(name) || REPAIR_BACKUP_PATTERN.test(name);
const isArchive = (name: string) => name.endsWith('.tar.gz');
const anyFile = () => true;

async function chmodNoFollow(path: string, st: Stats, mode: number): Promise<void> {
  const flags =
    constants.O_RDONLY |
    constants.O_NOFOLLOW |
    constants.O_NONBLOCK |
    (st.isDirectory() ? constants.O_DIRECTORY : 0);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EACCES') throw error;
    // An owner-unreadable file (0200) cannot be opened; chmod by path after checking that the
    // path is still the very same non-symlink file.
    const again = await lstat(path);
    if (again.isSymbolicLink() || again.ino !== st.ino || again.dev !== st.dev) {
      throw Object.assign(new Error('replaced while being checked'), { code: 'ECHANGED' });
    }
    await chmod(path, mode);
    return;
  }
  try {
    const now = await handle.stat();
    if (now.ino !== st.ino || now.dev !== st.dev) {
      throw Object.assign(new Error('replaced while being checked'), { code: 'ECHANGED' });
    }
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

async function fix(path: string, kind: 'dir' | 'file', r: HardenResult): Promise<void> {
  let st: Stats;
  try {
    // synchronous: a loop of thousands of lstatSync calls takes a fraction of awaiting each
    st = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      r.skipped.push({ path, kind: 'error', reason: `cannot check: ${describeFsError(error)}` });
    }
    return;
  }
  if (st.isSymbolicLink()) {
    r.skipped.push({ path, kind: 'symlink', reason: 'a symlink: not followed, left alone' });
    return;
  }
  if (kind === 'dir' ? !st.isDirectory() : !st.isFile()) return;
  r.checked++;
  const mode = st.mode & 0o7777;
  // a directory grok needs is exactly 0700 (0500 would stop every save); a file only loses bits
  const target = kind === 'dir' ? DIR_MODE : mode & FILE_MODE;
  if (kind === 'dir' ? mode === target : (mode & ~FILE_MODE) === 0) return;
  const notGroks = kind === 'dir' ? notGroksDirectory(path, mode) : undefined;
  if (notGroks !== undefined) {
    r.loose++;
    r.skipped.push({
      path,
      kind: 'not-grok',
      reason: `${notGroks}, mode ${octal(mode)}: not grok's to change`,
    });
    return;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    r.loose++;
    r.skipped.push({
      path,
      kind: 'other-owner',
      reason: `owned by another user (uid ${st.uid}), mode ${octal(mode)}: not changed`,
    });
    return;
  }
  if (r.check) {
    r.loose++;
  } else {
    try {
      await chmodNoFollow(path, st, target);
    } catch (error) {
      r.loose++;
      r.skipped.push({
        path,
        kind: 'error',
        reason: `could not change ${octal(mode)}: ${describeFsError(error)}`,
      });
      return;
    }
  }
  r.changed.push({ path, from: octal(mode), to: octal(target) });
}

/** A directory and the files directly in it that `pick` selects (subfolders are not entered). */
async function fixDir(
  dir: string,
  pick: (name: string) => boolean,
  r: HardenResult,
): Promise<void> {
  await fix(dir, 'dir', r);
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    r.skipped.push({ path: dir, kind: 'error', reason: `cannot list: ${describeFsError(error)}` });
    return;
  }
  for (const name of names.sort()) if (pick(name)) await fix(join(dir, name), 'file', r);
}

/** Where `path` leads, or `path` itself when it does not exist (yet). */
export function realpathOr(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/** The paths harden looks after, for `env` (GROK_HOME, GROK_SESSIONS_DIR). */
export async function harden(
  opts: HardenOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<HardenResult> {
  // The directories the user set (GROK_HOME, the sessions directory) are followed when they are
  // symlinks, as every other command reads through them; links inside them never are.
  const home = await realpathOr(grokHome(env));
  const r: HardenResult = {
    check: Boolean(opts.check),
    changed: [],
    skipped: [],
    loose: 0,
    checked: 0,
  };
  await fix(home, 'dir', r);
  const homeNames = await readdir(home).catch(() => [] as string[]);
  for (const name of homeNames.sort()) {
    if (name === 'settings.json' || name.startsWith('index.duckdb')) {
      await fix(join(home, name), 'file', r);
    }
  }
  const sessions = await realpathOr(sessionsDir({ sessionsDir: opts.sessionsDir }, env));
  await fixDir(sessions, isSessionOrBackup, r);
  await fixDir(await realpathOr(await archivesDirOrDefault(env)), isArchive, r);
  await fixDir(join(home, 'logs'), anyFile, r);
  // the blocks DuckDB lets go of during a build, beside the index (analytics/index-db.ts: spillDir)
  await fixDir(join(home, 'index.duckdb.tmp'), anyFile, r);
  await fixDir(join(home, 'answers'), anyFile, r);
  return r;
}
