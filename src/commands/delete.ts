import type { DeleteResult } from '../maintenance/delete.js';
import type { CommandOutput } from '../render/output.js';

export { type DeleteOptions, type DeleteResult, deleteSessions } from '../maintenance/delete.js';

export function renderDelete(
  result: DeleteResult,
  opts: { json?: boolean | undefined },
): CommandOutput {
  const exitCode = result.failed.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(result, null, 2)}\n`, exitCode };
  if (result.cancelled) return { stdout: 'Nothing deleted.\n' };
  const verb = result.dryRun ? 'would delete' : 'deleted';
  const lines = result.deleted.map((f) => `${verb} ${f}`);
  for (const f of result.skipped) lines.push(`kept ${f.file}: ${f.reason}`);
  for (const f of result.failed) lines.push(`failed ${f.file}: ${f.reason}`);
  if (lines.length === 0) lines.push('No sessions matched: nothing to delete.');
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
