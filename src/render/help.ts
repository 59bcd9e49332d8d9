/**
 * Help text: titled sections of terms and their one-line descriptions, the descriptions folded
 * to the output width under their own column. Pure but for the default width.
 */
import { cutToWidth, displayWidth, outputWidth, wrapWords } from './width.js';

export interface HelpEntry {
  term: string;
  text: string;
}

export interface HelpSection {
  title?: string;
  /** Lines as they are. */
  lines?: string[];
  /** Terms and descriptions in two columns. */
  entries?: HelpEntry[];
  /** One line an entry: a description too long for the width is cut, not folded. */
  oneLine?: boolean;
}

const INDENT = '  ';
/** A term wider than this puts its description on the next line. */
const WIDEST_TERM = 32;

function entryLines(
  entries: readonly HelpEntry[],
  width: number | undefined,
  oneLine = false,
): string[] {
  const termWidth = Math.min(WIDEST_TERM, Math.max(0, ...entries.map((e) => displayWidth(e.term))));
  const column = INDENT.length + termWidth + 2;
  const room = width === undefined ? undefined : Math.max(20, width - column);
  const out: string[] = [];
  for (const { term, text } of entries) {
    const fitted =
      room === undefined ? text : oneLine ? cutToWidth(text, room) : wrapWords(text, room);
    const folded = fitted.split('\n');
    const first =
      displayWidth(term) > termWidth
        ? [`${INDENT}${term}`, `${' '.repeat(column)}${folded[0] ?? ''}`]
        : [`${INDENT}${term}${' '.repeat(termWidth - displayWidth(term) + 2)}${folded[0] ?? ''}`];
    out.push(...first, ...folded.slice(1).map((l) => `${' '.repeat(column)}${l}`));
  }
  return out.map((l) => l.trimEnd());
}

export function helpText(
  sections: readonly HelpSection[],
  width: number | undefined = outputWidth(),
): string {
  return sections
    .map((s) => {
      const body = [
        ...(s.lines ?? []),
        ...(s.entries ? entryLines(s.entries, width, s.oneLine) : []),
      ];
      return [...(s.title ? [`${s.title}:`] : []), ...body].join('\n');
    })
    .join('\n\n');
}
