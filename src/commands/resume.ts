import { type ChatOptions, resumeInteractive } from './chat.js';
import type { CommandOutput } from './common.js';

/** `grok sessions resume <ref>`: the same as `grok --resume <ref>`. */
export function resume(ref: string, opts: ChatOptions): Promise<CommandOutput> {
  return resumeInteractive(ref, opts);
}
