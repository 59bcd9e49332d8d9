/**
 * xAI's list prices, as data: USD per million tokens, per model id. Dated: prices change, and
 * `pricing` in $GROK_HOME/settings.json overrides or adds any field of any model.
 *
 * - `cachedInput`: the rate of prompt tokens served from xAI's prompt cache (they are part of a
 *   call's input). Where no source gives one, cached tokens are estimated at the input rate.
 * - `longContext`: a call whose prompt (input) is at or above `threshold` tokens is billed at
 *   these rates instead, for its input, cached input and output alike (xAI's GET /v1/models
 *   describes `long_context_threshold` as "token count at or above which the long context prices
 *   apply").
 * - `aliases`: ids that name another entry's prices.
 *
 * Ids retired since (grok-4-0709, grok-3, grok-2-1212, ...) keep the list price they had while they
 * were served, so sessions recorded with them stay priced.
 */

export interface TierPrice {
  /** Prompt tokens at or above which the tier applies. */
  threshold: number;
  input: number;
  cachedInput?: number;
  output: number;
}

export interface ListPrice {
  input: number;
  cachedInput?: number;
  output: number;
  longContext?: TierPrice;
  /** Where the figures were read. */
  source: string;
}

export interface PriceData {
  /** The day the sources were read (YYYY-MM-DD). */
  read: string;
  sources: string[];
  notes: string[];
  models: Record<string, ListPrice>;
  aliases: Record<string, string>;
}

const PRICING = 'https://docs.x.ai/developers/pricing';
const MODELS = 'https://docs.x.ai/developers/models';
const GROK_47 = 'https://docs.x.ai/developers/grok-4-7';
const GROK_46 = 'https://docs.x.ai/developers/grok-4-6';
const GROK_45 = 'https://docs.x.ai/developers/grok-4-5';
const TIER_47 = 'https://github.com/BerriAI/litellm/discussions/42287';
const TIER_45 = 'https://github.com/Zoo-Code-Org/Zoo-Code/issues/866';
const MODELS_2025_06 = 'https://archive.fo/dYUtw';
const MODELS_2025_10 = 'https://docs.x.ai/docs/models (as of October 2025)';

/** Grok 4.5, 4.6, 4.7: one price. */
const FRONTIER = {
  input: 2,
  cachedInput: 0.5,
  output: 6,
  longContext: { threshold: 200_000, input: 4, cachedInput: 1, output: 12 },
};

export const XAI_PRICE_DATA: PriceData = {
  read: '2026-12-05',
  sources: [
    PRICING,
    MODELS,
    GROK_47,
    GROK_46,
    GROK_45,
    'https://docs.x.ai/developers/cost-tracking',
    'https://docs.x.ai/developers/advanced-api-usage/prompt-caching/usage-and-pricing',
    // a dated copy of xAI's REST reference for GET /v1/models (long_context_threshold)
    'https://spybara.com/xai/api/history/docs/en/2026-06-15-2302..2026-06-17-1558/rest-api-reference/inference/models/',
    TIER_47,
    TIER_45,
    MODELS_2025_06,
    MODELS_2025_10,
  ],
  notes: [
    "grok-4.5/4.6/4.7: input and output from xAI's model pages; the cached rate and the long-context tier (every rate doubled at 200,000 prompt tokens) from the announcements cited, which quote xAI's pricing.",
    'Cached input is part of input: a call is estimated as (input - cached) at the input rate + cached at the cached rate + output (reasoning included) at the output rate.',
    'Retired ids keep the list price they were served at (docs.x.ai, June and October 2025); no cached rate was listed for grok-4-0709, grok-4-fast or grok-code-fast-1 there, so theirs are estimated at the input rate.',
    'Billed cost (usage.cost_in_usd_ticks, 1 USD = 1e10 ticks) is exact and always wins over these estimates.',
  ],
  models: {
    'grok-4.7': { ...FRONTIER, source: GROK_47 },
    'grok-4.6': { ...FRONTIER, source: GROK_46 },
    'grok-4.5': { ...FRONTIER, source: GROK_45 },
    'grok-4.3': { input: 1.25, cachedInput: 0.2, output: 2.5, source: PRICING },
    'grok-4.20-0309-reasoning': { input: 1.25, cachedInput: 0.2, output: 2.5, source: PRICING },
    'grok-4.20-0309-non-reasoning': {
      input: 1.25,
      cachedInput: 0.2,
      output: 2.5,
      source: PRICING,
    },
    'grok-4.20-multi-agent-0309': { input: 1.25, cachedInput: 0.2, output: 2.5, source: PRICING },
    'grok-4-1-fast-reasoning': { input: 0.2, cachedInput: 0.05, output: 0.5, source: PRICING },
    'grok-4-1-fast-non-reasoning': { input: 0.2, cachedInput: 0.05, output: 0.5, source: PRICING },
    'grok-4-0709': { input: 3, output: 15, source: MODELS_2025_10 },
    'grok-4-fast-reasoning': { input: 0.2, output: 0.5, source: MODELS_2025_10 },
    'grok-4-fast-non-reasoning': { input: 0.2, output: 0.5, source: MODELS_2025_10 },
    'grok-code-fast-1': { input: 0.2, output: 1.5, source: MODELS_2025_10 },
    'grok-3': { input: 3, cachedInput: 0.75, output: 15, source: MODELS_2025_06 },
    'grok-3-fast': { input: 5, cachedInput: 1.25, output: 25, source: MODELS_2025_06 },
    'grok-3-mini': { input: 0.3, cachedInput: 0.075, output: 0.5, source: MODELS_2025_06 },
    'grok-3-mini-fast': { input: 0.6, cachedInput: 0.15, output: 4, source: MODELS_2025_06 },
    'grok-2-1212': { input: 2, output: 10, source: MODELS_2025_06 },
    'grok-2-vision-1212': { input: 2, output: 10, source: MODELS_2025_06 },
    'grok-beta': { input: 5, output: 15, source: MODELS_2025_10 },
  },
  aliases: {
    // https://docs.x.ai/developers/models/grok-4.3-latest.md (the runtime's default model's page)
    'grok-4.3-latest': 'grok-4.3',
    'grok-4.20-reasoning': 'grok-4.20-0309-reasoning',
    'grok-4.20-non-reasoning': 'grok-4.20-0309-non-reasoning',
    'grok-4-1-fast': 'grok-4-1-fast-reasoning',
    'grok-4': 'grok-4-0709',
    'grok-4-latest': 'grok-4-0709',
    'grok-4-fast': 'grok-4-fast-reasoning',
    'grok-3-latest': 'grok-3',
    'grok-3-fast-latest': 'grok-3-fast',
    'grok-3-mini-latest': 'grok-3-mini',
    'grok-3-mini-fast-latest': 'grok-3-mini-fast',
    'grok-2': 'grok-2-1212',
    'grok-2-latest': 'grok-2-1212',
    'grok-2-vision': 'grok-2-vision-1212',
  },
};
