/**
 * Commands that rewrite a session file (tag, untag, rename, redact) keep every byte they do not
 * mean to change, or refuse and point at `repair`. Bytes that are not UTF-8 cannot survive being
 * read as text: such a file is refused, and `repair` replaces exactly those bytes, with a backup.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeForEachTest, runGrok } from '../helpers.js';
import { sampleSession } from '../sample-session.js';
import { EXAMPLES } from '../secrets/examples.js';

const FILE = 'session-2025-11-05-14-30-12.json';

const h = homeForEachTest();
const file = (): string => join(h.sessions, FILE);

/**
 * A session as another writer might lay it out: tabs, `\u00e9` and `\/` escapes, a lone
 * surrogate's escape, numbers written as 1.50 and 1e3, unknown fields, a member given twice.
 */
const FOREIGN = `{
\t"sessionId":"session-2025-11-05-14-30-12", "startTime": "2025-11-05T14:30:12.345Z",
\t"model": "grok-4",
\t"messages": [
\t\t{"role": "user", "content": "caf\\u00e9 \\/ cut emoji \\ud83d", "temperature": 1.50},
\t\t{"role": "assistant", "content": "ok", "timestamp": "2025-11-05T14:30:18.500Z", "score": 1e3}
\t],
\t"tokenUsage": {"input": 10, "output": 5, "total": 15},
\t"metadata": {"workingDirectory": "/home/user/app", "nodeVersion": "20.10.0", "grokVersion": "1.1.101"},
\t"tags": ["old"],
\t"tags": ["keep"]
}
`;

describe('tag, untag and rename change only the bytes of the field they set', () => {
  it('a file laid out by another writer: every other byte is kept', () => {
    writeFileSync(file(), FOREIGN, { mode: 0o600 });
    const tag = runGrok(['sessions', 'tag', 'latest', 'bug'], h.env);
    expect([tag.code, tag.stderr, tag.stdout]).toEqual([0, '', `${FILE} tags: keep, bug\n`]);
    // the last of the two `tags` is the one JSON.parse reads: that is the one set
    const tagged = FOREIGN.replace('"tags": ["keep"]', '"tags": [\n\t\t"keep",\n\t\t"bug"\n\t]');
    expect(readFileSync(file(), 'utf8')).toBe(tagged);

    const rename = runGrok(['sessions', 'rename', 'latest', 'café review'], h.env);
    expect([rename.code, rename.stderr]).toEqual([0, '']);
    // a new member goes last, written as the first member is (no space after its colon)
    const named = tagged.replace(/\n\}\n$/, ',\n\t"name":"café review"\n}\n');
    expect(readFileSync(file(), 'utf8')).toBe(named);

    const untag = runGrok(['sessions', 'untag', 'latest', 'keep', 'bug'], h.env);
    expect([untag.code, untag.stderr]).toEqual([0, '']);
    expect(readFileSync(file(), 'utf8')).toBe(
      named.replace('"tags": [\n\t\t"keep",\n\t\t"bug"\n\t]', '"tags": []'),
    );
  });

  it('a compact file stays compact', () => {
    const text = JSON.stringify(sampleSession());
    writeFileSync(file(), text, { mode: 0o600 });
    expect(runGrok(['sessions', 'rename', 'latest', 'auth'], h.env).code).toBe(0);
    expect(readFileSync(file(), 'utf8')).toBe(`${text.slice(0, -1)},"name":"auth"}`);
  });

  it("grok's own layout: the same bytes as before, the field added as grok writes it", () => {
    const text = `${JSON.stringify(sampleSession(), null, 2)}\n`;
    writeFileSync(file(), text, { mode: 0o600 });
    expect(runGrok(['sessions', 'tag', 'latest', 'a', 'b'], h.env).code).toBe(0);
    expect(readFileSync(file(), 'utf8')).toBe(
      `${JSON.stringify(sampleSession({ tags: ['a', 'b'] }), null, 2)}\n`,
    );
  });
});

