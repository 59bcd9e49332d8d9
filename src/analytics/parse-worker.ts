/** A worker thread that reads and parses the files it is sent, so parsing uses every core. */
import { parentPort } from 'node:worker_threads';
import { nameProblems, readAndParse, readSessionText } from './parse-files.js';
import type { ParseJob } from './parse-pool.js';

parentPort?.on('message', async (job: ParseJob) => {
  if (job.kind === 'text') {
    parentPort?.postMessage(job.files.map(readSessionText));
    return;
  }
  // The row columns are typed arrays: moved to the main thread, not copied.
  const { batch, buffers } = readAndParse(job.files);
  await nameProblems(batch);
  parentPort?.postMessage(batch, buffers);
});
