/** A worker thread that reads and parses the files it is sent, so parsing uses every core. */
import { parentPort } from 'node:worker_threads';
import { type FileToIndex, readAndParse } from './parse-files.js';

parentPort?.on('message', (files: FileToIndex[]) => {
  parentPort?.postMessage(files.map(readAndParse));
});
