/**
 * Tables as grok prints them: no borders, one rule under the header, columns two spaces apart,
 * numbers right-aligned. Widths are display columns as string-width measures them (wide
 * characters count two, colour codes none), the measure cli-table3 uses.
 *
 * Drawn here rather than by cli-table3, whose layout compares every cell with every row above
 * it: 10,000 sessions took ~20 s to list. A test holds this to cli-table3's output, byte for
 * byte, over tables of every kind of cell.
 */
import { stripVTControlCharacters } from 'node:util';
import { bold, useColor } from './color.js';
import { printable } from './format.js';
import { type CutAt, cutToWidth, displayWidth, NARROWEST, outputWidth } from './width.js';

export type Align = 'left' | 'right' | 'center';

export interface Column {
  header: string;
  align?: Align;
  /**
   * Which columns stay when the table is wider than the terminal: the lowest priority goes first
   * (default 0; of equals, the rightmost). 9 names the row; 1 is a detail.
   */
  priority?: number;
  /** Long text (a name, a directory, a snippet) that may be cut with `…` down to this width. */
  minWidth?: number;
  /**
   * Where long text is cut (default its end; 'middle' for paths), or how: given a body cell's text,
   * the width and the row's index, the text to show (a search snippet kept around its match).
   */
  cut?: CutAt | ((text: string, width: number, row: number) => string);
}

export interface TableOptions {
  /** The width to fit; default outputWidth() (COLUMNS, the terminal, or none when piped). */
  width?: number | undefined;
}

/** Space after each column. */
const GAP = 2;

function pad(text: string, width: number, align: Align): string {
  const room = width - displayWidth(text);
  if (room <= 0) return text;
  if (align === 'right') return ' '.repeat(room) + text;
  if (align === 'center') {
    const right = Math.ceil(room / 2);
    return ' '.repeat(room - right) + text + ' '.repeat(right);
  }
  return text + ' '.repeat(room);
}

/** The lines of a row, each cell padded to its column's width and a cell of more lines. */
function drawRow(cells: string[][], widths: number[], aligns: Align[]): string[] {
  const height = Math.max(1, ...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let n = 0; n < height; n++) {
    let line = '';
    cells.forEach((cell, x) => {
      const width = widths[x] as number;
      const text = cell[n];
      line +=
        text === undefined
          ? ' '.repeat(width + GAP)
          : pad(text, width, aligns[x] ?? 'left') + ' '.repeat(GAP);
    });
    lines.push(line);
  }
  return lines;
}

/** Columns a table of these widths takes: the gaps between columns, none after the last. */
function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, widths.length - 1);
}

/**
 * Which columns a table keeps within `width`, and how wide each is. Columns that may shrink give
 * up room down to their minWidth first; past that the lowest priority column goes, and so on;
 * room left over goes back to the shrunk columns, the highest priority first. A last column
 * alone is cut to the width whatever it holds.
 */
export function fitColumns(
  columns: readonly Column[],
  natural: readonly number[],
  width: number,
): { keep: number[]; widths: number[] } {
  const priority = (i: number) => columns[i]?.priority ?? 0;
  const least = (i: number) => {
    const min = columns[i]?.minWidth;
    return min === undefined ? (natural[i] as number) : Math.min(natural[i] as number, min);
  };
  const keep = columns.map((_, i) => i);
  while (keep.length > 1 && tableWidth(keep.map(least)) > width) {
    let drop = 0;
    keep.forEach((i, k) => {
      // the lowest priority; of equals, the rightmost
      if (priority(i) <= priority(keep[drop] as number)) drop = k;
    });
    keep.splice(drop, 1);
  }
  const widths = keep.map(least);
  let spare = width - tableWidth(widths);
  const byPriority = keep
    .map((_, k) => k)
    .sort((a, b) => priority(keep[b] as number) - priority(keep[a] as number));
  for (const k of byPriority) {
    if (spare <= 0) break;
    const give = Math.min(spare, (natural[keep[k] as number] as number) - (widths[k] as number));
    widths[k] = (widths[k] as number) + give;
    spare -= give;
  }
  if (keep.length === 1 && (widths[0] as number) > width) widths[0] = Math.max(1, width);
  return { keep, widths };
}

export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly (string | number)[])[],
  { width = outputWidth() }: TableOptions = {},
): string {
  const color = useColor();
  // Every row has a cell per column; a cell may hold several lines.
  // Cells may hold session text: shown printable, grok's own colours kept when colour is on.
  const body = rows.map((row) =>
    columns.map((_, x) => printable(x < row.length ? String(row[x]) : '', color).split('\n')),
  );
  const natural = columns.map((c) => displayWidth(c.header));
  for (const cells of body) {
    cells.forEach((cell, x) => {
      for (const line of cell) natural[x] = Math.max(natural[x] as number, displayWidth(line));
    });
  }
  if (width === undefined || tableWidth(natural) <= width) {
    const head = columns.map((c) => [color ? bold(c.header, true) : c.header]);
    const aligns = columns.map((c) => c.align ?? 'left');
    const lines = [head, ...body].flatMap((cells) => drawRow(cells, natural, aligns));
    // as cli-table3 drew it, whose output this keeps
    const drawn = Math.max(...lines.map((l) => stripVTControlCharacters(l).length));
    const rule = '─'.repeat(Math.max(0, Math.min(drawn - 2, width ?? Number.POSITIVE_INFINITY)));
    return [lines[0] ?? '', rule, ...lines.slice(1)].map((l) => l.trimEnd()).join('\n');
  }
  const { keep, widths } = fitColumns(columns, natural, width);
  const cutAt = (k: number) => {
    const how = columns[keep[k] as number]?.cut ?? 'end';
    return typeof how === 'function' ? 'end' : how;
  };
  const head = keep.map((i, k) => {
    const text = cutToWidth(columns[i]?.header ?? '', widths[k] as number, { from: cutAt(k) });
    return [color ? bold(text, true) : text];
  });
  const kept = body.map((cells, row) =>
    keep.map((i, k) => {
      const how = columns[i]?.cut;
      const width = widths[k] as number;
      return (cells[i] ?? ['']).map((line) =>
        // a cut of the column's own is held to the width too
        cutToWidth(typeof how === 'function' ? how(line, width, row) : line, width, {
          from: cutAt(k),
        }),
      );
    }),
  );
  const aligns = keep.map((i) => columns[i]?.align ?? 'left');
  const lines = [head, ...kept].flatMap((cells) => drawRow(cells, widths, aligns));
  const rule = '─'.repeat(tableWidth(widths));
  const table = [lines[0] ?? '', rule, ...lines.slice(1)].map((l) => l.trimEnd());
  if (width < NARROWEST) table.push(narrowNote(width));
  return table.join('\n');
}

/** Under a table cut to fit a terminal too narrow to read it. */
export function narrowNote(width: number): string {
  return cutToWidth('(too narrow: --json shows all)', width);
}
