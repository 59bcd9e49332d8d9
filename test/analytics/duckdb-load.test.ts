/**
 * Opening a database through DuckDB's bindings while its node API loads (createInstance): the
 * same instance, settings and errors as the API's own DuckDBInstance.create.
 */
import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { expect, test } from 'vitest';
import { createInstance, loadDuckDB } from '../../src/analytics/duckdb-load.js';
import { homeForEachTest } from '../helpers.js';

const h = homeForEachTest();

/** What an instance reports of itself, and whether it takes a write; closed after. */
async function traits(instance: DuckDBInstance) {
  const conn = await instance.connect();
  try {
    const [row] = (
      await conn.runAndReadAll(
        "SELECT current_setting('duckdb_api') AS api, current_setting('access_mode') AS mode",
      )
    ).getRowObjectsJS();
    const writes = await conn.run('CREATE TABLE t2 (x INTEGER)').then(
      () => 'yes',
      (error: Error) => error.message.split('\n')[0],
    );
    return { ...row, writes };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

test('an instance opened through the bindings is the one DuckDBInstance.create gives', async () => {
  const { DuckDBInstance } = loadDuckDB();
  const path = join(h.home, 'db.duckdb');
  const made = await createInstance(path, {});
  const conn = await made.connect();
  await conn.run('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42)');
  conn.closeSync();
  made.closeSync();

  const readOnly = { access_mode: 'READ_ONLY' };
  const ours = await traits(await createInstance(path, readOnly));
  expect(ours).toEqual(await traits(await DuckDBInstance.create(path, readOnly)));
  expect(ours).toMatchObject({ api: 'node-neo-api', mode: 'read_only' });
  expect(ours.writes).toMatch(/read-only/);
  expect(await traits(await createInstance(path, {}))).toMatchObject({ writes: 'yes' });
});

test('an open that fails gives the error DuckDBInstance.create gives', async () => {
  const { DuckDBInstance } = loadDuckDB();
  // a directory where the database file should be
  const error = (p: Promise<unknown>) =>
    p.then(
      () => 'opened',
      (e: Error) => e.message,
    );
  const ours = await error(createInstance(h.home, {}));
  expect(ours).not.toBe('opened');
  expect(ours).toBe(await error(DuckDBInstance.create(h.home, {})));
});
