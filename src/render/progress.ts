/**
 * A line of progress on stderr, rewritten in place and erased when the work is done: only on a
 * terminal (never in a pipe, a file or cron's mail) and only for work large enough to be waited
 * on, such as the first build of the index over years of sessions.
 */
import { formatInt } from './format.js';

export interface Progress {
  /** `done` of the total are finished. */
  update(done: number): void;
  /** Erases the line, if one was drawn. */
  end(): void;
}

/** From this many items on, work shows its progress. */
export const PROGRESS_MIN_ITEMS = 500;

/** Redrawn at most this often. */
const INTERVAL_MS = 100;

const silent: Progress = { update() {}, end() {} };

/** "grok: indexing session files: 2,500 of 10,000" */
export function progress(
  what: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY || total < PROGRESS_MIN_ITEMS) return silent;
  let drawnAt = 0;
  return {
    update(done) {
      const now = Date.now();
      if (now - drawnAt < INTERVAL_MS) return;
      drawnAt = now;
      stream.write(`\rgrok: ${what} ${formatInt(done)} of ${formatInt(total)}\u001b[K`);
    },
    end() {
      if (drawnAt > 0) stream.write('\r\u001b[K');
    },
  };
}
