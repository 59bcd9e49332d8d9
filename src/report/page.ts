/**
 * The HTML report: one self-contained page (styles and the one small script inline, a CSP that
 * forbids any fetch) with charts of tokens and cost per day, tool usage, session lengths and
 * models, and the tables behind them. Pure: numbers in, markup out.
 */

import { type CostResult, costJson } from '../analytics/cost-result.js';
import { type StatsResult, statsJson } from '../analytics/stats-result.js';
import { XAI_PRICE_DATA } from '../analytics/xai-prices.js';
import { formatDuration, formatInt, formatUsd } from '../render/format.js';
import { escapeHtml } from '../transcript/markdown.js';
import { barList, columnChart, histogram, type Point } from './charts.js';

export interface ReportInput {
  stats: StatsResult;
  cost: CostResult;
  /** The filters as given, for the subtitle ("--month 2025-10"). */
  filters: string[];
  generatedAt: Date;
  version: string;
}

export interface DayRow {
  day: string;
  sessions: number;
  input: number;
  output: number;
  total: number;
  cost: number | null;
  /** Billed by xAI (exact); null under --rate. */
  exact: number | null;
  /** Estimated from the price table; null under --rate. */
  estimated: number | null;
}

/** Tokens per day from stats, cost per day from cost: the same day keys (same --tz). */
export function dayRows(stats: StatsResult, cost: CostResult): DayRow[] {
  const costs = new Map(cost.byDay.map((d) => [d.key, d]));
  return (stats.groups ?? []).map((g) => {
    const c = costs.get(g.key);
    return {
      day: g.key,
      sessions: g.sessions,
      input: g.input,
      output: g.output,
      total: g.total,
      cost: c ? c.cost : null,
      exact: c ? c.exact : null,
      estimated: c ? c.estimated : null,
    };
  });
}

const MINUTE = 60_000;
const DURATION_EDGES = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE, 120 * MINUTE];
const MESSAGE_EDGES = [5, 10, 20, 50, 100];

export function durationBuckets(cost: CostResult): Point[] {
  const values = cost.sessions.flatMap((s) => (s.durationMs === null ? [] : [s.durationMs]));
  const minutes = (ms: number) =>
    ms >= 60 * MINUTE ? `${ms / (60 * MINUTE)} h` : `${ms / MINUTE} min`;
  return histogram(values, DURATION_EDGES, (lo, hi) =>
    hi === undefined ? `${minutes(lo)} or more` : `under ${minutes(hi)}`,
  );
}

export function messageBuckets(cost: CostResult): Point[] {
  return histogram(
    cost.sessions.map((s) => s.messages),
    MESSAGE_EDGES,
    (lo, hi) => (hi === undefined ? `${lo}+ messages` : `${lo}–${hi - 1} messages`),
  );
}

