/** The README made again from the commands' output (scripts/docs.mjs). */
export function regenerate(text: string): string;
/** The time the README's examples are made at. */
export const DOCS_NOW: string;
/** A scratch home of the sample sessions and the environment examples are made in. */
export function exampleHome(
  prefix: string,
  opts: { columns: number; mode: number },
): { scratch: string; home: string; sessions: string; env: NodeJS.ProcessEnv };
