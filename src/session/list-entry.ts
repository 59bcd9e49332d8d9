/**
 * A session as `grok sessions list --json` prints it. Pure.
 *
 * The index keeps each session's entry as text, written when the file is read (listEntryText),
 * so that `list --json` over thousands of sessions joins the entries it shows instead of building
 * and serialising each one; a test holds that output to the bytes of the one made from the files.
 */
import type { SessionSummary } from './summary.js';

export interface ListEntry {
  sessionId: string;
  file: string;
  name: string | null;
  tags: string[];
  startTime: string;
  endTime: string | null;
  model: string;
  messages: number;
  toolCalls: number;
  tokens: { input: number; output: number; total: number };
  workingDirectory: string;
}

/** A time as ISO 8601 in UTC to the millisecond; one that does not parse is left as written. */
export function isoTime(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : new Date(ms).toISOString();
}

/** The entry of a session (its summary with times in UTC to the millisecond) and its file name. */
export function listEntry(s: SessionSummary, file: string): ListEntry {
  return {
    sessionId: s.sessionId,
    file,
    name: s.name ?? null,
    tags: s.tags,
    startTime: isoTime(s.startTime),
    endTime: s.endTime === undefined ? null : isoTime(s.endTime),
    model: s.model,
    messages: s.messages,
    toolCalls: s.toolCalls,
    tokens: { input: s.tokens.input, output: s.tokens.output, total: s.tokens.total },
    workingDirectory: s.workingDirectory,
  };
}

/** Indentation of an entry in the output: an element of the `sessions` array, two levels down. */
const ENTRY_INDENT = '    ';

/** An entry as it stands in the output of `list --json` (`JSON.stringify(output, null, 2)`). */
export function listEntryText(entry: ListEntry): string {
  return ENTRY_INDENT + JSON.stringify(entry, null, 2).replaceAll('\n', `\n${ENTRY_INDENT}`);
}

/**
 * The whole output of `list --json` from entries already in their text form (UTF-8), joined by
 * ",\n" in the order shown: the bytes of `JSON.stringify({ sessions, skipped }, null, 2)` and a
 * newline, in three parts written one after another (joined, the entries would be copied again).
 */
export function listJsonParts(entries: Uint8Array, skipped: readonly unknown[]): Uint8Array[] {
  const skippedText = JSON.stringify(skipped, null, 2).replaceAll('\n', '\n  ');
  const tail = `,\n  "skipped": ${skippedText}\n}\n`;
  if (entries.length === 0) return [Buffer.from(`{\n  "sessions": []${tail}`)];
  return [Buffer.from('{\n  "sessions": [\n'), entries, Buffer.from(`\n  ]${tail}`)];
}
