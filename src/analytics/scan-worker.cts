/**
 * The stat pass on a worker thread (see scanInBackground in scan.ts). CommonJS with no imports of
 * our own: a worker that loads nothing through the ESM loader starts in a fraction of the time,
 * and finishes while the main thread is still loading DuckDB. The session name pattern comes in
 * workerData, so the rule stays in one place (src/session/paths.ts).
 */
import fs = require('node:fs');
import path = require('node:path');
import threads = require('node:worker_threads');

const { dir, pattern } = threads.workerData as { dir: string; pattern: string };
const isSession = new RegExp(pattern);
try {
  // As scanSessionFiles in scan.ts: names only, paths by concatenation.
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  const files: { name: string; path: string; size: number; mtimeMs: number }[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!isSession.test(name)) continue;
    const file = prefix + name;
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st?.isFile()) files.push({ name, path: file, size: st.size, mtimeMs: st.mtimeMs });
  }
  threads.parentPort?.postMessage({ files });
} catch (error) {
  threads.parentPort?.postMessage({ code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
}
