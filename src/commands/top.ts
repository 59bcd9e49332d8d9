import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import { type CostFigures, figuresJson } from '../analytics/cost-result.js';
import {
  computeCosts,
  partsOf,
  type SessionCostPartsRow,
  tableInForce,
} from '../analytics/costs.js';
import { csvText, type OutputColumn, tableText, withNotes } from '../analytics/output.js';
import { costOfParts } from '../analytics/pricing.js';
import { UsageError } from '../errors.js';
import {
  formatDateTime,
  formatDuration,
  formatInt,
  formatTokens,
  truncate,
} from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { noSessionsText } from '../session/paths.js';
import type { SkippedFile } from '../session/store.js';
import { parsePositiveInt } from '../time.js';
import { costCell } from './cost.js';

export interface TopOptions extends AnalyticsOptions {
  by?: string | undefined;
  n?: string | number | undefined;
  json?: boolean | undefined;
  csv?: boolean | undefined;
}

const KEYS = ['tokens', 'cost', 'messages', 'duration'] as const;
type Key = (typeof KEYS)[number];

/** A session ranked, with its cost as `cost` computes it (billed ticks, else the estimate). */
export interface TopSession extends CostFigures {
  rank: number;
  sessionId: string;
  file: string;
  name: string | null;
  model: string;
  startTime: string;
  input: number;
  output: number;
  total: number;
  messages: number;
  toolCalls: number;
  durationMs: number | null;
  workingDirectory: string;
}

export interface TopResult {
  dir: string;
  by: Key;
  sessions: TopSession[];
  skipped: SkippedFile[];
  notices: string[];
}

/** A row of top-sessions.sql. */
interface TopRow extends SessionCostPartsRow {
  name: string | null;
  tool_calls: number;
  working_directory: string;
}

export async function top(opts: TopOptions): Promise<TopResult> {
  const by = (opts.by ?? 'tokens') as Key;
  if (!(KEYS as readonly string[]).includes(by)) {
    throw new UsageError(`--by: '${opts.by}' is not one of ${KEYS.join(', ')}`);
  }
  const limit = opts.n === undefined ? 10 : parsePositiveInt(opts.n, '-n');
  const { table } = await tableInForce();
  return withAnalytics(opts, async (ctx) => {
    await computeCosts(ctx, table);
    // Cost depends on the price table, so that ranking is done here over every selected session.
    const rows = await ctx.rows<TopRow>('internal/top-sessions', {
      key: by,
      limit: by === 'cost' ? 2_147_483_647 : limit,
    });
    let sessions = rows.map((r, i): TopSession => {
      const parts = partsOf(r);
      return {
        rank: i + 1,
        sessionId: r.session_id,
        file: r.file,
        name: r.name,
        model: r.model,
        startTime: r.start_time,
        input: r.input,
        output: r.output,
        total: r.total,
        messages: r.messages,
        toolCalls: r.tool_calls,
        durationMs: r.duration_ms,
        workingDirectory: r.working_directory,
        ...costOfParts(parts),
        parts,
      };
    });
    if (by === 'cost') {
      sessions = sessions
        .sort((a, b) => (b.cost ?? -1) - (a.cost ?? -1) || b.total - a.total)
        .slice(0, limit)
        .map((s, i) => ({ ...s, rank: i + 1 }));
    }
    return { dir: ctx.dir, by, sessions, skipped: ctx.skipped, notices: ctx.notices };
  });
}

export function topJson(r: TopResult): unknown {
  return {
    by: r.by,
    sessions: r.sessions.map(({ parts, cost, exact, estimated, ...s }) => ({
      ...s,
      ...figuresJson({ cost, exact, estimated, parts }),
    })),
    skipped: r.skipped,
  };
}

export function renderTop(r: TopResult, opts: { json?: boolean; csv?: boolean }): CommandOutput {
  if (opts.json) return withNotes({ stdout: jsonText(topJson(r)) }, [], r.notices);
  const columns: OutputColumn<TopSession>[] = [
    { header: '#', csv: 'rank', align: 'right', priority: 4, cell: (s) => s.rank },
    { header: 'SESSION', csv: 'session', priority: 9, cell: (s) => s.file.replace(/\.json$/, '') },
    {
      header: 'NAME',
      csv: 'name',
      priority: 5,
      minWidth: 10,
      cell: (s) => truncate(s.name ?? '', 20),
      raw: (s) => s.name,
    },
    {
      header: 'START (UTC)',
      csv: 'start',
      priority: 7,
      cell: (s) => formatDateTime(s.startTime),
      raw: (s) => s.startTime,
    },
    { header: 'MODEL', csv: 'model', priority: 7, minWidth: 11, cell: (s) => s.model },
    {
      header: 'TOKENS',
      csv: 'tokens',
      align: 'right',
      priority: 8,
      cell: (s) => formatTokens(s.total),
      raw: (s) => s.total,
    },
    {
      header: 'COST',
      csv: 'cost_usd',
      align: 'right',
      priority: r.by === 'cost' ? 8 : 6,
      cell: (s) => costCell(s),
      raw: (s) => (s.cost === null ? null : Number(s.cost.toFixed(10))),
    },
    {
      header: 'MSGS',
      csv: 'messages',
      align: 'right',
      priority: r.by === 'messages' ? 8 : 2,
      cell: (s) => formatInt(s.messages),
      raw: (s) => s.messages,
    },
    {
      header: 'DURATION',
      csv: 'duration_ms',
      align: 'right',
      priority: r.by === 'duration' ? 8 : 3,
      cell: (s) => formatDuration(s.durationMs),
      raw: (s) => s.durationMs,
    },
  ];
  if (opts.csv) return withNotes({ stdout: csvText(columns, r.sessions) }, r.skipped, r.notices);
  if (r.sessions.length === 0)
    return withNotes({ stdout: `${noSessionsText(r.dir)}\n` }, r.skipped, r.notices);
  return withNotes({ stdout: `${tableText(columns, r.sessions)}\n` }, r.skipped, r.notices);
}
