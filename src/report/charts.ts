/**
 * Inline SVG charts for the HTML report: pure functions from numbers to markup, so the report
 * needs no script library and no network, and reads the same with scripts off.
 */
import { escapeHtml } from '../transcript/markdown.js';

export interface Point {
  label: string;
  value: number;
  /** Shown on hover; defaults to the label and the formatted value. */
  title?: string;
}

const fmtAxis = (n: number): string => {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
};

/** Vertical bars, one per point (days, buckets), with a max line and first/last labels. */
export function columnChart(
  points: readonly Point[],
  opts: { label: string; format?: (n: number) => string; width?: number; height?: number },
): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 200;
  const format = opts.format ?? fmtAxis;
  const pad = { top: 16, right: 8, bottom: 28, left: 56 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(0, ...points.map((p) => p.value));
  const step = points.length > 0 ? plotW / points.length : plotW;
  const barW = Math.max(1, step * 0.8);
  const bars = points
    .map((p, i) => {
      const h = max > 0 ? (p.value / max) * plotH : 0;
      const x = pad.left + i * step + (step - barW) / 2;
      const y = pad.top + plotH - h;
      const title = p.title ?? `${p.label}: ${format(p.value)}`;
      return `<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(title)}</title></rect>`;
    })
    .join('');
  const first = points[0]?.label ?? '';
  const last = points.length > 1 ? (points[points.length - 1]?.label ?? '') : '';
  return [
    `<svg class="chart" role="img" aria-label="${escapeHtml(opts.label)}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet">`,
    `<line class="axis" x1="${pad.left}" y1="${pad.top + plotH}" x2="${width - pad.right}" y2="${pad.top + plotH}"/>`,
    `<line class="grid" x1="${pad.left}" y1="${pad.top}" x2="${width - pad.right}" y2="${pad.top}"/>`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">${escapeHtml(format(max))}</text>`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top + plotH + 4}" text-anchor="end">0</text>`,
    bars,
    `<text class="tick" x="${pad.left}" y="${height - 8}">${escapeHtml(first)}</text>`,
    `<text class="tick" x="${width - pad.right}" y="${height - 8}" text-anchor="end">${escapeHtml(last)}</text>`,
    '</svg>',
  ].join('');
}

/** Horizontal bars with their labels and values: tools, models, histogram buckets. */
export function barList(
  points: readonly Point[],
  opts: { label: string; format?: (n: number) => string; width?: number },
): string {
  const width = opts.width ?? 720;
  const format = opts.format ?? fmtAxis;
  const rowH = 22;
  const labelW = 170;
  const valueW = 90;
  const plotW = width - labelW - valueW;
  const max = Math.max(0, ...points.map((p) => p.value));
  const height = Math.max(rowH, points.length * rowH);
  const rows = points
    .map((p, i) => {
      const y = i * rowH;
      const w = max > 0 ? (p.value / max) * plotW : 0;
      const title = p.title ?? `${p.label}: ${format(p.value)}`;
      return [
        `<text class="label" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(p.label)}</text>`,
        `<rect class="bar" x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}"><title>${escapeHtml(title)}</title></rect>`,
        `<text class="value" x="${labelW + w + 6}" y="${y + 15}">${escapeHtml(format(p.value))}</text>`,
      ].join('');
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="${escapeHtml(opts.label)}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">${rows}</svg>`;
}

/** Counts of values per bucket; `edges` are the upper bounds (exclusive), the last bucket open. */
export function histogram(
  values: readonly number[],
  edges: readonly number[],
  label: (lo: number, hi: number | undefined) => string,
): Point[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let i = edges.findIndex((e) => v < e);
    if (i === -1) i = edges.length;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((value, i) => ({
    label: label(i === 0 ? 0 : (edges[i - 1] as number), edges[i]),
    value,
  }));
}
