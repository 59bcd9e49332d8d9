import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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

/** `session-2025-11-05-14-30-12` for a start time (UTC), with `-N` when N > 1. */
export function sessionIdFor(start: Date, n = 1): string {
  const p = (v: number) => String(v).padStart(2, '0');
  const base = `session-${start.getUTCFullYear()}-${p(start.getUTCMonth() + 1)}-${p(start.getUTCDate())}-${p(start.getUTCHours())}-${p(start.getUTCMinutes())}-${p(start.getUTCSeconds())}`;
  return n > 1 ? `${base}-${n}` : base;
}
