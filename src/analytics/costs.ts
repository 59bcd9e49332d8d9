/**
 * The cost of the selected sessions, as the analytics commands share it: the price table in force
 * (the dated data file with settings.json on top) put in the index's temp schema, and each
 * session's billed ticks and estimate (queries/internal/cost-rows-fill.sql) as temp.session_costs.
 *
 * The index keeps each session's cost parts once computed (cost_rows), with the digest of the
 * price table and the formula they were computed with: pricing every API call again took an
 * up-to-date `stats` over 10,000 sessions more time than the rest of its queries. A session's row
 * goes with its other rows when its file changes (refresh.ts); another price table drops them all.
 */
import { createHash } from 'node:crypto';
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

/**
 * Fills temp.session_costs for the selected sessions, and temp.prices where it is read: over a
 * pool, by the pricing of every session; over the index, by the pricing of sessions it does not
 * keep yet, or when the caller reads the table itself (`prices`: pricing's unpriced models).
 */
export async function computeCosts(
  ctx: AnalyticsContext,
  table: PriceTable,
  { prices: wanted = false } = {},
): Promise<void> {
  const { loadSql } = await import('./sql-files.js');
  const prices = JSON.stringify(priceRows(table));
  const formula = loadSql('internal/session-costs');
  const pooled = ctx.sql('internal/session-costs') !== formula;
  // A pool runs a statement of its own (pool.ts: poolSql), its sessions priced as they are read;
  // the index runs the file as it is, and keeps what it computes.
  if (pooled || wanted) await ctx.conn.run(loadSql('internal/prices-table'), { prices });
  if (pooled) {
    await ctx.conn.run(ctx.sql('internal/session-costs'));
    return;
  }
  await keepCostRows(ctx, prices, formula, !wanted);
  await ctx.conn.run(ctx.sql('internal/session-costs-kept'));
}

function digestOf(prices: string, formula: string): string {
  return createHash('sha256').update(prices).update('\0').update(formula).digest('hex');
}

/**
 * The digest of a price table and the formula that prices sessions with it: what cost_rows
 * records their rows were computed with (keepCostRows), and the summary its figures (summary.ts).
 */
export async function pricesDigest(table: PriceTable): Promise<string> {
  const { loadSql } = await import('./sql-files.js');
  return digestOf(JSON.stringify(priceRows(table)), loadSql('internal/session-costs'));
}

/**
 * Brings cost_rows up to date for the selected sessions: those without a row are priced by
 * session-costs.sql (joined to them instead of the whole selection), in one short transaction;
 * under another price table or formula, every row is dropped first. A session's cost is then read
 * by every later command until its file changes.
 */
async function keepCostRows(
  ctx: AnalyticsContext,
  prices: string,
  formula: string,
  pricesToMake: boolean,
): Promise<void> {
  const { loadSql, replaceLine, SELECTION_JOIN } = await import('./sql-files.js');
  const digest = digestOf(prices, formula);
  const [state] = await ctx.rows<{ digest: string | null; missing: number }>(
    'internal/cost-rows-state',
  );
  const same = state?.digest === digest;
  if (same && state?.missing === 0) return;
  // priced for the sessions to do, into a table of its own: temp.session_costs is the view of
  // what the index keeps
  const name = 'internal/session-costs';
  const why = 'to price the sessions to keep';
  const todo = replaceLine(name, formula, SELECTION_JOIN, 'JOIN temp.cost_todo USING (sid)', why);
  const fill = replaceLine(
    name,
    todo,
    'CREATE OR REPLACE TEMP TABLE session_costs AS',
    'CREATE OR REPLACE TEMP TABLE cost_fill AS',
    why,
  );
  const { inTransaction } = await import('./transaction.js');
  if (pricesToMake) await ctx.conn.run(loadSql('internal/prices-table'), { prices });
  await inTransaction(ctx.conn, async () => {
    if (!same) {
      await ctx.conn.run('DELETE FROM cost_rows');
      await ctx.conn.run('DELETE FROM cost_prices');
      await ctx.conn.run('INSERT INTO cost_prices VALUES ($digest)', { digest });
    }
    await ctx.conn.run(loadSql('internal/cost-rows-todo'));
    await ctx.conn.run(fill);
    await ctx.conn.run(loadSql('internal/cost-rows-keep'));
  });
  // Every row made anew (the first command after a build, or new prices) is a table written
  // whole, checkpointed at once as a build is; a few new rows join the log, which the command
  // settles at its end (analytics-run.ts).
  if (!same) await ctx.conn.run('CHECKPOINT');
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
