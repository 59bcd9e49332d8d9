/**
 * Naming and tagging a session in place: what `grok sessions rename`, `tag` and `untag` do, and
 * the session browser's n and t.
 */
import { dirname } from 'node:path';
import { describeFsError, UsageError, UserError } from '../errors.js';
import { secretInValue } from '../secrets/scan.js';
import { ensurePrivateDir, writeFileAtomic } from '../session/atomic-write.js';
import { setTopLevelFields } from '../session/edit-text.js';
import { assertNotLocked } from '../session/lock.js';
import { assertNameFree, validateName, validateTag } from '../session/names.js';
import { type PathOptions, sessionsDir } from '../session/paths.js';
import { parseSessionText, readBytesNoFollow } from '../session/read.js';
import { resolveSession } from '../session/ref.js';
import type { LoadedSession } from '../session/store.js';
import { rewritableText } from '../session/utf8.js';
import { unchangedSince } from './select.js';

/**
 * Rewrites a session with `change` applied to its raw JSON. Only the bytes of the fields it
 * changes are replaced (session/edit-text.ts): every other byte stays as it was. A file whose bytes
 * are not UTF-8 is refused (its text could not be written back the same). The result is validated
 * before it is written, the write is atomic, and a file changed since it was read is not written.
 */
export async function updateSession(
  opts: PathOptions,
  ref: string,
  doing: string,
  /** Sets top-level fields of the session (never mutates nested values). */
  change: (raw: Record<string, unknown>) => void,
): Promise<LoadedSession> {
  const loaded = await resolveSession(sessionsDir(opts), ref);
  await assertNotLocked(loaded.path, doing);
  let file: Awaited<ReturnType<typeof readBytesNoFollow>>;
  try {
    file = await readBytesNoFollow(loaded.path);
  } catch (error) {
    throw new UserError(`cannot ${doing} ${loaded.file}: ${describeFsError(error)}`);
  }
  const text = rewritableText(file.bytes, loaded.file, doing);
  const before = parseSessionText(text);
  if (!before.ok) throw new UserError(`cannot ${doing} ${loaded.file}: ${before.reason}`);
  // The changes (name, tags) set top-level fields: a shallow copy leaves the one read as it was.
  const raw = { ...before.raw };
  change(raw);
  const fields = Object.fromEntries(Object.entries(raw).filter(([k, v]) => before.raw[k] !== v));
  const next = setTopLevelFields(text, fields);
  const parsed = parseSessionText(next);
  if (!parsed.ok)
    throw new UsageError(`cannot ${doing} ${loaded.file}: the result would not be a valid session`);
  const changed = await unchangedSince({
    path: loaded.path,
    size: file.size,
    mtimeMs: file.mtimeMs,
  });
  if (changed !== undefined)
    throw new UserError(`cannot ${doing} ${loaded.file}: ${changed}; run it again`);
  await ensurePrivateDir(dirname(loaded.path));
  await writeFileAtomic(loaded.path, next);
  return { ...loaded, raw: parsed.raw, session: parsed.session };
}

export async function rename(ref: string, name: string, opts: PathOptions): Promise<LoadedSession> {
  const valid = validateName(String(name), secretInValue);
  const dir = sessionsDir(opts);
  const { file } = await resolveSession(dir, ref);
  await assertNameFree(dir, valid, file);
  // by its id now: a name given as the ref is not looked up among every session again
  return updateSession(opts, file.replace(/\.json$/, ''), 'rename', (raw) => {
    raw.name = valid;
  });
}

export async function tag(
  ref: string,
  tags: readonly string[],
  opts: PathOptions,
): Promise<LoadedSession> {
  if (tags.length === 0) throw new UsageError('tag needs at least one tag');
  const valid = tags.map((t) => validateTag(t, secretInValue));
  return updateSession(opts, ref, 'tag', (raw) => {
    const current = Array.isArray(raw.tags) ? (raw.tags as string[]) : [];
    raw.tags = [...new Set([...current, ...valid])];
  });
}

export async function untag(
  ref: string,
  tags: readonly string[],
  opts: PathOptions,
): Promise<LoadedSession> {
  if (tags.length === 0) throw new UsageError('untag needs at least one tag');
  const drop = new Set(tags.map((t) => String(t).trim()));
  return updateSession(opts, ref, 'untag', (raw) => {
    const current = Array.isArray(raw.tags) ? (raw.tags as string[]) : [];
    raw.tags = current.filter((t) => !drop.has(t));
  });
}
