/**
 * The rows a build appends read back from DuckDB exactly as the batch holds them: numbers,
 * NULLs (NaN in the batch) at every position of a vector, and over several data chunks.
 */
import { expect, test } from 'vitest';
import { makeSession, rng } from '../../bench/generate.mjs';
import { openMemoryIndex } from '../../src/analytics/index-db.js';
import { type FileText, type ParsedBatch, parseBatch } from '../../src/analytics/parse-files.js';
import { CALL_KINDS, ROLES } from '../../src/analytics/session-rows.js';
import { appendBatch, closeAppenders, openAppenders } from '../../src/analytics/write-rows.js';

/** Appends each batch, its first sid given, in one transaction through one set of appenders, as a build does. */
async function appendInOne(
  conn: Awaited<ReturnType<typeof openMemoryIndex>>['conn'],
  ...batches: [number, ParsedBatch][]
): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  const a = await openAppenders(conn);
  for (const [sid, batch] of batches) appendBatch(a, sid, batch);
  closeAppenders(a);
  await conn.run('COMMIT');
}

test('message and usage rows read back as appended, NULLs where the file says nothing', async () => {
  const r = rng(11);
  const items: FileText[] = Array.from({ length: 120 }, (_, i) => {
    const s = makeSession(r, Date.UTC(2025, 2, 1) + i * 3_600_000) as {
      messages: Record<string, unknown>[];
    };
    // NULLs in every column that has them, at positions that vary from file to file
    s.messages.forEach((m, k) => {
      if ((k + i) % 7 === 0) delete m.timestamp;
      if ((k + i) % 5 === 0) delete m.usage;
      if (m.role === 'assistant' && (k + i) % 3 === 0) {
        m.calls = [
          { model: 'grok-4', input: 5 + k, output: 2, total: 7 + k, costUsdTicks: 9_007_199_254 },
          { model: 'grok-4-fast', usage: null },
        ];
      }
    });
    const text = JSON.stringify(s, null, 2);
    return {
      file: { source: 'live', path: `/s/${i}.json`, name: `${i}.json`, size: 1, mtimeMs: 1 },
      text,
    };
  });
  const { batch } = await parseBatch(items);
  expect(batch.files.every((f) => f.status === 'ok')).toBe(true);
  expect(batch.messages.length).toBeGreaterThan(2 * 2048);

  const { conn, close } = await openMemoryIndex();
  try {
    await appendInOne(conn, [1, batch]);

    const num = (x: number) => (Number.isNaN(x) ? null : x);
    const m = batch.messages;
    const messages = (
      await conn.runAndReadAll(
        `SELECT sid, seq, role::VARCHAR, epoch_ms(ts)::DOUBLE, tool_calls, input::DOUBLE,
                output::DOUBLE, interrupted, reply_ms
         FROM message_rows ORDER BY sid, seq`,
      )
    ).getRows();
    expect(messages).toEqual(
      Array.from({ length: m.length }, (_, i) => [
        (m.file[i] as number) + 1,
        m.seq[i],
        ROLES[m.role[i] as number],
        num(m.ts[i] as number),
        m.toolCalls[i],
        num(m.input[i] as number),
        num(m.output[i] as number),
        m.interrupted[i] === 1,
        num(m.replyMs[i] as number),
      ]),
    );
    expect(messages.some((row) => row[3] === null)).toBe(true);
    expect(messages.some((row) => row[5] === null)).toBe(true);

    const c = batch.apiCalls;
    const calls = (
      await conn.runAndReadAll(
        `SELECT sid, seq, idx, kind::VARCHAR, model, known, input::DOUBLE, output::DOUBLE,
                cached_input::DOUBLE, reasoning::DOUBLE, cost_ticks::DOUBLE
         FROM api_calls ORDER BY sid, seq, idx`,
      )
    ).getRows();
    expect(calls).toEqual(
      Array.from({ length: c.length }, (_, i) => [
        (c.file[i] as number) + 1,
        c.seq[i],
        c.idx[i],
        CALL_KINDS[c.kind[i] as number],
        c.model[i],
        c.known[i] === 1,
        num(c.input[i] as number),
        num(c.output[i] as number),
        num(c.cachedInput[i] as number),
        num(c.reasoning[i] as number),
        num(c.costTicks[i] as number),
      ]),
    );
    expect(calls.some((row) => row[10] === 9_007_199_254)).toBe(true);
    expect(calls.some((row) => row[5] === false && row[6] === null)).toBe(true);

    const t = batch.toolCalls;
    const tools = (
      await conn.runAndReadAll(
        'SELECT sid, seq, idx, tool, failed FROM tool_call_rows ORDER BY ALL',
      )
    ).getRows();
    expect(tools).toEqual(
      Array.from({ length: t.length }, (_, i) => [
        (t.file[i] as number) + 1,
        t.seq[i],
        t.idx[i],
        t.tool[i],
        t.failed[i] === 1,
      ]),
    );
  } finally {
    close();
  }
}, 120_000);

