import { describe, expect, test } from 'vitest';
import {
  addParts,
  builtInTable,
  costOfParts,
  NO_COST,
  priceOf,
  priceRows,
  priceTable,
  usdOfTicks,
} from '../../src/analytics/pricing.js';
import { XAI_PRICE_DATA } from '../../src/analytics/xai-prices.js';

describe('the price table', () => {
  test('is dated data with its sources, every model priced per million tokens', () => {
    expect(XAI_PRICE_DATA.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(XAI_PRICE_DATA.sources.some((s) => s.startsWith('https://docs.x.ai/'))).toBe(true);
    for (const [model, p] of Object.entries(XAI_PRICE_DATA.models)) {
      expect(p.input, model).toBeGreaterThan(0);
      expect(p.output, model).toBeGreaterThan(0);
      if (p.cachedInput !== undefined) expect(p.cachedInput, model).toBeLessThan(p.input);
      if (p.longContext) expect(p.longContext.input, model).toBeGreaterThan(p.input);
      expect(p.source, model).toMatch(/^https:\/\//);
    }
    for (const [alias, target] of Object.entries(XAI_PRICE_DATA.aliases)) {
      expect(XAI_PRICE_DATA.models[target], `${alias} → ${target}`).toBeDefined();
    }
  });

  test("today's models and the ids older files name are priced", () => {
    const table = builtInTable();
    for (const m of [
      'grok-4.7',
      'grok-4.3',
      'grok-4.20-0309-reasoning',
      'grok-4-1-fast-reasoning',
      'grok-4',
      'grok-4-0709',
      'grok-3',
      'grok-3-mini',
      'grok-2-1212',
      'grok-code-fast-1',
      'grok-4-fast',
    ]) {
      expect(priceOf(table, m), m).toBeDefined();
    }
    expect(priceOf(table, 'grok-4')).toEqual(priceOf(table, 'grok-4-0709'));
  });

  test('an unknown model has no price, whatever its name', () => {
    const table = builtInTable();
    for (const model of ['grok-9000', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(priceOf(table, model), model).toBeUndefined();
    }
  });

  test('settings override any field and add models; the rest of the table stays', () => {
    const t = priceTable({
      'grok-4.7': { cachedInput: 0.1 },
      'grok-3': { longContext: { threshold: 100_000, input: 6, output: 30 } },
      'grok-4.6': { longContext: null },
      'my-model': { input: 10, output: 20 },
    });
    expect(t['grok-4.7']).toMatchObject({ input: 2, cachedInput: 0.1, output: 6 });
    expect(t['grok-4.7']?.longContext?.threshold).toBe(200_000);
    expect(t['grok-3']?.longContext).toEqual({ threshold: 100_000, input: 6, output: 30 });
    expect(t['grok-4.6']?.longContext).toBeUndefined();
    expect(t['my-model']).toEqual({ input: 10, output: 20 });
    expect(t['grok-3-mini']).toEqual(builtInTable()['grok-3-mini']);
  });

  test('a new model without input and output, or a tier without its threshold, is refused by key', () => {
    expect(() => priceTable({ 'my-model': { input: 1 } }, '/h/settings.json')).toThrow(
      /\/h\/settings.json: 'pricing.my-model': .*"input" and "output"/,
    );
    expect(() => priceTable({ 'grok-3': { longContext: { input: 6, output: 30 } } })).toThrow(
      /'pricing.grok-3.longContext': needs "threshold"/,
    );
  });

  test('rows for the index resolve the cached rate to the input rate when none is listed', () => {
    const rows = priceRows(builtInTable());
    expect(rows.find((r) => r.model === 'grok-code-fast-1')).toMatchObject({
      input: 0.2,
      cached_input: 0.2,
      lc_threshold: null,
    });
    expect(rows.find((r) => r.model === 'grok-4.7')).toMatchObject({
      cached_input: 0.5,
      lc_threshold: 200_000,
      lc_cached_input: 1,
    });
  });
});

describe('cost parts', () => {
  test('ticks become USD once, exactly to the tick', () => {
    expect(usdOfTicks(37_756_000n)).toBe(0.0037756);
    expect(usdOfTicks(10_000_000_000n)).toBe(1);
    // past 2^53 ticks (about $900,719): the whole dollars are not rounded away
    expect(usdOfTicks(2n ** 53n + 10_000_000_000n)).toBeCloseTo(900_720.9254740992, 6);
  });

  test('a cost is billed plus estimated; null only when nothing of it has a price', () => {
    const billed = { ...NO_COST, exactTicks: 25_000_000_000n, billedCalls: 2 };
    const estimated = { ...NO_COST, estimated: 0.5, estimatedCalls: 3 };
    expect(costOfParts(addParts(billed, estimated))).toEqual({
      cost: 3,
      exact: 2.5,
      estimated: 0.5,
    });
    expect(costOfParts({ ...NO_COST, unpricedCalls: 1 }).cost).toBeNull();
    expect(costOfParts({ ...billed, unpricedCalls: 1 }).cost).toBe(2.5);
    expect(costOfParts(NO_COST).cost).toBe(0);
  });
});
