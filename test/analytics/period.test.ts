import { describe, expect, test } from 'vitest';
import { dayKey, monthRange, selectionFrom, zoneOffsetMs } from '../../src/analytics/period.js';
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
