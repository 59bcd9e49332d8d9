/**
 * Errors and warnings: a sessions directory the user named that does not exist is an error
 * naming it; the default one missing is "no sessions yet", and reading commands leave no file
 * behind; unreadable files are one line on stderr (details under --json and in doctor), left
 * out when their name dates them outside the filter; red and yellow on a terminal only.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, copyFixtures, makeHome, runGrok, type TempHome } from '../helpers.js';

let h: TempHome;
beforeEach(() => {
  h = makeHome({ withSessions: false });
});
afterEach(() => h.cleanup());

const READING = [
  ['list'],
  ['list', '--json'],
  ['stats'],
  ['cost'],
  ['tools'],
  ['top'],
  ['search', 'timeout'],
  ['show', 'latest'],
  ['query', 'SELECT 1'],
];

describe('a sessions directory that does not exist', () => {
  for (const args of READING) {
    it(`${args.join(' ')}: --sessions-dir named and missing is exit 1 naming it`, () => {
      const missing = join(h.home, 'sesions');
      const r = runGrok(['sessions', ...args, '--sessions-dir', missing], h.env);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `grok: sessions directory ${missing} (--sessions-dir) does not exist\n`,
      );
      expect(r.code).toBe(1);
    });
  }

  it('GROK_SESSIONS_DIR named and missing is exit 1 naming it', () => {
    const missing = join(h.home, 'typo');
    const r = runGrok(['sessions', 'stats'], { ...h.env, GROK_SESSIONS_DIR: missing });
    expect(r.stderr).toBe(
      `grok: sessions directory ${missing} (GROK_SESSIONS_DIR) does not exist\n`,
    );
    expect(r.code).toBe(1);
  });

  it('the default one missing: no sessions yet, exit 0, and no file written', () => {
    for (const args of [['list'], ['stats'], ['cost'], ['tools'], ['top'], ['search', 'x']]) {
      const r = runGrok(['sessions', ...args], h.env);
      expect(r.stderr, args[0]).toBe('');
      expect(r.code, args[0]).toBe(0);
      if (args[0] !== 'search') {
        expect(r.stdout).toBe(`No sessions yet (${join(h.home, 'sessions')} does not exist)\n`);
      }
    }
    expect(runGrok(['sessions', 'stats', '--json'], h.env).code).toBe(0);
    // neither an index nor a cached answer: nothing to make them from
    expect(readdirSync(h.home)).toEqual([]);
  });

  it('an empty sessions directory: no index or answer file either', () => {
    mkdirSync(h.sessions);
    for (const args of [['list'], ['stats'], ['top']]) {
      expect(runGrok(['sessions', ...args], h.env).code).toBe(0);
    }
    expect(readdirSync(h.home)).toEqual(['sessions']);
  });
});

describe('files that cannot be read', () => {
  beforeEach(() => {
    copyFixtures(h.sessions, 'sessions');
    copyFixtures(h.sessions, 'broken'); // five, dated October 2025
  });

  it('are one line on stderr, and listed under --json', () => {
    for (const args of [['list'], ['stats'], ['tools'], ['top'], ['search', 'timeout']]) {
      const r = runGrok(['sessions', ...args], h.env);
      expect(r.code, args[0]).toBe(0);
      expect(r.stderr, args[0]).toBe(
        'grok: warning: 5 files could not be read; see grok sessions doctor\n',
      );
    }
    const json = JSON.parse(runGrok(['sessions', 'list', '--json'], h.env).stdout);
    expect(json.skipped).toHaveLength(5);
    expect(json.skipped[1]).toEqual({
      file: 'session-2025-10-09-08-00-00.json',
      reason: 'empty file',
    });
  });

  it('are not mentioned when their names date them outside the period asked for', () => {
    for (const args of [
      ['list', '--month', '2025-12'],
      ['stats', '--since', '2025-11-01'],
      ['top', '--until', '2025-09-30'],
    ]) {
      const r = runGrok(['sessions', ...args], h.env);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).toBe('');
    }
    // from the 10th: three of the five
    const r = runGrok(['sessions', 'stats', '--since', '2025-10-10'], h.env);
    expect(r.stderr).toBe('grok: warning: 3 files could not be read; see grok sessions doctor\n');
  });
});

describe('colour', () => {
  let terminals = 0;
  /** stderr of `grok sessions <args>` on a real terminal, with its escape codes. */
  async function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
    const socket = `grok-errors-test-${process.pid}-${++terminals}`;
    const tmux = (...a: string[]) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
    const vars = Object.entries(env)
      .filter(([k, v]) => v !== undefined && /^(GROK_|HOME$|NO_COLOR$|TZ$)/.test(k))
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    const command = `env -u NO_COLOR ${vars} '${process.execPath}' '${BIN}' sessions ${args.join(' ')}`;
    try {
      tmux(
        'new-session',
        '-d',
        '-s',
        'c',
        '-x',
        '120',
        '-y',
        '30',
        `sh -c "${command}; echo '[done]'; sleep 30"`,
      );
      let screen = '';
      for (let i = 0; i < 200 && !screen.includes('[done]'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        screen = tmux('capture-pane', '-p', '-e', '-t', 'c').stdout;
      }
      return screen;
    } finally {
      tmux('kill-server');
    }
  }

  it('a failure is red and a warning yellow on a terminal; neither with NO_COLOR', async () => {
    const { NO_COLOR: _, ...env } = h.env;
    const failed = await onTerminal(['list', '--sessions-dir', '/nonexistent'], env);
    expect(failed).toContain('\u001b[31mgrok: sessions directory /nonexistent');
    copyFixtures(h.sessions, 'broken');
    const warned = await onTerminal(['stats'], env);
    expect(warned).toContain('\u001b[33mgrok: warning: 5 files could not be read');
    const plain = await onTerminal(['list', '--sessions-dir', '/nonexistent'], {
      ...env,
      NO_COLOR: '1',
    });
    expect(plain).toContain('grok: sessions directory /nonexistent');
    expect(plain).not.toContain('\u001b[31m');
  });

  it('none when piped', () => {
    const { NO_COLOR: _, ...env } = h.env;
    const r = runGrok(['sessions', 'list', '--sessions-dir', '/nonexistent'], env);
    expect(r.stderr).toBe(
      'grok: sessions directory /nonexistent (--sessions-dir) does not exist\n',
    );
  });
});
