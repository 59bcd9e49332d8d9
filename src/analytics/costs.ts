/**
 * The cost of the selected sessions, as the analytics commands share it: the price table in force
 * (the dated data file with settings.json on top) put in the index's temp schema, and each
 * session's billed ticks and estimate computed there (queries/internal/session-costs.sql).
 */
import { existsSync } from 'node:fs';
import { settingsPath } from '../session/paths.js';
import type { AnalyticsContext } from './analytics-run.js';
import {
  type CostParts,
  NO_COST,
  type PriceOverride,
  type PriceTable,
  priceRows,
  priceTable,
} from './pricing.js';

export interface TableInForce {
  table: PriceTable;
  /** What settings.json gives, by model. */
  overrides: Readonly<Record<string, PriceOverride>>;
}

/** Settings are read (and zod loaded) only when the file exists: most runs have none. */
export async function tableInForce(): Promise<TableInForce> {
  const file = settingsPath();
  if (!existsSync(file)) return { table: priceTable(), overrides: {} };
  const { loadSettings } = await import('../settings.js');
  const overrides = (await loadSettings()).pricing ?? {};
  return { table: priceTable(overrides, file), overrides };
}

/** Fills temp.prices and temp.session_costs for the selected sessions. */
export async function computeCosts(ctx: AnalyticsContext, table: PriceTable): Promise<void> {
  const { loadSql } = await import('./sql-files.js');
  await ctx.conn.run(loadSql('internal/prices-table'), {
    prices: JSON.stringify(priceRows(table)),
  });
  await ctx.conn.run(ctx.sql('internal/session-costs'));
}

/**
 * The cost columns of session-costs.sql as a query returns them: null where a session has no
 * usage (a LEFT JOIN), and the billed ticks as text, summed exactly past 2^53.
 */
export interface CostPartsRow {
  exact_ticks: string | null;
  estimated: number | null;
  billed_calls: number | null;
  estimated_calls: number | null;
  unpriced_calls: number | null;
  unknown_calls: number | null;
  totals_only: boolean | null;
}

/** A selected session's row with its cost parts, as cost-sessions.sql and top-sessions.sql give it. */
export interface SessionCostPartsRow extends CostPartsRow {
  session_id: string;
  file: string;
  model: string;
  start_time: string;
  input: number;
  output: number;
  total: number;
  messages: number;
  duration_ms: number | null;
}

/** A row's cost parts; a session without any (or no row) is free. */
export function partsOf(r: CostPartsRow | null): CostParts {
  if (r === null) return NO_COST;
  return {
    exactTicks: r.exact_ticks === null ? 0n : BigInt(r.exact_ticks),
    estimated: r.estimated ?? 0,
    billedCalls: r.billed_calls ?? 0,
    estimatedCalls: r.estimated_calls ?? 0,
    unpricedCalls: r.unpriced_calls ?? 0,
    unknownCalls: r.unknown_calls ?? 0,
    totalsOnly: r.totals_only === true,
  };
}
