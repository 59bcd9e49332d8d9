/**
 * The command registry: every command and its flags, and nothing else. Each action lazy-imports
 * its module, so `grok --version` loads neither DuckDB nor the OpenAI client.
 *
 * cac matches one word per command, so `grok sessions <sub>` is a second registry that
 * src/main.ts picks when the first argument is `sessions`.
 */
import { type CAC, type Command, cac } from 'cac';
import {
  type CommandHelp,
  commandHelpText,
  type Group,
  mainHelpText,
  sessionsHelpText,
} from './help.js';
import type { CommandOutput } from './render/output.js';
import { grokVersion } from './version.js';

type Result = Promise<CommandOutput | undefined>;

/**
 * An answer, replayed when the same question meets the same files (src/analytics/answers.ts).
 * `warm` when computing it needs DuckDB.
 */
async function answer(
  command: string,
  opts: Record<string, unknown>,
  produce: () => Promise<CommandOutput>,
  warm = true,
): Promise<CommandOutput> {
  const { cachedAnswer } = await import('./analytics/answers.js');
  return cachedAnswer(command, opts, produce, { warm });
}
// cac hands options over untyped; each command module validates its own.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Opts = any;

function addGlobalOptions(cli: CAC): void {
  cli.option(
    '--sessions-dir <dir>',
    'Sessions directory (default: $GROK_SESSIONS_DIR or $GROK_HOME/sessions)',
  );
  cli.option('--debug', 'Print stack traces of internal errors');
}

/** `grok`, `grok "msg"`, `grok -p "msg"`: the chat runtime. */
export function buildMainCli(): CAC {
  const cli = cac('grok');
  addGlobalOptions(cli);
  cli
    .command('[...message]', 'Chat with Grok (interactive; with a message it is sent first)')
    .option(
      '-p, --print',
      'Headless: print the reply to stdout and exit, no session file (stdin when no message)',
    )
    .option('--json', 'With -p: print a JSON object with the reply, usage and billed cost')
    .option('-m, --model <model>', 'Model (default: $GROK_MODEL, settings, or grok-4.3)')
    .option('-c, --continue', 'Resume the latest session')
    .option(
      '-r, --resume [ref]',
      'Resume a session by id, prefix or name (no ref: pick it in the session browser)',
    )
    .action(async (message: string[], opts: Opts): Result => {
      const { chat } = await import('./commands/chat.js');
      return chat(message, opts);
    });
  cli.command('sessions', 'Browse, analyse and maintain recorded sessions (grok sessions --help)');
  withHelp(cli, () => mainHelpText(cli));
  cli.version(grokVersion());
  return cli;
}

/**
 * Help beyond cac's: each command's group in `grok sessions --help`, its examples, what its
 * arguments are and the commands within it (src/help.ts lays it out).
 */
const HELP = new WeakMap<Command, CommandHelp>();

/** One option as cac takes it: `['--limit <n>', 'At most N sessions']`. */
type OptionSpec = readonly [rawName: string, description: string, config?: { default: string }];

/** A command of an area: its help and its options, in the order `--help` lists them. */
interface CommandSpec extends Omit<CommandHelp, 'group'> {
  options?: readonly OptionSpec[];
}

/** The commands of one group: `define('list', 'List sessions', { examples, options })`. */
function area(cli: CAC, group: Group) {
  return (rawName: string, description: string, spec: CommandSpec): Command => {
    const { options = [], ...help } = spec;
    const command = cli.command(rawName, description);
    for (const [name, text, config] of options) command.option(name, text, config);
    HELP.set(command, { group, ...help });
    return command;
  };
}

/** Help for whichever command was asked (cac calls this for --help), in place of cac's own. */
function withHelp(cli: CAC, whole: () => string): void {
  cli.help(() => {
    const command = cli.matchedCommand;
    const text =
      command && !command.isDefaultCommand
        ? commandHelpText(cli, command, HELP.get(command))
        : whole();
    return [{ body: text }];
  });
}

// ---- option sets more than one command shares ----

