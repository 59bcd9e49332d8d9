#!/usr/bin/env node
/**
 * The session browser's first screen: `grok sessions browse` over N generated sessions (default
 * 10,000, the corpus of bench/run.mjs, in bench/data/) on an up-to-date index, run in a pseudo
 * terminal (util-linux `script`), timed from the spawn to the first frame drawn (its footer),
 * then left with q. Target: 0.5 s. Also the cost of loading the screen's UI library alone:
 * Ink and React bundled by the build (what grok loads), Ink from node_modules as published, and
 * no library (node's readline and escape codes), each as a whole process.
 *   node bench/browse.mjs [--sessions N] [--runs R] [--bin path/to/grok.cjs]   (after npm run build)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataSetAt } from './data.mjs';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const args = process.argv.slice(2);
// --bin: another build's grok.cjs, to time the code before a change on the same data
const BIN = args.includes('--bin')
  ? args[args.indexOf('--bin') + 1]
  : join(ROOT, 'dist', 'grok.cjs');
const count = Number(args[args.indexOf('--sessions') + 1]) || 10_000;
const runs = Number(args[args.indexOf('--runs') + 1]) || 7;
const TARGET_S = 0.5;

const { NODE_EXTRA_CA_CERTS: _certs, ...env } = process.env;

const dataSet = (n) => dataSetAt(ROOT, n);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The processes under `pid`, itself first (Linux /proc). */
function descendants(pid) {
  let children = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`))
      children = children.concat(
        readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
      );
  } catch {
    return [];
  }
  return [String(pid), ...children.flatMap((c) => descendants(c))];
}

/**
 * CPU seconds (user + system, all threads) that grok's process has used so far: read at the first
 * frame, it is what the first screen cost, which a busy machine inflates far less than the wall.
 */
function cpuSoFar(rootPid) {
  for (const pid of descendants(rootPid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(BIN)) continue;
      // not the pty's `script` nor `time`, whose command lines name grok too
      if (['script', 'time', 'sh'].includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()))
        continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // gone meanwhile
    }
  }
  return Number.NaN;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;

/**
 * Seconds from the spawn of `grok sessions browse` in a pty to its first frame, then q; and the
 * CPU seconds (user + system) of the whole run, which a busy machine inflates less than the wall.
 */
function firstScreen(home) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(
      'script',
      [
        '-qfec',
        `stty cols 80 rows 24; exec /usr/bin/time -f 'CPU %U %S' ${process.execPath} ${BIN} sessions browse`,
        '/dev/null',
      ],
      { env: { ...env, GROK_HOME: home, NO_COLOR: '1', TERM: 'xterm-256color' } },
    );
    let out = '';
    let seconds;
    let firstCpu;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no first screen in 60 s:\n${out.slice(-2000)}`));
    }, 60_000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      if (seconds === undefined && out.includes('q quit')) {
        seconds = Number(process.hrtime.bigint() - start) / 1e9;
        firstCpu = cpuSoFar(child.pid);
        if (!out.includes(`of ${count}`))
          reject(new Error(`first screen without the sessions:\n${out.slice(-2000)}`));
        child.stdin.write('q');
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(out);
      if (!cpu) process.stderr.write(`no CPU line: ${JSON.stringify(out.slice(-300))}\n`);
      if (seconds === undefined) reject(new Error(`exited ${code} before drawing:\n${out}`));
      else
        resolve({
          seconds,
          firstCpu,
          cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
        });
    });
  });
}

/** Wall and CPU seconds of a whole `node` process running `code` (an ES module), medians. */
function processSeconds(code) {
  const dir = join(ROOT, 'bench', 'data', 'ui-load');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `load-${Math.abs(hash(code))}.mjs`);
  writeFileSync(file, code);
  const all = Array.from({ length: runs }, () => {
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, file], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (r.status !== 0) throw new Error(`${file}: ${r.stderr}`);
    const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr.toString());
    return {
      seconds: Number(process.hrtime.bigint() - t) / 1e9,
      cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
    };
  });
  return { seconds: median(all.map((x) => x.seconds)), cpu: median(all.map((x) => x.cpu)) };
}

function hash(s) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

const d = dataSet(count);
// bring the index up to date (and past its first build) before timing: `tools` always builds
// it (`stats` with no index answers from a summary made from the files)
spawnSync(process.execPath, [BIN, 'sessions', 'tools'], {
  env: { ...env, GROK_HOME: d.home },
  stdio: 'ignore',
});
const shots = [];
for (let i = 0; i < runs; i++) shots.push(await firstScreen(d.home));
const first = median(shots.map((x) => x.seconds));
const firstCpu = median(shots.map((x) => x.firstCpu));
const wholeCpu = median(shots.map((x) => x.cpu));

const uiBundle = join(ROOT, 'dist', 'vendor', 'browse-ui.mjs');
const inkEntry = join(ROOT, 'node_modules', 'ink', 'build', 'index.js');
const bare = processSeconds('');
const bundled = processSeconds(`await import(${JSON.stringify(uiBundle)});`);
const published = processSeconds(
  `await import(${JSON.stringify(inkEntry)}); await import(${JSON.stringify(join(ROOT, 'node_modules', 'react', 'index.js'))});`,
);
const plain = processSeconds(
  "const rl = await import('node:readline'); rl.emitKeypressEvents(process.stdin); process.stdout.write('\\u001b[?1049h\\u001b[?1049l');",
);

const s = (x) => `${x.toFixed(3)} s`;
const both = (x) => `${s(x.seconds)} (CPU ${s(x.cpu)})`;
const lines = [
  `sessions browse, first screen over ${count} sessions (up-to-date index, 80x24 pty): median ${s(first)} of ${runs} (${shots.map((x) => x.seconds.toFixed(3)).join(', ')}); CPU used by then ${s(firstCpu)} (${shots.map((x) => x.firstCpu.toFixed(2)).join(', ')}); CPU of the whole run ${s(wholeCpu)}; target ${TARGET_S} s: ${first <= TARGET_S ? 'met' : 'MISSED'}`,
  `whole process, median of ${runs}: node alone ${both(bare)}; + the browser's UI bundle (Ink 6 + React 19, one file) ${both(bundled)}; + Ink and React from node_modules ${both(published)}; + readline and escape codes (no library) ${both(plain)}`,
  `load average while measuring: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} cores`,
];
process.stdout.write(`${lines.join('\n')}\n`);
