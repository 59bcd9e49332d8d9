import { describe, expect, test } from 'vitest';
import { CALL_KINDS, RowColumns } from '../../src/analytics/session-rows.js';
import type { Session } from '../../src/session/schema.js';

const base = {
  sessionId: 's',
  startTime: '2026-11-01T10:00:00.000Z',
  model: 'grok-4.3',
  metadata: { workingDirectory: '/w', nodeVersion: '20', grokVersion: '1' },
};

/** The usage rows of one session, as plain objects. */
function usageRows(s: Session) {
  const rows = new RowColumns();
  rows.add(0, 'f.json', s);
  const c = rows.seal().apiCalls;
  const n = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
  return Array.from({ length: c.length }, (_, i) => ({
    seq: c.seq[i],
    idx: c.idx[i],
    kind: CALL_KINDS[c.kind[i] as number],
    model: c.model[i],
    known: c.known[i] === 1,
    input: n(c.input[i]),
    output: n(c.output[i]),
    cachedInput: n(c.cachedInput[i]),
    reasoning: n(c.reasoning[i]),
    costTicks: n(c.costTicks[i]),
  }));
}

describe('the usage rows cost is computed from', () => {
  test('one per API call; a message without calls gives its own usage; unknown usage stays unknown', () => {
    const rows = usageRows({
      ...base,
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: 'a',
          usage: { input: 30, output: 7, total: 37 },
          calls: [
            {
              model: 'grok-4.7',
              input: 30,
              output: 7,
              total: 37,
              cachedInput: 20,
              costUsdTicks: 5,
            },
            { model: 'grok-4.7', usage: null },
          ],
        },
        {
          role: 'assistant',
          content: 'b',
          usage: { input: 9, output: 1, total: 10, reasoning: 1 },
        },
      ],
      tokenUsage: { input: 39, output: 8, total: 47 },
    });
    expect(rows).toEqual([
      {
        seq: 1,
        idx: 0,
        kind: 'call',
        model: 'grok-4.7',
        known: true,
        input: 30,
        output: 7,
        cachedInput: 20,
        reasoning: null,
        costTicks: 5,
      },
      {
        seq: 1,
        idx: 1,
        kind: 'call',
        model: 'grok-4.7',
        known: false,
        input: null,
        output: null,
        cachedInput: null,
        reasoning: null,
        costTicks: null,
      },
      {
        seq: 2,
        idx: -1,
        kind: 'message',
        model: 'grok-4.3',
        known: true,
        input: 9,
        output: 1,
        cachedInput: null,
        reasoning: 1,
        costTicks: null,
      },
    ]);
  });

  test("the seed's format: the session totals are the one row", () => {
    expect(
      usageRows({
        ...base,
        messages: [{ role: 'user', content: 'q' }],
        tokenUsage: { input: 100, output: 10, total: 110 },
      }),
    ).toEqual([
      {
        seq: -1,
        idx: -1,
        kind: 'session',
        model: 'grok-4.3',
        known: true,
        input: 100,
        output: 10,
        cachedInput: null,
        reasoning: null,
        costTicks: null,
      },
    ]);
  });
});
