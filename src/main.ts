/**
 * The program, run by the bin (src/index.ts), and its one try/catch: a UserError prints its one
 * line (and hint) and exits with its code; anything else is an internal error, with the stack
 * under --debug.
 */
import type { CAC } from 'cac';
import { buildMainCli, buildSessionsCli } from './cli.js';
import { EXIT_FAILURE, EXIT_USAGE, UsageError, UserError } from './errors.js';
import { red, useColor, yellow } from './render/color.js';
import { type CommandOutput, outputParts } from './render/output.js';
import { nearest } from './render/suggest.js';
import { outputWidth, wrapNotes } from './render/width.js';

/**
 * A reader that went away (`grok sessions list --json | head`) is not an error of grok's: what is
 * left of the output is dropped, quietly, and the command ends with its own exit code. Any other
 * failure to write is still raised.
 */
function dropOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
dropOnClosedPipe(process.stdout);
dropOnClosedPipe(process.stderr);

function write(stream: NodeJS.WriteStream, text: CommandOutput['stdout']): Promise<void> {
  let flushed = true;
  for (const part of outputParts(text)) if (part.length > 0) flushed = stream.write(part);
  return new Promise((resolve) => {
    if (flushed) resolve();
    else {
      // drain, or the end of a stream whose reader left
      stream.once('drain', resolve);
      stream.once('close', resolve);
    }
  });
}

/** The key cac gives an option typed as `--dry-run` or `-n`: dryRun, n. */
function optionKey(token: string): string {
  return token.replace(/^--?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * cac's parser turns option values that look like numbers into numbers ('007' → 7, '' → 0,
 * '1e3' → 1000). Where that lost what was typed, the typed string is put back: a path, a tag or
 * a model is what the user wrote. (Values that read back the same, '10', stay numbers.)
 */
function keepTypedValues(options: Record<string, unknown>, argv: readonly string[]): void {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(argv[i] ?? '');
    if (!m?.[1]) continue;
    const typed = m[2] ?? argv[i + 1];
    const key = optionKey(m[1]);
    const value = options[key];
    if (typeof value === 'number' && typed !== undefined && String(value) !== typed) {
      options[key] = typed;
    }
  }
}

/**
 * A value that begins with '-' and a digit ('--limit -1', '--since -2024') is read by cac's
 * parser as one-letter flags ("Unknown option `-1`", "`-0`"). After an option that takes a
 * value, it is joined to it ('--limit=-1'), so the command says what is wrong with the value.
 */
