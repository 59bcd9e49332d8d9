/** How the analytics commands print: a table, or the same rows as CSV, plus notes on stderr. */
import { toCsv } from '../render/csv.js';
import { formatTokens, plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { type Column, renderTable } from '../render/table.js';
import type { SkippedFile } from '../session/store.js';

/** A column of a table (its header, alignment, priority and how it shrinks) and of CSV. */
export interface OutputColumn<R> extends Column {
  /** The CSV header and value: raw data, not the formatted cell. */
  csv?: string;
  cell: (row: R) => string | number;
  raw?: (row: R) => unknown;
}

export function tableText<R>(columns: readonly OutputColumn<R>[], rows: readonly R[]): string {
  return renderTable(
    columns,
    rows.map((r) => columns.map((c) => c.cell(r))),
  );
}

export function csvText<R>(columns: readonly OutputColumn<R>[], rows: readonly R[]): string {
  return `${toCsv(
    columns.map((c) => c.csv ?? c.header.toLowerCase()),
    rows.map((r) => columns.map((c) => (c.raw ? c.raw(r) : c.cell(r)))),
  )}\n`;
}

/** "5 files could not be read; see grok sessions doctor" (which, and why: --json and doctor). */
export function skippedNote(skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return '';
  const n = skipped.length;
  return `${n} ${plural(n, 'file')} could not be read; see grok sessions doctor`;
}

/** Notes for stderr: why the index was not used, and one line for the files not read. */
export function notesText(skipped: readonly SkippedFile[], notices: readonly string[]): string {
  const lines = notices.map((n) => `grok: note: ${n}`);
  if (skipped.length > 0) lines.push(`grok: warning: ${skippedNote(skipped)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export function withNotes(
  out: CommandOutput,
  skipped: readonly SkippedFile[],
  notices: readonly string[],
): CommandOutput {
  const notes = notesText(skipped, notices);
  return { ...out, stderr: `${out.stderr ?? ''}${notes}` };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The IN, OUT and TOTAL token columns every analytics table shows the same way. */
export function tokenColumns<
  R extends { input: number; output: number; total: number },
>(): OutputColumn<R>[] {
  return (['input', 'output', 'total'] as const).map((key) => ({
    header: key === 'input' ? 'IN' : key === 'output' ? 'OUT' : 'TOTAL',
    csv: key,
    align: 'right' as const,
    // the total says most; in and out are details
    priority: key === 'total' ? 7 : 2,
    cell: (r: R) => formatTokens(r[key]),
    raw: (r: R) => r[key],
  }));
}
