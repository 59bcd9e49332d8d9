/** The calendar axis of the report's time charts and the period in words: pure, no I/O. */
import { describe, expect, it } from 'vitest';
import {
  calendarSlots,
  MAX_DAY_SLOTS,
  periodBounds,
  periodWords,
  slotUnit,
} from '../../src/report/calendar.js';

describe('report calendar', () => {
  it('gives every day a slot across month ends and a leap day, empty days at zero', () => {
    const slots = calendarSlots(
      new Map([
        ['2024-02-27', 5],
        ['2024-03-02', 7],
      ]),
      '2024-02-27',
      '2024-03-02',
    );
    expect(slots).toEqual([
      { key: '2024-02-27', value: 5 },
      { key: '2024-02-28', value: 0 },
      { key: '2024-02-29', value: 0 },
      { key: '2024-03-01', value: 0 },
      { key: '2024-03-02', value: 7 },
    ]);
  });

  it('switches to months past the day limit and sums the days of each month', () => {
    const to = new Date(Date.UTC(2025, 0, MAX_DAY_SLOTS)).toISOString().slice(0, 10);
    expect(slotUnit('2025-01-01', to)).toBe('day');
    const later = new Date(Date.UTC(2025, 0, MAX_DAY_SLOTS + 1)).toISOString().slice(0, 10);
    expect(slotUnit('2025-01-01', later)).toBe('month');
    const slots = calendarSlots(
      new Map([
        ['2025-01-03', 1],
        ['2025-01-30', 2],
        ['2025-06-01', 4],
      ]),
      '2025-01-03',
      '2025-06-01',
    );
    expect(slots).toEqual([
      { key: '2025-01', value: 3 },
      { key: '2025-02', value: 0 },
      { key: '2025-03', value: 0 },
      { key: '2025-04', value: 0 },
      { key: '2025-05', value: 0 },
      { key: '2025-06', value: 4 },
    ]);
  });

  it('says the period in words', () => {
    const days = ['2025-08-12', '2025-12-18'];
    expect(periodWords({ month: '2025-11' }, [])).toBe('November 2025');
    expect(periodWords({ from: '2025-10-01', to: '2025-12-18' }, days)).toBe(
      '1 October 2025 to 18 December 2025',
    );
    expect(periodWords({}, days)).toBe('all sessions, 12 August 2025 to 18 December 2025');
    expect(periodWords({}, ['2025-08-12'])).toBe('all sessions, 12 August 2025');
    expect(periodWords({}, [])).toBe('all sessions');
    expect(periodWords({ from: '2025-10-01' }, days)).toBe('1 October 2025 to 18 December 2025');
    expect(periodWords({ month: '2024-02', from: '2024-02-10' }, [])).toBe(
      '10 February 2024 to 29 February 2024',
    );
  });

  it('charts the whole month asked for, but not an empty future after today', () => {
    expect(periodBounds({ month: '2025-11' }, ['2025-11-09'], '2026-01-01')).toEqual({
      from: '2025-11-01',
      to: '2025-11-30',
    });
    expect(
      periodBounds({ from: '2025-10-01', to: '2099-12-31' }, ['2025-10-05'], '2025-10-20'),
    ).toEqual({ from: '2025-10-01', to: '2025-10-20' });
    expect(periodBounds({}, [], '2025-10-20')).toBeUndefined();
  });
});
