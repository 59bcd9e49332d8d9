/**
 * Parsing many files on all cores. JSON.parse and the schema check dominate a cold build, so
 * chunks of files go to worker threads while the main thread appends the rows they send back.
 * Chunks come back in order. Without a compiled worker (tests running the TypeScript sources) or
 * with few files, parsing happens inline.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { testSwitch } from '../test-hooks.js';
import {
  type FileToIndex,
  type IndexedFile,
  type ParsedBatch,
  readAndParse,
  readSessionText,
} from './parse-files.js';
import type { PriceRow } from './pricing.js';
import { type FileFound, type SearchFile, type SearchJob, searchFiles } from './search-files.js';
import type { SessionText } from './session-rows.js';
import type { FilesListed, FilesSummarized } from './summary-rows.js';

/**
 * What a worker is asked: the index rows of files, their summary rows or list entries alone, the
 * text of files indexed, or a search.
 */
export type ParseJob =
  | { kind: 'rows'; files: FileToIndex[] }
  | { kind: 'summary'; files: FileToIndex[]; prices: PriceRow[] }
  | { kind: 'list'; files: FileToIndex[] }
  | { kind: 'text'; files: IndexedFile[] }
  | ({ kind: 'search' } & SearchJob);

const CHUNK = 100;
const MIN_FILES_FOR_WORKERS = 400;
/**
 * The stored records a later search reads on this thread alone below this many bytes: starting
 * its worker cost more than it saved. Measured on the bench's store: 1,024 sessions' records
 * (about 43 MB) took 15-20 ms here alone against 47-54 ms with the worker; the whole store
 * (417 MB) took the same time either way, two threads reading it no faster than the memory
 * between them.
 */
const STORE_BYTES_FOR_WORKER = 256 * 2 ** 20;
/** STORE_BYTES_FOR_WORKER, or the test switch's (a test runs the worker on a small store). */
const storeBytesForWorker = () =>
  Number(testSwitch('STORE_BYTES_FOR_WORKER') ?? STORE_BYTES_FOR_WORKER);

/** The worker's bundle (src/build/grok-bundle.ts) where the build made one, else its module. */
function workerPath(): string | undefined {
  if (!(import.meta.url.startsWith('file:') && import.meta.url.endsWith('.js'))) return undefined;
  const bundled = fileURLToPath(new URL('../bundle/parse-worker.cjs', import.meta.url));
  return existsSync(bundled)
    ? bundled
    : fileURLToPath(new URL('./parse-worker.js', import.meta.url));
}

function threadCount(): number {
  return Math.min(availableParallelism(), 4);
}

function spawnWorkers(path: string, threads: number): Worker[] {
  // A small young generation: a file's text and its parse die before the next file is read
  // (parse-files.ts: readEach), so scavenges find little alive; a 64 MB one cost no less CPU
  // and some 90 MB more of the process's memory (two workers) at 10,000 sessions; 8 MB against
  // 16 MB: the same CPU time, 12 MB less (a whole cold stats over 10,000 sessions, 5 runs each).
  return Array.from(
    { length: threads },
    () => new Worker(path, { resourceLimits: { maxYoungGenerationSizeMb: 8 } }),
  );
}

/** Workers started ahead (prestartWorkers), for the next pool to take. */
let started: Worker[] | undefined;

/**
 * Starts the workers a pool over `files` files will take, so that they load while the caller
 * does other work first. Unreferenced until taken: left unused, they keep no process alive.
 */
export function prestartWorkers(files: number): void {
  const path = workerPath();
  const threads = threadCount();
  if (!path || threads < 2 || files < MIN_FILES_FOR_WORKERS || started) return;
  const workers = spawnWorkers(path, threads);
  // one that fails before it is taken leaves the pool to start its own
  const drop = () => {
    if (started !== workers) return;
    started = undefined;
    for (const worker of workers) void worker.terminate();
  };
  for (const worker of workers) {
    worker.unref();
    worker.once('error', drop);
    worker.once('exit', drop);
  }
  started = workers;
}

