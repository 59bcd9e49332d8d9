/**
 * `grok sessions maintain [--dry-run]`: the retention policy applied once, through the same code
 * as `archive`, `prune` and `harden`, with one line appended to `$GROK_HOME/logs/maintenance.log`.
 * One run at a time: a second one exits with a clear message (a scheduled one logs "skipped").
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFsError, UsageError, UserError } from '../errors.js';
import { realpathOr } from '../maintenance/harden.js';
import type { CommandOutput } from '../render/output.js';
import { appendLogEntry, type MaintenanceLogEntry } from '../schedule/maintenance-log.js';
import { type Policy, resolvePolicy } from '../schedule/policy.js';
import { ensurePrivateDir } from '../session/atomic-write.js';
import { acquirePidLock } from '../session/lock.js';
import { grokHome, sessionsDir } from '../session/paths.js';
import { loadSettings } from '../settings.js';
import { now, testSwitch } from '../test-hooks.js';
import { archive } from './archive.js';
import type { GlobalOptions } from './common.js';
import { harden } from './harden.js';
import { prune } from './prune.js';

export interface MaintainOptions extends GlobalOptions {
  dryRun?: boolean;
  trigger?: string;
  /** Do not append to the log (policy's preview). */
  noLog?: boolean;
}

export interface MaintainResult {
  dryRun: boolean;
  trigger: 'manual' | 'schedule';
  policy: Policy;
  archived: string[];
  /** Originals removed after archiving, and sessions deleted by deleteAfter. */
  removed: string[];
  deleted: string[];
  hardened: string[];
  errors: string[];
  durationMs: number;
}

export async function policyInForce(): Promise<Policy> {
  return resolvePolicy((await loadSettings()).retention);
}

export async function maintain(opts: MaintainOptions): Promise<MaintainResult> {
  const trigger = opts.trigger ?? 'manual';
  if (trigger !== 'manual' && trigger !== 'schedule') {
    throw new UsageError(`--trigger: '${trigger}' is not one of manual, schedule`);
  }
  const policy = await policyInForce();
  const dryRun = Boolean(opts.dryRun);
  const started = Date.now();
  const result: MaintainResult = {
    dryRun,
    trigger,
    policy,
    archived: [],
    removed: [],
    deleted: [],
    hardened: [],
    errors: [],
    durationMs: 0,
  };
  const home = grokHome();
  await ensurePrivateDir(home);
  // A dry run (and policy's preview) changes nothing: it runs beside a real run.
  const release = dryRun ? async () => {} : await lockOrSkip(home, trigger);
  try {
    const delay = Number(testSwitch('MAINTAIN_DELAY_MS'));
    if (delay > 0) await sleep(delay); // test hook: a run slower than the schedule
    const common = {
      sessionsDir: opts.sessionsDir,
      keepTag: policy.protectTags,
      keepLast: policy.keepLast,
      dryRun,
      yes: true,
    };
    if (policy.archiveAfter !== null) {
      // into retention.archiveDir when set: archive's own default (archivesDir)
      const r = await archive([], { ...common, olderThan: policy.archiveAfter });
      result.archived = r.archives.flatMap((a) => a.added);
      result.removed = r.removed;
      result.errors.push(...r.failed.map((f) => `${f.file}: ${f.reason}`));
    }
    if (policy.deleteAfter !== null) {
      const r = await prune({ ...common, olderThan: policy.deleteAfter });
      // A real run archives first and prunes what is left; a dry run has removed nothing yet.
      const archived = new Set(result.removed);
      result.deleted = r.deleted.filter((f) => !archived.has(f));
      result.errors.push(...r.failed.map((f) => `${f.file}: ${f.reason}`));
    }
    if (policy.harden) {
      const r = await harden({ sessionsDir: opts.sessionsDir, check: dryRun });
      // A dry run has removed nothing: the files a real run would have archived or pruned by now
      // are not hardened by it.
      // (harden names the files where a symlinked sessions directory leads)
      const dir = await realpathOr(sessionsDir(opts));
      const gone = new Set([...result.removed, ...result.deleted].map((f) => join(dir, f)));
      result.hardened = r.changed
        .filter((c) => !gone.has(c.path))
        .map((c) => `${c.path} ${c.from}→${c.to}`);
    }
  } catch (error) {
    result.errors.push(describeFsError(error));
  } finally {
    await release();
  }
  result.durationMs = Date.now() - started;
  if (!opts.noLog) await appendLogEntry(logEntry(result));
  return result;
}

/**
 * The one maintenance run at a time. A run from the schedule that finds another going is logged
 * as skipped (cron shows nothing else), then refused as any second run is.
 */
async function lockOrSkip(
  home: string,
  trigger: 'manual' | 'schedule',
): Promise<() => Promise<void>> {
  let holder: number | undefined;
  try {
    return await acquirePidLock(join(home, '.maintain.lock'), (pid) => {
      holder = pid;
      return new UserError(`another maintenance run is in progress (pid ${pid})`, {
        hint: 'wait for it to finish; grok sessions cron status shows the last run',
      });
    });
  } catch (error) {
    if (holder !== undefined && trigger === 'schedule') {
      await appendLogEntry({
        time: now().toISOString(),
        result: 'skipped',
        archived: [],
        removed: [],
        hardened: [],
        errors: [],
        trigger,
        note: `another run still going (pid ${holder})`,
      });
    }
    throw error;
  }
}

export function logEntry(r: MaintainResult): MaintenanceLogEntry {
  return {
    time: now().toISOString(),
    result: r.dryRun ? 'dry-run' : r.errors.length > 0 ? 'failed' : 'ok',
    archived: r.archived,
    removed: [...r.removed, ...r.deleted],
    hardened: r.hardened,
    errors: r.errors,
    trigger: r.trigger,
    durationMs: r.durationMs,
  };
}

/** One line for the scheduler's output and the terminal. */
export function summarizeRun(r: MaintainResult): string {
  const would = r.dryRun ? 'would be ' : '';
  return `${r.dryRun ? 'dry run: ' : ''}${r.archived.length} ${would}archived, ${r.removed.length + r.deleted.length} ${would}removed, ${r.hardened.length} ${would}hardened, ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`;
}

export function renderMaintain(r: MaintainResult, opts: { json?: boolean }): CommandOutput {
  const exitCode = r.errors.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n`, exitCode };
  const would = r.dryRun ? 'would ' : '';
  const lines = [
    ...r.archived.map((f) => `${would}archive ${f}`),
    ...r.removed.map((f) => `${would}remove ${f} (archived)`),
    ...r.deleted.map((f) => `${would}delete ${f}`),
    ...r.hardened.map((p) => `${would}harden ${p}`),
    ...r.errors.map((e) => `error: ${e}`),
    summarizeRun(r),
  ];
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}
