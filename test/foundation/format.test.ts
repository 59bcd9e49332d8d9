import { describe, expect, it } from 'vitest';
import { formatInt } from '../../src/render/format.js';

describe('formatInt', () => {
  it('groups thousands exactly as the en-US locale does', () => {
    const values = [0, 1, -1, 12, 999, 1000, -1000, 1234.5, 999_999.6, 1_000_000, 70_529_069_272];
    for (let e = 0; e < 25; e++) values.push(10 ** e, 10 ** e - 1, -(10 ** e) + 7, 2 ** (e * 2));
    values.push(Number.MAX_SAFE_INTEGER, 1.5e21, -3e23);
    for (const n of values)
      expect(formatInt(n), String(n)).toBe(Math.round(n).toLocaleString('en-US'));
  });

  it('never shows a negative zero', () => {
    expect(formatInt(-0.4)).toBe('0');
  });

  it('shows what cannot be rounded as the locale does', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(formatInt(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
