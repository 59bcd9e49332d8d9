/**
 * What the session browser's screen (src/browse/app.ts) is given: the sessions and what can be
 * done to them. src/commands/browse.ts makes it from the index and from the functions the
 * rename, tag, delete, archive, export and search commands run, so the browser changes files
 * exactly as they do.
 */
import type { Session } from '../session/schema.js';
import type { BrowseRow, Hit } from './model.js';

export interface LoadedRows {
  rows: BrowseRow[];
  /** Notes for the status line (files that could not be read, the index in use elsewhere). */
  notes: string[];
}

/**
 * The rows the browser opens with. At first only the newest sessions of its first list are read
 * (the first screen is drawn from them), and `partial` says how many there are in all and how to
 * read them all: keys wait until they are in.
 */
export interface FirstRows extends LoadedRows {
  partial?: {
    /** The sessions of the list, and those of them recorded in the current directory. */
    total: number;
    here: number;
    /** Every row; asked for once the first screen is drawn. */
    rest: () => Promise<LoadedRows>;
  };
}

export interface BrowseSource {
  /** The current directory, as sessions record it. */
  cwd: string;
  load: (opts: { archived: boolean }) => Promise<LoadedRows>;
  /** A live session's file, read for the preview and the conversation view. */
  read: (row: BrowseRow) => Promise<Session>;
  /** Full-text search over every message and tool call: the hits of each session, by file. */
  search: (text: string, opts: { archived: boolean }) => Promise<Map<string, Hit[]>>;
  /** Each action returns the line the status bar shows; a refusal throws (a UserError). */
  rename: (row: BrowseRow, name: string) => Promise<string>;
  tag: (row: BrowseRow, tags: string[]) => Promise<string>;
  remove: (row: BrowseRow) => Promise<string>;
  archive: (row: BrowseRow) => Promise<string>;
  exportMarkdown: (row: BrowseRow) => Promise<string>;
}

export interface BrowseOptions {
  /** Start with only the current directory's sessions (grok --resume). */
  cwdOnly: boolean;
  /** What Enter does, for the footer: resume the session. */
  colour: boolean;
}

export type BrowseOutcome =
  | { kind: 'resume'; row: BrowseRow }
  | { kind: 'quit' }
  | { kind: 'interrupted'; signal: 'SIGINT' | 'SIGTERM' };
