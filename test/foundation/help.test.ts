/**
 * Help a user can learn from: `grok sessions --help` (and `grok sessions` alone, piped) lists the
 * commands in groups, one line each; every command's --help has its description, arguments and
 * examples; a mistyped command or option gets the nearest one. Snapshots at COLUMNS=80.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSessionsCli } from '../../src/cli.js';
import { nearest } from '../../src/render/suggest.js';
import {
  copyFixtures,
  makeHome,
  ROOT,
  type RunResult,
  runGrok,
  type TempHome,
} from '../helpers.js';

let h: TempHome;
beforeAll(() => {
  h = makeHome();
});
afterAll(() => h.cleanup());

const snapshot = (name: string) =>
  join(ROOT, 'test', 'foundation', '__snapshots__', 'help', `${name}.txt`);
const run = (...args: string[]): RunResult => runGrok(args, { ...h.env, COLUMNS: '80' });

/** Exit 0, nothing on stderr, then the text. */
function ok(r: RunResult): string {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const COMMANDS = buildSessionsCli().commands.map((c) => c.name);

describe('grok sessions --help', () => {
  it('lists the commands grouped, one line each', async () => {
    const text = ok(run('sessions', '--help'));
    for (const group of ['Browse:', 'Analyse:', 'Maintain:', 'Share:', 'Chat:']) {
      expect(text).toContain(`\n${group}\n`);
    }
    for (const name of COMMANDS) expect(text).toMatch(new RegExp(`\\n  ${name}\\b.* {2}\\S`));
    expect(text).not.toContain('For more info');
    // and real examples to start from
    expect(text).toMatch(/\nExamples:\n {2}\$ grok sessions \w/);
    expect(Math.max(...text.split('\n').map((l) => stringWidth(l)))).toBeLessThanOrEqual(80);
    await expect(text).toMatchFileSnapshot(snapshot('sessions'));
  });

  it('is what grok sessions prints alone when not on a terminal', () => {
    expect(ok(run('sessions'))).toBe(ok(run('sessions', '--help')));
  });

  it('grok --help shows the chat and where the toolkit is', async () => {
    const text = ok(run('--help'));
    expect(text).toContain('grok sessions --help');
    await expect(text).toMatchFileSnapshot(snapshot('grok'));
  });
});

describe('every command --help', () => {
  for (const name of COMMANDS) {
    it(`${name}: a description, its arguments and 1 to 3 examples`, async () => {
      const text = ok(run('sessions', name, '--help'));
      expect(text.split('\n')[0]).toMatch(new RegExp(`^grok sessions ${name}: \\S`));
      const examples = text.split('Examples:\n')[1]?.trim().split('\n') ?? [];
      expect(examples.length).toBeGreaterThanOrEqual(1);
      expect(examples.length).toBeLessThanOrEqual(3);
      for (const e of examples)
        expect(e.trim()).toMatch(new RegExp(`^\\$ grok sessions ${name}\\b`));
      const usage = (text.split('\n')[3] ?? '').replace(' [options]', '');
      if (/[<[]/.test(usage)) expect(text).toContain('\nArguments:\n');
      else expect(text).not.toContain('\nArguments:\n');
      await expect(text).toMatchFileSnapshot(snapshot(name));
    });
  }

  it('archive --help lists list and restore; cron --help install, uninstall and status', () => {
    const archive = ok(run('sessions', 'archive', '--help'));
    expect(archive).toMatch(/\n {2}archive list {2,}\S/);
    expect(archive).toMatch(/\n {2}archive restore <ref> {2,}\S/);
    const cron = ok(run('sessions', 'cron', '--help'));
    for (const sub of ['install', 'uninstall', 'status']) {
      expect(cron).toMatch(new RegExp(`\\n {2}cron ${sub} {2,}\\S`));
    }
  });

  it('--no-redact says what happens by default', () => {
    const text = ok(run('sessions', 'export', '--help')).replace(/\s+/g, ' ');
    expect(text).toContain(
      '--no-redact Keep secrets, in a transcript or in --with-text tables (by default each becomes [REDACTED:<kind>])',
    );
  });
});

describe('did you mean', () => {
  const _ = (args: string[], message: string) => () => {
    const r = run('sessions', ...args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
  };
  it('a mistyped command', _(['lst'], "unknown command 'grok sessions lst'; did you mean list?"));
  it('two letters swapped', _(['stast'], 'did you mean stats?'));
  it(
    'a mistyped option',
    _(
      ['list', '--lmit', '3'],
      "unknown option '--lmit' for 'grok sessions list'; did you mean --limit?",
    ),
  );
  it('an option of another command', _(['list', '--by', 'day'], "unknown option '--by'"));
  it('nothing near', _(['frobnicate'], "unknown command 'grok sessions frobnicate' (see"));
  // two names as near: the first in alphabetical order, whatever order the commands are defined in
  it('a tie: the first in alphabetical order', _(['rep'], 'did you mean repair?'));
});

describe('nearest', () => {
  it('breaks a tie by alphabetical order, not by the order of the candidates', () => {
    expect(nearest('rep', ['report', 'repair'])).toBe('repair');
    expect(nearest('rep', ['repair', 'report'])).toBe('repair');
    expect(nearest('eport', ['report', 'export'])).toBe('export');
    expect(nearest('lst', ['list', 'last'])).toBe('last');
  });
});

describe('grok-sessions', () => {
  it('is grok sessions', () => {
    const home = makeHome();
    try {
      copyFixtures(home.sessions);
      const env = { ...home.env, COLUMNS: '100' };
      const bin = spawnSync(
        process.execPath,
        [join(ROOT, 'dist', 'grok-sessions.cjs'), 'list', '--limit', '3'],
        { env, encoding: 'utf8' },
      );
      expect(bin.stderr).toBe('');
      expect(bin.status).toBe(0);
      expect(bin.stdout).toBe(runGrok(['sessions', 'list', '--limit', '3'], env).stdout);
      expect(bin.stdout).toContain('3 of 51 sessions');
    } finally {
      home.cleanup();
    }
  });
});
