#!/usr/bin/env node
/**
 * The pooled-analytics benchmark: a pool of 1,000,000 sessions from 100 machines, generated
 * straight into Parquet by DuckDB SQL in the layout `export --format parquet` writes (8 messages,
 * 3 tool calls and 1 API call a session), then `stats --from` and `cost --from --by machine` timed as whole
 * processes with their peak memory, the answer cache off. `npm run build && node bench/pool.mjs`.
 * Options:
 *   --sessions N   sessions to generate (default 1000000)
 *   --machines N   machines (default 100)
 *   --runs N       runs of each command (default 3; the median is reported)
 *   --no-write     print the results without writing them into bench/RESULTS.md
 *   --dir DIR      where the pool goes (default: <tmpdir>/grok-bench-pool-<N>-<machines>), reused
 *                  while the counts match; remove it when done
 * The pool is in schema version 2: each session carries its summary (pool-schema.ts), and each
 * machine has its rollup, its sessions summed in the footer (pool-rollup.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { GROUP_COLUMNS, GROUPS_LAYOUT } from '../dist/analytics/pool-rollup.js';
import { priceRows, priceTable } from '../dist/analytics/pricing.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'grok.cjs');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const sessions = option('--sessions', 1_000_000);
const machines = option('--machines', 100);
const runs = option('--runs', 3);
const write = !args.includes('--no-write');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const MESSAGES = 8;
const TOOL_CALLS = 3;

/** The pool, in SQL: session i is on machine i % machines, started 30 s after session i - 1. */
async function generate(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run("SET TimeZone = 'UTC'");
  // One file per partition and table, of the same name in each table, as an export writes them.
  await c.run('SET partitioned_write_max_open_files = 100000');
  await c.run('SET partitioned_write_flush_threshold = 1000000000');
  const opts = `(FORMAT parquet, PARTITION_BY (machine, month), COMPRESSION zstd, FILENAME_PATTERN 'part-bench{i}')`;
  const session = `
    SELECT i,
           'm' || lpad((i % ${machines})::VARCHAR, 3, '0') AS machine,
           TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds(i * 30) AS start_time,
           'session-' || i::VARCHAR AS session_id,
           TIMESTAMPTZ '2026-01-01 00:00:00+00' AS exported_at,
           ['grok-4', 'grok-3-mini', 'grok-code-fast-1', 'grok-4-fast'][1 + i % 4] AS model
    FROM range(${sessions}) t(i)`;
  await c.run(`CREATE TABLE s AS ${session}`);
  await c.run(`COPY (
    SELECT 2 AS schema_version, session_id, exported_at, session_id || '.json' AS file,
           NULL::VARCHAR AS name, []::VARCHAR[] AS tags, start_time,
           start_time + to_milliseconds(60000 + i % 600000) AS end_time,
           start_time + to_milliseconds(60000 + i % 600000) AS last_activity,
           (60000 + i % 600000)::BIGINT AS duration_ms, model,
           CASE WHEN i % 17 = 0 THEN 'interrupted' ELSE 'ended' END AS status,
           '/home/user/p' || (i % 40)::VARCHAR AS working_directory,
           ${MESSAGES} AS messages, ${TOOL_CALLS} AS tool_calls,
           (1000 + i % 50000)::BIGINT AS input, (100 + i % 5000)::BIGINT AS output,
           (1100 + i % 50000 + i % 5000)::BIGINT AS total, i % 17 = 0 AS interrupted,
           NULL::DOUBLE AS cost_estimated_usd, NULL::DOUBLE AS cost_exact_usd, 'none' AS text,
           1000::BIGINT AS file_size, 0::DOUBLE AS file_mtime_ms,
           -- the session's summary, as the messages, tool_calls and api_calls below make it
           list_transform(range(2, ${MESSAGES}, 2), q -> (1000 + (i * 7 + q) % 20000)::INTEGER) AS reply_ms,
           (50 * ${Math.floor((MESSAGES - 1) / 2)})::BIGINT AS timed_output,
           list_sum(list_transform(range(2, ${MESSAGES}, 2), q -> 1000 + (i * 7 + q) % 20000))::BIGINT AS timed_ms,
           list_sort(list_transform(range(${TOOL_CALLS}), k -> {
             'tool': ['Read', 'Grep', 'Glob', 'Bash', 'Edit'][1 + (i + k) % 5],
             'calls': 1, 'failed': ((i + k) % 23 = 0)::INTEGER
           })) AS tools,
           [{'seq': 2, 'idx': 0, 'kind': 'call', 'model': model, 'known': true,
             'input': (1000 + i % 50000)::BIGINT, 'output': (100 + i % 5000)::BIGINT,
             'cached_input': NULL::BIGINT, 'reasoning': NULL::BIGINT,
             'cost_ticks': CASE WHEN i % 2 = 0 THEN (1000000 + i % 9000000)::BIGINT END}] AS usage,
           machine, strftime(start_time, '%Y-%m') AS month
    FROM s) TO '${dir}/sessions' ${opts}`);
  await c.run(`COPY (
    SELECT s.session_id, s.exported_at, m.seq,
           CASE WHEN m.seq = 0 THEN 'system' WHEN m.seq % 2 = 1 THEN 'user' ELSE 'assistant' END AS role,
           s.start_time + to_seconds(m.seq * 5) AS ts, 0 AS tool_calls,
           CASE WHEN m.seq % 2 = 0 AND m.seq > 0 THEN 500 END::BIGINT AS input,
           CASE WHEN m.seq % 2 = 0 AND m.seq > 0 THEN 50 END::BIGINT AS output,
           false AS interrupted,
           CASE WHEN m.seq % 2 = 0 AND m.seq > 0 THEN (1000 + (s.i * 7 + m.seq) % 20000) END::INTEGER AS reply_ms,
           NULL::VARCHAR AS content,
           s.machine, strftime(s.start_time, '%Y-%m') AS month
    FROM s, range(${MESSAGES}) m(seq)) TO '${dir}/messages' ${opts}`);
  await c.run(`COPY (
    SELECT s.session_id, s.exported_at, 2 AS seq, k.idx,
           ['Read', 'Grep', 'Glob', 'Bash', 'Edit'][1 + (s.i + k.idx) % 5] AS tool,
           (s.i + k.idx) % 23 = 0 AS failed, NULL::VARCHAR AS parameters, NULL::VARCHAR AS result,
           s.machine, strftime(s.start_time, '%Y-%m') AS month
    FROM s, range(${TOOL_CALLS}) k(idx)) TO '${dir}/tool_calls' ${opts}`);
  // One API call a session, billed by xAI for every other one: what cost is computed from.
  await c.run(`COPY (
    SELECT session_id, exported_at, 2 AS seq, 0 AS idx, 'call' AS kind, model, true AS known,
           (1000 + i % 50000)::BIGINT AS input, (100 + i % 5000)::BIGINT AS output,
           NULL::BIGINT AS cached_input, NULL::BIGINT AS reasoning,
           CASE WHEN i % 2 = 0 THEN (1000000 + i % 9000000)::BIGINT END AS cost_ticks,
           machine, strftime(start_time, '%Y-%m') AS month
    FROM s) TO '${dir}/api_calls' ${opts}`);
  await rollUp(c, dir);
  c.closeSync();
  db.closeSync();
}

