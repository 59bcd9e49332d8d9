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

describe('crontab editing', () => {
  it('adds one marked line and keeps the user lines as they were', () => {
    const once = withGrokLine(USER_TABLE, '0 3 * * * grok');
    expect(once).toBe(`${USER_TABLE}0 3 * * * grok ${CRON_MARKER}\n`);
    expect(withGrokLine(once, '0 3 * * * grok')).toBe(once);
  });

  it('replaces the marked line in place when the schedule changes', () => {
    const table = `${withGrokLine(USER_TABLE, '0 3 * * * grok')}30 1 * * * other\n`;
    const changed = withGrokLine(table, '*/5 * * * * grok');
    expect(changed.split('\n')).toEqual([
      ...USER_TABLE.trimEnd().split('\n'),
      `*/5 * * * * grok ${CRON_MARKER}`,
      '30 1 * * * other',
      '',
    ]);
  });

  it('removes only the marked line', () => {
    const table = `${withGrokLine(USER_TABLE, '0 3 * * * grok')}30 1 * * * other\n`;
    expect(withoutGrokLine(table)).toBe(`${USER_TABLE}30 1 * * * other\n`);
    expect(withoutGrokLine(USER_TABLE)).toBe(USER_TABLE);
    expect(withoutGrokLine(withGrokLine('', 'x'))).toBe('');
    expect(findGrokLine(table)).toBe(`0 3 * * * grok ${CRON_MARKER}`);
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
