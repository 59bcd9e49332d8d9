/**
 * A stat pass (stat-pass.ts) on a helper thread, begun before the main thread needs it (see
 * scan.ts): done here only if the main thread has not taken it back meanwhile. CommonJS, requiring
 * nothing of ours but the pass itself: a worker that loads nothing through the ESM loader starts
 * in a fraction of the time. The session name pattern comes in workerData, so the rule stays in
 * one place (src/session/paths.ts).
 */
import threads = require('node:worker_threads');
import pass = require('./stat-pass.js');

const { dir, pattern, claim } = threads.workerData as {
  dir: string;
  pattern: string;
  claim: SharedArrayBuffer;
};
if (Atomics.compareExchange(new Int32Array(claim), 0, pass.IDLE, pass.TAKEN) === pass.IDLE) {
  try {
    threads.parentPort?.postMessage(pass.statPass(dir, new RegExp(pattern)));
  } catch (error) {
    threads.parentPort?.postMessage({ code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
  }
}