const JSON_OUTPUT: OptionSpec = ['--json', 'JSON output'];
const TABLE_OUTPUT: readonly OptionSpec[] = [JSON_OUTPUT, ['--csv', 'CSV output']];
const YES: OptionSpec = ['-y, --yes', 'Do not ask (without a terminal to ask on, it is needed)'];
const OLDER_THAN: OptionSpec = [
  '--older-than <duration>',
  'Last activity older than this: 30d, 12h, 2w, 3mo (30 days), 1y',
];
const FLAT_RATE: OptionSpec = [
  '--rate <usd>',
  'Flat price in USD per 1,000 total tokens instead of the price table',
];

/** The filters of list and the analytics commands, read alike (analytics/period.ts). */
const PERIOD_FILTERS: readonly OptionSpec[] = [
  ['--since <date>', 'Started on or after DATE (YYYY-MM-DD or ISO time, UTC)'],
  ['--until <date>', 'Started on or before DATE'],
  ['--month <YYYY-MM>', 'Started in this month (UTC, or in --tz)'],
  ['--model <model>', 'Only this model'],
  ['--tag <tag>', 'Only sessions with this tag'],
  ['--project <dir>', 'Only sessions whose working directory is DIR'],
  ['--tz <zone>', 'Time zone for months and days, e.g. Europe/Paris (default UTC)'],
];
/** The period filters, and archives counted on request. */
const ANALYTICS_FILTERS: readonly OptionSpec[] = [
  ...PERIOD_FILTERS,
  ['--include-archived', 'Also count sessions in archives (by default only the session files)'],
];
/** Reading a pool of exports instead of the sessions (analytics/pool.ts). */
const POOL: readonly OptionSpec[] = [
  ['--from <dir>', 'Read a pool that exports wrote (a directory or a glob of them)'],
  ['--machine <id>', 'With --from: only the sessions of this machine'],
];

/** `grok sessions <command>`: the toolkit, one area at a time, in the order of its help. */
export function buildSessionsCli(): CAC {
  const cli = cac('grok sessions');
  addGlobalOptions(cli);
  defineBrowseCommands(cli);
  defineAnalyseCommands(cli);
  defineMaintainCommands(cli);
  defineShareCommands(cli);
  defineChatCommands(cli);
  withHelp(cli, () => sessionsHelpText(cli, (c) => HELP.get(c)));
  cli.version(grokVersion());
  return cli;
}

