/**
 * `grok sessions report [filters] [--out report.html] [--open]`: a month of usage at a glance, as
 * one self-contained HTML file whose numbers are those of `stats --json` and `cost --json`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { CommandOutput } from '../render/output.js';
import { monthEnd, type ReportPeriod } from '../report/calendar.js';
import { reportHtml } from '../report/page.js';
import { writeFileAtomic } from '../session/atomic-write.js';
import { outOption } from '../session/paths.js';
import { NotRegularFileError, readRegularFile } from '../session/regular-file.js';
import { now } from '../test-hooks.js';
import { parseSince, parseUntil } from '../time.js';
import { grokVersion } from '../version.js';
import { type CostOptions, cost } from './cost.js';
import { type StatsOptions, stats } from './stats.js';

export interface ReportOptions extends StatsOptions {
  out?: string | undefined;
  open?: boolean | undefined;
  force?: boolean | undefined;
  rate?: CostOptions['rate'];
}

export interface ReportResult {
  path: string;
  bytes: number;
  sessions: number;
  opened: string | undefined;
  notes: string[];
}

const GENERATOR = '<meta name="generator" content="grok sessions report">';
/** Shown as given in the subtitle; the period (--since, --until, --month) is said in words. */
const FILTER_FLAGS = ['model', 'tag', 'project', 'tz'] as const;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The days --since and --until allow (within --month, if given), and --month as given. */
function reportPeriod(opts: ReportOptions): ReportPeriod {
  const month = opts.month !== undefined ? String(opts.month) : undefined;
  let from =
    opts.since !== undefined ? isoDay(parseSince(String(opts.since)).getTime()) : undefined;
  // --until's bound is exclusive: the day of its last millisecond
  let to =
    opts.until !== undefined ? isoDay(parseUntil(String(opts.until)).getTime() - 1) : undefined;
  if (month !== undefined) {
    const first = `${month}-01`;
    const last = monthEnd(month);
    if (from !== undefined && from < first) from = first;
    if (to !== undefined && to > last) to = last;
  }
  return { month, from, to };
}

/** Overwrites an earlier report, never some other file that happens to have the name. */
async function assertReplaceable(path: string, force: boolean): Promise<void> {
  let text: string;
  try {
    // the generator tag is in the head: a few KB are enough, and a FIFO is never opened blocking
    text = (await readRegularFile(path, { followSymlink: true, maxBytes: 1 << 20 })).bytes.toString(
      'utf8',
    );
  } catch (error) {
    if (!(error instanceof NotRegularFileError)) return;
    text = '';
  }
  if (!force && !text.includes(GENERATOR)) {
    throw new UserError(`${path} exists and is not a grok report`, {
      hint: 'choose another --out, or --force to replace it',
    });
  }
}

function browserCommand(): string | undefined {
  const candidates = process.platform === 'darwin' ? ['open'] : ['xdg-open', 'sensible-browser'];
  const fromEnv = process.env.BROWSER?.split(':')[0];
  for (const c of [fromEnv, ...candidates]) {
    if (c && spawnSync('sh', ['-c', `command -v "$1"`, 'sh', c]).status === 0) return c;
  }
  return undefined;
}

export async function report(opts: ReportOptions): Promise<ReportResult> {
  const path = resolve(outOption(opts.out) ?? 'report.html');
  await assertReplaceable(path, opts.force === true);
  const { by: _by, json: _json, csv: _csv, ...filters } = opts;
  const s = await stats({ ...filters, by: 'day' });
  const c = await cost({ ...filters, by: 'day' });
  const given = FILTER_FLAGS.flatMap((f) =>
    opts[f] !== undefined ? [`--${f} ${String(opts[f])}`] : [],
  );
  if (opts.includeArchived) given.push('--include-archived');
  const html = reportHtml({
    stats: s,
    cost: c,
    period: reportPeriod(opts),
    filters: given,
    generatedAt: now(),
    version: grokVersion(),
  });
  await writeFileAtomic(path, html);
  const notes = [...s.notices];
  let opened: string | undefined;
  if (opts.open) {
    const browser = browserCommand();
    if (browser) {
      spawn(browser, [path], { detached: true, stdio: 'ignore' }).unref();
      opened = browser;
    } else notes.push(`no browser found here: open ${path} yourself`);
  }
  return { path, bytes: Buffer.byteLength(html), sessions: s.sessions, opened, notes };
}

export function renderReport(r: ReportResult, opts: { json?: boolean }): CommandOutput {
  const notes = r.notes.map((n) => `grok: ${n}\n`).join('');
  if (opts.json) return { stdout: `${JSON.stringify(r, null, 2)}\n`, stderr: notes };
  return {
    stdout: `wrote ${r.path} (${r.sessions} sessions, ${Math.ceil(r.bytes / 1024)} KB)${r.opened ? `, opened with ${r.opened}` : ''}\n`,
    stderr: notes,
  };
}
