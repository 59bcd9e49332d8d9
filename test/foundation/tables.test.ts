/**
 * What the table-printing commands show, as a user reads it: the built CLI over the bundled
 * sample sessions at COLUMNS=80, NO_COLOR, TZ=UTC and a fixed clock (as the README's examples
 * are made), exit 0 and nothing on stderr, then stdout against a file snapshot. The scratch home
 * is shown as `~`, as the README shows it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runGrok } from '../helpers.js';

let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // the README's scratch home and environment (the clock a fortnight after the newest sample),
  // 80 columns; the files private, as grok writes them: doctor has nothing to say about their modes
  const { exampleHome } = await import('../../scripts/docs.mjs');
  ({ scratch, env } = exampleHome('tables', { columns: 80, mode: 0o600 }));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const snapshot = (name: string) =>
  join(ROOT, 'test', 'foundation', '__snapshots__', 'tables', `${name}.txt`);

/**
 * Runs `grok sessions <args>` in the scratch home: exit 0 (or `code`, for a check that found
 * something), empty stderr, then its stdout.
 */
function shown(args: readonly string[], code = 0): string {
  const r = runGrok(['sessions', ...args], env, { cwd: scratch });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(code);
  return r.stdout.replaceAll(scratch, '~');
}

/** [snapshot name, arguments]: each a table (or table-like report) a command prints. */
const CASES: [string, string[]][] = [
  ['list', ['list']],
  ['list-limit-sort-tokens', ['list', '--limit', '5', '--sort', 'tokens']],
  ['stats', ['stats']],
  ['stats-by-month', ['stats', '--by', 'month']],
  ['stats-by-model', ['stats', '--by', 'model']],
  ['stats-by-project', ['stats', '--by', 'project']],
  ['stats-by-tool', ['stats', '--by', 'tool']],
  // from October: the one session of an unpriced model (September) would add a warning on stderr
  ['cost-since-october', ['cost', '--since', '2025-10-01']],
  ['cost-by-day-november', ['cost', '--by', 'day', '--month', '2025-11']],
  ['cost-by-session-december', ['cost', '--by', 'session', '--since', '2025-12-01']],
  ['tools', ['tools']],
  ['top', ['top']],
  ['top-by-cost', ['top', '--by', 'cost', '-n', '5']],
  ['top-by-duration', ['top', '--by', 'duration', '-n', '5']],
  ['search', ['search', 'Grep', '-n', '5']],
  ['query-named', ['query', 'tokens-by-month']],
  ['query-list', ['query', '--list']],
  ['pricing', ['pricing']],
  ['policy', ['policy']],
  ['doctor', ['doctor']],
  ['cron-status', ['cron', 'status']],
  ['secrets', ['secrets']],
  ['report', ['report', '--out', 'report.html']],
  ['export-csv', ['export', '--format', 'csv', '--out', 'tables']],
];

describe('table output over the sample sessions (COLUMNS=80, NO_COLOR, TZ=UTC)', () => {
  it.each(CASES)('%s', async (name, args) => {
    await expect(shown(args)).toMatchFileSnapshot(snapshot(name));
  });

  it('secrets, once a session holds a key', async () => {
    const file = join(env.GROK_HOME as string, 'sessions', 'session-2025-12-18-11-06-43.json');
    const text = readFileSync(file, 'utf8');
    const key = 'xai-abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    writeFileSync(file, text.replace('"content": "', `"content": "my key is ${key}, `));
    try {
      await expect(shown(['secrets'], 1)).toMatchFileSnapshot(snapshot('secrets-found'));
    } finally {
      writeFileSync(file, text);
    }
  });

  it('archive list, once a month is archived', async () => {
    shown(['archive', '--month', '2025-08', '--yes']);
    await expect(shown(['archive', 'list'])).toMatchFileSnapshot(snapshot('archive-list'));
  });
});
