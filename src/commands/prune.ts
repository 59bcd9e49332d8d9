/**
 * `grok sessions prune --older-than 30d | --before DATE [--keep-last N] [--keep-tag T ...]`:
 * the seed's `find -mtime +30 -delete` and `ls -t | tail -n +11 | xargs rm`, without losing a
 * session that is tagged, open, unreadable or changed meanwhile.
 */
import { UsageError } from '../errors.js';
import { applyPrune, type PrunePlan, planPrune } from '../maintenance/prune.js';
import { ageRule, inventory, keepTags } from '../maintenance/select.js';
import { confirmDelete } from '../render/confirm.js';
import type { CommandOutput } from '../render/output.js';
import { sessionsDir } from '../session/paths.js';
import { now as clockNow } from '../test-hooks.js';
import { parsePositiveInt } from '../time.js';
import type { GlobalOptions } from './common.js';

export interface PruneOptions extends GlobalOptions {
  olderThan?: string;
  before?: string;
  keepLast?: number | string;
  keepTag?: string | string[];
  dryRun?: boolean;
  yes?: boolean;
}

export interface PruneResult {
  dryRun: boolean;
  deleted: string[];
  protected: { file: string; reason: string }[];
  kept: number;
  skipped: { file: string; reason: string }[];
  failed: { file: string; reason: string }[];
  warnings: string[];
  cancelled: boolean;
}

export async function prune(opts: PruneOptions, now = clockNow()): Promise<PruneResult> {
  const rule = ageRule(opts);
  const keepLast =
    opts.keepLast === undefined
      ? 0
      : parsePositiveInt(opts.keepLast, '--keep-last', { allowZero: true });
  if (rule === undefined && opts.keepLast === undefined) {
    throw new UsageError('prune needs --older-than DURATION, --before DATE or --keep-last N');
  }
  const tags = keepTags(opts.keepTag);
  const inv = await inventory(sessionsDir(opts), now);
  const plan: PrunePlan = planPrune(inv, rule, { tags, keepLast }, now);
  const result: PruneResult = {
    dryRun: Boolean(opts.dryRun),
    deleted: [],
    protected: plan.protected,
    kept: plan.kept,
    skipped: plan.skipped,
    failed: [],
    warnings: inv.warnings,
    cancelled: false,
  };
  if (opts.dryRun) return { ...result, deleted: plan.delete.map((c) => c.name) };
  if (plan.delete.length === 0) return result;
  if (
    !(await confirmDelete(
      plan.delete.map((c) => c.name),
      opts.yes,
    ))
  )
    return { ...result, cancelled: true };
  const outcome = await applyPrune(plan.delete);
  return {
    ...result,
    deleted: outcome.deleted,
    skipped: [...result.skipped, ...outcome.skipped],
    failed: outcome.failed,
  };
}

export function renderPrune(r: PruneResult, opts: { json?: boolean }): CommandOutput {
  const exitCode = r.failed.length > 0 ? 1 : 0;
  const stderr = r.warnings.map((w) => `grok: warning: ${w}\n`).join('');
  if (opts.json) {
    const { warnings: _w, cancelled: _c, ...json } = r;
    return { stdout: `${JSON.stringify(json, null, 2)}\n`, stderr, exitCode };
  }
  if (r.cancelled) return { stdout: 'Nothing deleted.\n', stderr };
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const lines = r.deleted.map((f) => `${verb} ${f}`);
  for (const p of r.protected) lines.push(`protected ${p.file}: ${p.reason}`);
  for (const s of r.skipped) lines.push(`skipped ${s.file}: ${s.reason}`);
  for (const f of r.failed) lines.push(`failed ${f.file}: ${f.reason}`);
  lines.push(
    `${r.dryRun ? `Dry run: ${r.deleted.length} would be deleted` : `${r.deleted.length} deleted`}, ${r.kept} kept${r.protected.length ? ` (${r.protected.length} of them protected)` : ''}, ${r.skipped.length} skipped${r.failed.length ? `, ${r.failed.length} failed` : ''}.`,
  );
  return { stdout: `${lines.join('\n')}\n`, stderr, exitCode };
}
