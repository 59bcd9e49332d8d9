/**
 * Opening the index, a cache at `$GROK_HOME/index.duckdb`. It must never fail a command: a file
 * another process holds (DuckDB: "Could not set lock on file") or one that cannot be created
 * gives way to a fresh in-memory database, and a corrupt file is deleted and rebuilt.
 */
import { lstatSync, statSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ensurePrivateDirSync } from '../session/atomic-write.js';
import { assertRegularIfPresentSync, NotRegularFileError } from '../session/regular-file.js';
import { createInstance, loadDuckDB } from './duckdb-load.js';
import { migrate } from './migrations.js';
import { sqlString } from './pool-schema.js';

export { loadDuckDB };

export const INDEX_FILE_NAME = 'index.duckdb';

export interface IndexHandle {
  conn: DuckDBConnection;
  /** 'file' when the on-disk index is used, 'memory' after a fallback. */
  mode: 'file' | 'memory';
  /** Why the on-disk index was not used as is, for a note on stderr. */
  notice: string | undefined;
  close: () => void;
  /** Checkpoints the index when its log has grown (LOGGED_WRITES): called once writes are done. */
  settle?: () => Promise<void>;
}

/**
 * When the write-ahead log is checkpointed. DuckDB checkpoints at every close by default, and a
 * checkpoint rewrites the whole last row group of each table written to: one new session in an
 * index of 10,000 cost some 260 ms of CPU (files, sessions, list_entries, browse_rows, the
 * manifest), where replaying what it logged costs each later open about 5 ms. So a command
 * that wrote checkpoints (settle) only once the log holds some LOGGED_WRITES writes like its own,
 * and a command that finds the log past WAL_SHARE of the index (large writes of another kind)
 * checkpoints at its close.
 */
const LOGGED_WRITES = 4;
const WAL_SHARE = 0.2;

function walSize(path: string): number {
  return statSync(`${path}.wal`, { throwIfNoEntry: false })?.size ?? 0;
}

function walIsLarge(path: string, wal = walSize(path)): boolean {
  return wal > 0 && wal > WAL_SHARE * (statSync(path, { throwIfNoEntry: false })?.size ?? 0);
}

export function indexPath(home: string): string {
  return join(home, INDEX_FILE_NAME);
}

