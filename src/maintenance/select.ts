/**
 * What retention rules act on: the readable sessions of a directory with their start and last
 * activity, and the rules that choose among them. Shared by prune, archive and maintain.
 *
 * Age = now − last activity: `endTime`, else the last message's timestamp, else the file's mtime.
 * A file that cannot be read has no known age and is never chosen by an age rule. A session
 * whose time lies in the future is kept, with a warning. A session open in a running grok
 * (its lock) is never chosen.
 */
import { lstat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { discoverSessionFiles } from '../session/discover.js';
import { lockHolder } from '../session/lock.js';
import type { Session } from '../session/schema.js';
import { loadEntries } from '../session/store.js';
import { lastActivity } from '../session/summary.js';
import { parseDateArg, parseDuration } from '../time.js';

export interface Candidate {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
  session: Session;
  startMs: number;
  lastActivityMs: number;
}

export interface Skip {
  file: string;
  reason: string;
}

export interface Inventory {
  candidates: Candidate[];
  skipped: Skip[];
  warnings: string[];
}

/** A minute of clock skew is not "the future". */
const FUTURE_SLACK_MS = 60_000;

export async function inventory(dir: string, now: Date): Promise<Inventory> {
  const { files } = await discoverSessionFiles(dir);
  const { sessions, skipped } = await loadEntries(files);
  const out: Inventory = {
    candidates: [],
    skipped: skipped.map((s) => ({ file: s.file, reason: `unreadable, age unknown: ${s.reason}` })),
    warnings: [],
  };
  for (const s of sessions) {
    const pid = await lockHolder(s.path);
    if (pid !== undefined) {
      out.skipped.push({ file: s.file, reason: `open in a running grok (pid ${pid})` });
      continue;
    }
    const last = lastActivity(s.session);
    const lastMs = last !== undefined ? Date.parse(last) : s.mtimeMs;
    const startMs = Date.parse(s.session.startTime);
    if (Math.max(lastMs, startMs) > now.getTime() + FUTURE_SLACK_MS) {
      out.warnings.push(
        `${s.file} has a time in the future (${new Date(Math.max(lastMs, startMs)).toISOString()}): kept`,
      );
      out.skipped.push({ file: s.file, reason: 'time in the future: kept' });
      continue;
    }
    out.candidates.push({
      name: s.file,
      path: s.path,
      size: s.size,
      mtimeMs: s.mtimeMs,
      session: s.session,
      startMs,
      lastActivityMs: lastMs,
    });
  }
  // Newest first, by start (the file name breaks ties, as list does).
  out.candidates.sort((a, b) => b.startMs - a.startMs || (a.name < b.name ? 1 : -1));
  return out;
}

export interface AgeRule {
  /** Last activity older than this many milliseconds. */
  olderThanMs?: number | undefined;
  /** Last activity before this instant. */
  before?: Date | undefined;
}

/** The age rule of --older-than / --before, validated before anything is read. */
export function ageRule(opts: { olderThan?: string; before?: string }): AgeRule | undefined {
  if (opts.olderThan !== undefined && opts.before !== undefined)
    throw new UsageError('use one of --older-than and --before');
  if (opts.olderThan !== undefined)
    return { olderThanMs: parseDuration(String(opts.olderThan), '--older-than') };
  if (opts.before !== undefined)
    return { before: parseDateArg(String(opts.before), '--before').start };
  return undefined;
}

export function isOld(c: Candidate, rule: AgeRule, now: Date): boolean {
  if (rule.olderThanMs !== undefined && now.getTime() - c.lastActivityMs > rule.olderThanMs)
    return true;
  if (rule.before !== undefined && c.lastActivityMs < rule.before.getTime()) return true;
  return false;
}

export interface Protection {
  /** Sessions with any of these tags are never chosen. */
  tags: readonly string[];
  /** The newest N sessions are never chosen. */
  keepLast: number;
}

/** `--keep-tag a --keep-tag b` or `--keep-tag a,b`; `keep` is always protected. */
export function keepTags(value: string | string[] | undefined): string[] {
  const given = (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((v) => String(v).split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  return [...new Set(['keep', ...given])];
}

/** Why a candidate is protected, or undefined. `rank` is its place, newest first, from 0. */
export function protectedBy(c: Candidate, rank: number, p: Protection): string | undefined {
  const tag = (c.session.tags ?? []).find((t) => p.tags.includes(t));
  if (tag !== undefined) return `tagged '${tag}'`;
  if (rank < p.keepLast) return `one of the newest ${p.keepLast}`;
  return undefined;
}

/**
 * Still the file that was read? A session is removed (or rewritten: `done`) only if it is the
 * same regular file, same size and mtime, and no grok has opened it since.
 */
export async function unchangedSince(
  c: Pick<Candidate, 'path' | 'size' | 'mtimeMs'>,
  done = 'removed',
): Promise<string | undefined> {
  const st = await lstat(c.path).catch(() => undefined);
  if (!st) return `gone before it could be ${done}`;
  if (!st.isFile()) return 'no longer a regular file';
  if (st.size !== c.size || st.mtimeMs !== c.mtimeMs) return 'changed since it was read: kept';
  const pid = await lockHolder(c.path);
  if (pid !== undefined) return `opened by a running grok (pid ${pid}): kept`;
  return undefined;
}
