/**
 * `grok sessions doctor`: the seed's troubleshooting section as one command. Each finding says
 * what is wrong and the command that fixes it; exit 1 when anything needs fixing. Notes (foreign
 * files, sessions left by a crash) are shown but do not fail.
 */
import { constants, type Dirent, Stats } from 'node:fs';
import { access, readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileVerdict } from '../analytics/file-verdicts.js';
import { indexPath } from '../analytics/index-db.js';
import { describeFsError } from '../errors.js';
import { ARCHIVE_LOCK, archivesDirOrDefault } from '../maintenance/archives-dir.js';
import { harden } from '../maintenance/harden.js';
import { repairSessionText } from '../maintenance/repair.js';
import { red } from '../render/color.js';
import { plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { fitLine } from '../render/width.js';
import { shellQuote } from '../schedule/crontab.js';
import { TEMP_FILE_PATTERN } from '../session/atomic-write.js';
import {
  countXaiCliSessions,
  discoverWithOwnership,
  type FileOwnership,
  type SessionFileEntry,
  xaiCliFolderCwd,
} from '../session/discover.js';
import { lockHolder, pidLockHolder, processAlive } from '../session/lock.js';
import { grokHome, isSessionFileName, sessionsDir } from '../session/paths.js';
import { readFileNoFollow } from '../session/read.js';
import { loadEntries, type SkippedFile } from '../session/store.js';
import { loadSettings } from '../settings.js';
import { testSwitch } from '../test-hooks.js';
import type { GlobalOptions } from './common.js';

export interface Finding {
  level: 'problem' | 'note';
  check: string;
  detail: string;
  fix: string | null;
}

export interface DoctorResult {
  home: string;
  sessionsDir: string;
  sessions: number;
  findings: Finding[];
}

/** Less free space than this is a problem: a session save could fail mid-write. */
const MIN_FREE_BYTES = 100 * 1024 * 1024;

export async function doctor(opts: GlobalOptions): Promise<DoctorResult> {
  const home = grokHome();
  const dir = sessionsDir(opts);
  const findings: Finding[] = [];
  const problem = (check: string, detail: string, fix: string | null) =>
    findings.push({ level: 'problem', check, detail, fix });
  const note = (check: string, detail: string, fix: string | null) =>
    findings.push({ level: 'note', check, detail, fix });

  try {
    await loadSettings();
  } catch (error) {
    problem('settings', (error as Error).message, `edit ${join(home, 'settings.json')}`);
  }

  const st = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
  if (!(st instanceof Stats) || !st.isDirectory()) {
    if (st instanceof Stats) {
      problem(
        'sessions directory',
        `${dir} is not a directory: no session can be saved`,
        `move it aside, then mkdir -m 700 ${shellQuote(dir)}`,
      );
    } else if (st.code === 'ENOENT') {
      problem(
        'sessions directory',
        `${dir} does not exist: no session can be saved`,
        `mkdir -p -m 700 ${shellQuote(dir)}`,
      );
    } else {
      problem(
        'sessions directory',
        `cannot read ${dir}: ${describeFsError(st)}`,
        `check the permissions of ${dir} and the directories above it`,
      );
    }
    return { home, sessionsDir: dir, sessions: 0, findings };
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    problem(
      'sessions directory',
      `${dir} is not writable: sessions cannot be saved`,
      st.uid === process.getuid?.()
        ? 'grok sessions harden (it sets the directory to 0700)'
        : `sudo chown "$(id -un)" ${shellQuote(dir)} && grok sessions harden`,
    );
  }

  const fs = await statfs(dir).catch(() => undefined);
  if (fs && fs.bavail * fs.bsize < MIN_FREE_BYTES) {
    const mb = Math.floor((fs.bavail * fs.bsize) / (1024 * 1024));
    problem(
      'disk space',
      `${mb} MB free where the sessions are: saves may fail`,
      'grok sessions archive --older-than 90d (or free space)',
    );
  }

  // the same plan as harden --check and maintain --dry-run
  const perms = await harden({ check: true, sessionsDir: opts.sessionsDir });
  for (const c of perms.changed)
    problem('permissions', `${c.path} is ${c.from}, should be ${c.to}`, 'grok sessions harden');
  for (const s of perms.skipped) {
    if (s.kind === 'other-owner')
      problem('permissions', `${s.path} is ${s.reason}`, `sudo chown "$(id -un)" ${s.path}`);
    else if (s.kind === 'not-grok')
      problem(
        'permissions',
        `${s.path}: ${s.reason}`,
        'keep sessions in a directory of your own (GROK_HOME, GROK_SESSIONS_DIR or --sessions-dir)',
      );
    else if (s.kind === 'error')
      problem('permissions', `${s.path}: ${s.reason}`, `ls -la ${s.path}`);
  }

  // The index, when there is one: opened to check it, and asked what it knows of the files.
  const index = indexPath(home);
  let indexFinding: Finding | undefined;
  let verdicts: Map<string, FileVerdict> | undefined;
  if (await stat(index).catch(() => undefined)) {
    const [{ openReadOnlyIndex }, { fileVerdicts }] = await Promise.all([
      import('../analytics/index-db.js'),
      import('../analytics/file-verdicts.js'),
    ]);
    try {
      const handle = await openReadOnlyIndex(home);
      try {
        // an index of another shape (an older grok's, damaged) only means reading every file
        // the DOCTOR_READ_ALL test switch: the check by reading every file, that a test compares with
        if (testSwitch('DOCTOR_READ_ALL') === undefined)
          verdicts = await fileVerdicts(handle.conn).catch(() => undefined);
      } finally {
        handle.close();
      }
    } catch (error) {
      const why = (error as Error).message.split('\n')[0] ?? '';
      indexFinding = /lock/i.test(why)
        ? { level: 'note', check: 'index', detail: `${index} is in use by another grok`, fix: null }
        : {
            level: 'problem',
            check: 'index',
            detail: `${index} cannot be opened (${why}); it is a cache`,
            fix: `rm ${shellQuote(index)} (the next analytics command rebuilds it)`,
          };
    }
  }

  // With no index (or none that answers), the summary a command made from the files says the
  // same of the files it read (analytics/summary.ts)
  if (verdicts === undefined && testSwitch('DOCTOR_READ_ALL') === undefined) {
    const { summaryVerdicts } = await import('../analytics/summary.js');
    verdicts = summaryVerdicts(home, dir);
  }
  const { discovery, ownership } = await discoverWithOwnership(dir);
  const { sessions, skipped, active } = await checkSessionFiles(
    discovery.files,
    ownership,
    verdicts,
  );
  for (const s of skipped) {
    const path = join(dir, s.file);
    // A file the user cannot open is a permissions problem, not a damaged one; one with nothing
    // left to recover (empty, all NUL) is what the seed says to delete.
    let fix = `grok sessions repair ${s.file}`;
    if (s.reason.startsWith('cannot read')) {
      // harden only takes permissions away: a file of the user's own needs them given back
      const owner = (await stat(path).catch(() => undefined))?.uid;
      fix =
        owner !== undefined && owner === process.getuid?.()
          ? `chmod 600 ${shellQuote(path)}`
          : `sudo chown "$(id -un)" ${shellQuote(path)} && grok sessions harden`;
    } else {
      const text = await readFileNoFollow(path).then(
        (f) => f.text,
        () => undefined,
      );
      const outcome = text === undefined ? undefined : repairSessionText(text, s.file);
      // never rm for a file whose messages can still be read, whatever else is wrong with it
      if (outcome && !outcome.ok)
        fix =
          outcome.readable > 0
            ? `keep it: ${outcome.readable} ${plural(outcome.readable, 'message')} in it can be read, but not as a grok session; move it out of ${shellQuote(dir)} to keep it`
            : `rm ${shellQuote(path)} (nothing in it can be recovered)`;
    }
    problem('unreadable session', `${s.file}: ${s.reason}`, fix);
  }

  const known = new Set(discovery.files.map((f) => f.name));
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.filter((e) => !known.has(e.name))) {
    const path = join(dir, e.name);
    const special = specialKind(e);
    const cwd = e.isDirectory() ? xaiCliFolderCwd(e.name) : undefined;
    if (cwd !== undefined) {
      // another tool's live data: moving it would break that tool's --resume
      const n = await countXaiCliSessions(path);
      note(
        'other tool',
        `${e.name}: xAI's grok CLI sessions for ${cwd} (${n} session ${plural(n, 'folder')}); grok leaves them alone`,
        null,
      );
    } else if (special !== undefined && namedLikeGroks(e.name)) {
      problem(
        'not a regular file',
        `${e.name}: ${special} with a name grok uses; never read`,
        `rm ${shellQuote(path)}`,
      );
    } else if (special !== undefined) {
      note('foreign entry', `${e.name}: ${special}; never read`, null);
    } else if (TEMP_FILE_PATTERN.test(e.name) && e.isFile()) {
      const writer = tempWriter(e.name);
      if (writer !== undefined)
        note('temp file', `${e.name}: being written by grok (pid ${writer})`, null);
      else
        problem(
          'leftover temp file',
          `${e.name}: an interrupted write left it`,
          `rm ${shellQuote(path)}`,
        );
    } else if (LOCK_NAME.test(e.name) && e.isFile()) {
      const session = join(dir, e.name.replace(/^\./, '').replace(/\.lock$/, ''));
      if ((await lockHolder(session)) === undefined)
        note(
          'stale lock',
          `${e.name}: its grok is gone; the next grok takes it over`,
          `rm ${shellQuote(path)}`,
        );
    } else if (/\.json\.bak-[0-9-]+$/.test(e.name) && e.isFile()) {
      note(
        'repair backup',
        `${e.name}: the original of a repaired session`,
        `rm ${shellQuote(path)} once the repair is checked`,
      );
    } else {
      const what = e.isSymbolicLink()
        ? 'a symbolic link (never followed)'
        : e.isDirectory()
          ? 'a folder'
          : 'not a session file name';
      note('foreign entry', `${e.name}: ${what}; never read as a session`, null);
    }
  }

  for (const s of active) {
    if ((await lockHolder(s.path)) === undefined)
      note(
        'crashed session',
        `${s.file}: its grok ended without a final save`,
        `grok --resume ${s.sessionId}`,
      );
  }

  if (indexFinding) findings.push(indexFinding);

  const archiveDir = await archivesDirOrDefault();
  const archives = await readdir(archiveDir).catch(() => [] as string[]);
  // an archive run going holds the directory's lock: its staging folder is in use
  const archiving = await pidLockHolder(join(archiveDir, ARCHIVE_LOCK));
  for (const a of archives.filter((n) => TEMP_FILE_PATTERN.test(n) || n.startsWith('.staging-'))) {
    const writer = tempWriter(a) ?? archiving;
    if (writer !== undefined) {
      note(
        'temp file',
        `${a} in the archive directory: being written by grok (pid ${writer})`,
        null,
      );
    } else {
      problem(
        'leftover temp file',
        `${a} in the archive directory: an interrupted archive run left it`,
        `rm -r ${shellQuote(join(archiveDir, a))}`,
      );
    }
  }

  // grok's own files elsewhere under GROK_HOME: never read unless regular files
  const places: [string, (name: string) => boolean][] = [
    [archiveDir, (n) => /\.tar\.gz$/.test(n) || n === ARCHIVE_LOCK],
    [join(home, 'logs'), (n) => n === 'maintenance.log'],
    [join(home, 'answers'), (n) => n.endsWith('.answer')],
  ];
  for (const [place, ours] of places) {
    const inside = await readdir(place, { withFileTypes: true }).catch(() => []);
    for (const e of inside.filter((e) => ours(e.name) && !e.isFile())) {
      const path = join(place, e.name);
      problem(
        'not a regular file',
        `${path}: ${entryKind(e)} with a name grok uses; never read`,
        `rm ${e.isDirectory() ? '-r ' : ''}${shellQuote(path)}`,
      );
    }
  }

  return { home, sessionsDir: dir, sessions, findings };
}

