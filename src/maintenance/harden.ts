/**
 * Permissions, the seed's `chmod 700 sessions/; chmod 600 *.json` made complete: `$GROK_HOME`,
 * the sessions, archives and logs directories 0700; every file in them, the index and settings
 * 0600. Symlinks are never followed (each path is opened with O_NOFOLLOW and changed through its
 * descriptor); a file owned by another user is reported, not changed.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DIR_MODE, FILE_MODE } from '../session/atomic-write.js';

export interface ModeChange {
  path: string;
  from: string;
  to: string;
}

export interface HardenResult {
  check: boolean;
  /** Changed (or, with check, that would be). */
  changed: ModeChange[];
  /** Left alone, with why: symlinks, other owners, errors. */
  skipped: { path: string; reason: string }[];
  /** Paths looked at. */
  checked: number;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

async function fix(path: string, want: number, isDir: boolean, r: HardenResult): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (st.isSymbolicLink()) {
    r.skipped.push({ path, reason: 'a symlink: not followed, left alone' });
    return;
  }
  if (isDir ? !st.isDirectory() : !st.isFile()) return;
  r.checked++;
  if ((st.mode & 0o777) === want) return;
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && st.uid !== uid) {
    r.skipped.push({
      path,
      reason: `owned by another user (uid ${st.uid}), mode ${octal(st.mode)}: not changed`,
    });
    return;
  }
  if (!r.check) {
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | (isDir ? constants.O_DIRECTORY : 0);
    try {
      const handle = await open(path, flags);
      try {
        await handle.chmod(want);
      } finally {
        await handle.close();
      }
    } catch (error) {
      r.skipped.push({ path, reason: `could not change: ${(error as Error).message}` });
      return;
    }
  }
  r.changed.push({ path, from: octal(st.mode), to: octal(want) });
}

/** A directory 0700 and every regular file directly in it 0600 (subfolders are not entered). */
async function fixTree(
  dir: string,
  r: HardenResult,
  fileFilter: (name: string) => boolean = () => true,
): Promise<void> {
  await fix(dir, DIR_MODE, true, r);
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort())
    if (fileFilter(name)) await fix(join(dir, name), FILE_MODE, false, r);
}

export interface HardenPaths {
  home: string;
  sessions: string;
  archives: string;
}

export async function harden(paths: HardenPaths, opts: { check: boolean }): Promise<HardenResult> {
  const r: HardenResult = { check: opts.check, changed: [], skipped: [], checked: 0 };
  await fix(paths.home, DIR_MODE, true, r);
  for (const name of ['settings.json', 'index.duckdb', 'index.duckdb.wal'])
    await fix(join(paths.home, name), FILE_MODE, false, r);
  await fixTree(paths.sessions, r);
  await fixTree(paths.archives, r);
  await fixTree(join(paths.home, 'logs'), r);
  await fixTree(join(paths.home, 'answers'), r);
  return r;
}