/**
 * Each machine's rollup, as its export writes it (src/analytics/pool-rollup.ts): its sessions in
 * one file, whose footer names the files it was made of and carries their groups
 * (queries/internal/pool-groups.sql, at the bundled prices).
 */
async function rollUp(c, dir) {
  await c.run(readFileSync(join(ROOT, 'queries', 'internal', 'prices-table.sql'), 'utf8'), {
    prices: JSON.stringify(priceRows(priceTable())),
  });
  const groups = readFileSync(join(ROOT, 'queries', 'internal', 'pool-groups.sql'), 'utf8')
    .trim()
    .replace(/;$/, '');
  for (const machine of readdirSync(join(dir, 'sessions')).sort()) {
    const files = readdirSync(join(dir, 'sessions', machine))
      .sort()
      .flatMap((month) =>
        readdirSync(join(dir, 'sessions', machine, month)).map((f) =>
          join(dir, 'sessions', machine, month, f),
        ),
      );
    const parts = JSON.stringify(files.map((f) => `${basename(dirname(f))}/${basename(f)}`).sort());
    const list = files.map((f) => `'${f}'`).join(', ');
    const relation = `read_parquet([${list}], hive_partitioning = true, hive_types_autocast = false, hive_types = {'machine': VARCHAR, 'month': VARCHAR})`;
    const json = String(
      (
        await c.runAndReadAll(
          `SELECT to_json({'layout': ${GROUPS_LAYOUT}, 'rows': list(g)})::VARCHAR FROM (SELECT ${GROUP_COLUMNS.join(', ')} FROM (${groups.replaceAll('{sessions}', relation)})) g`,
        )
      ).getRows()[0][0],
    );
    mkdirSync(join(dir, 'rollup', machine), { recursive: true });
    rmSync(join(dir, 'rollup', machine, 'groups.parquet'), { force: true });
    await c.run(`COPY (
      SELECT * EXCLUDE (machine) FROM ${relation} ORDER BY month, start_time, session_id
    ) TO '${join(dir, 'rollup', machine, 'sessions.parquet')}' (FORMAT parquet, COMPRESSION zstd, KV_METADATA {grok_parts: '${parts}', grok_groups: '${json.replace(/'/g, "''")}'})`);
  }
}

