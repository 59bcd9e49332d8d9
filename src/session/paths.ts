import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError, UserError } from '../errors.js';

export interface PathOptions {
  sessionsDir?: string | undefined;
}

/** `$GROK_HOME`, else `~/.grok`. */
export function grokHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.GROK_HOME;
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.grok');
}

/** `--sessions-dir`, else `GROK_SESSIONS_DIR`, else `$GROK_HOME/sessions`, else `~/.grok/sessions`. */
export function sessionsDir(opts: PathOptions = {}, env: NodeJS.ProcessEnv = process.env): string {
  if (opts.sessionsDir) return resolve(opts.sessionsDir);
  if (env.GROK_SESSIONS_DIR) return resolve(env.GROK_SESSIONS_DIR);
  return join(grokHome(env), 'sessions');
}

/**
 * The sessions directory a reading command reads. One the user named (--sessions-dir,
 * GROK_SESSIONS_DIR) that does not exist is an error, a typo not to be answered with "no
 * sessions"; the default one missing only means no session was recorded yet.
 */
export function readSessionsDir(
  opts: PathOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): string {
  const dir = sessionsDir(opts, env);
  const named = opts.sessionsDir
    ? '--sessions-dir'
    : env.GROK_SESSIONS_DIR
      ? 'GROK_SESSIONS_DIR'
      : undefined;
  if (named && !existsSync(dir)) {
    throw new UserError(`sessions directory ${dir} (${named}) does not exist`);
  }
  return dir;
}

/** What a reading command prints when it has no session to show. */
export function noSessionsText(dir: string): string {
  return existsSync(dir)
    ? `No sessions found in ${dir}`
    : `No sessions yet (${dir} does not exist)`;
}

export function settingsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(grokHome(env), 'settings.json');
}

/** `session-YYYY-MM-DD-HH-MM-SS[-N].json`: the only names that are sessions. */
export const SESSION_FILE_PATTERN =
  /^session-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})(?:-(\d{1,6}))?\.json$/;

export function isSessionFileName(name: string): boolean {
  return SESSION_FILE_PATTERN.test(name);
}

/** The id a file name stands for: its name without `.json`. */
export function idFromFileName(name: string): string {
  return name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
}

/** The start time encoded in a session file name (UTC), or undefined when it is not a session name. */
export function startFromFileName(name: string): Date | undefined {
  const m = SESSION_FILE_PATTERN.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)),
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Whether a file's name dates it outside [since, until] (epoch ms, null for open): an unreadable
 * file a date filter leaves out is not mentioned. `archive.tar.gz:session-….json` names count too.
 */
export function namedOutside(file: string, since: number | null, until: number | null): boolean {
  const start = startFromFileName(file.slice(file.lastIndexOf(':') + 1))?.getTime();
  if (start === undefined) return false;
  return (since !== null && start < since) || (until !== null && start > until);
}

/** `session-2025-11-05-14-30-12` for a start time (UTC), with `-N` when N > 1. */
export function sessionIdFor(start: Date, n = 1): string {
  const p = (v: number) => String(v).padStart(2, '0');
  const base = `session-${start.getUTCFullYear()}-${p(start.getUTCMonth() + 1)}-${p(start.getUTCDate())}-${p(start.getUTCHours())}-${p(start.getUTCMinutes())}-${p(start.getUTCSeconds())}`;
  return n > 1 ? `${base}-${n}` : base;
}

/** The path `--out` gives, if given; an empty one is a usage error, never the current directory. */
export function outOption(out: unknown): string | undefined {
  if (out === undefined) return undefined;
  const path = String(out);
  if (path === '') throw new UsageError('--out: give a path');
  return path;
}
