/**
 * The part of reading a session file that needs no zod: the text's JSON and the hand-written
 * schema check (check.ts). The index parses thousands of files with it, and loads zod (some
 * 100 ms) only to name what is wrong with a file the check refuses.
 */
import { isSession } from './check.js';
import type { Session } from './schema.js';

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

export type JsonParse =
  | { ok: true; session: Session; raw: Record<string, unknown>; size: number; mtimeMs: number }
  /** `unchecked`: JSON of an object the check refused; the schema names its problem. */
  | { ok: false; reason: string; unchecked?: undefined }
  | { ok: false; reason: undefined; unchecked: Record<string, unknown> };

/** The JSON object a session file holds, or why it holds none. */
export function parseJsonObject(
  text: string,
): { ok: true; raw: Record<string, unknown> } | { ok: false; reason: string } {
  if (text.length === 0) return { ok: false, reason: 'empty file' };
  if (/^\0+$/.test(text)) return { ok: false, reason: `only NUL bytes (${text.length})` };
  if (text.trim().length === 0) return { ok: false, reason: 'only white space' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(error, text);
    // Some editors write one; JSON (and jq) do not allow it.
    if (offset === 0 && text.startsWith('\uFEFF')) {
      return { ok: false, reason: 'invalid JSON: starts with a byte-order mark (U+FEFF)' };
    }
    const what = offset >= text.length ? 'ends early (truncated?)' : 'is invalid';
    return { ok: false, reason: `invalid JSON: ${what} at offset ${offset}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'not a session: top level is not an object' };
  }
  return { ok: true, raw: raw as Record<string, unknown> };
}

/**
 * Parses the text of a session file. A valid session is returned as parsed, not copied: for
 * readers that change nothing.
 */
export function parseSessionJson(text: string): JsonParse {
  const r = parseJsonObject(text);
  if (!r.ok) return r;
  if (isSession(r.raw)) return { ok: true, session: r.raw, raw: r.raw, size: 0, mtimeMs: 0 };
  return { ok: false, reason: undefined, unchecked: r.raw };
}
