/**
 * The command registry: every command and its flags, and nothing else. Each action lazy-imports
 * its module, so `grok --version` loads neither DuckDB nor the OpenAI client.
 *
 * cac matches one word per command, so `grok sessions <sub>` is a second registry that
 * src/index.ts picks when the first argument is `sessions`.
 */
import { type CAC, cac } from 'cac';
import type { CommandOutput } from './commands/common.js';
import { grokVersion } from './version.js';

type Result = Promise<CommandOutput | undefined>;
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
    .option('--json', 'With -p: print a JSON object with the reply and usage')
    .option('-m, --model <model>', 'Model (default: $GROK_MODEL, settings, or grok-4)')
    .option('-c, --continue', 'Resume the latest session')
    .option('-r, --resume <ref>', 'Resume a session by id, prefix or name')
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

  // ---- browsing (foundation) ----
  cli
    .command('list', 'List sessions, newest first')
    .option('--since <date>', 'Started on or after DATE (YYYY-MM-DD or ISO time, UTC)')
    .option('--until <date>', 'Started on or before DATE')
    .option('--model <model>', 'Only this model')
    .option('--tag <tag>', 'Only sessions with this tag')
    .option('--over <tokens>', 'Only sessions over this many tokens (e.g. 100k)')
    .option('--limit <n>', 'At most N sessions')
    .option('--sort <key>', 'start | tokens | messages', { default: 'start' })
    .option('--json', 'JSON output')
    .action(async (opts: Opts): Result => {
      const { list, listJson, renderList } = await import('./commands/list.js');
      const { jsonOutput } = await import('./commands/common.js');
      const result = await list(opts);
      return opts.json ? jsonOutput(listJson(result)) : renderList(result);
    });

  cli
    .command('show <ref>', 'Show a session: the conversation, tool calls, usage and metadata')
    .option('--full', 'Do not fold long content and tool results')
    .option('--role <role>', 'Only messages of this role: system | user | assistant | tool')
    .option('--tail <n>', 'Only the last N messages')
    .option('--width <n>', 'Cut each message to N characters on one line')
    .option('--json', 'Print the session file unchanged')
    .action(async (ref: string, opts: Opts): Result => {
      const { show, renderShow } = await import('./commands/show.js');
      return renderShow(await show(String(ref), opts), opts);
    });

  cli
    .command('delete <...refs>', 'Delete sessions (asks first; --yes without a terminal)')
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

  // ---- analytics ----

  // ---- maintenance ----

  // ---- runtime (resume, fork) ----

  cli.help();
  cli.version(grokVersion());
  return cli;
}
