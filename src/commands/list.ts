import {
  type ListedSession,
  type ListFilterOptions,
  type ListResult,
  parseListFilter,
  sortKey,
  sortSessions,
} from '../analytics/list-filter.js';
import { csvText, notesText, type OutputColumn, withNotes } from '../analytics/output.js';
import { holdsSessionFiles, prepareScan } from '../analytics/scan.js';
import {
  formatDateTime,
  formatDuration,
  formatInt,
  formatTokens,
  plural,
  truncate,
} from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { renderTable } from '../render/table.js';
import { discoverSessionFiles } from '../session/discover.js';
import { matchesFilter } from '../session/filter.js';
import { isoTime, listEntry } from '../session/list-entry.js';
import { namedOutside, noSessionsText, readSessionsDir, sessionsDir } from '../session/paths.js';
import { summarize } from '../session/summary.js';
import { listIndexThreshold } from '../test-hooks.js';
import { parsePositiveInt } from '../time.js';
import { type GlobalOptions, jsonOutput } from './common.js';

export interface ListOptions extends GlobalOptions, ListFilterOptions {
  csv?: boolean;
}

/**
 * From this many session files on, list is served by the analytics index: reading every file
 * costs more than starting DuckDB. Below it, the files are read directly (no index is made).
 */
export const INDEX_THRESHOLD = 300;

/**
 * Whether list is served by the index: from INDEX_THRESHOLD session files on, counted by name
 * (cheap). Served by it, the index's stat pass is set going at once; stat-ing the files is what
 * either path does once.
 */
function servedByIndex(dir: string): boolean {
  const threshold = listIndexThreshold(INDEX_THRESHOLD);
  if (!holdsSessionFiles(dir, threshold)) return false;
  prepareScan(dir);
  return true;
}

/** list read from the session files themselves (a small directory). */
export async function listFromFiles(opts: ListOptions): Promise<ListResult> {
  const filter = parseListFilter(opts);
  const key = sortKey(opts.sort);
  const limit = opts.limit === undefined ? undefined : parsePositiveInt(opts.limit, '--limit');
  const dir = readSessionsDir(opts);
  // Loaded here only: reading files brings in the schema (zod), ~100 ms the index path never needs.
  const { loadEntries } = await import('../session/store.js');
  const loaded = await loadEntries((await discoverSessionFiles(dir)).files);
  const all = loaded.sessions
    .map((s) => {
      const summary = summarize(s.session);
      // Times as the index gives them (listFromIndex): UTC, to the millisecond.
      return {
        ...summary,
        startTime: isoTime(summary.startTime),
        endTime: summary.endTime === undefined ? undefined : isoTime(summary.endTime),
        file: s.file,
      };
    })
    .filter((s) => matchesFilter(s, filter));
  const sorted = sortSessions(all, key);
  return {
    dir,
    sessions: limit === undefined ? sorted : sorted.slice(0, limit),
    matched: sorted.length,
    // a file whose name dates it outside --since/--until/--month is not this list's business
    skipped: loaded.skipped.filter(
      (f) =>
        !namedOutside(f.file, filter.since?.getTime() ?? null, filter.until?.getTime() ?? null),
    ),
  };
}

/**
 * What `grok sessions list` prints. Served by the index, `--json` joins the entries the index
 * keeps as text (session/list-entry.ts): no session is made into an object and back.
 */
export async function listOutput(opts: ListOptions): Promise<CommandOutput> {
  const filtered = [
    opts.since,
    opts.until,
    opts.month,
    opts.model,
    opts.tag,
    opts.project,
    opts.over,
  ].some((v) => v !== undefined);
  const show = (result: ListResult) =>
    opts.csv ? listCsv(result) : renderList(result, { filtered });
  if (!servedByIndex(sessionsDir(opts))) {
    const result = await listFromFiles(opts);
    return opts.json ? jsonOutput(listJson(result)) : show(result);
  }
  const index = await import('../analytics/list-from-index.js');
  if (!opts.json) return show(await index.listFromIndex(opts));
  const { stdout, notices } = await index.listJsonFromIndex(opts);
  return { stdout, stderr: notesText([], notices) };
}

