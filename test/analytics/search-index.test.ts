/**
 * `search` over its own index (signatures and lowered text beside the index) gives exactly what
 * the scan of the text tables gave (queries/internal/search.sql, still used for pools): the same
 * rows, order, count and text, over the sample sessions, the damaged-text sample and a generated
 * corpus, for queries with punctuation, case, Unicode whose lower case JavaScript and DuckDB see
 * differently, white space, lone surrogates and NUL, in words and across them. And the index
 * follows the sessions: added, edited, deleted, archived.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DuckDBBlobValue } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import { type Row, withAnalytics } from '../../src/analytics/analytics-run.js';
import {
  gramPlaces,
  mayHold,
  needleGrams,
  searchNeedle,
} from '../../src/analytics/search-grams.js';
import { searchIndexed } from '../../src/analytics/search-index.js';
import { jsonValues } from '../../src/analytics/sql-files.js';
import {
  BIN,
  homeForEachTest,
  makeHome,
  random,
  indexRows as rowsOfIndex,
  runGrok,
  type TempHome,
} from '../helpers.js';
import { fileNameFor, makeSession, writeSession } from './sessions.js';

const h = homeForEachTest({ inProcess: true });

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** The same corpus every run. */
const rng = random;

/** Words whose case DuckDB and JavaScript fold differently, and other traps. */
const WORDS = [
  'Auth',
  'MIDDLEWARE',
  'İstanbul',
  'ISTANBUL',
  'ΟΔΟΣ',
  'οδος',
  'ΣΊΣΥΦΟΣ',
  'Kelvin\u212a',
  'STRASSE',
  'Straße',
  'ﬁle',
  'Ǆemal',
  'ǅ',
  '😀grin',
  '𐐀deseret',
  'café',
  'cafe\u0301',
  '"q":"x"',
  'C:\\path\\to',
  'tab\there',
  'two  spaces',
  'line\r\nbreak',
  'nul\u0000byte',
  'lone\ud800half',
  'ꟋnewLetter',
  'Ᲊgeorgian',
  'x',
  'ab',
  '{"error":"ENOENT"}',
  'ResizeObserver',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function sentence(r: () => number, n: number): string {
  return Array.from({ length: n }, () => pick(r, WORDS)).join(pick(r, [' ', ' ', '_', '\n', '']));
}

/** Sessions made of the words above, in content, tool names, parameters and results. */
function writeCorpus(dir: string, count: number): string[] {
  const r = rng(7);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = new Date(Date.UTC(2025, 9, 1) + i * 3_600_000).toISOString();
    const s = makeSession({ start, content: sentence(r, 3 + Math.floor(r() * 8)) });
    const messages = s.messages as Record<string, unknown>[];
    (messages[2] as Record<string, unknown>).content = sentence(r, 2 + Math.floor(r() * 6));
    (messages[2] as Record<string, unknown>).toolCalls = Array.from(
      { length: Math.floor(r() * 3) },
      () => ({
        tool: pick(r, ['Read', 'Bash', 'Grep', 'Ǆtool']),
        parameters: { q: sentence(r, 2) },
        result: r() < 0.3 ? { error: sentence(r, 2) } : sentence(r, 4),
      }),
    );
    if (r() < 0.2) messages.push({ role: 'user', content: null });
    texts.push(JSON.stringify(s));
    writeFileSync(join(dir, fileNameFor(start)), JSON.stringify(s, null, 2), { mode: 0o600 });
  }
  return texts;
}

/** Queries: the words, pieces of them, across them, in other cases. */
function queries(): string[] {
  const r = rng(11);
  const qs = new Set<string>([
    ...WORDS,
    'auth middleware',
    'istanbul',
    'i̇stanbul',
    'İSTANBUL',
    'οδοσ',
    'ΟΔΟΣ ',
    'σίσυφος',
    'kelvin',
    'kelvink',
    'ß',
    'ss',
    'ǆ',
    'ǆemal',
    '😀',
    '𐐨',
    'é',
    '\u0301',
    '":"',
    '\\',
    '\t',
    '  ',
    '\r\n',
    '\u0000',
    '\ud800',
    'ꟊ',
    'ⴀ',
    'a',
    'e_',
    'd\nS',
    'bash {"q"',
    'read {"q":"',
    'nothing at all here',
  ]);
  const joined = WORDS.join(' ').toLowerCase();
  while (qs.size < 140) {
    const from = Math.floor(r() * joined.length);
    const piece = joined.slice(from, from + 1 + Math.floor(r() * 12));
    qs.add(r() < 0.5 ? piece : piece.toUpperCase());
  }
  return [...qs];
}

