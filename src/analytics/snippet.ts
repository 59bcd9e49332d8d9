/** The snippet shown for a search hit: the match with some context, on one line. Pure. */
import { cutToWidth, displayWidth } from '../render/width.js';

export interface Snippet {
  text: string;
  /** Where the match is inside `text` (code units). */
  start: number;
  end: number;
}

/**
 * Cuts `text` around the first case-insensitive occurrence of `needle`, `context` characters on
 * each side, folding white space so the snippet stays on one line. Never splits a surrogate pair.
 */
export function makeSnippet(text: string, needle: string, context = 40): Snippet | undefined {
  const flat = text.replace(/\s+/g, ' ');
  // white space in the needle folded as in the text: 'a  b' is found where 'a b' now stands
  const match = findFolded(flat, needle.replace(/\s+/g, ' '));
  if (match === undefined) return undefined;
  const { at, end: matchEnd } = match;
  let from = Math.max(0, at - context);
  let to = Math.min(flat.length, matchEnd + context);
  const isLow = (i: number) => i > 0 && i < flat.length && /[\udc00-\udfff]/.test(flat[i] ?? '');
  if (isLow(from)) from--;
  if (isLow(to)) to++;
  const head = from > 0 ? '…' : '';
  const tail = to < flat.length ? '…' : '';
  return {
    text: `${head}${flat.slice(from, to)}${tail}`,
    start: head.length + at - from,
    end: head.length + matchEnd - from,
  };
}

/**
 * Where `want` first occurs in `text`, case aside: [at, end) in `text`'s own code units. Lower-
 * casing the text to look in it would shift every place after a character whose lower case is
 * longer (İ becomes i + a combining dot), so each lowered character keeps where it came from.
 */
function findFolded(text: string, want: string): { at: number; end: number } | undefined {
  if (want.length === 0) return undefined;
  const wanted = want.toLowerCase();
  const whole = text.toLowerCase();
  if (whole.length === text.length) {
    // the common case: no character's lower case changed the length, places are the same
    const at = whole.indexOf(wanted);
    return at < 0 ? undefined : { at, end: at + wanted.length };
  }
  let lowered = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const size = cp > 0xffff ? 2 : 1;
    const low = String.fromCodePoint(cp).toLowerCase();
    lowered += low;
    for (let k = 0; k < low.length; k++) origin.push(i);
    i += size;
  }
  origin.push(text.length);
  const at = lowered.indexOf(wanted);
  if (at < 0) return undefined;
  const last = origin[at + wanted.length - 1] as number;
  const lastSize = (text.codePointAt(last) as number) > 0xffff ? 2 : 1;
  return { at: origin[at] as number, end: last + lastSize };
}

/** The snippet with its match marked: colour on a terminal, else [brackets]. */
export function highlight(s: Snippet, mark: (match: string) => string): string {
  return `${s.text.slice(0, s.start)}${mark(s.text.slice(s.start, s.end))}${s.text.slice(s.end)}`;
}

/**
 * The snippet for a cell `width` columns wide: the context before the match cut (from its start)
 * to a third of the width, so the match stays in sight when the cell cuts the rest.
 */
export function snippetFor(s: Snippet, width: number): Snippet {
  const before = s.text.slice(0, s.start);
  const lead = Math.max(1, Math.floor(width / 3));
  if (displayWidth(before) <= lead) return s;
  const kept = cutToWidth(before, lead, { from: 'start' });
  const shift = kept.length - before.length;
  return { text: kept + s.text.slice(s.start), start: s.start + shift, end: s.end + shift };
}
