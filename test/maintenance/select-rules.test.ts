/** The options prune and archive share, read into selection rules (src/maintenance/select.ts). */
import { describe, expect, it } from 'vitest';
import { ageRule, keepTags } from '../../src/maintenance/select.js';

const tags = (value: string | string[] | undefined, expected: string[]) => () =>
  expect(keepTags(value)).toEqual(expected);

describe('keepTags: keep is always protected', () => {
  it('none given', tags(undefined, ['keep']));
  it('one', tags('pinned', ['keep', 'pinned']));
  it('comma separated, trimmed', tags('a, b,,c', ['keep', 'a', 'b', 'c']));
  it('repeated flag', tags(['a', 'b,a'], ['keep', 'a', 'b']));
  it('keep given again', tags('keep', ['keep']));
});

describe('ageRule', () => {
  it('none given', () => expect(ageRule({})).toBeUndefined());
  it('--older-than', () =>
    expect(ageRule({ olderThan: '2d' })).toEqual({ olderThanMs: 172_800_000 }));
  it('--before', () =>
    expect(ageRule({ before: '2025-11-01' })).toEqual({
      before: new Date('2025-11-01T00:00:00Z'),
    }));
  it('both: a usage error', () =>
    expect(() => ageRule({ olderThan: '2d', before: '2025-11-01' })).toThrow(
      'use one of --older-than and --before',
    ));
  it('a bad duration names the flag', () =>
    expect(() => ageRule({ olderThan: 'soon' })).toThrow(/--older-than/));
});
