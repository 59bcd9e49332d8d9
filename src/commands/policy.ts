/**
 * `grok sessions policy`: the retention policy in force (settings over defaults) and what a
 * maintenance run would do right now.
 */
import type { CommandOutput } from '../render/output.js';
import { wrapNotes } from '../render/width.js';
import type { Policy } from '../schedule/policy.js';
import { nextRuns } from '../schedule/scheduler.js';
import { settingsPath } from '../session/paths.js';
import type { GlobalOptions } from './common.js';
import { type MaintainResult, maintain, summarizeRun } from './maintain.js';

export interface PolicyResult {
  settingsFile: string;
  policy: Policy;
  nextRun: string | null;
  now: Pick<MaintainResult, 'archived' | 'removed' | 'deleted' | 'hardened' | 'errors'>;
  summary: string;
}

export async function policy(opts: GlobalOptions): Promise<PolicyResult> {
  const preview = await maintain({ ...opts, dryRun: true, noLog: true });
  const next = nextRuns(preview.policy.schedule, 1)[0];
  return {
    settingsFile: settingsPath(),
    policy: preview.policy,
    nextRun: next ? next.toISOString() : null,
    now: {
      archived: preview.archived,
      removed: preview.removed,
      deleted: preview.deleted,
      hardened: preview.hardened,
      errors: preview.errors,
    },
    summary: summarizeRun(preview),
  };
}

export function renderPolicy(r: PolicyResult, opts: { json?: boolean }): CommandOutput {
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n` };
  const p = r.policy;
  const lines = [
    `Retention policy (from ${r.settingsFile}, "retention"; defaults where unset)`,
    `  archive after   ${p.archiveAfter ?? 'off'}${p.archiveDir ? ` into ${p.archiveDir}` : ''}`,
    `  delete after    ${p.deleteAfter ?? 'off'}`,
    `  keep newest     ${p.keepLast}`,
    `  protected tags  ${p.protectTags.join(', ')}`,
    `  harden          ${p.harden ? 'on each run' : 'off'}`,
    `  schedule        ${p.schedule}${r.nextRun ? ` (next ${r.nextRun.replace('T', ' ').slice(0, 16)} UTC)` : ''}`,
    '',
    `A run now: ${r.summary.replace(/^dry run: /, '')}`,
  ];
  // the settings path can be long: its line folds to the terminal as a note does
  return { stdout: `${wrapNotes(lines.join('\n'))}\n` };
}
