/**
 * The program's test switches and its clock, read from the environment here and nowhere else,
 * so what a test (or the README's docs script) can change is in one place.
 *
 * - GROK_TEST_NOW: an ISO time the program takes for "now" (the README's examples are made at a
 *   fixed time, so what depends on today's date reads the same every run).
 * - GROK_FAULT, GROK_TEST_*: faults and delays injected by the tests.
 * - GROK_LIST_INDEX_THRESHOLD: from how many sessions `list` is served by the index.
 */

/** Now, or the time GROK_TEST_NOW fixes. */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const fixed = env.GROK_TEST_NOW ? Date.parse(env.GROK_TEST_NOW) : Number.NaN;
  return Number.isNaN(fixed) ? new Date() : new Date(fixed);
}

/** The fault a test injects (GROK_FAULT), e.g. 'crash-before-rename'. */
export function injectedFault(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GROK_FAULT || undefined;
}

/** A test switch GROK_TEST_<NAME>: its value, or undefined when unset. */
export function testSwitch(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`GROK_TEST_${name}`] || undefined;
}

/** From how many session files `list` is served by the index (a test lowers it). */
export function listIndexThreshold(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.GROK_LIST_INDEX_THRESHOLD) || fallback;
}
