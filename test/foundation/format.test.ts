import { describe, expect, it } from 'vitest';
import { formatInt, printable } from '../../src/render/format.js';

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

describe('printable', () => {
  const clipboard = '\u001b]52;c;ZXZpbA==\u0007'; // OSC 52: write the clipboard
  const cursor = '\u001b[2J\u001b[H'; // clear the screen, cursor home

  it('shows control characters as symbols: no escape sequence reaches the terminal', () => {
    expect(printable(`a${clipboard}b`)).toBe('a␛]52;c;ZXZpbA==␇b');
    expect(printable(`x${cursor}y`)).toBe('x␛[2J␛[Hy');
    expect(printable('over\rwrite\u007f\u009b')).toBe('over␍write␡\ufffd');
    // tab and newline stay; a Windows line end is a newline
    expect(printable('a\tb\r\nc\n')).toBe('a\tb\nc\n');
  });

  it('keeps the colour codes grok writes when asked, and only those', () => {
    const red = '\u001b[31mred\u001b[39m';
    expect(printable(`${red}${cursor}`, true)).toBe(`${red}␛[2J␛[H`);
    expect(printable(red)).toBe('␛[31mred␛[39m');
    // a code grok never writes (8: hide the text) is shown, not obeyed
    expect(printable('a\u001b[8mhidden\u001b[28m', true)).toBe('a␛[8mhidden␛[28m');
  });
});
