import { describe, expect, test } from 'vitest';
import {
  dayKey,
  monthRange,
  selectionFrom,
  zonedWallTimeToUtc,
  zoneOffsetMs,
} from '../../src/analytics/period.js';
import { UsageError } from '../../src/errors.js';

const ms = (iso: string) => Date.parse(iso);

describe('month boundaries', () => {
  test('UTC: from the first millisecond to the first millisecond of the next month', () => {
    const r = monthRange('2025-11');
    expect(r.start).toBe(ms('2025-11-01T00:00:00.000Z'));
    expect(r.end).toBe(ms('2025-12-01T00:00:00.000Z'));
    // last millisecond of November is inside, first of December is not (end is exclusive)
    expect(ms('2025-11-30T23:59:59.999Z')).toBeLessThan(r.end);
  });

  test('December rolls over into the next year', () => {
    expect(monthRange('2025-12').end).toBe(ms('2026-01-01T00:00:00.000Z'));
  });

  test('with a zone, the month is the local month (DST change inside it)', () => {
    // New York: EDT (-4) on Nov 1, EST (-5) from Nov 2 2025
    const ny = monthRange('2025-11', 'America/New_York');
    expect(ny.start).toBe(ms('2025-11-01T04:00:00.000Z'));
    expect(ny.end).toBe(ms('2025-12-01T05:00:00.000Z'));
    const tokyo = monthRange('2025-11', 'Asia/Tokyo');
    expect(tokyo.start).toBe(ms('2025-10-31T15:00:00.000Z'));
    expect(tokyo.end).toBe(ms('2025-11-30T15:00:00.000Z'));
  });

  test('a month starts where --by month starts it, even when a clock change skips midnight', () => {
    // Asuncion, 1 Oct 2023: 00:00 (UTC-4) became 01:00 (UTC-3); October began at 04:00Z
    expect(monthRange('2023-10', 'America/Asuncion').start).toBe(ms('2023-10-01T04:00:00.000Z'));
    // a time inside a gap that does not start at it: New York, 10 Mar 2024, 02:00 became 03:00
    expect(zonedWallTimeToUtc(ms('2024-03-10T02:30:00Z'), 'America/New_York')).toBe(
      ms('2024-03-10T07:00:00.000Z'),
    );
    // every month of eight years, in zones whose clocks change at midnight (or by 30 minutes):
    // the local month at the start is the month, and a millisecond before it is not
    const zones = [
      'America/Asuncion',
      'America/Santiago',
      'America/Havana',
      'Asia/Beirut',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Tokyo',
    ];
    for (const tz of zones) {
      for (let y = 2019; y <= 2026; y++) {
        for (let m = 1; m <= 12; m++) {
          const month = `${y}-${String(m).padStart(2, '0')}`;
          const { start } = monthRange(month, tz);
          expect(dayKey(start, tz).slice(0, 7), `${tz} ${month}`).toBe(month);
          expect(dayKey(start - 1, tz).slice(0, 7), `${tz} ${month}`).not.toBe(month);
        }
      }
    }
  });

  test('zone offsets and local days', () => {
    expect(zoneOffsetMs(ms('2025-07-01T12:00:00Z'), 'Europe/Paris')).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(ms('2025-12-01T12:00:00Z'), 'Europe/Paris')).toBe(3_600_000);
    expect(dayKey(ms('2025-11-30T23:30:00Z'))).toBe('2025-11-30');
    expect(dayKey(ms('2025-11-30T23:30:00Z'), 'Asia/Tokyo')).toBe('2025-12-01');
    // first and last millisecond of a day, in UTC and in a zone, each zone asked in turn
    for (let i = 0; i < 2; i++) {
      expect(dayKey(ms('2025-11-30T00:00:00.000Z'))).toBe('2025-11-30');
      expect(dayKey(ms('2025-11-30T23:59:59.999Z'))).toBe('2025-11-30');
      expect(dayKey(ms('2025-11-29T23:00:00.000Z'), 'Europe/Paris')).toBe('2025-11-30');
      expect(dayKey(ms('2025-11-29T22:59:59.999Z'), 'Europe/Paris')).toBe('2025-11-29');
      expect(dayKey(ms('2025-11-29T22:59:59.999Z'), 'Asia/Tokyo')).toBe('2025-11-30');
      expect(zoneOffsetMs(ms('2025-11-29T22:59:59.999Z'), 'Asia/Tokyo')).toBe(9 * 3_600_000);
    }
  });

  test('bad months and zones are usage errors naming the value', () => {
    expect(() => monthRange('2025-13')).toThrow(UsageError);
    expect(() => selectionFrom({ tz: 'Mars/Olympus' })).toThrow(/Mars\/Olympus/);
  });

  test('--month narrows --since/--until instead of replacing them', () => {
    const s = selectionFrom({ month: '2025-11', since: '2025-11-10' });
    expect(s.since).toBe(ms('2025-11-10T00:00:00Z'));
    expect(s.until).toBe(ms('2025-12-01T00:00:00Z'));
  });
});
