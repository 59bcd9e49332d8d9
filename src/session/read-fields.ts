/**
 * The index's fast path through a session file. A cold build reads every file, but the index
 * needs little of each: not the text of messages (only the head of the first user message, for
 * the list), not tool parameters, only whether a tool result says it failed. Most of a file's bytes
 * are that text. So before JSON.parse, a byte loop in WebAssembly copies the file without it: it
 * drops the white space between tokens and cuts these strings short, ending each cut one with
 * SENTINEL:
 * - a message's `content`: after CONTENT_HEAD characters when the message's `role` came before
 *   it and is "user", else at once;
 * - a tool call's `result`, when a string: after RESULT_HEAD characters;
 * - a tool call's `parameters`, when a string: at once.
 * JSON.parse and the hand-written check (check.ts) then read the short copy. What was cut is still
 * checked as JSON.parse would check it: no control character, no escape JSON does not have.
 *
 * It answers only where the copy gives exactly what the whole file gives: the copy is valid JSON
 * of a session the check accepts, and every cut string is in one of the places above (the loop
 * knows keys and nesting depth, not where it is in a session: a `content` key elsewhere at the
 * same depth would be cut too, and the cuts found here would not add up to those it made). A file
 * that holds SENTINEL itself, or is larger than FAST_LIMIT, is not read here. Anything else is
 * `undefined`, and the caller takes the full path (JSON.parse and the check), which names the
 * problem. test/analytics/fast-path.test.ts holds the two paths to the same rows over fixtures,
 * generated and damaged files.
 */

import {
  ADD,
  AND,
  AND64,
  assemble,
  at,
  block,
  br,
  brIf,
  type Code,
  CTZ,
  EQ,
  EQ64,
  EQZ,
  GE_U,
  get,
  I8X16_BITMASK,
  I8X16_EQ,
  I8X16_LT_U,
  I8X16_SPLAT,
  I32,
  i32,
  i64,
  LE_U,
  LOAD,
  LOAD8,
  LOAD16,
  LOAD64,
  LT_U,
  loop,
  type Memory,
  moduleBytes,
  NE,
  OR,
  PAGE,
  POPCNT,
  RETURN,
  SHL,
  STORE,
  STORE8,
  SUB,
  set,
  TEE,
  V128,
  V128_AND,
  V128_LOAD,
  V128_OR,
  V128_STORE,
  wasm,
  when,
  XOR,
} from '../wasm.js';
import { isSession } from './check.js';
import { readRegularIntoSync, readRegularTextSync } from './regular-file.js';
import type { Session } from './schema.js';

/** How much of a user message's text is kept: what the index reads of it (FIRST_USER_CHARS × 4). */
export const CONTENT_HEAD = 1200;
/** How much of a string tool result is kept: enough to tell "Error" / "error:" at its start. */
const RESULT_HEAD = 16;
/** Where a string was cut: a noncharacter, U+FDD0. A file that holds it is not read here. */
const SENTINEL = '\uFDD0';
/** Files larger than this take the full path (the memory here grows to four times a file). */
const FAST_LIMIT = 16 * 1024 * 1024;

/** The memory: the number of cuts at CUTS, the file at INPUT, its short copy after it. */
const CUTS = 0;
const INPUT = 16;
/** Past the end of what is written, a vector store may write 16 bytes. */
const SLACK = 64;
const ALL = 0x7fffffff;

// keys the loop knows
const ROLE = 1;
const CONTENT = 2;
const RESULT = 3;
const PARAMETERS = 4;
/** Nesting depth of a message's fields (top object, messages, message), and of a tool call's. */
const MESSAGE_DEPTH = 3;
const CALL_DEPTH = 5;

/** The first bytes of `s` as a little-endian number (what a load of them gives). */
function word(s: string): bigint {
  let n = 0n;
  for (let k = s.length - 1; k >= 0; k--) n = (n << 8n) | BigInt(s.charCodeAt(k));
  return n;
}
const c = (ch: string) => ch.charCodeAt(0);

