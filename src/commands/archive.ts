/**
 * `grok sessions archive --older-than 30d | --month YYYY-MM | <ref...>`: the seed's
 * `mv session-2025-11-*.json ...; tar -czf ...`, verified before any original goes.
 * `grok sessions archive list` and `grok sessions archive restore <ref | --month YYYY-MM>`.
 */
import { UsageError } from '../errors.js';
import { type ArchiveInfo, listArchives } from '../maintenance/archive.js';
import {
  type ArchiveOptions,
  type ArchiveResult,
  archive,
  archiveDir,
} from '../maintenance/archive-sessions.js';
import { type RestoreResult, restore } from '../maintenance/restore.js';
import { formatInt } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { renderTable } from '../render/table.js';
import { sessionsDir } from '../session/paths.js';
import { parseMonth } from '../time.js';
import type { GlobalOptions } from './common.js';

export { type ArchiveOptions, type ArchiveResult, archive };

/** What `grok sessions archive` takes: its own options and every command's. */
export type ArchiveCommandOptions = ArchiveOptions & GlobalOptions;

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
  opts: ArchiveCommandOptions,
): Promise<CommandOutput> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    if (rest.length > 0) throw new UsageError(`archive list: unexpected argument '${rest[0]}'`);
    return renderArchiveList(await archiveList(opts), opts);
  }
  if (sub === 'restore') return renderRestore(await archiveRestore(rest, opts), opts);
  return renderArchive(await archive(args, opts), opts);
}
