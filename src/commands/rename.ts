import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import type { LoadedSession } from '../session/store.js';
import type { GlobalOptions } from './common.js';

export { rename } from '../maintenance/name-and-tags.js';

export function renderRenamed(loaded: LoadedSession, opts: GlobalOptions): CommandOutput {
  if (opts.json)
    return {
      stdout: jsonText({ file: loaded.file, name: loaded.session.name }),
    };
  return { stdout: `${loaded.file} is now named '${loaded.session.name}'\n` };
}