// locals: 0 i (the next byte to read), 1 end, 2 out (params); then
const O = 3; // the next byte to write
const C = 4; // the byte at i
const DEPTH = 5;
const KEY = 6; // the last key, when one the loop knows
const USER = 7; // the last message role was "user"
const LIMIT = 8; // characters of the string to keep
const UNITS = 9; // characters of it kept (at most as many UTF-16 code units as JavaScript's)
const START = 10; // where the string's copy starts
const STOP = 11; // where the last string's copy ends
const NCUTS = 12;
const PREV = 13; // the last byte written
const VALUE = 14; // the string is a value (after a colon)
const DROPPED = 15; // the string has been cut
const N = 16;
const LEN = 17; // bytes of the character or escape at i
const HEX = 18;
const M = 19; // which of 16 bytes are special
const V = 20; // v128: 16 bytes at i
const QUOTES = 21;
const BACKSLASHES = 22;
const CONTROLS = 23;
const EFS = 24;
const SPACES = 25;
const NEWLINES = 26;
const TOPS = 27; // 0xc0 in each byte
const TAILS = 28; // 0x80 in each byte: 10xxxxxx is a UTF-8 sequence's continuation byte

const is = (local: number, ch: number): Code[] => [...get(local), ...i32(ch), EQ];
const anyOf = (local: number, chars: string): Code[] =>
  [...chars].map((ch, k) => [...is(local, c(ch)), ...(k > 0 ? [OR] : [])]);
const inc = (local: number, by = 1): Code[] => [...get(local), ...i32(by), ADD, ...set(local)];
const emit = (byte: Code[]): Code[] => [...get(O), ...byte, ...at(STORE8), ...inc(O)];
const splat = (byte: number, local: number): Code[] => [
  ...i32(byte),
  ...I8X16_SPLAT,
  ...set(local),
];
/** The bytes of V equal to the byte splat in `local`, one bit each. */
const equal = (local: number): Code[] => [...get(V), ...get(local), ...I8X16_EQ];

/** The kind of the key just copied (bytes [START, STOP)), set at its colon. */
// biome-ignore format: one line per step
const KEY_KIND: Code[] = [
  ...get(STOP), ...get(START), SUB, ...set(N),
  ...i32(0), ...set(KEY),
  ...is(N, 4), when([...get(START), ...at(LOAD), ...i32(Number(word('role'))), EQ, when([...i32(ROLE), ...set(KEY)])]),
  ...is(N, 7), when([
    ...get(START), ...at(LOAD64), ...i64(0xffffffffffffffn), AND64, ...i64(word('content')), EQ64,
    when([...i32(CONTENT), ...set(KEY)]),
  ]),
  ...is(N, 6), when([
    ...get(START), ...at(LOAD64), ...i64(0xffffffffffffn), AND64, ...i64(word('result')), EQ64,
    when([...i32(RESULT), ...set(KEY)]),
  ]),
  ...is(N, 10), when([
    ...get(START), ...at(LOAD64), ...i64(word('paramete')), EQ64,
    ...get(START), ...at(LOAD16, 8), ...i32(Number(word('rs'))), EQ, AND,
    when([...i32(PARAMETERS), ...set(KEY)]),
  ]),
];

/** One hex digit at i + k into HEX, or to `fail`. */
// biome-ignore format: one line per step
const hexDigit = (k: number): Code[] => [
  ...get(0), ...at(LOAD8, k), ...set(N),
  ...get(N), ...i32(c('0')), SUB, ...i32(10), LT_U,
  when(
    [...get(N), ...i32(c('0')), SUB, ...set(N)],
    [
      ...get(N), ...i32(0x20), OR, ...i32(c('a')), SUB, ...i32(6), LT_U,
      when([...get(N), ...i32(0x20), OR, ...i32(c('a') - 10), SUB, ...set(N)], [br('fail')]),
    ],
  ),
  ...get(HEX), ...i32(4), SHL, ...get(N), OR, ...set(HEX),
];

/** The escape at i (a backslash): its length into LEN, or to `fail`. */
// biome-ignore format: one line per step
const ESCAPE: Code[] = [
  ...get(0), ...i32(1), ADD, ...get(1), GE_U, brIf('fail'),
  ...get(0), ...at(LOAD8, 1), ...set(N),
  ...is(N, c('u')),
  when(
    [
      ...get(0), ...i32(5), ADD, ...get(1), GE_U, brIf('fail'),
      ...i32(0), ...set(HEX),
      ...hexDigit(2), ...hexDigit(3), ...hexDigit(4), ...hexDigit(5),
      ...is(HEX, SENTINEL.charCodeAt(0)), brIf('fail'),
      ...i32(6), ...set(LEN),
    ],
    [...anyOf(N, '"\\/bfnrt'), EQZ, brIf('fail'), ...i32(2), ...set(LEN)],
  ),
];

