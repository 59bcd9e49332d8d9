/**
 * Reading the sessions stored in a monthly archive (`$GROK_HOME/archives/YYYY-MM.tar.gz`) without
 * extracting it: only regular entries whose base name is a session file name are taken; links,
 * folders and anything else in the archive are ignored.
 */
import { basename } from 'node:path';
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
    damage = error instanceof Error ? error.message : String(error);
  }
  const entries: ArchiveEntry[] = read.flatMap((e) => {
    const name = basename(e.path);
    if (e.type !== 'File' || !isSessionFileName(name) || e.data === undefined) return [];
    return [
      {
        name,
        size: e.size,
        mtimeMs: e.mtime?.getTime() ?? 0,
        text: e.data.toString('utf8'),
        error: undefined,
      },
    ];
  });
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
