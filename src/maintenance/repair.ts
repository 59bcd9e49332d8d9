/**
 * Repairing a session file that cannot be read: NUL runs stripped, the JSON repaired (jsonrepair
 * closes what a crash cut off, drops trailing commas, reads comments and single quotes), then
 * the required fields rebuilt from what survives. Pure: text in, a session (or why not) out.
 *
 * Only what is missing or broken is rebuilt; every complete message is kept as it was. The
 * message a crash cut off (its closing brace is not in the file) is dropped whatever survived of
 * it, and so is a value cut in the middle (a number or a string), which is rebuilt instead.
 */
import { jsonrepair } from 'jsonrepair';
import { idFromFileName, startFromFileName } from '../session/paths.js';
import { parseSessionText } from '../session/read.js';
import {
  describeSchemaError,
  messageSchema,
  type Session,
  sessionSchema,
} from '../session/schema.js';
import { serializeSession } from '../session/store.js';
import { asSessionTime, isSessionTime } from '../time.js';

export type RepairOutcome =
  | {
      ok: true;
      session: Session;
      /** The file's new text, checked to read back as a session. */
      text: string;
      messages: number;
      dropped: number;
    }
  | {
      ok: false;
      reason: string;
      /** Messages a reader can still see in the file (role and content): it is not worthless. */
      readable: number;
    };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A token count the schema takes: 1e300 and 2^63 are integers, but not counts. */
const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;

/** An impossible number brought into range: negative to 0, too large to the largest exact one. */
const clamp = (v: number): number =>
  Number.isNaN(v) ? 0 : Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.round(v)));

const OPTIONAL_COUNTS = ['cachedInput', 'reasoning', 'costUsdTicks'] as const;

/** The optional counts of a usage record that are impossible are removed: absent is "unknown". */
function dropImpossible(u: Obj): Obj {
  const out: Obj = { ...u };
  for (const k of OPTIONAL_COUNTS) if (k in out && count(out[k]) === undefined) delete out[k];
  return out;
}

/**
 * Messages kept as an object (`{"0": {...}, "1": {...}}`) instead of an array: its values, in
 * order (JavaScript orders integer keys numerically, others as written).
 */
const messageList = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];

/** How many messages of a parsed value a reader can still see: objects with a role. */
function readableMessages(value: unknown): number {
  const list = Array.isArray(value) ? value : isObj(value) ? messageList(value.messages) : [];
  return list.filter((m) => isObj(m) && typeof m.role === 'string').length;
}

/** What a scan of damaged JSON text tells about where it was cut. */
export interface JsonScan {
  /** The text ends inside a container, string, comment or bare value. */
  truncated: boolean;
  /** Just after the last value that is known complete: what is safe to repair from. */
  safeEnd: number;
  /** Objects of the top-level `messages` array whose closing brace is in the text. */
  completeMessages: number;
  /** The top-level `messages` array itself was closed. */
  messagesClosed: boolean;
  /** Just after the first top-level object or array closed, when it did. */
  firstEnd?: number;
}

interface Frame {
  type: 'obj' | 'arr';
  /** The key this container is the value of, in its parent object. */
  key: string | undefined;
  expectKey: boolean;
  pendingKey: string | undefined;
}

