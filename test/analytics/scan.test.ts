/**
 * The stat pass: which entries of a sessions directory are sessions, what the manifest records
 * of them, made by find in a process of its own or by lstat here (the same facts either way),
 * and what a refresh concludes from two manifests.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect, test } from 'vitest';
import { rng } from '../../bench/generate.mjs';
import { findEarly, takeEarlyFind } from '../../src/analytics/find-pass.js';
import { compareEntries } from '../../src/analytics/refresh.js';
import {
  entryFile,
  FIND_FROM,
  findScan,
  holdScan,
  holdsSessionFiles,
  manifestChanges,
  manifestEntries,
  manifestFiles,
  prepareScan,
  releaseScan,
  type Scan,
  scanNow,
  scanText,
  startScan,
  textChanges,
} from '../../src/analytics/scan.js';
import { BIN, homeForEachTest, ROOT } from '../helpers.js';
import { countingFind, crowd, fakeFind, withPath, writeSession } from './sessions.js';

/** How the pass set going by startScan is made on this system. */
const BY_FIND = process.platform === 'linux' ? 'find' : 'lstat';

const scan = (dir: string): Promise<Scan> => startScan(dir)();

/** The facts a pass records, whichever way it was made: its manifest lines as a set, its locks. */
const facts = (s: Scan) => ({
  lines: s.manifest === '' ? [] : s.manifest.split('\n').sort(),
  count: s.count,
  locks: s.locks,
});

