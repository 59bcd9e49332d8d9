/**
 * Deleting sessions, by reference or by a date rule: what `grok sessions delete` does, and the
 * session browser's d. A session open in a running grok, or changed since it was listed, stays.
 */
import { describeFsError, UsageError } from '../errors.js';
import { confirmDelete } from '../render/confirm.js';
import { discoverSessionFiles, type SessionFileEntry } from '../session/discover.js';
import { lockHolder } from '../session/lock.js';
import { type PathOptions, sessionsDir } from '../session/paths.js';
import { resolveRefs } from '../session/ref.js';
import { deleteSessionFile, loadEntries } from '../session/store.js';
import { parseDateArg } from '../time.js';
import { type Candidate, type Skip, unchangedSince } from './select.js';

export interface DeleteOptions extends PathOptions {
  dryRun?: boolean;
  yes?: boolean;
  /** All sessions started on this UTC day. */
  on?: string;
  /** All sessions started before this date. */
  before?: string;
  all?: boolean;
}

export interface DeleteResult {
  dryRun: boolean;
  /** Base names deleted (or, in a dry run, that would be). */
  deleted: string[];
  /** Selected but left alone, with the reason (open in a running grok, unreadable). */
  skipped: { file: string; reason: string }[];
  failed: { file: string; reason: string }[];
  cancelled: boolean;
}

/**
 * The sessions a date rule selects, by their startTime (UTC). Files that cannot be read are never
 * selected by a rule: delete them by id, or repair them.
 */
async function selectByRule(
  dir: string,
  opts: DeleteOptions,
): Promise<{ targets: SessionFileEntry[]; skipped: DeleteResult['skipped'] }> {
  const { files } = await discoverSessionFiles(dir);
  const { sessions, skipped } = await loadEntries(files);
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  if (opts.on) {
    const day = parseDateArg(String(opts.on), '--on');
    from = day.start.getTime();
    to = day.end.getTime();
  }
  if (opts.before) to = parseDateArg(String(opts.before), '--before').start.getTime();
  const chosen = new Set(
    sessions
      .filter((s) => {
        const start = Date.parse(s.session.startTime);
        return start >= from && start < to;
      })
      .map((s) => s.file),
  );
  return {
    targets: files.filter((f) => chosen.has(f.name)),
    skipped: skipped.map((s) => ({
      file: s.file,
      reason: `unreadable, not selected by a rule: ${s.reason}`,
    })),
  };
}

export interface DeleteOutcome {
  deleted: string[];
  /** Changed, replaced, gone or opened since it was chosen: left alone (see `changed`). */
  skipped: Skip[];
  /** The deletion itself failed (and, with `changed: 'failed'`, the files left alone). */
  failed: Skip[];
}

/**
 * Deletes each target that is still the file that was read, in their order; one failure does not
 * stop the rest. A target changed since is reported in `skipped` (a rule chose it: prune), or
 * with `changed: 'failed'` in `failed`, in the order of the targets (the user named it: delete).
 */
export async function deleteUnchanged(
  targets: readonly Pick<Candidate, 'name' | 'path' | 'size' | 'mtimeMs'>[],
  changed: 'skipped' | 'failed',
): Promise<DeleteOutcome> {
  const out: DeleteOutcome = { deleted: [], skipped: [], failed: [] };
  for (const t of targets) {
    // The answer may have come long after the list: a grok may have opened or added to it since.
    const why = await unchangedSince(t);
    if (why !== undefined) {
      out[changed].push({ file: t.name, reason: why });
      continue;
    }
    try {
      await deleteSessionFile(t.path);
      out.deleted.push(t.name);
    } catch (error) {
      out.failed.push({ file: t.name, reason: describeFsError(error) });
    }
  }
  return out;
}

export async function deleteSessions(
  refs: readonly string[],
  opts: DeleteOptions,
): Promise<DeleteResult> {
  const rules = [opts.on !== undefined, opts.before !== undefined, Boolean(opts.all)].filter(
    Boolean,
  ).length;
  if (rules > 0 && refs.length > 0)
    throw new UsageError('give session references or --on/--before/--all, not both');
  if (rules > 1) throw new UsageError('use one of --on, --before, --all');
  if (rules === 0 && refs.length === 0) {
    throw new UsageError('delete needs session references, or --on DATE, --before DATE or --all');
  }
  const dir = sessionsDir(opts);
  const selected =
    rules > 0
      ? await selectByRule(dir, opts)
      : { targets: await resolveRefs(dir, refs), skipped: [] };
  const result: DeleteResult = {
    dryRun: Boolean(opts.dryRun),
    deleted: [],
    skipped: selected.skipped,
    failed: [],
    cancelled: false,
  };
  const targets: SessionFileEntry[] = [];
  for (const t of selected.targets) {
    const pid = await lockHolder(t.path);
    if (pid === undefined) targets.push(t);
    else result.skipped.push({ file: t.name, reason: `open in a running grok (pid ${pid})` });
  }
  if (rules === 0 && result.skipped.length > 0) {
    // Named explicitly: say so rather than quietly leaving it.
    result.failed.push(...result.skipped);
    result.skipped = [];
  }
  if (opts.dryRun || targets.length === 0) {
    result.deleted = opts.dryRun ? targets.map((t) => t.name) : [];
    return result;
  }
  if (
    !(await confirmDelete(
      targets.map((t) => t.name),
      opts.yes,
    ))
  )
    return { ...result, cancelled: true };
  const outcome = await deleteUnchanged(targets, 'failed');
  result.deleted = outcome.deleted;
  result.failed.push(...outcome.failed);
  return result;
}
