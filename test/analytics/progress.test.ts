/**
 * Progress of long index work on stderr: drawn on a terminal (a real pty, made by script(1)),
 * erased before the answer, never in a pipe, and not for small jobs.
 */
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { PROGRESS_MIN_ITEMS } from '../../src/render/progress.js';
import { BIN, homeForEachTest, makeHome, runGrok } from '../helpers.js';
import { writeSession } from './sessions.js';

const h = homeForEachTest();

function writeSessions(n: number): void {
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    writeSession(h.sessions, { start: new Date(start + i * 60_000).toISOString() });
  }
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** What a terminal shows of `grok sessions ...args`: stdout and stderr, both on the pty. */
function onTerminal(args: string[]): string {
  const command = [process.execPath, BIN, 'sessions', ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
    env: { ...h.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replaceAll('\r\n', '\n');
}

/** The progress lines drawn, and what the terminal holds once the last one is erased. */
function split(screen: string): { drawn: string[]; after: string } {
  const erased = screen.lastIndexOf('\r\u001b[K');
  const drawn = screen
    .split('\r')
    .filter((piece) => piece.startsWith('grok: ') && piece.endsWith('\u001b[K'))
    .map((piece) => piece.slice('grok: '.length, -'\u001b[K'.length));
  return { drawn, after: erased < 0 ? screen : screen.slice(erased + 4) };
}

test('a first build over many files shows its progress on a terminal, then erases it', () => {
  const n = PROGRESS_MIN_ITEMS + 100;
  writeSessions(n);
  // with no index, stats reads the files for its summary alone
  const read = split(onTerminal(['stats', '--json']));
  expect(read.drawn.length).toBeGreaterThan(0);
  for (const line of read.drawn) expect(line).toMatch(/^reading session files: [\d,]+ of 600$/);
  expect(JSON.parse(read.after).sessions).toBe(n);

  // a question the summary does not answer builds the index
  const { drawn, after } = split(onTerminal(['stats', '--by', 'model', '--json']));
  expect(drawn.length).toBeGreaterThan(0);
  for (const line of drawn) expect(line).toMatch(/^indexing session files: [\d,]+ of 600$/);
  expect(JSON.parse(after).sessions).toBe(n);

  // the search index, made on the first search, the same way
  const search = split(onTerminal(['search', 'hello', '--json']));
  expect(search.drawn.length).toBeGreaterThan(0);
  for (const line of search.drawn) {
    expect(line).toMatch(/^indexing session files for search: [\d,]+ of 600$/);
  }
  expect(JSON.parse(search.after).hits.length).toBeGreaterThan(0);
});

test('no progress in a pipe, nor for a small job', () => {
  writeSessions(PROGRESS_MIN_ITEMS + 100);
  const piped = runGrok(['sessions', 'stats', '--json'], h.env);
  expect(piped.code).toBe(0);
  expect(piped.stderr).toBe('');
  expect(JSON.parse(piped.stdout).sessions).toBe(600);

  const small = makeHome();
  try {
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < PROGRESS_MIN_ITEMS - 1; i++) {
      writeSession(small.sessions, { start: new Date(start + i * 60_000).toISOString() });
    }
    const command = [process.execPath, BIN, 'sessions', 'stats', '--json'].map(quote).join(' ');
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      env: { ...small.env, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('grok: ');
    expect(JSON.parse(r.stdout).sessions).toBe(PROGRESS_MIN_ITEMS - 1);
  } finally {
    small.cleanup();
  }
});
