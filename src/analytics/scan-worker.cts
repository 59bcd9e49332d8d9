/**
 * The stat pass (stat-pass.ts) on a worker thread, started before DuckDB is loaded (see startScan
 * in scan.ts). CommonJS, requiring nothing of ours but the pass itself: a worker that loads
 * nothing through the ESM loader starts in a fraction of the time. The session name pattern comes
 * in workerData, so the rule stays in one place (src/session/paths.ts).
 */
import threads = require('node:worker_threads');
import pass = require('./stat-pass.js');

const { dir, pattern } = threads.workerData as { dir: string; pattern: string };
try {
  threads.parentPort?.postMessage(pass.statPass(dir, new RegExp(pattern)));
} catch (error) {
  threads.parentPort?.postMessage({ code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
}
