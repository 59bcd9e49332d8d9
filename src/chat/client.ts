/**
 * The API client: an OpenAI-compatible chat-completions endpoint (xAI's by default). Retries are
 * ours rather than the SDK's so their delay can be set (tests use a few milliseconds) and so a
 * failure ends in one line that says what to do.
 */
import OpenAI from 'openai';
import { UserError } from '../errors.js';
import type { Settings } from '../settings.js';

export const DEFAULT_BASE_URL = 'https://api.x.ai/v1';
export const DEFAULT_MODEL = 'grok-4';

export interface ChatClient {
  api: OpenAI;
  model: string;
  baseURL: string;
  retries: number;
  retryDelayMs: number;
}

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

export function createChatClient(model: string, env: NodeJS.ProcessEnv = process.env): ChatClient {
  const apiKey = apiKeyFrom(env);
  const baseURL = env.GROK_BASE_URL || DEFAULT_BASE_URL;
  const api = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 600_000 });
  return {
    api,
    model,
    baseURL,
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

/**
 * Runs `call`, retrying a 429, a 5xx or a lost connection with exponential backoff (the server's
 * Retry-After wins when shorter than a minute). Any other error, or the last one, becomes one line.
 */
export async function withRetries<T>(
  client: ChatClient,
  call: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw error;
      if (attempt >= client.retries || !retryable(error))
        throw describeApiError(error, client, attempt);
      const backoff = client.retryDelayMs * 2 ** attempt;
      const delay = Math.min(retryAfterMs(error) ?? backoff, 60_000);
      await sleep(delay, signal);
      if (signal?.aborted) throw error;
    }
  }
}

/** One line for an API failure; an abort is passed through untouched. */
export function describeApiError(error: unknown, client: ChatClient, retried = 0): unknown {
  if (error instanceof OpenAI.APIUserAbortError) return error;
  const after = retried > 0 ? ` after ${retried} ${retried === 1 ? 'retry' : 'retries'}` : '';
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
    if (status === 404) {
      return new UserError(`the API does not know model '${client.model}' (HTTP 404)`, {
        hint: 'choose another with --model or GROK_MODEL',
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
