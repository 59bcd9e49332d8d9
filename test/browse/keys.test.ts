/**
 * Which screen a key goes to, at the moment the screen changes. When a key reaches the browser
 * depends on the machine's load, which a terminal in tmux cannot set: here the browser draws
 * into a stream the test reads, and the test sends a key the instant a screen is drawn. The rows
 * and the session files are real (the index over the fixtures); only the moment the rest of the
 * rows come in is held by the test.
 */
import { PassThrough, Writable } from 'node:stream';
import React from 'react';
import { expect, test } from 'vitest';
import type { BrowserProps } from '../../src/browse/app.js';
import type {
  BrowseOutcome,
  BrowseSource,
  FirstRows,
  LoadedRows,
} from '../../src/browse/source.js';
import { browseRows, browseSource, firstRows } from '../../src/commands/browse.js';
import { homeForEachTest } from '../helpers.js';

/** A terminal's input: raw mode is a no-op, keys are pushed by the test. */
class Keyboard extends PassThrough {
  readonly isTTY = true;
  setRawMode(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** A terminal's output, 80x24: each frame Ink writes, whole (Ink's debug mode writes it at once). */
class Screen extends Writable {
  readonly isTTY = true;
  readonly columns = 80;
  readonly rows = 24;
  last = '';
  /** Called with each frame as it is written, before the program goes on. */
  onFrame: (frame: string) => void = () => {};
  override _write(chunk: Buffer | string, _encoding: string, done: () => void): void {
    this.last = chunk.toString();
    this.onFrame(this.last);
    done();
  }
}

/**
 * Ink, and the screen with it, loaded as the browser loads them on a terminal (src/browse/load.ts):
 * with the CI variables hidden, else Ink would draw nothing until the app exits.
 */
async function loadScreen() {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    const [ink, app] = await Promise.all([import('ink'), import('../../src/browse/app.js')]);
    return { render: ink.render, Browser: app.Browser };
  } finally {
    for (const [name, value] of Object.entries(saved))
      if (value !== undefined) process.env[name] = value;
  }
}

/** The screen as last drawn, once `ready` holds of it. */
async function until(screen: Screen, ready: (frame: string) => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  while (!ready(screen.last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; the screen was:\n${screen.last}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return screen.last;
}

const h = homeForEachTest({ fixtures: ['sessions'], inProcess: true });

/**
 * The browser's first 10 rows of the fixtures at once; the rest as `rest` gives them, from the
 * loader's own (held back by the test, or lost).
 */
async function firstScreen(rest: (loaded: () => Promise<LoadedRows>) => Promise<LoadedRows>) {
  const opts = { sessionsDir: h.sessions };
  const source = browseSource(opts);
  const rows = firstRows(opts, { cwd: source.cwd, cwdOnly: false, limit: 10 });
  const first = await rows.first;
  const partial = first.partial;
  if (!partial) throw new Error('the fixtures should be more than one screen of rows');
  const initial: FirstRows = {
    ...first,
    partial: { ...partial, rest: () => rest(() => partial.rest()) },
  };
  return { source, rows, initial };
}

/** The browser on a keyboard and a screen of the test's. */
async function openBrowser(source: BrowseSource, initial: FirstRows) {
  const { render, Browser } = await loadScreen();
  const keyboard = new Keyboard();
  const screen = new Screen();
  let outcome: BrowseOutcome | undefined;
  const props: BrowserProps = {
    source,
    options: { cwdOnly: false, colour: false },
    initial,
    done: (o) => {
      outcome = o;
      app.unmount();
    },
  };
  const app = render(React.createElement(Browser, props), {
    stdin: keyboard as unknown as NodeJS.ReadStream,
    stdout: screen as unknown as NodeJS.WriteStream,
    stderr: screen as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  /** Leaves the view, then the browser, by q. */
  const quit = async () => {
    keyboard.write('q');
    await until(screen, (f) => f.includes('q quit'), 'the list');
    keyboard.write('q');
    await app.waitUntilExit();
    expect(outcome).toEqual({ kind: 'quit' });
  };
  return { keyboard, screen, app, quit };
}

/** A promise the test keeps until it calls `release`. */
function hold(): { held: Promise<void>; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  return { held, release };
}

test('a key sent the instant the conversation view is drawn goes to the view', async () => {
  // the rest of the rows only when the test lets them come
  const rest = hold();
  const { source, rows, initial } = await firstScreen((loaded) => rest.held.then(loaded));
  const { keyboard, screen, app, quit } = await openBrowser(source, initial);
  try {
    // the highlighted session read for the preview: v shows it without reading it again
    await until(screen, (f) => f.includes('first message (user)'), 'the preview');
    // pressed before every row is in, v waits for them
    keyboard.write('v');
    let sent = false;
    screen.onFrame = (frame) => {
      if (sent || !/lines 1-\d+ of \d+/.test(frame)) return;
      sent = true;
      // a terminal slow to take the frame, as on a busy machine; then G, at once
      const end = Date.now() + 20;
      while (Date.now() < end) {}
      keyboard.write('G');
    };
    rest.release();
    const end = await until(
      screen,
      (f) => f.includes('[6] assistant') || f.includes('filter: G'),
      'G to take the view to its end',
    );
    expect(sent).toBe(true);
    expect(end).not.toContain('filter: G');
    expect(end).toMatch(/lines \d+-(\d+) of \1/);
    await quit();
  } finally {
    app.unmount();
    await rows.close();
  }
});

test('G pressed while the conversation is still being read takes it to its end once read', async () => {
  const opts = { sessionsDir: h.sessions };
  const real = browseSource(opts);
  const { rows } = await browseRows(opts);
  // the session files read only when the test lets them be
  const reads = hold();
  const source: BrowseSource = { ...real, read: (row) => reads.held.then(() => real.read(row)) };
  const { keyboard, screen, app, quit } = await openBrowser(source, { rows, notes: [] });
  try {
    await until(screen, (f) => f.includes('q quit'), 'the list');
    keyboard.write('v');
    await until(screen, (f) => f.includes('reading…'), 'the view, reading');
    keyboard.write('G');
    // the key taken (Ink reads it on the next tick), the file not read yet
    await new Promise((r) => setImmediate(r));
    expect(screen.last).toContain('reading…');
    reads.release();
    const end = await until(screen, (f) => /lines \d+-\d+ of \d+/.test(f), 'the conversation');
    expect(end).toMatch(/lines \d+-(\d+) of \1/);
    expect(end).toContain('[6] assistant');
    await quit();
  } finally {
    app.unmount();
  }
});

test('the rest of the rows not read: the short list says why, after the status line is gone', async () => {
  // the rows loaded, then lost, as when another grok holds the index
  const { source, rows, initial } = await firstScreen((loaded) =>
    loaded().then(() => {
      throw new Error('index.duckdb: database is locked');
    }),
  );
  const { keyboard, screen, app } = await openBrowser(source, initial);
  try {
    const failed = await until(screen, (f) => f.includes('database is locked'), 'the error');
    expect(failed).not.toContain('only the newest');
    // typing to filter takes the status line; the filter cleared, the note is there
    keyboard.write('z');
    await until(screen, (f) => f.includes('filter: z'), 'the filter');
    keyboard.write('\u007f');
    const note = `only the newest ${initial.rows.length} sessions: index.duckdb: database is locked`;
    await until(screen, (f) => f.includes(note), 'the note, after the status line has gone');
    keyboard.write('q');
    await app.waitUntilExit();
  } finally {
    app.unmount();
    await rows.close();
  }
});
