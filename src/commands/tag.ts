import type { CommandOutput } from '../render/output.js';
import type { LoadedSession } from '../session/store.js';
import type { GlobalOptions } from './common.js';

export { tag, untag } from '../maintenance/name-and-tags.js';

export function renderTags(loaded: LoadedSession, opts: GlobalOptions): CommandOutput {
  const tags = loaded.session.tags ?? [];
  if (opts.json) return { stdout: `${JSON.stringify({ file: loaded.file, tags }, null, 2)}\n` };
  return { stdout: `${loaded.file} tags: ${tags.length > 0 ? tags.join(', ') : '(none)'}\n` };
}
