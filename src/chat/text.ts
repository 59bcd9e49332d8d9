/**
 * Cutting text without breaking it. A UTF-16 slice can end between the two halves of an emoji;
 * the lone half left behind makes a file that JSON.parse accepts but jq 1.6 and DuckDB refuse.
 */

/** At most `max` UTF-16 units of `text`, never ending in half a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text.toWellFormed();
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).toWellFormed();
}

/** `text` cut to `max` with a note of how much was left out. */
export function limitText(text: string, max: number): string {
  if (text.length <= max) return text.toWellFormed();
  return `${cutText(text, max)}\n[... ${text.length - max} more characters not shown]`;
}

/** The usual rough estimate: four characters a token. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
