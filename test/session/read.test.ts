import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverSessionFiles } from '../../src/session/discover.js';
import { parseSessionText, readSessionFile } from '../../src/session/read.js';
import { makeHome, type TempHome } from '../helpers.js';
import { sampleSession } from '../sample-session.js';

describe('parseSessionText', () => {
  it('tells a file cut short from one broken in the middle, with the offset', () => {
    const text = JSON.stringify(sampleSession(), null, 2);
    expect(parseSessionText(text.slice(0, 100))).toEqual({
      ok: false,
      reason: 'invalid JSON: ends early (truncated?) at offset 100',
    });
    const comma = text.replace(/\n\}$/, ',\n}');
    expect(parseSessionText(comma)).toEqual({
      ok: false,
      reason: `invalid JSON: is invalid at offset ${comma.length - 1}`,
    });
  });

  it('accepts the seed example and keeps unknown fields', () => {
    const r = parseSessionText(JSON.stringify(sampleSession({ extra: { kept: true } })));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.session.messages).toHaveLength(3);
      expect(r.raw.extra).toEqual({ kept: true });
      expect((r.session as Record<string, unknown>).extra).toEqual({ kept: true });
    }
  });

  it('gives a reason for each kind of bad file', () => {
    const good = JSON.stringify(sampleSession(), null, 2);
    const cases: [string, RegExp][] = [
      ['', /^empty file$/],
      ['\0'.repeat(64), /^only NUL bytes/],
      [
        good.slice(0, Math.floor(good.length * 0.6)),
        /^invalid JSON: ends early \(truncated\?\) at offset \d+$/,
      ],
      [
        good.replace('"total": 32370', '"total": 32370,'),
        /^invalid JSON: is invalid at offset \d+$/,
      ],
      ['{"name":"my notes","items":[1,2,3]}', /^not a session: sessionId: /],
      ['[1,2]', /^not a session: top level is not an object$/],
      [
        JSON.stringify(sampleSession({ model: 7 })),
        /^not a session: model: expected string, received number$/,
      ],
      [JSON.stringify({ ...sampleSession(), model: undefined }), /^not a session: model: missing$/],
      [`\uFEFF${good}`, /^invalid JSON: starts with a byte-order mark \(U\+FEFF\)$/],
      [
        JSON.stringify(sampleSession({ messages: [{ role: 'robot', content: 'x' }] })),
        /^not a session: messages\.0\.role: /,
      ],
    ];
    for (const [text, reason] of cases) {
      const r = parseSessionText(text);
      expect(r.ok, text.slice(0, 40)).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it('names the offset where the JSON breaks', () => {
    const r = parseSessionText('{"sessionId": "x",, "a": 1}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('invalid JSON: is invalid at offset 18');
  });

  it('accepts a lone surrogate escape, which JSON.parse reads', () => {
    const text = JSON.stringify(sampleSession()).replace(
      'analyze authentication flow',
      'cut emoji \\ud83d',
    );
    const r = parseSessionText(text);
    expect(r.ok).toBe(true);
  });
});

describe('discovery', () => {
  let home: TempHome;
  afterEach(() => home.cleanup());

  it('finds only regular files named like sessions, directly in the directory', async () => {
    home = makeHome();
    const dir = home.sessions;
    const body = JSON.stringify(sampleSession());
    writeFileSync(join(dir, 'session-2025-11-05-14-30-12.json'), body);
    writeFileSync(join(dir, 'session-2025-11-05-14-30-12-2.json'), body);
    writeFileSync(join(dir, 'session-2025-11-05-14-30-11.json'), body);
    writeFileSync(join(dir, 'notes.json'), body);
    writeFileSync(join(dir, 'session-2025-11-05-14-30-12.json.bak'), body);
    writeFileSync(join(dir, '.session-2025-11-05-14-30-12.json.123.abcdef12.tmp'), body);
    writeFileSync(join(dir, 'session-2025-11-05.jsonl'), body);
    mkdirSync(join(dir, 'session-2025-11-06-00-00-00.json'));
    mkdirSync(join(dir, 'other-tool'));
    writeFileSync(join(dir, 'other-tool', 'session-2025-11-07-00-00-00.json'), body);
    writeFileSync(join(home.home, 'elsewhere.json'), body);
    symlinkSync(join(home.home, 'elsewhere.json'), join(dir, 'session-2025-11-08-00-00-00.json'));

    const d = await discoverSessionFiles(dir);
    expect(d.files.map((f) => f.name)).toEqual([
      'session-2025-11-05-14-30-11.json',
      'session-2025-11-05-14-30-12.json',
      'session-2025-11-05-14-30-12-2.json',
    ]);
    expect(d.ignored).toEqual(
      expect.arrayContaining([
        { name: 'session-2025-11-08-00-00-00.json', reason: 'symbolic link (not followed)' },
        { name: 'session-2025-11-06-00-00-00.json', reason: 'not a regular file' },
      ]),
    );
  });

  it('treats a missing directory as empty', async () => {
    home = makeHome({ withSessions: false });
    const d = await discoverSessionFiles(home.sessions);
    expect(d.files).toEqual([]);
  });

  it('does not follow a symlink even when asked to read it directly', async () => {
    home = makeHome();
    writeFileSync(join(home.home, 'real.json'), JSON.stringify(sampleSession()));
    const link = join(home.sessions, 'session-2025-11-08-00-00-00.json');
    symlinkSync(join(home.home, 'real.json'), link);
    const r = await readSessionFile(link);
    expect(r).toEqual({ ok: false, reason: 'cannot read: not a regular file (a symbolic link)' });
  });
});