/** Yields the result of `job` for each chunk of `items`, in input order. */
async function* pooled<I, O>(
  items: readonly I[],
  job: (files: I[]) => ParseJob,
  inline: (chunk: I[]) => O | Promise<O>,
  consume = false,
): AsyncGenerator<O> {
  const path = workerPath();
  const threads = threadCount();
  if (!path || threads < 2 || items.length < MIN_FILES_FOR_WORKERS) {
    for (let i = 0; i < items.length; i += CHUNK) yield await inline(items.slice(i, i + CHUNK));
    return;
  }
  const workers = started ?? spawnWorkers(path, threads);
  started = undefined;
  for (const worker of workers) worker.ref();
  const senders = workers.map((worker) => {
    const ask = asker<O>(worker);
    return { send: (chunk: I[]) => ask(job(chunk)) };
  });
  try {
    const chunks: (I[] | undefined)[] = [];
    for (let i = 0; i < items.length; i += CHUNK) chunks.push(items.slice(i, i + CHUNK));
    if (consume) (items as I[]).length = 0;
    // A worker answers its messages in order; at most two chunks per worker are in flight, so
    // memory stays bounded whatever the number of files.
    const inFlight: Promise<O>[] = [];
    let next = 0;
    const fill = () => {
      while (next < chunks.length && inFlight.length < threads * 2) {
        const w = senders[next % threads] as (typeof senders)[number];
        inFlight.push(w.send(chunks[next] as I[]));
        // a chunk sent is the worker's (a copy), and of no more use here (parseFiles)
        chunks[next] = undefined;
        next++;
      }
    };
    fill();
    while (inFlight.length > 0) {
      const chunk = await (inFlight.shift() as Promise<O>);
      fill();
      yield chunk;
    }
  } finally {
    for (const worker of workers) stop(worker);
  }
}

/**
 * Sends jobs to `worker`, each answer paired with its job by order; an error of the worker or its
 * stop fails every job it still holds.
 */
function asker<O>(worker: Worker): (job: ParseJob) => Promise<O> {
  const waiting: { resolve: (r: O) => void; reject: (e: unknown) => void }[] = [];
  worker.on('message', (r: O) => waiting.shift()?.resolve(r));
  const fail = (e: unknown) => {
    for (const w of waiting.splice(0)) w.reject(e);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`a parse worker stopped (exit code ${code})`)));
  return (job) => {
    const answer = new Promise<O>((resolve, reject) => {
      waiting.push({ resolve, reject });
      worker.postMessage(job);
    });
    // a caller that stops early (its own error) leaves jobs in flight, which the worker's stop
    // then fails: unheard, that rejection would end the process in place of the error
    answer.catch(() => {});
    return answer;
  };
}

/**
 * Stops `worker`, not waited for: a worker takes some 30 ms to stop, which the caller spends on
 * its answer instead (an error a stopping worker raises is of no one's concern now).
 */
function stop(worker: Worker): void {
  worker.removeAllListeners('error');
  worker.on('error', () => {});
  void worker.terminate();
}

/**
 * The files parsed, batch by batch, in input order. `files` is emptied as the workers take them:
 * the caller's array would otherwise hold every file to the end of the build (with the chunks
 * sent, some 40 MB of this thread's heap at 100,000 files).
 */
export function parseFiles(files: FileToIndex[]): AsyncGenerator<ParsedBatch> {
  return pooled(
    files,
    (chunk) => ({ kind: 'rows', files: chunk }),
    async (chunk) => (await readAndParse(chunk)).batch,
    true,
  );
}

/**
 * The summary rows of the files (summary-rows.ts: summarizeFiles), priced by `prices`, batch by
 * batch, in input order; `files` is emptied as the workers take them (parseFiles).
 */
export function summarizeInWorkers(
  files: FileToIndex[],
  prices: PriceRow[],
): AsyncGenerator<FilesSummarized> {
  return pooled(
    files,
    (chunk) => ({ kind: 'summary', files: chunk, prices }),
    async (chunk) => (await import('./summary-rows.js')).summarizeFiles(chunk, prices),
    true,
  );
}

