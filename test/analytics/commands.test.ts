import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { homeForEachTest, makeHome, runGrok, sessionsCommand, sh } from '../helpers.js';
import { fileNameFor, writeSession } from './sessions.js';

const h = homeForEachTest();
const { grok, json } = sessionsCommand(h);

function sample(): void {
  writeSession(h.sessions, {
    start: '2025-10-31T23:59:59.999Z',
    model: 'grok-4',
    input: 1_000_000,
    output: 100_000,
    tools: ['Read', 'Read', 'Grep'],
    dir: '/p/api',
    content: 'Fix the Auth middleware',
  });
  writeSession(h.sessions, {
    start: '2025-11-01T00:00:00.000Z',
    model: 'grok-3-mini',
    input: 2_000,
    output: 500,
    tools: ['Read'],
    failed: ['Bash'],
    tags: ['keep'],
    dir: '/p/web',
  });
  writeSession(h.sessions, {
    start: '2025-11-30T23:59:59.999Z',
    model: 'mystery-model',
    input: 300,
    output: 30,
    dir: '/p/api',
  });
  writeSession(h.sessions, {
    start: '2025-12-01T00:00:00.000Z',
    model: 'grok-4',
    input: 10,
    output: 1,
  });
  writeFileSync(join(h.sessions, 'session-2025-11-15-00-00-00.json'), '{"truncated": ');
}

describe('stats', () => {
  test('with no sessions directory: says so, exit 0', () => {
    const home = makeHome({ withSessions: false });
    try {
      const r = runGrok(['sessions', 'stats'], home.env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^No sessions yet \(.*sessions does not exist\)$/m);
      const j = JSON.parse(runGrok(['sessions', 'stats', '--json'], home.env).stdout);
      expect(j).toMatchObject({
        sessions: 0,
        messages: 0,
        tokens: { total: 0 },
        tools: [],
        skipped: [],
      });
    } finally {
      home.cleanup();
    }
  });

  test('JSON has the documented keys and numbers; bad files are listed as skipped', () => {
    sample();
    const j = json('stats');
    expect(j).toMatchObject({
      sessions: 4,
      messages: 12,
      avgMessagesPerSession: 3,
      tokens: { input: 1_002_310, output: 100_531, total: 1_102_841 },
      tools: [
        { tool: 'Read', calls: 3 },
        { tool: 'Bash', calls: 1, failed: 1 },
        { tool: 'Grep', calls: 1 },
      ],
      skipped: [
        { file: 'session-2025-11-15-00-00-00.json', reason: expect.stringMatching(/JSON/) },
      ],
    });
    expect(j.models[0]).toEqual({
      model: 'grok-4',
      sessions: 2,
      input: 1_000_010,
      output: 100_001,
      total: 1_100_011,
      cachedInput: 0,
      reasoning: 0,
      unknownCalls: 0,
    });
    const table = grok('stats');
    expect(table.stderr).toMatch(/1 file could not be read/);
    expect(table.stdout).toMatch(/Sessions\s+4/);
    // CSV: one number per row, durations in milliseconds, the values of --json
    const csv = Object.fromEntries(
      grok('stats', '--csv')
        .stdout.trim()
        .split('\n')
        .slice(1)
        .map((line) => [
          line.slice(0, line.lastIndexOf(',')),
          line.slice(line.lastIndexOf(',') + 1),
        ]),
    );
    expect(csv).toMatchObject({
      Sessions: '4',
      'Tokens total': String(j.tokens.total),
      'Duration median (ms)': String(j.durations.medianMs),
      'Duration p95 (ms)': String(j.durations.p95Ms),
      Ended: String(j.outcomes.ended),
    });
    for (const value of Object.values(csv)) expect(value).toMatch(/^(-?\d+(\.\d+)?)?$/);
  });

  test('--month takes the first and last millisecond, and --tz moves the month', () => {
    sample();
    expect(json('stats', '--month', '2025-11').sessions).toBe(2);
    // Tokyo (+9): Oct 31 23:59 UTC is Nov 1 local; Nov 30 23:59 UTC is already Dec 1 local
    const tokyo = json('stats', '--month', '2025-11', '--tz', 'Asia/Tokyo');
    expect(tokyo.sessions).toBe(2);
    expect(tokyo.tokens.total).toBe(1_100_000 + 2_500);
    // Los Angeles (-7 then -8): Nov 1 00:00 UTC is still Oct 31 local, Dec 1 00:00 UTC is Nov 30
    const la = json('stats', '--month', '2025-11', '--tz', 'America/Los_Angeles');
    expect(la.sessions).toBe(2);
    expect(la.tokens.total).toBe(330 + 11);
  });

  test('--by month draws one row per month with a bar, in the zone of --tz', () => {
    sample();
    const r = grok('stats', '--by', 'month');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\d{4}-\d{2}/.test(l));
    expect(rows.map((l) => l.slice(0, 7))).toEqual(['2025-10', '2025-11', '2025-12']);
    expect(rows[0]).toMatch(/█{30}/);
    const groups = json('stats', '--by', 'month', '--tz', 'Asia/Tokyo').groups;
    expect(groups.map((g: { key: string }) => g.key)).toEqual(['2025-11', '2025-12']);
    const csv = grok('stats', '--by', 'project', '--csv').stdout.trim().split('\n');
    expect(csv[0]).toBe('project,sessions,messages,input,output,total,cached_input,reasoning');
    expect(csv[1]).toMatch(/^\/p\/api,2,/);
    // a tool's row holds what is its own: calls and the sessions that made them, no token zeros
    expect(json('stats', '--by', 'tool').groups).toEqual([
      { key: 'Read', sessions: 2, calls: 3 },
      { key: 'Bash', sessions: 1, calls: 1 },
      { key: 'Grep', sessions: 1, calls: 1 },
    ]);
  });

  test('filters: --model, --tag, --project, and a bad --by is a usage error', () => {
    sample();
    expect(json('stats', '--model', 'grok-4').sessions).toBe(2);
    expect(json('stats', '--tag', 'keep').sessions).toBe(1);
    expect(json('stats', '--project', '/p/api/').sessions).toBe(2);
    // a path, as written or from where the command runs
    expect(json('stats', '--project', '/p//api/.').sessions).toBe(2);
    const project = join(h.home, 'project');
    mkdirSync(project);
    writeSession(h.sessions, { start: '2025-11-20T10:00:00Z', dir: project });
    const cached = { ...h.env, GROK_NO_ANSWER_CACHE: '' };
    const here = runGrok(['sessions', 'stats', '--project', '.', '--json'], cached, {
      cwd: project,
    });
    expect(here.code, here.stderr).toBe(0);
    expect(JSON.parse(here.stdout).sessions).toBe(1);
    // the same words elsewhere are another question: not the answer given in project/
    const there = runGrok(['sessions', 'stats', '--project', '.', '--json'], cached, {
      cwd: h.home,
    });
    expect(JSON.parse(there.stdout).sessions).toBe(0);
    const bad = grok('stats', '--by', 'year');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--by: 'year'/);
  });
});

