/**
 * Changing top-level fields of a session file in its text: the bytes of the field's value are
 * replaced (or the field added before the closing brace) and every other byte stays as it was,
 * however the file was written (compact, another indentation, `\u00e9` escapes, a lone
 * surrogate's escape, numbers as written). Pure.
 */
import { topLevelMembers } from './json-text.js';

/**
 * The value as JSON, laid out as the file lays out its members: on lines of their own with the
 * file's indentation when its members are, compact otherwise.
 */
function formatValue(value: unknown, indent: string | undefined): string {
  if (indent === undefined) return JSON.stringify(value);
  // one more level of the file's own indentation (two spaces, a tab...) for what is inside
  return JSON.stringify(value, null, indent).replace(/\n/g, `\n${indent}`);
}

/** `text` with each of `fields` set at the top level; the rest of the text byte for byte. */
export function setTopLevelFields(text: string, fields: Record<string, unknown>): string {
  const { members, open, close } = topLevelMembers(text);
  if (open < 0 || close < 0) throw new Error('not a JSON object');
  const first = members[0];
  // how the file separates members: the white space before its first key, and after a colon
  const lead = first ? text.slice(open + 1, first.keyStart) : '';
  const newline = lead.lastIndexOf('\n');
  const indent = newline >= 0 ? lead.slice(newline + 1) : undefined;
  const colon = first
    ? text.slice(first.keyStart, first.valueStart).replace(/^"(?:[^"\\]|\\.)*"/, '')
    : ': ';
  const edits: { start: number; end: number; text: string }[] = [];
  const added: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    // the last of a key given twice is the one JSON.parse reads
    const at = members.filter((m) => m.key === key).pop();
    const json = formatValue(value, indent);
    if (at) edits.push({ start: at.valueStart, end: at.valueEnd, text: json });
    else added.push(`${JSON.stringify(key)}${colon}${json}`);
  }
  if (added.length > 0) {
    const last = members[members.length - 1];
    const sep = indent === undefined ? '' : `\n${indent}`;
    const at = last ? last.valueEnd : open + 1;
    const joined = added.map((a) => `${sep}${a}`).join(',');
    edits.push({ start: at, end: at, text: last ? `,${joined}` : `${joined}${sep ? '\n' : ''}` });
  }
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let from = 0;
  for (const e of edits) {
    out += text.slice(from, e.start) + e.text;
    from = e.end;
  }
  return out + text.slice(from);
}
