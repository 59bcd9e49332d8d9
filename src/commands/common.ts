/** Options every `grok sessions` command takes. */
export interface GlobalOptions {
  sessionsDir?: string | undefined;
  json?: boolean | undefined;
  debug?: boolean | undefined;
}

/** What a command's CLI glue hands back to src/main.ts: text for stdout and an exit code. */
export interface CommandOutput {
  /** Text, or bytes to write as they are (megabytes of `list --json` from the index). */
  stdout?: string | Uint8Array;
  stderr?: string;
  exitCode?: number;
}

export function jsonOutput(value: unknown, exitCode = 0): CommandOutput {
  return { stdout: `${JSON.stringify(value, null, 2)}\n`, exitCode };
}
