import { UsageError } from '../errors.js';
import { confirm } from '../render/confirm.js';
import { assertNotLocked } from '../session/lock.js';
import { sessionsDir } from '../session/paths.js';
import { resolveRefs } from '../session/ref.js';
import { deleteSessionFile } from '../session/store.js';
import type { CommandOutput, GlobalOptions } from './common.js';

export interface DeleteOptions extends GlobalOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export interface DeleteResult {
  dryRun: boolean;
  /** Base names deleted (or, in a dry run, that would be). */
  deleted: string[];
  failed: { file: string; reason: string }[];
  cancelled: boolean;
}

export async function deleteSessions(
  refs: readonly string[],
  opts: DeleteOptions,
): Promise<DeleteResult> {
  if (refs.length === 0) throw new UsageError('delete needs at least one session reference');
  const dir = sessionsDir(opts);
  const targets = await resolveRefs(dir, refs);
  for (const t of targets) await assertNotLocked(t.path, 'delete');
  const names = targets.map((t) => t.name);
  if (opts.dryRun) return { dryRun: true, deleted: names, failed: [], cancelled: false };
  const n = targets.length;
  const ok = await confirm({
    yes: opts.yes,
    action: `delete ${n} session${n === 1 ? '' : 's'} (${names.join(', ')})`,
  });
  if (!ok) return { dryRun: false, deleted: [], failed: [], cancelled: true };
  const result: DeleteResult = { dryRun: false, deleted: [], failed: [], cancelled: false };
  for (const t of targets) {
    try {
      await deleteSessionFile(t.path);
      result.deleted.push(t.name);
    } catch (error) {
      result.failed.push({ file: t.name, reason: (error as Error).message });
    }
  }
  return result;
}

export function renderDelete(result: DeleteResult, opts: DeleteOptions): CommandOutput {
  const exitCode = result.failed.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(result, null, 2)}\n`, exitCode };
  if (result.cancelled) return { stdout: 'Nothing deleted.\n' };
  const verb = result.dryRun ? 'would delete' : 'deleted';
  const lines = result.deleted.map((f) => `${verb} ${f}`);
  for (const f of result.failed) lines.push(`failed ${f.file}: ${f.reason}`);
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
