/**
 * The stat pass every analytics command starts with: the session files directly in a directory
 * (regular files matching the session pattern, symlinks never followed, as src/session/discover.ts)
 * with their sizes and mtimes, the lock files beside them, and a hash of it all. No imports of
 * ours, so the helper thread that runs it (scan-worker.cts) loads it at little cost; scan.ts runs
 * the same function on the main thread.
 *
 * Synchronous calls on purpose: for 10,000 files a loop of lstatSync takes ~70 ms where 10,000
 * concurrent fs/promises lstat calls take ~280 ms.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { sep } from 'node:path';

export interface StatPass {
  /**
   * One line per session file, `name TAB size TAB mtimeMs` (session names hold neither tabs nor
   * newlines), sorted by name and joined by newlines: what the index is refreshed from.
   */
  manifest: string;
  /** A hash of the manifest: equal prints mean nothing changed. */
  print: string;
  /** How many session files there are. */
  count: number;
  /** The lock files (`.<session file>.lock`) in the directory, sorted. */
  locks: string[];
}

/**
 * Who does a pass begun on a helper thread (scan-worker.cts), in one Int32 over a
 * SharedArrayBuffer: the helper claims it (IDLE to TAKEN) when it is ready to start, unless this
 * thread, needing the pass before then, has claimed it first (IDLE to CLOSED) and does it itself.
 * Never both: two threads stat-ing one directory are barely faster than one.
 */
export const IDLE = 0;
export const TAKEN = 1;
export const CLOSED = 2;

/** A directory's entries; a missing directory has none, other errors are thrown. */
function listing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * A missing directory holds no sessions; the fs error of an unreadable one is thrown for the
 * caller to name.
 */
export function statPass(dir: string, pattern: RegExp): StatPass {
  // Names only, and paths by concatenation: Dirent objects and path.join cost more than the
  // lstat calls themselves over thousands of files.
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  const lines: string[] = [];
  const locks: string[] = [];
  for (const name of listing(dir)) {
    if (!pattern.test(name)) {
      if (name.startsWith('.') && name.endsWith('.lock')) locks.push(name);
      continue;
    }
    const st = lstatSync(prefix + name, { throwIfNoEntry: false });
    if (st?.isFile()) lines.push(`${name}\t${st.size}\t${st.mtimeMs}`);
  }
  // Hashed in one call: ten thousand small hash updates cost several times as much.
  const manifest = lines.sort().join('\n');
  return {
    manifest,
    print: createHash('sha256').update(manifest).digest('hex'),
    count: lines.length,
    locks: locks.sort(),
  };
}
