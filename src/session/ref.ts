/**
 * `<ref>` everywhere: a full id, a unique id prefix, a session name, or `latest`. A ref is never a
 * path: separators, `..` and NUL are refused before anything is read.
 */
import { UserError } from '../errors.js';
import { discoverSessionFiles, type SessionFileEntry } from './discover.js';
import { idFromFileName } from './paths.js';
import { readSessionFile } from './read.js';
import { type LoadedSession, loadEntries } from './store.js';

export function validateRef(ref: string): void {
  if (ref.length === 0) throw new UserError('empty session reference');
  if (ref.includes('\0')) throw new UserError('invalid session reference: contains a NUL byte');
  if (/[\\/]/.test(ref) || ref.includes('..')) {
    throw new UserError(
      `invalid session reference '${ref}': a reference is an id, a name or 'latest', not a path`,
    );
  }
}

function listNames(entries: readonly { name: string }[], max = 5): string {
  const names = entries.slice(0, max).map((e) => idFromFileName(e.name));
  return entries.length > max
    ? `${names.join(', ')}, ... (${entries.length} in all)`
    : names.join(', ');
}

/**
 * What a ref names among `items` by id: the one whose id it is (a trailing `.json` allowed), else
 * every one whose id it begins. Empty when it names none by id: it may be a name.
 */
export function matchingIds<T>(ref: string, items: readonly T[], id: (item: T) => string): T[] {
  const stem = ref.endsWith('.json') ? ref.slice(0, -5) : ref;
  const exact = items.find((item) => id(item) === stem);
  return exact ? [exact] : items.filter((item) => id(item).startsWith(stem));
}

/** Picks the file(s) a ref names among `files`, or throws a one-line UserError. Names need reading. */
export async function matchRef(
  ref: string,
  files: readonly SessionFileEntry[],
  dir: string,
): Promise<SessionFileEntry> {
  validateRef(ref);
  if (ref === 'latest') {
    const last = files[files.length - 1];
    if (!last) throw new UserError(`no sessions in ${dir}`);
    return last;
  }
  const prefixed = matchingIds(ref, files, (f) => idFromFileName(f.name));
  if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
  if (prefixed.length > 1) {
    throw new UserError(
      `'${ref}' is ambiguous: it matches ${prefixed.length} sessions (${listNames(prefixed)})`,
      {
        hint: 'give more of the id',
      },
    );
  }
  // Not an id: a name or a session id that differs from its file name. Reading is needed.
  const { sessions } = await loadEntries(files);
  const named = sessions.filter((s) => s.session.name === ref || s.session.sessionId === ref);
  if (named.length === 1 && named[0])
    return files.find((f) => f.name === named[0]?.file) as SessionFileEntry;
  if (named.length > 1) {
    throw new UserError(
      `'${ref}' is ambiguous: ${named.length} sessions are named so (${listNames(named.map((s) => ({ name: s.file })))})`,
      {
        hint: 'use the session id instead',
      },
    );
  }
  throw new UserError(`no session matches '${ref}' in ${dir}`, { hint: 'see grok sessions list' });
}

/** Resolves a ref in `dir` and reads it; a ref to a file that cannot be read is an error naming it. */
export async function resolveSession(dir: string, ref: string): Promise<LoadedSession> {
  validateRef(ref);
  const { files } = await discoverSessionFiles(dir);
  const entry = await matchRef(ref, files, dir);
  const result = await readSessionFile(entry.path);
  if (!result.ok) {
    throw new UserError(`${entry.name} could not be read: ${result.reason}`, {
      hint: 'see grok sessions doctor',
    });
  }
  return {
    file: entry.name,
    path: entry.path,
    session: result.session,
    raw: result.raw,
    size: result.size,
    mtimeMs: result.mtimeMs,
  };
}

/** Resolves several refs to distinct files; every ref is checked before any is acted on. */
export async function resolveRefs(
  dir: string,
  refs: readonly string[],
): Promise<SessionFileEntry[]> {
  for (const ref of refs) validateRef(ref);
  const { files } = await discoverSessionFiles(dir);
  const out = new Map<string, SessionFileEntry>();
  for (const ref of refs) {
    const entry = await matchRef(ref, files, dir);
    out.set(entry.name, entry);
  }
  return [...out.values()];
}
