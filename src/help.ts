/**
 * What `--help` prints, in place of cac's own: `grok sessions --help` lists the commands in
 * groups, one line each; a command's help has its description, arguments, the commands within
 * it, its options (saying what happens without them) and examples to copy.
 */
import type { CAC, Command } from 'cac';
import { type HelpEntry, type HelpSection, helpText } from './render/help.js';

export type Group = 'browse' | 'analyse' | 'maintain' | 'share' | 'chat';

/** The groups of `grok sessions --help`, in order. */
const GROUPS: Record<Group, string> = {
  browse: 'Browse',
  analyse: 'Analyse',
  maintain: 'Maintain',
  share: 'Share',
  chat: 'Chat',
};

/** What a command's help shows beyond its options. */
export interface CommandHelp {
  group: Group;
  /** 1–3 command lines to copy, after `grok sessions`. */
  examples: readonly string[];
  /** What an argument is, by its name in the usage, where the common meaning does not fit. */
  args?: Readonly<Record<string, string>>;
  /** The commands within this one (`archive list`), with a line each. */
  subcommands?: readonly (readonly [string, string])[];
}

/** What the usual arguments are. */
const ARGUMENTS: Record<string, string> = {
  ref: 'A session: its full id, a unique prefix of one, its name, or latest',
  refs: 'Sessions, each a full id, a unique prefix, a name, or latest',
  tags: 'One or more tags (letters, digits, ., _ and -)',
  message: 'The first message (optional); with -p, the question',
};

interface CacArg {
  value: string;
  required: boolean;
  variadic: boolean;
}

function optionEntries(options: Command['options']): HelpEntry[] {
  return options
    .filter((o) => o.name !== 'version')
    .map((o) => {
      // a --no-x option defaults to x, which its description says in words
      const fallback = o.negated ? undefined : o.config.default;
      const text =
        fallback === undefined ? o.description : `${o.description} (default: ${String(fallback)})`;
      return { term: o.rawName, text: o.name === 'help' ? 'Print this help' : text };
    });
}

/** `grok sessions --help` (and `grok sessions` alone when there is no terminal to browse in). */
export function sessionsHelpText(
  cli: CAC,
  helpOf: (c: Command) => CommandHelp | undefined,
): string {
  const groups = new Map<string, HelpEntry[]>();
  for (const title of Object.values(GROUPS)) groups.set(title, []);
  for (const command of cli.commands) {
    const help = helpOf(command);
    const title = help ? GROUPS[help.group] : 'Other';
    const entries = groups.get(title) ?? [];
    entries.push({ term: command.rawName, text: command.description });
    groups.set(title, entries);
  }
  const sections: HelpSection[] = [
    { lines: ['grok sessions: browse, analyse, maintain and share recorded sessions'] },
    {
      title: 'Usage',
      lines: [
        '  $ grok sessions <command> [options]',
        '  $ grok-sessions <command> [options]   (the same)',
      ],
    },
    ...[...groups]
      .filter(([, entries]) => entries.length > 0)
      .map(([title, entries]) => ({ title, entries, oneLine: true })),
    { title: 'Options', entries: optionEntries(cli.globalCommand.options) },
    {
      title: 'Examples',
      lines: ['list --limit 5', 'stats --by month', 'show latest --tail 3'].map(
        (e) => `  $ grok sessions ${e}`,
      ),
    },
    { lines: ['Each command has its own: grok sessions <command> --help'] },
  ];
  return helpText(sections);
}

/** `grok sessions <command> --help`. */
export function commandHelpText(cli: CAC, command: Command, help: CommandHelp | undefined): string {
  const name = cli.name;
  const args = (command.args as CacArg[]).map((a) => ({
    term: a.required ? `<${a.value}>` : `[${a.value}]`,
    text: help?.args?.[a.value] ?? ARGUMENTS[a.value] ?? '',
  }));
  const sections: HelpSection[] = [
    { lines: [`${name} ${command.name}: ${command.description}`.replace(/ +:/, ':')] },
    {
      title: 'Usage',
      lines: [`  $ ${name} ${command.rawName} [options]`.replace(/ {2,}\[/, ' [')],
    },
  ];
  if (args.length > 0) sections.push({ title: 'Arguments', entries: args });
  if (help?.subcommands) {
    sections.push({
      title: 'Commands',
      entries: help.subcommands.map(([term, text]) => ({ term, text })),
    });
  }
  sections.push({
    title: 'Options',
    entries: optionEntries([...command.options, ...cli.globalCommand.options]),
  });
  const examples = help?.examples ?? command.examples.filter((e) => typeof e === 'string');
  if (examples.length > 0) {
    sections.push({ title: 'Examples', lines: examples.map((e) => `  $ ${name} ${e}`) });
  }
  return helpText(sections);
}

/** `grok --help`: the chat runtime, and where the toolkit is. */
export function mainHelpText(cli: CAC): string {
  const chat = cli.commands.find((c) => c.isDefaultCommand);
  return helpText([
    { lines: ['grok: chat with Grok; every interactive session is recorded'] },
    {
      title: 'Usage',
      lines: [
        '  $ grok [options] [message]',
        '  $ grok sessions <command> [options]   (grok sessions --help lists them)',
      ],
    },
    { title: 'Arguments', entries: [{ term: '[message]', text: ARGUMENTS.message ?? '' }] },
    {
      title: 'Options',
      entries: optionEntries([...(chat?.options ?? []), ...cli.globalCommand.options]),
    },
    {
      title: 'Examples',
      lines: [
        '  $ grok',
        '  $ grok "analyze the authentication flow"',
        '  $ grok -p "quick query" --json',
        '  $ grok --resume orders-timeout',
      ],
    },
  ]);
}
