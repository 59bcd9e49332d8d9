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
