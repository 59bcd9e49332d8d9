/**
 * The session store: load every session of a directory, resolve a reference, save and delete.
 */
import { unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from './atomic-write.js';
import { type Discovery, discoverSessionFiles, type SessionFileEntry } from './discover.js';
import { readSessionFile } from './read.js';
import type { Session } from './schema.js';

export interface LoadedSession {
  /** Base name of the file. */
  file: string;
  path: string;
  session: Session;
  /** The parsed JSON as on disk, unknown fields included: what a rewrite starts from. */
  raw: Record<string, unknown>;
  size: number;
  mtimeMs: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface LoadResult {
  dir: string;
  sessions: LoadedSession[];
  skipped: SkippedFile[];
  discovery: Discovery;
}

/** Runs `fn` over `items` with at most `limit` in flight (many files open at once hit EMFILE). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function loadEntries(
  entries: readonly SessionFileEntry[],
): Promise<{ sessions: LoadedSession[]; skipped: SkippedFile[] }> {
  const results = await mapLimit(entries, 64, async (entry) => ({
    entry,
    result: await readSessionFile(entry.path),
  }));
  const sessions: LoadedSession[] = [];
  const skipped: SkippedFile[] = [];
  for (const { entry, result } of results) {
    if (result.ok) {
      sessions.push({
        file: entry.name,
        path: entry.path,
        session: result.session,
        raw: result.raw,
        size: result.size,
        mtimeMs: result.mtimeMs,
      });
    } else {
      skipped.push({ file: entry.name, reason: result.reason });
    }
  }
  return { sessions, skipped };
}

/** Reads every session file of `dir`; bad files land in `skipped` with their reason. */
export async function loadSessions(dir: string): Promise<LoadResult> {
  const discovery = await discoverSessionFiles(dir);
  const { sessions, skipped } = await loadEntries(discovery.files);
  return { dir, sessions, skipped, discovery };
}

/**
 * JSON for a session file. Lone UTF-16 surrogates (a string cut in the middle of an emoji) are
 * replaced by U+FFFD: JSON.parse accepts their escapes but DuckDB and jq 1.6 reject the file.
 */
export function serializeSession(raw: unknown): string {
  return `${JSON.stringify(raw, (_key, value) => (typeof value === 'string' ? value.toWellFormed() : value), 2)}\n`;
}

/** Writes a session atomically (0600, directory 0700). */
export async function saveSessionFile(path: string, raw: unknown): Promise<void> {
  const dir = dirname(path);
  let text: string;
  try {
    text = serializeSession(raw);
  } catch (error) {
    // JSON.stringify recurses: a value nested thousands deep that JSON.parse read overflows it
    if (!(error instanceof RangeError)) throw error;
    throw new UserError(`cannot write ${path}: a value in it is nested too deeply to write back`);
  }
  await ensurePrivateDir(dir);
  await writeFileAtomic(path, text);
}

export async function deleteSessionFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    throw new UserError(`could not delete ${basename(path)}: ${describeFsError(error)}`);
  }
}
