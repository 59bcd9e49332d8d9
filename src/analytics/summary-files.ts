/**
 * The summaries of a sessions directory made from its files, with no index: what a `stats`,
 * `cost` or `list` reads when there is no index yet (a first command, a lost index). Appending
 * the rows of every session to DuckDB and committing them cost some 40% of such a command, for
 * questions the summaries answer alone; the index is built by the first command that needs it.
 *
 * The files are parsed on all cores as a first build parses them (parse-pool.ts), in the order
 * such a build gives them their sids (by name: scan.ts, manifestFiles), and each session is
 * priced as the index prices it (summary-rows.ts), so the columns are those a summary written
 * from the index after that build holds, in the order of its cost rows (cost-rows-keep.sql
 * keeps them in sid order).
 */

import { progress } from '../render/progress.js';
import type { SkippedFile } from '../session/store.js';
import type { FileToIndex } from './parse-files.js';
import { listInWorkers, summarizeInWorkers } from './parse-pool.js';
import type { PriceRow } from './pricing.js';
import { manifestFiles } from './scan.js';
import { columnsBuilder, compareBinary, type SummaryColumns } from './summary-answers.js';
import type { ListedRow } from './summary-rows.js';

/**
 * The sessions of the files of `manifest` in `dir`, priced by `prices`, and the files that are
 * not sessions.
 */
export async function summaryOfFiles(
  dir: string,
  manifest: string,
  prices: readonly PriceRow[],
): Promise<{ sessions: SummaryColumns; skipped: SkippedFile[] }> {
  const files = manifestFiles(dir, manifest).map((f): FileToIndex => ({ source: 'live', ...f }));
  const total = files.length;
  const shown = progress('reading session files:', total);
  const sessions = columnsBuilder();
  const skipped: SkippedFile[] = [];
  let read = 0;
  try {
    for await (const done of summarizeInWorkers(files, [...prices])) {
      sessions.add(done.rows);
      skipped.push(...done.skipped);
      read += done.rows.length + done.skipped.length;
      shown.update(read);
    }
  } finally {
    shown.end();
  }
  // as skipped-files.sql orders them
  skipped.sort((a, b) => compareBinary(a.file, b.file));
  return { sessions: sessions.done(), skipped };
}

/**
 * The list entries of the files of `manifest` in `dir`, in the order list shows them by default
 * (summary-list.sql: newest first, then by file, descending), and the files that are not
 * sessions: what the list summary holds (summary.ts: ListSummary).
 */
export async function listOfFiles(
  dir: string,
  manifest: string,
): Promise<{ rows: ListedRow[]; skipped: SkippedFile[] }> {
  const files = manifestFiles(dir, manifest).map((f): FileToIndex => ({ source: 'live', ...f }));
  const shown = progress('reading session files:', files.length);
  const rows: ListedRow[] = [];
  const skipped: SkippedFile[] = [];
  try {
    for await (const done of listInWorkers(files)) {
      for (const row of done.rows) rows.push(row);
      skipped.push(...done.skipped);
      shown.update(rows.length + skipped.length);
    }
  } finally {
    shown.end();
  }
  rows.sort((a, b) => b.startMs - a.startMs || compareBinary(b.file, a.file));
  skipped.sort((a, b) => compareBinary(a.file, b.file));
  return { rows, skipped };
}