const BARE_END = /[\s,:{}[\]"'/]/;

/**
 * Walks JSON as jsonrepair reads it (comments, single quotes, bare words) without building
 * anything. jsonrepair closes a cut-off string or number as if it were complete (`"Hel` becomes
 * "Hel", `12` of 1234 stays 12), so a truncated text is repaired only up to `safeEnd`, and a
 * message whose closing brace is missing is known incomplete and dropped.
 */
export function scanJson(text: string): JsonScan {
  const stack: Frame[] = [];
  let safeEnd = 0;
  let completeMessages = 0;
  let messagesClosed = false;
  let firstEnd: number | undefined;
  let i = 0;
  const top = () => stack[stack.length - 1];
  // an array, or an object some writer kept them in (keys "0", "1", ...)
  const inMessages = () =>
    stack.length === 2 && stack[0]?.type === 'obj' && stack[1]?.key === 'messages';
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = text[i + 1] === '/' ? text.indexOf('\n', i + 2) : text.indexOf('*/', i + 2);
      if (end < 0) return { truncated: true, safeEnd, completeMessages, messagesClosed };
      i = text[i + 1] === '/' ? end + 1 : end + 2;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return { truncated: true, safeEnd, completeMessages, messagesClosed };
      const frame = top();
      if (frame?.type === 'obj' && frame.expectKey) {
        frame.pendingKey = text.slice(i + 1, j);
        frame.expectKey = false;
      } else {
        safeEnd = j + 1;
      }
      i = j + 1;
    } else if (ch === '{' || ch === '[') {
      const parent = top();
      stack.push({
        type: ch === '{' ? 'obj' : 'arr',
        key: parent?.type === 'obj' ? parent.pendingKey : undefined,
        expectKey: ch === '{',
        pendingKey: undefined,
      });
      safeEnd = i + 1;
      i++;
    } else if (ch === '}' || ch === ']') {
      const closed = stack.pop();
      if (closed?.type === 'obj' && inMessages()) completeMessages++;
      if (closed?.key === 'messages' && stack.length === 1) messagesClosed = true;
      if (stack.length === 0) firstEnd ??= i + 1;
      safeEnd = i + 1;
      i++;
    } else if (ch === ',') {
      const frame = top();
      if (frame?.type === 'obj') frame.expectKey = true;
      i++;
    } else if (ch === ':') {
      i++;
    } else {
      let j = i + 1;
      while (j < text.length && !BARE_END.test(text[j] as string)) j++;
      if (j >= text.length) return { truncated: true, safeEnd, completeMessages, messagesClosed };
      const frame = top();
      if (frame?.type === 'obj' && frame.expectKey) {
        frame.pendingKey = text.slice(i, j);
        frame.expectKey = false;
      } else {
        safeEnd = j;
      }
      i = j;
    }
  }
  return { truncated: stack.length > 0, safeEnd, completeMessages, messagesClosed, firstEnd };
}

export type Parsed =
  | {
      ok: true;
      value: unknown;
      /** How many messages are complete, when the text was cut inside the messages array. */
      completeMessages: number | undefined;
    }
  | { ok: false; reason: string };

/** Parses what can be parsed: NULs removed, JSON.parse first, jsonrepair only on failure. */
export function parseDamaged(text: string): Parsed {
  const cleaned = text.replace(/\0+/g, '');
  if (cleaned.trim().length === 0)
    return {
      ok: false,
      reason:
        text.length === 0
          ? 'empty file: nothing to recover'
          : 'nothing but NUL bytes or white space: nothing to recover',
    };
  try {
    return { ok: true, value: JSON.parse(cleaned), completeMessages: undefined };
  } catch {
    // fall through to repair
  }
  const scan = scanJson(cleaned);
  // A whole session followed by something else (a second write appended, a stray line): the
  // session is what comes first.
  if (scan.firstEnd !== undefined && cleaned.slice(scan.firstEnd).trim() !== '') {
    try {
      const first: unknown = JSON.parse(cleaned.slice(0, scan.firstEnd));
      if (isObj(first)) return { ok: true, value: first, completeMessages: undefined };
    } catch {
      // not JSON on its own: repaired below
    }
  }
  const completeMessages =
    scan.truncated && !scan.messagesClosed ? scan.completeMessages : undefined;
  // Should the scan misjudge the text, the text is cut back to the last `,`, `{` or `[` and
  // repaired again: what follows that point was an incomplete value anyway.
  let rest = scan.truncated ? cleaned.slice(0, scan.safeEnd) : cleaned;
  let firstError = '';
  for (let attempt = 0; attempt < 50 && rest.length > 0; attempt++) {
    try {
      return { ok: true, value: JSON.parse(jsonrepair(rest)), completeMessages };
    } catch (error) {
      firstError ||= (error as Error).message.split('\n')[0] ?? '';
    }
    const end = rest.length - 2;
    const cut = Math.max(
      rest.lastIndexOf(',', end),
      rest.lastIndexOf('{', end),
      rest.lastIndexOf('[', end),
    );
    if (cut <= 0) break;
    rest = rest[cut] === ',' ? rest.slice(0, cut) : rest.slice(0, cut + 1);
  }
  return { ok: false, reason: `JSON beyond repair: ${firstError}` };
}

