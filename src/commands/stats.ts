import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import {
  type CostPartsRow,
  computeCosts,
  partsOf,
  pricesDigest,
  tableInForce,
} from '../analytics/costs.js';
import {
  csvText,
  type OutputColumn,
  round,
  tableText,
  tokenColumns,
  withNotes,
} from '../analytics/output.js';
import { selectionFrom, validateTimeZone } from '../analytics/period.js';
import { costOfParts, type PriceTable, priceRows } from '../analytics/pricing.js';
import {
  cachedShare,
  GROUPS,
  type Group,
  type GroupStat,
  type ModelStat,
  type StatsResult,
  statsJson,
  type ToolStat,
  type UsageDetail,
  usd,
} from '../analytics/stats-result.js';
import type { TotalsValue as TotalsRow } from '../analytics/summary-answers.js';
import { UsageError } from '../errors.js';
import {
  bar,
  formatDuration,
  formatInt,
  formatTokens,
  formatUsd,
  plural,
} from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { liveLocks, lockPathFor } from '../session/lock.js';
import { namedOutside, noSessionsText } from '../session/paths.js';

export interface StatsOptions extends AnalyticsOptions {
  by?: string | undefined;
  json?: boolean | undefined;
  csv?: boolean | undefined;
}

function group(value: string | undefined): Group | undefined {
  if (value === undefined) return undefined;
  if (!(GROUPS as readonly string[]).includes(value)) {
    throw new UsageError(`--by: '${value}' is not one of ${GROUPS.join(', ')}`);
  }
  return value as Group;
}

/** Milliseconds to the tenth: an interpolated percentile carries float noise (19092.69999999999). */
const msOrNull = (n: number | null | undefined): number | null =>
  n === null || n === undefined ? null : round(n, 1);

const PERIOD_FORMAT: Record<string, string> = { day: '%Y-%m-%d', week: '%Y-%m-%d', month: '%Y-%m' };

/** The usage columns of session-costs.sql a group carries: null where none of its sessions has any. */
interface UsageColumns {
  cached_input?: number | null;
  reasoning?: number | null;
  unknown_calls?: number | null;
}

/** A row of by-period.sql, by-project.sql or by-machine.sql (which has no usage columns). */
type GroupRow = Pick<GroupStat, 'key' | 'sessions' | 'messages' | 'input' | 'output' | 'total'> &
  UsageColumns;

/** models.sql */
type ModelRow = Omit<GroupRow, 'key'> & { model: string };

interface LatencyMeasures {
  replies: number;
  median_ms: number | null;
  p95_ms: number | null;
  timed_output: number | null;
  timed_ms: number | null;
}

/** latency-by-model.sql: per session model (its count of replies is not read). */
type ModelLatencyRow = Omit<LatencyMeasures, 'replies'> & { model: string };

/**
 * latency.sql: over all the selected sessions; over a pool, the latency per model comes with it
 * (pool-latency.sql).
 */
interface LatencyRow extends LatencyMeasures {
  models?: ModelLatencyRow[];
}

/** active-sessions.sql */
interface ActiveRow {
  path: string;
  source: string;
}

/** usage-totals.sql */
interface UsageRow extends CostPartsRow {
  cached_input: number;
  reasoning: number;
  api_calls: number;
  unknown_calls: number;
  unpriced_sessions: number;
}

function detail(r: UsageColumns | undefined): UsageDetail {
  return {
    cachedInput: r?.cached_input ?? 0,
    reasoning: r?.reasoning ?? 0,
    unknownCalls: r?.unknown_calls ?? 0,
  };
}

function groupRow(r: GroupRow): GroupStat {
  return {
    key: r.key,
    sessions: r.sessions,
    messages: r.messages,
    input: r.input,
    output: r.output,
    total: r.total,
    ...detail(r),
  };
}

/**
 * What stats reads of a pool (pool.ts): the sessions table alone, each session's summary having
 * the rest, and not the columns it never uses.
 */
const POOL_READING = {
  tables: ['sessions'],
  omit: ['name', 'end_time', 'last_activity', 'cost_estimated_usd', 'cost_exact_usd'],
} as const;

