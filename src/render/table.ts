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
import stringWidth from 'string-width';
import { bold, useColor } from './color.js';
import { printable } from './format.js';

export type Align = 'left' | 'right' | 'center';

export interface Column {
  header: string;
  align?: Align;
}

/** Space after each column. */
const GAP = 2;

/** SGR colour codes, as cli-table3 strips them before measuring. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts a colour code
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Columns a line of text takes on a terminal. */
function lineWidth(line: string): number {
  return PRINTABLE_ASCII.test(line) ? line.length : stringWidth(line.replace(SGR, ''));
}

function pad(text: string, width: number, align: Align): string {
  const room = width - lineWidth(text);
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

export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const color = useColor();
  const aligns = columns.map((c) => c.align ?? 'left');
  const head = columns.map((c) => [color ? bold(c.header, true) : c.header]);
  // Every row has a cell per column; a cell may hold several lines.
  // Cells may hold session text: shown printable, grok's own colours kept when colour is on.
  const body = rows.map((row) =>
    columns.map((_, x) => printable(x < row.length ? String(row[x]) : '', color).split('\n')),
  );
  const widths = columns.map(() => 0);
  for (const cells of [head, ...body]) {
    cells.forEach((cell, x) => {
      for (const line of cell) widths[x] = Math.max(widths[x] as number, lineWidth(line));
    });
  }
  const lines = [head, ...body].flatMap((cells) => drawRow(cells, widths, aligns));
  const width = Math.max(...lines.map((l) => stripVTControlCharacters(l).length));
  const rule = '─'.repeat(Math.max(0, width - 2));
  return [lines[0] ?? '', rule, ...lines.slice(1)].map((l) => l.trimEnd()).join('\n');
}
