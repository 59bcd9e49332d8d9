/** Parsing of the dates, months and durations users type. Pure; errors are UsageErrors naming the value. */
import { UsageError } from './errors.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** A date-time's own zone at its end: `Z`, `+01:00`, `-0500`. */
const ZONE = /(?:z|[+-]\d{2}:?\d{2})$/i;
/**
 * A time in a session file: an ISO 8601 date, or date-time with its zone, of a four-digit year.
 * Anything else Date.parse would read another way on another machine (no zone: local time) or
 * DuckDB could not hold (the year 12025).
 */
const SESSION_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2}))?$/i;

/** What the runtime writes (toISOString): tested first, as most times are this. */
const RUNTIME_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Whether y-m-d is a day of the (proleptic Gregorian) calendar. Arithmetic: it runs per message. */
function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
}

const digits = (v: string, at: number, n: number): number => {
  let x = 0;
  for (let i = at; i < at + n; i++) x = x * 10 + v.charCodeAt(i) - 48;
  return x;
};

/**
 * A time of the runtime's shape (RUNTIME_TIME) whose fields are all in range, which Date.parse
 * then reads for certain: without it, per message. False sends it the general way.
 */
function isRuntimeTime(v: string): boolean {
  return (
    digits(v, 11, 2) < 24 &&
    digits(v, 14, 2) < 60 &&
    digits(v, 17, 2) < 60 &&
    validDate(digits(v, 0, 4), digits(v, 5, 2), digits(v, 8, 2))
  );
}

/**
 * Whether `v` is a time a session file may hold (SESSION_TIME) on a day of the calendar. Date.parse
 * (V8) reads each form SESSION_TIME allows, the space and lower case of other tools included.
 */
export function isSessionTime(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  if (RUNTIME_TIME.test(v) && isRuntimeTime(v)) return true;
  if (!(RUNTIME_TIME.test(v) || SESSION_TIME.test(v))) return false;
  if (Number.isNaN(Date.parse(v))) return false;
  return validDate(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10)));
}

/**
 * A session time for `v` when it is one, or was written without its zone (read as UTC, as
 * --since reads one): what repair keeps of a time. Undefined when it is not a time.
 */
export function asSessionTime(v: unknown): string | undefined {
  if (isSessionTime(v)) return v;
  return typeof v === 'string' && isSessionTime(`${v}Z`) ? `${v}Z` : undefined;
}

/**
 * A date argument: `YYYY-MM-DD` (a whole UTC day) or an ISO date-time. Returns the interval it
 * covers: a day for a date, an instant for a date-time.
 */
export function parseDateArg(value: string, flag: string): { start: Date; end: Date } {
  const m = DATE_ONLY.exec(value);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) throw new UsageError(`${flag}: '${value}' is not a calendar date`);
    const start = new Date(Date.UTC(y, mo - 1, d));
    return { start, end: new Date(start.getTime() + DAY_MS) };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    // A time without a zone is UTC, as everywhere in grok (Date.parse would take local time).
    const t = Date.parse(ZONE.test(value) ? value : `${value}Z`);
    if (!Number.isNaN(t)) return { start: new Date(t), end: new Date(t) };
  }
  throw new UsageError(`${flag}: '${value}' is not a date (use YYYY-MM-DD or an ISO date-time)`);
}

/** `--since`: from the start of the day (or the instant). */
export function parseSince(value: string): Date {
  return parseDateArg(value, '--since').start;
}

/**
 * `--until`, "started on or before": the exclusive bound after the day, or after the instant
 * (times are kept to the millisecond, so one past it).
 */
export function parseUntil(value: string): Date {
  const { start, end } = parseDateArg(value, '--until');
  return end.getTime() === start.getTime() ? new Date(start.getTime() + 1) : end;
}

/** `YYYY-MM` → [first millisecond, first millisecond of the next month) in UTC. */
export function parseMonth(value: string, flag = '--month'): { start: Date; end: Date } {
  const m = MONTH.exec(value);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  if (!m || mo < 1 || mo > 12)
    throw new UsageError(`${flag}: '${value}' is not a month (use YYYY-MM)`);
  return { start: new Date(Date.UTC(y, mo - 1, 1)), end: new Date(Date.UTC(y, mo, 1)) };
}

const UNIT_MS: Record<string, number> = {
  min: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
  mo: 30 * DAY_MS,
  y: 365 * DAY_MS,
};

/**
 * `30d`, `12h`, `2w`, `3mo` (30 days each), `1y`, `90min`: a positive whole number and a unit.
 * A bare `m` is refused: read as minutes, `--older-than 1m` meant for a month would select
 * nearly every session.
 */
export function parseDuration(value: string, flag: string): number {
  const text = value.trim();
  const bare = /^(\d+)m$/.exec(text);
  if (bare) {
    throw new UsageError(
      `${flag}: '${value}' is ambiguous: write ${bare[1]}min for minutes or ${bare[1]}mo for months`,
    );
  }
  const m = /^(\d+)(min|mo|h|d|w|y)$/.exec(text);
  if (!m)
    throw new UsageError(`${flag}: '${value}' is not a duration (use e.g. 30d, 12h, 2w, 3mo, 1y)`);
  const n = Number(m[1]);
  if (n <= 0) throw new UsageError(`${flag}: '${value}' must be greater than zero`);
  return n * (UNIT_MS[m[2] as string] as number);
}

/** A positive whole number option (`--limit`, `-n`, `--keep-last`). */
export function parsePositiveInt(value: unknown, flag: string, { allowZero = false } = {}): number {
  const n = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new UsageError(
      `${flag}: '${String(value)}' is not a ${allowZero ? 'non-negative' : 'positive'} whole number`,
    );
  }
  return n;
}