/**
 * Up to 16 bytes of a string at once: those before the first quote, backslash, control character
 * or 0xEF (the first byte of SENTINEL raw), kept (and counted) unless the string is cut.
 */
// biome-ignore format: one line per step
const STRING_RUN: Code[] = [
  ...get(0), ...V128_LOAD, ...set(V),
  ...equal(QUOTES), ...equal(BACKSLASHES), ...V128_OR,
  ...get(V), ...get(CONTROLS), ...I8X16_LT_U, ...V128_OR,
  ...equal(EFS), ...V128_OR,
  ...I8X16_BITMASK, ...set(M),
  // how many: 16, or up to the first special byte
  ...get(M), ...i32(0x10000), OR, CTZ, ...set(N),
  ...get(DROPPED), EQZ,
  when([
    ...get(O), ...get(V), ...V128_STORE,
    ...get(O), ...get(N), ADD, ...set(O),
    // characters: the bytes that are not continuation bytes
    ...get(UNITS), ...get(N),
    ...get(V), ...get(TOPS), ...V128_AND, ...get(TAILS), ...I8X16_EQ, ...I8X16_BITMASK,
    ...i32(1), ...get(N), SHL, ...i32(1), SUB, AND, POPCNT, SUB, ADD, ...set(UNITS),
  ]),
  ...get(0), ...get(N), ADD, ...set(0),
];

/** A string, from its opening quote at i to past its closing one. */
// biome-ignore format: one line per step
const STRING: Code[] = [
  ...is(PREV, c(':')), ...set(VALUE),
  ...i32(ALL), ...set(LIMIT),
  ...get(VALUE),
  when([
    ...is(DEPTH, MESSAGE_DEPTH), ...is(KEY, CONTENT), AND,
    when([...get(USER), when([...i32(CONTENT_HEAD), ...set(LIMIT)], [...i32(0), ...set(LIMIT)])]),
    ...is(DEPTH, CALL_DEPTH), ...is(KEY, RESULT), AND, when([...i32(RESULT_HEAD), ...set(LIMIT)]),
    ...is(DEPTH, CALL_DEPTH), ...is(KEY, PARAMETERS), AND, when([...i32(0), ...set(LIMIT)]),
  ]),
  ...emit(i32(c('"'))),
  ...inc(0),
  ...get(O), ...set(START),
  ...i32(0), ...set(UNITS),
  ...i32(0), ...set(DROPPED),
  block('close', loop('chars',
    // 16 bytes at a time while none of them can reach the limit
    ...get(DROPPED), ...get(UNITS), ...i32(16), ADD, ...get(LIMIT), LE_U, OR,
    ...get(0), ...i32(16), ADD, ...get(1), LE_U, AND,
    when([...STRING_RUN, ...get(M), EQZ, brIf('chars')]),
    // then one character or escape
    ...get(0), ...get(1), GE_U, brIf('fail'),
    ...get(0), ...at(LOAD8), ...set(C),
    ...is(C, c('"')), brIf('close'),
    ...get(C), ...i32(0x20), LT_U, brIf('fail'),
    ...i32(1), ...set(LEN),
    ...is(C, c('\\')), when(ESCAPE),
    ...is(C, 0xef),
    when([
      ...get(0), ...i32(2), ADD, ...get(1), LT_U,
      when([
        ...get(0), ...at(LOAD8, 1), ...i32(0xb7), EQ,
        ...get(0), ...at(LOAD8, 2), ...i32(0x90), EQ, AND, brIf('fail'),
      ]),
    ]),
    // kept: up to LIMIT characters, and the rest of the last one's bytes
    ...get(DROPPED), EQZ,
    ...get(UNITS), ...get(LIMIT), LT_U, ...get(C), ...i32(0xc0), AND, ...i32(0x80), EQ, OR,
    AND,
    when(
      [
        ...i32(0), ...set(N),
        loop('copy',
          ...get(O), ...get(N), ADD, ...get(0), ...get(N), ADD, ...at(LOAD8), ...at(STORE8),
          ...get(N), ...i32(1), ADD, TEE, N, ...get(LEN), LT_U, brIf('copy'),
        ),
        ...get(O), ...get(LEN), ADD, ...set(O),
        ...get(C), ...i32(0xc0), AND, ...i32(0x80), NE, when(inc(UNITS)),
      ],
      [...i32(1), ...set(DROPPED)],
    ),
    ...get(0), ...get(LEN), ADD, ...set(0),
    br('chars'),
  )),
  ...get(O), ...set(STOP),
  // a cut string ends with SENTINEL, as an escape: the copy stays ASCII where the file is
  ...get(DROPPED),
  when([
    ...[...'\\ufdd0'].flatMap((ch, k) => [...get(O), ...i32(c(ch)), ...at(STORE8, k)]),
    ...inc(O, 6),
    ...inc(NCUTS),
  ]),
  ...emit(i32(c('"'))),
  ...inc(0),
  ...i32(c('"')), ...set(PREV),
  ...get(VALUE), ...is(KEY, ROLE), AND, ...is(DEPTH, MESSAGE_DEPTH), AND,
  when([
    ...get(STOP), ...get(START), SUB, ...i32(4), EQ,
    ...get(START), ...at(LOAD), ...i32(Number(word('user'))), EQ, AND, ...set(USER),
  ]),
];

