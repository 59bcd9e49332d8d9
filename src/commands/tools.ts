import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import { csvText, type OutputColumn, round, tableText, withNotes } from '../analytics/output.js';
import type { ToolStat } from '../analytics/stats-result.js';
import { bar, formatInt, plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { noSessionsText } from '../session/paths.js';
import type { SkippedFile } from '../session/store.js';

export interface ToolsOptions extends AnalyticsOptions {
  json?: boolean | undefined;
  csv?: boolean | undefined;
}

export interface ToolUsage {
  tool: string;
  calls: number;
  sessions: number;
  /** Fraction of all tool calls, 0..1. */
  share: number;
  failed: number;
  /** Calls whose result does not report an error, as a fraction of the calls, 0..1. */
  successRate: number;
}

export interface ToolsResult {
  dir: string;
  totalCalls: number;
  sessions: number;
  tools: ToolUsage[];
  skipped: SkippedFile[];
  notices: string[];
}

export async function tools(opts: ToolsOptions): Promise<ToolsResult> {
  return withAnalytics(opts, async (ctx) => {
    const [rows, count] = await ctx.values<[ToolStat[], { sessions: number } | null]>([
      'internal/tools',
      'internal/stats-totals',
    ]);
    const totalCalls = rows.reduce((n, r) => n + r.calls, 0);
    return {
      dir: ctx.dir,
      totalCalls,
      sessions: count?.sessions ?? 0,
      tools: rows.map((r) => ({
        tool: r.tool,
        calls: r.calls,
        sessions: r.sessions,
        share: totalCalls ? r.calls / totalCalls : 0,
        failed: r.failed,
        successRate: r.calls ? 1 - r.failed / r.calls : 1,
      })),
      skipped: ctx.skipped,
      notices: ctx.notices,
    };
  });
}

export function toolsJson(r: ToolsResult): unknown {
  return {
    totalCalls: r.totalCalls,
    sessions: r.sessions,
    tools: r.tools.map((t) => ({
      ...t,
      share: round(t.share, 4),
      successRate: round(t.successRate, 4),
    })),
    skipped: r.skipped,
  };
}

export function renderTools(
  r: ToolsResult,
  opts: { json?: boolean; csv?: boolean },
): CommandOutput {
  if (opts.json) return withNotes({ stdout: jsonText(toolsJson(r)) }, [], r.notices);
  const max = r.tools[0]?.calls ?? 0;
  const columns: OutputColumn<ToolUsage>[] = [
    { header: 'TOOL', csv: 'tool', priority: 9, minWidth: 16, cell: (t) => t.tool },
    {
      header: 'CALLS',
      csv: 'calls',
      align: 'right',
      priority: 8,
      cell: (t) => formatInt(t.calls),
      raw: (t) => t.calls,
    },
    {
      header: 'SESSIONS',
      csv: 'sessions',
      align: 'right',
      priority: 6,
      cell: (t) => formatInt(t.sessions),
      raw: (t) => t.sessions,
    },
    {
      header: 'SHARE',
      csv: 'share',
      align: 'right',
      priority: 5,
      cell: (t) => `${(t.share * 100).toFixed(1)}%`,
      raw: (t) => round(t.share, 4),
    },
    {
      header: 'FAILED',
      csv: 'failed',
      align: 'right',
      priority: 7,
      cell: (t) => formatInt(t.failed),
      raw: (t) => t.failed,
    },
    {
      header: 'SUCCESS',
      csv: 'success_rate',
      align: 'right',
      priority: 4,
      cell: (t) => `${(t.successRate * 100).toFixed(1)}%`,
      raw: (t) => round(t.successRate, 4),
    },
    // a bar cut short would misstate its share: it goes whole
    { header: '', csv: 'bar', priority: 1, cell: (t) => bar(t.calls, max, 24) },
  ];
  if (opts.csv) {
    return withNotes(
      {
        stdout: csvText(
          columns.filter((c) => c.csv !== 'bar'),
          r.tools,
        ),
      },
      r.skipped,
      r.notices,
    );
  }
  if (r.tools.length === 0) {
    const what =
      r.sessions === 0
        ? noSessionsText(r.dir)
        : `No tool calls in ${formatInt(r.sessions)} ${plural(r.sessions, 'session')}`;
    return withNotes({ stdout: `${what}\n` }, r.skipped, r.notices);
  }
  const failed = r.tools.reduce((n, t) => n + t.failed, 0);
  const rate = r.totalCalls ? ((1 - failed / r.totalCalls) * 100).toFixed(1) : '100.0';
  const foot = `${formatInt(r.totalCalls)} calls in ${formatInt(r.sessions)} sessions, ${formatInt(failed)} failed (${rate}% succeeded)`;
  return withNotes({ stdout: `${tableText(columns, r.tools)}\n\n${foot}\n` }, r.skipped, r.notices);
}
