import { UsageError } from '../errors.js';
import type { CommandOutput } from '../render/output.js';
import { secretInValue } from '../secrets/scan.js';
import { validateTag } from '../session/names.js';
import type { LoadedSession } from '../session/store.js';
import type { GlobalOptions } from './common.js';
import { updateSession } from './rename.js';

export async function tag(
  ref: string,
  tags: readonly string[],
  opts: GlobalOptions,
): Promise<LoadedSession> {
  if (tags.length === 0) throw new UsageError('tag needs at least one tag');
  const valid = tags.map((t) => validateTag(t, secretInValue));
  return updateSession(opts, ref, 'tag', (raw) => {
    const current = Array.isArray(raw.tags) ? (raw.tags as string[]) : [];
    raw.tags = [...new Set([...current, ...valid])];
  });
}

export async function untag(
  ref: string,
  tags: readonly string[],
  opts: GlobalOptions,
): Promise<LoadedSession> {
  if (tags.length === 0) throw new UsageError('untag needs at least one tag');
  const drop = new Set(tags.map((t) => String(t).trim()));
  return updateSession(opts, ref, 'untag', (raw) => {
    const current = Array.isArray(raw.tags) ? (raw.tags as string[]) : [];
    raw.tags = current.filter((t) => !drop.has(t));
  });
}

export function renderTags(loaded: LoadedSession, opts: GlobalOptions): CommandOutput {
  const tags = loaded.session.tags ?? [];
  if (opts.json) return { stdout: `${JSON.stringify({ file: loaded.file, tags }, null, 2)}\n` };
  return { stdout: `${loaded.file} tags: ${tags.length > 0 ? tags.join(', ') : '(none)'}\n` };
}
