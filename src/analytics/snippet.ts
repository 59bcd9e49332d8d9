/** The snippet shown for a search hit: the match with some context, on one line. Pure. */

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
  const at = flat.toLowerCase().indexOf(needle.toLowerCase());
  if (at < 0 || needle.length === 0) return undefined;
  let from = Math.max(0, at - context);
  let to = Math.min(flat.length, at + needle.length + context);
  const isLow = (i: number) => i > 0 && i < flat.length && /[\udc00-\udfff]/.test(flat[i] ?? '');
  if (isLow(from)) from--;
  if (isLow(to)) to++;
  const head = from > 0 ? '…' : '';
  const tail = to < flat.length ? '…' : '';
  return {
    text: `${head}${flat.slice(from, to)}${tail}`,
    start: head.length + at - from,
    end: head.length + at - from + needle.length,
  };
}

/** The snippet with its match marked: colour on a terminal, else [brackets]. */
export function highlight(s: Snippet, mark: (match: string) => string): string {
  return `${s.text.slice(0, s.start)}${mark(s.text.slice(s.start, s.end))}${s.text.slice(s.end)}`;
}
