import { describe, expect, it } from 'vitest';
import { highlight, makeSnippet } from '../../src/analytics/snippet.js';

const marked = (text: string, needle: string, context?: number) => {
  const s = makeSnippet(text, needle, context);
  return s && highlight(s, (m) => `[${m}]`);
};

describe('makeSnippet', () => {
  it('marks the match, case aside, with context on one line', () => {
    expect(marked('Fix the Auth\nmiddleware now', 'auth MIDDLEWARE')).toBe(
      'Fix the [Auth middleware] now',
    );
    expect(marked(`${'a'.repeat(60)} needle ${'b'.repeat(60)}`, 'NEEDLE', 5)).toBe(
      '…aaaa [needle] bbbb…',
    );
  });

  it('marks the right characters after one whose lower case is longer (İ)', () => {
    expect(marked('İstanbul: find the needle here', 'needle')).toBe(
      'İstanbul: find the [needle] here',
    );
    expect(marked('an İn the match', 'İN')).toBe('an [İn] the match');
  });

  it('finds a needle with runs of white space, as the text is folded', () => {
    expect(marked('two  spaces\there', 'two  spaces')).toBe('[two spaces] here');
  });
});