/** White space between tokens, from i: skipped, 16 bytes at a time. */
// biome-ignore format: one line per step
const SPACE: Code[] = [
  block('spaced', loop('more',
    ...get(0), ...i32(16), ADD, ...get(1), LE_U,
    when(
      [
        ...get(0), ...V128_LOAD, ...set(V),
        ...equal(SPACES), ...equal(NEWLINES), ...V128_OR,
        ...i32(c('\r')), ...I8X16_SPLAT, ...get(V), ...I8X16_EQ, ...V128_OR,
        ...i32(c('\t')), ...I8X16_SPLAT, ...get(V), ...I8X16_EQ, ...V128_OR,
        ...I8X16_BITMASK, ...i32(-1), XOR, ...i32(0x10000), OR, CTZ, TEE, N,
        ...get(0), ADD, ...set(0),
        ...is(N, 16), brIf('more'),
        br('spaced'),
      ],
      [
        ...get(0), ...get(1), LT_U,
        when([
          ...get(0), ...at(LOAD8), ...set(C),
          ...anyOf(C, ' \n\r\t'), when([...inc(0), br('more')]),
        ]),
        br('spaced'),
      ],
    ),
  )),
  // none after a token that another must follow, else one
  ...is(PREV, 0), ...anyOf(PREV, '{[,: '), OR, EQZ,
  when([...emit(i32(c(' '))), ...i32(c(' ')), ...set(PREV)]),
];

/**
 * cut(in, end, out) -> the end of the copy of bytes [in, end) written at `out` (at most three
 * times as long, and 16 bytes more written past it), or -1 where the file is not for the fast
 * path; the number of strings cut at CUTS.
 */
// biome-ignore format: one line per step
const CUT = [
  ...[2, 17, I32, 9, V128],
  ...splat(c('"'), QUOTES), ...splat(c('\\'), BACKSLASHES), ...splat(0x20, CONTROLS),
  ...splat(0xef, EFS), ...splat(c(' '), SPACES), ...splat(c('\n'), NEWLINES),
  ...splat(0xc0, TOPS), ...splat(0x80, TAILS),
  ...get(2), ...set(O),
  ...assemble([
    block('fail',
      block('done', loop('top',
        ...get(0), ...get(1), GE_U, brIf('done'),
        ...get(0), ...at(LOAD8), ...set(C),
        ...anyOf(C, ' \n\r\t'), when([...SPACE, br('top')]),
        ...is(C, c('"')), when([...STRING, br('top')]),
        ...anyOf(C, '{['), when(inc(DEPTH)),
        ...anyOf(C, '}]'), when([...get(DEPTH), ...i32(1), SUB, ...set(DEPTH)]),
        ...is(C, c(':')), when(KEY_KIND),
        ...emit(get(C)),
        ...inc(0),
        ...get(C), ...set(PREV),
        br('top'),
      )),
      ...i32(CUTS), ...get(NCUTS), ...at(STORE),
      ...get(O), RETURN,
    ),
  ]),
  ...i32(-1),
  0x0b,
];

