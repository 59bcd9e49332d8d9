/**
 * Periods and filters of the analytics commands. Pure (but a relative --project, taken from the
 * working directory). Periods are by a session's start time, in UTC unless a time zone is given;
 * a month in a zone is computed here (Intl) and handed to SQL as two UTC instants, so the
 * boundaries are exact to the millisecond.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseMonth, parseSince, parseUntil } from '../time.js';

export interface AnalyticsFilterOptions {
  since?: string | undefined;
  until?: string | undefined;
  month?: string | undefined;
  model?: string | undefined;
  tag?: string | undefined;
  project?: string | undefined;
  tz?: string | undefined;
  includeArchived?: boolean | undefined;
}

/** The bound parameters of queries/internal/select-sessions.sql. */
export interface SessionSelection {
  since: number | null;
  until: number | null;
  model: string | null;
  tag: string | null;
  project: string | null;
  archived: boolean;
}

export function validateTimeZone(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(`--tz: '${tz}' is not a time zone (use e.g. UTC, Europe/Paris)`);
  }
}

/**
 * One formatter per zone and kind, made on first use: making an Intl.DateTimeFormat costs a
 * fraction of a millisecond to several (ICU loads the zone's rules), using one a few microseconds,
 * and a command formats a date per session.
 */
function formatter(
  cache: Map<string, Intl.DateTimeFormat>,
  tz: string,
  make: (tz: string) => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let f = cache.get(tz);
  if (!f) {
    f = make(tz);
    cache.set(tz, f);
  }
  return f;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();
const isoDays = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the zone is ahead of UTC at instant `ms`. */
export function zoneOffsetMs(ms: number, tz: string): number {
  const parts = formatter(
    wallClocks,
    tz,
    (timeZone) =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
  ).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The first UTC instant at which the wall clock in `tz` reads `wallAsUtcMs` or later: the earlier
 * one when a clock change repeats that time, and the moment the clock jumps when a change skips it
 * (midnight on the 1st never happens in some zones some years). Tried with each offset in force
 * around it.
 */
export function zonedWallTimeToUtc(wallAsUtcMs: number, tz: string): number {
  const day = 86_400_000;
  const offsets = new Set(
    [wallAsUtcMs - day, wallAsUtcMs, wallAsUtcMs + day].map((t) => zoneOffsetMs(t, tz)),
  );
  const reads = (t: number) => t + zoneOffsetMs(t, tz);
  let first: number | undefined;
  for (const offset of offsets) {
    const t = wallAsUtcMs - offset;
    if (reads(t) >= wallAsUtcMs && (first === undefined || t < first)) first = t;
  }
  if (first === undefined) return wallAsUtcMs - zoneOffsetMs(wallAsUtcMs, tz);
  if (reads(first) > wallAsUtcMs) {
    // skipped: the jump lies within the gap before `first`; found to the millisecond
    let low = first - Math.max(...offsets) + Math.min(...offsets);
    while (first - low > 1) {
      const mid = Math.floor((low + first) / 2);
      if (reads(mid) >= wallAsUtcMs) first = mid;
      else low = mid;
    }
  }
  return first;
}

/** `YYYY-MM` in a zone → [first millisecond, first millisecond of the next month) as UTC ms. */
export function monthRange(month: string, tz = 'UTC'): { start: number; end: number } {
  const { start, end } = parseMonth(month);
  if (tz === 'UTC') return { start: start.getTime(), end: end.getTime() };
  return {
    start: zonedWallTimeToUtc(start.getTime(), tz),
    end: zonedWallTimeToUtc(end.getTime(), tz),
  };
}

export function selectionFrom(opts: AnalyticsFilterOptions): SessionSelection {
  const tz = opts.tz ? validateTimeZone(String(opts.tz)) : 'UTC';
  let since = opts.since ? parseSince(String(opts.since)).getTime() : null;
  let until = opts.until ? parseUntil(String(opts.until)).getTime() : null;
  if (opts.month) {
    const range = monthRange(String(opts.month), tz);
    since = since === null ? range.start : Math.max(since, range.start);
    until = until === null ? range.end : Math.min(until, range.end);
  }
  return {
    since,
    until,
    model: opts.model ? String(opts.model) : null,
    tag: opts.tag ? String(opts.tag) : null,
    // as a path: '.', 'web' (from here), '/home/u//infra/' all name the directory sessions record
    project: opts.project ? resolve(String(opts.project)) : null,
    archived: opts.includeArchived === true,
  };
}

/** `YYYY-MM-DD` of an instant in a zone (en-CA formats dates as ISO). */
export function dayKey(ms: number, tz = 'UTC'): string {
  if (tz === 'UTC') return new Date(ms).toISOString().slice(0, 10);
  return formatter(
    isoDays,
    tz,
    (timeZone) =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }),
  ).format(new Date(ms));
}
