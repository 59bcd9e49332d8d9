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
 * Reads the files of `manifest` in `dir` through the parse workers with `read`, handing each
 * batch to `take` (which says how many sessions it held), showing progress; the files that are
 * not sessions, as skipped-files.sql orders them.
 */
async function throughWorkers<B extends { skipped: SkippedFile[] }>(
  dir: string,
  manifest: string,
  read: (files: FileToIndex[]) => AsyncGenerator<B>,
  take: (batch: B) => number,
): Promise<SkippedFile[]> {
  const files = manifestFiles(dir, manifest).map((f): FileToIndex => ({ source: 'live', ...f }));
  const shown = progress('reading session files:', files.length);
  const skipped: SkippedFile[] = [];
  let done = 0;
  try {
    for await (const batch of read(files)) {
      done += take(batch) + batch.skipped.length;
      skipped.push(...batch.skipped);
      shown.update(done);
    }
  } finally {
    shown.end();
  }
  return skipped.sort((a, b) => compareBinary(a.file, b.file));
}

/**
 * The sessions of the files of `manifest` in `dir`, priced by `prices`, and the files that are
 * not sessions.
 */
export async function summaryOfFiles(
  dir: string,
  manifest: string,
  prices: readonly PriceRow[],
): Promise<{ sessions: SummaryColumns; skipped: SkippedFile[] }> {
  const sessions = columnsBuilder();
  const skipped = await throughWorkers(
    dir,
    manifest,
    (files) => summarizeInWorkers(files, [...prices]),
    (batch) => {
      sessions.add(batch.rows);
      return batch.rows.length;
    },
  );
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
  const rows: ListedRow[] = [];
  const skipped = await throughWorkers(dir, manifest, listInWorkers, (batch) => {
    for (const row of batch.rows) rows.push(row);
    return batch.rows.length;
  });
  rows.sort((a, b) => b.startMs - a.startMs || compareBinary(b.file, a.file));
  return { rows, skipped };
}
