import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');
// The one module that may read them (src/test-hooks.ts says what each is for).
const HOOKS = 'test-hooks.ts';
const SWITCH = /GROK_(?:TEST\w*|FAULT|LIST_INDEX_THRESHOLD)\b/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

test('test switches and the clock override are read only in src/test-hooks.ts', () => {
  const readers = sources(SRC)
    .filter((f) => relative(SRC, f) !== HOOKS)
    .flatMap((f) => {
      const found = readFileSync(f, 'utf8').match(SWITCH);
      return found ? [`${relative(SRC, f)}: ${[...new Set(found)].join(', ')}`] : [];
    });
  expect(readers).toEqual([]);
  // the module itself still holds them, so the check above looks for the right names
  expect(readFileSync(join(SRC, HOOKS), 'utf8').match(SWITCH)).toEqual(
    expect.arrayContaining(['GROK_FAULT', 'GROK_TEST_NOW', 'GROK_LIST_INDEX_THRESHOLD']),
  );
});
