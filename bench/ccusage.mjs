#!/usr/bin/env node
/**
 * Cold `grok sessions stats` (no index, no answers, no summary) side by side with ccusage `daily` over the
 * same sessions: ccusage is what people use for this job. The bench's sessions are converted to
 * Claude Code's JSONL (ccusage-convert.cjs, the same input and output totals), ccusage 20.0.24 is
 * installed with npm into a scratch folder (never a dependency of this project), both totals are
 * checked equal, then the two run alternately, each after a read of its own files (so that both
 * read from the page cache), and the ratio of their medians is reported.
 * Run by `npm run bench` (bench/run.mjs); alone: `node bench/ccusage.mjs [--sessions N] [--runs N]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataSetAt, warmPageCache } from './data.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CCUSAGE = 'ccusage@20.0.24';

/** The sessions of `sessionsDir` as Claude Code JSONL, converted once (git-ignored). */
function converted(sessionsDir, count) {
  const out = join(ROOT, 'bench', 'data', `ccusage-${count}`);
  const marker = join(out, 'converted.json');
  if (!existsSync(marker)) {
    rmSync(out, { recursive: true, force: true });
    process.stderr.write(`converting ${count} sessions for ccusage in ${out} ...\n`);
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bench', 'ccusage-convert.cjs'), sessionsDir, out],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (r.status !== 0) throw new Error('converting the sessions for ccusage failed');
    writeFileSync(marker, JSON.stringify({ count }));
  }
  return out;
}

/** ccusage installed from the npm registry into a scratch folder; its binary. */
function install(scratch) {
  const r = spawnSync(
    'npm',
    ['i', '--prefix', scratch, '--no-save', '--no-audit', '--no-fund', CCUSAGE],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`npm could not install ${CCUSAGE}`);
  return join(scratch, 'node_modules', '.bin', 'ccusage');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `d`: the data set (bench/data.mjs); `timed(cmd, argv, env)` runs a whole process and returns
 * its seconds and stdout; `coldStats()` clears the index and runs `stats --json`. Returns the
 * medians, the ratio and every run.
 */
export function ccusagePair(d, { timed, coldStats, runs = 5 }) {
  const config = converted(d.sessions, d.count);
  const scratch = mkdtempSync(join(tmpdir(), 'grok-bench-ccusage-'));
  try {
    const bin = install(scratch);
    const home = join(scratch, 'home');
    mkdirSync(home);
    const env = { HOME: home, TZ: 'UTC', NO_COLOR: '1', CLAUDE_CONFIG_DIR: config };
    const ccusage = () => timed(bin, ['daily', '--offline', '--json'], env);
    const grokRuns = [];
    const ccRuns = [];
    for (let i = 0; i < runs; i++) {
      // each tool's files are read just before its run: neither reads what the page cache lost
      warmPageCache(d.sessions);
      grokRuns.push(coldStats());
      warmPageCache(config);
      ccRuns.push(ccusage());
    }
    const ours = JSON.parse(grokRuns[0].stdout).tokens;
    const theirs = JSON.parse(ccRuns[0].stdout).totals;
    if (ours.input !== theirs.inputTokens || ours.output !== theirs.outputTokens) {
      throw new Error(
        `token totals differ: grok ${ours.input}/${ours.output}, ccusage ${theirs.inputTokens}/${theirs.outputTokens}`,
      );
    }
    const grok = median(grokRuns.map((r) => r.seconds));
    const cc = median(ccRuns.map((r) => r.seconds));
    return {
      grok,
      ccusage: cc,
      ratio: grok / cc,
      grokRuns: grokRuns.map((r) => r.seconds),
      ccusageRuns: ccRuns.map((r) => r.seconds),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, v) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : v);
  const d = dataSetAt(ROOT, opt('--sessions', 10_000));
  const { NODE_EXTRA_CA_CERTS: _, ...cleanEnv } = process.env;
  const timed = (cmd, argv, env = {}) => {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { env: { ...cleanEnv, ...env }, maxBuffer: 1 << 30 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
    return { seconds, stdout: r.stdout.toString() };
  };
  const coldStats = () => {
    for (const f of ['index.duckdb', 'index.duckdb.wal']) rmSync(join(d.home, f), { force: true });
    rmSync(join(d.home, 'answers'), { recursive: true, force: true });
    // nor the summaries stats answers from without the index (analytics/summary.ts)
    rmSync(join(d.home, 'summary'), { recursive: true, force: true });
    return timed(
      process.execPath,
      [join(ROOT, 'dist', 'grok.cjs'), 'sessions', 'stats', '--json'],
      {
        GROK_HOME: d.home,
        NO_COLOR: '1',
      },
    );
  };
  const r = ccusagePair(d, { timed, coldStats, runs: opt('--runs', 5) });
  const s = (x) => `${x.toFixed(2)} s`;
  process.stdout.write(
    `${d.count} sessions: cold \`stats\` ${s(r.grok)}, ccusage \`daily\` ${s(r.ccusage)}, ratio ${r.ratio.toFixed(2)} (medians of ${r.grokRuns.length} alternating runs)\n` +
      `  grok:    ${r.grokRuns.map(s).join(', ')}\n  ccusage: ${r.ccusageRuns.map(s).join(', ')}\n`,
  );
}
