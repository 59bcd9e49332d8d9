/**
 * A real terminal for the interactive tests: a tmux server on its own socket per test, running
 * the built CLI in a 200x50 pane. The command is wrapped so the pane stays after grok exits and
 * shows its exit code.
 */
import { spawnSync } from 'node:child_process';
import { BIN } from '../helpers.js';

let counter = 0;

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export class Terminal {
  readonly socket = `grok-chat-test-${process.pid}-${++counter}`;

  /** `size`: the pane's columns and rows. */
  constructor(private readonly size = { columns: 200, rows: 50 }) {}

  private tmux(args: string[], env?: NodeJS.ProcessEnv): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], {
      encoding: 'utf8',
      env: env ?? process.env,
    });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `grok <args>` in `cwd` with `env` (the variables that matter are also set on the command line). */
  start(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): void {
    const vars = Object.entries(env)
      .filter(([k, v]) => v !== undefined && /^(GROK_|XAI_|HOME$|NO_COLOR$|TZ$|CI$)/.test(k))
      .map(([k, v]) => `${k}=${quote(String(v))}`);
    const grok = ['env', ...vars, quote(process.execPath), quote(BIN), ...args.map(quote)].join(
      ' ',
    );
    const script = `cd ${quote(cwd)} && ${grok}; echo "[exit $?]"; sleep 120`;
    this.tmux(
      [
        'new-session',
        '-d',
        '-s',
        'grok',
        '-x',
        String(this.size.columns),
        '-y',
        String(this.size.rows),
        `sh -c ${quote(script)}`,
      ],
      {
        ...env,
        TERM: 'xterm-256color',
      },
    );
  }

  /** Types `text` literally, then Enter. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', 'grok', '-l', text]);
    this.tmux(['send-keys', '-t', 'grok', 'Enter']);
  }

  /** Types `text` literally, without Enter. */
  write(text: string): void {
    this.tmux(['send-keys', '-t', 'grok', '-l', text]);
  }

  /** Sends key names such as C-c, C-d, C-i. */
  keys(...names: string[]): void {
    this.tmux(['send-keys', '-t', 'grok', ...names]);
  }

  /** The program running in the pane: the child of the pane's shell. */
  programPid(): number {
    const shell = this.display('#{pane_pid}');
    const r = spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' });
    const pid = Number(r.stdout.trim().split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no program runs under shell ${shell}`);
    return pid;
  }

  /** Bytes sent to the pane that the program has not read yet (Linux's FIONREAD on its tty). */
  unread(): number {
    const tty = this.display('#{pane_tty}');
    const r = spawnSync(
      'perl',
      [
        '-MFcntl',
        '-e',
        'sysopen(my $f, $ARGV[0], O_RDONLY | O_NOCTTY | O_NONBLOCK) or die "$ARGV[0]: $!\\n"; my $n = pack("i", 0); ioctl($f, 0x541B, $n) or die "FIONREAD: $!\\n"; print unpack("i", $n);',
        tty,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`cannot tell what ${tty} holds: ${r.stderr}`);
    return Number(r.stdout);
  }

  /**
   * Sends keys that the program reads on their own, apart from what comes next. Node's readline
   * takes keys read together as pasted text (a Tab among them is typed as a tab, not a
   * completion), and on a busy machine two quick send-keys can reach it in one read. The program
   * is stopped until the keys wait on its terminal, then let go until it has read them.
   */
  async keysAlone(...names: string[]): Promise<void> {
    const pid = this.programPid();
    process.kill(pid, 'SIGSTOP');
    try {
      this.keys(...names);
      await this.until(() => this.unread() > 0, 'the keys to reach the terminal');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await this.until(() => this.unread() === 0, 'the program to read the keys');
  }

  private async until(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A tmux format of the pane, e.g. '#{alternate_on}'. */
  display(format: string): string {
    return this.tmux(['display-message', '-p', '-t', 'grok', format]).trim();
  }

  /** Runs another tmux command on the pane, e.g. ['resize-window', '-x', '100']. */
  command(...args: string[]): string {
    return this.tmux(args);
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'grok', '-S', '-200']);
  }

  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const check = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (check(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${String(test)}; the screen was:\n${last}`);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { encoding: 'utf8' });
  }
}
