/**
 * list's filters and sort keys: what `grok sessions list` reads from its options, shared by the
 * path that reads every file (src/commands/list.ts) and the one served by the index
 * (list-from-index.ts).
 */
import { UsageError } from '../errors.js';
import { parseTokenCount, type SessionFilter } from '../session/filter.js';
import type { SkippedFile } from '../session/store.js';
import type { SessionSummary } from '../session/summary.js';
import { selectionFrom } from './period.js';

/** The options that choose, sort and limit the sessions list shows. */
export interface ListFilterOptions {
  sessionsDir?: string | undefined;
  since?: string;
  until?: string;
  month?: string;
  tz?: string;
  model?: string;
  tag?: string;
  project?: string;
  limit?: number | string;
  sort?: string;
  over?: string;
}

export interface ListedSession extends SessionSummary {
  file: string;
}

export interface ListResult {
  dir: string;
  sessions: ListedSession[];
  /** How many matched before --limit. */
  matched: number;
  skipped: SkippedFile[];
  /** Notes on how the answer was made (the index: in use, changed while read), for stderr. */
  notices?: string[] | undefined;
}

const SORTS = ['start', 'tokens', 'messages'] as const;
type SortKey = (typeof SORTS)[number];

export function parseListFilter(opts: ListFilterOptions): SessionFilter {
  let overTokens: number | undefined;
  if (opts.over !== undefined) {
    overTokens = parseTokenCount(String(opts.over));
    if (overTokens === undefined)
      throw new UsageError(`--over: '${opts.over}' is not a token count (e.g. 100k)`);
  }
  // the analytics commands' own reading of the filters: the index serves list with them
  const s = selectionFrom(opts);
  return {
    since: s.since === null ? undefined : new Date(s.since),
    until: s.until === null ? undefined : new Date(s.until),
    model: s.model ?? undefined,
    tag: s.tag ?? undefined,
    project: s.project ?? undefined,
    overTokens,
  };
}

export function sortKey(value: string | undefined): SortKey {
  const key = value ?? 'start';
  if (!(SORTS as readonly string[]).includes(key)) {
    throw new UsageError(`--sort: '${key}' is not one of ${SORTS.join(', ')}`);
  }
  return key as SortKey;
}

export function sortSessions(sessions: ListedSession[], key: SortKey): ListedSession[] {
  // Start times parsed once, not in every comparison (it shows on thousands of sessions).
  const rows = sessions.map((s) => ({ s, t: Date.parse(s.startTime) }));
  type Row = (typeof rows)[number];
  const byStart = (a: Row, b: Row) => b.t - a.t || (a.s.file < b.s.file ? 1 : -1);
  const compare =
    key === 'tokens'
      ? (a: Row, b: Row) => b.s.tokens.total - a.s.tokens.total || byStart(a, b)
      : key === 'messages'
        ? (a: Row, b: Row) => b.s.messages - a.s.messages || byStart(a, b)
        : byStart;
  return rows.sort(compare).map((r) => r.s);
}
