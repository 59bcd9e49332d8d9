#!/usr/bin/env node
/**
 * The warm commands as whole processes over the bench's generated sessions, each the median of
 * several runs: `doctor` on an up-to-date index, `show latest` and `show <id>`, one new session
 * after a warm run (then `stats`), and `stats`, `cost --month` and `list --json` computed on the
 * up-to-date index (the answer cache off). Run by `npm run bench` after bench/run.mjs; alone:
 *   node bench/warm.mjs [--sessions N] [--runs R] [--home DIR] [--no-write]
 * --home takes a generated data set elsewhere (e.g. under /tmp); else bench/data/home-N.
 * Appends its table to bench/RESULTS.md under "## Warm commands" (replacing an earlier one, and
 * keeping the notes written below it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataSetAt } from './data.mjs';
import { generate } from './generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'grok.cjs');
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const count = Number(opt('--sessions')) || 10_000;
const runs = Number(opt('--runs')) || 7;
const write = !args.includes('--no-write');

// As bench/run.mjs: without NODE_EXTRA_CA_CERTS, which Node reads before any JavaScript runs.
const { NODE_EXTRA_CA_CERTS: _, ...cleanEnv } = process.env;

function dataSet() {
  const home = opt('--home');
  if (home === undefined) return dataSetAt(ROOT, count);
  const sessions = join(home, 'sessions');
  if (!existsSync(join(home, 'generated.json'))) {
    process.stderr.write(`generating ${count} sessions in ${sessions} ...\n`);
    writeFileSync(
      join(home, 'generated.json'),
      JSON.stringify({ count, ...generate(sessions, count, { seed: 42 }) }),
    );
  }
  return { home, sessions, ...JSON.parse(readFileSync(join(home, 'generated.json'), 'utf8')) };
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * One whole process: its wall seconds, and its CPU seconds (user + system, all its threads, from
 * /usr/bin/time), which a busy machine inflates far less than wall time. Exit code 1 is a
 * finding (doctor), not a failure.
 */
function timed(argv, env) {
  const cmd = [process.execPath, BIN, 'sessions', ...argv];
  const full = TIME ? [TIME, '-f', 'CPU %U %S', ...cmd] : cmd;
  const start = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), {
    env: { ...cleanEnv, NO_COLOR: '1', ...env },
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stderr = r.stderr?.toString() ?? '';
  // /usr/bin/time exits with the command's own code
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} failed: ${stderr}`);
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return {
    seconds,
    cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
    stdout: r.stdout.toString(),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run() {
  const d = dataSet();
  const env = { GROK_HOME: d.home };
  const computed = { ...env, GROK_NO_ANSWER_CACHE: '1' };
  const month = new Date(d.lastMs).toISOString().slice(0, 7);
  // up to date first: the index (`tools` always builds it; `stats` with no index answers from a
  // summary made from the files), then the summary
  timed(['tools'], env);
  timed(['stats'], env);
  const load = [loadavg()[0]];
  const series = (argv, e = env, n = runs) => {
    const xs = [];
    for (let i = 0; i < n; i++) xs.push(timed(argv, e));
    load.push(loadavg()[0]);
    return xs;
  };

  const doctorFull = timed(['doctor'], { ...env, GROK_TEST_DOCTOR_READ_ALL: '1' });
  const doctorIndex = timed(['doctor'], env);
  if (doctorFull.stdout !== doctorIndex.stdout) throw new Error('doctor: outputs differ');
  const latest = timed(['show', 'latest'], env).stdout;
  const id = /^Session\s+(\S+)/m.exec(latest)?.[1];
  if (id === undefined) throw new Error('show latest printed no session id');

  // One new session after a warm run: written, then `stats` (answer cache on, as for a user);
  // removed again, and the index brought back, untimed, before the next run.
  const extra = join(d.home, 'extra');
  rmSync(extra, { recursive: true, force: true });
  generate(extra, runs, { seed: 9, fromMs: d.lastMs + 3_600_000 });
  const extraNames = readdirSync(extra).sort();
  const oneNew = [];
  for (const name of extraNames) {
    writeFileSync(join(d.sessions, name), readFileSync(join(extra, name)), { mode: 0o600 });
    oneNew.push(timed(['stats'], env));
    unlinkSync(join(d.sessions, name));
    timed(['stats'], env);
  }
  rmSync(extra, { recursive: true, force: true });
  load.push(loadavg()[0]);

  const figures = {
    '`doctor`, up-to-date index': [series(['doctor']), 1],
    '`doctor` reading every file (GROK_TEST_DOCTOR_READ_ALL)': [
      // slow, and only for scale: three runs
      series(['doctor'], { ...env, GROK_TEST_DOCTOR_READ_ALL: '1' }, Math.min(3, runs)),
      undefined,
    ],
    '`show latest`': [series(['show', 'latest']), 0.2],
    '`show <id>`': [series(['show', id]), 0.2],
    'one new session after a warm run, then `stats`': [oneNew, 0.2],
    '`stats` computed on the index': [series(['stats'], computed), 0.2],
    '`cost --month` computed on the index': [series(['cost', '--month', month], computed), 0.2],
    '`list --json` computed on the index': [series(['list', '--json'], computed), 0.2],
  };
  return { d, figures, load };
}

const r = run();
const s = (x) => `${x.toFixed(2)} s`;
const rows = Object.entries(r.figures).map(([name, [runsOf, target]]) => {
  const xs = runsOf.map((x) => x.seconds);
  return [
    name,
    s(median(xs)),
    `${s(Math.min(...xs))} - ${s(Math.max(...xs))}`,
    s(median(runsOf.map((x) => x.cpu))),
    target === undefined ? '' : `≤ ${target} s`,
    target === undefined ? '' : median(xs) <= target ? 'yes' : '**no**',
  ];
});
const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}`;
const text = `## Warm commands (\`node bench/warm.mjs\`)

Date: ${new Date().toISOString().slice(0, 10)}
Machine: ${machine}; load average (1 min) ${Math.min(...r.load).toFixed(1)}-${Math.max(...r.load).toFixed(1)} during the runs
Data: ${r.d.count.toLocaleString('en-US')} generated sessions (seed 42). Each figure is one whole process, the median of ${runs} runs (one new session: ${runs} different new files, each removed and the index brought back between runs).

| measure | wall, median | wall, min - max | CPU (user + sys), median | target (wall) | met |
|---|---|---|---|---|---|
${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}
`;
process.stdout.write(`${text}\n`);
/**
 * The section as it stands, with its table replaced by `table` and the notes written below the
 * old table (where the time goes, earlier figures) kept as they are, to be edited by hand.
 */
function withNewTable(section, table) {
  const lines = section.split('\n');
  // the generated table is the section's first; the notes may hold tables of their own
  const first = lines.findIndex((line) => line.startsWith('|'));
  let end = first;
  while (end >= 0 && lines[end + 1]?.startsWith('|')) end++;
  const notes = end < 0 ? '' : lines.slice(end + 1).join('\n');
  return notes.trim() === '' ? table : `${table}\n${notes.trim()}\n`;
}

if (write) {
  const path = join(ROOT, 'bench', 'RESULTS.md');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const at = old.indexOf('\n## Warm commands');
  const next = at < 0 ? -1 : old.indexOf('\n## ', at + 1);
  const section = at < 0 ? '' : old.slice(at + 1, next < 0 ? undefined : next + 1);
  const kept = at < 0 ? old : old.slice(0, at) + (next < 0 ? '' : old.slice(next));
  writeFileSync(path, `${kept.trimEnd()}\n\n${withNewTable(section, text)}`);
}
