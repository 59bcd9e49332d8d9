import { UsageError } from '../errors.js';
import { assertNotLocked } from '../session/lock.js';
import { sessionsDir } from '../session/paths.js';
import { resolveSession } from '../session/ref.js';
import { sessionSchema } from '../session/schema.js';
import { type LoadedSession, saveSessionFile } from '../session/store.js';
import type { CommandOutput, GlobalOptions } from './common.js';

/**
 * Rewrites a session with `change` applied to its raw JSON, keeping every other field as it was.
 * The result is validated before it is written, and the write is atomic.
 */
export async function updateSession(
  opts: GlobalOptions,
  ref: string,
  doing: string,
  change: (raw: Record<string, unknown>) => void,
): Promise<LoadedSession> {
  const loaded = await resolveSession(sessionsDir(opts), ref);
  await assertNotLocked(loaded.path, doing);
  const raw = structuredClone(loaded.raw);
  change(raw);
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(`cannot ${doing} ${loaded.file}: the result would not be a valid session`);
  await saveSessionFile(loaded.path, raw);
  return { ...loaded, raw, session: parsed.data };
}

/** Names must be usable as refs: no path characters, not 'latest', not a session id. */
export function validateName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new UsageError('a session name cannot be empty');
  if (trimmed.length > 200) throw new UsageError('a session name is at most 200 characters');
  if (/[\\/]/.test(trimmed) || trimmed.includes('..') || /\p{Cc}/u.test(trimmed)) {
    throw new UsageError(
      `invalid session name '${trimmed}': no path separators, '..' or control characters`,
    );
  }
  if (trimmed === 'latest' || /^session-\d/.test(trimmed)) {
    throw new UsageError(`invalid session name '${trimmed}': it would read as a session reference`);
  }
  return trimmed;
}

export async function rename(
  ref: string,
  name: string,
  opts: GlobalOptions,
): Promise<LoadedSession> {
  const valid = validateName(String(name));
  return updateSession(opts, ref, 'rename', (raw) => {
    raw.name = valid;
  });
}

export function renderRenamed(loaded: LoadedSession, opts: GlobalOptions): CommandOutput {
  if (opts.json)
    return {
      stdout: `${JSON.stringify({ file: loaded.file, name: loaded.session.name }, null, 2)}\n`,
    };
  return { stdout: `${loaded.file} is now named '${loaded.session.name}'\n` };
}
