import { describe, expect, it } from 'vitest';
import { SECRET_RULES } from '../../src/secrets/rules.js';
import { maskSecret, redactText, scanSession, scanText } from '../../src/secrets/scan.js';
import { sampleSession } from '../sample-session.js';
import { EXAMPLES } from './examples.js';

describe('secret rules', () => {
  it('has one rule per kind with a description', () => {
    const ids = SECRET_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of SECRET_RULES) expect(r.description.length).toBeGreaterThan(5);
  });

  for (const e of EXAMPLES) {
    it(`finds ${e.kind} and only the secret`, () => {
      const found = scanText(e.text);
      expect(found.map((f) => f.kind)).toEqual([e.kind]);
      expect(found[0]?.value).toBe(e.secret);
    });
    it(`ignores the near miss for ${e.kind}: ${e.nearMiss.slice(0, 40)}`, () => {
      expect(scanText(e.nearMiss)).toEqual([]);
    });
  }

  it('masks without showing the secret', () => {
    for (const e of EXAMPLES) {
      const masked = maskSecret(e.secret);
      expect(masked).not.toContain(e.secret);
      expect(masked).toMatch(/…\(\d+ chars\)$/);
      expect(masked.replace(/….*/, '').length).toBeLessThanOrEqual(4);
    }
  });

  it('redacts every kind in one text, keeping the rest', () => {
    const text = EXAMPLES.map((e) => e.text).join('\n---\n');
    const redacted = redactText(text);
    for (const e of EXAMPLES) expect(redacted).not.toContain(e.secret);
    for (const e of EXAMPLES) expect(redacted).toContain(`[REDACTED:${e.kind}]`);
    expect(redacted.split('\n---\n')).toHaveLength(EXAMPLES.length);
    expect(scanText(redacted)).toEqual([]);
  });

  it('scans content, tool parameters and tool results, naming the message and field', () => {
    const [a, b, c] = EXAMPLES as [
      (typeof EXAMPLES)[0],
      (typeof EXAMPLES)[0],
      (typeof EXAMPLES)[0],
    ];
    const session = sampleSession({
      messages: [
        { role: 'system', content: 'setup' },
        { role: 'user', content: `use ${a.text}`, timestamp: '2025-11-05T14:30:15.000Z' },
        {
          role: 'assistant',
          content: 'ok',
          timestamp: '2025-11-05T14:30:18.500Z',
          toolCalls: [
            {
              tool: 'Read',
              parameters: { path: '.env', note: b.text },
              result: ['line 1', c.text],
            },
          ],
        },
      ],
    }) as unknown as Parameters<typeof scanSession>[0];
    expect(scanSession(session)).toEqual([
      { messageIndex: 1, field: 'content', kind: a.kind, preview: maskSecret(a.secret) },
      {
        messageIndex: 2,
        field: 'toolCalls[0].parameters.note',
        kind: b.kind,
        preview: maskSecret(b.secret),
      },
      {
        messageIndex: 2,
        field: 'toolCalls[0].result[1]',
        kind: c.kind,
        preview: maskSecret(c.secret),
      },
    ]);
  });
});

describe('secret rules and catastrophic backtracking', () => {
  it('the analyser tells a vulnerable pattern from a safe one', async () => {
    const { checkSync } = await import('recheck');
    expect(checkSync('^(a+)+$', '').status).toBe('vulnerable');
    expect(checkSync('^a+$', '').status).toBe('safe');
  });

  for (const rule of SECRET_RULES) {
    it(`${rule.id} runs in linear time (ReDoS analysis)`, async () => {
      const { checkSync } = await import('recheck');
      const result = checkSync(rule.pattern.source, rule.pattern.flags.replace('g', ''), {
        timeout: 20_000,
      });
      expect(result.status, JSON.stringify(result)).toBe('safe');
      if (result.status === 'safe')
        expect(['constant', 'linear', 'safe']).toContain(result.complexity.type);
    });
  }
});
