#!/usr/bin/env node
/**
 * Where a cold build's time goes, phase by phase, on one thread: reading the files, JSON.parse,
 * the schema check (the hand-written one the index uses), making the rows, appending them to
 * DuckDB, and the commits. The fast path (read-fields.ts) is timed too, in place of parse + check.
 * Times are CPU seconds (this process, all threads), not wall time. Uses the compiled modules (`npm run build` first). Options:
 *   --sessions N   the generated data set to read (default 10000; made as bench/run.mjs makes it)
 *   --runs N       how many runs (default 3); each phase's median is printed
 *   --data DIR     where the sessions are made and kept (DIR/bench/data/home-N, as bench/data.mjs
 *                  lays them out; default this project)
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataSetAt as dataSet } from './data.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(ROOT, 'dist', p);
const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const count = opt('--sessions', 10_000);
const runs = opt('--runs', 3);
const dataRoot = args.includes('--data') ? args[args.indexOf('--data') + 1] : ROOT;

const { readRegularTextSync } = await import(dist('session/regular-file.js'));
const { parseJsonObject } = await import(dist('session/parse.js'));
const { isSession } = await import(dist('session/check.js'));
const { RowColumns } = await import(dist('analytics/session-rows.js'));
const { openIndex } = await import(dist('analytics/index-db.js'));
const { openAppenders, closeAppenders, appendBatch } = await import(
  dist('analytics/write-rows.js')
);
const { loadSql } = await import(dist('analytics/sql-files.js'));
const fast = args.includes('--no-fast')
  ? undefined
  : await import(dist('session/read-fields.js')).catch(() => undefined);

const CHUNK = 100;
const COMMIT_EVERY = 10_000; // as src/analytics/refresh.ts
/**
 * CPU seconds of this process (all its threads): on a loaded machine the wall clock measures the
 * other processes as much as this one, CPU time far less.
 */
const now = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function oneRun(dir) {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  const t = { read: 0, parse: 0, check: 0, rows: 0, fast: 0, append: 0, fill: 0, commit: 0 };
  const home = mkdtempSync(join(tmpdir(), 'grok-split-'));
  const { conn, close } = await openIndex(home);
  let sid = 1;
  let first = sid;
  await conn.run('BEGIN TRANSACTION');
  let a = await openAppenders(conn);
  let fastMisses = 0;
  for (let i = 0; i < names.length; i += CHUNK) {
    const chunk = names.slice(i, i + CHUNK);
    let s = now();
    const texts = chunk.map((n) => {
      const path = join(dir, n);
      const r = readRegularTextSync(path);
      return { path, name: n, size: r.size, mtimeMs: r.mtimeMs, text: r.text };
    });
    t.read += now() - s;
    s = now();
    const raws = texts.map((f) => parseJsonObject(f.text));
    t.parse += now() - s;
    s = now();
    const ok = raws.map((r) => r.ok && isSession(r.raw));
    t.check += now() - s;
    if (fast) {
      s = now();
      for (const f of texts) if (fast.readIndexFields(f.text) === undefined) fastMisses++;
      t.fast += now() - s;
    }
    s = now();
    const rows = new RowColumns();
    const files = texts.map((f, k) => ({
      source: 'live',
      path: f.path,
      name: f.name,
      size: f.size,
      mtimeMs: f.mtimeMs,
      status: ok[k] ? 'ok' : 'bad',
      reason: ok[k] ? null : 'bad',
      session: ok[k] ? rows.add(k, f.name, raws[k].raw) : undefined,
    }));
    const { messages, toolCalls, apiCalls } = rows.seal();
    t.rows += now() - s;
    s = now();
    appendBatch(a, sid, { files, messages, toolCalls, apiCalls });
    sid += files.length;
    t.append += now() - s;
    if (sid - first >= COMMIT_EVERY || i + CHUNK >= names.length) {
      s = now();
      closeAppenders(a);
      t.append += now() - s;
      s = now();
      await conn.run(loadSql('internal/session-tools-fill'), { first });
      t.fill += now() - s;
      s = now();
      await conn.run('COMMIT');
      t.commit += now() - s;
      if (i + CHUNK < names.length) {
        await conn.run('BEGIN TRANSACTION');
        a = await openAppenders(conn);
        first = sid;
      }
    }
  }
  close();
  rmSync(home, { recursive: true, force: true });
  return { t, fastMisses };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const d = dataSet(dataRoot, count);
const all = [];
let misses = 0;
for (let r = 0; r < runs; r++) {
  const { t, fastMisses } = await oneRun(d.sessions);
  misses = fastMisses;
  all.push(t);
  process.stderr.write(
    `run ${r + 1}: ${Object.entries(t)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}\n`,
  );
}
const phases = Object.keys(all[0]).filter((k) => k !== 'fast' || fast);
const med = Object.fromEntries(phases.map((k) => [k, median(all.map((t) => t[k]))]));
const slow = ['read', 'parse', 'check', 'rows', 'append', 'fill', 'commit'];
const total = slow.reduce((s, k) => s + med[k], 0);
process.stdout.write(
  `${count} sessions, ${(d.bytes / 2 ** 20).toFixed(0)} MB, one thread, CPU seconds, median of ${runs} runs:\n`,
);
for (const k of phases) {
  const share = slow.includes(k) ? ` (${((100 * med[k]) / total).toFixed(0)}%)` : '';
  process.stdout.write(`  ${k.padEnd(7)} ${med[k].toFixed(2)} s${share}\n`);
}
process.stdout.write(`  total   ${total.toFixed(2)} s (full path)\n`);
if (fast) {
  const fastTotal = total - med.parse - med.check + med.fast;
  process.stdout.write(
    `  total   ${fastTotal.toFixed(2)} s (fast path in place of parse + check; ${misses} files fell back)\n`,
  );
}
