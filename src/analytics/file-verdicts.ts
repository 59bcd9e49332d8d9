/**
 * What the index recorded of each live session file when it read it: enough for `doctor` to
 * answer for a file unchanged since (same size and mtime) without reading it again.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { jsonArray } from './sql-files.js';

export interface FileVerdict {
  path: string;
  size: number;
  mtimeMs: number;
  /** Read as a session (false: skipped, with a reason). */
  ok: boolean;
  /** Its status is `active`: crashed unless a running grok holds its lock. */
  active: boolean;
  /** Only for an active session (the id a `--resume` fix names). */
  sessionId: string | null;
}

/** The index's verdicts on the live files it holds, by path. */
export async function fileVerdicts(conn: DuckDBConnection): Promise<Map<string, FileVerdict>> {
  const rows = await jsonArray<FileVerdict>(conn, 'internal/file-verdicts');
  return new Map(rows.map((r) => [r.path, r]));
}
