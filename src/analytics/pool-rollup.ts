/**
 * A machine's sessions in one file: `DIR/rollup/machine=<id>/sessions.parquet`, the rows of all its
 * `sessions/machine=<id>/month=…/` files with their `month` as a column, written by its export.
 * A pool of many machines and months is thousands of small files, and reading a file costs far
 * more than its rows: the rollup is what `--from` reads in their place, one file per machine.
 *
 * The rollup names the files it was made of (key-value metadata `grok_parts`: `month=…/<file>`
 * of each). A reader uses it only while the machine's sessions files are exactly those (a sync
 * tool may deliver the rollup before or after a month, an export may stop between the two);
 * otherwise it reads that machine's files. Other engines read the `sessions` table and never see it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { fsyncPath } from '../session/atomic-write.js';
import { sqlString } from './pool-schema.js';

export const ROLLUP_DIR = 'rollup';
const ROLLUP_FILE = 'sessions.parquet';
const PARTS_KEY = 'grok_parts';

export function rollupPath(root: string, machine: string): string {
  return join(root, ROLLUP_DIR, `machine=${machine}`, ROLLUP_FILE);
}

/** `month=…/<file>` of each sessions file, sorted: what a rollup is made of. */
export function partsOf(sessionsFiles: readonly string[]): string {
  return JSON.stringify(sessionsFiles.map((f) => `${basename(dirname(f))}/${basename(f)}`).sort());
}

/** The rollups under a root: machine → path. */
export function rollupsUnder(root: string): Map<string, string> {
  const found = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(join(root, ROLLUP_DIR));
  } catch {
    return found;
  }
  for (const name of names) {
    if (!name.startsWith('machine=')) continue;
    const machine = name.slice('machine='.length);
    const path = rollupPath(root, machine);
    try {
      closeSync(openSync(path, 'r'));
      found.set(machine, path);
    } catch {
      // no rollup in that folder (yet)
    }
  }
  return found;
}

/** What each rollup says it was made of (its `grok_parts`); a rollup unreadable is left out. */
export async function rollupParts(
  conn: DuckDBConnection,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const parts = new Map<string, string>();
  if (paths.length === 0) return parts;
  try {
    const list = paths.map((p) => sqlString(p, '--from')).join(', ');
    const rows = (
      await conn.runAndReadAll(
        `SELECT file_name, decode(value) FROM parquet_kv_metadata([${list}]) WHERE decode(key) = '${PARTS_KEY}'`,
      )
    ).getRows();
    for (const [file, value] of rows) parts.set(String(file), String(value));
  } catch {
    // a rollup that cannot be read is not used: its machine's files are read instead
  }
  return parts;
}

/**
 * Writes the machine's rollup from its sessions files (tidy: one per month, as an export leaves
 * them) unless the one there is already made of them: to a temp name, then renamed into place.
 */
export async function writeRollup(
  conn: DuckDBConnection,
  out: string,
  machine: string,
  sessionsFiles: readonly string[],
  /** The sessions files as a relation (pool.ts: parquetRelation). */
  relation: string,
  temp: string,
): Promise<boolean> {
  const path = rollupPath(out, machine);
  const parts = partsOf(sessionsFiles);
  const existing = rollupsUnder(out).get(machine);
  if (existing && (await rollupParts(conn, [existing])).get(existing) === parts) return false;
  if (sessionsFiles.length === 0) {
    await rm(path, { force: true });
    return true;
  }
  await mkdir(temp, { recursive: true, mode: 0o700 });
  const made = join(temp, `rollup-${randomBytes(3).toString('hex')}.parquet`);
  const kv = `{${PARTS_KEY}: ${sqlString(parts, '--out')}}`;
  await conn.run(
    `COPY (SELECT * EXCLUDE (machine, filename) FROM ${relation} ORDER BY month, start_time, session_id) TO ${sqlString(made, '--out')} (FORMAT parquet, COMPRESSION zstd, KV_METADATA ${kv})`,
  );
  fsyncPath(made);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await rename(made, path);
  fsyncPath(dirname(path));
  return true;
}
