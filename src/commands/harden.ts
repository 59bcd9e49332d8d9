/**
 * `grok sessions harden [--check]`: the seed's chmod recipe and its `ls -la` check in one
 * command. `--check` changes nothing and exits 1 when anything is loose; a real run exits 1 when
 * something stays loose (another user's file, a chmod refused).
 */
import { type HardenResult, harden as hardenPaths } from '../maintenance/harden.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import type { GlobalOptions } from './common.js';

export interface HardenCommandOptions extends GlobalOptions {
  check?: boolean | undefined;
}

export function harden(opts: HardenCommandOptions): Promise<HardenResult> {
  return hardenPaths({ check: Boolean(opts.check), sessionsDir: opts.sessionsDir });
}

export function renderHarden(r: HardenResult, opts: { json?: boolean | undefined }): CommandOutput {
  const exitCode = r.loose > 0 ? 1 : 0;
  if (opts.json) return { stdout: jsonText(r), exitCode };
  const verb = r.check ? 'loose' : 'fixed';
  const lines = r.changed.map((c) => `${verb} ${c.path}: ${c.from} → ${c.to}`);
  for (const s of r.skipped) lines.push(`left ${s.path}: ${s.reason}`);
  if (r.loose === 0 && r.changed.length === 0) {
    lines.push(`All ${r.checked} paths are private (directories 0700, files 0600).`);
  } else if (r.check) {
    lines.push(`${r.loose} loose of ${r.checked} checked; run grok sessions harden to fix.`);
  } else {
    lines.push(`${r.changed.length} fixed, ${r.checked} checked.`);
    if (r.loose > 0) lines.push(`${r.loose} still loose: see the lines starting with "left".`);
  }
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
