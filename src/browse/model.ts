/**
 * The session browser's pure part (grok sessions browse): its rows, the filter typed over them,
 * their order, the columns that fit a window, and the lines of the preview and of the whole
 * conversation. No terminal and no files here: src/browse/app.ts draws what this computes.
 */
import stringWidth from 'string-width';
import {
  formatDateTime,
  formatDuration,
  formatInt,
  formatTokens,
  formatUsd,
  printable,
} from '../render/format.js';
import type { Session } from '../session/schema.js';

/** A session as the browser lists it (queries/internal/browse-sessions.sql, plus its cost). */
export interface BrowseRow {
  file: string;
  /** The archive holding it, for an archived session. */
  archive: string | null;
  sessionId: string;
  name: string | null;
  tags: string[];
  startTime: string;
  lastActivity: string | null;
  durationMs: number | null;
  model: string;
  status: string | null;
  workingDirectory: string;
  messages: number;
  toolCalls: number;
  input: number;
  output: number;
  total: number;
  interrupted: boolean;
  firstUser: string | null;
  /** USD, billed and estimated parts together; null when nothing of it has a price. */
  cost: number | null;
  /** Some of it estimated from the price table (the rest billed by xAI). */
  costEstimated: boolean;
}

export const SORTS = ['newest', 'tokens', 'cost'] as const;
export type SortKey = (typeof SORTS)[number];

export function nextSort(key: SortKey): SortKey {
  return SORTS[(SORTS.indexOf(key) + 1) % SORTS.length] as SortKey;
}

/** What a row is called in the list: its name, else its first user message. */
export function title(row: BrowseRow): string {
  return row.name ?? row.firstUser ?? '(no user message)';
}

export function idOf(row: BrowseRow): string {
  return row.file.replace(/\.json$/, '');
}

/** How `term` matches `text` (both lower case): 2 as a substring, 1 as a subsequence, 0 not. */
export function matchKind(term: string, text: string): 0 | 1 | 2 {
  if (text.includes(term)) return 2;
  let at = 0;
  for (const c of term) {
    at = text.indexOf(c, at);
    if (at < 0) return 0;
    at += c.length;
  }
  return 1;
}

const haystacks = new WeakMap<BrowseRow, string>();

/** What the filter looks in: name, id, tags, directory and first user message. */
function haystack(row: BrowseRow): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    text = [row.name ?? '', row.sessionId, idOf(row), row.tags.join(' '), row.workingDirectory]
      .concat(row.firstUser ?? '')
      .join('\n')
      .toLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

/**
 * The rows the typed filter keeps, in their order: every word of it must match (fuzzily: its
 * letters in order). Rows where each word is found whole come first.
 */
export function filterRows(rows: readonly BrowseRow[], filter: string): BrowseRow[] {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...rows];
  const whole: BrowseRow[] = [];
  const fuzzy: BrowseRow[] = [];
  for (const row of rows) {
    const text = haystack(row);
    let kind = 2;
    for (const t of terms) {
      kind = Math.min(kind, matchKind(t, text));
      if (kind === 0) break;
    }
    if (kind === 2) whole.push(row);
    else if (kind === 1) fuzzy.push(row);
  }
  return whole.concat(fuzzy);
}

export function sortRows(rows: readonly BrowseRow[], key: SortKey): BrowseRow[] {
  // start times as the index writes them (ISO, UTC, to the millisecond) order as text does
  const newest = (a: BrowseRow, b: BrowseRow) =>
    a.startTime < b.startTime
      ? 1
      : a.startTime > b.startTime
        ? -1
        : a.file < b.file
          ? 1
          : a.file > b.file
            ? -1
            : 0;
  const compare =
    key === 'tokens'
      ? (a: BrowseRow, b: BrowseRow) => b.total - a.total || newest(a, b)
      : key === 'cost'
        ? (a: BrowseRow, b: BrowseRow) => (b.cost ?? -1) - (a.cost ?? -1) || newest(a, b)
        : newest;
  return [...rows].sort(compare);
}

