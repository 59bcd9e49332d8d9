/**
 * A session file's bytes with the text a summary never reads cut out before JSON.parse sees
 * them: the value of every "content" key (a message's text) and of every "result" key but its
 * first 16 bytes (a tool's output: enough to tell "Error" from the rest). Those strings are most
 * of a file's bytes, and JSON.parse copies each into a string that dies at once; the cut is one
 * pass over the bytes in WebAssembly, sixteen bytes a turn inside a string.
 *
 * The cut keeps every byte but the inside of those strings, and walks the file as JSON.parse
 * does: a string starts at a quote outside a string and ends at the first quote not escaped;
 * every string on the way is checked as JSON.parse checks it (no control character, only the
 * escapes JSON has), and the walk gives up on the first that fails. So each string cut is one
 * JSON.parse would have read whole, the text left parses exactly where the file parses, and to
 * the same values but for the strings cut. A key is recognised only as written plainly (not
 * with escapes); a "content" or "result" anywhere counts (a tool's parameters included), which
 * a summary does not read either. A result's head is kept whole when a backslash is in it, and
 * ends at the start of a UTF-8 character, so it reads as the file's does.
 *
 * Where the cut text is not a session (JSON.parse or the check refuse it), the caller parses the
 * whole text, which names the problem: the cut only ever answers for files that parse. Without
 * WebAssembly (`node --jitless`) nothing is cut. test/analytics/lean-json.test.ts holds the
 * module to a definition of the cut in JavaScript, and summaries made through it to the full
 * parse's, over fixtures, generated and damaged files.
 */
import {
  ADD,
  AND,
  AND64,
  at,
  BLOCK,
  BR,
  BR_IF,
  CALL,
  CTZ,
  compiledOnce,
  END,
  EQ,
  EQ64,
  EQZ,
  GE_U,
  GT_U,
  get,
  I8X16_BITMASK,
  I8X16_EQ,
  I8X16_LT_U,
  I8X16_SPLAT,
  I32,
  IF,
  i32,
  i64,
  LOAD8,
  LOAD64,
  LOOP,
  LT_S,
  LT_U,
  MEMORY_COPY,
  moduleOf,
  NE,
  OR,
  OwnMemory,
  RETURN,
  SELECT,
  SUB,
  set,
  TEE,
  V128,
  V128_LOAD,
  V128_OR,
} from './wasm-code.js';

/** How much of a "result" string is kept. */
export const RESULT_HEAD = 16;
/** Files larger than this are parsed whole: the module's memory stays at twice the largest. */
const LARGEST = 16 * 1024 * 1024;
/** Bytes past the input that loads may touch (a key's 8-byte compare) before the output. */
const SLACK = 16;

const QUOTE = 34;
const BACKSLASH = 92;