function defineBrowseCommands(cli: CAC): void {
  const define = area(cli, 'browse');

  define('list', 'List sessions, newest first', {
    examples: [
      'list --limit 5',
      'list --since 2025-12-01 --model grok-3',
      'list --over 100k --sort tokens',
    ],
    options: [
      ...PERIOD_FILTERS,
      ['--over <tokens>', 'Only sessions over this many tokens (e.g. 100k)'],
      ['--limit <n>', 'At most N sessions (default: all)'],
      [
        '--sort <key>',
        'Order by start | tokens | messages, largest or newest first',
        {
          default: 'start',
        },
      ],
      ...TABLE_OUTPUT,
    ],
  }).action(async (opts: Opts): Result => {
    // Not warm: a short list is read from the files, without DuckDB (commands/list.ts).
    return answer(
      'list',
      opts,
      async () => {
        const { listOutput } = await import('./commands/list.js');
        return listOutput(opts);
      },
      false,
    );
  });

  define('show <ref>', 'A session: conversation, tool calls, usage, metadata', {
    examples: [
      'show rate-limiter',
      'show latest --tail 3',
      'show rate-limiter --role assistant --width 80',
    ],
    options: [
      ['--full', 'Show long content and tool results whole (by default they are folded)'],
      ['--role <role>', 'Only messages of this role: system | user | assistant | tool'],
      ['--tail <n>', 'Only the last N messages'],
      ['--width <n>', 'Cut each message to N characters on one line'],
      ['--json', 'Print the session file as it is, encrypted reasoning left out'],
      ['--reasoning', "With --json: keep the model's encrypted reasoning"],
    ],
  }).action(async (ref: string, opts: Opts): Result => {
    const { show, renderShow } = await import('./commands/show.js');
    return renderShow(await show(String(ref), opts), opts);
  });

  define('rename <ref> <name>', 'Give a session a name (usable as its ref)', {
    examples: ['rename session-2025-12-01-13-09-30 flaky-login'],
    args: { name: 'The new name: letters, digits, ., _ and -' },
    options: [JSON_OUTPUT],
  }).action(async (ref: string, name: string, opts: Opts): Result => {
    const { rename, renderRenamed } = await import('./commands/rename.js');
    return renderRenamed(await rename(String(ref), String(name), opts), opts);
  });

  define('tag <ref> <...tags>', 'Add tags to a session', {
    examples: ['tag flaky-login bug keep'],
    options: [JSON_OUTPUT],
  }).action(async (ref: string, tags: string[], opts: Opts): Result => {
    const { tag, renderTags } = await import('./commands/tag.js');
    return renderTags(await tag(String(ref), tags.map(String), opts), opts);
  });

  define('untag <ref> <...tags>', 'Remove tags from a session', {
    examples: ['untag flaky-login bug'],
    options: [JSON_OUTPUT],
  }).action(async (ref: string, tags: string[], opts: Opts): Result => {
    const { untag, renderTags } = await import('./commands/tag.js');
    return renderTags(await untag(String(ref), tags.map(String), opts), opts);
  });

  define('browse', 'Full-screen browser: filter, preview, resume, tag', {
    examples: ['browse'],
  }).action(async (opts: Opts): Result => {
    const { browse } = await import('./commands/browse.js');
    return browse(opts);
  });

  define('search <text>', 'Find text in messages and tool calls, any case', {
    examples: ['search ResizeObserver -n 3', 'search "connection pool" --role assistant'],
    args: { text: 'The words to find, as typed (white space matches any run of it)' },
    options: [
      ['--role <role>', 'Only user | assistant | system | tool'],
      ['-n <n>', 'At most N hits (default 20)'],
      ['--count-all', 'Count every match, not only until the newest N are known'],
      ...TABLE_OUTPUT,
      ...PERIOD_FILTERS,
    ],
  }).action(async (text: string, opts: Opts): Result => {
    return answer('search', { ...opts, text: String(text) }, async () => {
      const { search, renderSearch } = await import('./commands/search.js');
      return renderSearch(await search(String(text), opts), opts);
    });
  });
}

