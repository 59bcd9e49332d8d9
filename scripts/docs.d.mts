/** The README made again from the commands' output (scripts/docs.mjs). */
export function regenerate(text: string): string;
/** The time the README's examples are made at. */
export const DOCS_NOW: string;