const CSV_COLUMNS: OutputColumn<ListedSession>[] = [
  { header: 'ID', csv: 'id', cell: (s) => s.file.replace(/\.json$/, '') },
  { header: 'NAME', csv: 'name', cell: (s) => s.name ?? '' },
  { header: 'START', csv: 'start_time', cell: (s) => s.startTime },
  { header: 'END', csv: 'end_time', cell: (s) => s.endTime ?? '' },
  { header: 'DURATION', csv: 'duration_ms', cell: (s) => s.durationMs ?? '' },
  { header: 'MODEL', csv: 'model', cell: (s) => s.model },
  { header: 'MSGS', csv: 'messages', cell: (s) => s.messages },
  { header: 'INPUT', csv: 'input_tokens', cell: (s) => s.tokens.input },
  { header: 'OUTPUT', csv: 'output_tokens', cell: (s) => s.tokens.output },
  { header: 'TOKENS', csv: 'total_tokens', cell: (s) => s.tokens.total },
  { header: 'TOOLS', csv: 'tool_calls', cell: (s) => s.toolCalls },
  { header: 'DIRECTORY', csv: 'working_directory', cell: (s) => s.workingDirectory },
  { header: 'TAGS', csv: 'tags', cell: (s) => s.tags.join(' ') },
];

/** The sessions listed as CSV, every number whole (no k, no m); files not read on stderr. */
export function listCsv(result: ListResult): CommandOutput {
  return withNotes(
    { stdout: csvText(CSV_COLUMNS, result.sessions) },
    result.skipped,
    result.notices ?? [],
  );
}

export function listJson(result: ListResult): unknown {
  return {
    sessions: result.sessions.map((s) => listEntry(s, s.file)),
    skipped: result.skipped,
  };
}

/** The table; `filtered`: the options chose among the sessions (an empty list says so). */
export function renderList(result: ListResult, { filtered = false } = {}): CommandOutput {
  if (result.sessions.length === 0) {
    return {
      stdout: filtered
        ? `No sessions in ${result.dir} match these filters\n`
        : `${noSessionsText(result.dir)}\n`,
      stderr: notesText(result.skipped, result.notices ?? []),
    };
  }
  const table = renderTable(
    [
      { header: 'ID', priority: 9 },
      { header: 'NAME', priority: 6, minWidth: 10 },
      { header: 'START (UTC)', priority: 8 },
      { header: 'DURATION', align: 'right', priority: 3 },
      { header: 'MODEL', priority: 7, minWidth: 11 },
      { header: 'MSGS', align: 'right', priority: 2 },
      { header: 'TOKENS', align: 'right', priority: 8 },
      { header: 'TOOLS', align: 'right', priority: 1 },
      { header: 'DIRECTORY', priority: 4, minWidth: 16, cut: 'middle' },
    ],
    result.sessions.map((s) => [
      s.file.replace(/\.json$/, ''),
      truncate(s.name ?? '', 24),
      formatDateTime(s.startTime),
      formatDuration(s.durationMs),
      s.model,
      formatInt(s.messages),
      formatTokens(s.tokens.total),
      formatInt(s.toolCalls),
      truncate(s.workingDirectory, 40),
    ]),
  );
  const lines = [table];
  const shown = result.sessions.length;
  lines.push('');
  lines.push(
    shown < result.matched
      ? `${shown} of ${result.matched} sessions (use --limit to see more)`
      : `${shown} ${plural(shown, 'session')}`,
  );
  return {
    stdout: `${lines.join('\n')}\n`,
    stderr: notesText(result.skipped, result.notices ?? []),
  };
}
