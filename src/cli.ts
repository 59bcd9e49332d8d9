/**
 * The command registry: every command and its flags, and nothing else. Each action lazy-imports
 * its module, so `grok --version` loads neither DuckDB nor the OpenAI client.
 *
 * cac matches one word per command, so `grok sessions <sub>` is a second registry that
 * src/main.ts picks when the first argument is `sessions`.
 */
import { type CAC, type Command, cac } from 'cac';
import { type CommandHelp, commandHelpText, mainHelpText, sessionsHelpText } from './help.js';
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

/** A command and its help: `define(cli, 'list', 'List sessions', { group, examples })`. */
function define(cli: CAC, rawName: string, description: string, help: CommandHelp): Command {
  const command = cli.command(rawName, description);
  HELP.set(command, help);
  return command;
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

/** `grok sessions <command>`: the toolkit. */
export function buildSessionsCli(): CAC {
  const cli = cac('grok sessions');
  addGlobalOptions(cli);

  // The filters of list and the analytics commands, read alike (analytics/period.ts).
  const analyticsFilters = (command: ReturnType<CAC['command']>, archived = true) => {
    command
      .option('--since <date>', 'Started on or after DATE (YYYY-MM-DD or ISO time, UTC)')
      .option('--until <date>', 'Started on or before DATE')
      .option('--month <YYYY-MM>', 'Started in this month (UTC, or in --tz)')
      .option('--model <model>', 'Only this model')
      .option('--tag <tag>', 'Only sessions with this tag')
      .option('--project <dir>', 'Only sessions whose working directory is DIR')
      .option('--tz <zone>', 'Time zone for months and days, e.g. Europe/Paris (default UTC)');
    if (archived) {
      command.option(
        '--include-archived',
        'Also count sessions in archives (by default only the session files)',
      );
    }
    return command;
  };
  // Reading a pool of exports instead of the sessions (analytics/pool.ts).
  const poolOptions = (command: ReturnType<CAC['command']>) =>
    command
      .option('--from <dir>', 'Read a pool that exports wrote (a directory or a glob of them)')
      .option('--machine <id>', 'With --from: only the sessions of this machine');

  // ---- browsing (foundation) ----
  analyticsFilters(
    define(cli, 'list', 'List sessions, newest first', {
      group: 'browse',
      examples: [
        'list --limit 5',
        'list --since 2025-12-01 --model grok-3',
        'list --over 100k --sort tokens',
      ],
    }),
    false,
  )
    .option('--over <tokens>', 'Only sessions over this many tokens (e.g. 100k)')
    .option('--limit <n>', 'At most N sessions (default: all)')
    .option('--sort <key>', 'Order by start | tokens | messages, largest or newest first', {
      default: 'start',
    })
    .option('--json', 'JSON output')
    .option('--csv', 'CSV output')
    .action(async (opts: Opts): Result => {
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

  define(cli, 'show <ref>', 'A session: conversation, tool calls, usage, metadata', {
    group: 'browse',
    examples: [
      'show rate-limiter',
      'show latest --tail 3',
      'show rate-limiter --role assistant --width 80',
    ],
  })
    .option('--full', 'Show long content and tool results whole (by default they are folded)')
    .option('--role <role>', 'Only messages of this role: system | user | assistant | tool')
    .option('--tail <n>', 'Only the last N messages')
    .option('--width <n>', 'Cut each message to N characters on one line')
    .option('--json', 'Print the session file as it is, encrypted reasoning left out')
    .option('--reasoning', "With --json: keep the model's encrypted reasoning")
    .action(async (ref: string, opts: Opts): Result => {
      const { show, renderShow } = await import('./commands/show.js');
      return renderShow(await show(String(ref), opts), opts);
    });

  define(cli, 'delete [...refs]', 'Delete sessions by ref, --on, --before or --all', {
    group: 'maintain',
    examples: [
      'delete flaky-login',
      'delete --on 2025-10-28 --dry-run',
      'delete --before 2025-09-01 --yes',
    ],
  })
    .option('--on <date>', 'Every session started on this day (UTC)')
    .option('--before <date>', 'Every session started before this date')
    .option('--all', 'Every session')
    .option('--dry-run', 'Print what would be deleted, delete nothing')
    .option('-y, --yes', 'Do not ask (without a terminal to ask on, it is needed)')
    .option('--json', 'JSON output')
    .action(async (refs: string[], opts: Opts): Result => {
      const { deleteSessions, renderDelete } = await import('./commands/delete.js');
      return renderDelete(await deleteSessions(refs.map(String), opts), opts);
    });

  define(cli, 'rename <ref> <name>', 'Give a session a name (usable as its ref)', {
    group: 'browse',
    examples: ['rename session-2025-12-01-13-09-30 flaky-login'],
    args: { name: 'The new name: letters, digits, ., _ and -' },
  })
    .option('--json', 'JSON output')
    .action(async (ref: string, name: string, opts: Opts): Result => {
      const { rename, renderRenamed } = await import('./commands/rename.js');
      return renderRenamed(await rename(String(ref), String(name), opts), opts);
    });

  define(cli, 'tag <ref> <...tags>', 'Add tags to a session', {
    group: 'browse',
    examples: ['tag flaky-login bug keep'],
  })
    .option('--json', 'JSON output')
    .action(async (ref: string, tags: string[], opts: Opts): Result => {
      const { tag, renderTags } = await import('./commands/tag.js');
      return renderTags(await tag(String(ref), tags.map(String), opts), opts);
    });

  define(cli, 'untag <ref> <...tags>', 'Remove tags from a session', {
    group: 'browse',
    examples: ['untag flaky-login bug'],
  })
    .option('--json', 'JSON output')
    .action(async (ref: string, tags: string[], opts: Opts): Result => {
      const { untag, renderTags } = await import('./commands/tag.js');
      return renderTags(await untag(String(ref), tags.map(String), opts), opts);
    });

  define(cli, 'browse', 'Full-screen browser: filter, preview, resume, tag', {
    group: 'browse',
    examples: ['browse'],
  }).action(async (opts: Opts): Result => {
    const { browse } = await import('./commands/browse.js');
    return browse(opts);
  });

  // ---- analytics ----
  analyticsFilters(
    poolOptions(
      define(cli, 'stats', 'Sessions, messages, tokens, tools, models at a glance', {
        group: 'analyse',
        examples: ['stats', 'stats --by month', 'stats --by machine --from team-pool'],
      }),
    )
      .option('--by <group>', 'One row per day | week | month | model | project | tool | machine')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action(async (opts: Opts): Result => {
    return answer('stats', opts, async () => {
      const { stats, renderStats } = await import('./commands/stats.js');
      return renderStats(await stats(opts), opts);
    });
  });

  analyticsFilters(
    poolOptions(
      define(cli, 'cost', 'Cost: billed by xAI where recorded, else estimated', {
        group: 'analyse',
        examples: [
          'cost --month 2025-11',
          'cost --by day --since 2025-12-01',
          'cost --by session --rate 0.01',
        ],
      }),
    )
      .option('--by <group>', 'One row per session | day | model | machine', { default: 'model' })
      .option('--rate <usd>', 'Flat price in USD per 1,000 total tokens instead of the price table')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action(async (opts: Opts): Result => {
    return answer('cost', opts, async () => {
      const { cost, renderCost } = await import('./commands/cost.js');
      const groupsOnly = !opts.json && opts.by !== 'session';
      return renderCost(await cost({ ...opts, groupsOnly }), opts);
    });
  });

  analyticsFilters(
    define(cli, 'pricing', 'The price table, and models in your sessions without a price', {
      group: 'analyse',
      examples: ['pricing', 'pricing --json'],
    }).option('--json', 'JSON output'),
  ).action(async (opts: Opts): Result => {
    return answer('pricing', opts, async () => {
      const { pricing, renderPricing } = await import('./commands/pricing.js');
      return renderPricing(await pricing(opts), opts);
    });
  });

  analyticsFilters(
    poolOptions(
      define(cli, 'tools', 'Calls per tool, sessions using it, failures', {
        group: 'analyse',
        examples: ['tools', 'tools --month 2025-11'],
      }),
    )
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action(async (opts: Opts): Result => {
    return answer('tools', opts, async () => {
      const { tools, renderTools } = await import('./commands/tools.js');
      return renderTools(await tools(opts), opts);
    });
  });

  analyticsFilters(
    poolOptions(
      define(cli, 'top', 'The largest sessions', {
        group: 'analyse',
        examples: ['top', 'top -n 5 --by cost', 'top --by duration --month 2025-11'],
      }),
    )
      .option('--by <key>', 'Largest by tokens | cost | messages | duration', { default: 'tokens' })
      .option('-n <n>', 'How many (default 10)')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action(async (opts: Opts): Result => {
    return answer('top', opts, async () => {
      const { top, renderTop } = await import('./commands/top.js');
      return renderTop(await top(opts), opts);
    });
  });

  analyticsFilters(
    define(cli, 'search <text>', 'Find text in messages and tool calls, any case', {
      group: 'browse',
      examples: ['search ResizeObserver -n 3', 'search "connection pool" --role assistant'],
      args: { text: 'The words to find, as typed (white space matches any run of it)' },
    })
      .option('--role <role>', 'Only user | assistant | system | tool')
      .option('-n <n>', 'At most N hits (default 20)')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
    false,
  ).action(async (text: string, opts: Opts): Result => {
    return answer('search', { ...opts, text: String(text) }, async () => {
      const { search, renderSearch } = await import('./commands/search.js');
      return renderSearch(await search(String(text), opts), opts);
    });
  });

  define(cli, 'query [sql]', 'Read-only SQL over the index, or a named query', {
    group: 'analyse',
    examples: [
      'query --list',
      'query "SELECT model, count(*) AS sessions FROM sessions GROUP BY model ORDER BY 2 DESC, 1"',
    ],
    args: { sql: 'A SELECT over the index, or the name of a named query' },
  })
    .option('--from <dir>', 'Query a pool that exports wrote (a directory or a glob of them)')
    .option('--list', 'List the named queries')
    .option('--json', 'JSON output')
    .option('--csv', 'CSV output')
    .action(async (sql: string | undefined, opts: Opts): Result => {
      const { query, renderQuery } = await import('./commands/query.js');
      return renderQuery(await query(sql, opts), opts);
    });

  analyticsFilters(
    define(cli, 'export [ref]', 'A session as md, html or json; tables as parquet', {
      group: 'share',
      examples: [
        'export auth-flow-review --format md',
        'export auth-flow-review --format html --out review.html',
        'export --format parquet --out team/alice',
      ],
      args: { ref: 'The session to export; without one, the index tables are exported' },
    })
      .option(
        '--format <format>',
        'With a ref: md (default) | html | json; without: parquet | csv | jsonl',
      )
      .option(
        '--with-text',
        'Tables: add message text and tool calls (by default the tables hold no text)',
      )
      .option(
        '--no-redact',
        'Keep secrets, in a transcript or in --with-text tables (by default each becomes [REDACTED:<kind>])',
      )
      .option('--reasoning', "With a ref and --format json: keep the model's encrypted reasoning")
      .option('--machine <id>', 'Parquet: the machine to pool under (default: settings, host name)')
      .option(
        '--out <path>',
        'With a ref: a file, or a directory for <session>.<format>; without: a directory (Parquet: a pool, updated in place). Existing files are never overwritten',
      )
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
    false,
  ).action(async (ref: string | undefined, opts: Opts): Result => {
    if (ref !== undefined) {
      const { exportSession, renderExportSession } = await import('./commands/export-session.js');
      return renderExportSession(await exportSession(String(ref), opts));
    }
    const { exportTables, renderExport } = await import('./commands/export.js');
    return renderExport(await exportTables(opts), opts);
  });

  // ---- maintenance ----
  define(cli, 'prune', 'Delete old sessions; those tagged keep are safe', {
    group: 'maintain',
    examples: ['prune --older-than 90d --dry-run', 'prune --keep-last 10 --yes'],
  })
    .option(
      '--older-than <duration>',
      'Last activity older than this: 30d, 12h, 2w, 3mo (30 days), 1y',
    )
    .option('--before <date>', 'Last activity before this date')
    .option('--keep-last <n>', 'Never delete the newest N (alone: keep only the newest N)')
    .option('--keep-tag <tag>', 'Never delete sessions with this tag (repeatable; keep always is)')
    .option('--dry-run', 'Print exactly what would be deleted, delete nothing')
    .option('-y, --yes', 'Do not ask (without a terminal to ask on, it is needed)')
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { prune, renderPrune } = await import('./commands/prune.js');
      return renderPrune(await prune(opts), opts);
    });

  define(cli, 'archive [...args]', 'Monthly tar.gz archives, verified; list, restore', {
    group: 'maintain',
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
  })
    .option(
      '--older-than <duration>',
      'Last activity older than this: 30d, 12h, 2w, 3mo (30 days), 1y',
    )
    .option('--month <YYYY-MM>', 'Sessions started in this month (UTC); with restore: that archive')
    .option(
      '--out <dir>',
      'Archive directory (default: retention.archiveDir, or $GROK_HOME/archives)',
    )
    .option(
      '--keep-originals',
      'Archive but leave the session files in place (by default they go once the archive is read back)',
    )
    .option('--keep-tag <tag>', 'Leave sessions with this tag live (repeatable; keep always is)')
    .option('--force', 'With restore: replace a session file that exists')
    .option('--dry-run', 'Print exactly what would happen, change nothing')
    .option('-y, --yes', 'Do not ask (without a terminal to ask on, it is needed)')
    .option('--json', 'JSON output')
    .action(async (args: string[], opts: Opts): Result => {
      const { archiveCommand } = await import('./commands/archive.js');
      return archiveCommand(args.map(String), opts);
    });

  define(cli, 'harden', 'Make sessions and archives private (0700, 0600)', {
    group: 'maintain',
    examples: ['harden --check', 'harden'],
  })
    .option('--check', 'Change nothing; exit 1 when anything is loose')
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { harden, renderHarden } = await import('./commands/harden.js');
      return renderHarden(await harden(opts), opts);
    });

  define(cli, 'repair [...files]', 'Recover corrupted session files (originals kept)', {
    group: 'maintain',
    examples: ['repair --all --dry-run', 'repair --all', 'repair session-2025-10-05-11-20-00.json'],
    args: { files: 'Session files (names in the sessions directory) to repair' },
  })
    .option('--all', 'Every session file that cannot be read')
    .option('--dry-run', 'Print what would be repaired, change nothing')
    .option('--json', 'JSON output')
    .action(async (files: string[], opts: Opts): Result => {
      const { repair, renderRepair } = await import('./commands/repair.js');
      return renderRepair(await repair(files.map(String), opts), opts);
    });

  define(cli, 'doctor', 'Check directory, permissions, disk, files, index', {
    group: 'maintain',
    examples: ['doctor', 'doctor --json'],
  })
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { doctor, renderDoctor } = await import('./commands/doctor.js');
      return renderDoctor(await doctor(opts), opts);
    });

  // ---- schedule ----
  define(cli, 'policy', 'The retention policy and what it would do now', {
    group: 'maintain',
    examples: ['policy', 'policy --json'],
  })
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { policy, renderPolicy } = await import('./commands/policy.js');
      return renderPolicy(await policy(opts), opts);
    });

  define(cli, 'maintain', 'Apply the retention policy once, and log the run', {
    group: 'maintain',
    examples: ['maintain --dry-run', 'maintain'],
  })
    .option(
      '--dry-run',
      'Print what the run would do; no session changes (the log notes the dry run)',
    )
    .option('--trigger <how>', 'manual | schedule (written to the log)', { default: 'manual' })
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { maintain, renderMaintain } = await import('./commands/maintain.js');
      return renderMaintain(await maintain(opts), opts);
    });

  define(cli, 'cron [...action]', 'Run maintain on a schedule; install, uninstall, status', {
    group: 'maintain',
    examples: ['cron status', 'cron install --print', 'cron install'],
    args: { action: 'Nothing (run in the foreground), install, uninstall or status' },
    subcommands: [
      ['cron', 'Run maintain on the policy schedule in the foreground (Ctrl+C stops)'],
      ['cron install', 'Add the crontab line that runs maintain on the schedule'],
      ['cron uninstall', 'Remove that crontab line'],
      ['cron status', 'The schedule, the next runs, the crontab line and the last run'],
    ],
  })
    .option('--print', 'With install: print the crontab line instead of installing it')
    .option('--json', 'JSON output')
    .action(async (action: string[], opts: Opts): Result => {
      const { cron } = await import('./commands/cron.js');
      return cron(action.map(String), opts);
    });

  // ---- sharing ----
  define(cli, 'secrets [...refs]', 'Find credentials in sessions (exit 1 when found)', {
    group: 'share',
    examples: ['secrets', 'secrets auth-flow-review --json'],
    args: { refs: 'Sessions to scan (by default every one)' },
  })
    .option('--json', 'JSON output')
    .action(async (refs: string[], opts: Opts): Result => {
      const { secrets, renderSecrets } = await import('./commands/secrets.js');
      return renderSecrets(await secrets(refs.map(String), opts), opts);
    });

  define(cli, 'redact [...refs]', 'Replace credentials with [REDACTED:<kind>]', {
    group: 'share',
    examples: ['redact auth-flow-review --dry-run', 'redact --all --yes'],
  })
    .option('--all', 'Every session')
    .option('--dry-run', 'Print what would be redacted, change nothing')
    .option('-y, --yes', 'Do not ask (without a terminal to ask on, it is needed)')
    .option('--json', 'JSON output')
    .action(async (refs: string[], opts: Opts): Result => {
      const { redact, renderRedact } = await import('./commands/redact.js');
      return renderRedact(await redact(refs.map(String), opts), opts);
    });

  analyticsFilters(
    poolOptions(
      define(cli, 'report', 'A self-contained HTML report: tokens, cost, tools', {
        group: 'analyse',
        examples: ['report --month 2025-11 --out report.html', 'report --since 2025-10-01 --open'],
      }),
    )
      .option('--out <file>', 'Where to write it (default report.html)')
      .option('--rate <usd>', 'Flat price in USD per 1,000 total tokens instead of the price table')
      .option('--open', 'Open it in a browser when there is one')
      .option('--force', 'Replace --out even when it is not an earlier report')
      .option('--json', 'JSON output'),
  ).action(async (opts: Opts): Result => {
    const { report, renderReport } = await import('./commands/report.js');
    return renderReport(await report(opts), opts);
  });

  // ---- runtime (resume, fork) ----
  define(cli, 'resume [ref]', 'Continue a session in the chat (no ref: pick it in the browser)', {
    group: 'chat',
    examples: ['resume orders-timeout', 'resume latest --model grok-4'],
  })
    .option('-m, --model <model>', 'Model (default: the model of the session)')
    .action(async (ref: string | undefined, opts: Opts): Result => {
      const { resume } = await import('./commands/resume.js');
      return resume(ref === undefined ? undefined : String(ref), opts);
    });

  define(cli, 'fork <ref>', 'A new session from the first N messages of another', {
    group: 'chat',
    examples: ['fork orders-timeout --at 3'],
  })
    .option('--at <n>', 'Keep the first N messages (default: all)')
    .option('--json', 'JSON output')
    .action(async (ref: string, opts: Opts): Result => {
      const { fork, renderFork } = await import('./commands/fork.js');
      return renderFork(await fork(String(ref), opts), opts);
    });

  withHelp(cli, () => sessionsHelpText(cli, (c) => HELP.get(c)));
  cli.version(grokVersion());
  return cli;
}
