/**
 * Pooled analytics end to end: machines export into one Parquet dataset (`export --format
 * parquet`), the analytics commands read it (`--from`), an independent Parquet reader (hyparquet,
 * not DuckDB) reads every file, and an export killed with SIGKILL mid-write leaves no file a
 * reader would take for a partition.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BIN, FIXTURES, makeHome, runGrok, type TempHome } from '../helpers.js';
import { writeSession } from './sessions.js';

let a: TempHome;
let b: TempHome;
let union: TempHome;
let pool: string;
beforeEach(() => {
  a = makeHome();
  b = makeHome();
  union = makeHome();
  pool = join(union.home, 'pool');
});
afterEach(() => {
  for (const h of [a, b, union]) h.cleanup();
});

const grok = (h: TempHome, ...args: string[]) => runGrok(['sessions', ...args], h.env);
// biome-ignore lint/suspicious/noExplicitAny: JSON documents of the commands, checked field by field
function json(h: TempHome, ...args: string[]): any {
  const r = grok(h, ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** The bundled samples split in two: the first 25 files on machine a, the rest on b. */
function splitSamples(): void {
  const files = readdirSync(join(FIXTURES, 'sessions')).sort();
  files.forEach((f, i) => {
    const to = i < 25 ? a.sessions : b.sessions;
    cpSync(join(FIXTURES, 'sessions', f), join(to, f));
    cpSync(join(FIXTURES, 'sessions', f), join(union.sessions, f));
  });
}

const exportTo = (h: TempHome, machine: string, ...more: string[]) =>
  json(h, 'export', '--format', 'parquet', '--out', pool, '--machine', machine, ...more);

const ADDITIVE = (s: {
  sessions: number;
  messages: number;
  toolCalls: number;
  tokens: { input: number; output: number; total: number };
}) => ({
  sessions: s.sessions,
  messages: s.messages,
  toolCalls: s.toolCalls,
  input: s.tokens.input,
  output: s.tokens.output,
  total: s.tokens.total,
});

const plus = (x: Record<string, number>, y: Record<string, number>) =>
  Object.fromEntries(Object.keys(x).map((k) => [k, (x[k] ?? 0) + (y[k] ?? 0)]));

/** Every Parquet file under a folder, hidden folders (an export's temp files) included. */
function parquetFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function fileBuffer(file: string): ArrayBuffer {
  const bytes = readFileSync(file);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  return (await parquetReadObjects({ file: fileBuffer(file), compressors })) as Record<
    string,
    unknown
  >[];
}

/** A rollup's groups (its footer's `grok_groups`), as hyparquet reads the footer. */
function footerGroups(file: string): { layout: number; rows: Record<string, unknown>[] } {
  const kv = parquetMetadata(fileBuffer(file)).key_value_metadata ?? [];
  return JSON.parse(kv.find((e) => e.key === 'grok_groups')?.value ?? 'null');
}