function defineAnalyseCommands(cli: CAC): void {
  const define = area(cli, 'analyse');

  define('stats', 'Sessions, messages, tokens, tools, models at a glance', {
    examples: ['stats', 'stats --by month', 'stats --by machine --from team-pool'],
    options: [
      ...POOL,
      ['--by <group>', 'One row per day | week | month | model | project | tool | machine'],
      ...TABLE_OUTPUT,
      ...ANALYTICS_FILTERS,
    ],
  }).action(async (opts: Opts): Result => {
    return answer('stats', opts, async () => {
      const { stats, renderStats } = await import('./commands/stats.js');
      return renderStats(await stats(opts), opts);
    });
  });

  define('cost', 'Cost: billed by xAI where recorded, else estimated', {
    examples: [
      'cost --month 2025-11',
      'cost --by day --since 2025-12-01',
      'cost --by session --rate 0.01',
    ],
    options: [
      ...POOL,
      ['--by <group>', 'One row per session | day | model | machine', { default: 'model' }],
      FLAT_RATE,
      ...TABLE_OUTPUT,
      ...ANALYTICS_FILTERS,
    ],
  }).action(async (opts: Opts): Result => {
    return answer('cost', opts, async () => {
      const { cost, renderCost } = await import('./commands/cost.js');
      const groupsOnly = !opts.json && opts.by !== 'session';
      return renderCost(await cost({ ...opts, groupsOnly }), opts);
    });
  });

  define('pricing', 'The price table, and models in your sessions without a price', {
    examples: ['pricing', 'pricing --json'],
    options: [JSON_OUTPUT, ...ANALYTICS_FILTERS],
  }).action(async (opts: Opts): Result => {
    return answer('pricing', opts, async () => {
      const { pricing, renderPricing } = await import('./commands/pricing.js');
      return renderPricing(await pricing(opts), opts);
    });
  });

  define('tools', 'Calls per tool, sessions using it, failures', {
    examples: ['tools', 'tools --month 2025-11'],
    options: [...POOL, ...TABLE_OUTPUT, ...ANALYTICS_FILTERS],
  }).action(async (opts: Opts): Result => {
    return answer('tools', opts, async () => {
      const { tools, renderTools } = await import('./commands/tools.js');
      return renderTools(await tools(opts), opts);
    });
  });

  define('top', 'The largest sessions', {
    examples: ['top', 'top -n 5 --by cost', 'top --by duration --month 2025-11'],
    options: [
      ...POOL,
      ['--by <key>', 'Largest by tokens | cost | messages | duration', { default: 'tokens' }],
      ['-n <n>', 'How many (default 10)'],
      ...TABLE_OUTPUT,
      ...ANALYTICS_FILTERS,
    ],
  }).action(async (opts: Opts): Result => {
    return answer('top', opts, async () => {
      const { top, renderTop } = await import('./commands/top.js');
      return renderTop(await top(opts), opts);
    });
  });

  define('query [sql]', 'Read-only SQL over the index, or a named query', {
    examples: [
      'query --list',
      'query "SELECT model, count(*) AS sessions FROM sessions GROUP BY model ORDER BY 2 DESC, 1"',
    ],
    args: { sql: 'A SELECT over the index, or the name of a named query' },
    options: [
      ['--from <dir>', 'Query a pool that exports wrote (a directory or a glob of them)'],
      ['--list', 'List the named queries'],
      ...TABLE_OUTPUT,
    ],
  }).action(async (sql: string | undefined, opts: Opts): Result => {
    const { query, renderQuery } = await import('./commands/query.js');
    return renderQuery(await query(sql, opts), opts);
  });

  define('report', 'A self-contained HTML report: tokens, cost, tools', {
    examples: ['report --month 2025-11 --out report.html', 'report --since 2025-10-01 --open'],
    options: [
      ...POOL,
      ['--out <file>', 'Where to write it (default report.html)'],
      FLAT_RATE,
      ['--open', 'Open it in a browser when there is one'],
      ['--force', 'Replace --out even when it is not an earlier report'],
      JSON_OUTPUT,
      ...ANALYTICS_FILTERS,
    ],
  }).action(async (opts: Opts): Result => {
    const { report, renderReport } = await import('./commands/report.js');
    return renderReport(await report(opts), opts);
  });
}

