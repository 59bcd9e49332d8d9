/**
 * The full-text search index's core, pure: each live session gets a signature, a Bloom filter of
 * the trigrams (three bytes in a row, in UTF-8) of its searchable text as DuckDB's lower() makes it.
 * A search's needle (lower-cased) lies inside a row's lowered text only if every trigram of the
 * needle is among the row's, so a session whose signature lacks one of them cannot hold a hit:
 * only the others are read and checked. The check is exact (`rowMatches`, the same predicate as
 * `strpos(lower(text), needle) > 0`); the signature only narrows which sessions are read.
 *
 * Case: DuckDB lowers code point by code point (its own Unicode tables), JavaScript's
 * toLowerCase does not (İ becomes two code points, Σ depends on its neighbours, newer letters
 * are lowered that DuckDB leaves as they are). Text is lowered here with DuckDB's own mapping,
 * as DuckDB computes it (search-case.ts), so trigrams and matches are those of DuckDB's lower().
 */

import { type GramScanner, newScanner, seenIndex } from './search-scan.js';

/**
 * DuckDB's lower(), as the code points it changes each followed by its lower case, in one typed
 * array: sent to each parse worker with every chunk of files, where a copy of it costs a memcpy.
 */
export type CasePairs = Uint32Array;

export interface CaseMap {
  /** Lower case of each BMP code unit that is not a surrogate (identity where unchanged). */
  bmp: Uint32Array;
  astral: Map<number, number>;
}

export function caseMap(pairs: CasePairs): CaseMap {
  const bmp = new Uint32Array(0x10000);
  for (let i = 0; i < bmp.length; i++) bmp[i] = i;
  const astral = new Map<number, number>();
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const cp = pairs[i] as number;
    const low = pairs[i + 1] as number;
    if (cp < 0x10000) bmp[cp] = low;
    else astral.set(cp, low);
  }
  return { bmp, astral };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: any code unit past ASCII is the point
const NOT_ASCII = /[^\u0000-\u007f]/;

/** `text` lowered as DuckDB's lower() lowers it. Text past ASCII goes code point by code point. */
export function lowerAsDuckDB(text: string, map: CaseMap): string {
  if (!NOT_ASCII.test(text)) return text.toLowerCase();
  const parts: string[] = [];
  let run = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let cp = unit;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = (unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        i++;
      }
    }
    const low = cp < 0x10000 ? (map.bmp[cp] as number) : (map.astral.get(cp) ?? cp);
    run += String.fromCodePoint(low);
    if (run.length > 4096) {
      parts.push(run);
      run = '';
    }
  }
  parts.push(run);
  return parts.join('');
}

/**
 * Where in a filter the first of the two bits a key sets is, as a fraction of its length in
 * [0, 1): bit floor(fraction * bits) of a filter of `bits` bits. The fraction is a 32-bit hash
 * over 2^32, exact in a double, so SQL multiplying it by a filter's length finds the same bit.
 */
function firstAt(key: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 0) / 4294967296;
}

/** The second. */
function secondAt(key: number): number {
  return (Math.imul(key ^ (key >>> 11), 0x7feb352d) >>> 0) / 4294967296;
}

/** The first of the two bits a key sets in a filter of `bits` bits. */
function firstBit(key: number, bits: number): number {
  return Math.floor(firstAt(key) * bits);
}

/** The second. */
function secondBit(key: number, bits: number): number {
  return Math.floor(secondAt(key) * bits);
}

/**
 * The places of the bits the needle's trigram keys set, each key's first then second, as
 * fractions of a filter's length (firstAt): what search-files.sql tests each signature with.
 */
export function gramPlaces(grams: readonly number[]): number[] {
  return grams.flatMap((key) => [firstAt(key), secondAt(key)]);
}

/** The distinct trigram keys of one session's rows. One per thread: `clear` between sessions. */
export class GramSet {
  private readonly scanner: GramScanner;
  size = 0;

