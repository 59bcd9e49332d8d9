/**
 * Turning session files into index rows: read (without following a symlink), JSON.parse + zod
 * through our reader, then rows. Used inline and by the parse workers.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { describeFsError } from '../errors.js';
import { parseSessionText } from '../session/read.js';
import { type IndexedSession, sessionToRows } from './session-rows.js';

export interface FileToIndex {
  source: 'live' | 'archive';
  /** live: the session file; archive: the archive file. */
  path: string;
  name: string;
  size: number;
  mtimeMs: number;
}

export interface ParsedFile extends FileToIndex {
  status: 'ok' | 'bad';
  reason: string | null;
  indexed: IndexedSession | undefined;
}

export function parseText(file: FileToIndex, text: string | undefined, error?: string): ParsedFile {
  if (text === undefined) {
    return { ...file, status: 'bad', reason: error ?? 'cannot read', indexed: undefined };
  }
  const r = parseSessionText(text);
  if (!r.ok) return { ...file, status: 'bad', reason: r.reason, indexed: undefined };
  return { ...file, status: 'ok', reason: null, indexed: sessionToRows(r.session) };
}

/**
 * Synchronous on purpose: with the page cache warm, a loop of readFileSync is about four times
 * faster than the same reads through fs/promises, and nothing else waits on this thread.
 */
export function readAndParse(file: FileToIndex): ParsedFile {
  let fd: number | undefined;
  try {
    fd = openSync(file.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    if (!fstatSync(fd).isFile())
      return parseText(file, undefined, 'cannot read: not a regular file');
    return parseText(file, readFileSync(fd, 'utf8'));
  } catch (error) {
    return parseText(file, undefined, `cannot read: ${describeFsError(error)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
