/**
 * Walking the text of a JSON document that JSON.parse accepts, with the offsets of each value.
 * A rewrite that changes one field replaces that field's bytes and keeps every other byte; a
 * scan sees every string the file holds (a key given twice included, which JSON.parse hides).
 * Iterative: a value nested thousands deep is JSON that JSON.parse reads.
 */

export type PathPart = string | number;

export interface JsonEvents {
  /**
   * A string literal from `start` to `end` (quotes included). A value's `path` ends with its own
   * key or index; a key's ends with that key.
   */
  string?(start: number, end: number, path: readonly PathPart[], isKey: boolean): void;
  /** Any complete value, a container once it is closed. */
  value?(start: number, end: number, path: readonly PathPart[]): void;
  /** A container opened; `depth` counts it (the top level's is 1). */
  open?(kind: 'object' | 'array', depth: number): void;
  /** A container closed; `path` is still the path of its last member. */
  close?(kind: 'object' | 'array', depth: number, path: readonly PathPart[]): void;
}

const QUOTE = 34;
const BACKSLASH = 92;

/** The end (exclusive) of the string literal whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let at = text.indexOf('"', start + 1);
  while (at > 0) {
    let slashes = 0;
    for (let k = at - 1; text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return at + 1;
    at = text.indexOf('"', at + 1);
  }
  throw new SyntaxError(`unterminated string at offset ${start}`);
}

/** The value of the string literal `text.slice(start, end)`. */
export function decodeJsonString(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : inner;
}

/** White space, `,`, `]` or `}`: where a number, true, false or null ends. */
const endsBare = (c: number) =>
  c === 32 || c === 10 || c === 13 || c === 9 || c === 44 || c === 93 || c === 125;

export function walkJsonText(text: string, events: JsonEvents): void {
  const kinds: ('object' | 'array')[] = [];
  const starts: number[] = [];
  const path: PathPart[] = [];
  let expectKey = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
    } else if (c === 123 || c === 91) {
      // { [
      const kind = c === 123 ? 'object' : 'array';
      kinds.push(kind);
      starts.push(i);
      path.push(kind === 'array' ? 0 : '');
      expectKey = kind === 'object';
      events.open?.(kind, kinds.length);
      i++;
    } else if (c === 125 || c === 93) {
      // } ]
      const kind = kinds.pop() as 'object' | 'array';
      const start = starts.pop() as number;
      events.close?.(kind, kinds.length + 1, path);
      path.pop();
      expectKey = false;
      i++;
      events.value?.(start, i, path);
    } else if (c === 44) {
      // ,
      const depth = kinds.length - 1;
      if (kinds[depth] === 'array') path[depth] = (path[depth] as number) + 1;
      else expectKey = true;
      i++;
    } else if (c === 58) {
      // :
      i++;
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        path[path.length - 1] = decodeJsonString(text, i, end);
        expectKey = false;
        events.string?.(i, end, path, true);
      } else {
        events.string?.(i, end, path, false);
        events.value?.(i, end, path);
      }
      i = end;
    } else {
      // a number, true, false or null
      let end = i + 1;
      while (end < n && !endsBare(text.charCodeAt(end))) end++;
      events.value?.(i, end, path);
      i = end;
    }
  }
}

export interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

/** The members of the top-level object in the order written, and where its braces are. */
export function topLevelMembers(text: string): { members: Member[]; open: number; close: number } {
  const members: Member[] = [];
  let keyStart = -1;
  let open = -1;
  let close = -1;
  walkJsonText(text, {
    string(start, _end, path, isKey) {
      if (isKey && path.length === 1) keyStart = start;
    },
    value(start, end, path) {
      if (path.length === 1)
        members.push({ key: String(path[0]), keyStart, valueStart: start, valueEnd: end });
      else if (path.length === 0) [open, close] = [start, end - 1];
    },
  });
  return { members, open, close };
}
