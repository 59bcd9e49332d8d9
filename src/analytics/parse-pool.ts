/**
 * Parsing many files on all cores. JSON.parse and the schema check dominate a cold build, so
 * chunks of files go to worker threads while the main thread appends the rows they send back.
 * Chunks come back in order. Without a compiled worker (tests running the TypeScript sources) or
 * with few files, parsing happens inline.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type FileToIndex, type ParsedFile, readAndParse } from './parse-files.js';

const CHUNK = 100;
const MIN_FILES_FOR_WORKERS = 400;

function workerPath(): string | undefined {
  const url = new URL('./parse-worker.js', import.meta.url);
  return url.protocol === 'file:' && import.meta.url.endsWith('.js')
    ? fileURLToPath(url)
    : undefined;
}

/** Yields parsed chunks in input order. */
export async function* parseFiles(files: readonly FileToIndex[]): AsyncGenerator<ParsedFile[]> {
  const path = workerPath();
  const threads = Math.min(availableParallelism(), 4);
  if (!path || threads < 2 || files.length < MIN_FILES_FOR_WORKERS) {
    for (let i = 0; i < files.length; i += CHUNK) yield files.slice(i, i + CHUNK).map(readAndParse);
    return;
  }
  const workers = Array.from({ length: threads }, () => {
    // A larger young generation: parsing makes many short-lived objects, and scavenges dominate.
    const worker = new Worker(path, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    const waiting: { resolve: (r: ParsedFile[]) => void; reject: (e: unknown) => void }[] = [];
    worker.on('message', (r: ParsedFile[]) => waiting.shift()?.resolve(r));
    worker.on('error', (e) => {
      for (const w of waiting.splice(0)) w.reject(e);
    });
    const send = (chunk: FileToIndex[]) =>
      new Promise<ParsedFile[]>((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage(chunk);
      });
    return { worker, send };
  });
  try {
    const chunks: FileToIndex[][] = [];
    for (let i = 0; i < files.length; i += CHUNK) chunks.push(files.slice(i, i + CHUNK));
    // A worker answers its messages in order; at most two chunks per worker are in flight, so
    // memory stays bounded whatever the number of files.
    const inFlight: Promise<ParsedFile[]>[] = [];
    let next = 0;
    const fill = () => {
      while (next < chunks.length && inFlight.length < threads * 2) {
        const w = workers[next % threads] as (typeof workers)[number];
        inFlight.push(w.send(chunks[next] as FileToIndex[]));
        next++;
      }
    };
    fill();
    while (inFlight.length > 0) {
      const chunk = await (inFlight.shift() as Promise<ParsedFile[]>);
      fill();
      yield chunk;
    }
  } finally {
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
