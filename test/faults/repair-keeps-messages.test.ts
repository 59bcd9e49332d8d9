/**
 * repair and doctor on files whose messages are intact but something else is impossible: the
 * messages are kept, and nothing advises deleting a file that holds readable messages. A repair
 * that fails leaves no backup behind.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionSchema } from '../../src/session/schema.js';
import { homeForEachTest, runGrok } from '../helpers.js';
import { sampleSession } from '../sample-session.js';

interface Finding {
  check: string;
  detail: string;
  fix: string | null;
}

const h = homeForEachTest();

const fileFor = (day: string) => `session-2025-10-${day}-00-00-00.json`;

/** A session whose tokenUsage.input is written as `input`, verbatim JSON. */
function withInput(day: string, input: string, metered: boolean): string {
  const s = sampleSession({ sessionId: `session-2025-10-${day}-00-00-00` });
  const messages = s.messages as Record<string, unknown>[];
  if (metered) {
    (messages[2] as Record<string, unknown>).usage = { input: 1200, output: 300, total: 1500 };
    messages.push({
      role: 'assistant',
      content: 'and the rest',
      usage: { input: 1800, output: 200, total: 2000 },
    });
  }
  const text = `${JSON.stringify(s, null, 2)}\n`.replace('"input": 23450', `"input": ${input}`);
  expect(text).toContain(`"input": ${input}`);
  writeFileSync(join(h.sessions, fileFor(day)), text, { mode: 0o600 });
  return text;
}

const doctorFixes = (): Finding[] =>
  (
    JSON.parse(runGrok(['sessions', 'doctor', '--json'], h.env).stdout).findings as Finding[]
  ).filter((f) => f.check === 'unreadable session');

describe('repair keeps the messages of a session with an impossible number', () => {
  it('1e300, 2^63 and a negative input: doctor says repair, and repair keeps every message', () => {
    const texts = {
      '01': withInput('01', '1e300', true),
      '02': withInput('02', '9223372036854775808', false),
      '03': withInput('03', '-5', false),
    };
    const fixes = doctorFixes();
    expect(fixes.map((f) => f.fix)).toEqual(
      Object.keys(texts).map((day) => `grok sessions repair ${fileFor(day)}`),
    );

    const r = runGrok(['sessions', 'repair', '--all', '--json'], h.env);
    expect(r.code, r.stdout).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.unrecoverable).toEqual([]);
    for (const [day, text] of Object.entries(texts)) {
      const entry = out.repaired.find((x: { file: string }) => x.file === fileFor(day));
      expect(entry.dropped, day).toBe(0);
      // the original, byte for byte
      expect(readFileSync(join(h.sessions, entry.backup), 'utf8')).toBe(text);
      const repaired = JSON.parse(readFileSync(join(h.sessions, fileFor(day)), 'utf8'));
      expect(sessionSchema.safeParse(repaired).success).toBe(true);
      expect(repaired.messages, day).toEqual(JSON.parse(text).messages);
      expect(entry.messages).toBe(repaired.messages.length);
    }
    const usage = (day: string) =>
      JSON.parse(readFileSync(join(h.sessions, fileFor(day)), 'utf8')).tokenUsage;
    // recomputed from the messages' own usage
    expect(usage('01')).toEqual({ input: 3000, output: 500, total: 3500 });
    // no per-message usage: clamped into range, and marked
    expect(usage('02')).toEqual({
      input: Number.MAX_SAFE_INTEGER,
      output: 8920,
      total: Number.MAX_SAFE_INTEGER,
      clamped: ['input', 'total'],
    });
    expect(usage('03')).toEqual({ input: 0, output: 8920, total: 8920, clamped: ['input'] });
    expect(doctorFixes()).toEqual([]);
    expect(JSON.parse(runGrok(['sessions', 'list', '--json'], h.env).stdout).sessions).toHaveLength(
      3,
    );
  });

  it('an impossible number in one API call loses that number, not the message', () => {
    const s = sampleSession();
    const messages = s.messages as Record<string, unknown>[];
    (messages[2] as Record<string, unknown>).calls = [
      { model: 'grok-4', input: 100, output: 20, total: 120, costUsdTicks: -3 },
      { model: 'grok-4', input: 1e300, output: 20, total: 120 },
    ];
    writeFileSync(join(h.sessions, fileFor('04')), JSON.stringify(s), { mode: 0o600 });
    const r = runGrok(['sessions', 'repair', fileFor('04'), '--json'], h.env);
    expect(r.code, r.stdout).toBe(0);
    const repaired = JSON.parse(readFileSync(join(h.sessions, fileFor('04')), 'utf8'));
    expect(repaired.messages).toHaveLength(3);
    expect(repaired.messages[2].calls).toEqual([
      { model: 'grok-4', input: 100, output: 20, total: 120 },
      { model: 'grok-4', output: 20, total: 120 },
    ]);
  });
});

describe('repair of messages kept as an object', () => {
  it('keeps every message, in the order of their keys', () => {
    const s = sampleSession();
    const [m0, m1, m2] = s.messages as unknown[];
    // written out of order: "2" first
    const text = JSON.stringify({ ...s, messages: { '2': m2, '0': m0, '1': m1 } }, null, 2);
    writeFileSync(join(h.sessions, fileFor('05')), text, { mode: 0o600 });
    const r = runGrok(['sessions', 'repair', fileFor('05'), '--json'], h.env);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).repaired[0]).toMatchObject({ messages: 3, dropped: 0 });
    const repaired = JSON.parse(readFileSync(join(h.sessions, fileFor('05')), 'utf8'));
    expect(repaired.messages).toEqual([m0, m1, m2]);
  });
});

describe('a repair that cannot be done', () => {
  it('leaves no backup, and the file as it was', () => {
    // JSON.parse reads a value nested 20,000 deep; writing it back overflows the stack
    const s = sampleSession();
    delete s.tokenUsage;
    const text = JSON.stringify(s).replace(
      '"messages":[',
      `"messages":[{"role":"tool","content":"x","nested":${'['.repeat(20_000)}${']'.repeat(20_000)}},`,
    );
    writeFileSync(join(h.sessions, fileFor('06')), text, { mode: 0o600 });
    const r = runGrok(['sessions', 'repair', '--all', '--json'], h.env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).unrecoverable).toEqual([
      {
        file: fileFor('06'),
        reason: 'a value in it is nested too deeply to write back; left as it is',
      },
    ]);
    expect(readdirSync(h.sessions)).toEqual([fileFor('06')]);
    expect(readFileSync(join(h.sessions, fileFor('06')), 'utf8')).toBe(text);
    // its four messages can be read: not a file to delete
    expect(doctorFixes().map((f) => f.fix)).toEqual([
      `keep it: 4 messages in it can be read, but not as a grok session; move it out of ${h.sessions} to keep it`,
    ]);
  });

  it('doctor never says rm for a file of readable messages that is not a session', () => {
    const s = sampleSession();
    writeFileSync(join(h.sessions, fileFor('07')), JSON.stringify(s.messages), { mode: 0o600 });
    writeFileSync(join(h.sessions, fileFor('08')), '[1, 2, 3]', { mode: 0o600 });
    expect(doctorFixes().map((f) => f.fix)).toEqual([
      `keep it: 3 messages in it can be read, but not as a grok session; move it out of ${h.sessions} to keep it`,
      `rm ${join(h.sessions, fileFor('08'))} (nothing in it can be recovered)`,
    ]);
  });
});
