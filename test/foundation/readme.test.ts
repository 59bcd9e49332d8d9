/**
 * The README as a test: every `console` block is what the commands print over the bundled
 * samples (scripts/docs.mjs, `npm run docs`, re-run here with --check). A change of output that
 * the README does not show fails here; `npm run docs` brings the README up to date.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

it('every console block of the README is what its commands print', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'docs.mjs'), '--check'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 300_000);

it('the check fails when the README shows something else', async () => {
  const { regenerate } = await import('../../scripts/docs.mjs');
  const readme = [
    '# x',
    '',
    '```console',
    '$ grok sessions list --over 900k',
    'nothing',
    '```',
    '',
  ];
  const made: string = regenerate(readme.join('\n'));
  expect(made).not.toContain('\nnothing\n');
  expect(made).toContain('orders-timeout');
}, 120_000);