describe('cost', () => {
  test('prices input and output per model; an unknown model is unpriced with a warning', () => {
    sample();
    const r = grok('cost', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no price for 'mystery-model'/);
    const j = JSON.parse(r.stdout);
    expect(j.currency).toBe('USD');
    const mystery = j.sessions.find((s: { model: string }) => s.model === 'mystery-model');
    expect(mystery.cost).toBeNull();
    const grok4 = (1_000_010 * 3 + 100_001 * 15) / 1e6;
    const mini = (2_000 * 0.3 + 500 * 0.5) / 1e6;
    expect(j.total.cost).toBeCloseTo(grok4 + mini, 6);
    expect(j.total).toMatchObject({ sessions: 4, unpriced: 1 });
    expect(j.byModel.find((m: { model: string }) => m.model === 'mystery-model').cost).toBeNull();
    expect(grok('cost').stdout).toMatch(/mystery-model.*unpriced/);
  });

  test('settings.json overrides the table; --rate is the seed flat price on total tokens', () => {
    sample();
    writeFileSync(
      join(h.home, 'settings.json'),
      JSON.stringify({ pricing: { 'mystery-model': { input: 1000, output: 0 } } }),
    );
    const j = json('cost', '--month', '2025-11');
    expect(j.total.unpriced).toBe(0);
    expect(j.total.cost).toBeCloseTo((2_000 * 0.3 + 500 * 0.5) / 1e6 + 0.3, 6);
    const flat = json('cost', '--rate', '0.01', '--month', '2025-11');
    expect(flat.total.cost).toBeCloseTo(((2_500 + 330) * 0.01) / 1000, 9);
    expect(grok('cost', '--rate', 'cheap').code).toBe(2);
  });

  test('--by session and day as tables and CSV', () => {
    sample();
    const csv = grok('cost', '--by', 'session', '--csv').stdout.trim().split('\n');
    expect(csv[0]).toBe('session,start,model,input,output,total,cost_usd,exact_usd,estimated_usd');
    expect(csv).toHaveLength(5);
    expect(grok('cost', '--by', 'day').stdout).toMatch(/2025-10-31/);
  });
});