function repairMessages(value: unknown): { messages: Obj[]; dropped: number } {
  const list = messageList(value);
  const messages: Obj[] = [];
  let dropped = 0;
  for (const m of list) {
    if (!isObj(m)) {
      dropped++;
      continue;
    }
    const fixed: Obj = { ...m };
    if (fixed.content === undefined) fixed.content = null;
    if (fixed.timestamp !== undefined) {
      const at = asSessionTime(fixed.timestamp);
      if (at === undefined) delete fixed.timestamp;
      else fixed.timestamp = at;
    }
    if (fixed.toolCalls !== undefined) {
      const calls = Array.isArray(fixed.toolCalls)
        ? fixed.toolCalls.filter((c) => isObj(c) && typeof c.tool === 'string')
        : [];
      if (calls.length > 0) fixed.toolCalls = calls;
      else delete fixed.toolCalls;
    }
    if (fixed.usage !== undefined) {
      const u = isObj(fixed.usage) ? fixed.usage : {};
      const input = count(u.input);
      const output = count(u.output);
      if (input === undefined || output === undefined) delete fixed.usage;
      else fixed.usage = { ...dropImpossible(u), input, output, total: input + output };
    }
    if (fixed.calls !== undefined) {
      // a call's impossible number is unknown, not a reason to lose the message
      const calls = Array.isArray(fixed.calls) ? fixed.calls.filter(isObj) : [];
      const kept = calls.map((c) => {
        const call = dropImpossible(c);
        for (const k of ['input', 'output', 'total'] as const)
          if (k in call && count(call[k]) === undefined) delete call[k];
        if (typeof call.model !== 'string') call.model = 'unknown';
        if (call.usage !== undefined && call.usage !== null) delete call.usage;
        return call;
      });
      if (kept.length > 0) fixed.calls = kept;
      else delete fixed.calls;
    }
    if (fixed.interrupted !== undefined && typeof fixed.interrupted !== 'boolean')
      delete fixed.interrupted;
    if (messageSchema.safeParse(fixed).success) messages.push(fixed);
    else dropped++;
  }
  return { messages, dropped };
}

/**
 * The session's totals. Where input or output is missing or impossible (a cut, 1e300, 2^63, a
 * negative), both come from the messages' own usage when any message has one; else an
 * impossible number is clamped into range and its name listed under `clamped`, so no reader
 * takes it for what the server reported (the original stays in the backup).
 */
function repairUsage(value: unknown, messages: readonly Obj[]): Obj {
  const u = dropImpossible(isObj(value) ? value : {});
  let input = count(u.input);
  let output = count(u.output);
  const clamped: string[] = [];
  if (input === undefined || output === undefined) {
    const metered = messages.filter((m) => isObj(m.usage));
    const sum = (k: 'input' | 'output') =>
      metered.reduce((n, m) => n + (count((m.usage as Obj)[k]) ?? 0), 0);
    if (metered.length > 0) {
      input = sum('input');
      output = sum('output');
    }
  }
  const settle = (k: 'input' | 'output', v: number | undefined): number => {
    if (v !== undefined) return v;
    const given = u[k];
    if (typeof given !== 'number') return 0; // missing: nothing was reported
    clamped.push(k);
    return clamp(given);
  };
  input = settle('input', input);
  output = settle('output', output);
  const total = Math.min(Number.MAX_SAFE_INTEGER, input + output);
  if (input + output > Number.MAX_SAFE_INTEGER) clamped.push('total');
  const out: Obj = { ...u, input, output, total };
  if (clamped.length > 0) out.clamped = clamped;
  return out;
}

