/**
 * `grok sessions harden [--check]`: the seed's chmod recipe and its `ls -la` check in one
 * command. `--check` changes nothing and exits 1 when anything is loose.
 */
import { defaultArchiveDir } from '../maintenance/archive.js';
import { type HardenResult, harden as hardenPaths } from '../maintenance/harden.js';
import { grokHome, sessionsDir } from '../session/paths.js';
import type { CommandOutput, GlobalOptions } from './common.js';

export interface HardenOptions extends GlobalOptions {
  check?: boolean;
}

export function harden(opts: HardenOptions): Promise<HardenResult> {
  return hardenPaths(
    { home: grokHome(), sessions: sessionsDir(opts), archives: defaultArchiveDir() },
    { check: Boolean(opts.check) },
  );
}

export function renderHarden(r: HardenResult, opts: { json?: boolean }): CommandOutput {
  const exitCode = r.check && r.changed.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n`, exitCode };
  const verb = r.check ? 'loose' : 'fixed';
  const lines = r.changed.map((c) => `${verb} ${c.path}: ${c.from} → ${c.to}`);
  for (const s of r.skipped) lines.push(`left ${s.path}: ${s.reason}`);
  if (r.changed.length === 0)
    lines.push(`All ${r.checked} paths are private (directories 0700, files 0600).`);
  else if (r.check) lines.push(`${r.changed.length} loose; run grok sessions harden to fix.`);
  else lines.push(`${r.changed.length} fixed, ${r.checked} checked.`);
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
