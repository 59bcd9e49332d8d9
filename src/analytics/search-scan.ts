/**
 * The byte loops of the search index's trigrams (search-grams.ts), in WebAssembly: a session's
 * text goes through them byte by byte, the largest cost of the first search, and JavaScript's
 * loop over a typed array took about twice as long (5-6 ns a byte on a busy machine, against
 * 2.5-3.5). The module is small enough to be written here instruction by instruction, so no
 * compiler is needed to build it.
 *
 * Memory: the set of trigram keys seen (one bit per possible key, 2 MB, at the key's seenIndex)
 * at SEEN, the keys found, in order, at KEYS (room for every possible key: 2^24), the signature
 * being made at SIGNED, the bytes scanned at TEXT. The store's writer writes its records at TEXT
 * (textBuffer), so that a record's rows are lowered and scanned where they are written.
 *
 * Where WebAssembly is not available (`node --jitless`), PlainScanner runs the same loops in
 * JavaScript: the same lowered bytes, keys in the same order and Bloom bits.
 */

import {
  ADD,
  ADD64,
  AND,
  AND64,
  at,
  BLOCK,
  BR,
  BR_IF,
  CALL,
  CTZ,
  compiledOnce,
  ELSE,
  END,
  EQZ,
  F64_FLOOR,
  F64_FROM_U32,
  F64_MUL,
  f64,
  GE_U,
  GT_U,
  get,
  I8X16_BITMASK,
  I8X16_EQ,
  I8X16_SPLAT,
  I32,
  I32_FROM_I64,
  I64,
  I64_FROM_U32,
  I64_MUL,
  IF,
  i32,
  i64,
  LOAD,
  LOAD8,
  LOAD64,
  LOOP,
  LT_U,
  type Memory,
  MUL,
  moduleOf,
  NE,
  OR,
  OR64,
  OwnMemory,
  PAGE,
  RETURN,
  SHL,
  SHR_U,
  SHR_U64,
  STORE,
  STORE8,
  STORE64,
  SUB,
  set,
  TEE,
  TRUNC_F64_U,
  V128,
  V128_AND,
  V128_LOAD,
  wasm,
  XOR,
  XOR64,
} from './wasm-code.js';

const SEEN = 0;
const KEYS = 1 << 21;
/** Where a signature is made: room for the largest, 10 bits for each of 2^24 keys. */
const SIGNED = KEYS + (1 << 26);
const TEXT = SIGNED + (1 << 25);
/** Bytes kept readable past the text the loops are given (`grams` reads one past a row). */
const SLACK = 8;

/**
 * Where a trigram key's bit is in the set of keys seen: its three bytes in the other order, as
 * one little-endian load of them reads them (the loop reads each position's trigram in one load,
 * and turns it into the key only when it is new).
 */
export function seenIndex(key: number): number {
  return ((key & 0xff) << 16) | (key & 0xff00) | (key >>> 16);
}

/**
 * One position of grams: the trigram starting `offset` bytes past i (local 3), read as one
 * little-endian word of its three bytes (`seenIndex` of its key), is looked up in the set; when
 * not seen yet, it is added and its key (the bytes in reading order, big-endian) appended to the
 * keys. Locals: 2 the keys' count, 4 the trigram's seen index, 5 address of its word, 6 the
 * word, 7 its bit.
 */
// biome-ignore format: one line per step
const GRAM_AT = (offset: number) => [
  ...get(3), ...at(LOAD, offset), ...i32(0xffffff), AND, TEE, 4,
  ...i32(3), SHR_U, ...i32(-4), AND, TEE, 5, ...at(LOAD, SEEN), TEE, 6,
  // the shift count is taken modulo 32: 1 << index is the index's bit in its word
  ...i32(1), ...get(4), SHL, TEE, 7, AND, EQZ,
  ...IF,
  ...get(5), ...get(6), ...get(7), OR, ...at(STORE, SEEN),
  ...get(2), ...i32(2), SHL,
  ...get(4), ...i32(0xff), AND, ...i32(16), SHL, ...get(4), ...i32(0xff00), AND, OR, ...get(4), ...i32(16), SHR_U, OR,
  ...at(STORE, KEYS),
  ...get(2), ...i32(1), ADD, ...set(2),
  END,
];