describe('tools and top', () => {
  test('tools: calls, sessions, share and failures; sessions without tool calls are fine', () => {
    sample();
    const j = json('tools');
    expect(j.totalCalls).toBe(5);
    expect(j.tools[0]).toEqual({
      tool: 'Read',
      calls: 3,
      sessions: 2,
      share: 0.6,
      failed: 0,
      successRate: 1,
    });
    expect(j.tools.find((t: { tool: string }) => t.tool === 'Bash')).toMatchObject({
      failed: 1,
      successRate: 0,
    });
    const none = json('tools', '--month', '2025-12');
    expect(none).toMatchObject({ totalCalls: 0, sessions: 1, tools: [] });
    expect(grok('tools', '--month', '2025-12').stdout).toMatch(/No tool calls in 1 session/);
  });

  test('top by tokens, cost and messages', () => {
    sample();
    expect(json('top', '-n', '2').sessions.map((s: { total: number }) => s.total)).toEqual([
      1_100_000, 2_500,
    ]);
    const byCost = json('top', '--by', 'cost', '-n', '4').sessions;
    expect(byCost[0].model).toBe('grok-4');
    expect(byCost.at(-1).cost).toBeNull();
    expect(grok('top', '--by', 'size').code).toBe(2);
  });
});

describe('search', () => {
  test('case-insensitive over content and tool calls, newest first, with the match marked', () => {
    sample();
    const r = grok('search', 'auth MIDDLEWARE');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Fix the \[Auth middleware\]/);
    writeSession(h.sessions, { start: '2025-12-05T00:00:00Z', content: 'more auth middleware' });
    const j = json('search', 'middleware');
    expect(j.hits.map((x: { file: string }) => x.file)).toEqual([
      fileNameFor('2025-12-05T00:00:00Z'),
      fileNameFor('2025-10-31T23:59:59.999Z'),
    ]);
    expect(json('search', 'middleware', '--role', 'assistant').hits).toEqual([]);
    const tool = json('search', 'enoent', '--role', 'tool');
    expect(tool.hits).toHaveLength(1);
    expect(tool.hits[0]).toMatchObject({ kind: 'toolCall', tool: 'Bash' });
    expect(grok('search', 'x', '--role', 'robot').code).toBe(2);
  });

  test('a later search reads the newest sessions until it knows the newest hits; --count-all counts every one', () => {
    for (let i = 0; i < 100; i++) {
      const start = new Date(Date.UTC(2025, 10, 1) + i * 3_600_000).toISOString();
      writeSession(h.sessions, { start, content: `auth middleware, take ${i}` });
    }
    // the first search reads every session: it counts every match
    const first = json('search', 'auth middleware');
    expect(first).toMatchObject({ matches: 100, matchesComplete: true });
    // (each in other letters: an answer already given, as the first one's is, is given again)
    const later = json('search', 'AUTH middleware');
    const newest = Array.from({ length: 20 }, (_, i) =>
      fileNameFor(new Date(Date.UTC(2025, 10, 1) + (99 - i) * 3_600_000).toISOString()),
    );
    expect(later.hits.map((x: { file: string }) => x.file)).toEqual(newest);
    expect(later.matchesComplete).toBe(false);
    expect(later.matches).toBeGreaterThanOrEqual(20);
    expect(later.matches).toBeLessThan(100);
    const text = grok('search', 'auth MIDDLEWARE');
    expect(text.stdout).toContain(
      `20 newest of ${later.matches}+ matches (-n for more; --count-all counts all)`,
    );
    const all = json('search', 'auth middleware', '--count-all');
    expect(all).toMatchObject({ matches: 100, matchesComplete: true });
    expect(all.hits).toEqual(later.hits);
    expect(grok('search', 'auth middleware', '--count-all').stdout).toContain(
      '20 of 100 matches, newest first (-n for more)',
    );
  });

  test('escape sequences a session holds never reach the terminal raw: show, search, list', () => {
    const evil = 'clear\u001b[2J\u001b[H and copy \u001b]52;c;ZXZpbA==\u0007 done \u001b[8mhidden';
    const path = writeSession(h.sessions, { start: '2025-11-08T10:00:00Z', content: evil });
    const session = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...session, name: 'bad\u001b]0;title\u0007name' }));
    const id = fileNameFor('2025-11-08T10:00:00Z').replace('.json', '');
    const outputs = {
      show: grok('show', id).stdout,
      search: grok('search', 'copy').stdout,
      list: grok('list').stdout,
    };
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
    const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
    for (const [command, out] of Object.entries(outputs)) expect(out, command).not.toMatch(control);
    expect(outputs.show).toContain('clear␛[2J␛[H and copy ␛]52;c;ZXZpbA==␇ done ␛[8mhidden');
    expect(outputs.search).toContain('[copy]');
    expect(outputs.list).toContain('bad␛]0;title␇name');
    // colour on: grok's own codes are written, the session's 'hide' code is still shown
    const coloured = runGrok(['sessions', 'show', id], {
      ...h.env,
      NO_COLOR: '',
      FORCE_COLOR: '1',
    });
    expect(coloured.stdout).toContain('\u001b[1m');
    expect(coloured.stdout).toContain('␛[8mhidden');
    expect(coloured.stdout).not.toContain('\u001b[8m');
    // --json keeps the text as it is, escaped by JSON
    expect(JSON.parse(grok('show', id, '--json').stdout).messages[1].content).toBe(evil);
  });

  test('finds what a tool call returned anywhere in its result, and export keeps it whole', () => {
    const path = writeSession(h.sessions, { start: '2025-11-07T10:00:00Z' });
    const session = JSON.parse(readFileSync(path, 'utf8'));
    const result = `${'line of a long file\n'.repeat(40)}at the end: NEEDLE_XYZ\n`;
    session.messages[2].toolCalls = [{ tool: 'Read', parameters: { path: 'a.txt' }, result }];
    writeFileSync(path, JSON.stringify(session, null, 2));
    const hits = json('search', 'needle_xyz').hits;
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: 'toolCall', tool: 'Read' });
    const out = join(h.home, 'jsonl');
    json('export', '--format', 'jsonl', '--out', out, '--with-text');
    const calls = readFileSync(join(out, 'tool_calls.jsonl'), 'utf8').trim().split('\n');
    expect(calls.map((l) => JSON.parse(l).result)).toContain(result);
  });
});

