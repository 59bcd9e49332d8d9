/**
 * Archiving: sessions move into one `YYYY-MM.tar.gz` per month of their start. An existing month
 * archive is extended (its entries stay); the new archive is verified before it replaces the old
 * one, and an original is removed only when the archive holds its exact bytes and the file has
 * not changed since it was read.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError, fsUserError, UserError } from '../errors.js';
import { ensurePrivateDir } from '../session/atomic-write.js';
import { acquirePidLock } from '../session/lock.js';
import { readRegularFile } from '../session/regular-file.js';
import { archivedSessions, entryNameProblem, isArchiveFileName } from './archived-sessions.js';
import { ARCHIVE_LOCK } from './archives-dir.js';
import { type Candidate, type Skip, unchangedSince } from './select.js';
import {
  type ArchiveMember,
  readTarEntries,
  sha256,
  type TarEntry,
  writeVerifiedArchive,
} from './tarball.js';

/** The month of a session's start, UTC: the archive it belongs in. */
export function monthOf(c: Pick<Candidate, 'startMs'>): string {
  return new Date(c.startMs).toISOString().slice(0, 7);
}

export interface MonthPlan {
  month: string;
  path: string;
  sessions: Candidate[];
}

export function planArchive(outDir: string, chosen: readonly Candidate[]): MonthPlan[] {
  const months = new Map<string, Candidate[]>();
  for (const c of chosen) {
    const m = monthOf(c);
    const list = months.get(m);
    if (list) list.push(c);
    else months.set(m, [c]);
  }
  return [...months]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([month, sessions]) => ({
      month,
      path: join(outDir, `${month}.tar.gz`),
      sessions: [...sessions].sort((a, b) => a.startMs - b.startMs || (a.name < b.name ? -1 : 1)),
    }));
}

export interface ArchiveReport {
  path: string;
  month: string;
  /** Files newly stored in this run. */
  added: string[];
  /** Entries in the archive after the run. */
  entries: number;
}

export interface ArchiveOutcome {
  archives: ArchiveReport[];
  removed: string[];
  skipped: Skip[];
  failed: Skip[];
}

/**
 * Runs the plan. `keepOriginals` leaves the session files in place. `dryRun` reads the existing
 * archives (to count entries) and changes nothing.
 */
export async function applyArchive(
  outDir: string,
  plan: readonly MonthPlan[],
  opts: { keepOriginals: boolean; dryRun: boolean },
): Promise<ArchiveOutcome> {
  if (opts.dryRun || plan.length === 0) return runPlan(plan, opts);
  await ensurePrivateDir(outDir);
  // Two runs extending the same month archive at once would each rename their own copy into
  // place, and the entries of the first would be lost after its originals were removed.
  const release = await acquirePidLock(
    join(outDir, ARCHIVE_LOCK),
    (pid) =>
      new UserError(`another grok (pid ${pid}) is writing archives in ${outDir}`, {
        hint: 'wait for it to finish, then run this again',
      }),
  ).catch((error: unknown) => {
    throw fsUserError('take the archive lock', outDir, error);
  });
  try {
    return await runPlan(plan, opts);
  } finally {
    await release();
  }
}