/** Only the sessions recorded in `dir` (the current directory). */
export function inDirectory(rows: readonly BrowseRow[], dir: string): BrowseRow[] {
  return rows.filter((r) => r.workingDirectory === dir);
}

/** `text` after the keys of `input`: characters added, backspace (DEL or BS) taking one away. */
export function edited(text: string, input: string): string {
  let out = Array.from(text);
  for (const ch of input) {
    if (ch === '\u007f' || ch === '\b') out = out.slice(0, -1);
    else if (!/\p{Cc}/u.test(ch)) out.push(ch);
  }
  return out.join('');
}

// ---- text that fits ----

/** Text cut to `width` terminal cells (wide characters count two), with an ellipsis. */
export function fitWidth(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** `text` fitted and padded to exactly `width` cells. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = fitWidth(text, width);
  const pad = ' '.repeat(Math.max(0, width - stringWidth(t)));
  return align === 'right' ? pad + t : t + pad;
}

/** Session text as one line a terminal shows as it is: controls as symbols, spaces folded. */
export function flat(text: string): string {
  return printable(text.replace(/\s+/g, ' ').trim());
}

/** Text broken into lines of at most `width` cells: at spaces where it can, anywhere else. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const raw of printable(text).replace(/\t/g, '  ').split('\n')) {
    let line = '';
    let used = 0;
    for (const word of raw.split(/(?<= )/)) {
      const w = stringWidth(word);
      // a space that ends a line is dropped: it needs no room
      if (used + stringWidth(word.trimEnd()) <= width) {
        line += word;
        used += w;
        continue;
      }
      if (stringWidth(word.trimEnd()) <= width && used > 0) {
        lines.push(line.trimEnd());
        line = word;
        used = w;
        continue;
      }
      for (const ch of word) {
        const cw = stringWidth(ch);
        if (used + cw > width) {
          lines.push(line.trimEnd());
          line = '';
          used = 0;
        }
        line += ch;
        used += cw;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

// ---- the list's columns ----

export interface Column {
  key: 'title' | 'when' | 'model' | 'tokens' | 'cost' | 'tags' | 'dir';
  header: string;
  width: number;
  align: 'left' | 'right';
}

interface ColumnSpec {
  key: Column['key'];
  header: string;
  min: number;
  max: number;
  align: 'left' | 'right';
}

/** In the order they are dropped last to first as the window narrows (title and when stay). */
const SPECS: ColumnSpec[] = [
  { key: 'title', header: 'SESSION', min: 24, max: 60, align: 'left' },
  { key: 'when', header: 'STARTED (UTC)', min: 16, max: 16, align: 'left' },
  { key: 'tokens', header: 'TOKENS', min: 6, max: 6, align: 'right' },
  { key: 'cost', header: 'COST', min: 7, max: 8, align: 'right' },
  { key: 'model', header: 'MODEL', min: 10, max: 18, align: 'left' },
  { key: 'dir', header: 'DIRECTORY', min: 12, max: 40, align: 'left' },
  { key: 'tags', header: 'TAGS', min: 6, max: 20, align: 'left' },
];

/** The list's prefix: the highlight mark and a space. */
export const MARK_WIDTH = 2;
const GAP = 2;

/** The columns that fit `width` cells, widened toward their maximum, title first. */
export function columnsFor(width: number): Column[] {
  const chosen: ColumnSpec[] = [];
  let used = MARK_WIDTH;
  for (const spec of SPECS) {
    const need = spec.min + (chosen.length > 0 ? GAP : 0);
    if (chosen.length >= 2 && used + need > width) continue;
    chosen.push(spec);
    used += need;
  }
  const widths = chosen.map((c) => c.min);
  let spare = width - used;
  // what is left goes to the title up to 40 cells, the small columns, half the rest to the
  // directory, the tags; the title takes the remainder
  const grow = (key: Column['key'], upTo: number, share = 1) => {
    const i = chosen.findIndex((c) => c.key === key);
    if (i < 0 || spare <= 0) return;
    const by = Math.max(0, Math.min(upTo - (widths[i] as number), Math.floor(spare * share)));
    widths[i] = (widths[i] as number) + by;
    spare -= by;
  };
  grow('model', 16);
  grow('title', 40);
  grow('model', 18);
  grow('cost', 8);
  grow('dir', 40, 0.5);
  grow('tags', 20);
  // what is left, or what is missing in a window too narrow for the title's minimum
  const t = chosen.findIndex((c) => c.key === 'title');
  if (t >= 0) widths[t] = Math.max(1, (widths[t] as number) + spare);
  return chosen.map((c, i) => ({
    key: c.key,
    header: c.header,
    width: Math.max(1, widths[i] as number),
    align: c.align,
  }));
}

