/**
 * What `grok sessions cost` computes, and its `--json` shape: the cost command prints it, the
 * HTML report embeds it.
 */
import type { SkippedFile } from '../session/store.js';
import { type CostParts, type Pricing, priceOf } from './pricing.js';
import { XAI_PRICE_DATA } from './xai-prices.js';

export const GROUPS = ['session', 'day', 'model', 'machine'] as const;
export type Group = (typeof GROUPS)[number];

/**
 * A cost in USD: `exact` is what xAI billed, `estimated` what the price table gives for usage it
 * did not bill; `cost` their sum, null when none of it could be priced. Under --rate the flat
 * what-if replaces both (they are null then).
 */
export interface CostFigures {
  cost: number | null;
  exact: number | null;
  estimated: number | null;
  parts: CostParts;
}

export interface SessionCost extends CostFigures {
  sessionId: string;
  file: string;
  model: string;
  startTime: string;
  input: number;
  output: number;
  total: number;
  messages: number;
  durationMs: number | null;
  /** Over a pool (--from): the machine the session was exported from. */
  machine?: string;
}

export interface CostTotals extends CostFigures {
  sessions: number;
  input: number;
  output: number;
  total: number;
  /** Sessions with usage whose model has no price (and no billed cost). */
  unpriced: number;
}

export interface GroupCost extends CostTotals {
  key: string;
}

export interface CostResult {
  dir: string;
  by: Group;
  pricing: Pricing;
  /** Models with a settings.json override. */
  overridden: string[];
  sessions: SessionCost[];
  total: CostTotals;
  byModel: GroupCost[];
  byDay: GroupCost[];
  /** Over a pool (--from): per machine, most expensive first. */
  byMachine: GroupCost[] | undefined;
  unpricedModels: string[];
  skipped: SkippedFile[];
  notices: string[];
}

/** USD to the tick (1e-10): the resolution of what xAI bills. */
export const usd = (n: number | null) => (n === null ? null : Number(n.toFixed(10)));

/** A cost's figures for JSON: USD, the billed ticks as an exact integer (text), the counts. */
export function figuresJson(f: CostFigures): Record<string, unknown> {
  const p = f.parts;
  return {
    cost: usd(f.cost),
    exact: usd(f.exact),
    estimated: usd(f.estimated),
    exactTicks: p.exactTicks.toString(),
    billedCalls: p.billedCalls,
    estimatedCalls: p.estimatedCalls,
    unpricedCalls: p.unpricedCalls,
    unknownCalls: p.unknownCalls,
    totalsOnly: p.totalsOnly,
  };
}

export function costJson(r: CostResult): unknown {
  const group = (g: GroupCost, name: string) => ({
    [name]: g.key,
    sessions: g.sessions,
    input: g.input,
    output: g.output,
    total: g.total,
    ...figuresJson(g),
    unpriced: g.unpriced,
  });
  return {
    currency: 'USD',
    pricing:
      r.pricing.kind === 'flat'
        ? { kind: 'flat', usdPer1kTokens: r.pricing.usdPer1k, whatIf: true }
        : {
            kind: 'table',
            read: XAI_PRICE_DATA.read,
            sources: XAI_PRICE_DATA.sources,
            overridden: r.overridden,
          },
    total: {
      sessions: r.total.sessions,
      input: r.total.input,
      output: r.total.output,
      total: r.total.total,
      ...figuresJson(r.total),
      unpriced: r.total.unpriced,
    },
    sessions: r.sessions.map(({ parts, cost, exact, estimated, ...s }) => ({
      ...s,
      ...figuresJson({ cost, exact, estimated, parts }),
    })),
    byModel: r.byModel.map((g) => {
      const price = r.pricing.kind === 'table' ? priceOf(r.pricing.table, g.key) : undefined;
      return { ...group(g, 'model'), price: price ?? null };
    }),
    byDay: r.byDay.map((g) => group(g, 'day')),
    ...(r.byMachine ? { byMachine: r.byMachine.map((g) => group(g, 'machine')) } : {}),
    unpricedModels: r.unpricedModels,
    skipped: r.skipped,
  };
}
