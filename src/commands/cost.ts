import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import {
  type CostFigures,
  type CostResult,
  type CostTotals,
  costCell,
  costJson,
  GROUPS,
  type Group,
  type GroupCost,
  type SessionCost,
  usd,
} from '../analytics/cost-result.js';

/** The cost cell of the tables (`top` shows it too). */
export { costCell };

import {
  type CostPartsRow,
  computeCosts,
  partsOf,
  pricesDigest,
  type SessionCostPartsRow,
  tableInForce,
} from '../analytics/costs.js';
import {
  csvText,
  type OutputColumn,
  tableText,
  tokenColumns,
  withNotes,
} from '../analytics/output.js';
import { dayKey, selectionFrom, validateTimeZone } from '../analytics/period.js';
import {
  addParts,
  type CostParts,
  costOfParts,
  flatCost,
  NO_COST,
  type Pricing,
  priceRows,
} from '../analytics/pricing.js';
import { XAI_PRICE_DATA } from '../analytics/xai-prices.js';
import { UsageError } from '../errors.js';
import { formatDateTime, formatInt, formatUsd, plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { wrapWords } from '../render/width.js';
import { namedOutside, noSessionsText, settingsPath } from '../session/paths.js';

export interface CostOptions extends AnalyticsOptions {
  by?: string | undefined;
  /**
   * Only the groups and the total are shown (a table or CSV by day, model or machine): over a pool
   * they are summed in SQL, not session by session (a pool may hold millions).
   */
  groupsOnly?: boolean | undefined;
  rate?: string | number | undefined;
  json?: boolean | undefined;
  csv?: boolean | undefined;
}

export function parseRate(value: unknown): number {
  const n = Number(String(value));
  if (String(value).trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--rate: '${String(value)}' is not a price in USD per 1,000 tokens`);
  }
  return n;
}

function figures(parts: CostParts, total: number, pricing: Pricing): CostFigures {
  if (pricing.kind === 'flat') {
    return { cost: flatCost(total, pricing.usdPer1k), exact: null, estimated: null, parts };
  }
  return { ...costOfParts(parts), parts };
}

export function sumCosts(rows: readonly SessionCost[], pricing: Pricing): CostTotals {
  let parts = NO_COST;
  const t = { sessions: 0, input: 0, output: 0, total: 0, unpriced: 0 };
  for (const r of rows) {
    t.sessions++;
    t.input += r.input;
    t.output += r.output;
    t.total += r.total;
    if (r.parts.unpricedCalls > 0) t.unpriced++;
    parts = addParts(parts, r.parts);
  }
  return { ...t, ...figures(parts, t.total, pricing) };
}

/** The total of groups (pool-cost-groups.sql), as sumCosts makes it of sessions. */
function sumGroups(groups: readonly GroupCost[], pricing: Pricing): CostTotals {
  let parts = NO_COST;
  const t = { sessions: 0, input: 0, output: 0, total: 0, unpriced: 0 };
  for (const g of groups) {
    t.sessions += g.sessions;
    t.input += g.input;
    t.output += g.output;
    t.total += g.total;
    t.unpriced += g.unpriced;
    parts = addParts(parts, g.parts);
  }
  return { ...t, ...figures(parts, t.total, pricing) };
}

export function groupCosts(
  sessions: readonly SessionCost[],
  keyOf: (s: SessionCost) => string,
  pricing: Pricing,
): GroupCost[] {
  const groups = new Map<string, SessionCost[]>();
  for (const s of sessions) {
    const key = keyOf(s);
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  return [...groups].map(([key, list]) => ({ key, ...sumCosts(list, pricing) }));
}

/** Models whose usage could not be priced: their sessions' model (usage rows name theirs). */
function unpricedModels(sessions: readonly SessionCost[]): string[] {
  return [...new Set(sessions.filter((s) => s.parts.unpricedCalls > 0).map((s) => s.model))].sort();
}

/**
 * What cost reads of a pool (pool.ts): the sessions table alone, each session's summary having
 * the rest, and not the columns it never uses.
 */
const POOL_READING = {
  tables: ['sessions'],
  omit: [
    'name',
    'end_time',
    'last_activity',
    'cost_estimated_usd',
    'cost_exact_usd',
    'reply_ms',
    'timed_output',
    'timed_ms',
    'tools',
  ],
} as const;

/** A row of pool-cost-groups.sql. */
interface GroupCostRow extends CostPartsRow {
  key: string;
  sessions: number;
  input: number;
  output: number;
  total: number;
  unpriced: number;
}

/** An element of cost-sessions.sql: the machine is a pool's (null over this machine's sessions). */
interface SessionCostRow extends Omit<SessionCostPartsRow, 'start_time'> {
  /** The start, in epoch milliseconds. */
  start_ms: number;
  machine: string | null;
}

export async function cost(opts: CostOptions): Promise<CostResult> {
  const by = (opts.by ?? 'model') as Group;
  if (!(GROUPS as readonly string[]).includes(by)) {
    throw new UsageError(`--by: '${opts.by}' is not one of ${GROUPS.join(', ')}`);
  }
  if (by === 'machine' && opts.from === undefined) {
    throw new UsageError('--by machine groups a pool: give --from DIR');
  }
  const tz = opts.tz ? validateTimeZone(String(opts.tz)) : 'UTC';
  const rate = opts.rate === undefined ? undefined : parseRate(opts.rate);
  const inForce = await tableInForce();
  const pricing: Pricing =
    rate !== undefined ? { kind: 'flat', usdPer1k: rate } : { kind: 'table', table: inForce.table };
  // Over a pool, groups of machines or models are summed from its groups (pool.ts: GroupedReading).
  const grouped =
    opts.groupsOnly && (by === 'machine' || by === 'model')
      ? { prices: JSON.stringify(priceRows(inForce.table)), values: 'none' as const }
      : undefined;
  // the selection is never narrowed afterwards (analytics-run.ts: overWhole)
  const reading = { ...opts, poolReading: { ...POOL_READING, grouped }, fixedSelection: true };
  if (opts.from === undefined && opts.machine === undefined && !opts.includeArchived) {
    const answered = await costFromSummary(opts, by, tz, pricing, inForce);
    if (answered) return answered;
  }
  return withAnalytics(reading, async (ctx) => {
    await computeCosts(ctx, inForce.table);
    const pooled = opts.from !== undefined;
    const overridden = Object.keys(inForce.overrides).sort();
    if (pooled && opts.groupsOnly && by !== 'session') {
      const rows = await ctx.rows<GroupCostRow>('internal/pool-cost-groups', { by, tz });
      const groups = rows.map((r): GroupCost => {
        const { key, sessions, input, output, total, unpriced } = r;
        return {
          key,
          sessions,
          input,
          output,
          total,
          unpriced,
          ...figures(partsOf(r), total, pricing),
        };
      });
      groups.sort(
        by === 'day'
          ? (a, b) => (a.key < b.key ? -1 : 1)
          : (a, b) =>
              (b.cost ?? -1) - (a.cost ?? -1) || b.total - a.total || (a.key < b.key ? -1 : 1),
      );
      const models = (await ctx.rows<{ model: string }>('internal/pool-unpriced-models')).map(
        (r) => r.model,
      );
      return {
        dir: ctx.dir,
        by,
        pricing,
        overridden,
        sessions: [],
        total: sumGroups(groups, pricing),
        byModel: by === 'model' ? groups : [],
        byDay: by === 'day' ? groups : [],
        byMachine: by === 'machine' ? groups : undefined,
        unpricedModels: pricing.kind === 'flat' ? [] : models,
        skipped: ctx.skipped,
        notices: ctx.notices,
      };
    }
    const [rows] = await ctx.values<[SessionCostRow[] | null]>(['internal/cost-sessions']);
    if (ctx.scan) {
      const { keepSummary } = await import('../analytics/summary.js');
      await keepSummary(ctx.conn, ctx.home, ctx.scan, await pricesDigest(inForce.table));
    }
    return costOf(rows ?? [], {
      dir: ctx.dir,
      by,
      tz,
      pricing,
      overridden,
      pooled,
      skipped: ctx.skipped,
      notices: ctx.notices,
    });
  });
}

/**
 * cost over this machine's sessions from the summary (summary.ts), when it holds exactly the
 * files of the sessions directory: the sessions cost-sessions.sql gives on the index
 * (summary-answers.ts: costSessions), without loading DuckDB. Undefined when no summary answers.
 */
async function costFromSummary(
  opts: CostOptions,
  by: Group,
  tz: string,
  pricing: Pricing,
  inForce: Awaited<ReturnType<typeof tableInForce>>,
): Promise<CostResult | undefined> {
  const { grokHome, readSessionsDir } = await import('../session/paths.js');
  const dir = readSessionsDir(opts);
  const { summaryOf } = await import('../analytics/summary.js');
  const found = await summaryOf(grokHome(), dir, inForce.table);
  if (!found) return undefined;
  const a = await import('../analytics/summary-answers.js');
  const { archived: _, ...filters } = selectionFrom(opts);
  const rows = a.costSessions(a.selectSessions(found.summary.sessions, filters));
  return costOf(rows, {
    dir,
    by,
    tz,
    pricing,
    overridden: Object.keys(inForce.overrides).sort(),
    pooled: false,
    skipped: found.summary.skipped.filter(
      (f) => !namedOutside(f.file, filters.since, filters.until),
    ),
    notices: [],
  });
}

/** The result of cost from its sessions (cost-sessions.sql), however they were computed. */
function costOf(
  rows: readonly SessionCostRow[],
  ctx: {
    dir: string;
    by: Group;
    tz: string;
    pricing: Pricing;
    overridden: string[];
    pooled: boolean;
    skipped: CostResult['skipped'];
    notices: string[];
  },
): CostResult {
  const { pricing, tz, pooled } = ctx;
  const sessions = rows.map(
    (r): SessionCost => ({
      sessionId: r.session_id,
      file: r.file,
      model: r.model,
      startTime: new Date(r.start_ms).toISOString(),
      input: r.input,
      output: r.output,
      total: r.total,
      messages: r.messages,
      durationMs: r.duration_ms,
      ...figures(partsOf(r), r.total, pricing),
      ...(r.machine !== null ? { machine: r.machine } : {}),
    }),
  );
  const byModel = groupCosts(sessions, (s) => s.model, pricing).sort(
    (a, b) => (b.cost ?? -1) - (a.cost ?? -1) || b.total - a.total,
  );
  const byDay = groupCosts(sessions, (s) => dayKey(Date.parse(s.startTime), tz), pricing).sort(
    (a, b) => (a.key < b.key ? -1 : 1),
  );
  const byMachine = pooled
    ? groupCosts(sessions, (s) => s.machine ?? '', pricing).sort(
        (a, b) => (b.cost ?? -1) - (a.cost ?? -1) || b.total - a.total || (a.key < b.key ? -1 : 1),
      )
    : undefined;
  return {
    dir: ctx.dir,
    by: ctx.by,
    pricing,
    overridden: ctx.overridden,
    sessions,
    total: sumCosts(sessions, pricing),
    byModel,
    byDay,
    byMachine,
    unpricedModels: pricing.kind === 'flat' ? [] : unpricedModels(sessions),
    skipped: ctx.skipped,
    notices: ctx.notices,
  };
}

function warning(r: CostResult): string {
  if (r.unpricedModels.length === 0) return '';
  const n = r.total.unpriced;
  return `grok: warning: no price for ${r.unpricedModels.map((m) => `'${m}'`).join(', ')} (${n} ${plural(n, 'session')} with unpriced usage, not counted in the total); add it under "pricing" in ${settingsPath()} or use --rate\n`;
}

/** The line under the table: the total, how much of it is exact, and where the rest comes from. */
export function totalLine(r: CostResult): string {
  const t = r.total;
  const counted = (n: number, what: string) => `${formatInt(n)} ${plural(n, what)}`;
  if (r.pricing.kind === 'flat') {
    return `What-if: ${formatUsd(t.cost ?? 0)} for ${counted(t.sessions, 'session')} at a flat $${r.pricing.usdPer1k} per 1,000 tokens (--rate: not the billed cost)`;
  }
  const exact = t.exact ?? 0;
  const estimated = t.estimated ?? 0;
  const parts = [
    `${formatUsd(exact)} billed (exact)`,
    `~${formatUsd(estimated)} estimated from xAI list prices of ${XAI_PRICE_DATA.read}${r.overridden.length > 0 ? ' and settings.json' : ''}`,
  ];
  if (t.parts.totalsOnly) parts.push('some from session totals only, at base rates');
  if (t.unpriced) parts.push(`${counted(t.unpriced, 'session')} unpriced`);
  const sum = `${t.parts.estimatedCalls > 0 ? '~' : ''}${formatUsd(t.cost ?? 0)}`;
  return `Total: ${sum} for ${counted(t.sessions, 'session')}: ${parts.join(', ')}`;
}

/** CSV only: the billed and estimated parts apart (a table shows them in the total line). */
function exactColumns<R extends CostFigures>(r: CostResult): OutputColumn<R>[] {
  if (r.pricing.kind === 'flat') return [];
  return [
    { header: 'EXACT', csv: 'exact_usd', cell: () => '', raw: (x) => usd(x.exact) },
    { header: 'ESTIMATED', csv: 'estimated_usd', cell: () => '', raw: (x) => usd(x.estimated) },
  ];
}

export function renderCost(r: CostResult, opts: { json?: boolean; csv?: boolean }): CommandOutput {
  const warn = warning(r);
  if (opts.json) {
    return withNotes({ stdout: jsonText(costJson(r)), stderr: warn }, [], r.notices);
  }
  if (r.total.sessions === 0) {
    return withNotes({ stdout: `${noSessionsText(r.dir)}\n` }, r.skipped, r.notices);
  }
  let text: string;
  if (r.by === 'session') {
    const columns: OutputColumn<SessionCost>[] = [
      {
        header: 'SESSION',
        csv: 'session',
        priority: 9,
        cell: (s) => s.file.replace(/\.json$/, ''),
      },
      {
        header: 'START (UTC)',
        csv: 'start',
        priority: 5,
        cell: (s) => formatDateTime(s.startTime),
        raw: (s) => s.startTime,
      },
      { header: 'MODEL', csv: 'model', priority: 6, minWidth: 11, cell: (s) => s.model },
      ...tokenColumns(),
      {
        header: 'COST',
        csv: 'cost_usd',
        align: 'right',
        priority: 8,
        cell: (s) => costCell(s),
        raw: (s) => usd(s.cost),
      },
      ...(opts.csv ? exactColumns<SessionCost>(r) : []),
    ];
    text = opts.csv ? csvText(columns, r.sessions) : tableText(columns, r.sessions);
  } else {
    const rows = r.by === 'day' ? r.byDay : r.by === 'machine' ? (r.byMachine ?? []) : r.byModel;
    const columns: OutputColumn<GroupCost>[] = [
      { header: r.by.toUpperCase(), csv: r.by, priority: 9, minWidth: 16, cell: (g) => g.key },
      {
        header: 'SESSIONS',
        csv: 'sessions',
        align: 'right',
        priority: 5,
        cell: (g) => formatInt(g.sessions),
        raw: (g) => g.sessions,
      },
      ...tokenColumns(),
      {
        header: 'COST',
        csv: 'cost_usd',
        align: 'right',
        priority: 8,
        cell: (g) => costCell(g),
        raw: (g) => usd(g.cost),
      },
      ...(opts.csv ? exactColumns<GroupCost>(r) : []),
    ];
    text = opts.csv ? csvText(columns, rows) : tableText(columns, rows);
  }
  if (opts.csv) return withNotes({ stdout: text, stderr: warn }, r.skipped, r.notices);
  return withNotes(
    { stdout: `${text}\n\n${wrapWords(totalLine(r))}\n`, stderr: warn },
    r.skipped,
    r.notices,
  );
}
