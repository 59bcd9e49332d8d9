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

async function listed(opts: ListFilterOptions): Promise<Listed> {
  const filter = parseListFilter(opts);
  const sort = sortKey(opts.sort);
  const limit = opts.limit === undefined ? null : parsePositiveInt(opts.limit, '--limit');
  const { sessionsDir, since, until, month, tz, model, tag, project } = opts;
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
      return {
        dir: ctx.dir,
        matched: Number(chunk.getColumnVector(0).getItem(0)),
        // A payload of up to 12 bytes is a view of the chunk's memory: copied to outlive it.
        entries: bytes.length <= 12 ? Uint8Array.from(bytes) : bytes,
        durations: String(chunk.getColumnVector(2).getItem(0)),
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
