/**
 * Putting archived sessions back. Entries are never extracted by path: each one is read into
 * memory and, only if it is a regular file whose stored path is a bare session file name, written
 * into the sessions directory under that name. Links, folders, `../` and absolute paths are
 * reported and left in the archive, whatever the archive holds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../session/atomic-write.js';
import { isSessionFileName } from '../session/paths.js';
import { validateRef } from '../session/ref.js';
import { listArchives } from './archive.js';
import { entryNameProblem, readTarEntries } from './tarball.js';

export interface RestoreResult {
  dryRun: boolean;
  restored: string[];
  skipped: { file: string; archive: string; reason: string }[];
}

function unsafe(path: string, type: string): string | undefined {
  if (type !== 'File' && type !== 'OldFile') return `a ${type} entry, not a regular file`;
  const problem = entryNameProblem(path);
  if (problem !== undefined) return problem;
  if (!isSessionFileName(path)) return 'not a session file name';
  return undefined;
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
  const result: RestoreResult = { dryRun: opts.dryRun, restored: [], skipped: [] };
  const chosen: { name: string; data: Buffer; archive: string }[] = [];
  for (const a of archives) {
    const archive = `${a.month}.tar.gz`;
    for (const e of await readTarEntries(a.path)) {
      const why = unsafe(e.path, e.type);
      if (why !== undefined) {
        result.skipped.push({ file: e.path, archive, reason: `${why}: not restored` });
        continue;
      }
      const id = e.path.replace(/\.json$/, '');
      if (
        pick.ref !== undefined &&
        !(e.path === pick.ref || id === pick.ref || id.startsWith(pick.ref))
      )
        continue;
      // A later entry of the same name (an archive extended with a newer copy) wins, as with tar.
      const prior = chosen.findIndex((c) => c.name === e.path);
      if (prior >= 0) chosen.splice(prior, 1);
      chosen.push({ name: e.path, data: e.data as Buffer, archive });
    }
  }
  if (pick.ref !== undefined) {
    const names = [...new Set(chosen.map((c) => c.name))];
    if (names.length === 0)
      throw new UserError(`no archived session matches '${pick.ref}'`, {
        hint: 'see grok sessions archive list',
      });
    if (names.length > 1)
      throw new UserError(
        `'${pick.ref}' matches ${names.length} archived sessions: ${names.slice(0, 5).join(', ')}`,
        {
          hint: 'give more of the id',
        },
      );
  }
  // Restoring onto a new machine: the sessions directory may not exist yet.
  if (!opts.dryRun && chosen.length > 0) await ensurePrivateDir(sessionsDir);
  for (const c of chosen) {
    const target = join(sessionsDir, c.name);
    if (existsSync(target) && !opts.force) {
      result.skipped.push({
        file: c.name,
        archive: c.archive,
        reason: 'exists in the sessions directory: kept (--force replaces it)',
      });
      continue;
    }
    if (!opts.dryRun) await writeFileAtomic(target, c.data);
    result.restored.push(c.name);
  }
  return result;
}
