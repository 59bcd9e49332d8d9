/**
 * Answers already given, kept beside the index: when an analytics command is asked the same
 * question again and nothing it depends on has changed, its output is replayed without opening
 * DuckDB at all (opening it and asking costs more than the whole question).
 *
 * The key covers everything an answer depends on: the command and every option, the sessions
 * directory's fingerprint (each session file's name, size and mtime: the same signal the index
 * refreshes on), the lock files and whether their processes live (running versus crashed), the
 * archives when they are included, every file of a pool read with --from (name, size, mtime),
 * settings.json (prices), the grok version, and how the output
 * is drawn (colour, width). One answer is kept per command, in `$GROK_HOME/answers/`, 0600.
 * Anything unreadable there is a miss; a failed write is ignored: the cache can only be absent.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CommandOutput, outputParts } from '../render/output.js';
import { ensurePrivateDir, writeFileAtomic } from '../session/atomic-write.js';
import { liveLocks } from '../session/lock.js';
import { grokHome, readSessionsDir, settingsPath } from '../session/paths.js';
import { readRegularFileSync } from '../session/regular-file.js';
import { grokVersion } from '../version.js';
import { holdScan, nothingToIndex, releaseScan, type Scan, startScan } from './scan.js';
import { passing } from './transient.js';

/** Options that do not change the answer (how it was asked for). */
const IGNORED = new Set(['--', 'debug']);

function statKey(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? `${st.size}:${st.mtimeMs}` : 'absent';
}

/** Lock files and whether their owner lives: a session held open counts as running, else crashed. */
function locksKey(dir: string, locks: readonly string[]): string[] {
  const live = liveLocks(dir, locks);
  return locks.map((n) => `${n}:${live.get(join(dir, n)) ?? 'dead'}`);
}

function archivesKey(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.tar.gz'))
      .sort()
      .map((n) => `${n}:${statKey(join(dir, n))}`);
  } catch {
    return [];
  }
}

function answerKey(
  command: string,
  opts: Record<string, unknown>,
  scan: Scan,
  archives: string | undefined,
  pool: string[] | undefined,
): string {
  const { dir } = scan;
  const options = Object.entries(opts)
    .filter(([k, v]) => !IGNORED.has(k) && v !== undefined)
    // a relative --project names a directory from where the command runs
    .map(([k, v]): [string, unknown] => [
      k,
      k === 'project' || k === 'from' ? resolve(String(v)) : v,
    ])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const state = {
    version: grokVersion(),
    command,
    options,
    dir,
    files: scan.print,
    locks: locksKey(dir, scan.locks),
    archives: archives === undefined ? null : archivesKey(archives),
    // --from: every file of the pool, with its size and mtime
    pool: pool ?? null,
    settings: statKey(settingsPath()),
    output: [
      process.stdout.isTTY ?? false,
      process.env.NO_COLOR ?? '',
      process.env.FORCE_COLOR ?? '',
      process.env.COLUMNS ?? '',
      process.stdout.columns ?? '',
    ],
  };
  return createHash('sha256').update(JSON.stringify(state)).digest('hex');
}

function answerPath(command: string): string {
  return join(grokHome(), 'answers', `${command}.answer`);
}

/** What heads an answer file, on its first line; the output's stdout follows, as it was. */
interface AnswerHead {
  key: string;
  /** Bytes of stdout after the head's line; absent when the output had no stdout. */
  bytes?: number;
  stderr?: string;
  exitCode?: number;
}

/**
 * An answer file: a line of JSON, then stdout as is, so replaying `list --json` (megabytes)
 * costs a read instead of parsing its JSON a second time as a string.
 */
function answerFile(key: string, output: CommandOutput): Uint8Array[] {
  const { stdout, ...rest } = output;
  const body = outputParts(stdout).map((part) =>
    typeof part === 'string' ? Buffer.from(part) : part,
  );
  const head: AnswerHead = {
    key,
    ...rest,
    ...(stdout === undefined ? {} : { bytes: body.reduce((n, part) => n + part.length, 0) }),
  };
  return [Buffer.from(`${JSON.stringify(head)}\n`), ...body];
}

