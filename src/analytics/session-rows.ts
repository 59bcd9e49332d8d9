/** What parsed sessions become in the index: rows and columns, no I/O. */
import { listEntry, listEntryText } from '../session/list-entry.js';
import type { Session } from '../session/schema.js';
import { lastActivity, summarize } from '../session/summary.js';

export interface SessionRow {
  sessionId: string;
  name: string | null;
  tags: string[];
  startTime: string;
  endTime: string | null;
  lastActivity: string | null;
  durationMs: number | null;
  model: string;
  status: string | null;
  workingDirectory: string;
  messages: number;
  toolCalls: number;
  input: number;
  output: number;
  total: number;
  interrupted: boolean;
  /** The session as `list --json` prints it (session/list-entry.ts). */
  listEntry: string;
  /** The first user message on one line, cut (the browser's title of an unnamed session). */
  firstUser: string | null;
  /** The session as the browser lists it, as JSON text (queries/internal/browse-sessions.sql). */
  browseEntry: string;
}

export const ROLES = ['system', 'user', 'assistant', 'tool'] as const;

/**
 * The message and tool-call rows of many sessions, column by column: typed arrays go from a
 * parse worker to the main thread without a copy, and into DuckDB a vector at a time. `file` is
 * the position of the row's file in its batch; NaN stands for NULL in the Float64 columns.
 */
export interface MessageColumns {
  length: number;
  file: Int32Array;
  seq: Int32Array;
  /** Index into ROLES. */
  role: Uint8Array;
  /** Epoch milliseconds. */
  ts: Float64Array;
  toolCalls: Int32Array;
  input: Float64Array;
  output: Float64Array;
  interrupted: Uint8Array;
  /** On an assistant message right after a user message: milliseconds between the two. */
  replyMs: Float64Array;
}

/** What an `api_calls` row stands for (index into CALL_KINDS). */
export const CALL_KINDS = ['call', 'message', 'session'] as const;

/**
 * The usage rows cost is computed from, one per API call a message recorded (`calls`); a message
 * without `calls` gives one row of its own `usage`, priced by the session's model; a file with
 * neither gives one row of its session totals. NaN stands for NULL.
 */
export interface ApiCallColumns {
  length: number;
  file: Int32Array;
  /** The message; -1 for a session's totals. */
  seq: Int32Array;
  /** The entry of the message's `calls`; -1 for a message's usage or the totals. */
  idx: Int32Array;
  kind: Uint8Array;
  model: string[];
  /** 0 when the server never reported the call's usage (a dropped stream). */
  known: Uint8Array;
  input: Float64Array;
  output: Float64Array;
  cachedInput: Float64Array;
  reasoning: Float64Array;
  costTicks: Float64Array;
}

export interface ToolCallColumns {
  length: number;
  file: Int32Array;
  seq: Int32Array;
  idx: Int32Array;
  tool: string[];
  failed: Uint8Array;
}

/**
 * The text of a session (message content, tool-call parameters and the head of each result),
 * indexed apart and only when a command reads it: see text.ts.
 */
export interface SessionText {
  messages: { seq: number; content: string }[];
  toolCalls: { seq: number; idx: number; parameters: string | null; result: string | null }[];
}

/**
 * A tool call failed when its result says so: an object with an `error` key (what the runtime
 * records), or text starting with "Error" / "error:" (what many tools print).
 */
export function isFailedResult(result: unknown): boolean {
  if (typeof result === 'string') return /^(Error|error:)/.test(result);
  if (result !== null && typeof result === 'object' && !Array.isArray(result)) {
    return Object.hasOwn(result, 'error');
  }
  return false;
}

/** Text with lone surrogates replaced: DuckDB refuses strings that are not valid UTF-8. */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/** What a value's text is indexed as when JSON.stringify cannot write it (it recurses). */
export const TOO_DEEP = '[nested too deeply to index]';

/**
 * A value as text: a string as it is, anything else as its JSON; lone surrogates left in (the
 * search store's UTF-8 write replaces them as wellFormed does).
 */
