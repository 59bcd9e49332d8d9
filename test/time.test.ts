import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import {
  asSessionTime,
  isSessionTime,
  parseDateArg,
  parseDuration,
  parseMonth,
  parsePositiveInt,
  parseSince,
  parseUntil,
} from '../src/time.js';

describe('dates and durations', () => {
  it('reads a date as a whole UTC day', () => {
    expect(parseSince('2025-11-05').toISOString()).toBe('2025-11-05T00:00:00.000Z');
    expect(parseUntil('2025-11-05').toISOString()).toBe('2025-11-06T00:00:00.000Z');
    // on or before the instant: a session started at it is in
    expect(parseUntil('2025-11-05T10:00:00Z').toISOString()).toBe('2025-11-05T10:00:00.001Z');
  });

  it("reads a date-time without a zone as UTC, whatever the machine's zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(parseSince('2025-11-01T10:00:00').toISOString()).toBe('2025-11-01T10:00:00.000Z');
      expect(parseSince('2025-11-01T10:00:00+02:00').toISOString()).toBe(
        '2025-11-01T08:00:00.000Z',
      );
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('takes as a session time an ISO date-time with its zone, of a four-digit year', () => {
    for (const good of ['2025-11-05T14:30:12.000Z', '2025-11-05T14:30:12+01:00', '2025-11-05']) {
      expect(isSessionTime(good), good).toBe(true);
    }
    // local time on each machine; a year DuckDB cannot hold; not a time at all
    for (const bad of [
      '2025-11-05T14:30:12',
      '12025-12-18',
      '+012025-12-18T00:00:00Z',
      '2025-02-30T10:00:00Z',
      'soon',
      5,
    ]) {
      expect(isSessionTime(bad), String(bad)).toBe(false);
    }
  });

  it('takes a runtime-shaped time exactly when Date.parse reads it on a day of the calendar', () => {
    // the shape the runtime writes has a quick check of its own: the same answers as the rule
    const onCalendar = (y: number, m: number, d: number) => {
      const date = new Date(0);
      date.setUTCFullYear(y, m - 1, d);
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    };
    const two = (n: number) => String(n).padStart(2, '0');
    let checked = 0;
    for (const year of ['0000', '0001', '1900', '1970', '2000', '2023', '2024', '2100', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (const day of [0, 1, 28, 29, 30, 31, 32, 99]) {
          for (const [h, m, s] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [12, 60, 0],
            [12, 0, 60],
            [99, 99, 99],
          ]) {
            const v = `${year}-${two(month)}-${two(day)}T${two(h as number)}:${two(m as number)}:${two(s as number)}.123Z`;
            const expected = !Number.isNaN(Date.parse(v)) && onCalendar(Number(year), month, day);
            expect(isSessionTime(v), v).toBe(expected);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('repair keeps a time written without its zone, as UTC', () => {
    expect(asSessionTime('2025-11-05T14:30:12')).toBe('2025-11-05T14:30:12Z');
    expect(asSessionTime('2025-11-05T14:30:12.5+01:00')).toBe('2025-11-05T14:30:12.5+01:00');
    expect(asSessionTime('2025-02-30T10:00:00')).toBeUndefined();
    expect(asSessionTime('soon')).toBeUndefined();
  });

  it('refuses dates that do not exist or are not dates', () => {
    expect(() => parseDateArg('2025-02-30', '--since')).toThrow(
      "--since: '2025-02-30' is not a calendar date",
    );
    expect(() => parseDateArg('yesterday', '--since')).toThrow(UsageError);
  });

  it('gives month bounds from the first millisecond to the next month', () => {
    const { start, end } = parseMonth('2025-12');
    expect(start.toISOString()).toBe('2025-12-01T00:00:00.000Z');
    expect(end.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(() => parseMonth('2025-13')).toThrow(UsageError);
    expect(() => parseMonth('2025-1')).toThrow(UsageError);
  });

  it('parses durations and refuses zero, negative and malformed ones', () => {
    expect(parseDuration('30d', '--older-than')).toBe(30 * 86_400_000);
    expect(parseDuration('12h', '--older-than')).toBe(12 * 3_600_000);
    expect(parseDuration('2w', '--older-than')).toBe(14 * 86_400_000);
    expect(parseDuration('1y', '--older-than')).toBe(365 * 86_400_000);
    expect(parseDuration('3mo', '--older-than')).toBe(90 * 86_400_000);
    expect(parseDuration('90min', '--older-than')).toBe(90 * 60_000);
    // "1m": a month to some, a minute to others; neither is guessed
    expect(() => parseDuration('1m', '--older-than')).toThrow(
      "--older-than: '1m' is ambiguous: write 1min for minutes or 1mo for months",
    );
    for (const bad of ['0d', '-3d', '30', 'd', '1.5d', 'soon', '', '1M', '30s', '2mon']) {
      expect(() => parseDuration(bad, '--older-than'), bad).toThrow(UsageError);
    }
  });

  it('parses positive integers', () => {
    expect(parsePositiveInt('10', '--limit')).toBe(10);
    expect(() => parsePositiveInt('0', '--limit')).toThrow(
      "--limit: '0' is not a positive whole number",
    );
    expect(() => parsePositiveInt('abc', '--limit')).toThrow(UsageError);
  });
});
