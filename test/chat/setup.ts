/** What the runtime tests share: a temp GROK_HOME, a project directory and the fake API. */
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionSchema } from '../../src/session/schema.js';
import { makeHome, type TempHome } from '../helpers.js';
import { type FakeServer, type FakeServerOptions, startFakeServer } from './fake-server.js';

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

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