function defineMaintainCommands(cli: CAC): void {
  const define = area(cli, 'maintain');

  define('delete [...refs]', 'Delete sessions by ref, --on, --before or --all', {
    examples: [
      'delete flaky-login',
      'delete --on 2025-10-28 --dry-run',
      'delete --before 2025-09-01 --yes',
    ],
    options: [
      ['--on <date>', 'Every session started on this day (UTC)'],
      ['--before <date>', 'Every session started before this date'],
      ['--all', 'Every session'],
      ['--dry-run', 'Print what would be deleted, delete nothing'],
      YES,
      JSON_OUTPUT,
    ],
  }).action(async (refs: string[], opts: Opts): Result => {
    const { deleteSessions, renderDelete } = await import('./commands/delete.js');
    return renderDelete(await deleteSessions(refs.map(String), opts), opts);
  });

  define('prune', 'Delete old sessions; those tagged keep are safe', {
    examples: ['prune --older-than 90d --dry-run', 'prune --keep-last 10 --yes'],
    options: [
      OLDER_THAN,
      ['--before <date>', 'Last activity before this date'],
      ['--keep-last <n>', 'Never delete the newest N (alone: keep only the newest N)'],
      ['--keep-tag <tag>', 'Never delete sessions with this tag (repeatable; keep always is)'],
      ['--dry-run', 'Print exactly what would be deleted, delete nothing'],
      YES,
      JSON_OUTPUT,
    ],
  }).action(async (opts: Opts): Result => {
    const { prune, renderPrune } = await import('./commands/prune.js');
    return renderPrune(await prune(opts), opts);
  });

  define('archive [...args]', 'Monthly tar.gz archives, verified; list, restore', {
    examples: [
      'archive --older-than 90d --dry-run',
      'archive list',
      'archive restore retry-refactor',
    ],
    args: { args: 'Nothing (archive), list, or restore <ref>' },
    subcommands: [
      ['archive', 'Archive the sessions --older-than or of --month, verified, then remove them'],
      ['archive list', 'The archives: sessions in each, first and last, size'],
      ['archive restore <ref>', 'Put an archived session back (or --month: a whole archive)'],
    ],
    options: [
      OLDER_THAN,
      ['--month <YYYY-MM>', 'Sessions started in this month (UTC); with restore: that archive'],
      ['--out <dir>', 'Archive directory (default: retention.archiveDir, or $GROK_HOME/archives)'],
      [
        '--keep-originals',
        'Archive but leave the session files in place (by default they go once the archive is read back)',
      ],
      ['--keep-tag <tag>', 'Leave sessions with this tag live (repeatable; keep always is)'],
      ['--force', 'With restore: replace a session file that exists'],
      ['--dry-run', 'Print exactly what would happen, change nothing'],
      YES,
      JSON_OUTPUT,
    ],
  }).action(async (args: string[], opts: Opts): Result => {
    const { archiveCommand } = await import('./commands/archive.js');
    return archiveCommand(args.map(String), opts);
  });

  define('harden', 'Make sessions and archives private (0700, 0600)', {
    examples: ['harden --check', 'harden'],
    options: [['--check', 'Change nothing; exit 1 when anything is loose'], JSON_OUTPUT],
  }).action(async (opts: Opts): Result => {
    const { harden, renderHarden } = await import('./commands/harden.js');
    return renderHarden(await harden(opts), opts);
  });

  define('repair [...files]', 'Recover corrupted session files (originals kept)', {
    examples: ['repair --all --dry-run', 'repair --all', 'repair session-2025-10-05-11-20-00.json'],
    args: { files: 'Session files (names in the sessions directory) to repair' },
    options: [
      ['--all', 'Every session file that cannot be read'],
      ['--dry-run', 'Print what would be repaired, change nothing'],
      JSON_OUTPUT,
    ],
  }).action(async (files: string[], opts: Opts): Result => {
    const { repair, renderRepair } = await import('./commands/repair.js');
    return renderRepair(await repair(files.map(String), opts), opts);
  });

  define('doctor', 'Check directory, permissions, disk, files, index', {
    examples: ['doctor', 'doctor --json'],
    options: [JSON_OUTPUT],
  }).action(async (opts: Opts): Result => {
    const { doctor, renderDoctor } = await import('./commands/doctor.js');
    return renderDoctor(await doctor(opts), opts);
  });

  define('policy', 'The retention policy and what it would do now', {
    examples: ['policy', 'policy --json'],
    options: [JSON_OUTPUT],
  }).action(async (opts: Opts): Result => {
    const { policy, renderPolicy } = await import('./commands/policy.js');
    return renderPolicy(await policy(opts), opts);
  });

  define('maintain', 'Apply the retention policy once, and log the run', {
    examples: ['maintain --dry-run', 'maintain'],
    options: [
      ['--dry-run', 'Print what the run would do; no session changes (the log notes the dry run)'],
      ['--trigger <how>', 'manual | schedule (written to the log)', { default: 'manual' }],
      JSON_OUTPUT,
    ],
  }).action(async (opts: Opts): Result => {
    const { maintain, renderMaintain } = await import('./commands/maintain.js');
    return renderMaintain(await maintain(opts), opts);
  });

  define('cron [...action]', 'Run maintain on a schedule; install, uninstall, status', {
    examples: ['cron status', 'cron install --print', 'cron install'],
    args: { action: 'Nothing (run in the foreground), install, uninstall or status' },
    subcommands: [
      ['cron', 'Run maintain on the policy schedule in the foreground (Ctrl+C stops)'],
      ['cron install', 'Add the crontab line that runs maintain on the schedule'],
      ['cron uninstall', 'Remove that crontab line'],
      ['cron status', 'The schedule, the next runs, the crontab line and the last run'],
    ],
    options: [
      ['--print', 'With install: print the crontab line instead of installing it'],
      JSON_OUTPUT,
    ],
  }).action(async (action: string[], opts: Opts): Result => {
    const { cron } = await import('./commands/cron.js');
    return cron(action.map(String), opts);
  });
}