/**
 * grams(from, to, size) -> size: adds the trigram keys of bytes [from, to) not seen yet to the
 * keys, from index `size`; the keys' count after. Four positions a turn while four trigrams
 * start before `to` - 2, then one by one. Each position reads one word: the byte past `to` is
 * read (and masked off) for the last trigram. Locals: 1 becomes the end of the trigrams' starts,
 * 3 i, the start of the next trigram; 4-7 as GRAM_AT.
 */
// biome-ignore format: one line per step
const GRAMS = [
  ...[1, 5, I32],
  ...get(0), ...set(3),
  ...get(0), ...i32(2), ADD, ...get(1), GE_U, ...IF, ...get(2), RETURN, END,
  ...get(1), ...i32(2), SUB, ...set(1),
  ...BLOCK, ...LOOP,
  ...get(3), ...i32(4), ADD, ...get(1), GT_U, BR_IF, 1,
  ...GRAM_AT(0), ...GRAM_AT(1), ...GRAM_AT(2), ...GRAM_AT(3),
  ...get(3), ...i32(4), ADD, ...set(3),
  BR, 0,
  END, END,
  ...BLOCK, ...LOOP,
  ...get(3), ...get(1), GE_U, BR_IF, 1,
  ...GRAM_AT(0),
  ...get(3), ...i32(1), ADD, ...set(3),
  BR, 0,
  END, END,
  ...get(2),
  END,
];

/**
 * lower(from, to): A-Z lowered in place, the only bytes DuckDB's lower() changes in ASCII; eight
 * bytes at a time, then one by one. In a word w, with h = w & 0x7f.. (no carry between bytes),
 * h + 0x3f has a byte's top bit set where h >= 'A', h + 0x25 where h > 'Z'; a byte of w with its
 * own top bit set is part of a longer character and left alone. An upper-case letter's 0x20 bit is
 * clear: setting it lowers it. Locals: 2 i, 3 the byte, 4 the word.
 */
// biome-ignore format: one line per step
const LOWER = [
  ...[2, 2, I32, 1, I64],
  ...get(0), ...set(2),
  ...BLOCK, ...LOOP,
  ...get(1), ...get(2), SUB, ...i32(8), LT_U, BR_IF, 1,
  ...get(2), ...at(LOAD64), ...set(4),
  ...get(2),
  ...get(4), ...i64(0x7f7f7f7f7f7f7f7fn), AND64, ...i64(0x3f3f3f3f3f3f3f3fn), ADD64,
  ...get(4), ...i64(0x7f7f7f7f7f7f7f7fn), AND64, ...i64(0x2525252525252525n), ADD64, ...i64(-1n), XOR64,
  AND64,
  ...get(4), ...i64(-1n), XOR64, AND64,
  ...i64(0x8080808080808080n), AND64,
  ...i64(2n), SHR_U64,
  ...get(4), OR64,
  ...at(STORE64),
  ...get(2), ...i32(8), ADD, ...set(2),
  BR, 0,
  END, END,
  ...BLOCK, ...LOOP,
  ...get(2), ...get(1), GE_U, BR_IF, 1,
  ...get(2),
  ...get(2), ...at(LOAD8), ...set(3),
  // + 32 when byte - 'A' < 26 (unsigned)
  ...get(3), ...get(3), ...i32(0x41), SUB, ...i32(26), LT_U, ...i32(5), SHL, ADD,
  ...at(STORE8),
  ...get(2), ...i32(1), ADD, ...set(2),
  BR, 0,
  END, END,
  END,
];

/** Sets bit `bit` (local 5) of the filter at `out` (local 2). Locals: 6 its byte's address. */
// biome-ignore format: one line per step
const SET_BIT = [
  ...get(5), ...i32(3), SHR_U, ...get(2), ADD, TEE, 6,
  ...get(6), ...at(LOAD8), ...i32(1), ...get(5), ...i32(7), AND, SHL, OR,
  ...at(STORE8),
];

/**
 * The bit of a filter of `bits` bits (local 1) a hashed key (on the stack) sets, as search-grams.ts
 * computes it: floor(hash / 2^32 * bits), in the same double arithmetic (hash * 2^-32 is the
 * same double as hash / 2^32, both exact); then that bit is set (SET_BIT).
 */
