/**
 * Which entries of an archive are sessions: the one rule that `archive restore` writes by and that
 * analytics with --include-archived counts by, so a count never includes what restore would not
 * put back. A session is a regular file whose stored path is a bare session file name (no folder,
 * no `..`, not absolute), small enough to read; of two entries with the same name the later one
 * is the session, as tar extracts them and as an archive extended with a newer copy means.
 */
import { isSessionFileName } from '../session/paths.js';
import type { TarEntry } from './tarball.js';

/**
 * Why an entry's stored path is not a bare file name that can be written as is in one folder:
 * absolute, climbing out with `..`, inside a folder, empty, `.` or holding a NUL. Undefined when
 * it is bare.
 */
export function entryNameProblem(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'an absolute path';
  if (path.split(/[\\/]/).includes('..')) return 'a path that climbs out (..)';
  if (/[\\/]/.test(path)) return 'a path inside a folder, not a session file name';
  if (path === '' || path === '.' || path.includes('\0')) return 'not a file name';
  return undefined;
}

/** The archives grok reads and writes: one `YYYY-MM.tar.gz` per month. */
export function isArchiveFileName(name: string): boolean {
  return /^\d{4}-\d{2}\.tar\.gz$/.test(name);
}

export interface SkippedEntry {
  entry: TarEntry;
  reason: string;
}

/** Why `e` is not a session, or undefined when it may be one (duplicates aside). */
function notASession(e: TarEntry): string | undefined {
  if (e.type !== 'File' && e.type !== 'OldFile' && e.type !== 'ContiguousFile')
    return `a ${e.type} entry, not a regular file`;
  const problem = entryNameProblem(e.path);
  if (problem !== undefined) return problem;
  if (!isSessionFileName(e.path)) return 'not a session file name';
  if (e.tooLarge !== undefined) return e.tooLarge;
  if (e.data === undefined) return 'cut short by damage to the archive';
  return undefined;
}

/**
 * The sessions among an archive's entries (each with its bytes, in the order of their last
 * copy), and every other entry with the reason it is not one.
 */
export function archivedSessions(entries: readonly TarEntry[]): {
  sessions: (TarEntry & { data: Buffer })[];
  skipped: SkippedEntry[];
} {
  const last = new Map<string, TarEntry & { data: Buffer }>();
  const skipped: SkippedEntry[] = [];
  for (const e of entries) {
    const why = notASession(e);
    if (why !== undefined) {
      skipped.push({ entry: e, reason: why });
      continue;
    }
    const earlier = last.get(e.path);
    if (earlier !== undefined)
      skipped.push({ entry: earlier, reason: 'an earlier copy: a later entry has its name' });
    last.delete(e.path);
    last.set(e.path, e as TarEntry & { data: Buffer });
  }
  return { sessions: [...last.values()], skipped };
}
