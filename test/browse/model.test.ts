import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import {
  type BrowseRow,
  columnsFor,
  edited,
  filterRows,
  headerLine,
  MARK_WIDTH,
  matchKind,
  previewLines,
  rowLine,
  sortRows,
  wrap,
} from '../../src/browse/model.js';

function row(over: Partial<BrowseRow>): BrowseRow {
  return {
    file: 'session-2025-01-01-00-00-00.json',
    archive: null,
    sessionId: 'session-2025-01-01-00-00-00',
    name: null,
    tags: [],
    startTime: '2025-01-01T00:00:00.000Z',
    lastActivity: null,
    durationMs: 60_000,
    model: 'grok-4',
    status: 'ended',
    workingDirectory: '/home/u/api',
    messages: 3,
    toolCalls: 0,
    input: 100,
    output: 50,
    total: 150,
    interrupted: false,
    firstUser: 'fix the login bug',
    cost: 0.01,
    costEstimated: true,
    ...over,
  };
}

describe('the filter', () => {
  const _ = (term: string, text: string, kind: number) => () =>
    expect(matchKind(term, text)).toBe(kind);
  it('substring', _('rate', 'the rate limiter', 2));
  it('letters in order', _('rtlm', 'rate limiter', 1));
  it('letters out of order', _('mlr', 'rate limiter', 0));

  const rows = [
    row({ file: 'a.json', name: 'rate-limiter' }),
    row({ file: 'b.json', firstUser: 'explain the rate limiter' }),
    row({ file: 'c.json', tags: ['ratelimit'], workingDirectory: '/srv/web' }),
    row({ file: 'd.json', workingDirectory: '/home/u/infra' }),
  ];
  it('looks in name, first message, tags and directory; whole words first', () => {
    expect(filterRows(rows, 'rate-lim').map((r) => r.file)).toEqual(['a.json']);
    expect(filterRows(rows, 'rate lim').map((r) => r.file)).toEqual(['a.json', 'b.json', 'c.json']);
    expect(filterRows(rows, 'ratelimit').map((r) => r.file)).toEqual([
      'c.json',
      'a.json',
      'b.json',
    ]);
    expect(filterRows(rows, 'infra').map((r) => r.file)).toEqual(['d.json']);
    expect(filterRows(rows, 'srv ratel').map((r) => r.file)).toEqual(['c.json']);
    expect(filterRows(rows, '')).toHaveLength(4);
  });

  it('typing, pasting and backspaces in one input', () => {
    expect(edited('ab', 'c')).toBe('abc');
    expect(edited('ab', '\u007fxy')).toBe('axy');
    expect(edited('', 'a\bb\r')).toBe('b');
  });
});

it('sorts by newest, tokens and cost, unpriced last', () => {
  const rows = [
    row({ file: 'old.json', startTime: '2024-01-01T00:00:00Z', total: 900, cost: null }),
    row({ file: 'new.json', startTime: '2025-06-01T00:00:00Z', total: 10, cost: 0.5 }),
    row({ file: 'mid.json', startTime: '2025-01-01T00:00:00Z', total: 500, cost: 2 }),
  ];
  const files = (k: 'newest' | 'tokens' | 'cost') => sortRows(rows, k).map((r) => r.file);
  expect(files('newest')).toEqual(['new.json', 'mid.json', 'old.json']);
  expect(files('tokens')).toEqual(['old.json', 'mid.json', 'new.json']);
  expect(files('cost')).toEqual(['mid.json', 'new.json', 'old.json']);
});

describe('what is drawn fits the window', () => {
  const wide = row({
    name: '長い名前のセッション with a very long name that goes on and on',
    tags: ['one', 'two', 'three'],
    workingDirectory: '/home/someone/a/rather/deep/project/directory',
  });
  for (const width of [40, 60, 80, 100, 120, 160, 250]) {
    it(`${width} columns`, () => {
      const cols = columnsFor(width);
      expect(cols.map((c) => c.key).slice(0, 2)).toEqual(['title', 'when']);
      expect(MARK_WIDTH + stringWidth(rowLine(wide, cols))).toBeLessThanOrEqual(width);
      expect(MARK_WIDTH + stringWidth(headerLine(cols))).toBeLessThanOrEqual(width);
      for (const line of previewLines({ row: wide, cwd: '/x' }, width, 10))
        expect(stringWidth(line.map((s) => s.text).join(''))).toBeLessThanOrEqual(width);
    });
  }
  it('80 columns show the title, when, tokens, cost and model', () => {
    expect(columnsFor(80).map((c) => c.key)).toEqual(['title', 'when', 'tokens', 'cost', 'model']);
  });
  it('wraps at spaces, cuts long words, shows control characters as symbols', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('x\u001b[2Jy', 10)).toEqual(['x␛[2Jy']);
  });
});
