import { createInterface } from 'node:readline/promises';
import { UserError } from '../errors.js';
import { plural } from './format.js';

export interface ConfirmOptions {
  yes?: boolean | undefined;
  /** What is about to happen, e.g. "delete 3 sessions". */
  action: string;
}

/**
 * Destructive commands ask on a terminal and need --yes without one. Returns false when the user
 * declines; throws when there is no terminal to ask on.
 */
export async function confirm({ yes, action }: ConfirmOptions): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UserError(`refusing to ${action} without confirmation: not on a terminal`, {
      hint: 'pass --yes to confirm, or --dry-run to see what would happen',
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${action}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Asks before deleting these files: "delete 3 sessions (a.json, b.json, c.json)". */
export function confirmDelete(
  names: readonly string[],
  yes: boolean | undefined,
): Promise<boolean> {
  const n = names.length;
  const shown = names.slice(0, 5).join(', ') + (n > 5 ? ', ...' : '');
  return confirm({ yes, action: `delete ${n} ${plural(n, 'session')} (${shown})` });
}