async function runPlan(
  plan: readonly MonthPlan[],
  opts: { keepOriginals: boolean; dryRun: boolean },
): Promise<ArchiveOutcome> {
  const out: ArchiveOutcome = { archives: [], removed: [], skipped: [], failed: [] };
  for (const month of plan) {
    let existing: ArchiveMember[] = [];
    try {
      existing = await readExisting(month.path);
    } catch (error) {
      for (const c of month.sessions)
        out.failed.push({
          file: c.name,
          reason: `${month.month}.tar.gz ${describeFsError(error)}: not extended, session kept`,
        });
      continue;
    }
    const byName = new Map(existing.map((m) => [m.name, sha256(m.data)]));
    const members = [...existing];
    /** Sessions whose exact bytes the archive will hold (new, or stored in an earlier run). */
    const stored: { c: Candidate; hash: string }[] = [];
    const added: string[] = [];
    for (const c of month.sessions) {
      let data: Buffer;
      try {
        data = (await readRegularFile(c.path)).bytes;
      } catch (error) {
        out.failed.push({ file: c.name, reason: `could not be read: ${describeFsError(error)}` });
        continue;
      }
      const hash = sha256(data);
      const have = byName.get(c.name);
      if (have === hash) {
        stored.push({ c, hash });
        continue;
      }
      if (have !== undefined) {
        out.skipped.push({
          file: c.name,
          reason: `${month.month}.tar.gz already holds a different ${c.name}: kept (restore or rename one)`,
        });
        continue;
      }
      members.push({ name: c.name, data });
      byName.set(c.name, hash);
      added.push(c.name);
      stored.push({ c, hash });
    }
    if (opts.dryRun) {
      out.archives.push({ path: month.path, month: month.month, added, entries: members.length });
      if (!opts.keepOriginals) out.removed.push(...stored.map((s) => s.c.name));
      continue;
    }
    if (added.length > 0) {
      try {
        await writeVerifiedArchive(month.path, members);
      } catch (error) {
        for (const name of added)
          out.failed.push({ file: name, reason: `${describeFsError(error)}; session kept` });
        continue;
      }
    }
    out.archives.push({ path: month.path, month: month.month, added, entries: members.length });
    if (opts.keepOriginals) continue;
    // The archive as it is on disk now, after the rename, not as it was written: had another
    // process renamed its own copy over it meanwhile, the sessions of this run would be gone.
    let onDisk: Map<string, string>;
    try {
      onDisk = await sessionHashes(month.path);
    } catch (error) {
      for (const { c } of stored)
        out.failed.push({
          file: c.name,
          reason: `${month.month}.tar.gz could not be read back (${describeFsError(error)}): session kept`,
        });
      continue;
    }
    for (const { c, hash } of stored) {
      if (onDisk.get(c.name) !== hash) {
        out.failed.push({
          file: c.name,
          reason: `${month.month}.tar.gz on disk does not hold it (rewritten by another process?): session kept`,
        });
        continue;
      }
      const why = await unchangedSince(c);
      if (why !== undefined) {
        out.skipped.push({ file: c.name, reason: why });
        continue;
      }
      // The same bytes as the archived entry, read again just before removing.
      const now = await readRegularFile(c.path).then(
        (f) => f.bytes,
        () => undefined,
      );
      if (!now || sha256(now) !== hash) {
        out.skipped.push({ file: c.name, reason: 'changed since it was archived: kept' });
        continue;
      }
      try {
        await unlink(c.path);
        out.removed.push(c.name);
      } catch (error) {
        out.failed.push({
          file: c.name,
          reason: `archived but not removed: ${describeFsError(error)}`,
        });
      }
    }
  }
  return out;
}

/** The SHA-256 of each session an archive holds, read from disk, as restore would write it. */
async function sessionHashes(path: string): Promise<Map<string, string>> {
  const { sessions } = archivedSessions(await readTarEntries(path));
  return new Map(sessions.map((e) => [e.path, sha256(e.data)]));
}

/**
 * The entries of an existing month archive, in order; none when there is no archive. Extending
 * rewrites every entry, so only an archive of uniquely named plain files can be carried over
 * whole; anything else (a link, a folder, `../x`, an absolute path, a name twice) is refused
 * rather than dropped, and can never steer a write outside the staging folder.
 */
async function readExisting(path: string): Promise<ArchiveMember[]> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return [];
  let entries: TarEntry[];
  try {
    entries = await readTarEntries(path);
  } catch (error) {
    throw new Error(`cannot be read (${describeFsError(error)})`);
  }
  const seen = new Set<string>();
  const members: ArchiveMember[] = [];
  for (const e of entries) {
    if (e.tooLarge !== undefined) throw new Error(`holds '${e.path}', ${e.tooLarge}`);
    if (!e.data || entryNameProblem(e.path) !== undefined)
      throw new Error(`holds '${e.path}' (${e.type}), which grok does not write`);
    if (seen.has(e.path)) throw new Error(`holds '${e.path}' twice`);
    seen.add(e.path);
    members.push({ name: e.path, data: e.data });
  }
  return members;
}

export interface ArchiveInfo {
  path: string;
  month: string;
  entries: number;
  sessions: number;
  first: string | null;
  last: string | null;
  bytes: number;
  error?: string;
}

/** The archives of a directory with what they hold. */
export async function listArchives(dir: string): Promise<ArchiveInfo[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: ArchiveInfo[] = [];
  for (const name of names.filter(isArchiveFileName).sort()) {
    const path = join(dir, name);
    // a dangling symlink has no size; reading it below says what it is
    const st = await stat(path).catch(() => undefined);
    const info: ArchiveInfo = {
      path,
      month: name.slice(0, 7),
      entries: 0,
      sessions: 0,
      first: null,
      last: null,
      bytes: st?.size ?? 0,
    };
    try {
      const entries = await readTarEntries(path);
      const sessions = archivedSessions(entries)
        .sessions.map((e) => e.path)
        .sort();
      info.entries = entries.length;
      info.sessions = sessions.length;
      info.first = sessions[0] ?? null;
      info.last = sessions[sessions.length - 1] ?? null;
    } catch (error) {
      info.error = describeFsError(error);
    }
    out.push(info);
  }
  return out;
}
