import { UsageError, UserError } from '../errors.js';
import { discoverSessionFiles } from '../session/discover.js';
import { assertNotLocked } from '../session/lock.js';
import { sessionsDir } from '../session/paths.js';
import { resolveSession } from '../session/ref.js';
import { sessionSchema } from '../session/schema.js';
import { type LoadedSession, loadEntries, saveSessionFile } from '../session/store.js';
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
  // 'latest', a session id, or a beginning of every id ('sess'): each reads as something else
  if (trimmed === 'latest' || /^session-\d/.test(trimmed) || 'session-'.startsWith(trimmed)) {
    throw new UsageError(`invalid session name '${trimmed}': it would read as a session reference`);
  }
  return trimmed;
}

/**
 * A name is a ref (session/ref.ts), so it names one session: one already given to another
 * session, or another session's id, is refused, or neither could be named by it again.
 */
async function assertNameFree(dir: string, name: string, target: string): Promise<void> {
  const { files } = await discoverSessionFiles(dir);
  const { sessions } = await loadEntries(files.filter((f) => f.name !== target));
  const holder = sessions.find((s) => s.session.name === name || s.session.sessionId === name);
  if (holder) {
    throw new UserError(
      `'${name}' already names ${holder.file}: a name is a reference to one session`,
      {
        hint: 'choose another name, or rename that session first',
      },
    );
  }
}

export async function rename(
  ref: string,
  name: string,
  opts: GlobalOptions,
): Promise<LoadedSession> {
  const valid = validateName(String(name));
  const dir = sessionsDir(opts);
  await assertNameFree(dir, valid, (await resolveSession(dir, ref)).file);
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
