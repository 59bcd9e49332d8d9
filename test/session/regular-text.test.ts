/**
 * readRegularTextSync reads every session file of a build into one buffer kept from file to
 * file: each text must be its own file's, whatever size the files before it had.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { NotRegularFileError, readRegularTextSync } from '../../src/session/regular-file.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'grok-text-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('each text is its own file, after larger and smaller files, and past the kept size', () => {
  const dir = tempDir();
  // a large file, then smaller ones (no tail of the large one may show), then one past the
  // buffer kept between files (16 MiB), then a small one again; UTF-8 of several widths
  const texts = [
    `{"a":"${'x'.repeat(3_000_000)}"}`,
    '{"b":1}',
    '',
    `{"c":"é€😀${'y'.repeat(100)}"}`,
    `{"d":"${'z'.repeat(20_000_000)}"}`,
    '{"e":"\u00e9"}',
  ];
  texts.forEach((text, i) => {
    const path = join(dir, `f${i}.json`);
    writeFileSync(path, text);
    const read = readRegularTextSync(path);
    expect(read.text).toBe(readFileSync(path, 'utf8'));
    expect(read.size).toBe(Buffer.byteLength(text));
  });
});

test('a symlink and a directory are refused, not followed or read', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'real.json'), '{}');
  symlinkSync(join(dir, 'real.json'), join(dir, 'link.json'));
  mkdirSync(join(dir, 'sub.json'));
  expect(() => readRegularTextSync(join(dir, 'link.json'))).toThrow(NotRegularFileError);
  expect(() => readRegularTextSync(join(dir, 'sub.json'))).toThrow(NotRegularFileError);
});