/** The output filed under `key`, or undefined: none, another key, or a file not whole. */
function readAnswer(command: string, key: string): CommandOutput | undefined {
  try {
    const file = readRegularFileSync(answerPath(command)).bytes;
    const nl = file.indexOf(10);
    if (nl < 0) return undefined;
    const head = JSON.parse(file.subarray(0, nl).toString()) as AnswerHead;
    if (head.key !== key) return undefined;
    const { key: _, bytes, ...rest } = head;
    if (bytes === undefined) return rest;
    // stdout is written out as the bytes it was filed as: no decoding and encoding of megabytes.
    return file.length - nl - 1 === bytes ? { stdout: file.subarray(nl + 1), ...rest } : undefined;
  } catch {
    return undefined; // no answer yet, or an unreadable one: compute
  }
}

/**
 * Whether the answer on file is likely out of date: there is none, or a file was added to or
 * removed from the sessions directory after it was written. A guess that only orders the work:
 * the key decides (a file changed in place leaves the directory's mtime alone).
 */
function likelyStale(command: string, dir: string): boolean {
  const answer = statSync(answerPath(command), { throwIfNoEntry: false });
  const sessions = statSync(dir, { throwIfNoEntry: false });
  return !answer || (sessions !== undefined && sessions.mtimeMs > answer.mtimeMs);
}

/**
 * For an answer that will be computed: loads the analytics modules (with the parser of new files)
 * and sets DuckDB opening the index, for the command to take (analytics-run.ts).
 */
async function warmUp(): Promise<void> {
  const [{ openAhead }] = await Promise.all([
    import('./analytics-run.js'),
    import('./parse-pool.js'),
  ]);
  openAhead(grokHome());
}

/** Closes what warmUp opened if the command did not take it. */
async function coolDown(): Promise<void> {
  const { closeAhead } = await import('./analytics-run.js');
  await closeAhead();
}

/**
 * The output of `produce`, or the same output given earlier for the same question over the same
 * files. `warm` when computing the answer needs DuckDB. Set GROK_NO_ANSWER_CACHE=1 to always
 * compute.
 */
export async function cachedAnswer(
  command: string,
  opts: Record<string, unknown>,
  produce: () => Promise<CommandOutput>,
  { warm = true } = {},
): Promise<CommandOutput> {
  const dir = readSessionsDir(opts as { sessionsDir?: string });
  if (process.env.GROK_NO_ANSWER_CACHE === '1') return produce();
  // nothing to answer from: computed (from no file, cheaply), never filed, no file left behind
  if (nothingToIndex(grokHome(), dir) && !opts.includeArchived) return produce();
  // The stat pass comes first: an answer on file waits for nothing else. When the answer is
  // likely to be computed, DuckDB is loaded and opens the index meanwhile.
  const scanning = startScan(dir);
  // An answer over a pool (--from) reads the pool, never the index.
  const warming =
    warm &&
    opts.from === undefined &&
    likelyStale(command, dir) &&
    // a summary answers without DuckDB (summary.ts)
    !(await import('./summary.js')).summaryMayAnswer(command, opts);
  if (warming) {
    // A failure here is met again, and reported, by the computation itself.
    await warmUp().catch(() => {});
  }
  let scan: Scan | undefined;
  let output: CommandOutput;
  let key: string;
  try {
    // The refresh of a computed answer takes this pass over; one not taken is let go after.
    scan = await scanning();
    holdScan(scan);
    const archives = opts.includeArchived
      ? await (await import('../maintenance/archives-dir.js')).archivesDirOrDefault()
      : undefined;
    const pool =
      opts.from === undefined
        ? undefined
        : await import('./pool.js').then((p) =>
            p.poolFilesKey(p.listPoolFiles(p.poolRoot(opts.from)), p.poolRoot(opts.from)),
          );
    key = answerKey(command, opts, scan, archives, pool);
    const saved = readAnswer(command, key);
    if (saved) return saved;
    // The key was taken before the command read the files: if one changes meanwhile, the answer
    // is filed under a state that is already gone and is never served.
    output = await produce();
  } finally {
    if (scan) releaseScan(scan);
    if (warming) await coolDown().catch(() => {});
  }
  // An answer given with a note of a passing state (the index in use elsewhere) is not filed.
  if (passing.met) return output;
  try {
    await ensurePrivateDir(join(grokHome(), 'answers'));
    await writeFileAtomic(answerPath(command), answerFile(key, output));
    // The whole-JSON answer file of earlier versions, never read again.
    await rm(join(grokHome(), 'answers', `${command}.json`), { force: true });
  } catch {
    // a cache that cannot be written is a cache that is absent
  }
  return output;
}
