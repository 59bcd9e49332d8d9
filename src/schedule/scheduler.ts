/**
 * The foreground scheduler behind `grok sessions cron`: node-cron fires on the policy's schedule,
 * a run still going when the next is due is skipped (and logged), never stacked, and SIGINT or
 * SIGTERM stop new runs and wait for the current one to finish, so originals are never left half
 * removed.
 */
import nodeCron from 'node-cron';
import { describeFsError } from '../errors.js';
import { now } from '../test-hooks.js';
import type { MaintenanceLogEntry } from './maintenance-log.js';

export interface SchedulerOptions {
  schedule: string;
  /** One maintenance run. */
  run: () => Promise<void>;
  /** Called when a due run is skipped because the previous one is still going. */
  onSkip: (entry: MaintenanceLogEntry) => Promise<void>;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
  /** Resolves when the scheduler should stop (the CLI passes a signal handler). */
  stopSignal: Promise<string>;
}

export interface SchedulerResult {
  runs: number;
  skipped: number;
  stoppedBy: string;
}

export async function runScheduler(opts: SchedulerOptions): Promise<SchedulerResult> {
  let current: Promise<void> | undefined;
  let runs = 0;
  let skipped = 0;
  let stopping = false;

  const task = nodeCron.schedule(
    opts.schedule,
    () => {
      if (stopping) return;
      if (current) {
        skipped++;
        const time = new Date().toISOString();
        opts.log(`${time} run skipped: the previous run is still going`);
        void opts
          .onSkip({
            time,
            result: 'skipped',
            archived: [],
            removed: [],
            hardened: [],
            errors: [],
            trigger: 'schedule',
            note: 'previous run still going',
          })
          .catch((error: unknown) =>
            opts.log(`could not log the skipped run: ${describeFsError(error)}`),
          );
        return;
      }
      runs++;
      current = opts
        .run()
        .catch((error: unknown) => opts.log(`run failed: ${describeFsError(error)}`))
        .finally(() => {
          current = undefined;
        });
    },
    { name: 'grok-maintain' },
  );

  const stoppedBy = await opts.stopSignal;
  stopping = true;
  await task.stop();
  if (current) {
    opts.log(`${stoppedBy}: waiting for the current run to finish`);
    await current;
  }
  await task.destroy();
  return { runs, skipped, stoppedBy };
}

/** A promise that resolves with the name of the first of these signals to arrive. */
export function untilSignal(
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): Promise<string> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, handler);
      resolve(signal);
    };
    for (const s of signals) process.on(s, handler);
  });
}

/** node-cron 4's task, whose matcher finds the next time after any instant. */
interface MatchingTask {
  timeMatcher?: { getNextMatch(from: Date): Date };
}

/**
 * The next times the expression fires after `from` (now, or the time the tests fix). node-cron's
 * getNextRuns counts from the system clock only; its matcher takes the instant to count from.
 */
export function nextRuns(schedule: string, count = 1, from = now()): Date[] {
  const task = nodeCron.createTask(schedule, () => {});
  try {
    const matcher = (task as unknown as MatchingTask).timeMatcher;
    if (!matcher) return task.getNextRuns(count);
    const runs: Date[] = [];
    for (let at = from; runs.length < count; ) {
      at = matcher.getNextMatch(at);
      runs.push(at);
    }
    return runs;
  } finally {
    void task.destroy();
  }
}
