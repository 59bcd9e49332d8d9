/** The filters list (and friends) share: pure predicates over summaries. */
import type { SessionSummary } from './summary.js';

export interface SessionFilter {
  since?: Date | undefined;
  until?: Date | undefined;
  model?: string | undefined;
  tag?: string | undefined;
  /** Only sessions recorded in this directory (a resolved path). */
  project?: string | undefined;
  /** Only sessions whose total tokens exceed this. */
  overTokens?: number | undefined;
}

export function matchesFilter(s: SessionSummary, f: SessionFilter): boolean {
  const start = Date.parse(s.startTime);
  if (f.since && start < f.since.getTime()) return false;
  if (f.until && start >= f.until.getTime()) return false;
  if (f.model && s.model !== f.model) return false;
  if (f.tag && !s.tags.includes(f.tag)) return false;
  if (f.project && s.workingDirectory !== f.project) return false;
  if (f.overTokens !== undefined && s.tokens.total <= f.overTokens) return false;
  return true;
}

/** "100k" → 100000, "1.5M" → 1500000, "2500" → 2500. */
export function parseTokenCount(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(value.trim());
  if (!m) return undefined;
  const mult = m[2]?.toLowerCase() === 'k' ? 1_000 : m[2]?.toLowerCase() === 'm' ? 1_000_000 : 1;
  return Math.round(Number(m[1]) * mult);
}
