/**
 * The text of sessions, indexed on first use. Message content and tool-call parameters and
 * results are most of a session's bytes and only `search`, `export` and `query` read them, so a
 * refresh indexes everything else and these commands bring in the text of the files they need,
 * once: `text_loaded` records which files have theirs. A file changed since it was indexed is left
 * without text; the next refresh re-reads it.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { TextToRead } from './parse-files.js';
import type { SessionText } from './session-rows.js';
import { loadSql } from './sql-files.js';

export interface TextAppenders {
  messages: DuckDBAppender;
  toolCalls: DuckDBAppender;
  loaded: DuckDBAppender;
}

export async function openTextAppenders(conn: DuckDBConnection): Promise<TextAppenders> {
  return {
    messages: await conn.createAppender('message_text'),
    toolCalls: await conn.createAppender('tool_call_text'),
    loaded: await conn.createAppender('text_loaded'),
  };
}

export function closeTextAppenders(t: TextAppenders): void {
  for (const ap of [t.messages, t.toolCalls, t.loaded]) ap.closeSync();
}

export function appendText(t: TextAppenders, sid: number, text: SessionText): void {
  for (const m of text.messages) {
    t.messages.appendInteger(sid);
    t.messages.appendInteger(m.seq);
    t.messages.appendVarchar(m.content);
    t.messages.endRow();
  }
  for (const c of text.toolCalls) {
    const ap = t.toolCalls;
    ap.appendInteger(sid);
    ap.appendInteger(c.seq);
    ap.appendInteger(c.idx);
    if (c.parameters === null) ap.appendNull();
    else ap.appendVarchar(c.parameters);
    if (c.result === null) ap.appendNull();
    else ap.appendVarchar(c.result);
    ap.endRow();
  }
  t.loaded.appendInteger(sid);
  t.loaded.endRow();
}

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
  const r = await conn.runAndReadAll(loadSql('internal/text-missing'));
  const files = JSON.parse(String(r.getRowObjectsJS()[0]?.files ?? '[]')) as TextToRead[];
  const load: TextLoad = { read: 0, changed: 0 };
  if (files.length === 0) return load;
  const { readTexts } = await import('./parse-pool.js');
  await conn.run('BEGIN TRANSACTION');
  try {
    let t = await openTextAppenders(conn);
    let i = 0;
    let sinceCommit = 0;
    for await (const chunk of readTexts(files)) {
      for (const text of chunk) {
        const file = files[i++] as TextToRead;
        if (text === undefined) load.changed++;
        else {
          appendText(t, file.sid, text);
          load.read++;
        }
      }
      sinceCommit += chunk.length;
      if (sinceCommit >= COMMIT_EVERY) {
        closeTextAppenders(t);
        await conn.run('COMMIT');
        await conn.run('BEGIN TRANSACTION');
        t = await openTextAppenders(conn);
        sinceCommit = 0;
      }
    }
    closeTextAppenders(t);
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => {});
    throw error;
  }
  return load;
}