// biome-ignore format: one line per step
const SET_BIT_DOUBLE = [
  F64_FROM_U32, ...f64(2 ** -32), F64_MUL, ...get(1), F64_FROM_U32, F64_MUL, F64_FLOOR, TRUNC_F64_U, ...set(5),
  ...SET_BIT,
];

/**
 * The same bit in integers, for a filter of fewer than 2^21 bits: hash * bits (local 7, as i64)
 * is then under 2^53, so the double product above is exact and its floor is (hash * bits) >> 32.
 */
// biome-ignore format: one line per step
const SET_BIT_INTEGER = [
  I64_FROM_U32, ...get(7), I64_MUL, ...i64(32n), SHR_U64, I32_FROM_I64, ...set(5),
  ...SET_BIT,
];

/** The keys' loop of sign, setting each key's two bits with `setBit`. Locals: 3 i, 4 the key. */
// biome-ignore format: one line per step
const signLoop = (setBit: number[]) => [
  ...BLOCK, ...LOOP,
  ...get(3), ...get(0), GE_U, BR_IF, 1,
  ...get(3), ...i32(2), SHL, ...i32(KEYS), ADD, ...at(LOAD), ...set(4),
  ...get(4), ...i32(0x9e3779b1), MUL, ...setBit,
  ...get(4), ...get(4), ...i32(11), SHR_U, XOR, ...i32(0x7feb352d), MUL, ...setBit,
  ...get(3), ...i32(1), ADD, ...set(3),
  BR, 0,
  END, END,
];

/** Filters of fewer bits than this have their bits set in integers (SET_BIT_INTEGER). */
const INTEGER_BITS = 1 << 21;

/**
 * sign(size, bits, out): the Bloom filter of keys [0, size), two bits a key, into the `bits` bits
 * (zeroed) at `out`. Locals: 3 i, 4 the key, 5 the bit, 6 its byte's address, 7 bits as i64.
 */
// biome-ignore format: one line per step
const SIGN = [
  ...[2, 4, I32, 1, I64],
  ...get(1), I64_FROM_U32, ...set(7),
  ...get(1), ...i32(INTEGER_BITS), LT_U,
  ...IF, ...signLoop(SET_BIT_INTEGER), ELSE, ...signLoop(SET_BIT_DOUBLE), END,
  END,
];

function moduleBytes(): Uint8Array {
  return moduleOf([
    { params: [I32, I32, I32], results: [I32], body: GRAMS, exported: 'grams' },
    { params: [I32, I32], results: [], body: LOWER, exported: 'lower' },
    { params: [I32, I32, I32], results: [], body: SIGN, exported: 'sign' },
  ]);
}

let compiled: object | undefined;

/**
 * A set of trigram keys being gathered (search-grams.ts: GramSet), over rows of bytes: `seen` has
 * bit `i & 31` of word `i >>> 5` set, i the key's seenIndex, for each key of the set, `keys` the
 * keys in the order first met (the first `size` given back by `lowerAndAdd`).
 */
export interface GramScanner {
  readonly seen: Uint32Array;
  readonly keys: Uint32Array;
  /**
   * Lowers A-Z of `text` in place, then adds the keys of its rows (row i ending at `ends[i]`,
   * none across two rows) to keys [0, size): the new size.
   */
  lowerAndAdd(text: Uint8Array, ends: Uint32Array, size: number): number;
  /** The Bloom filter of keys [0, size) in `bytes` bytes (search-grams.ts: firstBit, secondBit). */
  sign(size: number, bytes: number): Uint8Array;
  /**
   * A buffer of at least `bytes` bytes whose text `lowerAndAdd` reads where it is, without a copy;
   * the bytes of the one given before are in it at the same places (it is no longer usable).
   * Text from anywhere else is copied in and out, over the same place: a scanner takes its text
   * one way or the other, not both. Absent: every text is copied.
   */
  textBuffer?(bytes: number): Buffer;
}

/** The scanner of this process: in WebAssembly where it runs, else in plain JavaScript. */
export function newScanner(): GramScanner {
  return wasm === undefined ? new PlainScanner() : new Scanner();
}