/** The list entries of the files (summary-rows.ts: listFiles), batch by batch, as summarizeInWorkers. */
export function listInWorkers(files: FileToIndex[]): AsyncGenerator<FilesListed> {
  return pooled(
    files,
    (chunk) => ({ kind: 'list', files: chunk }),
    async (chunk) => (await import('./summary-rows.js')).listFiles(chunk),
    true,
  );
}

/** The text of each file (undefined for one changed since it was indexed), in input order. */
export function readTexts(
  files: readonly IndexedFile[],
): AsyncGenerator<(SessionText | undefined)[]> {
  return pooled(
    files,
    (chunk) => ({ kind: 'text', files: chunk }),
    (chunk) => chunk.map(readSessionText),
  );
}

/**
 * Yields `inline`'s result for each chunk of `items`, in input order, from one worker and this
 * thread, which takes the next chunk itself whenever the one due is the worker's and not back
 * yet: for work that is all reading and byte search (a later search over stored records), where
 * this thread would otherwise wait and a second worker's start costs more than it takes.
 */
async function* pooledHere<I, O>(
  items: readonly I[],
  job: (files: I[]) => ParseJob,
  inline: (chunk: I[]) => O,
  worthAWorker: boolean,
): AsyncGenerator<O> {
  const path = workerPath();
  const chunks: I[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) chunks.push(items.slice(i, i + CHUNK));
  if (!path || threadCount() < 2 || !worthAWorker) {
    for (const chunk of chunks) yield inline(chunk);
    return;
  }
  const ahead = started;
  started = undefined;
  const worker = (ahead?.[0] ?? spawnWorkers(path, 1)[0]) as Worker;
  for (const other of ahead?.slice(1) ?? []) void other.terminate();
  worker.ref();
  const ask = asker<O>(worker);
  const results: Promise<O>[] = [];
  const back: boolean[] = [];
  let next = 0;
  let busy = 0;
  // three chunks ahead: the worker is not left idle while this thread is busy with one
  const feed = () => {
    while (next < chunks.length && busy < 3) {
      const i = next++;
      busy++;
      results[i] = ask(job(chunks[i] as I[])).finally(() => {
        busy--;
        back[i] = true;
      });
      // a worker that stops fails every chunk it holds: the one awaited throws, the others
      // must not reject unheard
      (results[i] as Promise<O>).catch(() => {});
    }
  };
  try {
    for (let out = 0; out < chunks.length; out++) {
      feed();
      while (!back[out] && next < chunks.length) {
        const i = next++;
        results[i] = Promise.resolve(inline(chunks[i] as I[]));
        back[i] = true;
        // the worker's answers are taken, and it is given more, between this thread's chunks
        await new Promise((resolve) => setImmediate(resolve));
        feed();
      }
      yield await (results[out] as Promise<O>);
    }
  } finally {
    stop(worker);
  }
}

/** A search over files (search-files.ts): what each holds, in input order. */
export function searchInFiles(
  files: readonly SearchFile[],
  job: Omit<SearchJob, 'files'>,
): AsyncGenerator<FileFound[]> {
  return pooled(
    files,
    (chunk) => ({ kind: 'search', ...job, files: chunk }),
    (chunk) => searchFiles({ ...job, files: chunk }),
  );
}

/**
 * A search over files that all have their record in the store (a later search): the same answers
 * as searchInFiles, from this thread and one worker (pooledHere), or this thread alone for fewer
 * than STORE_BYTES_FOR_WORKER bytes of records.
 */
export function searchInStore(
  files: readonly SearchFile[],
  job: Omit<SearchJob, 'files'>,
): AsyncGenerator<FileFound[]> {
  let bytes = 0;
  for (const f of files) bytes += f.place?.length ?? 0;
  return pooledHere(
    files,
    (chunk) => ({ kind: 'search', ...job, files: chunk }),
    (chunk) => searchFiles({ ...job, files: chunk }),
    files.length >= MIN_FILES_FOR_WORKERS && bytes >= storeBytesForWorker(),
  );
}
