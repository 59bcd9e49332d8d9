/**
 * The user's crontab, through the system's `crontab` command. grok owns exactly one line, marked
 * with a trailing comment; install replaces it (so installing twice leaves one), uninstall removes
 * only it, and every other line of the user's is kept as it was.
 */
import { spawnSync } from 'node:child_process';
import { UserError } from '../errors.js';

export const CRON_MARKER = '# grok-sessions-maintain';

/**
 * Whether `line` is grok's maintenance line for the GROK_HOME `home`: one line per home, so two
 * homes (work and personal, say) each keep their own.
 */
export function isGrokLine(line: string, home: string): boolean {
  return (
    line.trimEnd().endsWith(CRON_MARKER) &&
    line.includes(` GROK_HOME=${shellQuote(home).replaceAll('%', '\\%')} `)
  );
}

/** The crontab text with the line of `home` set to `line`, replacing an old one in place. Pure. */
export function withGrokLine(crontab: string, line: string, home: string): string {
  const lines = crontab.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const at = lines.findIndex((l) => isGrokLine(l, home));
  const kept = lines.filter((l) => !isGrokLine(l, home));
  kept.splice(at >= 0 ? at : kept.length, 0, `${line} ${CRON_MARKER}`);
  return `${kept.join('\n')}\n`;
}

/** The crontab text without the line of `home`; every other byte stays. Pure. */
export function withoutGrokLine(crontab: string, home: string): string {
  return crontab
    .split('\n')
    .filter((l) => !isGrokLine(l, home))
    .join('\n');
}

export function findGrokLine(crontab: string, home: string): string | undefined {
  return crontab.split('\n').find((l) => isGrokLine(l, home));
}

/** Quotes a word for /bin/sh when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The crontab line: the policy's schedule, then `maintain` with this grok, this node and the
 * environment that picks the same sessions (cron starts with an almost empty environment). cron
 * turns an unescaped `%` in the command into a newline, quoted or not: each is written `\%`.
 */
export function cronLine(opts: {
  schedule: string;
  node: string;
  bin: string;
  grokHome: string;
  sessionsDir: string;
}): string {
  const fields = opts.schedule.trim().split(/\s+/).length;
  if (fields !== 5) {
    throw new UserError(
      `crontab takes a schedule of 5 fields; retention.schedule '${opts.schedule}' has ${fields}`,
      { hint: 'seconds (6 fields) need grok sessions cron, the foreground scheduler' },
    );
  }
  const env = `GROK_HOME=${shellQuote(opts.grokHome)} GROK_SESSIONS_DIR=${shellQuote(opts.sessionsDir)}`;
  const cmd = `${shellQuote(opts.node)} ${shellQuote(opts.bin)} sessions maintain --trigger schedule`;
  return `${opts.schedule} ${`${env} ${cmd} >/dev/null 2>&1`.replaceAll('%', '\\%')}`;
}

function crontabCommand(): string {
  return process.env.GROK_CRONTAB_COMMAND || 'crontab';
}

/** Whether the system has a crontab command at all. */
export function hasCrontab(): boolean {
  const r = spawnSync(crontabCommand(), ['-l'], { encoding: 'utf8' });
  return !(r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT');
}

/** `crontab -l`; "no crontab for user" is an empty crontab. */
export function readCrontab(): string {
  const r = spawnSync(crontabCommand(), ['-l'], { encoding: 'utf8' });
  if (r.error)
    throw new UserError(`cannot run crontab: ${r.error.message}`, {
      hint: 'use --print and add the line yourself',
    });
  if (r.status !== 0) {
    if (/no crontab for/i.test(r.stderr)) return '';
    throw new UserError(
      `crontab -l failed: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.status}`}`,
    );
  }
  return r.stdout;
}

/** `crontab -` with the new text on stdin. */
export function writeCrontab(text: string): void {
  const r = spawnSync(crontabCommand(), ['-'], { input: text, encoding: 'utf8' });
  if (r.error) throw new UserError(`cannot run crontab: ${r.error.message}`);
  if (r.status !== 0)
    throw new UserError(
      `crontab refused the new table: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.status}`}`,
    );
}