/** Rebuilds a session from a damaged file's text; `fileName` supplies the id and start. */
export function repairSessionText(text: string, fileName: string): RepairOutcome {
  const parsed = parseDamaged(text);
  if (!parsed.ok) return { ...parsed, readable: 0 };
  if (!isObj(parsed.value))
    return {
      ok: false,
      reason: 'the JSON is not an object: not a session',
      readable: readableMessages(parsed.value),
    };
  const s: Obj = { ...parsed.value };
  let list = messageList(s.messages);
  let incomplete = 0;
  if (parsed.completeMessages !== undefined && list.length > parsed.completeMessages) {
    incomplete = list.length - parsed.completeMessages;
    list = list.slice(0, parsed.completeMessages);
  }
  const repairedMessages = repairMessages(list);
  const messages = repairedMessages.messages;
  const dropped = repairedMessages.dropped + incomplete;
  const fromName = startFromFileName(fileName);
  if (typeof s.sessionId !== 'string' || s.sessionId.length === 0)
    s.sessionId = idFromFileName(fileName);
  s.startTime = asSessionTime(s.startTime) ?? s.startTime;
  if (!isSessionTime(s.startTime)) {
    const first = messages.find((m) => isSessionTime(m.timestamp))?.timestamp;
    s.startTime = fromName?.toISOString() ?? first;
  }
  if (s.endTime !== undefined) {
    const end = asSessionTime(s.endTime);
    if (end === undefined) delete s.endTime;
    else s.endTime = end;
  }
  if (s.endTime === undefined) {
    const stamped = messages.filter((m) => isSessionTime(m.timestamp));
    const last = stamped[stamped.length - 1]?.timestamp;
    if (last !== undefined) s.endTime = last;
  }
  if (typeof s.model !== 'string') s.model = 'unknown';
  s.messages = messages;
  s.tokenUsage = repairUsage(s.tokenUsage, messages);
  const meta = isObj(s.metadata) ? s.metadata : {};
  s.metadata = {
    ...meta,
    workingDirectory: typeof meta.workingDirectory === 'string' ? meta.workingDirectory : 'unknown',
    nodeVersion: typeof meta.nodeVersion === 'string' ? meta.nodeVersion : 'unknown',
    grokVersion: typeof meta.grokVersion === 'string' ? meta.grokVersion : 'unknown',
  };
  if (
    s.tags !== undefined &&
    !(Array.isArray(s.tags) && s.tags.every((t) => typeof t === 'string'))
  )
    delete s.tags;
  if (s.name !== undefined && typeof s.name !== 'string') delete s.name;
  if (s.status !== undefined && !['active', 'ended', 'interrupted'].includes(String(s.status)))
    delete s.status;
  const fork = s.forkedFrom;
  if (
    fork !== undefined &&
    !(isObj(fork) && typeof fork.sessionId === 'string' && count(fork.messages) !== undefined)
  )
    delete s.forkedFrom;
  const checked = sessionSchema.safeParse(s);
  if (!checked.success)
    return {
      ok: false,
      reason: `still not a session: ${describeSchemaError(checked.error, s)}`,
      readable: readableMessages(parsed.value),
    };
  // checked before any backup exists: a session that cannot be written back is unrecoverable
  let out: string;
  try {
    out = serializeSession(checked.data);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      ok: false,
      reason: 'a value in it is nested too deeply to write back',
      readable: readableMessages(parsed.value),
    };
  }
  if (!parseSessionText(out).ok)
    return {
      ok: false,
      reason: 'the repaired text does not read back as a session',
      readable: readableMessages(parsed.value),
    };
  return {
    ok: true,
    session: checked.data as Session,
    text: out,
    messages: messages.length,
    dropped,
  };
}