export async function stats(opts: StatsOptions): Promise<StatsResult> {
  const by = group(opts.by);
  if (by === 'machine' && opts.from === undefined) {
    throw new UsageError('--by machine groups a pool: give --from DIR');
  }
  const tz = opts.tz ? validateTimeZone(String(opts.tz)) : 'UTC';
  const { table } = await tableInForce();
  // Over a pool, what groups answer is summed from them (pool.ts: GroupedReading).
  const grouped =
    by === undefined || by === 'machine' || by === 'model' || by === 'tool'
      ? {
          prices: JSON.stringify(priceRows(table)),
          values: by === 'model' ? ('by model' as const) : ('overall' as const),
        }
      : undefined;
  // the selection is never narrowed afterwards (analytics-run.ts: overWhole)
  const reading = { ...opts, poolReading: { ...POOL_READING, grouped }, fixedSelection: true };
  if (
    by === undefined &&
    opts.from === undefined &&
    opts.machine === undefined &&
    !opts.includeArchived
  ) {
    const answered = await statsFromSummary(opts, table);
    if (answered) return answered;
  }
  return withAnalytics(reading, async (ctx) => {
    await computeCosts(ctx, table);
    // the measures latency.sql and latency-by-model.sql share
    await ctx.conn.run(ctx.sql('internal/latency-measures'));
    // tools.sql gives each tool's row as ToolStat has it
    const values = await ctx.values<StatsValues>([
      'internal/stats-totals',
      'internal/tools',
      'internal/models',
      'internal/latency',
      'internal/active-sessions',
      'internal/usage-totals',
    ]);
    const [, tools, modelRows, lat] = values;
    let groups: GroupStat[] | undefined;
    if (by === 'day' || by === 'week' || by === 'month') {
      groups = (
        await ctx.rows<GroupRow>('internal/by-period', {
          unit: by,
          tz,
          format: PERIOD_FORMAT[by] as string,
        })
      ).map(groupRow);
    } else if (by === 'project') {
      groups = (await ctx.rows<GroupRow>('internal/by-project')).map(groupRow);
    } else if (by === 'machine') {
      groups = (await ctx.rows<GroupRow>('internal/by-machine')).map(groupRow);
    } else if (by === 'model') {
      // Per model only when asked: grouping every reply by its session's model costs the
      // default stats more than the rest of its queries together.
      const perModel =
        lat?.models ?? (await ctx.rows<ModelLatencyRow>('internal/latency-by-model'));
      const latency = new Map(perModel.map((r) => [r.model, r]));
      groups = modelRows.map((r) => {
        const l = latency.get(r.model);
        const timedMs = l?.timed_ms ?? 0;
        return {
          ...groupRow({ ...r, key: r.model }),
          medianReplyMs: l?.median_ms ?? null,
          p95ReplyMs: l?.p95_ms ?? null,
          outputTokensPerSecond:
            timedMs > 0 ? round((l?.timed_output ?? 0) / (timedMs / 1000), 1) : null,
        };
      });
    } else if (by === 'tool') {
      groups = tools.map((t) => ({
        key: t.tool,
        sessions: t.sessions,
        messages: 0,
        input: 0,
        output: 0,
        total: 0,
        calls: t.calls,
      }));
    }
    if (ctx.scan && by === undefined) {
      const { keepSummary } = await import('../analytics/summary.js');
      await keepSummary(ctx.conn, ctx.home, ctx.scan, await pricesDigest(table));
    }
    return statsOf(values, { ...ctx, by, groups });
  });
}

/** The values of the six queries of stats, in order. */
type StatsValues = [
  TotalsRow | null,
  ToolStat[],
  ModelRow[],
  LatencyRow | null,
  ActiveRow[],
  UsageRow | null,
];

/**
 * stats over every session the summary holds (summary.ts), when it holds exactly the files of
 * the sessions directory: the same values as the queries give on the index
 * (summary-answers.ts), without loading DuckDB. Undefined when no summary answers.
 */
async function statsFromSummary(
  opts: StatsOptions,
  table: PriceTable,
): Promise<StatsResult | undefined> {
  const { grokHome, readSessionsDir } = await import('../session/paths.js');
  const dir = readSessionsDir(opts);
  const { summaryOf } = await import('../analytics/summary.js');
  const found = await summaryOf(grokHome(), dir, table);
  if (!found) return undefined;
  const { archived: _, ...filters } = selectionFrom(opts);
  const everySession = Object.values(filters).every((v) => v === null);
  // over every session, the values were computed when the summary was written
  const values: StatsValues = everySession
    ? found.summary.whole.values
    : await import('../analytics/summary-answers.js').then((a) =>
        a.statsValues(a.selectSessions(found.summary.sessions, filters)),
      );
  return statsOf(values, {
    dir,
    locks: found.scan.locks,
    skipped: found.summary.skipped.filter(
      (f) => !namedOutside(f.file, filters.since, filters.until),
    ),
    notices: [],
    by: undefined,
    groups: undefined,
  });
}