/** The loops in JavaScript, for a process without WebAssembly, and the definition of them. */
export class PlainScanner implements GramScanner {
  readonly seen = new Uint32Array(KEYS / 4);
  keys = new Uint32Array(1 << 12);

  lowerAndAdd(text: Uint8Array, ends: Uint32Array, size: number): number {
    for (let i = 0; i < text.length; i++) {
      const b = text[i] as number;
      if (b >= 0x41 && b <= 0x5a) text[i] = b + 0x20;
    }
    const seen = this.seen;
    let start = 0;
    for (const end of ends) {
      for (let i = start + 2; i < end; i++) {
        const key =
          ((text[i - 2] as number) << 16) | ((text[i - 1] as number) << 8) | (text[i] as number);
        const at = seenIndex(key);
        const bit = 1 << (at & 31);
        const word = seen[at >>> 5] as number;
        if ((word & bit) !== 0) continue;
        seen[at >>> 5] = word | bit;
        if (size === this.keys.length) {
          const grown = new Uint32Array(size * 2);
          grown.set(this.keys);
          this.keys = grown;
        }
        this.keys[size++] = key;
      }
      start = end;
    }
    return size;
  }

  sign(size: number, bytes: number): Uint8Array {
    const out = new Uint8Array(bytes);
    const bits = bytes * 8;
    for (let i = 0; i < size; i++) {
      const key = this.keys[i] as number;
      const p = Math.floor(((Math.imul(key, 0x9e3779b1) >>> 0) / 4294967296) * bits);
      const q = Math.floor(((Math.imul(key ^ (key >>> 11), 0x7feb352d) >>> 0) / 4294967296) * bits);
      out[p >>> 3] = (out[p >>> 3] as number) | (1 << (p & 7));
      out[q >>> 3] = (out[q >>> 3] as number) | (1 << (q & 7));
    }
    return out;
  }
}

/** One scanner's memory and functions: a set of keys being gathered, and bytes to scan. */
export class Scanner implements GramScanner {
  private readonly memory: Memory;
  private readonly grams: (from: number, to: number, size: number) => number;
  private readonly lowerBytes: (from: number, to: number) => void;
  private readonly signInto: (size: number, bits: number, out: number) => void;
  /** The memory's bytes (a new view once it grows). */
  bytes: Uint8Array;
  seen: Uint32Array;
  keys: Uint32Array;

  constructor() {
    if (wasm === undefined) throw new Error('no WebAssembly in this process');
    compiled ??= new wasm.Module(moduleBytes());
    this.memory = new wasm.Memory({ initial: (TEXT + PAGE) / PAGE });
    const exports = new wasm.Instance(compiled, { m: { m: this.memory } }).exports;
    this.grams = exports.grams as typeof this.grams;
    this.lowerBytes = exports.lower as typeof this.lowerBytes;
    this.signInto = exports.sign as typeof this.signInto;
    this.bytes = new Uint8Array(this.memory.buffer);
    this.seen = new Uint32Array(this.memory.buffer, SEEN, KEYS / 4);
    this.keys = new Uint32Array(this.memory.buffer, KEYS, (TEXT - KEYS) / 4);
  }

  lowerAndAdd(text: Uint8Array, ends: Uint32Array, size: number): number {
    // text of textBuffer's is scanned where it is (textBuffer keeps SLACK bytes past it)
    const inPlace = text.buffer === this.memory.buffer && text.byteOffset >= TEXT;
    const from = inPlace ? text.byteOffset : TEXT;
    if (!inPlace) {
      this.room(text.length + SLACK);
      this.bytes.set(text, TEXT);
    }
    this.lowerBytes(from, from + text.length);
    let start = 0;
    let n = size;
    for (const end of ends) {
      n = this.grams(from + start, from + end, n);
      start = end;
    }
    if (!inPlace) text.set(this.bytes.subarray(TEXT, TEXT + text.length));
    return n;
  }

  /** The Bloom filter of keys [0, size) in `bytes` bytes. */
  sign(size: number, bytes: number): Uint8Array {
    this.bytes.fill(0, SIGNED, SIGNED + bytes);
    this.signInto(size, bytes * 8, SIGNED);
    return this.bytes.slice(SIGNED, SIGNED + bytes);
  }

