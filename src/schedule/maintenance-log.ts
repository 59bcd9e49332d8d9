/**
 * `$GROK_HOME/logs/maintenance.log`: one JSON line per run (time, what was archived, removed,
 * hardened, errors), appended, so `cron status` and a person with `tail` can both read it.
 */
import { join } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { ensurePrivateDir } from '../session/atomic-write.js';
import { grokHome } from '../session/paths.js';
import { appendRegularFile, readRegularFile } from '../session/regular-file.js';

export interface MaintenanceLogEntry {
  time: string;
  /** "ok", "failed" (something failed), "skipped" (a run was still going), "dry-run". */
  result: 'ok' | 'failed' | 'skipped' | 'dry-run';
  archived: string[];
  removed: string[];
  hardened: string[];
  errors: string[];
  trigger?: 'manual' | 'schedule';
  durationMs?: number;
  note?: string;
}

export function logDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(grokHome(env), 'logs');
}

export function logPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(logDir(env), 'maintenance.log');
}

export async function appendLogEntry(
  entry: MaintenanceLogEntry,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await ensurePrivateDir(logDir(env));
  try {
    await appendRegularFile(logPath(env), `${JSON.stringify(entry)}\n`);
  } catch (error) {
    throw new UserError(`cannot write ${logPath(env)}: ${describeFsError(error)}`);
  }
}

/** Parses the log; lines that are not entries (a hand edit, a torn last line) are passed over. */
export function parseLog(text: string): MaintenanceLogEntry[] {
  const out: MaintenanceLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as MaintenanceLogEntry;
      if (typeof entry.time === 'string' && typeof entry.result === 'string') out.push(entry);
    } catch {
      // not an entry
    }
  }
  return out;
}

export async function readLog(
  env: NodeJS.ProcessEnv = process.env,
): Promise<MaintenanceLogEntry[]> {
  try {
    return parseLog((await readRegularFile(logPath(env))).bytes.toString('utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`cannot read ${logPath(env)}: ${describeFsError(error)}`);
  }
}