/** The result of stats from the values of its six queries, however they were computed. */
function statsOf(
  [totals, tools, modelRows, lat, active, usage]: StatsValues,
  ctx: {
    dir: string;
    locks: string[];
    skipped: StatsResult['skipped'];
    notices: string[];
    by: Group | undefined;
    groups: GroupStat[] | undefined;
  },
): StatsResult {
  const models = modelRows.map((r) => ({
    model: r.model,
    sessions: r.sessions,
    input: r.input,
    output: r.output,
    total: r.total,
    ...detail(r),
  }));
  let running = 0;
  let crashed = 0;
  // The stat pass listed the lock files: no failed open per session still marked active.
  const live = liveLocks(ctx.dir, ctx.locks);
  for (const r of active) {
    const held = r.source === 'live' && live.size > 0 && live.has(lockPathFor(r.path));
    if (held) running++;
    else crashed++;
  }
  const sessions = totals?.sessions ?? 0;
  const ended = totals?.ended ?? 0;
  const interrupted = totals?.interrupted ?? 0;
  const endedOnly = Math.max(0, ended);
  const finished = endedOnly + interrupted + crashed;
  const timedMs = lat?.timed_ms ?? 0;
  return {
    dir: ctx.dir,
    by: ctx.by,
    sessions,
    messages: totals?.messages ?? 0,
    toolCalls: totals?.tool_calls ?? 0,
    avgMessagesPerSession: sessions ? (totals?.messages ?? 0) / sessions : 0,
    avgTokensPerSession: sessions ? (totals?.total ?? 0) / sessions : 0,
    avgDurationMs: totals?.avg_duration_ms ?? null,
    tokens: {
      input: totals?.input ?? 0,
      output: totals?.output ?? 0,
      total: totals?.total ?? 0,
      cachedInput: usage?.cached_input ?? 0,
      reasoning: usage?.reasoning ?? 0,
    },
    calls: { recorded: usage?.api_calls ?? 0, unknownUsage: usage?.unknown_calls ?? 0 },
    cost: costFigures(usage),
    tools,
    models,
    latency: {
      replies: lat?.replies ?? 0,
      medianMs: msOrNull(lat?.median_ms),
      p95Ms: msOrNull(lat?.p95_ms),
    },
    outputTokensPerSecond: timedMs > 0 ? (lat?.timed_output ?? 0) / (timedMs / 1000) : null,
    durations: {
      medianMs: msOrNull(totals?.median_duration_ms),
      p95Ms: msOrNull(totals?.p95_duration_ms),
    },
    outcomes: {
      ended: endedOnly,
      interrupted,
      crashed,
      running,
      successRate: finished > 0 ? endedOnly / finished : null,
    },
    groups: ctx.groups,
    skipped: ctx.skipped,
    notices: ctx.notices,
  };
}

function costFigures(usage: UsageRow | null): StatsResult['cost'] {
  const parts = partsOf(usage);
  const { cost, exact, estimated } = costOfParts(parts);
  return { cost, exact, estimated, parts, unpricedSessions: usage?.unpriced_sessions ?? 0 };
}

