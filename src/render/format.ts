/** Formatting of numbers, times and text for tables. Pure. */

/** The word for `n` of a thing: 'session' for 1, 'sessions' (or `many`) for any other count. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/**
 * 1234567 → "1,234,567". By hand: the first toLocaleString of a process loads ICU's locale data,
 * about 25 ms of a warm command's run.
 */
export function formatInt(n: number): string {
  const r = Math.round(n);
  // Past 1e21 String() switches to exponent notation: rare enough to pay for the locale.
  if (!(Math.abs(r) < 1e21)) return r.toLocaleString('en-US');
  return `${r < 0 ? '-' : ''}${String(Math.abs(r)).replace(/\B(?=(\d{3})+$)/g, ',')}`;
}

/** 1234 → "1.2k", 2_500_000 → "2.5M". */
export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1_000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

/** 3_725_000 → "1h 02m", 95_000 → "1m 35s", 4_200 → "4s". */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`;
}

/** "2025-11-05 14:30" in UTC. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatUsd(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.01) return `$${n.toFixed(4)}`;
  return `$${n.toFixed(2)}`;
}

/** Cuts to `width` characters (by code point, never splitting a surrogate pair), with an ellipsis. */
export function truncate(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** The symbol a control character is shown as: ␛ for ESC, ␍ for CR, ␡ for DEL, � past those. */
function controlPicture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  return code === 0x7f ? '\u2421' : '\ufffd';
}

/**
 * One of the colour codes grok writes (render/color.ts: bold, dim, red, green, yellow, cyan and
 * their ends), or one control character but tab and newline.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /\u001b\[(?:1|2|22|31|32|33|36|39)m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from a session made safe to print on a terminal: control characters other than tab and
 * newline are shown as symbols, so no escape sequence a session holds (a tool's raw output) moves
 * the cursor, retitles the window, hides text or writes the clipboard. With `keepColour` (colour
 * on), the colour codes grok writes stay; a session holding the same ones can only colour text.
 */
export function printable(text: string, keepColour = false): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(CONTROL, (m) =>
      m.length > 1 ? (keepColour ? m : controlPicture(m) + m.slice(1)) : controlPicture(m),
    );
}

/** One line: newlines and runs of white space folded to single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A horizontal bar of `width` cells for value/max. */
export function bar(value: number, max: number, width = 30): string {
  if (max <= 0 || value <= 0) return '';
  const cells = Math.max(1, Math.round((value / max) * width));
  return '█'.repeat(Math.min(width, cells));
}
