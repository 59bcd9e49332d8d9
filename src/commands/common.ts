import { UsageError } from '../errors.js';
import type { CommandOutput } from '../render/output.js';

/** Options every `grok sessions` command takes. */
export interface GlobalOptions {
  sessionsDir?: string | undefined;
  json?: boolean | undefined;
  debug?: boolean | undefined;
}

export function jsonOutput(value: unknown, exitCode = 0): CommandOutput {
  return { stdout: `${JSON.stringify(value, null, 2)}\n`, exitCode };
}

/** The path `--out` gives, if given; an empty one is a usage error, never the current directory. */
export function outOption(out: unknown): string | undefined {
  if (out === undefined) return undefined;
  const path = String(out);
  if (path === '') throw new UsageError('--out: give a path');
  return path;
}
