import { UsageError } from '../errors.js';
import type { CommandOutput } from '../render/output.js';
import { type ChatOptions, resumeInteractive } from './interactive.js';

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