function defineShareCommands(cli: CAC): void {
  const define = area(cli, 'share');

  define('export [ref]', 'A session as md, html or json; tables as parquet', {
    examples: [
      'export auth-flow-review --format md',
      'export auth-flow-review --format html --out review.html',
      'export --format parquet --out team/alice',
    ],
    args: { ref: 'The session to export; without one, the index tables are exported' },
    options: [
      [
        '--format <format>',
        'With a ref: md (default) | html | json; without: parquet | csv | jsonl',
      ],
      [
        '--with-text',
        'Tables: add message text and tool calls (by default the tables hold no text)',
      ],
      [
        '--no-redact',
        'Keep secrets, in a transcript or in --with-text tables (by default each becomes [REDACTED:<kind>])',
      ],
      ['--reasoning', "With a ref and --format json: keep the model's encrypted reasoning"],
      ['--machine <id>', 'Parquet: the machine to pool under (default: settings, host name)'],
      [
        '--out <path>',
        'With a ref: a file, or a directory for <session>.<format>; without: a directory (Parquet: a pool, updated in place). Existing files are never overwritten',
      ],
      ...TABLE_OUTPUT,
      ...PERIOD_FILTERS,
    ],
  }).action(async (ref: string | undefined, opts: Opts): Result => {
    if (ref !== undefined) {
      const { exportSession, renderExportSession } = await import('./commands/export-session.js');
      return renderExportSession(await exportSession(String(ref), opts));
    }
    const { exportTables, renderExport } = await import('./commands/export.js');
    return renderExport(await exportTables(opts), opts);
  });

  define('secrets [...refs]', 'Find credentials in sessions (exit 1 when found)', {
    examples: ['secrets', 'secrets auth-flow-review --json'],
    args: { refs: 'Sessions to scan (by default every one)' },
    options: [JSON_OUTPUT],
  }).action(async (refs: string[], opts: Opts): Result => {
    const { secrets, renderSecrets } = await import('./commands/secrets.js');
    return renderSecrets(await secrets(refs.map(String), opts), opts);
  });

  define('redact [...refs]', 'Replace credentials with [REDACTED:<kind>]', {
    examples: ['redact auth-flow-review --dry-run', 'redact --all --yes'],
    options: [
      ['--all', 'Every session'],
      ['--dry-run', 'Print what would be redacted, change nothing'],
      YES,
      JSON_OUTPUT,
    ],
  }).action(async (refs: string[], opts: Opts): Result => {
    const { redact, renderRedact } = await import('./commands/redact.js');
    return renderRedact(await redact(refs.map(String), opts), opts);
  });
}

/** The chat runtime, reached from the toolkit. */
function defineChatCommands(cli: CAC): void {
  const define = area(cli, 'chat');

  define('resume [ref]', 'Continue a session in the chat (no ref: pick it in the browser)', {
    examples: ['resume orders-timeout', 'resume latest --model grok-4'],
    options: [['-m, --model <model>', 'Model (default: the model of the session)']],
  }).action(async (ref: string | undefined, opts: Opts): Result => {
    const { resume } = await import('./commands/resume.js');
    return resume(ref === undefined ? undefined : String(ref), opts);
  });

  define('fork <ref>', 'A new session from the first N messages of another', {
    examples: ['fork orders-timeout --at 3'],
    options: [['--at <n>', 'Keep the first N messages (default: all)'], JSON_OUTPUT],
  }).action(async (ref: string, opts: Opts): Result => {
    const { fork, renderFork } = await import('./commands/fork.js');
    return renderFork(await fork(String(ref), opts), opts);
  });
}
