/**
 * `grok sessions repair [<file|id ...> | --all] [--dry-run]`: the seed's "if corrupted and
 * unrecoverable, delete" replaced by recovering what survives. The original is kept byte for
 * byte beside the repaired file (a `.bak-<time>` name, never read as a session); a valid file is
 * never rewritten; an unrecoverable one is reported and left as it is.
 */
import { lstat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError, UsageError, UserError } from '../errors.js';
import { repairSessionText } from '../maintenance/repair.js';
import { unchangedSince } from '../maintenance/select.js';
import type { CommandOutput } from '../render/output.js';
import { writeFileAtomic } from '../session/atomic-write.js';
import { discoverSessionFiles, type SessionFileEntry } from '../session/discover.js';
import { lockHolder } from '../session/lock.js';
import { sessionsDir } from '../session/paths.js';
import { parseSessionText, readBytesNoFollow } from '../session/read.js';
import { validateRef } from '../session/ref.js';
import { strictUtf8 } from '../session/utf8.js';
import { now as clockNow, injectedFault } from '../test-hooks.js';
import type { GlobalOptions } from './common.js';

export interface RepairOptions extends GlobalOptions {
  all?: boolean;
  dryRun?: boolean;
}

export interface RepairResult {
  dryRun: boolean;
  repaired: {
    file: string;
    backup: string | null;
    messages: number;
    dropped: number;
    /** Byte sequences that were not UTF-8, now U+FFFD (the only change to such a file). */
    invalidUtf8: number;
  }[];
  unrecoverable: { file: string; reason: string }[];
  /** Broken files a running grok holds: not touched. */
  locked: { file: string; pid: number }[];
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

/** `<file>.bak-<time>`, with `-N` when a backup of that second exists: never overwrites one. */
async function freeBackupName(dir: string, file: string, now: Date): Promise<string> {
  const base = `${file}.bak-${stamp(now)}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    const taken = await lstat(join(dir, name)).then(
      () => true,
      () => false,
    );
    if (!taken) return name;
  }
}

export async function repair(
  refs: readonly string[],
  opts: RepairOptions,
  now = clockNow(),
): Promise<RepairResult> {
  if (refs.length > 0 && opts.all) throw new UsageError('give file names or --all, not both');
  if (refs.length === 0 && !opts.all)
    throw new UsageError('repair needs session file names or ids, or --all');
  const dir = sessionsDir(opts);
  const { files } = await discoverSessionFiles(dir);
  const targets = opts.all ? files : [...new Set(pick(files, refs))];
  const result: RepairResult = {
    dryRun: Boolean(opts.dryRun),
    repaired: [],
    unrecoverable: [],
    locked: [],
    valid: 0,
  };
  // One file's outcome: whatever goes wrong with it is reported, and the batch goes on.
  const repairOne = async (f: SessionFileEntry): Promise<void> => {
    let bytes: Buffer;
    try {
      bytes = (await readBytesNoFollow(f.path)).bytes;
    } catch (error) {
      result.unrecoverable.push({
        file: f.name,
        reason: `cannot read: ${describeFsError(error)}; left as it is`,
      });
      return;
    }
    if (injectedFault() === `repair-throws:${f.name}`) throw new Error('injected fault');
    const text = bytes.toString('utf8');
    // Bytes that are not UTF-8 are what every rewrite refuses to touch: here they become U+FFFD,
    // the only change made to a file that is otherwise a session.
    const utf8 = strictUtf8(bytes) !== undefined;
    const asText = parseSessionText(text);
    if (utf8 && asText.ok) {
      result.valid++;
      return;
    }
    // A running grok rewrites its file whole on the next save: a repair would race it.
    const pid = await lockHolder(f.path);
    if (pid !== undefined) {
      result.locked.push({ file: f.name, pid });
      return;
    }
    const planned = planRepair(text, asText, f.name);
    if (!planned.ok) {
      result.unrecoverable.push({ file: f.name, reason: `${planned.reason}; left as it is` });
      return;
    }
    let backup: string | null = null;
    if (!opts.dryRun) {
      const changed = await unchangedSince(f);
      if (changed !== undefined) {
        result.unrecoverable.push({ file: f.name, reason: changed });
        return;
      }
      const written = await replaceKeepingBackup(dir, f, bytes, planned.bytes, now);
      if (!written.ok) {
        result.unrecoverable.push({ file: f.name, reason: written.reason });
        return;
      }
      backup = written.backup;
    }
    result.repaired.push({
      file: f.name,
      backup,
      messages: planned.messages,
      dropped: planned.dropped,
      invalidUtf8: utf8 ? 0 : countReplaced(bytes, text),
    });
  };
  for (const f of targets) {
    try {
      await repairOne(f);
    } catch (error) {
      result.unrecoverable.push({
        file: f.name,
        reason: `could not be repaired: ${describeFsError(error)}; left as it is`,
      });
    }
  }
  return result;
}

type Planned =
  | { ok: true; bytes: Buffer; messages: number; dropped: number }
  | { ok: false; reason: string };

/**
 * What the file becomes, checked to read back as a session before anything is written: a file
 * that cannot be written back is unrecoverable before a backup of it exists.
 */
function planRepair(text: string, asText: { ok: boolean }, file: string): Planned {
  if (asText.ok) {
    // a session already, once read: only its invalid bytes change, every other byte is kept
    const parsed = parseSessionText(text);
    const messages = parsed.ok ? parsed.session.messages.length : 0;
    return { ok: true, bytes: Buffer.from(text), messages, dropped: 0 };
  }
  const outcome = repairSessionText(text, file);
  if (!outcome.ok) return outcome;
  return {
    ok: true,
    bytes: Buffer.from(outcome.text),
    messages: outcome.messages,
    dropped: outcome.dropped,
  };
}

/** U+FFFD that decoding added: those in the text less those the bytes already held. */
function countReplaced(bytes: Buffer, text: string): number {
  const fffd = Buffer.from('\uFFFD');
  let held = 0;
  for (let at = bytes.indexOf(fffd); at >= 0; at = bytes.indexOf(fffd, at + 3)) held++;
  let decoded = 0;
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) decoded++;
  return decoded - held;
}

/**
 * The original goes to a backup (read back equal) and the repaired bytes over the original. A
 * failure leaves no backup behind while the original is still in place: a `.bak` means a repair
 * happened.
 */
async function replaceKeepingBackup(
  dir: string,
  f: SessionFileEntry,
  original: Buffer,
  repaired: Buffer,
  now: Date,
): Promise<{ ok: true; backup: string } | { ok: false; reason: string }> {
  let backup: string | undefined;
  try {
    backup = await freeBackupName(dir, f.name, now);
    await writeFileAtomic(join(dir, backup), original, { overwrite: false });
    const check = (await readBytesNoFollow(join(dir, backup))).bytes;
    if (!check.equals(original))
      throw new Error('the backup does not read back equal to the original');
    await writeFileAtomic(f.path, repaired);
    return { ok: true, backup };
  } catch (error) {
    const reason = `not repaired: ${describeFsError(error)}`;
    if (backup === undefined) return { ok: false, reason };
    const current = await readBytesNoFollow(f.path).then(
      (r) => r.bytes,
      () => undefined,
    );
    if (current?.equals(original)) {
      await unlink(join(dir, backup)).catch(() => {});
      return { ok: false, reason: `${reason}; left as it is` };
    }
    return { ok: false, reason: `${reason}; the original is kept as ${backup}` };
  }
}

export function renderRepair(r: RepairResult, opts: { json?: boolean }): CommandOutput {
  const exitCode = r.unrecoverable.length + r.locked.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n`, exitCode };
  const lines = r.repaired.map(
    (x) =>
      `${r.dryRun ? 'would repair' : 'repaired'} ${x.file}: ${x.messages} message${x.messages === 1 ? '' : 's'} recovered${x.dropped ? `, ${x.dropped} cut-off or broken dropped` : ''}${x.invalidUtf8 ? `, ${x.invalidUtf8} byte sequence${x.invalidUtf8 === 1 ? '' : 's'} that were not UTF-8 now U+FFFD` : ''}${x.backup ? ` (original kept as ${x.backup})` : ''}`,
  );
  for (const u of r.unrecoverable) lines.push(`unrecoverable ${u.file}: ${u.reason}`);
  for (const l of r.locked)
    lines.push(`locked ${l.file}: open in a running grok (pid ${l.pid}); not touched`);
  lines.push(
    `${r.dryRun ? 'Dry run: ' : ''}${r.repaired.length} ${r.dryRun ? 'to repair' : 'repaired'}, ${r.unrecoverable.length} unrecoverable, ${r.valid} valid (not touched).`,
  );
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
