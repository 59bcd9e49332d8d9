import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, ROOT, runGrok, type TempHome } from '../helpers.js';
import { sampleSession } from '../sample-session.js';

const STORE = pathToFileURL(join(ROOT, 'dist', 'session', 'store.js')).href;

/** Saves a session from a separate node process running under `umask`. */
function saveUnderUmask(umask: number, path: string): { status: number | null; stderr: string } {
  const script = `
    process.umask(${umask});
    const { saveSessionFile } = await import(${JSON.stringify(STORE)});
    await saveSessionFile(${JSON.stringify(path)}, ${JSON.stringify(sampleSession())});
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr };
}

const mode = (p: string) => statSync(p).mode & 0o777;

function canMount(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'grok-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return ok;
}

describe('atomic private writes', () => {
  let home: TempHome;
  afterEach(() => home.cleanup());

  for (const umask of [0o000, 0o077, 0o022]) {
    it(`gives 0600 files in a 0700 directory under umask ${umask.toString(8).padStart(3, '0')}`, () => {
      home = makeHome({ withSessions: false });
      const file = join(home.sessions, 'nested', 'session-2025-11-05-14-30-12.json');
      const r = saveUnderUmask(umask, file);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(mode(file)).toBe(0o600);
      expect(mode(join(home.sessions, 'nested'))).toBe(0o700);
      expect(mode(home.sessions)).toBe(0o700);
      expect(JSON.parse(readFileSync(file, 'utf8')).sessionId).toBe('session-2025-11-05-14-30-12');
      expect(readdirSync(join(home.sessions, 'nested'))).toEqual([
        'session-2025-11-05-14-30-12.json',
      ]);
    });
  }

  it('saves a bare file name into the working directory and makes no other folder', () => {
    home = makeHome({ withSessions: false });
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { saveSessionFile } = await import(${JSON.stringify(STORE)});
         await saveSessionFile('x.json', ${JSON.stringify(sampleSession())});`,
      ],
      { cwd: home.home, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(home.home)).toEqual(['x.json']);
    expect(mode(join(home.home, 'x.json'))).toBe(0o600);
  });

  it('leaves the old file intact when the process dies between the temp write and the rename', () => {
    home = makeHome();
    const file = join(home.sessions, 'session-2025-11-05-14-30-12.json');
    const before = `${JSON.stringify(sampleSession(), null, 2)}\n`;
    writeFileSync(file, before);
    const r = runGrok(['sessions', 'tag', 'latest', 'crashy'], {
      ...home.env,
      GROK_FAULT: 'crash-before-rename',
    });
    expect(r.code).toBeNull(); // killed by SIGKILL
    expect(readFileSync(file, 'utf8')).toBe(before);
    // The complete temp file is left behind (doctor reports it); it is never read as a session.
    const left = readdirSync(home.sessions).filter((n) => n.endsWith('.tmp'));
    expect(left).toHaveLength(1);
    const list = runGrok(['sessions', 'list', '--json'], home.env);
    expect(JSON.parse(list.stdout).sessions).toHaveLength(1);
  });

  const mountable = canMount();
  it.skipIf(!mountable)(
    'fails in a read-only directory with one line and the old file unchanged',
    () => {
      home = makeHome();
      const file = join(home.sessions, 'session-2025-11-05-14-30-12.json');
      const before = `${JSON.stringify(sampleSession(), null, 2)}\n`;
      expect(
        spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', home.sessions]).status,
      ).toBe(0);
      try {
        writeFileSync(file, before);
        expect(spawnSync('mount', ['-o', 'remount,ro', home.sessions]).status).toBe(0);
        const r = runGrok(['sessions', 'rename', 'latest', 'new-name'], home.env);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          'grok: could not save session-2025-11-05-14-30-12.json: read-only file system; the previous version is unchanged\n',
        );
        expect(readFileSync(file, 'utf8')).toBe(before);
      } finally {
        spawnSync('umount', [home.sessions]);
      }
    },
  );

  it.skipIf(!mountable)(
    'fails on a full disk with one line, the old file unchanged and no temp file left',
    () => {
      home = makeHome();
      const file = join(home.sessions, 'session-2025-11-05-14-30-12.json');
      expect(
        spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', home.sessions]).status,
      ).toBe(0);
      try {
        // A session that fits once but not twice: the rewrite needs room for the temp copy.
        const big = sampleSession({ messages: [{ role: 'system', content: 'x'.repeat(18_000) }] });
        const before = `${JSON.stringify(big, null, 2)}\n`;
        writeFileSync(file, before);
        const r = runGrok(['sessions', 'tag', 'latest', 'big'], home.env);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          'grok: could not save session-2025-11-05-14-30-12.json: no space left on device; the previous version is unchanged\n',
        );
        expect(readFileSync(file, 'utf8')).toBe(before);
        expect(readdirSync(home.sessions)).toEqual(['session-2025-11-05-14-30-12.json']);
      } finally {
        spawnSync('umount', [home.sessions]);
      }
    },
  );

  it('a tag keeps a lone surrogate it does not touch, byte for byte', () => {
    home = makeHome();
    const file = join(home.sessions, 'session-2025-11-05-14-30-12.json');
    const text = JSON.stringify(sampleSession()).replace(
      'analyze authentication flow',
      'cut emoji \\ud83d',
    );
    writeFileSync(file, text);
    const r = runGrok(['sessions', 'tag', 'latest', 'ok'], home.env);
    expect(r.stderr).toBe('');
    // only the tags are new: the escape a writer left is the user's, not the tag's, to change
    expect(readFileSync(file, 'utf8')).toBe(`${text.slice(0, -1)},"tags":["ok"]}`);
    expect(existsSync(file)).toBe(true);
  });
});
