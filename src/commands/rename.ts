import type { CommandOutput } from '../render/output.js';
import type { LoadedSession } from '../session/store.js';
import type { GlobalOptions } from './common.js';

export { rename } from '../maintenance/name-and-tags.js';

export function renderRenamed(loaded: LoadedSession, opts: GlobalOptions): CommandOutput {
  if (opts.json)
    return {
      stdout: `${JSON.stringify({ file: loaded.file, name: loaded.session.name }, null, 2)}\n`,
    };
  return { stdout: `${loaded.file} is now named '${loaded.session.name}'\n` };
}
