/**
 * Turning session files into index rows: read (without following a symlink), JSON.parse and the
 * schema check, then rows. Used inline and by the parse workers. A build reads everything but the
 * text; the text (message content, tool-call parameters and results) is read on first use.
 */
import { describeFsError } from '../errors.js';
import { parseSessionJson } from '../session/parse.js';
import { readIndexFields } from '../session/read-fields.js';
import { readRegularIntoSync, readRegularTextSync } from '../session/regular-file.js';
import type { Session } from '../session/schema.js';
import { LeanCutter } from './lean-json.js';
import {
  type ApiCallColumns,
  type MessageColumns,
  RowColumns,
  type SessionRow,
  type SessionText,
  sessionText,
  type ToolCallColumns,
} from './session-rows.js';

export interface FileToIndex {
  source: 'live' | 'archive';
  /** live: the session file; archive: the archive file. */
  path: string;
  name: string;
  size: number;
  mtimeMs: number;
}

export interface ParsedFile extends FileToIndex {
  status: 'ok' | 'bad';
  reason: string | null;
  session: SessionRow | undefined;
  /** Only when asked for (archives are read whole, once, so their text comes with the rows). */
  text?: SessionText | undefined;
}

/** Files parsed together, with the message and tool-call rows of all of them. */
export interface ParsedBatch {
  files: ParsedFile[];
  messages: MessageColumns;
  toolCalls: ToolCallColumns;
  apiCalls: ApiCallColumns;
}

/** A file's text as read, or why it could not be read. */
export interface FileText {
  file: FileToIndex;
  text: string | undefined;
  error?: string | undefined;
  /**
   * Where `text` is the file's text with the strings a summary does not read cut out
   * (lean-json.ts): its whole text, while the next file is not read yet.
   */
  whole?: (() => string) | undefined;
}

/**
 * Parses files into one batch; `buffers` are the typed arrays to transfer with it. `fastPath`
 * sends files (rows only, no text) through read-fields.ts first, the full parse taking those it
 * does not understand; it is off: measured here, it costs more than JSON.parse and the check
 * (bench/split.mjs), and test/analytics/fast-path.test.ts holds it to the full parse's rows.
 */
export async function parseBatch(
  items: Iterable<FileText>,
  { withText = false, fastPath = false } = {},
): Promise<{ batch: ParsedBatch; buffers: ArrayBuffer[] }> {
  const rows = new RowColumns();
  const files = await parseEach(items, (i, file, s) => rows.add(i, file.name, s), {
    withText,
    fastPath,
  });
  const { messages, toolCalls, apiCalls, buffers } = rows.seal();
  return { batch: { files, messages, toolCalls, apiCalls }, buffers };
}

/**
 * Parses each file, handing each session to `add`, which makes its rows (RowColumns.add, or a
 * summary's) and gives its session row. zod is loaded only to name the problem of a file the
 * hand-written check refused: loading it takes longer than parsing a hundred files.
 */
export async function parseEach(
  items: Iterable<FileText>,
  add: (i: number, file: FileToIndex, s: Session) => SessionRow,
  { withText = false, fastPath = false } = {},
): Promise<ParsedFile[]> {
  const refused: { file: ParsedFile; raw: Record<string, unknown> }[] = [];
  const files = Array.from(items, ({ file, text: read, error, whole }, i): ParsedFile => {
    if (read === undefined) {
      return { ...file, status: 'bad', reason: error ?? 'cannot read', session: undefined };
    }
    const text = whole !== undefined && withText ? whole() : read;
    // Rows only: the fast path, which answers for the files it fully understands.
    const fast = withText || !fastPath ? undefined : readIndexFields(text);
    if (fast !== undefined) {
      return { ...file, status: 'ok', reason: null, session: add(i, file, fast) };
    }
    let r = parseSessionJson(text);
    // the cut text answers only for a session; the whole text names any problem
    if (!r.ok && whole !== undefined && text === read) r = parseSessionJson(whole());
    if (!r.ok) {
      const bad: ParsedFile = {
        ...file,
        status: 'bad',
        reason: r.reason ?? null,
        session: undefined,
      };
      if (r.unchecked) refused.push({ file: bad, raw: r.unchecked });
      return bad;
    }
    return {
      ...file,
      status: 'ok',
      reason: null,
      session: add(i, file, r.session),
      text: withText ? sessionText(r.session) : undefined,
    };
  });
  if (refused.length > 0) {
    const { checkWithSchema } = await import('../session/read.js');
    for (const { file, raw } of refused) {
      const r = checkWithSchema(raw);
      // The check and the schema agree (a test holds them to it); were they not to, the file is
      // still not counted, and says so.
      file.reason = r.ok ? 'not a session: refused by the index check' : r.reason;
    }
  }
  return files;
}

/**
 * The text of each file, read when asked for: a file's text and what JSON.parse made of it are
 * garbage before the next file is read, so they die young instead of surviving a whole batch.
 * `lean`: for a reader of none of the text (a summary, the list), each text with its strings
 * cut (lean-json.ts), the whole text given by `whole`.
 */
export function* readEach(
  files: readonly FileToIndex[],
  { lean = false } = {},
): Generator<FileText> {
  const cutter = lean ? LeanCutter.make() : undefined;
  for (const file of files) {
    let text: string;
    let whole: (() => string) | undefined;
    try {
      if (cutter === undefined) text = readRegularTextSync(file.path).text;
      else {
        const { bytes } = readRegularIntoSync(file.path, (size) => cutter.room(size));
        const cut = cutter.cut(bytes);
        if (cut === undefined) text = bytes.toString('utf8');
        else [text, whole] = [cut, () => bytes.toString('utf8')];
      }
    } catch (error) {
      yield { file, text: undefined, error: `cannot read: ${describeFsError(error)}` };
      continue;
    }
    yield { file, text, whole };
  }
}

/** Reads and parses files into one batch (in a parse worker, or inline). */
export function readAndParse(
  files: readonly FileToIndex[],
): Promise<{ batch: ParsedBatch; buffers: ArrayBuffer[] }> {
  return parseBatch(readEach(files));
}

/** A live file as the index holds it: `size` and `mtimeMs` as they were when it was read. */
export interface IndexedFile {
  sid: number;
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The text of a file already indexed, or undefined when the file is no longer the one indexed
 * (changed, gone or now invalid): its text is then read with its rows at the next refresh.
 */
export function readSessionText(file: IndexedFile): SessionText | undefined {
  try {
    const { text, size, mtimeMs } = readRegularTextSync(file.path);
    if (size !== file.size || mtimeMs !== file.mtimeMs) return undefined;
    const r = parseSessionJson(text);
    return r.ok ? sessionText(r.session) : undefined;
  } catch {
    return undefined;
  }
}
