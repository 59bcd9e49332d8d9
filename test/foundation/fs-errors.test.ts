/** File-system errors read as a short reason; the caller's message names the file. */
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFsError, UserError } from '../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'grok-fs-errors-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The error a real call throws. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('describeFsError', () => {
  it.each([
    ['a missing file', () => readFileSync(join(dir, 'absent.json')), 'no such file or directory'],
    ['a directory read as a file', () => readFileSync(dir), 'is a directory'],
    [
      'a file used as a directory',
      () => {
        writeFileSync(join(dir, 'f'), '');
        return readFileSync(join(dir, 'f', 'x'));
      },
      'not a directory',
    ],
    [
      'a name too long (no short form of its own)',
      () => openSync(join(dir, 'n'.repeat(300)), 'r'),
      'name too long',
    ],
  ])('%s', (_what, call, reason) => {
    expect(describeFsError(thrown(call))).toBe(reason);
  });

  it('keeps the message of an error that is not a system error', () => {
    expect(describeFsError(new UserError('archive.tar.gz is damaged'))).toBe(
      'archive.tar.gz is damaged',
    );
    expect(describeFsError('plain')).toBe('plain');
  });
});
