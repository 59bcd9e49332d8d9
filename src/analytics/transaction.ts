/**
 * The one way the index is written: a transaction that commits when its work returns, and when
 * the work throws, rolls back and rethrows that error. A rollback that fails as well (the
 * connection broken, no transaction left) is not allowed to replace it: the first error says
 * what went wrong.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface Transaction {
  /**
   * Commits what was written so far and goes on in a new transaction: a long build holds at
   * most one batch in memory, and an error later rolls back only what came after.
   */
  checkpoint(): Promise<void>;
}

export async function inTransaction<T>(
  conn: DuckDBConnection,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const tx: Transaction = {
    checkpoint: async () => {
      await conn.run('COMMIT');
      await conn.run('BEGIN TRANSACTION');
    },
  };
  await conn.run('BEGIN TRANSACTION');
  try {
    const result = await work(tx);
    await conn.run('COMMIT');
    return result;
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => {});
    throw error;
  }
}
