/**
 * Tables: the same text as cli-table3 (which drew them before) gives for grok's style, over cells
 * of every kind; and a table of 10,000 rows (cli-table3 took ~20 s over as many sessions).
 */
import { stripVTControlCharacters } from 'node:util';
import Table from 'cli-table3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rng } from '../../bench/generate.mjs';
import { printable } from '../../src/render/format.js';
import { type Align, type Column, renderTable } from '../../src/render/table.js';

/** renderTable as it was, on cli-table3: the reference. */
function withCliTable3(
  columns: readonly Column[],
  rows: readonly (readonly (string | number)[])[],
  color: boolean,
): string {
  const none = Object.fromEntries(
    [
      'top',
      'top-mid',
      'top-left',
      'top-right',
      'bottom',
      'bottom-mid',
      'bottom-left',
      'bottom-right',
      'left',
      'left-mid',
      'mid',
      'mid-mid',
      'right',
      'right-mid',
      'middle',
    ].map((k) => [k, '']),
  );
  const table = new Table({
    head: columns.map((c) => (color ? `\u001b[1m${c.header}\u001b[22m` : c.header)),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
    chars: none,
  });
  // cells as renderTable shows them: control characters as symbols, colours kept (printable)
  for (const row of rows) table.push(row.map((cell) => printable(String(cell), color)));
  const lines = table.toString().split('\n');
  const width = Math.max(...lines.map((l) => stripVTControlCharacters(l).length));
  const rule = '─'.repeat(Math.max(0, width - 2));
  return [lines[0] ?? '', rule, ...lines.slice(1)].map((l) => l.trimEnd()).join('\n');
}

const PIECES = [
  '',
  'a',
  'session-2025-11-02-10-00-00',
  '12,345',
  '1.2M',
  '$0.0042',
  ' lead and trail ',
  '日本語',
  'ｆｕｌｌ',
  '한국어',
  '🚀',
  '👩‍💻',
  'e\u0301',
  'naïve',
  '—',
  '█████▌',
  'tab\there',
  'two\nlines',
  'three\nli\nnes',
  '\u001b[1mbold\u001b[22m',
  '\u001b[31mred\u001b[39m',
  '\u001b[2m—\u001b[22m',
  '\u0007bell',
  'x'.repeat(50),
];

describe('renderTable', () => {
  let noColor: string | undefined;
  let columns: string | undefined;
  beforeEach(() => {
    noColor = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    // whole tables, as when piped (fitting to a width: fit.test.ts)
    columns = process.env.COLUMNS;
    delete process.env.COLUMNS;
  });
  afterEach(() => {
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
    if (columns !== undefined) process.env.COLUMNS = columns;
  });

  it('gives what cli-table3 gives, over 600 tables of every kind of cell', () => {
    // seeded (bench/generate.mjs's generator), so a failure can be replayed
    const next = rng(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const aligns: Align[] = ['left', 'right', 'center'];
    for (let t = 0; t < 600; t++) {
      const columns: Column[] = Array.from({ length: 1 + Math.floor(next() * 6) }, () => ({
        header: pick(['ID', 'NAME', 'TOKENS', 'MODEL', '名前', 'X']),
        align: pick(aligns),
      }));
      const rows = Array.from({ length: Math.floor(next() * 12) }, () =>
        columns.map(() =>
          next() < 0.2
            ? Math.floor(next() * 1e6)
            : pick(PIECES) + (next() < 0.3 ? pick(PIECES) : ''),
        ),
      );
      expect(renderTable(columns, rows), `table ${t}`).toBe(withCliTable3(columns, rows, false));
    }
  });

  it('draws a bold header as cli-table3 does when colour is on', () => {
    process.env.NO_COLOR = '';
    process.env.FORCE_COLOR = '1';
    try {
      const columns: Column[] = [{ header: 'TOOL' }, { header: 'CALLS', align: 'right' }];
      const rows = [
        ['Read', '1,204'],
        ['日本語', '7'],
      ];
      const drawn = renderTable(columns, rows);
      expect(drawn).toContain('\u001b[1mTOOL\u001b[22m');
      expect(drawn).toBe(withCliTable3(columns, rows, true));
    } finally {
      delete process.env.FORCE_COLOR;
    }
  });

  it('draws 10,000 rows, each once, in order', () => {
    const columns: Column[] = [{ header: 'ID' }, { header: 'TOKENS', align: 'right' }];
    const rows = Array.from({ length: 10_000 }, (_, i) => [`s-${i}`, String(i * 7)]);
    const lines = renderTable(columns, rows).split('\n');
    expect(lines).toHaveLength(10_002);
    expect(lines[0]).toBe('ID      TOKENS');
    expect(lines[1]).toBe('─'.repeat(14));
    expect(lines[2]).toBe('s-0          0');
    expect(lines[10_001]).toBe('s-9999   69993');
  });
});
