/**
 * The index checks sessions with the hand-written `isSession` instead of zod. It must accept
 * exactly what `sessionSchema` accepts, or the index would count a file `show` refuses (or miss
 * one it reads). Compared here on the sample sessions and on every field of them, mutated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSession } from '../../src/session/check.js';
import { parseSessionJson } from '../../src/session/parse.js';
import { checkWithSchema, parseSessionText } from '../../src/session/read.js';
import { sessionSchema } from '../../src/session/schema.js';
import { ROOT } from '../helpers.js';

const SAMPLES = join(ROOT, 'fixtures', 'sessions');

function samples(): unknown[] {
  return readdirSync(SAMPLES)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(SAMPLES, n), 'utf8')));
}

/** A session with every optional field present, so each can be mutated. */
function everyField(): Record<string, unknown> {
  return {
    sessionId: 's-1',
    startTime: '2025-08-01T10:00:00.000Z',
    endTime: '2025-08-01T10:05:00.000Z',
    model: 'grok-4',
    name: 'named',
    tags: ['keep', 'x'],
    status: 'ended',
    forkedFrom: { sessionId: 's-0', messages: 2, extra: true },
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi', timestamp: '2025-08-01T10:00:01.000Z' },
      {
        role: 'assistant',
        content: null,
        timestamp: '2025-08-01T10:00:02.000Z',
        usage: { input: 10, output: 5, total: 15, cachedInput: 4, reasoning: 2, costUsdTicks: 9 },
        calls: [
          {
            model: 'grok-4',
            input: 6,
            output: 3,
            total: 9,
            cachedInput: 4,
            reasoning: 2,
            costUsdTicks: 9,
          },
          { model: 'grok-4', usage: null },
        ],
        interrupted: false,
        toolCalls: [
          { tool: 'Read', id: 'call_1', parameters: { path: 'a' }, result: 'ok' },
          { tool: 'Grep', parameters: null },
        ],
      },
      { role: 'tool', content: 'result' },
    ],
    tokenUsage: { input: 10, output: 5, total: 15, cachedInput: 4, reasoning: 2, costUsdTicks: 9 },
    metadata: { workingDirectory: '/w', nodeVersion: 'v20', grokVersion: '1.0.0', more: 1 },
    unknownField: { kept: true },
  };
}

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  2 ** 53,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  '',
  'x',
  'user',
  'ended',
  '2025-08-01T10:00:00Z',
  'not a date',
  true,
  false,
  [],
  ['a'],
  [1],
  {},
  { tool: 'Read' },
  { input: 1, output: 1, total: 2 },
];

type Path = (string | number)[];

/** Paths to every value, taking at most the first three items of any array. */
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) {
    value.slice(0, 3).forEach((v, i) => {
      out.push(...paths(v, [...at, i]));
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  }
  return out;
}

function withValue(root: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  if (path.length === 0) return value;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy;
}

describe('isSession, the index’s schema check', () => {
  it('accepts every sample session, as the schema does', () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(40);
    for (const s of all) {
      expect(sessionSchema.safeParse(s).success).toBe(true);
      expect(isSession(s)).toBe(true);
    }
  });

  it('agrees with the schema on every field of a session replaced by every kind of value', () => {
    const bases = [everyField(), ...samples().slice(0, 3)];
    let compared = 0;
    let refused = 0;
    for (const base of bases) {
      for (const path of paths(base)) {
        for (const value of REPLACEMENTS) {
          const mutated = withValue(base, path, value);
          const zod = sessionSchema.safeParse(mutated).success;
          if (isSession(mutated) !== zod) {
            throw new Error(
              `disagree at ${path.join('.') || '(root)'} = ${String(value)}: zod ${zod}`,
            );
          }
          compared++;
          if (!zod) refused++;
        }
      }
    }
    // Enough of both outcomes that the comparison means something.
    expect(compared).toBeGreaterThan(4000);
    expect(refused).toBeGreaterThan(compared / 3);
    expect(compared - refused).toBeGreaterThan(500);
  });

  it('gives the index the same session as the copying reader, and zod the refused ones', () => {
    const text = JSON.stringify(everyField());
    const shared = parseSessionJson(text);
    const copied = parseSessionText(text);
    expect(shared.ok && copied.ok).toBe(true);
    if (shared.ok && copied.ok) {
      expect(shared.session).toEqual(copied.session);
      // the reader's copy is its own: changing it leaves the raw JSON as it was
      expect(copied.session).not.toBe(copied.raw);
    }
    const bad = JSON.stringify({ ...everyField(), messages: [{ role: 'robot', content: '' }] });
    const refused = parseSessionJson(bad);
    expect(refused).toMatchObject({ ok: false, reason: undefined });
    if (!refused.ok && refused.unchecked) {
      expect(checkWithSchema(refused.unchecked)).toEqual(parseSessionText(bad));
    }
    expect(parseSessionText(bad)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a session: messages\.0\.role/),
    });
    // what JSON.parse refuses never reaches the schema
    expect(parseSessionJson('{"a": ')).toEqual({
      ok: false,
      reason: 'invalid JSON: ends early (truncated?) at offset 6',
    });
  });
});
