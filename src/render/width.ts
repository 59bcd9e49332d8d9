/**
 * Display width: how many terminal columns text takes (wide characters two, combining marks and
 * colour codes none), the width output must fit, and cutting text to a width with an ellipsis.
 */
import stringWidth from 'string-width';

/** SGR colour codes, which take no room. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts a colour code
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Below this many columns a table cannot show enough to be read; a note points to --json. */
export const NARROWEST = 60;

/** Columns a line of text takes on a terminal. */
export function displayWidth(line: string): number {
  return PRINTABLE_ASCII.test(line) ? line.length : stringWidth(line.replace(SGR, ''));
}

/**
 * The width output has to fit: `COLUMNS` when it is set to a number, else the terminal's when
 * stdout is one; undefined when piped without COLUMNS (scripts get whole tables).
 */
export function outputWidth(
  env: NodeJS.ProcessEnv = process.env,
  stream: NodeJS.WriteStream = process.stdout,
): number | undefined {
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  if (Number.isFinite(columns) && columns > 0) return columns;
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  return undefined;
}

let segmenter: Intl.Segmenter | undefined;

/** The pieces text is cut between: colour codes whole, and characters as a reader sees them. */
function pieces(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (const m of text.matchAll(SGR)) {
    out.push(...graphemes(text.slice(at, m.index)), m[0]);
    at = m.index + m[0].length;
  }
  out.push(...graphemes(text.slice(at)));
  return out;
}

function graphemes(text: string): string[] {
  if (PRINTABLE_ASCII.test(text)) return text.split('');
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Where text is cut: its end, its middle (keeping both ends) or its start (keeping the end). */
export type CutAt = 'end' | 'middle' | 'start';

/**
 * `text` cut to at most `width` columns, with `…` where something was cut: at the end, in the
 * middle (`/home…/api-gateway`: of a path, the end says more) or at the start. Colour codes stay,
 * closed after the cut.
 */
export function cutToWidth(
  text: string,
  width: number,
  { from = 'end' }: { from?: CutAt } = {},
): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const parts = pieces(text);
  const room = width - 1;
  const headRoom = from === 'middle' ? Math.floor(room / 3) : from === 'start' ? 0 : room;
  const take = (list: string[], budget: number): string[] => {
    const kept: string[] = [];
    let used = 0;
    for (const p of list) {
      const w = p.startsWith('\u001b') ? 0 : displayWidth(p);
      if (used + w > budget) break;
      kept.push(p);
      used += w;
    }
    return kept;
  };
  const head = take(parts, headRoom);
  const headWidth = displayWidth(head.join(''));
  const tail = from === 'end' ? [] : take([...parts].reverse(), room - headWidth).reverse();
  const coloured = parts.some((p) => p.startsWith('\u001b'));
  const close = coloured ? '\u001b[22m\u001b[39m' : '';
  return `${head.join('')}…${tail.join('')}${close}`;
}

/**
 * A line of a report (doctor's findings) held to the output width, cut in the middle: both the
 * start (what) and the end (the file, the fix) stay readable. Whole when piped.
 */
export function fitLine(line: string, width: number | undefined = outputWidth()): string {
  return width === undefined ? line : cutToWidth(line, width, { from: 'middle' });
}

/** A sentence (a total under a table) folded at spaces to the output width. Whole when piped. */
export function wrapWords(text: string, width: number | undefined = outputWidth()): string {
  if (width === undefined || displayWidth(text) <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && displayWidth(`${line} ${word}`) > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.map((l) => cutToWidth(l, width)).join('\n');
}

/**
 * Notes and warnings for stderr held to the output width: a line wider than it is folded at
 * spaces, its next lines indented two columns so it still reads as one note; a word wider than
 * the room (a long path) is broken, never cut, so it can still be copied whole. Whole when piped
 * without COLUMNS.
 */
export function wrapNotes(text: string, width: number | undefined = outputWidth()): string {
  if (width === undefined || width <= 0) return text;
  return text
    .split('\n')
    .map((line) => (displayWidth(line) <= width ? line : foldNote(line, width)))
    .join('\n');
}

function foldNote(line: string, width: number): string {
  // a line indented (a list under a heading) keeps its indent, and its next lines go two further
  const lead = /^ */.exec(line)?.[0] ?? '';
  const indent = width - lead.length > 20 ? `${lead}  ` : lead;
  const lines: string[] = [];
  let current = '';
  const room = () => width - (lines.length === 0 ? lead.length : indent.length);
  const push = () => {
    lines.push(`${lines.length === 0 ? lead : indent}${current}`);
    current = '';
  };
  for (const word of line.slice(lead.length).split(' ')) {
    const joined = current === '' ? word : `${current} ${word}`;
    if (displayWidth(joined) <= room()) {
      current = joined;
      continue;
    }
    if (current !== '') push();
    // a word wider than a whole line: broken where the line ends
    let rest = word;
    while (displayWidth(rest) > room()) {
      let head = '';
      for (const g of graphemes(rest)) {
        if (displayWidth(head + g) > room()) break;
        head += g;
      }
      if (head === '') break;
      current = head;
      push();
      rest = rest.slice(head.length);
    }
    current = rest;
  }
  if (current !== '' || lines.length === 0) push();
  return lines.join('\n');
}
