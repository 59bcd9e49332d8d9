/**
 * Cost is exact where xAI billed it and estimated elsewhere, the two kept apart. The expected
 * figures are computed here, from the sessions this test writes and the dated price data file
 * (src/analytics/xai-prices.ts), never by the code under test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { XAI_PRICE_DATA } from '../../src/analytics/xai-prices.js';
import { homeForEachTest, sessionsCommand } from '../helpers.js';

const h = homeForEachTest();
const { grok, json } = sessionsCommand(h);

interface Call {
  model: string;
  input?: number;
  output?: number;
  cachedInput?: number;
  reasoning?: number;
  costUsdTicks?: number;
  usage?: null;
}

/** A session whose assistant messages carry `calls` (or, with `usage`, only their own usage). */
function write(
  start: string,
  model: string,
  replies: ({ calls: Call[] } | { usage: { input: number; output: number } })[],
  totalsOnly?: { input: number; output: number },
): void {
  const t0 = Date.parse(start);
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const messages: Record<string, unknown>[] = [{ role: 'system', content: 'ctx' }];
  const sum = { input: 0, output: 0 };
  replies.forEach((reply, i) => {
    messages.push({ role: 'user', content: `q${i}`, timestamp: at(10 * i + 1) });
    const m: Record<string, unknown> = {
      role: 'assistant',
      content: 'a',
      timestamp: at(10 * i + 5),
    };
    if ('calls' in reply) {
      m.calls = reply.calls.map((c) =>
        c.usage === null ? c : { ...c, total: (c.input ?? 0) + (c.output ?? 0) },
      );
      const known = reply.calls.filter((c) => c.usage !== null);
      const input = known.reduce((n, c) => n + (c.input ?? 0), 0);
      const output = known.reduce((n, c) => n + (c.output ?? 0), 0);
      m.usage = { input, output, total: input + output };
    } else {
      m.usage = { ...reply.usage, total: reply.usage.input + reply.usage.output };
    }
    const u = m.usage as { input: number; output: number };
    sum.input += u.input;
    sum.output += u.output;
    messages.push(m);
  });
  const totals = totalsOnly ?? sum;
  const d = new Date(t0);
  const pad = (n: number) => String(n).padStart(2, '0');
  const id = `session-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
  const session = {
    sessionId: id,
    startTime: at(0),
    endTime: at(100),
    model,
    messages,
    tokenUsage: { ...totals, total: totals.input + totals.output },
    metadata: { workingDirectory: '/w', nodeVersion: '20.10.0', grokVersion: '1.1.101' },
  };
  writeFileSync(join(h.sessions, `${id}.json`), JSON.stringify(session, null, 2), { mode: 0o600 });
}

/** The data file's price of `model`, aliases followed. */
function listPrice(model: string) {
  const id = XAI_PRICE_DATA.aliases[model] ?? model;
  const p = XAI_PRICE_DATA.models[id];
  if (!p) throw new Error(`no price for ${model} in the data file`);
  return p;
}

/** xAI's billing rule, written out: cached at the cached rate, the tier at or above its threshold. */
function estimate(model: string, input: number, output: number, cached = 0, tier = true): number {
  const p = listPrice(model);
  const lc = tier && p.longContext && input >= p.longContext.threshold ? p.longContext : undefined;
  const rates = lc ?? p;
  const cachedRate = rates.cachedInput ?? rates.input;
  return ((input - cached) * rates.input + cached * cachedRate + output * rates.output) / 1e6;
}

/** A decimal USD string of ticks, as JSON would read it. */
const usdOf = (ticks: bigint) =>
  Number(`${ticks / 10_000_000_000n}.${String(ticks % 10_000_000_000n).padStart(10, '0')}`);

describe('cost: exact where billed, estimated elsewhere', () => {
  test('a mixed directory: the exact part is the ticks, the estimated part the price table', () => {
    // billed on every call (the runtime on xAI): two calls in one reply, a tool ran between
    write('2026-11-02T10:00:00.000Z', 'grok-4.7', [
      {
        calls: [
          {
            model: 'grok-4.7',
            input: 12_000,
            output: 300,
            cachedInput: 0,
            costUsdTicks: 258_000_000,
          },
          {
            model: 'grok-4.7',
            input: 13_000,
            output: 900,
            cachedInput: 11_900,
            reasoning: 400,
            costUsdTicks: 136_500_000,
          },
        ],
      },
      {
        calls: [
          {
            model: 'grok-4.7',
            input: 14_500,
            output: 700,
            cachedInput: 13_800,
            reasoning: 200,
            costUsdTicks: 125_000_000,
          },
        ],
      },
    ]);
    // per-call usage without a billed cost (another server): the cached rate, and the
    // long-context tier for the call whose prompt reached 200,000 tokens
    write('2026-11-03T10:00:00.000Z', 'grok-4.7', [
      {
        calls: [
          { model: 'grok-4.7', input: 150_000, output: 2_000, cachedInput: 90_000, reasoning: 800 },
        ],
      },
      { calls: [{ model: 'grok-4.7', input: 210_000, output: 3_000, cachedInput: 150_000 }] },
      // a call naming another model: priced by that model
      { calls: [{ model: 'grok-3-mini', input: 8_000, output: 500, cachedInput: 6_000 }] },
    ]);
    // partly billed, and one call whose stream dropped (usage unknown, never 0)
    write('2026-11-04T10:00:00.000Z', 'grok-4.3', [
      {
        calls: [
          { model: 'grok-4.3', input: 5_000, output: 100, costUsdTicks: 65_000_000 },
          { model: 'grok-4.3', usage: null },
        ],
      },
      { calls: [{ model: 'grok-4.3', input: 6_000, output: 400, cachedInput: 4_900 }] },
    ]);
    // an older file: per-message usage only, priced by the session's model
    write('2026-11-05T10:00:00.000Z', 'grok-3', [
      { usage: { input: 4_000, output: 250 } },
      { usage: { input: 5_000, output: 350 } },
    ]);
    // the seed's format: session totals only, at base rates (no tier, whatever their size)
    write('2026-11-06T10:00:00.000Z', 'grok-4.7', [], { input: 400_000, output: 9_000 });
    // a model without a price: counted, never $0
    write('2026-11-07T10:00:00.000Z', 'grok-9-preview', [{ usage: { input: 1_000, output: 10 } }]);

    const ticks = 258_000_000n + 136_500_000n + 125_000_000n + 65_000_000n;
    const estimated =
      estimate('grok-4.7', 150_000, 2_000, 90_000) +
      estimate('grok-4.7', 210_000, 3_000, 150_000) +
      estimate('grok-3-mini', 8_000, 500, 6_000) +
      estimate('grok-4.3', 6_000, 400, 4_900) +
      estimate('grok-3', 4_000, 250) +
      estimate('grok-3', 5_000, 350) +
      estimate('grok-4.7', 400_000, 9_000, 0, false);
    // the tier is taken for the 210,000-token prompt (at or above 200,000), not for 150,000
    expect(estimate('grok-4.7', 210_000, 3_000, 150_000)).toBeCloseTo(
      (60_000 * 4 + 150_000 * 1 + 3_000 * 12) / 1e6,
      12,
    );

    const r = grok('cost', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no price for 'grok-9-preview'/);
    const j = JSON.parse(r.stdout);
    expect(j.total.exactTicks).toBe(ticks.toString());
    expect(j.total.exact).toBe(usdOf(ticks));
    expect(j.total.estimated).toBeCloseTo(estimated, 9);
    expect(j.total.cost).toBeCloseTo(usdOf(ticks) + estimated, 9);
    expect(j.total).toMatchObject({
      sessions: 6,
      unpriced: 1,
      billedCalls: 4,
      unknownCalls: 1,
      unpricedCalls: 1,
      totalsOnly: true,
    });
    const byFile = (d: string) =>
      j.sessions.find((s: { startTime: string }) => s.startTime.startsWith(d));
    expect(byFile('2026-11-02')).toMatchObject({ estimated: 0, estimatedCalls: 0 });
    expect(byFile('2026-11-04').exactTicks).toBe('65000000');
    expect(byFile('2026-11-06')).toMatchObject({ exact: 0, totalsOnly: true });
    expect(byFile('2026-11-07')).toMatchObject({ cost: null, unpricedCalls: 1 });

    // the table marks estimates, says how much is exact and names the unpriced model
    const table = grok('cost', '--by', 'session').stdout;
    expect(table).toMatch(/session-2026-11-02-10-00-00 .* \$0\.05\n/);
    expect(table).toMatch(/session-2026-11-03-10-00-00 .* ~\$\d+\.\d\d\n/);
    expect(table).toMatch(/session-2026-11-07-10-00-00 .* unpriced\n/);
    // the total's line is wrapped at the width like any prose under a table
    expect(table.replace(/\s+/g, ' ')).toMatch(
      /Total: ~\$[\d.]+ for 6 sessions: \$0\.06 billed \(exact\), ~\$[\d.]+ estimated from xAI list prices of \d{4}-\d\d-\d\d, some from session totals only, at base rates, 1 session unpriced/,
    );

    // stats gives the same parts
    expect(json('stats').cost).toMatchObject({
      exactTicks: ticks.toString(),
      exact: usdOf(ticks),
      unpricedSessions: 1,
    });
    expect(json('stats').cost.estimated).toBeCloseTo(estimated, 9);
    expect(grok('stats').stdout).toMatch(/Cost estimated +~\$[\d.]+ \(1 session unpriced\)/);

    // top --by cost ranks by the same cost
    const top = json('top', '--by', 'cost', '-n', '6').sessions;
    for (const s of top) {
      const c = j.sessions.find((x: { sessionId: string }) => x.sessionId === s.sessionId);
      expect(s.cost, s.sessionId).toBe(c.cost);
    }
    expect(top.at(-1).cost).toBeNull();
  });

  test('billed calls only: nothing estimated, the cost is the sum of the ticks', () => {
    write('2026-11-02T10:00:00.000Z', 'grok-4.7', [
      { calls: [{ model: 'grok-4.7', input: 9_000, output: 80, costUsdTicks: 180_480_000 }] },
      {
        calls: [
          {
            model: 'grok-4.7',
            input: 9_400,
            output: 60,
            cachedInput: 9_000,
            costUsdTicks: 12_660_003,
          },
          // a reported 0 is an exact $0, and a model without a price needs none when billed
          { model: 'some-other-model', input: 9_500, output: 10, costUsdTicks: 0 },
        ],
      },
    ]);
    write('2026-11-03T10:00:00.000Z', 'grok-4.3', [
      { calls: [{ model: 'grok-4.3', input: 1_000, output: 10, costUsdTicks: 1_275_000 }] },
    ]);
    const j = json('cost');
    const ticks = 180_480_000n + 12_660_003n + 0n + 1_275_000n;
    expect(j.total).toMatchObject({
      exactTicks: ticks.toString(),
      exact: usdOf(ticks),
      cost: usdOf(ticks),
      estimated: 0,
      estimatedCalls: 0,
      unpricedCalls: 0,
      unpriced: 0,
    });
    expect(j.unpricedModels).toEqual([]);
    // the per-call rows are there to query, ticks and all
    const q = json(
      'query',
      'SELECT sum(cost_ticks)::VARCHAR AS ticks, count(*) AS calls FROM api_calls',
    );
    expect(q).toEqual([{ ticks: ticks.toString(), calls: 4 }]);
    expect(grok('cost').stdout).toMatch(
      /Total: \$0\.02 for 2 sessions: \$0\.02 billed \(exact\), ~\$0\.00 estimated/,
    );
  });

  test('billed ticks are added as integers past 2^53 (about $900,719)', () => {
    const max = Number.MAX_SAFE_INTEGER; // 2^53 - 1 ticks in one call, as JSON can hold it
    // one session past 2^53 (the index adds its calls), and the total past it again
    write('2026-11-02T10:00:00.000Z', 'grok-4.7', [
      { calls: [{ model: 'grok-4.7', input: 1, output: 1, costUsdTicks: max }] },
      { calls: [{ model: 'grok-4.7', input: 1, output: 1, costUsdTicks: max }] },
      { calls: [{ model: 'grok-4.7', input: 1, output: 1, costUsdTicks: 1 }] },
    ]);
    write('2026-11-03T10:00:00.000Z', 'grok-4.7', [
      { calls: [{ model: 'grok-4.7', input: 1, output: 1, costUsdTicks: max }] },
    ]);
    const first = 2n * BigInt(max) + 1n;
    const sum = first + BigInt(max);
    // the same numbers added as doubles lose the last ticks: neither sum may be made so
    expect(BigInt(max + max + 1)).not.toBe(first);
    expect(BigInt(max + max + 1 + max)).not.toBe(sum);
    const j = json('cost');
    expect(j.total.exactTicks).toBe(sum.toString());
    expect(j.total.exact).toBe(usdOf(sum));
    expect(j.byDay.map((d: { exactTicks: string }) => d.exactTicks)).toEqual([
      first.toString(),
      BigInt(max).toString(),
    ]);
  });

  test('--rate is a what-if that replaces billed and estimated alike, and says so', () => {
    write('2026-11-02T10:00:00.000Z', 'grok-4.7', [
      { calls: [{ model: 'grok-4.7', input: 9_000, output: 1_000, costUsdTicks: 240_000_000 }] },
    ]);
    const j = json('cost', '--rate', '0.01');
    expect(j.pricing).toEqual({ kind: 'flat', usdPer1kTokens: 0.01, whatIf: true });
    expect(j.total).toMatchObject({ cost: 0.1, exact: null, estimated: null });
    expect(grok('cost', '--rate', '0.01').stdout).toMatch(
      /What-if: \$0\.10 for 1 session at a flat \$0\.01 per 1,000 tokens \(--rate: not the billed cost\)/,
    );
  });

  test('settings.json overrides a rate, adds a model and removes a tier; a bad key is named', () => {
    write('2026-11-03T10:00:00.000Z', 'grok-4.7', [
      { calls: [{ model: 'grok-4.7', input: 250_000, output: 1_000, cachedInput: 200_000 }] },
      { calls: [{ model: 'grok-9-preview', input: 1_000, output: 100 }] },
    ]);
    const settings = join(h.home, 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        pricing: {
          'grok-4.7': { cachedInput: 0.25, longContext: null },
          'grok-9-preview': { input: 10, output: 30 },
        },
      }),
    );
    const j = json('cost');
    const p = listPrice('grok-4.7');
    expect(j.total.estimated).toBeCloseTo(
      (50_000 * p.input + 200_000 * 0.25 + 1_000 * p.output) / 1e6 + (1_000 * 10 + 100 * 30) / 1e6,
      9,
    );
    expect(j.total.unpriced).toBe(0);
    expect(j.pricing.overridden).toEqual(['grok-4.7', 'grok-9-preview']);

    writeFileSync(settings, JSON.stringify({ pricing: { 'grok-4.7': { cachedInptu: 0.25 } } }));
    const bad = grok('cost');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/settings.json: unknown key 'pricing.grok-4.7.cachedInptu'/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(settings, JSON.stringify({ pricing: { 'grok-9-preview': { input: 1 } } }));
    const half = grok('cost');
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(
      /'pricing.grok-9-preview': a model not in the built-in table needs both "input" and "output"/,
    );
  });
});

describe('sessions pricing', () => {
  test('the table in force with its date and sources, overrides marked, unpriced models listed', () => {
    write('2026-11-03T10:00:00.000Z', 'grok-4.7', [
      { calls: [{ model: 'grok-4.7', input: 100, output: 10 }] },
      { calls: [{ model: 'grok-9-preview', input: 100, output: 10, costUsdTicks: 5 }] },
    ]);
    write('2026-11-04T10:00:00.000Z', 'mystery', [{ usage: { input: 10, output: 1 } }]);
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({
        pricing: { 'grok-4.3': { input: 1 }, 'my-model': { input: 1, output: 2 } },
      }),
    );
    const j = json('pricing');
    expect(j.read).toBe(XAI_PRICE_DATA.read);
    expect(j.sources).toEqual(XAI_PRICE_DATA.sources);
    const model = (id: string) => j.models.find((m: { model: string }) => m.model === id);
    expect(model('grok-4.7')).toMatchObject({
      input: 2,
      cachedInput: 0.5,
      output: 6,
      longContext: listPrice('grok-4.7').longContext,
      from: 'table',
      aliasOf: null,
    });
    expect(model('grok-4.3')).toMatchObject({
      input: 1,
      output: listPrice('grok-4.3').output,
      from: 'settings',
    });
    expect(model('my-model')).toMatchObject({ input: 1, output: 2, from: 'settings' });
    expect(model('grok-4')).toMatchObject({
      aliasOf: 'grok-4-0709',
      input: listPrice('grok-4-0709').input,
    });
    expect(j.unpriced).toEqual([
      { model: 'grok-9-preview', sessions: 1, calls: 1, billed: 1 },
      { model: 'mystery', sessions: 1, calls: 1, billed: 0 },
    ]);
    const text = grok('pricing');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`read ${XAI_PRICE_DATA.read}`);
    expect(text.stdout).toMatch(
      /grok-4\.7 +\$2\.00 +\$0\.50 +\$6\.00 +≥200,000: \$4\.00 \/ \$1\.00 \/ \$12\.00/,
    );
    expect(text.stdout).toMatch(/grok-4\.3 \* +\$1\.00/);
    expect(text.stdout).toMatch(/grok-9-preview: 1 session, 1 call, 1 billed by xAI \(exact\)/);
    expect(text.stdout).toMatch(/mystery: 1 session, 1 call\n/);
    for (const s of XAI_PRICE_DATA.sources) expect(text.stdout).toContain(s);
  });
});

describe('stats: cached share, reasoning, calls of unknown usage, and the cost parts', () => {
  test('over the summary and --by month and model', () => {
    write('2026-11-02T10:00:00.000Z', 'grok-4.7', [
      {
        calls: [
          {
            model: 'grok-4.7',
            input: 10_000,
            output: 500,
            cachedInput: 6_000,
            reasoning: 300,
            costUsdTicks: 240_000_000,
          },
          { model: 'grok-4.7', usage: null },
        ],
      },
      {
        calls: [
          { model: 'grok-4.7', input: 20_000, output: 800, cachedInput: 15_000, reasoning: 100 },
        ],
      },
    ]);
    write('2026-12-01T10:00:00.000Z', 'grok-3', [{ usage: { input: 5_000, output: 100 } }]);
    const j = json('stats');
    expect(j.tokens).toEqual({
      input: 35_000,
      output: 1_400,
      total: 36_400,
      cachedInput: 21_000,
      reasoning: 400,
    });
    expect(j.cachedShare).toBe(0.6);
    expect(j.calls).toEqual({ recorded: 3, unknownUsage: 1 });
    expect(j.cost).toMatchObject({ exact: 0.024, exactTicks: '240000000' });
    expect(j.cost.estimated).toBeCloseTo(
      estimate('grok-4.7', 20_000, 800, 15_000) + estimate('grok-3', 5_000, 100),
      9,
    );
    const months = json('stats', '--by', 'month').groups;
    expect(months).toMatchObject([
      { key: '2026-11', cachedInput: 21_000, reasoning: 400, unknownCalls: 1 },
      { key: '2026-12', cachedInput: 0, reasoning: 0, unknownCalls: 0 },
    ]);
    expect(json('stats', '--by', 'model').groups).toMatchObject([
      { key: 'grok-4.7', cachedInput: 21_000, reasoning: 400 },
      { key: 'grok-3', cachedInput: 0, reasoning: 0 },
    ]);
    const table = grok('stats').stdout;
    expect(table).toMatch(/Cached input +21,000 \(60\.0% of in\)/);
    expect(table).toMatch(/Reasoning tokens +400\n/);
    expect(table).toMatch(/Calls, usage unknown +1\n/);
    expect(table).toMatch(/Cost billed \(exact\) +\$0\.02\n/);
    expect(table).toMatch(/Cost estimated +~\$0\.\d\d\n/);
    expect(grok('stats', '--by', 'month').stdout).toMatch(/2026-11 .* 70% +400 /);
  });
});
