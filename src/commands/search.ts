import {
  type AnalyticsContext,
  type AnalyticsOptions,
  textNotice,
  withAnalytics,
} from '../analytics/analytics-run.js';
import { csvText, type OutputColumn, tableText, withNotes } from '../analytics/output.js';
import { highlight, makeSnippet, type Snippet, snippetFor } from '../analytics/snippet.js';
import { passing } from '../analytics/transient.js';
import { UsageError } from '../errors.js';
import { bold, useColor, yellow } from '../render/color.js';
import { formatDateTime, plural, printable } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import type { SkippedFile } from '../session/store.js';
import { parsePositiveInt } from '../time.js';

export interface SearchOptions extends AnalyticsOptions {
  role?: string | undefined;
  n?: string | number | undefined;
  json?: boolean | undefined;
  csv?: boolean | undefined;
  /** Count every match, not only those met until the newest -n were known. */
  countAll?: boolean | undefined;
}

const ROLES = ['user', 'assistant', 'system', 'tool'] as const;

export interface SearchHit {
  sessionId: string;
  file: string;
  sessionName: string | null;
  model: string;
  time: string;
  role: string;
  kind: 'message' | 'toolCall';
  tool: string | null;
  /** Index of the message in the session. */
  message: number;
  snippet: Snippet;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** The matches counted: all of them when `complete`, else at least this many. */
  matches: number;
  /**
   * Every match was counted. A search for the newest hits stops reading once it knows them
   * (search-index.ts), so its count is of the sessions it read; --count-all reads every one.
   */
  complete: boolean;
  skipped: SkippedFile[];
  notices: string[];
}

/** A row of search.sql (and search-found.sql, which has its columns). */
interface SearchRow {
  session_id: string;
  file: string;
  session_name: string | null;
  model: string;
  at: string;
  role: string;
  kind: string;
  tool: string | null;
  seq: number;
  text: string;
  matches: number;
}

export async function search(text: string, opts: SearchOptions): Promise<SearchResult> {
  const query = String(text);
  if (query.trim() === '') throw new UsageError('search: give the text to look for');
  const role = opts.role === undefined ? null : String(opts.role);
  if (role !== null && !(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role: '${role}' is not one of ${ROLES.join(', ')}`);
  }
  const limit = opts.n === undefined ? 20 : parsePositiveInt(opts.n, '-n');
  return withAnalytics(opts, async (ctx) => {
    const found = await foundRows(ctx, opts, query, role, limit);
    const hits = found.rows.map(
      (r): SearchHit => ({
        sessionId: r.session_id,
        file: r.file,
        sessionName: r.session_name,
        model: r.model,
        time: r.at,
        role: r.role,
        kind: r.kind === 'toolCall' ? 'toolCall' : 'message',
        tool: r.tool,
        message: r.seq,
        snippet: makeSnippet(r.text, query) ?? { text: '', start: 0, end: 0 },
      }),
    );
    return {
      query,
      hits,
      matches: found.rows[0]?.matches ?? 0,
      complete: found.complete,
      skipped: ctx.skipped,
      notices: ctx.notices,
    };
  });
}

/**
 * The hits, newest first, and whether every match was counted: over the index's full-text
 * signatures, or a pool's text (whose scan counts them all).
 */
async function foundRows(
  ctx: AnalyticsContext,
  opts: SearchOptions,
  query: string,
  role: string | null,
  limit: number,
): Promise<{ rows: SearchRow[]; complete: boolean }> {
  if (opts.from !== undefined) {
    await ctx.loadText();
    const params = { needle: query.toLowerCase(), role, limit };
    return { rows: await ctx.rows<SearchRow>('internal/search', params), complete: true };
  }
  const { searchIndexed } = await import('../analytics/search-index.js');
  const found = await searchIndexed(ctx, query, role, limit, { countAll: opts.countAll === true });
  const note = textNotice({ read: 0, changed: found.changed });
  if (note) {
    ctx.notices.push(note);
    passing.met = true; // not an answer to file (transient.ts)
  }
  // search-index.ts reads search-found.sql's rows untyped; they are search.sql's
  return found;
}

export function searchJson(r: SearchResult): unknown {
  return {
    query: r.query,
    matches: r.matches,
    matchesComplete: r.complete,
    hits: r.hits,
    skipped: r.skipped,
  };
}

export function renderSearch(
  r: SearchResult,
  opts: { json?: boolean; csv?: boolean },
): CommandOutput {
  if (opts.json) return withNotes({ stdout: jsonText(searchJson(r)) }, [], r.notices);
  const color = useColor();
  const mark = (m: string) => (color ? bold(yellow(m, true), true) : `[${m}]`);
  const columns: OutputColumn<SearchHit>[] = [
    {
      header: 'SESSION',
      csv: 'session',
      priority: 9,
      cell: (h) => h.file.replace(/\.json$/, ''),
    },
    {
      header: 'TIME (UTC)',
      csv: 'time',
      priority: 5,
      cell: (h) => formatDateTime(h.time),
      raw: (h) => h.time,
    },
    {
      header: 'ROLE',
      csv: 'role',
      priority: 4,
      cell: (h) => (h.tool ? `tool:${h.tool}` : h.role),
    },
    {
      header: 'MATCH',
      csv: 'snippet',
      priority: 8,
      minWidth: 30,
      // cut around the match, not after it
      cut: (_, width, row) => {
        const hit = r.hits[row];
        return hit ? printable(highlight(snippetFor(hit.snippet, width), mark), color) : '';
      },
      cell: (h) => highlight(h.snippet, mark),
      raw: (h) => h.snippet.text,
    },
  ];
  if (opts.csv) return withNotes({ stdout: csvText(columns, r.hits) }, r.skipped, r.notices);
  if (r.hits.length === 0) {
    return withNotes({ stdout: `No match for '${r.query}'\n` }, r.skipped, r.notices);
  }
  return withNotes(
    { stdout: `${tableText(columns, r.hits)}\n\n${foot(r)}\n` },
    r.skipped,
    r.notices,
  );
}

/** The line under the hits: how many, of how many matches. */
function foot(r: SearchResult): string {
  if (!r.complete) {
    return `${r.hits.length} newest of ${r.matches}+ matches (-n for more; --count-all counts all)`;
  }
  return r.hits.length < r.matches
    ? `${r.hits.length} of ${r.matches} matches, newest first (-n for more)`
    : `${r.matches} ${plural(r.matches, 'match', 'matches')}, newest first`;
}
