/** Prices and cost maths. Pure: the price table in, dollars out. */

export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  input: number;
  /** USD per million output (completion) tokens. */
  output: number;
}

/**
 * xAI list prices, USD per million tokens, from https://docs.x.ai/docs/models as of October 2025.
 * These are the published list prices on that date (standard context, no cached-input discount,
 * no volume deals): they change, so `pricing` in $GROK_HOME/settings.json overrides or adds any
 * model's rates.
 */
export const XAI_LIST_PRICES: Readonly<Record<string, ModelPrice>> = {
  'grok-4': { input: 3, output: 15 },
  'grok-4-0709': { input: 3, output: 15 },
  'grok-4-latest': { input: 3, output: 15 },
  'grok-4-fast': { input: 0.2, output: 0.5 },
  'grok-4-fast-reasoning': { input: 0.2, output: 0.5 },
  'grok-4-fast-non-reasoning': { input: 0.2, output: 0.5 },
  'grok-code-fast-1': { input: 0.2, output: 1.5 },
  'grok-3': { input: 3, output: 15 },
  'grok-3-latest': { input: 3, output: 15 },
  'grok-3-fast': { input: 5, output: 25 },
  'grok-3-mini': { input: 0.3, output: 0.5 },
  'grok-3-mini-fast': { input: 0.6, output: 4 },
  'grok-2-1212': { input: 2, output: 10 },
  'grok-2-vision-1212': { input: 2, output: 10 },
  'grok-2': { input: 2, output: 10 },
  'grok-beta': { input: 5, output: 15 },
};

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The built-in table with the user's overrides on top. */
export function priceTable(overrides: PriceTable = {}): PriceTable {
  return { ...XAI_LIST_PRICES, ...overrides };
}

export interface Usage {
  model: string;
  input: number;
  output: number;
  total: number;
}

/** How a cost is computed: per-model rates, or the seed's flat price per 1,000 total tokens. */
export type Pricing = { kind: 'table'; table: PriceTable } | { kind: 'flat'; usdPer1k: number };

/** The price of `model`: the table's own entry only (a model named `constructor` has none). */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  return Object.hasOwn(table, model) ? table[model] : undefined;
}

/** Cost in USD, or null when the model has no known price (never a silent $0). */
export function costOf(usage: Usage, pricing: Pricing): number | null {
  if (pricing.kind === 'flat') return (usage.total * pricing.usdPer1k) / 1000;
  const price = priceOf(pricing.table, usage.model);
  if (!price) return null;
  return (usage.input * price.input) / 1e6 + (usage.output * price.output) / 1e6;
}

export interface CostTotals {
  sessions: number;
  input: number;
  output: number;
  total: number;
  /** Sum over priced sessions; null when none is priced. */
  cost: number | null;
  /** Sessions whose model has no price. */
  unpriced: number;
}

export function sumCosts(rows: readonly (Usage & { cost: number | null })[]): CostTotals {
  const t: CostTotals = { sessions: 0, input: 0, output: 0, total: 0, cost: null, unpriced: 0 };
  for (const r of rows) {
    t.sessions++;
    t.input += r.input;
    t.output += r.output;
    t.total += r.total;
    if (r.cost === null) t.unpriced++;
    else t.cost = (t.cost ?? 0) + r.cost;
  }
  return t;
}

/** Models used that have no price, for the warning. */
export function unpricedModels(rows: readonly { model: string; cost: number | null }[]): string[] {
  return [...new Set(rows.filter((r) => r.cost === null).map((r) => r.model))].sort();
}
