import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { FIXTURES, homeForEachTest, runGrok } from '../helpers.js';

const h = homeForEachTest();

test('repair --all: a file that fails unexpectedly is reported, and the batch goes on', () => {
  const broken = readdirSync(join(FIXTURES, 'broken')).sort();
  for (const name of broken) copyFileSync(join(FIXTURES, 'broken', name), join(h.sessions, name));
  const failing = broken[1] as string;
  const before = readFileSync(join(h.sessions, failing));
  const r = runGrok(['sessions', 'repair', '--all', '--json'], {
    ...h.env,
    GROK_FAULT: `repair-throws:${failing}`,
  });
  expect(r.stderr).not.toMatch(/internal error/);
  const out = JSON.parse(r.stdout);
  // every file of the batch has its outcome, the failing one among the unrecoverable
  const named = [...out.repaired, ...out.unrecoverable, ...out.locked].map(
    (x: { file: string }) => x.file,
  );
  expect(named.sort()).toEqual(broken);
  expect(out.unrecoverable).toContainEqual({
    file: failing,
    reason: expect.stringMatching(/injected fault; left as it is$/),
  });
  // the files after it were still repaired, and the failing one is as it was, with no backup
  expect(out.repaired.length).toBeGreaterThan(0);
  expect(readFileSync(join(h.sessions, failing))).toEqual(before);
  expect(readdirSync(h.sessions).filter((f) => f.startsWith(`${failing}.bak`))).toEqual([]);
  expect(existsSync(join(h.sessions, broken[2] as string))).toBe(true);
});
