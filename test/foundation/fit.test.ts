/**
 * Tables fit the terminal: at COLUMNS=80 and 60 no line of any table command is wider (display
 * width: wide characters count two), the columns that matter stay, long text is cut with `…`;
 * piped without COLUMNS the table stays whole; a real 80x24 terminal shows list and top unwrapped.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitColumns, renderTable } from '../../src/render/table.js';
import { cutToWidth, displayWidth, wrapNotes } from '../../src/render/width.js';
import { BIN, copyFixtures, makeHome, runGrok, type TempHome } from '../helpers.js';

const widest = (text: string) => Math.max(0, ...text.split('\n').map((l) => stringWidth(l)));

describe('cutToWidth', () => {
  const _ =
    (text: string, width: number, want: string, from?: 'end' | 'middle' | 'start') => () => {
      const cut = cutToWidth(text, width, from ? { from } : {});
      expect(cut).toBe(want);
      expect(displayWidth(cut)).toBeLessThanOrEqual(width);
    };
  it('leaves text that fits', _('api-gateway', 11, 'api-gateway'));
  it('cuts the end with an ellipsis', _('api-gateway', 6, 'api-g…'));
  it('counts wide characters twice', _('日本語の名前', 7, '日本語…'));
  it('never splits an emoji sequence', _('ab👩‍💻cd', 4, 'ab…'));
  it('keeps the end of a path', _('/home/user/api-gateway', 16, '/home…pi-gateway', 'middle'));
  it('cuts from the start', _('the intermittent timeout', 10, '…t timeout', 'start'));
  it('closes a colour it cut', () => {
    const cut = cutToWidth('\u001b[31mred text here\u001b[39m', 5);
    expect(cut).toBe('\u001b[31mred …\u001b[22m\u001b[39m');
  });
});

describe('wrapNotes', () => {
  const note =
    'grok: warning: no price for \'grok-5-preview\' (1 session with unpriced usage, not counted in the total); add it under "pricing" in /home/someone/.grok/settings.json or use --rate';
  it('folds a note at spaces, its next lines indented, no line wider', () => {
    const folded = wrapNotes(note, 60);
    const lines = folded.split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^grok: warning: no price/);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}\S/);
    // nothing lost: the words read the same once joined again
    expect(folded.replace(/\n {2}/g, ' ')).toBe(note);
  });
  it('breaks a word wider than the line instead of cutting it', () => {
    const path = `grok: warning: see /home/${'long-directory-name/'.repeat(4)}settings.json`;
    const folded = wrapNotes(path, 30);
    expect(Math.max(...folded.split('\n').map(displayWidth))).toBeLessThanOrEqual(30);
    // every character of the path is there, none cut away
    expect(folded).not.toContain('…');
    expect(folded.replace(/\s+/g, '')).toBe(path.replace(/\s+/g, ''));
  });
  it("keeps a line's own indent, its next lines two further", () => {
    const folded = wrapNotes(
      'Sources:\n  https://docs.x.ai/developers/advanced-api-usage/prompt-caching',
      40,
    );
    expect(folded.split('\n')).toEqual([
      'Sources:',
      '  https://docs.x.ai/developers/advanced-',
      '    api-usage/prompt-caching',
    ]);
  });
  it('counts wide characters twice', () => {
    const folded = wrapNotes('grok: warning: 認証フローの見直し と レート制限 の セッション', 20);
    expect(Math.max(...folded.split('\n').map(displayWidth))).toBeLessThanOrEqual(20);
  });
  it('leaves lines that fit, and everything when piped without COLUMNS', () => {
    expect(wrapNotes('grok: warning: 5 files could not be read\n', 60)).toBe(
      'grok: warning: 5 files could not be read\n',
    );
    expect(wrapNotes(note, undefined)).toBe(note);
  });
});

describe('fitColumns', () => {
  const columns = [
    { header: 'ID', priority: 9 },
    { header: 'NAME', priority: 5, minWidth: 6 },
    { header: 'TOOLS', priority: 1 },
    { header: 'DIR', priority: 3, minWidth: 8 },
  ];
  it('shrinks what may shrink before dropping anything', () => {
    // 10 + 12 + 5 + 20 + 6 gaps = 53 wide; at 45 the name and directory give up room
    expect(fitColumns(columns, [10, 12, 5, 20], 45)).toEqual({
      keep: [0, 1, 2, 3],
      widths: [10, 12, 5, 12],
    });
  });
  it('drops the least useful column when shrinking is not enough', () => {
    expect(fitColumns(columns, [10, 12, 5, 20], 30)).toEqual({
      keep: [0, 1, 3],
      widths: [10, 8, 8],
    });
  });
  it('cuts the last column standing to the width', () => {
    expect(fitColumns(columns, [10, 12, 5, 20], 7)).toEqual({ keep: [0], widths: [7] });
  });
});

describe('renderTable at a width', () => {
  const columns = [
    { header: 'ID', priority: 9 },
    { header: 'NAME', priority: 5, minWidth: 8 },
    { header: 'TOKENS', align: 'right' as const, priority: 8 },
    { header: 'DIRECTORY', priority: 2, minWidth: 12, cut: 'middle' as const },
  ];
  const rows = [
    ['session-1', '日本語のセッション名前🚀', '20k', '/home/user/プロジェクト/api-gateway'],
    ['session-2', 'plain', '1.2M', '/srv'],
  ];
  it('stays whole when no width is given (piped)', () => {
    const whole = renderTable(columns, rows, { width: undefined });
    expect(whole).toContain('日本語のセッション名前🚀');
    expect(whole).toContain('/home/user/プロジェクト/api-gateway');
  });
  for (const width of [60, 40, 30]) {
    it(`is no wider than ${width} columns, wide characters counted twice`, () => {
      const drawn = renderTable(columns, rows, { width });
      expect(widest(drawn)).toBeLessThanOrEqual(width);
      expect(drawn).toContain('session-1');
      expect(drawn).toContain('1.2M');
    });
  }
  it('below 60 columns says --json shows it all', () => {
    expect(renderTable(columns, rows, { width: 40 })).toMatch(
      /\n\(too narrow: --json shows all\)$/,
    );
    expect(renderTable(columns, rows, { width: 60 })).not.toContain('--json');
  });
});

describe('table commands at COLUMNS=80 and 60', () => {
  let h: TempHome;
  const COMMANDS = [
    ['list'],
    ['top'],
    ['search', 'timeout'],
    ['search', '認証'],
    ['cost', '--by', 'session'],
    ['cost', '--by', 'day'],
    ['cost', '--by', 'model'],
    ['stats'],
    ['stats', '--by', 'model'],
    ['stats', '--by', 'project'],
    ['stats', '--by', 'tool'],
    ['stats', '--by', 'day'],
    ['stats', '--by', 'week'],
    ['stats', '--by', 'month'],
    ['pricing'],
    ['policy'],
    ['tools'],
    ['archive', 'list'],
    ['doctor'],
  ];

  beforeAll(() => {
    h = makeHome();
    copyFixtures(h.sessions);
    // the broken samples too: the warning about them is held to the width as well
    copyFixtures(h.sessions, 'broken');
    // loose, as a fresh clone leaves them (whatever mode `npm run fixtures` wrote): doctor has
    // problems to list
    for (const name of readdirSync(h.sessions)) chmodSync(join(h.sessions, name), 0o644);
    // a session whose name, directory and text are wide characters and emoji
    const file = join(h.sessions, 'session-2025-12-11-09-22-14.json');
    const session = JSON.parse(readFileSync(file, 'utf8'));
    session.name = '認証フローの見直し🚀とレート制限';
    session.metadata.workingDirectory = '/home/user/プロジェクト/認証サービス/api-gateway';
    session.messages[1].content = `${'前置きの文章がここに長く続きます。'.repeat(3)}認証 timeout の調査🚀${'後'.repeat(60)}`;
    writeFileSync(file, JSON.stringify(session, null, 2));
    // archives to list: two months archived, their sessions kept in place
    const r = runGrok(
      ['sessions', 'archive', '--month', '2025-08', '--keep-originals', '-y'],
      h.env,
    );
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => h.cleanup());

  for (const columns of [80, 60]) {
    for (const args of COMMANDS) {
      it(`${args.join(' ')}: no line wider than ${columns}`, () => {
        const r = runGrok(['sessions', ...args], { ...h.env, COLUMNS: String(columns) });
        // doctor exits 1 on the loose permissions of the copies; every other command 0
        expect(r.code, r.stderr).toBe(args[0] === 'doctor' ? 1 : 0);
        expect(r.stdout.split('\n').length).toBeGreaterThan(2);
        expect(widest(r.stdout)).toBeLessThanOrEqual(columns);
        // and its notes and warnings on stderr
        expect(widest(r.stderr)).toBeLessThanOrEqual(columns);
      });
    }
  }

  it('the warnings of list and cost fold to 60 columns and still say it all', () => {
    const env = { ...h.env, COLUMNS: '60' };
    const list = runGrok(['sessions', 'list'], env);
    expect(widest(list.stderr)).toBeLessThanOrEqual(60);
    expect(list.stderr.split('\n').length).toBeGreaterThan(2);
    expect(list.stderr.replace(/\n {2}/g, ' ')).toBe(
      'grok: warning: 5 files could not be read; see grok sessions doctor\n',
    );
    const cost = runGrok(['sessions', 'cost'], env);
    expect(widest(cost.stderr)).toBeLessThanOrEqual(60);
    const joined = cost.stderr.replace(/\n {2}/g, ' ');
    expect(joined).toContain(
      `no price for 'grok-5-preview' (1 session with unpriced usage, not counted in the total); add it under "pricing" in ${join(h.home, 'settings.json')} or use --rate`,
    );
    expect(joined).toContain('grok: warning: 5 files could not be read; see grok sessions doctor');
  });

  it('list at 80 keeps the id, name, start, model and tokens, and drops the details', () => {
    const r = runGrok(['sessions', 'list'], { ...h.env, COLUMNS: '80' });
    const [head = '', rule = '', ...rows] = r.stdout.split('\n');
    expect(head.split(/\s{2,}/)).toEqual(['ID', 'NAME', 'START (UTC)', 'MODEL', 'TOKENS']);
    expect(stringWidth(rule)).toBeLessThanOrEqual(80);
    const named = rows.find((l) => l.startsWith('session-2025-12-11-09-22-14'));
    // the name cut with an ellipsis, the other columns whole
    expect(named).toMatch(
      /^session-2025-12-11-09-22-14 +認証.*… +2025-12-11 09:22 {2}grok-4-0709 +39k$/,
    );
  });

  it('list piped without COLUMNS is whole', () => {
    const { COLUMNS: _, ...env } = h.env;
    const r = runGrok(['sessions', 'list'], env);
    expect(r.stdout.split('\n')[0]?.split(/\s{2,}/)).toEqual([
      'ID',
      'NAME',
      'START (UTC)',
      'DURATION',
      'MODEL',
      'MSGS',
      'TOKENS',
      'TOOLS',
      'DIRECTORY',
    ]);
    expect(r.stdout).toContain('/home/user/プロジェクト/認証サービス/api-gateway');
  });

  it('search at 60 keeps the match in sight', () => {
    const r = runGrok(['sessions', 'search', '認証 timeout'], { ...h.env, COLUMNS: '60' });
    expect(r.stdout).toContain('[認証 timeout]');
  });

  it('below 60 columns a note suggests --json', () => {
    const r = runGrok(['sessions', 'list', '--limit', '3'], { ...h.env, COLUMNS: '40' });
    const [table = ''] = r.stdout.split('\n\n');
    expect(widest(table)).toBeLessThanOrEqual(40);
    expect(table).toMatch(/\n\(too narrow: --json shows all\)$/);
  });

  it('a real 80x24 terminal shows list and top unwrapped', async () => {
    const socket = `grok-fit-test-${process.pid}`;
    const tmux = (...args: string[]) =>
      spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: h.env });
    const { COLUMNS: _, ...env } = h.env;
    const vars = Object.entries(env)
      .filter(([k]) => /^(GROK_|HOME$|NO_COLOR$|TZ$)/.test(k))
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    const grok = `env -u COLUMNS ${vars} '${process.execPath}' '${BIN}' sessions`;
    const script = `${grok} list --limit 8; ${grok} top -n 5; echo '[done]'; sleep 60`;
    try {
      const started = tmux(
        ...['new-session', '-d', '-s', 'fit', '-x', '80', '-y', '24', `sh -c "${script}"`],
      );
      expect(started.status, started.stderr).toBe(0);
      let screen = '';
      for (let i = 0; i < 200 && !screen.includes('[done]'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        // -J joins lines the terminal wrapped: a wrapped row shows as one line wider than 80
        screen = tmux('capture-pane', '-p', '-J', '-t', 'fit').stdout;
      }
      expect(screen).toContain('[done]');
      const lines = screen.split('\n');
      expect(widest(screen)).toBeLessThanOrEqual(80);
      // list's rows, then top's (which show a cost)
      expect(lines.filter((l) => /^session-\S+ /.test(l) && !l.includes('$'))).toHaveLength(8);
      expect(lines.filter((l) => /^session-.*\$\d/.test(l))).toHaveLength(5);
    } finally {
      tmux('kill-server');
    }
  });
});