  /** `scanner`: the loops to use, by default WebAssembly's where the process has it. */
  constructor(scanner: GramScanner = newScanner()) {
    this.scanner = scanner;
  }

  /**
   * Where the store's writer may write the rows this set is given, so that they are lowered and
   * scanned in place (GramScanner.textBuffer); undefined where they are copied.
   */
  get textBuffer(): ((bytes: number) => Buffer) | undefined {
    const scanner = this.scanner;
    return scanner.textBuffer
      ? (bytes) => (scanner.textBuffer as (n: number) => Buffer)(bytes)
      : undefined;
  }

  /** The keys: the first `size` are the set's. */
  get keys(): Uint32Array {
    return this.scanner.keys;
  }

  /**
   * Adds the trigrams of a session's rows, one after another in `text`, row i ending at `ends[i]`
   * (trigrams never span two rows: a needle's bytes lie inside a row's only if each of its byte
   * trigrams is among the row's), after lowering their A-Z in place: DuckDB's lower() of ASCII.
   * A row past ASCII must come lowered already (lowerAsDuckDB): it holds no A-Z then, and its
   * other bytes are left as they are.
   */
  lowerAndAddRows(text: Uint8Array, ends: Uint32Array): void {
    this.size = this.scanner.lowerAndAdd(text, ends, this.size);
  }

  /** The Bloom filter of the keys in `bytes` bytes: the bits firstBit and secondBit give. */
  signature(bytes: number): Uint8Array {
    return this.scanner.sign(this.size, bytes);
  }

  /**
   * Whether every one of `keys` is in the set: exactly, not as a filter may hold them. A session
   * lacking one of a needle's trigrams holds the needle in no row.
   */
  holdsAll(keys: readonly number[]): boolean {
    const seen = this.scanner.seen;
    for (const key of keys) {
      const at = seenIndex(key);
      if (((seen[at >>> 5] as number) & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }

  clear(): void {
    const { seen, keys } = this.scanner;
    for (let i = 0; i < this.size; i++) seen[seenIndex(keys[i] as number) >>> 5] = 0;
    this.size = 0;
  }
}

/**
 * The trigram keys of a needle's UTF-8 (lower-cased), each once, in the order met; none under
 * three bytes. A needle is short: a plain loop, without the WebAssembly memory a GramSet takes.
 */
export function needleGrams(needle: Uint8Array): number[] {
  const keys = new Set<number>();
  for (let i = 2; i < needle.length; i++) {
    keys.add(
      ((needle[i - 2] as number) << 16) | ((needle[i - 1] as number) << 8) | (needle[i] as number),
    );
  }
  return [...keys];
}

/** Bits per distinct trigram: with two bits each, about 3% of absent trigrams pass. */
const BITS_PER_GRAM = 10;

/** A session's signature: a Bloom filter of its trigram keys, a whole number of bytes. */
export function signature(set: GramSet): Uint8Array {
  return set.signature(Math.max(64, Math.ceil((set.size * BITS_PER_GRAM) / 8)));
}

/** Whether every trigram of the needle may be in the session (always, for a short needle). */
export function mayHold(sig: Uint8Array, grams: readonly number[]): boolean {
  const bits = sig.length * 8;
  for (const key of grams) {
    const p = firstBit(key, bits);
    const q = secondBit(key, bits);
    if (((sig[p >>> 3] as number) & (1 << (p & 7))) === 0) return false;
    if (((sig[q >>> 3] as number) & (1 << (q & 7))) === 0) return false;
  }
  return true;
}

/**
 * The needle as DuckDB compares it: a lone surrogate, which DuckDB's strings cannot hold, is
 * replaced as the driver replaces it (U+FFFD), as in the text the index holds.
 */
export function searchNeedle(query: string): string {
  const needle = query.toLowerCase();
  return needle.isWellFormed() ? needle : needle.toWellFormed();
}
