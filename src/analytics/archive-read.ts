/**
 * Reading the sessions stored in a monthly archive (`$GROK_HOME/archives/YYYY-MM.tar.gz`) without
 * extracting it: only regular entries whose base name is a session file name are taken; links,
 * folders and anything else in the archive are ignored.
 */
import { basename } from 'node:path';
import { list } from 'tar';
import { isSessionFileName } from '../session/paths.js';

export interface ArchiveEntry {
  name: string;
  size: number;
  mtimeMs: number;
  text: string | undefined;
  error: string | undefined;
}

export async function readArchiveEntries(archivePath: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const pending: Promise<void>[] = [];
  try {
    await list({
      file: archivePath,
      strict: true,
      onReadEntry: (entry) => {
        const name = basename(entry.path);
        if (entry.type !== 'File' || !isSessionFileName(name)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        pending.push(
          new Promise<void>((resolve) => {
            entry.on('data', (c: Buffer) => chunks.push(c));
            entry.on('end', () => {
              entries.push({
                name,
                size: entry.size ?? 0,
                mtimeMs: entry.mtime?.getTime() ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                error: undefined,
              });
              resolve();
            });
          }),
        );
      },
    });
    await Promise.all(pending);
  } catch (error) {
    // A damaged archive: the entries read before the damage still count; the rest are unknown.
    const why = error instanceof Error ? error.message : String(error);
    entries.push({
      name: basename(archivePath),
      size: 0,
      mtimeMs: 0,
      text: undefined,
      error: `archive unreadable: ${why}`,
    });
  }
  return entries;
}
