/**
 * The command registry: every command and its flags, and nothing else. Each action lazy-imports
 * its module, so `grok --version` loads neither DuckDB nor the OpenAI client.
 *
 * cac matches one word per command, so `grok sessions <sub>` is a second registry that
 * src/main.ts picks when the first argument is `sessions`.
 */
import { type CAC, cac } from 'cac';
import type { CommandOutput } from './commands/common.js';
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
  cli.help();
  cli.version(grokVersion());
  return cli;
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
    if (archived) command.option('--include-archived', 'Also count sessions in archives');
    return command;
  };

  // ---- browsing (foundation) ----
  analyticsFilters(cli.command('list', 'List sessions, newest first'), false)
    .option('--over <tokens>', 'Only sessions over this many tokens (e.g. 100k)')
    .option('--limit <n>', 'At most N sessions')
    .option('--sort <key>', 'start | tokens | messages', { default: 'start' })
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

  cli
    .command('show <ref>', 'Show a session: the conversation, tool calls, usage and metadata')
    .option('--full', 'Do not fold long content and tool results')
    .option('--role <role>', 'Only messages of this role: system | user | assistant | tool')
    .option('--tail <n>', 'Only the last N messages')
    .option('--width <n>', 'Cut each message to N characters on one line')
    .option('--json', 'Print the session file as it is, encrypted reasoning left out')
    .option('--reasoning', "With --json: keep the model's encrypted reasoning")
    .action(async (ref: string, opts: Opts): Result => {
      const { show, renderShow } = await import('./commands/show.js');
      return renderShow(await show(String(ref), opts), opts);
    });

  cli
    .command(
      'delete [...refs]',
      'Delete sessions by ref, --on DATE, --before DATE or --all (asks first)',
    )
    .option('--on <date>', 'Every session started on this day (UTC)')
    .option('--before <date>', 'Every session started before this date')
    .option('--all', 'Every session')
    .option('--dry-run', 'Print what would be deleted, delete nothing')
    .option('-y, --yes', 'Do not ask')
    .option('--json', 'JSON output')
    .action(async (refs: string[], opts: Opts): Result => {
      const { deleteSessions, renderDelete } = await import('./commands/delete.js');
      return renderDelete(await deleteSessions(refs.map(String), opts), opts);
    });

  cli
    .command('rename <ref> <name>', 'Give a session a name (usable as its ref)')
    .option('--json', 'JSON output')
    .action(async (ref: string, name: string, opts: Opts): Result => {
      const { rename, renderRenamed } = await import('./commands/rename.js');
      return renderRenamed(await rename(String(ref), String(name), opts), opts);
    });

  cli
    .command('tag <ref> <...tags>', 'Add tags to a session')
    .option('--json', 'JSON output')
    .action(async (ref: string, tags: string[], opts: Opts): Result => {
      const { tag, renderTags } = await import('./commands/tag.js');
      return renderTags(await tag(String(ref), tags.map(String), opts), opts);
    });

  cli
    .command('untag <ref> <...tags>', 'Remove tags from a session')
    .option('--json', 'JSON output')
    .action(async (ref: string, tags: string[], opts: Opts): Result => {
      const { untag, renderTags } = await import('./commands/tag.js');
      return renderTags(await untag(String(ref), tags.map(String), opts), opts);
    });

  cli
    .command(
      'browse',
      'Full-screen session browser: filter, search, preview, resume, rename, tag, delete, archive',
    )
    .action(async (opts: Opts): Result => {
      const { browse } = await import('./commands/browse.js');
      return browse(opts);
    });

  // ---- analytics ----
  analyticsFilters(
    cli
      .command('stats', 'Sessions, messages, tokens, tools and models at a glance')
      .option('--by <group>', 'One row per day | week | month | model | project | tool')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action(async (opts: Opts): Result => {
    return answer('stats', opts, async () => {
      const { stats, renderStats } = await import('./commands/stats.js');
      return renderStats(await stats(opts), opts);
    });
  });

  analyticsFilters(
    cli
      .command('cost', 'Cost of sessions: billed by xAI where recorded, else estimated (or --rate)')
      .option('--by <group>', 'session | day | model', { default: 'model' })
      .option('--rate <usd>', 'Flat price in USD per 1,000 total tokens instead of the price table')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action(async (opts: Opts): Result => {
    return answer('cost', opts, async () => {
      const { cost, renderCost } = await import('./commands/cost.js');
      return renderCost(await cost(opts), opts);
    });
  });

  analyticsFilters(
    cli
      .command(
        'pricing',
        'The price table in force, and the models in your sessions without a price',
      )
      .option('--json', 'JSON output'),
  ).action(async (opts: Opts): Result => {
    return answer('pricing', opts, async () => {
      const { pricing, renderPricing } = await import('./commands/pricing.js');
      return renderPricing(await pricing(opts), opts);
    });
  });

  analyticsFilters(
    cli
      .command('tools', 'Calls per tool, sessions using it, share and failures')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action(async (opts: Opts): Result => {
    return answer('tools', opts, async () => {
      const { tools, renderTools } = await import('./commands/tools.js');
      return renderTools(await tools(opts), opts);
    });
  });

  analyticsFilters(
    cli
      .command('top', 'The largest sessions')
      .option('--by <key>', 'tokens | cost | messages | duration', { default: 'tokens' })
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
    cli
      .command('search <text>', 'Search message content and tool calls (case-insensitive)')
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

  cli
    .command('query [sql]', 'Read-only SQL over the index, or a named query (--list)')
    .option('--list', 'List the named queries')
    .option('--json', 'JSON output')
    .option('--csv', 'CSV output')
    .action(async (sql: string | undefined, opts: Opts): Result => {
      const { query, renderQuery } = await import('./commands/query.js');
      return renderQuery(await query(sql, opts), opts);
    });

  analyticsFilters(
    cli
      .command(
        'export [ref]',
        'Export one session as md | html | json (redacted), or the tables as parquet | csv | jsonl',
      )
      .option('--format <format>', 'With a ref: md | html | json; without: parquet | csv | jsonl')
      .option('--no-redact', 'With a ref: keep secrets in the transcript')
      .option('--reasoning', "With a ref and --format json: keep the model's encrypted reasoning")
      .option(
        '--out <path>',
        'With a ref: a file, or a directory for <session>.<format>; without: a directory. Existing files are never overwritten',
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
  cli
    .command(
      'prune',
      'Delete old sessions (--older-than, --before, --keep-last); tagged keep are safe',
    )
    .option(
      '--older-than <duration>',
      'Last activity older than this: 30d, 12h, 2w, 3mo (30 days), 1y',
    )
    .option('--before <date>', 'Last activity before this date')
    .option('--keep-last <n>', 'Never delete the newest N (alone: keep only the newest N)')
    .option('--keep-tag <tag>', 'Never delete sessions with this tag (repeatable; keep always is)')
    .option('--dry-run', 'Print exactly what would be deleted, delete nothing')
    .option('-y, --yes', 'Do not ask')
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { prune, renderPrune } = await import('./commands/prune.js');
      return renderPrune(await prune(opts), opts);
    });

  cli
    .command(
      'archive [...args]',
      'Move sessions into verified monthly tar.gz archives; archive list | restore',
    )
    .option(
      '--older-than <duration>',
      'Last activity older than this: 30d, 12h, 2w, 3mo (30 days), 1y',
    )
    .option('--month <YYYY-MM>', 'Sessions started in this month (UTC); with restore: that archive')
    .option(
      '--out <dir>',
      'Archive directory (default: retention.archiveDir, or $GROK_HOME/archives)',
    )
    .option('--keep-originals', 'Archive but leave the session files in place')
    .option('--keep-tag <tag>', 'Leave sessions with this tag live (repeatable; keep always is)')
    .option('--force', 'With restore: replace a session file that exists')
    .option('--dry-run', 'Print exactly what would happen, change nothing')
    .option('-y, --yes', 'Do not ask')
    .option('--json', 'JSON output')
    .action(async (args: string[], opts: Opts): Result => {
      const { archiveCommand } = await import('./commands/archive.js');
      return archiveCommand(args.map(String), opts);
    });

  cli
    .command('harden', 'Make GROK_HOME, sessions and archives private (0700 dirs, 0600 files)')
    .option('--check', 'Change nothing; exit 1 when anything is loose')
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { harden, renderHarden } = await import('./commands/harden.js');
      return renderHarden(await harden(opts), opts);
    });

  cli
    .command('repair [...files]', 'Recover corrupted session files (originals kept as backups)')
    .option('--all', 'Every session file that cannot be read')
    .option('--dry-run', 'Print what would be repaired, change nothing')
    .option('--json', 'JSON output')
    .action(async (files: string[], opts: Opts): Result => {
      const { repair, renderRepair } = await import('./commands/repair.js');
      return renderRepair(await repair(files.map(String), opts), opts);
    });

  cli
    .command(
      'doctor',
      'Check the directory, permissions, disk space, files and index; name the fixes',
    )
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { doctor, renderDoctor } = await import('./commands/doctor.js');
      return renderDoctor(await doctor(opts), opts);
    });

  // ---- schedule ----
  cli
    .command('policy', 'Show the retention policy in force and what it would do now')
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { policy, renderPolicy } = await import('./commands/policy.js');
      return renderPolicy(await policy(opts), opts);
    });

  cli
    .command('maintain', 'Apply the retention policy once: archive, prune, harden; log the run')
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

  cli
    .command(
      'cron [...action]',
      'Run maintenance on the policy schedule in the foreground; install | uninstall | status the crontab line',
    )
    .option('--print', 'With install: print the crontab line instead of installing it')
    .option('--json', 'JSON output')
    .action(async (action: string[], opts: Opts): Result => {
      const { cron } = await import('./commands/cron.js');
      return cron(action.map(String), opts);
    });

  // ---- sharing ----
  cli
    .command(
      'secrets [...refs]',
      'Scan sessions for credentials (exit 1 when any is found, or a file cannot be read)',
    )
    .option('--json', 'JSON output')
    .action(async (refs: string[], opts: Opts): Result => {
      const { secrets, renderSecrets } = await import('./commands/secrets.js');
      return renderSecrets(await secrets(refs.map(String), opts), opts);
    });

  cli
    .command('redact [...refs]', 'Replace credentials with [REDACTED:<kind>] in place')
    .option('--all', 'Every session')
    .option('--dry-run', 'Print what would be redacted, change nothing')
    .option('-y, --yes', 'Do not ask')
    .option('--json', 'JSON output')
    .action(async (refs: string[], opts: Opts): Result => {
      const { redact, renderRedact } = await import('./commands/redact.js');
      return renderRedact(await redact(refs.map(String), opts), opts);
    });

  analyticsFilters(
    cli
      .command(
        'report',
        'A self-contained HTML report: tokens and cost per day, tools, lengths, models',
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
  cli
    .command(
      'resume [ref]',
      'Resume a session: its messages are sent again, new turns appended (no ref: pick it in the browser)',
    )
    .option('-m, --model <model>', 'Model (default: the model of the session)')
    .action(async (ref: string | undefined, opts: Opts): Result => {
      const { resume } = await import('./commands/resume.js');
      return resume(ref === undefined ? undefined : String(ref), opts);
    });

  cli
    .command('fork <ref>', 'Start a new session from the first N messages of another')
    .option('--at <n>', 'Keep the first N messages (default: all)')
    .option('--json', 'JSON output')
    .action(async (ref: string, opts: Opts): Result => {
      const { fork, renderFork } = await import('./commands/fork.js');
      return renderFork(await fork(String(ref), opts), opts);
    });

  cli.help();
  cli.version(grokVersion());
  return cli;
}
