/**
 * `grok sessions query`: read-only SQL over the index's live sessions (queries/internal/
 * query-views.sql). Writes are refused twice over: every statement must be a SELECT (checked by
 * DuckDB's own parser, not by a regex), and the on-disk index is opened read-only for the query.
 * Files can be read (a team's pooled exports: read_parquet), never written.
 */
import { openRefreshed, plainValue, type Row, textNotice } from '../analytics/analytics-run.js';
import { type IndexHandle, loadDuckDB, openReadOnlyIndex } from '../analytics/index-db.js';
import { csvText, type OutputColumn, tableText, withNotes } from '../analytics/output.js';
import { listNamedQueries, loadSql, type NamedQuery } from '../analytics/sql-files.js';
import { ensureText } from '../analytics/text.js';
import { UsageError, UserError } from '../errors.js';
import { plural, truncate } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import type { GlobalOptions } from './common.js';

export interface QueryOptions extends GlobalOptions {
  list?: boolean | undefined;
  /** A pool to query instead of the index (analytics/pool.ts). */
  from?: string | undefined;
  csv?: boolean | undefined;
}

export type QueryResult =
  | { kind: 'list'; queries: NamedQuery[] }
  | { kind: 'rows'; name: string | undefined; columns: string[]; rows: Row[]; notices: string[] };

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * SQL naming a table or view that holds session text: the text of every file is brought into
 * the index first (once). A false match (the word in a string) costs only that loading.
 */
const READS_TEXT = /\b(messages|tool_calls|message_text|tool_call_text)\b/i;

async function resolveSql(input: string): Promise<{ name: string | undefined; sql: string }> {
  if (NAME.test(input)) {
    const named = (await listNamedQueries()).find((q) => q.name === input);
    if (named) return { name: named.name, sql: named.sql };
    throw new UsageError(`no named query '${input}'`, 'see grok sessions query --list');
  }
  return { name: undefined, sql: input };
}

function notSelect(): UserError {
  return new UserError('query: only SELECT (and WITH ... SELECT) statements are allowed', {
    hint: 'the index is a read-only view of your sessions',
  });
}

/**
 * Refuses anything but one SELECT statement, using DuckDB's parser: writes first, then a second
 * statement (a query prints one table, and only one of several would be shown).
 */
async function onlySelect(conn: IndexHandle['conn'], sql: string): Promise<void> {
  // Parsed only, first: preparing a statement plans it, and planning EXPORT DATABASE already
  // makes its directory. json_serialize_sql serialises SELECTs alone.
  const parsed = JSON.parse(
    String(
      (
        await conn.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR)', { sql })
      ).getRows()[0]?.[0],
    ),
  ) as { error?: boolean; error_type?: string; error_message?: string };
  if (parsed.error && parsed.error_type === 'parser') {
    throw new UserError(`query: ${String(parsed.error_message).split('\n')[0]}`);
  }
  if (parsed.error) throw notSelect();
  const { StatementType } = loadDuckDB();
  let extracted: Awaited<ReturnType<typeof conn.extractStatements>>;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (error) {
    throw new UserError(`query: ${(error as Error).message.split('\n')[0]}`);
  }
  if (extracted.count === 0) throw new UsageError('query: no SQL statement given');
  for (let i = 0; i < extracted.count; i++) {
    let prepared: Awaited<ReturnType<typeof extracted.prepare>>;
    try {
      prepared = await extracted.prepare(i);
    } catch (error) {
      throw new UserError(`query: ${(error as Error).message.split('\n')[0]}`);
    }
    if (prepared.statementType !== StatementType.SELECT) throw notSelect();
  }
  if (extracted.count > 1) {
    throw new UsageError(
      `query: give one SELECT statement, not ${extracted.count}`,
      'a query prints one table; combine them with UNION ALL or run them one by one',
    );
  }
}

