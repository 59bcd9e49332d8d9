/**
 * Reading one session file: either a session or the reason it could not be read. Never throws
 * for a bad file, so one bad file never stops a command that reads many.
 */
import { describeFsError } from '../errors.js';
import { parseJsonObject } from './parse.js';
import { readRegularFile } from './regular-file.js';
import { describeSchemaError, type Session, sessionSchema } from './schema.js';

export type ReadResult =
  | { ok: true; session: Session; raw: Record<string, unknown>; size: number; mtimeMs: number }
  | { ok: false; reason: string };

/** Reads a regular file's bytes without following a symlink (see regular-file.ts). */
export function readBytesNoFollow(
  path: string,
): Promise<{ bytes: Buffer; size: number; mtimeMs: number }> {
  return readRegularFile(path);
}

/** Reads a file as text without following a symlink. */
export async function readFileNoFollow(
  path: string,
): Promise<{ text: string; size: number; mtimeMs: number }> {
  const { bytes, size, mtimeMs } = await readBytesNoFollow(path);
  return { text: bytes.toString('utf8'), size, mtimeMs };
}

/**
 * Parses the text of a session file into a copy checked by the schema (callers change one and
 * write the other). Pure.
 */
export function parseSessionText(text: string): ReadResult | { ok: false; reason: string } {
  // zod checks and copies: the hand-written check would only repeat its work here.
  const r = parseJsonObject(text);
  return r.ok ? checkWithSchema(r.raw) : r;
}

/** What the schema says of a parsed value: a copy of it, or its first problem. */
export function checkWithSchema(
  raw: Record<string, unknown>,
): ReadResult | { ok: false; reason: string } {
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `not a session: ${describeSchemaError(parsed.error, raw)}` };
  return { ok: true, session: parsed.data, raw, size: 0, mtimeMs: 0 };
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
