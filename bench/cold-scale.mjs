#!/usr/bin/env node
/**
 * A cold build at two sizes: a grok command (`grok sessions stats --json`, or --command) with no
 * index, as a whole process, over the bench's generated sessions at 10,000 and at 100,000 (each
 * made once, seed 42, as bench/run.mjs makes them; 100,000 take about 4.8 GB: check the free disk
 * first). Prints each run's wall time, CPU time and peak RSS (GNU time's %M, in MiB and MB), and
 * the 100,000/10,000 time ratio. Each run is preceded by a read of every session file, so that
 * the files come from the page cache (warmPageCache).
 * Uses dist/ (`npm run build` first) and /usr/bin/time. Options:
 *   --small N  --large N   the two sizes (default 10000, 100000)
 *   --runs N               runs of each (default 1); the median is compared
 *   --data DIR             where the sessions are made and kept (DIR/bench/data/home-N, as
 *                          bench/data.mjs lays them out; default this project): 100,000 belong
 *                          under a temporary folder, deleted once done
 *   --command 'ARGS'       the grok command run cold, its words split on spaces (default
 *                          'sessions stats --json'); 'sessions tools --json' always builds the
 *                          index and does little after it, whatever stats answers from
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataSetAt, warmPageCache } from './data.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const runs = opt('--runs', 1);
const dataRoot = args.includes('--data') ? args[args.indexOf('--data') + 1] : ROOT;
const command = (
  args.includes('--command') ? args[args.indexOf('--command') + 1] : 'sessions stats --json'
)
  .split(' ')
  .filter((w) => w !== '');

function coldRun(home) {
  for (const f of ['index.duckdb', 'index.duckdb.wal']) rmSync(join(home, f), { force: true });
  rmSync(join(home, 'answers'), { recursive: true, force: true });
  // nor the summaries stats answers from without the index (analytics/summary.ts)
  rmSync(join(home, 'summary'), { recursive: true, force: true });
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %U %S %M', process.execPath, join(ROOT, 'dist', 'grok.cjs'), ...command],
    { env: { ...process.env, GROK_HOME: home, NO_COLOR: '1' }, maxBuffer: 1 << 30 },
  );
  if (r.status !== 0) throw new Error(`cold ${command.join(' ')} failed: ${r.stderr}`);
  const [wall, user, sys, kb] = r.stderr
    .toString()
    .trim()
    .split('\n')
    .at(-1)
    .split(' ')
    .map(Number);
  return { wall, cpu: user + sys, rssMB: kb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => spawnSync('cat', ['/proc/loadavg']).stdout.toString().split(' ')[0];
const result = {};
for (const n of [opt('--small', 10_000), opt('--large', 100_000)]) {
  const d = dataSetAt(dataRoot, n);
  const all = [];
  for (let i = 0; i < runs; i++) {
    const warm = warmPageCache(d.sessions);
    const before = load();
    const r = coldRun(d.home);
    all.push(r);
    process.stdout.write(
      `${n} sessions: ${r.wall.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU, peak RSS ${r.rssMB.toFixed(0)} MiB (${((r.rssMB * 2 ** 20) / 1e6).toFixed(0)} MB) (files read beforehand in ${warm.toFixed(1)} s; load average ${before} before, ${load()} after)\n`,
    );
  }
  result[n] = { wall: median(all.map((r) => r.wall)), cpu: median(all.map((r) => r.cpu)) };
}
const [small, large] = Object.values(result);
process.stdout.write(
  `time ratio: ${(large.wall / small.wall).toFixed(1)}x wall, ${(large.cpu / small.cpu).toFixed(1)}x CPU\n`,
);