/** A key's bytes as one little-endian load reads them (up to 8). */
function keyWord(key: string): bigint {
  let v = 0n;
  for (let k = key.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(key.charCodeAt(k));
  return v;
}

/** isHex(c) -> 1 when c is an ASCII hex digit. */
// biome-ignore format: one line per step
const IS_HEX = [
  0,
  ...get(0), ...i32(48), SUB, ...i32(10), LT_U,
  ...get(0), ...i32(32), OR, ...i32(97), SUB, ...i32(6), LT_U,
  OR,
  END,
];

const isEscape = (local: number) =>
  [34, 92, 47, 98, 102, 110, 114, 116].flatMap((c, k) => [
    ...get(local),
    ...i32(c),
    EQ,
    ...(k > 0 ? [OR] : []),
  ]);

/**
 * strEnd(p, n) -> the closing quote of the string whose inside starts at p, or -1 when it has a
 * control character, an escape JSON does not have, or no end before n. Sixteen bytes a turn
 * while none is a quote, a backslash or a control character. Locals: 2 bits, 3 byte, 4 escape,
 * 5-7 quote, backslash and 0x20 in every lane, 8 the bytes.
 */
// biome-ignore format: one line per step
const STR_END = [
  ...[2, 3, I32, 4, V128],
  ...i32(QUOTE), ...I8X16_SPLAT, ...set(5),
  ...i32(BACKSLASH), ...I8X16_SPLAT, ...set(6),
  ...i32(32), ...I8X16_SPLAT, ...set(7),
  ...LOOP,
  ...BLOCK, ...LOOP,
  ...get(0), ...i32(16), ADD, ...get(1), GT_U, BR_IF, 1,
  ...get(0), ...V128_LOAD, ...set(8),
  ...get(8), ...get(5), ...I8X16_EQ, ...get(8), ...get(6), ...I8X16_EQ, ...V128_OR,
  ...get(8), ...get(7), ...I8X16_LT_U, ...V128_OR, ...I8X16_BITMASK, TEE, 2,
  ...IF, ...get(0), ...get(2), CTZ, ADD, ...set(0), BR, 2, END,
  ...get(0), ...i32(16), ADD, ...set(0),
  BR, 0,
  END, END,
  ...get(0), ...get(1), GE_U, ...IF, ...i32(-1), RETURN, END,
  ...get(0), ...at(LOAD8), TEE, 3, ...i32(QUOTE), EQ, ...IF, ...get(0), RETURN, END,
  ...get(3), ...i32(BACKSLASH), EQ, ...IF,
  ...get(0), ...i32(1), ADD, ...get(1), GE_U, ...IF, ...i32(-1), RETURN, END,
  ...get(0), ...at(LOAD8, 1), ...set(4),
  ...get(4), ...i32(117), EQ, ...IF,
  ...get(0), ...i32(5), ADD, ...get(1), GE_U, ...IF, ...i32(-1), RETURN, END,
  ...[2, 3, 4, 5].flatMap((k) => [...get(0), ...at(LOAD8, k), CALL, 0, EQZ, ...IF, ...i32(-1), RETURN, END]),
  ...get(0), ...i32(6), ADD, ...set(0),
  BR, 2,
  END,
  ...isEscape(4), EQZ, ...IF, ...i32(-1), RETURN, END,
  ...get(0), ...i32(2), ADD, ...set(0),
  BR, 1,
  END,
  ...get(3), ...i32(32), LT_U, ...IF, ...i32(-1), RETURN, END,
  ...get(0), ...i32(1), ADD, ...set(0),
  BR, 0,
  END,
  ...i32(-1),
  END,
];

/** nextQuote(p, n) -> the first quote at or after p, or n. Locals: 2 bits, 3 quote in every lane. */
// biome-ignore format: one line per step
const NEXT_QUOTE = [
  ...[2, 1, I32, 1, V128],
  ...i32(QUOTE), ...I8X16_SPLAT, ...set(3),
  ...LOOP,
  ...get(0), ...i32(16), ADD, ...get(1), GT_U, EQZ, ...IF,
  ...get(0), ...V128_LOAD, ...get(3), ...I8X16_EQ, ...I8X16_BITMASK, TEE, 2,
  ...IF, ...get(0), ...get(2), CTZ, ADD, RETURN, END,
  ...get(0), ...i32(16), ADD, ...set(0),
  BR, 1,
  END,
  ...get(0), ...get(1), GE_U, ...IF, ...get(1), RETURN, END,
  ...get(0), ...at(LOAD8), ...i32(QUOTE), EQ, ...IF, ...get(0), RETURN, END,
  ...get(0), ...i32(1), ADD, ...set(0),
  BR, 0,
  END,
  ...get(1),
  END,
];

/** ws(p, n) -> the first byte at or after p that is not JSON's white space, or n. Locals: 2 byte. */
// biome-ignore format: one line per step
const WS = [
  ...[1, 1, I32],
  ...BLOCK, ...LOOP,
  ...get(0), ...get(1), GE_U, BR_IF, 1,
  ...get(0), ...at(LOAD8), TEE, 2, ...i32(32), EQ, ...get(2), ...i32(10), EQ, OR,
  ...get(2), ...i32(13), EQ, OR, ...get(2), ...i32(9), EQ, OR, EQZ, BR_IF, 1,
  ...get(0), ...i32(1), ADD, ...set(0),
  BR, 0,
  END, END,
  ...get(0),
  END,
];

/**
 * cut(n, out) -> the length of the text written at `out` (the n bytes at 0 with the strings cut),
 * or -1 where a string is not one JSON.parse reads. Locals: 2 i, 3 w (where the text goes on),
 * 4 kept (the first byte not yet written), 5 a string's opening quote, 6 its closing quote, 7 the
 * next byte after it, 8 the head kept of the value (-1: not a key that is cut), 9 the value's
 * closing quote, 10 its length, 11 the head, 12 a count.
 */
// biome-ignore format: one line per step
const CUT = [
  ...[1, 11, I32],
  ...get(1), ...set(3),
  ...BLOCK, ...LOOP,
  ...get(2), ...get(0), CALL, 2, TEE, 5, ...get(0), GE_U, BR_IF, 1,
  ...get(5), ...i32(1), ADD, ...get(0), CALL, 1, TEE, 6, ...i32(0), LT_S, ...IF, ...i32(-1), RETURN, END,
  ...get(6), ...i32(1), ADD, ...set(2),
  ...get(2), ...get(0), CALL, 3, ...set(7),
  // a key is a string followed by a colon
  ...get(7), ...get(0), GE_U, BR_IF, 0,
  ...get(7), ...at(LOAD8), ...i32(58), NE, BR_IF, 0,
  ...i32(-1), ...set(8),
  ...get(6), ...get(5), SUB, ...i32(1), SUB, ...set(12),
  ...get(12), ...i32(7), EQ, ...IF,
  ...get(5), ...at(LOAD64, 1), ...i64(0xff_ffff_ffff_ffffn), AND64, ...i64(keyWord('content')), EQ64,
  ...IF, ...i32(0), ...set(8), END,
  END,
  ...get(12), ...i32(6), EQ, ...IF,
  ...get(5), ...at(LOAD64, 1), ...i64(0xffff_ffff_ffffn), AND64, ...i64(keyWord('result')), EQ64,
  ...IF, ...i32(RESULT_HEAD), ...set(8), END,
  END,
  ...get(8), ...i32(0), LT_S, BR_IF, 0,
  // its value, when a string
  ...get(7), ...i32(1), ADD, ...get(0), CALL, 3, TEE, 7, ...get(0), GE_U, BR_IF, 0,
  ...get(7), ...at(LOAD8), ...i32(QUOTE), NE, BR_IF, 0,
  ...get(7), ...i32(1), ADD, ...get(0), CALL, 1, TEE, 9, ...i32(0), LT_S, ...IF, ...i32(-1), RETURN, END,
  ...get(9), ...get(7), SUB, ...i32(1), SUB, ...set(10),
  ...get(8), ...get(10), ...get(8), ...get(10), LT_U, SELECT, ...set(11),
  // a backslash in the head: the string is kept whole
  ...i32(0), ...set(12),
  ...BLOCK, ...LOOP,
  ...get(12), ...get(11), GE_U, BR_IF, 1,
  ...get(7), ...get(12), ADD, ...at(LOAD8, 1), ...i32(BACKSLASH), EQ, ...IF, ...get(10), ...set(11), BR, 2, END,
  ...get(12), ...i32(1), ADD, ...set(12),
  BR, 0,
  END, END,
  // the head ends where a character starts
  ...BLOCK, ...LOOP,
  ...get(11), EQZ, BR_IF, 1,
  ...get(11), ...get(10), GE_U, BR_IF, 1,
  ...get(7), ...get(11), ADD, ...at(LOAD8, 1), ...i32(0xc0), AND, ...i32(0x80), NE, BR_IF, 1,
  ...get(11), ...i32(1), SUB, ...set(11),
  BR, 0,
  END, END,
  ...get(11), ...get(10), LT_U, ...IF,
  ...get(3), ...get(4), ...get(7), ...i32(1), ADD, ...get(11), ADD, ...get(4), SUB, TEE, 12, ...MEMORY_COPY,
  ...get(3), ...get(12), ADD, ...set(3),
  ...get(9), ...set(4),
  END,
  ...get(9), ...i32(1), ADD, ...set(2),
  BR, 0,
  END, END,
  ...get(3), ...get(4), ...get(0), ...get(4), SUB, TEE, 12, ...MEMORY_COPY,
  ...get(3), ...get(12), ADD, ...get(1), SUB,
  END,
];

function moduleBytes(): Uint8Array {
  const two = [I32, I32];
  return moduleOf([
    { params: [I32], results: [I32], body: IS_HEX },
    { params: two, results: [I32], body: STR_END },
    { params: two, results: [I32], body: NEXT_QUOTE },
    { params: two, results: [I32], body: WS },
    { params: two, results: [I32], body: CUT, exported: 'cut' },
  ]);
}

const compiled = compiledOnce(moduleBytes);
/** This thread's cutter (LeanCutter.ofThread). */
let ofThread: LeanCutter | null | undefined;

/**
 * Reads files into its memory and cuts them, file after file: `LeanCutter.ofThread()`, undefined
 * where WebAssembly or its SIMD is missing. A reader takes each file's text before reading the next.
 */
export class LeanCutter {
  private readonly own: OwnMemory;
  private readonly run: (n: number, out: number) => number;

  private constructor(module: object) {
    this.own = new OwnMemory(module, 16);
    this.run = this.own.exports.cut as typeof this.run;
  }

  /** The cutter of this thread, made once: its memory is that of the largest file it cut. */
  static ofThread(): LeanCutter | undefined {
    if (ofThread === undefined) ofThread = LeanCutter.make() ?? null;
    return ofThread ?? undefined;
  }

  static make(): LeanCutter | undefined {
    const module = compiled();
    return module === undefined ? undefined : new LeanCutter(module);
  }

  /**
   * A buffer for a file of `size` bytes to be read into: in the cutter's memory (valid until the
   * next call), or, for a file past LARGEST or past the memory the cutter may have, one of its
   * own, which `cut` does not cut.
   */
  room(size: number): Buffer {
    if (size > LARGEST || !this.own.reserve(2 * (size + SLACK))) return Buffer.allocUnsafe(size);
    return this.own.view;
  }

  /**
   * The text of `bytes` (read into `room`'s buffer) with the strings cut, or undefined where the
   * cut does not answer: the whole text is then to be read from `bytes`, which the cut leaves
   * as they were.
   */
  cut(bytes: Buffer): string | undefined {
    if (!this.own.holds(bytes) || bytes.byteOffset !== 0) return undefined;
    const n = bytes.length;
    const out = n + SLACK;
    const length = this.run(n, out);
    return length < 0 ? undefined : this.own.view.toString('utf8', out, out + length);
  }
}