let compiled: object | undefined;

/** A session's index fields, or the file's text where the fast path does not answer. */
export type Fields = { session: Session; text?: undefined } | { session?: undefined; text: string };
export type FileFields = Fields & { size: number; mtimeMs: number };

/** The fast path of one thread: its memory, and the loop over it. */
export class FieldReader {
  private readonly memory: Memory;
  private readonly cut: (from: number, end: number, out: number) => number;
  private bytes: Buffer;

  constructor() {
    if (wasm === undefined) throw new Error('no WebAssembly in this process');
    compiled ??= new wasm.Module(
      moduleBytes([{ name: 'cut', params: [I32, I32, I32], results: [I32], body: assemble(CUT) }]),
    );
    this.memory = new wasm.Memory({ initial: 1 });
    this.cut = new wasm.Instance(compiled, { m: { m: this.memory } }).exports
      .cut as typeof this.cut;
    this.bytes = Buffer.from(this.memory.buffer);
  }

  /** The file at `path` (a regular file, not followed if a symlink), read into the memory. */
  readFile(path: string): FileFields {
    let big = false;
    const { got, size, mtimeMs } = readRegularIntoSync(path, (length) => {
      big = length > FAST_LIMIT;
      return big ? undefined : this.room(length).subarray(INPUT, INPUT + length);
    });
    if (big) return readRegularTextSync(path);
    return { ...this.fromMemory(got), size, mtimeMs };
  }

  /** What readFile gives for a file of these bytes. */
  fromBytes(bytes: Uint8Array): Fields {
    this.room(bytes.length).set(bytes, INPUT);
    return this.fromMemory(bytes.length);
  }

  private fromMemory(length: number): Fields {
    const session = this.fields(length);
    if (session !== undefined) return { session };
    return { text: this.bytes.toString('utf8', INPUT, INPUT + length) };
  }

  /** The index fields of the `length` bytes at INPUT, or undefined. */
  private fields(length: number): Session | undefined {
    const out = outAt(length);
    const end = this.cut(INPUT, INPUT + length, out);
    if (end < 0) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(this.bytes.toString('utf8', out, end));
    } catch {
      return undefined;
    }
    if (!isSession(raw)) return undefined;
    return cutsWhereExpected(raw, this.bytes.readUInt32LE(CUTS)) ? raw : undefined;
  }

  /** The memory, grown to hold a file of `length` bytes and its copy: a view of all of it. */
  private room(length: number): Buffer {
    const need = outAt(length) + 3 * length + SLACK;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      this.memory.grow(Math.ceil((need - have) / PAGE));
      this.bytes = Buffer.from(this.memory.buffer);
    }
    return this.bytes;
  }
}

/** Where the copy of a file of `length` bytes starts. */
const outAt = (length: number) => (INPUT + length + SLACK + 7) & ~7;

/**
 * Whether the strings cut (each ends with SENTINEL) are exactly `cuts` strings in the places they
 * may be, with what the index reads of them kept; SENTINEL is taken off them.
 */
function cutsWhereExpected(s: Session, cuts: number): boolean {
  let found = 0;
  for (const m of s.messages) {
    if (typeof m.content === 'string' && m.content.endsWith(SENTINEL)) {
      m.content = m.content.slice(0, -1);
      if (m.role === 'user' && m.content.length < CONTENT_HEAD) return false;
      found++;
    }
    for (const call of m.toolCalls ?? []) {
      const result = call.result;
      if (typeof result === 'string' && result.endsWith(SENTINEL)) {
        call.result = result.slice(0, -1);
        if (result.length <= RESULT_HEAD) return false;
        found++;
      }
      if (typeof call.parameters === 'string' && call.parameters.endsWith(SENTINEL)) {
        call.parameters = '';
        found++;
      }
    }
  }
  return found === cuts;
}

/** The fast path of this thread, or undefined in a process without WebAssembly. */
export function newFieldReader(): FieldReader | undefined {
  return wasm === undefined ? undefined : new FieldReader();
}
