/**
 * The gaps a hostile probe found in secrets and redact, through the built CLI: a private key a
 * tool read from a JSON file, a legacy encrypted PEM, secrets outside the messages, and tokens
 * given as a name or a tag. The API's encrypted reasoning is opaque: neither scanned nor redacted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { maskSecret, scanText, secretInValue } from '../../src/secrets/scan.js';
import { validateName, validateTag } from '../../src/session/names.js';
import { homeForEachTest, random, runGrok } from '../helpers.js';
import { sampleSession } from '../sample-session.js';
import { EXAMPLES } from '../secrets/examples.js';
import { material, SHAPES } from '../secrets/shapes.js';

const FILE = 'session-2025-11-05-14-30-12.json';
type Obj = Record<string, unknown>;

const h = homeForEachTest();
const file = (): string => join(h.sessions, FILE);

const keyOf = (name: string) => {
  const shape = SHAPES.find((s) => s.name === name);
  if (!shape) throw new Error(name);
  return shape.make(random(7)).secret;
};
const RSA = keyOf('RSA key ("\\n")');
const LEGACY = keyOf('legacy encrypted RSA key ("\\n")');

function write(session: Obj): string {
  const text = `${JSON.stringify(session, null, 2)}\n`;
  writeFileSync(file(), text, { mode: 0o600 });
  return text;
}

interface Found {
  messageIndex: number | null;
  field: string;
  kind: string;
}
const scan = () => {
  const r = runGrok(['sessions', 'secrets', '--json'], h.env);
  return { code: r.code, findings: JSON.parse(r.stdout).findings as Found[] };
};
const redactAll = () => runGrok(['sessions', 'redact', '--all', '--yes'], h.env);

describe('private keys that were redacted only up to their first line', () => {
  it('a service-account JSON file a tool read: the whole key goes, and secrets then finds nothing', () => {
    const s = sampleSession();
    const call = (((s.messages as Obj[])[2] as Obj).toolCalls as Obj[])[0] as Obj;
    call.tool = 'Read';
    call.parameters = { file_path: 'deploy/service-account.json' };
    // as the file is on disk: the key's line breaks are `\n`, two characters, in the text read
    call.result = JSON.stringify(
      { type: 'service_account', project_id: 'acme', private_key: RSA, client_id: '1234' },
      null,
      2,
    );
    write(s);
    expect(scan().findings.map((f) => [f.messageIndex, f.field, f.kind])).toEqual([
      [2, 'toolCalls[0].result', 'private-key'],
    ]);
    expect(redactAll().code).toBe(0);
    const after = readFileSync(file(), 'utf8');
    for (const line of material(RSA)) expect(after).not.toContain(line);
    expect(after).toContain('\\"private_key\\": \\"[REDACTED:private-key]\\"');
    expect(after).toContain('\\"client_id\\": \\"1234\\"');
    expect(scan()).toEqual({ code: 0, findings: [] });
  });

  it('a legacy encrypted PEM (Proc-Type, DEK-Info) goes whole', () => {
    const s = sampleSession();
    (s.messages as Obj[])[1] = {
      role: 'user',
      content: `my key is\n${LEGACY}\ncan you decrypt it?`,
    };
    write(s);
    expect(scan().findings.map((f) => [f.messageIndex, f.field, f.kind])).toEqual([
      [1, 'content', 'private-key'],
    ]);
    expect(redactAll().code).toBe(0);
    const after = JSON.parse(readFileSync(file(), 'utf8'));
    expect(after.messages[1].content).toBe(
      'my key is\n[REDACTED:private-key]\ncan you decrypt it?',
    );
    expect(scan()).toEqual({ code: 0, findings: [] });
  });
});

describe('secrets outside the messages', () => {
  it('name, tags, metadata and fields grok does not know are scanned and redacted', () => {
    const [xai, ghp, slack, jwt] = ['xai-api-key', 'github-token', 'slack-token', 'jwt'].map(
      (k) => EXAMPLES.find((e) => e.kind === k)?.secret as string,
    );
    const s = sampleSession({
      name: `deploy ${ghp}`,
      tags: ['prod', xai],
      metadata: {
        workingDirectory: '/home/user/app',
        nodeVersion: '20.10.0',
        grokVersion: '1.1.101',
        env: { SLACK_TOKEN: slack },
      },
      extra: { notes: [`bearer ${jwt}`] },
    });
    write(s);
    expect(scan().findings.map((f) => [f.messageIndex, f.field, f.kind])).toEqual([
      [null, 'metadata.env.SLACK_TOKEN', 'slack-token'],
      [null, 'name', 'github-token'],
      [null, 'tags[1]', 'xai-api-key'],
      [null, 'extra.notes[0]', 'jwt'],
    ]);
    const table = runGrok(['sessions', 'secrets'], h.env).stdout;
    expect(table).toContain('4 secrets in 1 session');
    for (const secret of [xai, ghp, slack, jwt]) expect(table).not.toContain(secret);
    expect(redactAll().code).toBe(0);
    const after = readFileSync(file(), 'utf8');
    for (const secret of [xai, ghp, slack, jwt]) expect(after).not.toContain(secret);
    expect(JSON.parse(after).tags).toEqual(['prod', '[REDACTED:xai-api-key]']);
    expect(scan()).toEqual({ code: 0, findings: [] });
  });

  it('a member written twice: the one JSON.parse hides is scanned and redacted too', () => {
    const ghp = EXAMPLES.find((e) => e.kind === 'github-token')?.secret as string;
    const text = JSON.stringify(sampleSession()).replace(
      '"model":',
      `"name":"tok ${ghp}","name":"clean","model":`,
    );
    writeFileSync(file(), text, { mode: 0o600 });
    expect(scan().findings.map((f) => f.field)).toEqual(['name']);
    expect(redactAll().code).toBe(0);
    expect(readFileSync(file(), 'utf8')).toBe(
      text.replace(`"tok ${ghp}"`, '"tok [REDACTED:github-token]"'),
    );
  });
});

describe("the API's encrypted reasoning", () => {
  it('is neither scanned nor redacted; the rest of its message is', () => {
    const xai = EXAMPLES[0]?.secret as string;
    const opaque = `gAAAA${xai}`;
    const s = sampleSession();
    (s.messages as Obj[])[2] = {
      ...(s.messages as Obj[])[2],
      content: `the key is ${xai}`,
      reasoning: [
        {
          type: 'reasoning',
          id: 'rs_1',
          encrypted_content: `password=${opaque}`,
          summary: [{ type: 'summary_text', text: `thinking about ${xai}` }],
        },
      ],
      encrypted_content: `api_key=${opaque}`,
      // as the runtime records them (src/chat/history.ts): per request, under `rounds`
      rounds: [
        {
          chars: 10,
          tools: 0,
          reasoning: [{ type: 'reasoning', id: 'rs_2', encrypted_content: `secret=${opaque}` }],
        },
      ],
    };
    const before = write(s);
    expect(scan().findings.map((f) => [f.messageIndex, f.field, f.kind])).toEqual([
      [2, 'content', 'xai-api-key'],
    ]);
    expect(redactAll().code).toBe(0);
    expect(readFileSync(file(), 'utf8')).toBe(
      before.replace(`"the key is ${xai}"`, '"the key is [REDACTED:xai-api-key]"'),
    );
  });
});

describe('tag and rename refuse a token', () => {
  it('every kind, naming it and never quoting the value', () => {
    for (const e of EXAMPLES) {
      const messages: string[] = [];
      const refused = (f: () => unknown) => {
        expect(f).toThrow(UsageError);
        try {
          f();
        } catch (error) {
          messages.push((error as Error).message);
        }
      };
      refused(() => validateName(e.text.replace(/\n/g, ' '), secretInValue));
      // a tag is one word: the kinds a word alone shows (an assignment needs its `=`)
      if (scanText(e.secret).length > 0) refused(() => validateTag(e.secret, secretInValue));
      for (const m of messages) {
        expect(m, e.kind).toContain(`(${e.kind})`);
        expect(m).not.toContain(e.secret);
      }
    }
  });

  it('on the command line: one line, exit 2, the file unchanged', () => {
    const text = write(sampleSession());
    const [xai, ghp] = ['xai-api-key', 'github-token'].map(
      (k) => EXAMPLES.find((e) => e.kind === k)?.secret as string,
    );
    const tag = runGrok(['sessions', 'tag', 'latest', 'prod', xai as string], h.env);
    expect([tag.code, tag.stdout]).toEqual([2, '']);
    expect(tag.stderr).toBe(
      `grok: refused tag: ${maskSecret(xai as string)} looks like a credential: xAI API key (xai-api-key); a tag is never a secret\n`,
    );
    const rename = runGrok(['sessions', 'rename', 'latest', `deploy with ${ghp}`], h.env);
    expect([rename.code, rename.stdout]).toEqual([2, '']);
    expect(rename.stderr).toBe(
      `grok: refused session name: ${maskSecret(ghp as string)} looks like a credential: GitHub token (personal, OAuth, app, refresh) (github-token); a name is never a secret\n`,
    );
    expect(readFileSync(file(), 'utf8')).toBe(text);
    // a near miss is a tag like any other
    const ok = runGrok(['sessions', 'tag', 'latest', 'sk-learn'], h.env);
    expect([ok.code, ok.stdout]).toEqual([0, `${FILE} tags: sk-learn\n`]);
  });
});