  textBuffer(bytes: number): Buffer {
    this.room(bytes + SLACK);
    const { buffer } = this.memory;
    return Buffer.from(buffer, TEXT, buffer.byteLength - TEXT - SLACK);
  }

  private room(bytes: number): void {
    const need = TEXT + bytes;
    if (need > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE));
      this.bytes = new Uint8Array(this.memory.buffer);
      this.seen = new Uint32Array(this.memory.buffer, SEEN, KEYS / 4);
      this.keys = new Uint32Array(this.memory.buffer, KEYS, (TEXT - KEYS) / 4);
    }
  }
}

/** sameAt(p, n, len) -> 1 when the `len` bytes at p are those at n, else 0. Locals: 3 k. */
// biome-ignore format: one line per step
const SAME_AT = [
  ...[1, 1, I32],
  ...i32(0), ...set(3),
  ...BLOCK, ...LOOP,
  ...get(3), ...get(2), GE_U, BR_IF, 1,
  ...get(0), ...get(3), ADD, ...at(LOAD8), ...get(1), ...get(3), ADD, ...at(LOAD8), NE,
  ...IF, ...i32(0), RETURN, END,
  ...get(3), ...i32(1), ADD, ...set(3),
  BR, 0,
  END, END,
  ...i32(1),
  END,
];

/**
 * find(from, to, n, len, a, b) -> the first p in [from, to - len] whose `len` bytes are the
 * needle's (at n), or -1. Sixteen positions a turn: where both the needle's byte at a is at p + a
 * and its byte at b at p + b (a, b < len: two of its rarest bytes, needleProbes; two loads, two
 * compares, one bit per position), the whole needle is compared (sameAt), positions in order;
 * then one by one where fewer than 16 + len - 1 bytes are left, so no load reads past `to`.
 * Locals: 6 i, 7 the positions' bits, 8 the byte at a in every lane, 9 the byte at b.
 */
// biome-ignore format: one line per step
const FIND = [
  ...[2, 2, I32, 2, V128],
  ...get(2), ...get(4), ADD, ...at(LOAD8), ...I8X16_SPLAT, ...set(8),
  ...get(2), ...get(5), ADD, ...at(LOAD8), ...I8X16_SPLAT, ...set(9),
  ...get(0), ...set(6),
  ...BLOCK, ...LOOP,
  ...get(6), ...get(3), ADD, ...i32(15), ADD, ...get(1), GT_U, BR_IF, 1,
  ...get(6), ...get(4), ADD, ...V128_LOAD, ...get(8), ...I8X16_EQ,
  ...get(6), ...get(5), ADD, ...V128_LOAD, ...get(9), ...I8X16_EQ,
  ...V128_AND, ...I8X16_BITMASK, ...set(7),
  ...BLOCK, ...LOOP,
  ...get(7), EQZ, BR_IF, 1,
  ...get(6), ...get(7), CTZ, ADD, ...get(2), ...get(3), CALL, 0,
  ...IF, ...get(6), ...get(7), CTZ, ADD, RETURN, END,
  ...get(7), ...get(7), ...i32(1), SUB, AND, ...set(7),
  BR, 0,
  END, END,
  ...get(6), ...i32(16), ADD, ...set(6),
  BR, 0,
  END, END,
  ...BLOCK, ...LOOP,
  ...get(6), ...get(3), ADD, ...get(1), GT_U, BR_IF, 1,
  ...get(6), ...get(2), ...get(3), CALL, 0,
  ...IF, ...get(6), RETURN, END,
  ...get(6), ...i32(1), ADD, ...set(6),
  BR, 0,
  END, END,
  ...i32(-1),
  END,
];

/**
 * How common each byte is in the store's text, lowered (a rank: higher is rarer): the space, then
 * lower-case letters in the order of their frequency in English text, then digits and the
 * punctuation of code; any other byte (upper case is lowered away; a byte of a longer UTF-8
 * character) rarer still. A guess that only decides which two of the needle's bytes the finder
 * compares first: any choice finds the same positions.
 */
