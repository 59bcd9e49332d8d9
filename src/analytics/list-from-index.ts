/**
 * `grok sessions list` served by the index: the same result as src/commands/list.ts, which reads
 * every file, in a fraction of the time on a large directory. list's filters are the selection's
 * (since, until, month in tz, model, tag, project) and queries/internal/list-sessions.sql's (over); it sorts and limits
 * as list does. The index keeps each session's `--json` entry as text (session/list-entry.ts).
 */
import type { DuckDBBlobVector } from '@duckdb/node-api';
import { type ListEntry, listJsonParts } from '../session/list-entry.js';
import { parsePositiveInt } from '../time.js';
import { withAnalytics } from './analytics-run.js';
import {
  type ListedSession,
  type ListFilterOptions,
  type ListResult,
  parseListFilter,
  sortKey,
} from './list-filter.js';
import { loadSql } from './sql-files.js';

interface Listed {
  dir: string;
  matched: number;
  /** The entries shown, as list --json prints them, joined by ",\n": UTF-8. */
  entries: Uint8Array;
  /** The duration of each session shown, in order (null when unknown): JSON. */
  durations: string;
  skipped: ListResult['skipped'];
  notices: string[];
}

/**
 * The first `limit` sessions (all for null) of the list summary (summary.ts): what list shows of
 * every session in its default order, without DuckDB. Undefined when no summary answers.
 */
async function listedFromSummary(
  opts: ListFilterOptions,
  limit: number | null,
): Promise<Listed | undefined> {
  const { grokHome, readSessionsDir } = await import('../session/paths.js');
  const dir = readSessionsDir(opts);
  const { listSummaryOf } = await import('./summary.js');
  const found = await listSummaryOf(grokHome(), dir);
  if (!found) return undefined;
  const n = found.meta.lengths.length;
  const shown = limit === null ? n : Math.min(limit, n);
  let entries = found.entries;
  let durations = found.meta.durations;
  if (shown < n) {
    // the entries shown and the ",\n" between them
    const bytes = found.meta.lengths.slice(0, shown).reduce((a, b) => a + b + 2, -2);
    entries = entries.subarray(0, Math.max(0, bytes));
    durations = durations.slice(0, shown);
  }
  return {
    dir,
    matched: n,
    entries,
    durations: JSON.stringify(durations),
    skipped: found.skipped,
    notices: [],
  };
}

async function listed(opts: ListFilterOptions): Promise<Listed> {
  const filter = parseListFilter(opts);
  const sort = sortKey(opts.sort);
  const limit = opts.limit === undefined ? null : parsePositiveInt(opts.limit, '--limit');
  const { sessionsDir, since, until, month, tz, model, tag, project } = opts;
  // every session, in the default order: what the list summary holds
  const everySession =
    sort === 'start' &&
    filter.overTokens === undefined &&
    [since, until, month, model, tag, project].every((v) => v === undefined);
  if (everySession) {
    const answered = await listedFromSummary(opts, limit);
    if (answered) return answered;
  }
  return withAnalytics(
    { sessionsDir, since, until, month, tz, model, tag, project, fixedSelection: true },
    async (ctx) => {
      // Streamed: its one row is read from the query as it ends, not from a copy of it kept first.
      const result = await ctx.conn.stream(loadSql('internal/list-sessions'), {
        over: filter.overTokens ?? null,
        sort,
        limit,
      });
      // One row; its entries read as bytes, without the copy getItem makes of a blob.
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) throw new Error('list-sessions gave no row');
      const bytes =
        (chunk.getColumnVector(1) as DuckDBBlobVector).getItemBytes(0) ?? new Uint8Array();
      const matched = Number(chunk.getColumnVector(0).getItem(0));
      const durations = String(chunk.getColumnVector(2).getItem(0));
      if (everySession && ctx.scan) {
        const { keepListSummary } = await import('./summary.js');
        await keepListSummary(ctx.conn, ctx.home, ctx.scan, ctx.skipped);
      }
      return {
        dir: ctx.dir,
        matched,
        // A payload of up to 12 bytes is a view of the chunk's memory: copied to outlive it.
        entries: bytes.length <= 12 ? Uint8Array.from(bytes) : bytes,
        durations,
        skipped: ctx.skipped,
        notices: ctx.notices,
      };
    },
  );
}

export async function listFromIndex(opts: ListFilterOptions): Promise<ListResult> {
  const r = await listed(opts);
  const entries = JSON.parse(`[${Buffer.from(r.entries).toString()}]`) as ListEntry[];
  const durations = JSON.parse(r.durations) as (number | null)[];
  const sessions = entries.map(
    (e, i): ListedSession => ({
      ...e,
      name: e.name ?? undefined,
      endTime: e.endTime ?? undefined,
      durationMs: durations[i] ?? undefined,
    }),
  );
  return { dir: r.dir, sessions, matched: r.matched, skipped: r.skipped, notices: r.notices };
}

/** The output of `list --json`: the entries the index keeps, joined as they are. */
export async function listJsonFromIndex(
  opts: ListFilterOptions,
): Promise<{ stdout: Uint8Array[]; notices: string[] }> {
  const r = await listed(opts);
  return { stdout: listJsonParts(r.entries, r.skipped), notices: r.notices };
}
