/**
 * repair: truncated (cut at many offsets), trailing-comma and NUL-run files become sessions that
 * parse, pass the schema and the seed's jq recipes, with every complete message kept and the
 * original kept byte for byte and the message the cut went through dropped; valid files are never
 * rewritten; unrecoverable and locked ones are left as they are.
 */
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionSchema } from '../../src/session/schema.js';
import { FIXTURES, homeForEachTest, runGrok, sh } from '../helpers.js';
import { snapshot } from './snapshot.js';

const SOURCE = 'session-2025-08-30-17-14-12.json'; // 19 messages with tool calls
const original = JSON.parse(readFileSync(join(FIXTURES, 'sessions', SOURCE), 'utf8'));
const pretty = `${JSON.stringify(original, null, 2)}\n`;
const compact = JSON.stringify(original);

/** Where each message's text ends in the pretty-printed file. */
const messageEnds: number[] = original.messages.map((m: unknown) => {
  const block = JSON.stringify(m, null, 2).split('\n').join('\n    ');
  const at = pretty.indexOf(block);
  expect(at).toBeGreaterThan(0);
  return at + block.length;
});

const h = homeForEachTest();

const nameFor = (i: number) =>
  `session-2025-10-${String(1 + Math.floor(i / 24)).padStart(2, '0')}-${String(i % 24).padStart(2, '0')}-00-00.json`;

