/**
 * Where archives live, for every command that writes or reads them. Loads settings.json (and so
 * zod): analytics commands import it only when --include-archived asks for archives.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { grokHome } from '../session/paths.js';
import { loadSettings } from '../settings.js';

/** Held while archives in a directory are rewritten; a dot name, never taken for an archive. */
export const ARCHIVE_LOCK = '.archive.lock';

/**
 * Where archives live: `retention.archiveDir` in settings.json when set (`~/` is the home
 * directory, a relative path is taken from GROK_HOME, never from wherever a command runs), else
 * `$GROK_HOME/archives`. Every command that writes or reads archives asks here.
 */
export async function archivesDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const home = grokHome(env);
  const set = (await loadSettings(env)).retention?.archiveDir;
  if (set === undefined) return join(home, 'archives');
  if (set === '~' || set.startsWith('~/')) return join(env.HOME ?? homedir(), set.slice(1));
  return resolve(home, set);
}

/** archivesDir, or `$GROK_HOME/archives` when settings.json cannot be read: for doctor and harden. */
export function archivesDirOrDefault(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return archivesDir(env).catch(() => join(grokHome(env), 'archives'));
}
