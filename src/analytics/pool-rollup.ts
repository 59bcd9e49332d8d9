/**
 * A machine's sessions in one file: `DIR/rollup/machine=<id>/sessions.parquet`, the rows of all its
 * `sessions/machine=<id>/month=…/` files with their `month` as a column, written by its export.
 * A pool of many machines and months is thousands of small files, and reading a file costs far
 * more than its rows: the rollup is what `--from` reads in their place, one file per machine.
 *
 * Its footer (key-value metadata) says what it was made of (`grok_parts`: `month=…/<file>` of each
 * sessions file), and carries the same sessions summed into a few rows (`grok_groups`, JSON:
 * pool-groups.sql, GROUPS_LAYOUT): what stats and cost total over a million sessions without
 * reading them, and at no more cost than the footer a reader checks anyway (a file of its own
 * costs a reader more to open than its few rows).
 *
 * A reader uses a rollup only while the machine's sessions files are exactly those (a sync
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
import { loadSql } from './sql-files.js';

export const ROLLUP_DIR = 'rollup';
const ROLLUP_FILE = 'sessions.parquet';
const PARTS_KEY = 'grok_parts';
export const GROUPS_KEY = 'grok_groups';

/**
 * The groups of a rollup's footer: `{"layout": GROUPS_LAYOUT, "rows": [...]}`, each row one of
 * pool-groups.sql with these fields (its machine is the rollup's). A reader uses only the layout
 * it knows, and reads the machine's sessions otherwise.
 */
export const GROUPS_LAYOUT = 1;
const GROUP_FIELDS: readonly (readonly [string, string])[] = [
  ['grain', 'VARCHAR'],
  ['model', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['interrupted', 'BOOLEAN'],
  ['est_models', 'VARCHAR[]'],
  ['unmodelled', 'BOOLEAN'],
  ['sessions', 'BIGINT'],
  ['messages', 'BIGINT'],
  ['tool_calls', 'BIGINT'],
  ['input', 'BIGINT'],
  ['output', 'BIGINT'],
  ['total', 'BIGINT'],
  ['duration_sum', 'BIGINT'],
  ['durations', 'BIGINT'],
  ['timed_output', 'BIGINT'],
  ['timed_ms', 'BIGINT'],
  ['costed', 'BIGINT'],
  ['cached_input', 'BIGINT'],
  ['reasoning', 'BIGINT'],
  ['unknown_calls', 'BIGINT'],
  ['api_calls', 'BIGINT'],
  ['billed_calls', 'BIGINT'],
  ['exact_ticks', 'VARCHAR'],
  ['tool', 'VARCHAR'],
  ['calls', 'BIGINT'],
  ['failed', 'BIGINT'],
  ['call_model', 'VARCHAR'],
  ['kind', 'VARCHAR'],
  ['known', 'BOOLEAN'],
  ['long', 'BOOLEAN'],
  ['lc_threshold', 'BIGINT'],
  ['uncached_input', 'BIGINT'],
  ['cached', 'BIGINT'],
];

/** The JSON structure of a footer's groups, as DuckDB's from_json takes it. */
export function groupsStructure(): string {
  const field = (type: string) => (type.endsWith('[]') ? [type.slice(0, -2)] : type);
  return JSON.stringify({
    layout: 'INTEGER',
    rows: [Object.fromEntries(GROUP_FIELDS.map(([name, type]) => [name, field(type)]))],
  });
}

/** The fields of a footer's group row, in order (pool.ts reads them into temp.rolled_groups). */
export const GROUP_COLUMNS = GROUP_FIELDS.map(([name]) => name);

export function rollupPath(root: string, machine: string): string {
  return join(root, ROLLUP_DIR, `machine=${machine}`, ROLLUP_FILE);
}

function exists(path: string): boolean {
  try {
    closeSync(openSync(path, 'r'));
    return true;
  } catch {
    return false;
  }
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
    if (exists(path)) found.set(machine, path);
  }
  return found;
}

/** What a rollup's footer says: the files it was made of, and whether it has groups this grok reads. */
export interface RollupMade {
  parts: string;
  groups: boolean;
}

/** What each rollup says it was made of (rollupMade); a rollup unreadable is left out. */
export async function rollupParts(
  conn: DuckDBConnection,
  paths: readonly string[],
): Promise<Map<string, RollupMade>> {
  const made = new Map<string, RollupMade>();
  if (paths.length === 0) return made;
  const grouped = new Set<string>();
  try {
    const list = paths.map((p) => sqlString(p, '--from')).join(', ');
    // of the groups, only their layout: pool.ts reads them into DuckDB
    const rows = (
      await conn.runAndReadAll(
        `SELECT file_name, decode(key), CASE decode(key) WHEN '${PARTS_KEY}' THEN decode(value) ELSE json_extract_string(decode(value), '$.layout') END FROM parquet_kv_metadata([${list}]) WHERE decode(key) IN ('${PARTS_KEY}', '${GROUPS_KEY}')`,
      )
    ).getRows();
    for (const [file, key, value] of rows) {
      if (key === PARTS_KEY) made.set(String(file), { parts: String(value), groups: false });
      else if (value === String(GROUPS_LAYOUT)) grouped.add(String(file));
    }
  } catch {
    // a rollup that cannot be read is not used: its machine's files are read instead
  }
  for (const [path, m] of made) m.groups = grouped.has(path);
  return made;
}

/**
 * Writes the machine's rollup from its sessions files (tidy: one per month, as an export leaves
 * them) unless the one there is already made of them, with its groups: to a temp name, then
 * renamed into place. The groups' usage tiers are cut at the long-context thresholds of the prices
 * in temp.prices, written beside them (pool-groups.sql).
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
  const there = existing ? (await rollupParts(conn, [existing])).get(existing) : undefined;
  if (there?.parts === parts && there.groups) return false;
  if (sessionsFiles.length === 0) {
    await rm(path, { force: true });
    return true;
  }
  const select = loadSql('internal/pool-groups')
    .replaceAll('{sessions}', relation)
    .trim()
    .replace(/;$/, '');
  const groups = String(
    (
      await conn.runAndReadAll(
        `SELECT to_json({'layout': ${GROUPS_LAYOUT}, 'rows': coalesce(list(g), [])})::VARCHAR FROM (SELECT ${GROUP_COLUMNS.join(', ')} FROM (${select}) ORDER BY ALL) g`,
      )
    ).getRows()[0]?.[0],
  );
  await mkdir(temp, { recursive: true, mode: 0o700 });
  const made = join(temp, `rollup-${randomBytes(3).toString('hex')}.parquet`);
  const kv = `{${PARTS_KEY}: ${sqlString(parts, '--out')}, ${GROUPS_KEY}: ${sqlString(groups, '--out')}}`;
  await conn.run(
    `COPY (SELECT * EXCLUDE (machine, filename) FROM ${relation} ORDER BY month, start_time, session_id) TO ${sqlString(made, '--out')} (FORMAT parquet, COMPRESSION zstd, KV_METADATA ${kv})`,
  );
  fsyncPath(made);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await rename(made, path);
  fsyncPath(dirname(path));
  return true;
}