describe('a pool of two machines', { timeout: 180_000 }, () => {
  test('stats and cost --from add up to each machine computed alone, and equal their union', () => {
    splitSamples();
    exportTo(a, 'laptop');
    exportTo(b, 'desktop');
    expect(readdirSync(join(pool, 'sessions')).sort()).toEqual([
      'machine=desktop',
      'machine=laptop',
    ]);
    const [sa, sb, su] = [json(a, 'stats'), json(b, 'stats'), json(union, 'stats')];
    const pooled = json(union, 'stats', '--from', pool);
    expect(sa.sessions).toBeGreaterThan(0);
    expect(sb.sessions).toBeGreaterThan(0);
    expect(ADDITIVE(pooled)).toEqual(plus(ADDITIVE(sa), ADDITIVE(sb)));
    // averages, percentiles, tools, models and outcomes: those of the union of the sessions
    expect(pooled).toEqual(su);

    const [ca, cb, cu] = [json(a, 'cost'), json(b, 'cost'), json(union, 'cost')];
    const cp = json(union, 'cost', '--from', pool);
    for (const key of ['sessions', 'input', 'output', 'total', 'unpriced'] as const) {
      expect(cp.total[key]).toBe(ca.total[key] + cb.total[key]);
    }
    expect(cp.total.cost).toBeCloseTo(ca.total.cost + cb.total.cost, 5);
    expect(cp.total.estimated).toBeCloseTo(ca.total.estimated + cb.total.estimated, 5);
    expect(BigInt(cp.total.exactTicks)).toBe(
      BigInt(ca.total.exactTicks) + BigInt(cb.total.exactTicks),
    );
    // the same document, plus each session's machine and a total per machine
    const { byMachine, sessions, ...rest } = cp;
    const { sessions: unionSessions, ...unionRest } = cu;
    expect(rest).toEqual(unionRest);
    expect(sessions.map(({ machine: _, ...s }: { machine: string }) => s)).toEqual(unionSessions);
    expect(
      byMachine.map((m: { machine: string; sessions: number }) => [m.machine, m.sessions]).sort(),
    ).toEqual([
      ['desktop', sb.sessions],
      ['laptop', sa.sessions],
    ]);
    const bySession = cp.sessions.map((s: { sessionId: string }) => s.sessionId);
    expect(new Set(bySession).size).toBe(bySession.length);
    // --machine picks one machine's sessions
    expect(ADDITIVE(json(union, 'stats', '--from', pool, '--machine', 'laptop'))).toEqual(
      ADDITIVE(sa),
    );
    // a filter picks the same sessions in a pool as over the sessions, percentiles and all
    const model = su.models[0].model as string;
    expect(json(union, 'stats', '--from', pool, '--model', model)).toEqual(
      json(union, 'stats', '--model', model),
    );
    // the other analytics commands read the pool as they read the sessions
    for (const command of ['tools', 'top']) {
      expect(json(union, command, '--from', pool)).toEqual(json(union, command));
    }
  });

  test('exporting again changes nothing; a new session changes the totals by exactly itself; a pruned one stays', () => {
    splitSamples();
    exportTo(a, 'laptop');
    exportTo(b, 'desktop');
    const before = json(union, 'stats', '--from', pool);
    const again = exportTo(a, 'laptop');
    expect(again.pool.months).toEqual([]);
    expect(json(union, 'stats', '--from', pool)).toEqual(before);

    const costBefore = json(union, 'cost', '--from', pool).total;
    const added = writeSession(a.sessions, {
      start: '2025-12-24T10:00:00Z',
      model: 'grok-4',
      input: 12_345,
      output: 678,
      tools: ['Read', 'Grep'],
    });
    // the reply was billed by xAI: its exact cost must travel with the pool
    const raw = JSON.parse(readFileSync(added, 'utf8'));
    raw.messages[2].calls = [
      { model: 'grok-4', input: 12_345, output: 678, total: 13_023, costUsdTicks: 987_654_321 },
    ];
    writeFileSync(added, JSON.stringify(raw));
    const third = exportTo(a, 'laptop');
    expect(third.pool.months.map((m: { month: string }) => m.month)).toEqual(['2025-12']);
    const after = json(union, 'stats', '--from', pool);
    expect(ADDITIVE(after)).toEqual(
      plus(ADDITIVE(before), {
        sessions: 1,
        messages: 3,
        toolCalls: 2,
        input: 12_345,
        output: 678,
        total: 13_023,
      }),
    );
    // the session's month was written whole, every other session of it kept once
    const costAfter = json(union, 'cost', '--from', pool);
    expect(BigInt(costAfter.total.exactTicks)).toBe(BigInt(costBefore.exactTicks) + 987_654_321n);
    expect(costAfter.total.sessions).toBe(costBefore.sessions + 1);
    expect(costAfter.total.input).toBe(costBefore.input + 12_345);
    const ids = costAfter.sessions.map((s: { sessionId: string }) => s.sessionId);
    expect(new Set(ids).size).toBe(ids.length);

    // prune a session on the laptop: the pool keeps it
    const gone = readdirSync(a.sessions).sort()[0] as string;
    unlinkSync(join(a.sessions, gone));
    exportTo(a, 'laptop');
    expect(ADDITIVE(json(union, 'stats', '--from', pool))).toEqual(ADDITIVE(after));
  });

  test('a session in two copies of the pool (a glob over both) counts once: the newest copy', () => {
    splitSamples();
    exportTo(a, 'laptop');
    const copy = join(union.home, 'copies', 'old');
    mkdirSync(join(union.home, 'copies'));
    cpSync(pool, copy, { recursive: true });
    // the laptop's newest session grows after the copy was made
    const newest = readdirSync(a.sessions).sort().at(-1) as string;
    const session = JSON.parse(readFileSync(join(a.sessions, newest), 'utf8'));
    session.tokenUsage.input += 1000;
    session.tokenUsage.total += 1000;
    writeFileSync(join(a.sessions, newest), JSON.stringify(session));
    exportTo(a, 'laptop');
    cpSync(pool, join(union.home, 'copies', 'new'), { recursive: true });
    const both = json(union, 'stats', '--from', join(union.home, 'copies', '*'));
    expect(ADDITIVE(both)).toEqual(ADDITIVE(json(a, 'stats')));
  });

  test("a machine's rollup stands for its sessions files only while it is made of exactly them", async () => {
    splitSamples();
    exportTo(a, 'laptop');
    exportTo(b, 'desktop');
    const all = json(union, 'stats', '--from', pool);
    const rollup = join(pool, 'rollup', 'machine=laptop', 'sessions.parquet');
    expect(existsSync(rollup)).toBe(true);
    // a rollup of 3 rows that names the laptop's files: read in their place
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const q = (p: string) => `'${p.replace(/'/g, "''")}'`;
    const parts = String(
      (
        await conn.runAndReadAll(
          `SELECT decode(value) FROM parquet_kv_metadata(${q(rollup)}) WHERE decode(key) = 'grok_parts'`,
        )
      ).getRows()[0]?.[0],
    );
    const groups = String(
      (
        await conn.runAndReadAll(
          `SELECT decode(value) FROM parquet_kv_metadata(${q(rollup)}) WHERE decode(key) = 'grok_groups'`,
        )
      ).getRows()[0]?.[0],
    );
    const three = join(union.home, 'three.parquet');
    const threeGrouped = join(union.home, 'three-grouped.parquet');
    await conn.run(
      `COPY (SELECT * FROM read_parquet(${q(rollup)}) LIMIT 3) TO ${q(three)} (FORMAT parquet, KV_METADATA {grok_parts: ${q(parts)}})`,
    );
    await conn.run(
      `COPY (SELECT * FROM read_parquet(${q(rollup)}) LIMIT 3) TO ${q(threeGrouped)} (FORMAT parquet, KV_METADATA {grok_parts: ${q(parts)}, grok_groups: ${q(groups)}})`,
    );
    conn.closeSync();
    db.closeSync();
    const real = readFileSync(rollup);
    cpSync(three, rollup);
    // a filter the groups cannot answer (a period) reads the rollup's sessions
    const since = ['--since', '2000-01-01'];
    expect(json(union, 'stats', '--from', pool, ...since).sessions).toBe(
      json(b, 'stats').sessions + 3,
    );
    // stats read as groups: a rollup without them in its footer is not used
    expect(json(union, 'stats', '--from', pool)).toEqual(all);
    // with the groups in its footer: the totals are theirs, the percentiles its 3 sessions' own
    cpSync(threeGrouped, rollup);
    const grouped = json(union, 'stats', '--from', pool);
    expect(ADDITIVE(grouped)).toEqual(ADDITIVE(all));
    expect(grouped.latency.replies).toBeLessThan(all.latency.replies);
    expect(json(union, 'stats', '--from', pool, ...since).sessions).toBe(
      json(b, 'stats').sessions + 3,
    );
    cpSync(three, rollup);
    // a month of the laptop's not there (a sync tool has not brought it yet): its files are read
    const month = readdirSync(join(pool, 'sessions', 'machine=laptop')).sort()[0] as string;
    const dir = join(pool, 'sessions', 'machine=laptop', month);
    const [file] = readdirSync(dir);
    const aside = join(union.home, 'aside.parquet');
    cpSync(join(dir, file as string), aside);
    unlinkSync(join(dir, file as string));
    const without = json(union, 'stats', '--from', pool, '--by', 'month');
    expect(without.groups.map((g: { key: string }) => g.key)).not.toContain(month.slice(6));
    expect(without.sessions).toBeGreaterThan(json(b, 'stats').sessions + 3);
    // the file back, and the rollup written by the next export: the whole pool again
    cpSync(aside, join(dir, file as string));
    writeFileSync(rollup, real);
    expect(json(union, 'stats', '--from', pool)).toEqual(all);
    rmSync(join(pool, 'rollup'), { recursive: true });
    expect(json(union, 'stats', '--from', pool)).toEqual(all);
    exportTo(a, 'laptop');
    expect(existsSync(rollup)).toBe(true);
    expect(json(union, 'stats', '--from', pool)).toEqual(all);
  });

  test("stats and cost summed from the rollups' groups equal the same over the sessions: by machine, model or tool, for one machine or model", () => {
    splitSamples();
    exportTo(a, 'laptop');
    exportTo(b, 'desktop');
    // a filter the groups cannot answer (a period, here every session's): each session is read
    const since = ['--since', '2000-01-01'];
    for (const by of [[], ['--by', 'model'], ['--by', 'tool']]) {
      expect(json(union, 'stats', '--from', pool, ...by)).toEqual(json(union, 'stats', ...by));
    }
    // and read session by session, by model too (each model's reply latencies)
    expect(json(union, 'stats', '--from', pool, '--by', 'model', ...since)).toEqual(
      json(union, 'stats', '--by', 'model', ...since),
    );
    expect(json(union, 'stats', '--from', pool, '--by', 'machine')).toEqual(
      json(union, 'stats', '--from', pool, '--by', 'machine', ...since),
    );
    expect(json(union, 'stats', '--from', pool, '--machine', 'laptop')).toEqual(json(a, 'stats'));
    const model = json(union, 'stats').models[0].model as string;
    expect(json(union, 'stats', '--from', pool, '--model', model)).toEqual(
      json(union, 'stats', '--model', model),
    );
    // cost by machine or model as a table or CSV (its groups only): the same figures and warning
    for (const by of ['machine', 'model']) {
      for (const form of [[], ['--csv']]) {
        const grouped = grok(union, 'cost', '--from', pool, '--by', by, ...form);
        const read = grok(union, 'cost', '--from', pool, '--by', by, ...form, ...since);
        expect(grouped.code, grouped.stderr).toBe(0);
        expect(grouped.stdout).toBe(read.stdout);
        expect(grouped.stderr).toBe(read.stderr);
      }
    }
    const live = grok(union, 'cost', '--by', 'model', '--csv');
    expect(grok(union, 'cost', '--from', pool, '--by', 'model', '--csv').stdout).toBe(live.stdout);
    expect(
      grok(union, 'cost', '--from', pool, '--by', 'model', '--csv', '--machine', 'desktop').stdout,
    ).toBe(grok(b, 'cost', '--by', 'model', '--csv').stdout);
  });

  test("prices here that cut the long-context tier elsewhere, or price a model the export's did not, give the cost over the sessions", () => {
    splitSamples();
    exportTo(a, 'laptop');
    exportTo(b, 'desktop');
    const settings = join(union.home, 'settings.json');
    const costs = () => ({
      live: grok(union, 'cost', '--by', 'model', '--csv').stdout,
      pooled: grok(union, 'cost', '--from', pool, '--by', 'model', '--csv').stdout,
      stats: json(union, 'stats', '--from', pool),
    });
    const before = costs();
    expect(before.pooled).toBe(before.live);
    // a tier at 1,000 tokens: most of grok-4-0709's calls are long here, none were at export
    const tier = { longContext: { threshold: 1000, input: 100, output: 300 } };
    writeFileSync(settings, JSON.stringify({ pricing: { 'grok-4-0709': tier } }));
    const cut = costs();
    expect(cut.live).not.toBe(before.live);
    expect(cut.pooled).toBe(cut.live);
    expect(cut.stats).toEqual(json(union, 'stats'));
    // a price for the model the export had none for: its sessions are priced, none left unpriced
    writeFileSync(
      settings,
      JSON.stringify({ pricing: { 'grok-5-preview': { input: 10, output: 30 } } }),
    );
    const priced = costs();
    expect(priced.live).not.toBe(before.live);
    expect(priced.pooled).toBe(priced.live);
    expect(priced.stats).toEqual(json(union, 'stats'));
    expect(priced.stats.cost.unpricedSessions).toBe(0);
    expect(before.stats.cost.unpricedSessions).toBeGreaterThan(0);
  });

  test("hyparquet reads every file of the pool, and its totals are grok's", async () => {
    splitSamples();
    exportTo(a, 'laptop');
    exportTo(b, 'desktop');
    const files = parquetFilesUnder(pool);
    expect(files.length).toBeGreaterThan(0);
    const totals = { sessions: 0, messages: 0, toolCalls: 0, input: 0, output: 0, total: 0 };
    // each session's summary (schema version 2), and the same figures from the other tables
    const summary = { replies: 0, toolCalls: 0, failed: 0, exactTicks: 0n, usageRows: 0 };
    const tables = { replies: 0, toolCalls: 0, failed: 0, exactTicks: 0n, usageRows: 0 };
    const machines = new Set<string>();
    const rollups = { sessions: 0, input: 0, replies: 0 };
    // and the same sessions summed in its footer
    const footer = { sessions: 0, input: 0, toolCalls: 0, exactTicks: 0n };
    for (const file of files) {
      // a machine's sessions in one file (its rollup): the same rows as its sessions files
      const rolled = /\/rollup\/machine=([^/]+)\/sessions\.parquet$/.exec(file);
      if (rolled) {
        machines.add(rolled[1] as string);
        const groups = footerGroups(file);
        expect(groups.layout).toBe(1);
        for (const g of groups.rows) {
          if (g.grain === 'session') {
            footer.sessions += Number(g.sessions);
            footer.input += Number(g.input);
            footer.exactTicks += BigInt(String(g.exact_ticks ?? 0));
          } else if (g.grain === 'tool') footer.toolCalls += Number(g.calls);
        }
        for (const r of await readParquet(file)) {
          expect(r.schema_version).toBe(2);
          expect(new Date(r.start_time as Date).toISOString().slice(0, 7)).toBe(r.month);
          rollups.sessions++;
          rollups.input += Number(r.input);
          rollups.replies += (r.reply_ms as number[]).length;
        }
        continue;
      }
      const [, table, machine, month] =
        /\/(sessions|messages|tool_calls|api_calls)\/machine=([^/]+)\/month=(\d{4}-\d{2})\/part-[^/]+\.parquet$/.exec(
          file,
        ) ?? [];
      expect(table, file).toBeDefined();
      machines.add(machine as string);
      const rows = await readParquet(file);
      if (table === 'sessions') {
        for (const r of rows) {
          expect(r.schema_version).toBe(2);
          expect(new Date(r.start_time as Date).toISOString().slice(0, 7)).toBe(month);
          totals.sessions++;
          totals.input += Number(r.input);
          totals.output += Number(r.output);
          totals.total += Number(r.total);
          summary.replies += (r.reply_ms as number[]).length;
          for (const t of r.tools as { calls: number; failed: number }[]) {
            summary.toolCalls += Number(t.calls);
            summary.failed += Number(t.failed);
          }
          for (const u of r.usage as { cost_ticks: bigint | null }[]) {
            summary.usageRows++;
            summary.exactTicks += BigInt(u.cost_ticks ?? 0);
          }
        }
      } else if (table === 'messages') {
        totals.messages += rows.length;
        tables.replies += rows.filter(
          (r) => r.reply_ms !== null && r.reply_ms !== undefined,
        ).length;
        // private by default: no message text
        expect(rows.every((r) => r.content === null || r.content === undefined)).toBe(true);
      } else if (table === 'tool_calls') {
        totals.toolCalls += rows.length;
        tables.toolCalls += rows.length;
        tables.failed += rows.filter((r) => r.failed === true).length;
      } else if (table === 'api_calls') {
        tables.usageRows += rows.length;
        for (const r of rows) tables.exactTicks += BigInt((r.cost_ticks as bigint | null) ?? 0);
      }
    }
    expect([...machines].sort()).toEqual(['desktop', 'laptop']);
    const stats = json(union, 'stats', '--from', pool);
    expect(totals).toEqual(ADDITIVE(stats));
    expect(summary).toEqual(tables);
    expect(rollups).toEqual({
      sessions: totals.sessions,
      input: totals.input,
      replies: summary.replies,
    });
    expect(footer).toEqual({
      sessions: totals.sessions,
      input: totals.input,
      toolCalls: summary.toolCalls,
      exactTicks: summary.exactTicks,
    });
    expect(summary.replies).toBe(stats.latency.replies);
    expect(summary.toolCalls).toBe(stats.toolCalls);
    expect(summary.exactTicks).toBe(BigInt(json(union, 'cost', '--from', pool).total.exactTicks));
    expect(summary.replies).toBeGreaterThan(0);
    expect(summary.exactTicks).toBeGreaterThan(0n);
  });
});

