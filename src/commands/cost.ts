import { existsSync } from 'node:fs';
import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import {
  csvText,
  type OutputColumn,
  tableText,
  tokenColumns,
  withNotes,
} from '../analytics/output.js';
import { dayKey, validateTimeZone } from '../analytics/period.js';
import {
  type CostTotals,
  costOf,
  type PriceTable,
  type Pricing,
  priceOf,
  priceTable,
  sumCosts,
  unpricedModels,
} from '../analytics/pricing.js';
import { UsageError } from '../errors.js';
import { formatDateTime, formatInt, formatUsd } from '../render/format.js';
import { wrapWords } from '../render/width.js';
import { noSessionsText, settingsPath } from '../session/paths.js';
import type { SkippedFile } from '../session/store.js';
import type { CommandOutput } from './common.js';

export interface CostOptions extends AnalyticsOptions {
  by?: string | undefined;
  rate?: string | number | undefined;
  json?: boolean | undefined;
  csv?: boolean | undefined;
}

const GROUPS = ['session', 'day', 'model'] as const;
type Group = (typeof GROUPS)[number];

export interface SessionCost {
  sessionId: string;
  file: string;
  model: string;
  startTime: string;
  input: number;
  output: number;
  total: number;
  messages: number;
  durationMs: number | null;
  cost: number | null;
}

export interface GroupCost extends CostTotals {
  key: string;
}

export interface CostResult {
  dir: string;
  by: Group;
  pricing: Pricing;
  sessions: SessionCost[];
  total: CostTotals;
  byModel: GroupCost[];
  byDay: GroupCost[];
  unpricedModels: string[];
  skipped: SkippedFile[];
  notices: string[];
}

export function parseRate(value: unknown): number {
  const n = Number(String(value));
  if (String(value).trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--rate: '${String(value)}' is not a price in USD per 1,000 tokens`);
  }
  return n;
}

/** Settings are read (and zod loaded) only when the file exists: most runs have none. */
async function pricingOverrides(): Promise<PriceTable> {
  if (!existsSync(settingsPath())) return {};
  const { loadSettings } = await import('../settings.js');
  return (await loadSettings()).pricing ?? {};
}

export function groupCosts(
  sessions: readonly SessionCost[],
  keyOf: (s: SessionCost) => string,
): GroupCost[] {
  const groups = new Map<string, SessionCost[]>();
  for (const s of sessions) {
    const key = keyOf(s);
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  return [...groups].map(([key, list]) => ({ key, ...sumCosts(list) }));
}

export async function cost(opts: CostOptions): Promise<CostResult> {
  const by = (opts.by ?? 'model') as Group;
  if (!(GROUPS as readonly string[]).includes(by)) {
    throw new UsageError(`--by: '${opts.by}' is not one of ${GROUPS.join(', ')}`);
  }
  const tz = opts.tz ? validateTimeZone(String(opts.tz)) : 'UTC';
  const pricing: Pricing =
    opts.rate !== undefined
      ? { kind: 'flat', usdPer1k: parseRate(opts.rate) }
      : { kind: 'table', table: priceTable(await pricingOverrides()) };
  return withAnalytics(opts, async (ctx) => {
    const sessions = (await ctx.rows('internal/cost-sessions')).map((r): SessionCost => {
      const usage = {
        model: String(r.model),
        input: Number(r.input),
        output: Number(r.output),
        total: Number(r.total),
      };
      return {
        sessionId: String(r.session_id),
        file: String(r.file),
        startTime: String(r.start_time),
        ...usage,
        messages: Number(r.messages),
        durationMs:
          r.duration_ms === null || r.duration_ms === undefined ? null : Number(r.duration_ms),
        cost: costOf(usage, pricing),
      };
    });
    const byModel = groupCosts(sessions, (s) => s.model).sort(
      (a, b) => (b.cost ?? -1) - (a.cost ?? -1) || b.total - a.total,
    );
    const byDay = groupCosts(sessions, (s) => dayKey(Date.parse(s.startTime), tz)).sort((a, b) =>
      a.key < b.key ? -1 : 1,
    );
    return {
      dir: ctx.dir,
      by,
      pricing,
      sessions,
      total: sumCosts(sessions),
      byModel,
      byDay,
      unpricedModels: unpricedModels(sessions),
      skipped: ctx.skipped,
      notices: ctx.notices,
    };
  });
}

const usd = (n: number | null) => (n === null ? null : Math.round(n * 1e6) / 1e6);

export function costJson(r: CostResult): unknown {
  const group = (g: GroupCost, name: string) => ({
    [name]: g.key,
    sessions: g.sessions,
    input: g.input,
    output: g.output,
    total: g.total,
    cost: usd(g.cost),
    unpriced: g.unpriced,
  });
  return {
    currency: 'USD',
    pricing:
      r.pricing.kind === 'flat'
        ? { kind: 'flat', usdPer1kTokens: r.pricing.usdPer1k }
        : { kind: 'table' },
    total: { ...r.total, cost: usd(r.total.cost) },
    sessions: r.sessions.map((s) => ({ ...s, cost: usd(s.cost) })),
    byModel: r.byModel.map((g) => {
      const price = r.pricing.kind === 'table' ? priceOf(r.pricing.table, g.key) : undefined;
      return { ...group(g, 'model'), price: price ?? null };
    }),
    byDay: r.byDay.map((g) => group(g, 'day')),
    unpricedModels: r.unpricedModels,
    skipped: r.skipped,
  };
}

function costCell(n: number | null): string {
  return n === null ? 'unpriced' : formatUsd(n);
}

function warning(r: CostResult): string {
  if (r.unpricedModels.length === 0) return '';
  const n = r.total.unpriced;
  return `grok: warning: no price for ${r.unpricedModels.map((m) => `'${m}'`).join(', ')} (${n} session${n === 1 ? '' : 's'} unpriced, not counted in the total); add it under "pricing" in ${settingsPath()} or use --rate\n`;
}

export function renderCost(r: CostResult, opts: { json?: boolean; csv?: boolean }): CommandOutput {
  const warn = warning(r);
  if (opts.json) {
    return withNotes(
      { stdout: `${JSON.stringify(costJson(r), null, 2)}\n`, stderr: warn },
      [],
      r.notices,
    );
  }
  if (r.sessions.length === 0) {
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
        cell: (s) => costCell(s.cost),
        raw: (s) => usd(s.cost),
      },
    ];
    text = opts.csv ? csvText(columns, r.sessions) : tableText(columns, r.sessions);
  } else {
    const rows = r.by === 'day' ? r.byDay : r.byModel;
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
        cell: (g) => (g.unpriced === g.sessions ? 'unpriced' : formatUsd(g.cost ?? 0)),
        raw: (g) => usd(g.cost),
      },
    ];
    text = opts.csv ? csvText(columns, rows) : tableText(columns, rows);
  }
  if (opts.csv) return withNotes({ stdout: text, stderr: warn }, r.skipped, r.notices);
  const basis =
    r.pricing.kind === 'flat'
      ? `flat $${r.pricing.usdPer1k} per 1,000 tokens`
      : 'xAI list prices (override in settings.json)';
  const total = `Total: ${formatUsd(r.total.cost ?? 0)} for ${formatInt(r.total.sessions - r.total.unpriced)} priced session${r.total.sessions - r.total.unpriced === 1 ? '' : 's'}${r.total.unpriced ? `, ${r.total.unpriced} unpriced` : ''} (${basis})`;
  return withNotes(
    { stdout: `${text}\n\n${wrapWords(total)}\n`, stderr: warn },
    r.skipped,
    r.notices,
  );
}
