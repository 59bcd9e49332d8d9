import { describe, expect, test } from 'vitest';
import {
  costOf,
  priceTable,
  sumCosts,
  unpricedModels,
  XAI_LIST_PRICES,
} from '../../src/analytics/pricing.js';

const table = { kind: 'table' as const, table: priceTable() };

describe('cost maths', () => {
  test('input and output are priced separately, per million tokens', () => {
    // grok-4: $3 in, $15 out per million
    expect(costOf({ model: 'grok-4', input: 1_000_000, output: 0, total: 1_000_000 }, table)).toBe(
      3,
    );
    expect(costOf({ model: 'grok-4', input: 0, output: 1_000_000, total: 1_000_000 }, table)).toBe(
      15,
    );
    expect(
      costOf({ model: 'grok-4', input: 23_450, output: 8_920, total: 32_370 }, table),
    ).toBeCloseTo((23_450 * 3 + 8_920 * 15) / 1e6, 12);
  });

  test('an unknown model is unpriced (null), never $0', () => {
    expect(costOf({ model: 'grok-9000', input: 10, output: 10, total: 20 }, table)).toBeNull();
    // a model named as an Object property is a model like any other
    for (const model of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(costOf({ model, input: 10, output: 10, total: 20 }, table), model).toBeNull();
    }
    const rows = [
      { model: 'grok-4', input: 1e6, output: 0, total: 1e6, cost: 3 },
      { model: 'grok-9000', input: 5, output: 5, total: 10, cost: null },
    ];
    expect(sumCosts(rows)).toEqual({
      sessions: 2,
      input: 1e6 + 5,
      output: 5,
      total: 1e6 + 10,
      cost: 3,
      unpriced: 1,
    });
    expect(unpricedModels(rows)).toEqual(['grok-9000']);
  });

  test('a total over only unpriced sessions is null, not zero', () => {
    expect(sumCosts([{ model: 'x', input: 1, output: 1, total: 2, cost: null }]).cost).toBeNull();
    expect(sumCosts([]).cost).toBeNull();
  });

  test('the seed flat rate applies to total tokens per 1,000, whatever the model', () => {
    const flat = { kind: 'flat' as const, usdPer1k: 0.01 };
    expect(costOf({ model: 'grok-9000', input: 1, output: 1, total: 32_370 }, flat)).toBeCloseTo(
      0.3237,
      12,
    );
  });

  test('settings overrides replace and add models', () => {
    const t = priceTable({
      'grok-4': { input: 1, output: 2 },
      'my-model': { input: 10, output: 20 },
    });
    expect(t['grok-4']).toEqual({ input: 1, output: 2 });
    expect(
      costOf(
        { model: 'my-model', input: 1e6, output: 1e6, total: 2e6 },
        { kind: 'table', table: t },
      ),
    ).toBe(30);
    expect(t['grok-3-mini']).toEqual(XAI_LIST_PRICES['grok-3-mini']);
  });

  test('the table prices the models the runtime offers', () => {
    for (const m of [
      'grok-4',
      'grok-4-0709',
      'grok-3',
      'grok-3-mini',
      'grok-2-1212',
      'grok-code-fast-1',
      'grok-4-fast',
    ]) {
      expect(XAI_LIST_PRICES[m], m).toBeDefined();
    }
  });
});
