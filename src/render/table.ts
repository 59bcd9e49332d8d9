import { stripVTControlCharacters } from 'node:util';
import Table from 'cli-table3';
import { bold, useColor } from './color.js';

export type Align = 'left' | 'right' | 'center';

export interface Column {
  header: string;
  align?: Align;
}

/** A plain table: no borders inside, one header rule, right-aligned numbers. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const color = useColor();
  const table = new Table({
    head: columns.map((c) => (color ? bold(c.header, true) : c.header)),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '',
    },
  });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  const lines = table.toString().split('\n');
  const width = Math.max(...lines.map((l) => stripVTControlCharacters(l).length));
  const rule = '─'.repeat(Math.max(0, width - 2));
  return [lines[0] ?? '', rule, ...lines.slice(1)].map((l) => l.trimEnd()).join('\n');
}