/** What doctor needs of the session files: how many are sessions, which are not and why, which are active. */
interface SessionsCheck {
  sessions: number;
  skipped: SkippedFile[];
  active: { file: string; path: string; sessionId: string }[];
}

/**
 * Reads the session files, or takes the index's word for those it read as sessions and that are
 * unchanged since (same size and mtime) and still readable (owned by this user, owner-readable):
 * the same answer as reading them all. Every other file is read: new or changed ones, those the
 * index could not read (their reasons are given as a read gives them today), and an active
 * session whose id the index holds mended (a lone surrogate made U+FFFD).
 */
export async function checkSessionFiles(
  files: readonly SessionFileEntry[],
  ownership: ReadonlyMap<string, FileOwnership>,
  verdicts: ReadonlyMap<string, FileVerdict> | undefined,
): Promise<SessionsCheck> {
  const uid = process.geteuid?.();
  const trusted = (f: SessionFileEntry): FileVerdict | undefined => {
    const v = verdicts?.get(f.path);
    const own = ownership.get(f.path);
    if (!v?.ok || v.size !== f.size || v.mtimeMs !== f.mtimeMs) return undefined;
    if (own === undefined || own.uid !== uid || (own.mode & 0o400) === 0) return undefined;
    if (v.active && (v.sessionId === null || v.sessionId.includes('\uFFFD'))) return undefined;
    return v;
  };
  const known = files.map(trusted);
  const toRead = files.filter((_, i) => known[i] === undefined);
  const loaded = toRead.length === 0 ? undefined : await loadEntries(toRead);
  const read = new Map(loaded?.sessions.map((s) => [s.file, s]));
  const reasons = new Map(loaded?.skipped.map((s) => [s.file, s.reason]));
  const out: SessionsCheck = { sessions: 0, skipped: [], active: [] };
  files.forEach((f, i) => {
    const v = known[i];
    const s = read.get(f.name);
    const reason = reasons.get(f.name);
    if (reason !== undefined) {
      out.skipped.push({ file: f.name, reason });
      return;
    }
    out.sessions++;
    if (v?.active && v.sessionId !== null)
      out.active.push({ file: f.name, path: f.path, sessionId: v.sessionId });
    else if (s?.session.status === 'active')
      out.active.push({ file: f.name, path: f.path, sessionId: s.session.sessionId });
  });
  return out;
}