/** Waits until `done()` holds, for at most 10 s. */
async function until(done: () => boolean): Promise<void> {
  for (const start = Date.now(); !done(); ) {
    if (Date.now() - start > 10_000) throw new Error('waited 10 s in vain');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const h = homeForEachTest();

test('lists regular session files with their exact size and mtime, and the lock files', async () => {
  crowd(h.sessions, FIND_FROM);
  const a = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  const b = writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  // a fractional mtime, as filesystems give them
  utimesSync(b, 1_762_000_000.123456, 1_762_000_000.123456);
  writeFileSync(join(h.sessions, 'notes.json'), '{}');
  writeFileSync(join(h.sessions, 'session-notes.json'), '{}');
  writeFileSync(join(h.sessions, '.session-2025-11-01-10-00-00.json.lock'), String(process.pid));
  writeFileSync(join(h.sessions, '.odd\tlock\nname.lock'), '1');
  symlinkSync(a, join(h.sessions, 'session-2025-11-05-10-00-00.json'));
  mkdirSync(join(h.sessions, 'session-2025-11-06-10-00-00.json'));

  const cwd = process.cwd();
  const byLstat = scanNow(h.sessions);
  // the pass stats from inside the directory, and comes back
  expect(process.cwd()).toBe(cwd);
  const byFind = await scan(h.sessions);
  expect([byLstat.by, byFind.by]).toEqual(['lstat', BY_FIND]);
  for (const pass of [byLstat, byFind]) {
    expect(pass.count).toBe(2);
    expect(pass.locks).toEqual(['.odd\tlock\nname.lock', '.session-2025-11-01-10-00-00.json.lock']);
    const files = manifestEntries(h.sessions, pass.manifest).map(entryFile);
    expect(files.map((f) => f.path).sort()).toEqual([a, b].sort());
    for (const f of files) {
      const st = lstatSync(f.path);
      expect(f).toEqual({
        name: basename(f.path),
        path: f.path,
        size: st.size,
        mtimeMs: st.mtimeMs,
      });
    }
  }
  // the same files give the same print; any change to one gives another
  expect(scanNow(h.sessions).print).toBe(byLstat.print);
  expect((await scan(h.sessions)).print).toBe(byFind.print);
  utimesSync(b, 1_762_000_000.124456, 1_762_000_000.124456);
  expect(scanNow(h.sessions).print).not.toBe(byLstat.print);
  const changed = await scan(h.sessions);
  expect(changed.print).not.toBe(byFind.print);
  // find's print hashes its whole output: a lock coming changes it too
  writeFileSync(join(h.sessions, '.session-2025-11-02-10-00-00.json.lock'), '1');
  expect((await scan(h.sessions)).print).not.toBe(changed.print);
});

test("find's mtimes are lstat's to the last bit, for any nanoseconds", async () => {
  // Seconds and nanoseconds set exactly (touch -d @s.n): the manifest's mtimeMs must be the
  // number Node's lstat gives, or a refresh would take every file for changed.
  const next = rng(7);
  const stamps = ['0', '999999999', '000000001', '500000000'];
  for (let i = stamps.length; i < 300; i++) {
    stamps.push(String(Math.floor(next() * 1e9)).padStart(9, '0'));
  }
  const commands = stamps.map((ns, i) => {
    const s = String(i % 60).padStart(2, '0');
    const file = join(
      h.sessions,
      `session-2025-11-01-10-${String(Math.floor(i / 60)).padStart(2, '0')}-${s}.json`,
    );
    writeFileSync(file, 'x'.repeat(i));
    return `touch -d @${1_700_000_000 + i * 7919}.${ns} '${file}'`;
  });
  const r = spawnSync('sh', ['-c', commands.join('\n')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);

  const byFind = await scan(h.sessions);
  expect(byFind.by).toBe(BY_FIND);
  expect(byFind.count).toBe(300);
  expect(facts(byFind)).toEqual(facts(scanNow(h.sessions)));
});

test('without a find that does its part, the pass is made by lstat, with the same facts', async () => {
  crowd(h.sessions, FIND_FROM);
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  writeFileSync(join(h.sessions, '.session-2025-11-01-10-00-00.json.lock'), '1');
  const expected = facts(scanNow(h.sessions));
  const cases = {
    'no find': mkdtempSync(join(h.home, 'bin-')),
    'a find that fails': fakeFind(h.home, 'echo "find: no" >&2; exit 1'),
    'a find that prints something else': fakeFind(h.home, "printf '%s\\n' session-*.json"),
    "a find that prints a name that is not a session's": fakeFind(
      h.home,
      "printf 'session-notes.json\\t2\\t1762000000.000000000\\000'",
    ),
    'a find with fewer digits': fakeFind(
      h.home,
      "printf 'session-2025-11-01-10-00-00.json\\t10\\t1762000000.5\\000'",
    ),
  };
  for (const [name, bin] of Object.entries(cases)) {
    const pass = await withPath(bin, () => scan(h.sessions));
    expect({ name, by: pass.by, ...facts(pass) }).toEqual({ name, by: 'lstat', ...expected });
  }
  // a name holding a TAB is not a session's, and find does not print it: its records stay whole
  writeFileSync(join(h.sessions, 'session-2025-11-03-10-00-00.json\tx.json'), '{}');
  const withTab = await scan(h.sessions);
  expect({ by: withTab.by, ...facts(withTab) }).toEqual({ by: BY_FIND, ...expected });
});

test("find's output is checked whole, however long", () => {
  const record = 'session-2025-01-01-00-00-00.json\t10\t1762000000.000000000\0';
  // 400,000 records: past what one pattern repeated over the whole output could take
  const many = record.repeat(400_000);
  expect(findScan('/s', many)?.count).toBe(400_000);
  expect(findScan('/s', `${many}.x.lock\0`)?.locks).toEqual(['.x.lock']);
  // one bad record anywhere, and the pass is made by lstat instead
  expect(findScan('/s', `${many}session-notes.json\t2\t1.000000000\0`)).toBeUndefined();
  expect(findScan('/s', `${record}${record.slice(0, -1)}`)).toBeUndefined();
  expect(findScan('/s', '')?.count).toBe(0);
});

test('a missing directory holds no sessions; one that cannot be read is an error', async () => {
  for (const pass of [scanNow(join(h.home, 'nowhere')), await scan(join(h.home, 'nowhere'))]) {
    expect(pass).toMatchObject({ count: 0, manifest: '', locks: [] });
    expect(manifestEntries(h.home, pass.manifest)).toEqual([]);
  }
  const notADir = join(h.home, 'sessions.txt');
  writeFileSync(notADir, 'not a directory');
  await expect(scan(notADir)).rejects.toThrow(`cannot read sessions directory ${notADir}: `);
});

test('manifestFiles: the files of entryFile over every entry, sorted by path, by either pass', async () => {
  crowd(h.sessions, FIND_FROM);
  // written out of order, a second session in the same second, and fractional mtimes
  for (const [start, at] of [
    ['2025-11-03T10:00:00Z', 1_762_000_000.5],
    ['2025-11-01T10:00:00Z', 1_762_000_001.123456],
    ['2025-11-02T10:00:00Z', 1_762_000_002],
  ] as const) {
    utimesSync(writeSession(h.sessions, { start }), at, at);
  }
  const second = join(h.sessions, 'session-2025-11-01-10-00-00-2.json');
  writeFileSync(second, '{}');
  const byPath = (a: { path: string }, b: { path: string }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  for (const pass of [scanNow(h.sessions), await scan(h.sessions)]) {
    const files = manifestFiles(h.sessions, pass.manifest);
    expect(files).toHaveLength(4);
    expect(files).toEqual(manifestEntries(h.sessions, pass.manifest).map(entryFile).sort(byPath));
    expect(files.find((f) => f.path === second)?.size).toBe(2);
  }
  expect(manifestFiles(h.sessions, '')).toEqual([]);
  expect(manifestFiles(`${h.sessions}/`, 'session-2025-11-01-10-00-00.json\t7\t1.5')).toEqual([
    {
      name: 'session-2025-11-01-10-00-00.json',
      path: join(h.sessions, 'session-2025-11-01-10-00-00.json'),
      size: 7,
      mtimeMs: 1.5,
    },
  ]);
});

test('compareEntries: new and changed files are read again, the rows of missing ones go', () => {
  const e = (name: string, size: number, mtimeMs: number) => `/s/${name}\t${size}\t${mtimeMs}`;
  const before = [e('a', 10, 1), e('b', 20, 2), e('c', 30, 3), e('d', 40, 4)];
  const now = [e('a', 10, 1), e('b', 21, 2), e('c', 30, 3.5), e('e', 50, 5)];
  const { changed, outdated, gone } = compareEntries(before, now);
  expect(changed).toEqual([
    { name: 'b', path: '/s/b', size: 21, mtimeMs: 2 },
    { name: 'c', path: '/s/c', size: 30, mtimeMs: 3.5 },
    { name: 'e', path: '/s/e', size: 50, mtimeMs: 5 },
  ]);
  expect(outdated).toEqual(['/s/b', '/s/c', '/s/d']);
  expect(gone).toBe(1);
  // the same from two manifests' lines, each led by the directory
  const lines = (entries: string[]) => entries.map((x) => x.slice('/s/'.length));
  expect(compareEntries(lines(before), lines(now), '/s/')).toEqual({ changed, outdated, gone });
  expect(compareEntries(now, now)).toEqual({ changed: [], outdated: [], gone: 0 });
});

test('a held pass goes to the next refresh of its directory once, and is let go after', async () => {
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  const held = await scan(h.sessions);
  holdScan(held);
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  // the refresh that computes the cached answer sees what the answer's key was taken from
  expect(await scan(h.sessions)).toBe(held);
  const fresh = await scan(h.sessions);
  expect(fresh.count).toBe(2);
  // a held pass no one took (a replayed answer) is let go, never served later
  const again = await scan(h.sessions);
  holdScan(again);
  releaseScan(again);
  writeSession(h.sessions, { start: '2025-11-03T10:00:00Z' });
  expect((await scan(h.sessions)).count).toBe(3);
});

test('the same pass from a worker thread, and from a process whose working directory is gone', async () => {
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  writeFileSync(join(h.sessions, '.session-2025-11-01-10-00-00.json.lock'), '1');
  const here = scanNow(h.sessions);
  const scanJs = pathToFileURL(join(ROOT, 'dist', 'analytics', 'scan.js')).href;
  const script = `const { scanNow } = await import(${JSON.stringify(scanJs)});`;

  // a worker cannot change directory: it stats by full path
  const fromWorker = await new Promise((resolve, reject) => {
    const w = new Worker(
      `import(${JSON.stringify(scanJs)}).then(({ scanNow }) =>
         require('node:worker_threads').parentPort.postMessage(scanNow(${JSON.stringify(h.sessions)})));`,
      { eval: true },
    );
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
  expect(fromWorker).toEqual(here);

  // a working directory removed under the process: the pass is made by full path
  const gone = join(h.home, 'gone');
  mkdirSync(gone);
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { rmdirSync } from 'node:fs';
       process.chdir(${JSON.stringify(gone)});
       rmdirSync(${JSON.stringify(gone)});
       ${script}
       process.stdout.write(JSON.stringify(scanNow(${JSON.stringify(h.sessions)})));`,
    ],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(here);
});

test("list's count of session names, and the pass set going once the index will serve it", async () => {
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  writeFileSync(join(h.sessions, 'notes.json'), '{}');
  writeFileSync(join(h.sessions, '.session-2025-11-01-10-00-00.json.lock'), String(process.pid));
  crowd(h.sessions, FIND_FROM);
  expect(holdsSessionFiles(join(h.home, 'missing'), 1)).toBe(false);
  expect(holdsSessionFiles(h.sessions, 3)).toBe(false);
  expect(holdsSessionFiles(h.sessions, 2)).toBe(true);

  // Each run of find is counted: counting runs none; the pass set going by prepareScan is the
  // one the index takes, and one set going for a held pass's directory is none.
  const { bin: counting, runs: finds } = countingFind(h.home);
  const taken = await withPath(counting, async () => {
    expect(holdsSessionFiles(h.sessions, 2)).toBe(true);
    prepareScan(h.sessions);
    // find runs from then on, before the index asks for the pass
    if (BY_FIND === 'find') await until(() => finds() === 1);
    return scan(h.sessions);
  });
  expect({ by: taken.by, ...facts(taken) }).toEqual({ by: BY_FIND, ...facts(scanNow(h.sessions)) });
  expect(finds()).toBe(BY_FIND === 'find' ? 1 : 0);

  // a held pass answers without reading the directory, and is what the index takes
  const held = await scan(h.sessions);
  holdScan(held);
  writeSession(h.sessions, { start: '2025-11-04T10:00:00Z' });
  expect(holdsSessionFiles(h.sessions, 3)).toBe(false);
  await withPath(counting, async () => prepareScan(h.sessions));
  expect(await scan(h.sessions)).toBe(held);
  expect(finds()).toBe(BY_FIND === 'find' ? 1 : 0);
  expect((await scan(h.sessions)).count).toBe(3);
});

test('a directory of fewer entries than FIND_FROM is passed by lstat, sooner than find starts', async () => {
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  crowd(h.sessions, FIND_FROM - 2);
  expect((await scan(h.sessions)).by).toBe('lstat');
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  const pass = await scan(h.sessions);
  expect(pass.by).toBe(BY_FIND);
  expect(facts(pass)).toEqual(facts(scanNow(h.sessions)));
});

test('the changes from the lines of another pass are those of the two as sets, whatever their order', () => {
  const random = rng(23);
  const pick = (n: number) => Math.floor(random() * n);
  const start = Date.UTC(2025, 0, 1);
  let made = 0;
  const newRecord = () => {
    const name = `session-${new Date(start + 1000 * made++).toISOString().slice(0, 19).replace(/[T:]/g, '-')}.json`;
    return `${name}\t${pick(100_000)}\t${1_700_000_000 + pick(100_000_000)}.${String(pick(1e9)).padStart(9, '0')}`;
  };
  const changed = (record: string) => {
    const [name, size, mtime] = record.split('\t');
    return random() < 0.5
      ? `${name}\t${Number(size) + 1}\t${mtime}`
      : `${name}\t${size}\t${Number(mtime?.slice(0, 10)) + 1}${mtime?.slice(10)}`;
  };
  const printed = (records: string[]) =>
    records.map((r) => `${r}\0`).join('') + (random() < 0.3 ? `.${records[0] ?? 'x'}.lock\0` : '');
  const manifestOf = (records: string[]) => (findScan('/s', printed(records)) as Scan).manifest;
  for (let trial = 0; trial < 400; trial++) {
    const was = Array.from({ length: pick(60) }, newRecord);
    const now = [...was];
    const edits = pick(6);
    for (let e = 0; e < edits; e++) {
      const op = pick(5);
      const at = pick(now.length + 1);
      if (op === 0 || now.length === 0) now.splice(at, 0, newRecord());
      else if (op === 1) now.splice(Math.min(at, now.length - 1), 1);
      else if (op === 2)
        now[Math.min(at, now.length - 1)] = changed(now[Math.min(at, now.length - 1)] as string);
      else if (op === 3)
        now.splice(pick(now.length + 1), 0, ...now.splice(Math.min(at, now.length - 1), 1));
      else now.sort(() => random() - 0.5);
    }
    const wasLines = manifestOf(was)
      .split('\n')
      .filter((l) => l !== '');
    const nowLines = manifestOf(now)
      .split('\n')
      .filter((l) => l !== '');
    const added = nowLines.filter((l) => !wasLines.includes(l));
    const removed = wasLines.filter((l) => !nowLines.includes(l));
    const lstatPass: Scan = {
      dir: '/s',
      manifest: nowLines.join('\n'),
      print: '',
      count: nowLines.length,
      locks: [],
      by: 'lstat',
    };
    for (const most of [0, 2, 100]) {
      const expected =
        added.length > most || removed.length > most ? undefined : { added, removed };
      const sorted = (c: { added: string[]; removed: string[] } | undefined) =>
        c && { added: [...c.added].sort(), removed: [...c.removed].sort() };
      const label = `trial ${trial}, most ${most}`;
      expect(
        sorted(manifestChanges(findScan('/s', printed(now)) as Scan, wasLines, most)),
        label,
      ).toEqual(sorted(expected));
      expect(sorted(manifestChanges(lstatPass, wasLines, most)), label).toEqual(sorted(expected));
      // compared with the other pass as it was made
      const findText = scanText(findScan('/s', printed(was)) as Scan) as string;
      expect(
        sorted(
          textChanges(findScan('/s', printed(now)) as Scan, { by: 'find', text: findText }, most),
        ),
        label,
      ).toEqual(sorted(expected));
      expect(
        sorted(textChanges(lstatPass, { by: 'lstat', text: wasLines.join('\n') }, most)),
        label,
      ).toEqual(sorted(expected));
    }
  }
});

test('stats and cost set find going before the program loads, and their pass takes it', async () => {
  crowd(h.sessions, FIND_FROM);
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  const other = join(h.home, 'other');
  mkdirSync(other);
  crowd(other, FIND_FROM);
  const argv = (...rest: string[]) => [process.execPath, 'grok', 'sessions', ...rest];
  // in this process: the pass of the directory named, taken once, as find makes it
  findEarly(argv('stats', '--sessions-dir', other), h.env);
  expect(takeEarlyFind(h.sessions)).toBeUndefined();
  const early = takeEarlyFind(resolve(other));
  expect(takeEarlyFind(resolve(other))).toBeUndefined();
  if (BY_FIND === 'find') {
    const pass = findScan(other, (await early?.out) as string) as Scan;
    expect(facts(pass)).toEqual(facts(scanNow(other)));
  } else expect(early).toBeUndefined();
  // none for other commands, for help, or below FIND_FROM entries
  for (const args of [
    argv('list'),
    argv('stats', '--help'),
    argv('cost', '--sessions-dir', h.home),
  ]) {
    findEarly(args, h.env);
    expect(takeEarlyFind(h.sessions) ?? takeEarlyFind(h.home), args.join(' ')).toBeUndefined();
  }
  // a whole process runs find once, and answers from its pass
  const { bin: counting, runs: finds } = countingFind(h.home);
  const env = { ...h.env, PATH: counting, GROK_NO_ANSWER_CACHE: '1' };
  for (const [args, sessions] of [
    [['stats', '--json'], 1],
    [['cost', '--json', `--sessions-dir=${other}`], 0],
  ] as const) {
    const before = finds();
    const r = spawnSync(process.execPath, [BIN, 'sessions', ...args], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    if (args[0] === 'stats') expect(JSON.parse(r.stdout).sessions).toBe(sessions);
    expect(finds() - before, args.join(' ')).toBe(BY_FIND === 'find' ? 1 : 0);
  }
});

test('records sharing their ends with others are compared whole', () => {
  const r = (name: string) => `session-2025-01-01-00-00-00${name}.json\t1\t1762000000.000000000\0`;
  const was = findScan('/s', `${r('-1')}${r('-22')}${r('')}`) as Scan;
  const now = findScan('/s', `${r('-3')}${r('-122')}${r('')}`) as Scan;
  const lines = (s: Scan) => s.manifest.split('\n');
  const changes = textChanges(now, { by: 'find', text: scanText(was) as string }, 10);
  expect(changes && { added: changes.added.sort(), removed: changes.removed.sort() }).toEqual({
    added: lines(now).slice(0, 2).sort(),
    removed: lines(was).slice(0, 2).sort(),
  });
});
