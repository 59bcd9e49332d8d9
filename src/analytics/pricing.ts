/**
 * Prices and cost maths. Pure: the price table in, dollars out. A cost is the sum of two parts,
 * kept apart: what xAI billed (`costUsdTicks`, integers added as BigInt, converted to USD once)
 * and what the price table estimates for usage that carries no billed cost.
 */
import { UserError } from '../errors.js';
import { type ListPrice, type PriceData, type TierPrice, XAI_PRICE_DATA } from './xai-prices.js';

export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  input: number;
  /** USD per million prompt tokens served from the cache; the input rate when absent. */
  cachedInput?: number | undefined;
  /** USD per million output tokens (reasoning included). */
  output: number;
  /** Rates for a call whose prompt is at or above `threshold` tokens. */
  longContext?: TierPrice | undefined;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** What `pricing` in settings.json may give for a model: any field, on top of the table's. */
export interface PriceOverride {
  input?: number | undefined;
  cachedInput?: number | undefined;
  output?: number | undefined;
  longContext?: Partial<TierPrice> | null | undefined;
}

function plainPrice(p: ListPrice): ModelPrice {
  return {
    input: p.input,
    ...(p.cachedInput === undefined ? {} : { cachedInput: p.cachedInput }),
    output: p.output,
    ...(p.longContext ? { longContext: { ...p.longContext } } : {}),
  };
}

/** The dated table as model id → price, aliases resolved. */
export function builtInTable(data: PriceData = XAI_PRICE_DATA): PriceTable {
  const table: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(data.models)) table[model] = plainPrice(price);
  for (const [alias, target] of Object.entries(data.aliases)) {
    const price = data.models[target];
    if (price) table[alias] = plainPrice(price);
  }
  return table;
}

/**
 * The built-in table with the user's overrides on top, field by field. A model the table lacks
 * needs at least `input` and `output`; a long-context tier needs a threshold and its rates.
 * `where` names the settings file in the error.
 */
export function priceTable(
  overrides: Readonly<Record<string, PriceOverride>> = {},
  where = 'settings.json',
): PriceTable {
  const table: Record<string, ModelPrice> = { ...builtInTable() };
  for (const [model, o] of Object.entries(overrides)) {
    const base = Object.hasOwn(table, model) ? table[model] : undefined;
    const input = o.input ?? base?.input;
    const output = o.output ?? base?.output;
    if (input === undefined || output === undefined) {
      throw new UserError(
        `${where}: 'pricing.${model}': a model not in the built-in table needs both "input" and "output"`,
        { hint: 'grok sessions pricing lists the table in force' },
      );
    }
    const price: ModelPrice = { input, output };
    const cachedInput = o.cachedInput ?? base?.cachedInput;
    if (cachedInput !== undefined) price.cachedInput = cachedInput;
    if (o.longContext !== null) {
      const tier = { ...base?.longContext, ...o.longContext };
      if (Object.keys(tier).length > 0) {
        if (tier.threshold === undefined || tier.input === undefined || tier.output === undefined) {
          throw new UserError(
            `${where}: 'pricing.${model}.longContext': needs "threshold", "input" and "output"`,
            { hint: 'grok sessions pricing lists the table in force' },
          );
        }
        price.longContext = {
          threshold: tier.threshold,
          input: tier.input,
          ...(tier.cachedInput === undefined ? {} : { cachedInput: tier.cachedInput }),
          output: tier.output,
        };
      }
    }
    table[model] = price;
  }
  return table;
}

/** How a cost is computed: per-model rates, or the seed's flat price per 1,000 total tokens. */
export type Pricing = { kind: 'table'; table: PriceTable } | { kind: 'flat'; usdPer1k: number };

/** The price of `model`: the table's own entry only (a model named `constructor` has none). */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  return Object.hasOwn(table, model) ? table[model] : undefined;
}

/** One row per priced model, every rate resolved (the cached rate defaults to the input rate). */
export interface PriceRow {
  model: string;
  input: number;
  cached_input: number;
  output: number;
  lc_threshold: number | null;
  lc_input: number | null;
  lc_cached_input: number | null;
  lc_output: number | null;
}

export function priceRows(table: PriceTable): PriceRow[] {
  return Object.entries(table).map(([model, p]) => {
    const lc = p.longContext;
    return {
      model,
      input: p.input,
      cached_input: p.cachedInput ?? p.input,
      output: p.output,
      lc_threshold: lc ? lc.threshold : null,
      lc_input: lc ? lc.input : null,
      lc_cached_input: lc ? (lc.cachedInput ?? lc.input) : null,
      lc_output: lc ? lc.output : null,
    };
  });
}

export const TICKS_PER_USD = 10_000_000_000n;

/** Ticks to USD, once, without going through a float for the whole part. */
export function usdOfTicks(ticks: bigint): number {
  return Number(ticks / TICKS_PER_USD) + Number(ticks % TICKS_PER_USD) / 1e10;
}

/** The cost of one session (or of a group of them), its parts apart. */
export interface CostParts {
  /** Sum of the billed ticks. */
  exactTicks: bigint;
  /** USD estimated from the price table for usage without a billed cost. */
  estimated: number;
  /** API calls (or messages, or session totals) billed by the server. */
  billedCalls: number;
  /** ... estimated from the table. */
  estimatedCalls: number;
  /** ... with usage but neither billed nor priced (their model has no price). */
  unpricedCalls: number;
  /** Calls whose usage the server never reported (a dropped stream). */
  unknownCalls: number;
  /** Estimated from session totals alone (base rates: no cached rate, no tier). */
  totalsOnly: boolean;
}

export const NO_COST: CostParts = {
  exactTicks: 0n,
  estimated: 0,
  billedCalls: 0,
  estimatedCalls: 0,
  unpricedCalls: 0,
  unknownCalls: 0,
  totalsOnly: false,
};

export function addParts(a: CostParts, b: CostParts): CostParts {
  return {
    exactTicks: a.exactTicks + b.exactTicks,
    estimated: a.estimated + b.estimated,
    billedCalls: a.billedCalls + b.billedCalls,
    estimatedCalls: a.estimatedCalls + b.estimatedCalls,
    unpricedCalls: a.unpricedCalls + b.unpricedCalls,
    unknownCalls: a.unknownCalls + b.unknownCalls,
    totalsOnly: a.totalsOnly || b.totalsOnly,
  };
}

/** A session's figures in USD: null cost when nothing of it could be priced or was billed. */
export interface Cost {
  cost: number | null;
  exact: number;
  estimated: number;
}

export function costOfParts(p: CostParts): Cost {
  const exact = usdOfTicks(p.exactTicks);
  const nothing = p.billedCalls === 0 && p.estimatedCalls === 0 && p.unpricedCalls > 0;
  return { cost: nothing ? null : exact + p.estimated, exact, estimated: p.estimated };
}

/** The seed's what-if: a flat price per 1,000 total tokens, whatever the model and the bill. */
export function flatCost(totalTokens: number, usdPer1k: number): number {
  return (totalTokens * usdPer1k) / 1000;
}
