/**
 * `<ref>` everywhere: a full id, a unique id prefix, a session name, or `latest`. A ref is never a
 * path: separators, `..` and NUL are refused before anything is read.
 */
import { join } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import {
  compareSessionFileNames,
  discoverSessionFiles,
  type SessionFileEntry,
  sessionFileNames,
} from './discover.js';
import { parseSessionJson } from './parse.js';
import { idFromFileName } from './paths.js';
import type { ReadResult } from './read.js';
import { readRegularFile } from './regular-file.js';
import type { LoadedSession } from './store.js';

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
  const { loadEntries } = await import('./store.js');
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

/**
 * The file a ref names in `dir`. `latest` and ids are matched on the directory's names alone;
 * only a ref that is neither needs the files' stats and contents (matchRef).
 */
async function findRef(dir: string, ref: string): Promise<{ name: string; path: string }> {
  validateRef(ref);
  const { names } = await sessionFileNames(dir);
  const at = (name: string) => ({ name, path: join(dir, name) });
  if (ref === 'latest') {
    let last: string | undefined;
    for (const name of names)
      if (last === undefined || compareSessionFileNames({ name }, { name: last }) > 0) last = name;
    if (last === undefined) throw new UserError(`no sessions in ${dir}`);
    return at(last);
  }
  const prefixed = matchingIds(ref, names, idFromFileName);
  if (prefixed.length === 1 && prefixed[0]) return at(prefixed[0]);
  if (prefixed.length > 1) {
    const sorted = prefixed.map((name) => ({ name })).sort(compareSessionFileNames);
    throw new UserError(
      `'${ref}' is ambiguous: it matches ${prefixed.length} sessions (${listNames(sorted)})`,
      {
        hint: 'give more of the id',
      },
    );
  }
  const { files } = await discoverSessionFiles(dir);
  return matchRef(ref, files, dir);
}

/** Resolves a ref in `dir` and reads it; a ref to a file that cannot be read is an error naming it. */
export async function resolveSession(dir: string, ref: string): Promise<LoadedSession> {
  const entry = await findRef(dir, ref);
  const { readSessionFile } = await import('./read.js');
  return loaded(entry, await readSessionFile(entry.path));
}

/**
 * resolveSession for a reader that changes nothing: the session is the parsed file itself, checked
 * by the hand-written check (check.ts), and zod is loaded only to name the problem of a file it
 * refuses. The same session, field for field: the schema's objects are loose, without defaults
 * or transforms.
 */
export async function viewSession(dir: string, ref: string): Promise<LoadedSession> {
  const entry = await findRef(dir, ref);
  return loaded(entry, await readUnchanged(entry.path));
}

async function readUnchanged(path: string): Promise<ReadResult> {
  let file: Awaited<ReturnType<typeof readRegularFile>>;
  try {
    file = await readRegularFile(path);
  } catch (error) {
    return { ok: false, reason: `cannot read: ${describeFsError(error)}` };
  }
  const r = parseSessionJson(file.bytes.toString('utf8'));
  if (r.ok) return { ...r, size: file.size, mtimeMs: file.mtimeMs };
  if (r.reason !== undefined) return { ok: false, reason: r.reason };
  const { checkWithSchema } = await import('./read.js');
  const checked = checkWithSchema(r.unchecked);
  // the check and the schema agree (test/session/schema-check.test.ts)
  return checked.ok ? { ...checked, size: file.size, mtimeMs: file.mtimeMs } : checked;
}

function loaded(entry: { name: string; path: string }, result: ReadResult): LoadedSession {
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
