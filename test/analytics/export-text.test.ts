/**
 * Table exports (`export --format jsonl|csv|parquet`) and the text of sessions: none by default,
 * redacted with the secret rules with --with-text, as it is only with --no-redact (and a warning).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { homeForEachTest, runGrok } from '../helpers.js';
import { EXAMPLES } from '../secrets/examples.js';
import { writeSession } from './sessions.js';

const h = homeForEachTest();

const grok = (...args: string[]) => runGrok(['sessions', ...args], h.env);
const key = EXAMPLES[0] as (typeof EXAMPLES)[number];

/** A session whose message, tool call, result and name each hold a credential. */
function secretSession(): void {
  const path = writeSession(h.sessions, {
    start: '2025-11-05T10:00:00Z',
    content: `my key is ${key.secret}, keep it`,
    tools: ['Bash'],
  });
  const session = JSON.parse(readFileSync(path, 'utf8'));
  session.messages[2].toolCalls = [
    { tool: 'Bash', parameters: { command: key.text }, result: `echo ${key.secret}` },
  ];
  session.name = `deploy ${key.secret}`;
  writeFileSync(path, JSON.stringify(session, null, 2));
}

function exported(format: 'jsonl' | 'csv', out: string, ...flags: string[]) {
  const r = grok('export', '--format', format, '--out', out, ...flags);
  expect(r.code, r.stderr).toBe(0);
  const text = ['sessions', 'messages', 'tool_calls']
    .map((t) => readFileSync(join(out, `${t}.${format}`), 'utf8'))
    .join('\n');
  return { text, stderr: r.stderr };
}

describe('table exports and session text', () => {
  test('by default: no message text, no tool parameters or results, names redacted', () => {
    secretSession();
    for (const format of ['jsonl', 'csv'] as const) {
      const { text, stderr } = exported(format, join(h.home, `plain-${format}`));
      expect(text).not.toContain(key.secret);
      expect(text).not.toContain('my key is');
      expect(text).not.toContain('keep it');
      expect(stderr).toBe('');
    }
    const messages = readFileSync(join(h.home, 'plain-jsonl', 'messages.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(messages.map((m) => m.content)).toEqual([null, null, null]);
    const calls = readFileSync(join(h.home, 'plain-jsonl', 'tool_calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(calls).toMatchObject([{ tool: 'Bash', parameters: null, result: null }]);
    const sessions = readFileSync(join(h.home, 'plain-jsonl', 'sessions.jsonl'), 'utf8');
    expect(JSON.parse(sessions).name).toBe(`deploy [REDACTED:${key.kind}]`);
  });

  test('--with-text: the text, with every secret redacted', () => {
    secretSession();
    const { text, stderr } = exported('jsonl', join(h.home, 'text'), '--with-text');
    expect(text).toContain('my key is');
    expect(text).toContain(`[REDACTED:${key.kind}]`);
    expect(text).not.toContain(key.secret);
    expect(stderr).toBe('');
    const call = JSON.parse(readFileSync(join(h.home, 'text', 'tool_calls.jsonl'), 'utf8'));
    // parameters stay JSON, their strings redacted
    expect(JSON.parse(call.parameters).command).toContain(`[REDACTED:${key.kind}]`);
  });

  test('--with-text --no-redact: the text as it is, with a warning on stderr', () => {
    secretSession();
    const { text, stderr } = exported('csv', join(h.home, 'raw'), '--with-text', '--no-redact');
    expect(text).toContain(key.secret);
    expect(stderr).toMatch(/^grok: warning: --no-redact: .* secrets in them as they are/);
  });

  test('parquet pools follow the same rules', () => {
    secretSession();
    const pool = join(h.home, 'pool');
    expect(grok('export', '--format', 'parquet', '--out', pool, '--machine', 'm').code).toBe(0);
    const contents = (sql: string) =>
      JSON.stringify(JSON.parse(grok('query', '--from', pool, sql, '--json').stdout));
    expect(contents('SELECT content FROM messages')).not.toContain('my key is');
    expect(contents('SELECT name FROM sessions')).not.toContain(key.secret);
    expect(
      grok('export', '--format', 'parquet', '--out', pool, '--machine', 'm', '--with-text').code,
    ).toBe(0);
    const text = contents(
      'SELECT content FROM messages UNION ALL SELECT parameters FROM tool_calls',
    );
    expect(text).toContain('my key is');
    expect(text).not.toContain(key.secret);
  });
});