/** What the scan of the text tables finds (search.sql), every hit. */
async function scanned(q: string, role: string | null): Promise<Row[]> {
  return withAnalytics({}, async (ctx) => {
    await ctx.loadText();
    return ctx.rows('internal/search', { needle: q.toLowerCase(), role, limit: 1_000_000 });
  });
}

async function indexed(q: string, role: string | null, limit = 1_000_000): Promise<object[]> {
  return withAnalytics({}, async (ctx) => (await searchIndexed(ctx, q, role, limit)).rows);
}

/** A hit without the count beside it, which a search for the newest hits makes as it reads. */
function withoutCount(row: object): object {
  const { matches: _, ...rest } = row as { matches: unknown };
  return rest;
}

/**
 * The count a search gave, against the `total` a scan of every session finds: that total when it
 * says it counted all, else at least the hits it shows and at most the total.
 */
function counted(found: { rows: object[]; complete: boolean }, total: number, limit: number): void {
  const matches = (found.rows[0] as { matches?: number } | undefined)?.matches ?? 0;
  if (found.complete) {
    expect(matches).toBe(total);
    return;
  }
  expect(found.rows).toHaveLength(limit);
  expect(matches).toBeGreaterThanOrEqual(limit);
  expect(matches).toBeLessThanOrEqual(total);
}

