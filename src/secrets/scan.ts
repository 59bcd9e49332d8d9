/**
 * Finding credentials in text, and in every string of a session (messages, name, tags, metadata,
 * fields grok does not know), except the API's opaque encrypted reasoning. Pure.
 */
import { decodeJsonString, type PathPart, walkJsonText } from '../session/json-text.js';
import { SECRET_RULES, type SecretRule } from './rules.js';

export interface TextMatch {
  kind: string;
  start: number;
  end: number;
  /** The secret's own text (never printed: see maskSecret). */
  value: string;
}

export interface Finding {
  /** The message the string is in, or null for the session's own fields (name, tags, ...). */
  messageIndex: number | null;
  /** `content`, `toolCalls[0].parameters.command`, `tags[1]`, `metadata.env (a key)` ... */
  field: string;
  kind: string;
  preview: string;
}

/** "sk-p…(51 chars)": a recognisable prefix and the length, never the secret. */
export function maskSecret(value: string): string {
  const shown = value.length > 12 ? value.slice(0, 4) : '';
  return `${shown}…(${value.length} chars)`;
}

function matchesOf(rule: SecretRule, text: string): TextMatch[] {
  const out: TextMatch[] = [];
  const re = new RegExp(
    rule.pattern.source,
    rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`,
  );
  for (const m of text.matchAll(re)) {
    const whole = m[0];
    const index = m.index ?? 0;
    if (rule.group !== undefined) {
      const value = m[rule.group];
      if (!value) continue;
      const offset = whole.lastIndexOf(value);
      out.push({ kind: rule.id, start: index + offset, end: index + offset + value.length, value });
    } else {
      out.push({ kind: rule.id, start: index, end: index + whole.length, value: whole });
    }
  }
  return out;
}

const CONTROL: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
/** Each escape up to 8 backslashes deep and what it reads as, looked up rather than built. */
const ESCAPES = new Map<string, string>(
  Array.from({ length: 8 }, (_, i) =>
    Object.entries(CONTROL).map(([c, ch]): [string, string] => [
      `${'\\'.repeat(i + 1)}${c}`,
      `${' '.repeat(i + 1)}${ch}`,
    ]),
  ).flat(),
);

/**
 * The text with each escaped line break or tab (`\n` as two characters, `\\n`, ...) read as the
 * character it stands for, the backslashes as spaces: the same length, so an offset in it is one
 * in the text. A key a tool read from a JSON file then reads as the key, line by line, and a
 * token at the start of a line is not taken for the end of a word (`\nghp_...`).
 */
export function unescapedView(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(
    /\\+[nrt]/g,
    (m) => ESCAPES.get(m) ?? `${' '.repeat(m.length - 1)}${CONTROL[m[m.length - 1] as string]}`,
  );
}

/** Every credential in `text`, left to right; where two rules overlap, the first (longest) wins. */
export function scanText(text: string, rules: readonly SecretRule[] = SECRET_RULES): TextMatch[] {
  const view = unescapedView(text);
  const all = rules.flatMap((rule) => matchesOf(rule, view));
  if (view !== text) for (const m of all) m.value = text.slice(m.start, m.end);
  all.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: TextMatch[] = [];
  let reach = -1;
  for (const m of all) {
    if (m.start >= reach) {
      kept.push(m);
      reach = m.end;
    }
  }
  return kept;
}

/**
 * Why `value` may not be a name or a tag, when it holds a credential: its kind, described, and
 * its masked preview (never the value itself, which would print it).
 */
export function secretInValue(value: string): string | undefined {
  const found = scanText(value)[0];
  if (!found) return undefined;
  const rule = SECRET_RULES.find((r) => r.id === found.kind);
  return `${maskSecret(found.value)} looks like a credential: ${rule?.description ?? found.kind} (${found.kind})`;
}

/** Replaces each match with `[REDACTED:<kind>]`. */
export function redactText(text: string, matches: readonly TextMatch[] = scanText(text)): string {
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += `${text.slice(at, m.start)}[REDACTED:${m.kind}]`;
    at = m.end;
  }
  return out + text.slice(at);
}

type Visit = (text: string, path: readonly PathPart[]) => string | undefined;

/**
 * Whether an object at `location` is one of the API's reasoning items, or a string under an
 * `encrypted_content` key: opaque data the server reads back, neither scanned nor redacted (a
 * change would break the next request). Only in a message's own fields, never in its content or
 * tool calls, which hold what a user or a tool wrote.
 */
function inMessageField(location: readonly PathPart[]): boolean {
  return (
    location[0] === 'messages' &&
    location.length >= 3 &&
    location[2] !== 'content' &&
    location[2] !== 'toolCalls'
  );
}
const isReasoningItem = (location: readonly PathPart[], type: unknown) =>
  type === 'reasoning' && inMessageField(location);
const isEncrypted = (path: readonly PathPart[]) =>
  inMessageField(path) && path.includes('encrypted_content');

/**
 * Walks every string under `value` (object keys too) in order, calling `visit`; a returned string
 * replaces the original, in a copy. Without recursion: a tool result nested thousands of levels
 * deep is JSON that JSON.parse reads, and one such file must not stop a scan of every session.
 */
function walkStrings(value: unknown, visit: Visit, visitKey: Visit): unknown {
  const root: Record<string, unknown> = { value };
  const todo: {
    holder: Record<string, unknown> | unknown[];
    key: string | number;
    path: PathPart[];
  }[] = [{ holder: root, key: 'value', path: [] }];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const { holder, key, path } = next;
    const v = (holder as Record<string | number, unknown>)[key];
    let copy: Record<string, unknown> | unknown[] | undefined;
    if (typeof v === 'string') {
      if (!isEncrypted(path))
        (holder as Record<string | number, unknown>)[key] = visit(v, path) ?? v;
    } else if (Array.isArray(v)) {
      copy = v.slice();
      for (let i = copy.length - 1; i >= 0; i--)
        todo.push({ holder: copy, key: i, path: [...path, i] });
    } else if (v !== null && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      if (isReasoningItem(path, obj.type)) continue;
      copy = {};
      const keys = Object.keys(obj);
      const renamed: [string, string][] = [];
      for (const k of keys) {
        const nk = isEncrypted([...path, k]) ? k : (visitKey(k, [...path, k]) ?? k);
        copy[nk] = obj[k];
        renamed.push([k, nk]);
      }
      for (let i = renamed.length - 1; i >= 0; i--) {
        const [k, nk] = renamed[i] as [string, string];
        todo.push({ holder: copy, key: nk, path: [...path, k] });
      }
    }
    if (copy !== undefined) (holder as Record<string | number, unknown>)[key] = copy;
  }
  return root.value;
}

/** A label for where a string is, without any part of it that is itself a secret. */
function place(
  path: readonly PathPart[],
  isKey: boolean,
): { messageIndex: number | null; field: string } {
  let parts = isKey ? path.slice(0, -1) : path;
  let messageIndex: number | null = null;
  if (parts[0] === 'messages' && typeof parts[1] === 'number') {
    messageIndex = parts[1];
    parts = parts.slice(2);
  }
  const field = parts
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const name = scanText(p).length > 0 ? '(a key holding a secret)' : p;
      return i === 0 ? name : `.${name}`;
    })
    .join('');
  return {
    messageIndex,
    field: isKey ? `${field || '(top level)'} (a key)` : field || '(top level)',
  };
}

/** Every credential in the strings of a parsed session: messages, name, tags, metadata, the rest. */
export function scanSession(session: object): Finding[] {
  const findings: Finding[] = [];
  const collect = (isKey: boolean) => (text: string, path: readonly PathPart[]) => {
    for (const m of scanText(text))
      findings.push({ ...place(path, isKey), kind: m.kind, preview: maskSecret(m.value) });
    return undefined;
  };
  walkStrings(session, collect(false), collect(true));
  return findings;
}

/** A copy of the raw session with every finding redacted; other fields and counts unchanged. */
export function redactSession(raw: Record<string, unknown>): {
  raw: Record<string, unknown>;
  redacted: number;
} {
  let redacted = 0;
  const redactOne = (text: string) => {
    const matches = scanText(text);
    if (matches.length === 0) return undefined;
    redacted += matches.length;
    return redactText(text, matches);
  };
  const out = walkStrings(raw, redactOne, redactOne) as Record<string, unknown>;
  return { raw: out, redacted };
}

interface Hit {
  start: number;
  end: number;
  path: PathPart[];
  isKey: boolean;
  value: string;
  matches: TextMatch[];
}

/**
 * The strings of a session file's text that hold a credential, each with its offsets: every
 * string the file holds, a key or a value, a member given twice included.
 */
function hitsIn(text: string): Hit[] {
  const hits: Hit[] = [];
  // per open container: where its hits begin, and its `type` when an object has one
  const frames: { hitsAt: number; type: string | undefined }[] = [];
  walkJsonText(text, {
    open() {
      frames.push({ hitsAt: hits.length, type: undefined });
    },
    close(kind, depth, path) {
      const frame = frames.pop();
      if (kind === 'object' && frame && isReasoningItem(path.slice(0, depth - 1), frame.type))
        hits.length = frame.hitsAt;
    },
    string(start, end, path, isKey) {
      if (!isKey && path[path.length - 1] === 'type') {
        const frame = frames[frames.length - 1];
        if (frame) frame.type = decodeJsonString(text, start, end);
      }
      // the shortest credential a rule finds (`pwd=` and 8 characters) is longer than this
      if (end - start - 2 < 12 || isEncrypted(path)) return;
      const value = decodeJsonString(text, start, end);
      const matches = scanText(value);
      if (matches.length > 0) hits.push({ start, end, path: [...path], isKey, value, matches });
    },
  });
  return hits;
}

/** Every credential in a session file's text, where it is, masked. */
export function scanSessionText(text: string): Finding[] {
  return hitsIn(text).flatMap((h) =>
    h.matches.map((m) => ({
      ...place(h.path, h.isKey),
      kind: m.kind,
      preview: maskSecret(m.value),
    })),
  );
}

/**
 * The session file's text with every credential replaced by `[REDACTED:<kind>]`: only the strings
 * that held one change, every other byte is kept.
 */
export function redactSessionText(text: string): { text: string; redacted: number } {
  let out = '';
  let from = 0;
  let redacted = 0;
  for (const h of hitsIn(text)) {
    out += text.slice(from, h.start) + JSON.stringify(redactText(h.value, h.matches));
    from = h.end;
    redacted += h.matches.length;
  }
  return { text: out + text.slice(from), redacted };
}
