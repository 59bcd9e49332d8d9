/**
 * `grok sessions pricing`: the price table in force (its date and sources, the models settings.json
 * changes or adds) and the models the sessions name that have no price.
 */
import { type AnalyticsOptions, withAnalytics } from '../analytics/analytics-run.js';
import { computeCosts, tableInForce } from '../analytics/costs.js';
import { tableText, withNotes } from '../analytics/output.js';
import type { ModelPrice } from '../analytics/pricing.js';
import { XAI_PRICE_DATA } from '../analytics/xai-prices.js';
import { formatInt, plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { wrapNotes } from '../render/width.js';
import { settingsPath } from '../session/paths.js';
import type { SkippedFile } from '../session/store.js';

export interface PricingOptions extends AnalyticsOptions {
  json?: boolean | undefined;
}

export interface PricedModel extends ModelPrice {
  model: string;
  /** The built-in entry this id is an alias of. */
  aliasOf: string | null;
  /** Where the price comes from: the dated table, or settings.json (changed or added there). */
  from: 'table' | 'settings';
}

export interface UnpricedModel {
  model: string;
  sessions: number;
  /** Usage rows (API calls, else messages, else session totals) with numbers. */
  calls: number;
  /** ... of which xAI billed: those are exact without a price. */
  billed: number;
}

export interface PricingResult {
  read: string;
  sources: string[];
  notes: string[];
  settings: string;
  models: PricedModel[];
  unpriced: UnpricedModel[];
  skipped: SkippedFile[];
  notices: string[];
}

export async function pricing(opts: PricingOptions): Promise<PricingResult> {
  const { table, overrides } = await tableInForce();
  const models = Object.entries(table)
    .map(
      ([model, price]): PricedModel => ({
        model,
        ...price,
        aliasOf: Object.hasOwn(XAI_PRICE_DATA.aliases, model)
          ? (XAI_PRICE_DATA.aliases[model] ?? null)
          : null,
        from: Object.hasOwn(overrides, model) ? 'settings' : 'table',
      }),
    )
    // aliases after the models, each group in the table's own order
    .sort((a, b) => Number(a.aliasOf !== null) - Number(b.aliasOf !== null));
  return withAnalytics(opts, async (ctx) => {
    await computeCosts(ctx, table, { prices: true });
    // unpriced-models.sql gives each model's row as the result has it
    const unpriced = await ctx.rows<UnpricedModel>('internal/unpriced-models');
    return {
      read: XAI_PRICE_DATA.read,
      sources: XAI_PRICE_DATA.sources,
      notes: XAI_PRICE_DATA.notes,
      settings: settingsPath(),
      models,
      unpriced,
      skipped: ctx.skipped,
      notices: ctx.notices,
    };
  });
}

/** $2.00, $0.075: two decimals, more when the rate has them. */
function rate(n: number | undefined): string {
  if (n === undefined) return '-';
  return `$${n.toFixed(Math.max(2, String(n).split('.')[1]?.length ?? 0))}`;
}

function tierCell(m: PricedModel): string {
  const t = m.longContext;
  if (!t) return '';
  return `≥${formatInt(t.threshold)}: ${rate(t.input)} / ${rate(t.cachedInput ?? t.input)} / ${rate(t.output)}`;
}

export function renderPricing(r: PricingResult, opts: { json?: boolean }): CommandOutput {
  if (opts.json) {
    const { notices: _n, skipped, ...rest } = r;
    return withNotes({ stdout: jsonText({ ...rest, skipped }) }, [], r.notices);
  }
  const own = r.models.filter((m) => m.aliasOf === null);
  const lines = [
    `xAI list prices in USD per million tokens, read ${r.read}; * = set in ${r.settings}`,
    '',
    tableText(
      [
        {
          header: 'MODEL',
          cell: (m: PricedModel) => `${m.model}${m.from === 'settings' ? ' *' : ''}`,
        },
        { header: 'INPUT', align: 'right', cell: (m: PricedModel) => rate(m.input) },
        {
          header: 'CACHED',
          align: 'right',
          cell: (m: PricedModel) => (m.cachedInput === undefined ? '=input' : rate(m.cachedInput)),
        },
        { header: 'OUTPUT', align: 'right', cell: (m: PricedModel) => rate(m.output) },
        { header: 'LONG CONTEXT (IN / CACHED / OUT)', cell: tierCell },
      ],
      own,
    ),
  ];
  const aliases = new Map<string, string[]>();
  for (const m of r.models) {
    if (m.aliasOf !== null) aliases.set(m.aliasOf, [...(aliases.get(m.aliasOf) ?? []), m.model]);
  }
  if (aliases.size > 0) {
    lines.push('', 'Aliases:', ...[...aliases].map(([to, ids]) => `  ${ids.join(', ')} → ${to}`));
  }
  lines.push('', 'Sources:', ...r.sources.map((s) => `  ${s}`), '');
  if (r.unpriced.length === 0) lines.push('Every model in these sessions has a price.');
  else {
    lines.push(
      'Models in these sessions without a price (add them under "pricing" in settings.json):',
    );
    for (const u of r.unpriced) {
      const billed = u.billed > 0 ? `, ${formatInt(u.billed)} billed by xAI (exact)` : '';
      lines.push(
        `  ${u.model}: ${formatInt(u.sessions)} ${plural(u.sessions, 'session')}, ${formatInt(u.calls)} ${plural(u.calls, 'call')}${billed}`,
      );
    }
  }
  // the table fits already; the sentences and source addresses around it are folded
  return withNotes({ stdout: `${wrapNotes(lines.join('\n'))}\n` }, r.skipped, r.notices);
}