function cellText(row: BrowseRow, key: Column['key']): string {
  switch (key) {
    case 'title':
      return flat(title(row));
    case 'when':
      return formatDateTime(row.startTime);
    case 'model':
      return flat(row.model);
    case 'tokens':
      return formatTokens(row.total);
    case 'cost':
      // an estimate is marked, as the cost commands mark it
      return row.cost === null ? '-' : `${row.costEstimated ? '~' : ''}${formatUsd(row.cost)}`;
    case 'tags':
      return flat(row.tags.join(' '));
    case 'dir':
      return flat(row.workingDirectory);
  }
}

/** One list line (without the mark), exactly as wide as the columns. */
export function rowLine(row: BrowseRow, columns: readonly Column[]): string {
  return columns.map((c) => cell(cellText(row, c.key), c.width, c.align)).join(' '.repeat(GAP));
}

export function headerLine(columns: readonly Column[]): string {
  return columns.map((c) => cell(c.header, c.width, c.align)).join(' '.repeat(GAP));
}

// ---- preview and conversation ----

export type Style = 'title' | 'dim' | 'mark' | 'warn' | 'role';

/** A piece of a line drawn in one style. */
export interface Segment {
  text: string;
  style?: Style | undefined;
}
export type Line = Segment[];

const plain = (text: string, style?: Style): Line => [{ text, style }];

/** A search hit shown in the preview: the text around the match, and where the match is. */
export interface Hit {
  where: string;
  text: string;
  start: number;
  end: number;
}

/** Lines of at most `width` cells from `text`, at most `max` of them (the last says it is cut). */
function clipped(text: string, width: number, max: number, style?: Style): Line[] {
  const lines = wrap(text, width);
  const out = lines.slice(0, max).map((l) => plain(l, style));
  if (lines.length > max) out[max - 1] = plain(fitWidth(`${lines[max - 1] ?? ''} …`, width), style);
  return out;
}

/** A hit on one line, its match marked, cut to `width` around the match. */
export function hitLine(hit: Hit, width: number): Line {
  const label = `${hit.where}: `;
  const room = Math.max(8, width - stringWidth(label));
  const before = flat(hit.text.slice(0, hit.start));
  const match = flat(hit.text.slice(hit.start, hit.end));
  const after = flat(hit.text.slice(hit.end));
  // keep the match in view: cut what is before it to a third of the room
  const keep = Math.max(0, Math.floor(room / 3));
  const head =
    stringWidth(before) > keep
      ? `…${Array.from(before)
          .slice(-keep + 1)
          .join('')}`
      : before;
  const m = fitWidth(match, Math.max(1, room - stringWidth(head)));
  const tail = fitWidth(after, Math.max(0, room - stringWidth(head) - stringWidth(m)));
  const line: Line = [
    { text: label, style: 'dim' },
    { text: head ? `${head} ` : '' },
    { text: m, style: 'mark' },
    { text: tail ? ` ${tail}` : '' },
  ];
  return line;
}