function joinDashedValues(cli: CAC, args: readonly string[]): string[] {
  const global = cli.globalCommand.options;
  const takesValueIn = (options: typeof global, token: string) =>
    options.some((o) => !o.isBoolean && o.names.includes(optionKey(token)));
  // the command: the first word that is not an option (or a global option's value)
  let word: string | undefined;
  for (let i = 2; i < args.length && word === undefined; i++) {
    const token = args[i] ?? '';
    if (token === '--') break;
    if (!token.startsWith('-')) word = token;
    else if (!token.includes('=') && takesValueIn(global, token)) i++;
  }
  const command =
    cli.commands.find((c) => c.isMatched(word ?? '')) ??
    cli.commands.find((c) => c.isDefaultCommand);
  const options = [...(command?.options ?? []), ...global];
  const takesValue = (token: string) => takesValueIn(options, token);
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i] ?? '';
    const next = args[i + 1];
    if (token === '--') return [...joined, ...args.slice(i)];
    if (
      next !== undefined &&
      /^-\d/.test(next) &&
      /^--?[^-=][^=]*$/.test(token) &&
      takesValue(token)
    ) {
      joined.push(`${token}=${next}`);
      i++;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

/**
 * An option the command does not take is bad usage, named with the nearest one it does take
 * (`--lmit` → did you mean --limit?).
 */
function checkOptions(cli: CAC, args: readonly string[]): void {
  const command = cli.matchedCommand ?? cli.globalCommand;
  if (command.config.allowUnknownOptions) return;
  const options = [
    ...(command.isGlobalCommand ? [] : command.options),
    ...cli.globalCommand.options,
  ];
  const known = new Set(options.flatMap((o) => o.names));
  for (const token of args.slice(2)) {
    if (token === '--') return;
    if (!token.startsWith('-') || /^-\d/.test(token)) continue;
    const typed = token.replace(/=.*$/s, '');
    const names = typed.startsWith('--') ? [typed.slice(2)] : typed.slice(1).split('');
    for (const name of names) {
      const bare = name.replace(/^no-/, '');
      if (known.has(optionKey(name)) || known.has(optionKey(bare)) || known.has(name)) continue;
      const shown = typed.startsWith('--') ? `--${name}` : `-${name}`;
      const near = nearest(
        shown,
        options.flatMap((o) => o.rawName.split(/[ ,]+/).filter((w) => w.startsWith('-'))),
      );
      throw new UsageError(
        `unknown option '${shown}' for '${command.isGlobalCommand ? cli.name : `${cli.name} ${command.name}`}'${near ? `; did you mean ${near}?` : ''}`,
      );
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const sessions = argv[2] === 'sessions';
  const cli = sessions ? buildSessionsCli() : buildMainCli();
  const args = joinDashedValues(
    cli,
    sessions ? [argv[0] ?? 'node', argv[1] ?? 'grok', ...argv.slice(3)] : argv,
  );
  const parsed = cli.parse(args, { run: false });
  if (parsed.options.help || parsed.options.version) return 0;
  if (sessions && !cli.matchedCommand) {
    const word = parsed.args[0];
    if (word === undefined) {
      checkOptions(cli, args);
      // on a terminal, `grok sessions` is the browser; elsewhere its help
      if (process.stdin.isTTY && process.stdout.isTTY) {
        const { browse } = await import('./commands/browse.js');
        const output = await browse(parsed.options);
        await write(process.stdout, output.stdout);
        await write(process.stderr, output.stderr);
        return output.exitCode ?? 0;
      }
      cli.outputHelp();
      return 0;
    }
    const near = nearest(
      String(word),
      cli.commands.map((c) => c.name),
    );
    throw new UserError(
      `unknown command 'grok sessions ${word}'${near ? `; did you mean ${near}?` : ''}`,
      { hint: 'see grok sessions --help', exitCode: EXIT_USAGE },
    );
  }
  checkOptions(cli, args);
  keepTypedValues(parsed.options, args);
  if (parsed.options.json && parsed.options.csv) {
    throw new UsageError('--json and --csv: give one of them');
  }
  const output = (await cli.runMatchedCommand()) as CommandOutput | undefined;
  await write(process.stdout, output?.stdout);
  const notes =
    output?.stderr && wrapNotes(output.stderr, outputWidth(process.env, process.stderr));
  await write(process.stderr, attention(notes));
  return output?.exitCode ?? 0;
}

/** What needs attention stands out on a terminal: warnings yellow (never with NO_COLOR or piped). */
function attention(stderr: CommandOutput['stderr']): CommandOutput['stderr'] {
  if (typeof stderr !== 'string' || !useColor(process.stderr)) return stderr;
  // a warning folded to the width goes on in the indented lines after it
  return stderr.replace(/^grok: warning: .*(?:\n {2}.*)*/gm, (warning) =>
    warning
      .split('\n')
      .map((line) => yellow(line, true))
      .join('\n'),
  );
}

/** A failure's line, red on a terminal. */
function failure(line: string): string {
  return useColor(process.stderr) ? red(line, true) : line;
}

function isCacError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'CACError';
}

const debug = process.argv.includes('--debug');
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(
        `${failure(`grok: ${error.message}${error.hint ? ` (${error.hint})` : ''}`)}\n`,
      );
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = error.exitCode;
    } else if (isCacError(error)) {
      process.stderr.write(`${failure(`grok: ${error.message} (see --help)`)}\n`);
      process.exitCode = EXIT_USAGE;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `${failure(`grok: internal error: ${message}${debug ? '' : ' (run with --debug for details)'}`)}\n`,
      );
      if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = EXIT_FAILURE;
    }
  },
);