describe('search over its index gives what the scan gave', () => {
  test('every query over the samples and a generated corpus, first and later searches', async () => {
    for (const name of readdirSync(join(FIXTURES, 'sessions'))) {
      cpSync(join(FIXTURES, 'sessions', name), join(h.sessions, name));
    }
    for (const name of readdirSync(join(FIXTURES, 'sessions-extra'))) {
      cpSync(join(FIXTURES, 'sessions-extra', name), join(h.sessions, `x${name}`));
    }
    writeCorpus(h.sessions, 60);
    let compared = 0;
    let withHits = 0;
    for (const [i, q] of queries().entries()) {
      const role = i % 7 === 3 ? 'tool' : i % 7 === 5 ? 'user' : null;
      // the first query makes every signature and store; the others read the stores
      const got = await indexed(q, role);
      const want = await scanned(q, role);
      expect(got, JSON.stringify(q)).toEqual(want);
      compared++;
      if (want.length > 0) withHits++;
      if (i % 20 === 0) {
        // the newest three, read from the newest sessions: counted only so far, unless all were read
        const top = await withAnalytics({}, (ctx) => searchIndexed(ctx, q, role, 3));
        expect(top.rows.map(withoutCount), JSON.stringify(q)).toEqual(
          want.slice(0, 3).map(withoutCount),
        );
        counted(top, want.length, 3);
      }
    }
    expect(compared).toBe(140);
    // the queries find things: a comparison of empty answers would prove nothing
    expect(withHits).toBeGreaterThan(90);
  }, 600_000);

  test('a search for the newest hits reads the newest sessions and gives the newest of the scan, whatever the times', async () => {
    // times a session's order does not tell: sessions begun within seconds of each other, messages
    // with no time (the session's start stands for it), a message days after its session began,
    // or before it, messages out of order, and one instant in many sessions
    const r = rng(23);
    const SHARED = '2025-10-02T00:00:00.000Z';
    for (let i = 0; i < 90; i++) {
      const start = new Date(Date.UTC(2025, 9, 1) + Math.floor(i / 3) * 3_600_000 + i * 1000);
      const s = makeSession({ start: start.toISOString(), content: sentence(r, 2 + (i % 5)) });
      const messages = s.messages as Record<string, unknown>[];
      const last = messages[2] as Record<string, unknown>;
      last.content = sentence(r, 3);
      if (r() < 0.5)
        last.toolCalls = [
          { tool: 'Bash', parameters: { q: sentence(r, 2) }, result: sentence(r, 2) },
        ];
      for (const m of messages.slice(1)) {
        const pick = r();
        if (pick < 0.25) delete m.timestamp;
        else if (pick < 0.35)
          m.timestamp = new Date(start.getTime() + r() * 40 * 86_400_000).toISOString();
        else if (pick < 0.45)
          m.timestamp = new Date(start.getTime() - r() * 86_400_000).toISOString();
        // the same instant in several sessions
        else if (pick < 0.55) m.timestamp = SHARED;
      }
      // sessions whose newest time is that instant: hits of one time, ordered by session
      if (i % 9 === 0) for (const m of messages.slice(1)) m.timestamp = SHARED;
      if (i % 9 === 1) (messages[1] as Record<string, unknown>).timestamp = SHARED;
      writeFileSync(join(h.sessions, fileNameFor(start.toISOString())), JSON.stringify(s));
    }
    await indexed('auth', null); // every session signed: later searches read the store
    let early = 0;
    let withHits = 0;
    for (const [i, q] of queries().entries()) {
      if (i % 2 !== 0) continue;
      const role = i % 6 === 2 ? 'assistant' : i % 6 === 4 ? 'tool' : null;
      const want = await scanned(q, role);
      if (want.length > 5) withHits++;
      for (const limit of [1, 2, 5]) {
        for (const firstBatch of [1, 4]) {
          const got = await withAnalytics({}, (ctx) =>
            searchIndexed(ctx, q, role, limit, { firstBatch }),
          );
          const what = JSON.stringify({ q, role, limit, firstBatch });
          expect(got.rows.map(withoutCount), what).toEqual(want.slice(0, limit).map(withoutCount));
          counted(got, want.length, limit);
          if (!got.complete) early++;
        }
      }
      // --count-all: every session that may hold it is read, and every match counted
      const all = await withAnalytics({}, (ctx) =>
        searchIndexed(ctx, q, role, 2, { firstBatch: 1, countAll: true }),
      );
      expect(all.complete).toBe(true);
      counted(all, want.length, 2);
    }
    // the searches did stop early, often: otherwise this compared full reads only
    expect(withHits).toBeGreaterThan(20);
    expect(early).toBeGreaterThan(100);
  }, 600_000);

  test('with archived sessions shown, a search for the newest hits gives the newest of the scan of both', async () => {
    // archived sessions (their text in the index) the newest, live ones whose last messages run on
    // into their times: the newest hits may be either's, and the archived ones are all there
    // before the first batch is read
    const r = rng(31);
    for (let i = 0; i < 40; i++) {
      const start = new Date(Date.UTC(2025, 10, 1) + i * 43_200_000).toISOString();
      writeSession(h.sessions, { start, content: sentence(r, 3 + (i % 4)) });
    }
    const archived = runGrok(['sessions', 'archive', '--month', '2025-11', '--yes'], h.env);
    expect(archived.code, archived.stderr).toBe(0);
    for (let i = 0; i < 30; i++) {
      const start = new Date(Date.UTC(2025, 9, 25) + i * 3_600_000 + 500).toISOString();
      const s = makeSession({ start, content: sentence(r, 4) });
      const last = (s.messages as Record<string, unknown>[])[2] as Record<string, unknown>;
      last.timestamp = new Date(Date.parse(start) + r() * 30 * 86_400_000).toISOString();
      writeFileSync(join(h.sessions, fileNameFor(start)), JSON.stringify(s));
    }
    const both = { includeArchived: true };
    await withAnalytics(both, (ctx) => searchIndexed(ctx, 'auth', null, 1_000_000));
    let early = 0;
    for (const [i, q] of queries().entries()) {
      if (i % 3 !== 0) continue;
      const want = await withAnalytics(both, async (ctx) => {
        await ctx.loadText();
        return ctx.rows('internal/search', {
          needle: q.toLowerCase(),
          role: null,
          limit: 1_000_000,
        });
      });
      for (const limit of [1, 3]) {
        const got = await withAnalytics(both, (ctx) =>
          searchIndexed(ctx, q, null, limit, { firstBatch: 2 }),
        );
        expect(got.rows.map(withoutCount), JSON.stringify({ q, limit })).toEqual(
          want.slice(0, limit).map(withoutCount),
        );
        counted(got, want.length, limit);
        if (!got.complete) early++;
      }
    }
    expect(early).toBeGreaterThan(10);
  }, 600_000);

  test('hits of one time are ordered by session even when the newest-first reading meets them apart', async () => {
    // the older session is read first (a later message of its, which does not match), but its hit
    // is of the instant the newer session's only messages have: the newer session's hit comes
    // first, so its reading is not skipped
    const T = '2025-10-05T12:00:00.000Z';
    const older = makeSession({ start: '2025-10-01T00:00:00Z', content: 'quokka here' });
    const olderMessages = older.messages as Record<string, unknown>[];
    (olderMessages[1] as Record<string, unknown>).timestamp = T;
    (olderMessages[2] as Record<string, unknown>).timestamp = '2025-10-05T17:00:00.000Z';
    writeFileSync(join(h.sessions, fileNameFor('2025-10-01T00:00:00Z')), JSON.stringify(older));
    const newer = makeSession({ start: '2025-10-02T00:00:00Z', content: 'quokka there' });
    for (const m of (newer.messages as Record<string, unknown>[]).slice(1)) m.timestamp = T;
    writeFileSync(join(h.sessions, fileNameFor('2025-10-02T00:00:00Z')), JSON.stringify(newer));
    await indexed('quokka', null);
    const first = await withAnalytics({}, (ctx) =>
      searchIndexed(ctx, 'quokka', null, 1, { firstBatch: 1 }),
    );
    expect(first.rows.map((r) => r.file)).toEqual([fileNameFor('2025-10-02T00:00:00Z')]);
    expect(first.rows.map(withoutCount)).toEqual(
      (await scanned('quokka', null)).slice(0, 1).map(withoutCount),
    );
  }, 120_000);

  test('a first search, which reads every file, finds what the scan finds for any needle', async () => {
    for (const name of readdirSync(join(FIXTURES, 'sessions-extra'))) {
      cpSync(join(FIXTURES, 'sessions-extra', name), join(h.sessions, `x${name}`));
    }
    writeCorpus(h.sessions, 40);
    const all = queries();
    let withHits = 0;
    for (const [i, q] of all.entries()) {
      if (i % 4 !== 0) continue;
      // no signature and no store: every session is read from its file for this needle
      await withAnalytics({}, async (ctx) => {
        await ctx.conn.run('DELETE FROM search_grams');
      });
      rmSync(join(h.home, 'search'), { recursive: true, force: true });
      const want = await scanned(q, null);
      expect(await indexed(q, null), JSON.stringify(q)).toEqual(want);
      if (want.length > 0) withHits++;
    }
    expect(withHits).toBeGreaterThan(20);
  }, 600_000);

  test('a first search commits its signatures as it goes, and a search killed after a commit leaves only good ones', async () => {
    writeCorpus(h.sessions, 250);
    const signed = async () =>
      (
        await rowsOfIndex(
          h.home,
          'SELECT count(*)::INTEGER AS n, count(newest)::INTEGER AS newest FROM search_grams',
        )
      )[0];
    // every 7 signatures (a chunk of files is 100): killed after the first commit
    const env = { ...h.env, GROK_NO_ANSWER_CACHE: '1', GROK_TEST_SEARCH_COMMIT_EVERY: '7' };
    const killed = runGrok(['sessions', 'search', 'auth', '--json'], {
      ...env,
      GROK_FAULT: 'crash-after-search-commit',
    });
    expect(killed.code).toBeNull();
    const after = await signed();
    expect(after?.n).toBeGreaterThan(0);
    expect(after?.n).toBeLessThan(250);
    // each committed with its newest
    expect(after?.newest).toBe(after?.n);
    // the next search reads the rest, commits as it goes, and finds what the scan finds
    const r = runGrok(['sessions', 'search', 'auth', '--json', '-n', '100000'], env);
    expect(r.code, r.stderr).toBe(0);
    const want = await scanned('auth', null);
    const got = JSON.parse(r.stdout) as { matches: number; hits: { file: string }[] };
    expect(got.matches).toBe(want.length);
    expect(got.hits.map((x) => x.file)).toEqual(want.map((w) => w.file));
    expect(await signed()).toEqual({ n: 250, newest: 250 });
    // no store file left that no signature points into
    const stores = await rowsOfIndex(h.home, 'SELECT DISTINCT store FROM search_grams');
    expect(readdirSync(join(h.home, 'search')).sort()).toEqual(
      stores.map((x) => x.store as string).sort(),
    );
  }, 300_000);

  test('DuckDB lowers no code point past plane 1, where its case table stops', async () => {
    await withAnalytics({}, async (ctx) => {
      const count = async (from: number, to: number) =>
        Number(
          (
            await ctx.conn.runAndReadAll(
              `SELECT count(*) FROM range(${from}, ${to}) t(cp)
               WHERE (cp < 55296 OR cp > 57343) AND lower(chr(cp::INTEGER)) <> chr(cp::INTEGER)`,
            )
          ).getRows()[0]?.[0],
        );
      expect(await count(0x20000, 0x110000)).toBe(0);
      // plane 1 has letters with case (Deseret, Osage, Adlam...): the table goes through it
      expect(await count(0x10000, 0x20000)).toBeGreaterThan(100);
    });
  });

  test('the sessions the index reads for a needle are those whose signature may hold it', async () => {
    writeCorpus(h.sessions, 80);
    await indexed('auth', null); // every session signed
    const r = rng(5);
    const needles = [...queries(), ...Array.from({ length: 60 }, () => sentence(r, 2).slice(1, 9))];
    let narrowed = 0;
    await withAnalytics({}, async (ctx) => {
      const sigs = (await ctx.conn.runAndReadAll('SELECT sid, bits FROM search_grams')).getRows();
      expect(sigs.length).toBe(80);
      for (const q of needles) {
        const grams = needleGrams(new Uint8Array(Buffer.from(searchNeedle(q), 'utf8')));
        const want = sigs
          .filter(([, bits]) => mayHold((bits as DuckDBBlobValue).bytes, grams))
          .map(([sid]) => Number(sid))
          .sort((a, b) => a - b);
        // every session is signed: all are listed with their record
        const [files] = await jsonValues<[{ read: unknown[]; stored: { sid: number }[] }]>(
          ctx.conn,
          ['internal/search-files'],
          { places: JSON.stringify(gramPlaces(grams)) },
        );
        expect(files.read).toEqual([]);
        expect(
          files.stored.map((f) => f.sid),
          JSON.stringify(q),
        ).toEqual(want);
        if (want.length < sigs.length) narrowed++;
      }
    });
    // the signatures rule sessions out: a check that keeps every session would prove nothing
    expect(narrowed).toBeGreaterThan(100);
  }, 120_000);

  test('a lost or damaged store is read again from the session files', async () => {
    writeCorpus(h.sessions, 12);
    const want = await indexed('auth', null);
    expect(want.length).toBeGreaterThan(3);
    const store = join(h.home, 'search');
    const files = readdirSync(store);
    expect(files.length).toBeGreaterThan(0);
    // one store cut short, the others gone
    const first = join(store, files[0] as string);
    writeFileSync(first, readFileSync(first).subarray(0, 10));
    for (const f of files.slice(1)) rmSync(join(store, f));
    expect(await indexed('auth', null)).toEqual(want);
    expect(await indexed('auth', null)).toEqual(want);
    expect(await scanned('auth', null)).toEqual(want);
  }, 120_000);

  test('a damaged record, or a store cut short, sends only the sessions it held back to their files', async () => {
    writeCorpus(h.sessions, 30);
    const want = await indexed('a', null);
    // a needle of no trigram: every session is read, from its record or its file
    expect(want.length).toBeGreaterThan(30);
    type Place = { sid: number; store: string; pos: number; length: number };
    const places = async () =>
      withAnalytics({}, async (ctx) =>
        (
          await ctx.conn.runAndReadAll(
            'SELECT sid, store, pos::DOUBLE AS pos, length FROM search_grams ORDER BY sid',
          )
        ).getRowObjectsJson(),
      ) as Promise<Place[]>;
    const before = await places();
    const store = before[0]?.store as string;
    const inStore = before.filter((p) => p.store === store).sort((a, b) => a.pos - b.pos);
    expect(inStore.length).toBeGreaterThan(4);
    const file = join(h.home, 'search', store);
    const bytes = readFileSync(file);
    // the first row's end of the second record past its text: its rows no longer add up
    const damaged = inStore[1] as Place;
    bytes.writeUInt32LE(0xfffffff0, damaged.pos + 12);
    // the file cut in the middle of its fourth record
    const cut = inStore[3] as Place;
    writeFileSync(file, bytes.subarray(0, cut.pos + Math.floor(cut.length / 2)));
    expect(await indexed('a', null)).toEqual(want);
    const after = await places();
    const moved = after
      .filter((p, i) => p.store !== before[i]?.store || p.pos !== before[i]?.pos)
      .map((p) => p.sid);
    const lost = new Set([damaged.sid, ...inStore.slice(3).map((p) => p.sid)]);
    expect(moved.sort((a, b) => a - b)).toEqual([...lost].sort((a, b) => a - b));
    expect(await indexed('a', null)).toEqual(want);
  }, 120_000);

  test('the built command, on its workers and this thread, gives the scan rows in its order', async () => {
    // enough sessions for the workers: a first search on two, a later one on one beside this
    // thread (which reads a store this small alone, but for the switch)
    writeCorpus(h.sessions, 450);
    type Hit = { file: string; message: number; kind: string; tool: string | null; time: string };
    const cli = (q: string, role?: string) => {
      const r = runGrok(
        ['sessions', 'search', q, '--json', '-n', '100000', ...(role ? ['--role', role] : [])],
        { ...h.env, GROK_NO_ANSWER_CACHE: '1', GROK_TEST_STORE_BYTES_FOR_WORKER: '1' },
      );
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { matches: number; hits: Hit[] };
      return {
        matches: out.matches,
        hits: out.hits.map((x) => [x.file, x.message, x.kind, x.tool]),
      };
    };
    const want = async (q: string, role?: string) => {
      const rows = await scanned(q, role ?? null);
      return {
        matches: rows.length,
        hits: rows.map((w) => [w.file, w.seq, w.kind, w.tool]),
      };
    };
    const first = cli('auth');
    expect(first).toEqual(await want('auth'));
    expect(readdirSync(join(h.home, 'search')).length).toBeGreaterThan(1);
    let found = 0;
    for (const [q, role] of [
      ['auth'],
      ['middleware', 'user'],
      ['ǆ'],
      ['e'],
      ['x', 'tool'],
      ['nothing at all here'],
    ] as [string, string?][]) {
      const got = cli(q, role);
      expect(got, q).toEqual(await want(q, role));
      found += got.matches;
    }
    expect(found).toBeGreaterThan(1000);
  }, 300_000);
});