describe('the README', { timeout: 180_000 }, () => {
  test("its three questions run over a pool, and agree with grok's figures", () => {
    splitSamples();
    exportTo(a, 'laptop');
    exportTo(b, 'desktop');
    const readme = readFileSync(join(FIXTURES, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Pooling machines'));
    const queries = [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(queries).toHaveLength(3);
    const [perMonth, perMachine, topTools] = queries.map((q) =>
      json(union, 'query', '--from', pool, q),
    );
    const stats = json(union, 'stats', '--from', pool);
    const byMonth = json(union, 'stats', '--from', pool, '--by', 'month').groups;
    expect(perMonth.map((r: { month: string; sessions: number }) => [r.month, r.sessions])).toEqual(
      byMonth.map((g: { key: string; sessions: number }) => [g.key, g.sessions]),
    );
    const cost = json(union, 'cost', '--from', pool);
    const machines = new Map(
      cost.byMachine.map((m: { machine: string; cost: number }) => [m.machine, m.cost]),
    );
    for (const r of perMachine)
      expect(r.cost_usd).toBeCloseTo(machines.get(r.machine) as number, 5);
    expect(topTools.map((t: { tool: string; calls: number }) => [t.tool, t.calls])).toEqual(
      stats.tools.map((t: { tool: string; calls: number }) => [t.tool, t.calls]),
    );
  });
});

describe('export into a pool', { timeout: 180_000 }, () => {
  test('the machine comes from settings, else the host name made safe; --machine is checked', () => {
    splitSamples();
    writeFileSync(join(a.home, 'settings.json'), JSON.stringify({ machine: 'work-laptop' }));
    json(a, 'export', '--format', 'parquet', '--out', pool);
    expect(readdirSync(join(pool, 'sessions'))).toEqual(['machine=work-laptop']);
    const bad = grok(a, 'export', '--format', 'parquet', '--out', pool, '--machine', '../x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--machine: '\.\.\/x' is not a machine id/);
    writeFileSync(join(a.home, 'settings.json'), JSON.stringify({ machine: 'a/b' }));
    const badSetting = grok(a, 'export', '--format', 'parquet', '--out', pool);
    expect(badSetting.code).toBe(1);
    expect(badSetting.stderr).toMatch(/settings\.json: 'machine' = "a\/b"/);
  });

  test('an old-layout export directory gets a clear message, for export and --from', () => {
    mkdirSync(join(pool, 'sessions', 'month=2025-11'), { recursive: true });
    writeFileSync(join(pool, 'sessions', 'month=2025-11', 'data_0.parquet'), 'PAR1');
    splitSamples();
    for (const r of [
      grok(a, 'export', '--format', 'parquet', '--out', pool),
      grok(a, 'stats', '--from', pool),
    ]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/holds an export of the old layout/);
      expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    }
  });

  test('a pool of schema version 1 (no session summaries) gets a clear message, for export and --from', async () => {
    splitSamples();
    exportTo(a, 'laptop');
    // a machine that exported with a grok of version 1: its sessions files lack the summary
    const old = join(pool, 'sessions', 'machine=desktop', 'month=2025-11');
    mkdirSync(old, { recursive: true });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const file = join(old, 'part-20251130T000000000Z-abcdef.parquet').replace(/'/g, "''");
    await conn.run(
      `COPY (SELECT 1 AS schema_version, 's-1' AS session_id, TIMESTAMPTZ '2025-12-01 00:00:00+00' AS exported_at, 's-1.json' AS file, TIMESTAMPTZ '2025-11-03 10:00:00+00' AS start_time, 100::BIGINT AS input) TO '${file}' (FORMAT parquet)`,
    );
    conn.closeSync();
    db.closeSync();
    for (const r of [
      grok(union, 'stats', '--from', pool),
      grok(union, 'cost', '--from', pool, '--by', 'machine'),
      grok(b, 'export', '--format', 'parquet', '--out', pool, '--machine', 'desktop'),
    ]) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/holds sessions of pool schema version 1, written by an older grok/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    }
  });

  test('--from a directory that is not there, and --machine without --from, are refused', () => {
    expect(grok(a, 'stats', '--from', join(a.home, 'nope')).stderr).toMatch(
      /--from: .*nope: no such directory/,
    );
    expect(grok(a, 'stats', '--machine', 'x').code).toBe(2);
    expect(grok(a, 'stats', '--by', 'machine').code).toBe(2);
  });

  test('an answer over a pool is asked again only while the pool is unchanged', () => {
    splitSamples();
    exportTo(a, 'laptop');
    const first = json(union, 'stats', '--from', pool).sessions;
    exportTo(b, 'desktop');
    expect(json(union, 'stats', '--from', pool).sessions).toBe(first + json(b, 'stats').sessions);
  });
});

/** Words from a seeded generator: text zstd cannot shrink to nothing. */
function words(n: number, seed: number): string {
  const vocab = ['lock', 'release', 'cache', 'route', 'tab', 'query', 'index', 'merge', 'disk'];
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(`${vocab[x % vocab.length]}${x % 997}`);
  }
  return out.join(' ');
}

function isWholeParquet(file: string): boolean {
  const bytes = readFileSync(file);
  return (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString() === 'PAR1' &&
    bytes.subarray(-4).toString() === 'PAR1'
  );
}

describe('an export killed mid-write', { timeout: 180_000 }, () => {
  test('leaves no file a reader would take for a partition, and the next export completes', async () => {
    for (let i = 0; i < 48; i++) {
      writeSession(a.sessions, {
        start: new Date(Date.UTC(2025, i % 6, 1 + Math.floor(i / 6), 10)).toISOString(),
        content: words(40_000, i + 1),
      });
    }
    const live = json(a, 'stats');
    let halfWritten = 0;
    for (let trial = 0; trial < 4; trial++) {
      rmSync(pool, { recursive: true, force: true });
      const child = spawn(
        process.execPath,
        [
          BIN,
          'sessions',
          'export',
          '--format',
          'parquet',
          '--out',
          pool,
          '--machine',
          'm',
          '--with-text',
          '--no-redact',
        ],
        { env: { ...a.env }, stdio: 'ignore' },
      );
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      // Killed as soon as a temp file of the chosen table and month appears: DuckDB is writing it.
      const wanted = `${['messages', 'tool_calls', 'sessions'][trial % 3]}-2025-0${1 + (trial % 6)}.parquet`;
      const deadline = Date.now() + 60_000;
      let killed = false;
      while (Date.now() < deadline && child.exitCode === null) {
        const temps = existsSync(pool)
          ? readdirSync(pool).filter((n) => n.startsWith('.grok-export-'))
          : [];
        if (temps.some((t) => existsSync(join(pool, t, wanted)))) {
          child.kill('SIGKILL');
          killed = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await exited;
      expect(killed, `trial ${trial}: the export ended before ${wanted} was written`).toBe(true);
      // The temp file was caught before its footer: a half-written file, where no reader looks.
      for (const t of readdirSync(pool).filter((n) => n.startsWith('.grok-export-'))) {
        for (const f of parquetFilesUnder(join(pool, t))) if (!isWholeParquet(f)) halfWritten++;
      }
      // Every file in a partition is whole and readable by another reader.
      for (const table of ['sessions', 'messages', 'tool_calls', 'api_calls']) {
        for (const f of parquetFilesUnder(join(pool, table))) {
          expect(f).not.toMatch(/\/\./);
          expect(isWholeParquet(f), f).toBe(true);
          await readParquet(f);
        }
      }
      // What a reader sees is whole months: each month pooled holds all of that month's sessions
      // and their messages and tool calls.
      const pooled = existsSync(join(pool, 'sessions'))
        ? json(a, 'stats', '--from', pool, '--by', 'month')
        : { groups: [] };
      const liveByMonth = new Map(
        json(a, 'stats', '--by', 'month').groups.map((g: { key: string }) => [g.key, g]),
      );
      for (const g of pooled.groups) expect(g).toEqual(liveByMonth.get(g.key));
      // The next export finishes the job and clears the stopped one's temp folder.
      exportTo(a, 'm', '--with-text', '--no-redact');
      expect(readdirSync(pool).filter((n) => n.startsWith('.'))).toEqual([]);
      expect(ADDITIVE(json(a, 'stats', '--from', pool))).toEqual(ADDITIVE(live));
    }
    expect(halfWritten).toBeGreaterThan(0);
  }, 240_000);
});
