/**
 * Which files in the sessions directory are sessions: regular files whose name matches the
 * pattern, directly in the directory. Symlinks, folders, temp files, backups and other tools'
 * files are reported as ignored and never opened.
 */
import { type Dirent, lstatSync, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { isSessionFileName } from './paths.js';

export interface SessionFileEntry {
  /** Base name, e.g. session-2025-11-05-14-30-12.json */
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export interface IgnoredEntry {
  name: string;
  reason: string;
}

export interface Discovery {
  dir: string;
  files: SessionFileEntry[];
  ignored: IgnoredEntry[];
}

/** Orders by start time in the name, then by the `-N` suffix (plain sorting puts `-12-2` before `-12`). */
export function compareSessionFileNames(a: { name: string }, b: { name: string }): number {
  const key = (name: string) => {
    const m = /^(session-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:-(\d+))?\.json$/.exec(name);
    return { stem: m?.[1] ?? name, n: m?.[2] ? Number(m[2]) : 1 };
  };
  const ka = key(a.name);
  const kb = key(b.name);
  if (ka.stem !== kb.stem) return ka.stem < kb.stem ? -1 : 1;
  return ka.n - kb.n;
}

/** Lists the session files of `dir`, sorted by name (which is start time). A missing dir is empty. */
export function discoverSessionFiles(dir: string): Promise<Discovery> {
  return discover(dir, undefined);
}

/** A session file's mode bits and owner, as the lstat of its discovery saw them. */
export interface FileOwnership {
  mode: number;
  uid: number;
}

/** discoverSessionFiles, with each file's mode and owner by path. */
export async function discoverWithOwnership(
  dir: string,
): Promise<{ discovery: Discovery; ownership: Map<string, FileOwnership> }> {
  const ownership = new Map<string, FileOwnership>();
  const discovery = await discover(dir, (path, st) =>
    ownership.set(path, { mode: st.mode, uid: st.uid }),
  );
  return { discovery, ownership };
}

/**
 * The names of the session files of `dir` by their directory entries alone (no lstat: what the
 * entry's type says), unsorted, and the session-named entries that are not regular files. A
 * missing directory has none.
 */
export async function sessionFileNames(
  dir: string,
): Promise<{ names: string[]; ignored: IgnoredEntry[] }> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { names: [], ignored: [] };
    throw new UserError(`cannot read sessions directory ${dir}: ${describeFsError(error)}`);
  }
  const ignored: IgnoredEntry[] = [];
  const names: string[] = [];
  for (const entry of entries) {
    const matches = isSessionFileName(entry.name);
    if (entry.isSymbolicLink()) {
      if (matches) ignored.push({ name: entry.name, reason: 'symbolic link (not followed)' });
    } else if (!entry.isFile()) {
      if (matches) ignored.push({ name: entry.name, reason: 'not a regular file' });
    } else if (matches) {
      names.push(entry.name);
    }
  }
  return { names, ignored };
}

async function discover(
  dir: string,
  keep: ((path: string, st: Stats) => void) | undefined,
): Promise<Discovery> {
  const { names: candidates, ignored } = await sessionFileNames(dir);
  const files: SessionFileEntry[] = [];
  // A loop of lstatSync: for 10,000 files about a quarter of the time of as many concurrent
  // fs/promises calls (see analytics/scan.ts).
  for (const name of candidates) {
    const path = join(dir, name);
    try {
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (st?.isFile()) {
        files.push({ name, path, size: st.size, mtimeMs: st.mtimeMs });
        keep?.(path, st);
      }
    } catch {
      // Unreadable between readdir and lstat: not a session to read.
    }
  }
  files.sort(compareSessionFileNames);
  return { dir, files, ignored };
}

/**
 * The working directory an xAI grok CLI folder stands for, or undefined when `name` is not one.
 * That CLI keeps its sessions under the same root, one folder per working directory named by the
 * URL-encoded absolute path (`%2Fhome%2Fu%2Fproj`), each holding one folder per session. Pure.
 */
export function xaiCliFolderCwd(name: string): string | undefined {
  if (!/^(%2F|[A-Za-z]%3A)/i.test(name)) return undefined;
  let cwd: string;
  try {
    cwd = decodeURIComponent(name);
  } catch {
    return undefined;
  }
  if (cwd.includes('\0') || !(cwd.startsWith('/') || /^[A-Za-z]:[\\/]/.test(cwd))) return undefined;
  return cwd;
}

/** Counts the session folders of an xAI grok CLI folder (its subfolders; links not followed). */
export async function countXaiCliSessions(path: string): Promise<number> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).length;
}