function groupColumns(r: StatsResult): OutputColumn<GroupStat>[] {
  const byTool = r.by === 'tool';
  const max = Math.max(0, ...(r.groups ?? []).map((g) => (byTool ? (g.calls ?? 0) : g.total)));
  const keyHeader = r.by === 'project' ? 'PROJECT' : (r.by ?? 'key').toUpperCase();
  const columns: OutputColumn<GroupStat>[] = [
    {
      header: keyHeader,
      csv: r.by ?? 'key',
      priority: 9,
      minWidth: 16,
      cut: r.by === 'project' ? 'middle' : 'end',
      cell: (g) => g.key,
    },
  ];
  if (byTool) {
    columns.push(
      {
        header: 'CALLS',
        csv: 'calls',
        align: 'right',
        priority: 8,
        cell: (g) => formatInt(g.calls ?? 0),
        raw: (g) => g.calls,
      },
      {
        header: 'SESSIONS',
        csv: 'sessions',
        align: 'right',
        priority: 6,
        cell: (g) => formatInt(g.sessions),
        raw: (g) => g.sessions,
      },
      // a bar cut short would misstate its share: it goes whole
      {
        header: '',
        csv: 'bar',
        priority: 1,
        cell: (g) => bar(g.calls ?? 0, max),
        raw: () => undefined,
      },
    );
    return columns;
  }
  columns.push(
    {
      header: 'SESSIONS',
      csv: 'sessions',
      align: 'right',
      priority: 6,
      cell: (g) => formatInt(g.sessions),
      raw: (g) => g.sessions,
    },
    {
      header: 'MSGS',
      csv: 'messages',
      align: 'right',
      priority: 3,
      cell: (g) => formatInt(g.messages),
      raw: (g) => g.messages,
    },
    ...tokenColumns<GroupStat>(),
    {
      header: 'CACHED',
      csv: 'cached_input',
      align: 'right',
      priority: 2,
      cell: (g) => percent(cachedShare(g.cachedInput ?? 0, g.input), 0),
      raw: (g) => g.cachedInput,
    },
    {
      header: 'REASON',
      csv: 'reasoning',
      align: 'right',
      priority: 2,
      cell: (g) => formatTokens(g.reasoning ?? 0),
      raw: (g) => g.reasoning,
    },
    {
      header: 'TOKENS',
      csv: 'bar',
      priority: 1,
      cell: (g) => bar(g.total, max),
      raw: () => undefined,
    },
  );
  if (r.by === 'model') {
    columns.splice(
      columns.length - 1,
      0,
      {
        header: 'LATENCY P50',
        csv: 'median_reply_ms',
        align: 'right',
        priority: 4,
        cell: (g) => formatDuration(g.medianReplyMs ?? null),
        raw: (g) => g.medianReplyMs,
      },
      {
        header: 'P95',
        csv: 'p95_reply_ms',
        align: 'right',
        priority: 2,
        cell: (g) => formatDuration(g.p95ReplyMs ?? null),
        raw: (g) => g.p95ReplyMs,
      },
      {
        header: 'TOK/S',
        csv: 'output_tokens_per_second',
        align: 'right',
        priority: 2,
        cell: (g) => (g.outputTokensPerSecond == null ? '-' : g.outputTokensPerSecond.toFixed(1)),
        raw: (g) => g.outputTokensPerSecond,
      },
    );
  }
  return columns;
}

function unpriced(sessions: number): string {
  if (sessions === 0) return '';
  return ` (${formatInt(sessions)} ${plural(sessions, 'session')} unpriced)`;
}