test('times before 1970 and up to the year 9999, and counts up to 2^53 - 1, read back exactly', async () => {
  const times = [
    '0000-01-01T00:00:00.000Z',
    '0001-03-01T12:34:56.789Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00.001Z',
    '2038-01-19T03:14:08.000Z',
    '9999-12-31T23:59:59.999Z',
  ];
  const counts = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1];
  const session = {
    sessionId: 's',
    startTime: times[0],
    model: 'grok-4',
    tokenUsage: { input: 1, output: 1, total: 2 },
    metadata: { workingDirectory: '/w', nodeVersion: 'v20', grokVersion: '1' },
    messages: counts.map((n, k) => ({
      role: k % 2 === 0 ? 'user' : 'assistant',
      content: 'x',
      timestamp: times[k % times.length],
      usage: { input: n, output: counts[counts.length - 1 - k], total: 0 },
      calls: [
        { model: 'grok-4', input: n, output: n, cachedInput: n, reasoning: n, costUsdTicks: n },
      ],
    })),
  };
  const text = JSON.stringify(session);
  const { batch } = await parseBatch([
    { file: { source: 'live', path: '/s/a.json', name: 'a.json', size: 1, mtimeMs: 1 }, text },
  ]);
  expect(batch.files[0]?.status).toBe('ok');
  const { conn, close } = await openMemoryIndex();
  try {
    await appendInOne(conn, [7, batch]);
    const rows = (
      await conn.runAndReadAll(
        `SELECT sid, epoch_us(ts)::VARCHAR, input::VARCHAR, output::VARCHAR FROM message_rows
         ORDER BY seq`,
      )
    ).getRows();
    expect(rows).toEqual(
      counts.map((n, k) => [
        7,
        String(BigInt(Date.parse(times[k % times.length] as string)) * 1000n),
        String(n),
        String(counts[counts.length - 1 - k]),
      ]),
    );
    const calls = (
      await conn.runAndReadAll(
        `SELECT input::VARCHAR, output::VARCHAR, cached_input::VARCHAR, reasoning::VARCHAR,
                cost_ticks::VARCHAR FROM api_calls ORDER BY seq, idx`,
      )
    ).getRows();
    expect(calls).toEqual(counts.map((n) => Array(5).fill(String(n))));
  } finally {
    close();
  }
});

