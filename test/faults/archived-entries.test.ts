/**
 * One rule decides which entries of an archive are sessions, for analytics (--include-archived)
 * and `archive restore` alike: an archive counted as holding N sessions restores those N, byte
 * for byte, and nothing else.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { archivedSessions } from '../../src/maintenance/archived-sessions.js';
import type { TarEntry } from '../../src/maintenance/tarball.js';
import { makeSession } from '../analytics/sessions.js';
import { homeForEachTest, runGrok } from '../helpers.js';
import { tar } from '../tar-writer.js';

/** A valid session whose token total is `total` (input total - 1, output 1). */
const session = (start: string, total: number) =>
  JSON.stringify(makeSession({ start, input: total - 1, output: 1 }));

const entry = (path: string, type = 'File', data: Buffer | undefined = Buffer.from('{}')) =>
  ({ path, type, size: data?.length ?? 0, mtime: undefined, data }) as TarEntry;

describe('which archive entries are sessions', () => {
  const rule = (entries: TarEntry[]) => {
    const { sessions, skipped } = archivedSessions(entries);
    return {
      sessions: sessions.map((e) => e.path),
      skipped: skipped.map((s) => `${s.entry.path}: ${s.reason}`),
    };
  };
  it.each([
    ['a bare session file name', 'session-2025-10-01-00-00-00.json', true],
    ['a climb out', '../session-2025-10-01-00-00-00.json', false],
    ['an absolute path', '/tmp/session-2025-10-01-00-00-00.json', false],
    ['a path in a folder', 'sub/session-2025-10-01-00-00-00.json', false],
    ['./ before the name', './session-2025-10-01-00-00-00.json', false],
    ['another file', 'notes.txt', false],
  ])('%s', (_what, path, isSession) => {
    expect(rule([entry(path)]).sessions).toEqual(isSession ? [path] : []);
  });
  it('a link or a folder named like a session is not one', () => {
    const name = 'session-2025-10-01-00-00-00.json';
    expect(
      rule([entry(name, 'SymbolicLink', undefined), entry(name, 'Directory', undefined)]),
    ).toEqual({
      sessions: [],
      skipped: [
        `${name}: a SymbolicLink entry, not a regular file`,
        `${name}: a Directory entry, not a regular file`,
      ],
    });
  });
  it('of two entries with one name, the later is the session', () => {
    const name = 'session-2025-10-01-00-00-00.json';
    const { sessions } = archivedSessions([
      entry(name, 'File', Buffer.from('first')),
      entry('session-2025-10-02-00-00-00.json'),
      entry(name, 'File', Buffer.from('second')),
    ]);
    expect(sessions.map((e) => [e.path, e.data.toString()])).toEqual([
      ['session-2025-10-02-00-00-00.json', '{}'],
      [name, 'second'],
    ]);
  });
});

describe('analytics and restore over a crafted archive', () => {
  const h = homeForEachTest();

  it('count exactly the sessions restore writes, the later of two copies', () => {
    const archives = join(h.home, 'archives');
    mkdirSync(archives, { mode: 0o700 });
    const later = session('2025-10-05T00:00:00Z', 5000);
    writeFileSync(
      join(archives, '2025-10.tar.gz'),
      gzipSync(
        tar([
          { name: 'session-2025-10-01-00-00-00.json', body: session('2025-10-01T00:00:00Z', 1000) },
          {
            name: '../session-2025-10-02-00-00-00.json',
            body: session('2025-10-02T00:00:00Z', 100),
          },
          {
            name: '/tmp/session-2025-10-03-00-00-00.json',
            body: session('2025-10-03T00:00:00Z', 200),
          },
          {
            name: 'sub/session-2025-10-04-00-00-00.json',
            body: session('2025-10-04T00:00:00Z', 300),
          },
          { name: 'session-2025-10-05-00-00-00.json', body: session('2025-10-05T00:00:00Z', 400) },
          { name: 'session-2025-10-05-00-00-00.json', body: later },
        ]),
      ),
    );
    // Another .tar.gz beside the monthly archives is none of grok's: neither counted nor restored.
    writeFileSync(
      join(archives, 'backup.tar.gz'),
      gzipSync(
        tar([
          { name: 'session-2025-10-06-00-00-00.json', body: session('2025-10-06T00:00:00Z', 7) },
        ]),
      ),
    );

    const stats = runGrok(['sessions', 'stats', '--include-archived', '--json'], h.env);
    expect(stats.code, stats.stderr).toBe(0);
    const counted = JSON.parse(stats.stdout);
    expect([counted.sessions, counted.tokens.total]).toEqual([2, 1000 + 5000]);

    const r = runGrok(['sessions', 'archive', 'restore', '--month', '2025-10', '--json'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const restored = JSON.parse(r.stdout);
    expect(restored.restored.sort()).toEqual([
      'session-2025-10-01-00-00-00.json',
      'session-2025-10-05-00-00-00.json',
    ]);
    expect(readdirSync(h.sessions).sort()).toEqual(restored.restored.sort());
    expect(readFileSync(join(h.sessions, 'session-2025-10-05-00-00-00.json'), 'utf8')).toBe(later);

    // What restore put back is what was counted: the live numbers now equal the archived ones.
    const live = runGrok(['sessions', 'stats', '--json'], h.env);
    expect(live.code, live.stderr).toBe(0);
    const now = JSON.parse(live.stdout);
    expect([now.sessions, now.tokens.total]).toEqual([counted.sessions, counted.tokens.total]);
  });
});
