/**
 * The model's encrypted reasoning, which the chat runtime keeps on a reply
 * (`messages[].rounds[].reasoning[]`, items of `type: "reasoning"`, see src/chat/history.ts) to
 * send it back to the API: opaque data for xAI, not text for people. `show --json` and
 * `export --format json` leave its `encrypted_content` out unless asked (--reasoning).
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether a session's raw JSON holds encrypted reasoning. */
export function hasEncryptedReasoning(raw: unknown): boolean {
  return reasoningItems(raw).some((item) => 'encrypted_content' in item);
}

function reasoningItems(raw: unknown): Record<string, unknown>[] {
  if (!isObject(raw) || !Array.isArray(raw.messages)) return [];
  const out: Record<string, unknown>[] = [];
  for (const m of raw.messages) {
    if (!isObject(m) || !Array.isArray(m.rounds)) continue;
    for (const r of m.rounds) {
      if (!isObject(r) || !Array.isArray(r.reasoning)) continue;
      for (const item of r.reasoning) if (isObject(item)) out.push(item);
    }
  }
  return out;
}

/** A copy of the session's raw JSON without encrypted reasoning; the same object when it has none. */
export function withoutEncryptedReasoning<T>(raw: T): T {
  if (!hasEncryptedReasoning(raw)) return raw;
  const copy = structuredClone(raw);
  for (const item of reasoningItems(copy)) delete item.encrypted_content;
  return copy;
}
