/**
 * A value too large for a string: a small archive holding one 600 MB entry (zeros, gzip makes it
 * a few MB) and a 600 MB live file (sparse: no disk used). Each is skipped with a one-line reason
 * naming it, before a byte of it is read into memory, and every other file is still counted,
 * restored or repaired.
 */
import {
  createWriteStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileNameFor, makeSession } from '../analytics/sessions.js';
import { makeHome, runGrok, type TempHome } from '../helpers.js';

const BIG = 600_000_000;
const BIG_NAME = 'session-2025-10-01-00-00-00.json';

/** A ustar header for a regular file `name` of `size` bytes. */
function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000600\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

const pad = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

/** A tar.gz of `small` entries and one entry of BIG zero bytes, streamed: nothing big on disk. */
async function writeBigArchive(path: string, small: { name: string; body: string }[]) {
  async function* parts() {
    for (const s of small) {
      const body = Buffer.from(s.body);
      yield Buffer.concat([header(s.name, body.length), body, pad(body.length)]);
    }
    yield header(BIG_NAME, BIG);
    const zeros = Buffer.alloc(1 << 20);
    for (let left = BIG; left > 0; left -= zeros.length)
      yield left >= zeros.length ? zeros : zeros.subarray(0, left);
    yield Buffer.concat([pad(BIG), Buffer.alloc(1024)]);
  }
  await pipeline(Readable.from(parts()), createGzip({ level: 1 }), createWriteStream(path));
}

const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

const REASON = /^too large to read: 600\.0 MB \(grok reads files up to 256 MiB\)$/;

describe('a 600 MB session', () => {
  let h: TempHome;
  const good = makeSession({ start: '2025-10-02T00:00:00Z', input: 100, output: 20 });
  const goodName = fileNameFor('2025-10-02T00:00:00Z');
  beforeAll(async () => {
    h = makeHome();
    mkdirSync(join(h.home, 'archives'), { mode: 0o700 });
    await writeBigArchive(join(h.home, 'archives', '2025-10.tar.gz'), [
      { name: goodName, body: JSON.stringify(good) },
    ]);
  }, 120_000);
  afterAll(() => h.cleanup());

  it('in an archive: stats and cost --include-archived skip it by name and count the rest', () => {
    const stats = json(runGrok(['sessions', 'stats', '--include-archived', '--json'], h.env));
    expect(stats.sessions).toBe(1);
    expect(stats.tokens.total).toBe(120);
    expect(stats.skipped).toEqual([
      { file: `2025-10.tar.gz:${BIG_NAME}`, reason: expect.stringMatching(REASON) },
    ]);
    // the table says it in one line; --json and doctor name the file and the reason
    const cost = runGrok(['sessions', 'cost', '--include-archived'], h.env);
    expect(cost.code, cost.stderr).toBe(0);
    expect(cost.stderr).toBe('grok: warning: 1 file could not be read; see grok sessions doctor\n');
    const costJson = json(runGrok(['sessions', 'cost', '--include-archived', '--json'], h.env));
    expect(costJson.skipped).toEqual([
      {
        file: `2025-10.tar.gz:${BIG_NAME}`,
        reason: 'too large to read: 600.0 MB (grok reads files up to 256 MiB)',
      },
    ]);
  }, 120_000);

  it('in an archive: restore writes the others and says why not that one', () => {
    const r = json(
      runGrok(['sessions', 'archive', 'restore', '--month', '2025-10', '--json'], h.env),
    );
    expect(r.restored).toEqual([goodName]);
    expect(r.skipped).toEqual([
      {
        file: BIG_NAME,
        archive: '2025-10.tar.gz',
        reason: expect.stringMatching(/^too large to read: 600\.0 MB .*: not restored$/),
      },
    ]);
    expect(readdirSync(h.sessions)).toEqual([goodName]);
    expect(JSON.parse(readFileSync(join(h.sessions, goodName), 'utf8'))).toEqual(good);
  }, 120_000);

  it('live: repair --all reports every file of the batch, the big one skipped by name', () => {
    const live = join(h.home, 'live');
    mkdirSync(live, { mode: 0o700 });
    // Before it in name order, a truncated session that can be repaired; after it, a valid one.
    const cut = JSON.stringify(makeSession({ start: '2025-09-01T00:00:00Z' }));
    const cutName = fileNameFor('2025-09-01T00:00:00Z');
    writeFileSync(join(live, cutName), cut.slice(0, cut.length - 40), {
      mode: 0o600,
    });
    writeFileSync(
      join(live, fileNameFor('2025-11-01T00:00:00Z')),
      JSON.stringify(makeSession({ start: '2025-11-01T00:00:00Z' })),
      { mode: 0o600 },
    );
    const big = join(live, BIG_NAME);
    writeFileSync(big, '', { mode: 0o600 });
    truncateSync(big, BIG);
    const env = { ...h.env, GROK_SESSIONS_DIR: live };

    const r = runGrok(['sessions', 'repair', '--all', '--json'], env);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.repaired.map((x: { file: string }) => x.file)).toEqual([cutName]);
    expect(out.unrecoverable).toEqual([
      {
        file: BIG_NAME,
        reason: expect.stringMatching(/^cannot read: too large to read: 600\.0 MB/),
      },
    ]);
    expect(out.valid).toBe(1);

    const stats = json(runGrok(['sessions', 'stats', '--json'], env));
    expect(stats.sessions).toBe(2);
    expect(stats.skipped).toEqual([
      {
        file: BIG_NAME,
        reason: expect.stringMatching(/^cannot read: too large to read: 600\.0 MB/),
      },
    ]);
  }, 120_000);
});