const LOCK_NAME = /^\.session-.+\.json\.lock$/;

/** Names grok gives its own files in the sessions directory: sessions, locks, temp files, backups. */
function namedLikeGroks(name: string): boolean {
  return (
    isSessionFileName(name) ||
    LOCK_NAME.test(name) ||
    TEMP_FILE_PATTERN.test(name) ||
    /^session-.+\.json\.bak-[0-9-]+$/.test(name)
  );
}

/** What a directory entry is when it is neither a file, a folder nor a symlink (never opened). */
function specialKind(e: Dirent): string | undefined {
  if (e.isFIFO()) return 'a FIFO';
  if (e.isSocket()) return 'a socket';
  if (e.isCharacterDevice()) return 'a character device';
  if (e.isBlockDevice()) return 'a block device';
  // a link with the name of a lock or temp file: grok would have read through it
  if (e.isSymbolicLink() && (LOCK_NAME.test(e.name) || TEMP_FILE_PATTERN.test(e.name)))
    return 'a symbolic link';
  return undefined;
}

function entryKind(e: Dirent): string {
  if (e.isSymbolicLink()) return 'a symbolic link';
  if (e.isDirectory()) return 'a folder';
  return specialKind(e) ?? 'not a regular file';
}

/**
 * The pid in a temp file's name (session/atomic-write.ts: tempNameFor) when that process is alive:
 * the file is being written, not left over.
 */
function tempWriter(name: string): number | undefined {
  const pid = Number(/\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)?.[1]);
  return pid > 0 && pid !== process.pid && processAlive(pid) ? pid : undefined;
}

export function renderDoctor(r: DoctorResult, opts: { json?: boolean }): CommandOutput {
  const problems = r.findings.filter((f) => f.level === 'problem');
  const exitCode = problems.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: jsonText(r), exitCode };
  const lines = [`${r.sessions} sessions in ${r.sessionsDir}`];
  for (const f of r.findings) {
    lines.push(`${f.level === 'problem' ? red('✗') : '·'} ${f.check}: ${f.detail}`);
    if (f.fix) lines.push(`    fix: ${f.fix}`);
  }
  lines.push(
    problems.length === 0
      ? 'No problems found.'
      : `${problems.length} ${plural(problems.length, 'problem')} found.`,
  );
  // a finding never wraps: long paths are cut in the middle to the terminal's width
  return { stdout: `${lines.map((l) => fitLine(l)).join('\n')}\n`, exitCode };
}