/** Rows of the on-disk index. */
const indexRows = (sql: string) => rowsOfIndex(h.home, sql);

const hitsOf = (q: string, ...args: string[]) => {
  const r = runGrok(['sessions', 'search', q, '--json', ...args], h.env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout).hits as { file: string; snippet: { text: string } }[]).map(
    (x) => x.file,
  );
};

describe('the search index follows the sessions', () => {
  test('added, edited, deleted and archived sessions', async () => {
    const a = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', content: 'zebra one' });
    writeSession(h.sessions, { start: '2025-11-02T10:00:00Z', content: 'yak two' });
    expect(hitsOf('zebra')).toEqual([fileNameFor('2025-11-01T10:00:00Z')]);
    // added after the index was made
    writeSession(h.sessions, { start: '2025-11-03T10:00:00Z', content: 'zebra three' });
    expect(hitsOf('zebra')).toEqual([
      fileNameFor('2025-11-03T10:00:00Z'),
      fileNameFor('2025-11-01T10:00:00Z'),
    ]);
    // edited: its old words are gone from the index, its new ones found
    const s = JSON.parse(readFileSync(a, 'utf8'));
    s.messages[1].content = 'okapi now';
    writeFileSync(a, JSON.stringify(s, null, 2));
    expect(hitsOf('zebra')).toEqual([fileNameFor('2025-11-03T10:00:00Z')]);
    expect(hitsOf('okapi')).toEqual([fileNameFor('2025-11-01T10:00:00Z')]);
    // deleted: no hit, and its signature is gone
    rmSync(a);
    expect(hitsOf('okapi')).toEqual([]);
    expect(await indexRows('SELECT count(*)::INTEGER AS n FROM search_grams')).toEqual([{ n: 2 }]);
    // archived: gone from live searches, found among archived ones (their text is in the index)
    const archived = runGrok(
      ['sessions', 'archive', fileNameFor('2025-11-03T10:00:00Z').replace('.json', ''), '--yes'],
      h.env,
    );
    expect(archived.code, archived.stderr).toBe(0);
    expect(hitsOf('zebra')).toEqual([]);
    // the browser's search with archived sessions shown
    const withArchived = (q: string) =>
      withAnalytics({ includeArchived: true }, async (ctx) =>
        (await searchIndexed(ctx, q, null, 100)).rows.map((r) => r.file),
      );
    expect(await withArchived('zebra')).toEqual([fileNameFor('2025-11-03T10:00:00Z')]);
    expect(await withArchived('yak')).toEqual([fileNameFor('2025-11-02T10:00:00Z')]);
  }, 120_000);

  test('text edited out (a redaction) or deleted is gone from the store as soon as the index sees it', async () => {
    const edited = writeSession(h.sessions, {
      start: '2025-11-01T10:00:00Z',
      content: 'the key is quagga-7f3e9',
    });
    const deleted = writeSession(h.sessions, {
      start: '2025-11-02T10:00:00Z',
      content: 'the pin is narwhal-4410',
    });
    writeSession(h.sessions, { start: '2025-11-03T10:00:00Z', content: 'nothing to hide' });
    expect(hitsOf('quagga-7f3e9')).toHaveLength(1);
    const store = join(h.home, 'search');
    const stored = () =>
      readdirSync(store)
        .map((name) => readFileSync(join(store, name), 'latin1'))
        .join('');
    expect(stored()).toContain('quagga-7f3e9');
    const s = JSON.parse(readFileSync(edited, 'utf8'));
    s.messages[1].content = 'the key is [REDACTED]';
    writeFileSync(edited, JSON.stringify(s, null, 2));
    rmSync(deleted);
    // any command that brings the index up to date, not only a later search
    const stats = runGrok(['sessions', 'stats', '--json'], h.env);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stored()).not.toContain('quagga-7f3e9');
    expect(stored()).not.toContain('narwhal-4410');
    // the sessions left are found again, read from their own files
    expect(hitsOf('hide')).toEqual([fileNameFor('2025-11-03T10:00:00Z')]);
    expect(hitsOf('redacted')).toEqual([fileNameFor('2025-11-01T10:00:00Z')]);
  }, 120_000);

  test('store files of sessions gone are removed, and the store stays private', async () => {
    for (let i = 0; i < 6; i++) {
      writeSession(h.sessions, {
        start: `2025-11-0${i + 1}T10:00:00Z`,
        content: `gnu ${i}`,
      });
    }
    expect(hitsOf('gnu')).toHaveLength(6);
    const store = join(h.home, 'search');
    const { statSync } = await import('node:fs');
    expect(statSync(store).mode & 0o777).toBe(0o700);
    const before = readdirSync(store);
    expect(before).toHaveLength(1);
    expect(statSync(join(store, before[0] as string)).mode & 0o777).toBe(0o600);
    // most of the sessions of that store gone: the rest are read again into a new store
    for (let i = 0; i < 4; i++)
      rmSync(join(h.sessions, fileNameFor(`2025-11-0${i + 1}T10:00:00Z`)));
    expect(hitsOf('gnu')).toHaveLength(2);
    const after = readdirSync(store);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    // the index's own files only: nothing else written beside it
    expect(readdirSync(h.home).filter((f) => f.startsWith('search'))).toEqual(['search']);
  }, 120_000);
});

