/**
 * A later search reads the store's records in runs (many records in one read) and finds the rows
 * holding the needle inside each record without unpacking its header first (rowsInRecord): the
 * rows are those rowsHolding finds over the record as the writer made it, and a record that is
 * not whole is refused, so that its session is read from its file.
 */
import { describe, expect, test } from 'vitest';
import { NeedleFinder } from '../../src/analytics/search-scan.js';
import {
  type IndexOf,
  rowsHolding,
  rowsInRecord,
  type StoredRows,
  StoreWriter,
} from '../../src/analytics/search-store.js';
import { random } from '../helpers.js';

const ALPHABET = 'ab \u00e9';

function text(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

/** Records of random rows (empty ones among them) one after another, as a store file holds them. */
function records(
  r: () => number,
  count: number,
): { bytes: Buffer; made: StoredRows[]; at: number[] } {
  const w = new StoreWriter();
  const made: StoredRows[] = [];
  const at: number[] = [];
  for (let k = 0; k < count; k++) {
    at.push(w.at);
    const rows = Math.floor(r() * 6);
    w.begin(rows);
    for (let i = 0; i < rows; i++) {
      w.write(text(r, Math.floor(r() * 30)));
      w.endRow(i * 3 + 1, r() < 0.5 ? -1 : i);
    }
    const ended = w.end();
    // end() gives a view of the writer's buffer, which the next record may move
    made.push({ ...ended, text: Uint8Array.from(ended.text) });
  }
  at.push(w.at);
  return { bytes: Buffer.from(w.buf.subarray(0, w.at)), made, at };
}

const NEEDLES = ['a', 'ab', 'b a', 'ba', 'aab', '\u00e9a', 'a b a', 'bbbb', 'zz'].map((n) =>
  Buffer.from(n),
);

const finder = NeedleFinder.make() as NeedleFinder;

const ways: [string, (bytes: Buffer) => [Uint8Array, IndexOf | undefined]][] = [
  ['Buffer.indexOf', (bytes) => [bytes, undefined]],
  [
    'the finder, in its memory',
    (bytes) => {
      const buf = finder.buffer(bytes.length) as Buffer;
      buf.set(bytes);
      return [buf, (t, n, from) => finder.indexOf(t, n, from)];
    },
  ],
];

describe.each(ways)('rows found in records read together, by %s', (_, into) => {
  test('each record gives the rows rowsHolding finds in it', () => {
    const { bytes, made, at } = records(random(31), 300);
    const [buf, indexOf] = into(bytes);
    let found = 0;
    for (const needle of NEEDLES) {
      for (let k = 0; k < made.length; k++) {
        const start = at[k] as number;
        const length = (at[k + 1] as number) - start;
        const want = rowsHolding(made[k] as StoredRows, needle);
        expect(rowsInRecord(buf, start, length, needle, indexOf)).toEqual(want);
        found += want.length;
      }
    }
    expect(found).toBeGreaterThan(1000);
  });

  test('a record cut anywhere, or with its rows out of order, is refused', () => {
    const { bytes, made, at } = records(random(32), 40);
    const needle = Buffer.from('a');
    for (let k = 0; k < made.length; k++) {
      const start = at[k] as number;
      const length = (at[k + 1] as number) - start;
      const rows = (made[k] as StoredRows).ends.length;
      const [buf, indexOf] = into(bytes);
      for (let cut = 0; cut < length; cut++) {
        expect(
          rowsInRecord(buf, start, cut, needle, indexOf),
          `${k} cut at ${cut}`,
        ).toBeUndefined();
      }
      // a row's end moved past the next one's, past the text, or the count made larger
      for (let i = 0; i < rows; i++) {
        const bad = Buffer.from(bytes);
        bad.writeUInt32LE(
          bad.readUInt32LE(start + 4 + (rows - 1) * 12 + 8) + 1,
          start + 4 + i * 12 + 8,
        );
        const [b, f] = into(bad);
        expect(rowsInRecord(b, start, length, needle, f), `${k} row ${i}`).toBeUndefined();
      }
      const more = Buffer.from(bytes);
      more.writeUInt32LE(rows + 1, start);
      const [m, f] = into(more);
      expect(rowsInRecord(m, start, length, needle, f)).toBeUndefined();
    }
  });
});
