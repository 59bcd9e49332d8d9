/**
 * The API client: xAI's Responses API by default, or chat completions (`GROK_API=chat`, settings
 * `"api": "chat"`) for OpenAI-compatible servers without it. Retries are ours rather than the
 * SDK's so their delay can be set (tests use a few milliseconds) and so a failure ends in one line
 * that says what to do.
 */
import OpenAI from 'openai';
import { UserError } from '../errors.js';
import { plural } from '../render/format.js';
import type { Settings } from '../settings.js';

export const DEFAULT_BASE_URL = 'https://api.x.ai/v1';
/**
 * A model the API serves today: grok-4.3, "fast, reliable model with strong tool calling", the
 * model of xAI's own Responses API examples. Sources, read 2026-12-05:
 * https://docs.x.ai/developers/models/grok-4.3-latest.md and
 * https://docs.x.ai/developers/model-capabilities/text/generate-text.md
 */
export const DEFAULT_MODEL = 'grok-4.3';
/**
 * The HTTP timeout of one request, a streamed reply included: an hour, as xAI's streaming guide
 * sets it for reasoning models, which can think for many minutes before the first token.
 * Source, read 2026-12-05: https://docs.x.ai/docs/guides/streaming-response ("timeout=3600").
 */
export const REQUEST_TIMEOUT_MS = 3_600_000;

export type ApiKind = 'responses' | 'chat';

export interface ChatClient {
  api: OpenAI;
  model: string;
  baseURL: string;
  kind: ApiKind;
  retries: number;
  retryDelayMs: number;
}

/** `GROK_API` (responses | chat), else the settings' `api`, else the Responses API. */
export function resolveApiKind(settings: Settings, env: NodeJS.ProcessEnv = process.env): ApiKind {
  const text = env.GROK_API;
  if (text !== undefined && text !== '') {
    if (text === 'responses' || text === 'chat') return text;
    throw new UserError(`GROK_API must be 'responses' or 'chat', got '${text}'`);
  }
  return settings.api ?? 'responses';
}

/** The API does not serve the model: the session cannot go on, so it ends (exit 1). */
export class UnknownModelError extends UserError {}

function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0)
    throw new UserError(`${name} must be a non-negative number, got '${text}'`);
  return n;
}

/** `--model`, else `GROK_MODEL`, else the settings' model, else the default. */
export function resolveModel(
  flag: string | undefined,
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return flag || env.GROK_MODEL || settings.model || DEFAULT_MODEL;
}

export function apiKeyFrom(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.GROK_API_KEY || env.XAI_API_KEY;
  if (!key) {
    throw new UserError('no API key: set GROK_API_KEY or XAI_API_KEY', {
      hint: 'get a key at https://console.x.ai',
    });
  }
  return key;
}

export function createChatClient(
  model: string,
  kind: ApiKind = 'responses',
  env: NodeJS.ProcessEnv = process.env,
): ChatClient {
  const apiKey = apiKeyFrom(env);
  const baseURL = env.GROK_BASE_URL || DEFAULT_BASE_URL;
  const api = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: REQUEST_TIMEOUT_MS });
  return {
    api,
    model,
    baseURL,
    kind,
    retries: envNumber(env, 'GROK_MAX_RETRIES', 3),
    retryDelayMs: envNumber(env, 'GROK_RETRY_DELAY_MS', 1000),
  };
}

function retryable(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionError)
    return !(error instanceof OpenAI.APIUserAbortError);
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    return status === 429 || status >= 500;
  }
  return false;
}

/** The server's Retry-After in ms, when it sent one. */
function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof OpenAI.APIError)) return undefined;
  const headers = error.headers;
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const s = Number(headers?.get('retry-after'));
  if (Number.isFinite(s) && s > 0) return s * 1000;
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** A retry about to wait: why, how long, which one of how many. */
export interface RetryNotice {
  reason: string;
  delayMs: number;
  attempt: number;
  of: number;
}

/** "HTTP 429; retrying in 2 s, 2 of 3". */
export function formatRetry(r: RetryNotice): string {
  const wait =
    r.delayMs < 1000
      ? `${Math.round(r.delayMs)} ms`
      : `${Number((r.delayMs / 1000).toFixed(1)).toString()} s`;
  return `${r.reason}; retrying in ${wait}, ${r.attempt} of ${r.of}`;
}