test('batch after batch through the same appenders: no NULL or name of one batch is left in the next', async () => {
  const session = (withNulls: boolean, tool: string, model: string) => ({
    sessionId: `s-${tool}`,
    ...(withNulls ? {} : { tags: ['keep', 'é'] }),
    startTime: '2025-03-01T00:00:00.000Z',
    model,
    tokenUsage: { input: 1, output: 1, total: 2 },
    metadata: { workingDirectory: '/w', nodeVersion: 'v20', grokVersion: '1' },
    messages: Array.from({ length: 3000 }, (_, k) => ({
      role: k % 2 === 0 ? 'user' : 'assistant',
      content: 'x',
      ...(withNulls && k % 3 === 0 ? {} : { timestamp: '2025-03-01T00:00:01.000Z' }),
      ...(withNulls && k % 2 === 0 ? {} : { usage: { input: k, output: 1, total: k + 1 } }),
      toolCalls: [{ tool, parameters: {}, result: 'ok' }],
    })),
  });
  const batchOf = async (withNulls: boolean, tool: string, model: string) => {
    const text = JSON.stringify(session(withNulls, tool, model));
    const file = { source: 'live' as const, path: `/s/${tool}`, name: tool, size: 1, mtimeMs: 1 };
    return (await parseBatch([{ file, text }])).batch;
  };
  // long names, kept out of line in a vector's own strings
  const first = await batchOf(true, 'a-tool-with-a-long-name-one', 'a-model-with-a-long-name-1');
  const second = await batchOf(false, 'b', 'm');
  const { conn, close } = await openMemoryIndex();
  try {
    await appendInOne(conn, [1, first], [2, second]);
    const read = async (sql: string) => (await conn.runAndReadAll(sql)).getRows();
    expect(
      await read(
        `SELECT sid, count(*)::INTEGER, count(ts)::INTEGER, count(input)::INTEGER
         FROM message_rows WHERE sid < 3 GROUP BY sid ORDER BY sid`,
      ),
    ).toEqual([
      [1, 3000, 2000, 1500],
      [2, 3000, 3000, 3000],
    ]);
    expect(
      await read(
        'SELECT sid, tool, count(*)::INTEGER FROM tool_call_rows GROUP BY ALL ORDER BY ALL',
      ),
    ).toEqual([
      [1, 'a-tool-with-a-long-name-one', 3000],
      [2, 'b', 3000],
    ]);
    // an empty list, then one with tags, then an empty one again, in one appender
    const third = await batchOf(true, 'c', 'm');
    await appendInOne(conn, [3, first], [4, second], [5, third]);
    expect(await read('SELECT sid, tags::VARCHAR FROM sessions ORDER BY sid')).toEqual([
      [1, '[]'],
      [2, '[keep, é]'],
      [3, '[]'],
      [4, '[keep, é]'],
      [5, '[]'],
    ]);
    expect(
      await read(
        'SELECT sid, model, count(*)::INTEGER FROM api_calls WHERE sid < 3 GROUP BY ALL ORDER BY ALL',
      ),
    ).toEqual([
      [1, 'a-model-with-a-long-name-1', 1500],
      [2, 'm', 3000],
    ]);
  } finally {
    close();
  }
});

/** The rows of `table` appended value by value, as the appender did before data chunks. */
async function appendByValue(
  conn: Awaited<ReturnType<typeof openMemoryIndex>>['conn'],
  table: string,
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  await conn.run(`CREATE TABLE ref_${table} AS SELECT * FROM ${table} LIMIT 0`);
  const ap = await conn.createAppender(`ref_${table}`);
  for (const row of rows) {
    for (const v of row) {
      if (v === null) ap.appendNull();
      else if (typeof v === 'string') ap.appendVarchar(v);
      else if (typeof v === 'boolean') ap.appendBoolean(v);
      else if (typeof v === 'bigint') ap.appendBigInt(v);
      else if (Array.isArray(v)) ap.appendList(v, ap.columnType(5) as never);
      else if (Number.isInteger(v)) ap.appendInteger(v as number);
      else ap.appendDouble(v as number);
    }
    ap.endRow();
  }
  ap.closeSync();
}

