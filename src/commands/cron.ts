/**
 * `grok sessions cron`: run maintenance on the policy's schedule in the foreground, or manage the
 * one marked line in the user's crontab (`install`, `uninstall`, `status`, `--print`).
 */
import { fileURLToPath } from 'node:url';
import { UsageError, UserError } from '../errors.js';
import { formatDateTime } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import {
  cronLine,
  findGrokLine,
  hasCrontab,
  readCrontab,
  withGrokLine,
  withoutGrokLine,
  writeCrontab,
} from '../schedule/crontab.js';
import { appendLogEntry, type MaintenanceLogEntry, readLog } from '../schedule/maintenance-log.js';
import { resolvePolicy } from '../schedule/policy.js';
import { nextRuns, runScheduler, untilSignal } from '../schedule/scheduler.js';
import { grokHome, sessionsDir } from '../session/paths.js';
import { loadSettings } from '../settings.js';
import type { GlobalOptions } from './common.js';
import { maintain, summarizeRun } from './maintain.js';

export interface CronOptions extends GlobalOptions {
  print?: boolean;
}

async function policyInForce() {
  const settings = await loadSettings();
  return resolvePolicy(settings.retention);
}

function lineFor(schedule: string, opts: GlobalOptions): string {
  return cronLine({
    schedule,
    node: process.execPath,
    bin: fileURLToPath(new URL('../grok.cjs', import.meta.url)),
    grokHome: grokHome(),
    sessionsDir: sessionsDir(opts),
  });
}

export interface CronStatus {
  installed: boolean;
  line: string | null;
  schedule: string;
  nextRun: string | null;
  lastRun: MaintenanceLogEntry | null;
  crontabAvailable: boolean;
}

export async function cronStatus(opts: GlobalOptions): Promise<CronStatus> {
  const policy = await policyInForce();
  const available = hasCrontab();
  const line = available ? (findGrokLine(readCrontab(), grokHome()) ?? null) : null;
  const entries = await readLog();
  const lastRun =
    [...entries].reverse().find((e) => e.result !== 'skipped' && e.result !== 'dry-run') ?? null;
  const next = nextRuns(policy.schedule, 1)[0];
  void opts;
  return {
    installed: line !== null,
    line,
    schedule: policy.schedule,
    nextRun: next ? next.toISOString() : null,
    lastRun,
    crontabAvailable: available,
  };
}

export async function cronInstall(
  opts: CronOptions,
): Promise<{ line: string; changed: boolean; printed: boolean }> {
  const policy = await policyInForce();
  const line = lineFor(policy.schedule, opts);
  if (opts.print || !hasCrontab()) return { line, changed: false, printed: true };
  const before = readCrontab();
  const after = withGrokLine(before, line, grokHome());
  if (after !== before) writeCrontab(after);
  return { line, changed: after !== before, printed: false };
}

export async function cronUninstall(): Promise<{ removed: string | null }> {
  if (!hasCrontab())
    throw new UserError('there is no crontab command on this system', {
      hint: 'remove the line you added by hand',
    });
  const before = readCrontab();
  const line = findGrokLine(before, grokHome()) ?? null;
  if (line !== null) writeCrontab(withoutGrokLine(before, grokHome()));
  return { removed: line };
}

/** The foreground scheduler: runs until SIGINT or SIGTERM, then exits 0. */
export async function cronForeground(
  opts: GlobalOptions,
): Promise<{ runs: number; skipped: number; stoppedBy: string }> {
  const policy = await policyInForce();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `grok sessions cron: maintenance on '${policy.schedule}' (next ${formatDateTime(nextRuns(policy.schedule, 1)[0]?.toISOString())} UTC); Ctrl+C to stop`,
  );
  return runScheduler({
    schedule: policy.schedule,
    stopSignal: untilSignal(),
    log,
    onSkip: (entry) => appendLogEntry(entry),
    run: async () => {
      const result = await maintain({ ...opts, trigger: 'schedule' });
      log(`${new Date().toISOString()} ${summarizeRun(result)}`);
    },
  });
}

export async function cron(args: readonly string[], opts: CronOptions): Promise<CommandOutput> {
  const [sub, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`cron ${sub}: unexpected argument '${rest[0]}'`);
  switch (sub) {
    case undefined: {
      const r = await cronForeground(opts);
      return { stderr: `stopped by ${r.stoppedBy} after ${r.runs} run(s), ${r.skipped} skipped\n` };
    }
    case 'install': {
      const r = await cronInstall(opts);
      if (opts.json) return { stdout: jsonText(r) };
      if (r.printed) {
        const why = opts.print
          ? ''
          : '# no crontab command here: add this line to your scheduler\n';
        return { stdout: `${why}${r.line}\n` };
      }
      return { stdout: `${r.changed ? 'installed' : 'already installed'}: ${r.line}\n` };
    }
    case 'uninstall': {
      const r = await cronUninstall();
      if (opts.json) return { stdout: jsonText(r) };
      return {
        stdout: r.removed ? `removed: ${r.removed}\n` : 'not installed: nothing to remove\n',
      };
    }
    case 'status': {
      const s = await cronStatus(opts);
      if (opts.json) return { stdout: jsonText(s) };
      const last = s.lastRun
        ? `${formatDateTime(s.lastRun.time)} UTC, ${s.lastRun.result}: ${s.lastRun.archived.length} archived, ${s.lastRun.removed.length} removed, ${s.lastRun.hardened.length} hardened, ${s.lastRun.errors.length} errors`
        : 'never';
      const lines = [
        `crontab line: ${s.line ?? (s.crontabAvailable ? 'not installed (grok sessions cron install)' : 'no crontab command on this system')}`,
        `schedule:     ${s.schedule}`,
        `next run:     ${s.nextRun ? `${formatDateTime(s.nextRun)} UTC` : '-'}`,
        `last run:     ${last}`,
      ];
      return { stdout: `${lines.join('\n')}\n` };
    }
    default:
      throw new UsageError(`unknown cron command '${sub}': use install, uninstall or status`);
  }
}
