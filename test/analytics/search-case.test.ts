/**
 * The case table a first search lowers text with: the build ships it for the DuckDB it bundles,
 * and a search uses it only when the DuckDB running is that version, else DuckDB computes it.
 * Searches match exactly what DuckDB's lower() gives, so the shipped table must be DuckDB's own.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import { withAnalytics } from '../../src/analytics/analytics-run.js';
import {
  CASE_FILE,
  type CaseTable,
  casePairs,
  computeCaseTable,
} from '../../src/analytics/search-case.js';
import { BIN, homeForEachTest } from '../helpers.js';
import { writeSession } from './sessions.js';

const h = homeForEachTest({ inProcess: true });

const DIST = join(BIN, '..');

async function computed(): Promise<CaseTable> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return await computeCaseTable(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('the case table', () => {
  test('the build ships what the bundled DuckDB computes, keyed by its version', async () => {
    const shipped = JSON.parse(readFileSync(join(DIST, 'vendor', CASE_FILE), 'utf8'));
    const own = await computed();
    expect(shipped).toEqual(own);
    // the table has the letters with case of every script up to plane 1, İ and Deseret among them
    expect(own.pairs.length).toBeGreaterThan(1000);
    expect(own.pairs).toContainEqual([0x130, 0x69]);
    expect(own.pairs).toContainEqual([0x10400, 0x10428]);
  });

  test("the build's modules find the table shipped beside them", async () => {
    const built = (await import(
      join(DIST, 'analytics', 'search-case.js')
    )) as typeof import('../../src/analytics/search-case.js');
    expect(built.shippedCaseTable()).toEqual(await computed());
  });

  test('a shipped table missing or damaged counts as none (DuckDB computes the table then)', async () => {
    // the built module in a place of its own, beside a vendor/ of this test's
    const root = mkdtempSync(join(tmpdir(), 'grok-case-'));
    try {
      mkdirSync(join(root, 'analytics'));
      mkdirSync(join(root, 'vendor'));
      writeFileSync(join(root, 'package.json'), '{"type":"module"}');
      for (const name of [
        'search-case.js',
        'search-case.js.map',
        'sql-files.js',
        'sql-files.js.map',
      ]) {
        copyFileSync(join(DIST, 'analytics', name), join(root, 'analytics', name));
      }
      const built = (await import(
        join(root, 'analytics', 'search-case.js')
      )) as typeof import('../../src/analytics/search-case.js');
      expect(built.shippedCaseTable()).toBeUndefined();
      const file = join(root, 'vendor', CASE_FILE);
      for (const damaged of ['{"duckdb":"v1', 'null', '{"pairs":[]}', '']) {
        writeFileSync(file, damaged);
        expect(built.shippedCaseTable(), damaged).toBeUndefined();
      }
      writeFileSync(file, JSON.stringify({ duckdb: 'v9', pairs: [[65, 97]] }));
      expect(built.shippedCaseTable()).toEqual({ duckdb: 'v9', pairs: [[65, 97]] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a shipped table of the running DuckDB is used; of another version, DuckDB computes it', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'zebra one' });
    const own = await computed();
    // a table that differs from DuckDB's in one pair shows which one a search took
    const marked: [number, number][] = [[0x41, 0x62], ...own.pairs.slice(1)];
    const flat = (pairs: [number, number][]) => [...Uint32Array.from(pairs.flat())];
    const stored = async (conn: import('@duckdb/node-api').DuckDBConnection) =>
      (await conn.runAndReadAll('SELECT cp, low, duckdb FROM search_case ORDER BY cp')).getRows();
    await withAnalytics({}, async ({ conn }) => {
      const same: CaseTable = { duckdb: own.duckdb, pairs: marked };
      expect([...(await casePairs(conn, same))]).toEqual(flat(marked));
      expect(await stored(conn)).toEqual(marked.map(([cp, low]) => [cp, low, own.duckdb]));
      // once stored, the table is read from the index when no table is shipped
      expect([...(await casePairs(conn, undefined))]).toEqual(flat(marked));

      // a table stored by another DuckDB: the signatures made with it go, as it does
      await conn.run(`UPDATE search_case SET duckdb = 'v0.0.1'`);
      await conn.run(`INSERT INTO search_grams VALUES (1, '\\x00'::BLOB, 'a', 0, 1, NULL)`);
      const other: CaseTable = { duckdb: 'v0.0.1', pairs: marked };
      expect([...(await casePairs(conn, other))]).toEqual(flat(own.pairs));
      expect(await stored(conn)).toEqual(own.pairs.map(([cp, low]) => [cp, low, own.duckdb]));
      const signatures = (await conn.runAndReadAll('SELECT count(*) FROM search_grams')).getRows();
      expect(Number(signatures[0]?.[0])).toBe(0);
    });
  });
});
