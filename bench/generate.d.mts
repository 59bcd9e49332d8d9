/** Types of the seeded session generator (bench/generate.mjs), for the tests that use it. */
export function rng(seed: number): () => number;
export function fileNameFor(start: Date): string;
export function makeSession(r: () => number, startMs: number): Record<string, unknown>;
export function generate(
  dir: string,
  count: number,
  opts?: { seed?: number; fromMs?: number },
): { bytes: number; lastMs: number };