describe('grok sessions repair', () => {
  it('recovers files cut at many offsets, keeping every complete message and the original', () => {
    const cuts = Array.from({ length: 30 }, (_, i) => Math.floor(((i + 1) / 31) * pretty.length));
    const written = cuts.map((cut, i) => {
      const name = nameFor(i);
      const bytes = Buffer.from(pretty.slice(0, cut));
      writeFileSync(join(h.sessions, name), bytes);
      return { name, cut, bytes };
    });
    const valid = join(h.sessions, 'session-2025-11-01-00-00-00.json');
    writeFileSync(valid, pretty);
    utimesSync(valid, 1e9, 1e9);
    const validMtime = statSync(valid).mtimeMs;

    const before = snapshot(h.sessions);
    const dry = runGrok(['sessions', 'repair', '--all', '--dry-run', '--json'], h.env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(snapshot(h.sessions)).toEqual(before);
    expect(JSON.parse(dry.stdout).repaired).toHaveLength(30);

    const r = runGrok(['sessions', 'repair', '--all', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(1);
    expect(out.unrecoverable).toEqual([]);
    expect(out.repaired.map((x: { file: string }) => x.file).sort()).toEqual(
      written.map((w) => w.name).sort(),
    );
    expect(statSync(valid).mtimeMs).toBe(validMtime);

    for (const w of written) {
      const entry = out.repaired.find((x: { file: string }) => x.file === w.name);
      // the original, byte for byte, beside it under a name that is not a session name
      expect(entry.backup).toMatch(/\.json\.bak-\d{8}-\d{6}$/);
      expect(readFileSync(join(h.sessions, entry.backup)).equals(w.bytes)).toBe(true);
      const path = join(h.sessions, w.name);
      const repaired = JSON.parse(readFileSync(path, 'utf8'));
      expect(sessionSchema.safeParse(repaired).success, w.name).toBe(true);
      // every complete message, unchanged, and nothing of the one the cut went through
      const complete = messageEnds.filter((end) => end <= w.cut).length;
      expect(repaired.messages, `cut at ${w.cut}`).toEqual(original.messages.slice(0, complete));
      expect(entry.messages).toBe(repaired.messages.length);
      // the seed's recipes work on it
      const total = sh(`jq -r '.tokenUsage.total' "${path}"`).trim();
      expect(Number(total)).toBe(repaired.tokenUsage.input + repaired.tokenUsage.output);
      const tools = sh(`jq -r '.messages[].toolCalls[]?.tool' "${path}"`).trim();
      const expected = repaired.messages.flatMap((m: { toolCalls?: { tool: string }[] }) =>
        (m.toolCalls ?? []).map((c) => c.tool),
      );
      expect(tools === '' ? [] : tools.split('\n')).toEqual(expected);
    }
    expect(new Set(written.map((w) => Math.floor(w.cut / 1000))).size).toBeGreaterThan(5);
    // the repaired files and the valid one are all sessions now; backups are not
    const list = JSON.parse(runGrok(['sessions', 'list', '--json'], h.env).stdout);
    expect(list.sessions).toHaveLength(31);
    expect(list.skipped).toEqual([]);
  });

  it('trailing commas, comments and NUL runs; empty and all-NUL files are left as they are', () => {
    // a hand edit: a trailing comma after the last field
    const withComma = pretty.replace(/\n\}\n$/, ',\n}\n');
    expect(withComma).not.toBe(pretty);
    writeFileSync(join(h.sessions, 'session-2025-10-01-00-00-00.json'), withComma);
    const nul = `${pretty.slice(0, 2000)}${'\0'.repeat(512)}`;
    writeFileSync(join(h.sessions, 'session-2025-10-02-00-00-00.json'), nul);
    writeFileSync(join(h.sessions, 'session-2025-10-03-00-00-00.json'), '');
    writeFileSync(join(h.sessions, 'session-2025-10-04-00-00-00.json'), Buffer.alloc(4096));
    writeFileSync(
      join(h.sessions, 'session-2025-10-05-00-00-00.json'),
      `// edited by hand\n${pretty.replace(/"(\w+)": "grok-4-0709"/, "'$1': 'grok-4-0709'")}`,
    );
    // a whole session, then a stray line; a whole session written twice
    writeFileSync(join(h.sessions, 'session-2025-10-06-00-00-00.json'), `${compact}\nx\n`);
    writeFileSync(join(h.sessions, 'session-2025-10-07-00-00-00.json'), `${pretty}${pretty}`);
    const doctor = runGrok(['sessions', 'doctor'], h.env).stdout;
    expect(doctor).toContain('fix: grok sessions repair session-2025-10-06-00-00-00.json');
    const r = runGrok(['sessions', 'repair', '--all', '--json'], h.env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.repaired.map((x: { file: string }) => x.file).sort()).toEqual([
      'session-2025-10-01-00-00-00.json',
      'session-2025-10-02-00-00-00.json',
      'session-2025-10-05-00-00-00.json',
      'session-2025-10-06-00-00-00.json',
      'session-2025-10-07-00-00-00.json',
    ]);
    for (const day of ['06', '07']) {
      const file = join(h.sessions, `session-2025-10-${day}-00-00-00.json`);
      expect(JSON.parse(readFileSync(file, 'utf8')), day).toEqual(original);
    }
    expect(out.unrecoverable.map((x: { file: string }) => x.file)).toEqual([
      'session-2025-10-03-00-00-00.json',
      'session-2025-10-04-00-00-00.json',
    ]);
    const comma = JSON.parse(
      readFileSync(join(h.sessions, 'session-2025-10-01-00-00-00.json'), 'utf8'),
    );
    expect(comma).toEqual(original);
    const hand = JSON.parse(
      readFileSync(join(h.sessions, 'session-2025-10-05-00-00-00.json'), 'utf8'),
    );
    expect(hand).toEqual(original);
    expect(readFileSync(join(h.sessions, 'session-2025-10-03-00-00-00.json'), 'utf8')).toBe('');
    expect(
      readFileSync(join(h.sessions, 'session-2025-10-04-00-00-00.json')).equals(Buffer.alloc(4096)),
    ).toBe(true);
  });
});

describe('grok sessions repair <ref>', () => {
  it('takes a broken file by id or file name, leaves the others; a locked one is not touched', () => {
    const cut = pretty.slice(0, Math.floor(pretty.length / 2));
    const a = 'session-2025-10-01-00-00-00.json';
    const b = 'session-2025-10-02-00-00-00.json';
    const c = 'session-2025-10-03-00-00-00.json';
    for (const name of [a, b, c]) writeFileSync(join(h.sessions, name), cut);
    // an old mtime, so a rewrite shows even within the same second
    for (const name of [a, b, c]) utimesSync(join(h.sessions, name), 1e9, 1e9);
    // c is open in a running grok: this test's own process holds its lock
    writeFileSync(join(h.sessions, `.${c}.lock`), `${process.pid}\n`);

    const r = runGrok(
      [
        'sessions',
        'repair',
        'session-2025-10-01-00-00-00',
        b,
        'session-2025-10-03-00-00-00',
        '--json',
      ],
      h.env,
    );
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.repaired.map((x: { file: string }) => x.file)).toEqual([a, b]);
    expect(out.locked).toEqual([{ file: c, pid: process.pid }]);
    expect(out.unrecoverable).toEqual([]);
    expect(readFileSync(join(h.sessions, c), 'utf8')).toBe(cut);
    expect(statSync(join(h.sessions, c)).mtimeMs).toBe(1e12);
    expect(readdirSync(h.sessions).filter((n) => n.startsWith(c))).toEqual([c]);

    // the backups are not sessions: list reads two repaired sessions and does not name them
    const list = JSON.parse(runGrok(['sessions', 'list', '--json'], h.env).stdout);
    expect(list.sessions).toHaveLength(2);
    expect(JSON.stringify(list)).not.toContain('.bak-');

    // a second run finds them valid and rewrites nothing
    for (const name of [a, b]) utimesSync(join(h.sessions, name), 1e9, 1e9);
    const again = runGrok(['sessions', 'repair', a, b, '--json'], h.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ repaired: [], valid: 2 });
    expect(statSync(join(h.sessions, a)).mtimeMs).toBe(1e12);

    const unknown = runGrok(['sessions', 'repair', 'session-2030-01-01'], h.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no session file matches 'session-2030-01-01'/);
  });
});