describe('query', () => {
  test('runs SELECTs and named queries; refuses writes', () => {
    sample();
    const rows = json('query', 'SELECT count(*) AS n FROM sessions');
    expect(rows).toEqual([{ n: 4 }]);
    const list = grok('query', '--list');
    expect(list.stdout).toMatch(/tokens-by-month/);
    const months = json('query', 'tokens-by-month');
    expect(months.map((m: { month: string }) => m.month)).toEqual([
      '2025-10',
      '2025-11',
      '2025-12',
    ]);
    for (const sql of [
      'DELETE FROM sessions',
      'DROP TABLE files',
      "COPY sessions TO '/tmp/x.csv'",
      'SELECT 1; DELETE FROM files',
    ]) {
      const r = grok('query', sql);
      expect(r.code, sql).toBe(1);
      expect(r.stderr).toMatch(/only SELECT/);
    }
    expect(json('query', 'SELECT count(*) AS n FROM files')).toEqual([{ n: 5 }]);
    // one statement (a trailing semicolon is fine); two would show only one of them
    expect(json('query', 'SELECT 1 AS n;')).toEqual([{ n: 1 }]);
    const two = grok('query', "SELECT 1; SELECT 'second'");
    expect([two.code, two.stdout]).toEqual([2, '']);
    expect(two.stderr).toMatch(/^grok: query: give one SELECT statement, not 2 \(/);
    expect(grok('query', 'no-such-query').code).toBe(2);
    // refused before it is planned: planning EXPORT DATABASE would already make its directory
    const exported = join(h.home, 'exported');
    const r = grok('query', `EXPORT DATABASE '${exported}'`);
    expect([r.code, r.stderr]).toEqual([
      1,
      'grok: query: only SELECT (and WITH ... SELECT) statements are allowed (the index is a read-only view of your sessions)\n',
    ]);
    expect(existsSync(exported)).toBe(false);
  });

  test('shows the live sessions alone, whatever another command read into the index', () => {
    sample();
    const before = json(
      'query',
      'SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM messages) AS m, (SELECT count(*) FROM tool_calls) AS t',
    );
    expect(grok('archive', '--month', '2025-11', '--keep-originals', '--yes').code).toBe(0);
    // stats --include-archived reads the archive's sessions into the index beside the live ones
    expect(json('stats', '--include-archived').sessions).toBe(4);
    expect(
      json(
        'query',
        'SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM messages) AS m, (SELECT count(*) FROM tool_calls) AS t',
      ),
    ).toEqual(before);
    expect(json('query', 'SELECT count(*) AS n FROM message_rows')).toEqual([{ n: before[0].m }]);
  });
});

describe('export', () => {
  test('parquet: a pool partitioned by machine and month, read back by DuckDB', () => {
    sample();
    const out = join(h.home, 'out');
    const j = json('export', '--format', 'parquet', '--out', out, '--machine', 'laptop');
    expect(j.tables.map((t: { rows: number }) => t.rows)).toEqual([4, 12, 5, 4]);
    expect(readdirSync(join(out, 'sessions'))).toEqual(['machine=laptop']);
    expect(readdirSync(join(out, 'sessions', 'machine=laptop')).sort()).toEqual([
      'month=2025-10',
      'month=2025-11',
      'month=2025-12',
    ]);
    const back = json(
      'query',
      `SELECT machine, month, count(*) AS n FROM read_parquet('${out}/sessions/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY month`,
    );
    expect(back).toEqual([
      { machine: 'laptop', month: '2025-10', n: 1 },
      { machine: 'laptop', month: '2025-11', n: 2 },
      { machine: 'laptop', month: '2025-12', n: 1 },
    ]);
    // a second export finds nothing changed and writes nothing
    const again = json('export', '--format', 'parquet', '--out', out, '--machine', 'laptop');
    expect(again.pool.months).toEqual([]);
    expect(again.pool.unchanged).toBe(3);
  });

  test('csv and jsonl, one file per table', () => {
    sample();
    const out = join(h.home, 'csv');
    json('export', '--format', 'csv', '--out', out);
    const lines = readFileSync(join(out, 'sessions.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^session_id,file,/);
    expect(lines).toHaveLength(5);
    const jl = join(h.home, 'jl');
    json('export', '--format', 'jsonl', '--out', jl);
    const tc = readFileSync(join(jl, 'tool_calls.jsonl'), 'utf8').trim().split('\n');
    expect(tc.map((l) => JSON.parse(l).tool).sort()).toEqual([
      'Bash',
      'Grep',
      'Read',
      'Read',
      'Read',
    ]);
    expect(grok('export', '--format', 'xml', '--out', jl).code).toBe(2);
  });
});

describe('--include-archived', () => {
  test('counts archived sessions once, the live copy winning', () => {
    sample();
    const staging = join(h.home, 'staging');
    mkdirSync(staging);
    writeSession(staging, { start: '2025-09-01T00:00:00Z', input: 7, output: 3 });
    // the same session as a live one, with other numbers: the live copy must win
    writeSession(staging, { start: '2025-11-01T00:00:00.000Z', input: 1, output: 1 });
    mkdirSync(join(h.home, 'archives'));
    sh(`cd "${staging}" && tar -czf "${h.home}/archives/2025-09.tar.gz" *.json`);
    expect(json('stats').sessions).toBe(4);
    const j = json('stats', '--include-archived');
    expect(j.sessions).toBe(5);
    expect(j.tokens.total).toBe(1_102_841 + 10);
    expect(json('cost', '--include-archived', '--month', '2025-09').total.sessions).toBe(1);
  });
});
