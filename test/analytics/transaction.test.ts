import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/analytics/transaction.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run('CREATE TABLE t (n INTEGER)');
});
afterEach(() => {
  conn.closeSync();
  instance.closeSync();
});

async function rows(): Promise<number[]> {
  const r = await conn.runAndReadAll('SELECT n FROM t ORDER BY n');
  return r.getRows().map((row) => Number(row[0]));
}

describe('inTransaction', () => {
  it('commits what the work wrote and returns its value', async () => {
    const value = await inTransaction(conn, async () => {
      await conn.run('INSERT INTO t VALUES (1), (2)');
      return 'done';
    });
    expect(value).toBe('done');
    expect(await rows()).toEqual([1, 2]);
  });

  it('rolls back what the work wrote when it throws, and rethrows that error', async () => {
    const failure = new Error('the disk is full');
    const run = inTransaction(conn, async () => {
      await conn.run('INSERT INTO t VALUES (1)');
      throw failure;
    });
    await expect(run).rejects.toBe(failure);
    expect(await rows()).toEqual([]);
  });

  it('rolls back after a statement of its own failed: the next write goes through', async () => {
    const run = inTransaction(conn, async () => {
      await conn.run('INSERT INTO t VALUES (1)');
      await conn.run('INSERT INTO t VALUES ($n)', { n: 'not a number' });
    });
    await expect(run).rejects.toThrow(/Could not convert/);
    await inTransaction(conn, () => conn.run('INSERT INTO t VALUES (3)'));
    expect(await rows()).toEqual([3]);
  });

  it('throws the original error when the rollback fails too', async () => {
    const failure = new Error('the original failure');
    // the work ends the transaction itself, so the ROLLBACK that follows fails: none is active
    const run = inTransaction(conn, async () => {
      await conn.run('COMMIT');
      throw failure;
    });
    await expect(run).rejects.toBe(failure);
    await expect(conn.run('ROLLBACK')).rejects.toThrow(/no transaction is active/);
  });

  it('keeps what was written before a checkpoint when a later part fails', async () => {
    const run = inTransaction(conn, async (tx) => {
      await conn.run('INSERT INTO t VALUES (1)');
      await tx.checkpoint();
      await conn.run('INSERT INTO t VALUES (2)');
      throw new Error('interrupted');
    });
    await expect(run).rejects.toThrow('interrupted');
    expect(await rows()).toEqual([1]);
  });
});