test('strings of every length around the 12 bytes DuckDB holds inline, in every width, repeated or not, read back as appended value by value', async () => {
  const pieces = ['x', 'é', '€', '😀', '\uD800', '\uDFFF'];
  const strings = pieces.flatMap((p) => Array.from({ length: 17 }, (_, n) => p.repeat(n)));
  const items: FileText[] = strings.map((s, i) => {
    const session = {
      sessionId: `id-${s}`,
      name: i % 4 === 0 ? undefined : s,
      tags: i % 3 === 0 ? [] : [s, `${s}b`, 'work'],
      startTime: '2025-03-01T00:00:00.000Z',
      endTime: i % 2 === 0 ? undefined : '2025-03-01T01:00:00+02:00',
      model: s || 'm',
      status: i % 5 === 0 ? 'interrupted' : undefined,
      tokenUsage: { input: i, output: 2 ** 40 + i, total: 2 ** 40 + 2 * i },
      metadata: { workingDirectory: `/w/${s}`, nodeVersion: 'v20', grokVersion: '1' },
      // every name many times over, so that vectors of 2,048 rows hold repeats and firsts
      messages: Array.from({ length: 40 }, (_, k) => ({
        role: k % 2 === 0 ? 'user' : 'assistant',
        content: `${s} ${k}`,
        toolCalls: [
          { tool: s || 'T', parameters: {}, result: 'ok' },
          { tool: strings[(i + k) % strings.length] || 'T', parameters: {}, result: 'ok' },
        ],
        calls: [{ model: strings[(i * 7 + k) % strings.length] || 'm', input: k, output: 1 }],
      })),
    };
    const text = JSON.stringify(session);
    const path = `/s/${s}/${i}.json`;
    return {
      file: { source: 'live', path, name: `${s}${i}.json`, size: i, mtimeMs: i + 0.5 },
      text,
    };
  });
  items.push({
    file: { source: 'live', path: '/s/bad.json', name: 'bad.json', size: 3, mtimeMs: 1 },
    text: '{"a', // a file that is not a session: a files row with its reason, no session
  });
  const { batch } = await parseBatch(items);
  expect(batch.files.filter((f) => f.status === 'ok')).toHaveLength(strings.length);
  expect(batch.toolCalls.length).toBeGreaterThan(2 * 2048);
  const { conn, close } = await openMemoryIndex();
  try {
    await appendInOne(conn, [1, batch]);
    const files = batch.files;
    await appendByValue(
      conn,
      'files',
      files.map((f, i) => [
        i + 1,
        f.source,
        f.path,
        f.name,
        BigInt(f.size),
        f.mtimeMs,
        f.status,
        f.reason,
      ]),
    );
    const read = files.flatMap((f, i) => (f.session ? [{ sid: i + 1, f, s: f.session }] : []));
    const big = (n: number | null) => (n === null ? null : BigInt(n));
    await appendByValue(
      conn,
      'sessions',
      read.map(({ sid, f, s }) => [
        sid,
        f.source,
        f.name,
        s.sessionId,
        s.name,
        s.tags,
        s.startTime,
        s.endTime,
        s.lastActivity,
        big(s.durationMs),
        s.model,
        s.status,
        s.workingDirectory,
        s.messages,
        s.toolCalls,
        BigInt(s.input),
        BigInt(s.output),
        BigInt(s.total),
        s.interrupted,
      ]),
    );
    await appendByValue(
      conn,
      'list_entries',
      read.map(({ sid, s }) => [sid, s.listEntry]),
    );
    await appendByValue(
      conn,
      'browse_rows',
      read.map(({ sid, s }) => [sid, s.firstUser, s.browseEntry]),
    );
    const t = batch.toolCalls;
    await conn.run('CREATE TABLE ref_tools (sid INTEGER, seq INTEGER, idx INTEGER, tool VARCHAR)');
    const ap = await conn.createAppender('ref_tools');
    for (let i = 0; i < t.length; i++) {
      ap.appendInteger((t.file[i] as number) + 1);
      ap.appendInteger(t.seq[i] as number);
      ap.appendInteger(t.idx[i] as number);
      ap.appendVarchar(t.tool[i] as string);
      ap.endRow();
    }
    ap.closeSync();
    const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRows();
    for (const table of ['files', 'sessions', 'list_entries', 'browse_rows']) {
      const ours = await rows(`SELECT * FROM ${table}`);
      expect(ours.length).toBeGreaterThan(strings.length - 1);
      expect(ours, table).toEqual(await rows(`SELECT * FROM ref_${table}`));
    }
    expect(await rows('SELECT sid, seq, idx, tool FROM tool_call_rows')).toEqual(
      await rows('SELECT * FROM ref_tools'),
    );
    // the models too, against the batch's own strings as DuckDB reads them back
    const models = await rows('SELECT model FROM api_calls');
    expect(models.map((r) => r[0])).toEqual(
      Array.from({ length: batch.apiCalls.length }, (_, i) =>
        (batch.apiCalls.model[i] as string).toWellFormed(),
      ),
    );
  } finally {
    close();
  }
}, 120_000);
