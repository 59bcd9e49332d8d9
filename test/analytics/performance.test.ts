/**
 * Performance and success metrics on the fixtures, checked against values computed here, straight
 * from the files, with nothing of grok's code: reply latency (a user message to the assistant
 * message right after it), output tokens per second, session duration percentiles, how sessions
 * ended, and the success rate of each tool.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixtures, FIXTURES, makeHome, runGrok, type TempHome } from '../helpers.js';

interface RawMessage {
  role: string;
  timestamp?: string;
  interrupted?: boolean;
  usage?: { output: number };
  toolCalls?: { tool: string; result?: unknown }[];
}
interface RawSession {
  startTime: string;
  endTime?: string;
  model: string;
  status?: string;
  messages: RawMessage[];
}

const sessions: RawSession[] = readdirSync(join(FIXTURES, 'sessions')).map((f) =>
  JSON.parse(readFileSync(join(FIXTURES, 'sessions', f), 'utf8')),
);

/** Linear interpolation between closest ranks, as DuckDB's quantile_cont (and numpy's default). */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

function replies(list: RawSession[]) {
  const out: { ms: number; output: number | undefined }[] = [];
  for (const s of list)
    s.messages.forEach((m, i) => {
      const prev = s.messages[i - 1];
      if (m.role === 'assistant' && prev?.role === 'user' && m.timestamp && prev.timestamp)
        out.push({
          ms: Date.parse(m.timestamp) - Date.parse(prev.timestamp),
          output: m.usage?.output,
        });
    });
  return out;
}

function lastActivity(s: RawSession): number {
  if (s.endTime) return Date.parse(s.endTime);
  const stamped = s.messages.filter((m) => m.timestamp);
  return Date.parse(stamped[stamped.length - 1]?.timestamp ?? s.startTime);
}

const failed = (result: unknown) =>
  typeof result === 'string'
    ? /^(Error|error:)/.test(result)
    : result !== null && typeof result === 'object' && !Array.isArray(result) && 'error' in result;

describe('performance and success metrics over the fixtures', () => {
  let h: TempHome;
  let stats: {
    latency: { replies: number; medianMs: number; p95Ms: number; outputTokensPerSecond: number };
    durations: { medianMs: number; p95Ms: number };
    outcomes: { ended: number; interrupted: number; crashed: number; successRate: number };
    tools: { tool: string; calls: number; failed: number; successRate: number }[];
  };
  beforeAll(() => {
    h = makeHome();
    copyFixtures(h.sessions, 'sessions');
    const r = runGrok(['sessions', 'stats', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    stats = JSON.parse(r.stdout);
  });
  afterAll(() => h.cleanup());

  it('reply latency median and p95, and output tokens per second', () => {
    const r = replies(sessions);
    expect(stats.latency.replies).toBe(r.length);
    expect(stats.latency.medianMs).toBeCloseTo(
      quantile(
        r.map((x) => x.ms),
        0.5,
      ),
      6,
    );
    expect(stats.latency.p95Ms).toBeCloseTo(
      quantile(
        r.map((x) => x.ms),
        0.95,
      ),
      6,
    );
    const timed = r.filter((x) => x.output !== undefined && x.ms > 0);
    const tps =
      timed.reduce((n, x) => n + (x.output as number), 0) /
      (timed.reduce((n, x) => n + x.ms, 0) / 1000);
    expect(stats.latency.outputTokensPerSecond).toBeCloseTo(tps, 1);
  });

  it('session duration percentiles', () => {
    const d = sessions.map((s) => lastActivity(s) - Date.parse(s.startTime));
    expect(stats.durations.medianMs).toBeCloseTo(quantile(d, 0.5), 6);
    expect(stats.durations.p95Ms).toBeCloseTo(quantile(d, 0.95), 6);
  });

  it('ended gracefully against interrupted or crashed (no final save)', () => {
    const interrupted = sessions.filter(
      (s) => s.status === 'interrupted' || s.messages.some((m) => m.interrupted),
    ).length;
    // "active" with no running grok holding its lock: the process died without its final save.
    const crashed = sessions.filter((s) => s.status === 'active').length;
    const ended = sessions.length - interrupted - crashed;
    expect(interrupted).toBeGreaterThan(0);
    expect(crashed).toBeGreaterThan(0);
    expect(stats.outcomes).toMatchObject({ ended, interrupted, crashed });
    expect(stats.outcomes.successRate).toBeCloseTo(ended / sessions.length, 4);
  });

  it('tool-call success rate per tool, in stats and in tools', () => {
    const per = new Map<string, { calls: number; failed: number }>();
    for (const s of sessions)
      for (const m of s.messages)
        for (const c of m.toolCalls ?? []) {
          const t = per.get(c.tool) ?? { calls: 0, failed: 0 };
          t.calls++;
          if (failed(c.result)) t.failed++;
          per.set(c.tool, t);
        }
    const expected = [...per]
      .map(([tool, t]) => ({
        tool,
        ...t,
        successRate: Math.round((1 - t.failed / t.calls) * 1e4) / 1e4,
      }))
      .sort((a, b) => b.calls - a.calls || (a.tool < b.tool ? -1 : 1));
    expect(expected.some((t) => t.failed > 0)).toBe(true);
    const pick = (list: typeof expected) =>
      list.map(({ tool, calls, failed, successRate }) => ({ tool, calls, failed, successRate }));
    expect(pick(stats.tools)).toEqual(expected);
    const tools = JSON.parse(runGrok(['sessions', 'tools', '--json'], h.env).stdout).tools;
    expect(pick(tools)).toEqual(expected);
  });

  it('stats --by model gives each model its own latency', () => {
    const r = runGrok(['sessions', 'stats', '--by', 'model', '--json'], h.env);
    const groups = JSON.parse(r.stdout).groups as {
      key: string;
      medianReplyMs: number;
      p95ReplyMs: number;
    }[];
    for (const g of groups) {
      const ms = replies(sessions.filter((s) => s.model === g.key)).map((x) => x.ms);
      expect(g.medianReplyMs, g.key).toBeCloseTo(quantile(ms, 0.5), 6);
      expect(g.p95ReplyMs, g.key).toBeCloseTo(quantile(ms, 0.95), 6);
    }
  });
});