export function valueText(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch (error) {
    // a value nested thousands deep, which JSON.parse read: the rest of the session still counts
    if (error instanceof RangeError) return TOO_DEEP;
    throw error;
  }
}

/** A value as text (valueText), well formed. */
function jsonText(value: unknown): string | null {
  const text = valueText(value);
  return text === undefined ? null : wellFormed(text);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** What the runtime writes (ISO in UTC) passes as is; anything else Date can read is normalised. */
function isoOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (ISO_UTC.test(value)) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const MAX_REPLY_MS = 2_147_483_647;
const ROLE_CODE: Record<string, number> = Object.fromEntries(ROLES.map((r, i) => [r, i]));

type Message = Session['messages'][number];

/** A usage row's numbers as a session holds them: a call's, a message's, or the totals. */
export type Usage = Partial<
  Record<'input' | 'output' | 'cachedInput' | 'reasoning' | 'costUsdTicks', number>
>;

/**
 * What a walk of a session (walkSession) meets, in the order of the index's rows: each message,
 * with its time (epoch ms, NaN when none) and its reply time (NaN but on an assistant message
 * right after a user one, within MAX_REPLY_MS); each tool call, the tool's name well formed; each
 * usage row, `known` false where the server never reported a call's usage.
 */
export interface SessionWalker {
  message(seq: number, msg: Message, ms: number, replyMs: number): void;
  toolCall(seq: number, idx: number, tool: string, failed: boolean): void;
  usage(
    seq: number,
    idx: number,
    kind: (typeof CALL_KINDS)[number],
    model: string,
    u: Usage,
    known: boolean,
  ): void;
}

/** What a walk of a session found of it as a whole (sessionRow). */
export interface Walked {
  toolCalls: number;
  interrupted: boolean;
}

/**
 * Walks the rows of `s` (SessionWalker): the one reading of a session's messages, calls and
 * usage that both the index's rows (RowColumns) and a summary made from the files alone
 * (summary-rows.ts) are made from.
 */
export function walkSession(s: Session, w: SessionWalker): Walked {
  let interrupted = s.status === 'interrupted';
  let toolCalls = 0;
  let usageRows = 0;
  let prevRole: string | undefined;
  let prevMs = Number.NaN;
  const messages = s.messages;
  for (let seq = 0; seq < messages.length; seq++) {
    const msg = messages[seq] as Message;
    if (msg.interrupted) interrupted = true;
    const ms = msg.timestamp === undefined ? Number.NaN : Date.parse(msg.timestamp);
    const reply = prevRole === 'user' && msg.role === 'assistant' ? ms - prevMs : Number.NaN;
    w.message(seq, msg, ms, reply >= 0 && reply <= MAX_REPLY_MS ? reply : Number.NaN);
    if (msg.calls && msg.calls.length > 0) {
      msg.calls.forEach((call, idx) => {
        const known = call.usage !== null && call.input !== undefined && call.output !== undefined;
        w.usage(seq, idx, 'call', call.model, call, known);
      });
      usageRows++;
    } else if (msg.usage) {
      w.usage(seq, -1, 'message', s.model, msg.usage, true);
      usageRows++;
    }
    const list = msg.toolCalls ?? [];
    for (let idx = 0; idx < list.length; idx++) {
      const call = list[idx] as NonNullable<Message['toolCalls']>[number];
      w.toolCall(seq, idx, wellFormed(call.tool), isFailedResult(call.result));
    }
    toolCalls += list.length;
    prevRole = msg.role;
    prevMs = ms;
  }
  // the seed's format: the session's totals are all there is
  if (usageRows === 0) w.usage(-1, -1, 'session', s.model, s.tokenUsage, true);
  return { toolCalls, interrupted };
}

/** Collects the message and tool-call rows of the sessions of one batch. */
export class RowColumns {
  private readonly m = {
    file: [] as number[],
    seq: [] as number[],
    role: [] as number[],
    ts: [] as number[],
    toolCalls: [] as number[],
    input: [] as number[],
    output: [] as number[],
    interrupted: [] as number[],
    replyMs: [] as number[],
  };
  private readonly t = {
    file: [] as number[],
    seq: [] as number[],
    idx: [] as number[],
    tool: [] as string[],
    failed: [] as number[],
  };
  private readonly c = {
    file: [] as number[],
    seq: [] as number[],
    idx: [] as number[],
    kind: [] as number[],
    model: [] as string[],
    known: [] as number[],
    input: [] as number[],
    output: [] as number[],
    cachedInput: [] as number[],
    reasoning: [] as number[],
    costTicks: [] as number[],
  };

  private usageRow(
    file: number,
    seq: number,
    idx: number,
    kind: (typeof CALL_KINDS)[number],
    model: string,
    u: Usage,
    known: boolean,
  ): void {
    const { c } = this;
    const n = (v: number | undefined) => (known && v !== undefined ? v : Number.NaN);
    c.file.push(file);
    c.seq.push(seq);
    c.idx.push(idx);
    c.kind.push(CALL_KINDS.indexOf(kind));
    c.model.push(wellFormed(model));
    c.known.push(known ? 1 : 0);
    c.input.push(n(u.input));
    c.output.push(n(u.output));
    c.cachedInput.push(n(u.cachedInput));
    c.reasoning.push(n(u.reasoning));
    c.costTicks.push(n(u.costUsdTicks));
  }

  /** Adds the rows of `s`, the `file`-th file of the batch, named `name`; returns its session row. */
  add(file: number, name: string, s: Session): SessionRow {
    const { m, t } = this;
    const walked = walkSession(s, {
      message: (seq, msg, ms, replyMs) => {
        m.file.push(file);
        m.seq.push(seq);
        m.role.push(ROLE_CODE[msg.role] as number);
        m.ts.push(ms);
        m.toolCalls.push(msg.toolCalls?.length ?? 0);
        m.input.push(msg.usage ? msg.usage.input : Number.NaN);
        m.output.push(msg.usage ? msg.usage.output : Number.NaN);
        m.interrupted.push(msg.interrupted === true ? 1 : 0);
        m.replyMs.push(replyMs);
      },
      toolCall: (seq, idx, tool, failed) => {
        t.file.push(file);
        t.seq.push(seq);
        t.idx.push(idx);
        t.tool.push(tool);
        t.failed.push(failed ? 1 : 0);
      },
      usage: (seq, idx, kind, model, u, known) =>
        this.usageRow(file, seq, idx, kind, model, u, known),
    });
    return sessionRow(s, name, walked, false);
  }

  /** The columns, and the buffers to transfer with them. */
  seal(): {
    messages: MessageColumns;
    toolCalls: ToolCallColumns;
    apiCalls: ApiCallColumns;
    buffers: ArrayBuffer[];
  } {
    const { m, t, c } = this;
    const messages: MessageColumns = {
      length: m.file.length,
      file: Int32Array.from(m.file),
      seq: Int32Array.from(m.seq),
      role: Uint8Array.from(m.role),
      ts: Float64Array.from(m.ts),
      toolCalls: Int32Array.from(m.toolCalls),
      input: Float64Array.from(m.input),
      output: Float64Array.from(m.output),
      interrupted: Uint8Array.from(m.interrupted),
      replyMs: Float64Array.from(m.replyMs),
    };
    const toolCalls: ToolCallColumns = {
      length: t.file.length,
      file: Int32Array.from(t.file),
      seq: Int32Array.from(t.seq),
      idx: Int32Array.from(t.idx),
      tool: t.tool,
      failed: Uint8Array.from(t.failed),
    };
    const apiCalls: ApiCallColumns = {
      length: c.file.length,
      file: Int32Array.from(c.file),
      seq: Int32Array.from(c.seq),
      idx: Int32Array.from(c.idx),
      kind: Uint8Array.from(c.kind),
      model: c.model,
      known: Uint8Array.from(c.known),
      input: Float64Array.from(c.input),
      output: Float64Array.from(c.output),
      cachedInput: Float64Array.from(c.cachedInput),
      reasoning: Float64Array.from(c.reasoning),
      costTicks: Float64Array.from(c.costTicks),
    };
    const buffers = [
      ...Object.values(messages),
      ...Object.values(toolCalls),
      ...Object.values(apiCalls),
    ].flatMap((v) => (ArrayBuffer.isView(v) ? [v.buffer as ArrayBuffer] : []));
    return { messages, toolCalls, apiCalls, buffers };
  }
}

/**
 * The session row of `s`, named `name`, from its walk (walkSession); `lean`: without its list
 * and browser entries (empty) and first user line (null), for a summary alone.
 */
export function sessionRow(
  s: Session,
  name: string,
  { toolCalls, interrupted }: Walked,
  lean: boolean,
): SessionRow {
  const last = lastActivity(s);
  const startMs = Date.parse(s.startTime);
  const lastMs = last === undefined ? Number.NaN : Date.parse(last);
  const durationMs = Number.isNaN(lastMs) || lastMs < startMs ? null : lastMs - startMs;
  const row: Omit<SessionRow, 'listEntry' | 'browseEntry'> = {
    sessionId: s.sessionId.toWellFormed(),
    name: s.name?.toWellFormed() ?? null,
    tags: (s.tags ?? []).map((t) => t.toWellFormed()),
    startTime: new Date(startMs).toISOString(),
    endTime: isoOrNull(s.endTime),
    lastActivity: isoOrNull(last),
    durationMs,
    model: s.model.toWellFormed(),
    status: s.status ?? null,
    workingDirectory: s.metadata.workingDirectory.toWellFormed(),
    messages: s.messages.length,
    toolCalls,
    input: s.tokenUsage.input,
    output: s.tokenUsage.output,
    total: s.tokenUsage.total,
    interrupted,
    firstUser: lean ? null : firstUserLine(s),
  };
  if (lean) return { ...row, listEntry: '', browseEntry: '' };
  return {
    ...row,
    listEntry: listEntryText(listEntry(summarize(s), name)),
    browseEntry: browseEntry(row, name),
  };
}

/**
 * A session's row in the browser (src/browse/model.ts: BrowseRow, less what a query adds: its
 * archive and cost) as JSON, written when the file is read: serialising 10,000 rows in the query
 * took most of the browser's first screen.
 */
function browseEntry(r: Omit<SessionRow, 'listEntry' | 'browseEntry'>, file: string): string {
  return JSON.stringify({
    file,
    sessionId: r.sessionId,
    name: r.name,
    tags: r.tags,
    startTime: r.startTime,
    lastActivity: r.lastActivity,
    durationMs: r.durationMs,
    model: r.model,
    status: r.status,
    workingDirectory: r.workingDirectory,
    messages: r.messages,
    toolCalls: r.toolCalls,
    input: r.input,
    output: r.output,
    total: r.total,
    interrupted: r.interrupted,
    firstUser: r.firstUser,
  });
}

/** How much of the first user message the index keeps: more than any window shows of it. */
export const FIRST_USER_CHARS = 300;

const SURROGATE = /[\uD800-\uDFFF]/;

/** The first user message with text, white space folded to single spaces and cut. */
export function firstUserLine(s: Session): string | null {
  for (const m of s.messages) {
    if (m.role !== 'user' || typeof m.content !== 'string') continue;
    const line = m.content
      .slice(0, FIRST_USER_CHARS * 4)
      .replace(/\s+/g, ' ')
      .trim();
    if (line === '') continue;
    // by code point, and well-formed: a cut in the middle of an emoji leaves no lone surrogate.
    // Without surrogates, code points are code units: a slice cuts the same, without an array.
    const cut = SURROGATE.test(line)
      ? Array.from(line).slice(0, FIRST_USER_CHARS).join('')
      : line.slice(0, FIRST_USER_CHARS);
    return wellFormed(cut);
  }
  return null;
}

export function sessionText(s: Session): SessionText {
  const text: SessionText = { messages: [], toolCalls: [] };
  s.messages.forEach((m, seq) => {
    if (m.content !== null) text.messages.push({ seq, content: wellFormed(m.content) });
    m.toolCalls?.forEach((call, idx) => {
      text.toolCalls.push({
        seq,
        idx,
        parameters: jsonText(call.parameters),
        // whole: search finds what a call returned anywhere in it, export loses none of it
        result: jsonText(call.result),
      });
    });
  });
  return text;
}
