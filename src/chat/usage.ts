/**
 * What one API call used and cost, read from the usage the server sent, and the sums kept on a
 * message and a session. Nothing is recomputed: `input` is the server's prompt/input tokens (cached
 * ones included, as xAI counts them), `total` its total_tokens and `output` = total − input, so
 * reasoning is inside output whichever way the server counts it (xAI leaves reasoning out of
 * chat completions' completion_tokens but counts it in total_tokens). `costUsdTicks` is xAI's
 * billed cost (usage.cost_in_usd_ticks, 1 USD = 1e10 ticks), kept only when the server sent it.
 * Source: https://docs.x.ai/developers/cost-tracking (read 2026-12-05).
 */

export interface Usage {
  input: number;
  output: number;
  total: number;
  cachedInput?: number;
  reasoning?: number;
  costUsdTicks?: number;
}

/** A call's usage: every field known (costUsdTicks only when billed). */
export interface CallUsage extends Usage {
  cachedInput: number;
  reasoning: number;
}

export const TICKS_PER_USD = 10_000_000_000;

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object'
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

function callUsage(
  input: number,
  total: number,
  cached: unknown,
  reasoning: unknown,
  ticks: unknown,
): CallUsage {
  const usage: CallUsage = {
    input,
    output: Math.max(0, total - input),
    total: Math.max(total, input),
    cachedInput: count(cached) ?? 0,
    reasoning: count(reasoning) ?? 0,
  };
  const cost = count(ticks);
  if (cost !== undefined) usage.costUsdTicks = cost;
  return usage;
}

/** Usage of a Responses API reply (`response.usage`); undefined when the server sent none. */
export function fromResponsesUsage(u: unknown): CallUsage | undefined {
  const input = count(field(u, 'input_tokens'));
  if (input === undefined) return undefined;
  const output = count(field(u, 'output_tokens')) ?? 0;
  return callUsage(
    input,
    count(field(u, 'total_tokens')) ?? input + output,
    field(field(u, 'input_tokens_details'), 'cached_tokens'),
    field(field(u, 'output_tokens_details'), 'reasoning_tokens'),
    field(u, 'cost_in_usd_ticks'),
  );
}

/** Usage of a chat completion (`usage`); undefined when the server sent none. */
export function fromChatUsage(u: unknown): CallUsage | undefined {
  const input = count(field(u, 'prompt_tokens'));
  if (input === undefined) return undefined;
  const completion = count(field(u, 'completion_tokens')) ?? 0;
  return callUsage(
    input,
    count(field(u, 'total_tokens')) ?? input + completion,
    field(field(u, 'prompt_tokens_details'), 'cached_tokens'),
    field(field(u, 'completion_tokens_details'), 'reasoning_tokens'),
    field(u, 'cost_in_usd_ticks'),
  );
}

/** Adds a call's usage into a sum; cost only from calls that reported it. */
export function addUsage(into: Usage, add: Usage): void {
  into.input += add.input;
  into.output += add.output;
  into.total += add.total;
  into.cachedInput = (into.cachedInput ?? 0) + (add.cachedInput ?? 0);
  into.reasoning = (into.reasoning ?? 0) + (add.reasoning ?? 0);
  if (add.costUsdTicks !== undefined)
    into.costUsdTicks = (into.costUsdTicks ?? 0) + add.costUsdTicks;
}

export function emptyUsage(): Usage {
  return { input: 0, output: 0, total: 0, cachedInput: 0, reasoning: 0 };
}

/** Ticks as exact dollars: 37756000 → "$0.0037756"; at least two decimals. */
export function formatTicks(ticks: number): string {
  const big = BigInt(ticks);
  const whole = big / BigInt(TICKS_PER_USD);
  const fraction = (big % BigInt(TICKS_PER_USD)).toString().padStart(10, '0').replace(/0+$/, '');
  return `$${whole.toLocaleString('en-US')}.${fraction.padEnd(2, '0')}`;
}

/** Ticks as a USD number, for JSON output (exact to the float's precision). */
export function ticksToUsd(ticks: number): number {
  return ticks / TICKS_PER_USD;
}
