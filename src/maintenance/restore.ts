/**
 * Putting archived sessions back. Entries are never extracted by path: each one is read into
 * memory and, only if it is a regular file whose stored path is a bare session file name, written
 * into the sessions directory under that name. Links, folders, `../` and absolute paths are
 * reported and left in the archive, whatever the archive holds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, UserError } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../session/atomic-write.js';
import { lockHolder } from '../session/lock.js';
import { idFromFileName } from '../session/paths.js';
import { matchingIds, validateRef } from '../session/ref.js';
import { listArchives } from './archive.js';
import { archivedSessions } from './archived-sessions.js';
import { readTarEntries } from './tarball.js';

export interface RestoreResult {
  dryRun: boolean;
  restored: string[];
  /** Entries left in their archive, and sessions already in place (kept). */
  skipped: { file: string; archive: string; reason: string }[];
  /**
   * What was asked for and not done: an archive that cannot be read, a session open in a running
   * grok, the session named by a ref that is kept. The command then exits 1.
   */
  failed: { file: string; archive: string; reason: string }[];
}

interface Chosen {
  name: string;
  data: Buffer;
  archive: string;
}

/** Whether the archived session's own name or sessionId is `ref` (an entry not JSON has neither). */
function namedSo(c: Chosen, ref: string): boolean {
  try {
    const session = JSON.parse(c.data.toString('utf8')) as { name?: unknown; sessionId?: unknown };
    return session.name === ref || session.sessionId === ref;
  } catch {
    return false;
  }
}

/**
 * The archived session `ref` names, as refs name live sessions (session/ref.ts): its id, a unique
 * prefix of it, or its name; anything else is a one-line error.
 */
function pickRef(ref: string, held: readonly Chosen[], unreadable: readonly string[]): Chosen {
  const prefixed = matchingIds(ref, held, (c) => idFromFileName(c.name));
  const named = prefixed.length > 0 ? prefixed : held.filter((c) => namedSo(c, ref));
  const [only] = named;
  if (only && named.length === 1) return only;
  if (named.length === 0) {
    const but =
      unreadable.length > 0
        ? ` in the archives that can be read (not ${unreadable.join(', ')})`
        : '';
    throw new UserError(`no archived session matches '${ref}'${but}`, {
      hint: 'see grok sessions archive list',
    });
  }
  throw new UserError(
    `'${ref}' matches ${named.length} archived sessions: ${named
      .slice(0, 5)
      .map((c) => c.name)
      .join(', ')}`,
    { hint: prefixed.length > 0 ? 'give more of the id' : 'use the session id instead' },
  );
}

export async function restore(
  archiveDir: string,
  sessionsDir: string,
  pick: { ref?: string | undefined; month?: string | undefined },
  opts: { force: boolean; dryRun: boolean },
): Promise<RestoreResult> {
  if (pick.ref !== undefined) validateRef(pick.ref);
  const archives = (await listArchives(archiveDir)).filter(
    (a) => pick.month === undefined || a.month === pick.month,
  );
  if (pick.month !== undefined && archives.length === 0)
    throw new UserError(`no archive for ${pick.month} in ${archiveDir}`, {
      hint: 'see grok sessions archive list',
    });
  const result: RestoreResult = { dryRun: opts.dryRun, restored: [], skipped: [], failed: [] };
  // Every session the archives hold; a later entry of the same name (an archive extended with a
  // newer copy) wins, as with tar.
  const held = new Map<string, Chosen>();
  const damaged: RestoreResult['failed'] = [];
  for (const a of archives) {
    const archive = `${a.month}.tar.gz`;
    // A damaged archive is named and passed over: the others are still read.
    let entries: Awaited<ReturnType<typeof readTarEntries>>;
    try {
      entries = a.error === undefined ? await readTarEntries(a.path) : [];
    } catch (error) {
      a.error = describeFsError(error);
      entries = [];
    }
    if (a.error !== undefined) {
      damaged.push({
        file: archive,
        archive,
        reason: `cannot be read (${a.error}): nothing restored from it`,
      });
      continue;
    }
    // The sessions analytics counts (archived-sessions.ts), and nothing else.
    const { sessions, skipped } = archivedSessions(entries);
    for (const { entry, reason } of skipped)
      result.skipped.push({ file: entry.path, archive, reason: `${reason}: not restored` });
    for (const e of sessions) {
      held.delete(e.path);
      held.set(e.path, { name: e.path, data: e.data, archive });
    }
  }
  const chosen =
    pick.ref === undefined
      ? [...held.values()]
      : [
          pickRef(
            pick.ref,
            [...held.values()],
            damaged.map((f) => f.archive),
          ),
        ];
  // Restoring a month, a damaged archive is sessions not restored; the session a ref names found
  // elsewhere, it is only said.
  (pick.ref === undefined ? result.failed : result.skipped).push(...damaged);
  // Restoring onto a new machine: the sessions directory may not exist yet.
  if (!opts.dryRun && chosen.length > 0) await ensurePrivateDir(sessionsDir);
  for (const c of chosen) {
    const target = join(sessionsDir, c.name);
    // Named, a session not restored is a failure; restoring a month, one in place is kept.
    const notDone = pick.ref === undefined ? result.skipped : result.failed;
    if (existsSync(target) && !opts.force) {
      notDone.push({
        file: c.name,
        archive: c.archive,
        reason: 'exists in the sessions directory: kept (--force replaces it)',
      });
      continue;
    }
    // Not even --force writes over a session a grok is recording.
    const pid = await lockHolder(target);
    if (pid !== undefined) {
      result.failed.push({
        file: c.name,
        archive: c.archive,
        reason: `open in a running grok (pid ${pid}): kept`,
      });
      continue;
    }
    if (!opts.dryRun) await writeFileAtomic(target, c.data);
    result.restored.push(c.name);
  }
  return result;
}
