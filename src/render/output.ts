/** What a command's CLI glue hands back to src/main.ts: text for stdout and an exit code. */
export interface CommandOutput {
  /**
   * Text, or bytes to write as they are, whole or in parts written one after another (megabytes
   * of `list --json` from the index: joining the parts would copy them once more).
   */
  stdout?: string | Uint8Array | readonly Uint8Array[];
  stderr?: string;
  exitCode?: number;
}

/** A command's stdout as the parts it is written in, one after another. */
export function outputParts(stdout: CommandOutput['stdout']): readonly (string | Uint8Array)[] {
  if (stdout === undefined) return [];
  return typeof stdout === 'string' || stdout instanceof Uint8Array ? [stdout] : stdout;
}

/** A `--json` document as a command prints it: indented by two, one newline at the end. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
