/**
 * The text of sessions (message content, tool-call parameters and results) is indexed on first
 * use by search, export and query, not by every refresh. What a user relies on: commands that
 * need no text never pay for it, the ones that do always see the files' current text, and an
 * index from before the change upgrades by itself.
 */
import { utimesSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { withAnalytics } from '../../src/analytics/analytics-run.js';
import { prepareExportText } from '../../src/analytics/export-text.js';
import { indexPath } from '../../src/analytics/index-db.js';
import { MIGRATION_STEPS } from '../../src/analytics/migrations.js';
import { loadSql } from '../../src/analytics/sql-files.js';
import { homeForEachTest, indexRows as rowsOfIndex, runGrok } from '../helpers.js';
import { writeSession } from './sessions.js';

const h = homeForEachTest({ inProcess: true });

/** Rows of the on-disk index, read directly. */
const indexRows = (sql: string) => rowsOfIndex(h.home, sql);

const loadedCount = async () =>
  Number((await indexRows('SELECT count(*)::INTEGER AS n FROM text_loaded'))[0]?.n);

/** Sessions the search index has read (their signature and store made). */
const signedCount = async () =>
  Number((await indexRows('SELECT count(*)::INTEGER AS n FROM search_grams'))[0]?.n);

const grok = (...args: string[]) => {
  const r = runGrok(['sessions', ...args], h.env);
  expect(r.code, r.stderr).toBe(0);
  return r;
};

describe('session text, indexed on first use', () => {
  test('stats, cost, tools and list read no text; search reads only the selected sessions’', async () => {
    writeSession(h.sessions, {
      start: '2025-11-01T10:00:00Z',
      content: 'alpha kiwi',
      tools: ['Read'],
    });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z', content: 'beta kiwi' });
    writeSession(h.sessions, { start: '2025-12-03T10:00:00Z', content: 'gamma kiwi' });
    for (const args of [['stats'], ['cost'], ['tools'], ['top'], ['list', '--json']]) grok(...args);
    expect(await loadedCount()).toBe(0);
    expect(await indexRows('SELECT count(*)::INTEGER AS n FROM message_rows')).toEqual([{ n: 9 }]);

    const nov = JSON.parse(grok('search', 'kiwi', '--month', '2025-11', '--json').stdout);
    expect(nov.hits.map((x: { snippet: { text: string } }) => x.snippet.text).sort()).toEqual([
      'alpha kiwi',
      'beta kiwi',
    ]);
    // search keeps its own index (signatures and lowered text): the text tables stay empty
    expect(await signedCount()).toBe(2);
    expect(await loadedCount()).toBe(0);

    const all = JSON.parse(grok('search', 'kiwi', '--json').stdout);
    expect(all.hits).toHaveLength(3);
    expect(await signedCount()).toBe(3);
    // tool calls are searched too (name, parameters, head of the result)
    const tool = JSON.parse(grok('search', '"q":"x"', '--role', 'tool', '--json').stdout);
    expect(tool.hits).toHaveLength(1);
    expect(tool.hits[0].tool).toBe('Read');
  });

  test('a changed file is searched with its new text, never its old one', async () => {
    const file = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'old words' });
    expect(JSON.parse(grok('search', 'old words', '--json').stdout).hits).toHaveLength(1);
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'new words' });
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(JSON.parse(grok('search', 'old words', '--json').stdout).hits).toHaveLength(0);
    expect(JSON.parse(grok('search', 'new words', '--json').stdout).hits).toHaveLength(1);
    // the old version's signature went with its rows: one session, one signature
    expect(await signedCount()).toBe(1);
  });

  test('query loads text only for SQL that names a table holding it', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'hello query' });
    const plain = JSON.parse(grok('query', 'SELECT count(*) AS n FROM sessions', '--json').stdout);
    expect(plain).toEqual([{ n: 1 }]);
    expect(await loadedCount()).toBe(0);
    const text = JSON.parse(
      grok('query', "SELECT content FROM messages WHERE role = 'user'", '--json').stdout,
    );
    expect(text).toEqual([{ content: 'hello query' }]);
    expect(await loadedCount()).toBe(1);
  });

  test('export writes the text of every exported message', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'exported words' });
    const out = `${h.home}/out`;
    grok('export', '--format', 'jsonl', '--out', out, '--with-text');
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(`${out}/messages.jsonl`, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).content)).toEqual(['context', 'exported words', 'Sure.']);
  });

  test('the same text in the in-process API: loadText fills, the views join', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'via api' });
    const contents = await withAnalytics({}, async (ctx) => {
      await ctx.loadText();
      await prepareExportText(ctx.conn, 'raw');
      return ctx.rows('internal/export-messages');
    });
    expect(contents.map((r) => r.content)).toEqual(['context', 'via api', 'Sure.']);
  });
});

describe('an index from before text was indexed apart', () => {
  test('is upgraded in place and every file re-read', async () => {
    writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'upgraded' });
    // An index at step 008: the old tables, holding a stale row.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(indexPath(h.home));
    const conn = await db.connect();
    await conn.run(
      'CREATE TABLE schema_steps (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())',
    );
    for (const step of MIGRATION_STEPS.slice(0, MIGRATION_STEPS.indexOf('009-text-on-demand'))) {
      await conn.run(loadSql(`migrations/${step}`));
      await conn.run('INSERT INTO schema_steps (name) VALUES ($name)', { name: step });
    }
    await conn.run(
      "INSERT INTO files VALUES (1, 'live', 'gone.json', 'gone.json', 1, 1, 'ok', NULL)",
    );
    conn.closeSync();
    db.closeSync();

    const r = JSON.parse(grok('search', 'upgraded', '--json').stdout);
    expect(r.hits).toHaveLength(1);
    expect(await indexRows('SELECT path FROM files')).toEqual([
      { path: expect.stringMatching(/session-2025-11-01-10-00-00\.json$/) },
    ]);
  });
});