function table(headers: string[], rows: (string | number)[][], numeric: boolean[]): string {
  const th = headers
    .map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r
          .map((c, i) => {
            const sort = typeof c === 'number' ? ` data-sort="${c}"` : '';
            const text = typeof c === 'number' ? formatInt(c) : c;
            return `<td${numeric[i] ? ' class="num"' : ''}${sort}>${escapeHtml(text)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="sortable"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const usd = (n: number | null) => (n === null ? 'unpriced' : formatUsd(n));
/** A part of a cost (billed, estimated): '-' under --rate, where there are no parts. */
const part = (n: number | null) => (n === null ? '-' : formatUsd(n));

/** JSON inside a script element: no `</script>` or `<!--` can close it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#667085;--bg:#fff;--card:#f5f7fa;--bar:#3b6fd8;--line:#d0d5dd}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#98a2b3;--bg:#14161b;--card:#1e2129;--bar:#6d9bff;--line:#344054}}
*{box-sizing:border-box}body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
h1{margin:0 0 4px;font-size:22px}h2{margin:32px 0 8px;font-size:17px}.sub{color:var(--muted);margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px}
.card{background:var(--card);border-radius:8px;padding:10px 12px}.card b{display:block;font-size:20px}.card span{color:var(--muted);font-size:12px}
.chart{display:block;margin:8px 0}.chart .bar{fill:var(--bar)}.chart .axis,.chart .grid{stroke:var(--line)}
.chart text{fill:var(--muted);font-size:11px}.chart .label,.chart .value{fill:var(--fg);font-size:12px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left}
th{cursor:pointer;user-select:none;color:var(--muted);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin:8px 0}summary{cursor:pointer;color:var(--muted)}.warn{color:#b54708}footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

/** Sortable tables; marks the page ready so a headless check knows the script ran cleanly. */
const SCRIPT = `
(function(){
  var data=JSON.parse(document.getElementById('report-data').textContent);
  document.querySelectorAll('table.sortable').forEach(function(t){
    t.querySelectorAll('th').forEach(function(th,i){
      th.addEventListener('click',function(){
        var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows),asc=th.dataset.dir!=='asc';
        th.dataset.dir=asc?'asc':'desc';
        rows.sort(function(a,b){
          var x=a.cells[i],y=b.cells[i],nx=x.dataset.sort,ny=y.dataset.sort;
          var c=nx!==undefined&&ny!==undefined?Number(nx)-Number(ny):x.textContent.localeCompare(y.textContent);
          return asc?c:-c;
        });
        rows.forEach(function(r){body.appendChild(r)});
      });
    });
  });
  document.body.dataset.ready=String(data.stats.sessions);
})();
`;

export function reportHtml(input: ReportInput): string {
  const { stats, cost } = input;
  const days = dayRows(stats, cost);
  const card = (key: string, value: string, label: string) =>
    `<div class="card"><b data-total="${key}">${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;
  const unpriced =
    cost.unpricedModels.length > 0
      ? `<p class="warn">No price for ${escapeHtml(cost.unpricedModels.join(', '))}: ${cost.total.unpriced} session(s) not in the cost total.</p>`
      : '';
  const skipped =
    stats.skipped.length > 0
      ? `<details><summary>${stats.skipped.length} file(s) could not be read (grok sessions doctor)</summary>${table(
          ['File', 'Reason'],
          stats.skipped.map((s) => [s.file, s.reason]),
          [false, false],
        )}</details>`
      : '';
  const subtitle = [
    input.filters.length > 0 ? input.filters.join(' ') : 'all sessions',
    `generated ${input.generatedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
  ].join(' · ');

  const sections = [
    `<h1>grok sessions report</h1><p class="sub">${escapeHtml(subtitle)}</p>`,
    `<div class="cards">${[
      card('sessions', formatInt(stats.sessions), 'sessions'),
      card('messages', formatInt(stats.messages), 'messages'),
      card('tokens', formatInt(stats.tokens.total), 'tokens total'),
      card('input', formatInt(stats.tokens.input), 'tokens in'),
      card('output', formatInt(stats.tokens.output), 'tokens out'),
      card('cost', usd(cost.total.cost), 'cost (USD)'),
      ...(cost.pricing.kind === 'table'
        ? [
            card('exact', usd(cost.total.exact), 'billed by xAI (exact)'),
            card('estimated', usd(cost.total.estimated), 'estimated (list prices)'),
          ]
        : []),
      card('toolCalls', formatInt(stats.toolCalls), 'tool calls'),
      card('avgDuration', formatDuration(stats.avgDurationMs), 'average duration'),
    ].join('')}</div>${unpriced}`,
    '<h2>Tokens per day</h2>',
    columnChart(
      days.map((d) => ({ label: d.day, value: d.total })),
      { label: 'Tokens per day' },
    ),
    '<h2>Cost per day (USD)</h2>',
    columnChart(
      days.map((d) => ({ label: d.day, value: d.cost ?? 0 })),
      { label: 'Cost per day', format: (n) => formatUsd(n) },
    ),
    `<details><summary>Table: per day</summary>${table(
      ['Day', 'Sessions', 'Tokens in', 'Tokens out', 'Tokens total', 'Cost', 'Billed', 'Estimated'],
      days.map((d) => [
        d.day,
        d.sessions,
        d.input,
        d.output,
        d.total,
        usd(d.cost),
        part(d.exact),
        part(d.estimated),
      ]),
      [false, true, true, true, true, true, true, true],
    )}</details>`,
    '<h2>Tool usage</h2>',
    stats.tools.length > 0
      ? barList(
          stats.tools.map((t) => ({ label: t.tool, value: t.calls })),
          { label: 'Tool calls per tool' },
        )
      : '<p class="sub">No tool calls.</p>',
    table(
      ['Tool', 'Calls', 'Sessions', 'Failed', 'Success'],
      stats.tools.map((t) => [
        t.tool,
        t.calls,
        t.sessions,
        t.failed,
        t.calls > 0 ? `${(((t.calls - t.failed) / t.calls) * 100).toFixed(1)}%` : '-',
      ]),
      [false, true, true, true, true],
    ),
    '<h2>Session length</h2>',
    barList(durationBuckets(cost), { label: 'Sessions by duration' }),
    barList(messageBuckets(cost), { label: 'Sessions by messages' }),
    table(
      ['Measure', 'Value'],
      [
        ['Average messages per session', stats.avgMessagesPerSession.toFixed(1)],
        ['Average duration', formatDuration(stats.avgDurationMs)],
        ['Median duration', formatDuration(stats.durations.medianMs)],
        ['95th percentile duration', formatDuration(stats.durations.p95Ms)],
        ['Reply latency median', formatDuration(stats.latency.medianMs)],
        ['Reply latency p95', formatDuration(stats.latency.p95Ms)],
      ],
      [false, true],
    ),
    '<h2>Models</h2>',
    barList(
      stats.models.map((m) => ({ label: m.model, value: m.total })),
      { label: 'Tokens per model' },
    ),
    table(
      [
        'Model',
        'Sessions',
        'Tokens in',
        'Tokens out',
        'Tokens total',
        'Cached in',
        'Reasoning',
        'Cost',
        'Billed',
        'Estimated',
      ],
      stats.models.map((m) => {
        const c = cost.byModel.find((g) => g.key === m.model);
        return [
          m.model,
          m.sessions,
          m.input,
          m.output,
          m.total,
          m.cachedInput,
          m.reasoning,
          usd(c ? c.cost : null),
          part(c ? c.exact : null),
          part(c ? c.estimated : null),
        ];
      }),
      [false, true, true, true, true, true, true, true, true, true],
    ),
    skipped,
    `<footer>grok ${escapeHtml(input.version)} · prices: ${cost.pricing.kind === 'flat' ? `flat ${cost.pricing.usdPer1k} USD per 1,000 tokens` : `billed cost as xAI reported it (exact), the rest estimated from xAI list prices of ${escapeHtml(XAI_PRICE_DATA.read)} (grok sessions pricing shows the table)`}</footer>`,
  ];

  const data = { stats: statsJson(stats), cost: costJson(cost) };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="grok sessions report">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>grok sessions report</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join('\n')}
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
