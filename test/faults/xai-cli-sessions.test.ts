/**
 * xAI's own CLI keeps its sessions under the same root: one folder per working directory, named
 * by the URL-encoded path, holding one folder per session (chat_history.jsonl, updates.jsonl,
 * summary.json and more sidecars; some sessions partial). doctor used to call such a folder a
 * foreign entry and say "move it out of the sessions directory", which would break that tool.
 * It is recognised and named, and no command changes anything in it.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { xaiCliFolderCwd } from '../../src/session/discover.js';
import { writeSession } from '../analytics/sessions.js';
import { homeForEachTest, runGrok } from '../helpers.js';

/** Every entry under `dir`: type, full mode (special bits too), size, mtime and content hash. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = lstatSync(path);
      const head = `${prefix}${name} ${(st.mode & 0o7777).toString(8)} ${st.mtimeMs}`;
      if (st.isDirectory()) {
        out.push(`${head} dir`);
        walk(path, `${prefix}${name}/`);
      } else {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
        out.push(`${head} ${st.size} ${hash}`);
      }
    }
  };
  walk(dir, '');
  return out;
}

const PROJ = '%2Fhome%2Fu%2Fproj';
const OTHER = '%2Fsrv%2Fapi%20gateway';
const OLD = new Date('2024-06-01T00:00:00Z');

/** A tree as xAI's CLI leaves it: loose modes, old mtimes, a file named like one of ours inside. */
function xaiTree(sessions: string): string[] {
  const whole = join(sessions, PROJ, '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
  const partial = join(sessions, PROJ, '5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f');
  const other = join(sessions, OTHER, '11111111-2222-4333-8444-555555555555');
  for (const d of [whole, partial, other, join(whole, 'compaction'), join(whole, 'subagents')])
    mkdirSync(d, { recursive: true });
  const files: [string, string][] = [
    [
      join(whole, 'chat_history.jsonl'),
      '{"type":"user","content":[{"type":"text","text":"hi"}]}\n',
    ],
    [join(whole, 'updates.jsonl'), '{"sessionUpdate":"user_message_chunk"}\n'],
    [join(whole, 'summary.json'), '{"id":"0a1b2c3d","cwd":"/home/u/proj","title":"hi"}'],
    [join(whole, 'events.jsonl'), '{}\n'],
    [join(whole, 'signals.json'), '{}'],
    [join(whole, 'compaction', 'segment-1.json'), '{}'],
    // a name grok uses, one level down: never one of our sessions
    [join(whole, 'session-2024-06-01-00-00-00.json'), '{"not":"ours"}'],
    [join(partial, 'chat_history.jsonl'), '{"type":"system","content":"x"}\n'],
    [join(other, 'summary.json'), '{}'],
  ];
  for (const [path, text] of files) {
    writeFileSync(path, text);
    chmodSync(path, 0o644);
    utimesSync(path, OLD, OLD);
  }
  for (const d of [
    whole,
    partial,
    other,
    join(whole, 'compaction'),
    join(whole, 'subagents'),
    join(sessions, PROJ),
    join(sessions, OTHER),
  ]) {
    chmodSync(d, 0o755);
    utimesSync(d, OLD, OLD);
  }
  return [join(sessions, PROJ), join(sessions, OTHER)];
}

const h = homeForEachTest();

describe('xaiCliFolderCwd', () => {
  it.each([
    ['%2Fhome%2Fu%2Fproj', '/home/u/proj'],
    ['%2Fsrv%2Fapi%20gateway', '/srv/api gateway'],
    ['C%3A%5CUsers%5Cu', 'C:\\Users\\u'],
    ['proj', undefined],
    ['%2', undefined],
    ['%41bc', undefined],
    ['%2Fa%00b', undefined],
  ])('%s', (name, cwd) => expect(xaiCliFolderCwd(name)).toBe(cwd));
});

describe("xAI's CLI sessions beside grok's", () => {
  it('doctor names them in one line, advises nothing, and fails on nothing there', () => {
    xaiTree(h.sessions);
    writeSession(h.sessions, { start: '2025-01-01T10:00:00Z' });
    const r = runGrok(['sessions', 'doctor', '--json'], h.env);
    expect(r.code, r.stdout).toBe(0);
    const findings = JSON.parse(r.stdout).findings as {
      level: string;
      check: string;
      detail: string;
      fix: string | null;
    }[];
    expect(findings).toEqual([
      {
        level: 'note',
        check: 'other tool',
        detail: `${PROJ}: xAI's grok CLI sessions for /home/u/proj (2 session folders); grok leaves them alone`,
        fix: null,
      },
      {
        level: 'note',
        check: 'other tool',
        detail: `${OTHER}: xAI's grok CLI sessions for /srv/api gateway (1 session folder); grok leaves them alone`,
        fix: null,
      },
    ]);
    const text = runGrok(['sessions', 'doctor'], h.env).stdout;
    expect(text).not.toMatch(/move it|chmod|rm /);
  });

  it('prune, archive, harden, repair, doctor and maintain change nothing in them', () => {
    const [proj, other] = xaiTree(h.sessions) as [string, string];
    writeSession(h.sessions, { start: '2025-01-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-02-01T10:00:00Z' });
    writeSession(h.sessions, { start: '2025-03-01T10:00:00Z' });
    writeFileSync(join(h.sessions, 'session-2025-04-01-10-00-00.json'), '{"sessionId": "trunc');
    chmodSync(h.sessions, 0o755);
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({ retention: { archiveAfter: '30d', harden: true } }),
    );
    const before = [listing(proj), listing(other)];
    const runs: string[][] = [
      ['doctor'],
      ['harden'],
      ['repair', '--all'],
      ['archive', '--month', '2025-01', '--yes'],
      ['prune', '--before', '2025-02-15', '--yes'],
      ['maintain'],
      ['doctor'],
    ];
    for (const args of runs) {
      const r = runGrok(['sessions', ...args], h.env);
      expect(r.stderr, args.join(' ')).not.toContain('internal error');
      expect([listing(proj), listing(other)], args.join(' ')).toEqual(before);
    }
    // the commands did their work on grok's own files meanwhile
    const left = readdirSync(h.sessions).filter((n) => n.startsWith('session-'));
    expect(left).not.toContain('session-2025-01-01-10-00-00.json');
    expect(left).not.toContain('session-2025-02-01-10-00-00.json');
    expect(lstatSync(h.sessions).mode & 0o7777).toBe(0o700);
  });
});
