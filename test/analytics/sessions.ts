/**
 * Small, hand-made sessions for the analytics tests (every number in them is known), and what
 * steers their stat pass: entries that are not sessions, a find of the test's own.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MakeSession {
  start: string;
  model?: string;
  input?: number;
  output?: number;
  tools?: string[];
  failed?: string[];
  tags?: string[];
  dir?: string;
  status?: string;
  content?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function fileNameFor(start: string): string {
  const d = new Date(start);
  return `session-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}.json`;
}

export function makeSession(m: MakeSession): Record<string, unknown> {
  const startMs = Date.parse(m.start);
  const at = (s: number) => new Date(startMs + s * 1000).toISOString();
  const input = m.input ?? 1000;
  const output = m.output ?? 200;
  const toolCalls = [
    ...(m.tools ?? []).map((tool) => ({ tool, parameters: { q: 'x' }, result: 'ok' })),
    ...(m.failed ?? []).map((tool) => ({
      tool,
      parameters: { q: 'y' },
      result: { error: 'ENOENT' },
    })),
  ];
  const session: Record<string, unknown> = {
    sessionId: fileNameFor(m.start).replace(/\.json$/, ''),
    startTime: new Date(startMs).toISOString(),
    endTime: at(60),
    model: m.model ?? 'grok-4',
    messages: [
      { role: 'system', content: 'context' },
      { role: 'user', content: m.content ?? 'hello there', timestamp: at(1) },
      {
        role: 'assistant',
        content: 'Sure.',
        timestamp: at(3),
        ...(toolCalls.length > 0 ? { toolCalls } : {}),
      },
    ],
    tokenUsage: { input, output, total: input + output },
    metadata: {
      workingDirectory: m.dir ?? '/home/user/app',
      nodeVersion: '20.10.0',
      grokVersion: '1.1.101',
    },
  };
  if (m.tags) session.tags = m.tags;
  if (m.status) session.status = m.status;
  return session;
}

export function writeSession(dir: string, m: MakeSession): string {
  const path = join(dir, fileNameFor(m.start));
  writeFileSync(path, JSON.stringify(makeSession(m), null, 2), { mode: 0o600 });
  return path;
}

/**
 * Fills `dir` with `n` entries that are not sessions (empty `other-N.txt` files): from FIND_FROM
 * entries on, the stat pass is made by find (analytics/scan.ts).
 */
export function crowd(dir: string, n: number): void {
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `other-${i}.txt`), '');
}

/** Runs `fn` with PATH holding only `dir`: the find there is the one a pass runs, or none. */
export async function withPath<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

/** A directory holding an executable `find` that runs `script`. */
export function fakeFind(home: string, script: string): string {
  const dir = mkdtempSync(join(home, 'bin-'));
  writeFileSync(join(dir, 'find'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, 'find'), 0o755);
  return dir;
}

/** A find on a PATH of its own that runs the real one and counts its runs. */
export function countingFind(home: string): { bin: string; runs: () => number } {
  const log = join(mkdtempSync(join(home, 'runs-')), 'find-runs');
  writeFileSync(log, '');
  const real = spawnSync('sh', ['-c', 'command -v find'], { encoding: 'utf8' }).stdout.trim();
  const bin = fakeFind(home, `echo run >> '${log}'; exec '${real}' "$@"`);
  return { bin, runs: () => readFileSync(log, 'utf8').split('\n').length - 1 };
}
