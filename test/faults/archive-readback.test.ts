/**
 * Defence in depth behind the archive lock: before removing any original, `archive` reads the
 * month archive back as it is on disk after its rename. Here another writer (one that ignores
 * the lock, as an older grok would) renames its own copy over the archive right after ours.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyArchive, planArchive } from '../../src/maintenance/archive.js';
import { inventory } from '../../src/maintenance/select.js';
import type * as tarball from '../../src/maintenance/tarball.js';
import { writeSession } from '../analytics/sessions.js';

const rival = vi.hoisted(() => ({ members: undefined as tarball.ArchiveMember[] | undefined }));

vi.mock('../../src/maintenance/tarball.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/maintenance/tarball.js')>();
  return {
    ...real,
    writeVerifiedArchive: async (target: string, members: readonly tarball.ArchiveMember[]) => {
      await real.writeVerifiedArchive(target, members);
      // the other writer's rename lands just after ours
      if (rival.members) await real.writeVerifiedArchive(target, rival.members);
    },
  };
});

describe('archive reads back what is on disk before removing originals', () => {
  let dir: string;
  let sessions: string;
  let archives: string;
  const originals = new Map<string, Buffer>();
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'grok-readback-'));
    sessions = join(dir, 'sessions');
    archives = join(dir, 'archives');
    mkdirSync(sessions, { mode: 0o700 });
    originals.clear();
    for (const day of ['01', '02', '03']) {
      const path = writeSession(sessions, { start: `2025-10-${day}T09:00:00Z` });
      originals.set(path.split('/').pop() as string, readFileSync(path));
    }
    rival.members = undefined;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async () => {
    const { candidates } = await inventory(sessions, new Date('2026-01-01T00:00:00Z'));
    return applyArchive(archives, planArchive(archives, candidates), {
      keepOriginals: false,
      dryRun: false,
    });
  };

  it('keeps every session the archive on disk no longer holds', async () => {
    rival.members = [{ name: 'session-2025-10-20-09-00-00.json', data: Buffer.from('{}') }];
    const out = await run();
    expect(out.removed).toEqual([]);
    expect(out.failed).toEqual(
      [...originals.keys()].map((file) => ({
        file,
        reason:
          '2025-10.tar.gz on disk does not hold it (rewritten by another process?): session kept',
      })),
    );
    for (const [name, bytes] of originals)
      expect(readFileSync(join(sessions, name)).equals(bytes)).toBe(true);
  });

  it('removes only the sessions it finds there, byte for byte', async () => {
    const names = [...originals.keys()];
    // the other copy holds the first session as ours does, the second with other bytes
    rival.members = [
      { name: names[0] as string, data: originals.get(names[0] as string) as Buffer },
      { name: names[1] as string, data: Buffer.from('{"changed":true}') },
    ];
    const out = await run();
    expect(out.removed).toEqual([names[0]]);
    expect(out.failed.map((f) => f.file)).toEqual([names[1], names[2]]);
    expect(readdirSync(sessions).sort()).toEqual([names[1], names[2]]);
  });

  it('with nobody else writing, every original goes once the archive holds it', async () => {
    const out = await run();
    expect(out.failed).toEqual([]);
    expect(out.removed.sort()).toEqual([...originals.keys()].sort());
    expect(readdirSync(sessions)).toEqual([]);
  });
});
