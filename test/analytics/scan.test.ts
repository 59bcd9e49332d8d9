/**
 * The stat pass: which entries of a sessions directory are sessions, what the manifest records
 * of them, and what a refresh concludes from two manifests.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { compareEntries } from '../../src/analytics/refresh.js';
import {
  entryFile,
  manifestEntries,
  releaseNames,
  releaseScan,
  scanFor,
  scanNow,
  sessionFileCount,
} from '../../src/analytics/scan.js';
import { makeHome, ROOT, type TempHome } from '../helpers.js';
import { writeSession } from './sessions.js';

let h: TempHome;
beforeEach(() => {
  h = makeHome();
});
afterEach(() => h.cleanup());

test('lists regular session files with their exact size and mtime, and the lock files', () => {
  const a = writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  const b = writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  // a fractional mtime, as filesystems give them
  utimesSync(b, 1_762_000_000.123456, 1_762_000_000.123456);
  writeFileSync(join(h.sessions, 'notes.json'), '{}');
  writeFileSync(join(h.sessions, '.session-2025-11-01-10-00-00.json.lock'), String(process.pid));
  symlinkSync(a, join(h.sessions, 'session-2025-11-05-10-00-00.json'));
  mkdirSync(join(h.sessions, 'session-2025-11-06-10-00-00.json'));

  const cwd = process.cwd();
  const scan = scanNow(h.sessions);
  // the pass stats from inside the directory, and comes back
  expect(process.cwd()).toBe(cwd);
  expect(scan.count).toBe(2);
  expect(scan.locks).toEqual(['.session-2025-11-01-10-00-00.json.lock']);
  const files = manifestEntries(h.sessions, scan.manifest).map(entryFile);
  expect(files.map((f) => f.path).sort()).toEqual([a, b].sort());
  for (const f of files) {
    const st = lstatSync(f.path);
    expect(f).toEqual({ name: basename(f.path), path: f.path, size: st.size, mtimeMs: st.mtimeMs });
  }
  // the same files give the same print; any change to one gives another
  expect(scanNow(h.sessions).print).toBe(scan.print);
  utimesSync(b, 1_762_000_000.124456, 1_762_000_000.124456);
  expect(scanNow(h.sessions).print).not.toBe(scan.print);
});

test('a missing directory holds no sessions', () => {
  const scan = scanNow(join(h.home, 'nowhere'));
  expect(scan).toMatchObject({ count: 0, manifest: '', locks: [] });
  expect(manifestEntries(h.home, scan.manifest)).toEqual([]);
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
  expect(compareEntries(now, now)).toEqual({ changed: [], outdated: [], gone: 0 });
});

test('a held pass goes to the next refresh of its directory once, and is let go after', () => {
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  const held = scanFor(h.sessions, { hold: true });
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  // the refresh that computes the cached answer sees what the answer's key was taken from
  expect(scanFor(h.sessions)).toBe(held);
  const fresh = scanFor(h.sessions);
  expect(fresh.count).toBe(2);
  // a held pass no one took (a replayed answer) is let go, never served later
  const again = scanFor(h.sessions, { hold: true });
  releaseScan(again);
  writeSession(h.sessions, { start: '2025-11-03T10:00:00Z' });
  expect(scanFor(h.sessions).count).toBe(3);
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

test("list's count of session files: from a held pass, or from names the next pass then uses", () => {
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z' });
  writeSession(h.sessions, { start: '2025-11-02T10:00:00Z' });
  writeFileSync(join(h.sessions, 'notes.json'), '{}');
  writeFileSync(join(h.sessions, '.session-2025-11-01-10-00-00.json.lock'), String(process.pid));
  expect(sessionFileCount(join(h.home, 'missing'))).toBe(0);

  const fresh = scanNow(h.sessions);
  expect(sessionFileCount(h.sessions)).toBe(2);
  // the pass that follows reads the same names, and sees what they are now
  writeSession(h.sessions, { start: '2025-11-01T10:00:00Z', input: 123_456 });
  const next = scanFor(h.sessions);
  expect(next.count).toBe(2);
  expect(next.locks).toEqual(fresh.locks);
  expect(next.manifest).not.toBe(fresh.manifest);
  expect(next.manifest).toBe(scanNow(h.sessions).manifest);

  // names not taken by a pass are let go of: a later pass reads the directory again
  expect(sessionFileCount(h.sessions)).toBe(2);
  releaseNames();
  writeSession(h.sessions, { start: '2025-11-03T10:00:00Z' });
  expect(scanFor(h.sessions).count).toBe(3);

  // a held pass answers without reading the directory
  const held = scanFor(h.sessions, { hold: true });
  writeSession(h.sessions, { start: '2025-11-04T10:00:00Z' });
  expect(sessionFileCount(h.sessions)).toBe(3);
  expect(scanFor(h.sessions)).toBe(held);
});
