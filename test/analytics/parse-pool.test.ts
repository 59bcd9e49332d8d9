/**
 * The parse pool of the built program (dist/, where the workers run: from the TypeScript sources
 * every chunk is parsed inline): a caller that fails between two chunks.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { makeSession, rng } from '../../bench/generate.mjs';
import type { FileToIndex } from '../../src/analytics/parse-files.js';
import type * as Pool from '../../src/analytics/parse-pool.js';
import { ROOT } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'grok-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a caller that fails between two chunks gets its own error, and no chunk in flight fails unheard', async () => {
  const built = join(ROOT, 'dist', 'analytics', 'parse-pool.js');
  const { summarizeInWorkers } = (await import(pathToFileURL(built).href)) as typeof Pool;
  const r = rng(9);
  // more files than the workers are started for, and more chunks than are in flight at once
  const files = Array.from({ length: 1200 }, (_, i): FileToIndex => {
    const path = join(dir, `session-${i}.json`);
    writeFileSync(path, JSON.stringify(makeSession(r, Date.UTC(2025, 0, 1) + i * 60_000)));
    return {
      source: 'live',
      path,
      name: `session-${i}.json`,
      size: statSync(path).size,
      mtimeMs: 0,
    };
  });
  const unheard: unknown[] = [];
  const listen = (e: unknown) => unheard.push(e);
  process.on('unhandledRejection', listen);
  try {
    const read = async () => {
      for await (const batch of summarizeInWorkers(files, [])) {
        expect(batch.rows.length).toBe(100);
        throw new Error('the caller failed');
      }
    };
    await expect(read()).rejects.toThrow('the caller failed');
    // the workers stop, failing the chunks they still held
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(unheard).toEqual([]);
  } finally {
    process.off('unhandledRejection', listen);
  }
}, 120_000);