describe('redact changes only the strings that held a secret', () => {
  it('on a file laid out by another writer', () => {
    const xai = EXAMPLES[0]?.secret as string;
    const text = FOREIGN.replace('"content": "ok"', `"content": "key ${xai}"`);
    writeFileSync(file(), text, { mode: 0o600 });
    const r = runGrok(['sessions', 'redact', 'latest', '--yes'], h.env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(file(), 'utf8')).toBe(
      text.replace(`"key ${xai}"`, '"key [REDACTED:xai-api-key]"'),
    );
  });
});

describe('bytes that are not UTF-8', () => {
  /** A stray 0xFF in one message, an encoded surrogate (CESU-8) in another. */
  function writeInvalid(): Buffer {
    const text = JSON.stringify(sampleSession(), null, 2);
    const [a, b] = text.split('analyze authentication flow');
    const [b1, b2] = (b as string).split("I'll analyze");
    const bytes = Buffer.concat([
      Buffer.from(`${a}analyze `),
      Buffer.from([0xff]),
      Buffer.from(`authentication flow${b1}I'll `),
      Buffer.from([0xed, 0xa0, 0xbd]),
      Buffer.from(` analyze${b2}\n`),
    ]);
    writeFileSync(file(), bytes, { mode: 0o600 });
    return bytes;
  }
  const badAt = (bytes: Buffer) => bytes.indexOf(0xff);

  it('tag, untag, rename, resume and redact refuse in one line naming the file and repair', () => {
    const bytes = writeInvalid();
    const xai = EXAMPLES[0]?.secret as string;
    const runs = [
      ['tag', ['sessions', 'tag', 'latest', 'x']],
      ['untag', ['sessions', 'untag', 'latest', 'x']],
      ['rename', ['sessions', 'rename', 'latest', 'y']],
      // a resumed session is saved whole after every turn
      ['resume', ['sessions', 'resume', 'latest']],
    ] as const;
    for (const [doing, args] of runs) {
      const r = runGrok(args, h.env);
      expect([r.code, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toBe(
        `grok: cannot ${doing} ${FILE}: byte ${badAt(bytes)} is not valid UTF-8 and a rewrite would change it; run grok sessions repair ${FILE} first (it keeps the original)\n`,
      );
      expect(readFileSync(file()).equals(bytes)).toBe(true);
    }
    // redact: a secret in it is not hidden by a clean report; the file is named as failed
    const withSecret = Buffer.concat([
      bytes.subarray(0, bytes.indexOf('[GROK.md')),
      Buffer.from(xai),
      bytes.subarray(bytes.indexOf('[GROK.md')),
    ]);
    writeFileSync(file(), withSecret);
    const redact = runGrok(['sessions', 'redact', '--all', '--yes'], h.env);
    expect(redact.code).toBe(1);
    expect(redact.stdout).toContain(
      `failed ${FILE}: byte ${badAt(withSecret)} is not valid UTF-8 and a rewrite would change it; run grok sessions repair ${FILE} first`,
    );
    expect(readFileSync(file()).equals(withSecret)).toBe(true);
    expect(readdirSync(h.sessions)).toEqual([FILE]);
  });

  it('repair replaces exactly those bytes, keeps the original; then tag works', () => {
    const bytes = writeInvalid();
    const r = runGrok(['sessions', 'repair', FILE, '--json'], h.env);
    expect(r.code, r.stdout).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.repaired).toEqual([
      { file: FILE, backup: expect.any(String), messages: 3, dropped: 0, invalidUtf8: 4 },
    ]);
    expect(readFileSync(join(h.sessions, out.repaired[0].backup)).equals(bytes)).toBe(true);
    // the stray byte and each byte of the surrogate became U+FFFD; nothing else changed
    expect(readFileSync(file(), 'utf8')).toBe(bytes.toString('utf8'));
    expect(readFileSync(file(), 'utf8')).toContain('analyze \uFFFDauthentication');
    const text = runGrok(['sessions', 'repair', FILE], h.env);
    expect(text.stdout).toBe('0 repaired, 0 unrecoverable, 1 valid (not touched).\n');
    expect(runGrok(['sessions', 'tag', 'latest', 'fixed'], h.env).code).toBe(0);
  });
});