function timed(argv, env) {
  const cmd = [process.execPath, BIN, 'sessions', ...argv];
  const [file, list] = TIME ? [TIME, ['-v', ...cmd]] : [cmd[0], cmd.slice(1)];
  const start = process.hrtime.bigint();
  const r = spawnSync(file, list, {
    env: { ...process.env, NO_COLOR: '1', ...env },
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stderr = r.stderr.toString();
  if (r.status !== 0) throw new Error(`grok sessions ${argv.join(' ')} failed: ${stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return {
    seconds,
    rssMb: rss ? Number(rss[1]) / 1024 : undefined,
    cpu: user && sys ? Number(user[1]) + Number(sys[1]) : undefined,
    stdout: r.stdout.toString(),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dirAt = args.indexOf('--dir');
const dir =
  dirAt >= 0 ? String(args[dirAt + 1]) : join(tmpdir(), `grok-bench-pool-${sessions}-${machines}`);
const marker = join(dir, 'generated.json');
const SCHEMA = 2; // and the rollups of each machine (ROLLUPS: their kinds)
const ROLLUPS = 3;
const made = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : undefined;
if (made?.schema === SCHEMA && made.rollup !== ROLLUPS) {
  // a pool of this schema generated before these rollups: only they are made
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await rollUp(c, dir);
  c.closeSync();
  db.closeSync();
  writeFileSync(marker, JSON.stringify({ ...made, rollup: ROLLUPS }));
} else if (made?.schema !== SCHEMA) {
  process.stderr.write(`generating ${sessions} sessions from ${machines} machines in ${dir} ...\n`);
  const t = Date.now();
  await generate(dir);
  writeFileSync(
    marker,
    JSON.stringify({
      schema: SCHEMA,
      rollup: ROLLUPS,
      sessions,
      machines,
      seconds: (Date.now() - t) / 1000,
    }),
  );
}
const home = join(dir, 'home');
mkdirSync(home, { recursive: true });
const env = { GROK_HOME: home, GROK_NO_ANSWER_CACHE: '1' };
const measures = [
  ['`stats --from`', ['stats', '--from', dir]],
  ['`cost --from --by machine`', ['cost', '--from', dir, '--by', 'machine']],
];
const rows = [];
for (const [label, argv] of measures) {
  const times = [];
  const rss = [];
  const loads = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    loads.push(loadavg()[0]);
    const r = timed(argv, env);
    times.push(r.seconds);
    rss.push(r.rssMb ?? 0);
    cpu.push(r.cpu ?? Number.NaN);
    if (i === 0 && !/\d/.test(r.stdout)) throw new Error(`${label}: no figures in its output`);
  }
  rows.push({ label, seconds: median(times), all: times, loads, cpu, rssMb: Math.max(...rss) });
}
// The answer is right, not only fast: the pooled count is the generated one.
const answer = JSON.parse(timed(['stats', '--from', dir, '--json'], env).stdout);
const expected = {
  sessions,
  toolCalls: sessions * TOOL_CALLS,
  replies: sessions * Math.floor((MESSAGES - 1) / 2),
};
const counted = {
  sessions: answer.sessions,
  toolCalls: answer.toolCalls,
  replies: answer.latency.replies,
};
if (JSON.stringify(counted) !== JSON.stringify(expected))
  throw new Error(
    `stats --from counted ${JSON.stringify(counted)}, not ${JSON.stringify(expected)}`,
  );

const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}`;
const lines = [
  '## Pooled analytics (`node bench/pool.mjs`)',
  '',
  `Date: ${date}`,
  `Machine: ${machine}`,
  `Data: a pool of ${sessions.toLocaleString('en-US')} sessions from ${machines} machines (${MESSAGES} messages, ${TOOL_CALLS} tool calls and 1 API call each), generated straight into Parquet by DuckDB SQL in the export's layout (bench/pool.mjs).`,
  `Each figure is one whole process (\`node dist/grok.cjs sessions ...\`, the answer cache off), the median of ${runs} runs; peak RSS is the largest of them. Each run's load average (1 min, \`uptime\`) when it started is beside it: the machine is shared (2 cores).`,
  '',
  '| measure | time | runs (load average) | CPU (user + sys) | peak RSS | target | met |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.seconds.toFixed(2)} s | ${r.all.map((t, i) => `${t.toFixed(2)} s (${r.loads[i].toFixed(1)})`).join(' / ')} | ${r.cpu.map((t) => t.toFixed(2)).join(' / ')} s | ${Math.round(r.rssMb)} MB | ≤ 2 s | ${r.seconds <= 2 ? 'yes' : 'no'} |`,
  ),
  '',
];
const text = lines.join('\n');
process.stdout.write(`${text}\n`);
if (write) {
  const path = join(ROOT, 'bench', 'RESULTS.md');
  const results = readFileSync(path, 'utf8');
  // the section is replaced in place; the sections after it stay
  const at = results.indexOf('## Pooled analytics');
  const next = at >= 0 ? results.indexOf('\n## ', at + 1) : -1;
  const before = at >= 0 ? results.slice(0, at) : `${results.trimEnd()}\n\n`;
  const after = next >= 0 ? results.slice(next + 1) : '';
  writeFileSync(path, `${before}${text}${after ? `\n${after}` : ''}`);
}
