/**
 * `grok sessions repair [<file|id ...> | --all] [--dry-run]`: the seed's "if corrupted and
 * unrecoverable, delete" replaced by recovering what survives. The original is kept byte for
 * byte beside the repaired file (a `.bak-<time>` name, never read as a session); a valid file is
 * never rewritten; an unrecoverable one is reported and left as it is.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, UserError } from '../errors.js';
import { repairSessionText } from '../maintenance/repair.js';
import { unchangedSince } from '../maintenance/select.js';
import { writeFileAtomic } from '../session/atomic-write.js';
import { discoverSessionFiles, type SessionFileEntry } from '../session/discover.js';
import { lockHolder } from '../session/lock.js';
import { sessionsDir } from '../session/paths.js';
import { parseSessionText } from '../session/read.js';
import { validateRef } from '../session/ref.js';
import { serializeSession } from '../session/store.js';
import type { CommandOutput, GlobalOptions } from './common.js';

export interface RepairOptions extends GlobalOptions {
  all?: boolean;
  dryRun?: boolean;
}

export interface RepairResult {
  dryRun: boolean;
  repaired: { file: string; backup: string | null; messages: number; dropped: number }[];
  unrecoverable: { file: string; reason: string }[];
  valid: number;
}

/** Broken files have no readable id: a ref here is a file name or id, or a unique prefix of one. */
function pick(files: readonly SessionFileEntry[], refs: readonly string[]): SessionFileEntry[] {
  return refs.map((ref) => {
    validateRef(ref);
    const exact = files.find((f) => f.name === ref || f.name === `${ref}.json`);
    if (exact) return exact;
    const matches = files.filter((f) => f.name.startsWith(ref));
    if (matches.length === 1) return matches[0] as SessionFileEntry;
    if (matches.length === 0)
      throw new UserError(`no session file matches '${ref}'`, { hint: 'see grok sessions list' });
    throw new UserError(
      `'${ref}' matches ${matches.length} files: ${matches
        .slice(0, 3)
        .map((f) => f.name)
        .join(', ')}`,
      {
        hint: 'give more of the name',
      },
    );
  });
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export async function repair(
  refs: readonly string[],
  opts: RepairOptions,
  now = new Date(),
): Promise<RepairResult> {
  if (refs.length > 0 && opts.all) throw new UsageError('give file names or --all, not both');
  if (refs.length === 0 && !opts.all)
    throw new UsageError('repair needs session file names or ids, or --all');
  const dir = sessionsDir(opts);
  const { files } = await discoverSessionFiles(dir);
  const targets = opts.all ? files : pick(files, refs);
  const result: RepairResult = {
    dryRun: Boolean(opts.dryRun),
    repaired: [],
    unrecoverable: [],
    valid: 0,
  };
  for (const f of targets) {
    const pid = await lockHolder(f.path);
    if (pid !== undefined) {
      result.unrecoverable.push({
        file: f.name,
        reason: `open in a running grok (pid ${pid}): not touched`,
      });
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(f.path);
    } catch (error) {
      result.unrecoverable.push({
        file: f.name,
        reason: `cannot read: ${(error as Error).message}`,
      });
      continue;
    }
    const text = bytes.toString('utf8');
    if (parseSessionText(text).ok) {
      result.valid++;
      continue;
    }
    const outcome = repairSessionText(text, f.name);
    if (!outcome.ok) {
      result.unrecoverable.push({ file: f.name, reason: `${outcome.reason}; left as it is` });
      continue;
    }
    const backup = `${f.name}.bak-${stamp(now)}`;
    if (!opts.dryRun) {
      const changed = await unchangedSince(f);
      if (changed !== undefined) {
        result.unrecoverable.push({ file: f.name, reason: changed });
        continue;
      }
      try {
        await writeFileAtomic(join(dir, backup), bytes);
        const check = await readFile(join(dir, backup));
        if (!check.equals(bytes))
          throw new Error('the backup does not read back equal to the original');
        await writeFileAtomic(f.path, serializeSession(outcome.session));
      } catch (error) {
        result.unrecoverable.push({
          file: f.name,
          reason: `not repaired: ${(error as Error).message}`,
        });
        continue;
      }
    }
    result.repaired.push({
      file: f.name,
      backup: opts.dryRun ? null : backup,
      messages: outcome.messages,
      dropped: outcome.dropped,
    });
  }
  return result;
}

export function renderRepair(r: RepairResult, opts: { json?: boolean }): CommandOutput {
  const exitCode = r.unrecoverable.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n`, exitCode };
  const lines = r.repaired.map(
    (x) =>
      `${r.dryRun ? 'would repair' : 'repaired'} ${x.file}: ${x.messages} message${x.messages === 1 ? '' : 's'} recovered${x.dropped ? `, ${x.dropped} broken dropped` : ''}${x.backup ? ` (original kept as ${x.backup})` : ''}`,
  );
  for (const u of r.unrecoverable) lines.push(`unrecoverable ${u.file}: ${u.reason}`);
  lines.push(
    `${r.dryRun ? 'Dry run: ' : ''}${r.repaired.length} ${r.dryRun ? 'to repair' : 'repaired'}, ${r.unrecoverable.length} unrecoverable, ${r.valid} valid (not touched).`,
  );
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
