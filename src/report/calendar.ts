/**
 * The calendar of the report's time charts: every day (or, over a long period, every month) from
 * the first to the last gets a slot, those without sessions included, so a gap of a month shows
 * as a month of empty slots and never as the width of one day. Pure: day keys (`YYYY-MM-DD`, dates
 * on the calendar, already in the report's time zone) in, slots out.
 */

const DAY_MS = 86_400_000;
/** Longer periods than this are charted by month: a bar per day would be a hairline. */
export const MAX_DAY_SLOTS = 92;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export type SlotUnit = 'day' | 'month';

export interface Slot {
  /** `YYYY-MM-DD` for a day, `YYYY-MM` for a month. */
  key: string;
  value: number;
}

const dayMs = (day: string) => Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The unit that keeps a chart from `from` to `to` (inclusive days) readable. */
export function slotUnit(from: string, to: string): SlotUnit {
  return (dayMs(to) - dayMs(from)) / DAY_MS + 1 > MAX_DAY_SLOTS ? 'month' : 'day';
}

/** Every slot from `from` to `to` (inclusive), each the sum of the values of its days. */
export function calendarSlots(
  values: ReadonlyMap<string, number>,
  from: string,
  to: string,
  unit: SlotUnit = slotUnit(from, to),
): Slot[] {
  const slots: Slot[] = [];
  const index = new Map<string, number>();
  for (let t = dayMs(from); t <= dayMs(to); t += DAY_MS) {
    const key = unit === 'day' ? isoDay(t) : isoDay(t).slice(0, 7);
    if (!index.has(key)) {
      index.set(key, slots.length);
      slots.push({ key, value: 0 });
    }
  }
  for (const [day, value] of values) {
    const i = index.get(unit === 'day' ? day : day.slice(0, 7));
    const slot = i === undefined ? undefined : slots[i];
    if (slot) slot.value += value;
  }
  return slots;
}

/** `2025-10-01` → "1 October 2025". */
export function dayWords(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/** `2025-11` → "November 2025". */
export function monthWords(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/** The last day of a `YYYY-MM` month. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return isoDay(Date.UTC(y ?? 1970, m ?? 1, 1) - DAY_MS);
}

/** The period a report covers, in the words of its subtitle. */
export interface ReportPeriod {
  /** `--month`, as given (`YYYY-MM`). */
  month?: string | undefined;
  /** The first and last day that `--since` / `--until` allow (`YYYY-MM-DD`). */
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Bounds of the chart axis: the period asked for, else the days that have sessions; an end after
 * today (or the last session, if later) stops there rather than charting an empty future.
 */
export function periodBounds(
  period: ReportPeriod,
  days: readonly string[],
  today: string,
): { from: string; to: string } | undefined {
  const first = days[0];
  const last = days[days.length - 1];
  const from = period.from ?? (period.month ? `${period.month}-01` : first);
  let to = period.to ?? (period.month ? monthEnd(period.month) : last);
  const latest = last !== undefined && last > today ? last : today;
  if (to !== undefined && to > latest) to = latest;
  if (from === undefined || to === undefined || from > to) return undefined;
  return { from, to };
}

/** "November 2025", "1 October 2025 to 18 December 2025", "all sessions, 12 August 2025 to …". */
export function periodWords(period: ReportPeriod, days: readonly string[]): string {
  const first = days[0];
  const last = days[days.length - 1];
  if (period.from === undefined && period.to === undefined) {
    if (period.month) return monthWords(period.month);
    if (first === undefined || last === undefined) return 'all sessions';
    return first === last
      ? `all sessions, ${dayWords(first)}`
      : `all sessions, ${dayWords(first)} to ${dayWords(last)}`;
  }
  const from = period.from ?? (period.month ? `${period.month}-01` : first);
  const to = period.to ?? (period.month ? monthEnd(period.month) : last);
  if (from === undefined) return `until ${dayWords(to as string)}`;
  if (to === undefined) return `from ${dayWords(from)}`;
  return from === to ? dayWords(from) : `${dayWords(from)} to ${dayWords(to)}`;
}
