/**
 * `grok sessions doctor`: the seed's troubleshooting section as one command. Each finding says
 * what is wrong and the command that fixes it; exit 1 when anything needs fixing. Notes (foreign
 * files, sessions left by a crash) are shown but do not fail.
 */
import { constants, Stats } from 'node:fs';
import { access, readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { indexPath } from '../analytics/index-db.js';
import { describeFsError } from '../errors.js';
import { ARCHIVE_LOCK, archivesDirOrDefault } from '../maintenance/archives-dir.js';
import { harden } from '../maintenance/harden.js';
import { repairSessionText } from '../maintenance/repair.js';
import { red } from '../render/color.js';
import { fitLine } from '../render/width.js';
import { shellQuote } from '../schedule/crontab.js';
import { TEMP_FILE_PATTERN } from '../session/atomic-write.js';
import { discoverSessionFiles } from '../session/discover.js';
import { lockHolder, pidLockHolder, processAlive } from '../session/lock.js';
import { grokHome, sessionsDir } from '../session/paths.js';
import { readFileNoFollow } from '../session/read.js';
import { loadEntries } from '../session/store.js';
import { loadSettings } from '../settings.js';
import type { CommandOutput, GlobalOptions } from './common.js';

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
      `chmod u+w ${shellQuote(dir)} (or grok sessions harden)`,
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

  const perms = await harden({ check: true, sessionsDir: opts.sessionsDir });
  for (const c of perms.changed)
    problem('permissions', `${c.path} is ${c.from}, should be ${c.to}`, 'grok sessions harden');
  for (const s of perms.skipped) {
    if (s.reason.startsWith('owned by another user'))
      problem('permissions', `${s.path} is ${s.reason}`, `sudo chown "$(id -un)" ${s.path}`);
    else if (!s.reason.startsWith('a symlink'))
      problem('permissions', `${s.path}: ${s.reason}`, `ls -la ${s.path}`);
  }

  const discovery = await discoverSessionFiles(dir);
  const { sessions, skipped } = await loadEntries(discovery.files);
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
      if (text !== undefined && !repairSessionText(text, s.file).ok)
        fix = `rm ${shellQuote(path)} (nothing in it can be recovered)`;
    }
    problem('unreadable session', `${s.file}: ${s.reason}`, fix);
  }

  const known = new Set(discovery.files.map((f) => f.name));
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const others = entries
    .filter((e) => !known.has(e.name))
    .map((e) => ({
      name: e.name,
      reason: e.isSymbolicLink()
        ? 'a symbolic link'
        : e.isDirectory()
          ? 'a folder'
          : 'not a session file name',
    }));
  for (const i of others) {
    const path = join(dir, i.name);
    if (TEMP_FILE_PATTERN.test(i.name)) {
      const writer = tempWriter(i.name);
      if (writer !== undefined)
        note('temp file', `${i.name}: being written by grok (pid ${writer})`, null);
      else
        problem(
          'leftover temp file',
          `${i.name}: an interrupted write left it`,
          `rm ${shellQuote(path)}`,
        );
    } else if (/\.lock$/.test(i.name)) {
      const session = join(dir, i.name.replace(/^\./, '').replace(/\.lock$/, ''));
      if ((await lockHolder(session)) === undefined)
        note(
          'stale lock',
          `${i.name}: its grok is gone; the next grok takes it over`,
          `rm ${shellQuote(path)}`,
        );
    } else if (/\.json\.bak-[0-9-]+$/.test(i.name)) {
      note(
        'repair backup',
        `${i.name}: the original of a repaired session`,
        `rm ${shellQuote(path)} once the repair is checked`,
      );
    } else {
      note(
        'foreign entry',
        `${i.name}: ${i.reason}; never read as a session`,
        'move it out of the sessions directory',
      );
    }
  }

  for (const s of sessions) {
    if (s.session.status === 'active' && (await lockHolder(s.path)) === undefined)
      note(
        'crashed session',
        `${s.file}: its grok ended without a final save`,
        `grok --resume ${s.session.sessionId}`,
      );
  }

  const index = indexPath(home);
  if (await stat(index).catch(() => undefined)) {
    const { openReadOnlyIndex } = await import('../analytics/index-db.js');
    try {
      const handle = await openReadOnlyIndex(home);
      handle.close();
    } catch (error) {
      const why = (error as Error).message.split('\n')[0] ?? '';
      if (/lock/i.test(why)) note('index', `${index} is in use by another grok`, null);
      else
        problem(
          'index',
          `${index} cannot be opened (${why}); it is a cache`,
          `rm ${shellQuote(index)} (the next analytics command rebuilds it)`,
        );
    }
  }

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

  return { home, sessionsDir: dir, sessions: sessions.length, findings };
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
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n`, exitCode };
  const lines = [`${r.sessions} sessions in ${r.sessionsDir}`];
  for (const f of r.findings) {
    lines.push(`${f.level === 'problem' ? red('✗') : '·'} ${f.check}: ${f.detail}`);
    if (f.fix) lines.push(`    fix: ${f.fix}`);
  }
  lines.push(
    problems.length === 0
      ? 'No problems found.'
      : `${problems.length} problem${problems.length === 1 ? '' : 's'} found.`,
  );
  // a finding never wraps: long paths are cut in the middle to the terminal's width
  return { stdout: `${lines.map((l) => fitLine(l)).join('\n')}\n`, exitCode };
}
