import { describe, expect, it } from 'vitest';
import {
  CRON_MARKER,
  cronLine,
  findGrokLine,
  shellQuote,
  withGrokLine,
  withoutGrokLine,
} from '../../src/schedule/crontab.js';

const USER_TABLE =
  '# m h dom mon dow command\nMAILTO=me@example.com\n15 2 * * * /usr/local/bin/backup --quiet\n';

/** grok's line for a GROK_HOME, as cron install writes it. */
const lineOf = (home: string, schedule = '0 3 * * *') =>
  cronLine({
    schedule,
    node: '/usr/bin/node',
    bin: '/opt/grok/dist/grok.cjs',
    grokHome: home,
    sessionsDir: `${home}/sessions`,
  });
const HOME = '/home/me/.grok';

describe('crontab editing', () => {
  it('adds one marked line and keeps the user lines as they were', () => {
    const once = withGrokLine(USER_TABLE, lineOf(HOME), HOME);
    expect(once).toBe(`${USER_TABLE}${lineOf(HOME)} ${CRON_MARKER}\n`);
    expect(withGrokLine(once, lineOf(HOME), HOME)).toBe(once);
  });

  it('replaces the marked line in place when the schedule changes', () => {
    const table = `${withGrokLine(USER_TABLE, lineOf(HOME), HOME)}30 1 * * * other\n`;
    const changed = withGrokLine(table, lineOf(HOME, '*/5 * * * *'), HOME);
    expect(changed.split('\n')).toEqual([
      ...USER_TABLE.trimEnd().split('\n'),
      `${lineOf(HOME, '*/5 * * * *')} ${CRON_MARKER}`,
      '30 1 * * * other',
      '',
    ]);
  });

  it('removes only the marked line', () => {
    const table = `${withGrokLine(USER_TABLE, lineOf(HOME), HOME)}30 1 * * * other\n`;
    expect(withoutGrokLine(table, HOME)).toBe(`${USER_TABLE}30 1 * * * other\n`);
    expect(withoutGrokLine(USER_TABLE, HOME)).toBe(USER_TABLE);
    expect(withoutGrokLine(withGrokLine('', lineOf(HOME), HOME), HOME)).toBe('');
    expect(findGrokLine(table, HOME)).toBe(`${lineOf(HOME)} ${CRON_MARKER}`);
  });

  it('keeps one line per GROK_HOME: installing or removing one leaves the other', () => {
    const work = '/home/me/.grok-work';
    const both = withGrokLine(withGrokLine(USER_TABLE, lineOf(HOME), HOME), lineOf(work), work);
    expect(findGrokLine(both, HOME)).toBe(`${lineOf(HOME)} ${CRON_MARKER}`);
    expect(findGrokLine(both, work)).toBe(`${lineOf(work)} ${CRON_MARKER}`);
    // a home whose name starts as the other's is not the other
    expect(findGrokLine(both, '/home/me/.gro')).toBeUndefined();
    const left = withoutGrokLine(both, HOME);
    expect(findGrokLine(left, HOME)).toBeUndefined();
    expect(findGrokLine(left, work)).toBe(`${lineOf(work)} ${CRON_MARKER}`);
  });

  it('refuses a schedule crontab cannot take (seconds), saying where it runs', () => {
    expect(() => lineOf(HOME, '*/10 * * * * *')).toThrow(
      "crontab takes a schedule of 5 fields; retention.schedule '*/10 * * * * *' has 6",
    );
  });

  it('quotes paths for the shell cron runs', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellQuote("/home/o'brien/my dir")).toBe(`'/home/o'\\''brien/my dir'`);
    const line = cronLine({
      schedule: '0 3 * * *',
      node: '/usr/bin/node',
      bin: '/opt/grok/dist/grok.cjs',
      grokHome: '/home/a b/.grok',
      sessionsDir: '/home/a b/.grok/sessions',
    });
    expect(line).toBe(
      "0 3 * * * GROK_HOME='/home/a b/.grok' GROK_SESSIONS_DIR='/home/a b/.grok/sessions' /usr/bin/node /opt/grok/dist/grok.cjs sessions maintain --trigger schedule >/dev/null 2>&1",
    );
  });

  it('escapes % in the command, which cron would turn into a newline', () => {
    const line = cronLine({
      schedule: '0 3 * * *',
      node: '/usr/bin/node',
      bin: '/opt/grok/dist/grok.cjs',
      grokHome: '/home/a/100%/.grok',
      sessionsDir: '/home/a/100%/.grok/sessions',
    });
    expect(line).toBe(
      '0 3 * * * GROK_HOME=/home/a/100\\%/.grok GROK_SESSIONS_DIR=/home/a/100\\%/.grok/sessions /usr/bin/node /opt/grok/dist/grok.cjs sessions maintain --trigger schedule >/dev/null 2>&1',
    );
    // What cron hands the shell (crontab(5)): \% becomes %, and no % is left to cut the line.
    const command = line.slice('0 3 * * * '.length);
    expect(command.replace(/\\%/g, '')).not.toContain('%');
    expect(command.replaceAll('\\%', '%')).toContain('GROK_HOME=/home/a/100%/.grok ');
  });
});
