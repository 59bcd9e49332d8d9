/**
 * What `grok sessions stats` computes, and its `--json` shape: the stats command prints it, the
 * HTML report embeds it.
 */
import type { SkippedFile } from '../session/store.js';
import { round } from './output.js';
import type { CostParts } from './pricing.js';

export const GROUPS = ['day', 'week', 'month', 'model', 'project', 'tool', 'machine'] as const;
export type Group = (typeof GROUPS)[number];

export interface ToolStat {
  tool: string;
  calls: number;
  sessions: number;
  failed: number;
}

/** Cached input and reasoning tokens as the files report them, and calls of unknown usage. */
export interface UsageDetail {
  cachedInput: number;
  reasoning: number;
  unknownCalls: number;
}

export interface ModelStat extends UsageDetail {
  model: string;
  sessions: number;
  input: number;
  output: number;
  total: number;
}

export interface GroupStat extends Partial<UsageDetail> {
  key: string;
  sessions: number;
  messages: number;
  input: number;
  output: number;
  total: number;
  /** For --by tool: calls of that tool. */
  calls?: number;
  /** With --by model: reply latency median / p95 and output tokens per second. */
  medianReplyMs?: number | null;
  p95ReplyMs?: number | null;
  outputTokensPerSecond?: number | null;
}

export interface StatsResult {
  dir: string;
  by: Group | undefined;
  sessions: number;
  messages: number;
  toolCalls: number;
  avgMessagesPerSession: number;
  avgTokensPerSession: number;
  avgDurationMs: number | null;
  tokens: { input: number; output: number; total: number; cachedInput: number; reasoning: number };
  /** API calls recorded one by one (`calls`), and those whose usage was never reported. */
  calls: { recorded: number; unknownUsage: number };
  /** What the sessions cost, as `cost` computes it: billed (exact) and estimated apart. */
  cost: {
    cost: number | null;
    exact: number;
    estimated: number;
    parts: CostParts;
    /** Sessions with usage whose model has no price. */
    unpricedSessions: number;
  };
  tools: ToolStat[];
  models: ModelStat[];
  latency: { replies: number; medianMs: number | null; p95Ms: number | null };
  outputTokensPerSecond: number | null;
  durations: { medianMs: number | null; p95Ms: number | null };
  outcomes: {
    ended: number;
    interrupted: number;
    crashed: number;
    running: number;
    /** ended / (ended + interrupted + crashed), null with no finished session. */
    successRate: number | null;
  };
  groups: GroupStat[] | undefined;
  skipped: SkippedFile[];
  notices: string[];
}

/** Cached input as a share of input tokens: null with no input. */
export function cachedShare(cached: number, input: number): number | null {
  return input > 0 ? cached / input : null;
}

export const usd = (n: number | null) => (n === null ? null : Number(n.toFixed(10)));

export function statsJson(r: StatsResult): unknown {
  return {
    sessions: r.sessions,
    messages: r.messages,
    toolCalls: r.toolCalls,
    avgMessagesPerSession: round(r.avgMessagesPerSession),
    avgTokensPerSession: round(r.avgTokensPerSession),
    avgDurationMs: r.avgDurationMs === null ? null : Math.round(r.avgDurationMs),
    tokens: r.tokens,
    cachedShare: (() => {
      const share = cachedShare(r.tokens.cachedInput, r.tokens.input);
      return share === null ? null : round(share, 4);
    })(),
    calls: r.calls,
    cost: {
      cost: usd(r.cost.cost),
      exact: usd(r.cost.exact),
      estimated: usd(r.cost.estimated),
      exactTicks: r.cost.parts.exactTicks.toString(),
      unpricedCalls: r.cost.parts.unpricedCalls,
      unpricedSessions: r.cost.unpricedSessions,
    },
    tools: r.tools.map((t) => ({
      ...t,
      successRate: t.calls ? round(1 - t.failed / t.calls, 4) : 1,
    })),
    models: r.models,
    latency: {
      replies: r.latency.replies,
      medianMs: r.latency.medianMs,
      p95Ms: r.latency.p95Ms,
      outputTokensPerSecond:
        r.outputTokensPerSecond === null ? null : round(r.outputTokensPerSecond, 1),
    },
    durations: r.durations,
    outcomes: {
      ...r.outcomes,
      successRate: r.outcomes.successRate === null ? null : round(r.outcomes.successRate, 4),
    },
    ...(r.groups
      ? {
          by: r.by,
          // a tool's calls and sessions: its tokens and messages are not its own to count
          groups:
            r.by === 'tool'
              ? r.groups.map(({ key, sessions, calls }) => ({ key, sessions, calls }))
              : r.groups,
        }
      : {}),
    skipped: r.skipped,
  };
}
