/**
 * Whether a file's bytes are UTF-8. Reading them as text turns each invalid sequence (a stray
 * byte, an encoded surrogate) into U+FFFD, and writing that text back changes bytes nobody meant
 * to change: a rewrite first checks here and refuses, pointing at `repair`.
 */
import { describeFsError, UserError } from '../errors.js';
import { readBytesNoFollow } from './read.js';

// ignoreBOM: a byte-order mark is kept in the text, as Buffer#toString keeps it
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of `bytes` when they are valid UTF-8, else undefined. */
export function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The offset of the first byte that does not begin a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // overlong, a surrogate (CESU-8 / WTF-8), or past U+10FFFF
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** Why `bytes` cannot be rewritten as text, naming the command that makes them rewritable. */
export function notUtf8Reason(bytes: Uint8Array, file: string): string | undefined {
  if (strictUtf8(bytes) !== undefined) return undefined;
  return `byte ${firstInvalidUtf8(bytes)} is not valid UTF-8 and a rewrite would change it; run grok sessions repair ${file} first (it keeps the original)`;
}

/**
 * The text of a session file about to be rewritten, or a one-line refusal naming the file and
 * the command that makes it rewritable.
 */
export function rewritableText(bytes: Uint8Array, file: string, doing: string): string {
  const text = strictUtf8(bytes);
  if (text !== undefined) return text;
  throw new UserError(`cannot ${doing} ${file}: ${notUtf8Reason(bytes, file)}`);
}

/** The same refusal for a file about to be written whole again (a resumed session's saves). */
export async function assertRewritableFile(
  path: string,
  file: string,
  doing: string,
): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = (await readBytesNoFollow(path)).bytes;
  } catch (error) {
    throw new UserError(`cannot ${doing} ${file}: ${describeFsError(error)}`);
  }
  rewritableText(bytes, file, doing);
}
