/**
 * Finding credentials in text, and in the strings of a session (message content, tool
 * parameters, tool results). Pure.
 */
import type { Session } from '../session/schema.js';
import { SECRET_RULES, type SecretRule } from './rules.js';

export interface TextMatch {
  kind: string;
  start: number;
  end: number;
  /** The secret's own text (never printed: see maskSecret). */
  value: string;
}

export interface Finding {
  messageIndex: number;
  /** `content`, `toolCalls[0].parameters.command`, `toolCalls[1].result[3]` ... */
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

/** Every credential in `text`, left to right; where two rules overlap, the first (longest) wins. */
export function scanText(text: string, rules: readonly SecretRule[] = SECRET_RULES): TextMatch[] {
  const all = rules.flatMap((rule) => matchesOf(rule, text));
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

type Visit = (text: string, path: string) => string | undefined;

/**
 * Walks every string under `value` in order, calling `visit`; a returned string replaces the
 * original, in a copy. Without recursion: a tool result nested thousands of levels deep is JSON
 * that JSON.parse reads, and one such file must not stop a scan of every session.
 */
function walkStrings(value: unknown, path: string, visit: Visit): unknown {
  const root: Record<string, unknown> = { value };
  const todo: {
    holder: Record<string, unknown> | unknown[];
    key: string | number;
    path: string;
  }[] = [{ holder: root, key: 'value', path }];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const { holder, key } = next;
    const v = (holder as Record<string | number, unknown>)[key];
    let copy: Record<string, unknown> | unknown[] | undefined;
    if (typeof v === 'string') {
      (holder as Record<string | number, unknown>)[key] = visit(v, next.path) ?? v;
    } else if (Array.isArray(v)) {
      copy = v.slice();
      for (let i = copy.length - 1; i >= 0; i--)
        todo.push({ holder: copy, key: i, path: `${next.path}[${i}]` });
    } else if (v !== null && typeof v === 'object') {
      copy = { ...(v as Record<string, unknown>) };
      const keys = Object.keys(copy);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        todo.push({ holder: copy, key: k, path: next.path ? `${next.path}.${k}` : k });
      }
    }
    if (copy !== undefined) (holder as Record<string | number, unknown>)[key] = copy;
  }
  return root.value;
}

/** The places of a message that are scanned: its content and each tool call's parameters and result. */
function visitMessage(message: Record<string, unknown>, visit: Visit): Record<string, unknown> {
  const out = { ...message };
  if (typeof message.content === 'string')
    out.content = visit(message.content, 'content') ?? message.content;
  if (Array.isArray(message.toolCalls)) {
    out.toolCalls = message.toolCalls.map((call: Record<string, unknown>, i: number) => {
      const c = { ...call };
      for (const key of ['parameters', 'result'] as const) {
        if (key in call) c[key] = walkStrings(call[key], `toolCalls[${i}].${key}`, visit);
      }
      return c;
    });
  }
  return out;
}

export function scanSession(session: Pick<Session, 'messages'>): Finding[] {
  const findings: Finding[] = [];
  session.messages.forEach((message, messageIndex) => {
    visitMessage(message as Record<string, unknown>, (text, field) => {
      for (const m of scanText(text))
        findings.push({ messageIndex, field, kind: m.kind, preview: maskSecret(m.value) });
      return undefined;
    });
  });
  return findings;
}

/** A copy of the raw session with every finding redacted; other fields and counts unchanged. */
export function redactSession(raw: Record<string, unknown>): {
  raw: Record<string, unknown>;
  redacted: number;
} {
  let redacted = 0;
  const messages = Array.isArray(raw.messages) ? raw.messages : [];
  const out = messages.map((message: Record<string, unknown>) =>
    visitMessage(message, (text) => {
      const matches = scanText(text);
      if (matches.length === 0) return undefined;
      redacted += matches.length;
      return redactText(text, matches);
    }),
  );
  return { raw: { ...raw, messages: out }, redacted };
}
