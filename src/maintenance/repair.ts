/**
 * Repairing a session file that cannot be read: NUL runs stripped, the JSON repaired (jsonrepair
 * closes what a crash cut off, drops trailing commas, reads comments and single quotes), then
 * the required fields rebuilt from what survives. Pure: text in, a session (or why not) out.
 *
 * Only what is missing or broken is rebuilt; every message that survives intact is kept as it
 * was. A message without a valid role is dropped (a crash can cut one off before its role).
 */
import { jsonrepair } from 'jsonrepair';
import { idFromFileName, startFromFileName } from '../session/paths.js';
import {
  describeSchemaError,
  messageSchema,
  type Session,
  sessionSchema,
} from '../session/schema.js';

export type RepairOutcome =
  | { ok: true; session: Session; messages: number; dropped: number }
  | { ok: false; reason: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;

/** Parses what can be parsed: JSON.parse first (jsonrepair only on failure), NULs removed. */
export function parseDamaged(
  text: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
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
    return { ok: true, value: JSON.parse(cleaned) };
  } catch {
    // fall through to repair
  }
  // A crash can cut the text anywhere, even between a key and its colon, which jsonrepair cannot
  // close. Then the text is cut back to the last `,`, `{` or `[` and repaired again: what follows
  // that point was an incomplete value anyway.
  let rest = cleaned;
  let firstError = '';
  for (let attempt = 0; attempt < 50 && rest.length > 0; attempt++) {
    try {
      return { ok: true, value: JSON.parse(jsonrepair(rest)) };
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
  const list = Array.isArray(value) ? value : [];
  const messages: Obj[] = [];
  let dropped = 0;
  for (const m of list) {
    if (!isObj(m)) {
      dropped++;
      continue;
    }
    const fixed: Obj = { ...m };
    if (fixed.content === undefined) fixed.content = null;
    if (fixed.timestamp !== undefined && !isTime(fixed.timestamp)) delete fixed.timestamp;
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
      else fixed.usage = { ...u, input, output, total: input + output };
    }
    if (messageSchema.safeParse(fixed).success) messages.push(fixed);
    else dropped++;
  }
  return { messages, dropped };
}

function repairUsage(value: unknown, messages: readonly Obj[]): Obj {
  const u = isObj(value) ? value : {};
  let input = count(u.input);
  let output = count(u.output);
  if (input === undefined || output === undefined) {
    const sum = (k: 'input' | 'output') =>
      messages.reduce((n, m) => n + (isObj(m.usage) ? (count(m.usage[k]) ?? 0) : 0), 0);
    input ??= sum('input');
    output ??= sum('output');
  }
  return { ...u, input, output, total: input + output };
}

/** Rebuilds a session from a damaged file's text; `fileName` supplies the id and start. */
export function repairSessionText(text: string, fileName: string): RepairOutcome {
  const parsed = parseDamaged(text);
  if (!parsed.ok) return parsed;
  if (!isObj(parsed.value))
    return { ok: false, reason: 'the JSON is not an object: not a session' };
  const s: Obj = { ...parsed.value };
  const { messages, dropped } = repairMessages(s.messages);
  const fromName = startFromFileName(fileName);
  if (typeof s.sessionId !== 'string' || s.sessionId.length === 0)
    s.sessionId = idFromFileName(fileName);
  if (!isTime(s.startTime)) {
    const first = messages.find((m) => isTime(m.timestamp))?.timestamp;
    s.startTime = fromName?.toISOString() ?? first;
  }
  if (s.endTime !== undefined && !isTime(s.endTime)) delete s.endTime;
  if (s.endTime === undefined) {
    const stamped = messages.filter((m) => isTime(m.timestamp));
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
    return { ok: false, reason: `still not a session: ${describeSchemaError(checked.error)}` };
  return { ok: true, session: checked.data as Session, messages: messages.length, dropped };
}
