/**
 * Writing small WebAssembly modules instruction by instruction, so no compiler is needed to
 * build them: the opcodes used here (WebAssembly core specification, section 5.4; SIMD, 5.4.8)
 * and the encodings of numbers, names and sections (section 5.5).
 */

export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const IF = [0x04, 0x40];
export const ELSE = 0x05;
export const END = 0x0b;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const RETURN = 0x0f;
export const CALL = 0x10;
export const SELECT = 0x1b;
export const GET = 0x20;
export const SET = 0x21;
export const TEE = 0x22;
export const LOAD = [0x28, 2];
export const LOAD64 = [0x29, 3];
export const LOAD8 = [0x2d, 0];
export const STORE = [0x36, 2];
export const STORE64 = [0x37, 3];
export const STORE8 = [0x3a, 0];
export const EQZ = 0x45;
export const EQ = 0x46;
export const NE = 0x47;
export const LT_S = 0x48;
export const LT_U = 0x49;
export const GT_U = 0x4b;
export const GE_U = 0x4f;
export const EQ64 = 0x51;
export const CTZ = 0x68;
export const ADD = 0x6a;
export const SUB = 0x6b;
export const MUL = 0x6c;
export const AND = 0x71;
export const OR = 0x72;
export const XOR = 0x73;
export const SHL = 0x74;
export const SHR_U = 0x76;
export const ADD64 = 0x7c;
export const I64_MUL = 0x7e;
export const AND64 = 0x83;
export const OR64 = 0x84;
export const XOR64 = 0x85;
export const SHR_U64 = 0x88;
export const F64_FLOOR = 0x9c;
export const F64_MUL = 0xa2;
export const I32_FROM_I64 = 0xa7;
export const TRUNC_F64_U = 0xab;
export const I64_FROM_U32 = 0xad;
export const F64_FROM_U32 = 0xb8;
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;
/** memory.copy within memory 0 (bulk memory, section 5.4.6): dst, src, length. */
export const MEMORY_COPY = [0xfc, 10, 0, 0];

/** Unsigned LEB128. */
export function leb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit value. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A 64-bit constant: signed LEB128 of its two's complement value. */
export function i64(n: bigint): number[] {
  const out: number[] = [0x42];
  let v = BigInt.asIntN(64, n);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const i32 = (n: number) => [0x41, ...sleb(n)];
export const f64 = (n: number) => [0x44, ...new Uint8Array(new Float64Array([n]).buffer)];
export const get = (l: number) => [GET, l];
export const set = (l: number) => [SET, l];
/** A load or store at `offset` bytes past the address. */
export const at = (op: number[], offset = 0) => [...op, ...leb(offset)];

/** SIMD opcodes: the 0xfd prefix, then the opcode as LEB128. */
const simd = (op: number) => [0xfd, ...leb(op)];
export const V128_LOAD = [...simd(0x00), 0, 0];
export const I8X16_SPLAT = simd(0x0f);
export const I8X16_EQ = simd(0x23);
export const I8X16_LT_U = simd(0x26);
export const V128_AND = simd(0x4e);
export const V128_OR = simd(0x50);
export const I8X16_BITMASK = simd(0x64);

export function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

export const name = (s: string) => [...leb(s.length), ...Buffer.from(s, 'latin1')];

/** A function of a module: its parameters' and results' types, its body (locals, then code). */
export interface WasmFunction {
  params: number[];
  results: number[];
  body: number[];
  /** The name it is exported under, if it is. */
  exported?: string;
}

/**
 * The bytes of a module of `functions` (a call names one by its place in the list), over a
 * memory imported as m.m (a page at least): each function with a type of its own (the format
 * allows the same type twice), exported where named.
 */
export function moduleOf(functions: readonly WasmFunction[]): Uint8Array {
  const n = leb(functions.length);
  const exported = functions.flatMap((f, i) =>
    f.exported === undefined ? [] : [[...name(f.exported), 0x00, ...leb(i)]],
  );
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      ...n,
      ...functions.flatMap((f) => [
        0x60,
        f.params.length,
        ...f.params,
        f.results.length,
        ...f.results,
      ]),
    ]),
    ...section(2, [1, ...name('m'), ...name('m'), 0x02, 0x00, ...leb(1)]),
    ...section(3, [...n, ...functions.flatMap((_, i) => leb(i))]),
    ...section(7, [...leb(exported.length), ...exported.flat()]),
    ...section(10, [...n, ...functions.flatMap((f) => [...leb(f.body.length), ...f.body])]),
  ]);
}

/** What is used here of the WebAssembly API (the DOM's typings, which have it, are not loaded). */
export interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (limits: { initial: number }) => Memory;
  Instance: new (
    module: object,
    imports: { m: { m: Memory } },
  ) => { exports: Record<string, unknown> };
}
/** WebAssembly where this process has it (not under `node --jitless`). */
export const wasm = (globalThis as unknown as { WebAssembly?: Wasm }).WebAssembly;

export const PAGE = 1 << 16;

/**
 * The module `bytes()` makes, compiled once a thread when first asked for; undefined where there
 * is no WebAssembly (`node --jitless`) or it refuses the module (its SIMD instructions).
 */
export function compiledOnce(bytes: () => Uint8Array): () => object | undefined {
  let module: object | null | undefined;
  return () => {
    if (module === undefined) {
      try {
        module = wasm === undefined ? null : new wasm.Module(bytes());
      } catch {
        module = null;
      }
    }
    return module ?? undefined;
  };
}

/** An instance of a module over a memory of its own (imported as m.m), and a view of it all. */
export class OwnMemory {
  readonly exports: Record<string, unknown>;
  private readonly memory: Memory;
  /** The whole memory: a new view once it grows. */
  view: Buffer;

  constructor(module: object, pages: number) {
    const w = wasm as Wasm;
    this.memory = new w.Memory({ initial: pages });
    this.exports = new w.Instance(module, { m: { m: this.memory } }).exports;
    this.view = Buffer.from(this.memory.buffer);
  }

  /** Whether `bytes` are in this memory. */
  holds(bytes: Uint8Array): boolean {
    return bytes.buffer === this.memory.buffer;
  }

  /** Grows the memory to `bytes` bytes at least; false where it cannot grow so far. */
  reserve(bytes: number): boolean {
    if (bytes <= this.view.length) return true;
    try {
      this.memory.grow(Math.ceil((bytes - this.view.length) / PAGE));
    } catch {
      return false;
    }
    this.view = Buffer.from(this.memory.buffer);
    return true;
  }
}
