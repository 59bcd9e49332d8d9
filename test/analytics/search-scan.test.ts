/**
 * The loops of the search index, in WebAssembly and in JavaScript (for a process without
 * WebAssembly), give what the plain definitions give: A-Z lowered and nothing else, every
 * distinct trigram key once in the order met, the same Bloom bits as the formula
 * search-files.sql checks (mayHold), on every byte value and row length.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GramSet, mayHold, needleGrams, signature } from '../../src/analytics/search-grams.js';
import {
  NeedleFinder,
  needleProbes,
  PlainScanner,
  Scanner,
} from '../../src/analytics/search-scan.js';
import { StoreWriter } from '../../src/analytics/search-store.js';
import { random } from '../helpers.js';

function bytesOf(r: () => number, n: number, alphabet?: readonly number[]): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = alphabet ? (alphabet[Math.floor(r() * alphabet.length)] as number) : (r() * 256) | 0;
  }
  return out;
}

/** The keys of rows [0, ends[0]), [ends[0], ends[1]) ... in the order first met. */
function plainKeys(text: Uint8Array, ends: readonly number[]): number[] {
  const keys: number[] = [];
  const seen = new Set<number>();
  let start = 0;
  for (const end of ends) {
    for (let i = start + 2; i < end; i++) {
      const key =
        ((text[i - 2] as number) << 16) | ((text[i - 1] as number) << 8) | (text[i] as number);
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
    start = end;
  }
  return keys;
}

function plainSignature(keys: readonly number[]): Uint8Array {
  const out = new Uint8Array(Math.max(64, Math.ceil((keys.length * 10) / 8)));
  const bits = out.length * 8;
  for (const key of keys) {
    const p = Math.floor(((Math.imul(key, 0x9e3779b1) >>> 0) / 4294967296) * bits);
    const q = Math.floor(((Math.imul(key ^ (key >>> 11), 0x7feb352d) >>> 0) / 4294967296) * bits);
    out[p >>> 3] = (out[p >>> 3] as number) | (1 << (p & 7));
    out[q >>> 3] = (out[q >>> 3] as number) | (1 << (q & 7));
  }
  return out;
}

const scanners = [
  ['WebAssembly', () => new Scanner()],
  ['JavaScript', () => new PlainScanner()],
] as const;

describe.each(scanners)('the trigram loops in %s', (_, scanner) => {
  test('A-Z are lowered in place, every other byte is left as it is, at any length', () => {
    const r = random(3);
    const set = new GramSet(scanner());
    for (const n of [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 255, 256, 4099]) {
      const text = bytesOf(r, n);
      if (n >= 256) for (let b = 0; b < 256; b++) text[b] = b;
      const want = text.map((b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b));
      set.clear();
      set.lowerAndAddRows(text, Uint32Array.of(n));
      expect(text).toEqual(want);
    }
  });

  test('each distinct key of each row once, in the order met, none across rows', () => {
    const r = random(5);
    const set = new GramSet(scanner());
    for (const alphabet of [undefined, [0x61, 0x62, 0x20], [0x41, 0x61, 0xc3, 0xa9, 0x00]]) {
      for (let round = 0; round < 20; round++) {
        const ends: number[] = [];
        let at = 0;
        for (let row = 0; row < 1 + Math.floor(r() * 6); row++) {
          at += Math.floor(r() * 300);
          ends.push(at);
        }
        const text = bytesOf(r, at, alphabet);
        set.clear();
        set.lowerAndAddRows(text, Uint32Array.from(ends));
        // text is lowered now: the keys are those of the lowered bytes
        const want = plainKeys(text, ends);
        expect([...set.keys.subarray(0, set.size)]).toEqual(want);
        expect(signature(set)).toEqual(plainSignature(want));
        for (const key of want) expect(mayHold(signature(set), [key])).toBe(true);
        // exactly the keys met are held, none else
        expect(set.holdsAll(want)).toBe(true);
        for (let k = 0; k < 50; k++) {
          const key = (r() * 2 ** 24) | 0;
          expect(set.holdsAll([want[0] ?? key, key])).toBe(want.includes(key));
        }
      }
    }
  });

  test('rows of every length up to 19, one after another, and each alone', () => {
    const r = random(11);
    const set = new GramSet(scanner());
    for (const alphabet of [undefined, [0x61, 0x62, 0x20]]) {
      const ends: number[] = [];
      let at = 0;
      for (let n = 0; n < 20; n++) {
        at += n;
        ends.push(at);
      }
      const text = bytesOf(r, at, alphabet);
      set.clear();
      set.lowerAndAddRows(text, Uint32Array.from(ends));
      expect([...set.keys.subarray(0, set.size)]).toEqual(plainKeys(text, ends));
      let start = 0;
      for (const end of ends) {
        const row = text.slice(start, end);
        set.clear();
        set.lowerAndAddRows(row, Uint32Array.of(row.length));
        expect([...set.keys.subarray(0, set.size)]).toEqual(plainKeys(row, [row.length]));
        start = end;
      }
    }
  });

  test('a signature of 2^21 bits or more has the bits of the formula too', () => {
    const set = new GramSet(scanner());
    const text = bytesOf(random(17), 400_000);
    set.lowerAndAddRows(text, Uint32Array.of(text.length));
    const want = plainKeys(text, [text.length]);
    expect(want.length * 10).toBeGreaterThan(2 ** 21);
    // compared whole: a diff of half a megabyte would take the test runner minutes to print
    expect(Buffer.from(signature(set)).equals(plainSignature(want))).toBe(true);
  });

  test('a set cleared holds no key of the session before, and grows past any size', () => {
    const set = new GramSet(scanner());
    const r = random(9);
    const text = bytesOf(r, 200_000);
    set.lowerAndAddRows(text, Uint32Array.of(text.length));
    const keys = plainKeys(text, [text.length]);
    expect(set.size).toBe(keys.length);
    expect(set.size).toBeGreaterThan(4096);
    set.clear();
    expect(set.size).toBe(0);
    expect(keys.some((k) => set.holdsAll([k]))).toBe(false);
    const small = new TextEncoder().encode('abcd');
    set.lowerAndAddRows(small, Uint32Array.of(4));
    expect([...set.keys.subarray(0, set.size)]).toEqual([0x616263, 0x626364]);
  });
});

describe('the trigram loops', () => {
  test("records written in the scanner's memory are those of a buffer of their own, as it grows", () => {
    const r = random(13);
    const dirs = [
      mkdtempSync(join(tmpdir(), 'grok-store-')),
      mkdtempSync(join(tmpdir(), 'grok-store-')),
    ];
    try {
      const inPlace = new GramSet(new Scanner());
      const copied = new GramSet(new Scanner());
      const writers = [new StoreWriter(inPlace.textBuffer), new StoreWriter()];
      const sets = [inPlace, copied];
      expect(inPlace.textBuffer).toBeDefined();
      // records of up to 3 MB: the 4 MB the writer starts with grows
      for (let record = 0; record < 12; record++) {
        const rows = Array.from({ length: 1 + Math.floor(r() * 5) }, () =>
          Buffer.from(
            bytesOf(r, Math.floor(r() * 600_000), [0x41, 0x62, 0x20, 0x5a, 0x7a]),
          ).toString('latin1'),
        );
        const found = writers.map((out, w) => {
          out.begin(rows.length);
          rows.forEach((row, i) => {
            out.write(row);
            out.endRow(record, i);
          });
          const stored = out.end();
          const set = sets[w] as GramSet;
          set.clear();
          set.lowerAndAddRows(stored.text, stored.ends);
          return { keys: [...set.keys.subarray(0, set.size)], text: Buffer.from(stored.text) };
        });
        expect(found[0]?.keys).toEqual(found[1]?.keys);
        expect(found[0]?.text.equals(found[1]?.text as Buffer)).toBe(true);
      }
      for (const [w, out] of writers.entries()) out.flush(dirs[w] as string);
      const [a, b] = dirs.map((dir) => readFileSync(join(dir, readdirSync(dir)[0] as string)));
      expect((a as Buffer).length).toBeGreaterThan(8 << 20);
      expect((a as Buffer).equals(b as Buffer)).toBe(true);
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a needle's keys are its trigrams; none under three bytes", () => {
    expect(needleGrams(new TextEncoder().encode('ab'))).toEqual([]);
    expect(needleGrams(new TextEncoder().encode('abab'))).toEqual([0x616261, 0x626162]);
    // the set is the needle's alone, whatever was asked before
    expect(needleGrams(new TextEncoder().encode('xyz'))).toEqual([0x78797a]);
  });
});

describe("the stored records' byte search (NeedleFinder)", () => {
  const finder = NeedleFinder.make() as NeedleFinder;

  /** Every occurrence from every start, the finder's answer against Buffer.indexOf's. */
  function agrees(text: Uint8Array, needle: Uint8Array): void {
    const buf = finder.buffer(text.length) as Buffer;
    buf.set(text);
    const plain = Buffer.from(text);
    for (let from = 0; from <= text.length + 1; from++) {
      const want = plain.indexOf(needle, from);
      const got = finder.indexOf(buf, needle, from);
      if (got !== want) throw new Error(`from ${from}: ${got}, Buffer.indexOf ${want}`);
    }
  }

  test('runs in WebAssembly here (else the tests below would test Buffer.indexOf itself)', () => {
    expect(finder).toBeInstanceOf(NeedleFinder);
    const buf = finder.buffer(64) as Buffer;
    buf.fill(0x61);
    buf.set([0x78, 0x79, 0x7a], 40);
    expect(finder.indexOf(buf, Buffer.from('xyz'), 0)).toBe(40);
    // text of its own goes to Buffer.indexOf: the same answer
    expect(finder.indexOf(Buffer.from(buf), Buffer.from('xyz'), 0)).toBe(40);
  });

  test('finds what Buffer.indexOf finds: every needle length 1-40, every text length 0-80, every start', () => {
    const r = random(23);
    for (let n = 1; n <= 40; n++) {
      for (let len = 0; len <= 80; len++) {
        // two letters: the needle's first and last bytes are met at most positions
        const text = bytesOf(r, len, [0x61, 0x62]);
        const needle =
          len >= n && r() < 0.7
            ? text.slice(Math.floor(r() * (len - n + 1))).subarray(0, n)
            : bytesOf(r, n, [0x61, 0x62]);
        agrees(text, needle);
      }
    }
  });

  test('compares first two of the needle rarest bytes, wherever they are in it, and still finds what Buffer.indexOf finds', () => {
    const r = random(27);
    // a common letter and the space around two rare bytes: the rare ones fall inside the needle
    const alphabet = [0x65, 0x65, 0x20, 0x28, 0x5f];
    let inside = 0;
    for (let round = 0; round < 400; round++) {
      const text = bytesOf(r, Math.floor(r() * 120), alphabet);
      const n = 1 + Math.floor(r() * 12);
      const needle =
        text.length >= n && r() < 0.7
          ? text.slice(Math.floor(r() * (text.length - n + 1))).subarray(0, n)
          : bytesOf(r, n, alphabet);
      const [a, b] = needleProbes(needle);
      expect(a).toBeLessThanOrEqual(b);
      expect(b).toBeLessThan(n);
      if (n > 1) expect(a).toBeLessThan(b);
      if (new Set(needle).size > 1) expect(needle[a]).not.toBe(needle[b]);
      if (a > 0 && b < n - 1) inside++;
      agrees(text, needle);
    }
    expect(inside).toBeGreaterThan(50);
  });

  test('on every byte value, at either end of the text and across 16-byte turns', () => {
    const r = random(24);
    for (let round = 0; round < 300; round++) {
      const text = bytesOf(r, Math.floor(r() * 200));
      const n = 1 + Math.floor(r() * 24);
      const at = Math.floor(r() * Math.max(1, text.length - n + 1));
      const needle = text.length >= n ? text.slice(at, at + n) : bytesOf(r, n);
      // near misses: the needle's first and last bytes with another byte between
      if (n > 2 && text.length > at + n + 20) {
        text.set(needle, at + n + 3);
        text[at + n + 3 + Math.floor(n / 2)] = (needle[Math.floor(n / 2)] as number) ^ 0x80;
      }
      agrees(text, needle);
      agrees(text, needle.subarray(0, 1));
    }
    // the needle alone, and at the very end after a long text
    const needle = Buffer.from('auth middleware');
    agrees(needle, needle);
    const long = Buffer.alloc(1000, 0x20);
    needle.copy(long, long.length - needle.length);
    agrees(long, needle);
  });

  test('a record larger than its memory makes it grow, and is searched whole', () => {
    const r = random(26);
    const text = bytesOf(r, 9 << 20, [0x61, 0x62, 0x20]);
    const needle = Buffer.from('needle at the end');
    text.set(needle, text.length - needle.length);
    const buf = finder.buffer(text.length) as Buffer;
    expect(buf.length).toBe(text.length);
    buf.set(text);
    expect(finder.indexOf(buf, needle, 0)).toBe(text.length - needle.length);
    expect(finder.indexOf(buf, needle, text.length - needle.length + 1)).toBe(-1);
    // a smaller record after it is read into the grown memory, from its start
    const small = finder.buffer(5) as Buffer;
    small.set(Buffer.from('xneed'));
    expect(finder.indexOf(small, Buffer.from('need'), 0)).toBe(1);
  });

  test('a needle longer than a page goes to Buffer.indexOf, and gives its answer', () => {
    const r = random(25);
    const text = bytesOf(r, 200_000, [0x61, 0x62]);
    const needle = text.slice(150_000, 150_000 + 70_000);
    const buf = finder.buffer(text.length) as Buffer;
    buf.set(text);
    expect(finder.indexOf(buf, needle, 0)).toBe(Buffer.from(text).indexOf(needle));
  });
});