function isLockError(error: unknown): boolean {
  return error instanceof Error && /Could not set lock|Conflicting lock/i.test(error.message);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Rows a row group of the index holds (DuckDB's default: 122,880). A checkpoint writes a row group
 * whole, merging adjacent ones that fit in fewer first, and holds its rows uncompressed while it
 * does: with the per-session tables' list and browser entries some 1.6 KB a session, a cold build
 * of 100,000 sessions merged 80,000 of them at one commit, its peak (+120 to +190 MB); with groups
 * of 8,192 rows no merge holds more than three groups' worth. DuckDB keeps no row group size in
 * the file, and an index opened without it has its groups merged back by its next checkpoint
 * (4.1 s and 391 MiB for 100,000 sessions): so every open gives it, through ATTACH.
 */
const ROW_GROUP_SIZE = 8192;

/** The alias the index is attached under, made the current database. */
const INDEX_ALIAS = 'grok_index';

/**
 * Where DuckDB writes the blocks it lets go of that are in no file yet (a build's rows not yet
 * committed, under its memory limit): a directory beside the index, made on first use (0700, its
 * files 0600: the process's umask) and removed by DuckDB when the database closes. A process that
 * stops before its close leaves it behind, which the next command that opens the index to write
 * removes (removeSpill).
 */
export function spillDir(path: string): string {
  return `${path}.tmp`;
}

/**
 * The index file attached to an in-memory database with this project's row group size, made the
 * current one. DuckDB spills beside a file it opens itself, but into `.tmp` in the working
 * directory for an in-memory database: nowhere while the file is attached (its log replayed), and
 * into the spill directory once any left there is gone (spillSql).
 */
function attachSql(path: string, readOnly: boolean): string {
  const mode = readOnly ? ', READ_ONLY' : '';
  return [
    "SET temp_directory = ''",
    `ATTACH ${sqlString(path, 'the index')} AS ${INDEX_ALIAS} (ROW_GROUP_SIZE ${ROW_GROUP_SIZE}${mode})`,
    `USE ${INDEX_ALIAS}`,
  ].join(';\n');
}

/**
 * The spill directory a process that holds the index to write finds was left by one that stopped
 * (killed, out of memory, the machine down): no other process has the index open then, so none
 * is using it (DuckDB's lock). Not followed when it is a symlink: the link alone goes.
 */
async function removeSpill(path: string): Promise<void> {
  await rm(spillDir(path), { recursive: true, force: true });
}

/**
 * Where this open spills: the spill directory, unless something other than a directory is there
 * (a symlink would take the blocks elsewhere), when it spills nowhere and a query larger than
 * DuckDB's memory fails instead.
 */
function spillSql(path: string): string {
  const st = lstatSync(spillDir(path), { throwIfNoEntry: false });
  const to = st === undefined || st.isDirectory() ? spillDir(path) : '';
  return `SET temp_directory = ${sqlString(to, 'the index')}`;
}

async function openAt(path: string, readOnly: boolean): Promise<IndexHandle> {
  if (path !== ':memory:') {
    // DuckDB opens by name: a FIFO there would hang it, a symlink lead it elsewhere
    assertRegularIfPresentSync(path);
    assertRegularIfPresentSync(`${path}.wal`);
  }
  // what the log held before this command wrote to it
  const logged = path === ':memory:' || readOnly ? 0 : walSize(path);
  const instance: DuckDBInstance = await createInstance(':memory:', {});
  let conn: DuckDBConnection | undefined;
  try {
    conn = await instance.connect();
    if (path !== ':memory:') {
      await conn.run(attachSql(path, readOnly));
      // the index is this process's alone once attached to write (DuckDB's lock)
      if (!readOnly) await removeSpill(path);
    }
    // Periods are computed explicitly in UTC or the --tz zone, never in the machine's zone. The
    // log is checkpointed when large (settle), not at every close; one found large already
    // (another command's writes) is checkpointed at this one's close. One round trip for both.
    const setup = ["SET TimeZone = 'UTC'"];
    if (path !== ':memory:') setup.push(spillSql(path));
    if (!readOnly && path !== ':memory:' && !walIsLarge(path, logged))
      setup.push('PRAGMA disable_checkpoint_on_shutdown');
    await conn.run(setup.join(';\n'));
    // A new schema step is a table rewritten, as a build: checkpointed at once, not replayed
    // from the log by every later open.
    if (!readOnly && (await migrate(conn)).length > 0 && path !== ':memory:')
      await conn.run('CHECKPOINT');
  } catch (error) {
    conn?.closeSync();
    instance.closeSync();
    throw error;
  }
  const c = conn;
  // The index holds whole conversations: as private as the session files themselves.
  if (path !== ':memory:' && !readOnly) await chmod(path, 0o600).catch(() => {});
  return {
    conn: c,
    mode: path === ':memory:' ? 'memory' : 'file',
    notice: undefined,
    close: () => {
      c.closeSync();
      instance.closeSync();
    },
    settle: async () => {
      if (path === ':memory:' || readOnly) return;
      const wal = walSize(path);
      const wrote = wal - logged;
      if (walIsLarge(path, wal) || (wrote > 0 && wal > LOGGED_WRITES * wrote))
        await c.run('CHECKPOINT');
    },
  };
}

export async function openMemoryIndex(notice?: string): Promise<IndexHandle> {
  const handle = await openAt(':memory:', false);
  return { ...handle, notice };
}

/**
 * Opens (creating or migrating) the on-disk index. `retries` short waits are made on a lock held
 * by another grok, whose write transactions are short, before falling back to memory.
 *
 * Everything up to DuckDB's open of the file runs before this returns its promise, and the open
 * itself runs on libuv's thread pool: the caller makes its stat pass meanwhile (openRefreshed).
 */
export async function openIndex(home: string, { retries = 3 } = {}): Promise<IndexHandle> {
  const path = indexPath(home);
  // The index and its WAL hold whole conversations: private from creation, like the sessions.
  process.umask(0o077);
  try {
    ensurePrivateDirSync(home);
  } catch {
    return openMemoryIndex(`cannot create ${home}; using a temporary in-memory index`);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await openAt(path, false);
    } catch (error) {
      if (error instanceof NotRegularFileError)
        return openMemoryIndex(
          `${error.path} is ${error.message}, left alone; using a temporary in-memory index`,
        );
      if (isLockError(error)) {
        if (attempt < retries) {
          await sleep(50 * (attempt + 1));
          continue;
        }
        return openMemoryIndex(
          `${path} is in use by another process; using a temporary in-memory index`,
        );
      }
      return rebuildCorrupt(path, error);
    }
  }
}

async function rebuildCorrupt(path: string, error: unknown): Promise<IndexHandle> {
  const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
  try {
    await rm(path, { force: true });
    await rm(`${path}.wal`, { force: true });
    await removeSpill(path);
    const handle = await openAt(path, false);
    return { ...handle, notice: `${path} was unreadable (${why}); rebuilt it` };
  } catch {
    return openMemoryIndex(`${path} is unreadable (${why}); using a temporary in-memory index`);
  }
}

/** A read-only connection for `grok sessions query`: writes are refused by DuckDB itself. */
export async function openReadOnlyIndex(home: string): Promise<IndexHandle> {
  // what DuckDB spills holds conversations too (spillDir)
  process.umask(0o077);
  return openAt(indexPath(home), true);
}