function percent(rate: number | null, digits = 1): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(digits)}%`;
}

/**
 * The summary: each line's label and text for the table, and its value(s) for CSV, one number per
 * row, durations in milliseconds.
 */
function summaryPairs(r: StatsResult): [string, string, [string, unknown][]][] {
  const one = (
    label: string,
    text: string,
    raw: unknown,
  ): [string, string, [string, unknown][]] => [label, text, [[label, raw]]];
  return [
    one('Sessions', formatInt(r.sessions), r.sessions),
    one('Messages', formatInt(r.messages), r.messages),
    one('Tool calls', formatInt(r.toolCalls), r.toolCalls),
    one('Tokens in', formatInt(r.tokens.input), r.tokens.input),
    one('Tokens out', formatInt(r.tokens.output), r.tokens.output),
    one('Tokens total', formatInt(r.tokens.total), r.tokens.total),
    one(
      'Cached input',
      `${formatInt(r.tokens.cachedInput)} (${percent(cachedShare(r.tokens.cachedInput, r.tokens.input))} of in)`,
      r.tokens.cachedInput,
    ),
    one('Reasoning tokens', formatInt(r.tokens.reasoning), r.tokens.reasoning),
    one('Calls, usage unknown', formatInt(r.calls.unknownUsage), r.calls.unknownUsage),
    one('Cost billed (exact)', formatUsd(r.cost.exact), usd(r.cost.exact)),
    one(
      'Cost estimated',
      `~${formatUsd(r.cost.estimated)}${unpriced(r.cost.unpricedSessions)}`,
      usd(r.cost.estimated),
    ),
    one(
      'Avg messages / session',
      r.avgMessagesPerSession.toFixed(1),
      round(r.avgMessagesPerSession),
    ),
    one(
      'Avg tokens / session',
      formatInt(r.avgTokensPerSession),
      Math.round(r.avgTokensPerSession),
    ),
    [
      'Avg duration',
      formatDuration(r.avgDurationMs),
      [['Avg duration (ms)', r.avgDurationMs === null ? null : Math.round(r.avgDurationMs)]],
    ],
    [
      'Duration median / p95',
      `${formatDuration(r.durations.medianMs)} / ${formatDuration(r.durations.p95Ms)}`,
      [
        ['Duration median (ms)', r.durations.medianMs],
        ['Duration p95 (ms)', r.durations.p95Ms],
      ],
    ],
    [
      'Reply latency median / p95',
      `${formatDuration(r.latency.medianMs)} / ${formatDuration(r.latency.p95Ms)}`,
      [
        ['Reply latency median (ms)', r.latency.medianMs],
        ['Reply latency p95 (ms)', r.latency.p95Ms],
      ],
    ],
    one(
      'Output tokens / s',
      r.outputTokensPerSecond === null ? '-' : r.outputTokensPerSecond.toFixed(1),
      r.outputTokensPerSecond,
    ),
    [
      'Ended / interrupted / crashed',
      `${r.outcomes.ended} / ${r.outcomes.interrupted} / ${r.outcomes.crashed}`,
      [
        ['Ended', r.outcomes.ended],
        ['Interrupted', r.outcomes.interrupted],
        ['Crashed', r.outcomes.crashed],
      ],
    ],
    one('Success rate', percent(r.outcomes.successRate), r.outcomes.successRate),
  ];
}

export function renderStats(
  r: StatsResult,
  opts: { json?: boolean; csv?: boolean },
): CommandOutput {
  if (opts.json) {
    return withNotes({ stdout: jsonText(statsJson(r)) }, [], r.notices);
  }
  if (r.groups) {
    const columns = groupColumns(r);
    const body = opts.csv
      ? csvText(
          columns.filter((c) => c.csv !== 'bar'),
          r.groups,
        )
      : r.groups.length === 0
        ? `${noSessionsText(r.dir)}\n`
        : `${tableText(columns, r.groups)}\n`;
    return withNotes({ stdout: body }, r.skipped, r.notices);
  }
  const pairs = summaryPairs(r);
  if (opts.csv) {
    const rows = pairs.flatMap(([, , values]) => values.map(([k, raw]) => ({ k, raw })));
    return withNotes(
      {
        stdout: csvText(
          [
            { header: 'metric', cell: (x: { k: string }) => x.k },
            { header: 'value', cell: () => '', raw: (x: { raw: unknown }) => x.raw },
          ],
          rows,
        ),
      },
      r.skipped,
      r.notices,
    );
  }
  if (r.sessions === 0) {
    return withNotes({ stdout: `${noSessionsText(r.dir)}\n` }, r.skipped, r.notices);
  }
  const lines = [
    tableText(
      [
        { header: 'METRIC', cell: (p: [string, string, unknown]) => p[0] },
        { header: 'VALUE', align: 'right', cell: (p: [string, string, unknown]) => p[1] },
      ],
      pairs,
    ),
  ];
  if (r.tools.length > 0) {
    const max = r.tools[0]?.calls ?? 0;
    lines.push(
      '',
      tableText(
        [
          { header: 'TOP TOOLS', cell: (t: ToolStat) => t.tool },
          { header: 'CALLS', align: 'right', cell: (t: ToolStat) => formatInt(t.calls) },
          { header: 'FAILED', align: 'right', cell: (t: ToolStat) => formatInt(t.failed) },
          {
            header: 'SUCCESS',
            align: 'right',
            cell: (t: ToolStat) =>
              `${(t.calls ? (1 - t.failed / t.calls) * 100 : 100).toFixed(1)}%`,
          },
          { header: '', cell: (t: ToolStat) => bar(t.calls, max, 20) },
        ],
        r.tools.slice(0, 10),
      ),
    );
  }
  lines.push(
    '',
    tableText(
      [
        { header: 'MODEL', cell: (m: ModelStat) => m.model },
        { header: 'SESSIONS', align: 'right', cell: (m: ModelStat) => formatInt(m.sessions) },
        { header: 'TOKENS', align: 'right', cell: (m: ModelStat) => formatTokens(m.total) },
      ],
      r.models,
    ),
  );
  return withNotes({ stdout: `${lines.join('\n')}\n` }, r.skipped, r.notices);
}
