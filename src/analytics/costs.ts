/**
 * The cost of the selected sessions, as the analytics commands share it: the price table in force
 * (the dated data file with settings.json on top) put in the index's temp schema, and each
 * session's billed ticks and estimate computed there (queries/internal/session-costs.sql).
 */
import { existsSync } from 'node:fs';
import { settingsPath } from '../session/paths.js';
import type { AnalyticsContext, Row } from './analytics-run.js';
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

const count = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** A row's cost parts (the columns of session-costs.sql); a session without any is free. */
export function partsOf(r: Row): CostParts {
  if (r.exact_ticks === undefined) return NO_COST;
  return {
    exactTicks: r.exact_ticks === null ? 0n : BigInt(String(r.exact_ticks)),
    estimated: count(r.estimated),
    billedCalls: count(r.billed_calls),
    estimatedCalls: count(r.estimated_calls),
    unpricedCalls: count(r.unpriced_calls),
    unknownCalls: count(r.unknown_calls),
    totalsOnly: r.totals_only === true,
  };
}
