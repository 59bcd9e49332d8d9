/**
 * The stat pass of a refresh: the same rule as src/session/discover.ts (regular files matching
 * the session pattern, directly in the directory, symlinks never followed), done with
 * synchronous calls: for 10,000 files a loop of lstatSync takes ~70 ms where 10,000 concurrent
 * fs/promises lstat calls take ~280 ms, and this pass runs on every analytics command.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeFsError, UserError } from '../errors.js';
import { isSessionFileName, SESSION_FILE_PATTERN } from '../session/paths.js';

export interface ScannedFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export function scanSessionFiles(dir: string): ScannedFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`cannot read sessions directory ${dir}: ${describeFsError(error)}`);
  }
  // Names only, and the path by concatenation: Dirent objects and path.join cost more than the
  // lstat calls themselves over thousands of files.
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  const files: ScannedFile[] = [];
  for (const name of names) {
    if (!isSessionFileName(name)) continue;
    const path = prefix + name;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st?.isFile()) files.push({ name, path, size: st.size, mtimeMs: st.mtimeMs });
  }
  return files;
}

const prints = new WeakMap<readonly ScannedFile[], string>();

/** One hash of every file's name, size and mtime: equal fingerprints mean nothing changed. */
export function fingerprint(files: readonly ScannedFile[]): string {
  const known = prints.get(files);
  if (known !== undefined) return known;
  // One line per file, sorted (names are unique, and the NUL after each sorts first), hashed in
  // one call: ten thousand small hash updates cost several times as much.
  const lines = files.map((f) => `${f.name}\0${f.size}\0${f.mtimeMs}`).sort();
  const print = createHash('sha256').update(lines.join('\n')).digest('hex');
  prints.set(files, print);
  return print;
}

/** A stat pass this process has just made (the answer cache's), reused by the refresh. */
let recent: { dir: string; files: ScannedFile[] } | undefined;

export function scanSessionFilesNow(dir: string): ScannedFile[] {
  const files = scanSessionFiles(dir);
  recent = { dir, files };
  return files;
}

/**
 * The stat pass on a worker thread, started before DuckDB is loaded: loading DuckDB (a synchronous
 * require of a native module) and stat-ing thousands of files then overlap on two cores. Inline
 * when there is no compiled worker (tests running the TypeScript sources). Errors are those of
 * scanSessionFiles: a missing directory is empty, an unreadable one a UserError.
 */
export function scanInBackground(dir: string): Promise<ScannedFile[]> {
  if (recent?.dir === dir) {
    const { files } = recent;
    recent = undefined;
    return Promise.resolve(files);
  }
  const url = new URL('./scan-worker.cjs', import.meta.url);
  if (url.protocol !== 'file:' || !import.meta.url.endsWith('.js')) {
    return new Promise((resolve) => resolve(scanSessionFiles(dir)));
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(url), {
      workerData: { dir, pattern: SESSION_FILE_PATTERN.source },
    });
    worker.once('message', (m: { files?: ScannedFile[]; code?: string }) => {
      if (m.files) resolve(m.files);
      else if (m.code === 'ENOENT') resolve([]);
      else {
        const error = Object.assign(new Error(m.code), { code: m.code });
        reject(new UserError(`cannot read sessions directory ${dir}: ${describeFsError(error)}`));
      }
    });
    worker.once('error', reject);
  });
}
