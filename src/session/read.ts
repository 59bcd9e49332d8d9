/**
 * Reading one session file: either a session or the reason it could not be read. Never throws
 * for a bad file, so one bad file never stops a command that reads many.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeFsError } from '../errors.js';
import { describeSchemaError, isSession, type Session, sessionSchema } from './schema.js';

export type ReadResult =
  | { ok: true; session: Session; raw: Record<string, unknown>; size: number; mtimeMs: number }
  | { ok: false; reason: string };

/** Reads a regular file's bytes without following a symlink. */
export async function readBytesNoFollow(
  path: string,
): Promise<{ bytes: Buffer; size: number; mtimeMs: number }> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    return { bytes: await fh.readFile(), size: st.size, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}

/** Reads a file as text without following a symlink. */
export async function readFileNoFollow(
  path: string,
): Promise<{ text: string; size: number; mtimeMs: number }> {
  const { bytes, size, mtimeMs } = await readBytesNoFollow(path);
  return { text: bytes.toString('utf8'), size, mtimeMs };
}

/** The offset JSON.parse stopped at, from V8's message, or the text length for "unexpected end". */
function jsonErrorOffset(error: unknown, text: string): number {
  const message = error instanceof Error ? error.message : '';
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/Unexpected end of JSON input|Unterminated string/.test(message)) return text.length;
  // Node 20 quotes the text around the bad token instead: `Unexpected token ']', ..."keep",
  // ],"... is not valid JSON`. Find that excerpt, then the token in it.
  const quoted =
    /^Unexpected token '(.+?)', (?:\.\.\.)?"([\s\S]*)"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (quoted) {
    const [, token, excerpt] = quoted as unknown as [string, string, string];
    const start = text.indexOf(excerpt);
    if (start >= 0) return start + Math.max(0, excerpt.indexOf(token));
  }
  return text.length;
}

/**
 * Parses the text of a session file. Pure: used by the reader and by the index. `session` is a
 * copy of `raw` (callers change one and write the other), except with `{ shared: true }`, for
 * readers that change neither: then a valid file is checked by the hand-written `isSession` and
 * not copied, and zod is run only to name what is wrong with an invalid one.
 */
export function parseSessionText(
  text: string,
  { shared = false } = {},
): ReadResult | { ok: false; reason: string } {
  if (text.length === 0) return { ok: false, reason: 'empty file' };
  if (/^\0+$/.test(text)) return { ok: false, reason: `only NUL bytes (${text.length})` };
  if (text.trim().length === 0) return { ok: false, reason: 'only white space' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(error, text);
    const what = offset >= text.length ? 'ends early (truncated?)' : 'is invalid';
    return { ok: false, reason: `invalid JSON: ${what} at offset ${offset}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'not a session: top level is not an object' };
  }
  if (shared && isSession(raw)) return { ok: true, session: raw, raw, size: 0, mtimeMs: 0 };
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `not a session: ${describeSchemaError(parsed.error)}` };
  return {
    ok: true,
    session: parsed.data,
    raw: raw as Record<string, unknown>,
    size: 0,
    mtimeMs: 0,
  };
}

export async function readSessionFile(path: string): Promise<ReadResult> {
  let file: Awaited<ReturnType<typeof readFileNoFollow>>;
  try {
    file = await readFileNoFollow(path);
  } catch (error) {
    return { ok: false, reason: `cannot read: ${describeFsError(error)}` };
  }
  const result = parseSessionText(file.text);
  if (!result.ok) return result;
  return { ...result, size: file.size, mtimeMs: file.mtimeMs };
}
