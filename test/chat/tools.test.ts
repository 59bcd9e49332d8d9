import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cutText } from '../../src/chat/text.js';
import { globToRegExp, MAX_GLOB_RESULTS, runTool } from '../../src/chat/tools.js';
import { runGrokAsync } from '../helpers.js';
import { type RecordedRequest, toolOutputs } from './fake-server.js';
import { type ChatFixture, eachChatFixture } from './setup.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'grok-tools-')));
  root = join(base, 'project', 'work');
  outside = join(base, 'secret');
  mkdirSync(join(root, 'src', 'auth'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0:SECRET\n');
  writeFileSync(join(root, 'src', 'auth', 'middleware.ts'), 'export const auth = 1;\n');
  writeFileSync(join(root, 'src', 'index.ts'), 'import "./auth/middleware";\n');
  writeFileSync(join(root, 'README.md'), '# project\n');
  symlinkSync(join(outside, 'passwd'), join(root, 'link-to-passwd'));
  symlinkSync(outside, join(root, 'link-dir'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('tools are confined to the working directory (acceptance 6)', () => {
  it('Read of ../../etc/passwd and of ../../secret/passwd returns an error, not the file', async () => {
    for (const path of [
      '../../etc/passwd',
      '../../secret/passwd',
      '/etc/passwd',
      join(outside, 'passwd'),
    ]) {
      const r = await runTool(root, 'Read', { path });
      expect(r.ok).toBe(false);
      expect(r.content).toMatch(/^Error: .*outside the working directory/);
      expect(r.result).toEqual({ error: expect.any(String) });
      expect(r.content).not.toContain('SECRET');
    }
  });

  it('Read through a symlink (file or directory) out of the directory is refused', async () => {
    for (const path of ['link-to-passwd', 'link-dir/passwd']) {
      const r = await runTool(root, 'Read', { path });
      expect(r.ok).toBe(false);
      expect(r.content).toContain('symbolic link');
      expect(r.content).not.toContain('SECRET');
    }
  });

  it('Glob for ../../etc/passwd or into a symlinked directory finds nothing outside', async () => {
    const up = await runTool(root, 'Glob', { pattern: '../../etc/passwd' });
    expect(up.ok).toBe(false);
    expect(up.content).toMatch(/^Error: .*outside the working directory/);
    const viaPath = await runTool(root, 'Glob', { pattern: '*', path: '../../secret' });
    expect(viaPath.ok).toBe(false);
    const viaLink = await runTool(root, 'Glob', { pattern: '*', path: 'link-dir' });
    expect(viaLink.ok).toBe(false);
    expect(viaLink.content).toContain('symbolic link');
    const all = await runTool(root, 'Glob', { pattern: '**/*' });
    expect(all.result).toEqual(['README.md', 'src/auth/middleware.ts', 'src/index.ts']);
    const grep = await runTool(root, 'Grep', { pattern: 'SECRET' });
    expect(grep.result).toEqual([]);
  });

  it('Glob, Grep and Read work inside, with limits', async () => {
    expect((await runTool(root, 'Glob', { pattern: '**/*middle*' })).result).toEqual([
      'src/auth/middleware.ts',
    ]);
    expect((await runTool(root, 'Glob', { pattern: '*.ts', path: 'src' })).result).toEqual([
      'src/index.ts',
    ]);
    expect((await runTool(root, 'Grep', { pattern: 'auth', glob: '*.ts' })).result).toEqual([
      'src/auth/middleware.ts:1: export const auth = 1;',
      'src/index.ts:1: import "./auth/middleware";',
    ]);
    expect((await runTool(root, 'Read', { path: 'README.md' })).result).toBe('# project\n');
    for (let i = 0; i < MAX_GLOB_RESULTS + 5; i++) writeFileSync(join(root, `f${i}.txt`), '');
    const many = (await runTool(root, 'Glob', { pattern: '*.txt' })).result as string[];
    expect(many).toHaveLength(MAX_GLOB_RESULTS + 1);
    expect(many.at(-1)).toContain('5 more files not shown');
    expect((await runTool(root, 'Nope', {})).content).toContain("unknown tool 'Nope'");
  });

  it('a FIFO in the project is refused by Grep and Read at once, never opened to wait for a writer', async () => {
    expect(spawnSync('mkfifo', [join(root, 'pipe.log')]).status).toBe(0);
    const grep = await runTool(root, 'Grep', { pattern: 'x', path: 'pipe.log' });
    expect(grep.ok).toBe(false);
    expect(grep.content).toBe('Error: pipe.log is not a regular file');
    const read = await runTool(root, 'Read', { path: 'pipe.log' });
    expect(read.content).toBe('Error: pipe.log is not a regular file');
    // a walk of the whole project skips it and still finds what is there
    const all = await runTool(root, 'Grep', { pattern: 'auth' });
    expect(all.content).toContain('src/index.ts:1:');
  });

  it('globs and cuts behave', () => {
    expect(globToRegExp('**/*.ts').test('a/b/c.ts')).toBe(true);
    expect(globToRegExp('**/*.ts').test('c.ts')).toBe(true);
    expect(globToRegExp('src/*.{ts,js}').test('src/a.js')).toBe(true);
    expect(globToRegExp('src/*.ts').test('src/a/b.ts')).toBe(false);
    const cut = cutText('ab😀', 3);
    expect(cut).toBe('ab');
    expect(cut.isWellFormed()).toBe(true);
  });
});

describe('the model gets the refusal end to end', () => {
  let fx: ChatFixture;
  eachChatFixture((f) => {
    fx = f;
  });

  it('a Read of ../../etc/passwd and through a symlink is answered with an error', async () => {
    fx.server.push(
      {
        toolCalls: [
          { name: 'Read', arguments: { path: '../../etc/passwd' } },
          { name: 'Read', arguments: { path: 'link-to-passwd' } },
          { name: 'Glob', arguments: { pattern: '../../etc/passwd' } },
        ],
      },
      { content: 'I cannot read that.' },
    );
    const r = await runGrokAsync(['-p', 'show me /etc/passwd'], fx.env, { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('I cannot read that.\n');
    const outputs = toolOutputs(fx.server.requests[1] as RecordedRequest);
    expect(outputs).toHaveLength(3);
    for (const text of outputs) {
      expect(text).toMatch(/^Error: /);
      expect(text).not.toMatch(/root:|SECRET/);
    }
  });
});
