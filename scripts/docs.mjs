/**
 * `npm run docs`: every `console` block of README.md made again from the bundled samples, in the
 * order the README shows them, by running each `$ ` line on one scratch home (HOME and the
 * commands' working directory; GROK_HOME is ~/.grok), at COLUMNS=100, with NO_COLOR, TZ=UTC and
 * the clock fixed through GROK_TEST_NOW (src/test-hooks.ts). A line marked
 * `# with fixtures/broken in the directory too` runs with the broken samples beside the good
 * ones; they are taken out after it. `sh` blocks (another tool's CLI) are shown, never run.
 *
 * `node scripts/docs.mjs` rewrites README.md; `--check` writes nothing and exits 1 (with a diff
 * on stderr) when README.md differs from what the commands print. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');
const BIN = join(ROOT, 'dist', 'grok.cjs');
/** The time the examples are made at. */
export const DOCS_NOW = '2026-01-05T09:00:00Z';
const BROKEN_MARK = '# with fixtures/broken in the directory too';

/**
 * A scratch home of the sample sessions, their files given `mode`, and the environment examples
 * are made in: HOME the scratch folder, GROK_HOME its .grok, `columns` wide, NO_COLOR, TZ=UTC
 * and the clock at DOCS_NOW. Always under /tmp: the scratch path is printed (then shown as ~), and
 * a note or path folded to the width must fold at the same place whatever TMPDIR says. For the
 * README here, and for the table snapshots (test/foundation/tables.test.ts).
 */
export function exampleHome(prefix, { columns, mode }) {
  const scratch = mkdtempSync(join(existsSync('/tmp') ? '/tmp' : tmpdir(), `grok-${prefix}-`));
  const home = join(scratch, '.grok');
  const sessions = join(home, 'sessions');
  mkdirSync(sessions, { recursive: true, mode: 0o700 });
  cpSync(join(ROOT, 'fixtures', 'sessions'), sessions, { recursive: true });
  for (const name of readdirSync(sessions)) chmodSync(join(sessions, name), mode);
  const env = {
    PATH: process.env.PATH,
    HOME: scratch,
    GROK_HOME: home,
    COLUMNS: String(columns),
    NO_COLOR: '1',
    TZ: 'UTC',
    LANG: 'C.UTF-8',
    GROK_TEST_NOW: DOCS_NOW,
  };
  return { scratch, home, sessions, env };
}

/** The README with each console block's output made again. */
export function regenerate(text) {
  // as a fresh clone leaves the sessions (umask 022), whatever this checkout's umask or `npm run
  // fixtures` (which writes 0600) left: the harden example shows them loose
  const { scratch, sessions, env } = exampleHome('docs', { columns: 100, mode: 0o644 });
  const broken = readdirSync(join(ROOT, 'fixtures', 'broken'));
  const run = (command) => {
    const withBroken = command.includes(BROKEN_MARK);
    if (withBroken) {
      // private, as grok writes sessions (harden has run by the time doctor is shown)
      for (const name of broken) {
        cpSync(join(ROOT, 'fixtures', 'broken', name), join(sessions, name));
        chmodSync(join(sessions, name), 0o600);
      }
    }
    const script = `grok() { '${process.execPath}' '${BIN}' "$@"; }\n${command} 2>&1`;
    const r = spawnSync('sh', ['-c', script], { cwd: scratch, env, encoding: 'utf8' });
    if (withBroken) for (const name of broken) rmSync(join(sessions, name), { force: true });
    // the scratch home reads as the reader's own, and the program as an installed one: where
    // this checkout and this node are is nobody's business and differs from machine to machine
    return r.stdout
      .replaceAll(scratch, '~')
      .replaceAll(BIN, '/usr/local/lib/node_modules/grok-sessions/dist/grok.cjs')
      .replaceAll(process.execPath, '/usr/bin/node');
  };
  try {
    const lines = text.split('\n');
    const out = [];
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```console\s*$/.exec(lines[i]);
      out.push(lines[i]);
      if (!open) continue;
      const indent = open[1];
      let end = i + 1;
      while (end < lines.length && lines[end] !== `${indent}\`\`\``) end++;
      for (const line of lines.slice(i + 1, end)) {
        if (!line.startsWith(`${indent}$ `)) continue;
        out.push(line);
        const printed = run(line.slice(indent.length + 2)).replace(/\n$/, '');
        if (printed !== '') out.push(...printed.split('\n').map((l) => (l ? indent + l : l)));
      }
      out.push(lines[end]);
      i = end;
    }
    return out.join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const before = readFileSync(README, 'utf8');
  const after = regenerate(before);
  if (process.argv.includes('--check')) {
    if (after !== before) {
      const a = before.split('\n');
      const b = after.split('\n');
      const first = a.findIndex((l, n) => l !== b[n]);
      process.stderr.write(
        `README.md differs from what the commands print, from line ${first + 1}:\n- ${a[first]}\n+ ${b[first]}\n(run npm run docs)\n`,
      );
      process.exitCode = 1;
    }
  } else {
    writeFileSync(README, after);
  }
}
