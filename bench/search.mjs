#!/usr/bin/env node
/**
 * Full-text search over the bench's generated sessions, as whole processes
 * (`node dist/grok.cjs sessions search ...`, the answer cache off): the first search after the
 * index is built (it reads every session and makes the search index), and later searches of
 * other words. `npm run build` first. Options:
 *   --sessions N   the generated data set (default 10000; made as bench/run.mjs makes it)
 *   --runs N       runs of each measure (default 5); medians are printed
 *   --bin FILE     the grok.cjs to run (default dist/grok.cjs), to measure another build
 *   --data DIR     where the data set is kept (DIR/bench/data/home-N; default this checkout)
 * The first search is run on a copy of the index as the build left it, so each run starts with
 * no search index.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataSetAt, warmPageCache } from './data.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argBin = process.argv.indexOf('--bin');
const BIN = argBin > 0 ? process.argv[argBin + 1] : join(ROOT, 'dist', 'grok.cjs');

/** Later searches: absent from the corpus, in ~190 rows, in ~25,000 rows of every session. */
export const LATER_QUERIES = ['ResizeObserver', 'retry_cache_test(', 'auth middleware'];
/**
 * The same phrases with --count-all: every session that may hold them read, every match counted
 * (a plain search reads the newest sessions until it knows the newest hits).
 */
export const COUNT_ALL_QUERIES = ['retry_cache_test(', 'auth middleware'];
export const FIRST_QUERY = 'retry_cache_test(';

const { NODE_EXTRA_CA_CERTS: _, ...cleanEnv } = process.env;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function timed(home, argv) {
  const full = TIME
    ? [TIME, ['-v', process.execPath, BIN, ...argv]]
    : [process.execPath, [BIN, ...argv]];
  const start = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], {
    env: { ...cleanEnv, GROK_HOME: home, NO_COLOR: '1', GROK_NO_ANSWER_CACHE: '1' },
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stderr = r.stderr?.toString() ?? '';
  if (r.status !== 0) throw new Error(`grok ${argv.join(' ')} failed: ${stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const cpu = /User time \(seconds\): ([\d.]+)[\s\S]*System time \(seconds\): ([\d.]+)/.exec(
    stderr,
  );
  return {
    seconds,
    cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
    rssMb: rss ? Number(rss[1]) / 1024 : undefined,
    stdout: r.stdout.toString(),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function dropIndex(home) {
  for (const f of readdirSync(home)) if (f.startsWith('index.duckdb')) unlinkSync(join(home, f));
  rmSync(join(home, 'answers'), { recursive: true, force: true });
  rmSync(join(home, 'summary'), { recursive: true, force: true });
  rmSync(join(home, 'search'), { recursive: true, force: true });
}

/** Medians of `runs` first and later searches over data set `d`. */
export function runSearchBench(d, runs = 5) {
  dropIndex(d.home);
  // the index a cold build leaves: `stats`, `cost` and `list` with no index answer from a
  // summary made from the files and build none; `tools` always builds it
  timed(d.home, ['sessions', 'tools', '--json']);
  // the index is its file and its log: what the build left in the log (DuckDB checkpoints it
  // when large, not at every close) is part of it, and an index without it is rebuilt
  const parts = ['index.duckdb', 'index.duckdb.wal'].filter((f) => existsSync(join(d.home, f)));
  const kept = (f) => join(d.home, `built.${f}`);
  for (const f of parts) copyFileSync(join(d.home, f), kept(f));
  const first = [];
  for (let i = 0; i < runs; i++) {
    rmSync(join(d.home, 'index.duckdb.wal'), { force: true });
    for (const f of parts) copyFileSync(kept(f), join(d.home, f));
    rmSync(join(d.home, 'search'), { recursive: true, force: true });
    // the first search reads every session file: from the page cache, as the other benches do
    warmPageCache(d.sessions);
    first.push(timed(d.home, ['sessions', 'search', FIRST_QUERY, '--json']));
  }
  for (const f of parts) unlinkSync(kept(f));
  const later = {};
  const searches = [
    ...LATER_QUERIES.map((q) => [q, [q]]),
    ...COUNT_ALL_QUERIES.map((q) => [`${q} --count-all`, [q, '--count-all']]),
  ];
  for (const [name, args] of searches) {
    const t = [];
    for (let i = 0; i < runs; i++) t.push(timed(d.home, ['sessions', 'search', ...args, '--json']));
    later[name] = t;
  }
  const summary = (ts) => ({
    seconds: median(ts.map((t) => t.seconds)),
    cpu: median(ts.map((t) => t.cpu ?? Number.NaN)),
    rssMb: Math.max(...ts.map((t) => t.rssMb ?? 0)),
    runs: ts.map((t) => t.seconds),
    matches: JSON.parse(ts[0].stdout).matches,
    complete: JSON.parse(ts[0].stdout).matchesComplete,
  });
  return {
    first: summary(first),
    later: Object.fromEntries(Object.entries(later).map(([q, ts]) => [q, summary(ts)])),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
  const data = args.includes('--data') ? args[args.indexOf('--data') + 1] : ROOT;
  const d = dataSetAt(data, opt('--sessions', 10_000));
  const before = loadavg();
  const r = runSearchBench(d, opt('--runs', 5));
  const after = loadavg();
  const s = (x) => `${x.toFixed(2)} s`;
  const met = (x, target) =>
    target === '' ? '' : x.seconds <= Number(target.replace(/[^\d.]/g, '')) ? 'yes' : '**no**';
  const row = (name, x, target) =>
    `| ${name} | ${s(x.seconds)} | ${s(x.cpu)} | ${x.runs.map((t) => t.toFixed(2)).join(' / ')} | ${x.rssMb.toFixed(0)} MB | ${x.matches}${x.complete ? '' : '+'} | ${target} | ${met(x, target)} |`;
  const lines = [
    `Date: ${new Date().toISOString().slice(0, 10)}`,
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}; load average ${before.map((x) => x.toFixed(1)).join(' ')} before, ${after.map((x) => x.toFixed(1)).join(' ')} after`,
    `Data: ${d.count.toLocaleString('en-US')} generated sessions (seed 42), ${(d.bytes / 2 ** 20).toFixed(0)} MB`,
    '',
    '| search | wall (median) | CPU (median) | runs | peak RSS | matches (+: counted until the newest were known) | target | met |',
    '|---|---|---|---|---|---|---|---|',
    row(`first \`search ${FIRST_QUERY}\` (no search index yet)`, r.first, '≤ 3 s'),
    ...Object.entries(r.later).map(([q, x]) =>
      row(`later \`search ${q}\``, x, q.endsWith('--count-all') ? '' : '≤ 0.3 s'),
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
