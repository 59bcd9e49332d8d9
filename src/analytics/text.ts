/**
 * The text of sessions, indexed on first use. Message content and tool-call parameters and
 * results are most of a session's bytes and only `search`, `export` and `query` read them, so a
 * refresh indexes everything else and these commands bring in the text of the files they need,
 * once: `text_loaded` records which files have theirs. A file changed since it was indexed is left
 * without text; the next refresh re-reads it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { progress } from '../render/progress.js';
import type { IndexedFile } from './parse-files.js';
import { jsonArray } from './sql-files.js';
import { inTransaction } from './transaction.js';
import { appendText, closeTextAppenders, openTextAppenders } from './write-rows.js';

export interface TextLoad {
  /** Files whose text was read now. */
  read: number;
  /** Files that changed since they were indexed, left without text until the next refresh. */
  changed: number;
}

/** Text is most of the bytes: smaller commits keep a first load over thousands of files under 1 GB. */
const COMMIT_EVERY = 500;

/**
 * Brings in the text of the live files `wanted` that lack it: the sessions the command selected
 * (`temp.selected`), or every file (for `query`). Archived sessions have theirs already.
 */
export async function ensureText(
  conn: DuckDBConnection,
  wanted: 'selected' | 'all',
): Promise<TextLoad> {
  await conn.run(
    wanted === 'selected'
      ? 'CREATE OR REPLACE TEMP VIEW wanted AS SELECT sid FROM temp.selected'
      : 'CREATE OR REPLACE TEMP VIEW wanted AS SELECT sid FROM files',
  );
  const files = await jsonArray<IndexedFile>(conn, 'internal/text-missing');
  const load: TextLoad = { read: 0, changed: 0 };
  if (files.length === 0) return load;
  const { readTexts } = await import('./parse-pool.js');
  const shown = progress('reading the text of session files:', files.length);
  try {
    await inTransaction(conn, async (tx) => {
      let t = await openTextAppenders(conn);
      let i = 0;
      let sinceCommit = 0;
      for await (const chunk of readTexts(files)) {
        for (const text of chunk) {
          const file = files[i++] as IndexedFile;
          if (text === undefined) load.changed++;
          else {
            appendText(t, file.sid, text);
            load.read++;
          }
        }
        shown.update(i);
        sinceCommit += chunk.length;
        if (sinceCommit >= COMMIT_EVERY) {
          closeTextAppenders(t);
          await tx.checkpoint();
          t = await openTextAppenders(conn);
          sinceCommit = 0;
        }
      }
      closeTextAppenders(t);
    });
  } finally {
    shown.end();
  }
  return load;
}
