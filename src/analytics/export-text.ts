/**
 * What a table export carries of the sessions' text. By default none: message content, tool-call
 * parameters and results stay out, and names and tags are redacted. `--with-text` adds the text,
 * redacted with the secret rules (src/secrets); `--no-redact` leaves it and the labels as they are.
 * The tables filled here (temp.export_*) are what the export queries join.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { redactSession, redactText, scanText } from '../secrets/scan.js';
import type { TextMode } from './pool-schema.js';
import { loadSql } from './sql-files.js';

export interface ExportTextCounts {
  /** Secrets replaced by [REDACTED:<kind>] in what is exported. */
  redacted: number;
}

/** Redacts a JSON text's strings (a tool call's parameters or result), keeping it JSON. */
function redactJsonText(text: string, counts: ExportTextCounts): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const matches = scanText(text);
    counts.redacted += matches.length;
    return matches.length === 0 ? text : redactText(text, matches);
  }
  const { raw, redacted } = redactSession({
    messages: [{ role: 'tool', content: null, toolCalls: [{ tool: '', parameters: value }] }],
  });
  if (redacted === 0) return text;
  counts.redacted += redacted;
  const message = (raw.messages as { toolCalls: { parameters: unknown }[] }[])[0];
  return JSON.stringify(message?.toolCalls[0]?.parameters);
}

function redactPlain(text: string, counts: ExportTextCounts): string {
  const matches = scanText(text);
  if (matches.length === 0) return text;
  counts.redacted += matches.length;
  return redactText(text, matches);
}

/** The rows of a query, chunk by chunk, of the type the caller declares (INTEGER, VARCHAR only). */
async function* batches<T>(conn: DuckDBConnection, sql: string): AsyncGenerator<T[]> {
  const result = await conn.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield chunk.getRowObjects(result.deduplicatedColumnNames()) as T[];
  }
}

interface LabelRow {
  sid: number;
  name: string | null;
  /** The tags as a JSON array, null for none. */
  tags: string | null;
}

interface MessageTextRow {
  sid: number;
  seq: number;
  content: string;
}

interface ToolCallTextRow {
  sid: number;
  seq: number;
  idx: number;
  parameters: string | null;
  result: string | null;
}

/**
 * Creates and fills temp.export_message_text, export_tool_call_text and export_labels for the
 * selected sessions (temp.selected), after their text is loaded when it is wanted.
 */
export async function prepareExportText(
  conn: DuckDBConnection,
  mode: TextMode,
): Promise<ExportTextCounts> {
  await conn.run(loadSql('internal/export-text-tables'));
  const counts: ExportTextCounts = { redacted: 0 };
  if (mode === 'raw') {
    await conn.run(
      'INSERT INTO temp.export_message_text SELECT sid, seq, content FROM message_text WHERE sid IN (SELECT sid FROM temp.selected_sids)',
    );
    await conn.run(
      'INSERT INTO temp.export_tool_call_text SELECT sid, seq, idx, parameters, result FROM tool_call_text WHERE sid IN (SELECT sid FROM temp.selected_sids)',
    );
    return counts;
  }
  // Names and tags are exported in every mode but raw: a token pasted as a name must not travel.
  const labels = await conn.createAppender('export_labels', 'main', 'temp');
  for await (const rows of batches<LabelRow>(
    conn,
    'SELECT sid, name, to_json(tags)::VARCHAR AS tags FROM temp.selected WHERE name IS NOT NULL OR len(tags) > 0',
  )) {
    for (const r of rows) {
      labels.appendInteger(r.sid);
      if (r.name === null) labels.appendNull();
      else labels.appendVarchar(redactPlain(r.name, counts));
      const tags = JSON.parse(r.tags ?? '[]') as unknown[];
      labels.appendVarchar(JSON.stringify(tags.map((t) => redactPlain(String(t), counts))));
      labels.endRow();
    }
  }
  labels.closeSync();
  if (mode === 'none') return counts;
  const messages = await conn.createAppender('export_message_text', 'main', 'temp');
  for await (const rows of batches<MessageTextRow>(
    conn,
    'SELECT sid, seq, content FROM message_text WHERE sid IN (SELECT sid FROM temp.selected_sids)',
  )) {
    for (const r of rows) {
      messages.appendInteger(r.sid);
      messages.appendInteger(r.seq);
      messages.appendVarchar(redactPlain(r.content, counts));
      messages.endRow();
    }
  }
  messages.closeSync();
  const calls = await conn.createAppender('export_tool_call_text', 'main', 'temp');
  for await (const rows of batches<ToolCallTextRow>(
    conn,
    'SELECT sid, seq, idx, parameters, result FROM tool_call_text WHERE sid IN (SELECT sid FROM temp.selected_sids)',
  )) {
    for (const r of rows) {
      calls.appendInteger(r.sid);
      calls.appendInteger(r.seq);
      calls.appendInteger(r.idx);
      for (const key of ['parameters', 'result'] as const) {
        const v = r[key];
        if (v === null) calls.appendNull();
        else calls.appendVarchar(redactJsonText(v, counts));
      }
      calls.endRow();
    }
  }
  calls.closeSync();
  return counts;
}
