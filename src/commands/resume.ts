import { UsageError } from '../errors.js';
import { printable } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { type ChatOptions, resumeInteractive } from './chat.js';

/**
 * `grok sessions resume [ref]`: the same as `grok --resume [ref]`. Without a ref the session
 * browser picks one, on a terminal.
 */
export function resume(ref: string | undefined, opts: ChatOptions): Promise<CommandOutput> {
  if (ref === undefined) return resumePicked(opts);
  return resumeInteractive(ref, opts);
}

/** `grok --resume` without a ref: the browser, starting with this directory's sessions. */
export async function resumePicked(opts: ChatOptions, first?: string): Promise<CommandOutput> {
  const { onTerminal, pickSession, resumeChosen } = await import('./browse.js');
  if (!onTerminal()) {
    throw new UsageError(
      'name the session to resume: without a terminal there is no browser to pick it in',
      'grok --resume <id, prefix or name>; see grok sessions list',
    );
  }
  return resumeChosen(await pickSession(opts, { cwdOnly: true }), opts, first);
}

/**
 * The line a resumed session's banner ends with when it was recorded in another directory: its
 * tools run in this one.
 */
export function movedNote(recorded: string, cwd = process.cwd()): string {
  if (recorded === cwd) return '';
  return `\nThis session was recorded in ${printable(recorded)}; its tools now run in ${printable(cwd)}.`;
}
