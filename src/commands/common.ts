/** Options every `grok sessions` command takes. */
export interface GlobalOptions {
  sessionsDir?: string | undefined;
  json?: boolean | undefined;
  debug?: boolean | undefined;
}

/** What a command's CLI glue hands back to src/main.ts: text for stdout and an exit code. */
export interface CommandOutput {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
}

export function jsonOutput(value: unknown, exitCode = 0): CommandOutput {
  return { stdout: `${JSON.stringify(value, null, 2)}\n`, exitCode };
}