function toolSummary(session: Session): string {
  const counts = new Map<string, number>();
  for (const m of session.messages)
    for (const c of m.toolCalls ?? []) counts.set(c.tool, (counts.get(c.tool) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([tool, n]) => (n > 1 ? `${tool} ×${n}` : tool))
    .join(', ');
}

export interface PreviewInput {
  row: BrowseRow;
  /** The session file, when read (a live session); undefined while it loads or when archived. */
  session?: Session | undefined;
  /** Why it could not be read. */
  error?: string | undefined;
  /** Search hits in this session. */
  hits?: readonly Hit[] | undefined;
  cwd: string;
}

/** The preview of the highlighted session: at most `height` lines of at most `width` cells. */
export function previewLines(p: PreviewInput, width: number, height: number): Line[] {
  const { row, session } = p;
  const out: Line[] = [];
  const add = (line: Line) => out.push(line);
  add(plain(fitWidth(`${flat(row.name ?? '(unnamed)')} · ${idOf(row)}`, width), 'title'));
  const status = row.archive
    ? `archived in ${row.archive}`
    : (row.status ?? (row.interrupted ? 'interrupted' : 'unknown'));
  add(
    plain(
      fitWidth(
        `${flat(row.model)} · ${formatDateTime(row.startTime)} UTC · ${formatDuration(row.durationMs)} · ${status}`,
        width,
      ),
    ),
  );
  add(
    plain(
      fitWidth(
        `${formatInt(row.total)} tokens (${formatInt(row.input)} in, ${formatInt(row.output)} out) · ${row.cost === null ? 'no price' : `${formatUsd(row.cost)} ${row.costEstimated ? 'estimated' : 'billed'}`} · ${row.messages} messages · ${row.toolCalls} tool calls`,
        width,
      ),
    ),
  );
  const elsewhere = row.workingDirectory !== p.cwd ? '  (not the current directory)' : '';
  add([
    { text: fitWidth(flat(row.workingDirectory), width - elsewhere.length) },
    { text: elsewhere, style: 'dim' },
  ]);
  if (row.tags.length > 0) add(plain(fitWidth(`tags: ${flat(row.tags.join(', '))}`, width), 'dim'));
  if (p.hits && p.hits.length > 0) {
    add(plain(`matches (${p.hits.length}):`, 'role'));
    for (const h of p.hits.slice(0, Math.max(1, Math.floor((height - out.length) / 2))))
      add(hitLine(h, width));
  }
  if (p.error) {
    add(plain(fitWidth(p.error, width), 'warn'));
    return out.slice(0, height);
  }
  if (!session) {
    if (!row.archive) add(plain('…', 'dim'));
    return out.slice(0, height);
  }
  const tools = toolSummary(session);
  if (tools) add(plain(fitWidth(`tools: ${flat(tools)}`, width), 'dim'));
  const firstUser = session.messages.find((m) => m.role === 'user' && m.content);
  const last = [...session.messages]
    .reverse()
    .find((m) => (m.role === 'assistant' || m.role === 'user') && m.content && m !== firstUser);
  const room = height - out.length;
  if (firstUser && room > 1) {
    const n = last ? Math.max(1, Math.floor((room - 2) / 2)) : room - 1;
    add(plain('first message (user):', 'role'));
    for (const l of clipped(firstUser.content ?? '', width, n)) add(l);
  }
  const left = height - out.length;
  if (last && left > 1) {
    add(plain(`last message (${last.role}):`, 'role'));
    for (const l of clipped(last.content ?? '', width, left - 1)) add(l);
  }
  return out.slice(0, height);
}

/** A tool call's parameters or result as text: a string as it is, anything else as JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[nested too deeply to show]';
  }
}

/** Every message of a session, tool calls and results included, as lines of `width` cells. */
export function conversationLines(session: Session, width: number): Line[] {
  const out: Line[] = [];
  session.messages.forEach((m, i) => {
    const when = m.timestamp ? ` · ${formatDateTime(m.timestamp)}` : '';
    out.push(plain(fitWidth(`[${i}] ${m.role}${when}`, width), 'role'));
    if (m.content) for (const l of wrap(m.content, width)) out.push(plain(l));
    for (const call of m.toolCalls ?? []) {
      const params = call.parameters === undefined ? '' : valueText(call.parameters);
      for (const l of wrap(`→ ${call.tool} ${params}`, width)) out.push(plain(l, 'dim'));
      if (call.result !== undefined) {
        for (const l of wrap(valueText(call.result), width - 2)) out.push(plain(`  ${l}`, 'dim'));
      }
    }
    out.push([]);
  });
  return out;
}
