/**
 * `grok sessions browse` (and `grok sessions`, `grok --resume`, `grok sessions resume` without a
 * ref, on a terminal): the full-screen session browser. Its rows come from the index; what it does
 * to a session goes through the functions the rename, tag, delete, archive, export and search
 * commands run (src/maintenance, src/transcript), with their checks, never through another grok
 * process.
 */
import { join } from 'node:path';
import { type AnalyticsContext, withAnalytics } from '../analytics/analytics-run.js';
import { computeCosts, tableInForce } from '../analytics/costs.js';
import type { PriceTable } from '../analytics/pricing.js';
import { jsonArray, loadSql } from '../analytics/sql-files.js';
import type { BrowseRow, Hit } from '../browse/model.js';
import type { BrowseOutcome, BrowseSource, FirstRows, LoadedRows } from '../browse/source.js';
import { UsageError } from '../errors.js';
import type { ArchiveResult } from '../maintenance/archive-sessions.js';
import { useColor } from '../render/color.js';
import { plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { sessionsDir } from '../session/paths.js';
import type { GlobalOptions } from './common.js';

export interface BrowseCommandOptions extends GlobalOptions {
  model?: string | undefined;
}

/** Whether a full-screen program can run here: a terminal on both ends. */
export function onTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** The status line's notes of an index run: why it was not used, files it could not read. */
function notesOf(ctx: AnalyticsContext): string[] {
  const n = ctx.skipped.length;
  const notes = [...ctx.notices];
  if (n > 0) notes.push(`${n} ${plural(n, 'file')} could not be read; see grok sessions doctor`);
  return notes;
}

/** The selected sessions' rows, newest first, with their costs. */
async function rowsOf(ctx: AnalyticsContext, table: PriceTable): Promise<BrowseRow[]> {
  await computeCosts(ctx, table);
  return jsonArray<BrowseRow>(ctx.conn, 'internal/browse-sessions');
}

/** The sessions, as the browser lists them, from the index. */
export async function browseRows(
  opts: GlobalOptions & { archived?: boolean | undefined },
): Promise<LoadedRows> {
  const { table } = await tableInForce();
  return withAnalytics(
    { sessionsDir: opts.sessionsDir, includeArchived: Boolean(opts.archived) },
    async (ctx) => ({ rows: await rowsOf(ctx, table), notes: notesOf(ctx) }),
  );
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/**
 * The browser's first rows, in two steps over one opening of the index: the newest `limit` live
 * sessions (of the current directory, with `cwdOnly`, when it has any) with the counts of the
 * list, for the first screen; then every row, read only when `rest` is asked for (once that
 * screen is drawn), never if `close` comes first. Reading and costing all 10,000 rows of a large
 * history took most of the first screen's time. `close` waits until the index is closed.
 */
export function firstRows(
  opts: GlobalOptions,
  { cwd, cwdOnly, limit }: { cwd: string; cwdOnly: boolean; limit: number },
): { first: Promise<FirstRows>; close: () => Promise<void> } {
  const first = deferred<FirstRows>();
  const whole = deferred<LoadedRows>();
  const asked = deferred<boolean>();
  const done = (async () => {
    const { table } = await tableInForce();
    await withAnalytics({ sessionsDir: opts.sessionsDir }, async (ctx) => {
      const notes = notesOf(ctx);
      const counts = (
        await ctx.rows<{ total: number; here: number }>('internal/browse-counts', { cwd })
      )[0];
      const total = counts?.total ?? 0;
      const here = counts?.here ?? 0;
      const scope = cwdOnly && here > 0 ? cwd : null;
      if ((scope === null ? total : here) <= limit) {
        first.resolve({ rows: await rowsOf(ctx, table), notes });
        return;
      }
      await ctx.conn.run(loadSql('internal/browse-keep-selection'));
      await ctx.conn.run(loadSql('internal/browse-newest-sids'), { dir: scope, limit });
      const newest = await rowsOf(ctx, table);
      first.resolve({
        rows: newest,
        notes,
        partial: {
          total,
          here,
          rest: () => {
            asked.resolve(true);
            return whole.promise;
          },
        },
      });
      if (!(await asked.promise)) return;
      await ctx.conn.run(loadSql('internal/browse-whole-selection'));
      whole.resolve({ rows: await rowsOf(ctx, table), notes });
    });
  })();
  done.catch((error: unknown) => {
    first.reject(error);
    whole.reject(error);
  });
  // a rest never asked for is never awaited
  whole.promise.catch(() => {});
  return {
    first: first.promise,
    close: async () => {
      asked.resolve(false);
      await done.catch(() => {});
    },
  };
}

/** The status line after a delete or an archive of one session: what failed throws. */
function outcomeOf(failed: readonly { file: string; reason: string }[], done: string): string {
  if (failed.length > 0) throw new Error(failed.map((f) => `${f.file}: ${f.reason}`).join('; '));
  return done;
}

function archivedLine(r: ArchiveResult): string {
  const n = r.archives.reduce((sum, a) => sum + a.added.length, 0);
  const into = r.archives.map((a) => a.path).join(', ');
  return outcomeOf(r.failed, `${n} ${plural(n, 'session')} archived into ${into}`);
}

/**
 * What the browser reads and changes. Each action runs the function its command runs (rename,
 * tag, delete, archive, export, search), loaded when first used: the first screen pays for none.
 */
export function browseSource(opts: GlobalOptions): BrowseSource {
  const dir = sessionsDir(opts);
  const common = { sessionsDir: opts.sessionsDir };
  const ref = (row: BrowseRow) => row.file.replace(/\.json$/, '');
  return {
    cwd: process.cwd(),
    load: ({ archived }) => browseRows({ ...common, archived }),
    read: async (row) => {
      const { readSessionFile } = await import('../session/read.js');
      const r = await readSessionFile(join(dir, row.file));
      if (!r.ok) throw new Error(`${row.file} could not be read: ${r.reason}`);
      return r.session;
    },
    search: async (text, { archived }) => {
      const { search } = await import('./search.js');
      const result = await search(text, { ...common, includeArchived: archived, n: 10_000 });
      const byFile = new Map<string, Hit[]>();
      for (const hit of result.hits) {
        const list = byFile.get(hit.file) ?? [];
        list.push({
          where: `[${hit.message}] ${hit.tool ? `tool ${hit.tool}` : hit.role}`,
          text: hit.snippet.text,
          start: hit.snippet.start,
          end: hit.snippet.end,
        });
        byFile.set(hit.file, list);
      }
      return byFile;
    },
    rename: async (row, name) => {
      const { rename } = await import('../maintenance/name-and-tags.js');
      const renamed = await rename(ref(row), name, common);
      return `${renamed.file} is now named '${renamed.session.name}'`;
    },
    tag: async (row, tags) => {
      const { tag } = await import('../maintenance/name-and-tags.js');
      const tagged = await tag(ref(row), tags, common);
      return `${tagged.file} tags: ${(tagged.session.tags ?? []).join(', ') || '(none)'}`;
    },
    // the browser has asked already: yes
    remove: async (row) => {
      const { deleteSessions } = await import('../maintenance/delete.js');
      const r = await deleteSessions([ref(row)], { ...common, yes: true });
      return outcomeOf(r.failed, `deleted ${r.deleted.join(', ')}`);
    },
    archive: async (row) => {
      const { archive } = await import('../maintenance/archive-sessions.js');
      return archivedLine(await archive([ref(row)], { ...common, yes: true }));
    },
    exportMarkdown: async (row) => {
      const { exportSession } = await import('../transcript/export.js');
      const r = await exportSession(ref(row), { ...common, format: 'md', out: process.cwd() });
      const redacted = r.redactions > 0 ? ` (${r.redactions} secret(s) redacted)` : '';
      return `wrote ${r.out}${redacted}`;
    },
  };
}

/**
 * Runs the browser until the user leaves it. `cwdOnly`: start with the current directory's
 * sessions (grok --resume). The first rows and the screen's module load side by side.
 */
export async function pickSession(
  opts: GlobalOptions,
  { cwdOnly }: { cwdOnly: boolean },
): Promise<BrowseOutcome> {
  const source = browseSource(opts);
  // the index first: its stat pass and DuckDB's open run off this thread while the screen's
  // module is compiled on it. The first screen shows fewer rows than the window has lines.
  const rows = firstRows(opts, {
    cwd: source.cwd,
    cwdOnly,
    limit: Math.max(24, process.stdout.rows || 0),
  });
  try {
    const [initial, { runBrowser }] = await Promise.all([
      rows.first,
      import('../browse/load.js').then((m) => m.loadBrowserApp()),
    ]);
    return await runBrowser(source, { cwdOnly, colour: useColor() }, initial);
  } finally {
    await rows.close();
  }
}

/** The exit code of a browser left by a signal, as a shell reports one: 128 + its number. */
function signalExit(outcome: BrowseOutcome): CommandOutput {
  if (outcome.kind !== 'interrupted') return {};
  return { exitCode: outcome.signal === 'SIGINT' ? 130 : 143 };
}

/** `grok sessions browse`: Enter resumes the highlighted session here. */
export async function browse(opts: BrowseCommandOptions): Promise<CommandOutput> {
  if (!onTerminal()) {
    throw new UsageError('browse needs a terminal', 'use grok sessions list');
  }
  return resumeChosen(await pickSession(opts, { cwdOnly: false }), opts);
}

/** Resumes the session the browser ended on, if it ended on one. */
export async function resumeChosen(
  outcome: BrowseOutcome,
  opts: BrowseCommandOptions,
  first?: string,
): Promise<CommandOutput> {
  if (outcome.kind !== 'resume') return signalExit(outcome);
  const { resumeInteractive } = await import('./interactive.js');
  return resumeInteractive(outcome.row.file.replace(/\.json$/, ''), opts, first);
}
