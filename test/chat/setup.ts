/** What the runtime tests share: a temp GROK_HOME, a project directory and the fake API. */
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { sessionSchema } from '../../src/session/schema.js';
import { makeHome, type TempHome } from '../helpers.js';
import { type FakeServer, type FakeServerOptions, startFakeServer } from './fake-server.js';
import { Terminal } from './terminal.js';

export interface ChatFixture {
  home: TempHome;
  server: FakeServer;
  /** A project with GROK.md and a few source files: the working directory of grok. */
  project: string;
  env: NodeJS.ProcessEnv;
  cleanup: () => Promise<void>;
}

export const GROK_MD = '# Project notes\nThe auth code lives in src/auth.\n';

export async function chatFixture(
  extra: NodeJS.ProcessEnv = {},
  serverOptions: FakeServerOptions = {},
): Promise<ChatFixture> {
  const home = makeHome();
  const server = await startFakeServer([], serverOptions);
  const project = join(realpathSync(home.home), 'project');
  mkdirSync(join(project, 'src', 'auth'), { recursive: true });
  writeFileSync(join(project, 'GROK.md'), GROK_MD);
  writeFileSync(join(project, 'src', 'index.ts'), 'export {};\n');
  writeFileSync(join(project, 'src', 'auth', 'middleware.ts'), 'export const auth = true;\n');
  const env: NodeJS.ProcessEnv = {
    ...home.env,
    GROK_API_KEY: 'test-key',
    GROK_BASE_URL: server.url,
    GROK_RETRY_DELAY_MS: '5',
    ...extra,
  };
  return {
    home,
    server,
    project,
    env,
    cleanup: async () => {
      await server.close();
      // A grok killed with its terminal may still be writing its emergency save.
      rmSync(home.home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/**
 * Before each test of the calling file (or describe block): a fresh chat fixture, handed to `use`;
 * after it, the fixture removed.
 */
export function eachChatFixture(
  use: (fx: ChatFixture) => void,
  extra: NodeJS.ProcessEnv = {},
  serverOptions: FakeServerOptions = {},
): void {
  eachChat(false, (fx) => use(fx), extra, serverOptions);
}

/**
 * Before each test: a fresh chat fixture and a terminal (tmux), handed to `use`; after it, the
 * terminal closed, then the fixture removed.
 */
export function eachChatInTerminal(
  use: (fx: ChatFixture, term: Terminal) => void,
  extra: NodeJS.ProcessEnv = {},
  serverOptions: FakeServerOptions = {},
): void {
  eachChat(true, (fx, term) => use(fx, term as Terminal), extra, serverOptions);
}

function eachChat(
  withTerminal: boolean,
  use: (fx: ChatFixture, term: Terminal | undefined) => void,
  extra: NodeJS.ProcessEnv,
  serverOptions: FakeServerOptions,
): void {
  let fx: ChatFixture | undefined;
  let term: Terminal | undefined;
  beforeEach(async () => {
    fx = await chatFixture(extra, serverOptions);
    term = withTerminal ? new Terminal() : undefined;
    use(fx, term);
  });
  afterEach(async () => {
    term?.close();
    await fx?.cleanup();
    term = undefined;
    fx = undefined;
  });
}

/** The session files of a directory (names only, sorted). */
export function sessionFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^session-.*\.json$/.test(f))
    .sort();
}

/** Parses a session file and checks it against the schema. */
export function readSession(path: string) {
  const text = readFileSync(path, 'utf8');
  const parsed = sessionSchema.parse(JSON.parse(text));
  return { text, session: parsed };
}

/** The roles of a session's messages, in order. */
export function roles(session: { messages: readonly { role: string }[] }): string[] {
  return session.messages.map((m) => m.role);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
