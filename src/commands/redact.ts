import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { INDEX_FILE_NAME, spillDir } from '../analytics/index-db.js';
import { SEARCH_STORE_NAME } from '../analytics/search-forget.js';
import { SUMMARY_DIR_NAME } from '../analytics/summary.js';
import { describeFsError, UsageError } from '../errors.js';
import { unchangedSince } from '../maintenance/select.js';
import { confirm } from '../render/confirm.js';
import { plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { redactSessionText } from '../secrets/scan.js';
import { writeFileAtomic } from '../session/atomic-write.js';
import { discoverSessionFiles } from '../session/discover.js';
import { lockHolder } from '../session/lock.js';
import { grokHome, sessionsDir } from '../session/paths.js';
import { parseSessionText, readBytesNoFollow } from '../session/read.js';
import { resolveRefs } from '../session/ref.js';
import type { SkippedFile } from '../session/store.js';
import { notUtf8Reason } from '../session/utf8.js';
import type { GlobalOptions } from './common.js';

export interface RedactOptions extends GlobalOptions {
  all?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export interface RedactResult {
  dryRun: boolean;
  /** Files rewritten (or that would be), with how many secrets each had. */
  redacted: { file: string; secrets: number }[];
  clean: number;
  skipped: SkippedFile[];
  failed: SkippedFile[];
  cancelled: boolean;
  /** Copies of the secrets grok kept beside the sessions (the index, answers), removed. */
  cachesRemoved: boolean;
  /** Repair backups of redacted sessions (`<file>.bak-<time>`): they keep the text as it was. */
  backups: string[];
}

/**
 * The index and the answer cache hold message text, and bytes of a row DuckDB has deleted stay in
 * its file until they happen to be written over: after a redaction both go. They are caches: the
 * next analytics command builds the index again from the files.
 */
async function removeCaches(): Promise<void> {
  const home = grokHome();
  // the search store beside the index holds the text lowered (search-store.ts); the summary,
  // names, tags and directories of sessions (summary.ts)
  for (const name of [
    INDEX_FILE_NAME,
    `${INDEX_FILE_NAME}.wal`,
    // blocks of a build DuckDB let go of, left by one that stopped
    spillDir(INDEX_FILE_NAME),
    'answers',
    SEARCH_STORE_NAME,
    SUMMARY_DIR_NAME,
  ]) {
    await rm(join(home, name), { recursive: true, force: true });
  }
}

/**
 * Replaces every secret with [REDACTED:<kind>] in place: atomic, still a valid session, same
 * counts, and every byte outside the strings that held a secret as it was.
 */
export async function redact(refs: readonly string[], opts: RedactOptions): Promise<RedactResult> {
  if (opts.all && refs.length > 0)
    throw new UsageError('give session references or --all, not both');
  if (!opts.all && refs.length === 0)
    throw new UsageError('redact needs session references or --all');
  const dir = sessionsDir(opts);
  const entries = opts.all ? (await discoverSessionFiles(dir)).files : await resolveRefs(dir, refs);
  const result: RedactResult = {
    dryRun: Boolean(opts.dryRun),
    redacted: [],
    clean: 0,
    skipped: [],
    failed: [],
    cancelled: false,
    cachesRemoved: false,
    backups: [],
  };
  const plan: {
    path: string;
    file: string;
    size: number;
    mtimeMs: number;
    text: string;
    secrets: number;
  }[] = [];
  for (const entry of entries) {
    let file: Awaited<ReturnType<typeof readBytesNoFollow>>;
    try {
      file = await readBytesNoFollow(entry.path);
    } catch (error) {
      result.skipped.push({ file: entry.name, reason: `cannot read: ${describeFsError(error)}` });
      continue;
    }
    const text = file.bytes.toString('utf8');
    const read = parseSessionText(text);
    if (!read.ok) {
      result.skipped.push({ file: entry.name, reason: read.reason });
      continue;
    }
    // only the strings that hold a secret change: every other byte is kept
    const { text: redactedText, redacted } = redactSessionText(text);
    if (redacted === 0) {
      result.clean++;
      continue;
    }
    const notUtf8 = notUtf8Reason(file.bytes, entry.name);
    if (notUtf8 !== undefined) {
      result.failed.push({ file: entry.name, reason: notUtf8 });
      continue;
    }
    const pid = await lockHolder(entry.path);
    if (pid !== undefined) {
      result.failed.push({ file: entry.name, reason: `open in a running grok (pid ${pid})` });
      continue;
    }
    if (!parseSessionText(redactedText).ok) {
      result.failed.push({
        file: entry.name,
        reason: 'redacted copy would not be a valid session; left as it is',
      });
      continue;
    }
    plan.push({
      path: entry.path,
      file: entry.name,
      size: file.size,
      mtimeMs: file.mtimeMs,
      text: redactedText,
      secrets: redacted,
    });
  }
  if (opts.dryRun || plan.length === 0) {
    result.redacted = opts.dryRun ? plan.map((p) => ({ file: p.file, secrets: p.secrets })) : [];
    return result;
  }
  const total = plan.reduce((n, p) => n + p.secrets, 0);
  if (
    !(await confirm({
      yes: opts.yes,
      action: `redact ${total} secret(s) in ${plan.length} session file(s)`,
    }))
  ) {
    return { ...result, cancelled: true };
  }
  for (const p of plan) {
    // Written over only if still what was read: messages a grok added meanwhile are not lost.
    const changed = await unchangedSince(p, 'redacted');
    if (changed !== undefined) {
      result.failed.push({ file: p.file, reason: `${changed}; run redact again` });
      continue;
    }
    try {
      await writeFileAtomic(p.path, p.text);
      result.redacted.push({ file: p.file, secrets: p.secrets });
    } catch (error) {
      result.failed.push({ file: p.file, reason: describeFsError(error) });
    }
  }
  if (result.redacted.length > 0) {
    await removeCaches();
    result.cachesRemoved = true;
    // a backup is kept as repair found the file, byte for byte: said, not changed
    const names = await readdir(dir).catch(() => [] as string[]);
    const done = result.redacted.map((r) => `${r.file}.bak-`);
    result.backups = names.filter((n) => done.some((prefix) => n.startsWith(prefix))).sort();
  }
  return result;
}

export function renderRedact(result: RedactResult, opts: RedactOptions): CommandOutput {
  const exitCode = result.failed.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: jsonText(result), exitCode };
  if (result.cancelled) return { stdout: 'Nothing changed.\n' };
  const verb = result.dryRun ? 'would redact' : 'redacted';
  const lines = result.redacted.map(
    (r) => `${verb} ${r.secrets} ${plural(r.secrets, 'secret')} in ${r.file}`,
  );
  for (const f of result.failed) lines.push(`failed ${f.file}: ${f.reason}`);
  if (result.skipped.length > 0)
    lines.push(`${result.skipped.length} unreadable file(s) not scanned; see grok sessions doctor`);
  lines.push(`${result.clean} ${plural(result.clean, 'session')} had no secrets`);
  for (const b of result.backups) {
    lines.push(
      `${b}, a repair backup, still holds the text as it was: remove it once you need it no more`,
    );
  }
  if (result.cachesRemoved) {
    lines.push(
      'removed the index, its search store and the answer cache, which held copies; they are rebuilt from the files',
    );
  }
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
