/**
 * The index's fast path through a session file: a JSON reader that builds only what the index
 * reads (roles, times, usage and calls, tool names and whether each failed, names, tags, status,
 * the head of each message's text) and validates the rest without building it. The large strings
 * (message content, tool parameters and results) are walked from quote to quote and backslash to
 * backslash with native indexOf, not copied.
 *
 * It answers only for a file it fully understands: valid JSON in the runtime's layout (no tab,
 * carriage return or other control character anywhere, no `__proto__` key) whose session the
 * hand-written check (check.ts) accepts. Anything else is `undefined`, and the caller takes the
 * full path (JSON.parse and the check), which names the problem. test/analytics/fast-path.test.ts
 * holds the two paths to the same rows over fixtures, generated and damaged files.
 */
import { isSession } from './check.js';
import type { Session } from './schema.js';

/** How much of a message's text is kept: more than the index reads of it (FIRST_USER_CHARS × 4). */
export const CONTENT_HEAD = 1200;
/** How much of a string tool result is kept: enough to tell "Error" / "error:" at its start. */
const RESULT_HEAD = 16;

/** Thrown (and caught below) where the fast path does not answer. */
const MISS = new Error('not for the fast path');

enum Mode {
  Full,
  Skip,
  Messages,
  Message,
  ToolCalls,
  ToolCall,
  Content,
  Result,
  ResultKeys,
}

const TOP_FULL = new Set([
  'sessionId',
  'startTime',
  'endTime',
  'model',
  'tokenUsage',
  'metadata',
  'name',
  'tags',
  'status',
  'forkedFrom',
]);
const MESSAGE_FULL = new Set(['role', 'timestamp', 'usage', 'calls', 'interrupted']);

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** Control characters: JSON allows none in a string, and the runtime writes none between tokens. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters it looks for
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

const ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  throw MISS;
}

class Reader {
  private i = 0;
  /** The next quote, backslash and newline at or after some earlier position (Infinity: none). */
  private quote = -1;
  private backslash = -1;
  private newline = -1;

  constructor(private readonly s: string) {}

  private next(ch: string, from: number): number {
    const at = this.s.indexOf(ch, from);
    return at < 0 ? Number.POSITIVE_INFINITY : at;
  }

  private ws(): void {
    const { s } = this;
    let i = this.i;
    for (let c = s.charCodeAt(i); c === 0x20 || c === 0x0a; c = s.charCodeAt(++i));
    this.i = i;
  }

  private expect(code: number): void {
    if (this.s.charCodeAt(this.i) !== code) throw MISS;
    this.i++;
  }

  /** The string at the cursor, decoded up to `limit` code units (the rest validated only). */
  private string(limit: number): string {
    const { s } = this;
    this.expect(0x22);
    const start = this.i;
    let p = start;
    let out = '';
    for (;;) {
      if (this.quote < p) this.quote = this.next('"', p);
      if (this.backslash < p) this.backslash = this.next('\\', p);
      const q = this.quote;
      const b = this.backslash;
      if (q === Number.POSITIVE_INFINITY) throw MISS;
      if (q < b) {
        if (out.length < limit) out += s.slice(p, Math.min(q, p + limit - out.length));
        p = q;
        break;
      }
      if (out.length < limit) out += s.slice(p, Math.min(b, p + limit - out.length));
      const e = s.charCodeAt(b + 1);
      let ch: string;
      if (e === 0x75) {
        let code = 0;
        for (let k = 2; k < 6; k++) code = code * 16 + hexDigit(s.charCodeAt(b + k));
        ch = String.fromCharCode(code);
        p = b + 6;
      } else {
        const known = ESCAPES[e];
        if (known === undefined) throw MISS;
        ch = known;
        p = b + 2;
      }
      if (out.length < limit) out += ch;
    }
    if (this.newline < start) this.newline = this.next('\n', start);
    if (this.newline < p) throw MISS;
    this.i = p + 1;
    return out;
  }

  private number(): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m === null) throw MISS;
    this.i = NUMBER.lastIndex;
    return Number(m[0]);
  }

  private literal(word: string, value: boolean | null): boolean | null {
    if (!this.s.startsWith(word, this.i)) throw MISS;
    this.i += word.length;
    return value;
  }

  private object(field: (key: string) => Mode): Record<string, unknown> {
    this.expect(0x7b);
    const o: Record<string, unknown> = {};
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return o;
    }
    for (;;) {
      this.ws();
      const key = this.string(Number.POSITIVE_INFINITY);
      if (key === '__proto__') throw MISS;
      this.ws();
      this.expect(0x3a);
      this.ws();
      o[key] = this.value(field(key));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x7d) return o;
      if (c !== 0x2c) throw MISS;
    }
  }

  private array(item: Mode): unknown[] {
    this.expect(0x5b);
    const a: unknown[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return a;
    }
    for (;;) {
      this.ws();
      a.push(this.value(item));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x5d) return a;
      if (c !== 0x2c) throw MISS;
    }
  }

  value(mode: Mode): unknown {
    const c = this.s.charCodeAt(this.i);
    switch (mode) {
      case Mode.Messages:
        if (c !== 0x5b) throw MISS;
        return this.array(Mode.Message);
      case Mode.Message:
        if (c !== 0x7b) throw MISS;
        return this.object(messageField);
      case Mode.ToolCalls:
        if (c !== 0x5b) throw MISS;
        return this.array(Mode.ToolCall);
      case Mode.ToolCall:
        if (c !== 0x7b) throw MISS;
        return this.object(toolCallField);
      case Mode.Content:
        if (c === 0x22) return this.string(CONTENT_HEAD);
        if (c !== 0x6e) throw MISS;
        return this.literal('null', null);
      case Mode.Result:
        if (c === 0x22) return this.string(RESULT_HEAD);
        if (c === 0x7b) return this.object(() => Mode.Skip);
        this.value(Mode.Skip);
        return 0;
      default:
        break;
    }
    const skip = mode === Mode.Skip;
    switch (c) {
      case 0x22: {
        const v = this.string(skip ? 0 : Number.POSITIVE_INFINITY);
        return skip ? 0 : v;
      }
      case 0x7b: {
        const v = this.object(() => mode);
        return skip ? 0 : v;
      }
      case 0x5b: {
        const v = this.array(mode);
        return skip ? 0 : v;
      }
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  session(): unknown {
    this.ws();
    const top = this.object((key) =>
      key === 'messages' ? Mode.Messages : TOP_FULL.has(key) ? Mode.Full : Mode.Skip,
    );
    this.ws();
    if (this.i !== this.s.length) throw MISS;
    return top;
  }
}

function messageField(key: string): Mode {
  if (key === 'content') return Mode.Content;
  if (key === 'toolCalls') return Mode.ToolCalls;
  return MESSAGE_FULL.has(key) ? Mode.Full : Mode.Skip;
}

function toolCallField(key: string): Mode {
  if (key === 'result') return Mode.Result;
  return key === 'tool' || key === 'id' ? Mode.Full : Mode.Skip;
}

/**
 * The session of a file's text as far as the index reads it, or undefined where the full path
 * must decide. Message text is cut to CONTENT_HEAD, tool results to their head (or an object's
 * keys), tool parameters and fields the index does not read stand as 0: fit for the index's rows
 * (session-rows.ts, without text), for nothing else.
 */
export function readIndexFields(text: string): Session | undefined {
  if (CONTROL.test(text)) return undefined;
  try {
    const s = new Reader(text).session();
    return isSession(s) ? s : undefined;
  } catch {
    return undefined;
  }
}