const COMMON = ' etaoinsrhldcumfpgwybvkxjqz0123456789.,"/:-_=(){}[]\'\n;';

function rarity(byte: number): number {
  const i = COMMON.indexOf(String.fromCharCode(byte));
  return byte < 0x80 && i >= 0 ? i : COMMON.length + (byte < 0x80 ? 0 : 1);
}

/**
 * The two places of the needle find compares first: its two rarest bytes (its only byte twice for
 * a needle of one), the first of the rarest where bytes tie, and never the same byte value twice
 * where the needle has two.
 */
export function needleProbes(needle: Uint8Array): [number, number] {
  let a = 0;
  for (let i = 1; i < needle.length; i++) {
    if (rarity(needle[i] as number) > rarity(needle[a] as number)) a = i;
  }
  let b = -1;
  for (let i = 0; i < needle.length; i++) {
    if (i === a || needle[i] === needle[a]) continue;
    if (b < 0 || rarity(needle[i] as number) > rarity(needle[b] as number)) b = i;
  }
  if (b < 0) b = needle.length - 1 === a ? 0 : needle.length - 1;
  return a < b ? [a, b] : [b, a];
}

function finderBytes(): Uint8Array {
  return moduleOf([
    { params: [I32, I32, I32], results: [I32], body: SAME_AT },
    { params: [I32, I32, I32, I32, I32, I32], results: [I32], body: FIND, exported: 'find' },
  ]);
}

/** Where a finder keeps the needle (up to a page of it), and the text it searches. */
const FINDER_TEXT = PAGE;
/** Memory past this is not asked for: find's positions are signed 32-bit. */
const FINDER_LIMIT = 2 ** 31 - PAGE;

const finderModule = compiledOnce(finderBytes);

/**
 * A byte search of the store's records for a needle, as Buffer.indexOf finds it, three times as
 * fast on the bench's store (SIMD in WebAssembly: 0.25 against 0.78 ns a byte for a phrase of
 * common words). Records are read into `buffer`, where `indexOf` searches them; text from anywhere
 * else, or a needle longer than a page, goes to Buffer.indexOf.
 */
export class NeedleFinder {
  private readonly own: OwnMemory;
  private readonly find: (
    from: number,
    to: number,
    needle: number,
    length: number,
    a: number,
    b: number,
  ) => number;
  /** The needle's places compared first (needleProbes). */
  private probes: [number, number] = [0, 0];
  /** The needle in memory, by identity: a job's needle is one array. */
  private needle: Uint8Array | undefined;

  private constructor(module: object) {
    this.own = new OwnMemory(module, FINDER_TEXT / PAGE + 64);
    this.find = this.own.exports.find as typeof this.find;
  }

  /** A finder where WebAssembly and its SIMD instructions are there, else undefined. */
  static make(): NeedleFinder | undefined {
    const module = finderModule();
    return module === undefined ? undefined : new NeedleFinder(module);
  }

  /**
   * A buffer of `bytes` bytes in the finder's memory for a record to be read into (the one given
   * before is no longer usable), or undefined past the memory the finder may have.
   */
  buffer(bytes: number): Buffer | undefined {
    const need = FINDER_TEXT + bytes;
    if (need > FINDER_LIMIT || !this.own.reserve(need)) return undefined;
    return this.own.view.subarray(FINDER_TEXT, need);
  }

  /** Where `needle` first is in `text` at or after `from`, or -1: Buffer.indexOf's answer. */
  indexOf(text: Uint8Array, needle: Uint8Array, from: number): number {
    const inMemory = this.own.holds(text) && text.byteOffset >= FINDER_TEXT;
    if (!inMemory || needle.length === 0 || needle.length > FINDER_TEXT) {
      return Buffer.from(text.buffer, text.byteOffset, text.length).indexOf(needle, from);
    }
    if (from >= text.length) return -1;
    if (needle !== this.needle) {
      this.own.view.set(needle, 0);
      this.needle = needle;
      this.probes = needleProbes(needle);
    }
    const start = text.byteOffset;
    const [a, b] = this.probes;
    const p = this.find(start + Math.max(0, from), start + text.length, 0, needle.length, a, b);
    return p < 0 ? -1 : p - start;
  }
}
