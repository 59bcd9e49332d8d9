/** A worker thread that reads and parses the files it is sent, so parsing uses every core. */
import { parentPort } from 'node:worker_threads';
import { readAndParse, readSessionText } from './parse-files.js';
import type { ParseJob } from './parse-pool.js';
import { searchFiles } from './search-files.js';
import { listFiles, summarizeFiles } from './summary-rows.js';

async function answer(job: ParseJob): Promise<void> {
  if (job.kind === 'search') {
    const found = searchFiles(job);
    const buffers = found.flatMap((f) => (f.signature ? [f.signature.buffer as ArrayBuffer] : []));
    parentPort?.postMessage(found, buffers);
    return;
  }
  if (job.kind === 'summary') {
    parentPort?.postMessage(await summarizeFiles(job.files, job.prices));
    return;
  }
  if (job.kind === 'list') {
    parentPort?.postMessage(await listFiles(job.files));
    return;
  }
  if (job.kind === 'text') {
    parentPort?.postMessage(job.files.map(readSessionText));
    return;
  }
  // The row columns are typed arrays: moved to the main thread, not copied.
  const { batch, buffers } = await readAndParse(job.files);
  parentPort?.postMessage(batch, buffers);
}

// The pool pairs answers with jobs by order: a job that waits (for zod, to name a bad file's
// problem) must not let the next one answer first.
let previous = Promise.resolve();
parentPort?.on('message', (job: ParseJob) => {
  previous = previous.then(() => answer(job));
});