describe('a process without WebAssembly', () => {
  /** Each session file's signature and stored record, by file name. */
  async function storeOf(home: string): Promise<Map<string, [string, string]>> {
    const rows = await rowsOfIndex(
      home,
      'SELECT f.path, hex(g.bits) AS bits, g.store, g.pos, g.length FROM search_grams g JOIN files f USING (sid)',
    );
    return new Map(
      rows.map((r) => {
        const record = readFileSync(join(home, 'search', String(r.store))).subarray(
          Number(r.pos),
          Number(r.pos) + Number(r.length),
        );
        return [basename(String(r.path)), [String(r.bits), record.toString('hex')]];
      }),
    );
  }

  test('(node --jitless) makes the same store and signatures, and finds the same rows', async () => {
    // more files than the parse workers are started for: they run without it too
    writeCorpus(h.sessions, 450);
    const other = makeHome();
    try {
      cpSync(h.sessions, other.sessions, { recursive: true });
      const search = (home: TempHome, node: string[]) => {
        const r = spawnSync(
          process.execPath,
          [...node, BIN, 'sessions', 'search', 'istanbul', '--json', '-n', '100000'],
          { env: home.env, encoding: 'utf8', timeout: 120_000 },
        );
        expect(r.status, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { matches: number };
      };
      const plain = search(h, ['--jitless']);
      const wasm = search(other, []);
      expect(plain.matches).toBeGreaterThan(50);
      expect(plain).toEqual(wasm);
      const a = await storeOf(h.home);
      expect(a.size).toBe(450);
      expect(a).toEqual(await storeOf(other.home));
    } finally {
      other.cleanup();
    }
  }, 300_000);
});
