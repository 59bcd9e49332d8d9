/**
 * `grok sessions archive --older-than 30d | --month YYYY-MM | <ref...>`: the seed's
 * `mv session-2025-11-*.json ...; tar -czf ...`, verified before any original goes.
 * `grok sessions archive list` and `grok sessions archive restore <ref | --month YYYY-MM>`.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import {
  type ArchiveInfo,
  type ArchiveOutcome,
  applyArchive,
  listArchives,
  planArchive,
} from '../maintenance/archive.js';
import { archivesDir } from '../maintenance/archives-dir.js';
import { type RestoreResult, restore } from '../maintenance/restore.js';
import {
  type AgeRule,
  ageRule,
  type Candidate,
  inventory,
  isOld,
  keepTags,
  protectedBy,
} from '../maintenance/select.js';
import { confirm } from '../render/confirm.js';
import { formatInt } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { renderTable } from '../render/table.js';
import { sessionsDir } from '../session/paths.js';
import { resolveRefs } from '../session/ref.js';
import { now as clockNow } from '../test-hooks.js';
import { parseMonth } from '../time.js';
import { type GlobalOptions, outOption } from './common.js';

export interface ArchiveOptions extends GlobalOptions {
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

export function renderArchive(r: ArchiveResult, opts: { json?: boolean }): CommandOutput {
  const exitCode = r.failed.length > 0 ? 1 : 0;
  const stderr = r.warnings.map((w) => `grok: warning: ${w}\n`).join('');
  if (opts.json) {
    const { warnings: _w, cancelled: _c, ...json } = r;
    return { stdout: `${JSON.stringify(json, null, 2)}\n`, stderr, exitCode };
  }
  if (r.cancelled) {
    // what was refused before the question is still said
    const refused = r.failed.map((f) => `failed ${f.file}: ${f.reason}\n`).join('');
    return { stdout: `${refused}Nothing archived.\n`, stderr, exitCode };
  }
  const would = r.dryRun ? 'would ' : '';
  const lines: string[] = [];
  for (const a of r.archives) {
    for (const f of a.added) lines.push(`${would}${r.dryRun ? 'add' : 'added'} ${f} to ${a.path}`);
    lines.push(
      `${a.path}: ${a.entries} entr${a.entries === 1 ? 'y' : 'ies'}${r.dryRun ? ' after the run' : ''}`,
    );
  }
  for (const f of r.removed) lines.push(`${would}${r.dryRun ? 'remove' : 'removed'} ${f}`);
  for (const s of r.skipped) lines.push(`kept ${s.file}: ${s.reason}`);
  for (const f of r.failed) lines.push(`failed ${f.file}: ${f.reason}`);
  const added = r.archives.reduce((n, a) => n + a.added.length, 0);
  lines.push(
    `${r.dryRun ? 'Dry run: ' : ''}${added} session${added === 1 ? '' : 's'} ${would}${r.dryRun ? 'be archived' : 'archived'} into ${r.archives.length} archive${r.archives.length === 1 ? '' : 's'}, ${r.removed.length} original${r.removed.length === 1 ? '' : 's'} ${r.dryRun ? 'would be removed' : 'removed'}${r.failed.length ? `, ${r.failed.length} failed` : ''}.`,
  );
  return { stdout: `${lines.join('\n')}\n`, stderr, exitCode };
}

export async function archiveList(
  opts: ArchiveOptions,
): Promise<{ dir: string; archives: ArchiveInfo[] }> {
  const dir = await archiveDir(opts);
  return { dir, archives: await listArchives(dir) };
}

export function renderArchiveList(
  r: { dir: string; archives: ArchiveInfo[] },
  opts: { json?: boolean },
): CommandOutput {
  if (opts.json) return { stdout: `${JSON.stringify(r.archives, null, 2)}\n` };
  if (r.archives.length === 0) return { stdout: `No archives in ${r.dir}.\n` };
  const table = renderTable(
    [
      { header: 'ARCHIVE', priority: 9, minWidth: 24, cut: 'middle' },
      { header: 'SESSIONS', align: 'right', priority: 8, minWidth: 12 },
      { header: 'FIRST', priority: 4 },
      { header: 'LAST', priority: 5 },
      { header: 'SIZE', align: 'right', priority: 6 },
    ],
    r.archives.map((a) => [
      a.path,
      a.error ? `unreadable: ${a.error}` : formatInt(a.sessions),
      a.first?.replace(/\.json$/, '') ?? '-',
      a.last?.replace(/\.json$/, '') ?? '-',
      `${formatInt(Math.ceil(a.bytes / 1024))} KB`,
    ]),
  );
  return { stdout: `${table}\n`, exitCode: r.archives.some((a) => a.error) ? 1 : 0 };
}

export async function archiveRestore(
  args: readonly string[],
  opts: ArchiveOptions,
): Promise<RestoreResult> {
  if (args.length > 1)
    throw new UsageError('archive restore takes one session reference (or --month)');
  const ref = args[0];
  if ((ref === undefined) === (opts.month === undefined))
    throw new UsageError('archive restore needs a session reference or --month YYYY-MM');
  if (opts.month !== undefined) parseMonth(String(opts.month));
  return restore(
    await archiveDir(opts),
    sessionsDir(opts),
    { ref, month: opts.month === undefined ? undefined : String(opts.month) },
    { force: Boolean(opts.force), dryRun: Boolean(opts.dryRun) },
  );
}

export function renderRestore(r: RestoreResult, opts: { json?: boolean }): CommandOutput {
  const exitCode = r.failed.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n`, exitCode };
  const lines = r.restored.map((f) => `${r.dryRun ? 'would restore' : 'restored'} ${f}`);
  // an entry names its archive; an archive is its own name
  const where = (s: { file: string; archive: string }) =>
    s.file === s.archive ? s.file : `${s.file} (${s.archive})`;
  for (const s of r.skipped) lines.push(`skipped ${where(s)}: ${s.reason}`);
  for (const s of r.failed) lines.push(`failed ${where(s)}: ${s.reason}`);
  lines.push(
    `${r.restored.length} session${r.restored.length === 1 ? '' : 's'} ${r.dryRun ? 'would be ' : ''}restored.`,
  );
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}

/** `archive` dispatch: `list`, `restore ...`, or sessions to archive. */
export async function archiveCommand(
  args: readonly string[],
  opts: ArchiveOptions,
): Promise<CommandOutput> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    if (rest.length > 0) throw new UsageError(`archive list: unexpected argument '${rest[0]}'`);
    return renderArchiveList(await archiveList(opts), opts);
  }
  if (sub === 'restore') return renderRestore(await archiveRestore(rest, opts), opts);
  return renderArchive(await archive(args, opts), opts);
}