function retryReason(error: unknown): string {
  if (error instanceof OpenAI.APIError && error.status !== undefined)
    return `the API answered HTTP ${error.status}`;
  return 'the connection was lost';
}

/**
 * Runs `call`, retrying a 429, a 5xx or a lost connection with exponential backoff (the server's
 * Retry-After wins when shorter than a minute). Any other error, or the last one, becomes one line.
 * `onRetry` hears of each wait before it begins.
 */
export async function withRetries<T>(
  client: ChatClient,
  call: () => Promise<T>,
  signal?: AbortSignal,
  onRetry?: (notice: RetryNotice) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw error;
      const missing = await missingModelError(error, client);
      if (missing) throw missing;
      if (attempt >= client.retries || !retryable(error))
        throw describeApiError(error, client, attempt);
      const backoff = client.retryDelayMs * 2 ** attempt;
      const delay = Math.min(retryAfterMs(error) ?? backoff, 60_000);
      onRetry?.({
        reason: retryReason(error),
        delayMs: delay,
        attempt: attempt + 1,
        of: client.retries,
      });
      await sleep(delay, signal);
      if (signal?.aborted) throw error;
    }
  }
}

/**
 * A model the API does not serve, told by the models the key can use (GET /v1/models). xAI answers
 * it with a 404 (which is also what a missing endpoint gets), other servers with a 400 that says
 * so. Source, read 2026-12-05: https://docs.x.ai/developers/debugging ("404: a model specified in
 * a POST request body was not found; the endpoint URL is invalid").
 */
async function missingModelError(
  error: unknown,
  client: ChatClient,
): Promise<UserError | undefined> {
  if (!(error instanceof OpenAI.APIError)) return undefined;
  const saysModel =
    error.status === 400 &&
    /model/i.test(error.message) &&
    /not found|does not exist|unknown|not supported/i.test(error.message);
  if (error.status !== 404 && !saysModel) return undefined;
  let ids: string[] | undefined;
  try {
    ids = [];
    for await (const m of client.api.models.list()) ids.push(m.id);
  } catch {
    ids = undefined;
  }
  const model = client.model;
  if (ids?.includes(model)) {
    if (error.status !== 404) return undefined;
    const path = client.kind === 'chat' ? '/chat/completions' : '/responses';
    return new UnknownModelError(
      `the API at ${client.baseURL} has no ${path} endpoint (HTTP 404)`,
      client.kind === 'chat'
        ? {}
        : { hint: 'for a server without the Responses API, set GROK_API=chat' },
    );
  }
  if (ids && ids.length > 0) {
    return new UnknownModelError(
      `the API does not know model '${model}'; models this key can use: ${ids.sort().join(', ')}`,
      { hint: 'choose one with --model or GROK_MODEL' },
    );
  }
  return new UnknownModelError(`the API does not know model '${model}' (HTTP ${error.status})`, {
    hint: 'choose another with --model or GROK_MODEL',
  });
}

/** One line for an API failure; an abort is passed through untouched. */
export function describeApiError(error: unknown, client: ChatClient, retried = 0): unknown {
  if (error instanceof OpenAI.APIUserAbortError) return error;
  const after = retried > 0 ? ` after ${retried} ${plural(retried, 'retry', 'retries')}` : '';
  if (error instanceof OpenAI.APIConnectionError) {
    return new UserError(`cannot reach the API at ${client.baseURL}${after}: ${error.message}`, {
      hint: 'check the network or GROK_BASE_URL',
    });
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    if (status === 401 || status === 403) {
      return new UserError(`the API refused the key (HTTP ${status})`, {
        hint: 'check GROK_API_KEY or XAI_API_KEY',
      });
    }
    if (status === 429) {
      return new UserError(`the API is rate limiting requests (HTTP 429)${after}`, {
        hint: 'wait a minute and try again',
      });
    }
    if (status !== undefined && status >= 500) {
      return new UserError(`the API failed (HTTP ${status})${after}`, {
        hint: 'try again later',
      });
    }
    const detail = firstLine(error.message);
    return new UserError(`the API refused the request (HTTP ${status ?? '?'}): ${detail}`);
  }
  return error;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
