/**
 * Archiving sessions into monthly tar.gz archives, by age, month of start or reference: what
 * `grok sessions archive` and `maintain` do, and the session browser's a. Every archive is
 * verified before any original goes.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { confirm } from '../render/confirm.js';
import { outOption, type PathOptions, sessionsDir } from '../session/paths.js';
import { resolveRefs } from '../session/ref.js';
import { now as clockNow } from '../test-hooks.js';
import { parseMonth } from '../time.js';
import { type ArchiveOutcome, applyArchive, planArchive } from './archive.js';
import { archivesDir } from './archives-dir.js';
import {
  type AgeRule,
  ageRule,
  type Candidate,
  inventory,
  isOld,
  keepTags,
  protectedBy,
} from './select.js';

export interface ArchiveOptions extends PathOptions {
  olderThan?: string;
  month?: string;
  out?: string;
  keepOriginals?: boolean;
  /** Never archived by a rule: these tags (keep always) and, for maintain, the newest N. */
  keepTag?: string | string[];
  keepLast?: number;
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export interface ArchiveResult extends ArchiveOutcome {
  dryRun: boolean;
  warnings: string[];
  cancelled: boolean;
}

export async function archiveDir(opts: { out?: string | undefined }): Promise<string> {
  const out = outOption(opts.out);
  return out === undefined ? archivesDir() : resolve(out);
}

/** The sessions an archive run takes: by age, by month of start, or by ref. */
async function choose(
  refs: readonly string[],
  opts: ArchiveOptions,
  now: Date,
): Promise<{ chosen: Candidate[]; skipped: ArchiveOutcome['skipped']; warnings: string[] }> {
  const given = [opts.olderThan !== undefined, opts.month !== undefined, refs.length > 0].filter(
    Boolean,
  ).length;
  if (given === 0)
    throw new UsageError(
      'archive needs --older-than DURATION, --month YYYY-MM or session references',
    );
  if (given > 1) throw new UsageError('use one of --older-than, --month and session references');
  const rule: AgeRule | undefined =
    opts.olderThan !== undefined ? ageRule({ olderThan: opts.olderThan }) : undefined;
  const month = opts.month !== undefined ? parseMonth(String(opts.month)) : undefined;
  const dir = sessionsDir(opts);
  const named =
    refs.length > 0 ? new Set((await resolveRefs(dir, refs)).map((e) => e.name)) : undefined;
  const inv = await inventory(dir, now);
  // Sessions tagged keep (and --keep-tag) stay live under an age or month rule, as with prune;
  // sessions named by ref are archived whatever their tags.
  const protection = { tags: keepTags(opts.keepTag), keepLast: opts.keepLast ?? 0 };
  const chosen: Candidate[] = [];
  const skipped = named ? inv.skipped.filter((s) => named.has(s.file)) : [...inv.skipped];
  inv.candidates.forEach((c, rank) => {
    const hit = named
      ? named.has(c.name)
      : rule
        ? isOld(c, rule, now)
        : month !== undefined &&
          c.startMs >= month.start.getTime() &&
          c.startMs < month.end.getTime();
    if (!hit) return;
    const why = named ? undefined : protectedBy(c, rank, protection);
    if (why !== undefined) skipped.push({ file: c.name, reason: `protected (${why})` });
    else chosen.push(c);
  });
  return { chosen, skipped, warnings: inv.warnings };
}

export async function archive(
  refs: readonly string[],
  opts: ArchiveOptions,
  now = clockNow(),
): Promise<ArchiveResult> {
  const outDir = await archiveDir(opts);
  const { chosen, skipped: left, warnings } = await choose(refs, opts, now);
  // Named explicitly, a session left live (open in a grok, unreadable) is a failure, as with delete.
  const skipped = refs.length > 0 ? [] : left;
  const refused = refs.length > 0 ? left : [];
  const plan = planArchive(outDir, chosen);
  const dryRun = Boolean(opts.dryRun);
  const base = { dryRun, warnings, cancelled: false };
  if (!dryRun && chosen.length > 0) {
    const n = chosen.length;
    const what = `archive ${n} session${n === 1 ? '' : 's'} into ${plan.map((p) => `${p.month}.tar.gz`).join(', ')}${opts.keepOriginals ? '' : ' and remove the originals'}`;
    if (!(await confirm({ yes: opts.yes, action: what })))
      return { ...base, archives: [], removed: [], skipped, failed: refused, cancelled: true };
  }
  const outcome = await applyArchive(outDir, plan, {
    keepOriginals: Boolean(opts.keepOriginals),
    dryRun,
  });
  return {
    ...base,
    ...outcome,
    skipped: [...skipped, ...outcome.skipped],
    failed: [...refused, ...outcome.failed],
  };
}
