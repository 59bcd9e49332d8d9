/**
 * The session browser in a real terminal (tmux): resuming from it, full-text search, its actions
 * against the commands', and the terminal as it is left.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textMessages } from '../chat/fake-server.js';
import { type ChatFixture, chatFixture, sessionFiles } from '../chat/setup.js';
import { Terminal } from '../chat/terminal.js';
import { copyFixtures, makeHome, runGrok, runGrokAsync, type TempHome } from '../helpers.js';

const RATE_LIMITER = 'session-2025-12-11-09-22-14';
/** The first screen: the footer's last words drawn. */
const DRAWN = /q quit/;
const SLOW = 60_000;

let fx: ChatFixture;
let term: Terminal;

beforeEach(async () => {
  fx = await chatFixture();
  // as on a CI machine: Ink, left to itself, would draw nothing there until the browser exits
  fx.env.CI = 'true';
  copyFixtures(fx.home.sessions);
});
afterEach(async () => {
  term?.close();
  await fx.cleanup();
});

function readJson(path: string): { messages: { role: string; content: string | null }[] } {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Whether the pane is back in normal mode: main screen, cursor shown, no mouse reporting. */
function normalMode(t: Terminal): Record<string, string> {
  return {
    alternate: t.display('#{alternate_on}'),
    cursor: t.display('#{cursor_flag}'),
    mouse: t.display('#{mouse_standard_flag}#{mouse_sgr_flag}'),
  };
}
const NORMAL = { alternate: '0', cursor: '1', mouse: '00' };

describe('resuming from the browser (acceptance 1)', { timeout: 180_000 }, () => {
  it('grok --resume, part of a name typed, Enter: the chat goes on with that session', async () => {
    fx.server.push({ content: 'welcome back' });
    term = new Terminal();
    term.start(['--resume'], fx.env, fx.project);
    // no session was recorded in the project: all are shown, with a note
    await term.waitFor(/showing all/, SLOW);
    term.keys('-l', 'rate-lim');
    await term.waitFor(/filter: rate-lim/);
    term.keys('Enter');
    await term.waitFor(new RegExp(`Resumed ${RATE_LIMITER}\\.json \\(11 messages\\)`), SLOW);
    const screen = term.screen();
    // recorded elsewhere: one line says so before the first prompt
    expect(screen).toContain(
      `This session was recorded in /home/user/api-gateway; its tools now run in ${fx.project}.`,
    );
    expect(normalMode(term)).toEqual(NORMAL);
    term.type('and now?');
    await term.waitFor(/welcome back/, SLOW);
    const recorded = readJson(join(fx.home.sessions, `${RATE_LIMITER}.json`));
    const request = fx.server.requests[0];
    const sent = request ? textMessages(request) : [];
    // the whole earlier conversation, then the new message
    const of = (role: string, ms: { role: string; content: unknown }[]) =>
      ms.filter((m) => m.role === role && m.content).map((m) => m.content);
    const earlier = recorded.messages.slice(0, 11);
    expect(of('user', sent)).toEqual([...of('user', earlier), 'and now?']);
    expect(of('assistant', sent)).toEqual(of('assistant', earlier));
    expect(of('system', sent)).toEqual(of('system', earlier));
    term.type('/exit');
    await term.waitFor(/\[exit 0\]/, SLOW);
    expect(normalMode(term)).toEqual(NORMAL);
  });

  it("sessions resume without a ref starts on this directory's sessions; c shows all; the wheel moves", async () => {
    for (const id of ['session-2025-12-01-13-09-30', 'session-2025-11-25-11-56-23']) {
      const file = join(fx.home.sessions, `${id}.json`);
      const session = JSON.parse(readFileSync(file, 'utf8'));
      session.metadata.workingDirectory = fx.project;
      writeFileSync(file, JSON.stringify(session, null, 2));
    }
    term = new Terminal({ columns: 100, rows: 30 });
    term.start(['sessions', 'resume'], fx.env, fx.project);
    const here = await term.waitFor(DRAWN, SLOW);
    expect(here.split('\n')[0]).toMatch(/2 of 2 · this directory/);
    expect(here).not.toContain('not the current directory');
    term.keys('c');
    await term.waitFor(/51 of 51 · all directories/);
    // wheel down, as an xterm reports it (SGR): three rows at a time
    term.keys('-l', '\u001b[<65;10;10M');
    await term.waitFor(/· session-2025-12-07-13-37-12/, SLOW);
    term.keys('-l', '\u001b[<64;10;10M');
    await term.waitFor(/· session-2025-12-18-11-06-43/, SLOW);
    term.keys('q');
    await term.waitFor(/\[exit 0\]/);
    expect(fx.server.requests).toHaveLength(0);
  });

  it('without a terminal, --resume with no ref asks for one, and browse points to list', async () => {
    const resume = await runGrokAsync(['--resume'], fx.env, { cwd: fx.project });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(/^grok: name the session to resume.*grok --resume <id/);
    expect(resume.stderr.trim().split('\n')).toHaveLength(1);
    const browse = runGrok(['sessions', 'browse'], fx.env);
    expect(browse.code).toBe(2);
    expect(browse.stderr).toBe('grok: browse needs a terminal (use grok sessions list)\n');
    const bare = runGrok(['sessions'], fx.env);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('browse');
    expect(fx.server.requests).toHaveLength(0);
  });
});

describe('full-text search (acceptance 2)', { timeout: 180_000 }, () => {
  it('/ and a word found only deep inside one tool result finds that session', async () => {
    const file = join(fx.home.sessions, 'session-2025-12-04-15-19-36.json');
    const session = JSON.parse(readFileSync(file, 'utf8'));
    const call = session.messages.find(
      (m: { toolCalls?: unknown[] }) => m.toolCalls && m.toolCalls.length > 0,
    ).toolCalls[0];
    call.result = `${'line of build output\n'.repeat(400)}the culprit is quuxmaroon here\n`;
    writeFileSync(file, JSON.stringify(session, null, 2));
    term = new Terminal({ columns: 120, rows: 40 });
    term.start(['sessions', 'browse'], fx.env, fx.project);
    await term.waitFor(DRAWN, SLOW);
    // the filter sees names and first messages only
    term.keys('-l', 'quuxmaroon');
    await term.waitFor(/0 of 51/);
    term.keys('Escape');
    await term.waitFor(/esc clears/);
    term.keys('Escape');
    await term.waitFor(/51 of 51/);
    term.keys('/');
    await term.waitFor(/search every message/);
    term.keys('-l', 'quuxmaroon');
    await term.waitFor(/tool result: quuxmaroon/);
    term.keys('Enter');
    const screen = await term.waitFor(/found in 1 session/, SLOW);
    expect(screen).toContain('1 of 51');
    expect(screen).toContain('session-2025-12-04-15-19-36');
    expect(screen).toMatch(/matches \(1\):/);
    expect(screen).toMatch(/culprit is quuxmaroon/);
    term.keys('q');
    await term.waitFor(/\[exit 0\]/);
  });
});

describe('actions change the files as the commands do (acceptance 3)', { timeout: 240_000 }, () => {
  let twin: TempHome;
  beforeEach(() => {
    twin = makeHome();
    copyFixtures(twin.sessions);
  });
  afterEach(() => twin.cleanup());

  /** Highlights session `id` by typing its time as the filter (the exact match comes first). */
  async function pick(id: string) {
    const stem = id.replace(/^session-/, '');
    term.keys('-l', stem);
    await term.waitFor(new RegExp(`filter: ${stem}`));
    await term.waitFor(new RegExp(`· ${id}`));
    term.keys('Escape');
    await term.waitFor(/esc clears/);
  }

  it('rename, tag, delete and archive, each confirmed, leave what the commands leave', async () => {
    const renamed = 'session-2025-12-15-14-35-43';
    const deleted = 'session-2025-12-07-13-37-12';
    const archived = 'session-2025-12-04-15-19-36';
    term = new Terminal({ columns: 120, rows: 40 });
    term.start(['sessions', 'browse'], fx.env, fx.project);
    await term.waitFor(DRAWN, SLOW);

    await pick(renamed);
    term.keys('n');
    await term.waitFor(/new name for/);
    term.keys('-l', 'orders-slow');
    await term.waitFor(/: orders-slow/);
    term.keys('Enter');
    await term.waitFor(/is now named 'orders-slow'/, SLOW);
    term.keys('t');
    await term.waitFor(/tags to add/);
    term.keys('-l', 'db perf');
    await term.waitFor(/: db perf/);
    term.keys('Enter');
    await term.waitFor(/tags: db, perf/, SLOW);

    term.keys('Escape');
    await term.waitFor(/51 of 51/);
    await pick(deleted);
    term.keys('d');
    await term.waitFor(/delete session-2025-12-07-13-37-12\.json\? \[y\/N\]/);
    term.keys('n');
    await term.waitFor(/Nothing deleted/);
    expect(existsSync(join(fx.home.sessions, `${deleted}.json`))).toBe(true);
    term.keys('d');
    await term.waitFor(/\[y\/N\]/);
    term.keys('y');
    await term.waitFor(/deleted session-2025-12-07-13-37-12\.json/, SLOW);

    term.keys('Escape');
    await term.waitFor(/50 of 50/, SLOW);
    await pick(archived);
    term.keys('a');
    await term.waitFor(/archive session-2025-12-04-15-19-36\.json .*\[y\/N\]/);
    term.keys('y');
    await term.waitFor(/1 session archived/, SLOW);
    term.keys('q');
    await term.waitFor(/\[exit 0\]/);

    // the same through the commands, on a copy
    const run = (...args: string[]) => {
      const r = runGrok(['sessions', ...args], twin.env);
      expect(r.code, r.stderr).toBe(0);
    };
    run('rename', renamed, 'orders-slow');
    run('tag', renamed, 'db', 'perf');
    run('delete', deleted, '--yes');
    run('archive', archived, '--yes');

    expect(sessionFiles(fx.home.sessions)).toEqual(sessionFiles(twin.sessions));
    expect(sessionFiles(fx.home.sessions)).not.toContain(`${deleted}.json`);
    for (const f of sessionFiles(twin.sessions)) {
      expect(readFileSync(join(fx.home.sessions, f), 'utf8'), f).toBe(
        readFileSync(join(twin.sessions, f), 'utf8'),
      );
    }
    const tarList = (home: string) =>
      readdirSync(join(home, 'archives')).map((a) => {
        const r = spawnSync('tar', ['-xzOf', join(home, 'archives', a)], { encoding: 'utf8' });
        return { a, content: r.stdout };
      });
    const ours = tarList(fx.home.home);
    expect(ours).toEqual(tarList(twin.home));
    expect(ours.map((x) => x.a)).toEqual(['2025-12.tar.gz']);
    expect(ours[0]?.content).toBe(
      readFileSync(join('fixtures/sessions', `${archived}.json`), 'utf8'),
    );
  });
});

describe('export', { timeout: 120_000 }, () => {
  it('e writes <id>.md in the current directory, as export --format md, and says where', async () => {
    term = new Terminal({ columns: 120, rows: 40 });
    term.start(['sessions', 'browse'], fx.env, fx.project);
    await term.waitFor(DRAWN, SLOW);
    term.keys('e');
    const out = join(fx.project, 'session-2025-12-18-11-06-43.md');
    await term.waitFor(new RegExp(`wrote ${out}`), SLOW);
    const made = runGrok(
      ['sessions', 'export', 'session-2025-12-18-11-06-43', '--format', 'md'],
      fx.env,
    );
    expect(made.code, made.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(made.stdout);
    // an existing file is never overwritten: said, not done
    term.keys('e');
    await term.waitFor(/exists/, SLOW);
    term.keys('q');
    await term.waitFor(/\[exit 0\]/);
  });
});

describe('the terminal (acceptance 4)', { timeout: 120_000 }, () => {
  it('80x24: every line fits, a resize redraws, NO_COLOR has no colour', async () => {
    term = new Terminal({ columns: 80, rows: 24 });
    term.start(['sessions', 'browse'], fx.env, fx.project);
    await term.waitFor(DRAWN, SLOW);
    const lines = term.command('capture-pane', '-p', '-t', 'grok').split('\n');
    // -J joins lines the terminal wrapped: as many lines means none did
    const joined = term.command('capture-pane', '-p', '-J', '-t', 'grok').split('\n');
    expect(joined).toHaveLength(lines.length);
    expect(lines[0]).toMatch(/^grok sessions · 51 of 51/);
    expect(lines[2]).toMatch(/^ {2}SESSION +STARTED \(UTC\) +TOKENS +COST +MODEL/);
    // the whole window but its last line, the footer at the bottom
    expect(lines[22]).toMatch(/q quit$/);
    expect(lines.slice(23).join('').trim()).toBe('');
    const escapes = term.command('capture-pane', '-p', '-e', '-t', 'grok');
    // no colour (30-38, 40-48); reverse video may mark the row
    const codes = [...escapes.matchAll(/\[([0-9;]*)m/g)].flatMap((m) => (m[1] ?? '').split(';'));
    expect(codes.filter((c) => /^[34][0-8]$/.test(c))).toEqual([]);
    term.command('resize-window', '-t', 'grok', '-x', '140', '-y', '30');
    const wide = await term.waitFor((s) => /DIRECTORY/.test(s));
    expect(wide.split('\n')[0]).toMatch(/^grok sessions · 51 of 51/);
    term.keys('q');
    await term.waitFor(/\[exit 0\]/);
  });

  for (const [how, exit] of [
    ['q', 0],
    ['Escape', 0],
    ['C-c', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`left by ${how}: back in normal mode, exit ${exit}`, async () => {
      term = new Terminal({ columns: 80, rows: 24 });
      term.start(['sessions', 'browse'], { ...fx.env, NO_COLOR: '' }, fx.project);
      await term.waitFor(DRAWN, SLOW);
      expect(term.display('#{alternate_on}')).toBe('1');
      if (how === 'SIGTERM') {
        const shell = term.display('#{pane_pid}');
        const pid = spawnSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' })
          .stdout.trim()
          .split('\n')[0];
        process.kill(Number(pid), 'SIGTERM');
      } else term.keys(how);
      await term.waitFor(new RegExp(`\\[exit ${exit}\\]`));
      expect(normalMode(term)).toEqual(NORMAL);
    });
  }

  it('grok sessions on a terminal is the browser: coloured without NO_COLOR, v shows it all', async () => {
    term = new Terminal({ columns: 80, rows: 24 });
    term.start(['sessions'], { ...fx.env, NO_COLOR: '' }, fx.project);
    await term.waitFor(DRAWN, SLOW);
    await term.waitFor(/first message \(user\)/, SLOW);
    // the preview's headings in cyan
    expect(term.command('capture-pane', '-p', '-e', '-t', 'grok')).toContain('\u001b[36m');
    term.keys('v');
    const view = await term.waitFor(/lines 1-\d+ of \d+/, SLOW);
    expect(view).toContain('[0] system');
    term.keys('G');
    await term.waitFor(/\[6\] assistant/);
    term.keys('Escape');
    await term.waitFor(DRAWN);
    term.keys('q');
    await term.waitFor(/\[exit 0\]/);
  });
});

describe('the conversation view', { timeout: 120_000 }, () => {
  it('a session that cannot be read is said in the view, not dropped; r reads it again; q is back on its row', async () => {
    const id = 'session-2025-12-15-14-35-43';
    const file = join(fx.home.sessions, `${id}.json`);
    const away = join(fx.home.home, `${id}.json`);
    term = new Terminal({ columns: 100, rows: 30 });
    term.start(['sessions', 'browse'], fx.env, fx.project);
    await term.waitFor(DRAWN, SLOW);
    // the second session of the list moved away after the list was read, as a concurrent grok may
    renameSync(file, away);
    term.keys('j');
    await term.waitFor(/› .*2025-12-15 14:35/);
    term.keys('v');
    const failed = await term.waitFor(/r read it again/, SLOW);
    expect(failed).toContain(`${id}.json could not be read`);
    renameSync(away, file);
    term.keys('r');
    const view = await term.waitFor(/lines 1-\d+ of \d+/, SLOW);
    expect(view.split('\n')[0]).toContain(id);
    term.keys('q');
    const list = await term.waitFor(DRAWN);
    expect(list).toMatch(/› .*2025-12-15 14:35/);
    term.keys('q');
    await term.waitFor(/\[exit 0\]/);
  });
});