/** Sets the views a query sees over the index (queries/internal/query-views.sql). */
async function showLiveOnly(conn: IndexHandle['conn']): Promise<void> {
  const db = String((await conn.runAndReadAll('SELECT current_database()')).getRows()[0]?.[0]);
  await conn.run(
    loadSql('internal/query-views').replaceAll('{db}', `"${db.replaceAll('"', '""')}"`),
  );
}

export async function query(input: string | undefined, opts: QueryOptions): Promise<QueryResult> {
  if (opts.list) return { kind: 'list', queries: await listNamedQueries() };
  if (input === undefined || String(input).trim() === '') {
    throw new UsageError(
      'query: give a SELECT statement or a query name',
      'see grok sessions query --list',
    );
  }
  const { name, sql } = await resolveSql(String(input));
  if (opts.from !== undefined) return queryPool(name, sql, opts.from);
  const refreshed = await openRefreshed(opts);
  let handle = refreshed.handle;
  const notices = [...refreshed.notices];
  if (READS_TEXT.test(sql)) {
    try {
      const note = textNotice(await ensureText(handle.conn, 'all'));
      if (note) notices.push(note);
    } catch (error) {
      handle.close();
      throw error;
    }
  }
  if (handle.mode === 'file') {
    handle.close();
    try {
      handle = await openReadOnlyIndex(refreshed.home);
    } catch {
      // Another process took the file between the refresh and now: read the files directly.
      const again = await openRefreshed(opts);
      handle = again.handle;
      notices.push(...again.notices);
    }
  }
  try {
    await showLiveOnly(handle.conn);
    return await runSelect(handle.conn, name, sql, notices);
  } finally {
    handle.close();
  }
}

async function runSelect(
  conn: IndexHandle['conn'],
  name: string | undefined,
  sql: string,
  notices: string[],
): Promise<QueryResult> {
  await onlySelect(conn, sql);
  let reader: Awaited<ReturnType<typeof conn.runAndReadAll>>;
  try {
    reader = await conn.runAndReadAll(sql);
  } catch (error) {
    throw new UserError(`query: ${(error as Error).message.split('\n')[0]}`);
  }
  return {
    kind: 'rows',
    name,
    columns: reader.columnNames(),
    rows: reader.getRowObjectsJS().map((r) => plainValue(r) as Row),
    notices,
  };
}

/** A query over a pool: its tables, each session once, with a `machine` column. */
async function queryPool(
  name: string | undefined,
  sql: string,
  from: string,
): Promise<QueryResult> {
  const { openPool } = await import('../analytics/pool.js');
  const pool = await openPool(from);
  try {
    return await runSelect(pool.conn, name, sql, []);
  } finally {
    pool.close();
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderQuery(
  r: QueryResult,
  opts: { json?: boolean; csv?: boolean },
): CommandOutput {
  if (r.kind === 'list') {
    if (opts.json) return { stdout: jsonText(r.queries) };
    const columns: OutputColumn<NamedQuery>[] = [
      { header: 'NAME', csv: 'name', cell: (q) => q.name },
      { header: 'DESCRIPTION', csv: 'description', cell: (q) => q.description },
    ];
    return {
      stdout: opts.csv ? csvText(columns, r.queries) : `${tableText(columns, r.queries)}\n`,
    };
  }
  if (opts.json) return withNotes({ stdout: jsonText(r.rows) }, [], r.notices);
  const columns: OutputColumn<Row>[] = r.columns.map((c) => ({
    header: c,
    csv: c,
    cell: (row) => truncate(cellText(row[c]).replace(/\s+/g, ' '), 80),
    raw: (row) => row[c],
  }));
  if (opts.csv) return withNotes({ stdout: csvText(columns, r.rows) }, [], r.notices);
  const n = r.rows.length;
  return withNotes(
    { stdout: `${tableText(columns, r.rows)}\n\n${n} ${plural(n, 'row')}\n` },
    [],
    r.notices,
  );
}
