/**
 * Reading the sessions stored in a monthly archive (`$GROK_HOME/archives/YYYY-MM.tar.gz`) without
 * extracting it. Which entries are sessions is decided as `archive restore` decides it
 * (maintenance/archived-sessions.ts): a count never includes an entry restore would not write.
 */
import { basename } from 'node:path';
import { describeFsError } from '../errors.js';
import { archivedSessions } from '../maintenance/archived-sessions.js';
import { readTarEntries, type TarEntry } from '../maintenance/tarball.js';
import { isSessionFileName } from '../session/paths.js';

export interface ArchiveEntry {
  name: string;
  size: number;
  mtimeMs: number;
  text: string | undefined;
  error: string | undefined;
}

export async function readArchiveEntries(archivePath: string): Promise<ArchiveEntry[]> {
  const read: TarEntry[] = [];
  let damage: string | undefined;
  try {
    await readTarEntries(archivePath, read);
  } catch (error) {
    damage = describeFsError(error);
  }
  const { sessions, skipped } = archivedSessions(read);
  const entries: ArchiveEntry[] = sessions.map((e) => ({
    name: e.path,
    size: e.size,
    mtimeMs: e.mtime?.getTime() ?? 0,
    text: e.data.toString('utf8'),
    error: undefined,
  }));
  // An entry stored under a session's name that is not counted (too large, a link) is reported;
  // an earlier copy of a session, folders, notes and other paths are passed over in silence.
  const counted = new Set(sessions.map((e) => e.path));
  for (const { entry, reason } of skipped) {
    // the entry a damage cut: the damage is reported below
    if (damage !== undefined && entry.data === undefined && entry.tooLarge === undefined) continue;
    if (isSessionFileName(entry.path) && !counted.has(entry.path))
      entries.push({
        name: entry.path,
        size: entry.size,
        mtimeMs: 0,
        text: undefined,
        error: reason,
      });
  }
  // A damaged archive: the entries read before the damage still count; the rest are unknown.
  if (damage !== undefined)
    entries.push({
      name: basename(archivePath),
      size: 0,
      mtimeMs: 0,
      text: undefined,
      error: `archive unreadable: ${damage}`,
    });
  return entries;
}
