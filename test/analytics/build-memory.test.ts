/**
 * A build limits DuckDB's memory for table data while it writes (blocks already in the index
 * file are let go, so a build's memory does not grow with the number of files), leaves room for
 * the largest file, and gives the queries that follow DuckDB's usual room back.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { openIndex, openMemoryIndex } from '../../src/analytics/index-db.js';
import { buildMemoryLimit, refreshIndex } from '../../src/analytics/refresh.js';
import { ROOT } from '../helpers.js';

const file = (size: number) => ({
  source: 'live' as const,
  path: '/s/a.json',
  name: 'a.json',
  size,
  mtimeMs: 1,
});

test('the limit: 64 MiB, or eight times the largest file; none for an index in memory', async () => {
  const home = mkdtempSync(join(tmpdir(), 'grok-build-memory-'));
  const mem = await openMemoryIndex();
  const disk = await openIndex(home);
  try {
    expect(await buildMemoryLimit(mem.conn, [file(1000)])).toBeUndefined();
    expect(await buildMemoryLimit(disk.conn, [file(1000), file(4000)])).toBe(64 * 2 ** 20);
    expect(await buildMemoryLimit(disk.conn, [file(1000), file(20 * 2 ** 20)])).toBe(160 * 2 ** 20);
  } finally {
    mem.close();
    disk.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('after a build, the memory limit is what it was before', async () => {
  const home = mkdtempSync(join(tmpdir(), 'grok-build-memory-'));
  const sessionsDir = join(home, 'sessions');
  cpSync(join(ROOT, 'fixtures', 'sessions'), sessionsDir, { recursive: true });
  const { conn, close } = await openIndex(home);
  try {
    const setting = async () =>
      (await conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]?.[0];
    const before = await setting();
    const r = await refreshIndex(conn, { sessionsDir });
    expect(r.read).toBeGreaterThan(10);
    expect(await setting()).toBe(before);
    expect(before).not.toBe('64.0 MiB');
  } finally {
    close();
    rmSync(home, { recursive: true, force: true });
  }
});
