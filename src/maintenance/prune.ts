/**
 * Pruning: which sessions an age rule and the protections choose (pure), and removing them after
 * a last check that each is still the file that was read.
 */
import { type DeleteOutcome, deleteUnchanged } from './delete.js';
import {
  type AgeRule,
  type Candidate,
  type Inventory,
  isOld,
  type Protection,
  protectedBy,
  type Skip,
} from './select.js';

export interface PrunePlan {
  /** Chosen for deletion. */
  delete: Candidate[];
  /** Chosen by the rule but protected (tag or newest N). */
  protected: { file: string; reason: string }[];
  /** Sessions that stay: not old enough, or protected. Skipped files are not counted here. */
  kept: number;
  skipped: Skip[];
}

/**
 * With an age rule: old sessions go unless protected. Without one (`--keep-last N` alone): every
 * session past the newest N goes, unless tagged.
 */
export function planPrune(
  inv: Inventory,
  rule: AgeRule | undefined,
  protection: Protection,
  now: Date,
): PrunePlan {
  const plan: PrunePlan = { delete: [], protected: [], kept: 0, skipped: [...inv.skipped] };
  inv.candidates.forEach((c, rank) => {
    const chosen = rule === undefined ? true : isOld(c, rule, now);
    if (!chosen) {
      plan.kept++;
      return;
    }
    const why = protectedBy(c, rank, protection);
    if (why !== undefined) {
      // The newest N are only worth naming when the rule would otherwise have taken them.
      if (rule !== undefined || !why.startsWith('one of the newest'))
        plan.protected.push({ file: c.name, reason: why });
      plan.kept++;
      return;
    }
    plan.delete.push(c);
  });
  return plan;
}

/**
 * Deletes each target that is still the file that was read; one failure does not stop the rest.
 * One changed since it was chosen is skipped, not failed: the rule would not choose it now.
 */
export function applyPrune(targets: readonly Candidate[]): Promise<DeleteOutcome> {
  return deleteUnchanged(targets, 'skipped');
}
